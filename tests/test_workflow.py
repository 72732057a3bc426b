"""The volunteer workflow: `fanzha new`, `fmt`, `i18n`, `docs`, and the repository's editor, GitHub and
pre-commit files."""

from __future__ import annotations

import builtins
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fanzha.checks import check_project
from fanzha.cli import main
from fanzha.fmt import FormatError, canonical_text
from fanzha.i18n import coverage, zh_hash
from fanzha.loader import read_document, read_text
from fanzha.model import VOCABULARIES, Case

ROOT = Path(__file__).resolve().parent.parent
JILIN = "2022-jilin-campus-loan-cancel"
TITLE = "假客服以“退款”为名，借会议软件骗走3800元"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project's data in tmp_path, as the current directory."""
    for name in ("cases", "data", "schema", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def comments(text: str) -> list[str]:
    """Comment lines and end-of-line comments, in order (good enough for the texts of these tests)."""
    found = []
    for line in text.splitlines():
        end_of_line = re.search(r"\s(# .*)$", line)
        if line.strip().startswith("#") or end_of_line:
            found.append(line.strip() if line.strip().startswith("#") else end_of_line.group(1))
    return found


# ---------------------------------------------------------------- fanzha new


def test_new_scaffolds_a_case_that_validates_and_round_trips(project, capsys):
    status, out, err = run(capsys, "new", "--id", "2023-test-refund", "--type", "refund-claim", "--title", TITLE)
    assert status == 0, err
    path = project / "cases" / "2023-test-refund.yml"
    assert out.strip() == "cases/2023-test-refund.yml" and path.exists()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/case.schema.json\n")
    assert "# 标题" in text and "例 e.g." in text  # the template's comments come along
    assert f"zh: {TITLE}" in text and "scam_type: refund-claim" in text
    # right after `new`: refused until the placeholders are replaced (FZ036, each on its own line), English to add;
    # already in canonical form
    status, out, _ = run(capsys, "validate", path)
    assert status == 1
    assert {line.split(": ")[1].split()[0] for line in out.splitlines()} == {"FZ301", "FZ036"}
    placeholders = [line for line in out.splitlines() if " FZ036 " in line]
    assert len(placeholders) == 3  # the summary, the victim's label and the source
    assert any("sources still holds the placeholder fill-in-the-source" in line for line in placeholders)
    for line in placeholders:
        number = int(line.split(":")[1])
        assert any(mark in text.splitlines()[number - 1] for mark in ("待填写", "某某", "fill-in-the-source"))
    assert run(capsys, "fmt", "--check", path)[0] == 0
    # a volunteer fills in the placeholders: then it passes --strict, still canonical, comments kept
    filled = (
        text.replace(f"  zh: {TITLE}\n", f"  zh: {TITLE}\n  en: A fake agent offering a refund takes 3,800 yuan over a meeting app\n")
        .replace("  zh: 待填写：用两三句话概括案情：谁接到了什么联系、对方怎么说、做了什么、损失多少。\n",
                 "  zh: 李女士接到自称客服的电话，称可以退款，随后在会议软件里共享屏幕，被骗3800元。\n"
                 "  en: Ms Li was called by a fake agent offering a refund, shared her screen in a meeting app and lost 3,800 yuan.\n")
        .replace("    zh: 某某\n", "    zh: 李女士\n    en: Ms Li\n")
        .replace("  - fill-in-the-source\n", "  - zhoushan-online-shopping-scams\n")
    )
    path.write_text(filled, encoding="utf-8")
    assert run(capsys, "validate", "--strict", path)[:2] == (0, "")
    assert run(capsys, "i18n", "--stamp", path)[0] == 0
    stamped = path.read_text(encoding="utf-8")
    assert comments(stamped) == comments(filled)
    assert run(capsys, "validate", "--strict", path)[:2] == (0, "")
    assert run(capsys, "fmt", "--check", path)[0] == 0


def test_template_is_a_valid_case_with_warnings_only(project, capsys):
    template = ROOT / "templates" / "case-template.yml"
    yaml.safe_load(template.read_text(encoding="utf-8"))
    copy = project / "cases" / "2023-template-copy.yml"
    shutil.copy(template, copy)
    status, out, _ = run(capsys, "validate", copy)
    # the template is valid YAML of the right shape; only its placeholders are refused, and English is to add
    assert status == 1 and out and all(" FZ301 " in line or " FZ036 " in line for line in out.splitlines()), out
    assert run(capsys, "fmt", "--check", template)[0] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--id", JILIN, "--type", "refund-claim", "--title", "x"], f"cases/{JILIN}.yml already exists"),
        (["--id", "Jilin Case", "--type", "refund-claim", "--title", "x"], "is not a case id"),
        (["--id", "2023-ok", "--type", "refund-clam", "--title", "x"], "did you mean refund-claim?"),
        (["--id", "2023-ok", "--type", "refund-claim", "--title", "  "], "the title is empty"),
        (["--id", "2023-ok"], "--type, --title missing"),
    ],
)
def test_new_refuses_bad_input_with_a_message(project, capsys, args, message):
    before = sorted(p.name for p in (project / "cases").iterdir())
    status, out, err = run(capsys, "new", *args)
    assert status == 2 and message in err and "Traceback" not in err
    assert sorted(p.name for p in (project / "cases").iterdir()) == before


def test_new_asks_for_what_is_missing_in_a_terminal(project, capsys, monkeypatch):
    answers = iter(["Bad Id", "2023-asked", "nope", "credit-repair", TITLE, "", "2020-wuhan-hongshan-fake-service"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(answers))
    status, out, err = run(capsys, "new")
    assert status == 0, err
    assert "is not a case id" in err and "unknown scam type 'nope'" in err  # asked again after each
    text = (project / "cases" / "2023-asked.yml").read_text(encoding="utf-8")
    assert "scam_type: credit-repair" in text
    assert "  - 2020-wuhan-hongshan-fake-service\n" in text  # no default: asked again until a source is named
    assert "is not a source" in err or "unknown source" in err


# ---------------------------------------------------------------- fanzha fmt

COMMENTED = """\
# yaml-language-server: $schema=../schema/case.schema.json
# A file-level comment.

# about loss
loss:
  outcome: lost  # how it ended
  # the total
  amount_cny: 100000
  approximate: true
summary: {en: "Ms Jiang lost over 100,000 yuan to a fake JD agent.", zh: 蒋女士被假京东客服骗走10万余元。}
# about the title
title:
  en: A fake JD agent takes over 100,000 yuan
  zh: 假京东客服骗走10万余元
victim:
  gender: female
  # how the report names her
  label: {zh: 蒋女士, en: Ms Jiang}
script:
  # the first line
  - text:
      zh: 自称京东客服来电。
      en: Calls claiming to be JD customer service.
    red_flags: [unsolicited-service-call]  # the flag
    speaker: scammer
scam_type: cancel-baitiao-jintiao
sources: [2022-jilin-changyi-campus-loan]
# the end
"""


def test_fmt_canonicalises_keys_and_keeps_comments_in_place(project, capsys):
    path = project / "cases" / "2023-commented.yml"
    path.write_text(COMMENTED, encoding="utf-8")
    before = read_document(path).data
    assert "FZ303" in run(capsys, "validate", path)[1]
    assert run(capsys, "fmt", "--check", path)[0] == 1 and path.read_text(encoding="utf-8") == COMMENTED
    assert run(capsys, "fmt", path)[0] == 0
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert sorted(comments(text)) == sorted(comments(COMMENTED))
    assert lines[:3] == ["# yaml-language-server: $schema=../schema/case.schema.json", "# A file-level comment.", ""]
    for comment, key in [("# about loss", "loss:"), ("# about the title", "title:"), ("  # the total", "  amount_cny: 100000"),
                         ("  # how the report names her", "  label:"), ("  # the first line", "  - speaker: scammer")]:
        assert lines[lines.index(comment) + 1] == key, text
    assert "  outcome: lost  # how it ended" in lines and "    red_flags:  # the flag" in lines
    assert lines[-1] == "# the end"
    keys = [line.split(":")[0] for line in lines if re.match(r"^[a-z_]+:", line)]
    assert keys == ["title", "summary", "sources", "scam_type", "victim", "script", "loss"]
    assert read_document(path).data == before  # the same meaning
    status, out, _ = run(capsys, "validate", "--strict", path)
    assert (status, out) == (0, "")
    assert run(capsys, "fmt", path)[0] == 0 and path.read_text(encoding="utf-8") == text  # idempotent


def _shuffled(value, rng):
    if isinstance(value, dict):
        items = [(k, _shuffled(v, rng)) for k, v in value.items()]
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "cases").glob("*.yml")) + [f"{v}.yml" for v in VOCABULARIES])
def test_fmt_puts_any_key_order_back_into_the_canonical_form(project, capsys, name):
    folder = "data" if name[:-4] in VOCABULARIES else "cases"
    path = project / folder / name
    canonical = path.read_text(encoding="utf-8")
    data = read_document(path).data
    shuffled = _shuffled(data, random.Random(name))
    if folder == "data":  # a vocabulary's entries keep their order; only their keys move
        shuffled = {key: shuffled[key] for key in data}
    first_line = canonical.splitlines()[0]
    path.write_text(first_line + "\n" + yaml.safe_dump(shuffled, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    assert run(capsys, "fmt", path)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert read_document(path).data == data and list(read_document(path).data) == list(data)
    keys = re.compile(r"^ *(?:- )?[a-z0-9_-]+:", re.M)
    assert keys.findall(text) == keys.findall(canonical)  # every key back at its place
    assert run(capsys, "fmt", "--check", path)[0] == 0


@settings(max_examples=120, deadline=None)
@given(st.integers(min_value=0, max_value=len(COMMENTED) - 1), st.integers(min_value=0, max_value=30),
       st.text(alphabet="#: -[]{}\n'\"ab中", max_size=6))
def test_fmt_answers_any_edit_with_the_same_data_or_a_message(start, length, insert):
    text = COMMENTED[:start] + insert + COMMENTED[start + length:]
    try:
        out = canonical_text(text, Case, "cases/2023-fuzz.yml")
    except FormatError as error:
        assert isinstance(error.args[0], int) and error.args[0] >= 1 and isinstance(error.args[2], str)
        return
    assert read_text(out, "out").data == read_text(text, "in").data
    if not set(insert) & set("#'\""):  # (those can make or unmake a comment)
        assert sorted(comments(out)) == sorted(comments(text))
    assert canonical_text(out, Case, "cases/2023-fuzz.yml") == out


def test_the_corpus_is_in_canonical_form(capsys):
    status, out, err = run(capsys, "fmt", "--check")
    assert status == 0, out


def test_fmt_reports_broken_files_and_leaves_them_alone(project, capsys):
    path = project / "cases" / "2023-broken.yml"
    broken = "title:\n  zh: 标题\n summary: [\n"
    path.write_text(broken, encoding="utf-8")
    status, out, _ = run(capsys, "fmt", path)
    assert status == 1 and re.match(r"^cases/2023-broken\.yml:\d+:\d+: FZ004 ", out), out
    assert path.read_text(encoding="utf-8") == broken
    assert run(capsys, "fmt", "cases/no-such-file.yml")[:2] == (1, "cases/no-such-file.yml:1:1: no such file or folder\n")
    assert not [p for p in (project / "cases").iterdir() if p.name.startswith(".")]  # no temporary file left behind


# ---------------------------------------------------------------- fanzha i18n


def test_every_translation_in_the_corpus_is_stamped_and_current(capsys):
    status, out, _ = run(capsys, "i18n")
    assert status == 0
    counts = coverage(ROOT)
    assert out == f"English: {counts['translated']} of {counts['total']} texts translated, 0 outdated\n"
    assert counts["total"] > 500 and counts["outdated"] == 0
    assert coverage(check_project(ROOT).corpus) == counts


def test_edited_chinese_is_reported_outdated(project, capsys):
    path = project / "cases" / f"{JILIN}.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("zh: 自称京东客服来电。", "zh: 自称京东金融客服来电。"), encoding="utf-8")
    status, out, _ = run(capsys, "i18n")
    lines = out.splitlines()
    line = next(n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "en_from" in l and n > 30)
    assert f"cases/{JILIN}.yml:{line}:7: outdated script[0].text" in lines
    assert lines[-1].endswith("texts translated, 1 outdated")
    assert coverage(project)["outdated"] == 1
    # the translator updates the English, deletes the old stamp and stamps again
    path.write_text(
        re.sub(r"(      zh: 自称京东金融客服来电。\n      en: ).*\n      en_from: \w+\n", r"\1Calls claiming to be JD Finance customer service.\n",
               path.read_text(encoding="utf-8")), encoding="utf-8")
    assert run(capsys, "i18n", "--stamp", path)[0] == 0
    assert f"en_from: {zh_hash('自称京东金融客服来电。')}" in path.read_text(encoding="utf-8")
    assert run(capsys, "i18n")[1].splitlines()[-1].endswith(" 0 outdated")


def test_missing_english_is_reported_with_its_place(project, capsys):
    path = project / "cases" / f"{JILIN}.yml"
    text = path.read_text(encoding="utf-8").replace("    en: Ms Jiang\n", "")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  label:") + 1
    first, summary = run(capsys, "i18n", path)[1].splitlines()
    assert first == f"cases/{JILIN}.yml:{line}:3: missing victim.label"
    translated, total = map(int, re.fullmatch(r"English: (\d+) of (\d+) texts translated, 0 outdated", summary).groups())
    assert translated == total - 1


def test_stamp_records_en_from_and_keeps_comments(project, capsys):
    path = project / "cases" / "2023-commented.yml"
    path.write_text(COMMENTED, encoding="utf-8")
    assert run(capsys, "fmt", path)[0] == 0
    formatted = path.read_text(encoding="utf-8")
    status, out, _ = run(capsys, "i18n", "--stamp", path)
    assert status == 0 and "stamped 4 English texts" in out
    text = path.read_text(encoding="utf-8")
    assert comments(text) == comments(formatted)
    assert f"  en_from: {zh_hash('假京东客服骗走10万余元')}\n" in text
    assert [l for l in text.splitlines() if "en_from" not in l] == formatted.splitlines()
    assert run(capsys, "validate", "--strict", path)[:2] == (0, "")
    assert run(capsys, "i18n", "--stamp", path)[1].endswith("stamped 0 English texts in 1 files\n")  # nothing left to do


def test_zh_hash_is_the_first_8_hex_digits_of_sha256_of_the_stripped_text():
    import hashlib

    assert zh_hash("  自称京东客服来电。\n") == hashlib.sha256("自称京东客服来电。".encode()).hexdigest()[:8]


# ---------------------------------------------------------------- generated docs


def test_field_reference_and_codes_in_contributing_are_current(capsys):
    status, out, _ = run(capsys, "docs", "--check")
    assert status == 0, out
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for model in [Case, *VOCABULARIES.values()]:
        assert f"#### {model.__name__}" in text
    assert "| `en_from` | 8 hex digits |" in text and "| FZ303 | warning |" in text
    assert text.index("## 中文指南") < text.index("## Contributing in English")


def test_contribute_pages_keep_front_matter_and_link_contributing():
    for lang in ("zh", "en"):
        text = (ROOT / "docs" / lang / "contribute.md").read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---")[1])
        assert set(front) == {"title", "description", "edit_path"} and front["edit_path"] == f"docs/{lang}/contribute.md"
        assert "/blob/main/CONTRIBUTING.md" in text and "make new" in text and "en_from" in text


# ---------------------------------------------------------------- editor, GitHub, pre-commit, Makefile


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z0-9-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


def test_workflows_parse_and_call_existing_make_targets():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {p.name for p in workflows} >= {"test.yml", "deploy.yml"}
    called = set()
    for path in workflows:
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
        triggers = flow.get("on", flow.get(True))  # PyYAML reads the key `on` as true
        assert triggers and flow["jobs"]
        for job in flow["jobs"].values():
            for step in job.get("steps", []):
                called |= set(re.findall(r"\bmake\s+([a-z0-9-]+)", step.get("run", "")))
    assert {"test", "site"} <= called <= makefile_targets()
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    uses = [step.get("uses", "") for job in deploy["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    test = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8"))
    assert set(test.get("on", test.get(True))) == {"pull_request", "push"}


def test_issue_forms_and_pull_request_template():
    for name in ("new-case.yml", "translation.yml"):
        form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text(encoding="utf-8"))
        assert form["name"] and form["description"] and form["body"]
        required = [item["id"] for item in form["body"] if item.get("validations", {}).get("required")]
        assert required
    case_form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "new-case.yml").read_text(encoding="utf-8"))
    ids = {item.get("id") for item in case_form["body"] if item.get("validations", {}).get("required")}
    assert {"source_url", "publisher", "date", "what_happened", "loss"} <= ids
    assert "不要在这里写任何个人信息" in case_form["body"][0]["attributes"]["value"]
    checklist = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert checklist.count("- [ ]") >= 5 and "make validate" in checklist


def test_pre_commit_runs_validate_and_fmt_check_on_cases_and_data():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    entries = " ".join(hook["entry"] for hook in hooks.values())
    assert "fanzha validate" in entries and "fanzha fmt --check" in entries
    for hook in hooks.values():
        assert hook["language"] == "system"
        pattern = re.compile(hook["files"])
        assert pattern.search(f"cases/{JILIN}.yml") and pattern.search("data/sources.yml")
        assert not pattern.search("tests/failing/FZ303/2022-jilin-example.yml")


def test_vscode_maps_every_schema_and_recommends_the_yaml_extension():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert set(mapping) == {f"./{p.relative_to(ROOT)}" for p in (ROOT / "schema").glob("*.schema.json")}
    assert "cases/*.yml" in mapping["./schema/case.schema.json"]
    for name in VOCABULARIES:
        assert mapping[f"./schema/{name}.schema.json"] == [f"data/{name}.yml"]
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_make_help_lists_the_new_targets():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in ("new", "fmt", "i18n"):
        assert re.search(rf"^  make {target} +\S", out, re.M), out


def test_serving_a_broken_case_shows_the_problem_on_the_page(project, monkeypatch):
    """make serve: a save that breaks a case keeps the last good pages, with the problem named on top of each."""
    from types import SimpleNamespace

    from fanzha import mkdocs_hooks

    monkeypatch.delenv("FANZHA_PAGES_GENERATED", raising=False)
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    config = SimpleNamespace(config_file_path=str(project / "mkdocs.yml"))
    case = project / "cases" / f"{JILIN}.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("amount_cny: 100000", "amount_cny: 10万余元"), encoding="utf-8")
    mkdocs_hooks.on_pre_build(config)  # no exception: serving goes on
    page = mkdocs_hooks.on_post_page('<html><body class="x"><p>page</p></body></html>', None, config)
    assert 'role="alert"' in page and f"cases/{JILIN}.yml:" in page and "FZ013" in page
    assert page.index('role="alert"') > page.index("<body")
    case.write_text(case.read_text(encoding="utf-8").replace("amount_cny: 10万余元", "amount_cny: 100000"), encoding="utf-8")
    mkdocs_hooks.on_pre_build(config)  # the next good save clears it
    assert mkdocs_hooks.on_post_page("<body><p>page</p></body>", None, config) == "<body><p>page</p></body>"


def test_serving_shows_an_edited_case_first_and_then_the_pages_that_list_it(project, monkeypatch):
    """make serve: after the first build a save regenerates only the changed case pages (fast); the lists and
    exports that name the case are made right after the build, and their writing triggers one more rebuild."""
    from types import SimpleNamespace

    from fanzha import mkdocs_hooks

    monkeypatch.delenv("FANZHA_PAGES_GENERATED", raising=False)
    monkeypatch.setattr(mkdocs_hooks, "_STATE", {"served": False, "cases_only": False})
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    config = SimpleNamespace(config_file_path=str(project / "mkdocs.yml"))
    mkdocs_hooks.on_pre_build(config)  # the first build makes everything
    case = project / "cases" / f"{JILIN}.yml"
    text = case.read_text(encoding="utf-8")
    title = re.search(r"^title:\n  zh: (.+)$", text, re.M).group(1)
    case.write_text(text.replace(f"  zh: {title}", f"  zh: 改过的标题{title}", 1), encoding="utf-8")
    mkdocs_hooks.on_pre_build(config)  # a save
    zh = project / "build" / "docs" / "zh"

    def naming_it() -> set[str]:  # the generated files that show the new title
        return {str(p.relative_to(zh)) for p in zh.rglob("*") if p.suffix in (".md", ".json", ".xml") and "改过的标题" in p.read_text(encoding="utf-8")}

    assert naming_it() == {f"cases/{JILIN}.md"}  # the edited page at once, nothing else yet
    assert mkdocs_hooks._STATE["cases_only"]
    mkdocs_hooks._generate_the_rest(project)  # what on_post_build starts in the background
    assert {"data/cases.json", "feed.xml", f"cases/{JILIN}.md"} < naming_it()  # and the lists that name it
    from fanzha.site import generate

    assert generate(project) == []  # all up to date: no further rebuild


def test_an_edit_reaches_the_case_page_and_every_list_page_naming_it(project):
    """List pages are made again only when a case they show changed (site.page_key): none may be left stale."""
    from fanzha.site import generate

    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    generate(project)
    zh = project / "build" / "docs" / "zh"
    lists = [zh / "cases" / "index.md", *zh.glob("lists/*.md")]
    naming = {p for p in lists if f"cases/{JILIN}/" in p.read_text(encoding="utf-8")}
    assert naming and len(naming) < len(lists)
    case = project / "cases" / f"{JILIN}.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("title:\n  zh: ", "title:\n  zh: 改过的标题", 1), encoding="utf-8")
    changed = set(generate(project))
    assert zh / "cases" / f"{JILIN}.md" in changed
    assert {p for p in lists if p in changed} == naming
    assert all("改过的标题" in p.read_text(encoding="utf-8") for p in naming)


def test_a_plain_mkdocs_build_generates_and_indexes_the_site(project):
    """`mkdocs build` without `fanzha build` (once pages were generated: MkDocs wants its docs_dir first): the
    hook regenerates the pages and indexes the site before the process ends (`make serve` indexes in the
    background)."""
    for name in ("docs", "overrides", "fanzha"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    env = {k: v for k, v in os.environ.items() if k != "FANZHA_PAGES_GENERATED"} | {"NO_MKDOCS_2_WARNING": "1"}
    assert main(["generate"]) == 0
    subprocess.run([str(Path(sys.executable).with_name("mkdocs")), "build", "-q"], cwd=project, env=env, check=True)
    assert (project / "site" / "cases" / JILIN / "index.html").exists()
    assert (project / "site" / "pagefind" / "pagefind.js").exists()


def test_make_serve_shows_a_saved_case_and_searches_the_preview(project):
    """The real `mkdocs serve --dirty` (make serve): a saved edit reaches the served page, and the preview gets
    its search index once the builds have settled."""
    import socket
    import time
    import urllib.request

    for name in ("docs", "overrides", "fanzha"):
        shutil.copytree(ROOT / name, project / name)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, project / name)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "FANZHA_PAGES_GENERATED"} | {"NO_MKDOCS_2_WARNING": "1"}
    assert main(["generate"]) == 0  # as `make serve` does, then:
    lists = [project / "build" / "docs" / "zh" / "cases" / "index.md", *(project / "build" / "docs" / "zh" / "lists").glob("all-*.md")]
    listing = next(p for p in lists if f"cases/{JILIN}/" in p.read_text(encoding="utf-8")).relative_to(project / "build" / "docs" / "zh")
    listing = str(listing).removesuffix("index.md").removesuffix(".md") + ("/" if listing.name != "index.md" else "")
    server = subprocess.Popen([str(Path(sys.executable).with_name("mkdocs")), "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/casebook/"

    def fetch(path: str) -> str | None:
        try:
            return urllib.request.urlopen(base + path, timeout=5).read().decode("utf-8")
        except OSError:
            return None

    def wait_for(check, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if check():
                return True
            time.sleep(0.2)
        return False

    try:
        assert wait_for(lambda: fetch(f"cases/{JILIN}/") is not None, 180), "make serve did not start"
        assert wait_for(lambda: fetch("pagefind/pagefind.js") is not None, 120), "the preview got no search index"
        case = project / "cases" / f"{JILIN}.yml"
        case.write_text(case.read_text(encoding="utf-8").replace("title:\n  zh: ", "title:\n  zh: 预览里的新标题", 1), encoding="utf-8")
        assert wait_for(lambda: "预览里的新标题" in (fetch(f"cases/{JILIN}/") or ""), 60)
        assert wait_for(lambda: "预览里的新标题" in (fetch(listing) or ""), 60)  # and the list that names it
        assert wait_for(lambda: fetch("pagefind/pagefind.js") is not None, 120)  # indexed again after the builds
    finally:
        server.terminate()
        server.wait()


def test_validate_and_i18n_name_the_same_line_for_a_missing_translation(project, capsys):
    case = project / "cases" / f"{JILIN}.yml"
    lines = case.read_text(encoding="utf-8").splitlines()
    start = lines.index("summary:")
    kept = lines[: start + 2] + [l for l in lines[start + 2 :] if not (l.startswith("  en") and lines.index(l) < start + 5)]
    case.write_text("\n".join(kept) + "\n", encoding="utf-8")
    _, out, _ = run(capsys, "validate", case)
    from_validate = [line.split(" FZ301")[0].rstrip(":") for line in out.splitlines() if " FZ301 " in line]
    _, out, err = run(capsys, "i18n")
    from_i18n = [line.split(": missing")[0] for line in (out + err).splitlines() if ": missing summary" in line]
    assert from_validate and from_validate == from_i18n == [f"cases/{JILIN}.yml:{start + 1}:1"]
