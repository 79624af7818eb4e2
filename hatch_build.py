"""Compile the gettext catalogs into the wheel, so .mo files are built, never committed."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        sys.path.insert(0, str(Path(self.root) / "src" / "familyprivacy" / "i18n"))
        from compile import compile_tree  # the same compiler the app uses at run time

        root = Path(self.root) / "translations"
        out = Path(tempfile.mkdtemp(prefix="fp-mo-"))
        for target in compile_tree(root, out):
            for built in (target, target.with_name(target.name + ".status.json")):
                rel = built.relative_to(out).as_posix()
                build_data["force_include"][str(built)] = f"familyprivacy/translations/{rel}"
