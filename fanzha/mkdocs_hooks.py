"""MkDocs hooks (mkdocs.yml `hooks:`). For `make serve`: regenerate the pages before each build, and index the
served site with Pagefind after it, so search works in the preview too. For every build: pages marked
`body: html` (case pages) skip Markdown (fanzha/html_body.py), the same HTML made faster. Everything a page
shows (language switch, edit link) comes from the generated pages themselves: a builder that runs no hooks
(Zensical) gets the same site."""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import threading
from pathlib import Path

# The generator (fanzha.site) is imported only when a hook needs it: half a second per build otherwise.
from fanzha import ALREADY_GENERATED, SEARCH_COPIES, SEARCH_SHARDS, html_body

log = logging.getLogger("mkdocs.hooks.fanzha")


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


_ERRORS: list[str] = []  # problems of the last save, shown on every served page until a save fixes them
_BACKGROUND_ERRORS: list[str] = []  # problems of the last full generation, made after a build (see below)
_LOCK = threading.Lock()  # one generation at a time: a save can come while the full one runs
_STATE = {"served": False, "cases_only": False, "command": "build"}
_INDEXING: list[threading.Timer] = []  # the served site's search indexing, waiting for the builds to settle
SEARCH_DELAY = 2.0  # seconds after the last build


def _cancel_indexing() -> None:
    while _INDEXING:
        _INDEXING.pop().cancel()


def theme_listing_without_hidden_folders() -> None:
    """MkDocs lists every file of the theme at each build, to copy its static files, and Material keeps 14,000
    icons under templates/.icons: the listing walks them all, then MkDocs' filter drops them (a path with a
    hidden folder is never copied). About a tenth of a second of every build and of every `make serve` rebuild.
    Here the walk skips hidden folders; MkDocs' own filter still decides every other file, so the files are
    the same (tests/test_build.py compares them)."""
    import jinja2
    from mkdocs.structure.files import Files

    original = Files.add_files_from_theme
    if getattr(original, "skips_hidden_folders", False):
        return

    def add_files_from_theme(self, env, config):
        loader = env.loader
        if type(loader) is not jinja2.FileSystemLoader:  # not MkDocs' own theme loader: as MkDocs does it
            return original(self, env, config)

        def list_templates(extensions=None, filter_func=None):
            if extensions is not None:  # MkDocs passes only a filter; anything else as Jinja does it
                return type(env).list_templates(env, extensions, filter_func)
            names = set()
            for top in loader.searchpath:
                for folder, subfolders, filenames in os.walk(top, followlinks=loader.followlinks):
                    subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                    names.update(os.path.relpath(os.path.join(folder, name), top).replace(os.sep, "/") for name in filenames)
            return sorted(name for name in names if filter_func is None or filter_func(name))

        env.list_templates = list_templates
        try:
            return original(self, env, config)
        finally:
            del env.list_templates

    add_files_from_theme.skips_hidden_folders = True
    Files.add_files_from_theme = add_files_from_theme


def on_startup(command: str, dirty: bool) -> None:
    _STATE["command"] = command  # "serve" keeps running; "build" ends with its build
    theme_listing_without_hidden_folders()
    if dirty and os.environ.get(ALREADY_GENERATED):
        # `fanzha build` builds with --dirty only while nothing but the generated pages changed since its last
        # complete build (fanzha/build.py, LastBuild): MkDocs' warning that a dirty build may leave navigation
        # stale does not apply, and would fail the strict build.
        logging.getLogger("mkdocs.commands.build").addFilter(
            lambda record: not str(record.msg).startswith("A 'dirty' build is being performed"))


def on_pre_build(config) -> None:
    if os.environ.get(ALREADY_GENERATED):  # `fanzha build` generated the pages once for both languages
        return
    _cancel_indexing()  # another build: index after it
    _ERRORS.clear()
    # After the first build, a save first regenerates only the changed case pages, so the page being edited
    # reloads at once; the lists, indexes, statistics and exports that name it follow a moment later
    # (on_post_build), and their writing makes the server rebuild once more.
    from fanzha.site import GenerationError, generate

    cases_only = _STATE["served"]
    _STATE["served"], _STATE["cases_only"] = True, cases_only
    try:
        with _LOCK:
            changed = generate(_root(config), cases_only=cases_only)
    except GenerationError as error:
        # Keep serving the last good pages (nothing was written), with the problems on top of each page: the
        # browser reloads at once and shows what to fix; the next good save clears it.
        _ERRORS.extend(str(error).splitlines())
        log.error("fanzha: the case files have errors; the pages shown are the last good ones:\n%s", error)
        return
    if changed:
        log.info("fanzha: %d generated files changed", len(changed))


_IN_NAV: set[str] = set()  # pages listed in the navigation, whose tabs and sidebar mark themselves as active
_CHROME: dict[tuple, str] = {}  # tabs and sidebar as rendered for pages kept out of the navigation, per folder


def on_nav(nav, config, files):
    _IN_NAV.clear()
    _IN_NAV.update(page.file.src_uri for page in nav.pages)
    _CHROME.clear()
    return nav


def on_env(env, config, files):
    import jinja2

    env.globals["fz_chrome"] = _chrome
    # The theme's templates compiled once and kept (Jinja checks each against its source): MkDocs makes a new
    # environment, and compiled every template again, for every build, `make serve`'s included.
    cache = _root(config) / "build" / "cache" / "theme-jinja"
    cache.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    return env


def _chrome(name: str, page, render):
    """The tabs or the navigation sidebar of a page (overrides/main.html). They show no page of their own on a
    page outside the navigation (the case pages, the lists), and their links are relative to the page's
    folder: rendered once per folder and reused, where the theme would render them for each of 2,000 case
    pages."""
    if page is None or page.file.src_uri in _IN_NAV or (page.meta and page.meta.get("hide")):
        return render()
    key = (name, posixpath.dirname(page.url.rstrip("/")))
    if key not in _CHROME:
        _CHROME[key] = render()
    return _CHROME[key]


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.meta.get("body") != "html":
        return markdown
    body = html_body.convert(markdown)
    if body is None:  # not only headings and HTML blocks after all: Markdown converts it
        return markdown
    # MkDocs calls page.render next, which would set up a Markdown converter only to pass the HTML through:
    # this page's render hands over the HTML, headings and anchors made above instead.
    page.render = functools.partial(_render_html_body, page, body)
    return markdown


def _render_html_body(page, body: html_body.Body, config, files) -> None:
    from mkdocs.structure.toc import get_toc

    page.content = body.html
    page.toc = get_toc(body.toc_tokens)
    page.present_anchor_ids = body.anchor_ids
    page.links_to_anchors = {}


def on_post_page(output: str, page, config) -> str:
    from fanzha.search import shard_of, tidied, write_search_copy

    output = tidied(output)  # as published; done here, each page is not read and written a second time
    copies = os.environ.get(SEARCH_COPIES)
    if copies:
        shard = shard_of(page.file.dest_uri, int(os.environ.get(SEARCH_SHARDS, "1")))
        write_search_copy(Path(copies) / shard / page.file.dest_uri, output, config.theme["language"])
    errors = _ERRORS or _BACKGROUND_ERRORS
    if not errors:
        return output
    from html import escape

    lines = "".join(f"<li><code>{escape(line)}</code></li>" for line in errors[:20])
    banner = ('<div role="alert" style="background:#fff3e0;color:#000;border:3px solid #c62828;padding:0.6rem 1rem;'
              'margin:0;font-size:0.8rem;position:relative;z-index:10"><strong>案例文件有错误，下面是上一次正确的页面。'
              'The case files have errors; this is the last good version of the page.</strong> '
              f'改好并保存后自动刷新 / Fix and save, and the page reloads.<ul>{lines}</ul></div>')
    head, sep, rest = output.partition("<body")
    if not sep:
        return banner + output
    tag_end = rest.index(">") + 1
    return head + sep + rest[:tag_end] + banner + rest[tag_end:]


def on_post_template(output: str, template_name: str, config) -> str:
    from fanzha.search import tidied

    return tidied(output) if template_name.endswith(".html") else output  # the 404 page


def on_post_build(config) -> None:
    if os.environ.get(ALREADY_GENERATED):
        return
    from fanzha.search import index_site

    def index() -> None:  # one language is served: its bundle at its root; pages left as MkDocs wrote them
        try:
            error = index_site(Path(config.site_dir), config.theme["language"], tidy=False)
        except OSError as problem:  # a rebuild replaced the pages meanwhile: the next one indexes again
            error = str(problem)
        if error:  # info, not warning: a warning would fail the strict build that may be running meanwhile
            log.info("fanzha: search index not made this time: %s", error)

    if _STATE["command"] != "serve":  # a plain `mkdocs build` ends with its build: index it now
        index()
        return
    # In the background once the builds have settled: the edited page reloads at once and search catches up a
    # few seconds later. A save makes two or three builds in a row (the edited page, then the pages that list
    # it), and indexing 1000 cases takes seconds of CPU that the next save's build would otherwise share.
    _cancel_indexing()
    timer = threading.Timer(SEARCH_DELAY, index)
    timer.daemon = True
    _INDEXING.append(timer)
    timer.start()
    if _STATE["cases_only"] and not _ERRORS:
        threading.Thread(target=_generate_the_rest, args=(_root(config),), daemon=True).start()


def _generate_the_rest(root: Path) -> None:
    """Every page after a cases-only generation; what it writes makes `mkdocs serve` rebuild."""
    from fanzha.site import GenerationError, generate

    try:
        with _LOCK:
            changed = generate(root)
    except GenerationError as error:  # e.g. a handout no longer fits its page: shown on the pages until fixed
        _BACKGROUND_ERRORS[:] = str(error).splitlines()
        log.error("fanzha: the other pages could not be made:\n%s", error)
        return
    _BACKGROUND_ERRORS.clear()
    if changed:
        log.info("fanzha: %d more generated files changed", len(changed))
