import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")


@pytest.fixture(autouse=True)
def _project_root(monkeypatch):
    """The CLI reads the project from the current directory, as it does for contributors."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def built_site():
    """One strict build of the real site per test run (site/ is generated output, never committed)."""
    from fanzha.build import build_site

    assert build_site(ROOT) == 0, "the strict build failed"
    return ROOT / "site"


@pytest.fixture(scope="session")
def server(built_site):
    """The real built site, served under /casebook/ from this machine only."""
    from browsing import serve

    httpd, url = serve(built_site)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Playwright driving Debian's chromium, headless, never reaching past this machine."""
    from browsing import CHROMIUM, CHROMIUM_ARGS

    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A phone-sized page that records every request it makes (page.requests)."""
    from browsing import PHONE

    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()
