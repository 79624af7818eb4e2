"""The Qt Widgets interface: it adapts the core, never the reverse."""

# The core modules the first screens use load before Qt does. Once PySide6 is loaded it reads
# the source of every module imported after it (looking for its ``__feature__`` imports): about
# 0.3 ms a module, 20-40 ms of the app's start. Importing them here, first, is all it takes.
from familyprivacy import i18n, settings, visit  # noqa: F401
from familyprivacy.content import loader, localize  # noqa: F401
