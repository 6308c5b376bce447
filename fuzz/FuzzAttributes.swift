// libFuzzer target: a path attribute block on its own, as the UPDATE decoder hands it to the
// attribute decoder. The first octet chooses the context (4-octet AS, ADD-PATH) and whether the
// UPDATE has an NLRI field; the rest is the block. A block that decodes cleanly is encoded again
// (in its own order and flags) and must decode to the same attributes; not always to the same
// octets, as host bits of MP prefixes are cleared.
@testable import BGP
import NetAddress

func context(_ selector: UInt8) -> CodecContext {
    let all: Set<Family> = [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN]
    return CodecContext(fourOctetAS: selector & 1 != 0, extendedMessage: true,
                        addPathReceive: selector & 2 != 0 ? all : [], addPathSend: selector & 2 != 0 ? all : [])
}

/// The UPDATE the block decodes into, or nil when it ends the session or the family.
func decodeBlock(_ block: UnsafeRawBufferPointer, _ selector: UInt8) -> UpdateMessage? {
    let c = context(selector)
    let nlri = selector & 4 != 0 ? [IPv4NLRI(IPv4Prefix(key: 0x0A00_0000 << 8 | 8))] : []
    var decoded = DecodedAttributes()
    var decoder = AttributeBlockDecoder(hasNLRIField: !nlri.isEmpty, fourOctetAS: c.fourOctetAS)
    do {
        try decoder.decode(block, into: &decoded, context: c)
        let attributes = try decoder.finish(&decoded)
        return UpdateMessage(attributes: attributes, mpReach: decoded.mpReach, mpUnreach: decoded.mpUnreach, nlri: nlri,
                             diagnostics: decoded.diagnostics, layout: decoded.layout)
    } catch {
        return nil
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAttributes(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = data[0]
    let block = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    guard let update = decodeBlock(block, selector), update.diagnostics.isEmpty else { return 0 }
    var out: [UInt8] = []
    update.encodeAttributes(into: &out, context: context(selector).reversed)
    if out.count > block.count { fatalError("re-encoded attribute block grew") }
    let again = out.withUnsafeBytes { decodeBlock($0, selector) }
    if again != update { fatalError("re-encoded attribute block decodes differently") }
    return 0
}
