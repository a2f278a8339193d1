"""Character-level normalisation shared by every stage: width, spaces, brackets, labels."""

from __future__ import annotations

import re
import unicodedata

# Full-width ASCII (！ … ～) to half-width, and the ideographic space to a space.
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FULL_WIDTH[0x3000] = 0x20
EXTRA_FOLDS = str.maketrans(
    {
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "—": "-",
        "–": "-",
        "－": "-",
        "﹣": "-",
        "−": "-",
        "．": ".",
        "。": "。",
    }
)

SPACES = re.compile(r"[ \t\u00a0\u3000]+")
LABEL_DROP = re.compile(r"[\s\"'“”‘’「」『』《》·•*]")


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII; odd spaces to plain spaces."""
    return text.translate(FULL_WIDTH).translate(EXTRA_FOLDS)


def squash_spaces(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def label_key(text: str) -> str:
    """A label reduced for matching: half-width, no spaces or quotes (so 商业 企业 == 商业企业)."""
    return LABEL_DROP.sub("", fold_width(text))


def is_blank(text: str) -> bool:
    return not text or text.isspace() or all(unicodedata.category(ch) in ("Zs", "Cc", "Cf") for ch in text)
