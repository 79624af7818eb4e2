"""The plural rules belong to the project (i18n/plural_forms.py), not to whichever Babel is installed.

A newer Babel whose CLDR data changes a rule must not break an install or a build: the catalogs
keep the project's rule, and ``familyprivacy check`` warns, naming the language and both rules.
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages import plurals as babel_plurals
from babel.messages.pofile import read_po

from familyprivacy.content.check import format_report, plural_warnings, run_check
from familyprivacy.i18n.catalogs import read_mo
from familyprivacy.i18n.compile import compile_po, compile_tree
from familyprivacy.i18n.languages import all_languages
from familyprivacy.i18n.migrate_plurals import migrate_catalog
from familyprivacy.i18n.plural_forms import PLURAL_FORMS, PluralRule, drift, first_difference

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.po"))

# Babel 2.18's table (CLDR 47 era) for the languages whose rule CLDR 49 changed: what an older
# or newer Babel might say, used to play a Babel that disagrees with the project.
OLD_BABEL = {
    "es": (2, "(n != 1)"),
    "pt_PT": (2, "(n != 1)"),
    "pa_Guru": (2, "(n != 1)"),
    "ar": (6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5)"),
}


@pytest.fixture
def other_babel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed Babel answers with OLD_BABEL's rules where it has one, its own elsewhere."""
    real = babel_plurals.get_plural

    def get_plural(locale: str) -> babel_plurals._PluralTuple:
        if locale in OLD_BABEL:
            forms, expr = OLD_BABEL[locale]
            return babel_plurals._PluralTuple((forms, expr))
        return real(locale)

    monkeypatch.setattr(babel_plurals, "get_plural", get_plural)


def test_every_offered_language_has_a_rule_of_the_projects() -> None:
    assert {lang.code for lang in all_languages()} <= set(PLURAL_FORMS)
    for code, rule in PLURAL_FORMS.items():
        pick = gettext.c2py(rule.expr)  # gettext's own check that the expression is safe and valid
        picked = {pick(n) for n in (*range(0, 2_000_001, 997), 1, 1_000_000)}
        assert picked <= set(range(rule.forms)), code


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_each_catalog_is_written_for_the_projects_rule(po: Path) -> None:
    """The header is the project's rule exactly, and every plural entry fills each of its forms."""
    lang = po.parent.parent.name
    rule = PLURAL_FORMS[lang]
    header = re.search(r'"Plural-Forms: (.*?)\\n"', po.read_text("utf-8"))
    assert header and header.group(1) == rule.header
    catalog = read_po(io.BytesIO(po.read_bytes()))
    for message in catalog:
        if isinstance(message.id, (tuple, list)) and any(message.string):
            assert len(message.string) == rule.forms, message.id
            assert all(message.string), f"{lang}: an empty plural form in {message.id[0]!r}"


def test_spanish_and_portuguese_have_the_millions_form() -> None:
    """CLDR 49's three forms, adopted: exact millions take 'de' ('1000000 de segundos')."""
    for lang in ("es", "pt"):
        po = ROOT / "translations" / lang / "LC_MESSAGES" / "familyprivacy.po"
        catalog = read_po(io.BytesIO(po.read_bytes()))
        messages = [m for m in catalog if isinstance(m.id, (tuple, list))]
        assert len(messages) >= 3
        pick = gettext.c2py(PLURAL_FORMS[lang].expr)
        assert [pick(n) for n in (1, 2, 0, 1_000_000, 1_000_001)] == [0, 2, 2, 1, 2]
        for message in messages:  # every plural entry: "de" in the millions form, and only there
            unit = "segundos" if "seconds" in message.id[1] else "minutos"
            assert f"de {unit}" in message.string[1] and f"de {unit}" not in message.string[2], message.id
            assert not message.fuzzy


def test_check_warns_when_babel_disagrees_and_still_passes(other_babel: None) -> None:
    found = {d.lang: d for d in drift()}
    assert set(found) == {"es", "pt", "pa", "ar"}
    assert found["es"].ours.forms == 3 and found["es"].babels.forms == 2
    assert found["es"].differs_at is None  # a different number of forms: their indices cannot be compared
    assert found["pa"].differs_at == 0  # same number of forms, 0 moved to the singular
    assert found["ar"].differs_at == 11  # forms 4 and 5 the wrong way round in the old table
    warning = str(found["es"])
    assert "plural rule for es" in warning
    assert PLURAL_FORMS["es"].header in warning and "nplurals=2; plural=(n != 1);" in warning
    assert "make po" in warning

    report = run_check([ROOT / "resources" / "notices"])
    assert report.ok, "a plural-rule disagreement is a warning, never a failure"
    text = format_report(report)
    assert "WARNING plural rule for es:" in text and "WARNING plural rule for ar:" in text
    assert "4 warning(s). OK" in text


def test_a_catalog_compiles_with_the_projects_rule_whatever_babel_says(
        other_babel: None, tmp_path: Path) -> None:
    """The build's compiler (hatch_build.py uses compile_tree) never asks Babel for the rule."""
    out = compile_tree(ROOT / "translations", tmp_path)
    es = tmp_path / "es" / "LC_MESSAGES" / "familyprivacy.mo"
    assert es in out
    headers, _ = read_mo(es.read_bytes())
    assert headers["plural-forms"] == PLURAL_FORMS["es"].header


def test_a_catalog_with_the_wrong_number_of_forms_says_where_the_rule_is(tmp_path: Path) -> None:
    po = tmp_path / "es" / "LC_MESSAGES" / "familyprivacy.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', "utf-8")
    with pytest.raises(ValueError, match=r"2 forms; es has 3 .*plural_forms\.py.*make po"):
        compile_po(po, tmp_path / "out.mo")


def test_a_language_without_a_rule_is_named_in_check() -> None:
    assert "de" not in PLURAL_FORMS  # German: a catalog someone has just started
    warnings = plural_warnings(["de"])
    assert any("plural rule for de: this project has none written down" in w
               and "nplurals=2; plural=(n != 1);" in w for w in warnings)


def _catalog(tmp_path: Path, lang: str, header: str, body: str) -> Path:
    po = tmp_path / lang / "LC_MESSAGES" / "familyprivacy.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  f'"Plural-Forms: {header}\\n"\n\n{body}', "utf-8")
    return po


def test_migration_adds_the_new_form_marked_for_the_translator(tmp_path: Path) -> None:
    po = _catalog(tmp_path, "es", "nplurals=2; plural=(n != 1);", '''#. Translators: keep {n}
# reviewed by A. Translator
msgid "{n} second"
msgid_plural "{n} seconds"
msgstr[0] "{n} segundo"
msgstr[1] "{n} segundos"

msgid "Locked"
msgstr "Bloqueado"
''')
    assert migrate_catalog(po, "es") == 1
    catalog = read_po(io.BytesIO(po.read_bytes()))
    assert catalog.plural_forms == PLURAL_FORMS["es"].header
    plural = next(m for m in catalog if isinstance(m.id, (tuple, list)))
    assert plural.string == ("{n} segundo", "{n} segundos", "{n} segundos")  # the best guess, filled
    assert plural.fuzzy, "a new form nobody translated is marked, so English shows until it is checked"
    assert catalog["Locked"].string == "Bloqueado" and not catalog["Locked"].fuzzy
    assert migrate_catalog(po, "es") is None, "a catalog already on the project's rule is left alone"


def test_migration_carries_forms_over_where_the_numbers_say_so(tmp_path: Path) -> None:
    """Arabic's old table had forms 4 and 5 swapped: each string follows the numbers it served."""
    old = OLD_BABEL["ar"]
    po = _catalog(tmp_path, "ar", f"nplurals={old[0]}; plural={old[1]};", '''msgid "{n} day"
msgid_plural "{n} days"
''' + "".join(f'msgstr[{i}] "form{i}"\n' for i in range(6)))
    assert migrate_catalog(po, "ar") == 0
    message = next(m for m in read_po(io.BytesIO(po.read_bytes())) if isinstance(m.id, (tuple, list)))
    assert message.string == ("form0", "form1", "form2", "form3", "form5", "form4")
    assert not message.fuzzy


def test_first_difference_finds_where_two_rules_part() -> None:
    a = PluralRule(2, "(n != 1)", "x")
    assert first_difference(a, PluralRule(2, "(n > 1)", "x")) == 0
    assert first_difference(a, PluralRule(2, "(n!=1)", "x")) is None
