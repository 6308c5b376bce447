import BGP
import RIB
import Testing
@testable import bgpd

/// `bgpd show policy`: the neighbours' effective policies and the declarations, printed in the
/// config's own YAML so that the output loads back to the same policies.
@Suite struct PolicyShowTests {
    @Test func textLoadsBackToTheSamePolicies() throws {
        let c = try ConfigLoader.load(PolicyConfigTests.header + PolicyConfigTests.docExample).get()
        let text = HumanFormat.policy(PolicyReply.build(c))
        let yaml = try #require(text.range(of: "\npolicies:\n")).lowerBound
        let again = try ConfigLoader.load(PolicyConfigTests.header + String(text[yaml...])).get()
        #expect(again.policies == c.policies)
        #expect(again.prefixLists == c.prefixLists)
        #expect(text.contains("Default for eBGP neighbors without their own policy: accept-all (policy: accept-all)"))
        #expect(text.contains("swp1      from-fabric           to-fabric\n"), "\(text)")
        #expect(text.contains("10.0.0.2  accept-all (default)  accept-all (default)\n"), "\(text)")
    }

    @Test func everyKeyRoundTrips() throws {
        let body = """
            policies:
              p:
                terms:
                  - match:
                      prefix-list: [{ prefix: 2001:db8::/32, ge: 48, le: 64, action: deny }]
                      community: [no-export, "65001:7"]
                      large-community: ["1:2:3"]
                      ext-community: ["RT:65000:100"]
                      as-path: "^(65001|65002)_"
                      next-hop: [192.0.2.0/24]
                      family: [l2vpn-evpn]
                    set:
                      local-pref: 1
                      med: 2
                      weight: 3
                      next-hop: 2001:db8::1
                      community-add: [no-peer]
                      community-remove: ["1:1"]
                      large-community-add: ["1:2:3"]
                      large-community-remove: ["4:5:6"]
                      ext-community-add: ["RT:10.0.0.1:5"]
                      ext-community-remove: ["RT:4200000001:7"]
                      prepend: { asn: 65010, count: 3 }
                    action: next
                  - set: { next-hop: self }
                default: accept
            """
        let c = try ConfigLoader.load(PolicyConfigTests.header + body).get()
        let text = HumanFormat.policy(PolicyReply.build(c))
        let yaml = try #require(text.range(of: "\npolicies:\n")).lowerBound
        let again = try ConfigLoader.load(PolicyConfigTests.header + String(text[yaml...])).get()
        #expect(again.policies == c.policies, "\(text)")
    }

    /// RFC 8212 defaults are shown as such: reject-all for eBGP, accept-all for iBGP.
    @Test func defaultsAndFilter() throws {
        let c = try ConfigLoader.load(PolicyConfigTests.header + """
            policies: { a: {}, b: {} }
            neighbors:
              - { address: 192.0.2.1, remote-as: external, export: a }
              - { address: 192.0.2.2, remote-as: 65000 }
            """).get()
        let r = PolicyReply.build(c)
        #expect(r.defaultEBGP == "reject-all")
        #expect(r.neighbors[0].importPolicy == "reject-all" && r.neighbors[0].importDefaulted)
        #expect(r.neighbors[0].exportPolicy == "a" && !r.neighbors[0].exportDefaulted)
        #expect(r.neighbors[1].importPolicy == "accept-all" && r.neighbors[1].importDefaulted)
        let only = PolicyReply.build(c, only: "a")
        #expect(only.policies.map(\.name) == ["a"] && only.neighbors.map(\.neighbor) == ["192.0.2.1"])
    }
}
