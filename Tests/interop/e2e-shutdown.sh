#!/usr/bin/env bash
# Routing on the host, end to end (issue 6, check 5): bgpd stopped with SIGTERM.
#   A. default configuration: every session is closed with a Cease NOTIFICATION (Administrative
#      Shutdown inside a Hard Reset, since FRR and bgpd both set the RFC 8538 N bit), so the ToRs
#      drop the host's routes at once; bgpd withdraws every route and nexthop object it
#      installed in the kernel.
#   B. `fib: {keep-on-exit: true}`: a planned restart. The sessions get Cease/Administrative
#      Reset, not wrapped in a Hard Reset, so the ToRs keep the host's routes (graceful
#      restart); the kernel routes stay; the host's loopback still reaches the spine's while
#      bgpd is stopped; the next bgpd adopts the routes.
WORK_PREFIX=e2-
source "$(dirname "$0")/lib.bash"
FABRIC_PREFIX=e2-sd-
source "$(dirname "$0")/fabric.bash"
require /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq ping "$BGPD"
BGPD_LOG_LEVEL=${BGPD_LOG_LEVEL:-info}

up_and_full() {
    wait_for 30 "$1: both bgpd sessions Established" established_both
    wait_for 60 "$1: FIB holds the fabric's routes" fib_full
    wait_for 15 "$1: every route uses both uplinks" kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6
}
frr_got() { grep -q "$2" "$WORK/$1/bgpd.log"; }
notifications_received() {
    vtysh "$1" "show bgp neighbors $2 json" | jq ".[\"$2\"].messageStats.notificationsRecv // 0"
}
no_bgp_routes() { ! ip -n $HOST -4 route show proto bgp | grep -q . && ! ip -n $HOST -6 route show proto bgp | grep -q .; }
no_bgp_nexthops() { ! ip -n $HOST nexthop show proto bgp | grep -q .; }

# A. Plain SIGTERM.
fabric_up
up_and_full "start"
n1=$(notifications_received $TOR1 ${P}t1h) n2=$(notifications_received $TOR2 ${P}t2h)
pid=$(bgpd_pid)
kill -TERM "$pid"
wait_for 10 "A: bgpd exited" sh -c "! kill -0 $pid 2>/dev/null"
check "A: bgpd logged a clean stop" grep -q "stopped" "$WORK/$HOST/bgpd.log"
wait_for 5 "A: tor1 received Cease/Administrative Shutdown inside a Hard Reset" \
    frr_got $TOR1 "NOTIFICATION(Hard Reset): received from neighbor ${P}t1h 6/2 (Cease/Administrative Shutdown) \"bgpd shutting down\""
wait_for 5 "A: tor2 received Cease/Administrative Shutdown inside a Hard Reset" \
    frr_got $TOR2 "NOTIFICATION(Hard Reset): received from neighbor ${P}t2h 6/2 (Cease/Administrative Shutdown)"
check "A: tor1 counts one more NOTIFICATION received" test "$(notifications_received $TOR1 ${P}t1h)" -gt "$n1"
check "A: tor2 counts one more NOTIFICATION received" test "$(notifications_received $TOR2 ${P}t2h)" -gt "$n2"
check "A: no proto-bgp route left in the host's kernel" no_bgp_routes
check "A: no nexthop object of bgpd left in the host's kernel" no_bgp_nexthops
wait_for 10 "A: the spine no longer has the host's loopback (the ToRs dropped it)" \
    frr_jq $SPINE "show bgp ipv4 unicast $HOST_LO4/32 json" '(.paths // []) | length == 0'

# B. SIGTERM with keep-on-exit.
fabric_restart_bgpd "fib: {keep-on-exit: true}"
up_and_full "keep-on-exit"
wait_for 10 "keep-on-exit: the spine has the host's loopback again" \
    frr_jq $SPINE "show bgp ipv4 unicast $HOST_LO4/32 json" '.paths | length > 0'
ping_loop 60 0.02 "$WORK/ping.txt"
sleep 0.5
pid=$(bgpd_pid)
kill -TERM "$pid"
wait_for 10 "B: bgpd exited" sh -c "! kill -0 $pid 2>/dev/null"
wait_for 5 "B: tor1 received Cease/Administrative Reset, not a Hard Reset" \
    frr_got $TOR1 "NOTIFICATION: received from neighbor ${P}t1h 6/4 (Cease/Administrative Reset)"
wait_for 5 "B: tor2 received Cease/Administrative Reset, not a Hard Reset" \
    frr_got $TOR2 "NOTIFICATION: received from neighbor ${P}t2h 6/4 (Cease/Administrative Reset)"
check "B: bgpd left its routes in the kernel" grep -q "leaving .* routes in the kernel (keep-on-exit)" "$WORK/$HOST/bgpd.log"
check "B: every route is still in the kernel, through both uplinks" kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6
check "B: tor1 keeps the host's loopback (graceful restart)" \
    frr_jq $TOR1 "show bgp ipv4 unicast $HOST_LO4/32 json" '.paths | length > 0'
check "B: the spine keeps the host's loopback" frr_jq $SPINE "show bgp ipv4 unicast $HOST_LO4/32 json" '.paths | length > 0'
sleep 1
fabric_restart_bgpd "fib: {keep-on-exit: true}"
up_and_full "B: after the restart"
check "B: the restarted bgpd adopted the routes" grep -q "routes of a previous run found" "$WORK/$HOST/bgpd.log"
kill -INT "$(cat "$WORK/ping.txt.pid")" 2>/dev/null || true
ping_wait "$WORK/ping.txt"
lost=$(ping_loss "$WORK/ping.txt") sent=$(ping_sent "$WORK/ping.txt")
log "B: ping loop through the planned restart: $lost of $sent packets lost (50 per second)"
check "B: ping loop ran" test "${sent:-0}" -gt 50
check "B: at most 1 packet lost through the planned restart ($lost)" test "${lost:-999}" -le 1
finish
