#!/usr/bin/env python3
"""Turns requests.txt (iproute2 bytes captured by capture.sh) into IPRoute2Requests.swift:
one Swift byte array per case, annotated field by field, with the command that produced it.

    python3 Tests/FIBNetlinkTests/Fixtures/annotate.py > Tests/FIBNetlinkTests/IPRoute2Requests.swift

The annotations come from the kernel UAPI layouts (linux/netlink.h, rtnetlink.h, nexthop.h,
neighbour.h); this script is independent of the Swift code it tests."""
import re, sys, os

TYPES = {16: "RTM_NEWLINK", 18: "RTM_GETLINK", 24: "RTM_NEWROUTE", 25: "RTM_DELROUTE", 26: "RTM_GETROUTE",
         28: "RTM_NEWNEIGH", 29: "RTM_DELNEIGH", 104: "RTM_NEWNEXTHOP", 105: "RTM_DELNEXTHOP", 106: "RTM_GETNEXTHOP"}
RTA = {1: "RTA_DST", 4: "RTA_OIF", 5: "RTA_GATEWAY", 6: "RTA_PRIORITY", 9: "RTA_MULTIPATH", 15: "RTA_TABLE",
       18: "RTA_VIA", 30: "RTA_NH_ID"}
NHA = {1: "NHA_ID", 2: "NHA_GROUP", 3: "NHA_GROUP_TYPE", 4: "NHA_BLACKHOLE", 5: "NHA_OIF", 6: "NHA_GATEWAY"}
NDA = {1: "NDA_DST", 2: "NDA_LLADDR", 12: "NDA_PROTOCOL"}

def flags_str(t, f):
    names = [(1, "REQUEST"), (2, "MULTI"), (4, "ACK"), (8, "ECHO")]
    if t in (18, 26, 30, 106):
        names += [(0x100, "ROOT"), (0x200, "MATCH")]
    else:
        names += [(0x100, "REPLACE"), (0x200, "EXCL"), (0x400, "CREATE"), (0x800, "APPEND")]
    return "|".join(n for v, n in names if f & v) or "0"

def u16(b, o): return int.from_bytes(b[o:o+2], "little")
def u32(b, o): return int.from_bytes(b[o:o+4], "little")

def ip(b):
    if len(b) == 4: return ".".join(str(x) for x in b)
    if len(b) == 16:
        import ipaddress; return str(ipaddress.IPv6Address(bytes(b)))
    return b.hex()

class Out:
    def __init__(self): self.lines = []
    def emit(self, b, start, n, note, indent=""):
        chunk = ", ".join("0x%02x" % x for x in b[start:start+n])
        self.lines.append("        %s%s,%s// %s" % (indent, chunk, " " * max(1, 40 - len(chunk) - len(indent)), note))

def attrs(out, b, o, end, names, ctx, indent=""):
    while o + 4 <= end:
        ln, ty = u16(b, o), u16(b, o + 2)
        name = names.get(ty & 0x3fff, "type %d" % ty)
        val = b[o+4:o+ln]
        out.emit(b, o, 4, "nla_len %d, nla_type %s (%d)" % (ln, name, ty), indent)
        if name == "RTA_MULTIPATH":
            p = o + 4
            while p + 8 <= o + ln:
                rl = u16(b, p)
                out.emit(b, p, 8, "  rtnexthop: len %d, flags %d, hops %d (weight %d), ifindex %d" % (rl, b[p+2], b[p+3], b[p+3] + 1, u32(b, p+4)), indent)
                attrs(out, b, p + 8, p + rl, names, ctx, indent + "    ")
                p += (rl + 3) & ~3
        elif name == "NHA_GROUP":
            for p in range(o + 4, o + ln, 8):
                out.emit(b, p, 8, "  nexthop_grp: id %d, weight %d (stored as %d), resvd" % (u32(b, p), b[p+4] + 1, b[p+4]), indent)
        elif name == "RTA_VIA":
            out.emit(b, o + 4, 2, "  rtvia family %d" % u16(b, o + 4), indent)
            out.emit(b, o + 6, ln - 6, "  address %s" % ip(b[o+6:o+ln]), indent)
        elif ln > 4:
            if name in ("RTA_DST", "RTA_GATEWAY", "NHA_GATEWAY", "NDA_DST") or (ctx == "fdb" and ty == 1): d = ip(val)
            elif name == "NDA_LLADDR" or (ctx in ("fdb", "neigh") and ty == 2): d = ":".join("%02x" % x for x in val)
            elif len(val) == 4: d = str(u32(val, 0))
            elif len(val) == 1: d = str(val[0])
            else: d = val.hex()
            out.emit(b, o + 4, ln - 4, "  %s" % d, indent)
        pad = ((ln + 3) & ~3) - ln
        if pad: out.emit(b, o + ln, pad, "  padding", indent)
        o += (ln + 3) & ~3

def annotate(b):
    out = Out()
    t, f = u16(b, 4), u16(b, 6)
    out.emit(b, 0, 4, "nlmsg_len %d" % u32(b, 0))
    out.emit(b, 4, 2, "nlmsg_type %s (%d)" % (TYPES.get(t, "?"), t))
    out.emit(b, 6, 2, "nlmsg_flags %s (0x%03x)" % (flags_str(t, f), f))
    out.emit(b, 8, 4, "nlmsg_seq 1 (normalised)")
    out.emit(b, 12, 4, "nlmsg_pid 0")
    if t in (24, 25, 26):
        out.emit(b, 16, 4, "rtmsg: family %d, dst_len %d, src_len %d, tos %d" % tuple(b[16:20]))
        out.emit(b, 20, 4, "       table %d, protocol %d, scope %d, type %d" % tuple(b[20:24]))
        out.emit(b, 24, 4, "       flags 0x%x" % u32(b, 24))
        attrs(out, b, 28, len(b), RTA, "route")
    elif t in (104, 105, 106):
        out.emit(b, 16, 4, "nhmsg: family %d, scope %d, protocol %d, resvd" % tuple(b[16:19]))
        out.emit(b, 20, 4, "       flags 0x%x" % u32(b, 20))
        attrs(out, b, 24, len(b), NHA, "nh")
    elif t in (28, 29, 30):
        ctx = "fdb" if b[16] == 7 else "neigh"
        out.emit(b, 16, 4, "ndmsg: family %d, pad" % b[16])
        out.emit(b, 20, 4, "       ifindex %d" % u32(b, 20))
        out.emit(b, 24, 4, "       state 0x%02x, flags 0x%02x, type %d" % (u16(b, 24), b[26], b[27]))
        attrs(out, b, 28, len(b), NDA, ctx)
    return out.lines

def swift_name(case):
    parts = case.split("-")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])

src = open(os.path.join(os.path.dirname(__file__), "requests.txt")).read()
print("// Generated by Fixtures/annotate.py from Fixtures/requests.txt (captured by Fixtures/capture.sh):")
print("// what iproute2 6.1.0 handed to sendmsg(2) on Linux 6.18, annotated field by field.")
print("// Interfaces in the capture namespace: 2 = fb-a, 3 = fb-b, 5 = fb-br (bridge), 6 = fb-vx (vxlan 100).")
print("// Do not edit by hand; re-run the capture and this script.\n")
print("enum IPRoute2Requests {")
for block in src.split("## ")[1:]:
    lines = block.strip().splitlines()
    case, cmd, hexs = lines[0].strip(), lines[1][2:], lines[2].strip()
    b = bytes.fromhex(hexs)
    print("    /// `%s`" % cmd)
    print("    static let %s: [UInt8] = [" % swift_name(case))
    print("\n".join(annotate(b)))
    print("    ]\n")
print("}")
