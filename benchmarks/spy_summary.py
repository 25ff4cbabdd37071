"""Summarise py-spy's raw (collapsed) stacks: the functions with the most samples.

    py-spy record --gil -f raw -o stacks.txt -p PID -d 10
    python benchmarks/spy_summary.py stacks.txt [--top 40] [--filter mock_exchange]

``total`` counts the samples in which a function is anywhere on the stack (its inclusive
share), ``self`` those in which it is on top.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def load(path: str) -> tuple[Counter[str], Counter[str], int]:
    total: Counter[str] = Counter()
    own: Counter[str] = Counter()
    samples = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            samples += n
            frames = [_name(f) for f in stack.split(";") if f]
            for name in set(frames):
                total[name] += n
            if frames:
                own[frames[-1]] += n
    return total, own, samples


def _name(frame: str) -> str:
    match = FRAME.match(frame)
    if match is None:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", "mock_exchange/", "python3.11/"):
        if marker in path:
            path = (marker if marker == "mock_exchange/" else "") + path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--filter", default="")
    parser.add_argument("--by", choices=("total", "self"), default="total")
    args = parser.parse_args()
    total, own, samples = load(args.path)
    table = total if args.by == "total" else own
    print(f"{samples} samples")
    print(f"{'total%':>7} {'self%':>6}  function")
    for name, _ in table.most_common():
        if args.filter not in name:
            continue
        print(f"{100 * total[name] / samples:6.1f}% {100 * own[name] / samples:5.1f}%  {name}")
        args.top -= 1
        if args.top <= 0:
            break


if __name__ == "__main__":
    main()
