"""Build the complete static site: generated pages, then one strict MkDocs build per language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .site import GenerationError, generate

CONFIGS = ("mkdocs.yml", "mkdocs.en.yml")  # Chinese first: its build empties site/, which holds site/en/


def build_env(root: Path) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    if "SOURCE_DATE_EPOCH" not in env:  # same commit, same bytes: sitemaps carry the commit's date
        try:
            stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            stamp = ""
        if stamp:
            env["SOURCE_DATE_EPOCH"] = stamp
    return env


def build_site(root: Path) -> int:
    try:
        generate(root)
    except GenerationError as error:
        for problem in error.problems:
            print(problem)
        print("the site was not built: fix the problems above (make validate)", file=sys.stderr)
        return 1
    env = build_env(root)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    for config in CONFIGS:
        done = subprocess.run([str(mkdocs), "build", "--strict", "--quiet", "-f", config], cwd=root, env=env)
        if done.returncode:
            print(f"mkdocs build -f {config} failed", file=sys.stderr)
            return done.returncode
    print(f"site built into {root / 'site'}", file=sys.stderr)
    return 0
