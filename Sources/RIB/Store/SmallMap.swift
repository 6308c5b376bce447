/// A map for the few keys a single UPDATE touches: a linear array up to 16 entries (no hashing,
/// one allocation), a dictionary beyond (a whole-table export touches hundreds of thousands).
struct SmallMap<Key: Hashable, Value> {
    private var small: [(Key, Value)] = []
    private var large: [Key: Value]?

    init() {}

    subscript(key: Key) -> Value? {
        get {
            if let large { return large[key] }
            for (k, v) in small where k == key { return v }
            return nil
        }
        set {
            if large != nil {
                large?[key] = newValue
                return
            }
            if let i = small.firstIndex(where: { $0.0 == key }) {
                if let v = newValue { small[i].1 = v } else { small.remove(at: i) }
                return
            }
            guard let v = newValue else { return }
            if small.count < 16 {
                small.append((key, v))
            } else {
                var d = Dictionary(small, uniquingKeysWith: { a, _ in a })
                d[key] = v
                large = d
                small = []
            }
        }
    }

    /// Every value, in no particular order.
    var values: [Value] { large.map { Array($0.values) } ?? small.map(\.1) }
}
