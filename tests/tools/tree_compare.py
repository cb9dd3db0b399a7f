#!/usr/bin/env python3
"""Compares two unpacked file trees: the same paths, and for each the same type, permission
bits (with setuid/setgid/sticky), owner (uid/gid, unless --no-owners), symlink target,
device numbers and file content; hard links must join the same names in both trees.
Prints every difference, one per line, and exits 1 when there is any.

Usage: tree_compare.py [--no-owners] [--no-mtimes] A B
"""
import hashlib
import os
import stat
import sys


def describe(root):
    out, inodes = {}, {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            kind = stat.S_IFMT(st.st_mode)
            d = {"type": kind, "mode": oct(st.st_mode & 0o7777), "owner": (st.st_uid, st.st_gid),
                 "mtime": int(st.st_mtime)}
            if stat.S_ISLNK(st.st_mode):
                d["target"] = os.readlink(full)
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    d["sha256"] = hashlib.sha256(f.read()).hexdigest()
                if st.st_nlink > 1:
                    inodes.setdefault(st.st_ino, []).append(rel)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                d["rdev"] = (os.major(st.st_rdev), os.minor(st.st_rdev))
            if stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode):
                del d["mtime"]  # extraction order touches directory times; symlink times vary by tool
            out[rel] = d
    links = {}
    for names in inodes.values():
        group = tuple(sorted(names))
        for n in group:
            links[n] = group
    return out, links


def main(argv):
    owners = "--no-owners" not in argv
    mtimes = "--no-mtimes" not in argv
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    (a, la), (b, lb) = describe(args[0]), describe(args[1])
    problems = []
    for p in sorted(set(a) | set(b)):
        if p not in a:
            problems.append(f"{p}: only in {args[1]}")
            continue
        if p not in b:
            problems.append(f"{p}: only in {args[0]}")
            continue
        for key in sorted(set(a[p]) | set(b[p])):
            if key == "owner" and not owners or key == "mtime" and not mtimes:
                continue
            if a[p].get(key) != b[p].get(key):
                problems.append(f"{p}: {key} {a[p].get(key)} != {b[p].get(key)}")
        if la.get(p) != lb.get(p):
            problems.append(f"{p}: hard links {la.get(p)} != {lb.get(p)}")
    for line in problems:
        print(line)
    print(f"{len(a)} paths compared, {len(problems)} differences", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
