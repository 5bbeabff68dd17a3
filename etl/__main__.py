"""``python -m etl``: see :mod:`etl.cli`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.cli import main  # noqa: E402

sys.exit(main())
