import BGP
import Foundation
import NetAddress
@testable import bgpd

/// One BGP message reduced to what the fixture tests compare with tshark: the direction, the
/// type, the announced and withdrawn prefixes (canonical text, sorted), the EVPN routes, and the
/// AFI/SAFI of MP_REACH/MP_UNREACH attributes of families whose NLRI are not compared.
/// ADD-PATH path identifiers are left out: tshark only guesses them.
struct WireView: Equatable, CustomStringConvertible {
    var direction: String
    var type: Int
    var announced: [String] = []
    var withdrawn: [String] = []
    var evpnAnnounced: [EVPNView] = []
    var evpnWithdrawn: [EVPNView] = []
    var otherFamilies: [String] = []

    mutating func normalise() {
        announced.sort()
        withdrawn.sort()
        evpnAnnounced.sort { $0.key < $1.key }
        evpnWithdrawn.sort { $0.key < $1.key }
        otherFamilies.sort()
    }

    var description: String {
        var s = "\(direction) type \(type)"
        if !announced.isEmpty { s += " +\(announced)" }
        if !withdrawn.isEmpty { s += " -\(withdrawn)" }
        if !evpnAnnounced.isEmpty { s += " +evpn\(evpnAnnounced)" }
        if !evpnWithdrawn.isEmpty { s += " -evpn\(evpnWithdrawn)" }
        if !otherFamilies.isEmpty { s += " \(otherFamilies)" }
        return s
    }
}

/// One EVPN route as both sides show it.
struct EVPNView: Equatable, CustomStringConvertible {
    var type: Int
    /// The 8 octets of the RD in hex.
    var rd: String
    var mac: String?
    /// Type 2: the host IP; types 3 and 4: the originating router.
    var ip: String?
    /// Type 5: `address/length`.
    var prefix: String?
    /// Ours: the 24 raw label bits. tshark's: what it prints, which is either the raw 24 bits
    /// (as a VNI, or for type 5) or the 20-bit MPLS label, depending on what it has seen of
    /// the encapsulation community before the NLRI.
    var label: UInt32?

    var key: String { "\(type) \(rd) \(mac ?? "-") \(ip ?? "-") \(prefix ?? "-")" }
    var description: String { key + (label.map { " label \($0)" } ?? "") }

    /// Equal fields, and tshark's label is one of the two readings of our raw label.
    func matches(tshark t: EVPNView) -> Bool {
        guard key == t.key else { return false }
        switch (label, t.label) {
        case (nil, nil): return true
        case (let raw?, let shown?): return shown == raw || shown == raw >> 4
        case (_?, nil): return type == 3 || type == 4   // tshark shows no label for these
        case (nil, _?): return false
        }
    }
}

extension WireView {
    /// Same message, as far as the comparison goes.
    func matches(tshark t: WireView) -> Bool {
        direction == t.direction && type == t.type && announced == t.announced && withdrawn == t.withdrawn
            && otherFamilies == t.otherFamilies
            && evpnAnnounced.count == t.evpnAnnounced.count && evpnWithdrawn.count == t.evpnWithdrawn.count
            && zip(evpnAnnounced, t.evpnAnnounced).allSatisfy { $0.matches(tshark: $1) }
            && zip(evpnWithdrawn, t.evpnWithdrawn).allSatisfy { $0.matches(tshark: $1) }
    }

    /// Our view of a decoded message.
    init(_ m: BGPMessage, direction: String) {
        self.init(direction: direction, type: Int(m.type.rawValue))
        guard case .update(let u) = m else { return }
        announced += u.nlri.map { $0.prefix.description }
        withdrawn += u.withdrawn.map { $0.prefix.description }
        if let r = u.mpReach { add(r.nlri, family: r.family, reach: true) }
        if let r = u.mpUnreach { add(r.nlri, family: r.family, reach: false) }
        normalise()
    }

    private mutating func add(_ list: NLRIList, family: Family, reach: Bool) {
        switch list {
        case .ipv4Unicast(let l):
            if reach { announced += l.map { $0.prefix.description } } else { withdrawn += l.map { $0.prefix.description } }
        case .ipv6Unicast(let l):
            if reach { announced += l.map { $0.prefix.description } } else { withdrawn += l.map { $0.prefix.description } }
        case .evpn(let l):
            let views = l.map { EVPNView($0.route) }
            if reach { evpnAnnounced += views } else { evpnWithdrawn += views }
        case .other:
            otherFamilies.append("\(reach ? "reach" : "unreach") \(family.afi.rawValue)/\(family.safi.rawValue)")
        }
    }

    static func direction(_ s: DecodedStream) -> String {
        "\(s.source.address):\(s.source.port)>\(s.destination.address):\(s.destination.port)"
    }
}

extension EVPNView {
    init(_ r: EVPNRoute) {
        let rd = r.rd.map { rd in hexString((0..<8).map { UInt8(truncatingIfNeeded: rd.raw >> (56 - 8 * UInt64($0))) }) } ?? ""
        switch r {
        case .ethernetAutoDiscovery(let x):
            self.init(type: 1, rd: rd, label: x.label.raw)
        case .macIP(let x):
            self.init(type: 2, rd: rd, mac: x.mac.description, ip: x.ip?.description, label: x.label1.raw)
        case .inclusiveMulticast(let x):
            self.init(type: 3, rd: rd, ip: x.originatingRouter.description)
        case .ethernetSegment(let x):
            self.init(type: 4, rd: rd, ip: x.originatingRouter.description)
        case .ipPrefix(let x):
            self.init(type: 5, rd: rd, prefix: "\(x.prefixAddress)/\(x.prefixLength)", label: x.label.raw)
        case .unknown(let t, _):
            self.init(type: Int(t), rd: rd)
        }
    }
}
