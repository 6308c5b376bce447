import Logging
import NetAddress

/// What bgpd knows about one unnumbered interface: our usable link-local address and, once
/// learnt, the peer's. Sent to the neighbour's `PeerActor` whenever it changes.
struct UnnumberedLink: Hashable, Sendable {
    var interface: String
    var index: UInt32
    /// Our link-local address (DAD finished).
    var localLinkLocal: IPv6Address
    /// A global IPv6 address on the interface, if any (the global slot of our next hop).
    var localGlobal: IPv6Address?
    var peer: IPv6Address?
    var peerMAC: MACAddress?
    /// How the peer was learnt: "router-advertisement" or "neighbor-table".
    var learntFrom: String?
}

/// Runs unnumbered peering for the configured interfaces: sends Router Advertisements (one a
/// second for the first few, then every `interval`, as FRR does), answers Router Solicitations,
/// listens for the peer's RAs and reads the kernel's neighbour table, and tells the daemon
/// which link-local address to peer with on each interface.
actor UnnumberedService {
    private var table = LinkTable()
    private var settings: RAConfig
    private var interfaces: Set<String>
    /// Per interface index: the raw socket, its reader and the RA timer.
    private var running: [UInt32: Running] = [:]
    /// Peers heard in RAs, per interface index.
    private var heard: [UInt32: (address: IPv6Address, mac: MACAddress?)] = [:]
    private var reported: [String: UnnumberedLink?] = [:]
    /// Reports may reach a session out of order (they travel through tasks of different
    /// priorities); each carries a generation, counted here in the order they were computed, so
    /// the receiver keeps the newest.
    private let report: @Sendable (String, UnnumberedLink?, UInt64) async -> Void
    private var generation: UInt64 = 0
    private let logger: Logger

    private struct Running {
        var socket: ICMPv6Socket
        var reader: BlockingReader
        var timer: Task<Void, Never>
        var localLinkLocal: IPv6Address
        var lastSolicitedReply: ContinuousClock.Instant?
    }

    init(interfaces: Set<String>, settings: RAConfig, logger: Logger,
         report: @escaping @Sendable (String, UnnumberedLink?, UInt64) async -> Void) {
        self.interfaces = interfaces
        self.settings = settings
        self.logger = logger
        self.report = report
    }

    /// Takes one batch of kernel events.
    func apply(_ events: [LinkEvent]) async {
        for e in events { table.apply(e) }
        await refresh()
    }

    /// A configuration reload: the set of unnumbered interfaces or the RA settings changed.
    func reconfigure(interfaces: Set<String>, settings: RAConfig) async {
        let settingsChanged = settings != self.settings
        self.interfaces = interfaces
        self.settings = settings
        if settingsChanged { stopAll() }
        await refresh()
    }

    func stopAll() {
        for (index, r) in running { stop(index, r) }
        running = [:]
    }

    /// Current state of every configured interface, for `bgpd show neighbors`.
    func links() -> [String: UnnumberedLink] {
        var out: [String: UnnumberedLink] = [:]
        for (k, v) in reported { if let v { out[k] = v } }
        return out
    }

    /// Brings each configured interface's RA machinery in line with the link table, and reports
    /// changes of the derived `UnnumberedLink`.
    private func refresh() async {
        for name in interfaces.sorted() {
            let iface = table.interface(named: name)
            let ll = iface.flatMap { table.usableLinkLocal($0.index) }
            if let iface, let ll {
                if running[iface.index]?.localLinkLocal != ll {
                    if let r = running[iface.index] { stop(iface.index, r) }
                    start(iface, localLinkLocal: ll)
                }
            } else if let iface, let r = running[iface.index] {
                stop(iface.index, r)
                running[iface.index] = nil
                heard[iface.index] = nil
            }
            let link = iface.flatMap { i in ll.map { derive(i, localLinkLocal: $0) } }
            if let previous = reported[name], previous == link { continue }
            reported[name] = .some(link)
            generation += 1
            await report(name, link, generation)
        }
        // Interfaces no longer configured.
        for (index, r) in running where !interfaces.contains(table.interfaces[index]?.name ?? "") {
            stop(index, r)
            running[index] = nil
        }
        for name in reported.keys where !interfaces.contains(name) { reported[name] = nil }
    }

    private func derive(_ iface: LinkTable.Interface, localLinkLocal: IPv6Address) -> UnnumberedLink {
        var link = UnnumberedLink(interface: iface.name, index: iface.index, localLinkLocal: localLinkLocal,
                                  localGlobal: table.globalIPv6(iface.index))
        if let h = heard[iface.index] {
            link.peer = h.address
            link.peerMAC = h.mac ?? table.neighbors[iface.index]?[h.address]?.mac
            link.learntFrom = "router-advertisement"
        } else if let n = table.linkLocalNeighbors(iface.index).first {
            link.peer = n.address
            link.peerMAC = n.neighbor.mac
            link.learntFrom = "neighbor-table"
        }
        return link
    }

    private func start(_ iface: LinkTable.Interface, localLinkLocal: IPv6Address) {
        let socket: ICMPv6Socket
        do { socket = try ICMPv6Socket(interface: iface.name, index: iface.index) } catch {
            logger.error("cannot send router advertisements on \(iface.name): \(error)")
            return
        }
        let index = iface.index
        let reader = BlockingReader(fd: socket.fd, name: "bgpd-ra-\(iface.name)") { [weak self] _ in
            guard let packet = socket.receive() else { return }
            Task { await self?.heard(packet, on: index) }
        }
        let settings = self.settings
        let ra = NDMessage.routerAdvertisement(RouterAdvertisement(routerLifetime: settings.lifetime, sourceMAC: iface.mac))
        let logger = self.logger
        let name = iface.name
        let timer = Task {
            // A solicitation first: FRR answers at once, which saves waiting for its next RA.
            try? socket.send(.routerSolicitation(sourceMAC: iface.mac), to: .allRouters)
            var sent = 0
            while !Task.isCancelled {
                do { try socket.send(ra, to: .allNodes) } catch { logger.warning("\(name): \(error)") }
                // An echo request to all nodes makes silent peers resolve us, which puts them in
                // the kernel's neighbour table: the fallback for peers that send no RAs.
                try? socket.sendEchoRequest(to: .allNodes)
                sent += 1
                let wait = sent <= settings.fastCount ? 1 : Int(settings.interval)
                try? await Task.sleep(for: .seconds(wait))
            }
        }
        running[index] = Running(socket: socket, reader: reader, timer: timer, localLinkLocal: localLinkLocal)
        logger.info("unnumbered \(iface.name): sending router advertisements from \(localLinkLocal)")
    }

    private func stop(_ index: UInt32, _ r: Running) {
        r.timer.cancel()
        r.reader.stop()   // closes the socket once the reader thread is out
    }

    private func heard(_ packet: ICMPv6Socket.Received, on index: UInt32) async {
        guard var r = running[index], packet.source != r.localLinkLocal else { return }
        switch packet.message {
        case .routerAdvertisement(let ra):
            if heard[index]?.address != packet.source {
                logger.info("unnumbered \(table.interfaces[index]?.name ?? "?"): peer \(packet.source) (MAC \(ra.sourceMAC?.description ?? "?")) from its router advertisement")
            }
            heard[index] = (packet.source, ra.sourceMAC)
            await refresh()
        case .routerSolicitation:
            // Answer at most once a second (RFC 4861 section 6.2.6 rate-limits replies too).
            let now = ContinuousClock.now
            if let last = r.lastSolicitedReply, now - last < .seconds(1) { return }
            r.lastSolicitedReply = now
            running[index] = r
            let mac = table.interfaces[index]?.mac
            try? r.socket.send(.routerAdvertisement(RouterAdvertisement(routerLifetime: settings.lifetime, sourceMAC: mac)),
                               to: .allNodes)
        }
    }
}
