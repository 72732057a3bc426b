"""Full-text search and the last touch to the built pages: each page is tidied (the theme's markup mended,
then minified: by the MkDocs hook as it writes the page, or here after Zensical), then Pagefind indexes each
language's site into `<site>/pagefind/`.

Pagefind (the `pagefind[bin]` wheel ships its binary) splits the index into chunks that the browser
fetches per query, so a page load costs nothing that grows with the corpus. It reads a copy of each page's
indexed part (search_copy), written by the MkDocs hook as the page is built.

Chinese: Pagefind's extended build segments Chinese with a dictionary when indexing but with the browser's
Intl.Segmenter when searching, and the two disagree (Pagefind issue #1237): 白条 found nothing. So the
Chinese copy has a space on each side of every Chinese character, and assets/search.js turns a Chinese
query into an exact phrase of characters ("白 条"): every query then finds exactly the pages that contain it,
whatever a dictionary thinks a word is. With every character already a word, the dictionary has nothing
left to do, so the plain binary indexes it, in 60 % of the extended one's time. The excerpts come back
spaced; the search box removes those spaces before showing them.

Shards: Pagefind cannot update an index page by page, and indexing takes time in proportion to the pages.
Up to CASES_PER_SHARD cases, a language has one bundle (`pagefind/`). Beyond, its case pages are split by
id over several bundles (`pagefind-cases-0/`, ...) and `pagefind/` keeps every other page: after an edit,
`fanzha build` indexes again only the bundles whose pages changed (the lists and the edited case's shard,
about a quarter of the work at 1000 cases). The search box merges the shards named in `pagefind/shards.json`
(Pagefind's mergeIndex: one WebAssembly module, results ranked together).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import zlib
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


_HAN = "\u3400-\u9fff\uf900-\ufaff"
_HAN_EDGE = re.compile(rf"(?<=[{_HAN}])(?=\S)|(?<=\S)(?=[{_HAN}])")  # between a Chinese character and any other
BODY = "data-pagefind-body"  # overrides/main.html: the part of a page Pagefind indexes
_LANG = re.compile(r"<html\b[^>]*>")
_TITLE = re.compile(r"<title>.*?</title>", re.S)


def spaced(text: str) -> str:
    """A space on each side of every Chinese character (see the module's docstring): 白条 becomes 白 条, and
    19岁 or QQ邮箱 become 19 岁 and QQ 邮 箱, as assets/search.js spaces a query. Attribute values get spaces
    too, which is harmless: the ids and links Pagefind records are ASCII."""
    return _HAN_EDGE.sub(" ", text)


def search_copy(html: str, lang: str) -> str | None:
    """What Pagefind reads of a built page (a scratch copy, never served): the page's language, title and its
    data-pagefind-body, without the header, navigation and scripts around it, which Pagefind skips anyway;
    Chinese text spaced. None for a page with nothing to index (the 404 page)."""
    start = html.find(BODY)
    if start < 0:
        return None
    start = html.rfind("<", 0, start)
    end = html.find("</article>", start)  # Material's article holds the content block, and the body ends it
    body = html[start:end] if end > 0 else html[start:]
    tag = _LANG.search(html)
    title = _TITLE.search(html)
    page = (f'{tag.group() if tag else "<html>"}<head><meta charset="utf-8">{title.group() if title else ""}</head>'
            f"<body>{body}</body></html>")
    return spaced(page) if lang == "zh" else page


def write_search_copy(target: Path, html: str, lang: str) -> None:
    """The search copy of a built page at target, or none when the page has nothing to index. An unchanged
    copy is left as it is: its shard is not indexed again."""
    copy = search_copy(html, lang)
    if copy is None:
        target.unlink(missing_ok=True)
        return
    try:
        if target.read_text(encoding="utf-8") == copy:
            return
    except OSError:
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(copy, encoding="utf-8")


PRIMARY = "pagefind"  # the bundle assets/search.js loads; with shards, of every page but the cases'
SHARDS_FILE = "shards.json"  # in the primary bundle: the other bundles' folders, relative to it
CASES_PER_SHARD = 250  # a shard of 250 cases indexes in about half a second
MAX_SHARDS = 8  # every shard costs each query a few small requests


def shard_count(cases: int) -> int:
    """How many bundles a language's case pages are split into (1: one bundle with all the pages)."""
    return 1 if cases <= CASES_PER_SHARD else min(MAX_SHARDS, -(-cases // CASES_PER_SHARD))


def shard_of(page: str, shards: int) -> str:
    """The bundle (its folder under the site) that indexes a built page, e.g. cases/<id>/index.html."""
    parts = page.split("/")
    if shards > 1 and len(parts) == 3 and parts[0] == "cases" and parts[2] == "index.html":
        return f"pagefind-cases-{zlib.crc32(parts[1].encode()) % shards}"  # stable: a case stays in its shard
    return PRIMARY


# what a shard's bundle needs (the search box runs the primary's script and WebAssembly for all of them)
_SHARD_KEEPS = ("pagefind-entry.json", "index", "fragment", "filter")


def pagefind(source: Path, output: Path) -> subprocess.Popen:
    """Pagefind over a folder of search copies, writing the bundle (replaced whole) to `output`."""
    from pagefind_bin import get_executable  # the plain binary, even where the extended one is installed too

    shutil.rmtree(output, ignore_errors=True)
    return subprocess.Popen(
        [str(get_executable()), "--site", str(source), "--output-path", str(output), "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


class Indexing:
    """One language's built site indexed by Pagefind in the background: from the search copies the MkDocs hook
    wrote as it built the pages (`copies`, a folder per shard), or else from copies made here of the built
    pages, which are tidied first unless the hook did it as it wrote them. `shards`: the shards to index
    (default all); the others' bundles are kept from the last build."""

    def __init__(self, site: Path, lang: str, tidy: bool = True, copies: Path | None = None,
                 shards: list[str] | None = None):
        self.site, self.scratch = site, None
        if copies is None:
            copies = self.scratch = Path(tempfile.mkdtemp(prefix="fanzha-search-"))
            for page in site.rglob("*.html"):
                top = page.relative_to(site).parts[0]
                if top.startswith(PRIMARY) or top == "en":
                    continue  # search bundles; the English site in site/en/ is its own language's
                html = page.read_text(encoding="utf-8")
                if tidy:
                    html = tidied(html)
                    page.write_text(html, encoding="utf-8")
                write_search_copy(copies / PRIMARY / page.relative_to(site), html, lang)
        self.all = sorted(p.name for p in copies.iterdir() if p.is_dir()) if copies.is_dir() else []
        self.processes = {shard: pagefind(copies / shard, site / shard) for shard in (self.all if shards is None else shards)}

    def finish(self) -> str | None:
        """None when every bundle was written, else what Pagefind said."""
        problems = []
        for shard, process in self.processes.items():
            output, _ = process.communicate()
            if process.returncode != 0 or not (self.site / shard / "pagefind-entry.json").exists():
                problems.append((output or "").strip() or f"pagefind exited with {process.returncode} ({shard})")
            elif shard != PRIMARY:
                for path in (self.site / shard).iterdir():  # Pagefind's scripts and styles: unused here
                    if path.name not in _SHARD_KEEPS and not path.name.endswith(".pf_meta"):
                        if path.is_dir():
                            shutil.rmtree(path)
                        else:
                            path.unlink()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if not problems and not (self.site / PRIMARY / "pagefind.js").exists():
            problems.append(f"no {PRIMARY}/pagefind.js was written")
        if problems:
            return "\n".join(problems)
        listing = json.dumps([f"../{shard}/" for shard in self.all if shard != PRIMARY])
        target = self.site / PRIMARY / SHARDS_FILE
        if not target.exists() or target.read_text(encoding="utf-8") != listing:
            target.write_text(listing, encoding="utf-8")
        return None


def index_site(site: Path, lang: str, tidy: bool = True) -> str | None:
    return Indexing(site, lang, tidy).finish()
