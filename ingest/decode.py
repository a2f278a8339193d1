"""Bytes to text: charset from the bytes themselves (never trusting a meta tag), mojibake flagged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.errors import RejectedFile
from ingest.records import ParseWarning

BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",  # OLE (.doc, .xls)
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))

# The most frequent characters of report text, in both scripts: the candidate decoding
# in which more of the text is made of them is the right one (GBK bytes read as Big5, or
# the reverse, come out as rare characters).
COMMON_HAN = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
    "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业"
    "本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利"
    "比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文"
    "总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干"
    "做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共"
    "权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张"
    "信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验"
    "连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写"
    "存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙"
    "飞申请况项息开公政府务信"
    "這為個們時來說產種後動經實現過從當點體機還會將開關與應對見問間頭邊麼結處發現學樣義舉國區"
    "報條況項總數據務請權內傳單況規劃幾計設資訊網頁縣廳辦"
)
MOJIBAKE_RUN = re.compile(r"(?:[\u00c0-\u00ef][\u0080-\u00bf]{0,2}){2,}")
MOJIBAKE_HINT = re.compile(r"[\u00c0-\u00ef][\u0080-\u00bf]")  # cheap test before the full scan


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[ParseWarning] = field(default_factory=list)
    # False where the text cannot hold mojibake, so repair_mojibake need not scan it: UTF-8
    # bytes without 0xC3 decode to no character of U+00C0–U+00FF, where every run begins
    mojibake_possible: bool = True


NOT_HAN = re.compile(r"[^\u4e00-\u9fff]+")
COMMON_HAN_RUN = re.compile("[" + "".join(sorted(COMMON_HAN)) + "]+")
SAMPLE_CHARS = 4000  # Han characters enough to tell one decoding from another


def common_share(text: str) -> float:
    """The share of the text's Han characters (a sample of them) that are common ones.

    Counted by deleting (in C, one string each) what is not Han, then what is common: half the
    time of a list of 4,000 one-character strings.
    """
    han = NOT_HAN.sub("", text[: 4 * SAMPLE_CHARS])[:SAMPLE_CHARS]
    if not han:
        return 0.0
    return (len(han) - len(COMMON_HAN_RUN.sub("", han))) / len(han)


def check_not_binary(data: bytes) -> None:
    if not data.strip():
        raise RejectedFile(
            "empty", "the file has no content" if not data else "the file holds only white space"
        )
    if data.startswith(BINARY_SIGNATURES):
        raise RejectedFile("binary", "the file starts with the signature of an image, PDF or archive")
    sample = data[:65536]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RejectedFile("binary", "the file contains NUL bytes: it is binary data, not text")


def decode_bytes(data: bytes) -> Decoded:
    """The text of a report file, whichever of UTF-8, GB18030/GBK or Big5 it was written in."""
    check_not_binary(data)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(encoding, errors="replace"), encoding)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", mojibake_possible=b"\xc3" in data)
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((common_share(text), encoding, text))
    if candidates:
        share, encoding, text = max(candidates)
        if share > 0.3:
            return Decoded(text, encoding)
    # Mostly UTF-8 with a few broken bytes (a truncated download): keep it, say so.
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if broken and broken < max(8, len(text) // 200) and common_share(text) > 0.3:
        return Decoded(
            text, "utf-8", [ParseWarning("decode_replaced", f"{broken} undecodable byte sequences replaced")]
        )
    raise RejectedFile("undecodable", "the bytes are not valid UTF-8, GB18030/GBK or Big5 text")


def repair_mojibake(text: str) -> tuple[str, list[ParseWarning]]:
    """Find UTF-8 read as Latin-1 (``å¸å§`` for 市委): repair a run only where the repair is certain.

    A run is certain when its characters re-encode to bytes that decode as UTF-8 without
    any loss. Runs whose bytes were partly dropped (so no exact inverse exists) are kept
    as printed and flagged.
    """
    warnings: list[ParseWarning] = []

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        for codec in ("latin-1", "cp1252"):
            try:
                repaired = run.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if all("\u4e00" <= ch <= "\u9fff" or ch in "，。、：；" for ch in repaired):
                warnings.append(ParseWarning("mojibake_repaired", f"{run!r} read back as UTF-8: {repaired}"))
                return repaired
        warnings.append(
            ParseWarning(
                "mojibake", f"text garbled by a wrong encoding, bytes lost, kept as printed: {run!r}"
            )
        )
        return run

    if not MOJIBAKE_HINT.search(text):
        return text, warnings
    return MOJIBAKE_RUN.sub(fix, text), warnings
