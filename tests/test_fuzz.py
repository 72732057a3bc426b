"""Whatever a file holds, the checker answers with problem lines, never an exception."""

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.checks import check_project
from fanzha.loader import Problem

ROOT = Path(__file__).resolve().parent.parent
GOOD = (ROOT / "cases" / "2022-jilin-campus-loan-cancel.yml").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
case_keys = st.sampled_from(
    ["title", "summary", "date", "loss", "victim", "money_flow", "script", "scam_type", "red_flags", "zh", "en", "amount_cny"]
)


def check_bytes(tmp_path: Path, raw: bytes) -> list[Problem]:
    path = tmp_path / "cases" / "2022-fuzz.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    result = check_project(ROOT, [path])
    assert all(isinstance(p, Problem) and p.line >= 1 and p.col >= 1 for p in result.problems)
    return result.problems


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path, raw):
    check_bytes(tmp_path, raw)


@SETTINGS
@given(values)
def test_arbitrary_yaml(tmp_path, value):
    check_bytes(tmp_path, yaml.safe_dump(value, allow_unicode=True).encode())


@SETTINGS
@given(st.dictionaries(case_keys, values, max_size=6))
def test_real_case_with_fields_replaced(tmp_path, replacements):
    data = yaml.safe_load(GOOD)
    data.update(replacements)
    problems = check_bytes(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode())  # keys in order (FZ303)
    if not replacements:
        assert problems == []


@SETTINGS
@given(st.integers(min_value=0, max_value=len(GOOD) - 1), st.integers(min_value=1, max_value=40), st.text(max_size=5))
def test_real_case_with_text_cut(tmp_path, start, length, insert):
    check_bytes(tmp_path, (GOOD[:start] + insert + GOOD[start + length:]).encode())
