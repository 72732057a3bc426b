"""When each case was added and last changed, from the repository's history: the dates the Atom feeds give.

One `git log` pass over cases/ gives every file's dates (one git call per file would take minutes at 10,000
cases). A file git does not know yet (a new case not committed, or no git at all) takes the date of the build:
SOURCE_DATE_EPOCH, else the last commit's time; with neither, its sources' newest publication date. Never the
clock: the same commit builds the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .model import Case


def _git(root: Path, *args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None  # no git, or not a repository (a copied project): the fallbacks apply


def head(root: Path) -> tuple[str | None, int | None]:
    """(commit, commit time) of HEAD, or (None, None) outside a repository."""
    out = (_git(root, "log", "-1", "--format=%H %ct") or "").split()
    return (out[0], int(out[1])) if len(out) == 2 else (None, None)


def _source_date_epoch() -> int | None:
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(stamp) if stamp.isdigit() else None


@dataclass
class History:
    commit: str | None  # HEAD, named in the open data as what it was generated from
    epoch: int | None  # the build's date: SOURCE_DATE_EPOCH, else HEAD's time (what `fanzha build` sets)
    added: dict[str, int] = field(default_factory=dict)  # case id -> time of the commit that added its file
    changed: dict[str, int] = field(default_factory=dict)  # case id -> time of the last commit that changed it

    @classmethod
    def read(cls, root: Path) -> "History":
        commit, commit_time = head(root)
        epoch = _source_date_epoch()
        history = cls(commit, commit_time if epoch is None else epoch)
        if commit is None:
            return history
        # newest commit first; each commit is "@<time>" followed by "<status>\tcases/<id>.yml" lines
        log = _git(root, "log", "--format=@%ct", "--name-status", "--no-renames", "--relative", "--", "cases/") or ""
        when = 0
        for line in log.splitlines():
            if line.startswith("@"):
                when = int(line[1:])
                continue
            status, _, path = line.partition("\t")
            if not (path.startswith("cases/") and path.endswith(".yml") and path.count("/") == 1):
                continue
            ident = path[len("cases/"):-len(".yml")]
            history.changed.setdefault(ident, when)
            if status == "A":
                history.added.setdefault(ident, when)  # the newest add: a file deleted and added again is new
        return history

    @property
    def digest(self) -> str:
        """Changes whenever any date or the commit does: the generator's cache key for what shows them."""
        text = f"{self.commit}:{self.epoch}:" + ";".join(f"{i}={self.added.get(i)},{t}" for i, t in sorted(self.changed.items()))
        return hashlib.sha256(text.encode()).hexdigest()

    def dates(self, ident: str, case: Case, sources: dict) -> tuple[datetime.datetime, datetime.datetime]:
        """(published, updated) of a case, as UTC datetimes."""
        fallback = self.epoch if self.epoch is not None else _newest_source_time(case, sources)
        updated = self.changed.get(ident, fallback)
        published = min(self.added.get(ident, updated), updated)
        return utc(published), utc(updated)


def utc(epoch: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)


def _newest_source_time(case: Case, sources: dict) -> int:
    """The newest publication date among a case's sources (a case cannot be written up before it is reported);
    a partial date counts from its first day."""
    dates = sorted(sources[s].date for s in case.sources if s in sources and sources[s].date)
    if not dates:
        return 0
    parts = [int(p) for p in dates[-1].split("-")] + [1, 1]
    return int(datetime.datetime(parts[0], parts[1], parts[2], tzinfo=datetime.timezone.utc).timestamp())
