#!/usr/bin/env python3
"""Turns a solver test suite of tests/solver/ (repositories.txt + cases.txt) into apko inputs:
for every repository an unsigned <out>/repos/<name>/x86_64/APKINDEX.tar.gz, and for every
modelled case <out>/cases/<case>.yaml (the repositories in order, tagged ones as "@tag path",
the world as contents.packages) plus <out>/cases/<case>.expect (the expect line).

Checksums: every package line gets its own C: (the SHA-1 of "<repository>/<name>-<version>"),
lines sharing checksum=NAME share one, so a repository listed under two tags serves the same
packages, as in tests/solver/apk-tools/repositories.txt.

Usage: solver_suite_repos.py SUITE_DIR OUT_DIR
"""
import base64, hashlib, io, os, sys, tarfile


def lines(path):
    for raw in open(path):
        line = raw.split('#', 1)[0].rstrip()
        if line.strip():
            yield line


def main(suite, out):
    repos, cur = {}, None
    for line in lines(os.path.join(suite, 'repositories.txt')):
        w = line.split()
        if w[0] == 'repository':
            cur = w[1]
            repos[cur] = []
            continue
        p = {'P': w[0], 'V': w[1], 'ident': cur + '/' + w[0] + '-' + w[1]}
        for kv in w[2:]:
            k, v = kv.split('=', 1)
            p[k] = v
        if 'checksum' in p:
            p['ident'] = 'checksum:' + p['checksum']
        repos[cur].append(p)
    for name, pkgs in repos.items():
        blocks = []
        for p in pkgs:
            c = base64.b64encode(hashlib.sha1(p['ident'].encode()).digest()).decode()
            b = ['C:Q1' + c, 'P:' + p['P'], 'V:' + p['V'], 'A:x86_64', 'S:1', 'I:1', 'T:test', 'L:MIT']
            if 'origin' in p:
                b.append('o:' + p['origin'])
            for key, field in (('depends', 'D'), ('provides', 'p'), ('install-if', 'i')):
                if key in p:
                    b.append(field + ':' + ' '.join(p[key].split(',')))
            if 'priority' in p:
                b.append('k:' + p['priority'])
            blocks.append('\n'.join(b) + '\n')
        data = ('\n'.join(blocks) + '\n').encode()
        d = os.path.join(out, 'repos', name, 'x86_64')
        os.makedirs(d, exist_ok=True)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode='w:gz', format=tarfile.USTAR_FORMAT) as t:
            info = tarfile.TarInfo('APKINDEX')
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        open(os.path.join(d, 'APKINDEX.tar.gz'), 'wb').write(buf.getvalue())
    os.makedirs(os.path.join(out, 'cases'), exist_ok=True)
    case = None
    cases = []
    for line in lines(os.path.join(suite, 'cases.txt')):
        w = line.split()
        if w[0] == 'case':
            case = {'name': w[1]}
            cases.append(case)
        elif case is not None:
            case[w[0]] = w[1:]
    for c in cases:
        if 'not-modelled' in c or 'world' not in c:
            continue
        if (c.get('expect') or [''])[0] == 'invalid-world':
            continue  # apko reports these while reading the config, not the solver
        rl = []
        for r in c.get('repos', []):
            tag, _, name = r.rpartition(':')
            path = os.path.join(out, 'repos', name)
            rl.append(('"@%s %s"' % (tag, path)) if tag else path)
        y = 'contents:\n  repositories:\n' + ''.join('    - %s\n' % r for r in rl)
        y += '  packages:\n' + ''.join('    - "%s"\n' % p for p in c['world'])
        if not c['world']:
            y += '    []\n'
            y = y.replace('  packages:\n    []\n', '  packages: []\n')
        y += 'archs: [x86_64]\n'
        open(os.path.join(out, 'cases', c['name'] + '.yaml'), 'w').write(y)
        open(os.path.join(out, 'cases', c['name'] + '.expect'), 'w').write(' '.join(c.get('expect', [])) + '\n')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
