"""The fast path for generated pages whose body is only headings and raw HTML (front matter `body: html`).

Python-Markdown would parse every HTML block of such a page with its HTML parser, only to hand it back
unchanged: at 1000 cases that was half of MkDocs' build time. The MkDocs hook gives these pages the HTML
this module makes instead, with the same heading ids (Python-Markdown's own slugify), table of contents and
anchors. Anything it does not recognise makes it decline (None) and the page goes through Markdown as
before; builders without hooks (Zensical) convert the same file with Markdown. A test compares both paths
on every generated page.
"""

from __future__ import annotations

import re
from html import unescape

from markdown.extensions.toc import slugify, unique
from markdown.util import BLOCK_LEVEL_ELEMENTS

HEADING = re.compile(r"#{1,6} (.+?)(?: \{: (.*?) ?\})?")
ATTRIBUTE = re.compile(r'#([\w-]+)|([\w-]+)="([^"]*)"')
ID = re.compile(r'\bid="([^"]+)"')
TAG = re.compile(r"<([a-z][a-z0-9]*)[\s>]")


class Body:
    def __init__(self, html: str, toc_tokens: list[dict], anchor_ids: set[str]) -> None:
        self.html, self.toc_tokens, self.anchor_ids = html, toc_tokens, anchor_ids


def heading(line: str, used: set[str]) -> tuple[str, dict] | None:
    match = HEADING.fullmatch(line)
    if not match:
        return None
    level = len(line) - len(line.lstrip("#"))
    text, attributes = match.group(1), match.group(2) or ""
    given: dict[str, str] = {}
    rest = ATTRIBUTE.sub(lambda m: given.update({"id": m.group(1)} if m.group(1) else {m.group(2): m.group(3)}) or "", attributes)
    if rest.strip() or text.endswith("#") or any(c in text for c in "<*_`[]\\"):  # classes, inline Markdown: not ours
        return None
    name = unescape(text)
    anchor = given.pop("id", None) or unique(slugify(name, "-"), used)
    used.add(anchor)
    # attr_list's order: the given attributes, then the id
    attributes_html = "".join(f' {key}="{value}"' for key, value in given.items())
    token = {"level": level, "id": anchor, "name": text, "html": text, "data-toc-label": "", "children": []}
    return f'<h{level}{attributes_html} id="{anchor}">{text}</h{level}>', token


def nest(tokens: list[dict]) -> list[dict]:
    """Flat headings → the toc extension's tree (each heading under the last one above its level)."""
    root: list[dict] = []
    stack: list[dict] = []
    for token in tokens:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def convert(markdown: str) -> Body | None:
    """HTML for a body made of ATX headings and raw HTML blocks separated by blank lines, else None."""
    parts: list[str] = []
    tokens: list[dict] = []
    used: set[str] = set()
    for block in markdown.strip("\n").split("\n\n"):
        block = block.strip("\n")
        if not block:
            continue
        if block.startswith("#"):
            made = heading(block, used)
            if made is None:
                return None
            parts.append(made[0])
            tokens.append(made[1])
        elif (tag := TAG.match(block)) and tag.group(1) in BLOCK_LEVEL_ELEMENTS:  # raw HTML stays as it is
            parts.append(block)
        else:  # a Markdown paragraph, list or table: Markdown's job
            return None
    html = "\n".join(parts)
    return Body(html, nest(tokens), set(ID.findall(html)))
