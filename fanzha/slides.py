"""The class-meeting talk (主题班会): a 15-minute slide deck a counsellor can give without having seen the site.

    handouts/talk.<lang>.html        the slides as one self-contained web page: styles, script and QR codes inside,
                                     nothing fetched, so it runs from a USB stick; without script, a page of
                                     slides with their notes
    handouts/talk.<lang>.pdf         the same slides, 16:9, one a page, for any PDF viewer
    handouts/talk-notes.<lang>.pdf   the speaker notes on A4, to print and hold while the slides are shown

Everything on the slides and in the notes is a text from data/ or a label from templates/strings.yml; which
case, which scam type and which scammer lines are shown is chosen here, the same for both languages. The PDFs
go through fanzha.handouts (same fonts, QR codes, cache and process pool as the A4 handouts).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import handouts, views
from .handouts import HandoutError, Layout, PrintJob, first_sentence, first_sentences, qr_svg

MIN_TURNS, MAX_TURNS = 6, 9  # the case told: enough lines to show the scam unfold, few enough for 3 slides
TURNS_PER_SLIDE = 3
QUIZ = 3  # scammer lines in the "what's wrong?" exercise, each with its answer on the next slide
QUIZ_LENGTH = (24, 60)  # characters of a good exercise line: enough to discuss, short enough to read out
MAX_SOURCES = 8  # named on the last slide; the pages its QR code opens list the rest
# A slide's type is 1/38 of its width (templates/slides.html.j2): a row holds about 66 width units (a Chinese
# character 2, see width()), and under the small line above the title there is room for about 11.7
# rows. Estimates decide how many lines of a case go on one slide and which slides use the smaller (dense) type;
# the PDF's page count checks them (and the PDF falls back to the smaller type throughout).
ROW_UNITS, ROOM = 66, 11.7
DENSE = 0.88  # the smaller type, as a share of the normal
_SEE_BELOW = re.compile(r"\s*(（见下）|\(see below\))")  # a cross-reference within the site's page, not in the talk


class TalkError(HandoutError):
    pass


@dataclass
class Slide:
    kind: str  # title, scam, case, steps, quiz, answer, actions, hotlines, end: also the CSS class
    title: str
    notes: list[str]  # what to say, paragraph by paragraph
    kicker: str = ""  # the small line above the title
    lead: str = ""
    items: list[Any] = field(default_factory=list)  # what the slide lists; its kind decides what they are
    sources: list[str] = field(default_factory=list)  # publishers of the facts it shows
    qr: Markup | None = None
    url: str = ""
    dense: bool = False


@dataclass
class Choice:
    """What the talk shows, chosen once from the corpus (the same for both languages)."""

    scam_type: str
    case: str
    quiz: list[tuple[str, int]]  # (case id, index of the scammer's line in its script)


def talk_case(corpus, index, scam_type: str) -> str:
    """The case told step by step: the newest with place, loss and a script of MIN_TURNS to MAX_TURNS lines, of
    the scam type shown if it has one, else of any type."""
    def told(ident: str) -> bool:
        case = corpus.cases[ident]
        return bool(case.place and case.loss.amount_cny and case.loss.outcome.value != "averted"
                    and MIN_TURNS <= len(case.script) <= MAX_TURNS and any(t.speaker.value == "scammer" for t in case.script))

    for ident in [*index.cases_by_type.get(scam_type, []), *index.newest]:
        if told(ident):
            return ident
    raise TalkError(f"the class-meeting talk needs a case with a place, a reported loss and a script of {MIN_TURNS} to "
                    f"{MAX_TURNS} lines; add one to cases/ (see CONTRIBUTING.md)")


def quiz_lines(corpus, index, story: str) -> list[tuple[str, int]]:
    """Scammer lines from other cases for the exercise: one per warning sign not already met in the story, the
    most common signs first; each from a different case, preferring a line with one sign, in the scammer's own
    words (a quote), of QUIZ_LENGTH, from the newest case."""
    seen = {flag for turn in corpus.cases[story].script for flag in turn.red_flags}
    used_cases = {story}
    out: list[tuple[str, int]] = []
    for flag in index.flags_by_count:
        if flag in seen:
            continue
        candidates = [
            (len(turn.red_flags) != 1, not turn.text.zh.startswith("“"), not QUIZ_LENGTH[0] <= len(turn.text.zh) <= QUIZ_LENGTH[1],
             order, number, ident)
            for order, ident in enumerate(index.cases_by_flag.get(flag, [])) if ident not in used_cases
            for number, turn in enumerate(corpus.cases[ident].script)
            if turn.speaker.value == "scammer" and flag in turn.red_flags
        ]
        if not candidates:
            continue
        *_, number, ident = min(candidates)
        out.append((ident, number))
        used_cases.add(ident)
        seen.update(corpus.cases[ident].script[number].red_flags)
        if len(out) == QUIZ:
            return out
    raise TalkError(f"the class-meeting talk needs {QUIZ} scammer lines with warning signs from other cases than "
                    f"{story}; add red_flags to the scammer lines of more cases")


def choose(corpus, index) -> Choice:
    scam_type = handouts.most_common_type(corpus.vocab, index)
    case = talk_case(corpus, index, scam_type)
    return Choice(scam_type, case, quiz_lines(corpus, index, case))


def width(text: str) -> float:
    """Width units of a text: a Chinese character 2, a Latin letter 1.2 (with what wrapping at spaces wastes)."""
    return sum(2 if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1.2 for ch in text)


def rows(text: str, dense: bool = False) -> int:
    return math.ceil(width(text) / (ROW_UNITS / (DENSE if dense else 1)))


def even(items: list, count: int) -> list[list]:
    """items in `count` slides, as even as can be (7 in 3: 3, 2, 2)."""
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for n in range(count):
        end = start + size + (1 if n < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def title_rows(title: str) -> float:
    """Rows of normal type a slide's title takes (its type is 1.55 times as large)."""
    return math.ceil(width(title) * 1.55 / ROW_UNITS) * 1.38 + 0.33


def box_rows(names: list[str]) -> float:
    """Rows the scam's steps take as numbered boxes, side by side as far as they go."""
    lines, used = 1, 0
    for name in names:
        box = width(name) + 6  # number, padding, gap
        if used and used + box > ROW_UNITS:
            lines, used = lines + 1, 0
        used += box
    return lines * 1.9


def line_rows(line: views.TurnView, dense: bool = False) -> float:
    """Rows of type one line of the script takes: its text, its warning signs in small type, the gap."""
    scale = DENSE if dense else 1
    flags = " ".join(f.text for f in line.flags)
    return (rows(line.label + "：" + line.text, dense) + (0.75 * rows(flags, dense) if flags else 0) + 0.6) * scale


def script_slides(lines: list[views.TurnView], title: str) -> list[tuple[list[views.TurnView], bool]]:
    """The script in the fewest slides of at most TURNS_PER_SLIDE lines that fit under `title`, each with whether
    it needs the smaller type."""
    room = ROOM - title_rows(title)
    for count in range(math.ceil(len(lines) / TURNS_PER_SLIDE), len(lines) + 1):
        parts = even(lines, count)
        if all(sum(line_rows(line, True) for line in part) <= room for part in parts):
            return [(part, sum(line_rows(line) for line in part) > room) for part in parts]
    return [([line], True) for line in lines]


class Talk:
    """The talk in every language: its slides (views), the print jobs for its PDFs, and the HTML deck."""

    def __init__(self, renderers: dict, corpus, index, config, templates: Path, cache: Path):
        self.renderers, self.corpus, self.index, self.config = renderers, corpus, index, config
        handouts.keep_qr_codes(cache)
        self.env = handouts.html_environment(templates, cache / "jinja")
        self.choice = choose(corpus, index)
        self._slides: dict[str, list[Slide]] = {}

    @staticmethod
    def file(kind: str, lang: str) -> str:
        """talk.zh.html, talk.en.pdf, talk-notes.zh.pdf…"""
        return {"html": f"talk.{lang}.html", "pdf": f"talk.{lang}.pdf", "png": f"talk.{lang}.png",
                "notes": f"talk-notes.{lang}.pdf"}[kind]

    def slides(self, lang: str) -> list[Slide]:
        if lang not in self._slides:
            self._slides[lang] = deck(self.renderers[lang], self.corpus, self.index, self.choice, self.config)
        return self._slides[lang]

    def render(self, lang: str, medium: str, compact: bool = False) -> str:
        """The deck as HTML for the screen (the web page) or for print (the 16:9 PDF), or the notes (A4); compact:
        every slide in the smaller type."""
        r = self.renderers[lang]
        template = "slides_notes.html.j2" if medium == "notes" else "slides.html.j2"
        return self.env.get_template(template).render(
            slides=self.slides(lang), medium=medium, compact=compact, s=r.strings, lang=lang, date=handouts.build_date(),
            fonts=handouts.CJK_FONTS, feed=r.href("feed.xml"), home=self.config.page_url(lang, "index.md"),
            pdf=self.file("pdf", lang),
        )

    def print_jobs(self, env=None) -> list[PrintJob]:
        """The slides' PDF (one page per slide; all in the smaller type if the estimates let a slide run over) and
        the notes' PDF, in every language (for fanzha.handouts.make_all's `extra`; the talk has its own `env`)."""
        out = []
        for lang in self.renderers:
            slides, notes = self.render(lang, "print"), self.render(lang, "notes")
            fit = Layout(pages=len(self.slides(lang)), paper="16:9 slide", texts="the longest texts a slide shows")
            out += [
                PrintJob(self.file("pdf", lang), lang, slides,
                         lambda html=slides, lang=lang, fit=fit: ((html, fit), (self.render(lang, "print", compact=True), fit))),
                PrintJob(self.file("notes", lang), lang, notes, lambda html=notes: ((html, Layout(pages=None)),), preview=False),
            ]
        return out

    def html(self, lang: str) -> str:
        return self.render(lang, "screen")


def deck(r, corpus, index, choice: Choice, config) -> list[Slide]:
    """The slides in one language (r: fanzha.site.Renderer, for t() and the labels)."""
    s, vocab = r.strings, corpus.vocab

    def publishers(ids) -> list[str]:
        return list(dict.fromkeys(views.source_view(i, r).publisher for i in ids))

    def why(flag_id: str) -> str:
        return _SEE_BELOW.sub("", r.t(vocab["red_flags"][flag_id].why_false))

    def flag_name(flag_id: str) -> str:
        return r.t(vocab["red_flags"][flag_id].name)

    scam_type = vocab["scam_types"][choice.scam_type]
    case = corpus.cases[choice.case]
    loss = r.money(case.loss.amount_cny, case.loss.approximate)
    out = [Slide("title", s["talk_title"], [s["talk_note_open"]], kicker=s["site_name"], lead=s["talk_subtitle"])]

    # what the scam is: its steps by name on the slide, told in full in the notes
    count = len(index.cases_by_type.get(choice.scam_type, []))
    lead, stages = first_sentence(r.t(scam_type.summary)), [r.t(st.name) for st in scam_type.stages]
    out.append(Slide(
        "scam", r.t(scam_type.name),
        [s["talk_note_type"], r.t(scam_type.summary), s["talk_cases_of_type"].format(n=count)]
        + [r.t(st.name) + s["colon"] + r.t(st.description) for st in scam_type.stages],
        kicker=s["talk_what"], lead=lead, items=stages, sources=publishers(scam_type.sources),
        dense=title_rows(r.t(scam_type.name)) + rows(lead) * 1.05 + 0.4 + box_rows(stages) > ROOM,
    ))

    # the real case: who, where, what it cost; then its script, a few lines a slide
    facts = [(s["victim"], views.victim_line(case, r))] + ([(s["when"], case.date)] if case.date else [])
    facts += [(s["where"], r.t(case.place)), (s["loss"], loss), (s["outcome"], s["outcome_" + case.loss.outcome.value])]
    case_url = config.page_url(r.lang, f"cases/{choice.case}.md")
    out.append(Slide("case", r.t(case.title), [s["talk_note_case"], r.t(case.summary), s["talk_note_case_next"]],
                     kicker=s["handout_story"], items=facts, sources=publishers(case.sources), qr=qr_svg(case_url), url=case_url,
                     dense=title_rows(r.t(case.title)) + sum(rows(label + value) * 1.1 + 0.2 for label, value in facts) > ROOM))
    lines = [views.TurnView(t.speaker.value, s["speaker_" + t.speaker.value], r.t(t.text), [views.flag_link(f, r) for f in t.red_flags])
             for t in case.script]
    parts = script_slides(lines, s["talk_steps"].format(n=1, total=1))
    start = 0
    for n, (part, dense) in enumerate(parts, 1):
        turns = case.script[start : start + len(part)]
        start += len(part)
        flags = list(dict.fromkeys(f for t in turns for f in t.red_flags))
        notes = ([s["talk_note_steps_first"]] if n == 1 else []) + [
            s["talk_note_flag"].format(name=flag_name(f), why=first_sentence(why(f))) for f in flags]
        if n == len(parts):
            notes.append(s["talk_note_outcome"].format(loss=loss))
        out.append(Slide("steps", s["talk_steps"].format(n=n, total=len(parts)), notes, kicker=s["handout_story"], items=part,
                         sources=publishers(case.sources), dense=dense))

    # the exercise: a scammer's line, then which warning sign it shows, why it is a lie and what to do
    for n, (ident, number) in enumerate(choice.quiz, 1):
        quoted, turn = corpus.cases[ident], corpus.cases[ident].script[number]
        kicker = s["talk_quiz"].format(n=n, total=len(choice.quiz))
        out.append(Slide("quiz", s["talk_quiz_ask"], [s["talk_note_quiz"], s["talk_note_quiz_from"].format(title=r.t(quoted.title))],
                         kicker=kicker, lead=r.t(turn.text), sources=publishers(quoted.sources)))
        answers, notes, ids = [], [], []
        for f in turn.red_flags[:2]:
            flag = vocab["red_flags"][f]
            answers.append((flag_name(f), first_sentences(why(f), 1), first_sentences(r.t(flag.what_to_do), 1)))
            notes += [s["flag_label"] + s["colon"] + flag_name(f), s["why_false"] + s["colon"] + why(f),
                      s["what_to_do"] + s["colon"] + r.t(flag.what_to_do)]
            if views.disputes(flag.facts, r):
                notes.append(s["talk_note_disputed"])
            ids += [*flag.why_false_sources, *flag.what_to_do_sources]
        def room_for(shown: list) -> float:
            return title_rows(s["talk_answer"]) + rows(r.t(turn.text)) * 0.8 + 1.4 + sum(
                1.2 + rows(s["why_false"] + a[1]) + rows(s["what_to_do"] + a[2]) + 0.4 for a in shown)

        if len(answers) > 1 and room_for(answers) > ROOM * 1.25:  # too much even in small type: the slide shows
            answers = answers[:1]  # the first warning sign; the notes still explain both
        used = room_for(answers)
        out.append(Slide("answer", s["talk_answer"], notes, kicker=kicker, lead=r.t(turn.text), items=answers,
                         sources=publishers(ids), dense=used > ROOM))

    # what to do, the numbers to call, and where it all comes from
    actions = [vocab["advice"][a] for a in handouts.ACTIONS]
    items = [first_sentence(r.t(a.text)) for a in actions]
    out.append(Slide("actions", s["handout_do"], [s["talk_note_actions"], *(r.t(a.text) for a in actions)], items=items,
                     sources=publishers(a.source for a in actions),
                     dense=title_rows(s["handout_do"]) + sum(rows(i) * 1.05 + 0.33 for i in items) > ROOM))
    hotlines = [vocab["advice"][a] for a in ("call-96110", "call-110")]
    app = vocab["advice"]["anti-fraud-app"]
    out.append(Slide("hotlines", s["handout_call"],
                     [s["talk_note_hotlines"], *(a.number + s["colon"] + r.t(a.text) for a in hotlines), r.t(app.text)],
                     items=[(a.number, first_sentence(r.t(a.text))) for a in hotlines], lead=first_sentence(r.t(app.text)),
                     sources=publishers([*(a.source for a in hotlines), app.source])))
    quiz_flags = [vocab["red_flags"][f] for ident, number in choice.quiz for f in corpus.cases[ident].script[number].red_flags[:2]]
    cited = list(dict.fromkeys(
        [*scam_type.sources, *case.sources, *(i for ident, _ in choice.quiz for i in corpus.cases[ident].sources)]
        + [i for flag in quiz_flags for i in (*flag.why_false_sources, *flag.what_to_do_sources)]
        + [a.source for a in (*actions, *hotlines, app)]
    ))
    named = []
    for src in (views.source_view(i, r) for i in cited):
        report = vocab["sources"][src.id].kind.value == "report"
        named.append(src.publisher + (s["colon"] + s["title_open"] + src.title + s["title_close"] if report else "")
                     + (s["paren_open"] + src.date + s["paren_close"] if src.date else ""))
    home = config.page_url(r.lang, "index.md")
    more = s["talk_more_sources"].format(n=len(named) - MAX_SOURCES) if len(named) > MAX_SOURCES else ""
    # the sources in type 0.56 as large, beside the QR code (a fifth of the width)
    listed = sum(math.ceil(width(n) * 0.56 / (ROW_UNITS * 0.8)) * 0.56 + 0.15 for n in named[:MAX_SOURCES])
    out.append(Slide("end", s["handout_sources"], [s["talk_note_end"]], items=named[:MAX_SOURCES], lead=more, qr=qr_svg(home), url=home,
                     dense=title_rows(s["handout_sources"]) + listed + 0.6 > ROOM))
    return out
