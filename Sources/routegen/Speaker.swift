import Foundation

/// A minimal BGP speaker: connect, OPEN (4-octet AS, IPv4 unicast, route refresh), wait for the
/// peer's OPEN, then send the prepared UPDATEs as fast as TCP takes them, and KEEPALIVEs until
/// killed. A reader thread drains whatever the peer sends (its own UPDATEs too) so the peer is
/// never blocked on us, and prints NOTIFICATIONs.
final class Speaker: @unchecked Sendable {
    let peer: String, local: String, asn: UInt32, routerID: String, hold: UInt16
    var fd: Int32 = -1

    init(peer: String, local: String, asn: UInt32, routerID: String, hold: UInt16) {
        self.peer = peer; self.local = local; self.asn = asn; self.routerID = routerID; self.hold = hold
    }

    func log(_ s: String) {
        FileHandle.standardOutput.write((String(format: "%.3f ", Date().timeIntervalSince1970) + s + "\n").data(using: .utf8)!)
    }

    func connectWithRetry() {
        while true {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var la = sockaddr_in(); la.sin_family = sa_family_t(AF_INET); la.sin_addr.s_addr = inet4(local).bigEndian
            var pa = sockaddr_in(); pa.sin_family = sa_family_t(AF_INET); pa.sin_port = UInt16(179).bigEndian
            pa.sin_addr.s_addr = inet4(peer).bigEndian
            _ = withUnsafePointer(to: &la) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            let r = withUnsafePointer(to: &pa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            if r == 0 { return }
            close(fd)
            usleep(200_000)
        }
    }

    func sendAll(_ bytes: [UInt8]) {
        var off = 0
        bytes.withUnsafeBytes { p in
            while off < bytes.count {
                let n = send(fd, p.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
                if n <= 0 { log("send failed: \(String(cString: strerror(errno)))"); exit(1) }
                off += n
            }
        }
    }

    func readExactly(_ n: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: n)
        var off = 0
        while off < n {
            let r = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + off, n - off, 0) }
            if r <= 0 { return nil }
            off += r
        }
        return buf
    }

    func readMessage() -> (UInt8, [UInt8])? {
        guard let h = readExactly(19) else { return nil }
        let len = Int(h[16]) << 8 | Int(h[17])
        guard len >= 19, let body = readExactly(len - 19) else { return nil }
        return (h[18], body)
    }

    func run(updates: [UInt8]) {
        connectWithRetry()
        log("connected \(local) -> \(peer)")
        var caps: [UInt8] = []
        caps += [1, 4, 0, 1, 0, 1]                 // MP IPv4 unicast
        caps += [2, 0]                             // route refresh
        caps += [65, 4] + be32(asn)                // 4-octet AS
        let params: [UInt8] = [2, UInt8(caps.count)] + caps
        let myAS: UInt16 = asn > 65535 ? 23456 : UInt16(asn)
        let open: [UInt8] = [4] + be16(myAS) + be16(hold) + be32(inet4(routerID)) + [UInt8(params.count)] + params
        sendAll(header(length: 19 + open.count, type: 1) + open)
        guard let (t, _) = readMessage(), t == 1 else { log("no OPEN from peer"); exit(1) }
        sendAll(header(length: 19, type: 4))
        // Wait for the peer's KEEPALIVE: the session is Established.
        while true {
            guard let (t, body) = readMessage() else { log("peer closed before Established"); exit(1) }
            if t == 4 { break }
            if t == 3 { log("NOTIFICATION \(body.prefix(2).map(String.init))"); exit(1) }
        }
        log("established")
        let reader = Thread { [self] in
            var updatesIn = 0
            while let (t, body) = self.readMessage() {
                if t == 2 { updatesIn += 1 }
                if t == 3 { self.log("NOTIFICATION \(body.prefix(2).map(String.init))"); exit(1) }
            }
            self.log("peer closed after \(updatesIn) updates")
            exit(1)
        }
        reader.start()
        let start = Date()
        sendAll(updates)
        log(String(format: "sent %d bytes of updates in %.3f s", updates.count, Date().timeIntervalSince(start)))
        while true {
            sleep(UInt32(max(1, hold / 3)))
            sendAll(header(length: 19, type: 4))
        }
    }
}
