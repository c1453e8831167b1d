"""Shared test set-up: keep tests away from the developer's own imported files, share the code-index cache."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

# The compact ICD-10-CM table and search index are rebuildable caches keyed by their sources: share the
# developer's (warmed by `make test`). Imported files are per-test-session, so a developer's licensed CPT
# file or FY2027 import never changes what the tests see.
if "MEDCODE_CACHE_DIR" not in os.environ:
    from platformdirs import user_cache_dir

    os.environ["MEDCODE_CACHE_DIR"] = user_cache_dir("medcode-practice")
_SESSION_DATA = tempfile.mkdtemp(prefix="medcode-data-")
os.environ["MEDCODE_DATA_DIR"] = _SESSION_DATA


@pytest.fixture
def fresh_data_dir(tmp_path, monkeypatch):
    """Give one test its own MEDCODE_DATA_DIR (for imports) and reset the library's caches around it."""
    from medcode_practice.codes import cpt, hcpcs, icd10cm

    monkeypatch.setenv("MEDCODE_DATA_DIR", str(tmp_path / "data"))
    for module in (cpt, hcpcs):
        module._active_cache.clear()
    icd10cm.release.cache_clear()
    yield tmp_path / "data"
    for module in (cpt, hcpcs):
        module._active_cache.clear()
    icd10cm.release.cache_clear()


@pytest.fixture
def run_cli(capsys):
    """Run the medcode CLI in-process; return (exit code, stdout, stderr)."""
    from medcode_practice.cli import main

    def run(*args: str):
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


# ---------------------------------------------------------------------------------------------- browser tests
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """One headless Chromium for the whole session (one sync_playwright per process), offline but for 127.0.0.1.

    Chromium writes under $HOME, so it gets a temporary one. Pages are opened per test (or per module) from
    this context. Requests to anything but the local server (Voila's templates link a CDN font) are aborted.
    """
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian chromium at /usr/bin/chromium (`make test` installs it)")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium-home")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env={**os.environ, "HOME": str(home)},
            viewport={"width": 1280, "height": 900})
        context.route(lambda url: not url.startswith(("http://127.0.0.1", "http://localhost")),
                      lambda route: route.abort())
        context.set_default_timeout(30_000)
        yield context
        context.close()
