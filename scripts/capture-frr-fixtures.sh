#!/usr/bin/env bash
# Regenerates the FRR fixture captures in Tests/Fixtures/frr-script/ from real FRR 8.4 daemons in
# network namespaces (run as root on Debian 12 with frr, tcpdump, tshark and iproute2 installed).
#
#   scripts/capture-frr-fixtures.sh [OUTDIR]
#
# Scenarios (each pcap gets a NAME.txt with what happened and tshark's listing):
#   unnumbered   r2 (AS65002) - r1 (AS65001) - r3 (AS65003), eBGP over IPv6 link-local only
#                (`neighbor IF interface remote-as external`), IPv4 via RFC 8950 + IPv6, ECMP on r1
#                for prefixes both r2 and r3 announce. Captured on r1 towards r2 and towards r3.
#   evpn         v1 (AS65101) - v2 (AS65102), unnumbered underlay carrying IPv4 unicast (VTEP
#                loopbacks) and L2VPN EVPN for VNI 100 over VXLAN: type-3 with PMSI, type-2 MAC and
#                MAC+IP from hosts h1/h2 behind each VTEP, withdraws, VNI down/up.
#
# Environment: LAB_PREFIX (namespace prefix, default "cp-"), LAB_KEEP=1 keeps the run directory
# (logs, configs) for debugging. Everything started here is stopped and every namespace created
# here is deleted on exit, also on error and on Ctrl-C.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$(realpath -m "${1:-$root/Tests/Fixtures/frr-script}")
LAB_PREFIX=${LAB_PREFIX:-cp-}

[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, tcpdump)" >&2; exit 1; }
for tool in /usr/lib/frr/zebra /usr/lib/frr/bgpd /usr/lib/frr/staticd vtysh tcpdump tshark ip ping; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (bash scripts/setup.sh installs it)" >&2; exit 1; }
done
for n in r1 r2 r3 v1 v2 h1 h2; do
    if ip netns list | grep -qw "^${LAB_PREFIX}$n"; then
        echo "namespace ${LAB_PREFIX}$n already exists (a previous run still going, or killed with -9?)." >&2
        echo "Remove it with: ip netns del ${LAB_PREFIX}$n" >&2
        exit 1
    fi
done

# The run directory's parents must be traversable by user frr.
LAB_DIR=$(mktemp -d /tmp/capture-frr.XXXXXX)
chmod 755 "$LAB_DIR"
# shellcheck source=lab/frr-lab.sh
source "$here/lab/frr-lab.sh"
trap 'lab_cleanup' EXIT
trap 'lab_log "interrupted"; exit 130' INT TERM

mkdir -p "$out"
work="$LAB_DIR/out"
mkdir -p "$work"

# Common bgpd settings: accept and send without policy (eBGP), advertise `network` prefixes that
# are not in the RIB, and fast timers so the scenario takes seconds.
bgp_common() {
    cat <<EOF
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
EOF
}
neighbor() {
    cat <<EOF
 neighbor $1 interface remote-as external
 neighbor $1 timers connect 1
 neighbor $1 advertisement-interval 0
EOF
}

# ---------------------------------------------------------------------------------------------
# Scenario 1: unnumbered IPv4 + IPv6 with ECMP
# ---------------------------------------------------------------------------------------------
unnumbered() {
    lab_log "unnumbered: building r1, r2, r3"
    lab_ns r1; lab_ns r2; lab_ns r3
    lab_link r1 eth-r2 02:00:00:00:12:01 r2 eth-r1 02:00:00:00:12:02
    lab_link r1 eth-r3 02:00:00:00:13:01 r3 eth-r1 02:00:00:00:13:03
    local n
    for n in 1 2 3; do
        ip -n "${LAB_PREFIX}r$n" addr add "10.0.0.$n/32" dev lo
        ip -n "${LAB_PREFIX}r$n" addr add "2001:db8::$n/128" dev lo
    done

    lab_capture r1 eth-r2 "$work/frr-unnumbered-r1-r2.pcap"
    lab_capture r1 eth-r3 "$work/frr-unnumbered-r1-r3-ecmp.pcap"

    # Node n announces its loopbacks (redistribute connected, filtered), a `network` prefix and a
    # static blackhole per family; r2 and r3 also both announce the anycast 10.99.0.0/24 and
    # 2001:db8:99::/64, which r1 installs with two next hops.
    node_conf() {
        local n=$1; shift
        cat <<EOF
hostname r$n
ip prefix-list LO4 seq 5 permit 10.0.0.0/24 ge 32
ipv6 prefix-list LO6 seq 5 permit 2001:db8::/64 ge 128
route-map CONN permit 10
 match ip address prefix-list LO4
route-map CONN permit 20
 match ipv6 address prefix-list LO6
ip route 10.$n.50.0/24 blackhole
ipv6 route 2001:db8:$n:50::/64 blackhole
router bgp 6500$n
 bgp router-id 10.0.0.$n
$(bgp_common)
 bgp bestpath as-path multipath-relax
$(for ifc in "$@"; do neighbor "$ifc"; done)
 address-family ipv4 unicast
  network 10.$n.0.0/24
$([ "$n" != 1 ] && echo "  network 10.99.0.0/24")
  redistribute connected route-map CONN
  redistribute static
  maximum-paths 8
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:$n::/64
$([ "$n" != 1 ] && echo "  network 2001:db8:99::/64")
  redistribute connected route-map CONN
  redistribute static
  maximum-paths 8
$(for ifc in "$@"; do echo "  neighbor $ifc activate"; done)
 exit-address-family
EOF
    }
    lab_frr r1 "$(node_conf 1 eth-r2 eth-r3)"
    lab_frr r2 "$(node_conf 2 eth-r1)"
    lab_frr r3 "$(node_conf 3 eth-r1)"

    lab_wait 60 "r1-r2 Established" lab_established r1 eth-r2
    lab_wait 60 "r1-r3 Established" lab_established r1 eth-r3
    lab_log "unnumbered: sessions up, waiting for ECMP on r1"
    ecmp() { ip -n "${LAB_PREFIX}r1" route show 10.99.0.0/24 | grep -c "nexthop via" | grep -q 2; }
    lab_wait 30 "ECMP 10.99.0.0/24 on r1" ecmp
    ecmp6() { ip -n "${LAB_PREFIX}r1" -6 route show 2001:db8:99::/64 | grep -c "nexthop via" | grep -q 2; }
    lab_wait 30 "ECMP 2001:db8:99::/64 on r1" ecmp6
    { echo "r1's kernel routes once ECMP is in place (ip route; ip -6 route)"
      ip -n "${LAB_PREFIX}r1" route show proto bgp
      ip -n "${LAB_PREFIX}r1" -6 route show proto bgp; } > "$work/r1-routes.txt"

    lab_log "unnumbered: r2 announces, withdraws and re-announces 10.2.1.0/24 and 2001:db8:2:1::/64"
    lab_vtysh r2 "configure terminal" "router bgp 65002" "address-family ipv4 unicast" "network 10.2.1.0/24" \
        "exit-address-family" "address-family ipv6 unicast" "network 2001:db8:2:1::/64"
    sleep 2
    lab_vtysh r2 "configure terminal" "router bgp 65002" "address-family ipv4 unicast" "no network 10.2.1.0/24" \
        "exit-address-family" "address-family ipv6 unicast" "no network 2001:db8:2:1::/64"
    sleep 2
    lab_vtysh r2 "configure terminal" \
        "route-map TAG permit 10" "set metric 50" "set community 65002:100 65002:200" "set large-community 65002:1:1" "exit" \
        "router bgp 65002" "address-family ipv4 unicast" "network 10.2.1.0/24 route-map TAG" \
        "exit-address-family" "address-family ipv6 unicast" "network 2001:db8:2:1::/64 route-map TAG"
    sleep 2
    lab_log "unnumbered: r2 removes its static 10.2.50.0/24"
    lab_vtysh r2 "configure terminal" "no ip route 10.2.50.0/24 blackhole"
    sleep 2
    lab_log "unnumbered: r2 prepends and tags everything it sends (outbound route-map, soft out)"
    lab_vtysh r2 "configure terminal" \
        "route-map OUT permit 10" "set as-path prepend 65002 65002" "set community 65002:999 additive" "exit" \
        "router bgp 65002" "address-family ipv4 unicast" "neighbor eth-r1 route-map OUT out" \
        "exit-address-family" "address-family ipv6 unicast" "neighbor eth-r1 route-map OUT out"
    lab_vtysh r2 "clear bgp ipv4 unicast eth-r1 soft out" "clear bgp ipv6 unicast eth-r1 soft out"
    sleep 2
    lab_log "unnumbered: r1 asks r2 for a route refresh (soft in)"
    lab_vtysh r1 "clear bgp ipv4 unicast eth-r2 soft in" "clear bgp ipv6 unicast eth-r2 soft in"
    sleep 2
    lab_log "unnumbered: r3 shuts its session down (ECMP path goes away)"
    lab_vtysh r3 "configure terminal" "router bgp 65003" "neighbor eth-r1 shutdown message lab-ecmp-path-down"
    single() { ip -n "${LAB_PREFIX}r1" route show 10.99.0.0/24 | grep -q "via inet6 fe80::ff:fe00:1202"; }
    lab_wait 20 "10.99.0.0/24 back to one path on r1" single
    sleep 2
    lab_log "unnumbered: r2 shuts its session down"
    lab_vtysh r2 "configure terminal" "router bgp 65002" "neighbor eth-r1 shutdown message lab-teardown"
    sleep 1
    lab_stop_captures
    lab_cleanup_nodes r1 r2 r3
}

# Stop the daemons of some nodes and delete their namespaces, so the next scenario starts clean.
lab_cleanup_nodes() {
    local node d pid
    for node in "$@"; do
        for d in bgpd staticd zebra; do
            pid=$(cat "$LAB_DIR/$node/$d.pid" 2>/dev/null) || continue
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
            rm -f "$LAB_DIR/$node/$d.pid"
        done
        ip netns del "${LAB_PREFIX}$node"
        local kept=()
        for ns in "${LAB_NAMESPACES[@]}"; do [ "$ns" = "${LAB_PREFIX}$node" ] || kept+=("$ns"); done
        LAB_NAMESPACES=("${kept[@]}")
    done
}

# ---------------------------------------------------------------------------------------------
# Scenario 2: EVPN type-2/3 over VXLAN, no kernel VRF
# ---------------------------------------------------------------------------------------------
evpn() {
    lab_log "evpn: building v1, v2, h1, h2"
    lab_ns v1; lab_ns v2; lab_ns h1; lab_ns h2
    lab_link v1 eth-v2 02:00:00:00:21:01 v2 eth-v1 02:00:00:00:21:02
    lab_link v1 eth-h1 02:00:00:00:a1:01 h1 eth0 02:00:00:00:aa:01
    lab_link v2 eth-h2 02:00:00:00:a2:02 h2 eth0 02:00:00:00:aa:02
    local n ns
    for n in 1 2; do
        ns="${LAB_PREFIX}v$n"
        ip -n "$ns" addr add "10.0.0.$n/32" dev lo
        ip -n "$ns" link add br100 address "02:00:00:00:b0:0$n" type bridge
        ip -n "$ns" link add vxlan100 type vxlan id 100 local "10.0.0.$n" dstport 4789 nolearning
        ip -n "$ns" link set vxlan100 master br100 addrgenmode none
        ip -n "$ns" link set "eth-h$n" master br100
        ip -n "$ns" addr add "10.100.0.$n/24" dev br100
        ip -n "$ns" link set br100 up
        ip -n "$ns" link set vxlan100 up
        ip -n "$ns" link set dev vxlan100 type bridge_slave learning off neigh_suppress off
        ip -n "${LAB_PREFIX}h$n" addr add "10.100.0.1$n/24" dev eth0
    done

    lab_capture v1 eth-v2 "$work/frr-evpn-vxlan.pcap"

    vtep_conf() {
        local n=$1 peer=$2
        cat <<EOF
hostname v$n
router bgp 6510$n
 bgp router-id 10.0.0.$n
$(bgp_common)
$(neighbor "$peer")
 address-family ipv4 unicast
  network 10.0.0.$n/32
 exit-address-family
 address-family l2vpn evpn
  neighbor $peer activate
  advertise-all-vni
  advertise-svi-ip
  vni 100
   rd 10.0.0.$n:100
   route-target import 65100:100
   route-target export 65100:100
  exit-vni
 exit-address-family
EOF
    }
    lab_frr v1 "$(vtep_conf 1 eth-v2)"
    lab_frr v2 "$(vtep_conf 2 eth-v1)"
    lab_wait 60 "v1-v2 Established" lab_established v1 eth-v2
    # Type-3 from v2 is in v1's table once the remote VTEP shows up in zebra's flood list.
    imet() { lab_vtysh v1 "show evpn vni 100" | grep -q "10.0.0.2"; }
    lab_wait 30 "remote VTEP 10.0.0.2 for VNI 100 on v1" imet
    lab_log "evpn: hosts talk to their SVI and to each other (MAC and MAC+IP learning)"
    ip netns exec "${LAB_PREFIX}h1" ping -c 2 -i 0.3 -W 1 10.100.0.1 >/dev/null || true
    ip netns exec "${LAB_PREFIX}h2" ping -c 2 -i 0.3 -W 1 10.100.0.2 >/dev/null || true
    remote_mac() { lab_vtysh v1 "show evpn mac vni 100" | grep -q "02:00:00:00:aa:02"; }
    lab_wait 20 "h2's MAC learnt on v1 through EVPN" remote_mac
    ip netns exec "${LAB_PREFIX}h1" ping -c 3 -i 0.3 -W 1 10.100.0.12 > "$work/evpn-ping.txt" 2>&1 || true
    sleep 2
    lab_log "evpn: a second IP on h1 (another MAC+IP route for the same MAC)"
    ip -n "${LAB_PREFIX}h1" addr add 10.100.0.21/24 dev eth0
    ip netns exec "${LAB_PREFIX}h1" ping -c 2 -i 0.3 -W 1 -I 10.100.0.21 10.100.0.1 >/dev/null || true
    sleep 2
    lab_log "evpn: h1's port goes down on v1 (MAC and MAC+IP withdrawn), then up again"
    ip -n "${LAB_PREFIX}v1" link set eth-h1 down
    sleep 3
    ip -n "${LAB_PREFIX}v1" link set eth-h1 up
    sleep 1
    ip netns exec "${LAB_PREFIX}h1" ping -c 2 -i 0.3 -W 1 10.100.0.1 >/dev/null || true
    sleep 2
    lab_log "evpn: VNI down and up on v2 (type-3 withdrawn and announced again)"
    ip -n "${LAB_PREFIX}v2" link set vxlan100 down
    sleep 3
    ip -n "${LAB_PREFIX}v2" link set vxlan100 up
    sleep 3
    { echo "v1: show bgp l2vpn evpn (before the shutdown), then the ping h1 -> h2 through VXLAN"
      lab_vtysh v1 "show bgp l2vpn evpn" | sed -n '/^Route Distinguisher/,$p'
      echo
      cat "$work/evpn-ping.txt"; } > "$work/v1-evpn-table.txt" || true
    lab_log "evpn: v1 shuts the session down"
    lab_vtysh v1 "configure terminal" "router bgp 65101" "neighbor eth-v2 shutdown message evpn-lab-done"
    sleep 1
    lab_stop_captures
    lab_cleanup_nodes v1 v2 h1 h2
}

# ---------------------------------------------------------------------------------------------
# Notes beside each capture: what happened, and tshark's view of it.
# ---------------------------------------------------------------------------------------------
describe() {
    local pcap=$1 text=$2 extra=${3:-} base
    base=$(basename "$pcap" .pcap)
    {
        printf '%s\n' "$text"
        echo
        echo "Generated by scripts/capture-frr-fixtures.sh on $(date -u +%Y-%m-%d) with $(/usr/lib/frr/bgpd -v | head -1)."
        echo
        echo "---- BGP messages by type (tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}')) ----"
        tshark -r "$pcap" -Y bgp -T fields -e bgp.type 2>/dev/null | tr ',' '\n' | sort | uniq -c |
            awk '{n[$2]=$1} END {split("1 OPEN 2 UPDATE 3 NOTIFICATION 4 KEEPALIVE 5 ROUTE-REFRESH", a, " ");
                 for (i = 1; i < 10; i += 2) if (n[a[i]]) printf "  %s=%d\n", a[i+1], n[a[i]]}'
        echo
        if [ -n "$extra" ] && [ -s "$extra" ]; then
            echo "---- $(head -1 "$extra") ----"
            tail -n +2 "$extra"
            echo
        fi
        echo "---- tshark -r $base.pcap -Y bgp ----"
        tshark -r "$pcap" -Y bgp 2>/dev/null
    } > "$out/$base.txt"
}

unnumbered
evpn

cp "$work/frr-unnumbered-r1-r2.pcap" "$work/frr-unnumbered-r1-r3-ecmp.pcap" "$work/frr-evpn-vxlan.pcap" "$out/"
describe "$out/frr-unnumbered-r1-r2.pcap" "FRR 8.4 r1 (AS65001, 10.0.0.1) <-> r2 (AS65002, 10.0.0.2), eBGP unnumbered over IPv6 link-local
(r1 eth-r2 fe80::ff:fe00:1201 <-> r2 eth-r1 fe80::ff:fe00:1202), captured on r1 eth-r2, tcp port 179.
IPv4 unicast in MP_REACH with a 32-byte link-local next hop (RFC 8950) + IPv6 unicast.
Sequence: OPENs (often a connection collision), initial tables and End-of-RIB, r2 announces 10.2.1.0/24 and
2001:db8:2:1::/64, withdraws them, announces them again with MED 50, communities 65002:100 65002:200 and
large community 65002:1:1; r2 removes static 10.2.50.0/24; r2 applies an outbound route-map (prepend
65002 65002, community 65002:999) and resends everything; r1 sends ROUTE-REFRESH (enhanced: r2 answers
with BoRR ... EoRR); r1 relays r3's withdrawals when r3 shuts down; r2 ends with
'neighbor shutdown message lab-teardown' (NOTIFICATION Cease/Hard Reset wrapping Admin Shutdown)."
describe "$out/frr-unnumbered-r1-r3-ecmp.pcap" "FRR 8.4 r1 (AS65001) <-> r3 (AS65003), eBGP unnumbered over IPv6 link-local
(r1 eth-r3 fe80::ff:fe00:1301 <-> r3 eth-r1 fe80::ff:fe00:1303), captured on r1 eth-r3, tcp port 179.
r3 announces 10.99.0.0/24 and 2001:db8:99::/64, which r2 announces too: r1 installs both as ECMP
(bestpath as-path multipath-relax, maximum-paths 8). r1 relays r2's changes to r3. Ends with r3
'neighbor eth-r1 shutdown message lab-ecmp-path-down' (NOTIFICATION Cease/Hard Reset)." "$work/r1-routes.txt"
describe "$out/frr-evpn-vxlan.pcap" "FRR 8.4 v1 (AS65101, VTEP 10.0.0.1) <-> v2 (AS65102, VTEP 10.0.0.2), one eBGP unnumbered session
(fe80::ff:fe00:2101 <-> fe80::ff:fe00:2102), captured on v1 eth-v2, tcp port 179.
IPv4 unicast (VTEP loopbacks, RFC 8950 next hop) + L2VPN EVPN, L2VNI 100 (vxlan100 in br100, no VRF),
RD 10.0.0.X:100, RT 65100:100, advertise-all-vni + advertise-svi-ip.
Contains: type-3 with PMSI tunnel (ingress replication, label = VNI 100); type-2 MAC-only and MAC+IP for
hosts h1 02:00:00:00:aa:01 (10.100.0.11, then also 10.100.0.21) and h2 02:00:00:00:aa:02 (10.100.0.12)
and for the SVIs 02:00:00:00:b0:0X (IPv4 and IPv6 link-local); encapsulation (VXLAN) and route-target
ext-communities; withdraw of h1's routes when its port goes down, re-learning; type-3 withdraw and
re-announce when v2's VNI goes down and up; NOTIFICATION Cease/Hard Reset at the end." "$work/v1-evpn-table.txt"
lab_log "done: $(ls "$out"/*.pcap | wc -l) captures in $out"
