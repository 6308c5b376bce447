import BGP
import NetAddress
@testable import RIB
import Testing

@Suite("Storage")
struct StoreTests {
    @Test("the family table index agrees with a dictionary through random inserts and removals")
    func tableAgainstModel() {
        var rng = SeededRandom(seed: 3)
        var table = PathTable<IPv4Prefix>()
        var model: [IPv4Prefix: Int] = [:]
        for step in 0..<40_000 {
            // A small key space so that keys collide, repeat and get removed often.
            let p = IPv4Prefix(masking: IPv4Address(UInt32(truncatingIfNeeded: rng.next() % 3000) << 8), length: 24)!
            if rng.next() % 3 == 0, let e = model[p] {
                table.removeEntry(e)
                model[p] = nil
            } else {
                let e = table.entry(for: p)
                if let known = model[p] { #expect(known == e) }
                model[p] = e
            }
            if step % 5000 == 0 {
                for (k, e) in model { #expect(table.find(k) == e) }
            }
        }
        #expect(table.liveEntries == model.count)
        for (k, e) in model { #expect(table.find(k) == e && table.key(e) == k) }
        #expect(table.find(IPv4Prefix(masking: IPv4Address(0xFFFF_FF00), length: 24)!) == nil)
    }

    @Test("records link, move to the front and unlink")
    func records() {
        var t = PathTable<IPv4Prefix>()
        let e = t.entry(for: pfx4("10.0.0.0/8"))
        let a = t.addRecord(e, peer: 1, pathID: 0, flags: .candidate, attr: 11)
        let b = t.addRecord(e, peer: 2, pathID: 0, flags: .candidate, attr: 12)
        let c = t.addRecord(e, peer: 2, pathID: 0, flags: .prePolicy, attr: 13)
        #expect(t.findRecord(e, peer: 2, pathID: 0, kind: .prePolicy) == c)
        #expect(t.findRecord(e, peer: 2, pathID: 0, kind: .candidate) == b)
        t.moveToFront(e, c)
        #expect(t.first(e) == c && t.next(c) == a && t.next(a) == b && t.next(b) == nil)
        #expect(t.removeRecord(e, a) == 11)
        #expect(t.first(e) == c && t.next(c) == b)
        let d = t.addRecord(e, peer: 3, pathID: 9, flags: .candidate, attr: 14)
        #expect(d == a, "freed records are reused")
        #expect(t.liveRecords == 3)
    }

    @Test("attribute bytes round-trip, every field")
    func blobRoundTrip() {
        let path = PathAttributes(
            origin: .egp, asPath: ASPath(segments: [ASPathSegment(type: .sequence, asns: [1, 4_200_000_000]),
                                                   ASPathSegment(type: .set, asns: [7, 8]),
                                                   ASPathSegment(type: .confedSequence, asns: [65100])]),
            med: 5, localPref: 300, atomicAggregate: true,
            aggregator: Aggregator(asn: 65001, address: IPv4Address(10, 0, 0, 1)),
            communities: [Community(asn: 1, value: 2), .noExport], originatorID: IPv4Address(1, 2, 3, 4),
            clusterList: [IPv4Address(5, 6, 7, 8)], extendedCommunities: [ExtendedCommunity(raw: 0x0002_FDE9_0000_0064)],
            pmsiTunnel: PMSITunnel(tunnelType: 6, label: EVPNLabel(vni: 100), tunnelIdentifier: [10, 0, 0, 1]),
            largeCommunities: [LargeCommunity(1, 2, 3)],
            other: [RawAttribute(flags: 0xC0, code: 99, value: [1, 2, 3]), RawAttribute(flags: 0xC0, code: 100, value: [])])
        let hops: [NextHop?] = [nil, .ipv4(IPv4Address(1, 1, 1, 1)), .ipv6(ip6("2001:db8::1")),
                                .ipv6Pair(global: ip6("2001:db8::1"), linkLocal: ip6("fe80::1")), .raw([1, 2, 3, 4, 5])]
        for nh in hops {
            let a = RouteAttributes(path: path, nextHop: nh, scope: 7, weight: 9, local: true)
            var bytes: [UInt8] = []
            AttributeBlob.encode(a, into: &bytes)
            let back = bytes.withUnsafeBytes { AttributeBlob.decode($0) }
            #expect(back == a)
        }
        let empty = RouteAttributes(path: PathAttributes(), nextHop: nil)
        var bytes: [UInt8] = []
        AttributeBlob.encode(empty, into: &bytes)
        #expect(bytes.isEmpty)
    }

    @Test("damaged attribute bytes decode to something without trapping")
    func blobDamage() {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<2000 {
            let bytes = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = bytes.withUnsafeBytes { AttributeBlob.decode($0) }
        }
    }

    @Test("interning shares equal sets, counts references and frees the last one")
    func interning() {
        var store = AttributeStore()
        let a = RouteAttributes(path: PathAttributes(origin: .igp, asPath: ASPath(sequence: [1, 2])), nextHop: .ipv4(IPv4Address(1, 1, 1, 1)))
        var b = a
        b.path.med = 4
        let (x, newX) = store.intern(a)
        let (y, newY) = store.intern(b)
        let (z, newZ) = store.intern(a)
        #expect(newX && newY && !newZ)
        #expect(x == z && x != y)
        #expect(store.refCount(x) == 2 && store.liveCount == 2)
        #expect(store.attributes(y) == b)
        store.release(x)
        store.release(z)
        #expect(store.liveCount == 1)
        let (w, newW) = store.intern(a)
        #expect(newW && w == x, "the freed id is reused")
    }

    @Test("the arena is compacted and every set survives it")
    func compaction() {
        var store = AttributeStore()
        var ids: [UInt32] = []
        for i in 0..<6000 {
            let a = RouteAttributes(path: PathAttributes(origin: .igp, asPath: ASPath(sequence: [UInt32(i), 2, 3, 4, 5, 6, 7, 8])),
                                    nextHop: .ipv4(IPv4Address(UInt32(i))))
            ids.append(store.intern(a).id)
        }
        let before = store.arenaBytes
        for (i, id) in ids.enumerated() where i % 4 != 0 { store.release(id) }
        #expect(store.arenaBytes < before, "compacted")
        for (i, id) in ids.enumerated() where i % 4 == 0 {
            #expect(store.attributes(id).path.asPath?.allASNs.first == UInt32(i))
            let again = RouteAttributes(path: PathAttributes(origin: .igp, asPath: ASPath(sequence: [UInt32(i), 2, 3, 4, 5, 6, 7, 8])),
                                        nextHop: .ipv4(IPv4Address(UInt32(i))))
            #expect(store.intern(again).id == id, "still found by the index after compaction")
        }
    }

    @Test("the resolver picks the longest match, connected before routes, lowest metric")
    func resolver() {
        var r = NextHopResolver()
        r.apply(.route(prefix: pfx("10.0.0.0/8"), source: .kernel, gateway: ip("192.0.2.1"), interfaceIndex: 2, metric: 5, present: true))
        r.apply(.route(prefix: pfx("10.1.0.0/16"), source: .kernel, gateway: ip("192.0.2.2"), interfaceIndex: 2, metric: 9, present: true))
        r.apply(.route(prefix: pfx("10.1.0.0/16"), source: .static, gateway: ip("192.0.2.3"), interfaceIndex: 3, metric: 1, present: true))
        r.apply(.connected(prefix: pfx("10.1.2.0/24"), interfaceIndex: 4, present: true))
        #expect(r.resolve(ip("10.9.9.9"))?.gateway == ip("192.0.2.1"))
        #expect(r.resolve(ip("10.1.9.9")) == .init(gateway: ip("192.0.2.3"), interfaceIndex: 3, onlink: false, cost: 1))
        #expect(r.resolve(ip("10.1.2.3")) == .init(gateway: ip("10.1.2.3"), interfaceIndex: 4, onlink: false, cost: 0))
        #expect(r.resolve(ip("11.0.0.1")) == nil)
        let again = r.apply(.connected(prefix: pfx("10.1.2.0/24"), interfaceIndex: 4, present: true))
        #expect(!again, "no change twice")
        r.apply(.connected(prefix: pfx("10.1.2.0/24"), interfaceIndex: 4, present: false))
        #expect(r.resolve(ip("10.1.2.3"))?.gateway == ip("192.0.2.3"))
    }
}
