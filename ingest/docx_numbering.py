"""The numbers Word generates (automatic list numbering), written into a .docx body as text.

A heading typed as 总体情况 in a paragraph numbered by Word's list (``w:numPr``, or its style's)
shows as 一、总体情况; the number is in no ``w:t``: it comes from ``word/numbering.xml`` (the
level's format and text, e.g. ``chineseCounting`` and ``%1、``) and the paragraph's place in its
list. A reader of the text alone loses 一、, (一), 1.; the chapter headings and row labels of a
report lean on them. Here every numbered paragraph gets its number as a first run, as Word shows
it, before the body is read (``ingest.docx``).

Counting follows Word: one counter per list (``w:num``) and level; a level's counter restarts
(at its ``w:start``, or the list's ``w:startOverride``) after a paragraph of a higher level;
``%n`` in the level text is level n's counter in level n's format. Bullets and ``none`` show no
number (a bullet is no part of a label).
"""

from __future__ import annotations

from collections.abc import Callable

import lxml.etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
LEVELS = 9
CN_DIGITS = "零一二三四五六七八九"
CN_TRADITIONAL_DIGITS = "〇壹贰叁肆伍陆柒捌玖"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
ROMAN += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
SUFFIXES = {"tab": " ", "space": " ", "nothing": ""}  # after the number (default: tab)


def chinese_counting(n: int) -> str:
    """一 … 九, 十, 十一 … 十九, 二十, 二十一 …, 一百 …, 一百零一 (Word's chineseCounting)."""
    if n <= 0:
        return CN_DIGITS[0]
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + CN_DIGITS[rest] if rest < 10 else chinese_counting(rest))
        if 10 <= rest < 20:
            tail = "一" + tail  # 一百一十二
        return CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def letters(n: int) -> str:
    """A … Z, AA … ZZ (Word repeats the letter)."""
    if n <= 0:
        return ""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def cycle(symbols: str) -> Callable[[int], str]:
    return lambda n: symbols[(n - 1) % len(symbols)] if n > 0 else ""


def enclosed(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": enclosed,
    "decimalEnclosedCircleChinese": enclosed,
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}.",
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})",
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "ideographDigital": lambda n: "".join(CN_DIGITS[int(d)] for d in str(n)).replace("零", "〇"),
    "chineseLegalSimplified": lambda n: "".join(CN_TRADITIONAL_DIGITS[int(d)] for d in str(n)),
    "ideographTraditional": cycle(HEAVENLY_STEMS),
    "ideographZodiac": cycle(EARTHLY_BRANCHES),
    "upperLetter": letters,
    "lowerLetter": lambda n: letters(n).lower(),
    "upperRoman": roman,
    "lowerRoman": lambda n: roman(n).lower(),
    "ordinal": str,
    "cardinalText": str,
}


def val(element: lxml.etree._Element | None, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return found.get(f"{W}val") if found is not None else None


def int_val(element: lxml.etree._Element | None, path: str, default: int) -> int:
    value = val(element, path)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class Level:
    """One level of a list: its start, format, text and what follows the number."""

    __slots__ = ("format", "start", "suffix", "text")

    def __init__(self, lvl: lxml.etree._Element | None, start: int | None = None):
        self.start = start if start is not None else int_val(lvl, f"{W}start", 1)
        self.format = val(lvl, f"{W}numFmt") or "decimal"
        self.text = val(lvl, f"{W}lvlText")
        self.suffix = SUFFIXES.get(val(lvl, f"{W}suff") or "tab", " ")


class Numbering:
    """The lists of ``word/numbering.xml`` and the numbered paragraph styles of ``word/styles.xml``."""

    def __init__(self, numbering: lxml.etree._Element, styles: lxml.etree._Element | None):
        abstract = {a.get(f"{W}abstractNumId"): a for a in numbering.iter(f"{W}abstractNum")}
        self.lists: dict[str, list[Level]] = {}
        for num in numbering.iter(f"{W}num"):
            base = abstract.get(val(num, f"{W}abstractNumId"))
            if base is None:
                continue
            levels = {lvl.get(f"{W}ilvl"): lvl for lvl in base.iter(f"{W}lvl")}
            overrides = {o.get(f"{W}ilvl"): o for o in num.iter(f"{W}lvlOverride")}
            found = []
            for k in range(LEVELS):
                override = overrides.get(str(k))
                lvl = override.find(f"{W}lvl") if override is not None else None
                start = val(override, f"{W}startOverride")
                level = Level(lvl if lvl is not None else levels.get(str(k)), None)
                if start is not None and start.isdigit():
                    level.start = int(start)
                found.append(level)
            self.lists[num.get(f"{W}numId")] = found
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id: numId, ilvl, basedOn
        for style in styles.iter(f"{W}style") if styles is not None else ():
            ppr = style.find(f"{W}pPr")
            num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
            self.styles[style.get(f"{W}styleId")] = (
                val(num_pr, f"{W}numId"),
                val(num_pr, f"{W}ilvl"),
                val(style, f"{W}basedOn"),
            )

    def style_numbering(self, style: str | None) -> tuple[str | None, str | None]:
        seen: set[str] = set()
        while style and style not in seen:
            seen.add(style)
            num_id, ilvl, based_on = self.styles.get(style, (None, None, None))
            if num_id is not None:
                return num_id, ilvl
            style = based_on
        return None, None

    def number_paragraphs(self, body: lxml.etree._Element) -> None:
        """Each numbered paragraph of ``body`` gets its number, as Word shows it, as a first run."""
        counters: dict[str, list[int | None]] = {}
        for paragraph in body.iter(f"{W}p"):
            ppr = paragraph.find(f"{W}pPr")
            if ppr is None:
                continue
            num_pr = ppr.find(f"{W}numPr")
            num_id, ilvl = self.style_numbering(val(ppr, f"{W}pStyle"))
            if num_pr is not None:
                num_id = val(num_pr, f"{W}numId") or num_id
                ilvl = val(num_pr, f"{W}ilvl") or ilvl
            levels = self.lists.get(num_id or "")
            if levels is None:  # numId 0 (numbering removed) or a list that is not defined
                continue
            level = min(max(int(ilvl) if ilvl and ilvl.isdigit() else 0, 0), LEVELS - 1)
            counts = counters.setdefault(num_id or "", [None] * LEVELS)
            counts[level] = levels[level].start if counts[level] is None else counts[level] + 1
            for deeper in range(level + 1, LEVELS):
                counts[deeper] = None
            text = self.label(levels, counts, level)
            if text:
                run = lxml.etree.Element(f"{W}r")
                lxml.etree.SubElement(run, f"{W}t").text = text + levels[level].suffix
                ppr.addnext(run)

    @staticmethod
    def label(levels: list[Level], counts: list[int | None], level: int) -> str:
        pattern = levels[level].text
        if pattern is None or levels[level].format in ("bullet", "none"):
            return ""
        for k in range(LEVELS):
            token = f"%{k + 1}"
            if token in pattern:
                count = counts[k] if counts[k] is not None else levels[k].start
                pattern = pattern.replace(token, FORMATS.get(levels[k].format, str)(count))
        return pattern
