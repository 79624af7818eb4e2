"""What goes into the one-folder bundle, decided in plain functions the spec calls and tests check.

A bundle that carries everything PySide6 and Babel ship is several times the
size of one that carries what the app uses; the lean list is computed from the
source (the Qt modules it imports, the languages it offers) so it follows the
code instead of going stale.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

# Qt plugin folders a desktop Widgets app uses; everything else (QML tooling, SQL drivers,
# TLS, network information, EGL device integrations, Wayland compositor parts) is left out.
QT_PLUGIN_DIRS = frozenset({
    "platforms", "platformthemes", "platforminputcontexts", "imageformats", "iconengines",
    "styles", "generic", "printsupport",  # not xcbglintegrations: no OpenGL widgets
})
# Within those folders, plugins the app has no use for.
QT_PLUGINS_DROPPED = re.compile(
    r"(?:qeglfs|qlinuxfb|qminimalegl|qvnc|qvkkhrdisplay|qwayland|qtuiotouch|qevdev|qlibinput|qtslib"
    r"|qdirect2d|qtvirtualkeyboard|qpdf|qtga|qtiff|qwbmp|qwebp|qicns|qjpeg|qgif|qsvgwidgets"
    # GTK's theme plugin drags in the whole GTK stack, which must then match the system's GTK.
    r"|qgtk3)",
    re.IGNORECASE,
)
# Qt libraries that come along with a plugin or hook but that nothing the app loads needs.
QT_LIBS_DROPPED = re.compile(
    r"Qt6?(?:Qml|Quick|Pdf|WebEngine|WebChannel|WebSockets|3D|Multimedia|Spatial|VirtualKeyboard"
    r"|Designer|Help|Sql|Test|Network|OpenGLWidgets|Wayland|WlShell|EglFs|EglFS|Labs|Lottie|ShaderTools"
    r"|Charts|DataVisualization|Graphs|Bluetooth|Nfc|Positioning|Location|Sensors|SerialPort"
    r"|RemoteObjects|Scxml|StateMachine|TextToSpeech|UiTools|Concurrent|Xml|Svg(?=Widgets))",
)


def shipped_languages() -> list[tuple[str, str]]:
    """(code, Babel locale) for every language the app offers, pseudo-locales included."""
    sys.path.insert(0, str(SRC))
    try:
        from familyprivacy.i18n import languages
    finally:
        sys.path.remove(str(SRC))
    return [(lang.code, lang.babel) for lang in languages.all_languages() + languages.pseudo_languages()]


def babel_parents(name: str, exceptions: dict[str, str]) -> list[str]:
    """``name`` and every locale Babel may merge into it, up to root (a superset is harmless)."""
    chain = [name]
    todo = [name]
    while todo:
        current = todo.pop()
        parts = current.split("_")
        parents = {exceptions.get(current), "root" if len(parts) == 1 else "_".join(parts[:-1])}
        for parent in parents - {None}:
            assert parent is not None
            if parent not in chain:
                chain.append(parent)
                todo.append(parent)
    return chain


def babel_locales_to_keep(babel_ids: Iterable[str]) -> set[str]:
    from babel.core import get_global

    exceptions = dict(get_global("parent_exceptions"))
    keep: set[str] = set()
    for name in ["root", "en", "en_GB", *babel_ids]:
        keep.update(babel_parents(name, exceptions))
    return keep


def qt_modules_used(src: Path = SRC) -> set[str]:
    """The PySide6 modules the code imports, and the ones those need."""
    found = set()
    for path in src.rglob("*.py"):
        found.update(re.findall(r"\bPySide6\.(Qt\w+)", path.read_text("utf-8")))
    needs = {"QtWidgets": {"QtGui"}, "QtGui": {"QtCore"}, "QtSvg": {"QtGui"}, "QtSvgWidgets": {"QtSvg"},
             "QtPrintSupport": {"QtWidgets"}, "QtDBus": {"QtCore"}}
    todo = list(found)
    while todo:
        for extra in needs.get(todo.pop(), set()) - found:
            found.add(extra)
            todo.append(extra)
    return found | {"QtCore"}


def qt_modules_excluded(available: Iterable[str], used: set[str]) -> list[str]:
    return sorted(f"PySide6.{m}" for m in available if m.startswith("Qt") and m not in used)


# Python's codecs for the legacy East Asian encodings (Shift JIS, Big5, GB 18030…), 0.9 MB of C, and
# the expat XML parser (segno's PNG writer needs neither; nothing in the app parses XML).
UNUSED_EXTENSIONS = re.compile(r"_(codecs_\w+|multibytecodec)\.|pyexpat\.")


def keep_binary(dest: str, used: set[str]) -> bool:
    """Whether a collected shared library or plugin belongs in the lean bundle."""
    path = dest.replace("\\", "/")
    if "/plugins/" in path:
        folder = path.split("/plugins/", 1)[1].split("/", 1)[0]
        return folder in QT_PLUGIN_DIRS and not QT_PLUGINS_DROPPED.search(path.rsplit("/", 1)[-1])
    name = path.rsplit("/", 1)[-1]
    if "PrintSupport" in name and "QtPrintSupport" not in used:
        return False
    if UNUSED_EXTENSIONS.match(name):  # every text the app reads or writes is UTF-8
        return False
    return not QT_LIBS_DROPPED.search(name)


def keep_data(dest: str, babel_keep: set[str], qt_langs: set[str]) -> bool:
    """Whether a collected data file belongs in the lean bundle."""
    path = dest.replace("\\", "/")
    if path.startswith("babel/locale-data/"):
        return path.rsplit("/", 1)[-1].removesuffix(".dat") in babel_keep
    if "/Qt/translations/" in path or path.startswith("PySide6/translations/"):
        name = path.rsplit("/", 1)[-1]
        match = re.fullmatch(r"qtbase_(\w+)\.qm", name)
        return bool(match and match.group(1) in qt_langs)
    if path.startswith("PySide6/") and any(f"/{d}/" in path for d in ("qml", "metatypes", "libexec")):
        return False  # QML modules, build metadata and helper programs (Linux/macOS: under Qt/)
    return not path.endswith((".pyi", ".pyx", ".h", ".c"))


Entry = tuple[str, str, str]  # PyInstaller's (destination, source, type code)


def _is_root(dest: str) -> bool:
    """Everything but a plain shared library (at the top, or Qt's): those stay only if needed."""
    name = dest.replace("\\", "/")
    folder, _, base = name.rpartition("/")
    if folder not in ("", "PySide6/Qt/lib") or base.startswith("libpython"):
        return True
    return not re.fullmatch(r"lib[^/]*\.so(\.[\d.]+)?", base)


# Left to the system, with whatever only they need: the printing stack, which must match the
# desktop's own CUPS anyway (where it is missing, Qt prints to PDF only, and the summaries are
# PDFs first), and D-Bus, which every desktop has (tools/system-deps.sh lists it for Qt).
SYSTEM_PROVIDED = re.compile(r"^(?:libcups|libdbus-1)\.so")


def prune_libraries(entries: list[Entry], needed_of: Callable[[str], set[str]]) -> list[Entry]:
    """Keep top-level libraries only if a kept binary needs them (``needed_of``: direct needs).

    Drops what only dropped plugins needed, what the system provides (and what only it
    needed), and links whose target was left out.
    """
    libraries = {e[0].replace("\\", "/").rsplit("/", 1)[-1]: e for e in entries
                 if e[2] != "SYMLINK" and not _is_root(e[0])}
    needed: set[str] = set()
    todo = [src for dest, src, typecode in entries if typecode != "SYMLINK" and _is_root(dest)]
    while todo:
        for name in needed_of(todo.pop()):
            if name in libraries and name not in needed and not SYSTEM_PROVIDED.match(name):
                needed.add(name)
                todo.append(libraries[name][1])
    kept = [e for e in entries if e[2] == "SYMLINK" or _is_root(e[0])
            or e[0].replace("\\", "/").rsplit("/", 1)[-1] in needed]
    present = {e[0].replace("\\", "/") for e in kept if e[2] != "SYMLINK"}
    out = []
    for dest, src, typecode in kept:
        if typecode == "SYMLINK":
            target = posixpath.normpath(posixpath.join(posixpath.dirname(dest), src.replace("\\", "/")))
            if target not in present:
                continue
        out.append((dest, src, typecode))
    return out


def elf_needed(path: str) -> set[str]:
    """The libraries an ELF file names as NEEDED (its direct dependencies)."""
    out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


def compile_catalogs(out: Path) -> list[tuple[str, str]]:
    """Build every .mo from translations/*.po into ``out``; (file, bundle folder) pairs for datas."""
    sys.path.insert(0, str(SRC))
    try:
        from familyprivacy.i18n.compile import compile_tree
    finally:
        sys.path.remove(str(SRC))
    datas = []
    for mo in compile_tree(ROOT / "translations", out):
        folder = "familyprivacy/translations/" + mo.parent.relative_to(out).as_posix()
        datas += [(str(mo), folder), (str(mo) + ".status.json", folder)]
    for pot in sorted((ROOT / "translations").glob("*.pot")):
        datas.append((str(pot), "familyprivacy/translations"))
    return datas
