#!/usr/bin/python3
"""Reads Prometheus text exposition from stdin and fails (exit 1, reason on
stderr) unless it parses with the reference client library's parser and
every family is declared once with HELP and TYPE, counters ending in
_total."""
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
try:
    families = list(text_string_to_metric_families(text))
except Exception as exc:  # the parser raises ValueError and friends
    sys.exit(f"unparsable: {exc}")
declared = {}
for line in text.splitlines():
    if line.startswith("# TYPE "):
        _, _, name, kind = line.split(" ", 3)
        if name in declared:
            sys.exit(f"family {name} declared twice")
        declared[name] = kind
helped = {line.split(" ", 3)[2] for line in text.splitlines() if line.startswith("# HELP ")}
for name, kind in declared.items():
    if name not in helped:
        sys.exit(f"family {name} has no HELP")
    if kind == "counter" and not name.endswith("_total"):
        sys.exit(f"counter {name} does not end in _total")
if not families:
    sys.exit("no metric families")
print(f"{len(families)} families ok")
