"""The campus kit: a pocket booklet (口袋书) and a poster in each language, made from the same data as the site.

Booklet: A5 pages rendered by WeasyPrint from templates/booklet.html.j2 (booklet.<lang>.pdf, for reading on
screen), and the same pages imposed two to a side of A4 landscape with pypdf for double-sided printing, flipped
on the short edge and folded in the middle (booklet-print.<lang>.pdf). Poster: one A3 page from
templates/poster.html.j2 (poster.<lang>.pdf). Both are rendered, cached and previewed by fanzha.handouts, in the
same process pool as the A4 cards; this module decides what goes on each page.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from typing import Any

import jinja2

from .handouts import (ACTIONS, CJK_FONTS, NEVER_SAY_PLATFORM, PREVIEW_WIDTH, Layout, PrintJob, Version, build_date,
                       first_sentence, first_sentences, qr_svg, real_case)

BOOKLET_MIN, BOOKLET_MAX = 8, 16  # A5 pages; four to a folded A4 sheet, so always a multiple of 4
POSTER_STATEMENTS = 5
# How much each scam type's spread prints, fullest first: the first version whose every section fits its page
# is kept; one more type is left out (the one with the fewest cases) only when even the shortest does not fit.
DETAIL = (
    {"phrases": 3, "sentences": 3, "advice": 3},
    {"phrases": 2, "sentences": 3, "advice": 3},
    {"phrases": 2, "sentences": 2, "advice": 2},
)


A4_LANDSCAPE = (841.89, 595.28)  # points: the sheet the booklet is printed on


@dataclass(frozen=True)
class Piece:
    """One item of the kit as the handouts page offers it."""

    name: str  # file stem: "booklet" or "poster"
    paper: tuple[float, float]  # width and height of a page in points
    print_name: str | None = None  # the imposed copy for printing, if any

    def file(self, lang: str, suffix: str) -> str:
        return f"{self.name}.{lang}.{suffix}"

    def print_file(self, lang: str) -> str:
        return f"{self.print_name}.{lang}.pdf"

    @property
    def preview_size(self) -> tuple[int, int]:
        return PREVIEW_WIDTH, round(PREVIEW_WIDTH * self.paper[1] / self.paper[0])


BOOKLET = Piece("booklet", (419.53, 595.28), "booklet-print")  # A5
POSTER = Piece("poster", (841.89, 1190.55))  # A3
PIECES = {"booklet": BOOKLET, "poster": POSTER}


# ---------------------------------------------------------------- imposition


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """Page numbers (1-based) on each side of the A4 sheets, (left, right), in printing order: sheet k's front
    holds pages n-2k and 2k+1, its back 2k+2 and n-2k-1, so that the folded stack reads 1, 2, … n."""
    order = []
    for sheet in range(pages // 4):
        order.append((pages - 2 * sheet, 2 * sheet + 1))
        order.append((2 * sheet + 2, pages - 2 * sheet - 1))
    return order



def impose(pdf: bytes) -> bytes:
    """Two A5 pages side by side on each side of an A4 landscape sheet, in booklet order, the fold in the middle.
    Each A5 page becomes a form XObject drawn twice as nothing else: placed, not re-parsed or rasterised, so
    the text and the embedded font subsets stay as they are, shared by every sheet (pypdf's own
    merge_transformed_page parses every content stream and takes over a second per booklet)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    width, height = A4_LANDSCAPE
    forms = []
    for page in reader.pages:
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())
        form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject([FloatObject(value) for value in page.mediabox]),
                     NameObject("/Resources"): page["/Resources"]})
        forms.append(writer._add_object(form.flate_encode().clone(writer)))  # no public call adds a stream
    half = float(reader.pages[0].mediabox.width)
    for left, right in booklet_order(len(forms)):
        side = writer.add_blank_page(width=width, height=height)
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
            {NameObject("/L"): forms[left - 1], NameObject("/R"): forms[right - 1]})})
        content = DecodedStreamObject()
        content.set_data(f"q 1 0 0 1 {width / 2 - half:.2f} 0 cm /L Do Q q 1 0 0 1 {width / 2:.2f} 0 cm /R Do Q".encode())
        side[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    writer.add_metadata({key: value for key, value in (reader.metadata or {}).items() if isinstance(value, str)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------- what the pages print


_NOTE = re.compile(r"\s*[（(]")


class Citations:
    """Numbers the publishers a piece cites, in the order they are first cited: [1], [2]…"""

    def __init__(self, r: Any):
        self.r = r
        self.numbers: dict[str, int] = {}  # publisher as printed -> number

    def publisher(self, source: str) -> str:
        """The publisher without the note in brackets (reporter, where it was reposted): the page the booklet
        points to lists each source in full, with its title and link."""
        src = self.r.vocab["sources"][source]
        if src.kind.value == "editorial":
            return self.r.strings["editorial_label"]
        return _NOTE.split(self.r.t(src.publisher), maxsplit=1)[0].strip()

    def cite(self, sources: list[str]) -> str:
        numbers = []
        for source in sources:
            number = self.numbers.setdefault(self.publisher(source), len(self.numbers) + 1)
            if number not in numbers:
                numbers.append(number)
        return "".join(f"[{n}]" for n in sorted(numbers))

    def listing(self) -> list[str]:
        return [f"[{n}] {publisher}" for publisher, n in self.numbers.items()]

    def publishers(self) -> list[str]:
        return list(self.numbers)


def disputed(fact_ids: list[str], vocab: dict) -> bool:
    """A text restating a fact that another source disputes: the site shows both sides, print has no room."""
    return any(vocab["facts"][ident].contradicts for ident in fact_ids)


def ranked_types(corpus: Any, index: Any) -> list[str]:
    """Scam types that have cases, the most cases first."""
    return sorted((t for t in corpus.vocab["scam_types"] if index.cases_by_type.get(t)),
                  key=lambda t: (-len(index.cases_by_type[t]), t))


def booklet_plan(type_count: int, other_never_say: bool) -> list[str]:
    """The kinds of the booklet's pages in order. After the cover, each scam type takes a spread (pages 2–3,
    4–5…), so its two pages face each other when the booklet is open; the pages are filled up to a multiple of
    four with the other platforms' never-say lists, then with pages for notes."""
    pages = ["cover", *["type"] * (2 * type_count), "never_say"]
    tail = ["self_check", "sources", "back"]
    if (len(pages) + len(tail)) % 4 and other_never_say:
        pages.append("never_say_more")
    while len(pages) + len(tail) < BOOKLET_MIN or (len(pages) + len(tail)) % 4:
        pages.append("notes")
    return pages + tail


def advice_items(ids: list[str], count: int, vocab: dict, r: Any, refs: Citations) -> tuple[list[str], str]:
    """What to do: up to `count` of the advice (hotlines are on every page, disputed texts left to the site)."""
    chosen = [a for a in ids if vocab["advice"][a].kind.value != "hotline" and not disputed(vocab["advice"][a].facts, vocab)]
    chosen = chosen[:count] or ACTIONS[:count]
    return [first_sentence(r.t(vocab["advice"][a].text)) for a in chosen], refs.cite([vocab["advice"][a].source for a in chosen])


def spread(type_id: str, detail: dict, first_page: int, corpus: Any, index: Any, r: Any, refs: Citations, page_url) -> dict:
    vocab = corpus.vocab
    scam_type = vocab["scam_types"][type_id]
    # the warning signs most particular to this scam: those the fewest other types share, in the type's order
    particular = sorted(scam_type.red_flags, key=lambda f: len(index.types_by_flag.get(f, [])))[: detail["phrases"]]
    flags = [f for f in scam_type.red_flags if f in particular]
    case = real_case(corpus, index, type_id)
    advice, advice_refs = advice_items(scam_type.advice, detail["advice"], vocab, r, refs)
    url = page_url(r.lang, f"types/{type_id}.md")
    story = None
    if case is not None:
        place = f" · {r.t(case.place)}" if case.place else ""
        story = {"head": f"{r.t(case.victim.label)}{place} · {r.strings['loss']}{r.strings['colon']}"
                         f"{r.money(case.loss.amount_cny, case.loss.approximate)}",
                 "text": first_sentences(r.t(case.summary), detail["sentences"]), "refs": refs.cite(case.sources[:1])}
    return {
        "id": type_id, "page": first_page, "name": r.t(scam_type.name), "intro": first_sentence(r.t(scam_type.summary)),
        "stages": [(r.t(stage.name), first_sentence(r.t(stage.description))) for stage in scam_type.stages],
        "stages_refs": refs.cite(scam_type.sources),
        "phrases": [r.t(vocab["red_flags"][f].phrases[0]) for f in flags],
        "phrases_refs": refs.cite([vocab["red_flags"][f].sources[0] for f in flags]),
        "story": story, "advice": advice, "advice_refs": advice_refs, "url": url, "qr": qr_svg(url),
    }


def statements(platform: str, r: Any, refs: Citations) -> dict:
    never = r.vocab["never_say"][platform]
    chosen = [st for st in never.statements if not disputed(st.facts, r.vocab)]
    return {"platform": r.t(r.vocab["platforms"][platform].name),
            "items": [(r.t(st.summary), r.t(st.phrases[0])) for st in chosen],
            "refs": refs.cite([st.source for st in chosen])}


def booklet_view(corpus: Any, index: Any, r: Any, page_url, type_count: int, detail: dict) -> dict:
    """Everything the booklet prints, page by page, ready to lay out; r is a fanzha.site.Renderer in the
    booklet's language. Each page: {"kind", "number", …what that kind of page shows}."""
    vocab, s = corpus.vocab, r.strings
    refs = Citations(r)
    ranked = ranked_types(corpus, index)
    others = [p for p in vocab["never_say"] if p != NEVER_SAY_PLATFORM]
    plan = booklet_plan(type_count, bool(others))
    hotlines = [vocab["advice"][a] for a in ("call-96110", "call-110")]
    actions = [vocab["advice"][a] for a in ACTIONS]
    spreads = [spread(t, detail, 2 + 2 * n, corpus, index, r, refs, page_url) for n, t in enumerate(ranked[:type_count])]
    pages: list[dict] = []
    for number, kind in enumerate(plan, start=1):
        page: dict[str, Any] = {"kind": kind, "number": number}
        if kind == "cover":
            page |= {"hotlines": [(h.number, first_sentence(r.t(h.text))) for h in hotlines],
                     "actions": [first_sentence(r.t(a.text)) for a in actions],
                     "refs": refs.cite([a.source for a in actions + hotlines]),
                     "contents": [(sp["name"], sp["page"]) for sp in spreads]}
        elif kind == "type":
            page |= {"spread": spreads[(number - 2) // 2], "side": "left" if number % 2 == 0 else "right"}
        elif kind == "never_say":
            never = vocab["never_say"].get(NEVER_SAY_PLATFORM)
            real = [item for item in never.real_agent_says if not disputed(item.facts, vocab)] if never else []
            page |= {"lists": [statements(NEVER_SAY_PLATFORM, r, refs)] if never else [],
                     "real": [r.t(item.text) for item in real], "real_refs": refs.cite([item.source for item in real])}
        elif kind == "never_say_more":
            page |= {"lists": [statements(p, r, refs) for p in others], "real": []}
        elif kind == "self_check":
            flags = [flag for flag in vocab["red_flags"].values() if flag.question]
            page |= {"questions": [r.t(flag.question) for flag in flags], "refs": refs.cite([f.sources[0] for f in flags])}
        pages.append(page)
    left_out = [r.t(vocab["scam_types"][t].name) for t in ranked[type_count:]]
    home = page_url(r.lang, "index.md")
    return {
        "pages": pages, "sources": refs.listing(),
        "left_out": s["booklet_left_out"].format(types=s["list_sep"].join(left_out)) if left_out else "",
        "home": home, "qr": qr_svg(home), "about": page_url(r.lang, "about.md"), "date": build_date(), "fonts": CJK_FONTS,
        "numbers": [h.number for h in hotlines],
    }


def poster_statements(vocab: dict, count: int = POSTER_STATEMENTS) -> list[tuple[str, Any]]:
    """(platform, statement) for the poster: JD Finance's list first, then the other platforms' statements in
    turn (each one's first, then each one's second…), until there are `count`: JD Finance lists only three."""

    def usable(platform: str) -> list:
        return [st for st in vocab["never_say"][platform].statements if not disputed(st.facts, vocab)]

    chosen = [(NEVER_SAY_PLATFORM, st) for st in usable(NEVER_SAY_PLATFORM)] if NEVER_SAY_PLATFORM in vocab["never_say"] else []
    others = {platform: usable(platform) for platform in vocab["never_say"] if platform != NEVER_SAY_PLATFORM}
    for position in range(max((len(items) for items in others.values()), default=0)):
        chosen += [(platform, items[position]) for platform, items in others.items() if position < len(items)]
    return chosen[:count]


def poster_view(corpus: Any, r: Any, page_url) -> dict:
    vocab = corpus.vocab
    refs = Citations(r)
    chosen = poster_statements(vocab)
    hotlines = [vocab["advice"][a] for a in ("call-96110", "call-110")]
    refs.cite([st.source for _, st in chosen] + [h.source for h in hotlines])
    url = page_url(r.lang, "never-say/index.md")
    return {"statements": [r.t(st.summary) for _, st in chosen], "numbers": [h.number for h in hotlines],
            "url": url, "qr": qr_svg(url), "date": build_date(), "fonts": CJK_FONTS,
            "sources": r.strings["list_sep"].join(refs.publishers())}


# ---------------------------------------------------------------- the print jobs


def type_counts(corpus: Any, index: Any) -> list[int]:
    """How many scam types the booklet can hold: the most that fit 16 pages, then one fewer."""
    others = any(p != NEVER_SAY_PLATFORM for p in corpus.vocab["never_say"])
    most = len(ranked_types(corpus, index))
    return [n for n in range(most, -1, -1) if len(booklet_plan(n, others)) <= BOOKLET_MAX][:2]


def booklet_version(corpus: Any, index: Any, r: Any, page_url, env: jinja2.Environment, type_count: int,
                    detail: dict) -> Version:
    v = booklet_view(corpus, index, r, page_url, type_count, detail)
    count = len(v["pages"])
    layout = Layout(pages=count, starts=tuple((f"p{n}", n - 1) for n in range(1, count + 1)), paper="A5",
                    texts="the texts that page prints (data/*.yml; a spread's real case is a case summary)")
    return env.get_template("booklet.html.j2").render(v=v, s=r.strings, lang=r.lang), layout


def booklet_versions(corpus: Any, index: Any, r: Any, page_url, env: jinja2.Environment) -> tuple[Version, ...]:
    """Each way the booklet can be made, fullest first."""
    return tuple(booklet_version(corpus, index, r, page_url, env, count, detail)
                 for count in type_counts(corpus, index) for detail in DETAIL)


POSTER_SIZES = ("large", "normal", "compact")  # type sizes, largest first (English needs more room)


def poster_version(corpus: Any, r: Any, page_url, env: jinja2.Environment, size: str) -> Version:
    html = env.get_template("poster.html.j2").render(v=poster_view(corpus, r, page_url), s=r.strings, lang=r.lang, size=size)
    return html, Layout(paper="A3", texts="the never-say summaries in data/never_say.yml")


def poster_versions(corpus: Any, r: Any, page_url, env: jinja2.Environment) -> tuple[Version, ...]:
    return tuple(poster_version(corpus, r, page_url, env, size) for size in POSTER_SIZES)


def jobs(renderers: dict, corpus: Any, index: Any, page_url, env: jinja2.Environment) -> list[PrintJob]:
    """The kit's PDFs in every language, for fanzha.handouts.make_all to render (or reuse) with the cards."""
    out = []
    for lang, r in renderers.items():
        fullest = booklet_version(corpus, index, r, page_url, env, type_counts(corpus, index)[0], DETAIL[0])[0]
        out.append(PrintJob(BOOKLET.file(lang, "pdf"), lang, fullest,
                            functools.partial(booklet_versions, corpus, index, r, page_url, env),
                            derived=(BOOKLET.print_file(lang), impose)))
    for lang, r in renderers.items():
        out.append(PrintJob(POSTER.file(lang, "pdf"), lang, poster_version(corpus, r, page_url, env, POSTER_SIZES[0])[0],
                            functools.partial(poster_versions, corpus, r, page_url, env)))
    return out
