"""A born-digital PDF to a :class:`Document`: the same token stream the HTML reader writes.

PDFium (``pypdfium2``) gives each character with its box and the page's path objects (the
drawn rules); everything else is geometry, here:

- **ruled tables**: the horizontal and vertical rules, merged where collinear, form grids;
  a cell is a box of the grid widened right and down until a drawn rule closes it (so a
  merged cell is one cell, as ``rowspan``/``colspan`` in HTML); its text is its characters'
  lines joined, so a label wrapped over lines, or written one character a line
  (三、本年度办理结果 down a narrow column), is one label. Each grid row's cells are one
  row of tokens, a blank cell a blank token, exactly as ``ingest.layout.add_table``;
- **unruled tables**: lines of text in several pieces, with figures among them; a header
  row (no figures) sets the columns, and each figure is placed in the column it stands
  under (a column with nothing under it is a blank cell); the lines of one cell (a
  wrapped label) are joined;
- **a table continued on the next page** is one table: its repeated header rows dropped;
- **running headers and footers**: the first or last line of a page that is a page number
  (``- 3 -``, ``第 3 页``, ``3/12``, ``第3页 共12页``) or that repeats at the same place on
  other pages is not text;
- **prose**: a paragraph's lines, each running to the right margin and the next starting at
  the left one (not indented), are one line; a title printed larger over two or three lines
  is one title.

The document information (Title, CreationDate) is a weak hint: used only where the text
has no title or date, with a warning (contract §2: the container never decides).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import io
import re
import zlib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.errors import RejectedFile
from ingest.layout import Document, Tokens, finish
from ingest.metadata import weak_hints
from ingest.numbers import TEXT_CELL, read_cell
from ingest.text import fold_width

TOL = 1.5  # points: rules this close are one, a character this far outside a cell is still in it
RULE_THICKNESS = 2.5  # a path thinner than this in one direction is a rule
SKIPPED = frozenset(" \t\r\n\u3000\xa0\ufffe\uffff\x00")
PAGE_NUMBER = re.compile(
    r"^(?:[-—–－―~·•\s]*\d{1,4}[-—–－―~·•\s]*"
    r"|第\s*\d{1,4}\s*页\s*(?:[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page\s*)?\d{1,4}\s*(?:of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
INFO_DATE = re.compile(r"^D?:?((?:19|20)\d{2})(\d{2})(\d{2})")


# --- characters and rules of a page ---------------------------------------------------------------


@dataclass
class Piece:
    """A run of characters on one line (no wide gap inside), or several such lines (a cell)."""

    # __slots__ by hand: dataclass(slots=True) makes a second class and drops the first, a
    # reference cycle left at import, while a shard parses with the collector paused
    __slots__ = ("bottom", "size", "text", "top", "x0", "x1")

    text: str
    x0: float
    x1: float
    top: float  # PDF coordinates: y grows upwards, so top > bottom
    bottom: float
    size: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class PageContent:
    number: int
    chars: list[tuple[str, float, float, float, float, float]]  # text, x0, x1, bottom, top, size
    horizontal: list[tuple[float, float, float]]  # y, x0, x1
    vertical: list[tuple[float, float, float]]  # x, y0, y1
    lost: list[Lost] = field(default_factory=list)  # text objects PDFium read no character of
    text_objects: int = 0  # the page's text objects (the content stream's text-showing operators)
    images: int = 0  # the page's image objects (a page of no text but an image is a scanned page)


@dataclass(frozen=True)
class Lost:
    """A text object PDFium gave no character of: its place among the page's text objects, where
    it starts (page space) and its font size there."""

    ordinal: int
    x: float
    y: float
    size: float


class Buffer:
    """One UTF-16 buffer for PDFium's text, grown in powers of two and kept: a ctypes array type
    made per length (as pypdfium2's ``get_text_range`` and ``get_metadata_value`` do) is a
    reference cycle the collector must free, and a shard parses with the collector paused."""

    array = (ctypes.c_ushort * 4096)()

    @classmethod
    def of(cls, units: int):
        if units > len(cls.array):
            cls.array = (ctypes.c_ushort * (1 << (units - 1).bit_length()))()
        return cls.array


def page_text(handle, count: int) -> str:
    buffer = Buffer.of(count + 1)
    written = pdfium_c.FPDFText_GetText(handle, 0, count, buffer)
    return ctypes.string_at(buffer, 2 * max(written - 1, 0)).decode("utf-16-le", "replace")


def metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    """The document information's Title, CreationDate and ModDate (those that are not empty)."""
    info = {}
    for key in ("Title", "CreationDate", "ModDate"):
        name = key.encode() + b"\x00"
        size = pdfium_c.FPDF_GetMetaText(pdf.raw, name, None, 0)
        if size <= 2:
            continue
        buffer = Buffer.of((size + 1) // 2)
        pdfium_c.FPDF_GetMetaText(pdf.raw, name, buffer, size)
        value = ctypes.string_at(buffer, size - 2).decode("utf-16-le", "replace")
        if value:
            info[key] = value
    return info


def read_page(page: pdfium.PdfPage, number: int) -> PageContent:
    textpage = page.get_textpage()
    handle = textpage.raw
    count = textpage.count_chars()
    text = page_text(handle, count) if count else ""
    if len(text) != count:  # characters beyond the BMP: one call a character instead
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(handle, i)) for i in range(count))
    box = pdfium_c.FS_RECTF()
    pointer = ctypes.byref(box)
    loose, font_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
    chars = []
    append = chars.append
    height, size = -1.0, 0.0
    for i, char in enumerate(text):
        if char in SKIPPED or not loose(handle, i, pointer):
            continue
        bottom, top = box.bottom, box.top
        if top - bottom != height:  # the loose box's height is the font's: ask its size only when it changes
            height, size = top - bottom, font_size(handle, i)
        append((char, box.left, box.right, bottom, top, size))
    horizontal, vertical = [], []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    get_object, get_type, get_bounds = (
        pdfium_c.FPDFPage_GetObject,
        pdfium_c.FPDFPageObj_GetType,
        pdfium_c.FPDFPageObj_GetBounds,
    )
    path, text_object, image_object, object_text = (
        pdfium_c.FPDF_PAGEOBJ_PATH,
        pdfium_c.FPDF_PAGEOBJ_TEXT,
        pdfium_c.FPDF_PAGEOBJ_IMAGE,
        pdfium_c.FPDFTextObj_GetText,
    )
    lost: list[Lost] = []
    ordinal = images = 0
    for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = get_object(page.raw, k)
        kind = get_type(obj)
        if kind == text_object:
            if object_text(obj, handle, None, 0) <= 2:  # PDFium read none of its characters
                lost.append(lost_object(obj, ordinal))
            ordinal += 1
            continue
        if kind != path or not get_bounds(obj, *bounds):
            images += kind == image_object
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        wide, high = x1 - x0, y1 - y0
        if high < RULE_THICKNESS and wide >= RULE_THICKNESS:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif wide < RULE_THICKNESS and high >= RULE_THICKNESS:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif wide >= RULE_THICKNESS and high >= RULE_THICKNESS:  # a rectangle: its four edges
            horizontal += [(y0, x0, x1), (y1, x0, x1)]
            vertical += [(x0, y0, y1), (x1, y0, y1)]
    textpage.close()
    return PageContent(number, chars, horizontal, vertical, lost, ordinal, images)


def lost_object(obj, ordinal: int) -> Lost:
    matrix, size = pdfium_c.FS_MATRIX(), ctypes.c_float()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    if abs(matrix.b) > 1e-6 or abs(matrix.c) > 1e-6 or matrix.a <= 0 or abs(matrix.a - matrix.d) > 1e-6:
        return Lost(ordinal, matrix.e, matrix.f, 0.0)  # rotated, skewed or stretched: not placed here
    return Lost(ordinal, matrix.e, matrix.f, size.value * matrix.a)


# --- the characters PDFium lost, from the content stream -----------------------------------------------

STRING = rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)|<[0-9A-Fa-f\s]*>"  # literal (one level nested), hex
CONTENT = re.compile(
    # every branch starts with one of these bytes: the lookahead lets the engine skip the stream's
    # other bytes (paths, numbers) without trying each branch there (3x faster on ruled pages)
    rb"(?=[(<\[/%B])(?:"
    rb"(?P<shown>" + STRING + rb")\s*(?:Tj|')(?![^\s/\[\]()<>{}%])"  # a string shown
    rb"|(?P<quoted>" + STRING + rb')\s*"(?![^\s/\[\]()<>{}%])'  # the " operator's string
    rb"|\[(?P<array>(?:" + STRING + rb"|[^\]()<>])*)\]\s*TJ(?![^\s/\[\]()<>{}%])"  # TJ's array
    rb"|/(?P<font>[^\s/\[\]()<>{}%]+)\s+[-+\d.]+\s+Tf(?![^\s/\[\]()<>{}%])"  # the font chosen
    rb"|(?P<image>(?<![^\s/\[\]()<>{}%])BI(?![^\s/\[\]()<>{}%]))"  # an inline image: not followed
    rb"|" + STRING + rb"|%[^\r\n]*)",  # a string of another operator, a comment: passed over
    re.S,
)
ARRAY_ITEM = re.compile(STRING + rb"|[-+]?(?:\d+\.?\d*|\.\d+)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|[\r\n]|.)", re.S)


def string_value(token: bytes) -> bytes:
    """A literal ``(...)`` or hex ``<...>`` string's bytes."""
    if token[:1] == b"<":
        digits = re.sub(rb"\s", b"", token[1:-1])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())

    def one(match: re.Match) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes((int(code, 8) & 0xFF,))
        if code in (b"\r\n", b"\r", b"\n"):
            return b""
        return ESCAPES.get(code, code)

    body = token[1:-1]
    return ESCAPE.sub(one, body) if b"\\" in body else body


def shown_text(stream: bytes) -> list[tuple[bytes, bytes, str]] | None:
    """The content stream's text-showing operators in order: (font resource name, operand as
    written, its kind); None where the stream holds what this reader does not follow (an inline
    image). One regular expression finds them; the stream's other operators are passed over in C.
    An operator that shows no byte (``() Tj``) makes no text object in PDFium, and is not counted."""
    shows: list[tuple[bytes, bytes, str]] = []
    font = b""
    for match in CONTENT.finditer(stream):
        kind = match.lastgroup
        if kind is None:
            continue
        if kind == "font":
            font = match.group("font")
        elif kind == "image":
            return None
        else:
            token = match.group(kind)
            if kind == "array" or token not in (b"()", b"<>"):
                shows.append((font, token, kind))
    return shows


def shown_items(token: bytes, kind: str) -> list[bytes | float]:
    """A text-showing operator's strings (and TJ's displacements)."""
    if kind != "array":
        return [string_value(token)]
    return [string_value(t) if t[:1] in b"(<" else float(t) for t in ARRAY_ITEM.findall(token)]


def a85_decode(data: bytes) -> bytes:
    """ASCII85 (as reportlab writes its streams): ~4x faster than ``base64.a85decode``."""
    data = data.strip()
    if data.startswith(b"<~"):
        data = data[2:]
    end = data.find(b"~>")
    data = re.sub(rb"\s", b"", data if end < 0 else data[:end]).replace(b"z", b"!!!!!")
    pad = -len(data) % 5
    d = (data + b"u" * pad).translate(A85_DIGITS)
    out = b"".join(
        [
            ((((d[i] * 85 + d[i + 1]) * 85 + d[i + 2]) * 85 + d[i + 3]) * 85 + d[i + 4]).to_bytes(4, "big")
            for i in range(0, len(d), 5)
        ]
    )
    return out[: len(out) - pad] if pad else out


A85_DIGITS = bytes((b - 33) % 256 for b in range(256))


def stream_data(stream) -> bytes:
    """A content stream's bytes: ASCII85 and Flate without parameters here, other filters by pdfminer.six."""
    filters = stream.get_filters()
    names = [str(getattr(f, "name", f)) for f, _ in filters]
    if any(params for _, params in filters) or not set(names) <= {
        "ASCII85Decode",
        "A85",
        "FlateDecode",
        "Fl",
    }:
        return stream.get_data()
    data = stream.rawdata
    try:
        for name in names:
            data = a85_decode(data) if name in ("ASCII85Decode", "A85") else zlib.decompress(data)
    except (ValueError, OverflowError, zlib.error):
        return stream.get_data()
    return data


INDIRECT = re.compile(rb"\d+\s+\d+\s+R(?![^\s/\[\]()<>{}%])")  # a reference to another object
OBJECT_HEADER = re.compile(rb"\s*(\d+)\s+\d+\s+obj\b")
FONT_OBJECT_MAX = 1 << 16  # bytes: a font dictionary, not a font program
SHARED_FONTS: dict[bytes, object] = {}  # a font object's bytes → pdfminer.six's font (this process)
SHARED_FONTS_MAX = 256


class Fonts:
    """pdfminer.six's fonts of one document. A font object that refers to no other object (a font
    that is not embedded, as office software and reportlab write a CJK font: its widths inline) is
    the same font wherever its bytes are the same, so it is read once a process, not once a document:
    its widths and CMaps cost more than the rest of the recovery."""

    def __init__(self, manager, document, data: bytes):
        self.manager, self.document, self.data = manager, document, data

    def get(self, spec) -> object:
        from pdfminer.pdftypes import resolve1

        objid = getattr(spec, "objid", None)
        key = self.key_of(objid) if objid is not None else None
        font = SHARED_FONTS.get(key) if key is not None else None
        if font is None:
            font = self.manager.get_font(objid, resolve1(spec))
            if key is not None:
                if len(SHARED_FONTS) >= SHARED_FONTS_MAX:
                    SHARED_FONTS.clear()
                SHARED_FONTS[key] = font
        return font

    def key_of(self, objid: int) -> bytes | None:
        """The object's bytes, where it stands alone in the file (not in an object stream) and
        refers to no other object; else None (read it from this document only)."""
        for xref in self.document.xrefs:
            try:
                stream_id, pos, _ = xref.get_pos(objid)
            except KeyError:
                continue
            if stream_id is not None:
                return None
            end = self.data.find(b"endobj", pos, pos + FONT_OBJECT_MAX)
            header = OBJECT_HEADER.match(self.data, pos, end) if end > 0 else None
            if header is None or int(header.group(1)) != objid:
                return None
            body = self.data[header.end() : end]
            return None if b"stream" in body or INDIRECT.search(body) else body
        return None


def recovered_chars(page, fonts: Fonts, content: PageContent) -> list | None:
    """The characters of the text objects PDFium lost, decoded from the page's content stream by
    pdfminer.six's fonts (their encodings, CMaps, ToUnicode and widths) and placed from PDFium's
    position of each object; None where the stream and PDFium's objects do not agree (the caller
    then reads the whole page with pdfminer.six)."""
    from pdfminer.pdftypes import resolve1, stream_value

    if any(lost.size <= 0 for lost in content.lost):
        return None
    streams = resolve1(page.get("Contents"))
    streams = streams if isinstance(streams, list) else [streams]
    data = b"\n".join(stream_data(stream_value(resolve1(s))) for s in streams if s is not None)
    shows = shown_text(data)
    if shows is None or len(shows) != content.text_objects:
        return None
    specs = resolve1((resolve1(page.get("Resources")) or {}).get("Font")) or {}
    used: dict[bytes, object] = {}
    chars = []
    for lost in content.lost:
        name, token, kind = shows[lost.ordinal]
        if name not in used:
            key = name.decode("latin-1")
            spec = specs.get(key)
            if spec is None:
                return None
            used[name] = fonts.get(spec)
        font = used[name]
        size = lost.size
        x, bottom, top = lost.x, lost.y + font.get_descent() * size, lost.y + font.get_ascent() * size
        for item in shown_items(token, kind):
            if isinstance(item, float):
                x -= item / 1000 * size
                continue
            if not isinstance(item, bytes):
                continue
            for cid in font.decode(item):
                advance = font.char_width(cid) * size
                try:
                    text = font.to_unichr(cid)
                except Exception:  # no Unicode for this code: the whole page the slow way
                    return None
                for char in text:
                    if char not in SKIPPED:
                        chars.append((char, x, x + advance, bottom, top, size))
                x += advance
    return chars


def read_page_pdfminer(page, number: int) -> PageContent:
    """The page through pdfminer.six (pdfplumber): slower, but it reads the characters PDFium loses
    (a lone CJK character in a font that is not embedded: a vertical label's, a wrapped label's last)."""
    height = float(page.height)
    chars = [
        (c["text"], c["x0"], c["x1"], height - c["bottom"], height - c["top"], c["size"])
        for c in page.chars
        if c["text"] not in SKIPPED
    ]
    horizontal, vertical = [], []
    for obj in (*page.lines, *page.rects):
        x0, x1, y0, y1 = obj["x0"], obj["x1"], height - obj["bottom"], height - obj["top"]
        wide, high = x1 - x0, y1 - y0
        if high < RULE_THICKNESS and wide >= RULE_THICKNESS:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif wide < RULE_THICKNESS and high >= RULE_THICKNESS:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif wide >= RULE_THICKNESS and high >= RULE_THICKNESS:
            horizontal += [(y0, x0, x1), (y1, x0, x1)]
            vertical += [(x0, y0, y1), (x1, y0, y1)]
    return PageContent(number, chars, horizontal, vertical)


def read_pages(data: bytes) -> tuple[list[PageContent], dict[str, str]]:
    """Every page's characters and rules (PDFium; pdfminer.six for a page where PDFium lost text)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise RejectedFile("unsupported_format", f"a PDF that cannot be opened ({error})") from None
    try:
        contents = [read_page(pdf[n], n + 1) for n in range(len(pdf))]
        info = metadata(pdf)
    finally:
        pdf.close()
    if any(c.lost for c in contents):
        recover_lost(data, contents)
    return contents, info


CMAP_DATA: list = []  # the CMap data pdfminer.six loaded in this process (see keep_cmap_data)


def keep_cmap_data() -> None:
    """pdfminer.six loads a CMap's data once per process as a class it then drops (a class is a
    reference cycle): kept here, the collector has nothing to free (a shard parses with it paused)."""
    from pdfminer.cmapdb import CMapDB

    load = CMapDB.__dict__["_load_data"].__func__
    if getattr(load, "keeps", False):
        return

    def kept(cls, name: str):
        data = load(cls, name)
        CMAP_DATA.append(data)
        return data

    kept.keeps = True  # type: ignore[attr-defined]
    CMapDB._load_data = classmethod(kept)  # type: ignore[method-assign]


def page_dicts(document) -> list[dict]:
    """The page dictionaries in order, with the Resources they inherit (pdfminer's own
    ``PDFPage.create_pages`` leaves a reference cycle per call: a recursive inner function)."""
    from pdfminer.pdftypes import resolve1

    pages: list[dict] = []
    stack = [(resolve1(document.catalog.get("Pages")), {})]
    seen: set[int] = set()
    while stack:
        node, inherited = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        kids = resolve1(node.get("Kids"))
        if isinstance(kids, list):
            passed = {**inherited, **({"Resources": node["Resources"]} if "Resources" in node else {})}
            stack += [(resolve1(kid), passed) for kid in reversed(kids)]
        else:
            pages.append({**inherited, **node})
    return pages


def recover_lost(data: bytes, contents: list[PageContent]) -> None:
    """The characters PDFium lost: each lost text object's own characters from the content stream
    (pdfminer.six decodes them; PDFium places them), or, where the stream is one this does not
    follow, the whole page read again by pdfminer.six (pdfplumber)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfparser import PDFParser

    if not CMAP_DATA and not getattr(keep_cmap_data, "done", False):
        # once a process: pdfminer.six's import looks up its version through importlib.metadata,
        # which leaves reference cycles; freed here, not left to a shard that pauses the collector
        gc.collect()
        keep_cmap_data()
        keep_cmap_data.done = True  # type: ignore[attr-defined]
    again = []
    manager = PDFResourceManager(caching=True)
    parser = PDFParser(io.BytesIO(data))
    document = PDFDocument(parser)
    fonts = Fonts(manager, document, data)
    for n, page in enumerate(page_dicts(document)):
        if n >= len(contents):
            break
        content = contents[n]
        if not content.lost:
            continue
        chars = recovered_chars(page, fonts, content)
        if chars is None:
            again.append(n)
        else:
            content.chars += chars
            content.lost = []
    document.__dict__.clear()  # pdfminer's objects refer back to their document, its parser to itself:
    parser.__dict__.clear()  # cycles the collector would have to free (a shard parses with it paused)
    if again:
        import pdfplumber  # only for the pages that need it (its import costs ~0.1 s)

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for n in again:
                contents[n] = read_page_pdfminer(pdf.pages[n], n + 1)
                pdf.pages[n].close()


def merge_segments(segments: list[tuple[float, float, float]]) -> dict[float, list[list[float]]]:
    """Collinear segments (same coordinate within TOL) merged where they touch: coordinate → runs."""
    merged: dict[float, list[list[float]]] = {}
    keys: list[float] = []
    for at, a, b in sorted(segments):
        if keys and at - keys[-1] <= TOL:
            at = keys[-1]
        else:
            keys.append(at)
            merged[at] = []
        runs = merged[at]
        lo, hi = min(a, b), max(a, b)
        if runs and lo <= runs[-1][1] + TOL:
            runs[-1][1] = max(runs[-1][1], hi)
        else:
            runs.append([lo, hi])
    for runs in merged.values():  # sorted by coordinate then start: runs are in order already
        runs.sort()
    return merged


def covers(runs: list[list[float]] | None, lo: float, hi: float) -> bool:
    return runs is not None and any(a - TOL <= lo and hi <= b + TOL for a, b in runs)


# --- ruled tables ---------------------------------------------------------------------------------


@dataclass
class RuledTable:
    page: int
    xs: list[float]
    ys: list[float]  # top first
    rows: list[list[str]] = field(default_factory=list)  # each grid row's cells (rows without cells gone)
    # each cell's box (x0, x1, bottom, top), parallel to ``rows``: where a scanned page's cell was read
    boxes: list[list[tuple[float, float, float, float]]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.ys[0]


def find_grids(
    horizontal: dict[float, list[list[float]]], vertical: dict[float, list[list[float]]]
) -> list[tuple[list[float], list[float]]]:
    """(xs, ys) of each set of rules that touch one another (a table), at least 2 × 2 of them."""
    hs = [(y, a, b) for y, runs in horizontal.items() for a, b in runs]
    vs = [(x, a, b) for x, runs in vertical.items() for a, b in runs]
    parent = list(range(len(hs) + len(vs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, x0, x1) in enumerate(hs):
        for j, (x, y0, y1) in enumerate(vs):
            if x0 - TOL <= x <= x1 + TOL and y0 - TOL <= y <= y1 + TOL:
                parent[root(i)] = root(len(hs) + j)
    groups: dict[int, tuple[set[float], set[float]]] = {}
    for i, (y, _, _) in enumerate(hs):
        groups.setdefault(root(i), (set(), set()))[1].add(y)
    for j, (x, _, _) in enumerate(vs):
        groups.setdefault(root(len(hs) + j), (set(), set()))[0].add(x)
    return [
        (sorted(xs), sorted(ys, reverse=True)) for xs, ys in groups.values() if len(xs) >= 2 and len(ys) >= 2
    ]


def grid_cells(
    xs: list[float],
    ys: list[float],
    horizontal: dict[float, list[list[float]]],
    vertical: dict[float, list[list[float]]],
) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int], int]]:
    """The cells (row, column, last row + 1, last column + 1) and the cell of each grid box."""
    cells: list[tuple[int, int, int, int]] = []
    owner: dict[tuple[int, int], int] = {}
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            if (r, c) in owner:
                continue
            right = c + 1
            while right < len(xs) - 1 and not covers(vertical.get(xs[right]), ys[r + 1], ys[r]):
                right += 1
            down = r + 1
            while down < len(ys) - 1 and not covers(horizontal.get(ys[down]), xs[c], xs[right]):
                down += 1
            for rr in range(r, down):
                for cc in range(c, right):
                    owner.setdefault((rr, cc), len(cells))
            cells.append((r, c, down, right))
    return cells, owner


def ruled_tables(content: PageContent) -> tuple[list[RuledTable], list[int]]:
    """The page's ruled tables with their cells' text; the indexes of the characters left outside."""
    horizontal, vertical = merge_segments(content.horizontal), merge_segments(content.vertical)
    grids = find_grids(horizontal, vertical) if horizontal and vertical else []
    if not grids:
        return [], list(range(len(content.chars)))
    found: list[tuple[RuledTable, list, dict, list[list[int]]]] = []
    for xs, ys in grids:
        cells, owner = grid_cells(xs, ys, horizontal, vertical)
        found.append((RuledTable(content.number, xs, ys), cells, owner, [[] for _ in cells]))
    lowered = [[-v for v in table.ys] for table, _, _, _ in found]  # ascending, for bisect
    outside = []
    for i, (_, x0, x1, bottom, top, _) in enumerate(content.chars):
        x, y = (x0 + x1) / 2, (bottom + top) / 2
        for (table, _, owner, members), below in zip(found, lowered, strict=True):
            xs, ys = table.xs, table.ys
            if xs[0] - TOL <= x <= xs[-1] + TOL and ys[-1] - TOL <= y <= ys[0] + TOL:
                c = bisect_right(xs, x) - 1
                c = 0 if c < 0 else c if c < len(xs) - 1 else len(xs) - 2
                r = bisect_left(below, -y) - 1  # the rules above y, less one
                r = 0 if r < 0 else r if r < len(ys) - 1 else len(ys) - 2
                members[owner[(r, c)]].append(i)
                break
        else:
            outside.append(i)
    tables = []
    for table, cells, _, members in found:
        rows: dict[int, list[tuple[int, str, tuple[float, float, float, float]]]] = {}
        xs, ys = table.xs, table.ys
        for (r, c, down, right), chars in zip(cells, members, strict=True):
            rows.setdefault(r, []).append((c, cell_text(content, chars), (xs[c], xs[right], ys[down], ys[r])))
        ordered = [sorted(cells_) for _, cells_ in sorted(rows.items())]
        table.rows = [[text for _, text, _ in row] for row in ordered]
        table.boxes = [[box for _, _, box in row] for row in ordered]
        tables.append(table)
    return tables, outside


# --- lines, pieces and bands ------------------------------------------------------------------------


def cell_text(content: PageContent, indexes: list[int]) -> str:
    """A ruled cell's text: its lines top first, each left to right (:func:`lines_of`'s reading).

    Most cells hold one line: where every character's middle lies within the line's tolerance of
    the topmost one, the characters are only ordered by x (on the order :func:`lines_of` gives
    them, so ties fall alike), without building lines and pieces (a third of a page's time)."""
    if len(indexes) < 2:
        return content.chars[indexes[0]][0] if indexes else ""
    chars = content.chars
    middles = [chars[i][3] + chars[i][4] for i in indexes]
    top = max(middles)
    if all(top - m <= 0.9 or top - m <= chars[i][5] * 0.9 for i, m in zip(indexes, middles, strict=True)):
        ordered = sorted(indexes, key=lambda i: -(chars[i][3] + chars[i][4]))
        ordered.sort(key=lambda i: chars[i][1])
        return "".join([chars[i][0] for i in ordered])
    return "".join(p.text for p in lines_of(content, indexes))


def lines_of(content: PageContent, indexes: list[int], gap: float | None = None) -> list[Piece]:
    """The characters grouped into lines, top first (and split into pieces at gaps wider than
    ``gap`` times the font size, where given)."""
    chars = content.chars
    ordered = sorted(indexes, key=lambda i: -(chars[i][3] + chars[i][4]))
    lines: list[list[int]] = []
    centre = 0.0
    for i in ordered:
        _, _, _, bottom, top, size = chars[i]
        middle = (bottom + top) / 2
        if lines and abs(centre - middle) <= max(size, 1.0) * 0.45:
            lines[-1].append(i)
        else:
            lines.append([i])
            centre = middle
    pieces: list[Piece] = []
    for line in lines:
        line.sort(key=lambda i: chars[i][1])
        run: list[int] = []
        for i in line:
            if run and gap is not None and chars[i][1] - chars[run[-1]][2] > gap * chars[i][5]:
                pieces.append(piece_of(chars, run))
                run = []
            run.append(i)
        pieces.append(piece_of(chars, run))
    return pieces


def piece_of(chars, run: list[int]) -> Piece:
    first, last = chars[run[0]], chars[run[-1]]
    return Piece(
        "".join(chars[i][0] for i in run),
        first[1],
        last[2],
        max([chars[i][4] for i in run]),
        min([chars[i][3] for i in run]),
        first[5],
    )


PIECE_GAP = 0.7  # a gap wider than this many font sizes parts two pieces of a line (table columns)
CELL_GAP = 0.5  # lines closer than this many font sizes belong to one band (a cell's wrapped lines)


@dataclass
class Band:
    """Lines close together (one row of an unruled table, or one line of prose): its cells."""

    page: int
    cells: list[Piece]

    @property
    def top(self) -> float:
        return max(c.top for c in self.cells)

    @property
    def bottom(self) -> float:
        return min(c.bottom for c in self.cells)

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


def bands_of(content: PageContent, indexes: list[int]) -> list[Band]:
    pieces = lines_of(content, indexes, PIECE_GAP)
    lines: list[list[Piece]] = []
    for piece in pieces:  # top first; pieces of one line come together
        if lines and abs(lines[-1][0].top - piece.top) < 0.45 * piece.size:
            lines[-1].append(piece)
        else:
            lines.append([piece])
    bands: list[list[Piece]] = []
    for line in lines:
        size = line[0].size
        previous = bands[-1] if bands else None
        if (
            previous is not None
            and min(p.bottom for p in previous) - max(p.top for p in line) < CELL_GAP * size
            and (len(line) > 1 or len(previous) > 1)
            and max(p.size for p in previous) == size
        ):
            previous.extend(line)
        else:
            bands.append(list(line))
    return [Band(content.number, cells_of(band)) for band in bands]


def overlaps_any(piece: Piece, others: list[Piece]) -> bool:
    return any(piece.x0 < o.x1 - TOL and o.x0 < piece.x1 - TOL for o in others)


def cells_of(pieces: list[Piece]) -> list[Piece]:
    """A band's pieces, those stacked in one column (overlapping in x) joined top to bottom."""
    cells: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.x0):
        for cell in cells:
            if overlaps_any(piece, cell):
                cell.append(piece)
                break
        else:
            cells.append([piece])
    joined = []
    for cell in cells:
        cell.sort(key=lambda p: (-p.top, p.x0))
        joined.append(
            Piece(
                "".join(p.text for p in cell),
                min(p.x0 for p in cell),
                max(p.x1 for p in cell),
                max(p.top for p in cell),
                min(p.bottom for p in cell),
                cell[0].size,
            )
        )
    return joined


# --- the document's items in reading order ------------------------------------------------------------


def is_value(text: str) -> bool:
    return read_cell(fold_width(text)) is not TEXT_CELL


def drop_running(pages: list[list[Band | RuledTable]]) -> None:
    """Running headers, footers and page numbers: a page's first or last line that is a page
    number, or whose text (digits aside) stands at the same place on another page."""
    if not pages:
        return
    seen: Counter[tuple[str, int]] = Counter()

    def signature(band: Band) -> tuple[str, int]:
        return re.sub(r"\d+", "#", band.text), round(band.top / 4)

    ends = []
    for items in pages:
        for item in {id(x): x for x in (items[:1] + items[-1:])}.values():
            if isinstance(item, Band):
                ends.append(item)
                seen[signature(item)] += 1
    for band in ends:
        if PAGE_NUMBER.match(band.text.strip()) or seen[signature(band)] >= 2:
            for items in pages:
                if band in items:
                    items.remove(band)


def same_width(a: RuledTable, b: RuledTable) -> bool:
    """The same outer edges: a table's part on the next page (its inner rules may differ: a part
    without the rows of a narrow column lacks that column's rules)."""
    return abs(a.xs[0] - b.xs[0]) <= TOL and abs(a.xs[-1] - b.xs[-1]) <= TOL


Box = tuple[float, float, float, float]  # x0, x1, bottom, top (page space)


def box_of(pieces: list[Piece]) -> Box:
    return (
        min(p.x0 for p in pieces),
        max(p.x1 for p in pieces),
        min(p.bottom for p in pieces),
        max(p.top for p in pieces),
    )


@dataclass
class Out:
    tokens: Tokens = field(default_factory=Tokens)
    pages: list[int] = field(default_factory=list)
    # where each token was read, parallel to the tokens: kept for a scanned page (the OCR reader
    # gives each cell the confidence of the characters inside it), None for a text layer
    boxes: list[Box | None] | None = None

    def add(self, text: str, page: int, row_start: bool, in_table: bool, box: Box | None = None) -> None:
        self.tokens.add(text, row_start, in_table)
        self.pages.append(page)
        if self.boxes is not None:
            self.boxes.append(box)


def emit_ruled(out: Out, table: RuledTable, previous: RuledTable | None) -> None:
    rows, boxes = table.rows, table.boxes
    if previous is not None and same_width(previous, table):  # continued: drop the repeated header
        n = 0
        while n < len(rows) and n < len(previous.rows) and rows[n] == previous.rows[n]:
            n += 1
        rows, boxes = rows[n:], boxes[n:]
    for row, row_boxes in zip(rows, boxes, strict=True):
        for n, (text, box) in enumerate(zip(row, row_boxes, strict=True)):
            out.add(text, table.page, n == 0, True, box)


def emit_unruled(out: Out, run: list[Band]) -> None:
    """An unruled table's rows: a header row (no figures) sets the columns; each figure goes to
    the column it stands under, a column with nothing under it is a blank cell."""
    left = min(b.cells[0].x0 for b in run if len(b.cells) > 1)
    columns: list[float] | None = None
    for band in run:
        cells = band.cells
        values = [is_value(c.text) for c in cells]
        if len(cells) > 1 and not any(values):
            columns = [c.centre for c in cells[1:]]
            emit_row(out, band.page, [c.text for c in cells], cells)
        elif columns and not values[0] and abs(cells[0].x0 - left) <= 2 * TOL:
            slots = [""] * len(columns)
            placed: list[list[Piece]] = [[] for _ in columns]
            for cell in cells[1:]:
                k = min(range(len(columns)), key=lambda k: abs(columns[k] - cell.centre))
                slots[k] = cell.text if not slots[k] else slots[k] + cell.text
                placed[k].append(cell)
            emit_row(out, band.page, [cells[0].text, *slots], [cells[0], *placed])
        else:
            if len(cells) == 1 and abs(cells[0].x0 - left) > 2 * TOL:
                columns = None  # a heading across the table (第二十条第(X)项): a new sub-table begins
            emit_row(out, band.page, [c.text for c in cells], cells)


def emit_row(out: Out, page: int, texts: list[str], where: list[Piece | list[Piece]]) -> None:
    """A row's cells; ``where`` holds each cell's piece (or pieces; none for a blank cell)."""
    for n, (text, at) in enumerate(zip(texts, where, strict=True)):
        box = None
        if out.boxes is not None and at:
            box = box_of(at) if isinstance(at, list) else box_of([at])
        out.add(text, page, n == 0, True, box)


CHAPTER = re.compile(r"^[一二三四五六七八九十]+、")


SENTENCE_ENDS = ("。", "；", "，", "：", ".", ";")  # a cell ending so is prose, not a table's


def table_runs(bands: list[Band]) -> list[tuple[int, int]]:
    """(start, end) of each run of bands that is an unruled table: rows of several cells, some of
    them figures, and between or after them rows of one cell that stand in the label column (a
    row whose cells are all blank) or across the table (a sub-table's heading)."""
    runs = []
    i = 0
    while i < len(bands):
        if len(bands[i].cells) < 2:
            i += 1
            continue
        left = bands[i].cells[0].x0
        label_right = bands[i].cells[1].x0
        right = bands[i].cells[-1].x1
        j, last, figures, headed, labels, sentences = i, i, 0, 0, 0, 0
        while j < len(bands):
            cells = bands[j].cells
            if len(cells) > 1:
                figures += any(is_value(c.text) for c in cells)
                headed += 1
                sentences += any(c.text.endswith(SENTENCE_ENDS) for c in cells)
                label_right = min(label_right, cells[1].x0)
                right = max(right, cells[-1].x1)
            else:
                cell = cells[0]
                in_label = abs(cell.x0 - left) <= 2 * TOL and cell.x1 <= label_right
                across = (
                    cell.x0 > left + TOL
                    and cell.x1 - cell.x0 < 0.6 * (right - left)
                    and abs(cell.centre - (left + right) / 2) <= 0.1 * (right - left)
                )
                if CHAPTER.match(cell.text) or not (in_label or across):
                    break
                labels += in_label
            last = j
            j += 1
        # a table of blank cells shows no figure: its header rows and the labels under them tell it
        if figures or (not sentences and (headed >= 2 or (headed and labels >= 2))):
            runs.append((i, last + 1))
        i = last + 1
    return runs


def emit_prose(out: Out, bands: list[Band], body_size: float, first_page: bool) -> None:
    """Lines of prose: a paragraph's lines joined, a large title's lines joined."""
    pieces = [(b, b.cells[0] if len(b.cells) == 1 else None) for b in bands]
    left = Counter(round(p.x0) for _, p in pieces if p is not None).most_common(1)
    margin_left = left[0][0] if left else 0.0
    margin_right = max((p.x1 for _, p in pieces if p is not None), default=0.0)
    line, page, joinable, size = "", 0, False, 0.0
    joined: list[Piece] = []  # the line's pieces (for its box, where boxes are kept)

    def line_box() -> Box | None:
        return box_of(joined) if out.boxes is not None and joined else None

    for band, piece in pieces:
        text = band.text
        if piece is None:
            if line:
                out.add(line, page, True, False, line_box())
            out.add(text, band.page, True, False, box_of(band.cells) if out.boxes is not None else None)
            line, joinable = "", False
            joined = []
            continue
        title = first_page and piece.size >= body_size * 1.15
        starts_flush = piece.x0 <= margin_left + 0.5 * piece.size
        if (
            line
            and piece.size == size
            and ((joinable and starts_flush) or (title and size >= body_size * 1.15))
        ):
            line += text
            joined.append(piece)
        else:
            if line:
                out.add(line, page, True, False, line_box())
            line, page, size = text, band.page, piece.size
            joined = [piece]
        joinable = piece.x1 >= margin_right - 1.2 * piece.size
    if line:
        out.add(line, page, True, False, line_box())


# --- the document -------------------------------------------------------------------------------------


def info_date(value: str | None) -> str | None:
    match = INFO_DATE.match((value or "").strip())
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def layout_pdf(data: bytes) -> Document:
    """A PDF's text layer to the Document the table, metadata and prose stages read; a PDF without
    one (scanned pages) to the OCR reader's (``ingest.ocr``)."""
    contents, info = read_pages(data)
    if not any(c.chars for c in contents):
        from ingest.ocr import layout_scanned_pdf  # its engine loads only for a scanned PDF

        return layout_scanned_pdf(data)
    scanned = [n for n, content in enumerate(contents) if not content.chars and content.images]
    if scanned:  # text pages and scanned ones (a typed cover, the signed tables scanned)
        from ingest.ocr import layout_partly_scanned_pdf

        doc = layout_partly_scanned_pdf(data, contents, scanned)
    else:
        doc, _ = layout_contents(contents, Out())
    date = info_date(info.get("CreationDate")) or info_date(info.get("ModDate"))
    weak_hints(doc, (info.get("Title") or "").strip(), date, "the PDF's document information")
    return doc


def layout_contents(
    contents: list[PageContent],
    out: Out,
    source_format: str = "pdf",
    review: Callable[[Out], None] | None = None,
) -> tuple[Document, Out]:
    """Pages of characters and rules (a text layer's, or a scanned page's as OCR read it) to a
    Document: tables, running heads and prose as above. ``out`` collects the tokens (and their
    boxes, where it keeps them); ``review`` (the OCR reader's) sees them before they are read."""
    sizes: Counter[float] = Counter()
    for size, n in Counter([ch[5] for c in contents for ch in c.chars]).items():  # few distinct sizes
        sizes[round(size, 1)] += n
    body_size = sizes.most_common(1)[0][0]
    pages: list[list[Band | RuledTable]] = []
    for content in contents:
        tables, outside = ruled_tables(content)
        items: list[Band | RuledTable] = [*bands_of(content, outside), *tables]
        items.sort(key=lambda item: -item.top)
        pages.append(items)
    drop_running(pages)
    previous: RuledTable | None = None
    prose: list[Band] = []
    flat = [item for items in pages for item in items]

    def flush() -> None:
        if not prose:
            return
        runs = table_runs(prose)
        at = 0
        for start, end in runs:
            emit_prose(out, prose[at:start], body_size, prose[at].page == 1 if at < start else False)
            emit_unruled(out, prose[start:end])
            at = end
        if at < len(prose):
            emit_prose(out, prose[at:], body_size, prose[at].page == 1)
        prose.clear()

    for item in flat:
        if isinstance(item, RuledTable):
            flush()
            emit_ruled(out, item, previous)
            previous = item
        else:
            prose.append(item)
            previous = None
    flush()
    if review is not None:
        review(out)
    tokens = out.tokens
    tokens.page = out.pages
    return finish("pdf", tokens, None, {}, source_format), out
