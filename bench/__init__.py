"""``make bench``: how fast and how big, measured on synthetic corpora (docs/performance.md)."""
