"""The checker: the real corpus passes --strict, every code has a failing example that triggers it."""

import re
from pathlib import Path

import pytest

from fanzha.checks import check_project
from fanzha.cli import main
from fanzha.codes import CODES

ROOT = Path(__file__).resolve().parent.parent
FAILING = ROOT / "tests" / "failing"
GOOD_CASE = ROOT / "cases" / "2022-jilin-campus-loan-cancel.yml"


def run(capsys, *args):
    status = main(["validate", *map(str, args)])
    out = capsys.readouterr().out
    return status, out


def test_corpus_passes_strict(capsys):
    status, out = run(capsys, "--strict")
    assert out == "" and status == 0


def test_corpus_has_every_case_from_the_seeds():
    corpus = check_project(ROOT).corpus
    labels = {case.victim.label.zh for case in corpus.cases.values()}
    assert {"曹女士", "王女士", "蒋女士", "小张", "小李", "刘先生", "施某", "李某"} <= labels
    assert len(corpus.cases) >= 9
    li = next(c for c in corpus.cases.values() if c.victim.label.zh == "李某")
    assert li.loss.amount_cny == 84077 and li.victim.age == 25


@pytest.mark.parametrize("code", sorted(CODES))
def test_failing_example_reports_its_code(code, capsys):
    folder = FAILING / code
    files = sorted(folder.rglob("*.yml"))  # data files sit in a data/ folder of their own
    assert files, f"{code} has no failing example under tests/failing/{code}/"
    status, out = run(capsys, *files)
    lines = [line for line in out.splitlines() if f" {code} " in line]
    assert lines, out
    for line in lines:
        assert re.match(rf"^tests/failing/{code}/[^:]+\.yml:\d+:\d+: {code} \S", line), line
    if CODES[code].severity == "error":
        assert status == 1
    else:
        assert status == 0 and "(warning)" in lines[0]
        assert run(capsys, "--strict", *files)[0] == 1


@pytest.mark.parametrize(
    "code, expected",
    [
        ("FZ010", ":5:1: FZ010 unknown key `sumary` in the file; did you mean `summary`?"),
        ("FZ013", ":62:15: FZ013 loss.amount_cny must be a whole number of yuan, got '10万余元'; write 100000 and set loss.approximate: true"),
        ("FZ005", ":17:1: FZ005 a tab indents this line"),
        ("FZ006", ":17:10: FZ006 YAML anchor &who is not allowed"),
        ("FZ001", ":3:7: FZ001 the file is not UTF-8; save it as UTF-8"),
        ("FZ004", "use “full-width quotes” or quote the whole value"),
    ],
)
def test_messages_name_line_and_fix(code, expected, capsys):
    _, out = run(capsys, *sorted((FAILING / code).glob("*.yml")))
    assert expected in out


def test_bom_and_crlf_are_fine(tmp_path, capsys):
    case = tmp_path / "2022-jilin-bom-crlf.yml"
    case.write_bytes(b"\xef\xbb\xbf" + GOOD_CASE.read_bytes().replace(b"\n", b"\r\n"))
    assert run(capsys, "--strict", case) == (0, "")


def test_crlf_keeps_line_numbers(tmp_path, capsys):
    text = GOOD_CASE.read_text(encoding="utf-8").replace("  outcome: lost", "  outcome: lose")
    case = tmp_path / "2022-jilin-crlf.yml"
    case.write_bytes(text.replace("\n", "\r\n").encode())
    line = text.splitlines().index("  outcome: lose") + 1
    assert f":{line}:12: FZ012" in run(capsys, case)[1]


def test_billion_laughs_is_refused_without_expanding(tmp_path, capsys):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 12)]
    case = tmp_path / "2022-laughs.yml"
    case.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out = run(capsys, case)
    assert status == 1 and ":1:5: FZ006" in out


def test_missing_path_is_a_message_not_a_traceback(capsys):
    status, out = run(capsys, "cases/no-such-case.yml")
    assert status == 2 and "no such file" in out


def test_schema_files_are_current(capsys):
    assert main(["schema", "--check"]) == 0, capsys.readouterr().out


def test_every_data_file_points_editors_at_its_schema():
    for path in [*ROOT.glob("cases/*.yml"), *ROOT.glob("data/*.yml")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        name = "case" if path.parent.name == "cases" else path.stem
        assert first == f"# yaml-language-server: $schema=../schema/{name}.schema.json", path
        assert (ROOT / "schema" / f"{name}.schema.json").exists()


def test_averted_case_with_a_loss_is_refused(tmp_path, capsys):
    text = GOOD_CASE.read_text(encoding="utf-8").replace("  outcome: lost", "  outcome: averted")
    case = tmp_path / "2022-jilin-averted.yml"
    case.write_text(text, encoding="utf-8")
    assert "FZ023 loss.outcome is averted but loss.amount_cny is 100000" in run(capsys, case)[1]


def test_reference_in_a_vocabulary_points_at_its_entry(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    text = (ROOT / "data" / "scam_types.yml").read_text(encoding="utf-8")
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines) if l.strip() == "- hang-up-and-verify")
    lines[line] = lines[line].replace("hang-up-and-verify", "hang-up-and-verifi")
    (data / "scam_types.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out = run(capsys, data / "scam_types.yml")
    assert status == 1
    assert f"scam_types.yml:{line + 1}:" in out and "names `hang-up-and-verifi`" in out
    assert re.search(r"FZ021 [a-z0-9-]+\.advice\[\d+\] names", out)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("    - jd-finance-never-say\n  what_to_do:", "    - jd-finance-never-say\n    - casebook-editors\n  what_to_do:", "beside reports"),
        ("  sources:\n    - jiujiang-police-jd-baitiao-scripts\n    - jd-finance-never-say\nregulator", "  sources:\n    - casebook-editors\nregulator", "what scammers say must rest on a published report"),
    ],
)
def test_the_casebooks_own_advice_is_never_passed_off_as_a_report(tmp_path, capsys, old, new, message):
    data = tmp_path / "data"
    data.mkdir()
    text = (ROOT / "data" / "red_flags.yml").read_text(encoding="utf-8")
    assert old in text, old
    (data / "red_flags.yml").write_text(text.replace(old, new, 1), encoding="utf-8")
    status, out = run(capsys, data / "red_flags.yml")
    assert status == 1 and " FZ026 " in out and message in out, out


@pytest.mark.parametrize("label, ok", [("C女士", True), ("小Z", True), ("X先生", True), ("曹女士", True),
                                       ("曹丽华", False), ("Cao Lihua", False), ("陈先生父亲", False)])
def test_victim_labels_are_surname_forms_or_the_reports_letters(label, ok):
    from fanzha.checks import _VICTIM_LABEL

    assert bool(_VICTIM_LABEL.match(label)) is ok


def _jilin_with(tmp_path, **changes) -> Path:
    text = (ROOT / "cases" / "2022-jilin-campus-loan-cancel.yml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "cases" / "2022-jilin-variant.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_approximate_loss_is_a_lower_bound(capsys):
    """10万余元 means more than 100,000: itemised payments of 105,000 fit it; exact losses must add up."""
    from fanzha.checks import check_project

    case = check_project(ROOT).corpus.cases["2022-jilin-campus-loan-cancel"]
    assert case.loss.approximate and case.loss.amount_cny == 100000
    from fanzha.checks import check_case
    from fanzha.loader import Document

    def problems(steps, approximate):
        loss = case.loss.model_copy(update={"approximate": approximate})
        flow = [case.money_flow[0].model_copy(update={"amount_cny": a, "kind": case.money_flow[0].kind.__class__("payment")}) for a in steps]
        doc = Document(Path("x.yml"), "x.yml")
        check_case(doc, case.model_copy(update={"loss": loss, "money_flow": flow}), check_project(ROOT).corpus)
        return [p.code for p in doc.problems]

    assert "FZ023" not in problems([60000, 45000], approximate=True)
    assert "FZ023" in problems([60000, 45000], approximate=False)
    assert "FZ023" in problems([150000, 100000], approximate=True)  # more than twice 10万: not what 余 means


@pytest.mark.parametrize("written", ["110101 19900307 123X", "110101-19900307-123X", "1101 0119 9003 0712 3X"])
def test_id_numbers_written_in_groups_are_found(tmp_path, written):
    from fanzha.checks import check_text
    from fanzha.loader import read_text

    doc = read_text(f"title:\n  zh: 身份证号{written}被骗子报出\n", "x.yml")
    check_text(doc)
    assert [p.code for p in doc.problems if p.severity == "error"] == ["FZ030"]


JILIN_FILE = ROOT / "cases" / "2022-jilin-campus-loan-cancel.yml"


@pytest.mark.parametrize("old, new, line_of, wording", [
    ("title:\n  zh: ", "title:\n  zh：", "  zh：", "full-width colon (：); type the ASCII colon"),
    ("title:\n  zh: ", "title:\nzh: ", "zh: 假京东", "belongs under `title`: indent it by 2 spaces"),
    ("scam_type: cancel-baitiao-jintiao", "scam_type: cancel: baitiao", "scam_type: cancel: baitiao", "put the whole value in quotes"),
    ("sources:\n  - 2022-jilin-changyi-campus-loan", "sources: []", "sources: []", "needs at least 1 entry: under `sources:` write a line"),
    ("sources:\n  - 2022-jilin-changyi-campus-loan", "sources:", "sources:", "is empty: under `sources:` write one line"),
    ("scam_type: cancel-baitiao-jintiao", "scam_type: cancel-baitiao", "scam_type: cancel-baitiao", "did you mean `cancel-baitiao-jintiao`?"),
])
def test_volunteer_mistakes_get_plain_messages_on_the_right_line(tmp_path, capsys, old, new, line_of, wording):
    text = JILIN_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    path = tmp_path / "2022-jilin-campus-loan-cancel.yml"
    path.write_text(broken, encoding="utf-8")
    main(["validate", str(path)])
    out = [line for line in capsys.readouterr().out.splitlines() if " FZ30" not in line]
    assert out and wording in out[0], out
    expected_line = next(n for n, line in enumerate(broken.splitlines(), 1) if line.startswith(line_of))
    assert out[0].split(":")[1] == str(expected_line), out
    for jargon in ("mapping values", "after validation", "valid list", "expected key"):
        assert jargon not in out[0]
