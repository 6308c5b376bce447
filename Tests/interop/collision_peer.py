#!/usr/bin/env python3
"""A scripted BGP peer that makes a connection collision happen on purpose (RFC 4271 6.8).

It listens for bgpd's connection, then connects to bgpd itself, so both connections exist
before any OPEN is answered; it sends its OPEN and a KEEPALIVE on both and reports which
connection bgpd closes with Cease/Connection Collision Resolution (6/7) and which it keeps.
The rule: the connection initiated by the speaker with the higher BGP Identifier survives.
Then it keeps the surviving connection alive for --hold seconds.
"""
import argparse, json, select, socket, struct, sys, time

def open_msg(asn, router_id, hold):
    caps = bytes([1, 4, 0, 1, 0, 1])                      # MP: IPv4 unicast
    caps += bytes([65, 4]) + struct.pack("!I", asn)       # 4-octet AS
    caps += bytes([2, 0])                                  # route refresh
    params = bytes([2, len(caps)]) + caps
    my_as = asn if asn < 65536 else 23456
    body = struct.pack("!BHH4sB", 4, my_as, hold, socket.inet_aton(router_id), len(params)) + params
    return msg(1, body)

def msg(t, body=b""):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), t) + body

def read_messages(sock, buf):
    """Returns (messages, rest, closed)."""
    try:
        data = sock.recv(65536)
    except (ConnectionResetError, OSError):
        return [], buf, True
    if not data:
        return [], buf, True
    buf += data
    out = []
    while len(buf) >= 19:
        length = struct.unpack("!H", buf[16:18])[0]
        if length < 19 or len(buf) < length:
            break
        out.append((buf[18], buf[19:length]))
        buf = buf[length:]
    return out, buf, False

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--local", required=True)
    p.add_argument("--remote", required=True)
    p.add_argument("--asn", type=int, required=True)
    p.add_argument("--router-id", required=True)
    p.add_argument("--hold", type=float, default=8)
    a = p.parse_args()

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((a.local, 179))
    lsock.listen(4)
    lsock.settimeout(30)
    print("listening", flush=True)
    accepted, _ = lsock.accept()          # bgpd's own connection ("theirs")
    ours = socket.create_connection((a.remote, 179), timeout=10)
    conns = {"bgpd-initiated": accepted, "peer-initiated": ours}
    bufs = {k: b"" for k in conns}
    seen = {k: [] for k in conns}
    closed = {k: False for k in conns}
    for k, s in conns.items():
        s.sendall(open_msg(a.asn, a.router_id, 9))
    # Wait for bgpd's OPEN on both connections before confirming either, so that bgpd holds two
    # connections past OpenSent at the same time: the collision of RFC 4271 6.8.
    end = time.time() + 6
    while time.time() < end and not all(any(m == [1] for m in v) or closed[k] for k, v in seen.items()):
        r, _, _ = select.select([s for k, s in conns.items() if not closed[k]], [], [], 0.5)
        for k, s in conns.items():
            if s in r:
                msgs, bufs[k], c = read_messages(s, bufs[k])
                for t, body in msgs:
                    seen[k].append([t, body[0], body[1]] if t == 3 and len(body) >= 2 else [t])
                    if t == 3:
                        closed[k] = True
                closed[k] = closed[k] or c
    time.sleep(0.3)
    for k, s in conns.items():
        if not closed[k]:
            try:
                s.sendall(msg(4))
            except OSError:
                closed[k] = True
    end = time.time() + 6
    while time.time() < end and not all(closed.values()):
        live = [s for k, s in conns.items() if not closed[k]]
        r, _, _ = select.select(live, [], [], 0.5)
        for k, s in conns.items():
            if s in r:
                msgs, bufs[k], c = read_messages(s, bufs[k])
                for t, body in msgs:
                    seen[k].append([t, body[0], body[1]] if t == 3 and len(body) >= 2 else [t])
                    if t == 3:
                        closed[k] = True
                if c:
                    closed[k] = True
        # Stop once one side got a NOTIFICATION and the other a KEEPALIVE after the OPEN.
        if any(closed.values()) and any(any(m == [4] for m in v) for k, v in seen.items() if not closed[k]):
            break
    print(json.dumps({"seen": seen, "closed": closed}), flush=True)
    survivor = [k for k in conns if not closed[k]]
    end = time.time() + a.hold
    while survivor and time.time() < end:
        s = conns[survivor[0]]
        try:
            s.sendall(msg(4))
        except OSError:
            break
        r, _, _ = select.select([s], [], [], 1)
        if r:
            _, bufs[survivor[0]], c = read_messages(s, bufs[survivor[0]])
            if c:
                break
    for s in conns.values():
        s.close()

if __name__ == "__main__":
    main()
