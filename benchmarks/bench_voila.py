"""Benchmark: first interactive render of each practice app under Voila against a bare ipywidgets app, and memory.

    python benchmarks/bench_voila.py [--rounds 3] [--preheat]      # targets: ratio <= 1.5, kernel <= 120 MiB

One Voila server serves the app notebooks and a bare notebook (a Text and a Button) from one folder, exactly as
``medcode practice`` starts it; headless Chromium opens each page in turn, rounds alternating the order. "First
interactive render" is the time from navigation to the app's first input widget being visible (the kernel has
started, run the notebook and the widget manager has drawn the widgets). Memory is each visitor's kernel process
RSS, read with psutil right after the render and again after one typical interaction.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = {"bare": ".bare-text input", "index": ".app-index-list", "lookup": ".lookup-query input",
         "case_drill": ".drill-answer textarea", "em_leveler": ".em-problems button",
         "claim_desk": ".claim-codes textarea", "denial_queue": ".queue-list select",
         "terminology": ".terms-cards .mcp-flip"}
BARE = ("import ipywidgets as widgets\n"
        "text = widgets.Text(placeholder='type')\ntext.add_class('bare-text')\n"
        "button = widgets.Button(description='Go')\nbutton.add_class('bare-button')\n"
        "out = widgets.HTML()\nbutton.on_click(lambda _: setattr(out, 'value', text.value))\n"
        "widgets.VBox([text, button, out])")


def interact(page, name: str) -> None:
    """Do what a learner does first in each app, and wait for the answer (so the kernel has done real work)."""
    from playwright.sync_api import expect

    if name == "bare":
        page.fill(".bare-text input", "hello")
        page.click(".bare-button")
    elif name == "lookup":
        page.fill(".lookup-query input", "S72.001")
        page.press(".lookup-query input", "Enter")
        expect(page.locator(".lookup-detail")).to_contain_text("7th character", timeout=30_000)
    elif name == "case_drill":
        page.fill(".drill-answer textarea", "S06.0X0D, 99214")
        page.click(".drill-submit")
        expect(page.locator(".drill-feedback")).to_contain_text("points", timeout=30_000)
    elif name == "em_leveler":
        page.click(".em-problems button:text-is('moderate')")
        expect(page.locator(".em-result")).to_contain_text("Level", timeout=30_000)
    elif name == "claim_desk":
        page.click(".claim-use-key")
        page.click(".claim-submit")
        expect(page.locator(".claim-remit")).to_contain_text("Remittance", timeout=30_000)
    elif name == "denial_queue":
        page.click(".queue-action button:text-is('Appeal')")
        page.click(".queue-work")
        expect(page.locator(".queue-outcome")).to_contain_text("call", timeout=30_000)
    elif name == "terminology":
        page.click(".terms-cards .mcp-flip")
        expect(page.locator(".terms-cards .mcp-counter")).to_contain_text("back", timeout=30_000)


def page_kernel(page, server_pid: int):
    """Return the kernel process serving ``page`` (its id is in the page config; the process names its file)."""
    kernel_id = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    for process in kernels(server_pid).values():
        if kernel_id and kernel_id in " ".join(process.cmdline()):
            return process
    return None


def kernels(server_pid: int) -> dict[int, object]:
    import psutil

    out = {}
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                out[child.pid] = child
        except psutil.NoSuchProcess:
            continue
    return out


def mib(process) -> float:
    return process.memory_info().rss / 2 ** 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--preheat", action="store_true", help="serve with --preheat_kernel=True --pool_size=1")
    parser.add_argument("--apps", nargs="*", default=[n for n in READY if n != "bare"])
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs Debian chromium at {CHROMIUM}")
        return 2
    sys.path.insert(0, str(ROOT))
    import nbformat
    import psutil
    from playwright.sync_api import sync_playwright

    from medcode_practice.apps import _server

    names = ["bare", *args.apps]
    with tempfile.TemporaryDirectory(prefix="medcode-voila-bench-") as tmp:
        folder = Path(tmp) / "apps"
        folder.mkdir()
        for name in args.apps:
            shutil.copy(_server.notebooks_dir() / f"{name}.ipynb", folder / f"{name}.ipynb")
        bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BARE)])
        bare.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(bare, folder / "bare.ipynb")
        home = Path(tmp) / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home)}
        port = _server.free_port()
        started = time.monotonic()
        server = subprocess.Popen(_server.voila_command(port, folder, preheat=args.preheat), env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        renders: dict[str, list[float]] = {n: [] for n in names}
        memory: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
        try:
            ready = _server.wait_for_port(port, server, timeout=90)
            if args.preheat:
                time.sleep(10 + 2 * len(names))  # let the pool execute every notebook before the first visitor
            server_mib = mib(psutil.Process(server.pid))
            print(f"Voila ready (port open) in {ready:.1f} s; server RSS {server_mib:.0f} MiB"
                  + (" (with the preheated pool running)" if args.preheat else ""))
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                    env={**os.environ, "HOME": str(home)}, viewport={"width": 1280, "height": 900})
                context.route(lambda url: not url.startswith("http://127.0.0.1"), lambda route: route.abort())
                # A first page warms the browser cache (JS bundles), so every measured page starts equal.
                warm = context.new_page()
                warm.goto(_server.app_url(port, "bare"))
                warm.wait_for_selector(READY["bare"], state="visible", timeout=90_000)
                warm.close(run_before_unload=True)
                for round_number in range(args.rounds):
                    order = names if round_number % 2 == 0 else list(reversed(names))
                    for name in order:
                        page = context.new_page()
                        t0 = time.monotonic()
                        page.goto(_server.app_url(port, name), wait_until="commit")
                        page.wait_for_selector(READY[name], state="visible", timeout=90_000)
                        renders[name].append(time.monotonic() - t0)
                        mine = page_kernel(page, server.pid)
                        rendered = mib(mine) if mine else float("nan")
                        interact(page, name)
                        used = mib(mine) if mine else float("nan")
                        memory[name].append((rendered, used))
                        page.close(run_before_unload=True)  # as a closing tab does: Voila then stops the kernel
                context.close()
            time.sleep(3)
            lingering = len(kernels(server.pid))
            print(f"kernels still running 3 s after every page was closed: {lingering} "
                  f"(of {len(names) * args.rounds} visits)")
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        total = time.monotonic() - started

    base = statistics.median(renders["bare"])
    print(f"\nFirst interactive render, median of {args.rounds} ({'preheated pool' if args.preheat else 'no preheat'}); "
          f"kernel RSS per visitor after render / after one interaction")
    print(f"{'app':<14}{'render s':>10}{'vs bare':>9}{'kernel MiB':>12}{'after use':>11}  targets: <=1.5x, <=120 MiB")
    worst_ratio, worst_memory = 0.0, 0.0
    for name in names:
        median = statistics.median(renders[name])
        ratio = median / base
        rendered = statistics.median(m[0] for m in memory[name])
        used = statistics.median(m[1] for m in memory[name])
        if name != "bare":
            worst_ratio = max(worst_ratio, ratio)
            worst_memory = max(worst_memory, used)
        print(f"{name:<14}{median:>10.2f}{ratio:>8.2f}x{rendered:>12.0f}{used:>11.0f}"
              + ("" if name == "bare" else "  " + ("ok" if ratio <= 1.5 and used <= 120 else "OVER")))
    print(f"\nworst ratio {worst_ratio:.2f}x (target <= 1.5); worst kernel {worst_memory:.0f} MiB (target <= 120); "
          f"run took {total:.0f} s")
    return 0 if worst_ratio <= 1.5 and worst_memory <= 120 else 1


if __name__ == "__main__":
    sys.exit(main())
