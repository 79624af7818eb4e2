"""The plural rules of every language the app offers: the project's own decision, written down.

A catalog's plural forms are part of its translation: a translator fills one
``msgstr[i]`` per form, so the number of forms and which numbers pick which form
must not change because a newer Babel was installed. The rules below are the ones
the catalogs are written for. They are compiled into every ``.mo`` file, and
``familyprivacy check`` compares them with the installed Babel's CLDR data and
warns, naming the language, the two rules and how to migrate, when they differ.
Nothing installs or builds differently because of such a difference.

Taken from CLDR 49 (Babel 2.19.0), as gettext expressions, on 2026-12-07. What changed
from the rules the catalogs had before (Babel 2.18's table, CLDR 47):

- es, pt (pt_PT), it: three forms, not two; the new middle form is for exact
  millions ("1 000 000 de segundos"). es and pt were migrated and filled.
- ar: forms 4 and 5 were the wrong way round (11-99 is CLDR's "many", form 4).
- pa, bn, gu, ti, fa: 0 takes the singular form (CLDR "one: i = 0 or n = 1");
  fa has two forms, not one.

To move a language to a new rule: change it here (and ``CLDR_VERSION`` if it
comes from a newer release), run ``make po`` (which rewrites each catalog's
Plural-Forms header, adds the new ``msgstr[i]`` and marks those entries fuzzy, so
the English shows until they are translated), fill the new forms, then ``make test``.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from typing import NamedTuple

CLDR_VERSION = "49"


class PluralRule(NamedTuple):
    forms: int  # gettext's nplurals
    expr: str  # gettext's plural expression (C syntax), picking a form 0..forms-1 for n
    locale: str  # the CLDR locale it was taken from (Babel's identifier)

    @property
    def header(self) -> str:
        """The value of a catalog's ``Plural-Forms`` header."""
        return f"nplurals={self.forms}; plural={self.expr};"


PLURAL_FORMS: dict[str, PluralRule] = {
    "en": PluralRule(2, "(n != 1)", "en_GB"),
    "pl": PluralRule(3, "(n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2)",
                     "pl"),
    "ro": PluralRule(3, "(n == 1 ? 0 : n == 0 || n != 1 && n % 100 >= 1 && n % 100 <= 19 ? 1 : 2)", "ro"),
    "pa": PluralRule(2, "(n > 1)", "pa_Guru"),
    "ur": PluralRule(2, "(n != 1)", "ur"),
    "pt": PluralRule(3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)", "pt_PT"),
    "es": PluralRule(3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)", "es"),
    "ar": PluralRule(6, "(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 "
                        ": n % 100 >= 11 && n % 100 <= 99 ? 4 : 5)", "ar"),
    "bn": PluralRule(2, "(n > 1)", "bn"),
    "gu": PluralRule(2, "(n > 1)", "gu"),
    "it": PluralRule(3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)", "it"),
    "lt": PluralRule(3, "(n % 10 == 1 && (n % 100 < 11 || n % 100 > 19) ? 0 : n % 10 >= 2 && n % 10 <= 9 "
                        "&& (n % 100 < 11 || n % 100 > 19) ? 1 : 2)", "lt"),
    "uk": PluralRule(3, "(n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 "
                        "&& (n % 100 < 12 || n % 100 > 14) ? 1 : 2)", "uk"),
    "fa": PluralRule(2, "(n > 1)", "fa"),
    "ps": PluralRule(2, "(n != 1)", "ps"),
    "ckb": PluralRule(2, "(n != 1)", "ckb"),
    "ti": PluralRule(2, "(n > 1)", "ti"),
    "so": PluralRule(2, "(n != 1)", "so"),
}

# The numbers two rules are compared on: where CLDR's rules differ between releases
# (0, 1, the teens, the hundreds, exact thousands and millions).
SAMPLE_NUMBERS: tuple[int, ...] = (
    *range(0, 220), *range(1000, 1025), 10_000, 100_000, 1_000_000, 1_000_001, 2_000_000, 10_000_000,
)


def project_rule(lang: str) -> PluralRule | None:
    """The project's rule for ``lang`` (a catalog folder's code, ``-`` or ``_`` alike), or None."""
    return PLURAL_FORMS.get(lang.replace("-", "_")) or PLURAL_FORMS.get(lang.split("_")[0].split("-")[0])


def babel_rule(lang: str) -> PluralRule:
    """What the installed Babel's CLDR data says for ``lang`` (Babel is imported here only)."""
    from babel.messages.plurals import get_plural

    mine = project_rule(lang)
    locale = mine.locale if mine else lang.replace("-", "_")
    rule = get_plural(locale)
    return PluralRule(rule.num_plurals, rule.plural_expr, locale)


def first_difference(a: PluralRule, b: PluralRule) -> int | None:
    """The smallest sample number the two rules send to different forms, or None if they agree."""
    pick_a, pick_b = gettext.c2py(a.expr), gettext.c2py(b.expr)
    for n in SAMPLE_NUMBERS:
        if pick_a(n) != pick_b(n):
            return n
    return None


@dataclass(frozen=True)
class Drift:
    """The installed Babel's CLDR disagrees with the project's rule for one language."""

    lang: str
    ours: PluralRule
    babels: PluralRule
    babel_version: str
    cldr_version: str
    differs_at: int | None  # a number the two rules put in different forms (None: only the count differs)

    def __str__(self) -> str:
        if self.differs_at is None:
            how = f"{self.babels.forms} forms, not {self.ours.forms}"
        else:
            n = self.differs_at
            how = (f"the same {self.ours.forms} forms, but n={n} takes form "
                   f"{gettext.c2py(self.babels.expr)(n)}, not {gettext.c2py(self.ours.expr)(n)}")
        return (f"plural rule for {self.lang}: this project's rule is '{self.ours.header}' "
                f"(CLDR {CLDR_VERSION}); the installed Babel {self.babel_version} (CLDR "
                f"{self.cldr_version}) says '{self.babels.header}' ({how}). The catalogs keep the "
                f"project's rule. To adopt the new one: set {self.lang} in src/familyprivacy/i18n/"
                f"plural_forms.py to Babel's rule, run `make po`, fill the entries it marks fuzzy in "
                f"translations/{self.lang}/, then `make test`.")


def drift(languages: list[str] | None = None) -> list[Drift]:
    """Every language (of ``languages``, default all the project's) whose rule the installed Babel
    would change: a different number of forms, or a number sent to a different form."""
    import babel
    from babel.core import get_cldr_version

    found = []
    for lang in languages if languages is not None else list(PLURAL_FORMS):
        ours = project_rule(lang)
        if ours is None:
            continue
        theirs = babel_rule(lang)
        at = first_difference(ours, theirs) if ours.forms == theirs.forms else None
        if ours.forms != theirs.forms or at is not None:
            found.append(Drift(lang, ours, theirs, babel.__version__, str(get_cldr_version()), at))
    return found
