"""A council's web page: its main text, found by trafilatura, as blocks.

trafilatura drops what is around the notice (menus, cookie banners, breadcrumbs, footers) and gives
the rest as XML that keeps the headings (``<head rend="h2">``), paragraphs (``<p>``, with ``<lb/>``
for a line break), lists (``<list>``/``<item>``) and tables. trafilatura makes each run of spaces
(no-break spaces too) one space, so a page's text comes out with single spaces.
"""

from __future__ import annotations

import re
from typing import Any

from familyprivacy.content.importing.blocks import HEADING, ITEM, PARAGRAPH, Block

_HEADING_REND = re.compile(r"^h([1-6])$")


class HtmlError(Exception):
    pass


def _lxml() -> tuple[Any, Any]:
    """lxml's etree and html modules (lxml has no type information)."""
    import importlib

    return importlib.import_module("lxml.etree"), importlib.import_module("lxml.html")


def _inline(node: Any, skip: tuple[str, ...] = ("list", "table")) -> str:
    """The text of ``node`` and its inline children; ``<lb/>`` is a line break; nested lists and
    tables are left for the caller."""
    parts = [node.text or ""]
    for child in node:
        if child.tag in skip:
            pass
        elif child.tag == "lb":
            parts.append("\n")
        else:
            parts.append(_inline(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)


def _list(node: Any, depth: int, out: list[Block]) -> None:
    numbered = (node.get("rend") or "").lower() == "ol"
    n = 0
    for item in node:
        if item.tag != "item":
            continue
        n += 1
        text = _inline(item).strip()
        if text:
            out.append(Block(ITEM, text, depth, f"{n}." if numbered else "•"))
        for child in item:
            if child.tag == "list":
                _list(child, depth + 1, out)


def _walk(node: Any, out: list[Block]) -> None:
    for child in node:
        tag = child.tag
        if tag == "head":
            m = _HEADING_REND.match(child.get("rend") or "")
            out.append(Block(HEADING, _inline(child).strip(), int(m.group(1)) if m else 2))
        elif tag == "list":
            _list(child, 0, out)
        elif tag == "table":
            for row in child.iter("row"):
                for cell in row:
                    text = _inline(cell).strip()
                    if text:
                        out.append(Block(PARAGRAPH, text))
        elif tag in ("p", "quote", "code"):
            text = _inline(child).strip("\n ")
            if text.strip():
                out.append(Block(PARAGRAPH, text))
            for nested in child:
                if nested.tag in ("list", "table"):
                    _walk([nested], out)
        elif tag in ("div", "section", "main", "body"):
            _walk(child, out)
        else:
            text = _inline(child).strip()
            if text:
                out.append(Block(PARAGRAPH, text))


def read_html(data: bytes, url: str | None = None) -> tuple[list[Block], str]:
    """The page's main text as blocks, and its title (from the page's metadata; "" if none).
    Raises HtmlError if trafilatura finds no main text."""
    import trafilatura
    etree, _html = _lxml()

    xml = trafilatura.extract(
        data, url=url, output_format="xml", include_comments=False, favor_recall=True,
        include_tables=True, include_formatting=False, include_links=False, include_images=False,
        with_metadata=True, deduplicate=False)
    if not xml:
        raise HtmlError("has no main text that could be found (is it the notice's page?)")
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    blocks: list[Block] = []
    if main is not None:
        _walk(main, blocks)
    if not any(block.text.strip() for block in blocks):
        raise HtmlError("has no main text that could be found (is it the notice's page?)")
    title = (root.get("title") or "").strip()
    return blocks, title


_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "td", "th", "section",
               "article", "header", "footer", "nav", "aside", "main", "ul", "ol", "form", "button",
               "label", "option", "dt", "dd", "figcaption", "blockquote", "summary", "details", "table",
               "address", "input", "select", "textarea", "hr"}


def page_lines(data: bytes) -> list[str]:
    """Every line of text a reader sees on the page (menus, banners and footers included), with its
    spaces made single: to list what extraction left out."""
    etree, lxml_html = _lxml()

    try:
        root = lxml_html.fromstring(data)
    except (etree.ParserError, ValueError):
        return []
    for unseen in root.xpath("//script|//style|//noscript|//template|//head|//svg"):
        unseen.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]
