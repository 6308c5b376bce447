import Foundation

/// Counts routes in the kernel with one netlink dump, without building any per-route value.
enum KernelRoutes {
    static func count(proto: UInt8, family: UInt8, table: UInt32) -> Int {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue), 0 /* NETLINK_ROUTE */)
        guard fd >= 0 else { return -1 }
        defer { close(fd) }
        var rcv: Int32 = 32 << 20
        setsockopt(fd, SOL_SOCKET, 33 /* SO_RCVBUFFORCE */, &rcv, 4)
        // nlmsghdr(16) + rtmsg(12)
        var req = [UInt8](repeating: 0, count: 28)
        func put32(_ v: UInt32, _ at: Int) { for k in 0..<4 { req[at + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) } }
        func put16(_ v: UInt16, _ at: Int) { req[at] = UInt8(v & 0xFF); req[at + 1] = UInt8(v >> 8) }
        put32(28, 0); put16(26 /* RTM_GETROUTE */, 4); put16(0x301 /* REQUEST|DUMP */, 6); put32(1, 8)
        req[16] = family
        _ = req.withUnsafeBytes { send(fd, $0.baseAddress, 28, 0) }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var n = 0
        while true {
            let r = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if r <= 0 { return -1 }
            var at = 0
            while at + 16 <= r {
                let len = Int(buf[at]) | Int(buf[at + 1]) << 8 | Int(buf[at + 2]) << 16 | Int(buf[at + 3]) << 24
                let type = Int(buf[at + 4]) | Int(buf[at + 5]) << 8
                if type == 3 /* NLMSG_DONE */ { return n }
                if type == 2 /* NLMSG_ERROR */ { return -1 }
                if len < 16 { return -1 }
                if type == 24 /* RTM_NEWROUTE */, at + 28 <= r {
                    let rtTable = UInt32(buf[at + 16 + 4])
                    let rtProto = buf[at + 16 + 5]
                    let rtType = buf[at + 16 + 7]
                    if (proto == 0 || rtProto == proto) && (rtTable == table || table == 0) && rtType == 1 {
                        n += 1
                    }
                }
                at += (len + 3) & ~3
            }
        }
    }
}
