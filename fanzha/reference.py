"""`fanzha docs`: the field reference and the problem-code table in CONTRIBUTING.md, generated.

Both are read off the model (through its JSON Schema: the same descriptions editors show) and off
fanzha/codes.py, and written between marker comments in CONTRIBUTING.md:

    <!-- fanzha docs: fields -->  …  <!-- /fanzha docs: fields -->
    <!-- fanzha docs: codes -->   …  <!-- /fanzha docs: codes -->

`fanzha docs --check` (and a test) fails when the committed text is not what the model gives.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import typing
from pathlib import Path
from typing import Any

from .codes import codes_table
from .fmt import write_atomic
from .model import EN_FROM_PATTERN, ID_PATTERN, VOCABULARIES, Case, Id

DOCUMENT = Path("CONTRIBUTING.md")
_TYPE_NAMES = {
    ID_PATTERN: "id",
    EN_FROM_PATTERN: "8 hex digits",
    r"^\d{4}(-\d{2}(-\d{2})?)?$": "date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
    r"^[0-9+][0-9 -]{2,19}$": "phone number",
}


_ID_EXAMPLES = typing.get_args(Id)[1].examples  # the generic id example, not worth repeating on every id field
_ENTRY_KEYS = {"never_say": "Each top-level key is the id of a platform in `data/platforms.yml`."}
_TEXT_ORDER = {"zh": 0, "en": 1, "en_from": 2}


def cell(text: str) -> str:
    """A text inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _example(value: Any) -> str:
    """An example as it is written in a file: `{zh: 蒋女士, en: Ms Jiang}`, `"2022-05"` (digits in quotes), 3800."""
    if isinstance(value, dict):
        pairs = sorted(value.items(), key=lambda pair: _TEXT_ORDER.get(pair[0], 9))
        return "`{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}`"
    if isinstance(value, str) and re.fullmatch(r"[\d-]+", value):
        return f"`{json.dumps(value)}`"
    return f"`{value}`"


class _Reference:
    """Renders the models of one JSON Schema ($defs) as Markdown tables, each model once."""

    def __init__(self) -> None:
        self.done: set[str] = set()
        self.sections: list[str] = []

    def type_of(self, prop: dict, defs: dict, queue: list[str]) -> tuple[str, dict]:
        """(how the type reads, the schema that holds its description and examples)."""
        options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
        inner = options[0] if options else prop
        if "$ref" in inner:
            name = inner["$ref"].rsplit("/", 1)[-1]
            target = defs[name]
            if "enum" in target:
                return "one of " + ", ".join(f"`{v}`" for v in target["enum"]), {}
            if name not in self.done and name not in queue:
                queue.append(name)
            return f"[{name}](#{name.lower()})", {}
        kind = inner.get("type")
        if kind == "array":
            item, item_schema = self.type_of(inner["items"], defs, queue)
            item = {"id": "ids", "phone number": "phone numbers", "text": "texts"}.get(item, item)
            least = f" (at least {inner['minItems']})" if inner.get("minItems") else ""
            return f"list of {item}{least}", item_schema
        if kind == "string":
            name = _TYPE_NAMES.get(inner.get("pattern", ""), "text")
            return name, ({} if name == "id" else inner)
        if kind == "integer":
            low, high = inner.get("minimum"), inner.get("maximum")
            if high == 100_000_000:
                return "whole yuan (digits only)", inner
            return f"whole number{f' ({low}–{high})' if low is not None and high is not None else ''}", inner
        if kind == "boolean":
            return "`true` or `false`", inner
        return kind or "value", inner

    def model(self, name: str, defs: dict, heading: str | None = None) -> None:
        schema = defs[name]
        self.done.add(name)
        queue: list[str] = []
        lines = [f"#### {heading or name}", ""]
        if schema.get("description"):
            lines += [" ".join(schema["description"].split()), ""]
        lines += ["| field | type | required | what it is |", "|---|---|---|---|"]
        required = set(schema.get("required", []))
        for field, prop in schema["properties"].items():
            type_name, type_schema = self.type_of(prop, defs, queue)
            refs = prop.get("references")
            text = prop.get("description") or type_schema.get("description") or ""
            if refs:  # the type says where the ids come from
                type_name = re.sub(r"\bids?\b", lambda m: f"{m.group()} from `data/{refs}.yml`", type_name, count=1)
                text = text.replace(f"Ids from data/{refs}.yml.", "").strip()
            need = "**required**" if field in required else "optional"
            if "default" in prop and prop["default"] not in (None, [], {}):
                need += f" (default `{json.dumps(prop['default'])}`)"
            examples = [e for e in prop.get("examples") or type_schema.get("examples") or [] if [e] != _ID_EXAMPLES]
            if examples:
                text += (" " if text else "") + "E.g. " + ", ".join(_example(e) for e in examples) + "."
            lines.append(f"| `{field}` | {cell(type_name)} | {need} | {cell(text)} |")
        self.sections.append("\n".join(lines) + "\n")
        for nested in queue:
            if nested not in self.done:
                self.model(nested, defs)


@functools.cache  # the model does not change while a process runs (`make serve` regenerates on every edit)
def fields_reference() -> str:
    """Every file kind and every model, field by field (type, required, description, example)."""
    ref = _Reference()
    case = Case.model_json_schema()
    defs = {**case.get("$defs", {}), "Case": case}
    parts = ["### `cases/<id>.yml`: one case\n\nThe file name (without `.yml`) is the case id.\n"]
    ref.model("Case", defs)
    parts += ref.sections
    for name, model in VOCABULARIES.items():
        ref.sections = []
        schema = model.model_json_schema()
        defs = {**schema.get("$defs", {}), model.__name__: schema}
        ref.model(model.__name__, defs)
        keys = _ENTRY_KEYS.get(name, "Each top-level key is an entry's id (lowercase letters, digits and dashes); other files refer to it.")
        parts.append(f"### `data/{name}.yml`: id → {model.__name__}\n\n{keys}\n")
        parts += ref.sections
    return "\n".join(parts)


@functools.cache
def _case_schema() -> tuple[dict, dict]:
    case = Case.model_json_schema()
    return case, {**case.get("$defs", {}), "Case": case}


def case_field(path: str) -> tuple[str, str]:
    """(type, description) of one field of a case by its dotted path ("victim.label.zh", "red_flags.flag"), read
    as the field reference reads them; through a list of records (red_flags) the type is a list and the list's
    description is kept. For the open data's CSV columns, each of which is one such field."""
    case, defs = _case_schema()
    schema, prop, description, many = case, {}, "", False
    for part in path.split("."):
        prop = schema["properties"][part]
        inner = next((p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"), prop)
        records = inner.get("type") == "array" and "$ref" in inner["items"]
        if part not in ("zh", "en") and not many:  # a text's own zh/en say only "the text in …"
            description = prop.get("description") or inner.get("description") or description
        many = many or records
        inner = inner["items"] if records else inner
        if "$ref" in inner:
            schema = defs[inner["$ref"].rsplit("/", 1)[-1]]
    type_name, type_schema = _Reference().type_of(prop, defs, [])
    refs = prop.get("references")
    if refs:
        type_name = re.sub(r"\bids?\b", lambda m: f"{m.group()} from `data/{refs}.yml`", type_name, count=1)
        description = description.replace(f"Ids from data/{refs}.yml.", "").strip()
    if many and not type_name.startswith("list of"):
        type_name = "list of " + re.sub(r"^(id|text)\b", r"\1s", type_name)
    return type_name, " ".join(description.split())


SECTIONS = {"fields": fields_reference, "codes": codes_table}


def render(document: str) -> str:
    """The document with every generated section replaced by what the model and the codes give now."""
    for name, make in SECTIONS.items():
        start, end = f"<!-- fanzha docs: {name} -->", f"<!-- /fanzha docs: {name} -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if not pattern.search(document):
            raise ValueError(f"the markers {start} … {end} are missing")
        document = pattern.sub(lambda _: f"{start}\n\n{make().strip()}\n\n{end}", document, count=1)
    return document


def cmd_docs(args: argparse.Namespace) -> int:
    path = Path.cwd() / DOCUMENT
    try:
        current = path.read_text(encoding="utf-8")
        wanted = render(current)
    except OSError as error:
        print(f"{DOCUMENT}:1:1: cannot read it: {error.strerror}")
        return 1
    except ValueError as error:
        print(f"{DOCUMENT}:1:1: {error}")
        return 1
    if current == wanted:
        return 0
    if args.check:
        line = next((n for n, (a, b) in enumerate(zip(current.splitlines(), wanted.splitlines()), 1) if a != b), 1)
        print(f"{DOCUMENT}:{line}:1: the generated reference is out of date; run `fanzha docs` and commit the result")
        return 1
    write_atomic(path, wanted)
    print(f"updated {DOCUMENT}")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("docs", help="regenerate the field reference and the code table in CONTRIBUTING.md")
    p.add_argument("--check", action="store_true", help="only report whether CONTRIBUTING.md is up to date")
    p.set_defaults(func=cmd_docs)
