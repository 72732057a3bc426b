"""Read case and vocabulary files safely: never a traceback, every problem with file:line:col.

A file is read into plain Python values plus a map from each value's path (keys and list indices)
to its position in the file, so that model errors and cross-file checks can point at a line.
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, RootModel, ValidationError

from .codes import CODES
from .model import EN_FROM_PATTERN, ID_PATTERN, Case, VOCABULARIES, keyed

MAX_BYTES = 1_000_000
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: about 10x faster, same results
Path_ = tuple  # a path into a document: keys and list indices


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass
class Document:
    """One file as read: its values, its YAML node tree (for positions) and the problems found so far."""

    path: Path
    display: str
    data: Any = None
    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    _node: Any = None

    @property
    def node(self) -> Any:
        """The YAML node tree, composed only when a problem needs a position (rare, so it costs nothing usually)."""
        if self._node is None and self.text:
            try:
                self._node = yaml.compose(self.text, Loader=Loader)
            except yaml.YAMLError:
                self.text = ""
        return self._node

    def mark(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """The position of `path` (of its key, with key=True), or of its nearest ancestor that has one."""
        node, found = self.node, (1, 1)
        for part in path:
            if node is None:
                break
            found = (node.start_mark.line + 1, node.start_mark.column + 1)
            if isinstance(node, yaml.MappingNode):
                pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part]
                if not pairs:
                    return found
                key_node, node = pairs[-1]
                if key and part == path[-1]:
                    return (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                return found
        if node is not None:
            found = (node.start_mark.line + 1, node.start_mark.column + 1)
        return found

    def report(self, path: Path_, code: str, message: str, key: bool = False) -> None:
        line, col = self.mark(path, key)
        self.problems.append(Problem(self.display, line, col, code, message))


def where(path: Path_) -> str:
    """`script[2].red_flags[0]`: a path as a contributor reads it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


# ---------------------------------------------------------------- reading YAML


_LEADING_TAB = re.compile(r"^ *\t", re.M)
_HALF_QUOTED = re.compile(r"""(?::|-)\s+(["'])[^"']*\1\S""")


def read_document(path: Path, display: str | None = None) -> Document:
    doc = Document(path=path, display=display or str(path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            doc.report((), "FZ002", f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (1 MB)")
            return doc
        raw = path.read_bytes()
    except OSError as error:
        doc.report((), "FZ004", f"cannot read the file: {error.strerror}")
        return doc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = error.start - (before.rfind(b"\n") + 1) + 1
        doc.problems.append(
            Problem(doc.display, line, col, "FZ001", "the file is not UTF-8; save it as UTF-8 and check this line")
        )
        return doc
    return _parse(doc, text)


def read_text(text: str, display: str) -> Document:
    """A document from text in memory (what `fanzha fmt` is about to write), read exactly as a file would be."""
    return _parse(Document(path=Path(display), display=display), text)


def _parse(doc: Document, text: str) -> Document:
    text = text.replace("\r\n", "\n")
    tab = _LEADING_TAB.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        doc.problems.append(
            Problem(doc.display, line, tab.end() - tab.start(), "FZ005", "a tab indents this line; use spaces only")
        )
        return doc
    doc.text = text
    try:
        doc.data = _build(text, doc)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = str(error.problem or error.context)
        if error.context and error.problem:
            what += f" ({error.context})"
        source_line = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
        if _HALF_QUOTED.search(source_line):
            what += '; a value that starts with a quote must end with it: use “full-width quotes” or quote the whole value'
            doc.problems.append(Problem(doc.display, line, col, "FZ004", f"YAML syntax error: {what}"))
        else:
            line, col, message = explain_yaml_error(text.split("\n"), line, col, what)
            doc.problems.append(Problem(doc.display, line, col, "FZ004", message))
    except yaml.YAMLError as error:  # e.g. control characters the reader refuses
        doc.problems.append(Problem(doc.display, 1, 1, "FZ004", f"YAML syntax error: {error}"))
    except _Refused as refused:
        line, col, code, message = refused.args
        doc.problems.append(Problem(doc.display, line, col, code, message))
    if doc.problems:
        doc.data = None
    return doc


class _Refused(Exception):
    """A problem that stops reading the file: (line, col, code, message)."""


_constructor = yaml.constructor.SafeConstructor()
_resolver = yaml.resolver.Resolver()
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MAYBE_NOT_TEXT = set("0123456789-+.~nNtTfFyYoO")  # first letters of YAML's nulls, booleans, numbers, dates


_FULL_WIDTH_KEY = re.compile(r"^(\s*(?:- )?)([A-Za-z_]+)\s*：")
_KEY_ONLY = re.compile(r"^(\s*)(?:- )?[A-Za-z_]+:\s*(?:#.*)?$")


def explain_yaml_error(lines: list[str], line: int, col: int, what: str) -> tuple[int, int, str]:
    """The parser's complaint in words a volunteer can act on, pointed at the line that is wrong: the parser
    often notices a mistake only on the line after it."""
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    for number in (line, line - 1, line - 2):  # a full-width colon makes the key part of the text above
        if 0 < number <= len(lines):
            found = _FULL_WIDTH_KEY.match(lines[number - 1])
            if found:
                return (number, len(found.group(1)) + len(found.group(2)) + 1,
                        f"`{found.group(2)}：` has a full-width colon (：); type the ASCII colon and a space instead: `{found.group(2)}: `")
    for number in range(max(1, line - 3), line + 1):  # `title:` followed by a line that should sit under it
        opener = _KEY_ONLY.match(lines[number - 1]) if number <= len(lines) else None
        following = lines[number] if number < len(lines) else ""
        depth = len(following) - len(following.lstrip(" "))
        if opener and following.strip() and ":" in following and depth <= len(opener.group(1)):
            key = lines[number - 1].strip().rstrip(":").lstrip("- ")
            return (number + 1, 1, f"this line belongs under `{key}`: indent it by {len(opener.group(1)) + 2} spaces "
                                   f"(two more than `{key}`)")
    if "mapping values are not allowed" in what:
        return (line, col, "this value contains `: ` (a colon and a space), which YAML reads as a new key; put the whole "
                           'value in quotes ("…"), or write the colon in the text as a full-width ：')
    if "expected key" in what or "expected ':'" in what or "expected <block end>" in what:
        return (line, col, "this line does not line up with the ones around it: keys of the same level start in the same "
                           "column, list items start with `- `, and a value that starts with a quote must end with it")
    return (line, col, f"YAML syntax error: {what}")


def _at(event: yaml.Event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _scalar(event: yaml.ScalarEvent) -> Any:
    value, tag = event.value, event.tag
    if tag is None or tag == "!":
        if event.style:  # quoted or block text ('"|> ; libyaml gives '' or None for plain)
            return value
        if not value:
            return None
        if value[0] not in _MAYBE_NOT_TEXT:
            return value
        tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    if tag not in _constructor.yaml_constructors or tag in (_MAP, _SEQ):
        raise _Refused(*_at(event), "FZ004", f"the tag {tag} is not allowed; write plain text")
    try:
        result = _constructor.construct_object(yaml.ScalarNode(tag, value, event.start_mark, event.end_mark))
    except (yaml.constructor.ConstructorError, ValueError, OverflowError) as error:
        raise _Refused(*_at(event), "FZ004", f"cannot read {value!r} ({getattr(error, 'problem', error)}); write plain text")
    if isinstance(result, (datetime.date, datetime.datetime)):
        return result.isoformat()[:10]  # dates stay the text the contributor meant
    if isinstance(result, bytes):
        raise _Refused(*_at(event), "FZ012", "binary values are not allowed; write plain text")
    return result


def _build(text: str, doc: Document) -> Any:
    """Plain values from libyaml's event stream, in one pass: refuses anchors, aliases and odd tags on the way."""
    stack: list[list] = []  # frames: [container, pending key (mappings), path]
    result: Any = None
    started = False
    for event in yaml.parse(text, Loader=Loader):
        kind = type(event)
        if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
            continue
        if kind is yaml.DocumentStartEvent:
            if started:
                raise _Refused(*_at(event), "FZ004", "a second YAML document (---) is not allowed; one file holds one record")
            started = True
            continue
        if kind is yaml.AliasEvent:
            raise _Refused(*_at(event), "FZ006", f"YAML alias *{event.anchor} is not allowed; write the value out in full")
        if getattr(event, "anchor", None):
            raise _Refused(*_at(event), "FZ006", f"YAML anchor &{event.anchor} is not allowed; write the value out in full")
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is yaml.ScalarEvent:
            value = _scalar(event)
        else:  # a mapping or sequence starts
            if event.tag not in (None, "!", _MAP, _SEQ):
                raise _Refused(*_at(event), "FZ004", f"the tag {event.tag} is not allowed")
            frame = stack[-1] if stack else None
            if frame is not None and isinstance(frame[0], dict) and frame[1] is None:
                raise _Refused(*_at(event), "FZ004", "a key must be a plain word, not a list or mapping")
            path = () if frame is None else frame[2] + ((frame[1],) if isinstance(frame[0], dict) else (len(frame[0]),))
            if frame is None and kind is not yaml.MappingStartEvent:
                raise _Refused(*_at(event), "FZ007", "the file holds a list; it must be a mapping of `key: value` lines")
            stack.append([{} if kind is yaml.MappingStartEvent else [], None, path])
            continue
        if not stack:
            result = value
            continue
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
        elif frame[1] is None:  # this scalar is a key
            key = event.value if kind is yaml.ScalarEvent else value  # as written: `no:` stays "no"
            if key in container:
                raise _Refused(*_at(event), "FZ008", f"`{key}` appears twice in {where(frame[2])}; keep one")
            frame[1] = key
        else:
            container[frame[1]] = value
            frame[1] = None
    if not started or result is None:
        raise _Refused(1, 1, "FZ003", "the file is empty; start a case with `make new` (it copies templates/case-template.yml)")
    if not isinstance(result, dict):
        raise _Refused(1, 1, "FZ007", "the file holds a single value; it must be a mapping of `key: value` lines")
    return result


# ---------------------------------------------------------------- model validation

_PATTERN_HINTS = {
    ID_PATTERN: "an id: lowercase letters, digits and single dashes, e.g. `screen-sharing`",
    r"^\d{4}(-\d{2}(-\d{2})?)?$": 'a date in quotes as YYYY, YYYY-MM or YYYY-MM-DD, e.g. "2022-05-15"',
    r"^[0-9+][0-9 -]{2,19}$": "a phone number: digits with optional dashes, e.g. 400-606-5500",
    EN_FROM_PATTERN: "8 lowercase hex digits written by `fanzha i18n --stamp` (delete the line and run it again)",
}
_AMOUNT_KEYS = {"amount_cny", "recovered_cny"}
_CN_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(万|千|百)?\s*(余|多)?\s*(元)?\s*(余|多)?\s*$")


def suggest_amount(text: str) -> str:
    """'10万余元' -> 'write 100000 and set loss.approximate: true'."""
    match = _CN_AMOUNT.match(text.replace(",", "").replace("，", ""))
    if not match:
        return "write digits only, e.g. 3800"
    number, unit, more1, _, more2 = match.groups()
    value = float(number) * {"万": 10_000, "千": 1_000, "百": 100, None: 1}[unit]
    hint = f"write {int(value)}"
    if more1 or more2:
        hint += " and set loss.approximate: true"
    return hint


def _unwrap(annotation: Any) -> Any:
    """Optional[X] and Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


def _fields_at(model: Any, loc: tuple) -> list[str]:
    """The keys a mapping at `loc` may hold, for 'did you mean' suggestions."""
    current = model.model_fields["root"].annotation if issubclass(model, RootModel) else model
    for part in loc:
        current = _unwrap(current)
        origin, args = typing.get_origin(current), typing.get_args(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        elif origin is list and isinstance(part, int):
            current = args[0]
        elif origin is dict:
            current = args[1]
        else:
            return []
    current = _unwrap(current)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def validate_model(doc: Document, model: type[BaseModel]) -> BaseModel | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as errors:
        for error in errors.errors(include_url=False):
            _report_validation_error(doc, model, error)
        return None


def _report_validation_error(doc: Document, model: type[BaseModel], error: dict) -> None:
    loc = tuple(error["loc"])
    kind, message, given = error["type"], error["msg"], error.get("input")
    if loc and loc[-1] == "[key]":  # an entry's id in a vocabulary file
        doc.report(loc[:-2], "FZ012", f"`{loc[-2]}` must be {_PATTERN_HINTS[ID_PATTERN]}", key=True)
        return
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.5)
        hint = f"did you mean `{close[0]}`?" if close else f"known keys here: {', '.join(known)}"
        doc.report(loc, "FZ010", f"unknown key `{name}` in {where(loc[:-1])}; {hint}", key=True)
    elif kind == "missing":
        doc.report(loc[:-1], "FZ011", f"{where(loc[:-1])} needs the key `{name}`")
    elif name in _AMOUNT_KEYS and isinstance(given, str):
        doc.report(loc, "FZ013", f"{where(loc)} must be a whole number of yuan, got {given!r}; {suggest_amount(given)}")
    elif name in _AMOUNT_KEYS and kind in ("greater_than_equal", "less_than_equal"):
        doc.report(loc, "FZ014", f"{where(loc)} is {given}; an amount is whole yuan from 0 to 100000000")
    elif kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        hint = _PATTERN_HINTS.get(pattern, f"text matching {pattern}")
        doc.report(loc, "FZ012", f"{where(loc)} must be {hint}, got {given!r}")
    elif kind == "enum":
        doc.report(loc, "FZ012", f"{where(loc)} must be one of {error['ctx']['expected']}, got {given!r}")
    elif kind == "too_short" and isinstance(given, list):
        doc.report(loc, "FZ012", f"{where(loc)} needs at least {error.get('ctx', {}).get('min_length', 1)} entry: "
                                 f"under `{name}:` write a line `  - ` followed by the entry")
    elif kind == "list_type" and given is None:
        doc.report(loc, "FZ012", f"{where(loc)} is empty: under `{name}:` write one line `  - ` per entry, or delete the key")
    elif kind in ("string_type", "model_type", "dict_type") and given is None:
        doc.report(loc, "FZ012", f"{where(loc)} is empty: write its value after `{name}:`, or delete the key")
    else:
        shown = repr(given) if isinstance(given, (str, int, float, bool)) or given is None else type(given).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        doc.report(loc, "FZ012", f"{where(loc)}: {message[0].lower() + message[1:]}, got {shown}")


def model_for(path: Path) -> tuple[str, type[BaseModel]]:
    """Which kind of file this is: a vocabulary in data/, or a case."""
    if path.parent.name == "data" and path.stem in VOCABULARIES:
        return path.stem, keyed(VOCABULARIES[path.stem])
    return "case", Case
