#!/usr/bin/env python3
"""Prints the test command's last line: how many tests passed, failed and were skipped, and why
each skipped one was skipped (grouped by reason). Reads the JUnit XML files that `ctest --output-junit` wrote.

Usage: test-summary.py [--gtest-dir DIR] RESULTS.xml...    Exit status: 0, or 1 when any test failed.
A ctest test named unit.<executable> ran a whole GoogleTest executable: with --gtest-dir, its test
cases are counted one by one from DIR/<executable>.xml (GoogleTest's own report); an executable
that failed without a complete report (a crash) counts as one failed test.
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


def gtest_cases(path):
    """(name, state, skip message) for each test case of a GoogleTest XML report, or None."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    cases = []
    for case in root.iter("testcase"):
        name = "%s.%s" % (case.get("classname", "?"), case.get("name", "?"))
        skip = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            cases.append((name, "failed", ""))
        elif skip is not None or case.get("result") == "skipped" or case.get("status") == "notrun":
            msg = (skip.get("message") if skip is not None else "") or ""
            cases.append((name, "skipped", msg.strip().splitlines()[-1] if msg.strip() else "no reason given"))
        else:
            cases.append((name, "passed", ""))
    return cases


def main():
    args = sys.argv[1:]
    gtest_dir = None
    if len(args) >= 2 and args[0] == "--gtest-dir":
        gtest_dir, args = args[1], args[2:]
    passed, failed, skipped = 0, [], []
    for path in args:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            print("test-summary: cannot read %s: %s" % (path, e), file=sys.stderr)
            return 1
        for case in root.iter("testcase"):
            name = case.get("name", "?")
            out = "".join(e.text or "" for e in case.iter("system-out"))
            is_failed = case.find("failure") is not None or case.find("error") is not None or case.get("status") == "fail"
            is_skipped = case.find("skipped") is not None or case.get("status") == "notrun"
            if gtest_dir and name.startswith("unit.") and not is_skipped:
                cases = gtest_cases("%s/%s.xml" % (gtest_dir, name[len("unit."):]))
                if cases is not None and (cases or not is_failed):
                    for cname, state, msg in cases:
                        if state == "passed":
                            passed += 1
                        elif state == "failed":
                            failed.append(cname)
                        else:
                            skipped.append((cname, msg))
                    if is_failed and not any(st == "failed" for _, st, _ in cases):
                        failed.append(name)  # it failed outside any test case (exit status, leak report)
                    continue
            if is_skipped:
                skipped.append((name, skip_reason(out)))
            elif is_failed:
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
