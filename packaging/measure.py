"""Figures for the built bundle: its size, and its start beside the source's, measured in the same run.

    python packaging/measure.py [dist/familyprivacy] [--runs N]

Size: the one-folder build unpacked, and as the tar.gz (zip on Windows) IT
would copy around. Start: the median time from starting the process to the
first painted topic page of a visit (``--measure-startup``, the scripted visit
of bench/startup.py), and the wall time of ``--self-test`` (every notice, topic,
PDF and a store), frozen and from source, each after one warm-up run so both
read from a warm disk cache. Targets: under 120 MB
unpacked, frozen within 1.5x source. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # Windows: wall time only
    resource = None  # type: ignore[assignment]

sys.path.insert(0, str(Path(__file__).resolve().parent))
import selftest_run

ROOT = selftest_run.ROOT
SIZE_TARGET_MB = 120
RATIO_TARGET = 1.5


def unpacked_bytes(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def compressed_bytes(bundle: Path, scratch: Path) -> tuple[int, str]:
    kind = "zip" if sys.platform == "win32" else "gztar"
    archive = shutil.make_archive(str(scratch / bundle.name), kind, bundle.parent, bundle.name)
    return Path(archive).stat().st_size, ("zip" if kind == "zip" else "tar.gz")


def _children_cpu() -> float:
    if resource is None:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str], cwd: Path, runs: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds over ``runs``, after one warm-up run; raises if the command fails.

    A command that prints ``first_topic_s`` (``--measure-startup``) reports its own
    wall figure, from the moment just before this process started it. CPU time (user
    and system, of the whole process) is steadier than wall time on a shared machine.
    """
    walls, cpus = [], []
    for i in range(runs + 1):
        env = dict(env, FAMILYPRIVACY_T0=repr(time.time()))
        before = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True, text=True,
                              timeout=600)
        wall = time.perf_counter() - start
        after = _children_cpu()
        if "--measure-startup" in command:
            wall = float(json.loads(done.stdout.strip().splitlines()[-1])["first_topic_s"])
        if i:
            walls.append(wall)
            cpus.append(after - before)
    return statistics.median(walls), statistics.median(cpus)


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", default=str(ROOT / "dist" / "familyprivacy"))
    parser.add_argument("--runs", type=int, default=5,
                        help="timed starts to the first topic (default: 5); --self-test gets a third as many")
    args = parser.parse_args(argv)
    bundle = Path(args.bundle).resolve()
    exe = selftest_run.bundle_executable(bundle)
    with tempfile.TemporaryDirectory(prefix="fp-measure-") as tmp:
        scratch = Path(tmp)
        unpacked = unpacked_bytes(bundle)
        packed, kind = compressed_bytes(bundle, scratch)
        frozen_env = selftest_run.clean_env(scratch / "home-f", FAMILYPRIVACY_DATA_DIR=str(scratch / "df"))
        source_env = selftest_run.source_env(scratch / "home-s", FAMILYPRIVACY_DATA_DIR=str(scratch / "ds"))
        rows: list[tuple[str, float, float] | tuple[str, str]] = []
        for label, flag, runs in (("start to first topic", "--measure-startup", args.runs),
                                  ("self-test", "--self-test", max(1, args.runs // 3))):
            try:
                frozen = timed([str(exe), flag], frozen_env, scratch, runs)
                source = timed([*selftest_run.source_command(), flag], source_env, ROOT, runs)
            except subprocess.CalledProcessError as exc:  # the tests catch the fault; report it here
                reason = (exc.stderr or exc.stdout or "").strip().splitlines()[-1:] or ["no output"]
                rows.append((label, f"not measured: {exc.cmd[-1]} failed ({reason[0][:100]})"))
                continue
            rows.append((label, frozen[0], source[0]))
            if resource is not None:
                rows.append(("  CPU time", frozen[1], source[1]))
    print(f"bundle {bundle.name} ({sys.platform}), figures from this run:")
    print(f"  size unpacked        {unpacked / 1e6:7.1f} MB   target < {SIZE_TARGET_MB} MB: "
          f"{verdict(unpacked / 1e6 < SIZE_TARGET_MB)}")
    print(f"  size compressed      {packed / 1e6:7.1f} MB   ({kind}, {packed / unpacked:.2f} of unpacked)")
    for row in rows:
        if isinstance(row[1], str):
            print(f"  {row[0]:<20} {row[1]}")
            continue
        name, frozen_s, source_s = row
        ratio = frozen_s / source_s
        print(f"  {name:<20} frozen {frozen_s:6.2f} s   source {source_s:6.2f} s   "
              f"frozen/source {ratio:.2f}  target <= {RATIO_TARGET}: {verdict(ratio <= RATIO_TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
