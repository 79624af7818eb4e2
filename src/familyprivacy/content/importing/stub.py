"""Writing the draft notice's TOML: strings quoted so TOML reads them back exactly, comments that say
where each guess came from, and ``TODO`` at the start of every text a person has to write."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

TODO = "TODO"
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def basic(text: str) -> str:
    """``text`` as a one-line TOML basic string."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = _CONTROL.sub(lambda m: {"\n": "\\n", "\t": "\\t"}.get(m.group(0), f"\\u{ord(m.group(0)):04X}"), out)
    return f'"{out}"'


def multiline(text: str) -> str:
    """``text`` (lines) as a TOML multi-line string, starting and ending on a line of its own:
    a literal string where it can be (the council's words exactly as they are), else a basic one."""
    body = text.strip("\n")
    if "'''" not in body and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", body) and not body.endswith("'"):
        return f"'''\n{body}\n'''"
    escaped = body.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\u{ord(m.group(0)):04X}", escaped)
    return f'"""\n{escaped}\n"""'


def value(text: str) -> str:
    return multiline(text) if "\n" in text else basic(text)


def comment(text: str, width: int = 100) -> list[str]:
    """``text`` as ``#`` comment lines of at most about ``width`` characters (a line of the text stays
    a line; a long one goes on, indented)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = _CONTROL.sub(" ", paragraph)  # a TOML comment holds no control characters
        wrapped = textwrap.wrap(paragraph, width - 2, break_long_words=False, break_on_hyphens=False) or [""]
        out += [("# " + wrapped[0]).rstrip()] + ["#   " + more for more in wrapped[1:]]
    return out


@dataclass
class Writer:
    lines: list[str] = field(default_factory=list)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def comment(self, text: str) -> None:
        self.lines.extend(comment(text))

    def table(self, name: str, array: bool = False) -> None:
        self.lines.append(f"[[{name}]]" if array else f"[{name}]")

    def key(self, name: str, text: str, note: str = "") -> None:
        if note:
            self.lines.extend(comment(note))
        self.lines.append(f"{name} = {value(text)}")

    def raw(self, line: str) -> None:
        self.lines.append(line)

    def note(self, text: str) -> None:
        """A one-line comment, not wrapped."""
        self.lines.append(("# " + _CONTROL.sub(" ", text)).rstrip())

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"
