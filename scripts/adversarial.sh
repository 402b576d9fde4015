#!/usr/bin/env bash
# Adversarial input stays linear: for each pathological shape, the time of extraction at
# 2x the input must stay within --max-ratio (default 2.3) of the time at 1x. Runs the
# release example `adversarial` (the extractor is built once, outside the timing; best of
# three runs per size) under `nice -n 19`, then the extract CLI on a 10 MB line without
# spaces and a 1 MB "Xi and Xi and ..." line for memory (peak RSS from /usr/bin/time).
# Exits 1 when a ratio is over the limit.
#
#   bash scripts/adversarial.sh                 # 1 MB and 2 MB inputs
#   bash scripts/adversarial.sh --size 250000   # smaller, quicker
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release --example adversarial --example extract
bin="${CARGO_TARGET_DIR:-target}/release/examples"
status=0
nice -n 19 "$bin/adversarial" "$@" || status=$?

# whole-program runs: time and peak memory of the CLI (includes building the gazetteer)
if [ -x /usr/bin/time ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -c 'import sys; sys.stdout.write("abcdefghij" * 1_000_000)' > "$tmp/nospace-10mb.txt"
  python3 -c 'import sys; sys.stdout.write("Xi and " * 150_000 + "Putin met Lukashenko.")' > "$tmp/xi-and-1mb.txt"
  python3 -c 'import sys; sys.stdout.write("(\"“\x27[" * 20_000 + "Xi met Putin." + "]\x27”\")" * 20_000)' > "$tmp/nested-100k.txt"
  python3 -c 'import sys; w="Alpha Bravo President Minister Xi Minsk Ministry Organization Putin Foreign".split(); sys.stdout.write(" ".join(w[i % len(w)] for i in range(50_000)) + " met Lukashenko.")' > "$tmp/caps-50k-words.txt"
  for f in "$tmp"/*.txt; do
    /usr/bin/time -f "$(basename "$f"): %es, peak RSS %M kB" nice -n 19 "$bin/extract" --format json "$f" > /dev/null
  done
fi
exit "$status"
