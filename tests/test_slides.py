"""The class-meeting talk: 16:9 slides as a PDF and as one self-contained web page, speaker notes on A4; both
languages. Every slide and every PDF page is saved to test-artifacts/ for a reviewer to look at."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from browsing import ARTIFACTS
from fanzha import slides, views
from fanzha.checks import check_project
from fanzha.site import Index, SiteConfig
from test_quality import AXE, axe_violations

ROOT = Path(__file__).resolve().parent.parent
CORPUS = check_project(ROOT).corpus
INDEX = Index.build(CORPUS)
CHOICE = slides.choose(CORPUS, INDEX)
CONFIG = SiteConfig.read(ROOT)
LANGS = ("zh", "en")
SCREEN = {"width": 1280, "height": 720}


def tool(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def folder(site: Path, lang: str) -> Path:
    """Each language's talk is in its own site's handouts/."""
    return site / "handouts" if lang == "zh" else site / "en" / "handouts"


def squeezed(text: str, lang: str) -> str:
    # lines wrap anywhere in Chinese: compare without white space there
    return "".join(text.split()) if lang == "zh" else " ".join(text.split())


def text_of(pdf: Path, lang: str) -> str:
    return squeezed(tool("pdftotext", str(pdf), "-"), lang)


def slide_count(site: Path, lang: str) -> int:
    return (folder(site, lang) / f"talk.{lang}.html").read_text(encoding="utf-8").count('<section class="slide ')


# ---------------------------------------------------------------- what the talk shows


def test_the_case_told_is_well_documented_and_the_exercise_lines_come_from_other_cases():
    case = CORPUS.cases[CHOICE.case]
    assert case.place and case.loss.amount_cny and case.loss.outcome.value != "averted"
    assert slides.MIN_TURNS <= len(case.script) <= slides.MAX_TURNS
    most = max(len(ids) for ids in INDEX.cases_by_type.values())
    assert len(INDEX.cases_by_type[CHOICE.scam_type]) == most
    quoted = [ident for ident, _ in CHOICE.quiz]
    assert len(CHOICE.quiz) == slides.QUIZ and len(set(quoted)) == len(quoted) and CHOICE.case not in quoted
    in_story = {flag for turn in case.script for flag in turn.red_flags}
    for ident, number in CHOICE.quiz:
        turn = CORPUS.cases[ident].script[number]
        assert turn.speaker.value == "scammer" and turn.red_flags and not set(turn.red_flags) & in_story


def test_no_case_to_tell_stops_with_what_to_add():
    short = [i for i in INDEX.newest if len(CORPUS.cases[i].script) < slides.MIN_TURNS]
    bare = Index({}, {}, {}, INDEX.flags_by_count, short)
    with pytest.raises(slides.TalkError, match="add one to cases/"):
        slides.talk_case(CORPUS, bare, CHOICE.scam_type)


def test_the_script_goes_on_as_few_slides_as_fit():
    line = views.TurnView("scammer", "骗子", "说" * 30)
    assert [len(part) for part, _ in slides.script_slides([line] * 7, "案例经过（1/3）")] == [3, 2, 2]
    long = views.TurnView("scammer", "Scammer", "word " * 120)
    parts = slides.script_slides([long] * 3, "What happened (1/3)")
    assert len(parts) == 3 and all(dense for _, dense in parts)


# ---------------------------------------------------------------- the PDFs


@pytest.mark.parametrize("lang", LANGS)
def test_slides_pdf_is_16_9_one_slide_a_page_and_small(built_site, lang):
    pdf = folder(built_site, lang) / f"talk.{lang}.pdf"
    info = tool("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == slide_count(built_site, lang) and 12 <= pages <= 18  # about a minute a slide
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width / height - 16 / 9) < 0.005
    notes = folder(built_site, lang) / f"talk-notes.{lang}.pdf"
    assert "(A4)" in tool("pdfinfo", str(notes))
    for path in (pdf, notes):
        assert path.stat().st_size <= 500_000, path


@pytest.mark.parametrize("lang", LANGS)
def test_pdfs_embed_their_fonts_as_subsets(built_site, lang):
    for name in (f"talk.{lang}.pdf", f"talk-notes.{lang}.pdf"):
        rows = tool("pdffonts", str(folder(built_site, lang) / name)).splitlines()[2:]
        assert rows and any("WenQuanYi" in row for row in rows)
        for row in rows:
            assert re.search(r" yes yes (yes|no) ", row), row  # embedded, as a subset


@pytest.mark.parametrize("lang", LANGS)
def test_slides_have_hotlines_the_cases_lines_and_the_warning_signs(built_site, lang):
    raw = tool("pdftotext", str(folder(built_site, lang) / f"talk.{lang}.pdf"), "-")
    assert re.search(r"☎\s*96110\b", raw) and re.search(r"☎\s*110\b", raw)  # the hotlines, big
    text = squeezed(raw, lang)
    case = CORPUS.cases[CHOICE.case]
    flags = {f for turn in case.script for f in turn.red_flags}
    for turn in case.script:
        assert squeezed(getattr(turn.text, lang), lang)[:20] in text
    for ident, number in CHOICE.quiz:
        turn = CORPUS.cases[ident].script[number]
        assert squeezed(getattr(turn.text, lang), lang)[:20] in text
        flags.update(turn.red_flags[:2])
    for flag in flags:
        assert squeezed(getattr(CORPUS.vocab["red_flags"][flag].name, lang), lang) in text, flag
    assert ("哪里不对？" if lang == "zh" else "What's wrong?") in text
    assert ("资料来源" if lang == "zh" else "Sources") in text and ("制作日期" if lang == "zh" else "Made on") in text


@pytest.mark.parametrize("lang", LANGS)
def test_notes_say_what_to_say_on_every_slide(built_site, lang):
    text = text_of(folder(built_site, lang) / f"talk-notes.{lang}.pdf", lang)
    label = "第{n}页，共{total}页" if lang == "zh" else "Slide {n} of {total}"
    total = slide_count(built_site, lang)
    for n in range(1, total + 1):
        assert label.format(n=n, total=total) in text
    assert squeezed(getattr(CORPUS.cases[CHOICE.case].summary, lang), lang)[:30] in text
    for ident, number in CHOICE.quiz:
        flag = CORPUS.vocab["red_flags"][CORPUS.cases[ident].script[number].red_flags[0]]
        assert squeezed(getattr(flag.what_to_do, lang), lang)[:20] in text
    assert "96110" in text


@pytest.mark.parametrize("lang", LANGS)
def test_qr_codes_lead_to_pages_that_exist(built_site, lang, tmp_path):
    pdf = folder(built_site, lang) / f"talk.{lang}.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)
    found = set()
    for image in sorted(tmp_path.glob("page*.png")):
        decoded = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True).stdout.split()
        found.update(decoded)
    prefix = CONFIG.site_url + ("en/" if lang == "en" else "")
    assert found == {prefix, prefix + f"cases/{CHOICE.case}/"}
    for url in found:
        assert (built_site / url[len(CONFIG.site_url):] / "index.html").exists(), url


def test_an_unchanged_corpus_renders_no_pdf(built_site, monkeypatch):
    from fanzha import handouts
    from fanzha.site import generate

    rendered = []
    monkeypatch.setattr(handouts, "_render_many", lambda jobs, base: rendered.extend(jobs) or [])
    assert generate(ROOT) == [] and rendered == []
    manifest = (ROOT / "build" / "handouts" / "manifest.yml").read_text(encoding="utf-8")
    assert all(f"talk.{lang}.pdf" in manifest and f"talk-notes.{lang}.pdf" in manifest for lang in LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_pdf_page_is_saved_for_review(built_site, lang):
    import pypdfium2

    ARTIFACTS.mkdir(exist_ok=True)
    for name in (f"talk.{lang}.pdf", f"talk-notes.{lang}.pdf"):
        document = pypdfium2.PdfDocument(str(folder(built_site, lang) / name))
        try:
            for number, pdf_page in enumerate(document, 1):
                image = pdf_page.render(scale=1.5).to_pil().convert("L")
                assert image.getextrema()[0] < 100  # something printed on it
                image.save(ARTIFACTS / f"{name[:-4]}-page-{number:02}.png")
        finally:
            document.close()


# ---------------------------------------------------------------- the handouts page


@pytest.mark.parametrize("lang", LANGS)
def test_handouts_page_offers_the_talk_with_a_preview(built_site, lang):
    page = (folder(built_site, lang) / "index.html").read_text(encoding="utf-8")
    for name in (f"talk.{lang}.pdf", f"talk-notes.{lang}.pdf", f"talk.{lang}.html"):
        assert f'href="{name}"' in page and (folder(built_site, lang) / name).exists()
    assert re.search(rf'<img [^>]*height="180"[^>]*src="talk\.{lang}\.png"[^>]*width="320"', page)
    assert ("U盘" if lang == "zh" else "USB stick") in page


# ---------------------------------------------------------------- the web page


@pytest.mark.parametrize("lang", LANGS)
def test_web_slides_are_one_file_that_names_nothing_outside(built_site, lang):
    html = (folder(built_site, lang) / f"talk.{lang}.html").read_text(encoding="utf-8")
    assert "<script src" not in html and 'rel="stylesheet"' not in html and "url(" not in html and "@import" not in html
    for address in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert address.startswith(CONFIG.site_url) or address == CONFIG.base_path + ("en/" if lang == "en" else "") + "feed.xml", address
    sections = re.findall(r'<section class="slide [a-z]+" id="slide-\d+" aria-label="[^"]+">', html)
    assert len(sections) == slide_count(built_site, lang) == html.count('<div class="notes" role="note"')


def current(page) -> str:
    return page.locator("section.slide.current").get_attribute("id")


def visible_slides(page) -> int:
    return sum(1 for i in range(page.locator("section.slide").count()) if page.locator("section.slide").nth(i).is_visible())


@pytest.mark.parametrize("lang", LANGS)
def test_web_slides_move_by_keyboard_show_notes_and_fetch_nothing(page, server, built_site, lang):
    total = slide_count(built_site, lang)
    page.set_viewport_size(SCREEN)
    address = server + ("/en" if lang == "en" else "") + f"/handouts/talk.{lang}.html"
    page.goto(address)
    assert current(page) == "slide-1" and visible_slides(page) == 1
    for key, expected in (("ArrowRight", 2), ("Space", 3), ("PageDown", 4), ("PageUp", 3), ("ArrowLeft", 2),
                          ("End", total), ("ArrowRight", total), ("Home", 1)):
        page.keyboard.press(key)
        assert current(page) == f"slide-{expected}", key
    notes = page.locator("section.slide.current .notes")
    assert not notes.is_visible()
    page.keyboard.press("n")
    assert notes.is_visible() and notes.inner_text().strip()
    page.keyboard.press("n")
    assert not notes.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    for number in range(1, total + 1):  # every slide, as the class sees it
        assert current(page) == f"slide-{number}"
        page.screenshot(path=str(ARTIFACTS / f"talk-{lang}-slide-{number:02}.png"))
        page.keyboard.press("ArrowRight")
    assert page.requests == [address]


@pytest.mark.parametrize("lang", LANGS)
def test_web_slides_run_from_a_usb_stick_without_any_request(page, built_site, lang, tmp_path):
    stick = tmp_path / "usb"
    stick.mkdir()
    copy = Path(shutil.copy(folder(built_site, lang) / f"talk.{lang}.html", stick))
    page.set_viewport_size(SCREEN)
    page.goto(copy.as_uri())
    page.keyboard.press("ArrowRight")
    assert current(page) == "slide-2"
    page.keyboard.press("N")
    assert page.locator("section.slide.current .notes").is_visible()
    page.screenshot(path=str(ARTIFACTS / f"talk-{lang}-usb-notes.png"))
    assert page.requests == [copy.as_uri()]


@pytest.mark.parametrize("lang", LANGS)
def test_web_slides_without_script_are_a_page_of_slides_with_notes(browser, built_site, lang):
    context = browser.new_context(viewport=SCREEN, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto((folder(built_site, lang) / f"talk.{lang}.html").as_uri())
        total = slide_count(built_site, lang)
        assert visible_slides(page) == total
        assert all(page.locator(".notes").nth(i).is_visible() for i in range(total))
        assert not page.locator(".controls").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violation_in_the_web_slides(page, server, lang):
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it into .tools/")
    page.set_viewport_size(SCREEN)
    page.goto(server + ("/en" if lang == "en" else "") + f"/handouts/talk.{lang}.html")
    assert axe_violations(page) == []
    page.keyboard.press("n")
    assert axe_violations(page) == []
