"""``python -m smartcity_eval``: the same as the ``smartcity-eval`` command."""

import sys

from .cli import main

sys.exit(main())
