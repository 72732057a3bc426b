"""The built site in a real browser (Playwright driving Debian's chromium), served from this machine only."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CASE = "2022-jilin-campus-loan-cancel"
PHONE = {"width": 375, "height": 667}

playwright_api = pytest.importorskip("playwright.sync_api")


MOUNT = "/casebook"  # the path of site_url: the site is served under it, as on GitHub Pages


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site under MOUNT, and its 404 page for anything else, as GitHub Pages does."""

    def translate_path(self, path):
        if path.split("?")[0] == MOUNT:
            path = MOUNT + "/"
        return super().translate_path(path[len(MOUNT):] if path.startswith(MOUNT + "/") else "/__outside__")

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{MOUNT}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def search(page, query: str):
    page.locator(".fz-search-button").first.click()
    field = page.locator("input.md-search__input")
    field.fill("")
    field.type(query)
    field.press("End")  # Material searches on keyup; typing CJK sends none
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return page.locator(".md-search-result__item a")


def test_chinese_search_finds_chinese_pages(page, server):
    page.goto(f"{server}/")
    links = search(page, "白条")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all("/en/" not in href for href in hrefs)
    assert any("/cases/" in href for href in hrefs)
    assert "白条" in page.locator(".md-search-result").inner_text()


@pytest.mark.parametrize("term", ["征信", "屏幕共享", "安全账户", "校园贷"])
def test_chinese_domain_terms_are_found(page, server, term):
    page.goto(f"{server}/")
    assert search(page, term).count() > 0


def test_english_search_finds_english_pages(page, server):
    page.goto(f"{server}/en/")
    links = search(page, "screen sharing")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and all("/en/" in href for href in hrefs)


def test_language_switch_lands_on_the_twin(page, server):
    page.goto(f"{server}/cases/{CASE}/")
    page.locator(".md-header__option .md-select button").first.hover()
    page.locator("a.md-select__link[hreflang='en']").click()
    page.wait_for_url(f"{server}/en/cases/{CASE}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".md-header__option .md-select button").first.hover()
    page.locator("a.md-select__link[hreflang='zh']").click()
    page.wait_for_url(f"{server}/cases/{CASE}/")


@pytest.mark.parametrize("path", ["/", f"/cases/{CASE}/", "/en/", f"/en/cases/{CASE}/", "/red-flags/", "/never-say/jd-finance/"])
def test_no_request_leaves_the_local_server(page, server, path):
    page.goto(server + path, wait_until="networkidle")
    outside = [url for url in page.requests if not url.startswith(server) and not url.startswith("data:")]
    assert outside == []


def test_key_action_visible_on_a_phone_without_scrolling(page, server):
    page.goto(f"{server}/")
    box = page.locator(".fz-now ol li").first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert page.locator(".fz-now a[href^='tel:']").count() == 2


@pytest.mark.parametrize("path", [f"/cases/{CASE}/", "/cases/", "/en/cases/2020-wuhan-fake-student-loan-record/"])
def test_nothing_overflows_a_phone_screen(page, server, path):
    page.goto(server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


@pytest.mark.parametrize("name, path", [("home-zh", "/"), ("case-zh", f"/cases/{CASE}/"), ("home-en", "/en/"), ("case-en", f"/en/cases/{CASE}/")])
def test_phone_screenshots(page, server, name, path):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + path, wait_until="networkidle")
    target = ARTIFACTS / f"{name}-375.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_printing_a_page_drops_the_site_chrome_and_shows_link_targets(page, server):
    page.goto(f"{server}/cases/{CASE}/")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-footer', '.md-search', '.fz-edit']
              .map(s => document.querySelector(s)).filter(Boolean)
              .map(e => getComputedStyle(e).display)"""
    )
    assert hidden and set(hidden) == {"none"}
    shown = page.evaluate(
        """() => getComputedStyle(document.querySelector('.md-typeset a[href^="http"]'), '::after').content"""
    )
    assert "http" in shown
