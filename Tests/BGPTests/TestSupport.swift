import Testing
@testable import BGP
import NetAddress

/// The project root, found from this file's path.
let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)   // Tests/BGPTests/File.swift
    return parts.joined(separator: "/")
}()

/// `../shared` beside the worktree: LAB.md, the FRR captures and the public captures.
let sharedDirectory = packageRoot + "/../shared"

/// Bytes from annotated hex: whitespace is ignored, `#` starts a comment to the end of the line.
func hex(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var nibble: UInt8? = nil
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        for c in line.prefix(while: { $0 != "#" }).utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: continue
            }
            if let hi = nibble { out.append(hi << 4 | v); nibble = nil } else { nibble = v }
        }
    }
    precondition(nibble == nil, "odd number of hex digits")
    return out
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// The 19-octet header for a message of `bodyLength` octets of `type`.
func header(type: UInt8, bodyLength: Int) -> [UInt8] {
    [UInt8](repeating: 0xFF, count: 16) + [UInt8((bodyLength + 19) >> 8), UInt8((bodyLength + 19) & 0xFF), type]
}

/// A whole UPDATE around an attribute block and NLRI.
func updateMessage(withdrawn: [UInt8] = [], attributes: [UInt8], nlri: [UInt8] = []) -> [UInt8] {
    let body = [UInt8(withdrawn.count >> 8), UInt8(withdrawn.count & 0xFF)] + withdrawn
        + [UInt8(attributes.count >> 8), UInt8(attributes.count & 0xFF)] + attributes + nlri
    return header(type: 2, bodyLength: body.count) + body
}

/// One attribute: flags, type, length (2 octets when flags has 0x10), value.
func attribute(_ flags: UInt8, _ code: UInt8, _ value: [UInt8]) -> [UInt8] {
    if flags & 0x10 != 0 { return [flags, code, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value }
    return [flags, code, UInt8(value.count)] + value
}

/// ORIGIN IGP and AS_PATH 65001 (4-octet): the mandatory attributes of MP_REACH_NLRI routes.
let originAndASPath: [UInt8] = attribute(0x40, 1, [0]) + attribute(0x40, 2, [2, 1, 0, 0, 0xFD, 0xE9])

/// ORIGIN IGP, AS_PATH 65001 (4-octet), NEXT_HOP 192.0.2.1: a minimal well-formed IPv4 set.
let basicAttributes: [UInt8] = originAndASPath + attribute(0x40, 3, [192, 0, 2, 1])

extension BGPMessage {
    var update: UpdateMessage? { if case .update(let u) = self { return u } else { return nil } }
    var open: OpenMessage? { if case .open(let o) = self { return o } else { return nil } }
}

/// Decodes an UPDATE that must decode.
func decodeUpdate(_ bytes: [UInt8], _ context: CodecContext = CodecContext()) throws -> UpdateMessage {
    let m = try BGPMessage.decode(bytes, context: context)
    guard let u = m.update else { throw TestFailure("not an UPDATE: \(m)") }
    return u
}

/// The error a message decodes to; fails the test when it decodes.
func decodeError(_ bytes: [UInt8], _ context: CodecContext = CodecContext(),
                 sourceLocation: SourceLocation = #_sourceLocation) -> BGPDecodeError? {
    do {
        let m = try BGPMessage.decode(bytes, context: context)
        Issue.record("expected a decode error, got \(m)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
