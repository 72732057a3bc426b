"""The built site in a real browser (Playwright driving Debian's chromium), served from this machine only."""

import pytest

from browsing import PHONE, phone_screenshot, search

CASE = "2022-jilin-campus-loan-cancel"

pytest.importorskip("playwright.sync_api")


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
    page.goto(server + path, wait_until="networkidle")
    assert phone_screenshot(page, name).stat().st_size > 10_000


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
