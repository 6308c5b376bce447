#!/usr/bin/env bash
# bgpd <-> GoBGP 3, numbered IPv4, 4-octet AS numbers on both sides and ADD-PATH (RFC 7911):
# GoBGP sends two paths for one prefix; bgpd keeps both. Our routes reach GoBGP.
source "$(dirname "$0")/lib.bash"
require gobgpd gobgp jq "$BGPD"

A=dm-ga G=dm-gg
netns $A; netns $G
veth $A dm-ga0 02:00:00:00:d2:01 $G dm-gg0 02:00:00:00:d2:02
ip -n $A addr add 10.0.5.1/24 dev dm-ga0
ip -n $G addr add 10.0.5.2/24 dev dm-gg0
PORT=50151

gobgp_start $G $PORT "[global.config]
  as = 4200000002
  router-id = \"10.0.5.2\"
[[neighbors]]
  [neighbors.config]
    neighbor-address = \"10.0.5.1\"
    peer-as = 4200000001
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 9
    keepalive-interval = 3
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = \"ipv4-unicast\"
    [neighbors.afi-safis.add-paths.config]
      receive = true
      send-max = 8"

bgpd_start $A "asn: 4200000001
router-id: 10.0.0.1
ebgp-requires-policy: false
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
neighbors:
  - address: 10.0.5.2
    remote-as: 4200000002
    families: [ipv4-unicast]
    add-path: both
networks: [10.1.0.0/24]
$(bgpd_paths $A)"

gobgp_established() { gobgp_ $G $PORT neighbor 10.0.5.1 | grep -qi "BGP state *= *established"; }
wait_for 30 "GoBGP session Established" gobgp_established
wait_for 10 "bgpd session Established" bgpd_jq $A summary '.neighbors[0].state == "Established"'
check "bgpd sees the peer's 4-octet AS" bgpd_jq $A summary '.neighbors[0].remoteAS == 4200000002'
check "4-octet AS negotiated" bgpd_jq $A neighbors '.[0].capabilities | index("4-octet-as") != null'
check "ADD-PATH negotiated" bgpd_jq $A neighbors '.[0].capabilities | map(select(startswith("add-path"))) | length > 0'

# Two paths for one prefix from GoBGP, told apart by path identifier.
gobgp_ $G $PORT global rib add -a ipv4 10.4.0.0/24 nexthop 10.0.5.2 identifier 1 med 10
gobgp_ $G $PORT global rib add -a ipv4 10.4.0.0/24 nexthop 10.0.5.2 identifier 2 med 20
wait_for 15 "bgpd has two paths for 10.4.0.0/24" \
    bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.4.0.0/24"))[0].paths | length == 2'
check "the two paths carry path identifiers 1 and 2" \
    bgpd_jq $A "routes ipv4" '[map(select(.prefix == "10.4.0.0/24"))[0].paths[].pathID] | sort == [1, 2]'
check "exactly one of them is best" \
    bgpd_jq $A "routes ipv4" '[map(select(.prefix == "10.4.0.0/24"))[0].paths[] | select(.best)] | length == 1'
check "the AS path carries the 4-octet AS" \
    bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.4.0.0/24"))[0].paths[0].asPath == "4200000002"'

# Withdraw one path: the other stays.
gobgp_ $G $PORT global rib del -a ipv4 10.4.0.0/24 identifier 2
wait_for 15 "one path left after withdrawing path-id 2" \
    bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.4.0.0/24"))[0].paths | length == 1'

# Our route in GoBGP, with our 4-octet AS in the path.
gobgp_has() { gobgp_ $G $PORT global rib -a ipv4 -j | jq -e '."10.1.0.0/24"[0].attrs[] | select(.type == 2) | .as_paths[0].asns == [4200000001]' >/dev/null; }
wait_for 15 "GoBGP has 10.1.0.0/24 with AS path 4200000001" gobgp_has

# A connection from an address that is no neighbour is closed at once, without an OPEN.
ip -n $G addr add 10.0.5.3/24 dev dm-gg0
stranger() {
    ip netns exec $G python3 -c "
import socket, sys
s = socket.socket(); s.settimeout(5); s.bind(('10.0.5.3', 0)); s.connect(('10.0.5.1', 179))
sys.exit(0 if s.recv(100) == b'' else 1)"
}
check "a connection from an unknown address is closed without an OPEN" stranger
check "bgpd logged the refusal" grep -q "refused connection from 10.0.5.3" "$WORK/$A/bgpd.log"
finish
