"""Offline engine benchmark: the same as `python -m scribe_core.eval` (pass --quick for a smoke run)."""

import sys

from scribe_core.eval.run import main

if __name__ == "__main__":
    sys.exit(main())
