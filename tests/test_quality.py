"""Accessibility and valid HTML on the built site: axe-core in a real browser (one page of each kind, both
languages, search dialog open too) and the Nu HTML Checker over every page. Both stay at zero."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from browsing import serve

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = ["/", "/cases/", "/cases/2022-jilin-campus-loan-cancel/", "/types/refund-claim/", "/never-say/", "/never-say/jd-finance/",
         "/red-flags/", "/handouts/", "/stats/", "/about/", "/contribute/", "/lists/all-2/", "/open-data/", "/no-such-page/",
         "/check/", "/self-check/"]


def axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})
        .then(r => r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3)]))""")


@pytest.mark.parametrize("path", PAGES + ["/en" + p for p in PAGES])
def test_axe_finds_no_violation(page, server, path):
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it into .tools/")
    page.goto(server + path, wait_until="networkidle")
    assert axe_violations(page) == []


def test_axe_finds_no_violation_in_the_open_search_dialog(page, server):
    page.goto(server + "/cases/", wait_until="networkidle")
    page.locator(".fz-search-button").click()
    page.locator("input.md-search__input").fill("白条")
    page.locator("input.md-search__input").press("End")
    page.wait_for_selector(".md-search-result__item")
    assert axe_violations(page) == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_axe_finds_no_violation_in_the_checkers_results(page, server, prefix):
    page.goto(server + prefix + "/check/", wait_until="networkidle")
    page.fill("#fz-checker-text", "我是京东金融客服，请开启屏幕共享，来电 400-606-5500")
    page.click("#fz-checker button[type=submit]")
    assert page.locator(".fz-findings li").count() >= 1
    assert axe_violations(page) == []
    page.goto(server + prefix + "/self-check/", wait_until="networkidle")
    page.locator("fieldset.fz-question input[value=yes]").first.check()
    assert axe_violations(page) == []


def test_every_page_is_valid_html(built_site):
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail("the Nu HTML Checker needs java and .tools/ (`make test` installs both)")
    pages = [str(p) for p in built_site.rglob("*.html") if "pagefind" not in p.parts]
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages], capture_output=True, text=True)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [(m.get("url", "").split("/site/")[-1], m.get("lastLine"), m.get("message")) for m in messages if m.get("type") == "error"]
    assert errors == [], errors[:10]


def test_a_missing_translation_shows_as_a_box_on_the_english_page(page, tmp_path):
    from fanzha.build import build_site

    for name in ("cases", "data", "schema", "templates", "docs", "overrides", "fanzha"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    case = tmp_path / "cases" / "2022-jilin-campus-loan-cancel.yml"
    lines = case.read_text(encoding="utf-8").splitlines()
    start = lines.index("summary:")
    del lines[start + 2 : start + 4]  # the summary's en and en_from: a text not translated yet
    case.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert build_site(tmp_path) == 0
    httpd, url = serve(tmp_path / "site")
    try:
        page.goto(url + "/en/cases/2022-jilin-campus-loan-cancel/")
        box = page.locator(".admonition.warning")
        assert box.is_visible() and "Translation missing" in box.inner_text()
        assert "!!!" not in page.locator("article").inner_text()
    finally:
        httpd.shutdown()
