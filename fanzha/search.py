"""Full-text search and the last touch to the built pages: each page is tidied (the theme's markup mended,
then minified: by the MkDocs hook as it writes the page, or here after Zensical), then Pagefind indexes each
language's site into `<site>/pagefind/`.

Pagefind (the `pagefind[extended]` wheel ships its binary) splits the index into chunks that the browser
fetches per query, so a page load costs nothing that grows with the corpus.

Chinese: Pagefind 1.5 segments Chinese with a dictionary when indexing but with the browser's
Intl.Segmenter when searching, and the two disagree (Pagefind issue #1237): 白条 found nothing. So the
Chinese site is indexed from a copy whose Chinese text has a space between characters, and
assets/search.js turns a Chinese query into an exact phrase of characters ("白 条"): every query then
finds exactly the pages that contain it, whatever a dictionary thinks a word is. The excerpts come back
spaced; the search box removes those spaces before showing them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_KEEP = re.compile(r"(<(pre|textarea|script)\b.*?</\2>)", re.S | re.I)  # whitespace matters in these
_INDENT = re.compile(r"\n[ \t]+")
_BLANK_LINES = re.compile(r"\n{2,}")


_TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*?) autocomplete="off"')
_TOC_LABEL = re.compile(r'<label class="md-nav__title" for="__toc">(.*?)</label>', re.S)


def theme_markup_fixed(html: str) -> str:
    """Two pieces of the theme's markup the HTML standard refuses (Nu HTML Checker), mended in the built page
    so that both MkDocs + Material and Zensical output are valid: `autocomplete` on its checkbox toggles,
    and, on pages kept out of the navigation, a table-of-contents label whose checkbox is not there."""
    html = _TOGGLE_AUTOCOMPLETE.sub(r"\1", html)
    if 'id="__toc"' not in html:
        html = _TOC_LABEL.sub(r'<div class="md-nav__title">\1</div>', html)
    return html


def minified(html: str) -> str:
    """The page without the theme's indentation and blank lines (about a sixth of a case page); a newline
    stays wherever there was whitespace, so nothing renders differently."""
    parts = _KEEP.split(html)
    out = []
    for i in range(0, len(parts), 3):
        out.append(_BLANK_LINES.sub("\n", _INDENT.sub("\n", parts[i])))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)


def tidied(html: str) -> str:
    """A built page as it is published: the theme's markup mended, then minified."""
    return minified(theme_markup_fixed(html))


_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")
BODY = "data-pagefind-body"  # overrides/main.html: the part of a page Pagefind indexes


def spaced(html: str) -> str:
    """The page for Pagefind (a scratch copy, never served): a space between Chinese characters in what it
    indexes. Attribute values there get spaces too, which is harmless: the ids and links it records are ASCII."""
    start = html.find(BODY)
    if start < 0:
        return html
    return html[:start] + _CJK_RUN.sub(lambda run: " ".join(run.group()), html[start:])


class Indexing:
    """One language's built site: its pages tidied (unless the MkDocs hook did it as it wrote them), then
    Pagefind running in the background over them."""

    def __init__(self, site: Path, lang: str, tidy: bool = True):
        self.site, self.scratch = site, None
        source = site
        if lang == "zh":
            self.scratch = Path(tempfile.mkdtemp(prefix="fanzha-search-"))
            source = self.scratch
        for page in site.rglob("*.html") if tidy or self.scratch else ():
            if page.relative_to(site).parts[0] in ("pagefind", "en"):
                continue  # the English site in site/en/ is its own language's
            html = page.read_text(encoding="utf-8")
            if tidy:
                html = tidied(html)
                page.write_text(html, encoding="utf-8")
            if self.scratch:
                target = self.scratch / page.relative_to(site)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(spaced(html), encoding="utf-8")
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pagefind", "--site", str(source), "--output-path", str(site / "pagefind"), "--silent"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )

    def finish(self) -> str | None:
        """None when the bundle was written, else what Pagefind said."""
        output, _ = self.process.communicate()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self.process.returncode != 0 or not (self.site / "pagefind" / "pagefind.js").exists():
            return (output or "").strip() or f"pagefind exited with {self.process.returncode}"
        return None


def index_site(site: Path, lang: str, tidy: bool = True) -> str | None:
    return Indexing(site, lang, tidy).finish()
