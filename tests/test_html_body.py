"""The MkDocs hook's fast path (fanzha/html_body.py) gives exactly the HTML, headings and table of contents that
Python-Markdown gives for the same generated page; the Zensical build and any hook-less builder use the latter."""

import re
from pathlib import Path

import markdown
import pytest
import yaml

from fanzha import html_body

ROOT = Path(__file__).resolve().parent.parent


def python_markdown(text: str):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))  # the extensions MkDocs uses
    names, settings = [], {}
    for item in config["markdown_extensions"]:
        name, options = (next(iter(item.items())) if isinstance(item, dict) else (item, {}))
        names.append(name)
        settings[name] = options or {}
    md = markdown.Markdown(extensions=names, extension_configs=settings)
    return md.convert(text), md.toc_tokens


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n", 2)[2]


def same_html(a: str) -> str:
    return re.sub(r"\n+", "\n", a).strip()


@pytest.fixture(scope="module")
def generated():
    from fanzha.site import generate

    generate(ROOT)
    pages = sorted(p for p in (ROOT / "build" / "docs").rglob("*.md") if "\nbody: html\n" in p.read_text(encoding="utf-8").split("\n---\n")[0] + "\n")
    assert len(pages) >= 2 * len(list((ROOT / "cases").glob("*.yml"))), "every case page, in both languages, is marked body: html"
    return pages


def test_every_html_body_page_converts_to_what_markdown_makes(generated):
    """Case pages, the statistics page (its inline SVG charts included), the checker and the self-check."""
    assert {"stats.md", "check.md", "self-check.md"} == {p.name for p in generated if p.parent.name in ("zh", "en")}
    for path in generated:
        text = body(path)
        fast = html_body.convert(text)
        assert fast is not None, f"{path}: the fast path declined a generated case page"
        html, tokens = python_markdown(text)
        assert same_html(fast.html) == same_html(html), path
        assert fast.toc_tokens == tokens, path
        if path.parent.name == "cases":
            assert {"profile", "red-flags", "sources"} <= fast.anchor_ids


def test_headings_with_escaped_text_and_attributes():
    text = '# A &amp; B 2024\n\n<p>x</p>\n\n## Where {: #where data-pagefind-ignore="all" }\n\n<div class="a">\n<p>y</p>\n</div>\n\n### Sub\n'
    fast = html_body.convert(text)
    html, tokens = python_markdown(text)
    assert same_html(fast.html) == same_html(html)
    assert fast.toc_tokens == tokens
    assert fast.toc_tokens[0]["children"][0]["children"][0]["name"] == "Sub"


@pytest.mark.parametrize("text", [
    "# Title\n\nA Markdown paragraph.\n",  # not HTML: Markdown's job
    "# Title\n\n- a list\n",
    "# *Emphasis* in a heading\n",
    "# Title {: .class }\n",
    "# Title\n<p>no blank line</p>\n",
    "# Title\n\n<span>inline tag</span>\n",
])
def test_anything_else_goes_to_markdown(text):
    assert html_body.convert(text) is None


def test_the_built_case_page_has_its_table_of_contents(built_site):
    """MkDocs with the hook: the case page's sidebar lists its sections and the headings keep their ids."""
    page = next((built_site / "cases").glob("*/index.html")).read_text(encoding="utf-8")
    assert re.search(r'<h2 id="red-flags">', page)
    assert re.search(r'<a href="#red-flags" class="md-nav__link">', page)
