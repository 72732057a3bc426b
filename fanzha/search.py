"""Full-text search: Pagefind indexes each built language site into `<site>/pagefind/`.

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

_TEXT = re.compile(r">([^<]+)<")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


def spaced(html: str) -> str:
    """The same HTML with a space between Chinese characters in text (tags and attributes untouched)."""
    return _TEXT.sub(lambda m: ">" + _CJK_RUN.sub(lambda r: " ".join(r.group()), m.group(1)) + "<", html)


class Indexing:
    """Pagefind running in the background over one language's built site."""

    def __init__(self, site: Path, lang: str):
        self.site, self.scratch = site, None
        source = site
        if lang == "zh":
            self.scratch = Path(tempfile.mkdtemp(prefix="fanzha-search-"))
            for page in site.rglob("*.html"):
                if page.relative_to(site).parts[0] in ("pagefind", "en"):
                    continue
                target = self.scratch / page.relative_to(site)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(spaced(page.read_text(encoding="utf-8")), encoding="utf-8")
            source = self.scratch
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


def index_site(site: Path, lang: str) -> str | None:
    return Indexing(site, lang).finish()
