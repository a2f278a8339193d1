"""``make bench``: how fast and how big, measured on synthetic corpora (see README, Benchmarks)."""
