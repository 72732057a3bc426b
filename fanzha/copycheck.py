"""`fanzha copycheck ARTICLE.txt [FILES…]`: find texts copied from a source article.

Reviewers save the article's text locally (articles are never committed) and run this over the case and
data files (all of them by default). Every Chinese text that shares a run of MIN_RUN (20) or more characters
with the article, once punctuation and whitespace are ignored on both sides, is listed as

    path:line:col: where “start of the text…” shares N chars: «the shared run»

with the position of the text in the YAML file, as `fanzha validate` reports positions; the exit status is 1
when anything is found. Left out, because quoting them is allowed (CONTRIBUTING, "your own words"):
text inside quotes (“…”, "…", 「…」, 『…』), the `phrases` lists (what scammers say, short quotes by
definition), and source titles (given as published).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Iterator

from .checks import _display
from .loader import model_for, read_document, where

MIN_RUN = 20
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』")


def normalise(text: str) -> str:
    """Only letters and digits (Chinese characters count as letters): punctuation and whitespace go."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def unquoted_parts(text: str) -> list[str]:
    """The normalised pieces of a text outside its quotes; a quote splits the text, so no run spans it."""
    return [part for part in (normalise(piece) for piece in _QUOTED.split(text)) if part]


@dataclass(frozen=True)
class Finding:
    display: str
    line: int
    col: int
    where: str
    text: str
    length: int
    run: str

    def __str__(self) -> str:
        start = self.text if len(self.text) <= 24 else self.text[:24] + "…"
        return f"{self.display}:{self.line}:{self.col}: {self.where} “{start}” shares {self.length} chars: «{self.run}»"


class Article:
    """A source article, ready to be compared with many short texts.

    The plain way, and fast enough for any corpus: a set of every MIN_RUN-character slice of the article
    (a few thousand for an article) tells in one pass over a text whether it shares a run of at least MIN_RUN
    characters, because any such run contains a slice of exactly that length. Only for the rare text that
    does is the longest shared run measured, with difflib's SequenceMatcher.find_longest_match; autojunk is
    off because it would treat frequent characters (的, 是) of a long article as noise and miss real runs.
    """

    def __init__(self, text: str, min_run: int = MIN_RUN):
        self.text = normalise(text)
        self.min_run = min_run
        self.slices = {self.text[i : i + min_run] for i in range(len(self.text) - min_run + 1)}
        self.matcher = SequenceMatcher(None, autojunk=False)
        self.matcher.set_seq2(self.text)  # the article is indexed once; texts are compared against it

    def longest_run(self, part: str) -> str:
        """The longest run `part` shares with the article, if it is at least min_run long; else ''."""
        n = self.min_run
        if len(part) < n or not any(part[i : i + n] in self.slices for i in range(len(part) - n + 1)):
            return ""
        self.matcher.set_seq1(part)
        match = self.matcher.find_longest_match(0, len(part), 0, len(self.text))
        return part[match.a : match.a + match.size]


def _exempt(kind: str, path: tuple) -> bool:
    return "phrases" in path or (kind == "sources" and path[-1:] == ("title",))


def texts(path: Path, display: str) -> Iterator[tuple[tuple, str, Any]]:
    """(path in the file, Chinese text, document) for every text of a case or data file that is not exempt."""
    from .fmt import shape_for
    from .i18n import texts_in

    doc = read_document(path, display)
    if doc.data is None:
        return
    kind = model_for(path)[0]
    for text_path, mapping in texts_in(doc.data, shape_for(path)):
        zh = mapping.get("zh")
        if isinstance(zh, str) and not _exempt(kind, text_path):
            yield text_path, zh, doc


def check(article: Article, files: list[Path], root: Path) -> list[Finding]:
    findings = []
    for path in files:
        for text_path, zh, doc in texts(path, _display(path, root)):
            runs = [run for run in map(article.longest_run, unquoted_parts(zh)) if run]
            if runs:
                run = max(runs, key=len)
                line, col = doc.mark(text_path + ("zh",))
                findings.append(Finding(doc.display, line, col, where(text_path), zh, len(run), run))
    return findings


def cmd_copycheck(args: argparse.Namespace) -> int:
    from .fmt import target_files

    article_path = Path(args.article)
    try:
        article = Article(article_path.read_text(encoding="utf-8", errors="replace"), args.min)
    except OSError as error:
        print(f"{article_path}:1:1: cannot read the article: {error.strerror}")
        return 2
    root = Path.cwd()
    files, missing = target_files(root, args.files)
    for message in missing:
        print(message)
    findings = check(article, files, root)
    for finding in findings:
        print(finding)
    print(f"checked {len(files)} files against {article_path.name}: {len(findings)} texts share "
          f"{args.min} or more characters with it", file=sys.stderr)
    return 1 if findings or missing else 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("copycheck", help="list texts that share a long run of characters with a source article")
    p.add_argument("article", help="the article's text, saved as a local UTF-8 file (articles are not committed)")
    p.add_argument("files", nargs="*", help="case or data files or folders (default: cases/ and data/)")
    p.add_argument("--min", type=int, default=MIN_RUN, help=f"shortest run to report, in characters (default {MIN_RUN})")
    p.set_defaults(func=cmd_copycheck)
