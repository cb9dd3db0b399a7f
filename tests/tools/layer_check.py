#!/usr/bin/env python3
# layer_check.py SINGLE.tar LAYER0.tar LAYER1.tar ...: an independent check of layered images.
# Every layer holds the parents of its entries before them; no non-directory is in two layers
# (but the installed db); the layers applied in order (later entries win, as unpacking does)
# give the single layer's entries: type, mode, owner ids and names, mtime, content (hard
# links by their target's), link target, device numbers, xattrs; etc/apko.json without its
# `layering` key. Prints "OK <n> layers".
# Used by libs/apko/{layering,build}_test.cpp and tests/e2e/apko_layering.sh.
import sys, tarfile, hashlib, collections, json
def model(paths, check):
    state, owner = {}, collections.Counter()
    for p in paths:
        seen = set()
        with tarfile.open(p) as t:
            for m in t.getmembers():
                name = m.name.rstrip('/')
                parts = name.split('/')
                for i in range(1, len(parts)):
                    parent = '/'.join(parts[:i])
                    assert not check or parent in seen, (p, name, 'parent missing', parent)
                seen.add(name)
                if m.isfile() and name == 'etc/apko.json':
                    # The recorded config of a layered image has its `layering` key; the
                    # single-layer build it is compared with has none. All else must match.
                    cfg = json.loads(t.extractfile(m).read())
                    cfg.pop('layering', None)
                    v = ('f', hashlib.sha256(json.dumps(cfg, sort_keys=True).encode()).hexdigest())
                elif m.isfile():
                    v = ('f', hashlib.sha256(t.extractfile(m).read()).hexdigest())
                elif m.islnk():
                    v = state[m.linkname.rstrip('/')][0]
                elif m.issym():
                    v = ('l', m.linkname)
                elif m.isdir():
                    v = ('d',)
                elif m.ischr() or m.isblk():
                    v = (m.type, m.devmajor, m.devminor)
                else:
                    v = (m.type,)
                if not m.isdir():
                    owner[name] += 1
                x = tuple(sorted((k, w) for k, w in m.pax_headers.items() if k.startswith('SCHILY.xattr.')))
                state[name] = (v, m.mode, m.uid, m.gid, m.uname, m.gname, int(m.mtime), x)
    return state, owner
single, _ = model(sys.argv[1:2], False)
layered, owner = model(sys.argv[2:], True)
twice = [n for n, c in owner.items() if c > 1 and n != 'usr/lib/apk/db/installed']
assert not twice, ('in several layers', twice)
for n in sorted(set(single) | set(layered)):
    assert single.get(n) == layered.get(n), (n, single.get(n), layered.get(n))
print('OK %d layers' % (len(sys.argv) - 2))
