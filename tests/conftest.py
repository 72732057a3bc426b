import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")


@pytest.fixture(autouse=True)
def _project_root(monkeypatch):
    """The CLI reads the project from the current directory, as it does for contributors."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def built_site():
    """One strict build of the real site per test run (site/ is generated output, never committed)."""
    from fanzha.build import build_site

    assert build_site(ROOT) == 0, "the strict build failed"
    return ROOT / "site"
