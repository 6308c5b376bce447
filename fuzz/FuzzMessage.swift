// libFuzzer target: one whole BGP message (header included), through framing and the full
// decoder, with the contexts a session can have. What decodes cleanly is encoded again and must
// decode to the same value (the encoder and decoder agree), which catches silent misparses as
// well as traps.
@testable import BGP

let contexts: [CodecContext] = [
    CodecContext(),
    CodecContext(fourOctetAS: false),
    CodecContext(fourOctetAS: true, extendedMessage: true, addPathReceive: [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN],
                 addPathSend: [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN]),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for context in contexts {
        _ = try? BGPFraming.nextMessageLength(bytes, maxLength: context.maxMessageLength)
        guard let message = try? BGPMessage.decode(bytes, context: context) else { continue }
        if case .update(let u) = message, !u.diagnostics.isEmpty { continue }
        let again = message.encode(context: context.reversed)
        guard let back = try? BGPMessage.decode(again, context: context) else {
            fatalError("re-encoded message does not decode: \(message)")
        }
        guard back == message else { fatalError("re-encoded message decodes differently:\n\(message)\n\(back)") }
    }
    return 0
}
