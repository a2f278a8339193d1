"""Blank cells: what a publisher leaves empty, printed blank and read as NULL (never 0).

Three habits, as in real reports: every zero left blank (seed 002; sometimes the 总计
column still says 0), a few whole rows left blank (a block of the appeals table, an
Article 20 item), or scattered cells. Clause (九) is never blanked (see :mod:`synthetic.values`).
"""

from __future__ import annotations

import random

from synthetic.truth import ReportTruth


def blank_cells(rng: random.Random, truth: ReportTruth, zeros: bool) -> None:
    """Print some cells blank (``None``): the zeros (``zeros``), else whole rows or a few cells."""
    tables = [t for t in (truth.disclosures, truth.applications, truth.appeals) if t]
    style = "zeros" if zeros else rng.choice(("rows", "cells"))
    if style == "zeros":
        keep_totals = rng.random() < 0.5
        for table in tables:
            for key, value in table.items():
                if value == 0 and not (keep_totals and key[1] == "total"):
                    table[key] = None
    elif style == "rows":
        for _ in range(rng.randint(1, 3)):
            table = rng.choice(tables)
            row = rng.choice(sorted({k[0] for k in table}))
            for key in table:
                if key[0] == row:
                    table[key] = None
    else:
        for _ in range(rng.randint(1, 6)):
            table = rng.choice(tables)
            table[rng.choice(sorted(table))] = None
    truth.variants.append(f"blank_{style}")
