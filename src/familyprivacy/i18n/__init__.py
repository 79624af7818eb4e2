"""The one door to translations: ``_``, ``ngettext``, ``pgettext`` and ``N_``.

Nothing else calls gettext. Lookups happen when text is shown, never at import:
module-level labels are marked with ``N_`` and passed through ``_`` when drawn,
so a language switch takes effect everywhere at once, without a restart.
Placeholders are named (``{name}``) and formatted after translation; a
translation whose placeholders differ from the English is rejected by the
catalog loader and the English is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from familyprivacy.i18n.catalogs import Catalogs

_listeners: list[Callable[[str], None]] = []
_catalogs = Catalogs()
_worker_language = "en"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translate when shown)."""
    return message


def _(message: str) -> str:
    return _catalogs.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogs.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _catalogs.pgettext(context, message)


def W_(message: str) -> str:
    """Translate for the worker: screens only the worker reads (the people form, the PIN wall, the
    unlock screen, the records, sync) speak the worker's language, whatever the family's is."""
    return _catalogs.lookup("familyprivacy", message, None, _worker_language).text


def W_ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogs.ngettext(singular, plural, n, _worker_language)


def worker_language() -> str:
    return _worker_language


def set_worker_language(code: str) -> None:
    """The worker's language (settings' worker_language); their screens re-translate when shown.
    Its catalog loads on the first lookup, like any other."""
    global _worker_language
    _worker_language = code


def current_language() -> str:
    return _catalogs.language


def set_language(code: str) -> None:
    """Switch every later lookup to ``code`` and tell listeners (the UI re-renders)."""
    _catalogs.activate(code)
    for listener in list(_listeners):
        listener(code)


def on_language_changed(listener: Callable[[str], None]) -> Callable[[], None]:
    """Register a callback; returns a function that unregisters it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def catalogs() -> Catalogs:
    """The active catalogs (content lookups and load problems go through it)."""
    return _catalogs
