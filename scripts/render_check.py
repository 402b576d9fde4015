"""Checks a page dumped by headless Chromium (used by render-test.sh).

usage: render_check.py [--no-seed-events] DOM.html LOG...

Fails (exit 1) when a log holds a console message (Chromium prints each one as a
`CONSOLE(...)` line with --enable-logging=stderr), when the page's script did not finish
(`<html data-ready="1">`) or reported an error (`data-js-error`), or when one of the seed
article's four events is not listed as an `li.event` with its type, status and participants.
"""
import sys
from html.parser import HTMLParser

# (type, status, participants that must all be listed) of the seed article
SEED_EVENTS = [
    ("MEET", "planned", {"Alexander Lukashenko", "Xi Jinping"}),
    ("MEET", "occurred", {"Xi Jinping", "Alexander Lukashenko"}),
    ("CALL", "occurred", {"Sergei Aleinik", "Qin Gang"}),
    ("VISIT", "planned", {"Alexander Lukashenko"}),
]


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_attrs = {}
        self.events = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if tag == "li" and "event" in (a.get("class") or "").split():
            self.events.append(a)


def main():
    args = sys.argv[1:]
    seed_events = "--no-seed-events" not in args
    args = [a for a in args if a != "--no-seed-events"]
    dom_path, logs = args[0], args[1:]
    failures = []
    for log in logs:
        with open(log, encoding="utf-8", errors="replace") as f:
            for line in f:
                if "CONSOLE" in line or "Uncaught" in line:
                    failures.append(f"console: {line.strip()}")
    page = Page()
    with open(dom_path, encoding="utf-8") as f:
        page.feed(f.read())
    if page.html_attrs.get("data-ready") != "1":
        failures.append("the page's script did not finish (no data-ready on <html>)")
    if "data-js-error" in page.html_attrs:
        failures.append("the page's script reported an error")
    found = [
        (e.get("data-type"), e.get("data-status"), set((e.get("data-participants") or "").split("|")))
        for e in page.events
    ]
    print(f"render-test: {dom_path}: {len(found)} events in the rendered DOM")
    for t, s, p in found[:10]:
        print(f"  {t} {s} {' | '.join(sorted(p))}")
    for t, s, p in SEED_EVENTS if seed_events else []:
        if not any(t == ft and s == fs and p <= fp for ft, fs, fp in found):
            failures.append(f"seed event missing from the DOM: {t} {s} {sorted(p)}")
    for f in failures:
        print(f"render-test: FAIL {f}")
    if failures:
        sys.exit(1)
    if seed_events:
        print("render-test: ok (no console message, script ran, the four seed events are listed)")
    else:
        print("render-test: ok (no console message, script ran)")


main()
