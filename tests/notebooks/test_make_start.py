"""`make start`: JupyterLab on the course, landing on the welcome lesson, with nbgrader and Voila enabled."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "medcode-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = _free_port()
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    flags = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={TOKEN}"
    process = subprocess.Popen(["make", "start", f"PORT={port}", f"LAB_FLAGS={flags}"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 180
    base = f"http://127.0.0.1:{port}"
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"make start exited with {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not open its port within 180 s")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_lab_serves_the_course_and_lands_on_the_welcome_lesson(lab):
    """Does the server root hold the course, with the welcome lesson as the landing page?"""
    status, body = _get(f"{lab}/api/contents/00-welcome.ipynb?token={TOKEN}&content=0")
    assert status == 200 and json.loads(body)["name"] == "00-welcome.ipynb"
    with urllib.request.urlopen(f"{lab}/?token={TOKEN}", timeout=10) as response:
        assert response.status == 200
        assert response.geturl().split("?")[0].endswith("/lab/tree/00-welcome.ipynb")


def test_nbgrader_and_voila_extensions_are_enabled(lab):
    """Are the nbgrader and Voila lab extensions installed and enabled in the server's lab?"""
    status, body = _get(f"{lab}/lab/api/extensions?token={TOKEN}")
    assert status == 200
    extensions = {e["name"]: e for e in json.loads(body)}
    assert extensions["jupyter-nbgrader"]["enabled"]
    assert extensions["voila-dashboards-jupyterlab-preview"]["enabled"]
