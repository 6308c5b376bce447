// libFuzzer target: a field of IPv4 NLRI (the NLRI or Withdrawn Routes field, or the NLRI of
// MP_REACH/MP_UNREACH). The first octet says whether path identifiers (ADD-PATH) are present.
// What parses must re-encode to a field that parses to the same prefixes.
@testable import BGP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIPv4NLRI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let addPath = data[0] & 1 != 0
    let field = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    guard let list = try? PrefixCodec.decodeIPv4(field, addPath: addPath) else { return 0 }
    var out: [UInt8] = []
    PrefixCodec.encode(list, addPath: addPath, into: &out)
    let back = out.withUnsafeBytes { try? PrefixCodec.decodeIPv4($0, addPath: addPath) }
    guard back == list else { fatalError("IPv4 NLRI does not survive re-encoding") }
    guard out.count <= field.count else { fatalError("re-encoded IPv4 NLRI grew") }
    return 0
}
