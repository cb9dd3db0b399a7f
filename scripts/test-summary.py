#!/usr/bin/env python3
"""Prints the test command's last line: how many tests passed, failed and were skipped, and why
each skipped one was skipped (grouped by reason). Reads the JUnit XML files that `ctest --output-junit` wrote.

Usage: test-summary.py RESULTS.xml...    Exit status: 0, or 1 when any test failed.
"""
import re
import sys
import xml.etree.ElementTree as ET


def skip_reason(output):
    # e2e scripts say "SKIP: <reason>"; GoogleTest prints the GTEST_SKIP() message after
    # a "Skipped" line, before "[  SKIPPED ]".
    m = re.search(r"^SKIP: (.+)$", output, re.M)
    if m:
        return m.group(1).strip()
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "Skipped" or line.rstrip().endswith(": Skipped"):
            rest = [l.strip() for l in lines[i + 1:] if l.strip() and not l.startswith("[")]
            if rest:
                return rest[0]
    return "no reason given"


def main():
    passed, failed, skipped = 0, [], []
    for path in sys.argv[1:]:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            print("test-summary: cannot read %s: %s" % (path, e), file=sys.stderr)
            return 1
        for case in root.iter("testcase"):
            name = case.get("name", "?")
            out = "".join(e.text or "" for e in case.iter("system-out"))
            if case.find("skipped") is not None or case.get("status") == "notrun":
                skipped.append((name, skip_reason(out)))
            elif case.find("failure") is not None or case.find("error") is not None or case.get("status") == "fail":
                failed.append(name)
            else:
                passed += 1
    line = "tests: %d passed, %d failed, %d skipped" % (passed, len(failed), len(skipped))
    if skipped:
        # One entry per reason, naming its tests: "reason: test, test".
        by_reason = {}
        for name, reason in skipped:
            by_reason.setdefault(reason, []).append(name.split("  # ")[0])
        line += " (" + "; ".join("%s: %s" % (r, ", ".join(n)) for r, n in by_reason.items()) + ")"
    if failed:
        line += "; failed: " + ", ".join(failed)
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
