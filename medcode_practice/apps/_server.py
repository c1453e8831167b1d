"""Serve the practice apps with Voila: the command line, the URLs, and waiting until the server listens.

``medcode practice``, the browser tests and the benchmark all start Voila through :func:`voila_command`, so they
run the same server the learner gets.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["HOST", "notebooks_dir", "voila_command", "app_url", "free_port", "port_in_use", "wait_for_port"]

HOST = "127.0.0.1"


def notebooks_dir() -> Path:
    """Return the folder of the app notebooks (they ship inside the package)."""
    return Path(__file__).resolve().parent / "notebooks"


def voila_command(port: int, folder: Path | str | None = None, preheat: bool = False) -> list[str]:
    """Return the command that serves ``folder`` (default: the app notebooks) on 127.0.0.1:``port``.

    Tracebacks stay off (the Voila default, made explicit): a learner never sees code or a traceback. Voila runs
    as root without an --allow-root flag. Kernels stop when their page is closed (see the comment below). ``preheat`` keeps one executed kernel ready per notebook: measured with
    benchmarks/bench_voila.py it saves about half a second of a 3-4 s first render, for one idle ~57 MiB kernel
    per notebook held all the time (8 here, ~450 MiB), so it is off by default.
    """
    command = [sys.executable, "-m", "voila", str(folder or notebooks_dir()), "--no-browser", f"--port={port}",
               f"--Voila.ip={HOST}", "--Voila.port_retries=0", "--show_tracebacks=False", "--strip_sources=True",
               "--theme=light",
               # A closing tab asks Voila to stop its kernel with a beacon that carries no _xsrf cookie, which Voila
               # 0.5 refuses (403, voila-dashboards/voila#1458): every visit then leaves a ~60-75 MiB kernel behind
               # until the server stops. Voila's only state-changing endpoints need a kernel's random id, so the
               # cookie check adds nothing here; without it the kernel stops when the learner leaves the page.
               "--Voila.tornado_settings=disable_check_xsrf=True"]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    return command


def app_url(port: int, name: str = "index") -> str:
    """Return the URL of one app page (``index`` is the landing page)."""
    return f"http://{HOST}:{port}/voila/render/{name}.ipynb"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((HOST, port)) == 0


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = 60.0) -> float:
    """Wait until something listens on ``port``; return the seconds waited.

    Probing the TCP port (not an HTTP GET of a notebook, which would execute it) is the readiness check. Raises
    RuntimeError if ``process`` exits first, TimeoutError after ``timeout`` seconds.
    """
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Voila exited with status {process.returncode} before it was ready")
        if port_in_use(port):
            return time.monotonic() - started
        time.sleep(0.1)
    raise TimeoutError(f"Voila did not listen on port {port} within {timeout:.0f} s")
