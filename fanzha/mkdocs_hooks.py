"""MkDocs hooks (mkdocs.yml `hooks:`): regenerate pages before each build, and give each page
its twin in the other language and its edit link. The site still builds without them (e.g. in a
builder that ignores hooks): then the language switch lands on the other language's home page."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from fanzha.site import ALREADY_GENERATED, GenerationError, SiteConfig, generate

log = logging.getLogger("mkdocs.hooks.fanzha")
NAMES = {"zh": "中文", "en": "English"}


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


_SITES: dict[Path, SiteConfig] = {}


def _site(config) -> SiteConfig:
    root = _root(config)
    if root not in _SITES:
        _SITES[root] = SiteConfig.read(root)
    return _SITES[root]


def on_pre_build(config) -> None:
    _SITES.clear()  # mkdocs.yml may have changed while serving
    if os.environ.get(ALREADY_GENERATED):  # `fanzha build` generated the pages once for both languages
        return
    try:
        changed = generate(_root(config))
    except GenerationError as error:
        raise PluginError("the case files have errors; fix them and save again:\n" + str(error)) from None
    if changed:
        log.info("fanzha: %d generated files changed", len(changed))


def on_page_context(context, page, config, nav):
    lang = config.theme["language"]
    site = _site(config)
    # From this page up to the Chinese site's root (one more level from /en/), then down to each twin.
    to_root = "../" * (page.url.count("/") + (1 if lang == "en" else 0))
    relative = {"zh": to_root + page.url, "en": to_root + "en/" + page.url}
    absolute = {"zh": site.site_url + page.url, "en": site.site_url + "en/" + page.url}
    # read by base.html (absolute hreflang links) and by our partials/alternate.html (relative switch links)
    config.extra["alternate"] = [
        {"name": NAMES[code], "lang": code, "link": absolute[code], "relative": relative[code] or "./"}
        for code in ("zh", "en")
    ]
    edit_path = page.meta.get("edit_path")
    page.edit_url = f"{site.repo_url}/edit/{site.edit_branch}/{edit_path}" if edit_path else None
    return context
