"""The generated PDF of the sample corpus (samples/reports/gb2019_pdf_export.pdf): the bytes and the
expected values are what synthetic/pdf_sample.py writes from the generator's truth (deterministic,
reportlab's invariant mode), and the file has the geometry it is there for."""

from __future__ import annotations

from pathlib import Path

from ingest.pdf import PAGE_NUMBER, layout_pdf, read_pages
from synthetic.pdf_sample import NAME, STYLE, expected_yaml, sample_pdf, sample_truth

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_the_sample_is_what_the_generator_writes_from_its_truth() -> None:
    truth = sample_truth()
    assert (SAMPLES / "reports" / f"{NAME}.pdf").read_bytes() == sample_pdf(truth)
    assert (SAMPLES / "expected" / f"{NAME}.yaml").read_text(encoding="utf-8") == expected_yaml(truth)


def test_the_sample_has_the_geometry_it_is_there_for() -> None:
    data = (SAMPLES / "reports" / f"{NAME}.pdf").read_bytes()
    contents, _ = read_pages(data)
    assert not STYLE.ruled_article20 and not contents[0].horizontal  # Article 20: no rules on page 1
    assert len(contents) >= 3 and all(c.horizontal for c in contents[1:3])  # the ruled tables
    tokens = layout_pdf(data).tokens
    assert tokens.page is not None
    prose = [t for t, cell in zip(tokens.raw, tokens.in_table, strict=True) if not cell]
    assert not [t for t in prose if PAGE_NUMBER.match(t.strip())]  # - 3 - is no text
    assert sum("年政府信息公开工作年度报告" in t for t in tokens.raw) == 1  # no running header
    licensing = tokens.raw.index("行政许可")  # Article 20's columns found by alignment
    assert tokens.in_table[licensing] and tokens.raw[licensing + 1 : licensing + 4] == ["170", "1", "474"]
    assert tokens.raw.count("申请人情况") == 1  # the header repeated on the next page, dropped
    heading = tokens.raw.index("三、本年度办理结果")  # one character a line in the PDF
    assert tokens.in_table[heading]
    assert tokens.page[heading] == tokens.page[tokens.raw.index("申请人情况")] + 1  # across a page break
