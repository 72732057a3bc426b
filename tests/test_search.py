"""Search in a real browser: the right pages for real queries, per language, and a page load that does not
grow with the casebook (Pagefind fetches its index per query, never at page load)."""

import shutil
import sys
from pathlib import Path

import pytest

from browsing import MOUNT, PHONE, search, serve, top_five

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("playwright.sync_api")

# (query, a page that must be among the first five results); the people, apps and words of the reports
ZH_QUERIES = [
    ("白条", "/types/cancel-baitiao-jintiao/"),
    ("征信", "/types/credit-repair/"),
    ("屏幕共享", "/types/cancel-baitiao-jintiao/"),
    ("安全账户", "/types/cancel-membership/"),
    ("校园贷", "/types/student-account-upgrade/"),
    ("蒋女士", "/cases/2022-jilin-campus-loan-cancel/"),
    ("小张", "/cases/zhoushan-pinduoduo-membership-fake-bank/"),
    ("钉钉", "/types/cancel-baitiao-jintiao/"),
    ("小鱼易连", "/cases/zhoushan-putuo-jd-coat-refund-loan/"),
]
EN_QUERIES = [
    ("screen sharing", "/en/cases/2022-jilin-campus-loan-cancel/"),
    ("XYLink", "/en/cases/zhoushan-putuo-jd-coat-refund-loan/"),
    ("DingTalk", "/en/cases/2022-jilin-campus-loan-cancel/"),
    ("Ms Jiang", "/en/cases/2022-jilin-campus-loan-cancel/"),
    ("safe account", "/en/cases/"),
]


@pytest.mark.parametrize("query, expected", ZH_QUERIES)
def test_chinese_queries_find_the_right_page(page, server, query, expected):
    hrefs = top_five(page, server, "/", query)
    assert any(MOUNT + expected in href for href in hrefs), hrefs
    assert all("/en/" not in href for href in hrefs)  # results stay in their language
    # the snippet shows the passage that matched, with the words marked, not the hotline banner
    marked = page.locator(".md-search-result__item mark").first.inner_text()
    assert marked and marked in query
    assert "遇到可疑来电先挂断" not in page.locator(".md-search-result").inner_text()


@pytest.mark.parametrize("query, expected", EN_QUERIES)
def test_english_queries_find_the_right_page(page, server, query, expected):
    hrefs = top_five(page, server, "/en/", query)
    assert any(MOUNT + expected in href for href in hrefs), hrefs
    assert all(MOUNT + "/en/" in href for href in hrefs)


def test_search_words_are_all_found(page, server):
    """data/search_words.txt lists the words readers look for: each must find a page that contains it."""
    words = [line.split()[0] for line in (ROOT / "data" / "search_words.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    site = ROOT / "site"
    for word in words:
        if not any(word in p.read_text(encoding="utf-8") for p in site.glob("cases/*/index.html")):
            continue  # no case uses it (yet)
        hrefs = top_five(page, server, "/", word)
        assert hrefs, word


def test_search_makes_no_request_until_used_and_none_outside(page, server):
    page.goto(server + "/cases/2022-jilin-campus-loan-cancel/", wait_until="networkidle")
    assert not [u for u in page.requests if "/pagefind/" in u]  # nothing of the index at page load
    search(page, "白条")
    assert [u for u in page.requests if "/pagefind/" in u]
    assert all(u.startswith(server.split(MOUNT)[0]) for u in page.requests)


def bytes_of_page_load(browser, base: str) -> int:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sizes = {}  # by address: whether the browser's cache serves the second page's styles depends on file times
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())) if response.ok else None)
    page.goto(base + "/", wait_until="networkidle")
    page.goto(base + "/cases/synthetic-00001/", wait_until="networkidle")
    context.close()
    return sum(sizes.values())


@pytest.fixture(scope="module")
def casebooks(tmp_path_factory):
    """Synthetic casebooks of 10 and 500 cases, built and served: {count: base URL}. At 500 cases the case
    pages' search index is in shards (fanzha/search.py)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from synthetic import make_project  # noqa: E402
    from fanzha.build import build_site

    servers, urls = [], {}
    try:
        for count in (10, 500):
            project = make_project(tmp_path_factory.mktemp("casebook") / f"p{count}", count)
            assert build_site(project) == 0
            shutil.rmtree(project / "build", ignore_errors=True)
            httpd, urls[count] = serve(project / "site")
            servers.append(httpd)
        yield urls
    finally:
        for httpd in servers:
            httpd.shutdown()


def test_page_load_does_not_grow_with_the_casebook(browser, casebooks):
    loads = {count: bytes_of_page_load(browser, url) for count, url in casebooks.items()}
    # a few hundred bytes move with the counts printed on the home page; nothing grows with the corpus
    assert abs(loads[500] - loads[10]) < 3_000, loads


def test_search_finds_cases_in_every_shard(page, casebooks):
    """500 cases: two shards of case pages besides the other pages' bundle; one query searches all three."""
    from fanzha.search import shard_count, shard_of

    shards = shard_count(500)
    assert shards == 2
    for number in (1, 2, 3, 4):  # synthetic-0000N is case number N + 1 in its title
        ident = f"synthetic-{number:05d}"
        hrefs = top_five(page, casebooks[500], "/", f"第{number + 1}例")
        assert any(f"/cases/{ident}/" in href for href in hrefs), (shard_of(f"cases/{ident}/index.html", shards), hrefs)
    found = {shard_of(f"cases/synthetic-{n:05d}/index.html", shards) for n in (1, 2, 3, 4)}
    assert found == {"pagefind-cases-0", "pagefind-cases-1"}  # both shards were searched
    assert {u.split(MOUNT)[1].split("/")[1] for u in page.requests if "/pagefind" in u} >= {"pagefind", *found}
    hrefs = top_five(page, casebooks[500], "/", "白条")  # the other pages' bundle too
    assert any("/types/cancel-baitiao-jintiao/" in href for href in hrefs), hrefs
