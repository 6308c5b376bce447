import Testing
import NetAddress

@Suite struct AddressTests {
    @Test func ipv6Canonical() {
        #expect(IPv6Address("2001:db8:0:0:1:0:0:1")!.description == "2001:db8::1:0:0:1")
        #expect(IPv6Address("fe80::ff:fe00:1202")!.description == "fe80::ff:fe00:1202")
        #expect(IPv6Address("::")!.description == "::")
        #expect(IPv6Address("::1")!.description == "::1")
        #expect(IPv6Address("2001:db8::")!.description == "2001:db8::")
        #expect(IPv6Address("2001:0:0:1:0:0:0:1")!.description == "2001:0:0:1::1")
        #expect(IPv6Address("2001:db8:0:1:1:1:1:1")!.description == "2001:db8:0:1:1:1:1:1")
        #expect(IPv6Address("::ffff:10.0.0.1")!.description == "::ffff:10.0.0.1")
        #expect(IPv6Address("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPv6Address("1::2::3") == nil)
        #expect(IPv6Address("12345::") == nil)
        #expect(IPv6Address("fe80::1")!.isLinkLocal)
        #expect(!IPv6Address("fec0::1")!.isLinkLocal)
    }

    @Test func ipv4() {
        #expect(IPv4Address("10.0.0.1")!.value == 0x0A00_0001)
        #expect(IPv4Address("256.0.0.1") == nil)
        #expect(IPv4Address("1.2.3") == nil)
        #expect(IPv4Address("01.2.3.4") == nil)
        #expect(IPv4Address("1.2.3.4.") == nil)
        #expect(IPv4Address(192, 0, 2, 1).description == "192.0.2.1")
    }

    @Test func prefixes() {
        #expect(IPv4Prefix("10.0.0.0/24")!.description == "10.0.0.0/24")
        #expect(IPv4Prefix("10.0.0.1/24") == nil)
        #expect(IPv4Prefix("10.0.0.0/33") == nil)
        #expect(IPv6Prefix("2001:db8::/32")!.description == "2001:db8::/32")
        #expect(IPv6Prefix("2001:db8::1/64") == nil)
        #expect(IPv6Prefix(masking: IPv6Address("2001:db8::1")!, length: 64)!.description == "2001:db8::/64")
        #expect(IPv4Prefix("0.0.0.0/0")!.contains(IPv4Address("1.2.3.4")!))
        #expect(IPv6Prefix("::/0")!.contains(IPv6Address("1::")!))
        #expect(IPv4Prefix(key: IPv4Prefix("10.1.0.0/16")!.key) == IPv4Prefix("10.1.0.0/16")!)
    }

    @Test func mac() {
        let m = MACAddress("02:00:00:00:AA:01")!
        #expect(m.description == "02:00:00:00:aa:01")
        #expect(m.eui64LinkLocal.description == "fe80::ff:fe00:aa01")
        #expect(MACAddress("02:00:00:00:aa") == nil)
    }
}
