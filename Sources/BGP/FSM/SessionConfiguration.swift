/// The settings of one `SessionFSM`: our OPEN, what we accept, and the RFC 4271 section 8.1
/// session attributes.
public struct SessionConfiguration: Hashable, Sendable {
    /// The OPEN we send.
    public var localOpen: OpenMessage
    /// What we accept in the peer's OPEN.
    public var policy: NegotiationPolicy
    /// ConnectRetryTime (RFC 4271 suggests 120 s; FRR's datacenter profile uses 10 s).
    public var connectRetryTime: Duration
    /// The hold time used in OpenSent, before the peer's OPEN is known ("a large value ... 4
    /// minutes is suggested", RFC 4271 8.2.2).
    public var openSentHoldTime: Duration
    /// DelayOpenTime (optional attribute DelayOpen): wait this long for the peer's OPEN after
    /// the connection comes up before sending ours. nil disables it.
    public var delayOpenTime: Duration?
    /// Never initiate connections (FRR `neighbor passive`): start events go to Active without a
    /// ConnectRetryTimer.
    public var passive: Bool
    /// After a failure, restart on our own (DampPeerOscillations with `idleHold`). Off for a
    /// connection that should run once (an accepted connection in `PeerSession`).
    public var automaticRestart: Bool
    /// The restart backoff.
    public var idleHold: IdleHoldBackoff
    /// Optional attribute SendNOTIFICATIONwithoutOPEN (RFC 4271 8.1.1): send a NOTIFICATION
    /// for errors found before our OPEN went out (only possible with DelayOpen).
    public var sendNotificationWithoutOpen: Bool

    public init(localOpen: OpenMessage, policy: NegotiationPolicy,
                connectRetryTime: Duration = .seconds(120), openSentHoldTime: Duration = .seconds(240),
                delayOpenTime: Duration? = nil, passive: Bool = false, automaticRestart: Bool = true,
                idleHold: IdleHoldBackoff = IdleHoldBackoff(), sendNotificationWithoutOpen: Bool = false) {
        self.localOpen = localOpen
        self.policy = policy
        self.connectRetryTime = connectRetryTime
        self.openSentHoldTime = openSentHoldTime
        self.delayOpenTime = delayOpenTime
        self.passive = passive
        self.automaticRestart = automaticRestart
        self.idleHold = idleHold
        self.sendNotificationWithoutOpen = sendNotificationWithoutOpen
    }
}
