#!/usr/bin/env bash
# Routing on the host, end to end (issue 6, check 4): bgpd is killed with SIGKILL (a crash) and
# started again while the host's loopback pings the spine's loopback 50 times a second.
#   - the kernel routes stay while bgpd is away, and the ToRs keep the host's routes (graceful
#     restart: bgpd advertises IPv4/IPv6 unicast with its capability), so the ping loop loses at
#     most one packet;
#   - while bgpd is down the spine withdraws one prefix; the restarted bgpd adopts the kernel
#     routes, keeps them untouched until End-of-RIB from both ToRs (the route count never dips),
#     then removes the withdrawn prefix, which nobody announced again;
#   - the restarted bgpd's OPEN has the R bit and, per family, the F bit (forwarding preserved).
WORK_PREFIX=e2-
source "$(dirname "$0")/lib.bash"
FABRIC_PREFIX=e2-rs-
source "$(dirname "$0")/fabric.bash"
require /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq ping "$BGPD"
BGPD_LOG_LEVEL=${BGPD_LOG_LEVEL:-info}
MAX_LOST=${MAX_LOST:-1}
VICTIM=$(spine_prefix4 7)

fabric_up
wait_for 30 "both bgpd sessions Established" established_both
wait_for 60 "FIB holds the fabric's routes" fib_full
wait_for 15 "every route uses both uplinks" kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6
wait_for 10 "the spine's loopback answers" ip netns exec $HOST ping -n -c 1 -W 1 -I $HOST_LO4 $SPINE_LO4
GR=".[\"${P}t1h\"].gracefulRestartInfo"
check "tor1 sees bgpd as graceful-restart capable for IPv4 and IPv6, fresh start (R and F bits clear)" \
    frr_jq $TOR1 "show bgp neighbors ${P}t1h json" "$GR | .remoteGrMode == \"Restart\" and .rBit == false and .ipv4Unicast.fBit == false and .ipv6Unicast.fBit == false"

# Count the kernel's IPv4 proto-bgp routes every 50 ms from now on: the minimum tells whether
# the restart ever removed or rewrote routes.
kernel_v4_count() { ip -n $HOST -4 route show proto bgp | grep -vc '^\s*nexthop'; }
( while :; do kernel_v4_count; sleep 0.05; done ) >"$WORK/counts.txt" 2>/dev/null &
echo $! >"$WORK/counter.pid"; PIDFILES+=("$WORK/counter.pid")

ping_loop 60 0.02 "$WORK/ping.txt"
sleep 1
t0=$(now_ms)
kill -KILL "$(bgpd_pid)"
wait_for 5 "bgpd is gone" sh -c "! kill -0 $(bgpd_pid) 2>/dev/null"
check "the kernel routes stay while bgpd is away" kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6
wait_for 15 "tor1 noticed the session went down" frr_jq $TOR1 "show bgp neighbors ${P}t1h json" ".[\"${P}t1h\"].bgpState != \"Established\""
check "tor1 keeps the host's loopback (graceful restart helper)" \
    frr_jq $TOR1 "show bgp ipv4 unicast $HOST_LO4/32 json" '.paths | length > 0'
check "the spine keeps the host's loopback" frr_jq $SPINE "show bgp ipv4 unicast $HOST_LO4/32 json" '.paths | length > 0'

# The spine withdraws one prefix while bgpd is away.
ip -n $SPINE route del blackhole "$VICTIM"
wait_for 10 "tor1 no longer has $VICTIM" frr_jq $TOR1 "show bgp ipv4 unicast $VICTIM json" '(.paths // []) | length == 0'
check "$VICTIM is still in the host's kernel (nobody is there to remove it)" \
    sh -c "ip -n $HOST -4 route show $VICTIM proto bgp | grep -q nhid"

fabric_restart_bgpd
wait_for 30 "both sessions Established again" established_both
log "sessions back $(( $(now_ms) - t0 )) ms after the kill"
wait_for 30 "the stale route $VICTIM is removed after convergence" \
    sh -c "! ip -n $HOST -4 route show $VICTIM proto bgp | grep -q ."
log "converged $(( $(now_ms) - t0 )) ms after the kill"
check "bgpd found the routes of the previous run" grep -q "routes of a previous run found" "$WORK/$HOST/bgpd.log"
check "bgpd waited for End-of-RIB from both ToRs" grep -q "RIB converged after start-up: End-of-RIB from every neighbor" "$WORK/$HOST/bgpd.log"
wait_for 10 "every other route uses both uplinks" kernel_all_via "$BOTH_SET" $((FABRIC_V4 - 1)) $FABRIC_V6
check "exactly the other $((FABRIC_V4 - 1)) IPv4 routes are in the kernel" test "$(kernel_v4_count)" = $((FABRIC_V4 - 1))
check "tor1 saw the R bit and the F bits (forwarding preserved) in the restarted bgpd's OPEN" \
    frr_jq $TOR1 "show bgp neighbors ${P}t1h json" "$GR | .rBit == true and .ipv4Unicast.fBit == true and .ipv6Unicast.fBit == true"
sleep 1

kill -INT "$(cat "$WORK/ping.txt.pid")" 2>/dev/null || true
ping_wait "$WORK/ping.txt"
kill "$(cat "$WORK/counter.pid")" 2>/dev/null || true
lost=$(ping_loss "$WORK/ping.txt") sent=$(ping_sent "$WORK/ping.txt")
log "ping loop through the crash and restart: $lost of $sent packets lost (50 per second)"
check "ping loop ran" test "${sent:-0}" -gt 50
check "at most $MAX_LOST packet lost ($lost)" test "${lost:-999}" -le "$MAX_LOST"
min=$(sort -n "$WORK/counts.txt" | head -1)
log "kernel IPv4 route count during the restart: min $min (expected $((FABRIC_V4 - 1)) at the end)"
check "the kernel never lost routes during the restart (min $min)" test "${min:-0}" -ge $((FABRIC_V4 - 1))
finish
