"""Translation status: which English texts are missing, and which were written from an older Chinese text.

Each text may record `en_from`: the first 8 hex digits of the SHA-256 of the stripped Chinese text its English
was written from (`zh_hash`). When the Chinese changes, the hash no longer matches and the English is outdated.

    fanzha i18n [PATH…]            missing and outdated English, one line each, and the coverage
    fanzha i18n --stamp [PATH…]    record en_from for every English text that has none yet (comments kept)
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel

from .canonical import mappings
from .checks import Corpus, _display
from .loader import read_document, where
from .model import Text


def zh_hash(zh: str) -> str:
    """What `en_from` records: the first 8 hex digits of the SHA-256 of the stripped Chinese text."""
    return hashlib.sha256(str(zh).strip().encode("utf-8")).hexdigest()[:8]


def status(text: dict | Text) -> str:
    """'missing', 'outdated', 'current' (en_from matches) or 'unstamped' (English without en_from)."""
    get = text.get if isinstance(text, dict) else lambda key: getattr(text, key)
    en, en_from = get("en"), get("en_from")
    if not isinstance(en, str) or not en.strip():
        return "missing"
    if en_from is None:
        return "unstamped"
    return "current" if en_from == zh_hash(get("zh")) else "outdated"


@dataclass
class Coverage:
    total: int = 0
    translated: int = 0
    outdated: int = 0
    unstamped: int = 0

    def add(self, state: str) -> None:
        self.total += 1
        self.translated += state != "missing"
        self.outdated += state == "outdated"
        self.unstamped += state == "unstamped"

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total, "translated": self.translated, "outdated": self.outdated}

    def summary(self) -> str:
        line = f"English: {self.translated} of {self.total} texts translated, {self.outdated} outdated"
        if self.unstamped:
            line += f"; {self.unstamped} not stamped yet (fanzha i18n --stamp)"
        return line


def texts_in(data: Any, shape: Any) -> Iterator[tuple[tuple, dict]]:
    """(path, mapping) for every bilingual text in a raw document."""
    for path, model, mapping in mappings(data, shape):
        if model is Text and "zh" in mapping:
            yield path, mapping


def _model_texts(value: Any) -> Iterator[Text]:
    if isinstance(value, Text):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _model_texts(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _model_texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _model_texts(item)


def model_counts(value: Any) -> dict[str, int]:
    """{total, translated, outdated} over every text of loaded records (one case, a vocabulary, a corpus)."""
    counts = Coverage()
    for text in _model_texts(value):
        counts.add(status(text))
    return counts.as_dict()


def coverage(source: Corpus | Path | str) -> dict[str, int]:
    """{total, translated, outdated} over every text of a checked corpus, or of the files under a project root.

    For the site: `coverage(corpus)` with the corpus the generator already has; `coverage(root)` reads the files."""
    if isinstance(source, Corpus):
        return model_counts([source.vocab, source.cases])
    counts = Coverage()
    for report in scan(Path(source), []):
        for state, _, _ in report.texts:
            counts.add(state)
    return counts.as_dict()


@dataclass
class FileReport:
    display: str
    texts: list[tuple[str, tuple, str]] = field(default_factory=list)  # (state, path, line:col)
    problems: list[str] = field(default_factory=list)


def scan(root: Path, paths: list[Path]) -> list[FileReport]:
    from .fmt import shape_for, target_files

    files, missing = target_files(root, [str(p) for p in paths])
    reports = [FileReport(m.split(":", 1)[0], problems=[m]) for m in missing]
    for path in files:
        display = _display(path, root)
        doc = read_document(path, display)
        report = FileReport(display, problems=[str(p) for p in doc.problems])
        if doc.data is not None:
            for text_path, mapping in texts_in(doc.data, shape_for(path)):
                state = status(mapping)
                position = ""
                if state in ("missing", "outdated"):
                    line, col = doc.mark(text_path + ("en_from",) if state == "outdated" else text_path, key=True)
                    position = f"{line}:{col}"
                report.texts.append((state, text_path, position))
        reports.append(report)
    return reports


def stamp(data: Any, shape: Any) -> int:
    """Add en_from to every text of ruamel round-trip data that has English and no en_from; returns how many."""
    from .fmt import plain_or_quoted

    count = 0
    for _, mapping in texts_in(data, shape):
        if status(mapping) == "unstamped":
            mapping["en_from"] = plain_or_quoted(zh_hash(mapping["zh"]))
            count += 1
    return count


def cmd_i18n(args: argparse.Namespace) -> int:
    root = Path.cwd()
    if args.stamp:
        return _cmd_stamp(root, args.paths)
    counts, failed = Coverage(), False
    for report in scan(root, [Path(p) for p in args.paths]):
        for problem in report.problems:
            print(problem)
        failed = failed or bool(report.problems)
        for state, path, position in report.texts:
            counts.add(state)
            if state in ("missing", "outdated"):
                print(f"{report.display}:{position}: {state} {where(path)}")
    print(counts.summary())
    return 1 if failed else 0


def _cmd_stamp(root: Path, paths: list[str]) -> int:
    from .fmt import format_file, shape_for, target_files

    files, missing = target_files(root, paths)
    for message in missing:
        print(message)
    failed, total = bool(missing), 0
    for path in files:
        display = _display(path, root)
        shape = shape_for(path)
        stamped = 0

        def edit(data: Any) -> None:
            nonlocal stamped
            stamped = stamp(data, shape)

        changed, problems = format_file(path, display, edit=edit)
        for problem in problems:
            print(problem)
        failed = failed or bool(problems)
        if stamped:
            print(f"{display}: stamped {stamped} English texts")
        total += stamped
    print(f"stamped {total} English texts in {len(files)} files")
    return 1 if failed else 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("i18n", help="list English texts that are missing or outdated; --stamp records en_from")
    p.add_argument("paths", nargs="*", help="files or folders (default: cases/ and data/)")
    p.add_argument("--stamp", action="store_true",
                   help="record en_from for every English text without one (also puts the file in canonical form)")
    p.set_defaults(func=cmd_i18n)
