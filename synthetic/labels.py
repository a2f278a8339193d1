"""Row labels as a careless publisher prints them: a character dropped or two swapped, a stray space,
the numbering left off (a local variant, ``Shares.variant``; the truth's variant ``label_slips``),
in the applications table's rows and Article 20's items and column headings.

Only slips a careful reader still resolves are printed, so the truth keeps every row's code: one
character dropped or swapped only in a label of at least :data:`SHORTEST` characters (not counting
its numbering or its note in brackets: 予以公开, never 其他 or 总计, which one slip could make
another word); spaces, and the numbering left off or with a character dropped ((一予以公开), in
any. The local extra row 其他主动公开文件 is never slipped (it
has no place in the template's order to be recognised by).

Each report's slips come from a stream of their own (seeded by the agency and the year), so the
corpus's other draws stay as they were and every renderer (page, text, Word, PDF, markdown) prints
the same labels.
"""

from __future__ import annotations

import random
import re
from functools import cache

from synthetic.template import (
    ARTICLE20,
    ITEM_LABELS,
    ITEM_LABELS_GB2021,
    MEASURE_LABELS,
    OUTCOME_LABELS,
    table_outcomes,
)
from synthetic.truth import ReportTruth

SLIPS = "label_slips"  # the truth's variant tag
SPLIT_HEADINGS = ("new_made", "new_published")
SHORTEST = 4
NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
QUOTES = "“”"


def core(text: str) -> str:
    """The words of a label without numbering: up to its note in brackets."""
    return text.split("（")[0]


def slip(label: str, rng: random.Random) -> str:
    """``label`` printed with one slip a reader resolves (see the module's docstring)."""
    numbering = NUMBERING.match(label)
    prefix = numbering.group() if numbering else ""
    text = label[len(prefix) :]
    words = core(text)
    kinds = ["spaces"] + (["numbering", "numbering_slip"] if prefix else [])
    if len(words.strip(QUOTES)) >= SHORTEST:
        kinds += ["drop", "swap"]
    kind = rng.choice(kinds)
    if kind == "numbering":
        return text
    if kind == "numbering_slip":  # （一予以公开, 3其他
        i = rng.randrange(len(prefix))
        return prefix[:i] + prefix[i + 1 :] + text
    if kind == "spaces":
        at = rng.randint(1, len(text) - 1)
        return prefix + text[:at] + " " + text[at:]
    if kind == "swap":
        i = rng.choice([i for i in range(len(words) - 1) if words[i] != words[i + 1]])
        return prefix + words[:i] + words[i + 1] + words[i] + text[i + 2 :]
    i = rng.randrange(len(words))
    return prefix + text[:i] + text[i + 1 :]


def printed_labels(truth: ReportTruth) -> dict[tuple[str, str], str]:
    """The slipped labels of a report with ``label_slips``: ('applications', outcome), ('article20',
    item) or ('measure', measure) (an Article 20 column heading) to the label printed; empty for every
    other report."""
    if SLIPS not in truth.variants:
        return {}
    return dict(
        _printed(
            truth.template_version,
            truth.agency.region_code,
            truth.agency.name,
            truth.report_year,
            tuple(table_outcomes(truth)),
        )
    )


@cache
def _printed(
    template: str, region: str, name: str, year: int, rows: tuple[str, ...]
) -> tuple[tuple[tuple[str, str], str], ...]:
    rng = random.Random(f"label_slips:{region}:{name}:{year}")
    items = ITEM_LABELS_GB2021 if template == "gb2021" else ITEM_LABELS
    labels = {("applications", code): OUTCOME_LABELS[code] for code in rows}
    labels |= {("article20", item): items[item] for _clause, its, _m in ARTICLE20[template] for item in its}
    labels |= {  # gb2019's 本年新 / 制作数量 headings are printed over two lines: not those
        ("measure", measure): label
        for measure, label in MEASURE_LABELS[template].items()
        if measure not in SPLIT_HEADINGS
    }
    chosen = rng.sample(sorted(labels), rng.randint(1, 3))
    return tuple((key, slip(labels[key], rng)) for key in chosen)
