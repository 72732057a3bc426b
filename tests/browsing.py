"""What the browser tests share: the built site served as GitHub Pages serves it, and the search box driven
as a reader would. The Playwright fixtures (browser, page, server) are in conftest.py."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 375, "height": 667}
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


def serve(folder: Path):
    """(server, base URL) for a built site folder; call server.shutdown() when done."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}{MOUNT}"


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # screenshots for people to look at (git-ignored)


def phone_screenshot(page, name: str) -> Path:
    """The whole page as a phone shows it, saved as test-artifacts/<name>-375.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}-{PHONE['width']}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def search(page, query: str):
    page.locator(".fz-search-button").first.click()
    field = page.locator("input.md-search__input")
    field.fill("")
    field.type(query)
    field.press("End")  # CJK typed by Playwright sends no keyup; End does
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return page.locator(".md-search-result__item a")


def top_five(page, base: str, start: str, query: str) -> list[str]:
    page.goto(base + start)
    links = search(page, query)
    return [links.nth(i).get_attribute("href") for i in range(min(5, links.count()))]
