#!/usr/bin/env bash
# A large user gazetteer: build time and throughput against the defaults alone.
#
# Usage: scripts/bench-user-gazetteer.sh CORPUS.jsonl [NAMES] [RUNS]
#   Writes NAMES (default 1000000) synthetic PERSON rows (made-up two-word names from a
#   fixed seed, each with one alias) to a temporary gazetteer file, then times with
#   scripts/bench.sh (one thread): start-up (building the defaults plus the file) and the
#   whole run over CORPUS, with and without the file, and prints the throughput ratio.
set -euo pipefail
corpus=${1:?usage: scripts/bench-user-gazetteer.sh CORPUS.jsonl [NAMES] [RUNS]}
names=${2:-1000000}
runs=${3:-3}
here="$(cd "$(dirname "$0")" && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$names" > "$tmp/user.tsv" <<'PY'
import random, sys
n = int(sys.argv[1])
rng = random.Random(20261127)
on = ["b", "d", "k", "l", "m", "n", "r", "s", "t", "v", "z", "ch", "sh", "br", "tr", ""]
nu = ["a", "e", "i", "o", "u", "ai", "ei", "ou"]
co = ["", "n", "r", "s", "l", "m", "k", "th"]
def word(k):
    return "".join(rng.choice(on) + rng.choice(nu) + rng.choice(co) for _ in range(k)).capitalize()
print("# synthetic names for benchmarking; no real people")
print("id\ttype\tname\taliases\tattrs")
for i in range(n):
    first, last = word(rng.randint(1, 2)), word(rng.randint(2, 3))
    print(f"syn:person/{i}\tPERSON\t{first} {last}\t{first[0]}. {last}\tcountry=ZZ")
PY
echo "user gazetteer: $names rows, $(du -h "$tmp/user.tsv" | cut -f1)"
echo "== defaults only"
THREADS=1 "$here/bench.sh" "$corpus" "$runs" | tee "$tmp/a"
echo "== defaults + $names user names"
EXTRA="--gazetteer $tmp/user.tsv" THREADS=1 "$here/bench.sh" "$corpus" "$runs" | tee "$tmp/b"
python3 - "$tmp/a" "$tmp/b" <<'PY'
import sys
def row(path):
    for line in open(path):
        f = line.split()
        if f and f[0] == "1":
            return float(f[1]), float(f[3])
(wa, ca), (wb, cb) = row(sys.argv[1]), row(sys.argv[2])
print(f"time with the user gazetteer / without: wall {wb / wa:.2f}x, cpu {cb / ca:.2f}x")
PY
