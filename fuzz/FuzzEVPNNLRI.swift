// libFuzzer target: a field of EVPN NLRI (several routes, each type, length, value). The first
// octet says whether path identifiers (ADD-PATH) are present. What parses must re-encode to the
// same octets (route values are kept exactly as received).
@testable import BGP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEVPNNLRI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let addPath = data[0] & 1 != 0
    let field = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    guard let routes = try? EVPNCodec.decode(field, addPath: addPath) else { return 0 }
    var out: [UInt8] = []
    EVPNCodec.encode(routes, addPath: addPath, into: &out)
    guard out.elementsEqual(field) else { fatalError("EVPN NLRI does not re-encode identically") }
    return 0
}
