import Glibc

/// Process measurements for the benchmarks: CPU seconds (getrusage), wall seconds (monotonic
/// clock), resident and peak resident memory (VmRSS, VmHWM from /proc/self/status).
enum BenchMeasure {
    /// User plus system CPU seconds of the process so far.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    static func wallSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// A field of /proc/self/status in bytes (`VmRSS`, `VmHWM`), or 0.
    static func status(_ field: String) -> Int {
        guard let f = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard s.hasPrefix(field + ":") else { continue }
            let digits = s.dropFirst(field.count + 1).filter { $0.isNumber }
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }

    /// Resets VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs), so a later peak
    /// reflects only what follows.
    static func resetPeak() {
        guard let f = fopen("/proc/self/clear_refs", "w") else { return }
        fputs("5", f)
        fclose(f)
    }

    /// Tells a `perf record --control=fifo:PATH -D -1` session to start or stop sampling, when
    /// BGPBENCH_PERF_CTL names its control fifo, so a profile covers only the measured window.
    static func profiler(_ enable: Bool) {
        guard let path = getenv("BGPBENCH_PERF_CTL"), let f = fopen(path, "w") else { return }
        fputs(enable ? "enable\n" : "disable\n", f)
        fclose(f)
    }

    static func mib(_ bytes: Int) -> String {
        let tenths = bytes * 10 / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    static func fixed(_ v: Double, _ digits: Int = 3) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = Int(v * scale + 0.5)
        let whole = n / Int(scale), frac = String(n % Int(scale))
        return "\(whole)." + String(repeating: "0", count: digits - frac.count) + frac
    }
}
