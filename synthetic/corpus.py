"""Write a synthetic corpus: report files in year folders, a share of bad files, and ``truth.jsonl``.

Streaming: one agency's consecutive reports are generated, rendered and written, then
forgotten; ``truth.jsonl`` is appended line by line. Memory stays flat whatever ``n``
(the agency pool, every name of the country, is the only thing held: a few MB).

Deterministic: the same ``seed`` and options give byte-identical files. Each agency has
its own random stream (seeded by the corpus seed and its index), so the corpus of
``n`` reports is a prefix of the corpus of ``n + k`` (the last agency's run of years
is cut where ``n`` is reached).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from synthetic.agencies import AgencyPool, NamePlan
from synthetic.render import render, sidecar_json
from synthetic.style import draw_habits, draw_style
from synthetic.truth import BadFile, ReportTruth, to_json
from synthetic.values import Shares, agency_reports

BAD_KINDS = ("empty", "binary", "not_a_report")


@dataclass
class Summary:
    reports: int = 0
    bad_files: int = 0
    agencies: int = 0
    bytes_written: int = 0
    seconds: float = 0.0
    by_template: Counter[str] = field(default_factory=Counter)
    by_shape: Counter[str] = field(default_factory=Counter)
    by_encoding: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    blanks: int = 0

    def lines(self) -> list[str]:
        rate = self.reports / self.seconds if self.seconds else 0.0
        return [
            f"{self.reports} reports from {self.agencies} agencies, {self.bad_files} bad files, "
            f"{self.bytes_written / 1e6:.1f} MB in {self.seconds:.1f} s ({rate:.0f} reports/s)",
            f"templates {dict(sorted(self.by_template.items()))}",
            f"shapes {dict(sorted(self.by_shape.items()))}",
            f"encodings {dict(sorted(self.by_encoding.items()))}",
            f"reports with a publisher error {self.errors}, with blank cells {self.blanks}",
        ]


def bad_file(rng: random.Random, index: int, year: int) -> tuple[str, bytes, str]:
    """(file name, bytes, expected error code) of a file that is not a report."""
    kind = rng.choice(BAD_KINDS)
    if kind == "empty":
        data = rng.choice((b"", b"\n", b"   \r\n\t\n"))
        return f"bad{index:06d}{rng.choice(('.html', '.txt'))}", data, kind
    if kind == "binary":
        # binary data that is no document (an image or a PDF is a report's form: unsupported_format)
        head = rng.choice((b"GIF89a", b"\x1f\x8b\x08\x00", b"PK\x03\x04", b"\x00\x01\x00\x00"))
        return f"bad{index:06d}{rng.choice(('.html', '.htm', '.txt'))}", head + rng.randbytes(200), kind
    return f"news{index:06d}.html", news_page(rng, index, year).encode("utf-8"), kind


def news_page(rng: random.Random, index: int, year: int) -> str:
    """A portal news item about 政务公开: no report title, no tables, no chapters."""
    topic = rng.choice(("政务公开工作推进会", "政府网站与政务新媒体检查通报会", "政务公开业务培训会"))
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>召开{year + 1}年{topic}_工作动态</title>'
        '</head><body>\n<div class="crumbs">当前位置：首页 &gt; 政务公开 &gt; 工作动态</div>\n'
        f"<h1>召开{year + 1}年{topic}</h1>\n"
        f'<div class="info">发布时间：{year + 1}-03-{rng.randint(1, 28):02d}'
        f"　来源：办公室　编号：{index}</div>\n"
        f"<p>{year + 1}年3月，召开{topic}，总结上一年度政务公开工作，部署本年度重点任务，"
        "要求各单位进一步提高认识，压实责任，推动政务公开工作提质增效，持续提升政府透明度和公信力。</p>\n"
        "<p>会议指出，各单位要聚焦重点领域信息公开，做好政策解读和回应关切，加强政府网站和政务新媒体管理，"
        "严格落实信息发布审核制度，确保发布内容准确、及时、规范。</p>\n"
        "<p>会议要求，各单位要对照考核指标逐项查漏补缺，按时完成年度各项任务。</p>\n"
        "</body></html>\n"
    )


@dataclass(frozen=True)
class Item:
    """One file of the corpus: its truth (a report, or a bad file) and its bytes."""

    truth: ReportTruth | BadFile
    data: bytes
    sidecar: dict[str, str] | None = None


def iter_corpus(n: int, seed: int, shares: Shares | None = None, bad_share: float = 0.01) -> Iterator[Item]:
    """The corpus's files in order, one agency's consecutive years at a time (nothing is kept)."""
    shares = shares or Shares()
    pool = AgencyPool(seed)
    master = random.Random(f"corpus-{seed}")
    reports = bad = index = 0
    while reports < n:
        rng = random.Random(f"agency-{seed}-{index}")
        agency = pool.draw(master)
        habits = draw_habits(rng, agency, shares.traps)
        names = NamePlan(agency, random.Random(f"names-{seed}-{index}"), shares.names, n - reports)
        for truth in agency_reports(rng, agency, shares, named=names.agency_in):
            if reports >= n:
                break
            style = draw_style(rng, habits, truth.template_version, shares.variant)
            style = names.style_in(truth.report_year, style)
            rendered = render(truth, style, rng)
            year = truth.report_year
            truth.path = f"{year}/a{index:06d}_{year}{rendered.extension}"
            yield Item(truth, rendered.data, rendered.sidecar)
            reports += 1
            if master.random() < bad_share:
                name, data, code = bad_file(master, bad, year)
                yield Item(BadFile(f"{year}/{name}", code), data)
                bad += 1
        index += 1


def generate(
    n: int,
    seed: int,
    out: Path,
    shares: Shares | None = None,
    bad_share: float = 0.01,
    progress: Callable[[int, float], None] | None = None,
) -> Summary:
    """Write ``n`` reports (and about ``bad_share * n`` bad files) under ``out``, with ``out/truth.jsonl``."""
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    started = time.perf_counter()
    folders: set[str] = set()
    agencies: set[str] = set()
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth_file:
        for item in iter_corpus(n, seed, shares, bad_share):
            truth = item.truth
            folder = truth.path.split("/", 1)[0]
            if folder not in folders:
                (out / folder).mkdir(exist_ok=True)
                folders.add(folder)
            (out / truth.path).write_bytes(item.data)
            truth_file.write(to_json(truth) + "\n")
            if isinstance(truth, BadFile):
                summary.bad_files += 1
                continue
            if item.sidecar:
                (out / (truth.path + ".meta.json")).write_bytes(sidecar_json(item.sidecar))
            agency = truth.path.split("/")[1].split("_")[0]
            if agency not in agencies:  # one agency's reports come together: a small window suffices
                agencies = {agency}
                summary.agencies += 1
            summary.reports += 1
            summary.bytes_written += len(item.data)
            summary.by_template[truth.template_version] += 1
            summary.by_shape[truth.shape] += 1
            summary.by_encoding[truth.encoding] += 1
            summary.errors += any(e.kind != "inherited" for e in truth.errors)
            summary.blanks += any(v.startswith("blank_") for v in truth.variants)
            if progress and summary.reports % 10_000 == 0:
                progress(summary.reports, time.perf_counter() - started)
    summary.seconds = time.perf_counter() - started
    return summary
