import Testing
import Foundation
@testable import BGP

/// The BGP messages inside the MRT update dumps of RIPE RIS in ../shared/pcaps-public/mrt: tens
/// of thousands of real UPDATEs from many vendors. Each one decodes without trapping; the clean
/// ones re-encode to the same bytes. MRT (RFC 6396) is walked here just far enough to find the
/// messages: BGP4MP and BGP4MP_ET records of the MESSAGE subtypes.
@Suite struct MRTCorpusTests {
    @Test func ris2019UpdatesDecodeAndRoundTrip() throws {
        let r = try MRTCorpus.walk("ris_updates.20190101.0000_bgp4mp-as4_large-comm.mrt.gz")
        // SOURCES.md: 54,471 BGP4MP_MESSAGE_AS4 records (54,107 UPDATEs, 364 KEEPALIVEs).
        #expect(r.messages == 54_471)
        #expect(r.updates == 54_107)
        #expect(r.errors.isEmpty, "\(r.errors.prefix(5))")
        #expect(r.withDiagnostics.isEmpty, "\(r.withDiagnostics.prefix(5))")
        #expect(r.roundTripFailures.isEmpty, "\(r.roundTripFailures.prefix(3))")
        #expect(r.largeCommunityUpdates == 7_546)
    }

    @Test func rrc15QuaggaDumpDecodes() throws {
        let r = try MRTCorpus.walk("ris-rrc15_updates.20100227.1610_quagga-states.mrt.gz")
        #expect(r.messages > 1_000)
        #expect(r.errors.isEmpty, "\(r.errors.prefix(5))")
        #expect(r.roundTripFailures.isEmpty, "\(r.roundTripFailures.prefix(3))")
    }

    /// Historic Zebra corruption (shortened records): whatever decodes, nothing traps.
    @Test func corruptZebraDumpNeverTraps() throws {
        let r = try MRTCorpus.walk("ris-rrc01_updates.20001104.0124_zebra-corrupt.mrt.gz")
        #expect(r.messages + r.errors.count > 100)
    }
}

enum MRTCorpus {
    struct Report {
        var messages = 0
        var updates = 0
        var largeCommunityUpdates = 0
        var errors: [String] = []
        var withDiagnostics: [String] = []
        var roundTripFailures: [String] = []
    }

    static func gunzip(_ path: String) throws -> [UInt8] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-dc", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return [UInt8](data)
    }

    static func walk(_ name: String) throws -> Report {
        let raw = try gunzip(sharedDirectory + "/pcaps-public/mrt/" + name)
        var report = Report()
        var at = 0
        func u16(_ i: Int) -> Int { Int(raw[i]) << 8 | Int(raw[i + 1]) }
        func u32(_ i: Int) -> Int { u16(i) << 16 | u16(i + 2) }
        while at + 12 <= raw.count {
            let type = u16(at + 4), subtype = u16(at + 6), length = u32(at + 8)
            let start = at + 12
            at = start + length
            guard at <= raw.count else { break }
            // BGP4MP (16) and BGP4MP_ET (17, 4 more octets of microseconds).
            guard type == 16 || type == 17 else { continue }
            var p = start + (type == 17 ? 4 : 0)
            // MESSAGE 1, MESSAGE_AS4 4, MESSAGE_LOCAL 6, MESSAGE_AS4_LOCAL 7.
            let as4: Bool
            switch subtype {
            case 1, 6: as4 = false
            case 4, 7: as4 = true
            default: continue
            }
            p += as4 ? 8 : 4          // peer AS, local AS
            p += 2                     // interface index
            guard p + 2 <= at else { continue }
            let afi = u16(p)
            p += 2 + (afi == 2 ? 32 : 8)  // peer and local IP
            guard p < at else { report.errors.append("record at \(start): too short"); continue }
            let bytes = Array(raw[p..<at])
            let context = CodecContext(fourOctetAS: as4, extendedMessage: true)
            do {
                let m = try BGPMessage.decode(bytes, context: context)
                report.messages += 1
                if let u = m.update {
                    report.updates += 1
                    if u.attributes.largeCommunities != nil { report.largeCommunityUpdates += 1 }
                    if !u.diagnostics.isEmpty {
                        report.withDiagnostics.append("record at \(start): \(u.diagnostics)")
                        continue
                    }
                }
                let again = m.encode(context: context)
                if again != bytes {
                    report.roundTripFailures.append("record at \(start):\n  in  \(hexString(bytes))\n  out \(hexString(again))")
                }
            } catch {
                report.errors.append("record at \(start): \(error) [\(hexString(Array(bytes.prefix(64))))]")
            }
        }
        return report
    }
}
