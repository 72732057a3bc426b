"""`fanzha fmt`: rewrite case and data files in their canonical form without losing a comment.

The canonical form: keys in the model's order (fanzha/canonical.py), block style throughout, two spaces per
level, list items indented under their key, no line folded, quotes as the contributor wrote them, comments
and single blank lines kept, and the `# yaml-language-server` line first.

Only this tool uses ruamel.yaml (round-trip): PyYAML drops comments. ruamel keeps each comment on the key
*before* it, so moving keys would carry comments to the wrong place; instead every comment is read off the
text by line (PyYAML's events say which lines hold scalars), and put back on the key or list item that
follows it (on the same line, for an end-of-line comment) before the keys are put in order.

Nothing is written unless the result reads back to the same data, with the same comments.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from .canonical import Shape, canonical_keys, mappings, shape_of
from .checks import _display, _expand
from .loader import Loader, model_for, read_document, read_text
from .model import VOCABULARIES

WIDTH = 1_000_000  # never fold a long line
Edit = Callable[[Any], None]


class FormatError(Exception):
    """The file cannot be put in canonical form safely: (line, col, message), 1-based."""


# ---------------------------------------------------------------- comments, read off the text


@dataclass
class Comments:
    full: dict[int, str]  # 0-based line -> comment line (stripped) or "" for a blank line, outside any scalar
    eol: dict[int, tuple[int, str]]  # 0-based line -> (column, comment) after the content of that line

    def texts(self) -> Counter:
        return Counter([text for text in self.full.values() if text] + [text for _, text in self.eol.values()])


_EOL = re.compile(r"(?:^|\s)(#.*?)\s*$")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")


def scan_comments(text: str) -> Comments:
    """Every comment and blank line of a YAML text, from where PyYAML's events say scalars and collections are."""
    lines = text.split("\n")
    inside: set[int] = set()  # lines within a multi-line scalar: a # there is text
    ends: dict[int, int] = {}  # line -> the column where the last event on it ends
    for event in yaml.parse(text, Loader=Loader):
        start, end = event.start_mark, event.end_mark
        if isinstance(event, yaml.ScalarEvent) and end.line > start.line:
            if event.style in ("|", ">"):
                header = _BLOCK_HEADER.match(lines[start.line], start.column)
                ends[start.line] = max(ends.get(start.line, 0), header.end() if header else start.column + 1)
                inside.update(range(start.line + 1, end.line + (1 if end.column else 0)))
                continue
            inside.update(range(start.line, end.line))
        ends[end.line] = max(ends.get(end.line, 0), end.column)
    full: dict[int, str] = {}
    eol: dict[int, tuple[int, str]] = {}
    for number, line in enumerate(lines):
        if number in inside:
            continue
        if number not in ends or not line[: ends[number]].strip():
            if not line.strip() or line.strip().startswith("#"):
                full[number] = line.strip()
                continue
        found = _EOL.search(line, ends.get(number, 0))
        if found:
            eol[number] = (found.start(1), found.group(1))
    while lines and not lines[-1].strip() and full.get(len(lines) - 1) == "":
        del full[len(lines) - 1]  # the end of the text is not a blank line
        lines.pop()
    return Comments(full, eol)


# ---------------------------------------------------------------- ruamel round trip


def _ruamel():
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    class PlainText(VersionedResolver):
        """Every plain scalar stays the text it is (ruamel's YAML 1.2 would turn `8e923695` into a float and
        write it back as `.inf`); so what is written is what was read, and the checker reads it as before."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                return self.DEFAULT_SCALAR_TAG
            return super().resolve(kind, value, implicit)

    rt = YAML(typ="rt")
    rt.Resolver = PlainText
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = WIDTH
    return rt


@dataclass
class Anchor:
    """A place a comment can hang on: a key of a mapping or an item of a list, where it was and where it goes."""

    line: int  # 0-based, in the original text
    depth: int
    container: Any
    key: Any
    column: int  # column of the key (or of the item's dash) in the canonical output


def _anchors(node: Any, column: int = 0, depth: int = 0) -> Iterator[Anchor]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield Anchor(node.lc.data[key][0], depth, node, key, column)
            if isinstance(value, (dict, list)) and value:
                yield from _anchors(value, column + 2, depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield Anchor(node.lc.data[index][0], depth, node, index, column)
            if isinstance(value, (dict, list)) and value:
                yield from _anchors(value, column + 2, depth + 1)


def _reset(node: Any) -> None:
    """Drop ruamel's own comments (they are put back by line) and write every collection in block style."""
    from ruamel.yaml.comments import Comment

    if isinstance(node, (dict, list)):
        setattr(node, Comment.attrib, Comment())
        node.fa.set_block_style()
        for child in node.values() if isinstance(node, dict) else node:
            _reset(child)


def _comment_lines(lines: list[str], column: int) -> list:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return [CommentToken(line + "\n", CommentMark(column)) for line in lines]


def _pre_comments(container: Any, key: Any) -> list:
    """The comment lines ruamel writes above a key or list item (index 1 of its comment entry)."""
    entry = container.ca.items.setdefault(key, [None, [], None, None])
    if entry[1] is None:
        entry[1] = []
    return entry[1]


def _blocks(full: dict[int, str]) -> list[tuple[int, int, list[str]]]:
    """Runs of comment and blank lines: (first line, last line, lines with runs of blank lines made one)."""
    blocks: list[tuple[int, int, list[str]]] = []
    for number in sorted(full):
        text = full[number]
        if blocks and blocks[-1][1] == number - 1:
            first, _, lines = blocks[-1]
            if text or lines[-1]:
                lines.append(text)
            blocks[-1] = (first, number, lines)
        else:
            blocks.append((number, number, [text]))
    return blocks


def _attach(data: Any, comments: Comments) -> tuple[list[str], list[str]]:
    """Hang every comment on its anchor; returns the lines before the first key and after the last one."""
    anchors = sorted(_anchors(data), key=lambda a: (a.line, a.depth))
    header: list[str] = []
    trailer: list[str] = []
    for first, last, lines in _blocks(comments.full):
        following = next((a for a in anchors if a.line > last), None)
        if following is None:
            trailer.extend(lines)
            continue
        if first < anchors[0].line:  # the file's head: up to its last blank line, or the yaml-language-server line
            cut = max((i + 1 for i, line in enumerate(lines) if not line), default=0)
            if not cut and lines[0].startswith("# yaml-language-server"):
                cut = 1
            header, lines = lines[:cut], lines[cut:]
            if not lines:
                continue
        _pre_comments(following.container, following.key).extend(_comment_lines(lines, following.column))
    for line, (_, text) in sorted(comments.eol.items()):
        on_line = [a for a in anchors if a.line == line]
        if on_line:  # the outermost key on the line; a list item only when the line holds nothing else
            anchor = next((a for a in on_line if isinstance(a.container, dict)), on_line[-1])
        else:
            earlier = [a for a in anchors if a.line < line]
            if not earlier:
                raise FormatError(line + 1, 1, "a comment stands where it cannot be kept; put it on a line of its own")
            anchor = earlier[-1]
        anchor.container.yaml_add_eol_comment(text, anchor.key, column=0)  # two spaces before it: see below
    while header and not header[0]:
        header.pop(0)
    while trailer and not trailer[-1]:
        trailer.pop()
    return header, trailer


def _hoist_item_comments(node: Any) -> None:
    """A comment before the first key of a list item belongs before the item's dash (`- key:`), not after it."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict) and item:
                first = next(iter(item))
                entry = item.ca.items.get(first)
                if entry and entry[1]:
                    column = max(0, entry[1][0].start_mark.column - 2)  # the dash stands two columns left of the keys
                    _pre_comments(node, index).extend(_comment_lines([t.value.strip() for t in entry[1]], column))
                    entry[1] = None
            _hoist_item_comments(item)
    elif isinstance(node, dict):
        for value in node.values():
            _hoist_item_comments(value)


def put_in_order(data: Any, shape: Shape) -> None:
    """Every mapping's keys in the model's order (ruamel's CommentedMap keeps each key's comments with it)."""
    for _, model, mapping in mappings(data, shape):
        keys = list(mapping)
        wanted = canonical_keys(model, keys)
        if wanted != keys:
            for key in wanted:
                mapping.move_to_end(key)


def plain_or_quoted(value: str) -> Any:
    """A new string value as ruamel should write it: plain when the checker reads it back as the same text."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    try:
        same = yaml.load(value, Loader=Loader) == value
    except yaml.YAMLError:
        same = False
    return value if same and value == value.strip() and "\n" not in value else DoubleQuotedScalarString(value)


def canonical_text(text: str, shape: Shape, display: str = "<text>", edit: Edit | None = None) -> str:
    """The canonical form of a YAML text (after `edit`, which may change values of ruamel's round-trip data)."""
    from ruamel.yaml import YAMLError as RuamelError

    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"
    before = read_text(text, display)
    if before.problems:
        raise FormatError(before.problems[0].line, before.problems[0].col, f"{before.problems[0].code} {before.problems[0].message}")
    comments = scan_comments(text)
    rt = _ruamel()
    try:
        data = rt.load(text)
    except RuamelError as error:
        mark = getattr(error, "problem_mark", None)
        raise FormatError((mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1, f"cannot read the file: {error}")
    _reset(data)
    header, trailer = _attach(data, comments)
    if edit is not None:
        edit(data)
    put_in_order(data, shape)
    _hoist_item_comments(data)
    out = "".join(line + "\n" for line in header) + _dump(rt, data) + "".join(line + "\n" for line in trailer)
    out = _two_spaces_before_eol_comments(out)
    _verify(before.data, out, comments, display, edit, keep_order=isinstance(shape, tuple))
    return out


def _dump(rt: Any, data: Any) -> str:
    import io

    stream = io.StringIO()
    rt.dump(data, stream)
    return "\n".join(line.rstrip() for line in stream.getvalue().split("\n"))


def _two_spaces_before_eol_comments(text: str) -> str:
    lines = text.split("\n")
    for number, (column, comment) in scan_comments(text).eol.items():
        lines[number] = lines[number][:column].rstrip() + "  " + comment
    return "\n".join(lines)


def _verify(expected: Any, out: str, comments: Comments, display: str, edit: Edit | None, keep_order: bool) -> None:
    """The canonical text must read back to the values read before (as changed by `edit`, applied to them too),
    with a vocabulary's entries in the same order (keep_order), and keep every comment."""
    after = read_text(out, display)
    if after.problems:
        problem = after.problems[0]
        raise FormatError(1, 1, f"the canonical form would not read back ({problem.code} {problem.message}); the file is left as it is")
    if edit is not None:
        edit(expected)
    if expected != after.data or (keep_order and list(expected) != list(after.data)):
        raise FormatError(1, 1, "the canonical form would change a value; the file is left as it is")
    lost = comments.texts() - scan_comments(out).texts()
    if lost:
        line = next((n + 1 for n, t in comments.full.items() if t in lost), None)
        line = line or next(n + 1 for n, (_, t) in comments.eol.items() if t in lost)
        raise FormatError(line, 1, "this comment cannot be kept in place; put it on a line of its own above a key")


# ---------------------------------------------------------------- files


def shape_for(path: Path) -> Shape:
    return shape_of(model_for(path)[1])


def write_atomic(path: Path, text: str) -> None:
    """Write the whole text or nothing: a temporary file in the same folder, then renamed over the target."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def format_file(path: Path, display: str, check: bool = False, edit: Edit | None = None) -> tuple[bool, list[str]]:
    """(whether the file is (or was) not in canonical form, `path:line:col: message` lines). With check, nothing is written."""
    doc = read_document(path, display)
    if doc.problems:
        return False, [str(problem) for problem in doc.problems]
    try:
        out = canonical_text(doc.text, shape_for(path), display, edit)
    except FormatError as error:
        line, col, message = error.args
        return False, [f"{display}:{line}:{col}: {message}"]
    original = path.read_text(encoding="utf-8-sig")
    if out == original:
        return False, []
    if not check:
        write_atomic(path, out)
    return True, []


def default_paths(root: Path) -> list[Path]:
    return sorted((root / "data").glob("*.yml")) + sorted((root / "cases").glob("*.yml"))


def target_files(root: Path, paths: list[str]) -> tuple[list[Path], list[str]]:
    """The YAML files named (folders expanded), or every case and data file; and messages for those it cannot take."""
    messages = [f"{p}:1:1: no such file or folder" for p in paths if not Path(p).exists()]
    files = _expand([Path(p) for p in paths if Path(p).exists()]) if paths else default_paths(root)
    unknown = [f for f in files if f.parent.name == "data" and f.stem not in VOCABULARIES]
    messages += [f"{_display(f, root)}:1:1: not a vocabulary file; the vocabularies are: {', '.join(VOCABULARIES)}" for f in unknown]
    return [f for f in files if f.suffix in (".yml", ".yaml") and f not in unknown], messages


def cmd_fmt(args: argparse.Namespace) -> int:
    root = Path.cwd()
    files, missing = target_files(root, args.paths)
    for message in missing:
        print(message)
    changed, failed = [], False
    for path in files:
        display = _display(path, root)
        differs, problems = format_file(path, display, check=args.check)
        for problem in problems:
            print(problem)
        failed = failed or bool(problems)
        if differs:
            changed.append(display)
            print(f"{display}: not in canonical form; run `fanzha fmt {display}`" if args.check else f"formatted {display}")
    verb = "would change" if args.check else "changed"
    print(f"fmt: {len(files)} files, {len(changed)} {verb}", file=sys.stderr)
    return 1 if failed or missing or (args.check and changed) else 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fmt", help="rewrite case and data files in canonical form (key order, layout), keeping comments")
    p.add_argument("paths", nargs="*", help="files or folders (default: cases/ and data/)")
    p.add_argument("--check", action="store_true", help="only list files that are not in canonical form (exit 1 if any)")
    p.set_defaults(func=cmd_fmt)
