import Foundation
import NetAddress

/// Reads what tshark (4.0) decodes from a capture into `WireView`s.
///
/// It runs `tshark -T json --no-duplicate-keys`: plain `-T json` keeps only the last of several
/// BGP messages in one TCP segment, because their fields share keys. With the option, repeated
/// keys become arrays, so every object below may hold a value, an object or an array of them.
/// Field names are tshark's (`bgp.mp_reach_nlri_ipv4_prefix`, `bgp.evpn.nlri.rt`, ...).
enum TsharkReader {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func views(_ path: String) throws -> [WireView] {
        guard let tshark = Run.which("tshark") else { throw Failure(description: "tshark not found") }
        // -J keeps only the layers we read, which makes the JSON ten times smaller.
        let r = try Run.run(tshark, ["-n", "-r", path, "-T", "json", "--no-duplicate-keys",
                                     "-J", "ip ipv6 tcp bgp", "-Y", "bgp"])
        guard r.status == 0 else { throw Failure(description: "tshark failed (\(r.status)): \(r.stderr)") }
        guard let packets = try JSONSerialization.jsonObject(with: r.stdout) as? [Any] else {
            throw Failure(description: "tshark printed no JSON array")
        }
        var out: [WireView] = []
        for p in packets {
            guard let layers = ((p as? [String: Any])?["_source"] as? [String: Any])?["layers"] as? [String: Any] else { continue }
            let src = address(layers, "src"), dst = address(layers, "dst")
            let tcp = layers["tcp"] as? [String: Any]
            let direction = "\(src):\(string(tcp?["tcp.srcport"]) ?? "?")>\(dst):\(string(tcp?["tcp.dstport"]) ?? "?")"
            for m in list(layers["bgp"]) {
                guard let m = m as? [String: Any] else { continue }
                out.append(view(m, direction: direction))
            }
        }
        return out
    }

    /// An address in our canonical text (tshark's IPv6 text is the same RFC 5952 form, but go
    /// through the parser anyway).
    static func address(_ layers: [String: Any], _ which: String) -> String {
        let raw = string((layers["ip"] as? [String: Any])?["ip.\(which)"])
            ?? string((layers["ipv6"] as? [String: Any])?["ipv6.\(which)"]) ?? "?"
        return IPAddress(raw)?.description ?? raw
    }

    static func view(_ m: [String: Any], direction: String) -> WireView {
        var v = WireView(direction: direction, type: Int(string(m["bgp.type"]) ?? "") ?? -1)
        guard v.type == 2 else { return v }
        for d in dicts(in: m["bgp.update.nlri"], having: "bgp.nlri_prefix") { v.announced.append(prefix(d, "bgp.nlri_prefix")) }
        for d in dicts(in: m["bgp.update.withdrawn_routes"], having: "bgp.withdrawn_prefix") {
            v.withdrawn.append(prefix(d, "bgp.withdrawn_prefix"))
        }
        let attrs = list((m["bgp.update.path_attributes"] as? [String: Any])?["bgp.update.path_attribute"])
        for case let a as [String: Any] in attrs {
            let code = string(a["bgp.update.path_attribute.type_code"])
            guard code == "14" || code == "15" else { continue }
            let kind = code == "14" ? "mp_reach_nlri" : "mp_unreach_nlri"
            let afi = string(a["bgp.update.path_attribute.\(kind).afi"]) ?? "?"
            let safi = string(a["bgp.update.path_attribute.\(kind).safi"]) ?? "?"
            let nlri = a["bgp.update.path_attribute.\(kind)"]
            switch (afi, safi) {
            case ("1", "1"), ("2", "1"):
                let field = "bgp.\(kind)_ipv\(afi == "1" ? 4 : 6)_prefix"
                let prefixes = dicts(in: nlri, having: field).map { prefix($0, field) }
                if code == "14" { v.announced += prefixes } else { v.withdrawn += prefixes }
            case ("25", "70"):
                let routes = dicts(in: nlri, having: "bgp.evpn.nlri.rt").map(evpn)
                if code == "14" { v.evpnAnnounced += routes } else { v.evpnWithdrawn += routes }
            default:
                v.otherFamilies.append("\(code == "14" ? "reach" : "unreach") \(afi)/\(safi)")
            }
        }
        v.normalise()
        return v
    }

    static func prefix(_ d: [String: Any], _ field: String) -> String {
        let addr = string(d[field]) ?? "?", len = string(d["bgp.prefix_length"]) ?? "?"
        return IPPrefix("\(addr)/\(len)")?.description ?? "\(addr)/\(len)"
    }

    static func evpn(_ d: [String: Any]) -> EVPNView {
        let type = Int(string(d["bgp.evpn.nlri.rt"]) ?? "") ?? -1
        let rd = (string(d["bgp.evpn.nlri.rd"]) ?? "").replacingOccurrences(of: ":", with: "")
        let ip = (string(d["bgp.evpn.nlri.ip.addr"]) ?? string(d["bgp.evpn.nlri.ipv6.addr"])).map { IPAddress($0)?.description ?? $0 }
        var view = EVPNView(type: type, rd: rd)
        switch type {
        case 2:
            view.mac = string(d["bgp.evpn.nlri.mac_addr"])
            view.ip = ip
        case 3, 4:
            view.ip = ip
        case 5:
            view.prefix = "\(ip ?? "?")/\(string(d["bgp.evpn.nlri.prefix_len"]) ?? "?")"
        default: break
        }
        // The label is under one of three names depending on the route type and on whether
        // tshark took it for a VNI.
        for key in ["bgp.evpn.nlri.vni", "bgp.evpn.nlri.mpls_ls1", "bgp.update.path_attribute.mpls_label_value"] {
            if let s = firstValue(d, key), let n = UInt32(s) {
                view.label = n
                break
            }
        }
        return view
    }

    // MARK: Walking tshark's JSON

    static func string(_ v: Any?) -> String? {
        if let s = v as? String { return s }
        if let a = v as? [Any], let s = a.first as? String { return s }
        return nil
    }

    static func list(_ v: Any?) -> [Any] {
        if let a = v as? [Any] { return a }
        if let v { return [v] }
        return []
    }

    /// Every object under `v` (at any depth, in document order) that has the key `key`.
    static func dicts(in v: Any?, having key: String) -> [[String: Any]] {
        var out: [[String: Any]] = []
        func walk(_ x: Any) {
            if let d = x as? [String: Any] {
                if d[key] != nil {
                    out.append(d)
                    return
                }
                for (_, child) in d { walk(child) }
            } else if let a = x as? [Any] {
                for child in a { walk(child) }
            }
        }
        if let v { walk(v) }
        return out
    }

    /// The first string value of `key` anywhere under `d`.
    static func firstValue(_ d: [String: Any], _ key: String) -> String? {
        if let s = string(d[key]) { return s }
        for (_, child) in d {
            if let c = child as? [String: Any], let s = firstValue(c, key) { return s }
            if let a = child as? [Any] {
                for case let c as [String: Any] in a { if let s = firstValue(c, key) { return s } }
            }
        }
        return nil
    }
}
