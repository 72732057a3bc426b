"""MkDocs hooks (mkdocs.yml `hooks:`), for `make serve`: regenerate the pages before each build, and index the
served site with Pagefind after it, so search works in the preview too. Everything a page shows (language
switch, edit link) comes from the generated pages themselves: a builder that runs no hooks (Zensical, or
`fanzha build`, which generates and indexes once for both languages) gets the same site."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from fanzha.site import ALREADY_GENERATED, GenerationError, generate

log = logging.getLogger("mkdocs.hooks.fanzha")


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_pre_build(config) -> None:
    if os.environ.get(ALREADY_GENERATED):  # `fanzha build` generated the pages once for both languages
        return
    try:
        changed = generate(_root(config))
    except GenerationError as error:
        raise PluginError("the case files have errors; fix them and save again:\n" + str(error)) from None
    if changed:
        log.info("fanzha: %d generated files changed", len(changed))


def on_post_build(config) -> None:
    if os.environ.get(ALREADY_GENERATED):
        return
    import threading

    from fanzha.search import index_site

    def index() -> None:  # one language is served: its bundle at its root
        error = index_site(Path(config.site_dir), config.theme["language"])
        if error:
            log.warning("fanzha: search index not made: %s", error)

    # in the background: the edited page reloads at once, search catches up a few seconds later
    threading.Thread(target=index, daemon=True).start()
