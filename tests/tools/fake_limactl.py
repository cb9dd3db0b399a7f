#!/usr/bin/env python3
"""A stand-in for lima's `limactl`, for testing the lima runner on Linux without lima.

It records every call (one JSON array per line in $LIMA_HOME/_calls.jsonl) and carries the
calls out with bubblewrap instead of a VM:
  create [--name N] [--tty=false] TEMPLATE|-   the template's images[0].location (a local
        directory, .tar/.tar.gz/.tar.zst, or .cpio/.cpio.gz; file:// allowed) is unpacked as
        the instance's root; mounts[] (location, mountPoint, writable) are remembered
  start [--tty=false] N | start [--name N] TEMPLATE   (the second form creates first)
  shell [--workdir D] N [--] CMD...   bwrap over the root with the mounts bound (read-only
        unless writable: true), fresh /dev and /proc, in D; CMD's exit status is returned
  copy [-r] [--backend=...] SRC... DST   SRC/DST are host paths or N:PATH (cp -a: links are
        copied as links, never followed)
  stop N | delete [-f|--force] N | list [-q|--json]
What a real lima does and this fake does not: boot a VM (no kernel, no cloud-init, no
ssh; the "instance" shares the host kernel), check that images are bootable disk images,
honour cpus/memory/disk, forward ports, follow symlinks in `copy` (scp -r does).
"""
import json
import os
import shutil
import subprocess
import sys

HOME = os.environ.get("LIMA_HOME") or os.path.expanduser("~/.lima")


def die(msg, code=1):
    print("fake limactl: " + msg, file=sys.stderr)
    sys.exit(code)


def inst_dir(name):
    if not name or "/" in name or name.startswith("."):
        die("invalid instance name %r" % name)
    return os.path.join(HOME, name)


def load_state(name):
    p = os.path.join(inst_dir(name), "state.json")
    if not os.path.exists(p):
        die("instance %r does not exist" % name)
    with open(p) as f:
        return json.load(f)


def save_state(name, st):
    with open(os.path.join(inst_dir(name), "state.json"), "w") as f:
        json.dump(st, f)


def parse_template(text):
    try:
        import yaml
        return yaml.safe_load(text)
    except ImportError:
        return json.loads(text)


def unpack(location, root):
    if location.startswith("file://"):
        location = location[len("file://"):]
    if not os.path.isabs(location):
        die("images[].location must be a local absolute path here: %r" % location)
    if os.path.isdir(location):
        subprocess.run(["cp", "-a", location + "/.", root], check=True)
    elif location.endswith((".tar", ".tar.gz", ".tgz", ".tar.zst")):
        args = ["tar", "-C", root, "-xpf", location]
        if location.endswith(".tar.zst"):
            args = ["tar", "--zstd", "-C", root, "-xpf", location]
        subprocess.run(args, check=True)
    elif location.endswith((".cpio", ".cpio.gz")):
        cat = "zcat" if location.endswith(".gz") else "cat"
        subprocess.run("%s '%s' | (cd '%s' && cpio -id --quiet --no-absolute-filenames)" % (cat, location, root),
                       shell=True, check=True)
    else:
        die("unsupported image %r" % location)


def create(args):
    name, tmpl = None, None
    while args:
        a = args.pop(0)
        if a.startswith("--name="):
            name = a.split("=", 1)[1]
        elif a == "--name":
            name = args.pop(0)
        elif a.startswith("--tty") or a == "--plain":
            continue
        else:
            tmpl = a
    if tmpl is None:
        die("create: no template")
    text = sys.stdin.read() if tmpl == "-" else open(tmpl).read()
    cfg = parse_template(text) or {}
    if not name:
        name = "default" if tmpl == "-" else os.path.splitext(os.path.basename(tmpl))[0]
    d = inst_dir(name)
    if os.path.exists(d):
        die("instance %r already exists" % name)
    images = cfg.get("images") or []
    if not images or "location" not in images[0]:
        die("template has no images[].location")
    arch = os.uname().machine
    img = next((i for i in images if i.get("arch", arch) == arch), None)
    if img is None:
        die("no image for %s" % arch)
    os.makedirs(os.path.join(d, "root"))
    unpack(img["location"], os.path.join(d, "root"))
    mounts = []
    for m in cfg.get("mounts") or []:
        loc = os.path.expanduser(m["location"])
        mounts.append({"location": loc, "mountPoint": m.get("mountPoint", loc), "writable": bool(m.get("writable", False))})
    with open(os.path.join(d, "lima.yaml"), "w") as f:
        f.write(text)
    save_state(name, {"status": "Stopped", "mounts": mounts})
    return name


def start(args):
    rest = [a for a in args if not a.startswith("--tty") and a != "--plain"]
    if len(rest) == 1 and "/" not in rest[0] and rest[0] != "-" and os.path.exists(inst_dir(rest[0])):
        name = rest[0]
    else:
        name = create(list(args))
    st = load_state(name)
    st["status"] = "Running"
    save_state(name, st)


def host_path(name, st, path):
    """Where a guest path lives on the host: under a mount, else in the root."""
    best = None
    for m in st["mounts"]:
        mp = m["mountPoint"].rstrip("/") or "/"
        if path == mp or path.startswith(mp + "/"):
            if best is None or len(mp) > len(best[0]):
                best = (mp, m["location"])
    if best:
        return best[1] + path[len(best[0]):]
    return os.path.join(inst_dir(name), "root", path.lstrip("/"))


def shell(args):
    workdir = None
    while args and args[0].startswith("--"):
        a = args.pop(0)
        if a.startswith("--workdir="):
            workdir = a.split("=", 1)[1]
        elif a == "--workdir":
            workdir = args.pop(0)
        elif a == "--":
            break
    if not args:
        die("shell: no instance")
    name = args.pop(0)
    if args and args[0] == "--":
        args.pop(0)
    st = load_state(name)
    if st["status"] != "Running":
        die("instance %r is not running" % name)
    root = os.path.join(inst_dir(name), "root")
    cmd = ["bwrap", "--bind", root, "/"]
    for m in st["mounts"]:
        cmd += ["--bind" if m["writable"] else "--ro-bind", m["location"], m["mountPoint"]]
    cmd += ["--dev", "/dev", "--proc", "/proc", "--unshare-pid", "--die-with-parent", "--unshare-net",
            "--chdir", workdir or "/", "--"]
    cmd += args or ["/bin/sh"]
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/root"}
    return subprocess.run(cmd, env=env).returncode


def copy(args):
    paths = [a for a in args if not a.startswith("-")]
    if len(paths) < 2:
        die("copy: need SOURCE... TARGET")
    def resolve(p):
        if ":" in p and not p.startswith("/"):
            name, path = p.split(":", 1)
            st = load_state(name)
            if st["status"] != "Running":
                die("instance %r is not running" % name)
            return host_path(name, st, path)
        return p
    *srcs, dst = [resolve(p) for p in paths]
    for s in srcs:
        if not os.path.lexists(s):
            die("copy: %s: no such file or directory" % s)
        r = subprocess.run(["cp", "-a", s, dst])
        if r.returncode:
            return r.returncode
    return 0


def main():
    argv = sys.argv[1:]
    os.makedirs(HOME, exist_ok=True)
    with open(os.path.join(HOME, "_calls.jsonl"), "a") as f:
        f.write(json.dumps(argv) + "\n")
    while argv and argv[0] in ("--tty=false", "--debug", "--log-level=error"):
        argv.pop(0)
    if not argv:
        die("usage: limactl COMMAND ...", 2)
    cmd, args = argv[0], argv[1:]
    if cmd == "create":
        print(create(args))
    elif cmd == "start":
        start(args)
    elif cmd == "shell":
        sys.exit(shell(args))
    elif cmd in ("copy", "cp"):
        sys.exit(copy(args))
    elif cmd == "stop":
        name = [a for a in args if not a.startswith("-")][0]
        st = load_state(name)
        st["status"] = "Stopped"
        save_state(name, st)
    elif cmd in ("delete", "rm", "remove"):
        force = any(a in ("-f", "--force") for a in args)
        for name in [a for a in args if not a.startswith("-")]:
            st = load_state(name)
            if st["status"] == "Running" and not force:
                die("instance %r is running; stop it or use --force" % name)
            shutil.rmtree(inst_dir(name))
    elif cmd in ("list", "ls"):
        names = sorted(n for n in os.listdir(HOME) if os.path.isdir(os.path.join(HOME, n)))
        if "--json" in args:
            for n in names:
                print(json.dumps({"name": n, "status": load_state(n)["status"]}))
        else:
            for n in names:
                print(n if "-q" in args else "%s\t%s" % (n, load_state(n)["status"]))
    elif cmd == "--version" or cmd == "version":
        print("limactl version 0.0.0-fake")
    else:
        die("unsupported command %r" % cmd, 2)


if __name__ == "__main__":
    main()
