"""The Jinja2 environment: autoescaped always, templates from resources only.

Compiling a template (lexing, parsing, code generation) costs tens of milliseconds
at start-up, so the build compiles them ahead of time into Python modules
(``python -m familyprivacy.content.templating --compile``; the wheel hook, the
bundle spec and ``make install`` run it). A manifest beside those modules holds
the hash of every template's source and module, and what code generation
depends on; ``environment()`` uses the compiled set only when all of it still
matches, and otherwise reads the templates themselves: slower, never stale.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from familyprivacy import paths

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_MANIFEST_FORMAT = 1
_MANIFEST_MAX_BYTES = 64 * 1024  # a real one is a few KB; anything larger is not ours
_EXTENSIONS = ("html",)  # what counts as a template in the folder, not an editor's backup

_BULLET = re.compile(r"^\s*(?:[-•◦▪*])\s+")


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    items: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """Plain text to paragraphs and bullet lists (the only structure content has)."""
    out: list[Block] = []
    para: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if para:
            out.append(Block("p", (" ".join(para),)))
            para.clear()
        if bullets:
            out.append(Block("ul", tuple(bullets)))
            bullets.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
        elif _BULLET.match(line):
            if para:
                flush()
            bullets.append(_BULLET.sub("", line).strip())
        elif bullets and line.startswith((" ", "\t")):
            bullets[-1] += " " + line.strip()
        else:
            if bullets:
                flush()
            para.append(line.strip())
    flush()
    return out


def official_blocks(text: str) -> list[Block]:
    """The council's wording keeps one source line per paragraph."""
    return blocks(re.sub(r"\n\n(?=\s*•)", "\n", "\n\n".join(text.splitlines())))


def _new_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,  # every template, whatever its name: content is data
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["blocks"] = blocks
    env.filters["official_blocks"] = official_blocks
    return env


def _codegen_options(env: jinja2.Environment) -> dict[str, object]:
    """What the generated code depends on besides the sources (JSON values, compared as loaded)."""
    return {
        "jinja2": jinja2.__version__,
        "autoescape": env.autoescape if isinstance(env.autoescape, bool) else repr(env.autoescape),
        "undefined": f"{env.undefined.__module__}.{env.undefined.__qualname__}",
        "syntax": [env.block_start_string, env.block_end_string, env.variable_start_string,
                   env.variable_end_string, env.comment_start_string, env.comment_end_string,
                   env.line_statement_prefix, env.line_comment_prefix],
        "trim_blocks": env.trim_blocks,
        "lstrip_blocks": env.lstrip_blocks,
        "newline_sequence": env.newline_sequence,
        "keep_trailing_newline": env.keep_trailing_newline,
        "optimized": env.optimized,
        "is_async": env.is_async,
        "finalize": None if env.finalize is None else repr(env.finalize),
        "extensions": sorted(env.extensions),
        "filters": sorted(env.filters),  # the code generator checks filter and test names
        "tests": sorted(env.tests),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hashes(env: jinja2.Environment, templates: Path, compiled: Path) -> dict[str, dict[str, str]]:
    """Each template's source hash and its compiled module's hash, by template name."""
    names = env.list_templates(extensions=_EXTENSIONS)
    module = jinja2.ModuleLoader.get_module_filename
    return {
        "templates": {name: _sha256(templates / name) for name in names},
        "modules": {name: _sha256(compiled / module(name)) for name in names},
    }


def _why_stale(env: jinja2.Environment, templates: Path, compiled: Path) -> str | None:
    """None when the compiled set in ``compiled`` matches the templates and this Jinja; else why not.

    Nothing the manifest says is used as a path: the names come from the templates folder.
    """
    try:
        with (compiled / MANIFEST).open("rb") as f:
            raw = f.read(_MANIFEST_MAX_BYTES + 1)
        if len(raw) > _MANIFEST_MAX_BYTES:
            return "manifest too large"
        manifest = json.loads(raw)
        if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT:
            return "manifest of an unknown format"
        if manifest.get("options") != _codegen_options(env):
            return "compiled by another Jinja version or with other options"
        current = _hashes(env, templates, compiled)
    except FileNotFoundError as exc:
        return f"missing {Path(exc.filename or '?').name}"
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad JSON or encoding
        return f"unreadable ({type(exc).__name__})"
    if manifest.get("templates") != current["templates"]:
        return "templates changed since they were compiled"
    if manifest.get("modules") != current["modules"]:
        return "compiled modules changed"
    return None


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    templates = paths.templates_dir()
    files = jinja2.FileSystemLoader(str(templates))
    env = _new_environment(files)
    compiled = paths.compiled_templates_dir()
    if not compiled.is_dir():
        log.debug("templates: no compiled set in %s, compiling at run time", compiled)
        return env
    why = _why_stale(env, templates, compiled)
    if why is None:
        # The files stay behind the modules, for any template the set lacks.
        env.loader = jinja2.ChoiceLoader([jinja2.ModuleLoader(str(compiled)), files])
    else:
        log.warning("templates: compiled set in %s not used (%s); compiling at run time", compiled, why)
    return env


def compile_all(out: Path | None = None, templates: Path | None = None) -> Path:
    """Compile every template into ``out`` with its manifest (default: ``paths.compiled_templates_dir()``).

    The manifest is written last, and the old one removed first, so a compile
    that stops half-way leaves a set ``environment()`` will not use.
    """
    import compileall  # here, not at the top: the app's start-up never compiles
    import os
    import py_compile
    import shutil

    out = out or paths.compiled_templates_dir()
    templates = templates or paths.templates_dir()
    env = _new_environment(jinja2.FileSystemLoader(str(templates)))
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)
    # Modules of removed templates go, and bytecode, which could outlive its source within a second.
    for old in out.glob("tmpl_*.py"):
        old.unlink()
    shutil.rmtree(out / "__pycache__", ignore_errors=True)
    env.compile_templates(out, extensions=_EXTENSIONS, zip=None, ignore_errors=False)
    # Their bytecode too, checked against the source's hash rather than its mtime, so it survives
    # being copied into a bundle, and is there when the install folder is read-only.
    for level in (0, 1):  # plain, and -O as a bundle built with optimize=1 runs
        compileall.compile_dir(out, quiet=1, optimize=level,
                               invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    manifest = {"format": _MANIFEST_FORMAT, "options": _codegen_options(env), **_hashes(env, templates, out)}
    partial = out / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", "utf-8")
    os.replace(partial, out / MANIFEST)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m familyprivacy.content.templating",
                                     description="Compile the Jinja2 templates ahead of time.")
    parser.add_argument("--compile", action="store_true", required=True,
                        help="write the compiled templates and their manifest")
    parser.add_argument("--out", type=Path, help="target folder (default: paths.compiled_templates_dir())")
    args = parser.parse_args(argv)
    out = compile_all(args.out)
    print(f"templates compiled into {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
