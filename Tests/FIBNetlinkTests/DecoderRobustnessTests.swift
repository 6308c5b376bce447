import NetAddress
import Testing
@testable import FIBNetlink

// Decoding never traps: every truncation and many seeded random mutations of real kernel
// buffers either decode or throw a NetlinkDecodeError. A crash here fails the whole test run.

/// A tiny seeded generator so the mutations are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("decoder robustness")
struct DecoderRobustnessTests {
    static let corpus: [[UInt8]] = {
        var all: [[UInt8]] = []
        for name in ["route-v4", "route-v6", "nexthop", "link", "address", "neigh", "fdb"] {
            all += (try? Fixture.dumpBuffers(name)) ?? []
        }
        all += ((try? Fixture.cases("requests.txt")) ?? []).map(\.bytes)
        all += ((try? Fixture.cases("errors.txt")) ?? []).map(\.bytes)
        return all
    }()

    @Test func corpusIsLoaded() {
        #expect(Self.corpus.count > 40)
    }

    @Test func everyTruncationDecodesOrThrows() {
        var threw = 0
        for buffer in Self.corpus.prefix(60) {
            for n in stride(from: 0, to: buffer.count, by: max(1, buffer.count / 300)) {
                do { _ = try NetlinkMessage.decodeAll(Array(buffer[..<n])) } catch { threw += 1 }
            }
        }
        #expect(threw > 0)
    }

    @Test func seededMutationsDecodeOrThrow() {
        var rng = SplitMix64(state: 0x5EED_F1B)
        var decoded = 0, threw = 0
        for _ in 0..<4000 {
            guard var b = Self.corpus.randomElement(using: &rng), !b.isEmpty else { continue }
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            do {
                let messages = try NetlinkMessage.decodeAll(b)
                // Whatever decodes must encode without trapping too.
                var e = NetlinkEncoder()
                for m in messages { m.encode(into: &e) }
                decoded += 1
            } catch {
                threw += 1
            }
        }
        #expect(decoded > 0 && threw > 0)
    }

    @Test func framingErrorsAreReportedWithOffsets() {
        #expect(throws: NetlinkDecodeError.truncatedHeader(offset: 0)) { try NetlinkMessage.decodeAll([1, 2, 3]) }
        // nlmsg_len 8 is below the header size.
        #expect(throws: NetlinkDecodeError.badMessageLength(offset: 0, length: 8)) {
            try NetlinkMessage.decodeAll([8, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        }
        // nlmsg_len runs past the buffer.
        #expect(throws: NetlinkDecodeError.badMessageLength(offset: 0, length: 64)) {
            try NetlinkMessage.decodeAll([64, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        }
        // An RTM_NEWROUTE whose body is shorter than rtmsg.
        #expect(throws: NetlinkDecodeError.truncatedBody(type: 24, offset: 16, needed: 12)) {
            try NetlinkMessage.decodeAll([20, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 24, 0, 0])
        }
        // An attribute claiming 2 bytes (below its own header).
        var bad = IPRoute2Requests.routeV4Blackhole
        bad[28] = 2
        #expect(throws: NetlinkDecodeError.badAttributeLength(offset: 28, length: 2)) { try NetlinkMessage.decodeAll(bad) }
    }

    /// Found by Tests/interop/fib-fuzz.sh: a message of an unknown type whose length is not a
    /// multiple of four must keep its length when encoded again.
    @Test func fuzzRegressionUnalignedLengthOfAnUnknownMessage() throws {
        let input = Fixture.bytes(hex: "1e0000003b00050601e200000000030014000a000280020000 00aa010000")
        let messages = try NetlinkMessage.decodeAll(input)
        #expect(messages.count == 1)
        var e = NetlinkEncoder()
        for m in messages { m.encode(into: &e) }
        #expect(Array(e.bytes.prefix(30)) == input)
        #expect(try NetlinkMessage.decodeAll(e.bytes) == messages)
    }

    /// Found by the fuzzer: an error message echoing a request body of odd length (and no
    /// extended ACK) must not gain padding bytes in its echoed body when encoded again.
    @Test func fuzzRegressionOddLengthEchoedRequest() throws {
        let input = Fixture.bytes(hex: "29000000020000020100080000280000001c00020001000000000000000700000002000000800000000000")
        let messages = try NetlinkMessage.decodeAll(input)
        var e = NetlinkEncoder()
        for m in messages { m.encode(into: &e) }
        #expect(try NetlinkMessage.decodeAll(e.bytes) == messages)
    }

    @Test func knownAttributeWithWrongLengthIsKeptRaw() throws {
        // RTA_OIF with 2 bytes of value instead of 4: not an interface index, kept as .other.
        var e = NetlinkEncoder()
        e.beginMessage(type: 24, flags: 1, sequence: 7)
        e.append(contentsOf: [2, 24, 0, 0, 254, 186, 0, 1, 0, 0, 0, 0] as [UInt8])
        e.appendAttribute(type: 4, value: [9, 9] as [UInt8])
        e.appendAttribute(type: 999, value: [1, 2, 3] as [UInt8])
        e.endMessage()
        let m = try #require(try NetlinkMessage.decodeAll(e.bytes).first)
        guard case .route(let r) = m.body else { Issue.record("not a route"); return }
        #expect(r.attributes == [.other(type: 4, value: [9, 9]), .other(type: 999, value: [1, 2, 3])])
        #expect(m.bytes == e.bytes)
    }
}
