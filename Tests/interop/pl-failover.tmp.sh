#!/usr/bin/env bash
# Routing on the host, end to end (issue 6, check 3): one uplink fails and comes back while the
# host's loopback pings the spine's loopback 50 times a second.
#   - the ToR's end of uplink 1 goes down, so the host's interface loses carrier (a cable pulled
#     or a ToR port failing): within 1 s every route's next hops are only tor2's, the session on
#     the failed uplink is closed at once (not after the hold time), and the ping loop loses
#     almost nothing;
#   - the link comes back: the session is re-established and every route uses both uplinks again.
# Prints the failover and recovery times and the packets lost.
WORK_PREFIX=pl-
source "$(dirname "$0")/lib.bash"
FABRIC_PREFIX=pl-fo-
source "$(dirname "$0")/fabric.bash"
require /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq ping "$BGPD"
BGPD_LOG_LEVEL=${BGPD_LOG_LEVEL:-info}
MAX_FAILOVER_MS=${MAX_FAILOVER_MS:-1000}
MAX_LOST=${MAX_LOST:-10}

fabric_up
wait_for 30 "both bgpd sessions Established" established_both
wait_for 60 "FIB holds the fabric's routes" fib_full
wait_for 15 "every route uses both uplinks" kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6
wait_for 10 "the spine's loopback answers" ip netns exec $HOST ping -n -c 1 -W 1 -I $HOST_LO4 $SPINE_LO4

SURVIVOR="$TOR2_LL@$H2"
ping_loop 60 0.02 "$WORK/ping-down.txt"
sleep 1

# Uplink 1 fails.
t0=$(now_ms)
ip -n $TOR1 link set ${P}t1h down
failover=""
while [ $(( $(now_ms) - t0 )) -lt 5000 ]; do
    if kernel_all_via "$SURVIVOR" $FABRIC_V4 $FABRIC_V6; then failover=$(( $(now_ms) - t0 )); break; fi
done
if [ -n "$failover" ]; then
    log "failover: every route uses only tor2 $failover ms after the link went down"
    check "failover within $MAX_FAILOVER_MS ms ($failover ms)" test "$failover" -le "$MAX_FAILOVER_MS"
else
    log "FAIL: routes still use the failed uplink 5 s after it went down: IPv4 $(kernel_nexthop_sets -4)"
    FAILURES=$((FAILURES + 1))
fi
# Checked well before the hold time (9 s) could have run out.
check "bgpd closed the session on the failed uplink at once ($(( $(now_ms) - t0 )) ms after)" \
    bgpd_jq $HOST neighbors "map(select(.summary.neighbor == \"$H1\"))[0].summary.state != \"Established\""
check "show fib lists one next hop for the spine's loopback" \
    sh -c "\"$BGPD\" show fib --prefix $SPINE_LO4/32 --json --socket $WORK/$HOST/bgpd.sock | jq -e '.routes[0].activeNextHops | length == 1'"
sleep 1
check "the spine's loopback still answers over tor2" ip netns exec $HOST ping -n -c 1 -W 1 -I $HOST_LO4 $SPINE_LO4

kill -INT "$(cat "$WORK/ping-down.txt.pid")" 2>/dev/null || true
ping_wait "$WORK/ping-down.txt"

# Uplink 1 comes back.
ping_loop 60 0.02 "$WORK/ping-up.txt"
sleep 1
t1=$(now_ms)
ip -n $TOR1 link set ${P}t1h up
recovered=""
while [ $(( $(now_ms) - t1 )) -lt 30000 ]; do
    if kernel_all_via "$BOTH_SET" $FABRIC_V4 $FABRIC_V6; then recovered=$(( $(now_ms) - t1 )); break; fi
    sleep 0.1
done
if [ -n "$recovered" ]; then
    log "recovery: every route uses both uplinks again $recovered ms after the link came back"
else
    log "FAIL: routes did not return to both uplinks within 30 s: IPv4 $(kernel_nexthop_sets -4)"
    FAILURES=$((FAILURES + 1))
fi
check "both sessions Established again" established_both
sleep 1

kill -INT "$(cat "$WORK/ping-up.txt.pid")" 2>/dev/null || true
ping_wait "$WORK/ping-up.txt"
for phase in down up; do
    lost=$(ping_loss "$WORK/ping-$phase.txt") sent=$(ping_sent "$WORK/ping-$phase.txt")
    log "ping loop while the link went $phase: $lost of $sent packets lost (50 per second)"
    check "ping loop ran ($phase)" test "${sent:-0}" -gt 50
    check "at most $MAX_LOST packets lost while the link went $phase ($lost)" test "${lost:-999}" -le "$MAX_LOST"
done
finish
