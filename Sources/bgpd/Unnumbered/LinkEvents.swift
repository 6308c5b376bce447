import NetAddress

/// What the kernel says about interfaces, their IPv6 link-local addresses and their IPv6
/// neighbours: the facts unnumbered peering needs.
enum LinkEvent: Hashable, Sendable {
    /// An interface exists (RTM_NEWLINK); `up` means administratively up with carrier.
    case link(index: UInt32, name: String, mac: MACAddress?, up: Bool)
    case linkRemoved(index: UInt32)
    /// An IPv6 address on an interface (RTM_NEWADDR); tentative while DAD runs.
    case address(index: UInt32, address: IPv6Address, tentative: Bool)
    case addressRemoved(index: UInt32, address: IPv6Address)
    /// A usable IPv6 neighbour entry (RTM_NEWNEIGH with a MAC, not FAILED/INCOMPLETE).
    case neighbor(index: UInt32, address: IPv6Address, mac: MACAddress, router: Bool)
    case neighborRemoved(index: UInt32, address: IPv6Address)
    /// An address's subnet on an interface, IPv4 or IPv6 (for next-hop resolution in the RIB).
    case connected(index: UInt32, prefix: IPPrefix, present: Bool)
}

/// Decoding of the rtnetlink messages behind `LinkEvent`. Total: a short or inconsistent message
/// yields no event rather than a trap, since the bytes come from the kernel but the layouts
/// differ across versions.
///
/// ```
/// nlmsghdr:  len (4) | type (2) | flags (2) | seq (4) | pid (4)
/// ifinfomsg: family (1) | pad (1) | type (2) | index (4) | flags (4) | change (4)   + rtattrs
/// ifaddrmsg: family (1) | prefixlen (1) | flags (1) | scope (1) | index (4)         + rtattrs
/// ndmsg:     family (1) | pad (3) | ifindex (4) | state (2) | flags (1) | type (1) + rtattrs
/// rtattr:    len (2) | type (2) | value, padded to 4
/// ```
enum LinkMessageParser {
    static let newLink: UInt16 = 16, delLink: UInt16 = 17, getLink: UInt16 = 18
    static let newAddr: UInt16 = 20, delAddr: UInt16 = 21, getAddr: UInt16 = 22
    static let newNeigh: UInt16 = 28, delNeigh: UInt16 = 29, getNeigh: UInt16 = 30
    static let done: UInt16 = 3, error: UInt16 = 2

    /// Every event in a buffer of netlink messages, and whether a dump ended (NLMSG_DONE or an
    /// error reply) in it.
    static func parse(_ b: [UInt8]) -> (events: [LinkEvent], dumpDone: Bool) {
        var events: [LinkEvent] = []
        var done = false
        var at = 0
        while at + 16 <= b.count {
            let len = Int(u32(b, at))
            let type = u16(b, at + 4)
            guard len >= 16, at + len <= b.count else { break }
            let body = Array(b[(at + 16)..<(at + len)])
            switch type {
            case Self.done, Self.error: done = true
            case newLink, delLink: if let e = link(body, removed: type == delLink) { events.append(e) }
            case newAddr, delAddr: events += address(body, removed: type == delAddr)
            case newNeigh, delNeigh: if let e = neighbor(body, removed: type == delNeigh) { events.append(e) }
            default: break
            }
            at += (len + 3) & ~3
        }
        return (events, done)
    }

    static func link(_ b: [UInt8], removed: Bool) -> LinkEvent? {
        guard b.count >= 16 else { return nil }
        let index = u32(b, 4), flags = u32(b, 8)
        if removed { return .linkRemoved(index: index) }
        var name: String?
        var mac: MACAddress?
        for (type, value) in attributes(b, from: 16) {
            if type == 3 { name = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self) }   // IFLA_IFNAME
            if type == 1, value.count == 6 { mac = MACAddress(bytes: value) }                    // IFLA_ADDRESS
        }
        guard let name else { return nil }
        // IFF_UP (0x1) and IFF_LOWER_UP (0x10000): configured up and carrier present.
        return .link(index: index, name: name, mac: mac, up: flags & 0x1 != 0 && flags & 0x10000 != 0)
    }

    /// An IPv6 address gives its own event (with the DAD state) and its subnet; an IPv4 address
    /// only its subnet. Tentative addresses do not make a subnet connected yet.
    static func address(_ b: [UInt8], removed: Bool) -> [LinkEvent] {
        guard b.count >= 8, b[0] == 10 || b[0] == 2 /* AF_INET6, AF_INET */ else { return [] }
        let index = u32(b, 4), prefixLength = b[1]
        var flags = UInt32(b[2])
        var local: [UInt8]?, address: [UInt8]?
        for (type, value) in attributes(b, from: 8) {
            if type == 1 { address = value }                            // IFA_ADDRESS
            if type == 2 { local = value }                              // IFA_LOCAL (IPv4)
            if type == 8, value.count == 4 { flags = u32(value, 0) }    // IFA_FLAGS
        }
        // IFA_F_TENTATIVE (0x40) until DAD succeeds; IFA_F_DADFAILED (0x08) means never usable.
        let tentative = flags & 0x48 != 0
        var out: [LinkEvent] = []
        if b[0] == 10, let bytes = address, let a = IPv6Address(bytes: bytes) {
            out.append(removed ? .addressRemoved(index: index, address: a) : .address(index: index, address: a, tentative: tentative))
            if let p = IPv6Prefix(masking: a, length: min(prefixLength, 128)), !a.isLinkLocal {
                out.append(.connected(index: index, prefix: .v6(p), present: !removed && !tentative))
            }
        }
        if b[0] == 2, let bytes = local ?? address, let a = IPv4Address(bytes: bytes),
           let p = IPv4Prefix(masking: a, length: min(prefixLength, 32)) {
            out.append(.connected(index: index, prefix: .v4(p), present: !removed))
        }
        return out
    }

    static func neighbor(_ b: [UInt8], removed: Bool) -> LinkEvent? {
        guard b.count >= 12, b[0] == 10 /* AF_INET6 */ else { return nil }
        let index = u32(b, 4), state = u16(b, 8), flags = b[10]
        var addr: IPv6Address?
        var mac: MACAddress?
        for (type, value) in attributes(b, from: 12) {
            if type == 1, value.count == 16 { addr = IPv6Address(bytes: value) }   // NDA_DST
            if type == 2, value.count == 6 { mac = MACAddress(bytes: value) }      // NDA_LLADDR
        }
        guard let addr else { return nil }
        // NUD_INCOMPLETE (0x01) and NUD_FAILED (0x20) entries name no reachable neighbour.
        if removed || state & 0x21 != 0 || mac == nil { return .neighborRemoved(index: index, address: addr) }
        return .neighbor(index: index, address: addr, mac: mac ?? .zero, router: flags & 0x80 != 0)
    }

    /// The (type, value) pairs of a run of rtattrs.
    static func attributes(_ b: [UInt8], from start: Int) -> [(UInt16, [UInt8])] {
        var out: [(UInt16, [UInt8])] = []
        var at = start
        while at + 4 <= b.count {
            let len = Int(u16(b, at))
            guard len >= 4, at + len <= b.count else { break }
            out.append((u16(b, at + 2) & 0x3FFF, Array(b[(at + 4)..<(at + len)])))
            at += (len + 3) & ~3
        }
        return out
    }

    /// A dump request for `type` (RTM_GETLINK, RTM_GETADDR, RTM_GETNEIGH) of IPv6 entries.
    static func dumpRequest(_ type: UInt16, seq: UInt32) -> [UInt8] {
        // The family byte: all families for addresses, AF_INET6 for neighbours; links ignore it.
        let body: [UInt8] = type == getLink ? [UInt8](repeating: 0, count: 16)
            : type == getAddr ? [0, 0, 0, 0, 0, 0, 0, 0] : [10] + [UInt8](repeating: 0, count: 11)
        var h = [UInt8]()
        h += le32(UInt32(16 + body.count))
        h += le16(type)
        h += le16(0x301)   // NLM_F_REQUEST | NLM_F_DUMP
        h += le32(seq)
        h += le32(0)
        return h + body
    }

    // Netlink is in host byte order (little-endian on every target we build for).
    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 {
        guard i + 2 <= b.count else { return 0 }
        return UInt16(b[i]) | UInt16(b[i + 1]) << 8
    }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        guard i + 4 <= b.count else { return 0 }
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
