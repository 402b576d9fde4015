#!/usr/bin/env bash
# Whole-process throughput of the extract example, as the README's Performance table reports it.
#
# Usage: scripts/bench.sh CORPUS.jsonl [RUNS]
#   Times `target/release/examples/extract --jsonl CORPUS --threads N > /dev/null` RUNS times
#   (default 5) for each N in $THREADS (default "1 2") and prints the median wall time, MB/s of
#   article text (the UTF-8 bytes of every line's "text"), the median CPU time (user + system),
#   CPU MB/s (steadier than wall time on a shared machine) and the peak RSS of the slowest run.
#   Start-up is timed the same way on an empty input.
#   EXTRA="--gazetteer big.tsv" adds options to every run; BIN=path times another build of
#   the example (then nothing is built).
set -euo pipefail
corpus=${1:?usage: scripts/bench.sh CORPUS.jsonl [RUNS]}
runs=${2:-5}
threads=${THREADS:-1 2}
extra=${EXTRA:-}
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "bench.sh needs GNU time: apt-get install time" >&2; exit 2; }
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  cargo build --quiet --release --example extract
  bin=target/release/examples/extract
fi
bytes=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        n += len(json.loads(line).get("text", "").encode())
print(n)' "$corpus")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run LABEL ARGS...: RUNS timed runs; prints "wall cpu maxrss_kb" medians (rss: max)
run() {
  local label=$1; shift
  : > "$tmp/$label"
  for _ in $(seq "$runs"); do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$bin" $extra "$@" > /dev/null 2> "$tmp/err" || {
      echo "extract failed:" >&2; cat "$tmp/err" >&2; exit 1; }
    tail -1 "$tmp/t" >> "$tmp/$label"
  done
  python3 - "$tmp/$label" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = max(r[3] for r in rows)
print(wall, cpu, rss)
PY
}

calc() { python3 -c "print($1)"; }
printf 'corpus: %s (%.1f MB of article text), %s runs each, %s cores, load %s\n' \
  "$corpus" "$(calc "$bytes / 1e6")" "$runs" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
read -r w c r < <(run startup --jsonl /dev/null)
printf '%-8s %8.1f ms wall %8.1f ms cpu %8.1f MB peak RSS\n' "start-up" \
  "$(calc "$w * 1000")" "$(calc "$c * 1000")" "$(calc "$r / 1024")"
printf '%-8s %8s %8s %8s %9s %12s\n' threads wall_s MB/s cpu_s cpu_MB/s peak_RSS_MB
for n in $threads; do
  if [ "$n" = 1 ]; then args=(--jsonl "$corpus"); else args=(--jsonl "$corpus" --threads "$n"); fi
  read -r w c r < <(run "t$n" "${args[@]}")
  printf '%-8s %8.2f %8.1f %8.2f %9.1f %12.1f\n' "$n" "$w" "$(calc "$bytes / 1e6 / $w")" \
    "$c" "$(calc "$bytes / 1e6 / $c")" "$(calc "$r / 1024")"
done
