"""``python -m etl``: an alias of ``python -m cli`` (:mod:`cli.main`), kept for scripts that call it."""

import sys

from cli.main import main

sys.exit(main())
