"""The visit's record of what the family was shown, and in which language."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyprivacy.content.loader import load_notices
from familyprivacy.content.localize import localize
from familyprivacy.visit import Visit
from tests.notice_factory import notice_toml, write_notice


@pytest.fixture
def notice(tmp_path: Path):  # type: ignore[no-untyped-def]
    write_notice(tmp_path)
    return load_notices([tmp_path]).notices[0]


def test_records_sections_and_the_language_actually_shown(notice) -> None:  # type: ignore[no-untyped-def]
    visit = Visit(notice.id)
    visit.record(localize(notice, "en"), ["who-we-are"])
    visit.set_language("so")  # no Somali translation: the plain words fall back to English
    visit.record(localize(notice, "so"), ["who-we-are", "your-rights"])
    visit.set_language("en-XA")
    visit.record(localize(notice, "en-XA"), ["your-rights"], how="official")
    visit.record(localize(notice, "en-XA"), ["your-rights"])
    assert visit.sections_viewed() == ["who-we-are", "your-rights"]
    assert visit.languages_for("who-we-are") == ["en"]
    assert visit.languages_for("your-rights") == ["en", "en-XA"]  # the official text is English
    assert visit.languages_used == ["en", "so", "en-XA"]
    summary = visit.summary()
    assert summary["sections"] == {"who-we-are": ["en"], "your-rights": ["en", "en-XA"]}
    assert set(visit.fingerprints) == {"en", "so", "en-XA"}
    assert all(f.startswith("sha256:") for f in visit.fingerprints.values())
    assert [s.requested for s in visit.shown] == ["en", "so", "so", "en-XA", "en-XA"]


def test_refuses_another_notice_and_unknown_sections(notice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_notice(tmp_path / "other", text=notice_toml("example/other"))
    other = load_notices([tmp_path / "other"]).notices[0]
    visit = Visit(notice.id)
    with pytest.raises(ValueError, match="another notice"):
        visit.record(localize(other, "en"), ["who-we-are"])
    with pytest.raises(KeyError):
        visit.record(localize(notice, "en"), ["no-such-section"])
    assert visit.shown == []
