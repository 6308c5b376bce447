import Testing
@testable import FIBNetlink

/// The route map's IPv4 table against a Dictionary doing the same operations: inserts, updates,
/// removals (whose backward shifts are the subtle part), growth, reserve and iteration.
@Suite struct PrefixKeyTableTests {
    /// SplitMix64, so a failure replays.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func check(_ table: PrefixKeyTable<Int>, _ model: [UInt64: Int]) {
        #expect(table.count == model.count)
        var seen: [UInt64: Int] = [:]
        table.forEach { k, v in seen[k] = v }
        #expect(seen == model)
        for (k, v) in model { #expect(table[k] == v) }
    }

    @Test(arguments: [1, 2, 3])
    func randomOperationsMatchADictionary(seed: UInt64) {
        var rng = Random(state: seed)
        var table = PrefixKeyTable<Int>(filler: -1)
        var model: [UInt64: Int] = [:]
        // A small key space, so removals hit long probe runs and keys come back.
        for step in 0..<60_000 {
            let key = rng.next() % 5_000 << 8 | 24
            switch rng.next() % 4 {
            case 0, 1:
                table[key] = step
                model[key] = step
            case 2:
                table[key] = nil
                model[key] = nil
            default:
                #expect(table[key] == model[key])
            }
            if step % 10_000 == 0 { check(table, model) }
        }
        check(table, model)
        #expect(table.capacity >= table.count)
    }

    @Test func modifyReadsChangesInsertsAndRemovesInOneCall() {
        var table = PrefixKeyTable<Int>(filler: 0)
        let k: UInt64 = 0x0A00_0000 << 8 | 8
        let absent = table.modify(k) { v -> Bool in
            defer { v = 7 }
            return v == nil
        }
        #expect(absent)
        #expect(table[k] == 7)
        table.modify(k) { $0! += 1 }
        #expect(table[k] == 8)
        table.modify(k) { $0 = nil }
        #expect(table[k] == nil && table.count == 0)
        // Reading an absent key through modify inserts nothing.
        table.modify(k) { _ in }
        #expect(table.count == 0)
    }

    @Test func reserveGrowsOnceAndKeepsEverything() {
        var table = PrefixKeyTable<Int>(filler: 0)
        for i in 0..<1_000 { table[UInt64(i) << 8 | 32] = i }
        table.reserve(100_000)
        let capacity = table.capacity
        #expect(capacity >= 100_000)
        // At most 7/8 full and no power-of-two rounding: well under a Dictionary's 262,144 buckets.
        #expect(capacity < 131_072)
        for i in 1_000..<100_000 { table[UInt64(i) << 8 | 32] = i }
        #expect(table.capacity == capacity)
        #expect(table.count == 100_000)
        for i in stride(from: 0, to: 100_000, by: 997) { #expect(table[UInt64(i) << 8 | 32] == i) }
        table.updateAll { _, v in v += 1 }
        #expect(table[UInt64(5) << 8 | 32] == 6)
    }
}
