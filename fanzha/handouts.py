"""One-page A4 handouts (PDF + preview PNG) for printing, made from the same data as the site.

Each handout is rendered from templates/handout.html.j2 to HTML, then to PDF with WeasyPrint
(a maintained HTML/CSS-to-PDF engine that embeds subsetted fonts), with a QR code from segno
pointing at the matching page of the site, and a preview image from pypdfium2 (PDFium bindings
shipped as a wheel: no system tool needed at build time). A PDF is remade only when its HTML
changed, so live preview stays fast.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup

from .checks import Corpus

GENERAL = "spot-fake-customer-service"
NEVER_SAY = "jd-finance-never-say"
NEVER_SAY_PLATFORM = "jd-finance"
ACTIONS = ["hang-up-and-verify", "verify-through-official-app", "never-share-screen-or-code", "never-transfer-to-strangers"]
# WenQuanYi Zen Hei first: its TrueType outlines subset to ~70 KB per page, Noto CJK's CFF to ~300 KB
CJK_FONTS = ("WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP")


class HandoutError(Exception):
    pass


PREVIEW_WIDTH = 210  # CSS pixels of a preview on the handouts page (its PNG has twice as many)


@dataclass(frozen=True)
class Handout:
    name: str  # file stem, e.g. "refund-claim"
    kind: str  # "type", "general" or "never_say"
    page: str  # the site page it points to, e.g. "types/refund-claim.md"
    subject: str | None = None  # scam type id for kind == "type"

    def file(self, lang: str, suffix: str) -> str:
        return f"{self.name}.{lang}.{suffix}"

    @property
    def preview_size(self) -> tuple[int, int]:
        """Width and height of its preview on the handouts page: an A4 page (210 × 297 mm)."""
        return PREVIEW_WIDTH, round(PREVIEW_WIDTH * 297 / 210)


def handouts(corpus: Corpus) -> list[Handout]:
    out = [Handout(GENERAL, "general", "index.md")]
    if NEVER_SAY_PLATFORM in corpus.vocab["never_say"]:
        out.append(Handout(NEVER_SAY, "never_say", f"never-say/{NEVER_SAY_PLATFORM}.md"))
    out += [Handout(ident, "type", f"types/{ident}.md", ident) for ident in corpus.vocab["scam_types"]]
    return out


def check_fonts() -> None:
    """Stop with what to install when no CJK font is there: the PDF would show empty boxes."""
    try:
        families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        families = ""
    if not any(font in families for font in CJK_FONTS):
        raise HandoutError(
            "no Chinese font found for the handouts; install one: sudo apt-get install fonts-wqy-zenhei "
            "(or fonts-noto-cjk), or run `make system-deps`"
        )


QR_CACHE: Path | None = None  # set by keep_qr_codes: QR codes kept between runs (encoding one takes ~20 ms)


def keep_qr_codes(cache: Path) -> None:
    global QR_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    QR_CACHE = cache


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> Markup:
    kept = QR_CACHE / f"qr-{hashlib.sha256(url.encode()).hexdigest()[:16]}.svg" if QR_CACHE else None
    if kept and kept.exists():
        return Markup(kept.read_text(encoding="utf-8"))
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, nl=False)
    svg = buffer.getvalue().decode("utf-8")
    if kept:
        kept.write_text(svg, encoding="utf-8")
    return Markup(svg)


def build_date() -> str:
    stamp = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(stamp), datetime.timezone.utc) if stamp else datetime.datetime.now(datetime.timezone.utc)
    return moment.date().isoformat()


_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z\"“])")


_CLAUSE_END = re.compile(r"[；;，,：:]")
MAX_POINT = {"cjk": 70, "latin": 160}  # characters of one printed point: two lines on the card


def first_sentences(text: str, count: int) -> str:
    """The first `count` sentences of a text (the booklet's real case: its summary cut to three sentences)."""
    text = text.strip()
    ends = [match.start() for match in _SENTENCE_END.finditer(text)]
    return text[: ends[count - 1]].strip() if len(ends) >= count else text


def first_sentence(text: str) -> str:
    """A handout has room for one short sentence per point; the site shows the rest. A long first sentence is
    cut after its last clause that fits, so no volunteer's long text pushes the card onto a second page."""
    sentence = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    limit = MAX_POINT["cjk" if re.search(r"[\u3400-\u9fff]", sentence) else "latin"]
    if len(sentence) <= limit:
        return sentence
    cuts = [m.start() for m in _CLAUSE_END.finditer(sentence) if m.start() <= limit]
    return sentence[: cuts[-1] if cuts else limit].rstrip() + "…"


def html_environment(templates: Path, compiled: Path | None = None) -> jinja2.Environment:
    """Jinja for the printed pieces; with `compiled`, templates compile once, not on every build."""
    if compiled:
        compiled.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
    )
    env.filters["first_sentence"] = first_sentence
    return env


MAX_SOURCES = 3  # a card names at most this many publishers; the page its QR code opens lists them all


def card_sources(vocab: dict, handout: Handout, index, main_type: str) -> tuple[list[str], int]:
    """The sources behind what a card prints (its stages, warning signs and advice), and how many more there are."""
    if handout.kind == "never_say":
        ids = [st.source for st in vocab["never_say"][NEVER_SAY_PLATFORM].statements[:4]]
    else:
        type_id = handout.subject if handout.kind == "type" else main_type
        flags = vocab["scam_types"][type_id].red_flags[:4] if handout.kind == "type" else index.flags_by_count[:4]
        ids = list(vocab["scam_types"][type_id].sources)
        for flag in flags:
            ids += vocab["red_flags"][flag].sources
        ids += [vocab["advice"][a].source for a in ACTIONS]
    unique = list(dict.fromkeys(ids))
    return unique[:MAX_SOURCES], max(0, len(unique) - MAX_SOURCES)


def most_common_type(vocab: dict, index) -> str:
    """The scam type with the most cases: the general card and the class-meeting talk walk through it."""
    return max(vocab["scam_types"], key=lambda k: (len(index.cases_by_type.get(k, [])), k))


def real_case(corpus: Corpus, index, type_id: str):
    """The newest case of a scam type that reports where it happened and what was lost: the card's short story."""
    for ident in index.cases_by_type.get(type_id, []):
        case = corpus.cases[ident]
        if case.place and case.loss.amount_cny and case.loss.outcome.value != "averted":
            return case
    return None


def render_html(env: jinja2.Environment, renderer, handout: Handout, index, page_url: str, with_story: bool = True,
                large: bool = False) -> str:
    """HTML of one handout in the renderer's language (renderer: fanzha.site.Renderer gives t() and strings)."""
    template = env.get_template("handout.html.j2")
    renderer.page = handout.page
    vocab = renderer.corpus.vocab
    main_type = most_common_type(vocab, index)
    story = None if handout.kind == "never_say" or not with_story else real_case(renderer.corpus, index, handout.subject if handout.kind == "type" else main_type)
    source_ids, more_sources = card_sources(vocab, handout, index, main_type)
    if story is not None and story.sources[0] not in source_ids:
        source_ids = [story.sources[0], *source_ids[:-1]] if len(source_ids) >= MAX_SOURCES else [story.sources[0], *source_ids]
    return template.render(source_ids=source_ids, more_sources=more_sources, story=story, money=renderer.money, large=large,
        h=handout, t=renderer.t, s=renderer.strings, lang=renderer.lang, vocab=renderer.corpus.vocab, corpus=renderer.corpus,
        index=index, actions=ACTIONS, url=page_url, qr=qr_svg(page_url), date=build_date(), fonts=CJK_FONTS,
        scam_type=renderer.corpus.vocab["scam_types"].get(handout.subject) if handout.subject else None,
        never=renderer.corpus.vocab["never_say"].get(NEVER_SAY_PLATFORM), never_platform=NEVER_SAY_PLATFORM,
        main_type=main_type,  # the general card walks through the stages of the scam type with the most cases
    )


@dataclass(frozen=True)
class Layout:
    """What a rendered PDF must look like to be kept: how many pages, and which elements (by id) must begin on
    which page (0-based), so that no section of a booklet runs over onto the next page unnoticed."""

    pages: int | None = 1  # None: as many as it takes (the talk's speaker notes)
    starts: tuple[tuple[str, int], ...] = ()
    paper: str = "A4"
    texts: str = "its texts"  # what to shorten when it does not fit

    def problem(self, document) -> str | None:
        if self.pages is not None and len(document.pages) != self.pages:
            fit = f"one {self.paper} page" if self.pages == 1 else f"{self.pages} {self.paper} pages"
            return f"it needs {len(document.pages)} pages; shorten {self.texts} to fit {fit}"
        for ident, number in self.starts:
            found = [n for n, page in enumerate(document.pages) if ident in page.anchors]
            if found != [number]:
                return f"page {number + 1} runs over onto the next page; shorten {self.texts}"
        return None


Version = tuple[str, Layout]  # HTML, and what its PDF must look like


@dataclass(frozen=True)
class PrintJob:
    """One PDF in one language. `versions` makes its HTML versions, best first (the first whose PDF fits its
    layout is kept); it is called only when `source` changed since the PDF was made."""

    name: str  # file name of the PDF, e.g. "booklet.zh.pdf"; its preview is the same name with .png
    lang: str
    source: str  # what the PDF is made from (its fullest version's HTML)
    versions: Callable[[], tuple[Version, ...]]
    # another PDF made from the kept one (the booklet's imposed copy): (file name, function of the PDF's bytes)
    derived: tuple[str, Callable[[bytes], bytes]] | None = None
    preview: bool = True  # a PNG of its first page, for the handouts page

    @property
    def files(self) -> list[str]:
        return [self.name, *([self.name[:-4] + ".png"] if self.preview else []), *([self.derived[0]] if self.derived else [])]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()


def _handout_versions(env, renderer, handout: Handout, index, url: str) -> tuple[Version, ...]:
    return tuple((render_html(env, renderer, handout, index, url, **options), Layout())
                 for options in ({"large": True}, {}, {"with_story": False}))


def render_pdf(html: str, base: Path, layout: Layout = Layout()) -> bytes:
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=str(base)).render()
    problem = layout.problem(document)
    if problem:
        raise HandoutError(problem)
    return document.write_pdf()


def render_preview(pdf: bytes, width: int = 420) -> bytes:
    import pypdfium2

    pdf_doc = pypdfium2.PdfDocument(pdf)
    try:
        page = pdf_doc[0]
        image = page.render(scale=width / page.get_width()).to_pil()
        buffer = io.BytesIO()
        image.convert("L").save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        pdf_doc.close()


Work = tuple[tuple[Version, ...], Callable[[bytes], bytes] | None, bool, str]  # versions, derive, preview, base folder


def _render_one(work: Work) -> tuple[bytes, bytes, bytes, str | None]:
    """PDF, preview and derived PDF of the first version that fits its layout (a handout: large type with the
    real case, normal type with it, normal type without it)."""
    versions, derive, preview, base = work
    error = ""
    for html, layout in versions:
        try:
            pdf = render_pdf(html, Path(base), layout)
        except HandoutError as problem:
            error = str(problem)
            continue
        return pdf, render_preview(pdf) if preview else b"", derive(pdf) if derive else b"", None
    return b"", b"", b"", error


def _render_many(jobs: list[PrintJob], base: Path) -> list[tuple[bytes, bytes, bytes, str | None]]:
    """PDF, preview and derived PDF of each job; on a clean build (every PDF new) in a process per core."""
    work: list[Work] = [(job.versions(), job.derived[1] if job.derived else None, job.preview, str(base)) for job in jobs]
    workers = min(os.cpu_count() or 1, 4, len(work))
    if workers < 2:
        return [_render_one(item) for item in work]
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_render_one, work))
    except (OSError, ValueError, RuntimeError):  # no processes here: one after the other
        return [_render_one(item) for item in work]


def make_all(renderers: dict, corpus: Corpus, index, page_url, templates: Path, cache: Path,
             extra: Iterable[Callable[[jinja2.Environment], list[PrintJob]]] = ()) -> dict[str, dict[str, bytes]]:
    """lang -> {file name: bytes} for every handout's PDF and PNG, and for the jobs each of `extra` returns
    (given the HTML environment); reuses files whose HTML is unchanged. All new PDFs render in one process
    pool. page_url(lang, page) gives the public address a handout's QR code points to."""
    check_fonts()
    keep_qr_codes(cache)
    env = html_environment(templates, cache / "jinja")
    manifest_path = cache / "manifest.yml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    manifest = manifest if isinstance(manifest, dict) else {}

    def stale(files: list[str], digest: str) -> bool:
        return manifest.get(files[0]) != digest or not all((cache / name).exists() for name in files)

    jobs = [job for make in extra for job in make(env)]  # first: the longest (booklets) start while cores are free
    for lang, renderer in renderers.items():
        for handout in handouts(corpus):
            url = page_url(lang, handout.page)
            # the largest type and a real case when they fit on the page, for readers at a notice board
            jobs.append(PrintJob(handout.file(lang, "pdf"), lang, render_html(env, renderer, handout, index, url),
                                 functools.partial(_handout_versions, env, renderer, handout, index, url)))
    todo = [job for job in jobs if stale(job.files, job.digest)]
    failed = []
    for job, (pdf, png, derived, error) in zip(todo, _render_many(todo, cache)):
        if error:
            manifest.pop(job.name, None)  # made again next time
            failed.append(f"{job.name}: {error}")
            continue
        made = [pdf, *([png] if job.preview else []), *([derived] if job.derived else [])]  # in the order of job.files
        for name, data in zip(job.files, made, strict=True):
            (cache / name).write_bytes(data)
        manifest[job.name] = job.digest
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=True), encoding="utf-8")
    if failed:
        raise HandoutError(failed[0])
    return {lang: {name: (cache / name).read_bytes() for job in jobs if job.lang == lang for name in job.files}
            for lang in renderers}
