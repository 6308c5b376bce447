import Yams

/// Reads typed values out of a composed YAML tree and collects every problem with its line and
/// column, so that one run of `bgpd check` reports all of them.
///
/// Each reader returns nil after recording an error; callers skip the value and carry on.
struct YAMLReader {
    private(set) var errors: [ConfigError] = []

    /// Records a problem at `node`.
    mutating func error(_ node: Node, _ message: String) {
        let mark = node.mark
        errors.append(ConfigError(line: mark?.line ?? 0, column: mark?.column ?? 0, message))
    }

    mutating func error(at mark: Mark?, _ message: String) {
        errors.append(ConfigError(line: mark?.line ?? 0, column: mark?.column ?? 0, message))
    }

    /// The fields of a mapping, after reporting every key that is not in `allowed`.
    mutating func mapping(_ node: Node, _ what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let m) = node else {
            error(node, "\(what) must be a mapping of keys to values, not \(Self.kind(node))")
            return nil
        }
        var fields = Fields()
        for (k, v) in m {
            guard case .scalar(let s) = k else {
                error(k, "a key of \(what) must be a plain word")
                continue
            }
            guard allowed.contains(s.string) else {
                var message = "unknown key '\(s.string)' in \(what)"
                if let near = Self.nearest(s.string, in: allowed) { message += "; did you mean '\(near)'?" }
                else { message += "; known keys: \(allowed.joined(separator: ", "))" }
                error(k, message)
                continue
            }
            fields.entries[s.string] = (k, v)
        }
        return fields
    }

    /// A mapping whose keys are names the user chose (`policies:`, `prefix-lists:`), in the
    /// order of the file. Keys must be non-empty plain words; a name given twice is an error
    /// (Yams already refuses exact duplicates; this also covers quoted and plain spellings).
    mutating func namedEntries(_ node: Node, _ what: String) -> [(name: String, key: Node, value: Node)]? {
        guard case .mapping(let m) = node else {
            error(node, "\(what) must be a mapping of names to definitions, not \(Self.kind(node))")
            return nil
        }
        var out: [(name: String, key: Node, value: Node)] = []
        var seen: [String: Int] = [:]
        for (k, v) in m {
            guard case .scalar(let s) = k, !s.string.isEmpty else {
                error(k, "a name in \(what) must be a plain word")
                continue
            }
            if let line = seen[s.string] {
                error(k, "'\(s.string)' is defined twice in \(what) (first on line \(line))")
                continue
            }
            seen[s.string] = k.mark?.line ?? 0
            out.append((s.string, k, v))
        }
        return out
    }

    /// A list; a single scalar is not promoted to a list, so typos stay visible.
    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            error(node, "\(what) must be a list, not \(Self.kind(node))")
            return nil
        }
        return Array(s)
    }

    /// A scalar's text. Null (an empty value or `~`) is an error: every key we know needs a value.
    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node else {
            error(node, "\(what) must be a single value, not \(Self.kind(node))")
            return nil
        }
        if s.style == .plain, s.string.isEmpty || s.string == "~" || s.string == "null" || s.string == "Null" || s.string == "NULL" {
            error(node, "\(what) needs a value")
            return nil
        }
        return s.string
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard let text = string(node, what) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            error(node, "\(what) must be true or false, not '\(text)'")
            return nil
        }
    }

    /// A decimal integer in `range`.
    mutating func integer<T: FixedWidthInteger>(_ node: Node, _ what: String, _ range: ClosedRange<T>) -> T? {
        guard let text = string(node, what) else { return nil }
        guard let v = T(text, radix: 10), range.contains(v) else {
            error(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            return nil
        }
        return v
    }

    /// One of the given words.
    mutating func word(_ node: Node, _ what: String, _ choices: [String]) -> String? {
        guard let text = string(node, what) else { return nil }
        guard choices.contains(text) else {
            error(node, "\(what) must be one of \(choices.joined(separator: ", ")), not '\(text)'")
            return nil
        }
        return text
    }

    /// A mapping's fields by key, each with its key node (for the position of "missing" errors)
    /// and its value node.
    struct Fields {
        var entries: [String: (key: Node, value: Node)] = [:]
        subscript(_ key: String) -> Node? { entries[key]?.value }
        func has(_ key: String) -> Bool { entries[key] != nil }
        func keyNode(_ key: String) -> Node? { entries[key]?.key }
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "the value '\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The allowed key closest to a misspelt one, if it is close enough to be a likely typo.
    static func nearest(_ word: String, in choices: [String]) -> String? {
        let scored = choices.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored, d <= max(2, best.count / 4) else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}
