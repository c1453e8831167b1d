"""A Voila server serving the practice apps, shared by the browser tests, and a place for their screenshots."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Typing exactly this into the lookup box makes its callback raise (see medcode_practice.apps._safe.fault_point).
FAULT_INPUT = "force-an-error"


@dataclass(frozen=True)
class Server:
    port: int
    log: Path
    pid: int
    fault_input: str = FAULT_INPUT

    def url(self, name: str = "index") -> str:
        from medcode_practice.apps import _server

        return _server.app_url(self.port, name)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def kernel_ids(self) -> set[str]:
        """Return the ids of the kernels this server runs (from their connection-file names)."""
        import re

        import psutil

        found = set()
        for child in psutil.Process(self.pid).children(recursive=True):
            try:
                found.update(re.findall(r"kernel-([0-9a-f-]{36})\.json", " ".join(child.cmdline())))
            except psutil.NoSuchProcess:
                continue
        return found


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """Start Voila on a free port serving the apps folder; yield a Server (port, log, url()); stop it afterwards.

    HOME is a temporary folder (Jupyter and IPython write there); MEDCODE_DATA_DIR and MEDCODE_CACHE_DIR are passed
    through so the kernels see the session's data folder and the warmed code index.
    """
    from medcode_practice.apps import _safe, _server

    home = tmp_path_factory.mktemp("voila-home")
    log_path = tmp_path_factory.mktemp("voila-log") / "voila.log"
    env = {**os.environ, "HOME": str(home), "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           _safe.FAULT_VARIABLE: f"lookup:{FAULT_INPUT}"}
    for name in ("MEDCODE_DATA_DIR", "MEDCODE_CACHE_DIR"):
        env[name] = os.environ[name]
    port = _server.free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(_server.voila_command(port), env=env, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=str(home))
    try:
        _server.wait_for_port(port, process, timeout=60)
        yield Server(port, log_path, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
