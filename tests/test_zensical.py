"""The same generated tree built with Zensical (Material's successor): language switch to the twin page,
Chinese search, and no request leaving the local server."""

import shutil
from pathlib import Path

import pytest

from browsing import MOUNT, serve, top_five

ROOT = Path(__file__).resolve().parent.parent
ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory):
    if not ZENSICAL.exists():
        pytest.fail(".venv-zensical is missing: `make test` installs it (make site-zensical)")
    from fanzha.build import build_site

    project = tmp_path_factory.mktemp("zensical")
    for name in ("cases", "data", "schema", "templates", "docs", "overrides", "fanzha"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, project / name)
    (project / ".venv-zensical").symlink_to(ROOT / ".venv-zensical")
    assert build_site(project, engine="zensical") == 0
    httpd, url = serve(project / "site")
    yield url
    httpd.shutdown()


def test_zensical_language_switch_lands_on_the_twin_page(page, zensical_site):
    page.goto(zensical_site + "/cases/2022-jilin-campus-loan-cancel/")
    page.locator('a.md-select__link[hreflang="en"]').first.dispatch_event("click")
    page.wait_for_url("**/en/cases/2022-jilin-campus-loan-cancel/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_zensical_chinese_search_and_no_outside_request(page, zensical_site):
    hrefs = top_five(page, zensical_site, "/cases/2022-jilin-campus-loan-cancel/", "蒋女士")
    assert any(MOUNT + "/cases/2022-jilin-campus-loan-cancel/" in href for href in hrefs), hrefs
    local = zensical_site.split(MOUNT)[0]
    assert page.requests and all(url.startswith(local) for url in page.requests)
    assert not [u for u in page.requests if u.endswith("search.json")]  # Zensical's own whole-site index is not loaded
