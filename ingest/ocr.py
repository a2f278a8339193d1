"""Scanned pages (a PDF without a text layer, or PNG/JPEG/TIFF images) read by OCR, offline.

The engine is RapidOCR on onnxruntime (``rapidocr-onnxruntime`` 1.4.4): its PP-OCRv4 detection
and recognition models are files inside the wheel, so nothing is fetched at run time
(``tests/test_ocr.py`` reads a page with the network cut). A page goes through:

1. **the page image**: a scanned PDF's page rasterised by PDFium at :data:`DPI` (a page so large
   that it would pass :data:`MAX_SIDE_PX` at less); an image file decoded by Pillow (every frame
   of a multi-page TIFF), its resolution from the file or, where it gives none, from an A4
   page's width;
2. **straightening**: the skew (up to :data:`MAX_SKEW` degrees either way) is the angle at which
   the rows of ink line up best (the projection profile's sharpest), found on a small copy;
3. **the drawn grid**: horizontal and vertical rules found by morphological opening with long
   thin kernels (OpenCV), then erased from the image before OCR (a rule beside a digit reads as
   a 1); they become the rules :mod:`ingest.pdf` builds ruled tables from;
4. **OCR**: text boxes with each character's box and confidence, turned into the positioned
   characters a PDF's text layer gives (points, y upwards), so the very same stages follow:
   ruled tables from the grid, unruled ones by column alignment, running heads, prose
   (:func:`ingest.pdf.layout_contents`). Ink the text detector passed over (a lone 1 in a cell)
   is read on its own, and a figure read unsurely is read a second time (:func:`reread`).

Every token keeps the lowest confidence of the characters inside its box. A table's value cell
whose digits were read with a confidence below :data:`LOW_CONFIDENCE` is kept with an
``ocr_low_confidence`` warning naming its page, row and column; one below :data:`UNREADABLE`, or a
value cell that reads as neither a number nor words (``1O8``, ``Q``), is blanked (its fact is
NULL) with an ``ocr_unreadable`` warning: nothing is guessed. Each table fact then says
``source_method = 'ocr'`` and every fact carries its ``ocr_confidence`` (:func:`mark_facts`).

Cost is bounded: a file of more pages than ``WAREHOUSE_OCR_MAX_PAGES`` or that takes longer than
``WAREHOUSE_OCR_SECONDS`` is rejected ``ocr_over_budget`` (the clock is read between pages, so a
file stops at most one page past its budget). The engine runs single-threaded in each worker
of the parse's pool (``WAREHOUSE_OCR_THREADS`` to change it).
"""

from __future__ import annotations

import ctypes
import gc
import io
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ingest.errors import RejectedFile
from ingest.layout import Document
from ingest.numbers import TEXT_CELL, read_cell
from ingest.pdf import TOL, Out, PageContent, layout_contents
from ingest.records import ParsedReport, ParseWarning
from ingest.text import fold_width

DPI = 200  # a scanned PDF's pages are rasterised at this resolution
MAX_DPI = 300  # an image scanned finer is brought down to DPI
MAX_SIDE_PX = 4000  # ... unless a page (a poster, an A3 sheet) would be larger than this: then less
A4_WIDTH_IN = 8.27  # an image without a resolution is taken for an A4 page's width
MAX_SKEW = 4.0  # degrees either way: a sheet fed askew, not a page turned on its side
SKEW_WIDTH = 800  # pixels: the small copy the skew is measured on
LOW_CONFIDENCE = 0.90  # a digit read with less: kept, with a warning
UNREADABLE = 0.60  # a digit read with less: the cell is blanked (NULL), with a warning
SIZE_PER_HEIGHT = 0.87  # a text box's height (as detected) to the font size of the Chinese it holds
SIZE_GROUP = 1.25  # font sizes within this ratio of the smallest of a group are one size
RULE_KERNEL_PT = (40.0, 13.0)  # shortest horizontal, vertical rule (points): longer than any glyph
RULE_THICKNESS_PT = 3.0  # thicker than this is a filled area, not a rule
MAX_PAGES_DEFAULT = 30
SECONDS_DEFAULT = 300.0
CJK = re.compile(r"[\u3400-\u9fff]")
DIGIT = re.compile(r"\d")
SHORT_CELL = 12  # a value cell's text longer than this is words, never a misread number


@dataclass(frozen=True)
class Budget:
    max_pages: int
    seconds: float

    @classmethod
    def from_env(cls) -> Budget:
        return cls(
            positive(os.environ.get("WAREHOUSE_OCR_MAX_PAGES"), MAX_PAGES_DEFAULT, int),
            positive(os.environ.get("WAREHOUSE_OCR_SECONDS"), SECONDS_DEFAULT, float),
        )


def positive(value: str | None, default, kind):
    """A positive number from an environment variable; the default where unset or not one."""
    try:
        number = kind(value) if value not in (None, "") else default
    except ValueError:
        return default
    return number if number > 0 else default


class OcrPage(int):
    """A token's page number that carries the OCR confidence of its cell, so the table stage
    (which gives each fact its token's page) hands both to the fact unchanged; :func:`mark_facts`
    then puts the confidence in its own field and leaves a plain page number."""

    confidence: float | None

    def __new__(cls, page: int, confidence: float | None) -> OcrPage:
        made = super().__new__(cls, page)
        made.confidence = confidence
        return made


# --- the engine -------------------------------------------------------------------------------------


@cache
def engine():
    """The OCR engine, loaded once a process (its models are files inside the wheel)."""
    from rapidocr_onnxruntime import RapidOCR

    threads = positive(os.environ.get("WAREHOUSE_OCR_THREADS"), 1, int)
    cv2.setNumThreads(threads)
    # max_side_len: a 200 dpi A4 page (2339 px) is read at its own resolution, not shrunk to the
    # engine's default 2000 px (a lone 0 in a small table cell is read surer at full size)
    loaded = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False, max_side_len=2400)
    # loading (its modules' imports, the models' sessions) leaves reference cycles: freed once here,
    # so that a shard parsing with the collector paused has nothing of them to free
    gc.collect()
    return loaded


@dataclass
class Box:
    """One text box as read: its characters with their boxes (pixels) and confidences."""

    text: str
    chars: list[tuple[str, float, float, float]]  # char, x0, x1, confidence
    top: float
    bottom: float
    x0: float
    x1: float


def read_boxes(image: np.ndarray) -> list[Box]:
    """The page's text boxes, each character with its box and confidence."""
    result, _ = engine()(image, return_word_box=True, text_score=0.0, box_thresh=0.5, unclip_ratio=1.6)
    boxes = []
    for item in result or []:
        points, text, score = item[0], item[1], float(item[2])
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        word_boxes = item[3] if len(item) > 5 else []
        contents = item[4] if len(item) > 5 else []
        confs = item[5] if len(item) > 5 else []
        chars: list[tuple[str, float, float, float]] = []
        if (
            contents
            and len(contents) == len(word_boxes) == len(confs)
            and "".join(contents) == text.replace(" ", "")
        ):
            for ch, box, conf in zip(contents, word_boxes, confs, strict=True):
                chars.append((ch, min(p[0] for p in box), max(p[0] for p in box), float(conf)))
        else:  # no per-character boxes: the box's width shared out, the box's score for each
            shown = [ch for ch in text if not ch.isspace()]
            step = (x1 - x0) / max(len(shown), 1)
            chars = [(ch, x0 + n * step, x0 + (n + 1) * step, score) for n, ch in enumerate(shown)]
        if chars:
            boxes.append(Box(text, chars, top, bottom, x0, x1))
    return boxes


REREAD_PAD = (0.2, 0.3)  # a doubtful figure's second reading: margins (times its box's height) about it
REREAD_TIMES = 3  # ... and the figure side by side this many times, so that it reads as a line of figures


def reread(clean: np.ndarray, boxes: list[Box]) -> None:
    """A second reading of each figure read with less than :data:`LOW_CONFIDENCE`. The
    recogniser is trained on lines of text: a lone 0 in a table cell is a short, context-free
    crop it reads unsurely (alone, even as 。). So the figure's box, with a margin of paper, is
    set side by side :data:`REREAD_TIMES` times and read again; where that reading is the figure
    repeated, the surer of the two readings stands. Otherwise the first reading stands as it was
    (a second reading never lowers a confidence nor changes a digit: it only confirms)."""
    h, w = clean.shape
    for box in boxes:
        figure = box.text.replace(" ", "")
        if not figure or not DIGIT.search(figure) or CJK.search(figure):
            continue
        if min(conf for *_, conf in box.chars) >= LOW_CONFIDENCE:
            continue
        height = box.bottom - box.top
        across, down = (pad * height for pad in REREAD_PAD)
        crop = clean[
            max(0, int(box.top - down)) : min(h, int(box.bottom + down) + 1),
            max(0, int(box.x0 - across)) : min(w, int(box.x1 + across) + 1),
        ]
        line = np.hstack([crop] * REREAD_TIMES)
        result, _ = engine()(cv2.cvtColor(line, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False)
        if result and result[0][0].replace(" ", "") == figure * REREAD_TIMES:
            score = float(result[0][1])
            box.chars = [(ch, x0, x1, max(conf, score)) for ch, x0, x1, conf in box.chars]


GLYPH_PT = (4.0, 30.0)  # the height of ink that may be text (points): no speck, no picture
MISSED_MAX = 300  # ink clusters read again on one page, at most


def missed_boxes(clean: np.ndarray, boxes: list[Box], dpi: float) -> list[Box]:
    """Text the detector passed over, read on its own: the detector misses a lone narrow glyph (a
    1 or a 7 alone in a table cell) that the recogniser reads well. Ink outside every text box is
    grouped into clusters a glyph wide; each cluster of a text's height is recognised alone (and
    what it reads is doubted like any other cell: a speck that reads as junk is no number)."""
    ink = cv2.threshold(clean, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    h, w = ink.shape
    for box in boxes:
        ink[max(0, int(box.top) - 2) : int(box.bottom) + 3, max(0, int(box.x0) - 2) : int(box.x1) + 3] = 0
    per_pt = dpi / 72
    joined = cv2.dilate(
        ink, cv2.getStructuringElement(cv2.MORPH_RECT, (round(3 * per_pt), round(1.5 * per_pt)))
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found: list[Box] = []
    low, high = (pt * per_pt for pt in GLYPH_PT)
    for x, y, cw, ch, _ in sorted(
        (tuple(int(v) for v in row) for row in stats[1:n]), key=lambda r: (r[1], r[0])
    ):
        if not (low <= ch <= high and cw <= 40 * per_pt) or len(found) >= MISSED_MAX:
            continue
        if cv2.countNonZero(ink[y : y + ch, x : x + cw]) < 2 * per_pt * per_pt:  # a speck of noise
            continue
        pad = round(2 * per_pt)
        crop = clean[max(0, y - pad) : min(h, y + ch + pad), max(0, x - pad) : min(w, x + cw + pad)]
        result, _ = engine()(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False)
        text, score = (result[0][0], float(result[0][1])) if result else ("", 0.0)
        shown = [c for c in text if not c.isspace()]
        if shown:
            step = cw / len(shown)
            chars = [(c, x + k * step, x + (k + 1) * step, score) for k, c in enumerate(shown)]
            found.append(Box(text, chars, float(y), float(y + ch), float(x), float(x + cw)))
    return found


# --- page images -------------------------------------------------------------------------------------


def pdf_pages(
    data: bytes, budget: Budget, numbers: list[int] | None = None
) -> Iterator[tuple[np.ndarray, float]]:
    """A scanned PDF's pages (those of ``numbers``, 0-based, where given) as greyscale images at
    :data:`DPI`."""
    pdf = pdfium.PdfDocument(data)
    try:
        numbers = list(range(len(pdf))) if numbers is None else numbers
        over_pages(len(numbers), budget)
        for n in numbers:
            page = pdf[n]
            width, height = page.get_size()
            scale = min(DPI / 72, MAX_SIDE_PX / max(width, height, 1.0))
            bitmap = page.render(scale=scale, grayscale=True, bitmap_maker=Raster.bitmap)
            pixels = Raster.pixels(bitmap)
            bitmap.close()
            page.close()
            yield pixels, scale * 72
    finally:
        pdf.close()


class Raster:
    """One byte buffer for the rendered pages, grown in powers of two and kept: a ctypes array
    type made per bitmap size (as ``PdfBitmap.new_native`` and ``to_numpy`` make them) is a
    reference cycle the collector must free, and a shard parses with the collector paused."""

    buffer: ctypes.Array | None = None

    @classmethod
    def bitmap(cls, width: int, height: int, format: int, rev_byteorder: bool = False) -> pdfium.PdfBitmap:
        channels = 1 if format == pdfium_c.FPDFBitmap_Gray else 4
        stride = -(-width * channels // 4) * 4
        if cls.buffer is None or stride * height > len(cls.buffer):
            cls.buffer = (ctypes.c_ubyte * (1 << (stride * height - 1).bit_length()))()
        return pdfium.PdfBitmap.new_native(
            width, height, format, rev_byteorder, buffer=cls.buffer, stride=stride
        )

    @classmethod
    def pixels(cls, bitmap: pdfium.PdfBitmap) -> np.ndarray:
        """A greyscale bitmap's pixels, copied out of the shared buffer."""
        assert cls.buffer is not None
        rows = np.frombuffer(cls.buffer, dtype=np.uint8, count=bitmap.stride * bitmap.height)
        return rows.reshape(bitmap.height, bitmap.stride)[:, : bitmap.width].copy()


def image_pages(data: bytes, budget: Budget) -> Iterator[tuple[np.ndarray, float]]:
    """An image file's pages (every frame of a TIFF) as greyscale images, with their resolution."""
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except (OSError, Image.DecompressionBombError) as error:
        raise RejectedFile("unsupported_format", f"an image that cannot be decoded ({error})") from None
    over_pages(frames, budget)
    for n in range(frames):
        try:
            image.seek(n)
            pixels = np.asarray(image.convert("L"), dtype=np.uint8)
        except (OSError, ValueError) as error:
            raise RejectedFile(
                "unsupported_format", f"an image whose page {n + 1} cannot be decoded ({error})"
            ) from None
        dpi = image.info.get("dpi")
        resolution = float(dpi[0]) if dpi and 100 <= float(dpi[0]) <= 1200 else pixels.shape[1] / A4_WIDTH_IN
        if resolution > MAX_DPI:  # a 600 dpi scan reads no better than at DPI, and four times slower
            pixels = cv2.resize(
                pixels, None, fx=DPI / resolution, fy=DPI / resolution, interpolation=cv2.INTER_AREA
            )
            resolution = DPI
        yield pixels, resolution


def over_pages(count: int, budget: Budget) -> None:
    if count > budget.max_pages:
        raise RejectedFile(
            "ocr_over_budget",
            f"{count} scanned pages, more than the {budget.max_pages} OCR reads of one file "
            "(WAREHOUSE_OCR_MAX_PAGES)",
        )


# --- straightening and rules -------------------------------------------------------------------------


def skew_of(gray: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise) that lines the page's rows of ink up best."""
    scale = min(1.0, SKEW_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    h, w = ink.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(
            ink, cv2.getRotationMatrix2D(centre, angle, 1.0), (w, h), flags=cv2.INTER_NEAREST
        )
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25), key=sharpness)
    return float(max(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.05), key=sharpness))


def straighten(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def find_rules(
    gray: np.ndarray, dpi: float
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]], np.ndarray]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) rules in pixels, and the rules' mask.

    A rule is a long thin run of ink (morphological opening with a kernel longer than any glyph);
    only rules that meet a rule of the other direction are kept (a table's grid), so a tall stroke
    of a large title's character is never taken for one, nor erased."""
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    long_h, long_v = (max(10, round(pt * dpi / 72)) for pt in RULE_KERNEL_PT)
    thick = RULE_THICKNESS_PT * dpi / 72
    found: list[list[tuple[float, float, float, int]]] = [[], []]
    labelled = []
    for k, (kernel, gap) in enumerate((((long_h, 1), (5, 1)), ((1, long_v), (1, 5)))):
        # a rule broken by the scan's noise is closed over its small gaps first
        bridged = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
        mask = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for label in range(1, n):
            x, y, w, h, _ = (int(v) for v in stats[label])
            if k == 0 and w >= long_h and h <= thick:
                found[0].append((y + (h - 1) / 2, float(x), float(x + w - 1), label))  # pixel centres
            elif k == 1 and h >= long_v and w <= thick:
                found[1].append((x + (w - 1) / 2, float(y), float(y + h - 1), label))
        labelled.append(labels)
    reach = thick + 2
    meets_h = [
        any(x0 - reach <= x <= x1 + reach and y0 - reach <= y <= y1 + reach for x, y0, y1, _ in found[1])
        for y, x0, x1, _ in found[0]
    ]
    meets_v = [
        any(x0 - reach <= x <= x1 + reach and y0 - reach <= y <= y1 + reach for y, x0, x1, _ in found[0])
        for x, y0, y1, _ in found[1]
    ]
    horizontal = [h for h, keep in zip(found[0], meets_h, strict=True) if keep]
    vertical = [v for v, keep in zip(found[1], meets_v, strict=True) if keep]
    mask = np.zeros(gray.shape, np.uint8)
    for k, kept in enumerate((horizontal, vertical)):
        if kept:
            mask[np.isin(labelled[k], [label for *_, label in kept])] = 255
    return [h[:3] for h in horizontal], [v[:3] for v in vertical], mask


# --- a page to characters and rules ------------------------------------------------------------------


@dataclass
class ReadPage:
    content: PageContent
    confidences: list[float]  # parallel to content.chars
    angle: float


def read_page(gray: np.ndarray, dpi: float, number: int) -> ReadPage:
    """One page image to the characters and rules :mod:`ingest.pdf` reads (points, y upwards)."""
    angle = skew_of(gray)
    gray = straighten(gray, angle)
    horizontal, vertical, mask = find_rules(gray, dpi)
    clean = gray.copy()
    clean[cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0] = 255
    pt = 72 / dpi
    height = gray.shape[0]
    boxes = read_boxes(cv2.cvtColor(clean, cv2.COLOR_GRAY2BGR))
    boxes += missed_boxes(clean, boxes, dpi)
    reread(clean, boxes)
    sizes = font_sizes(boxes, pt)
    chars, confidences = [], []
    for box, size in zip(boxes, sizes, strict=True):
        middle = (height - (box.top + box.bottom) / 2) * pt
        for ch, x0, x1, conf in box.chars:
            chars.append((ch, x0 * pt, x1 * pt, middle - size / 2, middle + size / 2, size))
            confidences.append(conf)
    content = PageContent(
        number,
        chars,
        [((height - y) * pt, x0 * pt, x1 * pt) for y, x0, x1 in horizontal],
        [(x * pt, (height - y1) * pt, (height - y0) * pt) for x, y0, y1 in vertical],
    )
    return ReadPage(content, confidences, angle)


def font_sizes(boxes: list[Box], pt: float) -> list[float]:
    """Each box's font size (points). A box with Chinese in it is as tall as its characters; a
    box of figures alone is not (a lone 0 stands half as tall), so it takes the size of the
    Chinese box nearest to its line. The sizes are then grouped so that the lines of one size read
    as one size (the stages join a paragraph's lines, or a table header's, only where their sizes
    are equal): sizes within :data:`SIZE_GROUP` of a group's smallest are that group's median, to
    half a point (a table's 8 or 9 points one size, the body's 12, a title's 16 or more)."""
    middles = [(b.top + b.bottom) / 2 for b in boxes]
    chinese = [i for i, b in enumerate(boxes) if CJK.search(b.text)]
    raw = []
    for i, box in enumerate(boxes):
        if not chinese:
            raw.append((box.bottom - box.top) * pt * SIZE_PER_HEIGHT)
            continue
        nearest = i if i in chinese else min(chinese, key=lambda j: abs(middles[j] - middles[i]))
        raw.append((boxes[nearest].bottom - boxes[nearest].top) * pt * SIZE_PER_HEIGHT)
    order = sorted(range(len(raw)), key=raw.__getitem__)
    sizes = [0.0] * len(raw)
    group: list[int] = []

    def close() -> None:
        if group:
            median = sorted(raw[i] for i in group)[len(group) // 2]
            for i in group:
                sizes[i] = max(round(median * 2) / 2, 1.0)
            group.clear()

    for i in order:
        if group and raw[i] > raw[group[0]] * SIZE_GROUP:
            close()
        group.append(i)
    close()
    return sizes


# --- the document ------------------------------------------------------------------------------------


def layout_scanned_pdf(data: bytes) -> Document:
    """A PDF without a text layer: its pages by OCR (``source_format = 'pdf_scanned'``)."""
    budget = Budget.from_env()
    return layout_scanned(pdf_pages(data, budget), "pdf_scanned", budget)


def layout_image(data: bytes) -> Document:
    """A PNG, JPEG or (multi-page) TIFF of scanned pages, by OCR (``source_format = 'image'``)."""
    budget = Budget.from_env()
    return layout_scanned(image_pages(data, budget), "image", budget)


def layout_scanned(pages: Iterator[tuple[np.ndarray, float]], source_format: str, budget: Budget) -> Document:
    read = read_pages_within(pages, budget, None)
    if not any(page.content.chars for page in read):
        raise RejectedFile("not_a_report", f"{len(read)} scanned pages in which OCR read no text")
    return layout_read([page.content for page in read], dict(enumerate(read, start=1)), source_format)


def layout_partly_scanned_pdf(data: bytes, contents: list[PageContent], scanned: list[int]) -> Document:
    """A PDF whose pages ``scanned`` (0-based) hold an image and no text, the others a text layer:
    those pages by OCR, in their place among the others (``source_format = 'pdf_scanned'``: some
    of its facts were read by OCR, and say so)."""
    budget = Budget.from_env()
    read = read_pages_within(pdf_pages(data, budget, scanned), budget, [n + 1 for n in scanned])
    contents = list(contents)
    for page in read:
        contents[page.content.number - 1] = page.content
    return layout_read(contents, {page.content.number: page for page in read}, "pdf_scanned")


def read_pages_within(
    pages: Iterator[tuple[np.ndarray, float]], budget: Budget, numbers: list[int] | None
) -> list[ReadPage]:
    """Each page image read (numbered 1, 2, … or by ``numbers``), within the file's time budget."""
    started = time.monotonic()
    read: list[ReadPage] = []
    for gray, dpi in pages:
        elapsed = time.monotonic() - started
        if elapsed > budget.seconds:
            raise RejectedFile(
                "ocr_over_budget",
                f"OCR took {elapsed:.0f} s for {len(read)} pages, over the {budget.seconds:.0f} s a file "
                "may take (WAREHOUSE_OCR_SECONDS)",
            )
        read.append(read_page(gray, dpi, numbers[len(read)] if numbers else len(read) + 1))
    return read


def layout_read(contents: list[PageContent], read: dict[int, ReadPage], source_format: str) -> Document:
    """The pages to a Document; the tokens on the pages OCR read (``read``, by page number) with
    their confidences, doubtful cells warned about or blanked."""
    out = Out(boxes=[])
    warnings: list[ParseWarning] = []
    doc, _ = layout_contents(contents, out, source_format, lambda out: review(out, read, warnings))
    doc.warnings.extend(warnings)
    return doc


def review(out: Out, read: dict[int, ReadPage], warnings: list[ParseWarning]) -> None:
    """Each token's confidence (the lowest of the characters in its box) on its page number, on the
    pages OCR read (``read``, by page number; a text layer's tokens are left as they are); the
    doubtful value cells of tables warned about, the unreadable ones blanked."""
    assert out.boxes is not None
    tokens = out.tokens
    located = {number: locate(page) for number, page in read.items()}
    row_at = 0
    for i, (raw, page, box) in enumerate(zip(tokens.raw, out.pages, out.boxes, strict=True)):
        if tokens.row_start[i]:
            row_at = i
        if page not in located:
            continue
        confidence = None
        if box is not None:
            confidence = confidence_in(located[page], box)
        if tokens.in_table[i] and not tokens.row_start[i] and raw.strip():
            confidence = doubt(tokens.raw, i, row_at, page, confidence, warnings)
        out.pages[i] = OcrPage(page, confidence)


Located = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def locate(page: ReadPage) -> Located:
    """The page's characters' middles, confidences, and which are digits."""
    chars = page.content.chars
    xs = np.array([(c[1] + c[2]) / 2 for c in chars], dtype=np.float64)
    ys = np.array([(c[3] + c[4]) / 2 for c in chars], dtype=np.float64)
    digits = np.array([c[0].isdigit() for c in chars], dtype=bool)
    return xs, ys, np.array(page.confidences, dtype=np.float64), digits


def confidence_in(located: Located, box: tuple[float, float, float, float]) -> float | None:
    """The lowest confidence of the digits in the box, or of its characters where it has no digit
    (a figure's separators and unit, read less surely, do not make its digits doubtful)."""
    xs, ys, confs, digits = located
    x0, x1, bottom, top = box
    inside = (xs >= x0 - TOL) & (xs <= x1 + TOL) & (ys >= bottom - TOL) & (ys <= top + TOL)
    if not inside.any():
        return None
    counted = inside & digits if (inside & digits).any() else inside
    return round(float(confs[counted].min()), 3)


def doubt(
    raw: list[str], i: int, row_at: int, page: int, confidence: float | None, warnings: list[ParseWarning]
) -> float | None:
    """A table cell right of the label: kept, warned about, or blanked (the returned confidence)."""
    text = raw[i]
    value = read_cell(fold_width(text)) is not TEXT_CELL
    where = f"page {page}, row {raw[row_at][:40]!r}, column {i - row_at + 1}"
    misread = not value and len(text) <= SHORT_CELL and not CJK.search(text)
    # a value without a digit (/, -, 无: a printed "none") read unsurely may be a misread figure too
    if misread or (value and confidence is not None and confidence < UNREADABLE):
        why = "reads as neither a number nor words" if misread else f"was read with confidence {confidence}"
        warnings.append(ParseWarning("ocr_unreadable", f"{where}: {text!r} {why}; the cell is left NULL"))
        raw[i] = ""
        return confidence
    if value and confidence is not None and confidence < LOW_CONFIDENCE:
        warnings.append(
            ParseWarning(
                "ocr_low_confidence",
                f"{where}: {text!r} read with confidence {confidence}; a digit may be misread",
            )
        )
    return confidence


def mark_facts(report: ParsedReport, doc: Document) -> None:
    """An OCR'd report's facts, each with its confidence and a plain page number. A table cell's
    fact of a page OCR read says ``source_method = 'ocr'`` (the accounting identities check it as
    a table's; a partly scanned PDF's text pages keep their facts as read); a fact stated in a
    sentence stays ``'prose'`` (compared with the tables as any report's prose is) and takes the
    lowest confidence of the lines that hold its text, and their page."""
    tokens = doc.tokens
    pages = tokens.page or []
    for facts in (report.disclosures, report.applications, report.appeals, report.transactions):
        for fact in facts:
            page = fact.source_page
            if isinstance(page, OcrPage):  # a table's cell
                fact.source_method = "ocr"
                fact.ocr_confidence = page.confidence
                fact.source_page = int(page)
                continue
            if fact.source_method != "prose":  # a cell of a page with a text layer: as read
                continue
            holding = [n for n, raw in enumerate(tokens.raw) if fact.source_text and fact.source_text in raw]
            confs = [c for n in holding if (c := getattr(pages[n], "confidence", None)) is not None]
            fact.ocr_confidence = min(confs) if confs else None
            fact.source_page = int(pages[holding[0]]) if holding else None
    for cell in report.unmapped:
        if isinstance(cell.source_page, OcrPage):
            cell.source_page = int(cell.source_page)
