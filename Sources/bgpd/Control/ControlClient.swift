import Foundation
import Glibc

/// The CLI's end of the control socket: one blocking request and reply. No event loop is
/// needed for a single round trip, and a blocking client keeps `bgpd show` start-up instant.
enum ControlClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func request(_ request: ControlRequest, socketPath: String, timeoutSeconds: Int = 10) throws -> ControlReply {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "cannot create a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw Failure(description: "socket path too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { b in for (i, x) in pathBytes.enumerated() { b[i] = x } }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            throw Failure(description: "cannot reach bgpd at \(socketPath): \(String(cString: strerror(errno))) (is the daemon running? use --socket to point elsewhere)")
        }
        var out = try JSONEncoder().encode(request)
        out.append(UInt8(ascii: "\n"))
        let sent = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == out.count else { throw Failure(description: "cannot send the request: \(String(cString: strerror(errno)))") }
        var reply = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !reply.contains(UInt8(ascii: "\n")) {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "no reply from bgpd: \(String(cString: strerror(errno)))")
            }
            reply.append(contentsOf: chunk[0..<n])
        }
        guard let decoded = try? JSONDecoder().decode(ControlReply.self, from: reply) else {
            throw Failure(description: "bgpd sent a reply that could not be read")
        }
        if let e = decoded.error { throw Failure(description: e) }
        return decoded
    }
}
