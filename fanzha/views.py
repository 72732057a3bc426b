"""What a page shows, computed in Python and handed to the templates ready to print.

Templates lay out; these functions decide wording, joins, sums and fallbacks, so that the site, the
statistics and the exports can share them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

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


# ---------------------------------------------------------------- the checker and the self-check pages

CHECKS = ["hang-up-and-verify", "verify-through-official-app", "call-96110"]  # what a reader can always do
CHECKER_CASES = 3  # cases named per flag on the checker page; the red-flag page lists them all


def first_sentence(text: str) -> str:
    """Up to the first full stop (。 or '. '): one sentence to explain a match."""
    for stop in ("。", ". "):
        if stop in text:
            return text[: text.index(stop) + len(stop)].strip()
    return text


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
            "why": first_sentence(r.t(flag.why_false)), "todo": r.t(flag.what_to_do),
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
    phrases = [p for flag in vocab["red_flags"].values() for p in flag.checker_phrases]
    labels = {key[len("checker_js_"):]: value for key, value in s.items() if key.startswith("checker_js_")} | {"colon": s["colon"]}
    data = {"flags": flags, "numbers": numbers, "variants": checker.variant_table(phrases), "labels": labels}
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
