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
    for name in ("data", "schema", "templates", "docs", "overrides"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, folder / name)
    for name in ("mkdocs.yml", "mkdocs.en.yml", "jieba_dict.txt"):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000, help="cases for the validation benchmark")
    args = parser.parse_args()
    print("反诈案例库 benchmark report")
    bench_validation(args.cases)


if __name__ == "__main__":
    main()
