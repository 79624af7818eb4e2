"""A Babel extractor for notice files, so ``pybabel extract`` collects their content.

Registered as the ``familyprivacy_notice`` extractor (pyproject entry point);
each string carries its context (notice | part | field) and a translator comment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from familyprivacy.content.loader import ContentFileError, load_file
from familyprivacy.content.strings import content_strings


def extract_notice(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    name = getattr(fileobj, "name", None)
    if not name:
        raise ValueError("the notice extractor needs a file on disk")
    if str(name).endswith(".signoff.toml"):  # a notice's sign-off records: nothing to translate
        return
    try:
        notice = load_file(Path(name))
    except ContentFileError as exc:
        raise ValueError(f"cannot extract from a broken notice: {exc}") from None
    text = Path(name).read_text("utf-8").splitlines()
    for s in content_strings(notice):
        first = s.english.splitlines()[0] if s.english else ""
        line = next((i + 1 for i, row in enumerate(text) if first and first in row), 0)
        yield line, "pgettext", (s.context(notice.id), s.english), [s.comment]
