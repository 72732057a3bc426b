"""Build the complete static site: generated pages, then one strict MkDocs build per language."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import ALREADY_GENERATED, history, search
from .site import GenerationError, generate


def build_env(root: Path) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    if "SOURCE_DATE_EPOCH" not in env:  # same commit, same bytes: sitemaps carry the commit's date
        stamp = history.head(root)[1]
        if stamp is not None:
            env["SOURCE_DATE_EPOCH"] = str(stamp)
    return env


ZENSICAL = ".venv-zensical/bin/zensical"  # made by `make site-zensical`


def build_site(root: Path, engine: str = "mkdocs") -> int:
    try:
        generate(root)
    except GenerationError as error:
        print(error)
        print("the site was not built: see the message above", file=sys.stderr)
        return 1
    if engine == "zensical":
        return build_with_zensical(root)
    env = build_env(root)
    env[ALREADY_GENERATED] = "1"
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    # The two languages build in parallel: English into build/site-en (the Chinese build empties site/,
    # which would hold site/en/), then moved into place.
    english_dir = root / "build" / "site-en"
    builds = {
        "mkdocs.yml": subprocess.Popen([mkdocs, "build", "--strict", "--quiet", "-f", "mkdocs.yml"], cwd=root, env=env),
        "mkdocs.en.yml": subprocess.Popen(
            [mkdocs, "build", "--strict", "--quiet", "-f", "mkdocs.en.yml", "--site-dir", str(english_dir)], cwd=root, env=env
        ),
    }
    # Each language is indexed as soon as its build is done (whichever is first), in parallel with the other.
    sites = {"mkdocs.yml": (root / "site", "zh"), "mkdocs.en.yml": (english_dir, "en")}
    failed, indexing = [], {}
    running = dict(builds)
    while running:
        done = [config for config, process in running.items() if process.poll() is not None]
        for config in done:
            if running.pop(config).returncode != 0:
                failed.append(config)
            else:
                indexing[config] = search.Indexing(*sites[config], tidy=False)  # the hook tidied each page
        if not done:
            time.sleep(0.05)
    problems = {config: process.finish() for config, process in indexing.items()}
    if failed:
        print(f"mkdocs build failed for {', '.join(failed)}; the messages above say why", file=sys.stderr)
        return 1
    for config, problem in problems.items():
        if problem:
            print(f"search index for {config} not made: {problem}", file=sys.stderr)
            return 1
    shutil.rmtree(root / "site" / "en", ignore_errors=True)
    shutil.move(str(english_dir), str(root / "site" / "en"))
    print(f"site built into {root / 'site'}", file=sys.stderr)
    return 0


def build_with_zensical(root: Path) -> int:
    """The same generated tree built by Zensical (Material's successor), which reads mkdocs.yml and runs no
    hooks: everything the pages need is in the generated files. Then the same Pagefind indexing."""
    zensical = root / ZENSICAL if (root / ZENSICAL).exists() else Path(shutil.which("zensical") or root / ZENSICAL)
    if not zensical.exists():
        print(f"{ZENSICAL} is missing; run `make site-zensical`, which installs it", file=sys.stderr)
        return 1
    env = build_env(root)
    for config in ("mkdocs.yml", "mkdocs.en.yml"):  # Chinese first: its build would empty site/en
        if subprocess.run([str(zensical), "build", "--clean", "--strict", "-f", config], cwd=root, env=env).returncode != 0:
            print(f"zensical build failed for {config}; the messages above say why", file=sys.stderr)
            return 1
    for site, lang in ((root / "site", "zh"), (root / "site" / "en", "en")):
        (site / "search.json").unlink(missing_ok=True)  # Zensical's own whole-site index: our search is Pagefind
        problem = search.index_site(site, lang)
        if problem:
            print(f"search index for {lang} not made: {problem}", file=sys.stderr)
            return 1
    print(f"site built with Zensical into {root / 'site'}", file=sys.stderr)
    return 0
