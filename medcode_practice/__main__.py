"""``python -m medcode_practice`` is the ``medcode`` command."""

import sys

from medcode_practice.cli import main

sys.exit(main())
