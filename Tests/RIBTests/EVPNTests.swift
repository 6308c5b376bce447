import BGP
import NetAddress
@testable import RIB
import Testing

@Suite("EVPN")
struct EVPNTests {
    let rd = RouteDistinguisher(ipv4: IPv4Address(10, 0, 0, 1), number: 2)
    let vtep = IPv4Address(10, 0, 0, 1)

    func update(_ routes: [EVPNRoute], ext: [ExtendedCommunity]? = nil, pmsi: PMSITunnel? = nil) -> UpdateMessage {
        let attrs = PathAttributes(origin: .igp, asPath: ASPath(sequence: [65001]), extendedCommunities: ext, pmsiTunnel: pmsi)
        return UpdateMessage(attributes: attrs, mpReach: MPReach(family: .l2vpnEVPN, nextHop: .ipv4(vtep),
                                                                 nlri: .evpn(routes.map { EVPNNLRI($0) })))
    }

    @Test("type 2 becomes a remote MAC behind the VTEP, and goes with the route")
    func macIP() throws {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        let mac = try #require(MACAddress("02:00:00:00:aa:01"))
        let route = EVPNRoute.macIP(MACIPAdvertisementRoute(rd: rd, mac: mac, ip: ip("10.100.0.11"),
                                                            label1: EVPNLabel(vni: 100), label2: EVPNLabel(vni: 1000)))
        let rmac = ExtendedCommunity(raw: 0x0603 << 48 | 0x0200_0000_00bb)
        let seq = ExtendedCommunity(raw: 0x0600 << 48 | 7)
        let out = rib.apply(update: update([route], ext: [rmac, seq]), from: PeerID(1))
        #expect(out.evpnChanges == [.remoteMAC(vni: 100, mac: mac, ip: ip("10.100.0.11"), vtep: .v4(vtep), l3vni: 1000,
                                               routerMAC: MACAddress(0x0200_0000_00bb), sequence: 7, sticky: false, present: true)])
        #expect(out.fibChanges.isEmpty)
        #expect(rib.routeCount(.l2vpnEVPN) == 1)
        #expect(rib.locRIB(.l2vpnEVPN).first?.destination == .evpn(route))
        let gone = rib.apply(update: UpdateMessage(mpUnreach: MPUnreach(family: .l2vpnEVPN, nlri: .evpn([EVPNNLRI(route)]))),
                             from: PeerID(1))
        #expect(gone.evpnChanges.count == 1)
        if case .remoteMAC(_, _, _, _, _, _, _, _, let present) = gone.evpnChanges[0] { #expect(!present) }
        #expect(rib.routeCount(.l2vpnEVPN) == 0)
    }

    @Test("type 3 adds the PMSI endpoint to the VNI's flood list; type 5 a prefix via the VTEP")
    func imetAndPrefix() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        let imet = EVPNRoute.inclusiveMulticast(InclusiveMulticastRoute(rd: rd, originatingRouter: .v4(vtep)))
        let pmsi = PMSITunnel(tunnelType: PMSITunnel.ingressReplication, label: EVPNLabel(vni: 100), tunnelIdentifier: vtep.bytes)
        let a = rib.apply(update: update([imet], pmsi: pmsi), from: PeerID(1))
        #expect(a.evpnChanges == [.floodVTEP(vni: 100, vtep: .v4(vtep), present: true)])
        let t5 = EVPNRoute.ipPrefix(IPPrefixRoute(rd: rd, prefixAddress: ip("10.200.0.0"), prefixLength: 24,
                                                   gateway: ip("0.0.0.0"), label: EVPNLabel(vni: 1000)))
        let b = rib.apply(update: update([t5]), from: PeerID(1))
        #expect(b.evpnChanges == [.prefix(prefix: pfx("10.200.0.0/24"), vni: 1000, vtep: .v4(vtep), gateway: nil,
                                          routerMAC: nil, present: true)])
    }

    @Test("EVPN routes are reflected with their VTEP next hop kept, to eBGP too")
    func keepsVTEP() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.peerUp(peer(2))
        let imet = EVPNRoute.inclusiveMulticast(InclusiveMulticastRoute(rd: rd, originatingRouter: .v4(vtep)))
        let out = rib.apply(update: update([imet]), from: PeerID(1))
        #expect(out.exports[PeerID(2)]?.announcements.first?.nextHop == .ipv4(vtep))
        #expect(out.exports[PeerID(2)]?.announcements.first?.family == .l2vpnEVPN)
    }

    @Test("local EVPN routes are originated and withdrawn")
    func local() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        let imet = EVPNRoute.inclusiveMulticast(InclusiveMulticastRoute(rd: rd, originatingRouter: .v4(localRouterID)))
        let out = rib.originateEVPN(imet, attributes: PathAttributes(origin: .igp), nextHop: .ipv4(localRouterID))
        #expect(out.exports[PeerID(1)]?.announcedCount == 1)
        #expect(out.evpnChanges.isEmpty, "our own routes need no dataplane entry")
        let gone = rib.withdrawEVPN(imet)
        #expect(gone.exports[PeerID(1)]?.withdrawnCount == 1)
    }
}
