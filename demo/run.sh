#!/usr/bin/env bash
# swiftbgp demo: routing on the host, on one machine, in network namespaces (no real network).
#
#                       spine (FRR 8.4, AS 65000)
#           lo 10.255.0.1/32, 2001:db8:ff::1/128, originates a few thousand routes
#                  /                                  \
#       tor1 (FRR, AS 65011)                    tor2 (FRR, AS 65012)
#                  \       unnumbered links, no IP addresses   /
#                       host (bgpd, AS 65101)
#                 lo 10.255.1.1/32, 2001:db8:ff:1::1/128
#
# bgpd on the host peers with both ToRs over IPv6 link-local addresses it learns from their
# router advertisements (FRR: `neighbor IF interface remote-as external`), announces its
# loopbacks, and installs the fabric's routes in the host's kernel through one ECMP nexthop
# group over both uplinks. The demo prints what bgpd and the kernel hold, pings the spine's
# loopback from the host's, and removes everything it created when it ends or is interrupted.
#
# Usage (as root, after `bash scripts/setup.sh`): bash demo/run.sh
#   SPINE_V4=N SPINE_V6=N  how many IPv4 /24s and IPv6 /64s the spine originates (4000, 1000)
#   KEEP=1                 stop before cleaning up, so you can look around (Enter to finish)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

if [ "$(id -u)" != 0 ]; then echo "demo/run.sh needs root (it creates network namespaces)" >&2; exit 1; fi
for c in /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq ping ip swift; do
    if ! command -v "$c" >/dev/null 2>&1 && [ ! -x "$c" ]; then
        echo "demo/run.sh: $c is missing; run 'bash scripts/setup.sh' first" >&2; exit 1
    fi
done

# Build bgpd in release mode unless a build newer than every source file is there (BGPD=PATH
# runs another build instead: the test suite runs the demo on its debug build).
if [ -n "${BGPD:-}" ]; then
    [ -x "$BGPD" ] || { echo "demo/run.sh: BGPD=$BGPD is not an executable" >&2; exit 1; }
else
    BGPD=$PWD/.build/release/bgpd
fi
if [ "$BGPD" = "$PWD/.build/release/bgpd" ] && { [ ! -x "$BGPD" ] || [ -n "$(find Sources Package.swift -newer "$BGPD" -print -quit)" ]; }; then
    echo "== building bgpd (release; the first build takes a few minutes)"
    swift build -c release --product bgpd
fi

T_NAME=demo
WORK_PREFIX=demo-
source Tests/interop/lib.bash
FABRIC_PREFIX=demo-
source Tests/interop/fabric.bash
BGPD_LOG_LEVEL=info

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# run_in_host CMD...: show the command as typed on the host, then its output.
run_in_host() { printf '\033[2mhost# %s\033[0m\n' "$*"; ip netns exec $HOST "$@"; }
show() { printf '\033[2mhost# bgpd %s\033[0m\n' "$*"; "$BGPD" "$@" --socket "$WORK/$HOST/bgpd.sock"; }
# first N CMD...: the first N lines of a long listing, and how many there were.
first() {
    local n=$1; shift
    "$@" >"$WORK/listing.txt"
    head -n "$n" "$WORK/listing.txt"
    local total; total=$(wc -l <"$WORK/listing.txt")
    [ "$total" -le "$n" ] || printf '\033[2m... (%d more lines)\033[0m\n' $((total - n))
}

section "Building the fabric: host (bgpd), tor1 and tor2 (FRR), spine (FRR, $SPINE_V4 IPv4 + $SPINE_V6 IPv6 routes)"
start=$(now_ms)
fabric_up
wait_for 60 "both sessions Established" established_both
wait_for 90 "all $FABRIC_V4 IPv4 and $FABRIC_V6 IPv6 fabric routes in the host's kernel" fib_full
wait_for 15 "every route through both uplinks (ECMP)" kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6
if [ "$FAILURES" -ne 0 ]; then log "the fabric did not come up; logs follow"; exit 1; fi
echo "converged $(( ($(now_ms) - start) / 1000 )) s after the namespaces were created"

section "bgpd show summary"
show show summary
section "bgpd show neighbors"
show show neighbors
section "bgpd show routes (the spine's loopback: two paths, one per ToR, both used)"
show show routes --prefix $SPINE_LO4/32
echo
first 12 show show routes ipv4
section "bgpd show fib (what bgpd installed: routes, nexthop objects and the ECMP group)"
first 8 show show fib
echo
show show fib --prefix $SPINE_LO4/32
section "ip route / ip nexthop in the host (the kernel's view)"
first 8 run_in_host ip route show
echo
first 8 run_in_host ip -6 route show
echo
run_in_host ip nexthop show
section "ping the spine's loopback from the host's loopback (IPv4 via IPv6 next hops, and IPv6)"
run_in_host ping -n -c 3 -i 0.2 -I $HOST_LO4 $SPINE_LO4
run_in_host ping -n -c 3 -i 0.2 -I $HOST_LO6 $SPINE_LO6

if [ -n "${KEEP:-}" ]; then
    section "KEEP is set: look around (ip netns exec $HOST ..., $BGPD show ... --socket $WORK/$HOST/bgpd.sock)"
    read -r -p "Press Enter to clean up. " _
fi
section "cleaning up (namespaces, FRR, bgpd)"
finish
