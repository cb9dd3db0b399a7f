#!/usr/bin/env python3
"""Writes hostile .apk files (unsigned; the caller signs them with `melange sign`) into OUT.

Each package is named after its case; tests/hostile/cases.txt says how apko must refuse it.
Written from the apk format as documented (gzip members: control tar without end blocks,
then data tar; PAX records APK-TOOLS.checksum.SHA1; .PKGINFO datahash = sha256 of the data
member), independently of our C++ writer. Usage: make_packages.py OUT UP TARGET | make_packages.py swap-data APK DATA
  UP      a run of '../' deep enough to leave any root
  TARGET  an absolute directory a successful escape would write into (without leading '/')
"""
import gzip, hashlib, io, sys, tarfile

if sys.argv[1] == 'swap-data':  # swap-data APK DATA: replace APK's last gzip member (after signing)
    import zlib
    apk_path, data_path = sys.argv[2:]
    d = open(apk_path, 'rb').read()
    starts, p = [], 0
    while p < len(d):
        starts.append(p)
        o = zlib.decompressobj(31)
        o.decompress(d[p:])
        p = len(d) - len(o.unused_data)
    open(apk_path, 'wb').write(d[:starts[-1]] + open(data_path, 'rb').read())
    sys.exit(0)

out, up, target = sys.argv[1:]


def entry(name, kind='file', payload='', mode=None, size=None, dev=(0, 0)):
    return dict(name=name, kind=kind, payload=payload, mode=mode, size=size, dev=dev)


def tar_bytes(entries, end_blocks=True):
    b = io.BytesIO()
    tf = tarfile.open(fileobj=b, mode='w', format=tarfile.PAX_FORMAT)
    for e in entries:
        ti = tarfile.TarInfo(e['name'])
        ti.mtime = 0
        ti.uname = ti.gname = 'root'
        kind, payload = e['kind'], e['payload']
        if kind == 'dir':
            ti.type, ti.mode = tarfile.DIRTYPE, e['mode'] or 0o755
            tf.addfile(ti)
            continue
        if kind in ('sym', 'hard'):
            ti.type = tarfile.SYMTYPE if kind == 'sym' else tarfile.LNKTYPE
            ti.mode, ti.linkname = 0o777, payload
            if kind == 'sym':
                ti.pax_headers = {'APK-TOOLS.checksum.SHA1': hashlib.sha1(payload.encode()).hexdigest()}
            tf.addfile(ti)
            continue
        if kind in ('chr', 'blk'):
            ti.type = tarfile.CHRTYPE if kind == 'chr' else tarfile.BLKTYPE
            ti.mode = e['mode'] or 0o666
            ti.devmajor, ti.devminor = e['dev']
            tf.addfile(ti)
            continue
        data = payload if isinstance(payload, bytes) else payload.encode()
        ti.size, ti.mode = len(data), e['mode'] or 0o644
        ti.pax_headers = {'APK-TOOLS.checksum.SHA1': hashlib.sha1(data).hexdigest()}
        tf.addfile(ti, io.BytesIO(data))
    if end_blocks:
        tf.close()
        return b.getvalue()
    return b.getvalue()  # before close(): no end-of-archive blocks


def pkginfo(name, datahash, size=10, extra=''):
    return ('pkgname = %s\npkgver = 1.0-r0\narch = x86_64\nsize = %d\norigin = %s\nbuilddate = 0\n'
            'pkgdesc = hostile\nlicense = MIT\n%sdatahash = %s\n' % (name, size, name, extra, datahash))


def apk(name, entries, size=10, extra=''):
    data = gzip.compress(tar_bytes(entries), mtime=0)
    info = pkginfo(name, hashlib.sha256(data).hexdigest(), size, extra).encode()
    control = gzip.compress(tar_bytes([entry('.PKGINFO', payload=info)], end_blocks=False), mtime=0)
    with open('%s/%s-1.0-r0.apk' % (out, name), 'wb') as f:
        f.write(control + data)


T = target
apk('traversal', [entry('etc', 'dir'), entry(up + T + '/pwned', payload='owned\n')])
apk('absolute', [entry('/' + T + '/pwned', payload='owned\n')])
apk('symlink-write', [entry('usr', 'dir'), entry('usr/escape', 'sym', up + T), entry('usr/escape/pwned', payload='x\n')])
apk('symlink-parent-abs', [entry('usr', 'dir'), entry('usr/lib', 'sym', '/' + T), entry('usr/lib/pwned', payload='x\n')])
apk('symlink-abs-write', [entry('opt', 'dir'), entry('opt/lnk', 'sym', '/' + T), entry('opt/lnk/pwned', payload='x\n')])
apk('hardlink-outside', [entry('etc', 'dir'), entry('etc/shadow-copy', 'hard', up + 'etc/shadow')])
apk('hardlink-absolute', [entry('etc', 'dir'), entry('etc/shadow-copy', 'hard', '/etc/shadow')])
apk('newline-name', [entry('etc', 'dir'), entry('etc/evil\nname', payload='x\n')])
apk('dot-dot-middle', [entry('usr', 'dir'), entry('usr/../../' + T + '/pwned', payload='x\n')])
# A tar bomb: .PKGINFO declares 10 bytes installed, the data inflates to 256 MiB of zeros.
apk('tar-bomb', [entry('usr', 'dir'), entry('usr/zeros', payload=b'\0' * (256 << 20))], size=10)
# The data member swapped for another package's: the control's datahash no longer matches.
other = gzip.compress(tar_bytes([entry('etc', 'dir'), entry('etc/swapped', payload='not what was signed\n')]), mtime=0)
apk('data-swap', [entry('etc', 'dir'), entry('etc/honest', payload='signed content\n')])
open('%s/../data-swap.data' % out, 'wb').write(other)  # swapped in after signing and indexing
# .PKGINFO with a newline smuggled into a field value's place and a megabyte description.
apk('device-node', [entry('dev', 'dir'), entry('dev/evil-mem', 'chr', dev=(1, 1))])
apk('pkginfo-huge-field', [entry('etc', 'dir')], extra='url = ' + 'x' * (1 << 20) + '\n')
