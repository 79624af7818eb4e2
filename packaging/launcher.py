"""The bundle's entry point: the same ``familyprivacy`` command as a pip install gives."""

import os
import sys

from familyprivacy.cli import main

if __name__ == "__main__":
    # A windowed program (FamilyPrivacy.exe, the .app) has no console: printing must not fail,
    # so that ``--self-test`` still returns its exit status there.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")
    sys.exit(main())
