"""The statistics page: its figures are the corpus's sums (counted here again, independently of fanzha/views.py),
every chart draws the numbers of the table beside it and has an accessible name, and a phone shows it whole."""

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browsing import PHONE, phone_screenshot
from fanzha.checks import check_project

ROOT = Path(__file__).resolve().parent.parent
LANGS = {"zh": "", "en": "en/"}


VOID = {"input", "img", "meta", "link", "br", "hr", "source", "rect", "path"}  # elements without an end tag


class StatsPage(HTMLParser):
    """The tables (caption, rows of cell texts, links of the first cells) and the SVG charts of a page; each chart
    with the table that follows it in the same box, its rows' texts and bar widths, and the ids' texts."""

    def __init__(self, text: str):
        super().__init__()
        self.tables, self.charts, self.ids = [], [], {}
        self._table = self._row = self._cell = self._chart = self._svg_row = None
        self._text_target, self._depth_g, self._open_ids, self._head = None, 0, [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs and tag not in VOID:
            self._open_ids.append([attrs["id"], tag, ""])
        if tag == "div" and attrs.get("class") == "fz-chart":
            self._chart = {"rows": [], "table": None}
            self.charts.append(self._chart)
        elif tag == "svg" and self._chart is not None:
            self._chart["svg"] = attrs
        elif tag == "g" and self._chart is not None:
            self._depth_g += 1
            if self._depth_g == 1:
                self._svg_row = {"label": "", "values": [], "bars": []}
                self._chart["rows"].append(self._svg_row)
        elif tag == "rect" and self._svg_row is not None:
            self._svg_row["bars"].append(float(attrs["width"]))
        elif tag == "text" and self._svg_row is not None:
            self._text_target = "values" if self._depth_g == 2 else "label"
            if self._text_target == "values":
                self._svg_row["values"].append("")
        elif tag == "table":
            self._table = {"caption": "", "rows": [], "links": []}
            self.tables.append(self._table)
            if self._chart is not None:
                self._chart["table"] = self._table
        elif tag == "caption":
            self._cell = "caption"
        elif tag == "thead":
            self._head = True
        elif tag == "tr":
            self._row = []
            if not self._head:  # body rows only
                self._table["rows"].append(self._row)
        elif tag in ("th", "td"):
            self._row.append("")
            self._cell = "cell"
        elif tag == "a" and self._cell == "cell" and len(self._row) == 1:
            self._table["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if self._open_ids and self._open_ids[-1][1] == tag:
            ident, _, text = self._open_ids.pop()
            self.ids[ident] = text.strip()
        if tag == "g":
            self._depth_g -= 1
            if self._depth_g == 0:
                self._svg_row = None
        elif tag == "text":
            self._text_target = None
        elif tag in ("caption", "th", "td"):
            self._cell = None
        elif tag == "thead":
            self._head = False
        elif tag == "table":
            self._table = None
        elif tag == "div" and self._chart is not None and self._chart.get("table") is not None:
            self._chart = None

    def handle_data(self, data):
        for entry in self._open_ids:
            entry[2] += data
        if self._text_target == "values":
            self._svg_row["values"][-1] += data
        elif self._text_target == "label":
            self._svg_row["label"] += data
        elif self._cell == "caption":
            self._table["caption"] += data
        elif self._cell == "cell":
            self._row[-1] += data

    def table(self, caption: str) -> dict:
        return next(t for t in self.tables if t["caption"] == caption)


@pytest.fixture(scope="module")
def corpus():
    return check_project(ROOT).corpus


@pytest.fixture(scope="module")
def strings():
    from fanzha.site import read_strings

    return read_strings(ROOT)


def stats_page(site: Path, lang: str) -> StatsPage:
    return StatsPage((site / LANGS[lang] / "stats" / "index.html").read_text(encoding="utf-8"))


def amount(text: str, not_reported: str) -> int | None:
    """¥1,998,000 / 1,998,000 元 → 1998000; the not-reported label → None."""
    if text.strip() == not_reported:
        return None
    digits = re.sub(r"[^\d]", "", text)
    assert digits, text
    return int(digits)


def rows_by_label(table: dict) -> dict[str, list[str]]:
    return {row[0].strip(): row[1:] for row in table["rows"]}


def median(values: list[int]) -> int:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else round((values[middle - 1] + values[middle]) / 2)


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_equal_the_corpus_sums(built_site, corpus, strings, lang):
    s = {key: value[lang] for key, value in strings.items()}
    cases = corpus.cases.values()
    amounts = [c.loss.amount_cny for c in cases if c.loss.amount_cny is not None]
    lost = [c.loss.amount_cny for c in cases if c.loss.amount_cny is not None and c.loss.outcome.value != "averted"]
    figures = rows_by_label(stats_page(built_site, lang).table(s["stats_key_figures"]))
    assert int(figures[s["stats_cases"]][0]) == len(corpus.cases) == len(list((ROOT / "cases").glob("*.yml")))
    assert amount(figures[s["stats_total_loss"]][0], s["not_reported"]) == sum(amounts)
    assert int(figures[s["stats_with_amount"]][0]) == len(amounts)
    median_row = next(label for label in figures if label.startswith(s["stats_median_loss"]))
    assert amount(figures[median_row][0], s["not_reported"]) == median(lost)
    assert str(len(lost)) in median_row  # it says how many cases the median is taken over


@pytest.mark.parametrize("lang", LANGS)
def test_counts_by_scam_type_outcome_and_year_equal_the_corpus(built_site, corpus, strings, lang):
    s = {key: value[lang] for key, value in strings.items()}
    cases = corpus.cases.values()
    page = stats_page(built_site, lang)
    name = lambda text: getattr(text, lang)  # noqa: E731 (every name is translated)

    by_type = rows_by_label(page.table(s["stats_by_scam_type"]))
    types = corpus.vocab["scam_types"]
    assert {label: int(cells[0]) for label, cells in by_type.items()} == {
        name(types[t].name): n for t, n in Counter(c.scam_type for c in cases).items()
    } | {name(st.name): 0 for t, st in types.items() if t not in {c.scam_type for c in cases}}
    for ident, scam_type in types.items():
        expected = sum(c.loss.amount_cny or 0 for c in cases if c.scam_type == ident)
        reported = amount(by_type[name(scam_type.name)][1], s["not_reported"])
        assert reported == (expected if any(c.loss.amount_cny is not None for c in cases if c.scam_type == ident) else None)

    by_outcome = rows_by_label(page.table(s["stats_by_outcome"]))
    averted = sum(1 for c in cases if c.loss.outcome.value == "averted")
    assert averted > 0 and int(by_outcome[s["outcome_averted"]][0]) == averted
    assert int(by_outcome[s["outcome_lost"]][0]) == sum(1 for c in cases if c.loss.outcome.value == "lost")

    by_year = rows_by_label(page.table(s["stats_by_year"]))
    sources = check_project(ROOT).corpus.vocab["sources"]  # the year a case was first reported
    years = Counter(min((sources[i].date[:4] for i in c.sources if sources[i].date), default=s["stats_not_reported"]) for c in cases)
    assert {label: int(cells[0]) for label, cells in by_year.items()} == dict(years)


@pytest.mark.parametrize("lang", LANGS)
def test_groups_where_a_case_counts_once_add_up_to_the_totals(built_site, corpus, strings, lang):
    s = {key: value[lang] for key, value in strings.items()}
    cases = corpus.cases.values()
    total = sum(c.loss.amount_cny or 0 for c in cases)
    page = stats_page(built_site, lang)
    for group in ("scam_type", "outcome", "year", "student", "gender", "age"):
        rows = rows_by_label(page.table(s[f"stats_by_{group}"])).values()
        assert sum(int(cells[0]) for cells in rows) == len(corpus.cases), group
        assert sum(amount(cells[1], s["not_reported"]) or 0 for cells in rows) == total, group
    # platforms: a case counts once for each it names, and those naming none are "not reported"
    platforms = rows_by_label(page.table(s["stats_by_platform"]))
    assert sum(int(cells[0]) for cells in platforms.values()) == sum(len(c.platforms) or 1 for c in cases)
    jd = getattr(corpus.vocab["platforms"]["jd-finance"].name, lang)
    assert int(platforms[jd][0]) == sum(1 for c in cases if "jd-finance" in c.platforms)


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_draws_the_numbers_of_its_table_and_has_a_name(built_site, strings, lang):
    s = {key: value[lang] for key, value in strings.items()}
    page = stats_page(built_site, lang)
    assert len(page.charts) == 8  # type, platform, channel, outcome, year, student, gender, age
    for chart in page.charts:
        svg, table = chart["svg"], chart["table"]
        assert svg["role"] == "img" and "viewbox" in svg and "width" not in svg  # scales to its column
        names = [page.ids.get(ident, "") for ident in svg["aria-labelledby"].split()]
        assert all(names) and names[0] == table["caption"]
        assert page.ids[svg["aria-describedby"]]  # the summary sentence
        rows = table["rows"]
        assert len(chart["rows"]) == len(rows) > 0
        counts = [int(row[1]) for row in rows]
        for drawn, row in zip(chart["rows"], rows):
            assert drawn["values"] == [row[1], row[2]]  # cases and reported loss, as in the table
            assert re.sub(r"\s", "", row[0]).startswith(re.sub(r"\s", "", drawn["label"]).rstrip("…"))  # maybe cut short
        # the bars' lengths are in proportion to the table's counts and losses
        longest = max(drawn["bars"][0] for drawn in chart["rows"])
        for drawn, count in zip(chart["rows"], counts):
            assert drawn["bars"][0] == pytest.approx(longest * count / max(counts), abs=0.1)
        losses = [amount(row[2], s["not_reported"]) or 0 for row in rows]
        longest = max(drawn["bars"][1] for drawn in chart["rows"])
        for drawn, loss in zip(chart["rows"], losses):
            assert drawn["bars"][1] == pytest.approx(longest * loss / max(max(losses), 1), abs=0.1)


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_says_what_it_counts_and_quotes_official_figures_with_sources(built_site, corpus, strings, lang):
    s = {key: value[lang] for key, value in strings.items()}
    text = (built_site / LANGS[lang] / "stats" / "index.html").read_text(encoding="utf-8")
    article = text.split('<h1 id="', 1)[1]
    assert article.index(s["stats_scope"].replace('"', "&#34;")) < article.index("<svg")  # on top
    official = article.split('id="official"', 1)[1]
    fact = corpus.vocab["facts"]["hongshan-shopping-fraud-45-percent"]
    assert "45%" in getattr(fact.text, lang) and getattr(fact.text, lang).replace('"', "&#34;") in official
    assert f'href="/casebook/{LANGS[lang]}about/#{fact.source}"' in official
    assert getattr(corpus.vocab["facts"]["jd-finance-never-offered-campus-loans"].text, lang) not in official  # no figure


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_and_navigation_link_to_the_statistics(built_site, lang):
    home = (built_site / LANGS[lang] / "index.html").read_text(encoding="utf-8")
    article = home.split('<article', 1)[1]
    assert re.search(r'<a href="stats/">', article), "the home page's figures link to the statistics page"
    assert re.search(r'<a href="stats/" class="md-tabs__link">', home), "the navigation tabs list it"
    handouts = (built_site / LANGS[lang] / "handouts" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="\.\./stats/" class="md-nav__link">', handouts)


@pytest.mark.parametrize("lang", LANGS)
def test_statistics_on_a_phone(page, server, lang):
    page.goto(f"{server}/{LANGS[lang]}stats/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    charts = page.locator("svg.fz-chart__svg")
    assert charts.count() == 8
    box = charts.first.bounding_box()
    assert box is not None and 300 <= box["width"] <= PHONE["width"]  # the chart fills the column, no wider
    outside = [url for url in page.requests if not url.startswith(server) and not url.startswith("data:")]
    assert outside == []
    assert phone_screenshot(page, f"stats-{lang}").stat().st_size > 10_000


def test_printed_charts_are_black_on_white(page, server):
    """Print: the bars turn black and grey (legible when photocopied); the text stays black."""
    page.goto(f"{server}/stats/")
    page.emulate_media(media="print")
    colours = page.evaluate("""() => {
        const svg = document.querySelector('svg.fz-chart__svg');
        return [getComputedStyle(svg.querySelector('.fz-bar')).fill, getComputedStyle(svg.querySelector('.fz-bar--loss')).fill,
                getComputedStyle(svg.querySelector('text')).fill];
    }""")
    assert colours == ["rgb(0, 0, 0)", "rgb(119, 119, 119)", "rgb(0, 0, 0)"]
