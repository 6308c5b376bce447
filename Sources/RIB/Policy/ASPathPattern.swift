import BGP

/// An AS-path regular expression in the style of FRR's `bgp as-path access-list`, matched
/// against the path's text (`65001 65002 {65003,65004}`).
///
/// Supported: literal characters, `.`, bracket classes (`[0-9]`, `[^,]`), `*`, `+`, `?`, groups
/// `( )`, alternation `|`, anchors `^` and `$`, `\` escapes, and `_`, which matches the start
/// or end of the text or one delimiter (space, comma, braces, parentheses, square brackets).
/// The search is unanchored, as POSIX `regexec`. Matching runs a Thompson NFA (Pike VM) over the
/// text: linear in the text, no recursion on it, so a long AS path from a peer cannot blow the
/// stack or the clock. (Swift's `Regex` is not `Sendable`, and policies travel between tasks.)
public struct ASPathPattern: Hashable, Sendable, CustomStringConvertible {
    /// The pattern as written.
    public let source: String
    private let program: [Inst]
    private let classes: [ByteSet]

    public init(_ source: String) throws(PolicyError) {
        var parser = Parser(bytes: Array(source.utf8))
        let node: Node
        do { node = try parser.parseAll() } catch { throw PolicyError("as-path pattern \"\(source)\": \(error.message)") }
        var c = Compiler()
        c.emit(node)
        c.program.append(.match)
        self.source = source
        self.program = c.program
        self.classes = parser.classes
    }

    public var description: String { source }

    public static func == (a: ASPathPattern, b: ASPathPattern) -> Bool { a.source == b.source }
    public func hash(into h: inout Hasher) { h.combine(source) }

    /// Whether the pattern occurs in the text of `path`.
    public func matches(_ path: ASPath) -> Bool { matches(text: path.description) }

    /// Whether the pattern occurs in `text`.
    public func matches(text: String) -> Bool {
        let s = Array(text.utf8)
        let n = s.count
        var mark = [Int](repeating: -1, count: program.count)
        var gen = 0
        var matched = false
        var clist: [Int] = []
        var nlist: [Int] = []
        clist.reserveCapacity(program.count)
        nlist.reserveCapacity(program.count)

        func add(_ list: inout [Int], _ pc: Int, _ pos: Int) {
            if mark[pc] == gen { return }
            mark[pc] = gen
            switch program[pc] {
            case .jump(let x): add(&list, x, pos)
            case .split(let x, let y): add(&list, x, pos); add(&list, y, pos)
            case .start: if pos == 0 { add(&list, pc + 1, pos) }
            case .end: if pos == n { add(&list, pc + 1, pos) }
            case .edge: if pos == 0 || pos == n { add(&list, pc + 1, pos) }
            case .match: matched = true
            case .byte, .any, .set: list.append(pc)
            }
        }

        gen += 1
        add(&clist, 0, 0)
        var pos = 0
        while pos < n && !matched {
            let ch = s[pos]
            gen += 1
            nlist.removeAll(keepingCapacity: true)
            for pc in clist {
                switch program[pc] {
                case .byte(let b): if b == ch { add(&nlist, pc + 1, pos + 1) }
                case .any: add(&nlist, pc + 1, pos + 1)
                case .set(let k): if classes[k].contains(ch) { add(&nlist, pc + 1, pos + 1) }
                default: break
                }
            }
            add(&nlist, 0, pos + 1)   // unanchored: a match may start at every position
            swap(&clist, &nlist)
            pos += 1
        }
        return matched
    }

    // MARK: parsing and compiling

    fileprivate struct ByteSet: Hashable, Sendable {
        var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        mutating func insert(_ b: UInt8) {
            let m = UInt64(1) << UInt64(b & 63)
            switch b >> 6 { case 0: bits.0 |= m; case 1: bits.1 |= m; case 2: bits.2 |= m; default: bits.3 |= m }
        }
        func contains(_ b: UInt8) -> Bool {
            let m = UInt64(1) << UInt64(b & 63)
            switch b >> 6 { case 0: return bits.0 & m != 0; case 1: return bits.1 & m != 0
            case 2: return bits.2 & m != 0; default: return bits.3 & m != 0 }
        }
        mutating func invert() { bits = (~bits.0, ~bits.1, ~bits.2, ~bits.3) }
        static func == (a: ByteSet, b: ByteSet) -> Bool { a.bits == b.bits }
        func hash(into h: inout Hasher) { h.combine(bits.0); h.combine(bits.1); h.combine(bits.2); h.combine(bits.3) }
    }

    fileprivate enum Inst: Hashable, Sendable {
        case byte(UInt8), any, set(Int), start, end, edge, split(Int, Int), jump(Int), match
    }

    fileprivate indirect enum Node {
        case byte(UInt8), any, set(Int), start, end, underscore
        case concat([Node]), alternation([Node])
        case star(Node), plus(Node), optional(Node)
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0
        var classes: [ByteSet] = []
        var delimiterClass: Int?
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parseAll() throws(PolicyError) -> Node {
            let n = try alternation()
            if at < bytes.count { throw PolicyError("unexpected \")\" at offset \(at)") }
            return n
        }

        mutating func alternation() throws(PolicyError) -> Node {
            var alts = [try concatenation()]
            while at < bytes.count && bytes[at] == UInt8(ascii: "|") {
                at += 1
                alts.append(try concatenation())
            }
            return alts.count == 1 ? alts[0] : .alternation(alts)
        }

        mutating func concatenation() throws(PolicyError) -> Node {
            var items: [Node] = []
            while at < bytes.count, bytes[at] != UInt8(ascii: "|"), bytes[at] != UInt8(ascii: ")") {
                var atom = try self.atom()
                while at < bytes.count {
                    switch bytes[at] {
                    case UInt8(ascii: "*"): atom = .star(atom)
                    case UInt8(ascii: "+"): atom = .plus(atom)
                    case UInt8(ascii: "?"): atom = .optional(atom)
                    default: break
                    }
                    if [UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?")].contains(bytes[at]) { at += 1 } else { break }
                }
                items.append(atom)
            }
            return .concat(items)
        }

        mutating func atom() throws(PolicyError) -> Node {
            let c = bytes[at]
            at += 1
            switch c {
            case UInt8(ascii: "("):
                depth += 1
                guard depth < 64 else { throw PolicyError("groups nested too deeply") }
                let inner = try alternation()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ")") else { throw PolicyError("missing \")\"") }
                at += 1
                depth -= 1
                return inner
            case UInt8(ascii: "["): return .set(try bracket())
            case UInt8(ascii: "."): return .any
            case UInt8(ascii: "^"): return .start
            case UInt8(ascii: "$"): return .end
            case UInt8(ascii: "_"): return .underscore
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
                throw PolicyError("\"\(Character(Unicode.Scalar(c)))\" at offset \(at - 1) repeats nothing")
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { throw PolicyError("trailing \"\\\"") }
                at += 1
                return .byte(bytes[at - 1])
            default: return .byte(c)
            }
        }

        mutating func bracket() throws(PolicyError) -> Int {
            var set = ByteSet()
            var negate = false
            if at < bytes.count && bytes[at] == UInt8(ascii: "^") { negate = true; at += 1 }
            var first = true
            while true {
                guard at < bytes.count else { throw PolicyError("missing \"]\"") }
                let c = bytes[at]
                if c == UInt8(ascii: "]") && !first { at += 1; break }
                first = false
                at += 1
                if at + 1 < bytes.count && bytes[at] == UInt8(ascii: "-") && bytes[at + 1] != UInt8(ascii: "]") {
                    let hi = bytes[at + 1]
                    guard hi >= c else { throw PolicyError("bad range in brackets") }
                    for b in c...hi { set.insert(b) }
                    at += 2
                } else {
                    set.insert(c)
                }
            }
            if negate { set.invert() }
            classes.append(set)
            return classes.count - 1
        }
    }

    private struct Compiler {
        var program: [Inst] = []
        static let delimiters = Array(" ,{}()[]".utf8)

        mutating func emit(_ n: Node) {
            switch n {
            case .byte(let b): program.append(.byte(b))
            case .any: program.append(.any)
            case .set(let k): program.append(.set(k))
            case .start: program.append(.start)
            case .end: program.append(.end)
            case .underscore:
                // split -> (edge; jump out) | one delimiter byte
                let split = program.count
                program.append(.split(0, 0))
                program.append(.edge)
                let jump = program.count
                program.append(.jump(0))
                let alt = program.count
                for (i, d) in Self.delimiters.enumerated() {
                    if i < Self.delimiters.count - 1 {
                        let s = program.count
                        program.append(.split(s + 1, s + 3))
                        program.append(.byte(d))
                        program.append(.jump(-1))
                    } else {
                        program.append(.byte(d))
                    }
                }
                let out = program.count
                program[split] = .split(split + 1, alt)
                program[jump] = .jump(out)
                for i in alt..<out { if case .jump(-1) = program[i] { program[i] = .jump(out) } }
            case .concat(let items): for i in items { emit(i) }
            case .alternation(let alts):
                var jumps: [Int] = []
                for (i, a) in alts.enumerated() {
                    if i < alts.count - 1 {
                        let s = program.count
                        program.append(.split(s + 1, 0))
                        emit(a)
                        jumps.append(program.count)
                        program.append(.jump(0))
                        program[s] = .split(s + 1, program.count)
                    } else {
                        emit(a)
                    }
                }
                for j in jumps { program[j] = .jump(program.count) }
            case .star(let e):
                let s = program.count
                program.append(.split(s + 1, 0))
                emit(e)
                program.append(.jump(s))
                program[s] = .split(s + 1, program.count)
            case .plus(let e):
                let s = program.count
                emit(e)
                program.append(.split(s, program.count + 1))
            case .optional(let e):
                let s = program.count
                program.append(.split(s + 1, 0))
                emit(e)
                program[s] = .split(s + 1, program.count)
            }
        }
    }
}
