"""The generated site: facts on pages, escaping, both languages, strict and reproducible builds."""

import functools
import hashlib
import json
import re
import shutil
from pathlib import Path

import markdown
import pytest

from fanzha.build import build_site
from fanzha.checks import check_project
from fanzha.model import Case, Text
from fanzha import views
from fanzha.site import GenerationError, Renderer, SiteConfig, environment, generate, read_strings

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
LI_MOU = "2020-wuhan-fake-student-loan-record"


def html(path: str) -> str:
    return (SITE / path).read_text(encoding="utf-8")


def digest_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_case_page_shows_loss_source_and_red_flags(built_site):
    page = html(f"cases/{LI_MOU}/index.html")
    assert "84,077 元" in page
    assert "武汉" in page and "洪山" in page  # the source: Wuhan police, Hongshan branch
    assert 'href="/casebook/red-flags/#safe-account"' in page
    assert "银监会" in page
    english = html(f"en/cases/{LI_MOU}/index.html")
    assert "¥84,077" in english and "Hongshan" in english


def test_money_flow_table_lists_each_loan(built_site):
    page = html(f"cases/{LI_MOU}/index.html")
    for amount in ("13,488", "15,000", "15,656", "29,998"):  # each step of the money flow
        assert amount in page


def test_type_page_lists_its_cases_and_script(built_site):
    page = html("types/cancel-baitiao-jintiao/index.html")
    assert "fz-turn fz-scammer" in page
    # the type page names its newest cases; its list pages name every one
    lists = sorted(SITE.glob("lists/cancel-baitiao-jintiao-*/index.html"))
    assert lists and "lists/cancel-baitiao-jintiao-1/" in page
    assert any("cases/2022-jilin-campus-loan-cancel/" in p.read_text(encoding="utf-8") for p in lists)


def test_case_lists_are_paged_and_name_every_case_once(built_site):
    from fanzha.site import PER_PAGE

    pages = [SITE / "cases" / "index.html", *sorted(SITE.glob("lists/all-*/index.html"))]
    named = []
    for p in pages:  # resolve each link: from the site's path (raw HTML), or relative to its page's folder
        for href in re.findall(r'href="([^"#:]+)"', p.read_text(encoding="utf-8")):
            file = SITE / href.removeprefix("/casebook/") if href.startswith("/casebook/") else p.parent / href
            target = file.resolve().relative_to(SITE.resolve())
            if target.parts[:1] == ("cases",) and len(target.parts) == 2:
                named.append(target.parts[1])
    cases = {p.stem for p in (ROOT / "cases").glob("*.yml")}
    assert sorted(named) == sorted(cases)  # every case once, on exactly one page
    assert len(pages) == -(-len(cases) // PER_PAGE)


def test_tabs_and_sidebar_lead_to_the_same_pages_from_every_page(built_site):
    """The MkDocs hook renders the tabs and sidebar once per folder for pages outside the navigation and reuses
    them (overrides/main.html): from every page, each tab and each sidebar entry leads to the same page."""
    import posixpath

    for lang, folder in (("zh", SITE), ("en", SITE / "en")):
        targets: dict[tuple[str, str], set[str]] = {}
        pages = [p for p in folder.rglob("index.html") if (lang == "en" or "en" not in p.relative_to(SITE).parts[:1])
                 and "pagefind" not in p.parts]
        for page in pages:
            folder_path = page.parent.relative_to(folder).as_posix()
            here = "/" if folder_path == "." else f"/{folder_path}/"
            text = page.read_text(encoding="utf-8")
            for href, kind, label in re.findall(r'<a href="([^"#]*)" class="md-(tabs|nav)__link[^"]*">\s*(?:<span class="md-ellipsis">)?\s*([^<]+?)\s*<', text):
                target = posixpath.normpath(posixpath.join(here, href)) if not href.startswith("/") else href
                targets.setdefault((kind, label), set()).add(target.rstrip("/") + "/")
        assert len(targets) >= 20, lang  # a dozen tabs and sidebar entries each
        assert {key: found for key, found in targets.items() if len(found) > 1} == {}, lang


def test_never_say_page_links_statements_to_cases(built_site):
    page = html("never-say/jd-finance/index.html")
    assert "官方电话核实" in page
    assert re.search(r'href="\.\./\.\./cases/[a-z0-9-]+/"', page)


def test_every_page_has_hotlines_and_right_language(built_site):
    for lang, folder in (("zh", SITE), ("en", SITE / "en")):
        pages = [p for p in folder.rglob("index.html") if lang == "en" or "/en/" not in str(p)]
        assert len(pages) > 10
        for page in pages:
            text = page.read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in text, page
            assert "96110" in text and "110" in text, page


def test_pages_have_description_and_twin_links(built_site):
    page = html(f"cases/{LI_MOU}/index.html")
    assert '<meta name="description" content="' in page
    # the language switch links to the twin page, relative so it works offline and under any path
    assert f'href="../../en/cases/{LI_MOU}/" hreflang="en"' in page
    assert f'href="../../../cases/{LI_MOU}/" hreflang="zh"' in html(f"en/cases/{LI_MOU}/index.html")
    # no <link rel=alternate hreflang> in the head: Material's script would fetch each one's sitemap.xml
    assert not re.search(r'<link rel="alternate"[^>]*hreflang', page)


def test_sitemaps_and_robots(built_site):
    robots = (SITE / "robots.txt").read_text()
    assert "sitemap.xml" in robots and "en/sitemap.xml" in robots
    assert (SITE / "sitemap.xml").exists() and (SITE / "en" / "sitemap.xml").exists()


def test_search_indexes_stay_in_their_language(built_site):
    zh = json.loads((SITE / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    en = json.loads((SITE / "en" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(zh["languages"]) == ["zh"] and list(en["languages"]) == ["en"]
    pages = len([p for p in SITE.rglob("index.html") if "en" not in p.relative_to(SITE).parts])
    assert zh["languages"]["zh"]["page_count"] == pages  # every Chinese page, nothing else
    assert not (SITE / "search").exists() and not (SITE / "en" / "search").exists()  # no whole-site index


def test_boilerplate_is_kept_out_of_the_search_index(built_site):
    page = html(f"cases/{LI_MOU}/index.html")
    assert "data-pagefind-body" in page
    for marked in ('class="admonition danger fz-hotline" data-pagefind-ignore="all"', 'data-pagefind-ignore="all" id="sources"'):
        assert marked in page


def test_no_third_party_addresses_in_pages(built_site):
    """Nothing is loaded from elsewhere; the only outside links are the cited sources, opened without a referrer."""
    site_url = SiteConfig.read(ROOT).site_url
    allowed = (site_url, SiteConfig.read(ROOT).repo_url + "/")
    cited = {s.url for s in check_project(ROOT).corpus.vocab["sources"].values() if s.url}
    for page in SITE.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.findall(r'src="(https?://[^"]+)"', text), page
        for tag, url in re.findall(r'(<a [^>]*href="(https?://[^"]+)"[^>]*>)', text):
            url = url.replace("&amp;", "&")
            assert url.startswith(allowed) or (url in cited and 'rel="noopener noreferrer"' in tag), (page, url)
        assert "fonts.googleapis" not in text


def test_two_builds_are_identical(built_site):
    first = digest_tree(SITE)
    assert build_site(ROOT) == 0
    assert digest_tree(SITE) == first


def test_generation_writes_only_what_changed(built_site):
    assert generate(ROOT) == []


def render_case(case: Case, lang="zh") -> str:
    result = check_project(ROOT)
    strings = read_strings(ROOT)
    renderer = Renderer(environment(ROOT), lang, strings, result.corpus, SiteConfig.read(ROOT))
    view = functools.partial(views.case_view, "x", case, [f.flag for f in case.red_flags])
    return renderer.render("case.md.j2", "cases/x.md", id="x", view=view)


EVIL = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">']


@pytest.mark.parametrize("evil", EVIL)
def test_markup_in_any_field_comes_out_escaped(evil):
    case = check_project(ROOT).corpus.cases["2022-jilin-campus-loan-cancel"]
    data = case.model_dump(mode="json")

    def poison(value):
        if isinstance(value, dict):
            return {k: (evil + v if k in ("zh", "en") and isinstance(v, str) else poison(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [poison(v) for v in value]
        return value

    page = markdown.markdown(render_case(Case.model_validate(poison(data))), extensions=["admonition", "attr_list", "md_in_html", "tables"])
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page


def test_missing_translation_is_said_on_the_page():
    case = check_project(ROOT).corpus.cases["2022-jilin-campus-loan-cancel"]
    untranslated = case.model_copy(update={"summary": Text(zh="只有中文的摘要")})
    page = render_case(untranslated, "en")
    assert "Translation missing" in page and "只有中文的摘要" in page
    html_page = markdown.markdown(page.split("---", 2)[2], extensions=["admonition", "attr_list", "md_in_html", "tables"])
    assert '<div class="admonition warning">\n<p class="admonition-title">Translation missing</p>' in html_page  # a box, not text
    assert "Translation missing" not in render_case(case, "en")


def test_broken_corpus_generates_nothing(tmp_path):
    for name in ("cases", "data", "templates", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    broken = tmp_path / "cases" / "2022-jilin-campus-loan-cancel.yml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("amount_cny: 100000", "amount_cny: 10万余元"), encoding="utf-8")
    with pytest.raises(GenerationError) as error:
        generate(tmp_path)
    assert "FZ013" in str(error.value)
    assert not (tmp_path / "build").exists()


def test_contribute_page_shows_translation_coverage(built_site):
    from fanzha.i18n import coverage

    counts = coverage(check_project(ROOT).corpus)
    page = html("en/contribute/index.html")
    assert f"{counts['translated']} of {counts['total']} texts have English" in page
    assert f"{counts['translated']} / {counts['total']}" in html("contribute/index.html")


def test_entry_the_pages_need_is_named_when_missing(monkeypatch, tmp_path):
    import fanzha.site as site

    monkeypatch.setitem(site.REQUIRED_ENTRIES, "advice", ["call-96110", "no-such-advice"])
    with pytest.raises(GenerationError, match="data/advice.yml has no entry `no-such-advice`"):
        generate(ROOT, tmp_path / "docs")  # a new folder: the code changed only in memory, not on disk


def test_a_broken_template_is_named_with_its_line(tmp_path):
    for name in ("cases", "data", "templates", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    about = tmp_path / "templates" / "about.md.j2"
    about.write_text(about.read_text(encoding="utf-8") + "\n{{ s.no_such_label }}\n", encoding="utf-8")
    with pytest.raises(GenerationError, match=r"templates/about\.md\.j2:\d+: .*no_such_label"):
        generate(tmp_path)


def render_page(template: str, page: str, lang: str = "zh", **context) -> str:
    from fanzha.site import Index

    corpus = check_project(ROOT).corpus
    renderer = Renderer(environment(ROOT), lang, read_strings(ROOT), corpus, SiteConfig.read(ROOT))
    return renderer.render(template, page, index=Index.build(corpus), **context)


@pytest.mark.parametrize("lang, label, disagree", [("zh", "本站建议，非引自报道", "说法不一"), ("en", "Casebook advice, not from a cited report", "Sources disagree")])
def test_red_flags_name_a_source_for_each_text_and_show_disputes(lang, label, disagree):
    page = render_page("red_flags.md.j2", "red-flags.md", lang)
    section = page.split("{ #unsolicited-service-call }")[1].split("\n## ")[0]
    assert disagree in section and "jd-finance-never-say" in section.split(disagree)[1]  # JD Finance's side is shown
    editorial = page.split("{ #money-will-be-returned }")[1].split("\n## ")[0]
    assert f"[{label}](about.md#casebook-editors)" in editorial


def test_never_say_page_shows_the_dispute_and_no_number_as_proof():
    corpus = check_project(ROOT).corpus
    page = render_page("never_say.md.j2", "never-say/jd-finance.md", id="jd-finance", never=corpus.vocab["never_say"]["jd-finance"])
    verify = page.split("## 如何核实")[1]
    police = next(line for line in verify.splitlines() if "不会外呼" in line)
    assert "说法不一" in police and "真客服可能会打电话给你" in police
    assert "官方号码" not in page and "来电显示可以伪造" in page and "021-95118" in page


def test_home_page_figures_are_computed_from_the_corpus(built_site):
    from fanzha.views import corpus_stats

    cases = check_project(ROOT).corpus.cases
    stats = corpus_stats(cases)
    assert stats.cases == len(list((ROOT / "cases").glob("*.yml")))
    assert stats.total_loss == sum(c.loss.amount_cny or 0 for c in cases.values())
    page = html("index.html")
    assert f"本站收录 {stats.cases} 个真实案例" in page and f"{stats.total_loss:,} 元" in page


def test_every_never_say_platform_has_cited_statements(built_site):
    corpus = check_project(ROOT).corpus
    assert len(corpus.vocab["never_say"]) >= 5  # JD Finance and at least four more
    for platform, never in corpus.vocab["never_say"].items():
        assert never.statements and all(st.source in corpus.vocab["sources"] for st in never.statements), platform
        assert (SITE / "never-say" / platform / "index.html").exists()


def test_vocabulary_entries_are_used(built_site):
    """Platforms, scam types and red flags appear in cases; advice in a case or on a scam type's page."""
    from fanzha.site import case_flags

    corpus = check_project(ROOT).corpus
    vocab, cases = corpus.vocab, corpus.cases.values()
    assert set(vocab["platforms"]) == {p for c in cases for p in c.platforms}
    assert set(vocab["scam_types"]) == {c.scam_type for c in cases}
    flags = {f for c in cases for f in case_flags(c)} | {f for t in vocab["scam_types"].values() for f in t.red_flags}
    flags |= {f for t in vocab["scam_types"].values() for s in t.typical_scripts for turn in s.turns for f in turn.red_flags}
    assert set(vocab["red_flags"]) <= flags
    advice = {a for c in cases for a in c.advice} | {a for t in vocab["scam_types"].values() for a in t.advice}
    assert set(vocab["advice"]) <= advice | set(REQUIRED_PAGES_ADVICE)


REQUIRED_PAGES_ADVICE = ("call-96110", "call-110", "anti-fraud-app", "hang-up-and-verify", "verify-through-official-app",
                         "never-share-screen-or-code", "never-transfer-to-strangers", "answer-96110-calls", "official-app-store-only")


def test_cited_sources_link_to_their_address(built_site):
    sources = check_project(ROOT).corpus.vocab["sources"]
    about = html("about/index.html")
    for ident, source in sources.items():
        if source.url:
            assert f'href="{source.url.replace("&", "&amp;")}" rel="noopener noreferrer"' in about, ident
    with_url = [s for s in sources.values() if s.url]
    assert len(with_url) >= 20


def test_no_broken_links_inside_the_site(built_site):
    """Every link from one page of the site to another lands on a file that exists (404 pages included)."""
    base = "/" + SiteConfig.read(ROOT).site_url.split("://", 1)[1].partition("/")[2]
    broken = []
    for page in SITE.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        for href in re.findall(r'href="([^"#?]*)(?:[#?][^"]*)?"', page.read_text(encoding="utf-8")):
            if not href or href.startswith(("http://", "https://", "mailto:", "tel:", "javascript:")):
                continue
            if href.startswith("/"):
                if not href.startswith(base):
                    broken.append((page, href))
                    continue
                target = SITE / href[len(base):]
            else:
                target = (page.parent / href)
            target = target / "index.html" if href.endswith("/") or target.is_dir() else target
            if not target.exists():
                broken.append((str(page.relative_to(SITE)), href))
    assert not broken, broken[:10]


def test_quotes_in_headings_show_as_quotes_in_the_table_of_contents(built_site):
    """A title with quotes (the "CBRC") once showed as &#34;CBRC&#34; in the sidebar: no page has an escaped
    entity shown as text."""
    shown = [str(p.relative_to(built_site)) for p in built_site.rglob("*.html") if re.search(r"&amp;#(34|39);", p.read_text(encoding="utf-8"))]
    assert shown == []
    page = (built_site / "en" / "never-say" / "index.html").read_text(encoding="utf-8")
    assert 'the "CBRC" scammers name' in page
