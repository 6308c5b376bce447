/// The settings of one configured peer.
public struct PeerSessionConfiguration: Hashable, Sendable {
    /// Our OPEN, what we accept, timers, passive mode and restart damping.
    public var session: SessionConfiguration
    /// Our bound on waiting for End-of-RIB after a graceful restart (FRR `stalepath-time`).
    public var stalePathTime: Duration
    /// Our bound on waiting for EoRR after BoRR; nil waits as long as the session lasts.
    public var refreshTimeLimit: Duration?

    public init(session: SessionConfiguration, stalePathTime: Duration = .seconds(360),
                refreshTimeLimit: Duration? = .seconds(360)) {
        self.session = session
        self.stalePathTime = stalePathTime
        self.refreshTimeLimit = refreshTimeLimit
    }
}
