"""The "Is this a scam?" checker and the self-check, in a real browser on the built site, and the phrase
notation they share with the validator (fanzha/checker.py)."""

from pathlib import Path

import pytest
import yaml

from fanzha import checker
from fanzha.checks import check_project

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
ORDINARY = yaml.safe_load((ROOT / "tests" / "ordinary_messages.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus():
    return check_project(ROOT).corpus


def scammer_lines(corpus, lang):
    lines = [t.text for case in corpus.cases.values() for t in case.script if t.speaker.value == "scammer"]
    lines += [t.text for st in corpus.vocab["scam_types"].values() for sc in st.typical_scripts for t in sc.turns
              if t.speaker.value == "scammer"]
    return sorted({getattr(text, lang) for text in lines if getattr(text, lang)})


# ---------------------------------------------------------------- the notation


def test_a_phrase_allows_alternatives_gaps_width_case_and_traditional_characters():
    phrases = ["注销/取消/关闭 白条/金条", "share/sharing screen"]
    table = checker.variant_table(phrases)
    for text in ["请您取消一下京东白条", "要注銷您的京東金條", "請註銷您的白條", "关闭 白 条！", "ＳＨＡＲＥ your SCREEN, please"]:
        assert checker.first_match(text, phrases, table), text
    for text in ["白条已还清，注销账户", "取消订单", "screen share"]:  # wrong order, or only one word
        assert checker.first_match(text, phrases, table) is None, text


@pytest.mark.parametrize("phrase, message", [
    ("注销//白条", "empty alternative"),
    ("a", "shorter than two characters"),
    ("！！ 。。", "empty alternative"),
    ("一 二 三 四 五 六 七", "at most 6"),
])
def test_a_phrase_that_cannot_work_is_refused_with_how_to_write_it(phrase, message):
    with pytest.raises(checker.PhraseError, match=message):
        checker.words(phrase)


def test_no_ordinary_message_matches_any_phrase(corpus):
    phrases = {ident: list(flag.checker_phrases) for ident, flag in corpus.vocab["red_flags"].items()}
    table = checker.variant_table([p for ps in phrases.values() for p in ps])
    alarms = [(text, ident, hit) for text in ORDINARY["zh"] + ORDINARY["en"] for ident, ps in phrases.items()
              if (hit := checker.first_match(text, ps, table))]
    assert alarms == []


# ---------------------------------------------------------------- the checker page in a browser

CHECK_ALL = """lines => {
  const form = document.getElementById("fz-checker"), missed = [];
  for (const line of lines) {
    form.elements.text.value = line;
    form.requestSubmit();
    if (!document.querySelector("#fz-checker-result .fz-verdict.danger")) missed.push(line);
  }
  return missed;
}"""


@pytest.mark.parametrize("lang, prefix", [("zh", ""), ("en", "/en")])
def test_every_scammer_line_is_flagged_and_no_ordinary_message_is(page, server, corpus, lang, prefix):
    page.goto(f"{server}{prefix}/check/")
    lines = scammer_lines(corpus, lang)
    assert len(lines) > 100
    assert page.evaluate(CHECK_ALL, lines) == []
    flagged = page.evaluate("""lines => lines.filter(line => {
      const form = document.getElementById("fz-checker");
      form.elements.text.value = line; form.requestSubmit();
      return !document.querySelector("#fz-checker-result .fz-verdict.note");
    })""", ORDINARY["zh"] + ORDINARY["en"])
    assert flagged == []


def test_keyboard_only_check_marks_the_words_and_explains_them(page, server):
    page.goto(f"{server}/check/", wait_until="networkidle")  # the page and its icon: everything loading asks for
    loaded = len(page.requests)
    page.focus("#fz-checker-text")
    page.keyboard.type("您好，我是京东金融客服，您的白条要注销，请下载会议软件开启屏幕共享。")
    page.keyboard.press("Tab")  # to the Check button
    page.keyboard.press("Enter")
    verdict = page.locator("#fz-checker-result .fz-verdict")
    assert "danger" in verdict.get_attribute("class")
    assert page.evaluate("document.activeElement.classList.contains('fz-verdict')")  # focus moves to the result
    marks = page.locator("#fz-checker-result mark").all_inner_texts()
    assert any("屏幕共享" in m for m in marks)
    findings = page.locator(".fz-findings > li")
    assert findings.count() >= 2
    text = page.inner_text("#fz-checker-result")
    assert "屏幕共享" in text and "怎么办" in text
    assert page.locator(".fz-findings h3 a[href*='/casebook/red-flags/#screen-sharing']").count() == 1
    assert page.locator(".fz-findings a[href*='/casebook/cases/']").count() >= 1
    assert page.locator(".fz-findings a[href*='/casebook/never-say/']").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "checker-zh-375.png"), full_page=True)
    assert page.requests[loaded:] == [], "the check sent a request"
    assert all(url.startswith(server.split("/casebook")[0]) for url in page.requests)


def test_a_number_from_the_sources_is_recognised_and_caller_id_explained(page, server, corpus):
    spoofed = next(n for p in corpus.vocab["platforms"].values() for n in p.spoofed_numbers)
    page.goto(f"{server}/en/check/")
    page.fill("#fz-checker-text", f"The call came from {spoofed.replace('-', ' ')}")
    page.click("#fz-checker button[type=submit]")
    numbers = page.inner_text(".fz-numbers")
    assert spoofed in numbers and "Caller ID can be faked" in numbers
    # with nothing known in it the page never says "safe": it says so and gives the checks
    page.fill("#fz-checker-text", "Hello, how are you?")
    page.click("#fz-checker button[type=submit]")
    verdict = page.inner_text(".fz-verdict")
    assert "does not mean the caller is genuine" in verdict and "safe" not in verdict.lower()
    assert page.locator("ol.fz-always li").count() == 3
    page.screenshot(path=str(ARTIFACTS / "checker-en-375.png"), full_page=True)


def test_the_page_says_nothing_leaves_the_device_and_works_offline(page, server):
    page.goto(f"{server}/check/")
    assert "不会发送到任何地方" in page.inner_text(".fz-private")
    page.context.set_offline(True)
    page.fill("#fz-checker-text", "请把钱转到安全账户")
    page.click("#fz-checker button[type=submit]")
    assert page.locator("#fz-checker-result .fz-verdict").count() == 1
    page.context.set_offline(False)


# ---------------------------------------------------------------- the self-check


@pytest.mark.parametrize("prefix, result_word", [("", "没有出现"), ("/en", "None of the warning signs")])
def test_the_self_check_reaches_its_end_in_both_languages(page, server, prefix, result_word):
    page.goto(f"{server}{prefix}/self-check/")
    questions = page.locator("fieldset.fz-question")
    total = questions.count()
    assert total >= 5
    assert page.locator("fieldset.fz-question:visible").count() == 1  # one question at a time
    assert not page.locator("#fz-self-check-result").is_visible()
    for i in range(total):
        questions.nth(i).locator("input[value=no]").check()  # keyboard and pointer both toggle the radio
    result = page.locator("#fz-self-check-result")
    assert result.is_visible()
    assert result_word in result.inner_text()
    assert page.locator("[data-result=yes]").is_hidden()
    page.screenshot(path=str(ARTIFACTS / f"self-check{prefix.replace('/', '-') or '-zh'}-375.png"), full_page=True)
    # one "yes" and the advice for it shows at once, with the numbers to call
    questions.nth(1).locator("input[value=yes]").check()
    assert page.locator("[data-result=yes]").is_visible()
    flag = questions.nth(1).get_attribute("data-flag")
    assert page.locator(f'[data-answer-for="{flag}"]').is_visible()
    assert "110" in page.inner_text("[data-result=yes]")
