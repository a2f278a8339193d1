"""Character-level normalisation shared by every stage: width, spaces, brackets, labels."""

from __future__ import annotations

import re

# Full-width ASCII (！ … ～) to half-width, the ideographic space and other odd spaces to a
# space, zero-width marks removed, a few dashes and brackets to their ASCII form.
FOLDS: dict[str, str] = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
FOLDS |= {
    "\u3000": " ",
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
    "﹣": "-",
    "−": "-",
}
# A regex that visits only the characters to fold: far faster than str.translate with a
# mapping, which looks up every character of a mostly-Han text.
FOLDABLE = re.compile("[" + "".join(re.escape(ch) for ch in FOLDS) + "]")


def fold_match(match: re.Match[str]) -> str:
    return FOLDS[match.group()]


LABEL_QUOTES = "\"'“”‘’「」『』《》·•*"  # dropped from a label key, with all white space
LABEL_DROP = re.compile(rf"[\s{LABEL_QUOTES}]")


def fold_width(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII; odd spaces to plain spaces."""
    return FOLDABLE.sub(fold_match, text)


def squash_spaces(text: str) -> str:
    """Runs of white space (tabs, NBSP, U+3000 included) to one space, none at either end."""
    return " ".join(text.split())


def label_key(text: str) -> str:
    """A label reduced for matching: half-width, no spaces or quotes (so 商业 企业 == 商业企业)."""
    return folded_label_key(fold_width(text))


def folded_label_key(text: str) -> str:
    """:func:`label_key` of a text already width-folded."""
    return LABEL_DROP.sub("", text)


INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def is_blank(text: str) -> bool:
    """Empty, or only white space (any Unicode space: NBSP, U+3000) and zero-width characters."""
    return not text.strip().strip(INVISIBLE)
