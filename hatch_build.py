"""Compile the gettext catalogs into the wheel, so .mo files are built, never committed.

Also compile the Jinja2 templates ahead of time (``familyprivacy.content.templating``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        src = str(Path(self.root) / "src")
        sys.path.insert(0, src)
        try:  # the same compiler, and the same plural rules (plural_forms.py), the app uses at run time
            from familyprivacy.i18n.compile import compile_tree
        finally:
            sys.path.remove(src)

        root = Path(self.root) / "translations"
        out = Path(tempfile.mkdtemp(prefix="fp-mo-"))
        for target in compile_tree(root, out):
            for built in (target, target.with_name(target.name + ".status.json")):
                rel = built.relative_to(out).as_posix()
                build_data["force_include"][str(built)] = f"familyprivacy/translations/{rel}"
        self._compile_templates()

    def _compile_templates(self) -> None:
        """Into resources/compiled_templates itself: the wheel carries resources/ whole already, so a
        second copy forced in from elsewhere would put every file in the wheel twice."""
        src = str(Path(self.root) / "src")
        sys.path.insert(0, src)
        try:
            from familyprivacy.content.templating import compile_all
        except ImportError as exc:  # Jinja2 is the app's requirement, not the build's: compiled at run time
            self.app.display_warning(f"templates not compiled ahead of time ({exc}): compiled at start-up")
            return
        finally:
            sys.path.remove(src)
        resources = Path(self.root) / "resources"
        compile_all(resources / "compiled_templates", resources / "templates")
