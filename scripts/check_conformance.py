"""Checks a run.py JSON report against pass-rate bars: overall and per category."""
import json
import sys

report, overall_bar, category_bar = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
with open(report) as f:
    data = json.load(f)
passed, failed = data["passed"], data["failed"]
total = passed + failed
ok = total > 0 and passed / total >= overall_bar
print(f"conformance: {passed}/{total} passed ({100.0 * passed / max(total, 1):.1f}%, bar {overall_bar:.0%})")
for cat, counts in sorted(data["by_category"].items()):
    n = sum(counts.values())
    p = counts.get("PASS", 0)
    good = p / n >= category_bar
    ok = ok and good
    print(f"  {cat:15s} {p:4d}/{n:<4d} {'ok' if good else 'BELOW ' + format(category_bar, '.0%')}")
print(f"{passed} passed, {failed} failed")
sys.exit(0 if ok else 1)
