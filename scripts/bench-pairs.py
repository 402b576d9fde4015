#!/usr/bin/env python3
"""Paired whole-process timings of `extract`, finer than scripts/bench.sh's /usr/bin/time.

Usage: scripts/bench-pairs.py CORPUS.jsonl RUNS BIN [BIN...]

For each run and each binary, times `BIN --threads 1 --jsonl CORPUS` and then
`BIN --threads 2 --jsonl CORPUS` back to back (wall clock, to the microsecond), so the two
thread counts and the binaries see the same state of a machine whose speed drifts; then
prints the medians, MB/s of article text, the ratio of the medians and the median of the
paired ratios. Start-up (`--jsonl /dev/null`) is timed the same way at one and two threads.
Build the binaries first (`cargo build --release --example extract`, then copy).
"""
import json
import statistics
import subprocess
import sys
import time


def wall(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    corpus, runs, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    mb = 0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                mb += len(json.loads(line).get("text", "").encode())
    mb /= 1e6
    print(f"corpus: {corpus} ({mb:.1f} MB of article text), {runs} paired runs")
    times = {(b, k): [] for b in bins for k in ("s1", "s2", "t1", "t2")}
    for _ in range(runs):
        for b in bins:
            for th in ("1", "2"):
                times[(b, "s" + th)].append(wall([b, "--threads", th, "--jsonl", "/dev/null"]))
                times[(b, "t" + th)].append(wall([b, "--threads", th, "--jsonl", corpus]))
    for b in bins:
        med = {k: statistics.median(times[(b, k)]) for k in ("s1", "s2", "t1", "t2")}
        pairs = [a / c for a, c in zip(times[(b, "t1")], times[(b, "t2")])]
        print(
            f"{b}: start-up {med['s1'] * 1e3:.1f} / {med['s2'] * 1e3:.1f} ms (1 / 2 threads); "
            f"1 thread {med['t1']:.4f} s = {mb / med['t1']:.1f} MB/s; "
            f"2 threads {med['t2']:.4f} s = {mb / med['t2']:.1f} MB/s; "
            f"speed-up {med['t1'] / med['t2']:.3f} (median of pairs {statistics.median(pairs):.3f}, "
            f"{min(pairs):.3f}-{max(pairs):.3f})"
        )


if __name__ == "__main__":
    main()
