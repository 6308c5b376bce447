import BGP

/// Works out the `CodecContext` for one direction of a captured connection.
///
/// With both OPENs, the context is what the speakers negotiated: 4-octet AS and extended
/// messages when both advertised them (RFC 6793, RFC 8654), and path identifiers in a family's
/// NLRI when the sender advertised "send" and the receiver "receive" for it (RFC 7911 section 4).
///
/// Captures often start after the OPENs. Then every variant that the OPENs we did see allow
/// (4- or 2-octet AS, ADD-PATH on each subset of the unicast and EVPN families) decodes every
/// UPDATE of the direction, and the variant that decodes most cleanly wins: fewest messages in
/// error, then fewest of those failing in NLRI or AS_PATH parsing, then fewest RFC 7606 repairs, then fewest that do not re-encode to their own bytes, then
/// fewest implausible NLRI (duplicates, repeated default routes). Ties go to 4-octet AS and to
/// fewer ADD-PATH families. tshark guesses path identifiers per prefix; deciding per direction
/// keeps one story for the whole stream and says what it was.
enum ContextInference {
    /// The families whose path identifiers change how NLRI decode (other families are kept raw).
    static let addPathFamilies: [Family] = [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN]

    static func context(sender: OpenMessage?, receiver: OpenMessage?, updates: [[UInt8]]) -> StreamContext {
        if let sender, let receiver {
            return StreamContext(context: negotiated(sender: sender, receiver: receiver), origin: .negotiated, note: "")
        }
        let candidates = self.candidates(sender: sender, receiver: receiver)
        var best: (CodecContext, Score)?
        var runnerUp: Score?
        for c in candidates {
            let s = score(c, updates: updates)
            if let b = best {
                if s < b.1 {
                    runnerUp = b.1
                    best = (c, s)
                } else if runnerUp.map({ s < $0 }) ?? true {
                    runnerUp = s
                }
            } else {
                best = (c, s)
            }
        }
        // `candidates` is never empty: the loops below always produce at least one context.
        let (ctx, s) = best ?? (candidates.first ?? CodecContext(), Score())
        let seen = sender != nil ? "only the sender's OPEN seen" : receiver != nil ? "only the receiver's OPEN seen" : "no OPEN seen"
        var note = "\(seen); assumed \(describe(ctx))"
        if !updates.isEmpty {
            note += "; \(updates.count - s.errors) of \(updates.count) UPDATEs decode with it"
            if s.repairs > 0 { note += ", \(s.repairs) with RFC 7606 repairs" }
            if let r = runnerUp, candidates.count > 1 { note += " (next best variant: \(r.errors) in error)" }
        } else {
            note += "; no UPDATE to test it on"
        }
        return StreamContext(context: ctx, origin: sender == nil && receiver == nil ? .assumed : .partial, note: note)
    }

    /// The context for decoding what `sender` sends to `receiver`, from their OPENs.
    static func negotiated(sender: OpenMessage, receiver: OpenMessage) -> CodecContext {
        let s = Advertised(sender), r = Advertised(receiver)
        var receive: Set<Family> = [], send: Set<Family> = []
        for (family, dir) in s.addPath {
            if dir.contains(.send), r.addPath[family]?.contains(.receive) == true { receive.insert(family) }
            if dir.contains(.receive), r.addPath[family]?.contains(.send) == true { send.insert(family) }
        }
        var enh: [Family: AFI] = [:]
        for (family, afi) in s.extendedNextHop where r.extendedNextHop[family] == afi { enh[family] = afi }
        return CodecContext(fourOctetAS: s.fourOctetAS && r.fourOctetAS,
                            extendedMessage: s.extendedMessage && r.extendedMessage,
                            addPathReceive: receive, addPathSend: send, extendedNextHop: enh)
    }

    /// What one OPEN advertises, for negotiation.
    struct Advertised {
        var fourOctetAS = false
        var extendedMessage = false
        var addPath: [Family: AddPathDirection] = [:]
        var extendedNextHop: [Family: AFI] = [:]

        init(_ open: OpenMessage) {
            for c in open.capabilities {
                switch c {
                case .fourOctetAS: fourOctetAS = true
                case .extendedMessage: extendedMessage = true
                case .addPath(let entries):
                    // RFC 7911 section 4: a later entry for the same family replaces an earlier one.
                    for e in entries { addPath[e.family] = e.direction }
                case .extendedNextHop(let entries):
                    for e in entries { extendedNextHop[e.family] = e.nextHopAFI }
                default: break
                }
            }
        }
    }

    /// Every context the OPENs we saw allow, most likely first.
    static func candidates(sender: OpenMessage?, receiver: OpenMessage?) -> [CodecContext] {
        let s = sender.map(Advertised.init), r = receiver.map(Advertised.init)
        var asChoices = [true, false]
        if s?.fourOctetAS == false || r?.fourOctetAS == false { asChoices = [false] }
        let possible = addPathFamilies.filter { f in
            (s.map { $0.addPath[f]?.contains(.send) == true } ?? true)
                && (r.map { $0.addPath[f]?.contains(.receive) == true } ?? true)
        }
        // Every subset of the possible families, smallest first.
        var subsets: [Set<Family>] = [[]]
        for f in possible { subsets += subsets.map { $0.union([f]) } }
        subsets.sort { $0.count < $1.count }
        // Unknown extended-message support: accept long messages (the capture shows what was sent).
        let extended = (s?.extendedMessage ?? true) && (r?.extendedMessage ?? true)
        var enh: [Family: AFI] = [.ipv4Unicast: .ipv6]
        if let s, let r {
            enh = [:]
            for (family, afi) in s.extendedNextHop where r.extendedNextHop[family] == afi { enh[family] = afi }
        }
        var out: [CodecContext] = []
        for fourOctet in asChoices {
            for set in subsets {
                out.append(CodecContext(fourOctetAS: fourOctet, extendedMessage: extended,
                                        addPathReceive: set, addPathSend: [], extendedNextHop: enh))
            }
        }
        return out
    }

    /// How cleanly a context decodes a direction's UPDATEs; lower is better.
    struct Score: Comparable {
        var errors = 0
        /// Errors of the kind a wrong guess causes: NLRI that do not parse (3/10), an AS_PATH
        /// that does not parse (3/11), a family's NLRI rejected (AFI/SAFI disable). Among
        /// variants that all fail on a message, the one failing for another reason got further.
        var parseErrors = 0
        var repairs = 0
        var mismatches = 0
        var implausible = 0

        static func < (a: Score, b: Score) -> Bool {
            (a.errors, a.parseErrors, a.repairs, a.mismatches, a.implausible)
                < (b.errors, b.parseErrors, b.repairs, b.mismatches, b.implausible)
        }
    }

    static func score(_ ctx: CodecContext, updates: [[UInt8]]) -> Score {
        var s = Score()
        for bytes in updates {
            let message: BGPMessage
            do throws(BGPDecodeError) {
                message = try BGPMessage.decode(bytes, context: ctx)
            } catch {
                s.errors += 1
                if error.notification.code == NotificationCode.update.rawValue,
                   error.notification.subcode == UpdateErrorSubcode.invalidNetworkField.rawValue
                    || error.notification.subcode == UpdateErrorSubcode.malformedASPath.rawValue
                    || error.action == .afiSafiDisable {
                    s.parseErrors += 1
                }
                continue
            }
            guard case .update(let u) = message else { continue }
            if !u.diagnostics.isEmpty { s.repairs += 1 }
            if message.encode(context: ctx.reversed) != bytes { s.mismatches += 1 }
            s.implausible += implausibility(u)
        }
        return s
    }

    /// NLRI a real speaker would not send: the same route twice in one list, or more than one
    /// default route (what 4 octets of path identifier look like when read as prefixes).
    static func implausibility(_ u: UpdateMessage) -> Int {
        func count<T: Hashable>(_ keys: [T], isDefault: (T) -> Bool) -> Int {
            var seen = Set<T>(), n = 0, defaults = 0
            for k in keys {
                if !seen.insert(k).inserted { n += 1 }
                if isDefault(k) { defaults += 1 }
            }
            return n + max(0, defaults - 1)
        }
        func listScore(_ l: NLRIList) -> Int {
            switch l {
            case .ipv4Unicast(let x): return count(x) { $0.prefix.length == 0 }
            case .ipv6Unicast(let x): return count(x) { $0.prefix.length == 0 }
            case .evpn(let x): return count(x.map(\.route)) { _ in false }
            case .other: return 0
            }
        }
        var n = count(u.nlri) { $0.prefix.length == 0 } + count(u.withdrawn) { $0.prefix.length == 0 }
        if let r = u.mpReach { n += listScore(r.nlri) }
        if let r = u.mpUnreach { n += listScore(r.nlri) }
        return n
    }

    /// `4-octet AS, ADD-PATH for ipv4-unicast, extended messages`.
    static func describe(_ c: CodecContext) -> String {
        var parts = [c.fourOctetAS ? "4-octet AS" : "2-octet AS"]
        parts.append(c.addPathReceive.isEmpty ? "no ADD-PATH"
                     : "ADD-PATH path ids in " + c.addPathReceive.sorted().map(\.description).joined(separator: ", "))
        if c.extendedMessage { parts.append("extended messages") }
        return parts.joined(separator: ", ")
    }
}
