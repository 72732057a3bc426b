"""The `fanzha` command: thin wrappers around the package's functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import checker, copycheck, fmt, i18n, opendata, reference, scaffold, schema
from .checks import check_project
from .codes import codes_table


def cmd_validate(args: argparse.Namespace) -> int:
    root = Path.cwd()
    paths = [Path(p) for p in args.paths] or None
    for path in paths or []:
        if not path.exists():
            print(f"{path}:1:1: FZ004 no such file or folder", file=sys.stdout)
            return 2
    result = check_project(root, paths, keep_cases=False)
    for problem in result.problems:
        label = "" if problem.severity == "error" else " (warning)"
        print(f"{problem}{label}")
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity == "warning"]
    failed = bool(errors) or (args.strict and bool(warnings))
    print(
        f"checked {result.checked} files: {len(errors)} errors, {len(warnings)} warnings"
        + (" (warnings count as errors with --strict)" if args.strict and warnings else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    stale = schema.write(Path(args.out), check=args.check)
    if args.check and stale:
        for path in stale:
            print(f"{path}:1:1: out of date; run `make schema` (fanzha schema) and commit the result")
        return 1
    return 0


def cmd_codes(args: argparse.Namespace) -> int:
    print(codes_table(), end="")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .site import GenerationError, generate

    try:
        changed = generate(Path.cwd(), parallel=True)
    except GenerationError as error:
        print(error)
        print("the site was not generated: see the message above", file=sys.stderr)
        return 1
    print(f"generated pages: {len(changed)} files changed under build/docs/", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_site

    return build_site(Path.cwd(), args.engine)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fanzha", description="反诈案例库 · Anti-Scam Casebook tools")
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check case and data files; one line per problem")
    p.add_argument("paths", nargs="*", help="files or folders (default: the whole project)")
    p.add_argument("--strict", action="store_true", help="treat warnings (missing English…) as errors")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("schema", help="write the JSON Schema files exported from the model")
    p.add_argument("--out", default="schema")
    p.add_argument("--check", action="store_true", help="only report schema files that are out of date")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("generate", help="write the site's Markdown pages into build/docs/ (both languages)")
    p.set_defaults(func=cmd_generate)
    p = sub.add_parser("build", help="generate and build the complete static site into site/")
    p.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs", help="builder: MkDocs + Material (default) or Zensical (make site-zensical)")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("codes", help="print the table of problem codes (Markdown)")
    p.set_defaults(func=cmd_codes)
    opendata.add_parser(sub)
    for volunteer_tool in (scaffold, fmt, i18n, reference, copycheck, checker):  # new, fmt, i18n, docs, copycheck, checker
        volunteer_tool.add_parser(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
