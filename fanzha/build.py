"""Build the complete static site: generated pages, then one strict MkDocs build per language."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import ALREADY_GENERATED, SEARCH_COPIES, SEARCH_SHARDS, history, search
from .site import GenerationError, generate, package_versions


def build_env(root: Path) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    if "SOURCE_DATE_EPOCH" not in env:  # same commit, same bytes: sitemaps carry the commit's date
        stamp = history.head(root)[1]
        if stamp is not None:
            env["SOURCE_DATE_EPOCH"] = str(stamp)
    return env


ZENSICAL = ".venv-zensical/bin/zensical"  # made by `make site-zensical`


LANGUAGES = {"zh": ("mkdocs.yml", ""), "en": ("mkdocs.en.yml", "en")}  # config, folder under site/


class LastBuild:
    """What the last complete `fanzha build` of site/ was made from, so that the next one rebuilds only the
    pages whose generated file changed (MkDocs' --dirty compares each page's source with its output).

    Safe because everything else a page shows is fixed while the key below is unchanged: the configuration
    (its explicit navigation titles included), the theme and our overrides, the hook's code and the versions
    of what renders the pages. Any change there, a generated file removed (its page would stay in site/), a
    site/ that another builder wrote since, or a build that did not finish, and the build starts from an
    empty site/. tests/test_build.py compares such a rebuild with a build from nothing, byte for byte."""

    INPUTS = ("mkdocs.yml", "mkdocs.en.yml", "overrides", "fanzha/mkdocs_hooks.py", "fanzha/search.py",
              "fanzha/html_body.py", "fanzha/__init__.py", "fanzha/build.py")
    PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pagefind")

    def __init__(self, root: Path):
        self.root = root
        self.path = root / "build" / "cache" / "last-build.json"
        self.site = root / "site"
        self.copies = root / "build" / "search"
        self.last: dict = {}  # the last complete build's state, read by can_continue

    def key(self, shards: int) -> str:
        digest = hashlib.sha256(f"search shards: {shards}\0".encode())  # another count moves every case's copy
        for name in self.INPUTS:
            path = self.root / name
            for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
                if file.is_file():
                    digest.update(f"{file.relative_to(self.root)}\0".encode() + file.read_bytes() + b"\0")
        digest.update(json.dumps(package_versions(self.PACKAGES)).encode())
        return digest.hexdigest()

    def sources(self) -> dict[str, list[str]]:
        docs = self.root / "build" / "docs"
        return {lang: sorted(str(p.relative_to(docs / lang)) for p in (docs / lang).rglob("*") if p.is_file())
                for lang in LANGUAGES}

    @staticmethod
    def search_shards(sources: dict[str, list[str]]) -> int:
        """How many search shards the case pages go to (search.shard_count), from the generated case pages."""
        return search.shard_count(sum(1 for page in sources["zh"] if page.startswith("cases/") and page != "cases/index.md"))

    def stamps(self) -> dict[str, int]:
        """The home pages' times: another builder (a plain `mkdocs build`, Zensical) writes them anew."""
        pages = [self.site / folder / "index.html" for _, folder in LANGUAGES.values()]
        return {str(page.relative_to(self.root)): page.stat().st_mtime_ns for page in pages if page.exists()}

    def can_continue(self, key: str, sources: dict[str, list[str]]) -> bool:
        try:
            self.last = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.last = {}
        last = self.last
        return (bool(last) and last.get("key") == key and last.get("stamps") == self.stamps()
                and all(set(last.get("sources", {}).get(lang, [])) <= set(files) for lang, files in sources.items())
                and all((self.copies / lang).is_dir() for lang in LANGUAGES))

    def shard_states(self, lang: str) -> dict[str, str]:
        """Each search shard's copies as they are now (names, sizes, times): the hook rewrites a copy only when
        it changed, so a shard whose state is the one last indexed needs no indexing."""
        states = {}
        folder = self.copies / lang
        for shard in sorted(folder.iterdir()) if folder.is_dir() else []:
            digest = hashlib.sha256()
            for path, _, names in sorted(os.walk(shard)):
                for name in sorted(names):
                    stat = os.stat(os.path.join(path, name))
                    digest.update(f"{path}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
            states[shard.name] = digest.hexdigest()
        return states

    def shards_to_index(self, lang: str, states: dict[str, str]) -> list[str]:
        indexed = self.last.get("indexed", {}).get(lang, {}) if self.last else {}
        site = self.site / LANGUAGES[lang][1]
        return [shard for shard, state in states.items()
                if indexed.get(shard) != state or not (site / shard / "pagefind-entry.json").exists()]

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)

    def record(self, key: str, sources: dict[str, list[str]], indexed: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = {"key": key, "sources": sources, "stamps": self.stamps(), "indexed": indexed}
        self.path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def build_site(root: Path, engine: str = "mkdocs") -> int:
    try:
        generate(root, parallel=True)
    except GenerationError as error:
        print(error)
        print("the site was not built: see the message above", file=sys.stderr)
        return 1
    last = LastBuild(root)
    if engine == "zensical":
        last.forget()
        return build_with_zensical(root)
    sources = last.sources()
    shards = last.search_shards(sources)
    key = last.key(shards)
    if not last.can_continue(key, sources):
        shutil.rmtree(last.site, ignore_errors=True)
        shutil.rmtree(last.copies, ignore_errors=True)  # and with site/, every bundle: all are indexed
    last.forget()  # until this build is complete
    mkdocs = str(Path(sys.executable).with_name("mkdocs"))
    # The two languages build in parallel, English into site/en/ (--dirty: MkDocs empties no folder; site/ was
    # emptied above when needed). Each language is indexed as soon as its own build is done.
    running, indexing, indexed, failed = {}, {}, {}, []
    env = build_env(root) | {ALREADY_GENERATED: "1", SEARCH_SHARDS: str(shards)}
    for lang, (config, folder) in LANGUAGES.items():
        env = env | {SEARCH_COPIES: str(last.copies / lang)}
        command = [mkdocs, "build", "--strict", "--quiet", "--dirty", "-f", config, "--site-dir", str(last.site / folder)]
        running[lang] = subprocess.Popen(command, cwd=root, env=env)
    while running:
        done = [lang for lang, process in running.items() if process.poll() is not None]
        for lang in done:
            if running.pop(lang).returncode != 0:
                failed.append(LANGUAGES[lang][0])
            else:
                site = last.site / LANGUAGES[lang][1]
                indexed[lang] = last.shard_states(lang)
                indexing[lang] = search.Indexing(site, lang, copies=last.copies / lang,
                                                 shards=last.shards_to_index(lang, indexed[lang]))
        if not done:
            time.sleep(0.02)
    problems = {lang: process.finish() for lang, process in indexing.items()}
    if failed:
        print(f"mkdocs build failed for {', '.join(failed)}; the messages above say why", file=sys.stderr)
        return 1
    for lang, problem in problems.items():
        if problem:
            print(f"search index for {LANGUAGES[lang][0]} not made: {problem}", file=sys.stderr)
            return 1
    last.record(key, sources, indexed)
    print(f"site built into {last.site}", file=sys.stderr)
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
