"""Data loader (Observable Framework): the queries of bi/sql/ over the published snapshot."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bi/, for snapshot.py

from snapshot import main  # noqa: E402

main()
