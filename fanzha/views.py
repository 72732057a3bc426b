"""What a page shows, computed in Python and handed to the templates ready to print.

Templates lay out; these functions decide wording, joins, sums and fallbacks, so that the site, the
statistics and the exports can share them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .checks import checker_variants
from .handouts import first_sentences
from .model import Case, Gender, MoneyStepKind, Outcome


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


# ---------------------------------------------------------------- the checker and the self-check pages

CHECKS = ["hang-up-and-verify", "verify-through-official-app", "call-96110"]  # what a reader can always do
CHECKER_CASES = 3  # cases named per flag on the checker page; the red-flag page lists them all


def digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def checker_view(index: Any, r: Any) -> dict[str, Any]:
    """Everything the checker page's script needs, ready to show: for each red flag its patterns, one sentence
    why it gives a scam away, what to do, links; the numbers the sources and cases name; the character table."""
    from . import checker

    s, vocab = r.strings, r.vocab
    statements: dict[str, list[Link]] = {}
    for platform, never in vocab["never_say"].items():
        for st in never.statements:
            for flag in st.red_flags:
                statements.setdefault(flag, []).append(
                    Link(r.t(vocab["platforms"][platform].name) + s["colon"] + r.t(st.summary), r.href(f"never-say/{platform}.md#{st.id}")))
    flags = []
    for ident, flag in vocab["red_flags"].items():
        if not flag.checker_phrases:
            continue
        cases = index.cases_by_flag.get(ident, [])
        flags.append({
            "id": ident, "name": r.t(flag.name), "href": str(r.href("red-flags.md#" + ident)),
            "why": first_sentences(r.t(flag.why_false), 1), "todo": r.t(flag.what_to_do),
            "patterns": [checker.pattern(p) for p in flag.checker_phrases],
            "never_say": [vars(link) | {"href": str(link.href)} for link in statements.get(ident, [])],
            "cases": [{"text": r.t(r.corpus.cases[c].title), "href": str(r.href(f"cases/{c}.md"))} for c in cases[:CHECKER_CASES]],
            "more": s["checker_more_cases"].format(n=len(cases)) if len(cases) > CHECKER_CASES else "",
        })
    numbers: dict[str, dict[str, str]] = {}
    for ident, platform in vocab["platforms"].items():
        # the numbers and their sources are listed on the platform's never-say page (or the about page)
        where = {"case": r.t(platform.name), "href": str(r.href(f"never-say/{ident}.md" if ident in vocab["never_say"] else "about.md"))}
        for number in platform.official_numbers:
            numbers[digits(number)] = {"number": number, "kind": "official", **where,
                                       "text": s["checker_official_number"].format(number=number, platform=r.t(platform.name))}
        for number in platform.spoofed_numbers:
            numbers.setdefault(digits(number), {"number": number, "kind": "spoofed", **where,
                                                "text": s["checker_spoofed_number"].format(number=number, platform=r.t(platform.name))})
    for ident in index.newest:
        case = r.corpus.cases[ident]
        for number in case.spoofed_numbers:
            numbers.setdefault(digits(number), {"number": number, "kind": "spoofed", "text": s["checker_case_number"],
                                                "case": r.t(case.title), "href": str(r.href(f"cases/{ident}.md"))})
    for ident, advice in vocab["advice"].items():
        if advice.number:
            numbers.setdefault(digits(advice.number), {"number": advice.number, "kind": "hotline", "text": r.t(advice.text)})
    labels = {key[len("checker_js_"):]: value for key, value in s.items() if key.startswith("checker_js_")} | {"colon": s["colon"]}
    data = {"flags": flags, "numbers": numbers, "variants": checker_variants(r.corpus), "labels": labels}
    # inside <script type="application/json">: "</" would end the element early
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    return {"json": Markup(text), "checks": always_checks(r), "flags": len(flags), "numbers": len(numbers)}


def always_checks(r: Any) -> list[dict[str, str]]:
    """The three checks a reader can always make, whatever the checker or the self-check found."""
    out = []
    for ident in CHECKS:
        advice = r.vocab["advice"][ident]
        out.append({"text": r.t(advice.text), "number": advice.number or "", "source": source_view(advice.source, r)})
    return out


def self_check_view(r: Any) -> dict[str, Any]:
    """The questions (red flags that have one, in the catalogue's order) and what each yes means."""
    questions = [
        {"id": ident, "text": r.t(flag.question), "flag": flag_link(ident, r), "todo": r.t(flag.what_to_do)}
        for ident, flag in r.vocab["red_flags"].items() if flag.question
    ]
    actions = [r.t(r.vocab["advice"][a].text) for a in ("hang-up-and-verify", "never-share-screen-or-code", "never-transfer-to-strangers")]
    return {"questions": questions, "checks": always_checks(r), "actions": actions,
            "police": r.vocab["advice"]["call-110"], "hotline": r.vocab["advice"]["call-96110"]}
# ---------------------------------------------------------------- statistics page


# The charts' geometry, in SVG user units. A chart is drawn in a 340-unit-wide viewBox and scaled to the
# column it sits in (about 340 px on a 375 px phone), so its text is as large as the table's. A row is its
# label (one or two lines) above two bars, cases and reported loss, each followed by its value; the bars'
# offsets within those BARS_HEIGHT units are in templates/stats.md.j2.
CHART_WIDTH = 340
CHART_FONT = 14
BAR_MAX = 230  # the longest bar; the rest of the width is left for the value written after it
LINE_HEIGHT = 17
LABEL_LINES = 2  # at most; a longer label ends in … (the table beside has it in full)
BARS_HEIGHT = 34  # both bars, their values and the gap to the next row
LEGEND_HEIGHT = 24
AGE_BANDS = ((25, "age_under_25"), (40, "age_25_39"), (60, "age_40_59"), (None, "age_60_plus"))


@dataclass
class StatRow:
    label: str
    href: str  # the row's own page ("" when it has none)
    lines: list[tuple[int, str]]  # the label as the chart draws it: (y within the row, text)
    cases: int
    with_amount: int  # cases in the row that report an amount
    loss: int  # sum of those amounts
    loss_text: str
    y: int  # top of the row in the chart
    bars_y: int  # top of the bars within the row
    count_bar: float
    loss_bar: float

    @property
    def count_x(self) -> float:  # where the value after a bar starts
        return self.count_bar + 5

    @property
    def loss_x(self) -> float:
        return self.loss_bar + 5


@dataclass
class StatGroup:
    id: str  # the section's anchor
    title: str
    column: str  # header of the table's first column
    summary: str  # the chart in a sentence
    rows: list[StatRow]
    height: int  # of the chart's viewBox


def loss_cases(cases: dict[str, Case]) -> list[int]:
    """Reported amounts of the cases where money was lost (every outcome but averted), sorted."""
    return sorted(c.loss.amount_cny for c in cases.values()
                  if c.loss.amount_cny is not None and c.loss.outcome != Outcome.averted)


def median(values: list[int]) -> int | None:
    """Median of sorted values, rounded to the whole yuan (None for none)."""
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else round((values[middle - 1] + values[middle]) / 2)


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    return next(label for limit, label in AGE_BANDS if limit is None or age < limit)


def report_year(case: Case, sources: dict) -> str | None:
    """The year the case was first reported: few reports date the case itself, nearly all are dated."""
    years = [sources[i].date[:4] for i in case.sources if i in sources and sources[i].date]
    return min(years) if years else None


def case_keys(case: Case, sources: dict) -> dict[str, list]:
    """Which row of each statistics group a case counts in (None: not reported); several for platforms and
    channels, where a case counts once for each it names."""
    victim = case.victim
    return {
        "scam-type": [case.scam_type],
        "platform": list(dict.fromkeys(case.platforms)) or [None],
        "channel": list(dict.fromkeys(case.channels)) or [None],
        "outcome": [case.loss.outcome.value],
        "year": [report_year(case, sources)],
        "student": [victim.student],
        "gender": [victim.gender.value if victim.gender else None],
        "age": [age_band(victim.age)],
    }


MULTIPLE = {"platform", "channel"}  # groups where one case may count in several rows


def tally(cases: dict[str, Case], sources: dict) -> dict[str, dict[Any, list[int]]]:
    """group -> row key -> [cases, cases reporting an amount, sum of the amounts], in one pass."""
    out: dict[str, dict[Any, list[int]]] = {}
    for case in cases.values():
        amount = case.loss.amount_cny
        for group, keys in case_keys(case, sources).items():
            rows = out.setdefault(group, {})
            for key in keys:
                row = rows.setdefault(key, [0, 0, 0])
                row[0] += 1
                if amount is not None:
                    row[1] += 1
                    row[2] += amount
    return out


def char_width(char: str) -> float:
    """Roughly how wide a sans-serif draws a character: CJK one em, anything else at most 0.6 em."""
    return CHART_FONT * (1.0 if ord(char) >= 0x2E80 else 0.6)


def chart_lines(text: str) -> list[str]:
    """The label in lines that fit the chart, broken at a space in Latin text, anywhere in Chinese."""
    lines, line, width = [], "", 0.0
    for char in text:
        if width + char_width(char) > CHART_WIDTH:
            if len(lines) == LABEL_LINES - 1:
                return lines + [line[:-1] + "…"]
            cut = line.rfind(" ") if ord(char) < 0x2E80 else -1
            lines.append(line[:cut] if cut > 0 else line)
            line = line[cut + 1:] if cut > 0 else ""
            width = sum(map(char_width, line))
        line += char
        width += char_width(char)
    return lines + [line]


CLOSED_GROUPS = {  # every row shown, even with no case in it
    "outcome": [o.value for o in Outcome],
    "student": [True, False],
    "gender": [g.value for g in Gender],
    "age": [band for _, band in AGE_BANDS],
}


def row_keys(group: str, counted: dict[Any, list[int]], vocab: dict[str, Any]) -> list:
    """The rows of a group, in order; "not reported" (None) last, when any case is in it."""
    def by_count(keys: list) -> list:  # most cases first; ties keep the vocabulary's order
        return sorted(keys, key=lambda k: -counted.get(k, [0])[0])

    if group == "scam-type":
        return by_count(list(vocab["scam_types"]))  # every type, the casebook's subjects
    if group in MULTIPLE:
        keys = by_count([k for k in vocab[group + "s"] if k in counted])
    elif group == "year":
        keys = sorted(k for k in counted if k is not None)
    else:
        keys = list(CLOSED_GROUPS[group])
    return keys + ([None] if None in counted else [])


def row_label(group: str, key: Any, r: Any) -> tuple[str, str]:
    """(label, link to the row's page or "")."""
    s, vocab = r.strings, r.vocab
    if key is None:
        return s["stats_not_reported"], ""
    if group == "scam-type":
        return r.t(vocab["scam_types"][key].name), r.href(f"types/{key}.md")
    if group == "platform":
        return r.t(vocab["platforms"][key].name), r.href(f"never-say/{key}.md") if key in vocab["never_say"] else ""
    if group == "channel":
        return r.t(vocab["channels"][key].name), ""
    if group == "year":
        return key, ""
    label = {"outcome": f"outcome_{key}", "student": "stats_student" if key else "stats_not_student",
             "gender": f"stats_{key}", "age": key}[group]
    return s[label], ""


def statistics(corpus: Any, r: Any) -> dict[str, Any]:
    """The statistics page: the home page's figures, the median, and one chart with its table per group."""
    s, cases = r.strings, corpus.cases
    stats = corpus_stats(cases)
    counted = tally(cases, corpus.vocab["sources"])
    groups = []
    for group in ("scam-type", "platform", "channel", "outcome", "year", "student", "gender", "age"):
        rows = counted.get(group, {})
        groups.append(stat_group(group, [(row_label(group, k, r), rows.get(k, [0, 0, 0])) for k in row_keys(group, rows, r.vocab)],
                                 rows.get(None, [0])[0], r))
    lost = loss_cases(cases)
    # the cited facts that are figures: those with a number in them
    official = [{"text": r.t(fact.text), "source": source_view(fact.source, r)}
                for fact in r.vocab["facts"].values() if any(char.isdigit() for char in fact.text.zh)]
    return {
        "lead": s["casebook_stats"].format(cases=stats.cases, averted=stats.averted, loss=r.money(stats.total_loss),
                                           with_amount=stats.with_amount),
        "key_figures": [
            (s["stats_cases"], "", str(stats.cases)),
            (s["stats_with_amount"], "", str(stats.with_amount)),
            (s["stats_total_loss"], "", r.money(stats.total_loss)),
            (s["stats_median_loss"], s["stats_median_of"].format(n=len(lost)), r.money(median(lost))),
        ],
        "groups": groups,
        "official": official,
        "chart": {"width": CHART_WIDTH, "font": CHART_FONT, "small_font": CHART_FONT - 2, "legend_loss_x": CHART_WIDTH // 2,
                  "legend_loss_text_x": CHART_WIDTH // 2 + 16},
    }


def stat_group(group: str, rows: list[tuple[tuple[str, str], list[int]]], unreported: int, r: Any) -> StatGroup:
    """One group's rows with their bars, and the sentence that says what its chart shows."""
    s = r.strings
    most_cases = max((row[0] for _, row in rows), default=0) or 1
    most_loss = max((row[2] for _, row in rows), default=0) or 1
    out, y = [], LEGEND_HEIGHT
    for (label, href), (count, with_amount, loss) in rows:
        lines = chart_lines(label)
        out.append(StatRow(
            label, href, [(CHART_FONT - 1 + LINE_HEIGHT * i, line) for i, line in enumerate(lines)], count, with_amount, loss,
            r.money(loss if with_amount else None), y, LINE_HEIGHT * len(lines),
            round(BAR_MAX * count / most_cases, 1), round(BAR_MAX * loss / most_loss, 1),
        ))
        y += LINE_HEIGHT * len(lines) + BARS_HEIGHT
    reported = out[:-1] if unreported else out  # the "not reported" row is always last
    sentences = []
    top = max(reported, key=lambda row: row.cases, default=None)
    if top is None or top.cases == 0:
        sentences.append(s["stats_none_reported"])
    else:
        sentences.append(s["stats_most_cases"].format(label=top.label, n=top.cases))
        top_loss = max(reported, key=lambda row: row.loss)
        if top_loss.loss:
            sentences.append(s["stats_most_loss"].format(label=top_loss.label, loss=top_loss.loss_text))
    if unreported:
        sentences.append(s["stats_unreported"].format(n=unreported))
    if group in MULTIPLE:
        sentences.append(s["stats_multiple"])
    return StatGroup("by-" + group, s[f"stats_by_{group.replace('-', '_')}"], s[f"stats_column_{group.replace('-', '_')}"],
                     s["stats_sentence_sep"].join(sentences), out, y)
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
