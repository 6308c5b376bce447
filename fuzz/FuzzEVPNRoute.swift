// libFuzzer target: one EVPN route value. The first octet is the route type, the rest the value
// (whose length the NLRI's length octet would give). What parses must re-encode identically.
@testable import BGP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEVPNRoute(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1, size <= 256 else { return 0 }
    let type = data[0]
    let value = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    guard let route = try? EVPNRoute.decode(type: type, value: value) else { return 0 }
    var out: [UInt8] = []
    route.encode(into: &out)
    guard out.count == size + 1, out[0] == type, out.dropFirst(2).elementsEqual(value) else {
        fatalError("EVPN route does not re-encode identically")
    }
    return 0
}
