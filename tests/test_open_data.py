"""Open data and feeds, read from the built site as their users read them: the CSV in a spreadsheet's way
(csv + utf-8-sig), cases.json against the published JSON Schema, the Atom feeds with a feed reader's parser,
the page that documents every column and field, and the feed link in every page's head."""

import csv
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from fanzha import cli
from fanzha.history import History
from fanzha.model import VOCABULARIES, Case
from fanzha.opendata import COLUMNS, FEED_ENTRIES
from fanzha.site import SiteConfig

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
CONFIG = SiteConfig.read(ROOT)
CASE_FILES = {p.stem: p for p in sorted((ROOT / "cases").glob("*.yml"))}
LI_MOU = "2020-wuhan-fake-student-loan-record"
ATOM = "{http://www.w3.org/2005/Atom}"
LANGS = {"zh": SITE, "en": SITE / "en"}


def case_file(ident: str) -> dict:
    return yaml.safe_load(CASE_FILES[ident].read_text(encoding="utf-8"))


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:  # what a spreadsheet user's script does
        reader = csv.DictReader(stream)
        rows = list(reader)
    return reader.fieldnames, rows


def built_page(url: str) -> Path:
    """The built file an absolute URL of the site stands for."""
    assert url.startswith(CONFIG.site_url), url
    return SITE / url[len(CONFIG.site_url):] / "index.html"


# ---------------------------------------------------------------- cases.csv


def test_csv_opens_with_the_documented_columns_and_every_case(built_site):
    path = built_site / "data" / "cases.csv"
    assert path.read_bytes().startswith("\ufeff".encode("utf-8"))  # the BOM spreadsheets need for UTF-8
    columns, rows = read_csv(path)
    assert columns == [c.name for c in COLUMNS]
    assert [row["id"] for row in rows] == sorted(CASE_FILES)  # one row per case file, each once

    amounts = [case_file(i)["loss"].get("amount_cny") for i in CASE_FILES]
    assert sum(int(row["loss_cny"]) for row in rows if row["loss_cny"]) == sum(a for a in amounts if a is not None)
    assert sum(1 for row in rows if row["outcome"] == "averted") == sum(
        1 for i in CASE_FILES if case_file(i)["loss"]["outcome"] == "averted")

    row = next(r for r in rows if r["id"] == LI_MOU)
    source = case_file(LI_MOU)
    assert row["title_zh"] == source["title"]["zh"] and row["title_en"] == source["title"]["en"]
    assert row["platforms"].split(";") == source["platforms"]
    assert row["red_flags"].split(";") == [f["flag"] for f in source["red_flags"]]
    assert row["loss_cny"] == "84077" and row["outcome"] == source["loss"]["outcome"]
    for lang in ("zh", "en"):
        assert row[f"url_{lang}"] == CONFIG.page_url(lang, f"cases/{LI_MOU}.md")
        assert built_page(row[f"url_{lang}"]).exists()


# ---------------------------------------------------------------- cases.json


def test_cases_json_follows_the_published_schemas_and_resolves_every_id(built_site):
    jsonschema = pytest.importorskip("jsonschema")
    text = (built_site / "data" / "cases.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["licence"]["id"] == "CC-BY-4.0"
    assert data["generated_from"] is None or re.fullmatch(r"[0-9a-f]{40}", data["generated_from"])
    assert '"en_from"' not in text  # translators' stamps are left out
    schema_dir = built_site / "data" / "schema"
    assert sorted(p.name for p in schema_dir.iterdir()) == sorted(p.name for p in (ROOT / "schema").glob("*.schema.json"))

    case_schema = json.loads((built_site / "data" / data["case_schema"]).read_text(encoding="utf-8"))
    check = jsonschema.Draft202012Validator(case_schema)
    assert [c["id"] for c in data["cases"]] == sorted(CASE_FILES)
    vocab = data["vocabularies"]
    for record in data["cases"]:
        case = {key: value for key, value in record.items() if key not in ("id", "url")}
        assert [e.message for e in check.iter_errors(case)] == [], record["id"]
        assert Case.model_validate(case).title.zh == case_file(record["id"])["title"]["zh"]
        assert record["url"] == CONFIG.case_urls(record["id"])
        assert case["scam_type"] in vocab["scam_types"]
        for field, vocabulary in (("platforms", "platforms"), ("channels", "channels"), ("sources", "sources"), ("advice", "advice")):
            assert set(case[field]) <= set(vocab[vocabulary]), (record["id"], field)
        assert {f["flag"] for f in case["red_flags"]} <= set(vocab["red_flags"])
    assert list(vocab) == list(VOCABULARIES)
    for name, entries in vocab.items():
        schema = json.loads((schema_dir / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(entries)] == [], name
        assert sorted(entries) == sorted(yaml.safe_load((ROOT / "data" / f"{name}.yml").read_text(encoding="utf-8")))


def test_export_writes_the_files_the_site_publishes(built_site, tmp_path):
    out = tmp_path / "export"
    assert cli.main(["export", "--out", str(out)]) == 0
    published = built_site / "data"
    for name in ("cases.json", "cases.csv", "schema/case.schema.json", "schema/sources.schema.json"):
        assert (out / name).read_bytes() == (published / name).read_bytes(), name


def test_export_of_a_broken_corpus_writes_nothing(tmp_path, monkeypatch, capsys):
    for name in ("cases", "data", "schema"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    broken = tmp_path / "cases" / f"{LI_MOU}.yml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("scam_type: ", "scam_type: no-such-type-", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "--out", "out"]) == 1
    assert f"cases/{LI_MOU}.yml" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the page


def section(html: str, anchor: str) -> str:
    """The HTML from the heading with this id to the next heading of the same level."""
    match = re.search(rf'<h([1-6]) id="{anchor}">', html)
    assert match, anchor
    rest = html[match.end():]
    end = re.search(rf"<h[1-{match.group(1)}][ >]", rest)
    return rest[: end.start() if end else len(rest)]


@pytest.mark.parametrize("lang", LANGS)
def test_open_data_page_documents_every_column_and_field(built_site, lang):
    html = (LANGS[lang] / "open-data" / "index.html").read_text(encoding="utf-8")
    documented = re.findall(r"<tr>\s*<td><code>([a-z_]+)</code></td>", section(html, "columns"))
    assert documented == [c.name for c in COLUMNS]
    case_fields = re.findall(r"<tr>\s*<td><code>([a-z_]+)</code></td>", section(html, "case"))
    assert case_fields == list(Case.model_fields)
    files = section(html, "files")
    for name in ("cases.json", "cases.csv", "schema/case.schema.json"):
        href = f"{CONFIG.base_path}data/{name}"
        assert f'href="{href}"' in files and (SITE / "data" / name).exists()  # one copy, which both languages link
    assert f'href="{CONFIG.base_path}{"en/" if lang == "en" else ""}feed.xml"' in files
    licence = section(html, "licence")
    assert "CC BY 4.0" in licence and f'href="{CONFIG.repo_url}/blob/main/LICENSE-DATA"' in licence
    assert (ROOT / "LICENSE-DATA").exists() and "CC BY 4.0" in (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_navigation_and_cases_index_link_the_open_data_and_the_feed(built_site, lang):
    home = LANGS[lang] / "index.html"
    tabs = re.search(r'<nav class="md-tabs".*?</nav>', home.read_text(encoding="utf-8"), re.S).group()
    assert 'href="open-data/"' in tabs
    index = (LANGS[lang] / "cases" / "index.html").read_text(encoding="utf-8")
    article = index[index.index('<article'):]
    assert 'href="../feed.xml"' in article and 'href="../open-data/"' in article


# ---------------------------------------------------------------- feeds


def atom_feed(lang: str) -> ET.Element:
    return ET.fromstring((LANGS[lang] / "feed.xml").read_bytes())


@pytest.mark.parametrize("lang", LANGS)
def test_feed_is_valid_atom_and_lists_each_case_once(built_site, lang):
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse((LANGS[lang] / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"

    # RFC 4287: a feed has exactly one id, title and updated, and an author (here the feed's, for every entry)
    feed = atom_feed(lang)
    site = CONFIG.page_url(lang, "index.md")
    for name in ("id", "title", "updated", "author"):
        assert len(feed.findall(ATOM + name)) == 1, name
    links = {link.get("rel"): link.get("href") for link in feed.findall(ATOM + "link")}
    assert links == {"self": site + "feed.xml", "alternate": CONFIG.page_url(lang, "cases/index.md")}
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")  # RFC 3339
    named = []
    for entry in feed.findall(ATOM + "entry"):
        for name in ("id", "title", "updated", "published", "summary"):
            assert len(entry.findall(ATOM + name)) == 1, name
        assert stamp.match(entry.findtext(ATOM + "updated")) and stamp.match(entry.findtext(ATOM + "published"))
        url = entry.find(ATOM + "link").get("href")
        assert url.startswith(site) and built_page(url).exists(), url  # the case's page in the feed's language
        assert entry.findtext(ATOM + "id") == url
        assert entry.find(ATOM + "category").get("term") == case_file(url.rstrip("/").rsplit("/", 1)[1])["scam_type"]
        named.append(url.rstrip("/").rsplit("/", 1)[1])
    assert len(CASE_FILES) <= FEED_ENTRIES  # a larger casebook's feed holds the newest FEED_ENTRIES
    assert sorted(named) == sorted(CASE_FILES)

    entries = {e.link.rstrip("/").rsplit("/", 1)[1]: e for e in parsed.entries}
    assert entries[LI_MOU].summary == case_file(LI_MOU)["summary"][lang]
    updated = [e.updated_parsed for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    assert all(e.published_parsed <= e.updated_parsed for e in parsed.entries)
    assert parsed.feed.updated_parsed == updated[0]


def git_time(*args: str) -> int | None:
    out = subprocess.run(["git", "log", *args, "--format=%ct", "--", f"cases/{LI_MOU}.yml"], cwd=ROOT,
                         capture_output=True, text=True).stdout.split()
    return int(out[-1]) if out else None


def test_feed_dates_come_from_the_repository_history(built_site):
    added, changed = git_time("--diff-filter=A"), git_time("-1")
    if added is None:
        pytest.skip("not a git checkout with history")
    entry = next(e for e in atom_feed("zh").findall(ATOM + "entry") if f"/cases/{LI_MOU}/" in e.findtext(ATOM + "id"))
    import datetime

    def epoch(text: str) -> int:
        return int(datetime.datetime.fromisoformat(text).timestamp())

    assert epoch(entry.findtext(ATOM + "published")) == added
    assert epoch(entry.findtext(ATOM + "updated")) == changed


def git(folder: Path, *args: str, when: int | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE=f"@{when} +0000", GIT_COMMITTER_DATE=f"@{when} +0000") if when else None
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=folder, check=True,
                   capture_output=True, env=env)


def test_history_reads_added_and_changed_in_one_pass_and_falls_back_to_the_build_date(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = tmp_path / "repo"
    cases = repo / "cases"
    cases.mkdir(parents=True)
    git(repo, "init", "-q")
    (cases / "a.yml").write_text("1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a", when=1_600_000_000)
    (cases / "a.yml").write_text("2\n")
    (cases / "b.yml").write_text("1\n")
    (repo / "other.txt").write_text("not a case\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a changed, b added", when=1_700_000_000)
    (repo / "other.txt").write_text("changed\n")
    git(repo, "commit", "-qam", "no case changed", when=1_750_000_000)
    (cases / "c.yml").write_text("not committed yet\n")
    history = History.read(repo)
    assert history.added == {"a": 1_600_000_000, "b": 1_700_000_000}
    assert history.changed == {"a": 1_700_000_000, "b": 1_700_000_000}
    assert history.epoch == 1_750_000_000  # the last commit: the date an uncommitted case takes
    case = Case.model_validate(case_file(LI_MOU))
    assert [d.timestamp() for d in history.dates("c", case, {})] == [1_750_000_000, 1_750_000_000]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    assert History.read(repo).dates("c", case, {})[1].timestamp() == 1_760_000_000
    # no repository at all: the build date, else the newest publication date of the case's sources
    plain = tmp_path / "copy"
    plain.mkdir()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    from fanzha.checks import check_project

    sources = check_project(ROOT).corpus.vocab["sources"]
    published, updated = History.read(plain).dates(LI_MOU, case, sources)
    newest = max(sources[s].date for s in case.sources)
    assert published == updated and updated.date().isoformat().startswith(newest)


# ---------------------------------------------------------------- every page names its feed


def test_every_page_names_its_languages_feed_in_the_head(built_site):
    pages = [p for p in built_site.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        hrefs = re.findall(r'<link rel="alternate feed" type="application/atom\+xml" title="[^"]+" href="([^"]+)"', head)
        assert len(hrefs) == 1, page
        href = hrefs[0]
        target = SITE / href[len(CONFIG.base_path):] if href.startswith("/") else page.parent / href
        lang = "en" if page.relative_to(SITE).parts[0] == "en" else "zh"
        assert target.resolve() == (LANGS[lang] / "feed.xml").resolve(), (page, href)
