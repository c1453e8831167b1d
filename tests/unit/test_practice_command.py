"""``medcode practice``: Voila starts on 127.0.0.1, the address is printed, and stopping it stops Voila."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from medcode_practice.apps import _server

pytestmark = pytest.mark.slow


def _start(port: int, *extra: str, home) -> subprocess.Popen:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "medcode_practice.cli", "practice", "--port", str(port),
                             "--no-browser", *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)


def _voila_children(pid: int) -> list:
    import psutil

    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if "voila" in " ".join(p.cmdline())]
    except psutil.NoSuchProcess:
        return []


def test_practice_serves_the_landing_page_and_stops_voila_on_sigterm(tmp_path):
    """Does `medcode practice` print the landing page URL, serve it, and take Voila down when it is stopped?"""
    port = _server.free_port()
    process = _start(port, "--json", home=tmp_path)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            lines.append(process.stdout.readline())
            if lines[-1].startswith("}"):
                break
        data = json.loads("".join(lines))
        assert data["url"] == f"http://127.0.0.1:{port}/voila/render/index.ipynb"
        children = _voila_children(process.pid)
        assert children, "Voila was not started as a child of medcode practice"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    time.sleep(0.5)
    assert not any(child.is_running() and child.status() != "zombie" for child in children)
    assert not _server.port_in_use(port)


def test_practice_refuses_a_port_in_use(run_cli):
    """Is a busy port refused with a one-line reason and exit status 2?"""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run_cli("practice", "--port", str(port), "--no-browser")
    assert code == 2 and "in use" in err and out == ""
