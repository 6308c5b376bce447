#!/usr/bin/env bash
# bgpd <-> FRR 8.4 numbered over IPv4 with TCP-MD5 (RFC 2385) and GTSM (RFC 5082) on both sides.
# The session must come up with the right key, and must not with a wrong one.
source "$(dirname "$0")/lib.bash"
require /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq "$BGPD"

A=dm-ma F=dm-mf
netns $A; netns $F
veth $A dm-ma0 02:00:00:00:d5:01 $F dm-mf0 02:00:00:00:d5:02
ip -n $A addr add 10.0.7.1/24 dev dm-ma0
ip -n $F addr add 10.0.7.2/24 dev dm-mf0

frr_start $F "frr defaults datacenter
hostname $F
router bgp 65002
 bgp router-id 10.0.0.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
 neighbor 10.0.7.1 remote-as 65001
 neighbor 10.0.7.1 password s3cret
 neighbor 10.0.7.1 ttl-security hops 1
 neighbor 10.0.7.1 timers connect 1
 neighbor 10.0.7.1 advertisement-interval 0
 address-family ipv4 unicast
  network 10.2.0.0/24
 exit-address-family"

conf() {
    printf '%s\n' "asn: 65001
router-id: 10.0.0.1
ebgp-requires-policy: false
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
neighbors:
  - address: 10.0.7.2
    remote-as: 65002
    password: $1
    ttl-security: true
    families: [ipv4-unicast]
networks: [10.1.0.0/24]
$(bgpd_paths $A)"
}

# A wrong key: nothing may come up (the kernel drops the unsigned or badly signed segments).
bgpd_start $A "$(conf wrong-key)"
sleep 4
check "wrong key: no session" bgpd_jq $A summary '.neighbors[0].state != "Established"'
check "wrong key: FRR not Established" frr_jq $F "show bgp neighbors 10.0.7.1 json" '.["10.0.7.1"].bgpState != "Established"'

# The right key, by reload: the listening socket's key and our connections change.
conf s3cret >"$WORK/$A/bgpd.yaml"
kill -HUP "$(cat "$WORK/$A/swiftbgpd.pid")"
wait_for 30 "right key: FRR Established" frr_jq $F "show bgp neighbors 10.0.7.1 json" '.["10.0.7.1"].bgpState == "Established"'
wait_for 10 "right key: bgpd Established" bgpd_jq $A summary '.neighbors[0].state == "Established"'
check "options show tcp-md5 and ttl-security" bgpd_jq $A neighbors '.[0].options | (index("tcp-md5") != null and index("ttl-security") != null)'
wait_for 15 "routes both ways" bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.2.0.0/24")) | length == 1'
wait_for 15 "FRR has 10.1.0.0/24" frr_jq $F "show bgp ipv4 unicast 10.1.0.0/24 json" '.paths | length > 0'
# GTSM: our segments leave with TTL 255 (FRR's ttl-security hops 1 drops anything below 254),
# and they are signed (tcpdump shows the MD5 option).
ip netns exec $F timeout 8 tcpdump -Z root -i dm-mf0 -c 2 -v -n 'src 10.0.7.1 and tcp port 179 and tcp[tcpflags] & tcp-push != 0' \
    >"$WORK/ttl.txt" 2>/dev/null || true
check "our BGP segments carry TTL 255" grep -q "ttl 255" "$WORK/ttl.txt"
check "our BGP segments carry the TCP-MD5 option" grep -q "md5" "$WORK/ttl.txt"
# TCP-MD5 on an unnumbered session: the key goes on our listening socket once FRR's link-local
# address is learnt, and on our connections to it.
A2=dm-mb F2=dm-mg
netns $A2; netns $F2
veth $A2 dm-mb0 02:00:00:00:d5:11 $F2 dm-mg0 02:00:00:00:d5:12
frr_start $F2 "frr defaults datacenter
hostname $F2
router bgp 65002
 bgp router-id 10.0.0.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
 neighbor dm-mg0 interface remote-as external
 neighbor dm-mg0 password s3cret
 neighbor dm-mg0 timers connect 1
 address-family ipv4 unicast
  network 10.2.0.0/24
 exit-address-family"
bgpd_start $A2 "asn: 65001
router-id: 10.0.0.1
ebgp-requires-policy: false
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
neighbors:
  - interface: dm-mb0
    remote-as: external
    password: s3cret
$(bgpd_paths $A2)"
wait_for 30 "unnumbered with TCP-MD5: bgpd Established" bgpd_jq $A2 summary '.neighbors[0].state == "Established"'
wait_for 15 "unnumbered with TCP-MD5: routes from FRR" bgpd_jq $A2 "routes ipv4" 'map(select(.prefix == "10.2.0.0/24")) | length == 1'
finish
