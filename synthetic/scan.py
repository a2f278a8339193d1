"""A synthetic report as scanned pages: what a scanner gives of a printed report.

The report is laid out exactly as :func:`synthetic.pdf.render_pdf` prints it (the same pages of
text and rules, :func:`synthetic.pdf.lay_out`), then each page is rasterised at ``dpi`` with a
CJK font that lives inside the virtualenv (WenQuanYi Micro Hei, from the dev dependency
``paperang-p2-fonts-cjk``: reportlab's ``STSong-Light`` has no glyphs, and a CJK font installed
system-wide would change how PDFium reads text layers), and given the defects of a real scan:

- a resolution of 150–200 dpi (``dpi``);
- a rotation of up to ``max_angle`` degrees (the sheet fed askew), each page its own;
- blur (the scanner's optics), Gaussian noise (its sensor, the paper's grain);
- JPEG artefacts (the pages are stored as JPEG at ``jpeg_quality``).

The truth is the :class:`~synthetic.truth.ReportTruth` the pages were drawn from; ``Scan``
keeps the angles drawn, so a test can check the straightening too. ``scanned_pdf`` wraps the
pages in a PDF without a text layer (what a scanner's "scan to PDF" writes); ``scanned_tiff`` in
one multi-page TIFF.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synthetic.pdf import PAGE_H, PAGE_W, Page, PdfStyle, lay_out, page_mark
from synthetic.truth import ReportTruth

FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_FILE = "fonts/wqy-microhei.ttc"
RULE_WIDTH = 0.5  # points, as synthetic.pdf draws its rules


@dataclass(frozen=True)
class Defects:
    dpi: int = 200
    max_angle: float = 2.0  # degrees, either way
    blur: float = 0.8  # Gaussian sigma, pixels
    noise: float = 10.0  # standard deviation of the added noise, grey levels
    jpeg_quality: int = 75


@dataclass
class Scan:
    pages: list[bytes]  # JPEG, one a page
    angles: list[float]  # the rotation each page was given (degrees, counter-clockwise)
    dpi: int


@cache
def font(size_px: int) -> ImageFont.FreeTypeFont:
    path = files(FONT_PACKAGE).joinpath(FONT_FILE)
    return ImageFont.truetype(str(path), size_px, index=0)


def draw_page(page: Page, number: int, count: int, title: str, style: PdfStyle, dpi: int) -> Image.Image:
    """One page as printed (white paper, black ink), before the scanner's defects."""
    scale = dpi / 72
    image = Image.new("L", (round(PAGE_W * scale), round(PAGE_H * scale)), 255)
    draw = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale, (PAGE_H - y) * scale

    if style.running_header and number > 1:
        draw.text(at(PAGE_W / 2, PAGE_H - 40), title, fill=0, font=font(round(9 * scale)), anchor="ms")
    mark = page_mark(style.page_mark, number, count)
    draw.text(at(PAGE_W / 2, 40), mark, fill=0, font=font(round(10.5 * scale)), anchor="ms")
    width = max(1, round(RULE_WIDTH * scale))
    for x0, y0, x1, y1 in page.rules:
        draw.line([at(x0, y0), at(x1, y1)], fill=0, width=width)
    for x, y, size, text in page.texts:
        draw.text(at(x, y), text, fill=0, font=font(round(size * scale)), anchor="ls")
    return image


def degrade(image: Image.Image, angle: float, defects: Defects, noise: np.random.Generator) -> bytes:
    """A page through the scanner: turned by ``angle`` degrees, blurred, noisy, stored as JPEG."""
    pixels = np.asarray(image, dtype=np.uint8)
    h, w = pixels.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    pixels = cv2.warpAffine(pixels, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if defects.blur > 0:
        pixels = cv2.GaussianBlur(pixels, (0, 0), defects.blur)
    if defects.noise > 0:
        grain = noise.normal(0.0, defects.noise, pixels.shape)
        pixels = np.clip(pixels.astype(np.float32) + grain, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, defects.jpeg_quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode the page as JPEG")
    return encoded.tobytes()


def scan_report(
    truth: ReportTruth,
    rng: random.Random,
    style: PdfStyle | None = None,
    defects: Defects | None = None,
    max_pages: int | None = None,
) -> Scan:
    """The report's pages scanned (the first ``max_pages`` of them, where given)."""
    style = style or PdfStyle()
    defects = defects or Defects()
    pages, title = lay_out(truth, rng, style)
    noise = np.random.default_rng(rng.getrandbits(32))
    shown = pages if max_pages is None else pages[:max_pages]
    images, angles = [], []
    for n, page in enumerate(shown, start=1):
        angle = rng.uniform(-defects.max_angle, defects.max_angle)
        image = draw_page(page, n, len(pages), title, style, defects.dpi)
        images.append(degrade(image, angle, defects, noise))
        angles.append(angle)
    return Scan(images, angles, defects.dpi)


def scanned_pdf(scan: Scan) -> bytes:
    """The pages as a PDF of images, no text layer (a scanner's "scan to PDF")."""
    images = [Image.open(io.BytesIO(page)) for page in scan.pages]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=float(scan.dpi))
    return out.getvalue()


def scanned_tiff(scan: Scan) -> bytes:
    """The pages as one multi-page TIFF (as a document scanner's "scan to TIFF")."""
    images = [Image.open(io.BytesIO(page)) for page in scan.pages]
    out = io.BytesIO()
    images[0].save(
        out,
        format="TIFF",
        save_all=True,
        append_images=images[1:],
        dpi=(scan.dpi, scan.dpi),
        compression="tiff_lzw",
    )
    return out.getvalue()
