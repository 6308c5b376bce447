#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/seeds/<target>/) from the BGP messages of the captures in
../shared: whole messages, attribute blocks, NLRI fields and EVPN routes. Needs tshark.

Run once after adding captures: python3 fuzz/seed.py"""
import hashlib, os, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(root, '..', 'shared')
out = os.path.join(root, 'fuzz', 'seeds')

def messages(path):
    # Each TCP direction's payload in order (the captures have no retransmissions), split at
    # the BGP length fields. pmacct replays use port 20.
    res = subprocess.run(['tshark', '-r', path, '-d', 'tcp.port==20,bgp', '-Y', 'tcp.len>0', '-T', 'fields',
                          '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.payload'],
                         capture_output=True, text=True).stdout
    streams = {}
    for line in res.splitlines():
        p = line.split('\t')
        if len(p) == 3 and p[2]:
            streams.setdefault((p[0], p[1]), []).append(bytes.fromhex(p[2]))
    for segs in streams.values():
        data = b''.join(segs)
        i = 0
        while i + 19 <= len(data) and data[i:i + 16] == b'\xff' * 16:
            n = int.from_bytes(data[i + 16:i + 18], 'big')
            if n < 19:
                break
            yield data[i:i + n]
            i += n

def save(target, blob):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(blob).hexdigest()[:16]), 'wb') as f:
        f.write(blob)

def attributes(block):
    i = 0
    while i + 3 <= len(block):
        flags, code = block[i], block[i + 1]
        if flags & 0x10:
            if i + 4 > len(block): return
            n, h = int.from_bytes(block[i + 2:i + 4], 'big'), 4
        else:
            n, h = block[i + 2], 3
        yield code, block[i + h:i + h + n]
        i += h + n

def evpn_routes(field):
    i = 0
    while i + 2 <= len(field):
        t, n = field[i], field[i + 1]
        yield bytes([t]) + field[i + 2:i + 2 + n]
        i += 2 + n

files = []
for d in ('captures', 'pcaps-public'):
    base = os.path.join(shared, d)
    files += [os.path.join(base, f) for f in sorted(os.listdir(base)) if f.endswith(('.pcap', '.pcapng', '.cap'))]
count = 0
for f in files:
    for m in messages(f):
        count += 1
        save('FuzzMessage', m)
        if m[18] != 2 or len(m) < 23:
            continue
        w = int.from_bytes(m[19:21], 'big')
        a = int.from_bytes(m[21 + w:23 + w], 'big')
        block, nlri = m[23 + w:23 + w + a], m[23 + w + a:]
        save('FuzzAttributes', bytes([0x05 if nlri else 0x01]) + block)
        if nlri: save('FuzzIPv4NLRI', b'\x00' + nlri)
        if w: save('FuzzIPv4NLRI', b'\x00' + m[21:21 + w])
        for code, value in attributes(block):
            if code not in (14, 15) or len(value) < 3: continue
            afi, safi = int.from_bytes(value[0:2], 'big'), value[2]
            if code == 14:
                if len(value) < 4: continue
                field = value[5 + value[3]:]
            else:
                field = value[3:]
            if (afi, safi) == (1, 1): save('FuzzIPv4NLRI', b'\x00' + field)
            if (afi, safi) == (2, 1): save('FuzzIPv6NLRI', b'\x00' + field)
            if (afi, safi) == (25, 70):
                save('FuzzEVPNNLRI', b'\x00' + field)
                for r in evpn_routes(field): save('FuzzEVPNRoute', r)
print(f'{count} messages from {len(files)} captures')
for t in sorted(os.listdir(out)):
    print(t, len(os.listdir(os.path.join(out, t))))
