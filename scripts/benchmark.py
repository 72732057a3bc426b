"""Benchmark report: speed and size targets, printed, never asserted in tests.

    .venv/bin/python scripts/benchmark.py [--cases N] [--site-cases N]

Copies the real corpus N times (new ids, same content) into a temporary project and measures it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fanzha.checks import check_project  # noqa: E402


def make_project(folder: Path, count: int) -> Path:
    """A copy of the project whose cases/ holds `count` cases cloned from the real ones."""
    for name in ("data", "schema", "templates", "docs", "overrides", "fanzha"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, folder / name)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, folder / name)
    (folder / "cases").mkdir()
    real = sorted((ROOT / "cases").glob("*.yml"))
    for i in range(count):
        source = real[i % len(real)]
        (folder / "cases" / f"{source.stem}-copy-{i:05d}.yml").write_bytes(source.read_bytes())
    return folder


def bench_validation(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), count)
        start = time.perf_counter()
        result = check_project(project, keep_cases=False)  # as `fanzha validate` does
        seconds = time.perf_counter() - start
    errors = result.errors()
    print(f"validation: {count} cases in {seconds:.2f} s ({seconds / count * 1000:.2f} ms per case), "
          f"{len(errors)} errors; target: under 10 s for 10000 cases -> {'OK' if seconds < 10 or count != 10000 else 'MISSED'}")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench_handouts() -> None:
    from fanzha.site import generate

    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), len(list((ROOT / "cases").glob("*.yml"))))
        start = time.perf_counter()
        generate(project)  # a fresh project: every handout is made
        seconds = time.perf_counter() - start
        pdfs = sorted((project / "build" / "docs" / "zh" / "handouts").glob("*.pdf"))
        largest = max(p.stat().st_size for p in pdfs)
        print(f"handouts: {len(pdfs)} PDFs (+ previews) made in {seconds:.1f} s with the pages; largest {largest / 1e3:.0f} KB (limit 200 KB)")


def bench_site(count: int) -> None:
    from fanzha.build import build_site
    from fanzha.site import generate

    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), count)
        start = time.perf_counter()
        generate(project)
        generation = time.perf_counter() - start
        start = time.perf_counter()
        generate(project)
        unchanged = time.perf_counter() - start
        start = time.perf_counter()
        status = build_site(project)
        seconds = time.perf_counter() - start
        site = project / "site"
        pages = [p for p in site.rglob("index.html")]
        case_page = next(site.glob("cases/*-copy-00000/index.html"))
        zh_index = (site / "search" / "search_index.json").stat().st_size
        en_index = (site / "en" / "search" / "search_index.json").stat().st_size
        print(f"site: {count} cases x 2 languages, build {'OK' if status == 0 else 'FAILED'}")
        print(f"  generation {generation:.2f} s (nothing changed: {unchanged:.2f} s); full build incl. both MkDocs builds {seconds:.1f} s")
        print(f"  {len(pages)} pages, site {folder_size(site) / 1e6:.1f} MB, one case page {case_page.stat().st_size / 1e3:.0f} KB, "
              f"search index zh {zh_index / 1e6:.2f} MB + en {en_index / 1e6:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000, help="cases for the validation benchmark")
    parser.add_argument("--site-cases", type=int, default=1_000, help="cases for the site build benchmark")
    args = parser.parse_args()
    print("反诈案例库 benchmark report")
    bench_validation(args.cases)
    bench_handouts()
    bench_site(args.site_cases)


if __name__ == "__main__":
    main()
