"""`fanzha copycheck`: texts copied from a source article are listed with their place; quotes are allowed."""

import re
from pathlib import Path

import pytest

from fanzha.cli import main
from fanzha.copycheck import Article, unquoted_parts

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"  # the five source articles, saved next to the project (never committed)
JILIN_CASE = ROOT / "cases" / "2022-jilin-campus-loan-cancel.yml"
# the article of 2022-jilin-changyi-campus-loan, and a sentence whose first 31 characters (punctuation ignored) are copied from it
JILIN_SEED = "001_*.txt"
COPIED = "不法分子通过屏幕共享获取京东登录验证码后，远程登录受害人京东账户，骗取受害人的信任。"
OWN_WORDS = "要求她打开“钉钉”APP的屏幕共享功能。"


def seed(pattern: str) -> Path:
    found = sorted(SEEDS.glob(pattern))
    if not found:
        pytest.skip(f"the seed articles are not in {SEEDS}")
    return found[0]


def run(capsys, *args):
    status = main(["copycheck", *map(str, args)])
    return status, capsys.readouterr().out


def case_with(tmp_path: Path, replacement: str) -> Path:
    text = JILIN_CASE.read_text(encoding="utf-8")
    assert OWN_WORDS in text
    case = tmp_path / "2022-jilin-copied.yml"
    case.write_text(text.replace(OWN_WORDS, replacement), encoding="utf-8")
    return case


@pytest.mark.parametrize("article", ["000_*.txt", "001_*.txt", "002_*.txt", "003_*.txt", "004_*.txt"])
def test_the_corpus_copies_nothing_from_the_seed_articles(article, capsys):
    status, out = run(capsys, seed(article))
    assert (status, out) == (0, "")


def test_a_copied_sentence_is_listed_with_its_line_and_column(tmp_path, capsys):
    case = case_with(tmp_path, COPIED)
    status, out = run(capsys, seed(JILIN_SEED), case)
    assert status == 1
    lines = JILIN_CASE.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if OWN_WORDS in text)
    col = lines[line - 1].index("zh: ") + len("zh: ") + 1
    assert re.fullmatch(rf"{re.escape(str(case))}:{line}:{col}: script\[2\]\.text “.+” shares 31 chars: «[^»]+»\n", out), out
    assert "«不法分子通过屏幕共享获取京东登录验证码后远程登录受害人京东账户»" in out  # punctuation is ignored


def test_quoted_scammer_lines_are_not_listed(tmp_path, capsys):
    case = case_with(tmp_path, f"对方说：“{COPIED}”")
    assert run(capsys, seed(JILIN_SEED), case) == (0, "")


def test_phrases_of_red_flags_are_quotes_by_definition(tmp_path, capsys):
    article = tmp_path / "article.txt"
    phrase = "由于工作人员失误，账号被开通了会员，如果不取消，每月会扣取会员费"  # a red flag's phrase, 29 characters
    article.write_text(f"报道：{phrase}。", encoding="utf-8")
    assert run(capsys, article, ROOT / "data" / "red_flags.yml") == (0, "")


def test_runs_shorter_than_twenty_characters_pass(tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text(COPIED, encoding="utf-8")
    case = case_with(tmp_path, COPIED[:19] + "，其余是我们自己的话。")
    assert run(capsys, article, case) == (0, "")
    case = case_with(tmp_path, COPIED[:21] + "，其余是我们自己的话。")
    status, out = run(capsys, article, case)
    assert status == 1 and "shares 20 chars" in out  # 21 characters, one of them a comma


def test_the_longest_run_is_measured_exactly():
    article = Article("甲乙丙丁" * 3 + "一二三四五六七八九十一二三四五六七八九十一二三四五" + "子丑寅卯")
    assert article.longest_run("开头一二三四五六七八九十一二三四五六七八九十一二三结尾") == "一二三四五六七八九十一二三四五六七八九十一二三"
    assert article.longest_run("一二三四五六七八九十一二三四五六七八九") == ""  # 19 characters
    assert unquoted_parts("他说：“不要挂电话”，然后……") == ["他说", "然后"]


def test_a_missing_article_is_a_message(capsys):
    status, out = run(capsys, "no-such-article.txt")
    assert status == 2 and "no-such-article.txt:1:1: cannot read the article" in out
