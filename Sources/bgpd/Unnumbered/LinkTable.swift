import NetAddress

/// The kernel's view of interfaces, their IPv6 addresses and IPv6 neighbours, kept up to date
/// from `LinkEvent`s. Pure state, so the rules (when a link-local address is usable, which
/// neighbour is the peer) are unit-tested without a kernel.
struct LinkTable: Sendable {
    struct Interface: Hashable, Sendable {
        var index: UInt32
        var name: String
        var mac: MACAddress?
        var up: Bool
        /// IPv6 addresses, each with whether it is still tentative (DAD not finished).
        var addresses: [IPv6Address: Bool] = [:]
    }

    struct Neighbor: Hashable, Sendable {
        var mac: MACAddress
        var router: Bool
    }

    private(set) var interfaces: [UInt32: Interface] = [:]
    private(set) var neighbors: [UInt32: [IPv6Address: Neighbor]] = [:]

    mutating func apply(_ event: LinkEvent) {
        switch event {
        case .link(let index, let name, let mac, let up):
            let addresses = interfaces[index]?.addresses ?? [:]
            interfaces[index] = Interface(index: index, name: name, mac: mac, up: up, addresses: addresses)
        case .linkRemoved(let index):
            interfaces[index] = nil
            neighbors[index] = nil
        case .address(let index, let address, let tentative):
            // Addresses can be reported before their link in a dump race; keep them anyway.
            if interfaces[index] == nil { interfaces[index] = Interface(index: index, name: "", mac: nil, up: false) }
            interfaces[index]?.addresses[address] = tentative
        case .addressRemoved(let index, let address):
            interfaces[index]?.addresses[address] = nil
        case .neighbor(let index, let address, let mac, let router):
            neighbors[index, default: [:]][address] = Neighbor(mac: mac, router: router)
        case .neighborRemoved(let index, let address):
            neighbors[index]?[address] = nil
        case .connected:
            break
        }
    }

    func interface(named name: String) -> Interface? {
        interfaces.values.first { $0.name == name }
    }

    /// The interface's link-local address once DAD has finished and the link is up; nil until
    /// then. The lowest one when there are several, so the choice is stable.
    func usableLinkLocal(_ index: UInt32) -> IPv6Address? {
        guard let i = interfaces[index], i.up else { return nil }
        return i.addresses.filter { $0.key.isLinkLocal && !$0.value }.keys.min()
    }

    /// A global (not link-local) IPv6 address of the interface, for the global slot of the next hop.
    func globalIPv6(_ index: UInt32) -> IPv6Address? {
        interfaces[index]?.addresses.filter { !$0.key.isLinkLocal && !$0.value }.keys.min()
    }

    /// Link-local neighbours on the interface other than our own addresses, routers first (the
    /// kernel sets the router flag from RAs), then by address.
    func linkLocalNeighbors(_ index: UInt32) -> [(address: IPv6Address, neighbor: Neighbor)] {
        let own = Set(interfaces[index]?.addresses.keys.map { $0 } ?? [])
        return (neighbors[index] ?? [:])
            .filter { $0.key.isLinkLocal && !own.contains($0.key) }
            .map { (address: $0.key, neighbor: $0.value) }
            .sorted { ($0.neighbor.router ? 0 : 1, $0.address) < ($1.neighbor.router ? 0 : 1, $1.address) }
    }
}
