"""``python -m seci_lab`` is the ``seci-lab`` command."""

import sys

from .cli import main

sys.exit(main())
