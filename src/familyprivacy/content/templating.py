"""The Jinja2 environment: autoescaped always, templates from resources only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jinja2

from familyprivacy import paths

_BULLET = re.compile(r"^\s*(?:[-•◦▪*])\s+")


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    items: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """Plain text to paragraphs and bullet lists (the only structure content has)."""
    out: list[Block] = []
    para: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if para:
            out.append(Block("p", (" ".join(para),)))
            para.clear()
        if bullets:
            out.append(Block("ul", tuple(bullets)))
            bullets.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
        elif _BULLET.match(line):
            if para:
                flush()
            bullets.append(_BULLET.sub("", line).strip())
        elif bullets and line.startswith((" ", "\t")):
            bullets[-1] += " " + line.strip()
        else:
            if bullets:
                flush()
            para.append(line.strip())
    flush()
    return out


def official_blocks(text: str) -> list[Block]:
    """The council's wording keeps one source line per paragraph."""
    return blocks(re.sub(r"\n\n(?=\s*•)", "\n", "\n\n".join(text.splitlines())))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.templates_dir())),
        autoescape=True,  # every template, whatever its name: content is data
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["blocks"] = blocks
    env.filters["official_blocks"] = official_blocks
    return env
