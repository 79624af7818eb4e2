"""The loader's good and bad paths: one clear message, the other notices still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from familyprivacy.content.check import check_notice, run_check
from familyprivacy.content.loader import MAX_FILE_BYTES, load_notices
from tests.notice_factory import notice_toml, write_notice


def test_good_notice_loads_with_topics_in_order(tmp_path: Path) -> None:
    write_notice(tmp_path)
    result = load_notices([tmp_path])
    assert result.errors == []
    (notice,) = result.notices
    assert notice.id == "example/test"
    assert notice.sections[0].topic == "who-we-are"
    assert notice.council.name == "Example Council"


def test_good_notice_is_verbatim(tmp_path: Path) -> None:
    write_notice(tmp_path)
    report = check_notice(load_notices([tmp_path]).notices[0])
    assert report.verbatim == []
    assert report.source_sentences == 5
    assert report.checklist["controller"] == "covered"
    assert report.checklist["dpo"] == "stated missing in source"
    assert report.checklist["retention"] == "NOT COVERED"


def test_altered_official_wording_is_caught(tmp_path: Path) -> None:
    write_notice(tmp_path, text=notice_toml(official_first="Example Council is a data controller."))
    report = check_notice(load_notices([tmp_path]).notices[0])
    problems = "\n".join(report.verbatim)
    assert "not in the source" in problems
    assert "source line 2" in problems


def test_sentence_in_two_sections_is_caught(tmp_path: Path) -> None:
    text = notice_toml().replace(
        'official = """"""', 'official = """Example Council is the data controller."""', 1)
    write_notice(tmp_path, text=text)
    report = check_notice(load_notices([tmp_path]).notices[0])
    assert any("more than one section" in p for p in report.verbatim)


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda t: t.replace('topic = "keeping-it-safe"', 'topic = "secrets"'), "unknown topic"),
        (lambda t: t.replace('id = "your-rights"', 'id = "who-we-are"'), "duplicate section id"),
        (lambda t: t.replace("schema = 1", 'schema = "1"'), "must be 1"),
        (lambda t: t.replace('name = "Example Council"\n', ""), "required key is missing"),
        (lambda t: t.replace('title = "Test notice"', "title = 7"), "must be text"),
        (lambda t: t.replace("We help you.", "We help you.<script>alert(1)</script>", 1),
         "HTML or script"),
        (lambda t: t.replace("We help you.", "We help you. JavaScript:alert(1)", 1), "HTML or script"),
        (lambda t: t.replace("We help you.", "We help you.\\u0007", 1), "control characters"),
        (lambda t: t.replace("We help you.", "We help you.\\r", 1), "control characters"),
        (lambda t: t.replace("[council]", "[council"), "not valid TOML"),
        (lambda t: t.replace('plain = "We are', 'plian = "We are', 1), "unknown key"),
        (lambda t: t.replace('item = "dpo"', 'item = "dpo"\nsection = "share-with-school"', 1)
         + '\n[[choice]]\nid = "share-with-school"\nkind = "data-consent"\ntitle = "T"\n'
           'explanation = "E"\nif_yes = "Y"\nif_no = "N"\nwithdraw = "W"\nlawful_basis = "L"\n'
           'source_quote = "Q"\n', "no section with id 'share-with-school'"),
        (lambda t: "\n  \n", "is empty: a notice starts with `schema = 1`"),
        (lambda t: t.replace('id = "example/broken"', 'id = "Southwark Early Help"'),
         "is not '<council id>/"),
        (lambda t: t.replace('id = "example/broken"', 'id = "southwark/early-help"'),
         "starting with this notice's council id (example/"),
        (lambda t: t.replace('id = "example/broken"', 'id = "example/Early-Help"'), "lower-case"),
    ],
)
def test_broken_file_gives_one_clear_message_and_others_load(
    tmp_path: Path, mutation, expected: str  # type: ignore[no-untyped-def]
) -> None:
    write_notice(tmp_path / "good")
    write_notice(tmp_path / "bad", text=mutation(notice_toml("example/broken")))
    result = load_notices([tmp_path])
    assert [n.id for n in result.notices] == ["example/test"]
    (error,) = result.errors
    assert expected in error.message
    assert error.file.endswith("bad/test.toml")


def test_error_names_line_and_key(tmp_path: Path) -> None:
    text = notice_toml().replace('topic = "keeping-it-safe"', 'topic = "secrets"')
    write_notice(tmp_path, text=text)
    (error,) = load_notices([tmp_path]).errors
    assert error.key == "section[6].topic"
    assert error.line is not None
    assert 'topic = "secrets"' in text.splitlines()[error.line - 1]


def test_not_utf8_and_too_large(tmp_path: Path) -> None:
    write_notice(tmp_path / "a", text="")
    (tmp_path / "a" / "test.toml").write_bytes(b'schema = 1\ntitle = "caf\xe9"\n')
    write_notice(tmp_path / "b")
    (tmp_path / "b" / "test.toml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    errors = {Path(e.file).parent.name: e for e in load_notices([tmp_path]).errors}
    assert "not UTF-8" in errors["a"].message and errors["a"].line == 2
    assert "at most" in errors["b"].message


def test_duplicate_notice_id_across_files(tmp_path: Path) -> None:
    write_notice(tmp_path / "a")
    write_notice(tmp_path / "b")
    result = load_notices([tmp_path])
    assert len(result.notices) == 1
    assert "duplicate notice id" in result.errors[0].message


def test_check_fails_on_broken_content(tmp_path: Path) -> None:
    write_notice(tmp_path, text=notice_toml().replace("[council]", "[council"))
    assert not run_check([tmp_path]).ok


def test_contact_details_do_not_count_as_hard_words() -> None:
    from familyprivacy.content.readability import score

    plain = score("You can e-mail us. Write to us. We will reply.")
    with_contact = score("You can e-mail us. Write to InformationSecurity@redcar-cleveland.gov.uk. "
                         "We will reply.")
    assert abs(plain.flesch - with_contact.flesch) < 15
    assert with_contact.flesch >= 70


def test_syllable_counts_for_common_words() -> None:
    from familyprivacy.content.readability import syllables

    known = {"information": 4, "use": 1, "council": 2, "family": 3, "children": 2, "people": 2,
             "privacy": 3, "social": 2, "special": 2, "organisation": 5, "media": 3, "able": 2,
             "safe": 1, "keep": 1, "share": 1, "decided": 3}
    wrong = {w: syllables(w) for w, n in known.items() if syllables(w) != n}
    assert wrong == {}


def test_parse_cache_gives_the_same_notices_and_is_used(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    from familyprivacy import paths

    cache = tmp_path / "cache"
    plain = load_notices([paths.notices_dir()])
    first = load_notices([paths.notices_dir()], cache)
    assert first.notices == plain.notices and first.errors == []
    assert len(list(cache.glob("*.json"))) == len(plain.notices)

    def no_toml(_text: str) -> None:
        raise AssertionError("parsed TOML although the cache had the same bytes")

    monkeypatch.setattr(tomllib, "loads", no_toml)
    assert load_notices([paths.notices_dir()], cache).notices == plain.notices


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"schema": 1}',
                                    b"x" * (9 * 1024 * 1024)])
def test_damaged_parse_cache_is_ignored_and_rewritten(tmp_path: Path, damage: bytes) -> None:
    write_notice(tmp_path / "n")
    cache = tmp_path / "cache"
    good = load_notices([tmp_path / "n"], cache)
    (copy,) = cache.glob("*.json")
    copy.write_bytes(damage)
    again = load_notices([tmp_path / "n"], cache)
    if damage == b'{"schema": 1}':  # valid JSON, wrong content: checked like TOML, so refused
        assert again.notices == [] and "required" in again.errors[0].message
    else:
        assert again.notices == good.notices and again.errors == []
        assert copy.read_bytes() != damage  # parsed again, and kept


def test_tampered_parse_cache_is_checked_like_the_file(tmp_path: Path) -> None:
    import json

    write_notice(tmp_path / "n")
    cache = tmp_path / "cache"
    load_notices([tmp_path / "n"], cache)
    (copy,) = cache.glob("*.json")
    data = json.loads(copy.read_text("utf-8"))
    data["title"] = "<script>alert(1)</script>"
    copy.write_text(json.dumps(data), "utf-8")
    result = load_notices([tmp_path / "n"], cache)
    assert result.notices == [] and "HTML or script" in result.errors[0].message


def test_parse_cache_drops_old_versions_and_survives_being_read_only(tmp_path: Path) -> None:
    write_notice(tmp_path / "n")
    cache = tmp_path / "cache"
    load_notices([tmp_path / "n"], cache)
    (old,) = cache.glob("*.json")
    write_notice(tmp_path / "n", text=notice_toml().replace("Test notice", "Test notice, revised"))
    result = load_notices([tmp_path / "n"], cache)
    assert result.notices[0].title == "Test notice, revised"
    (new,) = cache.glob("*.json")
    assert new != old
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be", "utf-8")
    assert load_notices([tmp_path / "n"], blocked / "notices").notices[0].title == "Test notice, revised"


def test_a_councils_notice_lives_in_its_folder(tmp_path: Path) -> None:
    write_notice(tmp_path / "notices" / "example")
    write_notice(tmp_path / "notices" / "southwark", text=notice_toml("example/two"))
    result = load_notices([tmp_path / "notices"])
    assert [n.id for n in result.notices] == ["example/test"]
    (error,) = result.errors
    assert error.key == "council.id" and "not the folder this notice is in (southwark)" in error.message
