"""The bundle's entry point: the same ``familyprivacy`` command as a pip install gives."""

import sys

from familyprivacy.cli import main

if __name__ == "__main__":
    sys.exit(main())
