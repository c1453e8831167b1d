"""``medcode practice``: serve the Voila practice apps on 127.0.0.1 and open the landing page."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import webbrowser

from ..cli import UsageError, emit

DEFAULT_PORT = 8866


def register(sub) -> None:
    practice = sub.add_parser("practice", help="serve the practice apps (lookup, case drill, claims …) with Voila")
    practice.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    practice.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    practice.add_argument("--preheat", action="store_true",
                          help="keep one ready kernel per app (faster first page, one idle kernel per app)")
    practice.add_argument("--json", action="store_true", help="print the address as JSON")
    practice.set_defaults(func=run_practice)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run_practice(args: argparse.Namespace) -> int:
    from ..apps import _server

    if not 1 <= args.port <= 65535:
        raise UsageError("--port must be between 1 and 65535")
    if _server.port_in_use(args.port):
        raise UsageError(f"port {args.port} on {_server.HOST} is in use: pick another with --port N")
    # Its own session: Ctrl-C reaches this process only, which then stops Voila cleanly (no y/n prompt). A SIGTERM
    # to this process must stop Voila too, so it is turned into the same clean exit.
    process = subprocess.Popen(_server.voila_command(args.port, preheat=args.preheat), start_new_session=True)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            _server.wait_for_port(args.port, process, timeout=90)
        except (RuntimeError, TimeoutError) as error:
            raise UsageError(str(error)) from None
        url = _server.app_url(args.port)
        emit(args, {"url": url, "port": args.port, "pid": process.pid},
             f"MedCode Practice apps: {url}\n(press Ctrl-C to stop)")
        sys.stdout.flush()
        if not args.no_browser:
            webbrowser.open(url)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
