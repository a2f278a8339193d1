"""``python -m synthetic --n 1000 --seed 7 --out DIR``: write a synthetic corpus and its truth."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthetic.corpus import generate
from synthetic.values import Shares


def share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synthetic",
        description="Write N synthetic annual reports (in year folders), a share of bad files, "
        "and truth.jsonl (what the parser must read back) into DIR.",
    )
    parser.add_argument("--n", type=int, required=True, help="number of report files")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same corpus)")
    parser.add_argument("--out", type=Path, required=True, help="output directory (a landing directory)")
    parser.add_argument("--error-share", type=share, default=0.05, help="reports with one publisher error")
    parser.add_argument("--blank-share", type=share, default=0.10, help="reports with blank cells")
    parser.add_argument(
        "--bad-share", type=share, default=0.01, help="bad files per report (empty, binary, …)"
    )
    parser.add_argument("--variant-share", type=share, default=0.25, help="agencies with local variants")
    parser.add_argument(
        "--trap-share",
        type=share,
        default=0.05,
        help="agencies whose pages use layouts known to trip the parser",
    )
    parser.add_argument(
        "--name-share",
        type=share,
        default=0.15,
        help="agencies printing their name differently across years (parent place, 管委会, script)",
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be positive")
    shares = Shares(args.error_share, args.blank_share, args.variant_share, args.trap_share, args.name_share)

    def progress(done: int, seconds: float) -> None:
        print(f"{done} reports, {seconds:.0f} s", file=sys.stderr, flush=True)

    summary = generate(args.n, args.seed, args.out, shares, args.bad_share, progress)
    for line in summary.lines():
        print(line)
    print(f"truth: {args.out / 'truth.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
