import BGP
import Foundation
import Testing
@testable import bgpd

/// For every session fixture, what we decode equals what tshark decodes from the same file,
/// message by message in each direction: the message type, the announced and withdrawn
/// prefixes, the EVPN routes (type, RD, MAC, IP, prefix, label/VNI) and the families of the MP
/// attributes whose NLRI neither side interprets. With CI set, a missing tshark is a failure.
@Suite struct FixtureTsharkTests {
    @Test(arguments: Fixtures.sessionCaptures)
    func sameAsTshark(_ name: String) throws {
        guard Run.which("tshark") != nil else {
            Fixtures.missing("tshark is not installed (apt-get install tshark)")
            return
        }
        try KnownCases.whenReadable(name) { try Self.check(name) }
    }

    static func check(_ name: String) throws {
        let theirs = try TsharkReader.views(Fixtures.path(name))
        let d = try Fixtures.decode(name)
        let ours: [WireView] = d.items.compactMap { item in
            let dir = WireView.direction(d.streams[item.stream])
            switch item.kind {
            case .message(let m, _): return WireView(m, direction: dir)
            case .error(_, let b): return WireView(direction: dir, type: b.count > 18 ? Int(b[18]) : -1)
            case .framing: return nil
            }
        }
        let skip = KnownCases.tsharkDifferences[name]
        let mismatches = Self.compare(ours: ours, theirs: theirs)
        let report = "\(mismatches.count) differences from tshark\(skip.map { " (known: \($0.reason))" } ?? ""):\n"
            + mismatches.prefix(6).joined(separator: "\n")
        #expect(mismatches.count == skip?.count ?? 0, "\(report)")
        // Not vacuous: the capture has BGP in it, and tshark found it too.
        if !Fixtures.withoutBGP.contains(name) { #expect(!theirs.isEmpty) }
    }

    /// The differences between two decodings, direction by direction, message by message. A
    /// message only one side has is one difference (the lists are realigned after it), so a
    /// lost message does not make every later one differ.
    static func compare(ours: [WireView], theirs: [WireView]) -> [String] {
        var out: [String] = []
        let directions = Set(ours.map(\.direction)).union(theirs.map(\.direction)).sorted()
        for dir in directions {
            let a = ours.filter { $0.direction == dir }, b = theirs.filter { $0.direction == dir }
            var i = 0, j = 0
            while i < a.count || j < b.count {
                if i < a.count, j < b.count, a[i].matches(tshark: b[j]) {
                    i += 1
                    j += 1
                } else if i < a.count, j + 1 < b.count, a[i].matches(tshark: b[j + 1]) {
                    out.append("\(dir): only tshark has message \(j): \(b[j])")
                    j += 1
                } else if j < b.count, i + 1 < a.count, a[i + 1].matches(tshark: b[j]) {
                    out.append("\(dir): only we have message \(i): \(a[i])")
                    i += 1
                } else if i < a.count, j < b.count {
                    out.append("\(dir) message \(i):\n  ours   \(a[i])\n  tshark \(b[j])")
                    i += 1
                    j += 1
                } else if i < a.count {
                    out.append("\(dir): only we have message \(i): \(a[i])")
                    i += 1
                } else {
                    out.append("\(dir): only tshark has message \(j): \(b[j])")
                    j += 1
                }
            }
            if a.count != b.count {
                out.append("\(dir): message counts differ (ours \(typeCounts(a)); tshark \(typeCounts(b)))")
            }
        }
        return out
    }

    static func typeCounts(_ v: [WireView]) -> String {
        var c: [Int: Int] = [:]
        for x in v { c[x.type, default: 0] += 1 }
        return c.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
    }

    /// The tshark summariser itself reads a capture with several UPDATEs in one segment
    /// (which plain `-T json` would lose) and finds the prefixes the lab notes list.
    @Test func summariserSeesEveryMessageOfASegment() throws {
        guard Run.which("tshark") != nil else {
            Fixtures.missing("tshark is not installed")
            return
        }
        let views = try TsharkReader.views(Fixtures.path("Tests/Fixtures/frr/frr-unnumbered-r1-r2.pcap"))
        // LAB notes (tshark 4.0.17): KEEPALIVE=14, NOTIFICATION=1, OPEN=3, UPDATE=73.
        #expect(views.filter { $0.type == 2 }.count == 73)
        #expect(views.filter { $0.type == 4 }.count == 14)
        #expect(views.filter { $0.type == 1 }.count == 3)
        #expect(views.filter { $0.type == 3 }.count == 1)
        #expect(views.contains { $0.announced.contains("10.2.1.0/24") })
        #expect(views.contains { $0.announced.contains("2001:db8:2:1::/64") })
        #expect(views.contains { $0.withdrawn.contains("10.2.1.0/24") })
    }
}

extension KnownCases {
    /// Captures where tshark and we disagree for a reason that is tshark's (or the capture's),
    /// with the exact number of differing entries.
    static let tsharkDifferences: [String: Known] = [
        // tshark lists the prefixes of both MP_REACH/MP_UNREACH pairs; we report the message as
        // the RFC 7606 error it is (see `undecodable`).
        "Tests/Fixtures/public/tcpdump_addpath_ipv4-ipv6-mp.pcap": twoMPReach,
    ]
}
