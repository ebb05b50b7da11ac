"""Deep answers: median CPU time of `parse_json` on bodies nested far deeper than the standard
parser reads (bombs of 1 MB and 16 MiB, the runs API's default size limit) and on hostile
variants of them. Run: `python bench/parse.py [--before DIR] [--sizes 1,16]`; with --before,
the parser of another checkout (e.g. /work/main) is timed on the 1 MB bodies alongside (the old
parser takes seconds to minutes on them; it is given one try each).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkout import module_of
from viewer.runs import jsonparse

MB = 1_000_000
MiB = 1024 * 1024


def repeated(opening: bytes, closing: bytes, size: int, bottom: bytes = b"1") -> bytes:
    """`opening` * n + bottom + `closing` * n, about `size` bytes."""
    n = size // (len(opening) + len(closing))
    return opening * n + bottom + closing * n


BODIES: dict[str, Callable[[int], bytes]] = {
    "[[[ ... ]]]": lambda size: repeated(b"[", b"]", size),
    "[[[ ... (never closed)": lambda size: b"[" * size,
    '[{"a":[{"a": ...': lambda size: repeated(b'[{"a":', b"}]", size),
    "[1,[1,[1, ...": lambda size: repeated(b"[1,", b"]", size),
    "[],[],[], ... at depth 300": lambda size: b"[" * 300 + b"[],{}," * (size // 6) + b"]" * 300,
    "[[],[[],[[], ...": lambda size: repeated(b"[[],", b"]", size),
    "[[[]],[[[]], ...": lambda size: repeated(b"[[[]],", b"]", size),
    'strings with brackets ["[{\\"]", ...': lambda size: repeated(b'["[{\\"]",', b"]", size),
    "[[[ ... }}} (kinds differ)": lambda size: b"[" * (size // 2) + b"}" * (size // 2),
}


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        with contextlib.suppress(ValueError):  # some bodies are not JSON (NotJson): as timed
            work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="a checkout whose parser is compared")
    parser.add_argument("--sizes", default="1,16", help="body sizes: 1 = 1 MB, 16 = 16 MiB")
    args = parser.parse_args()
    sizes = [MB if size == "1" else int(size) * MiB for size in args.sizes.split(",")]
    before = module_of(args.before, "jsonparse") if args.before else None
    print("parse_json on deep bodies (median CPU ms: of 5 at 1 MB, of 3 above)")
    for size in sizes:
        for name, make in BODIES.items():
            body = make(size)
            after = median_seconds(
                lambda body=body: jsonparse.parse_json(body), 5 if size <= MB else 3
            )
            line = f"  {len(body) / MiB:6.2f} MiB  {name:<40} {after * 1000:9.1f} ms"
            line += f"  {len(body) / MB / after:7.1f} MB/s"
            if before is not None and size <= MB:
                old = median_seconds(lambda body=body: before.parse_json(body), 1)
                line += f"   before {old * 1000:9.1f} ms  x{old / after:.0f} faster"
            print(line, flush=True)


if __name__ == "__main__":
    main()
