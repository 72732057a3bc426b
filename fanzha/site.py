"""Generate the site's Markdown from cases/ and data/ through the Jinja templates, one tree per language.

    build/docs/zh/...   Chinese site (served at /)
    build/docs/en/...   English site (served at /en/)

Only files whose content changed are written and stale files are removed, so `mkdocs serve` rebuilds once
per edit. Nothing here is committed: the pages are plain Markdown any MkDocs-compatible builder can read.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import pickle
import posixpath
import re
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape

from . import handouts, i18n, kit, opendata, slides, views
from .checks import Corpus, check_project, fingerprint, read_cache, write_cache
from .history import History, head
from .loader import Problem
from .model import Case, Text

LANGS = ("zh", "en")
# Entries the templates name directly (hotline box, home page, handouts); everything else is looked up by reference.
REQUIRED_ENTRIES = {
    "advice": ["call-96110", "call-110", "anti-fraud-app", *handouts.ACTIONS],
}
COVERAGE_MARKER = "<!-- translation-coverage -->"  # in docs/<lang>/*.md: replaced by the current numbers
OTHER = {"zh": "en", "en": "zh"}
# Pages whose body is HTML handed to Markdown as it is: rendered without Markdown escaping (HTML escaping only).
HTML_BODY_TEMPLATES = {"case.md.j2", "case_list.md.j2", "check.md.j2", "self_check.md.j2", "stats.md.j2"}


def page_url(page: str) -> str:
    """The URL path (directory style, as MkDocs serves it) of a page such as 'cases/x.md': 'cases/x/'."""
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[:-3] + "/"


class GenerationError(Exception):
    """The corpus has errors, or handouts cannot be made: the site is not generated (nothing half-written)."""

    def __init__(self, problems: list[Problem] | str):
        self.problems = problems if isinstance(problems, list) else []
        super().__init__(problems if isinstance(problems, str) else "\n".join(str(p) for p in problems))


@dataclass
class SiteConfig:
    site_url: str
    repo_url: str
    edit_branch: str = "main"

    @classmethod
    def read(cls, root: Path) -> "SiteConfig":
        # mkdocs.yml is the one place for the site's address; read it as plain YAML
        config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
        return cls(site_url=config["site_url"].rstrip("/") + "/", repo_url=config["extra"]["repository"].rstrip("/"))

    @property
    def base_path(self) -> str:
        """The site's path on its server, e.g. /casebook/."""
        return "/" + self.site_url.split("://", 1)[-1].partition("/")[2]

    def page_url(self, lang: str, page: str) -> str:
        """Absolute URL of a generated page such as 'cases/x.md' in a language."""
        path = page_url(page)
        return self.site_url + ("en/" if lang == "en" else "") + path

    def case_urls(self, ident: str) -> dict[str, str]:
        """A case's page in each language."""
        return {lang: self.page_url(lang, f"cases/{ident}.md") for lang in LANGS}


# ---------------------------------------------------------------- rendering helpers


class Renderer:
    """Renders one page in one language; remembers texts that fell back to Chinese."""

    def __init__(self, env: jinja2.Environment, lang: str, strings: dict, corpus: Corpus, config: SiteConfig,
                 html_env: jinja2.Environment | None = None):
        self.env, self.lang, self.corpus, self.config = env, lang, corpus, config
        self.html_env = html_env or env
        self.vocab = corpus.vocab
        self.strings = {key: value[lang] for key, value in strings.items()}
        self.missing = 0
        self.page = "index.md"

    def t(self, text: Text | None) -> str:
        if text is None:
            return ""
        if self.lang == "en" and not text.en:
            self.missing += 1
            return text.zh
        return getattr(text, self.lang)

    def link(self, target: str) -> str:
        """Relative link from the page being rendered to another generated page ('types/x.md#anchor')."""
        return _relative_link(posixpath.dirname(self.page) or ".", target)

    def href(self, target: str) -> Markup:
        """URL of another page ('types/x.md#anchor') for raw HTML, from the site's path (/casebook/...).

        Not relative: MkDocs leaves links in raw HTML as they are, Zensical resolves them against the source
        file; a path from the site's root means the same page in both."""
        path, _, anchor = target.partition("#")
        path = page_url(path) if path.endswith(".md") else path  # a page, or a file such as assets/checker.js
        return Markup(escape(self.config.base_path + ("en/" if self.lang == "en" else "") + path
                             + (f"#{anchor}" if anchor else "")))

    def twin(self) -> str:
        """Relative URL of this page in the other language (the Chinese site is at /, the English at /en/)."""
        up = "../" * (page_url(self.page).count("/") + (1 if self.lang == "en" else 0))
        return up + ("en/" if self.lang == "zh" else "") + page_url(self.page) or "./"

    def render(self, template: str, page: str, **context: Any) -> str:
        self.page, self.missing = page, 0
        view = context.pop("view", None)
        if view is not None:
            context["v"] = view(self)
        env = self.html_env if template in HTML_BODY_TEMPLATES else self.env
        body = str(env.get_template(template).render(  # str: adding to Markup would escape the notice below
            t=self.t, link=self.link, href=self.href, twin=self.twin, s=self.strings, lang=self.lang, corpus=self.corpus,
            vocab=self.corpus.vocab, config=self.config, page=page, money=self.money, **context,
        ))
        if self.missing and self.lang == "en":
            note = ('!!! warning "Translation missing"\n    Parts of this page have no English translation yet and are shown in Chinese. '
                    f"[Help translate]({self.link('contribute.md')}).\n\n")  # plain str: Markup would escape the marker
            head, sep, rest = body.partition("\n# ")
            body = head + sep + rest.replace("\n", "\n\n" + note, 1) if sep else note + body
        return body

    def money(self, amount: int | None, approximate: bool = False) -> str:
        if amount is None:
            return self.strings["not_reported"]
        if self.lang == "zh":
            return f"{amount:,} 元{'以上' if approximate else ''}"
        return f"{'over ' if approximate else ''}¥{amount:,}"


@functools.lru_cache(maxsize=65536)
def _relative_link(folder: str, target: str) -> Markup:
    path, _, anchor = target.partition("#")
    return Markup(posixpath.relpath(path, folder) + (f"#{anchor}" if anchor else ""))  # ids only: nothing to escape


_MARKDOWN_MARKERS = str.maketrans({char: "\\" + char for char in "\\`*_[]|#"} | {"\n": " "})


def md_escape(value: Any) -> Markup:
    """Plain text from the data, safe inside Markdown: HTML-escaped and with Markdown's markers neutralised.
    Quotes stay as they are (text, not attribute values, in Markdown): &#34; with its # escaped would show as
    "&#34;" in the table of contents."""
    return Markup(str(escape(value)).replace("&#34;", '"').replace("&#39;", "'").translate(_MARKDOWN_MARKERS))


def environment(root: Path, markdown: bool = True) -> jinja2.Environment:
    """Markdown pages: values HTML-escaped and Markdown markers neutralised; HTML bodies: HTML-escaped only."""
    compiled = root / "build" / "cache" / ("jinja-md" if markdown else "jinja-html")
    compiled.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root / "templates"),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)),  # templates compile once, not on every run
        autoescape=True,  # every value from the data is escaped; templates write the Markdown around it
        finalize=(lambda value: md_escape(value) if isinstance(value, str) and not isinstance(value, Markup) else value)
        if markdown else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # front matter: MkDocs themes print title and description into HTML unescaped, so escape them here
    env.filters["tojson_attr"] = lambda value: Markup(json.dumps(str(escape(value)), ensure_ascii=False))
    env.filters["url"] = lambda value: Markup(escape(value))  # checked http(s) addresses: HTML-escaped only
    env.globals.update(SHORT_LIST=SHORT_LIST, list_page=list_page)
    return env


# ---------------------------------------------------------------- what the pages show, computed once


def case_flags(case: Case) -> list[str]:
    """Red flags a case shows: listed ones first, then those only named on script lines."""
    flags = [f.flag for f in case.red_flags]
    for turn in case.script:
        flags.extend(f for f in turn.red_flags if f not in flags)
    return flags


@dataclass
class Index:
    """Cross-links between cases, types, flags and platforms."""

    cases_by_type: dict[str, list[str]]
    cases_by_flag: dict[str, list[str]]
    types_by_flag: dict[str, list[str]]
    flags_by_count: list[str]
    newest: list[str]  # every case, newest first (undated last)

    @classmethod
    def build(cls, corpus: Corpus) -> "Index":
        by_type, by_flag, types_by_flag = defaultdict(list), defaultdict(list), defaultdict(list)
        order = sorted(corpus.cases, key=lambda i: (corpus.cases[i].date or "0000", i), reverse=True)
        counts: Counter = Counter()
        for ident in order:
            case = corpus.cases[ident]
            by_type[case.scam_type].append(ident)
            for flag in case_flags(case):
                by_flag[flag].append(ident)
                counts[flag] += 1
        for type_id, scam_type in corpus.vocab["scam_types"].items():
            for flag in scam_type.red_flags:
                types_by_flag[flag].append(type_id)
        flags = sorted(corpus.vocab["red_flags"], key=lambda f: (-counts[f], f))
        return cls(dict(by_type), dict(by_flag), dict(types_by_flag), flags, order)


PER_PAGE = 50  # cases per list page: a reader's page stays the same size however large the casebook grows
SHORT_LIST = 10  # cases named on a type, red-flag or never-say page; the rest are on the list pages


def list_page(key: str, number: int) -> str:
    """Page `number` (from 1) of the list of cases `key` ("all" or a scam type's id)."""
    return "cases/index.md" if key == "all" and number == 1 else f"lists/{key}-{number}.md"


def listing(key: str, ids: list[str]) -> dict[str, dict]:
    """The pages of one list of cases, newest first, PER_PAGE to a page, each knowing its neighbours."""
    count = max(1, -(-len(ids) // PER_PAGE))
    return {
        list_page(key, n): {
            "ids": ids[(n - 1) * PER_PAGE : n * PER_PAGE], "number": n, "total": len(ids),
            "previous": list_page(key, n - 1) if n > 1 else None, "next": list_page(key, n + 1) if n < count else None,
            "first": (n - 1) * PER_PAGE + 1,
        }
        for n in range(1, count + 1)
    }


def _case_view(ident: str, case: Case, renderer: "Renderer") -> dict:
    return views.case_view(ident, case, case_flags(case), renderer)


def pages(corpus: Corpus, index: Index) -> dict[str, tuple[str, dict]]:
    """Every generated page: path -> (template, context)."""
    out: dict[str, tuple[str, dict]] = {
        "index.md": ("home.md.j2", {"index": index, "stats": views.corpus_stats(corpus.cases)}),
        "types/index.md": ("types_index.md.j2", {"index": index}),
        "red-flags.md": ("red_flags.md.j2", {"index": index}),
        "never-say/index.md": ("never_say_index.md.j2", {}),
        "about.md": ("about.md.j2", {}),
        "handouts.md": ("handouts.md.j2", {"handouts": handouts.handouts(corpus), "talk_file": slides.Talk.file,
                                           "kit": kit.PIECES}),  # campus kit: class-meeting slides, booklet and poster
        "check.md": ("check.md.j2", {"view": functools.partial(views.checker_view, index)}),
        "self-check.md": ("self_check.md.j2", {"view": views.self_check_view}),
        "stats.md": ("stats.md.j2", {"view": functools.partial(views.statistics, corpus)}),
        "open-data.md": ("open_data.md.j2", {"view": views.open_data_view}),
    }
    for page, context in listing("all", index.newest).items():
        out[page] = ("cases_index.md.j2" if page == "cases/index.md" else "case_list.md.j2", {"index": index, **context})
    for ident, scam_type in corpus.vocab["scam_types"].items():
        out[f"types/{ident}.md"] = ("type.md.j2", {"id": ident, "scam_type": scam_type, "index": index, "other": OTHER})
        if len(index.cases_by_type.get(ident, [])) > SHORT_LIST:
            for page, context in listing(ident, index.cases_by_type[ident]).items():
                out[page] = ("case_list.md.j2", {"index": index, "scam_type": scam_type, **context})
    for ident, case in corpus.cases.items():
        out[f"cases/{ident}.md"] = ("case.md.j2", {"id": ident, "view": functools.partial(_case_view, ident, case)})
    for ident, never in corpus.vocab["never_say"].items():
        out[f"never-say/{ident}.md"] = ("never_say.md.j2", {"id": ident, "never": never, "index": index})
    return out


# ---------------------------------------------------------------- writing


def template_position(error: jinja2.TemplateError, template: str) -> str:
    """templates/<file>:<line> of a template error: syntax errors carry it, others are found in the traceback
    (Jinja rewrites it so that template lines appear as frames of the .j2 file)."""
    if getattr(error, "lineno", None):
        return f"templates/{getattr(error, 'name', None) or template}:{error.lineno}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
    if frames:
        return f"templates/{Path(frames[-1].filename).name}:{frames[-1].lineno}"
    return f"templates/{template}"


def read_strings(root: Path) -> dict[str, dict[str, str]]:
    """templates/strings.yml: every label in both languages, or a GenerationError naming the line."""
    path = root / "templates" / "strings.yml"
    try:
        strings = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)  # libyaml: 20x faster
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise GenerationError(f"templates/strings.yml:{mark.line + 1}:{mark.column + 1}: {error.problem}; "
                              'quote values that contain commas or question marks: en: "…, …"') from None
    bad = [key for key, value in (strings or {}).items() if not (isinstance(value, dict) and set(value) == set(LANGS))]
    if not isinstance(strings, dict) or bad:
        raise GenerationError(f"templates/strings.yml: every label needs exactly zh and en; check: {', '.join(bad)}")
    return strings


def write_if_changed(path: Path, content: str | bytes) -> bool:
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # never a half-written page
    return True


class PageCache:
    """Which inputs each case page was last rendered from: an unchanged case is not rendered again."""

    def __init__(self, path: Path, root: Path):
        self.path = path
        inputs = [p for folder in ("templates", "docs", "data", "schema") for p in root.joinpath(folder).rglob("*") if p.is_file()]
        inputs += [root / "mkdocs.yml", *Path(__file__).resolve().parent.glob("*.py")]
        self.key = fingerprint([p for p in inputs if p.exists()])
        try:
            stored = read_cache(path)
            self.pages = stored["pages"] if stored.get("key") == self.key else {}
            self.coverage = stored.get("coverage", {}) if stored.get("key") == self.key else {}
            self.rows = stored.get("rows", {}) if stored.get("key") == self.key else {}
        except (OSError, EOFError, pickle.PickleError, KeyError, TypeError, AttributeError):
            self.pages, self.coverage, self.rows = {}, {}, {}
        self.new_pages: dict[str, str] = {}
        self.new_coverage: dict[str, tuple[str, dict]] = {}
        self.new_rows: dict[str, tuple[str, tuple]] = {}

    def save(self, hashes: dict[str, str]) -> None:
        rows = {i: row for i, row in (self.rows | self.new_rows).items() if i in hashes and row[0] == hashes[i]}
        write_cache(self.path, {"key": self.key, "pages": self.new_pages, "coverage": self.new_coverage, "rows": rows})

    def row(self, corpus: Corpus, hashes: dict[str, str]) -> opendata.CaseRow:
        """Each case's part of the open data, made again only when its file changed."""
        def row(ident: str) -> tuple[str, list[str]]:
            hit = self.rows.get(ident)
            if not (hit and hit[0] == hashes[ident]):
                hit = self.new_rows[ident] = (hashes[ident], opendata.case_row(corpus.cases[ident]))
            return hit[1]
        return row


def corpus_coverage(corpus: Corpus, hashes: dict[str, str], cache: PageCache) -> dict[str, int]:
    """Translation coverage of the whole corpus; each case's counts are reused while its file is unchanged."""
    counts = i18n.model_counts(corpus.vocab)
    for ident, case in corpus.cases.items():
        hit = cache.coverage.get(ident)
        mine = hit[1] if hit and hit[0] == hashes[ident] else i18n.model_counts(case)
        cache.new_coverage[ident] = (hashes[ident], mine)
        for key, value in mine.items():
            counts[key] += value
    return counts


KEEP = object()  # a page whose file is already up to date


def page_key(page: str, template: str, context: dict, hashes: dict[str, str], corpus_key: str) -> str:
    """What a generated page is made from, besides templates and data/ (PageCache's own key): a case page from
    its file, a page of a list of cases from the cases it shows and its place in the list, every other page
    from all the case files. An edit renders the case's page and the list pages naming it again, not all 90."""
    if template == "case.md.j2":
        return hashes[page[len("cases/"):-3]]
    if template == "case_list.md.j2":
        place = f"{page}|{context['total']}|{context['previous']}|{context['next']}"
        return hashlib.sha256("|".join([place, *(f"{i}:{hashes[i]}" for i in context["ids"])]).encode()).hexdigest()
    return corpus_key


def _changed_case_pages(root: Path, out: Path, result, env, strings: dict, config: SiteConfig) -> list[Path]:
    """The case pages whose file changed since they were last rendered, in both languages. The page cache is
    left as it is: the full generation that follows renders these again (and finds nothing to write)."""
    cache = PageCache(out.parent / "cache" / "pages.pickle", root)
    html_env = environment(root, markdown=False)
    renderers = {lang: Renderer(env, lang, strings, result.corpus, config, html_env) for lang in LANGS}
    changed = []
    for ident, case in result.corpus.cases.items():
        key, page = result.case_hashes[ident], f"cases/{ident}.md"
        for lang, renderer in renderers.items():
            target = out / lang / page
            if cache.pages.get(f"{lang}/{page}") == key and target.exists():
                continue
            try:
                text = renderer.render("case.md.j2", page, id=ident, view=functools.partial(_case_view, ident, case))
            except jinja2.TemplateError as error:
                raise GenerationError(f"{template_position(error, 'case.md.j2')}: {error.message} (while making {lang}/{page})") from None
            if write_if_changed(target, text):
                changed.append(target)
    return changed


def package_versions(packages: tuple[str, ...]) -> dict[str, str | None]:
    """Installed version of each package (None when missing): part of what a cache key says was used."""
    versions: dict[str, str | None] = {}
    for package in packages:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions


class LastGeneration:
    """What the last complete generation read and wrote. While every input and every written file is as it
    was, generating again would change nothing: `fanzha generate` then compares files and loads nothing.
    An input is hashed again only when its size or time changed."""

    FOLDERS = ("cases", "data", "templates", "docs", "schema")
    PACKAGES = ("jinja2", "markupsafe", "pydantic", "pyyaml", "opencc", "weasyprint", "segno", "pypdf", "feedgen")

    def __init__(self, root: Path, out: Path):
        self.root, self.out = root.resolve(), out.resolve()  # the file names it keeps are absolute
        self.path = self.out.parent / "cache" / "last-generation.json"
        try:
            self.last = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.last = {}

    def inputs(self) -> dict:
        """Each input file's (time, size, hash), the code's included; the commit and SOURCE_DATE_EPOCH (the
        dates the feeds and open data show) and the versions of what renders the pages."""
        known = self.last.get("inputs", {})
        files = [p for folder in self.FOLDERS for p in sorted(self.root.joinpath(folder).rglob("*"))]
        files += [self.root / "mkdocs.yml", *sorted(Path(__file__).resolve().parent.glob("*.py"))]
        table = {}
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue
            if not path.is_file():
                continue
            name = str(path)
            seen = known.get(name)
            if seen and seen[:2] == [stat.st_mtime_ns, stat.st_size]:
                table[name] = seen
            else:
                table[name] = [stat.st_mtime_ns, stat.st_size, hashlib.sha256(path.read_bytes()).hexdigest()]
        return {"files": table, "commit": head(self.root)[0], "epoch": os.environ.get("SOURCE_DATE_EPOCH"),
                "versions": package_versions(self.PACKAGES)}

    def outputs(self) -> dict[str, list[int]]:
        found = {}
        for lang in LANGS:
            for folder, _, names in os.walk(self.out / lang):
                for name in names:
                    stat = os.stat(os.path.join(folder, name))
                    found[os.path.join(folder, name)] = [stat.st_mtime_ns, stat.st_size]
        return found

    def unchanged(self, inputs: dict) -> bool:
        def contents(state: dict) -> dict:
            return {k: (v if k != "files" else {name: entry[2] for name, entry in v.items()}) for k, v in state.items()}

        last = self.last.get("inputs")
        return bool(last) and contents(last) == contents(inputs) and self.last.get("outputs") == self.outputs()

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)

    def record(self, inputs: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = {"inputs": inputs, "outputs": self.outputs()}
        self.path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


_FORKED: list = []  # what the forked process runs (inherited, never pickled)


def _run_forked(argument):
    return _FORKED[0](argument)


def _in_parallel(function, arguments: tuple) -> list:
    """function over the arguments, the last in a forked process while this one does the others: writing the
    two languages' trees after an edit takes about a second of CPU, and the machine has two cores. In this
    process alone where fork is not available."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return [function(argument) for argument in arguments]
    _FORKED[:] = [function]
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            last = pool.submit(_run_forked, arguments[-1])
            results = [function(argument) for argument in arguments[:-1]]
            return [*results, last.result()]
    finally:
        _FORKED.clear()


def generate(root: Path, out: Path | None = None, cases_only: bool = False, parallel: bool = False) -> list[Path]:
    """Check the corpus and write both languages' Markdown trees; returns the files that changed.
    cases_only: only the case pages whose file changed (`make serve` shows an edited case at once, then
    makes the rest). parallel: the English tree is written by a forked process meanwhile (the commands use
    it; not `make serve`, whose server threads a fork would not carry over)."""
    out = out or root / "build" / "docs"
    last = None if cases_only else LastGeneration(root, out)
    inputs = last.inputs() if last else {}
    if last and last.unchanged(inputs):
        return []
    if last:
        last.forget()  # until this generation is complete
    # The corpus is many small objects that stay alive while the pages are made: the cyclic garbage collector
    # would scan all of them again and again (a third of a second per save in `make serve` at 1000 cases).
    enabled = gc.isenabled()
    gc.disable()
    try:
        changed = _generate(root, out, cases_only, parallel)
    finally:
        if enabled:
            gc.enable()
    if last:
        last.record(inputs)
    return changed


def _generate(root: Path, out: Path, cases_only: bool, parallel: bool = False) -> list[Path]:
    cache_dir = out.parent / "cache"
    # the caches are saved by full generations only: a cases-only one (a save in `make serve`) is followed by one
    result = check_project(root, cache=cache_dir / "cases.pickle", save_cache=not cases_only)
    errors = result.errors()
    if errors:
        raise GenerationError(errors)
    corpus = result.corpus
    config = SiteConfig.read(root)
    env = environment(root)
    strings = read_strings(root)
    missing = [f"data/{vocabulary}.yml has no entry `{ident}`, which the pages and handouts show; put it back"
               for vocabulary, ids in REQUIRED_ENTRIES.items() for ident in ids if ident not in corpus.vocab[vocabulary]]
    if missing:
        raise GenerationError("\n".join(missing))
    if cases_only:
        return _changed_case_pages(root, out, result, env, strings, config)
    index = Index.build(corpus)
    planned = pages(corpus, index)
    html_env = environment(root, markdown=False)
    renderers = {lang: Renderer(env, lang, strings, corpus, config, html_env) for lang in LANGS}
    try:
        talk = slides.Talk(renderers, corpus, index, config, root / "templates", out.parent / "handouts")  # campus kit: class-meeting slides
        printed = handouts.make_all(renderers, corpus, index, config.page_url, root / "templates", out.parent / "handouts",
                                    extra=[functools.partial(kit.jobs, renderers, corpus, index, config.page_url),  # campus kit
                                           talk.print_jobs])
        talk_pages = {lang: talk.html(lang) for lang in LANGS}
    except handouts.HandoutError as error:
        raise GenerationError(str(error)) from None
    except jinja2.TemplateError as error:
        raise GenerationError(f"{template_position(error, 'handout.html.j2')}: {error.message} (while making the handouts)") from None
    cache = PageCache(cache_dir / "pages.pickle", root)
    hashes = result.case_hashes  # computed once, while checking
    counts = corpus_coverage(corpus, hashes, cache)
    corpus_key = hashlib.sha256("".join(f"{i}:{h}" for i, h in sorted(hashes.items())).encode()).hexdigest()
    history = History.read(root)  # one git pass: when each case was added and last changed
    # the open data and the feeds also show the commit and the dates: remade when one of them changes
    exports_key = hashlib.sha256(f"{corpus_key}:{history.digest}".encode()).hexdigest()
    def write_tree(lang: str) -> tuple[list[Path], dict[str, str]]:
        """Write one language's tree; returns the files changed and the page cache's entries for it."""
        changed: list[Path] = []
        new_pages: dict[str, str] = {}
        renderer = renderers[lang]
        tree = out / lang
        files: dict[Path, Any] = {}
        for page, (template, context) in planned.items():
            key = page_key(page, template, context, hashes, corpus_key)
            target = tree / page
            new_pages[f"{lang}/{page}"] = key
            if cache.pages.get(f"{lang}/{page}") == key and target.exists():
                files[target] = KEEP  # rendered from the same inputs last time
                continue
            try:
                files[target] = renderer.render(template, page, **context)
            except jinja2.TemplateError as error:  # e.g. a template edited by hand; say where, not a traceback
                raise GenerationError(f"{template_position(error, template)}: {error.message} (while making {lang}/{page})") from None
        # the open data once, in the Chinese site's data/ (the English pages link there); a feed per language
        made: dict[str, Any] = {opendata.FEED: functools.partial(
            opendata.feed, lang, corpus, history, renderer.t, renderer.strings, config)}
        if lang == "zh":
            made |= {f"data/{name}": make for name, make in opendata.data_files(root, corpus, history, config.case_urls, cache.row(corpus, hashes)).items()}
        for name, make in made.items():
            target = tree / name
            new_pages[f"{lang}/{name}"] = exports_key
            files[target] = KEEP if cache.pages.get(f"{lang}/{name}") == exports_key and target.exists() else make()
        # PDFs and previews: all of them under the Chinese site's handouts/, each language's under its own
        for name, data in (printed["zh"] | printed["en"] if lang == "zh" else printed[lang]).items():
            files[tree / "handouts" / name] = data
        # campus kit: class-meeting slides, the web page in its own language's tree only (it names that language's feed)
        files[tree / "handouts" / talk.file("html", lang)] = talk_pages[lang]
        coverage_line = renderer.strings["translation_coverage"].format(
            percent=round(100 * counts["translated"] / max(counts["total"], 1)), **counts
        )
        hand_written = root / "docs" / lang
        for source in sorted(hand_written.rglob("*")) if hand_written.is_dir() else []:
            if source.is_file():
                target = tree / source.relative_to(hand_written)
                files[target] = source.read_bytes()
                if source.suffix == ".md":  # hand-written pages get the hotline box under their title too
                    page = str(source.relative_to(hand_written))
                    box = renderer.render("hotline.md.j2", page).strip()
                    text = source.read_text(encoding="utf-8")
                    text = text.replace(COVERAGE_MARKER, coverage_line)
                    renderer.page = page
                    twin = f"twin: {json.dumps(renderer.twin())}\n"
                    text = text.replace("---\n", "---\n" + twin, 1) if text.startswith("---\n") else f"---\n{twin}---\n\n{text}"
                    files[target] = re.sub(r"^(# .*\n)", lambda m: m.group(1) + "\n" + box + "\n", text, count=1, flags=re.M)
        shared = root / "docs" / "assets"
        for source in sorted(shared.rglob("*")) if shared.is_dir() else []:
            if source.is_file():
                files[tree / "assets" / source.relative_to(shared)] = source.read_bytes()
        if lang == "zh":  # one robots.txt at the site's root names both sitemaps
            files[tree / "robots.txt"] = (
                f"User-agent: *\nAllow: /\n\nSitemap: {config.site_url}sitemap.xml\nSitemap: {config.site_url}en/sitemap.xml\n"
            )
        for path, content in files.items():
            if content is not KEEP and write_if_changed(path, content):
                changed.append(path)
        for existing in sorted(tree.rglob("*"), reverse=True) if tree.exists() else []:
            if existing.is_file() and existing not in files:
                existing.unlink()
                changed.append(existing)
            elif existing.is_dir() and not any(existing.iterdir()):
                existing.rmdir()
        return changed, new_pages

    changed: list[Path] = []
    for lang_changed, new_pages in _in_parallel(write_tree, LANGS) if parallel else map(write_tree, LANGS):
        changed += lang_changed
        cache.new_pages.update(new_pages)
    cache.save(hashes)
    return changed

