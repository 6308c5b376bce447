extension NotificationMessage {
    /// The body after the header: code, subcode and whatever data follows (the framing has
    /// guaranteed at least the two octets).
    static func decode(body: UnsafeRawBufferPointer) -> NotificationMessage {
        guard body.count >= 2 else { return NotificationMessage(code: 0, subcode: 0, data: Array(body)) }
        return NotificationMessage(code: body[0], subcode: body[1],
                                   data: Array(UnsafeRawBufferPointer(rebasing: body[2...])))
    }

    func encodeBody(into out: inout [UInt8]) {
        out.append(code)
        out.append(subcode)
        out.append(contentsOf: data)
    }
}
