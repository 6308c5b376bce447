/// How long a peer stays in Idle after failures before it restarts on its own: the
/// "DampPeerOscillations" of RFC 4271 section 8.1.1, which leaves the method open.
///
/// The delay doubles with each consecutive failure, from `base` up to `maximum`, as FRR and
/// BIRD do (FRR: 1 s doubling to 120 s; BIRD: `error wait time`). Failures are forgotten once a
/// session has stayed Established for `resetAfter` (BIRD's `error forget time`), so one
/// failure after a long stable session restarts quickly.
public struct IdleHoldBackoff: Hashable, Sendable {
    /// The delay after the first failure.
    public var base: Duration
    /// The largest delay.
    public var maximum: Duration
    /// How long a session must stay Established before past failures are forgotten.
    public var resetAfter: Duration

    public init(base: Duration = .seconds(1), maximum: Duration = .seconds(120),
                resetAfter: Duration = .seconds(300)) {
        self.base = base
        self.maximum = maximum
        self.resetAfter = resetAfter
    }

    /// The idle hold time after `failures` consecutive failures (0 for none).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var d = base
        var n = 1
        while n < failures && d < maximum {
            d = d * 2
            n += 1
        }
        return min(d, maximum)
    }
}
