import NetAddress

/// Who initiated a TCP connection.
public enum ConnectionDirection: Hashable, Sendable, CustomStringConvertible {
    /// We connected to the peer.
    case outgoing
    /// The peer connected to us.
    case incoming
    public var description: String { self == .outgoing ? "outgoing" : "incoming" }
}

/// Connection collision detection and resolution (RFC 4271 section 6.8), between the connection
/// an OPEN just arrived on and another connection to the same peer.
public enum CollisionResolver {
    /// What to do about a collision.
    public enum Decision: Hashable, Sendable {
        /// No collision: go on with the OPEN.
        case proceed
        /// Close the connection the OPEN arrived on (Cease/Connection Collision Resolution).
        case closeReceiving
        /// Close the other connection (Cease/Connection Collision Resolution) and go on.
        case closeOther
        /// The other connection is Established, but the peer has evidently restarted: close it
        /// as a failed connection (graceful restart keeps its routes) and go on with the new
        /// one. RFC 4724 section 4.2: the receiving speaker "MUST treat the subsequent open
        /// connection from the peer as an indication of the termination of the old TCP
        /// session ... the previous TCP session MUST be closed, and the new one retained".
        case replaceEstablished
    }

    /// The connection that survives a collision: "the connection initiated by the BGP speaker
    /// with the larger BGP Identifier" (section 6.8, identifiers compared as host-order
    /// integers); with equal identifiers, the one initiated by the speaker with the larger AS
    /// number (RFC 6286 section 2.3).
    public static func survivor(localIdentifier: IPv4Address, localASN: UInt32,
                                peerIdentifier: IPv4Address, peerASN: UInt32) -> ConnectionDirection {
        if localIdentifier != peerIdentifier {
            return localIdentifier.value > peerIdentifier.value ? .outgoing : .incoming
        }
        return localASN > peerASN ? .outgoing : .incoming
    }

    /// The decision when a valid OPEN from `peerOpen` arrives on a connection of `receiving`
    /// direction while another connection to the same peer is in `otherState`.
    ///
    /// - `otherState` OpenConfirm: the peer's identifier is known on both; the survivor rule
    ///   decides. OpenSent: the other connection has no OPEN yet, so there is nothing to compare
    ///   (section 6.8 allows looking only "if it knows the BGP Identifier of the peer by means
    ///   outside of the protocol"); it is resolved when that OPEN arrives. Established: the new
    ///   connection is closed ("a connection collision with an existing BGP connection that is
    ///   in the Established state causes closing of the newly created connection"), except when
    ///   the peer negotiated graceful restart on it (`otherIsGracefulRestartPeer`), when the
    ///   peer is taken to have restarted.
    public static func resolve(receiving: ConnectionDirection, peerOpen: OpenMessage, localOpen: OpenMessage,
                               otherState: SessionState, otherIsGracefulRestartPeer: Bool) -> Decision {
        switch otherState {
        case .idle, .connect, .active, .openSent:
            return .proceed
        case .established:
            return otherIsGracefulRestartPeer ? .replaceEstablished : .closeReceiving
        case .openConfirm:
            let keep = survivor(localIdentifier: localOpen.bgpIdentifier, localASN: localOpen.asn,
                                peerIdentifier: peerOpen.bgpIdentifier, peerASN: peerOpen.asn)
            return keep == receiving ? .closeOther : .closeReceiving
        }
    }
}
