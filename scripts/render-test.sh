#!/usr/bin/env bash
# Renders the seed article's HTML page (`extract --format html`) in headless Chromium and
# fails when the page logs anything to the console (script errors, CSP refusals, failed loads),
# when its script did not run to the end, or when one of the seed's four events is missing
# from the rendered DOM. Also writes a screenshot to docs/page.png, and renders the corpus
# page of the first 2000 articles of ../shared/data/news/news.jsonl with the same checks
# (but for the seed events).
#
#   bash scripts/render-test.sh            # needs ../shared (skips cleanly without it)
#
# Chromium comes from Debian's `chromium` package, installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

seed=../shared/seed/efe-lukashenko-china.txt
if [ ! -f "$seed" ]; then
  echo "render-test: ../shared is absent; skipped"
  exit 0
fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "render-test: installing chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo run --quiet --release --example extract -- --format html --date 2023-02-28 "$seed" \
  > "$work/seed.html"

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run
  --enable-logging=stderr --v=0 --virtual-time-budget=3000)

status=0
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$work/profile-dom" \
  --dump-dom "file://$work/seed.html" > "$work/dom.html" 2> "$work/dom.log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "render-test: chromium --dump-dom failed ($status)"; cat "$work/dom.log"; exit 1
fi

mkdir -p docs
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$work/profile-shot" --hide-scrollbars \
  --window-size=1400,1500 --screenshot="$PWD/docs/page.png" "file://$work/seed.html" \
  > /dev/null 2> "$work/shot.log" || { echo "render-test: screenshot failed"; cat "$work/shot.log"; exit 1; }

python3 scripts/render_check.py "$work/dom.html" "$work/dom.log" "$work/shot.log"

# the corpus page (graph of many documents) must render without a console message too
news=../shared/data/news/news.jsonl
if [ -f "$news" ]; then
  head -n 2000 "$news" | cargo run --quiet --release --example extract -- --jsonl --format html \
    > "$work/corpus.html" || true   # a bad line only sets the exit status
  timeout 120 "$browser" "${flags[@]}" --user-data-dir="$work/profile-corpus" \
    --dump-dom "file://$work/corpus.html" > "$work/corpus-dom.html" 2> "$work/corpus.log" \
    || { echo "render-test: chromium failed on the corpus page"; exit 1; }
  python3 scripts/render_check.py --no-seed-events "$work/corpus-dom.html" "$work/corpus.log"
fi
