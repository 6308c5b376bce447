/// The random factor of RFC 4271 section 10: "jitter SHOULD be applied to the timers
/// associated with ... KeepaliveTimer ... and ConnectRetryTimer ... the base value of each
/// timer is multiplied by a random factor uniformly distributed in the range from 0.75 to 1.0".
///
/// A value, not a global: tests inject `.none`, `.fixed(_:)` or `.seeded(_:)` and get the same
/// durations on every run; the daemon uses `.random()`.
public struct Jitter: Hashable, Sendable {
    private enum Source: Hashable, Sendable {
        case fixed(Double)
        case splitMix(UInt64)
    }
    private var source: Source

    /// No jitter: the factor is 1.0.
    public static let none = Jitter(source: .fixed(1.0))

    /// Always `factor`, clamped to 0.75...1.0.
    public static func fixed(_ factor: Double) -> Jitter {
        Jitter(source: .fixed(min(1.0, max(0.75, factor))))
    }

    /// A deterministic pseudo-random sequence (SplitMix64) from `seed`.
    public static func seeded(_ seed: UInt64) -> Jitter { Jitter(source: .splitMix(seed)) }

    /// A sequence seeded from the system's random number generator.
    public static func random() -> Jitter {
        var g = SystemRandomNumberGenerator()
        return .seeded(g.next())
    }

    /// The next factor in 0.75...1.0.
    public mutating func nextFactor() -> Double {
        switch source {
        case .fixed(let f):
            return f
        case .splitMix(var state):
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            source = .splitMix(state)
            let unit = Double(z >> 11) / Double(1 << 53)  // [0, 1)
            return 0.75 + 0.25 * unit
        }
    }

    /// `duration` times the next factor, rounded to the millisecond.
    public mutating func apply(to duration: Duration) -> Duration {
        let factor = nextFactor()
        if factor == 1.0 { return duration }
        // Integer arithmetic in parts per million: no libm in a module without Glibc.
        let ppm = Int64(factor * 1_000_000)
        return .milliseconds((duration.milliseconds &* ppm &+ 500_000) / 1_000_000)
    }
}

extension Duration {
    /// Whole milliseconds (truncated), for arithmetic on timer values.
    var milliseconds: Int64 {
        let c = components
        return c.seconds &* 1000 &+ c.attoseconds / 1_000_000_000_000_000
    }
}

extension Jitter {
    /// An independent sequence for the `n`th machine of a peer (same factor when fixed).
    func forked(_ n: UInt64) -> Jitter {
        switch source {
        case .fixed: return self
        case .splitMix(let s): return Jitter(source: .splitMix(s ^ (n &* 0xD1B5_4A32_D192_ED03)))
        }
    }
}
