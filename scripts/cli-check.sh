#!/usr/bin/env bash
# The extract CLI on bad input: builds a mixed JSONL file (valid lines, invalid UTF-8,
# invalid JSON, no or non-string "text", a bad "date", an empty line, CRLF, a BOM, a 100 MB
# line, dropped as it is read) and checks that every bad line gives {"id": ..., "error": "line N: ..."} plus a
# message on stderr, every other line is processed, the exit status is 1; that plain-text
# files with invalid UTF-8 fail alone; and that a closed stdout (| head -1) ends quietly.
# Fails loudly (exit 1, "cli-check: FAIL ...") on the first broken promise.
#
#   bash scripts/cli-check.sh            # builds the release example first
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release --example extract
bin="${CARGO_TARGET_DIR:-target}/release/examples/extract"
[ -x "$bin" ] || { echo "cli-check: FAIL: $bin not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "cli-check: FAIL: $*" >&2; exit 1; }

python3 - "$tmp/mixed.jsonl" <<'PY'
import sys
lines = [
    b'\xef\xbb\xbf{"id": "bom", "text": "Xi Jinping met Vladimir Putin in Moscow.", "date": "2023-03-21"}',
    b'{"id": "bad-utf8", "text": "Xi met \xff Putin."}',
    b'{"id": "bad-json", "text": "unterminated',
    b'{"id": "no-text"}',
    b'{"id": "num-text", "text": 42}',
    b'{"id": "bad-date", "text": "Xi met Putin.", "date": "2023-02-30"}',
    b'',
    b'{"id": "crlf", "text": "Emmanuel Macron called Olaf Scholz on Tuesday.", "date": "2023-03-01"}\r',
    b'[1, 2, 3]',
    b'{"id": 7, "text": "Alexander Lukashenko visited Beijing."}',
    b'{"id": "huge", "text": "' + b'a' * (100 * 1024 * 1024) + b'"}',
    b'{"id": "big", "text": "' + b'a' * (20 * 1024 * 1024) + b'"}',
    b'{"id": "date-num", "text": "Xi met Putin.", "date": 20230301}',
    b'{"id": "last", "text": "Xi Jinping met Alexander Lukashenko in Beijing."}',
]
with open(sys.argv[1], "wb") as f:
    f.write(b"\n".join(lines))  # no newline after the last line
PY

status=0
if [ -x /usr/bin/time ]; then
  /usr/bin/time -o "$tmp/rss" -f %M "$bin" --jsonl "$tmp/mixed.jsonl" > "$tmp/out.jsonl" 2> "$tmp/err.txt" || status=$?
  # the 100 MB line is dropped as it is read: memory stays near the 48 MB line limit
  rss=$(tail -1 "$tmp/rss")
  [ "$rss" -lt 300000 ] || fail "peak RSS $rss kB on the mixed file (a 100 MB line), expected < 300 MB"
  echo "cli-check: peak RSS over the mixed file with its 100 MB line: $rss kB"
else
  "$bin" --jsonl "$tmp/mixed.jsonl" > "$tmp/out.jsonl" 2> "$tmp/err.txt" || status=$?
fi
[ "$status" -eq 1 ] || fail "exit status $status on the mixed file, expected 1"
python3 - "$tmp/out.jsonl" "$tmp/err.txt" <<'PY'
import json, sys
out = open(sys.argv[1], "rb").read().decode("utf-8").split("\n")
assert out[-1] == "", "output ends with a newline"
out = [json.loads(l) for l in out[:-1]]
err = open(sys.argv[2], encoding="utf-8").read()
expect = [  # (id, error substring or None for a processed document)
    ("bom", None), (None, "invalid UTF-8"), (None, "invalid JSON"), ("no-text", 'no "text"'),
    ("num-text", '"text" is not a string'), ("bad-date", "not a valid YYYY-MM-DD date"),
    (None, "empty line"), ("crlf", None), (None, "not a JSON object"), (7, None),
    ("huge", "longer than the limit"), ("big", "exceeds the maximum"), ("date-num", '"date" is not a string'), ("last", None),
]
assert len(out) == len(expect), f"{len(out)} output lines for {len(expect)} input lines"
for n, (o, (id_, msg)) in enumerate(zip(out, expect), 1):
    assert o.get("id") == id_, f"line {n}: id {o.get('id')!r}, expected {id_!r}"
    if msg is None:
        assert "error" not in o, f"line {n}: unexpected error {o.get('error')!r}"
        assert isinstance(o.get("entities"), list) and isinstance(o.get("events"), list), f"line {n}: {o}"
    else:
        e = o.get("error", "")
        assert e.startswith(f"line {n}: ") and msg in e, f"line {n}: error {e!r}, expected 'line {n}: ...{msg}...'"
        assert f"line {n}: " in err, f"line {n}: no message on stderr"
assert any(e["type"] == "MEET" for e in out[0]["events"]), "the BOM line is processed"
assert any(e["type"] == "CALL" for e in out[7]["events"]), "the CRLF line is processed"
assert "skipped unread" in out[10]["error"], "the 100 MB line is dropped while it is read"
assert out[7]["events"][0]["trigger"]["text"] == "called"
print(f"cli-check: mixed JSONL: {len(out)} lines, {sum('error' in o for o in out)} errors, all as expected")
PY

# JSONL on standard input behaves the same
status=0
printf '{"id":"a","text":"Xi met Putin."}\n\n{"id":"b","text":"Xi called Putin."}\n' \
  | "$bin" --jsonl > "$tmp/stdin.jsonl" 2> "$tmp/stdin.err" || status=$?
[ "$status" -eq 1 ] || fail "exit status $status on stdin with an empty line, expected 1"
[ "$(wc -l < "$tmp/stdin.jsonl")" -eq 3 ] || fail "stdin: expected 3 output lines"
grep -q '"error":"line 2: empty line"' "$tmp/stdin.jsonl" || fail "stdin: no error for line 2"

# all-good input exits 0
printf '{"id":"a","text":"Xi met Putin."}\r\n' | "$bin" --jsonl > /dev/null \
  || fail "a good CRLF line exits non-zero"

# plain-text files: invalid UTF-8 fails that file only; a BOM file is read
printf 'Xi met \xff Putin.' > "$tmp/bad.txt"
printf '\xef\xbb\xbfXi Jinping met Vladimir Putin in Moscow.\r\n' > "$tmp/good.txt"
status=0
"$bin" --format json "$tmp/bad.txt" "$tmp/good.txt" > "$tmp/plain.json" 2> "$tmp/plain.err" || status=$?
[ "$status" -eq 1 ] || fail "exit status $status for a file with invalid UTF-8, expected 1"
grep -q "bad.txt: invalid UTF-8 at byte 7" "$tmp/plain.err" || fail "no stderr message for bad.txt"
[ "$(wc -l < "$tmp/plain.json")" -eq 1 ] || fail "good.txt was not processed"
grep -q '"type":"MEET"' "$tmp/plain.json" || fail "good.txt (BOM, CRLF) gave no meeting"

# --max-bytes: a clear error per document
status=0
printf '{"id":"a","text":"Xi met Putin in Moscow."}\n' | "$bin" --jsonl --max-bytes 10 > "$tmp/max.jsonl" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "exit status $status over --max-bytes, expected 1"
grep -q 'exceeds the maximum of 10 bytes' "$tmp/max.jsonl" || fail "no max-bytes error"

# a closed standard output ends quietly
python3 -c 'import sys
for i in range(20000): sys.stdout.write("{\"id\":%d,\"text\":\"Xi Jinping met Alexander Lukashenko in Beijing.\"}\n" % i)' > "$tmp/many.jsonl"
set +o pipefail
first=$("$bin" --jsonl "$tmp/many.jsonl" 2> "$tmp/pipe.err" | head -1)
set -o pipefail
[[ "$first" == *'"id":0,'* ]] || fail "| head -1 printed ${first:0:60}"
[ ! -s "$tmp/pipe.err" ] || fail "| head -1: stderr not empty: $(head -c 300 "$tmp/pipe.err")"
echo "cli-check: ok"
