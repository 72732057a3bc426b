"""`fanzha new`: start a case file from templates/case-template.yml (comments say what each field means).

    fanzha new --id 2022-city-what-happened --type cancel-baitiao-jintiao --title "标题" [--source SOURCE-ID]

Missing options are asked for when the command runs in a terminal. The new file passes `fanzha validate`
with warnings only (English texts still missing), and is in canonical form.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path
from typing import Any, Callable

from .checks import PLACEHOLDER_SOURCE
from .fmt import FormatError, canonical_text, plain_or_quoted, write_atomic
from .loader import read_document
from .model import ID_PATTERN, Case

TEMPLATE = Path("templates") / "case-template.yml"
EXAMPLE_ID = "2022-jilin-campus-loan-cancel"


class Refused(Exception):
    """Input that cannot make a case file: the message says what to do."""


def _vocabulary(root: Path, name: str) -> dict[str, Any]:
    path = root / "data" / f"{name}.yml"
    doc = read_document(path, f"data/{name}.yml")
    if doc.problems or not isinstance(doc.data, dict):
        detail = "\n".join(str(p) for p in doc.problems) or f"data/{name}.yml is not a mapping"
        raise Refused(f"{detail}\nfix data/{name}.yml first (make validate)")
    return doc.data


def _zh(entry: Any, key: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    return value.get("zh", "") if isinstance(value, dict) else ""


def check_id(value: str, root: Path) -> str:
    value = value.strip()
    if value.endswith(".yml"):
        value = value[:-4]
    if not re.match(ID_PATTERN, value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        hint = f"; did you mean {suggestion}?" if suggestion and re.match(ID_PATTERN, suggestion) else ""
        raise Refused(f"{value!r} is not a case id: use lowercase letters, digits and single dashes, e.g. {EXAMPLE_ID}{hint}")
    if (root / "cases" / f"{value}.yml").exists():
        raise Refused(f"cases/{value}.yml already exists: choose another id, or edit that file")
    return value


def check_choice(value: str, choices: dict[str, Any], what: str, file: str) -> str:
    value = value.strip()
    if value not in choices:
        close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}? " if close else ""
        raise Refused(f"unknown {what} {value!r}: {hint}the {what}s in {file} are: {', '.join(choices)}")
    return value


def check_title(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise Refused("the title is empty: write one line in Chinese, e.g. 假京东客服以“注销校园贷”为名骗走10万余元")
    return value


def _ask(given: str | None, option: str, prompt: str, check: Callable[[str], str], default: str = "") -> str:
    """The option's value, checked; asked for (again, until it is right) when missing and stdin is a terminal."""
    if given is not None:
        return check(given)
    while True:
        try:
            answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip() or default
        except EOFError:
            raise Refused(f"{option} is missing")
        try:
            return check(answer)
        except Refused as problem:
            print(f"  {problem}", file=sys.stderr)


def scaffold(root: Path, case_id: str, scam_type: str, title: str, source: str) -> Path:
    """Write cases/<case_id>.yml from the template; the values must have been checked. Returns the path."""
    template = root / TEMPLATE
    try:
        text = template.read_text(encoding="utf-8")
    except OSError as error:
        raise Refused(f"{TEMPLATE}:1:1: cannot read the template: {error.strerror}")

    def fill(data: Any) -> None:
        data["title"]["zh"] = plain_or_quoted(title)
        data["scam_type"] = plain_or_quoted(scam_type)
        del data["sources"][:]
        data["sources"].append(plain_or_quoted(source))

    try:
        out = canonical_text(text, Case, str(TEMPLATE), edit=fill)
    except (FormatError, KeyError, TypeError) as error:
        where = f"{error.args[0]}:{error.args[1]}: {error.args[2]}" if isinstance(error, FormatError) else f"1:1: no {error}"
        raise Refused(f"{TEMPLATE}:{where} (the template is broken; restore it from git)")
    path = root / "cases" / f"{case_id}.yml"
    if path.exists():
        raise Refused(f"cases/{case_id}.yml already exists: choose another id, or edit that file")
    path.parent.mkdir(exist_ok=True)
    write_atomic(path, out)
    return path


def cmd_new(args: argparse.Namespace) -> int:
    from .checks import check_project

    root = Path.cwd()
    try:
        missing = [o for o, v in (("--id", args.id), ("--type", args.type), ("--title", args.title)) if v is None]
        if missing and not sys.stdin.isatty():
            raise Refused(f"{', '.join(missing)} missing (and stdin is not a terminal, so nothing can be asked); e.g. "
                          f"fanzha new --id {EXAMPLE_ID} --type cancel-baitiao-jintiao --title \"标题\"")
        types = _vocabulary(root, "scam_types")
        sources = {ident: entry for ident, entry in _vocabulary(root, "sources").items()  # a case rests on reports only
                   if not (isinstance(entry, dict) and entry.get("kind") == "editorial")}
        if sys.stdin.isatty() and args.type is None:
            print("骗局类型 / scam types:", file=sys.stderr)
            for ident, entry in types.items():
                print(f"  {ident}  {_zh(entry, 'name')}", file=sys.stderr)
        case_id = _ask(args.id, "--id", "案例编号 / case id (e.g. 2022-jilin-campus-loan-cancel)", lambda v: check_id(v, root))
        scam_type = _ask(args.type, "--type", "骗局类型 / scam type", lambda v: check_choice(v, types, "scam type", "data/scam_types.yml"))
        title = _ask(args.title, "--title", "中文标题 / title in Chinese", check_title)
        if args.source is None and not sys.stdin.isatty():
            source = PLACEHOLDER_SOURCE  # refused by validate (FZ036) until the case's own report is named
        else:
            if args.source is None:
                print("来源 / sources (data/sources.yml; add a new one there first):", file=sys.stderr)
                for ident, entry in sources.items():
                    print(f"  {ident}  {_zh(entry, 'title')}", file=sys.stderr)
            source = _ask(args.source, "--source", "来源编号 / source id (the report of this case)",
                          lambda v: check_choice(v, sources, "source", "data/sources.yml"))
        path = scaffold(root, case_id, scam_type, title, source)
    except Refused as problem:
        print(f"fanzha new: {problem}", file=sys.stderr)
        return 2
    display = f"cases/{case_id}.yml"
    print(display)
    result = check_project(root, [path])
    for problem in result.problems:
        print(f"  {problem}{'' if problem.severity == 'error' else ' (warning)'}", file=sys.stderr)
    stages = [s.get("id") for s in types[scam_type].get("stages") or [] if isinstance(s, dict)]
    print(f"wrote {display}: fill it in following its comments, then run `make validate` and `make fmt`.", file=sys.stderr)
    if source == PLACEHOLDER_SOURCE:
        print(f"  sources holds the placeholder {source}: add the report to data/sources.yml, then put its id there "
              "(next time: make new SOURCE=<id>, or fanzha new --source <id>).", file=sys.stderr)
    if stages:
        print(f"  the stages of {scam_type}: {', '.join(map(str, stages))}", file=sys.stderr)
    # the placeholders (FZ036) are there to be filled in; anything else means the new file is broken
    return 1 if any(p.code != "FZ036" for p in result.errors()) else 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("new", help="start a case file from the commented template (asks for what is missing)")
    p.add_argument("--id", help=f"the case id and file name, e.g. {EXAMPLE_ID}")
    p.add_argument("--type", help="the scam type's id in data/scam_types.yml, e.g. cancel-baitiao-jintiao")
    p.add_argument("--title", help="the title in Chinese")
    p.add_argument("--source", help="the id in data/sources.yml of the report this case comes from (asked for in a terminal; "
                   f"otherwise the placeholder {PLACEHOLDER_SOURCE}, which validate refuses until replaced)")
    p.set_defaults(func=cmd_new)
