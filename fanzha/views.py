"""What a page shows, computed in Python and handed to the templates ready to print.

Templates lay out; these functions decide wording, joins, sums and fallbacks, so that the site, the
statistics and the exports can share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Case, MoneyStepKind


@dataclass
class Link:
    text: str
    href: str


@dataclass
class TurnView:
    speaker: str  # scammer / victim / narrator: also the CSS class
    label: str
    text: str
    flags: list[Link] = field(default_factory=list)


@dataclass
class SourceView:
    id: str
    publisher: str
    title: str
    date: str
    url: str | None
    about: str  # link to the source's entry on the about page


def victim_line(case: Case, r: Any) -> str:
    """曹女士（女，35岁，学生） / Ms Cao (woman, 35 years old, student)."""
    s, v = r.strings, case.victim
    bits = []
    if v.gender:
        bits.append(s[v.gender.value])
    if v.age is not None:
        bits.append(f"{v.age}{s['age_years']}")
    if v.occupation:
        bits.append(r.t(v.occupation))
    if v.student:
        bits.append(s["student"])
    if v.education:
        bits.append(r.t(v.education))
    details = s["paren_open"] + s["list_sep"].join(bits) + s["paren_close"] if bits else ""
    return r.t(v.label) + details


def flag_link(flag: str, r: Any) -> Link:
    return Link("⚑ " + r.t(r.vocab["red_flags"][flag].name), r.href("red-flags.md#" + flag))


def source_view(ident: str, r: Any) -> SourceView:
    src = r.vocab["sources"][ident]
    s = r.strings
    publisher = s["editorial_label"] if src.kind.value == "editorial" else r.t(src.publisher)
    date = (src.date or "") + (s["paren_open"] + s["repost_date"] + s["paren_close"] if src.date and src.repost else "")
    return SourceView(ident, publisher, r.t(src.title), date, src.url, r.href("about.md#" + ident))


def disputes(fact_ids: list[str], r: Any) -> list[dict[str, Any]]:
    """Where a text restates a fact another source disputes (facts.yml `contradicts`): both sides, with sources."""
    out = []
    for ident in fact_ids:
        fact = r.vocab["facts"][ident]
        if fact.contradicts:
            sides = [(fact.text, fact.source)] + [(r.vocab["facts"][o].text, r.vocab["facts"][o].source) for o in fact.contradicts]
            out.append([{"text": r.t(text), "source": source_view(src, r)} for text, src in sides])
    return out


def case_view(ident: str, case: Case, flags: list[str], r: Any) -> dict[str, Any]:
    s, vocab = r.strings, r.vocab
    scam_type = Link(r.t(vocab["scam_types"][case.scam_type].name), r.href(f"types/{case.scam_type}.md"))
    platforms = [Link(r.t(vocab["platforms"][p].name), r.href(f"never-say/{p}.md") if p in vocab["never_say"] else "")
                 for p in case.platforms]
    rows: list[tuple[str, Any]] = [
        (s["victim"], victim_line(case, r)),
        (s["when"], case.date or s["not_reported"]),
        (s["where"], r.t(case.place) if case.place else s["not_reported"]),
        (s["scam_type"], [scam_type]),
        (s["impersonated"], platforms or s["not_reported"]),
        (s["channels"], s["list_sep"].join(r.t(vocab["channels"][c].name) for c in case.channels) or s["not_reported"]),
    ]
    if case.spoofed_numbers:
        rows.append((s["spoofed_numbers"], s["list_sep"].join(case.spoofed_numbers)))
    loss = r.money(case.loss.amount_cny, case.loss.approximate)
    rows += [(s["loss"], loss), (s["outcome"], s["outcome_" + case.loss.outcome.value])]
    turns = [
        TurnView(t.speaker.value, s["speaker_" + t.speaker.value], r.t(t.text), [flag_link(f, r) for f in t.red_flags])
        for t in case.script
    ]
    money = [
        {"step": f"{i}. {s['kind_' + step.kind.value]}", "account": r.t(step.account),
         "note": r.t(step.note), "amount": r.money(step.amount_cny)}
        for i, step in enumerate(case.money_flow, 1)
    ]
    known = sum(step.amount_cny or 0 for step in case.money_flow if step.kind == MoneyStepKind.payment)
    notes = {f.flag: f.note for f in case.red_flags}
    flag_items = [(flag_link(f, r), r.t(notes.get(f))) for f in flags]
    advice = []
    for a in case.advice:
        entry = vocab["advice"][a]
        advice.append({"text": r.t(entry.text), "number": entry.number, "source": source_view(entry.source, r),
                       "disputes": disputes(entry.facts, r)})
    return {
        "title": r.t(case.title),
        "summary": r.t(case.summary),
        "rows": rows,
        "turns": turns,
        "money": money,
        "known_payments": r.money(known or None),
        "reported_loss": loss,
        "flags": flag_items,
        "advice": advice,
        "sources": [source_view(src, r) for src in case.sources],
        "edit_url": f"{r.config.repo_url}/edit/{r.config.edit_branch}/cases/{ident}.yml",
    }


@dataclass
class CorpusStats:
    """What the home page says about the casebook itself, computed from the cases (never written by hand)."""

    cases: int
    lost_cases: int
    averted: int
    total_loss: int  # sum of the reported losses that give an amount (approximate ones as their lower bound)
    with_amount: int


def corpus_stats(cases: dict[str, Case]) -> CorpusStats:
    amounts = [c.loss.amount_cny for c in cases.values() if c.loss.amount_cny is not None]
    averted = sum(1 for c in cases.values() if c.loss.outcome.value == "averted")
    return CorpusStats(len(cases), len(cases) - averted, averted, sum(amounts), len(amounts))


@dataclass
class ColumnView:
    name: str
    field: str  # the case field it holds ("victim.label.zh"), or "" for a column made from the id
    type: str  # Markdown, from the model (as in the field reference)
    description: str


def open_data_view(r: Any) -> dict[str, Any]:
    """The open-data page: links to the files, every CSV column, the field reference; all read off the model."""
    from markupsafe import Markup, escape

    from . import opendata, reference
    from .model import VOCABULARIES

    s = r.strings
    data = r.config.base_path + "data/"  # one copy, in the Chinese site: both languages link there by its path
    columns = []
    for column in opendata.COLUMNS:
        type_name, description = column.described()
        if not column.field:
            description = s[f"column_{column.name}"]
        elif column.field.endswith((".zh", ".en")):
            description += " " + s["column_text_" + column.field[-2:]]
        # names and fields are ids (nothing to escape) printed in code spans, where Markdown escapes would show
        columns.append(ColumnView(Markup(escape(column.name)), Markup(escape(column.field)),
                                  Markup(reference.cell(type_name)), Markup(reference.cell(description))))
    schemas = [f"{name}.schema.json" for name in ("case", *VOCABULARIES)]
    repository = f"{r.config.repo_url}/blob/{r.config.edit_branch}/"
    return {
        "json": Link("cases.json", Markup(escape(data + "cases.json"))),
        "csv": Link("cases.csv", Markup(escape(data + "cases.csv"))),
        "schemas": [Link(Markup(escape(name)), Markup(escape(f"{data}{opendata.SCHEMA_FOLDER}/{name}"))) for name in schemas],
        "feed": Link(opendata.FEED, Markup(escape(r.config.base_path + ("en/" if r.lang == "en" else "") + opendata.FEED))),
        "cases": len(r.corpus.cases),
        "feed_entries": opendata.FEED_ENTRIES,
        "credit": f"{s['site_name']} · {r.config.site_url} · CC BY 4.0",
        "data_licence": Markup(escape(repository + "LICENSE-DATA")),
        "code_licence": Markup(escape(repository + "LICENSE")),
        "columns": columns,
        "fields": Markup(reference.fields_reference()),
    }
