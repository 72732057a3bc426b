"""`fanzha build` after an edit rebuilds only the pages whose generated file changed (fanzha/build.py,
LastBuild): the site it leaves must be the one a build from nothing makes, byte for byte."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest

from fanzha import search
from fanzha.build import LastBuild, build_site

ROOT = Path(__file__).resolve().parent.parent
JILIN = "2022-jilin-campus-loan-cancel"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of everything a build reads, in tmp_path, as the current directory."""
    for name in ("cases", "data", "schema", "templates", "docs", "overrides", "fanzha"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # no git here: the same dates in every build
    return tmp_path


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def assert_same_tree(built: Path, expected: Path) -> None:
    assert files(built) == files(expected)
    _, mismatch, errors = filecmp.cmpfiles(built, expected, files(expected), shallow=False)
    assert not mismatch and not errors, f"differ from a build from nothing: {mismatch[:10]}"


def edit(project: Path, ident: str, old: str, new: str) -> None:
    case = project / "cases" / f"{ident}.yml"
    text = case.read_text(encoding="utf-8")
    assert old in text
    case.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("cases_per_shard", [search.CASES_PER_SHARD, 10])
def test_a_rebuild_after_an_edit_equals_a_build_from_nothing(project, tmp_path_factory, monkeypatch, cases_per_shard):
    """Also with the case pages' search index in shards (10 cases each here, as 250 each from 251 cases on):
    only the shards whose pages changed are indexed again."""
    monkeypatch.setattr(search, "CASES_PER_SHARD", cases_per_shard)
    assert build_site(project) == 0
    site = project / "site"
    shards = json.loads((site / "pagefind" / search.SHARDS_FILE).read_text(encoding="utf-8"))
    count = search.shard_count(len(list((project / "cases").glob("*.yml"))))
    assert shards == [f"../pagefind-cases-{n}/" for n in range(count)] if count > 1 else shards == []
    untouched = site / "about" / "index.html"
    before = untouched.stat().st_mtime_ns
    entries = {path: path.stat().st_mtime_ns for path in site.glob("pagefind*/pagefind-entry.json")}
    edit(project, JILIN, "title:\n  zh: ", "title:\n  zh: 改过的标题")
    assert build_site(project) == 0
    assert untouched.stat().st_mtime_ns == before, "an unchanged page was built again: the rebuild was not incremental"
    assert "改过的标题" in (site / "cases" / JILIN / "index.html").read_text(encoding="utf-8")
    indexed_again = sorted(path.parent.name for path, time in entries.items() if path.stat().st_mtime_ns != time)
    assert indexed_again == sorted({"pagefind", search.shard_of(f"cases/{JILIN}/index.html", count)})
    rebuilt = tmp_path_factory.mktemp("rebuilt") / "site"
    shutil.copytree(site, rebuilt)

    shutil.rmtree(site)
    shutil.rmtree(project / "build")
    assert build_site(project) == 0
    assert_same_tree(rebuilt, site)


def test_a_removed_case_leaves_neither_page_nor_search_entry(project):
    assert build_site(project) == 0
    (project / "cases" / f"{JILIN}.yml").unlink()
    assert build_site(project) == 0
    for folder in ("site/cases", "site/en/cases", "build/search/zh/pagefind/cases", "build/search/en/pagefind/cases"):
        assert (project / folder).is_dir()
        assert not (project / folder / JILIN).exists(), f"{folder}/{JILIN} left behind"


@pytest.mark.parametrize("change", ["overrides", "mkdocs.yml"])
def test_a_change_to_the_theme_or_configuration_builds_every_page_again(project, change):
    assert build_site(project) == 0
    untouched = project / "site" / "about" / "index.html"
    before = untouched.stat().st_mtime_ns
    if change == "overrides":
        main = project / "overrides" / "main.html"
        main.write_text(main.read_text(encoding="utf-8") + "\n{#- a comment -#}\n", encoding="utf-8")
    else:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("  - 统计: stats.md\n", ""), encoding="utf-8")
    assert build_site(project) == 0
    assert untouched.stat().st_mtime_ns != before
    if change == "mkdocs.yml":  # the navigation changed: every page's tabs show it
        assert "统计</a>" not in untouched.read_text(encoding="utf-8").split("md-tabs")[1].split("</nav>")[0]


def test_a_site_written_by_another_builder_is_built_from_nothing(project):
    assert build_site(project) == 0
    last = LastBuild(project)
    assert last.path.exists()
    (project / "site" / "index.html").write_text("written by hand", encoding="utf-8")
    sources = last.sources()
    assert not last.can_continue(last.key(last.search_shards(sources)), sources)
    assert build_site(project) == 0
    assert "written by hand" not in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_generation_in_two_processes_writes_what_one_process_writes(project):
    """`fanzha generate` and `fanzha build` write the English tree in a forked process (site.generate's parallel)."""
    from fanzha.site import generate

    generate(project, project / "one" / "docs")
    generate(project, project / "two" / "docs", parallel=True)
    assert_same_tree(project / "two" / "docs", project / "one" / "docs")


def test_generation_with_nothing_changed_loads_nothing_and_notices_a_deleted_page(project, monkeypatch):
    from fanzha import site

    assert site.generate(project, parallel=True)
    page = project / "build" / "docs" / "en" / "cases" / f"{JILIN}.md"
    with monkeypatch.context() as patched:
        patched.setattr(site, "_generate", lambda *args: pytest.fail("generated although nothing changed"))
        assert site.generate(project) == []
    page.unlink()
    assert page in site.generate(project)
    assert page.exists()


def test_the_check_cache_keeps_an_edit_in_its_journal(project):
    """After an edit the generator's check cache writes the changed results only (a journal beside the whole
    file); read back by a new process, whole file and journal give what checking from nothing gives."""
    from fanzha import checks

    cache = project / "build" / "cache" / "cases.pickle"
    checks.check_project(project, cache=cache)
    whole = cache.stat().st_mtime_ns
    edit(project, JILIN, "title:\n  zh: ", "title:\n  zh: 改过的标题")
    removed = sorted((project / "cases").glob("*.yml"))[0]
    removed.unlink()
    checks.check_project(project, cache=cache)
    assert cache.stat().st_mtime_ns == whole, "the whole cache was written again for one edit"
    journal = cache.with_name(cache.name + ".journal")
    assert set(checks.read_cache(journal)["entries"]) == {f"cases/{JILIN}.yml"}

    checks._KEPT.clear()  # as a new process: from the files
    cached = checks.check_project(project, cache=cache).corpus.cases
    fresh = checks.check_project(project).corpus.cases
    assert removed.stem not in cached and cached.keys() == fresh.keys()
    assert cached[JILIN].title.zh.startswith("改过的标题")
    assert all(cached[i].model_dump() == fresh[i].model_dump() for i in fresh)

    stored = checks.read_cache(journal)  # a journal of another whole file is not applied
    checks.write_cache(journal, dict(stored, token="another"))
    checks._KEPT.clear()
    edited = f"cases/{JILIN}.yml"
    assert checks.CaseCache(project, cache).entries[edited][0] != stored["entries"][edited][0]  # the whole file's


def test_the_theme_listing_without_hidden_folders_finds_the_same_files(monkeypatch):
    """mkdocs_hooks.theme_listing_without_hidden_folders: the theme's files MkDocs copies, as MkDocs finds them."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from fanzha import mkdocs_hooks

    config = load_config(str(ROOT / "mkdocs.yml"))
    monkeypatch.setattr(Files, "add_files_from_theme", Files.add_files_from_theme)  # MkDocs' own again afterwards
    found = []
    for patched in (False, True):
        if patched:
            mkdocs_hooks.theme_listing_without_hidden_folders()
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)
        found.append(sorted(f.src_uri for f in files))
    assert Files.add_files_from_theme.skips_hidden_folders
    assert len(found[0]) > 20 and found[1] == found[0]
