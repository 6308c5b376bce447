/// Bytes in and out of a `PeerSession`: framing (RFC 4271 section 6.1 header checks), decoding
/// with the session's `CodecContext`, and the receive buffer of each connection.
extension PeerSession {
    /// Bytes received on connection `id` (any amount: part of a message, several messages).
    ///
    /// Messages are framed and decoded one after the other, each with the codec context in
    /// force when it arrives (the negotiated one from the peer's OPEN on). Processing stops at
    /// the first error that closes the connection; the rest of the bytes are discarded with it.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, on id: ConnectionID) -> [PeerSessionAction] {
        guard let slot = slot(of: id), isUp(slot) else { return [] }
        update(slot) { $0.inbound.append(contentsOf: bytes) }
        var out: [PeerSessionAction] = []
        drain(id, &out)
        return finish(out)
    }

    /// Bytes received on connection `id`.
    public mutating func receive(_ bytes: [UInt8], on id: ConnectionID) -> [PeerSessionAction] {
        bytes.withUnsafeBytes { receive($0, on: id) }
    }

    /// Frames, decodes and handles every complete message in the buffer of `id`.
    private mutating func drain(_ id: ConnectionID, _ out: inout [PeerSessionAction]) {
        var offset = 0
        while let slot = slot(of: id), isUp(slot) {
            switch nextMessage(slot, at: offset) {
            case .success(nil):
                compact(id, consumed: offset)
                return
            case .success(let (message, length)?):
                offset += length
                receiveMessage(message, on: id, &out)
            case .failure(let f):
                offset += f.length
                receiveError(f.error, messageType: f.type, on: id, &out)
                if f.type == .update && f.error.action == .afiSafiDisable && f.length > 0 { continue }
                return  // the connection is closed with its buffer
            }
        }
    }

    /// The message at `offset` in the buffer of `slot`, decoded with the context in force now;
    /// nil when it is not complete yet. The buffer is read in place.
    private mutating func nextMessage(_ slot: Slot, at offset: Int) -> Result<(BGPMessage, Int)?, FramedError> {
        let context = codecContext(slot)
        return update(slot) { m in
            m.inbound.withUnsafeBytes { raw -> Result<(BGPMessage, Int)?, FramedError> in
                let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                let length: Int
                do throws(BGPDecodeError) {
                    guard let l = try BGPFraming.nextMessageLength(rest, maxLength: context.maxMessageLength) else {
                        return .success(nil)
                    }
                    length = l
                } catch {
                    return .failure(FramedError(error: error, type: nil, length: 0))
                }
                let message = UnsafeRawBufferPointer(rebasing: rest[..<length])
                do throws(BGPDecodeError) {
                    return .success((try BGPMessage.decode(message, context: context), length))
                } catch {
                    return .failure(FramedError(error: error, type: MessageType(rawValue: message[18]), length: length))
                }
            }
        } ?? .success(nil)
    }

    /// Drops the first `consumed` bytes of the buffer of `id`.
    private mutating func compact(_ id: ConnectionID, consumed: Int) {
        guard consumed > 0, let slot = slot(of: id) else { return }
        update(slot) { $0.inbound.removeFirst(min(consumed, $0.inbound.count)) }
    }
}

/// A framing or decoding error with the type octet of the message it concerns and the bytes to
/// skip past it.
struct FramedError: Error {
    var error: BGPDecodeError
    var type: MessageType?
    var length: Int
}
