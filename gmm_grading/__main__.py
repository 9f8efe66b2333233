"""gmm-grade (python -m gmm_grading): grade a whole class safely. See cli.py and INSTRUCTORS.md."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
