"""Field checks for visits and decisions: each names the field path, never its value."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

MAX_TEXT = 200
MAX_REASON = 2000
MAX_STROKE_POINTS = 20000

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}")
UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
OFFSET = re.compile(r"[+-](0\d|1[0-4]):[0-5]\d")
FIELD_NAME = re.compile(r"[a-z][a-z_]{0,39}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_LONG = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")


class ModelError(ValueError):
    """A visit or decision that is incomplete or malformed; names the field, never its content."""


def text(value: Any, where: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ModelError(f"{where}: must be text of 1 to {limit} characters")
    return value


def printable(body: Any, where: str, multiline: frozenset[str] = frozenset({"reason", "reading_skipped"})
              ) -> None:
    """No control characters in any text of a new record's body, as the council's inbox accepts it
    (the keys in ``multiline`` may hold tabs and new lines). Checked when a record is made, not when
    one already kept is read back, so records made before this rule still open."""
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, str):
                if (_CONTROL_LONG if key in multiline else _CONTROL).search(value):
                    raise ModelError(f"{where}.{key}: must not contain control characters")
            else:
                printable(value, f"{where}.{key}", multiline)
    elif isinstance(body, list):
        for i, item in enumerate(body):
            if isinstance(item, str) and _CONTROL.search(item):
                raise ModelError(f"{where}[{i}]: must not contain control characters")
            printable(item, f"{where}[{i}]", multiline)


def opt_text(value: Any, where: str, limit: int = MAX_TEXT) -> str | None:
    return None if value is None else text(value, where, limit)


def ident(value: Any, where: str) -> str:
    if not isinstance(value, str) or not ID.fullmatch(value):
        raise ModelError(f"{where}: must be an id of letters, digits and . _ : / - (at most 100)")
    return value


def choice(value: Any, where: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ModelError(f"{where}: must be one of {', '.join(allowed)}")
    return str(value)


def utc(value: Any, where: str) -> str:
    if not isinstance(value, str) or not UTC.fullmatch(value):
        raise ModelError(f"{where}: must be a UTC time like 2026-11-25T10:00:00Z")
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        raise ModelError(f"{where}: is not a real date and time") from None
    return value


def lang(value: Any, where: str) -> str:
    if not isinstance(value, str) or not LANG.fullmatch(value):
        raise ModelError(f"{where}: must be a language code such as pl or pa-Guru")
    return value


def items(value: Any, where: str, limit: int = 50) -> list[Any]:
    if not isinstance(value, list | tuple) or len(value) > limit:
        raise ModelError(f"{where}: must be a list of at most {limit} items")
    return list(value)


def fields(value: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()
            ) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelError(f"{where}: must be an object")
    missing = sorted(required - set(value))
    unknown = sorted(set(value) - required - optional)
    if missing:
        raise ModelError(f"{where}: missing {', '.join(missing)}")
    if unknown:  # a key is input too: name it only if it looks like a field name
        named = [k for k in unknown if isinstance(k, str) and FIELD_NAME.fullmatch(k)]
        if len(named) < len(unknown):
            named.append(f"{len(unknown) - len(named)} not shown")
        raise ModelError(f"{where}: unknown field(s) {', '.join(named)}")
    return value


def unique(ids: list[str], where: str) -> None:
    if len(set(ids)) != len(ids):
        raise ModelError(f"{where}: the same id appears twice")


_NUMBERS = frozenset({int, float})
_SEQUENCES = frozenset({list, tuple})


def are_points(points: list[Any]) -> bool:
    """Each is [x, y, t] of finite numbers (not booleans); built-in loops, as a signature has hundreds."""
    if not set(map(type, points)) <= _SEQUENCES or set(map(len, points)) - {3}:
        return False
    flat = [v for point in points for v in point]
    return set(map(type, flat)) <= _NUMBERS and all(map(math.isfinite, flat))
