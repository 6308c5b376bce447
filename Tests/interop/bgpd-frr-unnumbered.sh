#!/usr/bin/env bash
# bgpd <-> FRR 8.4 over an unnumbered link: no address on either end, FRR configured with
# `neighbor IF interface remote-as external`, bgpd with `interface:`. Checks that the session
# comes up, that IPv4 and IPv6 routes pass both ways (in FRR's JSON and in ours), and that FRR
# sees our link-local address as the next hop of our IPv4 routes (RFC 8950).
# With CAPTURE_OUT=DIR, the session is captured to DIR/bgpd-frr-unnumbered.pcap.
source "$(dirname "$0")/lib.bash"
require /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq "$BGPD"

A=dm-ua F=dm-uf
netns $A; netns $F
veth $A dm-ua0 02:00:00:00:d0:01 $F dm-uf0 02:00:00:00:d0:02
OUR_LL=fe80::ff:fe00:d001 FRR_LL=fe80::ff:fe00:d002

if [ -n "${CAPTURE_OUT:-}" ]; then
    mkdir -p "$CAPTURE_OUT"
    ip netns exec $A tcpdump -Z root -i dm-ua0 -s 0 -U -w "$WORK/capture.pcap" 'tcp port 179 or icmp6' >/dev/null 2>&1 &
    echo $! >"$WORK/tcpdump.pid"; PIDFILES+=("$WORK/tcpdump.pid")
    sleep 0.5
fi

frr_start $F "frr defaults datacenter
hostname $F
router bgp 65002
 bgp router-id 10.0.0.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
 neighbor dm-uf0 interface remote-as external
 neighbor dm-uf0 timers connect 1
 neighbor dm-uf0 advertisement-interval 0
 address-family ipv4 unicast
  network 10.2.0.0/24
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:2::/64
  neighbor dm-uf0 activate
 exit-address-family"

bgpd_start $A "asn: 65001
router-id: 10.0.0.1
ebgp-requires-policy: false
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
neighbors:
  - interface: dm-ua0
    remote-as: external
    description: frr
networks: [10.1.0.0/24, 2001:db8:1::/64]
$(bgpd_paths $A)"

wait_for 30 "FRR session Established" frr_jq $F "show bgp neighbors dm-uf0 json" '.["dm-uf0"].bgpState == "Established"'
wait_for 10 "bgpd session Established" bgpd_jq $A summary '.neighbors[0].state == "Established"'

# Routes in FRR: ours, IPv4 via our link-local address (RFC 8950), IPv6 too.
wait_for 15 "FRR has 10.1.0.0/24 from bgpd" frr_jq $F "show bgp ipv4 unicast 10.1.0.0/24 json" '.paths | length > 0'
check "FRR's next hop for 10.1.0.0/24 is our link-local address" \
    frr_jq $F "show bgp ipv4 unicast 10.1.0.0/24 json" "[.paths[0].nexthops[].ip] | index(\"$OUR_LL\") != null"
check "FRR's AS path for our route is 65001" frr_jq $F "show bgp ipv4 unicast 10.1.0.0/24 json" '.paths[0].aspath.string == "65001"'
wait_for 15 "FRR has 2001:db8:1::/64 from bgpd" frr_jq $F "show bgp ipv6 unicast 2001:db8:1::/64 json" '.paths | length > 0'

# Routes in bgpd: FRR's, with FRR's link-local address as next hop.
wait_for 15 "bgpd has 10.2.0.0/24 from FRR" bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.2.0.0/24")) | length == 1'
check "bgpd's next hop for 10.2.0.0/24 is FRR's link-local address" \
    bgpd_jq $A "routes ipv4" "map(select(.prefix == \"10.2.0.0/24\"))[0].paths[0].nextHops[0] | contains(\"$FRR_LL\")"
wait_for 15 "bgpd has 2001:db8:2::/64 from FRR" bgpd_jq $A "routes ipv6" 'map(select(.prefix == "2001:db8:2::/64")) | length == 1'
check "bgpd learnt FRR's link-local address" bgpd_jq $A neighbors ".[0].unnumbered.peerLinkLocal == \"$FRR_LL\""
check "extended next hop negotiated" bgpd_jq $A neighbors '.[0].capabilities | map(select(startswith("extended-next-hop"))) | length > 0'
check "summary counts accepted prefixes" bgpd_jq $A summary '.neighbors[0].prefixesAccepted >= 2'

# Installed in the kernel: IPv4 via FRR's link-local address (RTA_VIA / nexthop object).
kernel_has() { ip -n $A "$1" route show "$2" | grep -q "$3"; }
# Routes point at nexthop objects (`nhid N`); `ip route get` shows where they forward.
kernel_forwards() { ip -n $A "$1" route get "$2" | grep -q "$3"; }
wait_for 10 "kernel route 10.2.0.0/24 via inet6 FRR's link-local address" kernel_forwards -4 10.2.0.1 "via inet6 $FRR_LL dev dm-ua0"
wait_for 10 "kernel route 2001:db8:2::/64 via FRR's link-local address" kernel_forwards -6 2001:db8:2::1 "via $FRR_LL dev dm-ua0"
check "kernel routes are proto bgp" kernel_has -4 10.2.0.0/24 "proto bgp"
check "summary counts FIB routes" bgpd_jq $A summary '.fib["ipv4-unicast"] == 1 and .fib["ipv6-unicast"] == 1'

# A withdrawal on FRR's side reaches us.
vtysh $F "configure terminal
router bgp 65002
address-family ipv4 unicast
no network 10.2.0.0/24" >/dev/null
wait_for 15 "withdrawal of 10.2.0.0/24 reaches bgpd" bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.2.0.0/24")) | length == 0'
wait_for 5 "withdrawal removes the kernel route" sh -c "! ip -n $A -4 route show 10.2.0.0/24 | grep -q ."

# ps tells daemons apart (libbsd setproctitle): AS, router ID, neighbours, configuration file.
check "ps shows bgpd's AS, router ID and configuration" \
    sh -c "ps -o args= -p $(cat "$WORK/$A/swiftbgpd.pid") | grep -q '^bgpd: AS 65001 router-id 10.0.0.1, 1 neighbor, .*/bgpd.yaml'"

# Admin shutdown from bgpd's side: SIGTERM sends Cease/2 and FRR records it.
kill -TERM "$(cat "$WORK/$A/swiftbgpd.pid")"
wait_for 10 "FRR received Cease/Administrative Shutdown" \
    frr_jq $F "show bgp neighbors dm-uf0 json" '.["dm-uf0"] | (.lastNotificationReason // .lastResetDueTo // "") | test("Shutdown|Cease"; "i")' 
check "bgpd removed its pidfile" test ! -e "$WORK/$A/bgpd.pid"
wait_for 5 "bgpd withdrew its kernel routes at exit" sh -c "! ip -n $A route show proto bgp | grep -q . && ! ip -n $A -6 route show proto bgp | grep -q ."

if [ -n "${CAPTURE_OUT:-}" ]; then
    sleep 0.5; kill -INT "$(cat "$WORK/tcpdump.pid")"; sleep 0.5
    cp "$WORK/capture.pcap" "$CAPTURE_OUT/bgpd-frr-unnumbered.pcap"
    log "capture written to $CAPTURE_OUT/bgpd-frr-unnumbered.pcap"
fi
finish
