import BGP

extension PeerExport {
    /// The UPDATE messages that carry this delta to the peer, in order: each withdrawal and
    /// announcement step packed by the codec into as few messages as the session's maximum
    /// message size allows (`UpdateMessage.withdrawals` / `announcements`), End-of-RIB markers
    /// as RFC 4724 defines them. A step the codec cannot send on this session (an IPv4 route
    /// with an IPv6 next hop without RFC 8950) gives no message.
    public func updates(context: CodecContext) -> [UpdateMessage] {
        var out: [UpdateMessage] = []
        for step in steps {
            switch step {
            case .withdraw(let nlri):
                out += UpdateMessage.withdrawals(nlri, context: context)
            case .announce(let a):
                out += UpdateMessage.announcements(a.nlri, nextHop: a.nextHop, attributes: a.attributes, context: context)
            case .endOfRIB(let family):
                out.append(.endOfRIB(family))
            }
        }
        return out
    }
}
