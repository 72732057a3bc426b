"""The campus kit: the pocket booklet (A5 pages, and the same pages imposed on A4 for folding) and the A3 poster,
in both languages. Checked as a printer and a reader would meet them: page counts and sizes, embedded font
subsets, the hotlines and key phrases in the text, type sizes, QR codes that open existing pages, the order
of the pages on the printed sheets. Every page is saved as a PNG under test-artifacts/kit/ for a reviewer."""

import calendar
import re
import subprocess
from pathlib import Path

import pytest

from fanzha import handouts, kit, site
from fanzha.checks import check_project
from fanzha.site import Index, SiteConfig

ROOT = Path(__file__).resolve().parent.parent
CORPUS = check_project(ROOT).corpus
INDEX = Index.build(CORPUS)
LANGS = ("zh", "en")
ARTIFACTS = ROOT / "test-artifacts" / "kit"
A5, A4_LANDSCAPE, A3 = (420, 595), (842, 595), (842, 1191)
FILES = [f"{name}.{lang}.pdf" for lang in LANGS for name in ("booklet", "booklet-print", "poster")]


def tool(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf(site_dir: Path, name: str) -> Path:
    return site_dir / "handouts" / name


def page_sizes(path: Path) -> list[tuple[float, float]]:
    info = tool("pdfinfo", "-f", "1", "-l", "999", str(path))
    return [(float(w), float(h)) for w, h in re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info, re.M)]


def squeeze(text: str, lang: str) -> str:
    """Lines wrap anywhere in Chinese: compare without white space there, with single spaces in English."""
    return "".join(text.split()) if lang == "zh" else " ".join(text.split())


def text_of(path: Path, lang: str, page: int | None = None, crop: tuple[int, int, int, int] | None = None) -> str:
    args = ["pdftotext"] + (["-f", str(page), "-l", str(page)] if page else [])
    if crop:
        args += ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]), "-H", str(crop[3])]
    return squeeze(tool(*args, str(path), "-"), lang)


def close(size: tuple[float, float], expected: tuple[int, int]) -> bool:
    return abs(size[0] - expected[0]) <= 1 and abs(size[1] - expected[1]) <= 1


def printed(lang: str, text) -> str:
    return squeeze(getattr(text, lang), lang)


def text_sizes(path: Path) -> list[tuple[int, float, float, str]]:
    """(page, font size in pt, height above the page's bottom edge in pt, text) of every piece of text."""
    from pypdf import PdfReader

    out = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                out.append((number, size * abs(tm[2] * cm[1] + tm[3] * cm[3]), tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))
        page.extract_text(visitor_text=visit)
    return out


# ---------------------------------------------------------------- files, pages, sizes


def test_kit_is_built_in_both_languages(built_site):
    for lang in LANGS:
        for name in (f"booklet.{lang}.pdf", f"booklet.{lang}.png", f"booklet-print.{lang}.pdf", f"poster.{lang}.pdf", f"poster.{lang}.png"):
            assert pdf(built_site, name).exists(), name
    assert (built_site / "en" / "handouts" / "booklet-print.en.pdf").exists()  # the English site links its own


@pytest.mark.parametrize("lang", LANGS)
def test_booklet_is_8_to_16_a5_pages_a_multiple_of_four(built_site, lang):
    sizes = page_sizes(pdf(built_site, f"booklet.{lang}.pdf"))
    assert 8 <= len(sizes) <= 16 and len(sizes) % 4 == 0
    assert all(close(size, A5) for size in sizes), sizes


@pytest.mark.parametrize("lang", LANGS)
def test_print_version_is_a4_landscape_two_pages_a_side(built_site, lang):
    pages = len(page_sizes(pdf(built_site, f"booklet.{lang}.pdf")))
    sizes = page_sizes(pdf(built_site, f"booklet-print.{lang}.pdf"))
    assert len(sizes) == pages // 2
    assert all(close(size, A4_LANDSCAPE) for size in sizes), sizes


@pytest.mark.parametrize("lang", LANGS)
def test_poster_is_one_a3_page(built_site, lang):
    sizes = page_sizes(pdf(built_site, f"poster.{lang}.pdf"))
    assert len(sizes) == 1 and close(sizes[0], A3), sizes


@pytest.mark.parametrize("name", FILES)
def test_pdf_is_small_with_every_font_embedded_as_a_subset(built_site, name):
    path = pdf(built_site, name)
    assert path.stat().st_size <= 500_000
    fonts = tool("pdffonts", str(path)).splitlines()[2:]
    assert any("WenQuanYi" in line or "CJK" in line for line in fonts)
    for line in fonts:  # name type encoding emb sub uni object: "yes yes" = embedded, as a subset
        assert re.search(r" yes +yes +(yes|no) +\d+ +\d+$", line), line


# ---------------------------------------------------------------- what they say


@pytest.mark.parametrize("lang", LANGS)
def test_booklet_text_has_hotlines_phrases_questions_and_sources(built_site, lang):
    text = text_of(pdf(built_site, f"booklet.{lang}.pdf"), lang)
    vocab = CORPUS.vocab
    assert "☎96110" in text.replace(" ", "") and "☎110" in text.replace(" ", "")
    top = kit.ranked_types(CORPUS, INDEX)[0]
    assert printed(lang, vocab["scam_types"][top].name) in text
    assert printed(lang, vocab["scam_types"][top].stages[0].name) in text
    assert printed(lang, vocab["advice"]["hang-up-and-verify"].text)[:20] in text
    assert any(printed(lang, vocab["red_flags"][f].phrases[0])[:15] in text for f in vocab["scam_types"][top].red_flags)
    for flag in vocab["red_flags"].values():  # every self-check question
        if flag.question:
            assert printed(lang, flag.question) in text
    for statement in vocab["never_say"]["jd-finance"].statements:
        assert printed(lang, statement.summary) in text
    assert ("资料来源" if lang == "zh" else "Sources") in text
    assert ("京东金融" if lang == "zh" else "JD Finance") in text  # a publisher in the list
    assert re.search(r"\d{4}-\d\d-\d\d", text)  # the date it was made


@pytest.mark.parametrize("lang", LANGS)
def test_poster_has_five_statements_two_numbers_date_and_sources(built_site, lang):
    text = text_of(pdf(built_site, f"poster.{lang}.pdf"), lang)
    chosen = kit.poster_statements(CORPUS.vocab)
    assert len(chosen) == 5 and [p for p, _ in chosen[:3]] == ["jd-finance"] * 3
    for _, statement in chosen:
        assert printed(lang, statement.summary) in text
    assert "96110" in text and re.search(r"(?<!96)110", text)
    assert ("资料来源" if lang == "zh" else "Sources") in text and re.search(r"\d{4}-\d\d-\d\d", text)


@pytest.mark.parametrize("lang", LANGS)
def test_booklet_text_is_at_least_10pt(built_site, lang):
    sizes = text_sizes(pdf(built_site, f"booklet.{lang}.pdf"))
    assert sizes and min(size for _, size, _, _ in sizes) >= 9.99


@pytest.mark.parametrize("lang", LANGS)
def test_poster_text_is_at_least_24pt_but_the_date_and_sources_line(built_site, lang):
    sizes = text_sizes(pdf(built_site, f"poster.{lang}.pdf"))
    small = [(size, y, text) for _, size, y, text in sizes if size < 23.99]
    assert any(size >= 100 for _, size, _, _ in sizes)  # the numbers, huge
    # only the last line(s) at the foot of the page, at least 12pt, and they are the date and sources
    assert all(size >= 12 and y < 60 for size, y, _ in small), small
    assert ("制作日期" if lang == "zh" else "Made on") in " ".join(text for _, _, text in small)


def test_templates_ask_for_the_minimum_type_sizes():
    booklet = (ROOT / "templates" / "booklet.html.j2").read_text(encoding="utf-8")
    assert min(float(n) for n in re.findall(r"font-size: *([\d.]+)pt", booklet)) >= 10
    poster = (ROOT / "templates" / "poster.html.j2").read_text(encoding="utf-8")
    made = re.search(r"\n *\.made \{[^}]*\}", poster)  # the date and sources line, the one allowed under 24pt
    sizes = [float(n) for n in re.findall(r"font-size: *([\d.]+)pt", poster.replace(made[0], ""))]
    assert sizes and min(sizes) >= 24


# ---------------------------------------------------------------- QR codes and previews


def decode(png: Path) -> list[str]:
    return subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()


def existing_page(built_site: Path, url: str) -> bool:
    site_url = SiteConfig.read(ROOT).site_url
    assert url.startswith(site_url), url
    return (built_site / url[len(site_url):] / "index.html").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_booklet_qr_codes_open_existing_pages_and_every_page_is_saved(built_site, lang):
    """One PNG per page in test-artifacts/kit/ (a reviewer looks at them); the QR codes on them decode."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"booklet.{lang}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf(built_site, f"booklet.{lang}.pdf")), str(ARTIFACTS / f"booklet.{lang}")], check=True)
    pages = sorted(ARTIFACTS.glob(f"booklet.{lang}-*.png"))
    assert len(pages) == len(page_sizes(pdf(built_site, f"booklet.{lang}.pdf")))
    config = SiteConfig.read(ROOT)
    found = {png.name: decode(png) for png in pages}
    assert found[pages[-1].name] == [config.page_url(lang, "index.md")]  # the back cover: the site's home page
    type_urls = [url for urls in found.values() for url in urls if "/types/" in url]
    spreads = kit.ranked_types(CORPUS, INDEX)[: len(type_urls)]
    assert len(type_urls) >= 4 and type_urls == [config.page_url(lang, f"types/{t}.md") for t in spreads]
    for urls in found.values():
        assert all(existing_page(built_site, url) for url in urls)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf(built_site, f"booklet-print.{lang}.pdf")),
                    str(ARTIFACTS / f"booklet-print.{lang}")], check=True)


@pytest.mark.parametrize("lang", LANGS)
def test_poster_qr_code_opens_the_never_say_page(built_site, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / f"poster.{lang}"
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf(built_site, f"poster.{lang}.pdf")), str(stem)], check=True)
    urls = decode(stem.with_name(stem.name + ".png"))
    assert urls == [SiteConfig.read(ROOT).page_url(lang, "never-say/index.md")]
    assert existing_page(built_site, urls[0])


# ---------------------------------------------------------------- imposition


def test_booklet_order_for_sixteen_pages():
    """Sheet k: front n-2k | 2k+1, back 2k+2 | n-2k-1 (A4 duplex, short-edge flip, folded in the middle)."""
    assert kit.booklet_order(16) == [(16, 1), (2, 15), (14, 3), (4, 13), (12, 5), (6, 11), (10, 7), (8, 9)]
    assert kit.booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


@pytest.mark.parametrize("lang", LANGS)
def test_print_version_holds_the_pages_in_booklet_order(built_site, lang):
    sequential = pdf(built_site, f"booklet.{lang}.pdf")
    imposed = pdf(built_site, f"booklet-print.{lang}.pdf")
    n = len(page_sizes(sequential))
    expected = []
    for k in range(n // 4):
        expected += [(n - 2 * k, 2 * k + 1), (2 * k + 2, n - 2 * k - 1)]
    width, height = A4_LANDSCAPE
    for side, pair in enumerate(expected, start=1):
        for half, number in zip((0, width // 2), pair):
            foot = text_of(imposed, "en", side, (half, height - 40, width // 2, 40))  # the page number, at the foot
            assert re.findall(r"(?<!\d)\d{1,2}(?!\d)", foot) == [str(number)], (side, half, foot)
            whole = text_of(imposed, lang, side, (half, 0, width // 2, height))
            assert whole.replace(" ", "") == text_of(sequential, lang, number).replace(" ", ""), (side, number)


# ---------------------------------------------------------------- the handouts page, and the cache


@pytest.mark.parametrize("lang", LANGS)
def test_handouts_page_offers_the_kit_with_previews(built_site, lang):
    page = (built_site / ("en/" if lang == "en" else "") / "handouts" / "index.html").read_text(encoding="utf-8")
    for name in (f"booklet.{lang}.pdf", f"booklet-print.{lang}.pdf", f"poster.{lang}.pdf"):
        assert f'href="{name}"' in page, name
    for piece in kit.PIECES.values():
        width, height = piece.preview_size
        image = re.search(rf'<img[^>]*src="{re.escape(piece.file(lang, "png"))}"[^>]*>', page)
        assert image and f'width="{width}"' in image[0] and f'height="{height}"' in image[0]
        assert "lazy" not in image[0]  # near the top of the page
    images = re.findall(r"<img[^>]*>", page)
    assert len(images) >= 10 and all(re.search(r'width="\d+"', i) and re.search(r'height="\d+"', i) for i in images)  # no shift
    assert ("短边翻转" if lang == "zh" else "short edge") in page


def test_unchanged_corpus_renders_nothing(built_site, monkeypatch):
    """A second generate over the same corpus finds every PDF in the cache and renders none."""
    made = text_of(pdf(built_site, "booklet.en.pdf"), "en")
    day = re.search(r"Made on: (\d{4})-(\d\d)-(\d\d)", made).groups()  # the build's date, so the HTML is the same
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(calendar.timegm((int(day[0]), int(day[1]), int(day[2]), 12, 0, 0))))
    rendered = []
    monkeypatch.setattr(handouts, "_render_many", lambda jobs, base: rendered.extend(jobs) or [])
    site.generate(ROOT)
    assert rendered == []


def test_a_page_that_runs_over_is_refused_saying_what_to_shorten():
    page = '<section id="p{n}" style="break-before: page">{lines}</section>'
    html = ("<style>@page { size: A5; margin: 10mm } p { margin: 0; height: 10mm }</style>"  # 19 lines to a page
            + page.format(n=1, lines="<p>line</p>" * 25) + page.format(n=2, lines="end"))
    expected = handouts.Layout(pages=2, starts=(("p1", 0), ("p2", 1)), paper="A5", texts="the summaries")
    with pytest.raises(handouts.HandoutError, match="needs 3 pages; shorten the summaries to fit 2 A5 pages"):
        handouts.render_pdf(html, ROOT, expected)
    with pytest.raises(handouts.HandoutError, match="page 1 runs over onto the next page; shorten the summaries"):
        handouts.render_pdf(html, ROOT, handouts.Layout(pages=3, starts=(("p1", 0), ("p2", 1)), texts="the summaries"))
