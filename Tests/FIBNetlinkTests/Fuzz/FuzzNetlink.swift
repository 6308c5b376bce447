// libFuzzer target for the netlink decoders (built by Tests/interop/fib-fuzz.sh against the
// wire layer only): a receive buffer through framing, full decoding and the start-up route
// reader. Whatever decodes is encoded again and must decode to the same messages, which catches
// silent misparses as well as traps.
@testable import FIBNetlink

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetlink(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var frames = NetlinkFrameIterator(bytes)
    while let frame = try? frames.next() {
        _ = RouteSummary(bytes: bytes, body: frame.body)
    }
    guard let messages = try? NetlinkMessage.decodeAll(bytes) else { return 0 }
    var e = NetlinkEncoder()
    for m in messages { m.encode(into: &e) }
    guard let again = try? NetlinkMessage.decodeAll(e.bytes) else {
        fatalError("re-encoded messages do not decode: \(messages)")
    }
    // nlmsg_len is recomputed on encoding; everything else must survive.
    for (a, b) in zip(messages, again) where a.body != b.body || a.header.type != b.header.type || a.header.flags != b.header.flags {
        fatalError("re-encoded message decodes differently:\n\(a)\n\(b)")
    }
    guard messages.count == again.count else { fatalError("message count changed") }
    return 0
}
