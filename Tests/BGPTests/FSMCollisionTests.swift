import Testing
import NetAddress
@testable import BGP

/// Connection collision resolution (RFC 4271 section 6.8, RFC 6286 section 2.3, RFC 4724 4.2).
@Suite struct FSMCollisionTests {
    @Test func higherIdentifierKeepsTheConnectionItInitiated() {
        // We are 10.0.0.1, the peer 10.0.0.2: the peer's connection (incoming for us) survives.
        #expect(CollisionResolver.survivor(localIdentifier: Fixture.idA, localASN: 65001,
                                           peerIdentifier: Fixture.idB, peerASN: 65002) == .incoming)
        #expect(CollisionResolver.survivor(localIdentifier: Fixture.idB, localASN: 65002,
                                           peerIdentifier: Fixture.idA, peerASN: 65001) == .outgoing)
        // Compared as host-order integers, not bytewise strings: 10.0.0.10 > 10.0.0.9.
        #expect(CollisionResolver.survivor(localIdentifier: IPv4Address(10, 0, 0, 10), localASN: 1,
                                           peerIdentifier: IPv4Address(10, 0, 0, 9), peerASN: 2) == .outgoing)
        #expect(CollisionResolver.survivor(localIdentifier: IPv4Address(9, 255, 255, 255), localASN: 1,
                                           peerIdentifier: IPv4Address(10, 0, 0, 0), peerASN: 2) == .incoming)
    }

    @Test func equalIdentifiersFallBackToTheLargerAS() {
        #expect(CollisionResolver.survivor(localIdentifier: Fixture.idA, localASN: 65010,
                                           peerIdentifier: Fixture.idA, peerASN: 65002) == .outgoing)
        #expect(CollisionResolver.survivor(localIdentifier: Fixture.idA, localASN: 65001,
                                           peerIdentifier: Fixture.idA, peerASN: 4_200_000_000) == .incoming)
    }

    @Test(arguments: [
        (ConnectionDirection.incoming, SessionState.openConfirm, CollisionResolver.Decision.closeOther),
        (.outgoing, .openConfirm, .closeReceiving),
        (.incoming, .openSent, .proceed),
        (.incoming, .active, .proceed),
        (.incoming, .established, .closeReceiving),
    ])
    func decisions(receiving: ConnectionDirection, other: SessionState, want: CollisionResolver.Decision) {
        // Local 10.0.0.1 < peer 10.0.0.2: the peer-initiated (incoming) connection wins.
        #expect(CollisionResolver.resolve(receiving: receiving, peerOpen: Fixture.openB, localOpen: Fixture.openA,
                                          otherState: other, otherIsGracefulRestartPeer: false) == want)
    }

    @Test func restartedGracefulRestartPeerReplacesTheEstablishedSession() {
        #expect(CollisionResolver.resolve(receiving: .incoming, peerOpen: Fixture.openB, localOpen: Fixture.openA,
                                          otherState: .established, otherIsGracefulRestartPeer: true) == .replaceEstablished)
    }

    /// Both sides resolve the same collision the same way: each keeps the connection the
    /// higher identifier initiated, so exactly one TCP connection survives.
    @Test func bothSidesAgree() {
        let aView = CollisionResolver.resolve(receiving: .incoming, peerOpen: Fixture.openB, localOpen: Fixture.openA,
                                              otherState: .openConfirm, otherIsGracefulRestartPeer: false)
        // The same TCP connection is "outgoing" on B's side.
        let bView = CollisionResolver.resolve(receiving: .outgoing, peerOpen: Fixture.openA, localOpen: Fixture.openB,
                                              otherState: .openConfirm, otherIsGracefulRestartPeer: false)
        #expect(aView == .closeOther && bView == .closeOther)
    }
}
