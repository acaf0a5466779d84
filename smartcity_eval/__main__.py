"""``python -m smartcity_eval``: the same as the ``smartcity-eval`` command."""

import sys

from smartcity_eval.cli.main import main

sys.exit(main())
