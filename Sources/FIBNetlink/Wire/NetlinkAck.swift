// NLMSG_ERROR (acknowledgement or error) and NLMSG_DONE bodies, with extended ACK attributes.
//
// NLMSG_ERROR body (`struct nlmsgerr`):
// +---------------------------------------------------------------+
// |                    error (s32, 0 or -errno)                   |
// +---------------------------------------------------------------+
// |          the request's nlmsghdr (16 bytes)                    |
// +---------------------------------------------------------------+
// |  the request's body, unless NLM_F_CAPPED (NETLINK_CAP_ACK)    |
// +---------------------------------------------------------------+
// |  NLMSGERR_ATTR_* attributes if NLM_F_ACK_TLVS (NETLINK_EXT_ACK) |

/// An acknowledgement (error 0) or error answer to one request, matched by `request.sequence`.
public struct NetlinkAck: Hashable, Sendable {
    /// 0 for success, else a negative errno.
    public var error: Int32
    /// The header of the request this answers.
    public var request: NetlinkHeader
    /// The echoed request body (empty when capped).
    public var requestBody: [UInt8]
    /// Extended ACK attributes (NLMSGERR_ATTR_*).
    public var extendedAck: [ExtendedAckAttribute]

    public init(error: Int32, request: NetlinkHeader, requestBody: [UInt8] = [], extendedAck: [ExtendedAckAttribute] = []) {
        self.error = error
        self.request = request
        self.requestBody = requestBody
        self.extendedAck = extendedAck
    }

    /// Decodes the body of an NLMSG_ERROR; `flags` is its header's flags (capped / TLVs).
    public init(decoding bytes: [UInt8], range: Range<Int>, flags: NetlinkFlags) throws(NetlinkDecodeError) {
        var r = NetlinkReader(bytes, range: range)
        guard let err = r.i32(), let req = NetlinkHeader(reading: &r)
        else { throw .truncatedBody(type: NetlinkMessageType.error.rawValue, offset: range.lowerBound, needed: 20) }
        error = err
        request = req
        requestBody = []
        extendedAck = []
        if !flags.contains(.capped), req.length > 16 {
            // The kernel echoes the whole request; take what is there.
            let n = min(Int(req.length) - 16, r.remaining)
            requestBody = r.bytes(n) ?? []
            r.align()
        }
        if flags.contains(.ackTLVs) {
            extendedAck = try NetlinkAttribute.parse(bytes, range: r.offset..<r.end).map(ExtendedAckAttribute.init)
        }
    }

    public var isSuccess: Bool { error == 0 }

    /// The kernel's error text (NLMSGERR_ATTR_MSG), e.g. "Nexthop device is not up".
    public var message: String? {
        for case .message(let m) in extendedAck { return m }
        return nil
    }

    /// Writes the body in the long (uncapped) form when `requestBody` is set.
    public func encode(into e: inout NetlinkEncoder) {
        e.append(error)
        e.append(request.length); e.append(request.type.rawValue); e.append(request.flags.rawValue)
        e.append(request.sequence); e.append(request.portID)
        e.append(contentsOf: requestBody)
        // Padding only separates the echoed request from the attributes that follow it.
        if !extendedAck.isEmpty { e.align() }
        for a in extendedAck { a.encode(into: &e) }
    }
}

/// An NLMSGERR_ATTR_* attribute.
public enum ExtendedAckAttribute: Hashable, Sendable {
    /// NLMSGERR_ATTR_MSG (1): human-readable error text.
    case message(String)
    /// NLMSGERR_ATTR_OFFS (2): byte offset of the offending attribute in the request.
    case offset(UInt32)
    /// NLMSGERR_ATTR_MISS_TYPE (5): a required attribute that was missing.
    case missingType(UInt32)
    case other(type: UInt16, value: [UInt8])

    public init(_ raw: NetlinkAttribute) {
        switch raw.type {
        case 1 where raw.value.last == 0: self = .message(AttributeValue.string(raw.value))
        case 2: self = AttributeValue.u32(raw.value).map(Self.offset) ?? .other(type: raw.type, value: raw.value)
        case 5: self = AttributeValue.u32(raw.value).map(Self.missingType) ?? .other(type: raw.type, value: raw.value)
        default: self = .other(type: raw.type, value: raw.value)
        }
    }

    public func encode(into e: inout NetlinkEncoder) {
        switch self {
        case .message(let m): e.appendAttribute(type: 1, string: m)
        case .offset(let o): e.appendAttribute(type: 2, u32: o)
        case .missingType(let t): e.appendAttribute(type: 5, u32: t)
        case .other(let t, let v): e.appendAttribute(type: t, value: v)
        }
    }
}
