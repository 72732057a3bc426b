"""Open data: every case as JSON and as CSV, with the JSON Schemas, and an Atom feed of new and updated cases.

    cases.json   every case (the model's fields, as `model_dump` gives them) with its id and page URLs, and
                 every vocabulary, so that each id a case names can be resolved
    cases.csv    one row per case, UTF-8 with a byte-order mark so that spreadsheets read the Chinese
    schema/      the JSON Schemas of the case and vocabulary files (schema/, exported from the model)
    feed.xml     per language: the newest cases by the date their file last changed (fanzha/history.py)

`fanzha export [--out DIR]` writes the first three into a folder; the generator puts them into the Chinese
site's data/ (one copy, at /casebook/data/: the English pages link there) and a feed at each language's root.
Output is sorted and carries no clock time: the same commit gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import sys
import types
import typing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel

from .checks import Corpus, check_project
from .history import History, utc
from .model import Text
from .reference import case_field

LICENCE = {  # why this licence: the open-data page (strings.yml open_data_licence_why)
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
SCHEMA_FOLDER = "schema"
FEED = "feed.xml"
# A feed is fetched again and again by every reader's feed app: the newest 100 cases keep it small at 10,000
# cases (every case is in cases.json). Today's casebook has fewer, so each of its cases is in the feed once.
FEED_ENTRIES = 100
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """One CSV column: a field of the case (dotted path), or one made here (id, page URLs), which names its type."""

    name: str
    field: str = ""  # "victim.label.zh"; empty for the columns made here
    type: str = ""  # for the columns made here; the others' type and description come from the model

    def described(self) -> tuple[str, str]:
        """(type, description) as the field reference gives them; a made column's description is a label
        (`column_<name>` in strings.yml)."""
        return case_field(self.field) if self.field else (self.type, "")


def _texts(name: str, field: str) -> tuple[Column, Column]:
    return Column(f"{name}_zh", f"{field}.zh"), Column(f"{name}_en", f"{field}.en")


# Stable names: columns may be added, none is renamed or removed. Nested lists (script, money_flow) are in cases.json.
COLUMNS: tuple[Column, ...] = (
    Column("id", type="id"),
    *_texts("title", "title"),
    *_texts("summary", "summary"),
    Column("date", "date"),
    *_texts("place", "place"),
    Column("scam_type", "scam_type"),
    Column("platforms", "platforms"),
    Column("channels", "channels"),
    Column("spoofed_numbers", "spoofed_numbers"),
    *_texts("victim_label", "victim.label"),
    Column("gender", "victim.gender"),
    Column("age", "victim.age"),
    *_texts("occupation", "victim.occupation"),
    Column("student", "victim.student"),
    *_texts("education", "victim.education"),
    Column("loss_cny", "loss.amount_cny"),
    Column("loss_approximate", "loss.approximate"),
    Column("outcome", "loss.outcome"),
    Column("recovered_cny", "loss.recovered_cny"),
    Column("red_flags", "red_flags.flag"),
    Column("advice", "advice"),
    Column("sources", "sources"),
    Column("url_zh", type="URL"),
    Column("url_en", type="URL"),
)


def _pluck(value: Any, parts: list[str]) -> Any:
    """The value at a dotted path; through a list, the values of every item."""
    for i, part in enumerate(parts):
        if value is None:
            return None
        if isinstance(value, list):
            return [_pluck(item, parts[i:]) for item in value]
        value = getattr(value, part)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""  # not reported
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    return str(value)


@functools.cache
def _stamps(model: type[BaseModel]) -> dict:
    """Pydantic's `exclude` for every `en_from` in a model, however deep: a note for translators (fanzha i18n),
    nothing a reader of the data needs."""
    spec: dict = {}
    for name, info in model.model_fields.items():
        kind, many = info.annotation, False
        while typing.get_origin(kind) in (list, typing.Union, types.UnionType):  # list[X], Optional[X]
            many = many or typing.get_origin(kind) is list
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        inner = {"en_from"} if kind is Text else _stamps(kind) if isinstance(kind, type) and issubclass(kind, BaseModel) else None
        if inner:
            spec[name] = {"__all__": inner} if many else inner
    return spec


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _fields(model: BaseModel) -> str:
    """A model's fields as the members of a JSON object (no braces), without translators' stamps. Pydantic's
    own serializer writes them, five times faster than dumping to Python and then to JSON."""
    return model.model_dump_json(exclude=_stamps(type(model)))[1:-1]


def _object(*members: str) -> str:
    return "{" + ",".join(member for member in members if member) + "}"


PageUrls = Callable[[str], dict[str, str]]  # case id -> {"zh": URL, "en": URL}


def case_cells(case: BaseModel) -> list[str]:
    """A case's CSV cells, but for the columns computed from its id."""
    return [_cell(_pluck(case, c.field.split("."))) for c in COLUMNS if c.field]


CaseRow = Callable[[str], tuple[str, list[str]]]  # case id -> (its JSON fields, case_cells): the generator keeps them


def case_row(case: BaseModel) -> tuple[str, list[str]]:
    """A case's part of cases.json (its fields) and of cases.csv (case_cells)."""
    return _fields(case), case_cells(case)


def _case_row(corpus: Corpus) -> CaseRow:
    return lambda ident: case_row(corpus.cases[ident])


def cases_json(corpus: Corpus, history: History, urls: PageUrls, row: CaseRow | None = None) -> str:
    row = row or _case_row(corpus)
    cases = ",".join(_object(f'"id":{_json(i)}', row(i)[0], f'"url":{_json(urls(i))}') for i in sorted(corpus.cases))
    vocabularies = ",".join(
        _json(name) + ":{" + ",".join(f"{_json(i)}:{_object(_fields(entries[i]))}" for i in sorted(entries)) + "}"
        for name, entries in corpus.vocab.items()
    )
    head = {
        "licence": LICENCE,
        "generated_from": history.commit,  # the commit the data was exported from
        "case_schema": f"{SCHEMA_FOLDER}/case.schema.json",  # each case: that schema's fields plus `id` and `url`
    }
    return _json(head)[:-1] + f',"cases":[{cases}],"vocabularies":{{{vocabularies}}}}}\n'


def cases_csv(corpus: Corpus, urls: PageUrls, row: CaseRow | None = None) -> str:
    row = row or _case_row(corpus)
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark: without it Excel reads UTF-8 Chinese as mojibake
    writer = csv.writer(out)  # RFC 4180: comma, double quotes where needed, CRLF
    writer.writerow([c.name for c in COLUMNS])
    for ident in sorted(corpus.cases):
        computed = {"id": ident, **{f"url_{lang}": url for lang, url in urls(ident).items()}}
        cells = iter(row(ident)[1])
        writer.writerow([computed[c.name] if not c.field else next(cells) for c in COLUMNS])
    return out.getvalue()


def schema_files(root: Path) -> dict[str, bytes]:
    """schema/*.schema.json as committed (`fanzha schema --check` keeps them equal to the model)."""
    return {f"{SCHEMA_FOLDER}/{p.name}": p.read_bytes() for p in sorted((root / "schema").glob("*.schema.json"))}


def data_files(root: Path, corpus: Corpus, history: History, urls: PageUrls,
               row: CaseRow | None = None) -> dict[str, Callable[[], str | bytes]]:
    """Every open-data file by its path in the data folder, each made only when asked for; `row`: each case's
    part of them, e.g. kept from the last generation."""
    files: dict[str, Callable[[], str | bytes]] = {
        "cases.json": lambda: cases_json(corpus, history, urls, row),
        "cases.csv": lambda: cases_csv(corpus, urls, row),
    }
    for name, data in schema_files(root).items():
        files[name] = lambda data=data: data
    return files


# ---------------------------------------------------------------- Atom feed


def feed(lang: str, corpus: Corpus, history: History, t: Callable, strings: dict[str, str], config: Any) -> bytes:
    """The Atom feed of one language: the newest FEED_ENTRIES cases by the date their file last changed, each
    linking to its page in that language (config: the site's SiteConfig)."""
    from feedgen.feed import FeedGenerator

    sources = corpus.vocab["sources"]
    dated = {ident: history.dates(ident, case, sources) for ident, case in corpus.cases.items()}
    newest = sorted(dated, key=lambda ident: (dated[ident][1], ident), reverse=True)[:FEED_ENTRIES]
    site = config.page_url(lang, "index.md")
    fg = FeedGenerator()
    fg.id(site)
    fg.title(strings["feed_title"])
    fg.subtitle(strings["feed_subtitle"])
    fg.link(href=site + FEED, rel="self", type="application/atom+xml")
    fg.link(href=config.page_url(lang, "cases/index.md"), rel="alternate", type="text/html")
    fg.author(name=strings["site_name"], uri=site)
    fg.language(lang)
    fg.rights(f"{LICENCE['name']} ({LICENCE['url']})")
    fg.generator("fanzha")  # no version: upgrading a library does not change the feed
    fg.updated(dated[newest[0]][1] if newest else utc(history.epoch or 0))  # feedgen's default would be the clock
    for ident in newest:
        case = corpus.cases[ident]
        published, updated = dated[ident]
        url = config.page_url(lang, f"cases/{ident}.md")
        entry = fg.add_entry(order="append")
        entry.id(url)  # the case's page: case ids never change
        entry.title(t(case.title))
        entry.link(href=url, rel="alternate", type="text/html")
        entry.summary(t(case.summary))
        entry.published(published)
        entry.updated(updated)
        entry.category(term=case.scam_type, label=t(corpus.vocab["scam_types"][case.scam_type].name))
    return fg.atom_str(pretty=True, encoding="UTF-8")


# ---------------------------------------------------------------- fanzha export


def export(root: Path, out: Path) -> list[Path]:
    """Write cases.json, cases.csv and schema/ into `out` (each file whole or not at all); returns the files."""
    from .site import GenerationError, SiteConfig, write_if_changed

    result = check_project(root)
    if result.errors():
        raise GenerationError(result.errors())
    config = SiteConfig.read(root)
    written = []
    for name, make in data_files(root, result.corpus, History.read(root), config.case_urls).items():
        write_if_changed(out / name, make())
        written.append(out / name)
    return written


def cmd_export(args: argparse.Namespace) -> int:
    from .site import GenerationError

    out = Path(args.out)
    try:
        written = export(Path.cwd(), out)
    except GenerationError as error:
        print(error)
        print("nothing was exported: see the message above", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{out}: cannot write there: {error.strerror}; choose another folder with --out")
        return 1
    print(f"exported {len(written)} files into {out}/ (cases.json, cases.csv, {SCHEMA_FOLDER}/)", file=sys.stderr)
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("export", help="write the open data (cases.json, cases.csv, JSON Schemas) into a folder")
    p.add_argument("--out", default="build/export", help="the folder to write into (default: build/export)")
    p.set_defaults(func=cmd_export)
