"""Printed handouts: one A4 page each, CJK font embedded, key phrases and hotline in the text, a QR code
that leads to the matching page, small enough to send around."""

import subprocess
from pathlib import Path

import pytest

from fanzha.checks import check_project
from fanzha.handouts import handouts
from fanzha.site import SiteConfig

ROOT = Path(__file__).resolve().parent.parent
CORPUS = check_project(ROOT).corpus
HANDOUTS = [(h, lang) for h in handouts(CORPUS) for lang in ("zh", "en")]
IDS = [f"{h.name}.{lang}" for h, lang in HANDOUTS]


def tool(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdf_path(site: Path, handout, lang: str) -> Path:
    return site / "handouts" / handout.file(lang, "pdf")


def test_every_scam_type_has_handouts_in_both_languages(built_site):
    names = {h.name for h, _ in HANDOUTS}
    assert set(CORPUS.vocab["scam_types"]) <= names
    assert {"spot-fake-customer-service", "jd-finance-never-say"} <= names
    for handout, lang in HANDOUTS:
        assert pdf_path(built_site, handout, lang).exists()
        assert (built_site / "handouts" / handout.file(lang, "png")).exists()
    for handout in handouts(CORPUS):  # the English site links its own copies
        assert (built_site / "en" / "handouts" / handout.file("en", "pdf")).exists()


@pytest.mark.parametrize("handout, lang", HANDOUTS, ids=IDS)
def test_handout_is_one_small_page_with_embedded_cjk_font(built_site, handout, lang):
    path = pdf_path(built_site, handout, lang)
    assert "Pages:           1\n" in tool("pdfinfo", str(path))
    fonts = tool("pdffonts", str(path)).splitlines()[2:]
    cjk = [line for line in fonts if "WenQuanYi" in line or "CJK" in line]
    assert cjk and all(" yes yes " in line for line in cjk)  # embedded, as a subset
    assert path.stat().st_size <= 200_000


@pytest.mark.parametrize("handout, lang", HANDOUTS, ids=IDS)
def test_handout_text_has_hotlines_and_key_phrases(built_site, handout, lang):
    raw = tool("pdftotext", str(pdf_path(built_site, handout, lang)), "-")
    # lines wrap anywhere in Chinese: compare without white space there
    text = "".join(raw.split()) if lang == "zh" else " ".join(raw.split())
    assert "96110" in text and "110" in text
    if handout.kind == "type":
        flag = CORPUS.vocab["red_flags"][CORPUS.vocab["scam_types"][handout.subject].red_flags[0]]
        phrase = getattr(flag.phrases[0], lang).strip("“”\"")
        phrase = "".join(phrase.split()) if lang == "zh" else " ".join(phrase.split())
        assert phrase[:12] in text
    elif handout.kind == "never_say":
        assert ("官方电话核实" if lang == "zh" else "JD Finance") in text
    assert ("资料来源" if lang == "zh" else "Sources") in text


@pytest.mark.parametrize("handout, lang", HANDOUTS, ids=IDS)
def test_qr_code_leads_to_the_matching_page(built_site, handout, lang, tmp_path):
    site_url = SiteConfig.read(ROOT).site_url
    page = "" if handout.page == "index.md" else handout.page[:-3] + "/"
    expected = site_url + ("en/" if lang == "en" else "") + page
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf_path(built_site, handout, lang)), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True).stdout.strip()
    assert decoded == expected


def test_scam_type_pages_and_handouts_page_link_the_pdfs(built_site):
    page = (built_site / "types" / "refund-claim" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../handouts/refund-claim.zh.pdf"' in page
    listing = (built_site / "handouts" / "index.html").read_text(encoding="utf-8")
    for handout in handouts(CORPUS):
        assert handout.file("zh", "pdf") in listing and handout.file("zh", "png") in listing
    english = (built_site / "en" / "handouts" / "index.html").read_text(encoding="utf-8")
    assert "refund-claim.en.pdf" in english


def test_missing_cjk_font_stops_with_what_to_install(monkeypatch):
    from fanzha import handouts as module

    class NoFonts:
        stdout = "DejaVu Sans\n"

    monkeypatch.setattr(module.subprocess, "run", lambda *a, **k: NoFonts())
    with pytest.raises(module.HandoutError, match="apt-get install fonts-wqy-zenhei"):
        module.check_fonts()
