#!/usr/bin/env bash
# bgpd <-> BIRD 2 over IPv6 link-local addresses with extended next hop (RFC 8950): IPv4 and
# IPv6 routes both ways. bgpd names the peer by address + interface (a scoped link-local
# neighbour); BIRD by `neighbor LL % 'IF'`.
source "$(dirname "$0")/lib.bash"
require bird birdc jq "$BGPD"

A=dm-ba B=dm-bb
netns $A; netns $B
veth $A dm-ba0 02:00:00:00:d1:01 $B dm-bb0 02:00:00:00:d1:02
OUR_LL=fe80::ff:fe00:d101 BIRD_LL=fe80::ff:fe00:d102
# Wait for DAD on both link-local addresses before either daemon binds to them.
wait_for 10 "link-local addresses usable" sh -c "! ip -n $A -6 addr show dev dm-ba0 | grep -q tentative && ! ip -n $B -6 addr show dev dm-bb0 | grep -q tentative"

bird_start $B "router id 10.0.0.3;
protocol device { scan time 2; }
protocol static s4 { ipv4; route 10.3.0.0/24 blackhole; }
protocol static s6 { ipv6; route 2001:db8:3::/64 blackhole; }
protocol bgp bgpd {
  local as 65003;
  neighbor $OUR_LL % 'dm-bb0' as 65001;
  hold time 9; keepalive time 3; connect retry time 1;
  ipv4 { extended next hop on; import all; export where source = RTS_STATIC; };
  ipv6 { import all; export where source = RTS_STATIC; };
}"

bgpd_start $A "asn: 65001
router-id: 10.0.0.1
ebgp-requires-policy: false
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
neighbors:
  - address: $BIRD_LL
    interface: dm-ba0
    remote-as: 65003
    description: bird
networks: [10.1.0.0/24, 2001:db8:1::/64]
$(bgpd_paths $A)"

bird_established() { birdc_ $B show protocols bgpd | grep -q Established; }
wait_for 30 "BIRD session Established" bird_established
wait_for 10 "bgpd session Established" bgpd_jq $A summary '.neighbors[0].state == "Established"'
check "extended next hop negotiated" bgpd_jq $A neighbors '.[0].capabilities | map(select(startswith("extended-next-hop"))) | length > 0'

bird_has() { birdc_ $B show route for "$1" all | grep -qE "$2"; }
# BIRD shows a link-local address in the global slot as `:: LL` (it moves it), so match the LL.
wait_for 15 "BIRD has 10.1.0.0/24 via our link-local address" bird_has 10.1.0.0/24 "BGP.next_hop: .*$OUR_LL"
wait_for 15 "BIRD has 2001:db8:1::/64" bird_has 2001:db8:1::/64 "BGP.as_path: 65001"
check "BIRD's AS path for 10.1.0.0/24 is 65001" bird_has 10.1.0.0/24 "BGP.as_path: 65001"

wait_for 15 "bgpd has 10.3.0.0/24 from BIRD" bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.3.0.0/24")) | length == 1'
check "bgpd's next hop for 10.3.0.0/24 is BIRD's link-local address ([::, LL] accepted)" \
    bgpd_jq $A "routes ipv4" "map(select(.prefix == \"10.3.0.0/24\"))[0].paths[0].nextHops[0] | contains(\"$BIRD_LL\")"
wait_for 15 "bgpd has 2001:db8:3::/64 from BIRD" bgpd_jq $A "routes ipv6" 'map(select(.prefix == "2001:db8:3::/64")) | length == 1'

# Route refresh: BIRD asks again (enhanced refresh: BoRR ... EoRR) and keeps our routes.
birdc_ $B reload in bgpd >/dev/null
sleep 1
check "our routes survive BIRD's route refresh" bird_has 10.1.0.0/24 "BGP.as_path: 65001"
check "bgpd counted a ROUTE-REFRESH" bgpd_jq $A neighbors '.[0].messages.received["ROUTE-REFRESH"] >= 1'

# We ask BIRD for its routes again: it answers with BoRR, the routes, EoRR (RFC 7313), and its
# routes stay.
check "bgpd refresh is accepted" bgpd_cli $A refresh "$BIRD_LL%dm-ba0"
wait_for 10 "bgpd sent a ROUTE-REFRESH" bgpd_jq $A neighbors '.[0].messages.sent["ROUTE-REFRESH"] >= 1'
wait_for 10 "BIRD answered with BoRR and EoRR" bgpd_jq $A neighbors '.[0].messages.received["ROUTE-REFRESH"] >= 3'
check "BIRD's routes are still there after the refresh" bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.3.0.0/24" and (.paths[0].stale | not))) | length == 1'

# BIRD shuts the session down with a message; we decode it.
birdc_ $B disable bgpd '"dm maintenance"' >/dev/null
wait_for 10 "bgpd shows BIRD's shutdown communication" \
    bgpd_jq $A neighbors '.[0].lastError.text | test("dm maintenance")'
wait_for 10 "BIRD's routes withdrawn in bgpd" bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.3.0.0/24")) | length == 0'
finish
