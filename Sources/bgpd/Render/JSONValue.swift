// Render: how `bgpd decode` (and later the control socket) shows BGP messages to people and to
// scripts. It turns the codec's typed values into readable text (one header line per message,
// then indented details, close to FRR's debug output) and into JSON lines whose fields are
// documented in docs/decode-json.md. It only reads values; it never decodes bytes itself except
// the free-form parts the codec keeps raw (NOTIFICATION data, extended community values).

/// A JSON value with object keys kept in insertion order, so every line `bgpd decode --json`
/// prints has its fields in the documented order (Foundation's serialiser would reorder them).
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number already formatted (a decimal such as `1.310387000`), written as is.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Compact JSON text (no spaces, no newlines).
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let s): out += s
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(k, to: &out)
                out += ":"
                v.write(to: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// Builds a JSON object field by field, leaving out optional fields that are absent.
struct JSONObject {
    private(set) var fields: [(String, JSONValue)] = []

    mutating func set(_ key: String, _ value: JSONValue) { fields.append((key, value)) }
    mutating func set(_ key: String, _ value: String) { fields.append((key, .string(value))) }
    mutating func set(_ key: String, _ value: Bool) { fields.append((key, .bool(value))) }
    mutating func set<I: BinaryInteger>(_ key: String, _ value: I) { fields.append((key, .int(Int(value)))) }
    mutating func set(_ key: String, _ value: JSONValue?) { if let value { fields.append((key, value)) } }
    mutating func set(_ key: String, _ value: String?) { if let value { fields.append((key, .string(value))) } }
    mutating func set<I: BinaryInteger>(_ key: String, _ value: I?) { if let value { set(key, value) } }

    var value: JSONValue { .object(fields) }
}

/// Lowercase hex without separators: `ff00a1`.
func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits: [Character] = Array("0123456789abcdef")
    var s = ""
    s.reserveCapacity(bytes.count * 2)
    for b in bytes {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 0x0F)])
    }
    return s
}
