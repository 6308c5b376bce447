#!/usr/bin/env bash
# Routing on the host, end to end (issue 6, checks 1 and 2): bgpd on a host with two unnumbered
# uplinks to two FRR ToRs in different ASes, which peer with an FRR spine originating a few
# thousand routes (topology in fabric.bash).
#   1. both sessions Established with no IP address on any link;
#   2. the fabric's routes are in the host's kernel through one ECMP nexthop group holding both
#      ToRs' link-local addresses on the two uplinks, IPv4 (RFC 8950) and IPv6 alike; the spine's
#      loopback answers pings from the host's loopback; the ToRs learnt the host's loopbacks.
WORK_PREFIX=e2-
source "$(dirname "$0")/lib.bash"
FABRIC_PREFIX=e2-ecmp-
source "$(dirname "$0")/fabric.bash"
require /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq ping "$BGPD"
BGPD_LOG_LEVEL=${BGPD_LOG_LEVEL:-info}

start=$(now_ms)
fabric_up

# 1. Sessions, unnumbered.
wait_for 30 "both bgpd sessions Established" established_both
wait_for 10 "tor1 Established with the host" frr_established $TOR1 ${P}t1h
wait_for 10 "tor2 Established with the host" frr_established $TOR2 ${P}t2h
check "no IPv4 address on any link" sh -c "! ip -n $HOST -4 addr show dev $H1 | grep -q inet && ! ip -n $HOST -4 addr show dev $H2 | grep -q inet"
check "no global IPv6 address on the uplinks" sh -c "! ip -n $HOST -6 addr show dev $H1 scope global | grep -q inet6 && ! ip -n $HOST -6 addr show dev $H2 scope global | grep -q inet6"
wait_for 30 "bgpd learnt tor1's link-local address" bgpd_jq $HOST neighbors "map(select(.summary.neighbor == \"$H1\"))[0].unnumbered.peerLinkLocal == \"$TOR1_LL\""
wait_for 30 "bgpd learnt tor2's link-local address" bgpd_jq $HOST neighbors "map(select(.summary.neighbor == \"$H2\"))[0].unnumbered.peerLinkLocal == \"$TOR2_LL\""

# 2. Routes: Loc-RIB, then kernel through one group with both link-local next hops.
wait_for 60 "Loc-RIB holds the fabric's routes ($FABRIC_V4 IPv4, $FABRIC_V6 IPv6)" locrib_full
wait_for 30 "FIB holds the fabric's routes" fib_full
log "converged $(( $(now_ms) - start )) ms after the namespaces were created"
wait_for 10 "every IPv4 and IPv6 route uses both uplinks" kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6
log "kernel next-hop sets, IPv4: $(kernel_nexthop_sets -4) IPv6: $(kernel_nexthop_sets -6)"
groups=$(ip -n $HOST -j nexthop show | jq '[.[] | select(.group)] | length')
check "one nexthop group serves every route (found $groups)" test "$groups" = 1
check "the spine's loopback route is an ECMP route in the kernel" \
    sh -c "ip -n $HOST -j route show $SPINE_LO4/32 | jq -e '.[0].nhid' >/dev/null"
check "bgpd show routes lists two paths, both multipath, for the spine's loopback" \
    bgpd_jq $HOST "routes ipv4" "map(select(.prefix == \"$SPINE_LO4/32\"))[0].paths | length == 2"
check "show fib: the spine's loopback via two next hops on the two uplinks" \
    sh -c "bgpd_cli() { \"$BGPD\" \"\$@\" --socket $WORK/$HOST/bgpd.sock; }; bgpd_cli show fib --prefix $SPINE_LO4/32 --json | jq -e '.routes[0].nextHops | map(.interface) | sort == [\"$H1\", \"$H2\"]'"
check "tor1 learnt the host's loopback from bgpd" frr_jq $TOR1 "show bgp ipv4 unicast $HOST_LO4/32 json" '.paths | length > 0'
check "tor2 learnt the host's IPv6 loopback from bgpd" frr_jq $TOR2 "show bgp ipv6 unicast $HOST_LO6/128 json" '.paths | length > 0'
check "the host is not transit: tor1 receives only the host's two loopbacks" \
    frr_jq $TOR1 "show bgp neighbors ${P}t1h json" ".[\"${P}t1h\"].addressFamilyInfo.ipv4Unicast.acceptedPrefixCounter == 1 and .[\"${P}t1h\"].addressFamilyInfo.ipv6Unicast.acceptedPrefixCounter == 1"
check "the host is not transit: tor2 receives only the host's two loopbacks" \
    frr_jq $TOR2 "show bgp neighbors ${P}t2h json" ".[\"${P}t2h\"].addressFamilyInfo.ipv4Unicast.acceptedPrefixCounter == 1 and .[\"${P}t2h\"].addressFamilyInfo.ipv6Unicast.acceptedPrefixCounter == 1"
wait_for 10 "the spine learnt the host's loopback" frr_jq $SPINE "show bgp ipv4 unicast $HOST_LO4/32 json" '.paths | length > 0'

# The data plane: the host's loopback reaches the spine's, IPv4 over IPv6 next hops and IPv6.
wait_for 10 "ping spine loopback from host loopback (IPv4)" ip netns exec $HOST ping -n -c 1 -W 1 -I $HOST_LO4 $SPINE_LO4
wait_for 10 "ping spine loopback from host loopback (IPv6)" ip netns exec $HOST ping -n -c 1 -W 1 -I $HOST_LO6 $SPINE_LO6
log "took $(( $(now_ms) - start )) ms"
finish
