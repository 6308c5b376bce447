#!/usr/bin/env bash
# Connection collision (RFC 4271 6.8): a scripted peer makes both sides connect at once, twice:
# once with a higher BGP Identifier than ours (its connection must survive and ours be closed
# with Cease/Connection Collision Resolution) and once with a lower one (the reverse). Each time
# the session must be Established on the surviving connection.
source "$(dirname "$0")/lib.bash"
require python3 jq "$BGPD"

A=dm-ca P=dm-cp
netns $A; netns $P
veth $A dm-ca0 02:00:00:00:d4:01 $P dm-cp0 02:00:00:00:d4:02
ip -n $A addr add 10.0.6.1/24 dev dm-ca0
ip -n $P addr add 10.0.6.2/24 dev dm-cp0

run_case() {
    local name=$1 ours=$2 theirs=$3 survivor=$4 loser=$5
    ip netns exec $P python3 "$ROOT/Tests/interop/collision_peer.py" --local 10.0.6.2 --remote 10.0.6.1 \
        --asn 65006 --router-id "$theirs" --hold 6 >"$WORK/$name.out" 2>&1 &
    local py=$!
    wait_for 5 "$name: scripted peer listening" grep -q listening "$WORK/$name.out"
    bgpd_start $A "asn: 65001
router-id: $ours
timers: {hold-time: 9, connect-retry: 1}
neighbors:
  - address: 10.0.6.2
    remote-as: 65006
$(bgpd_paths $A)"
    wait_for 10 "$name: collision resolved" grep -q '"closed"' "$WORK/$name.out"
    check "$name: bgpd closed the $loser connection with Cease/7" \
        sh -c "grep '\"closed\"' '$WORK/$name.out' | jq -e '(.seen[\"$loser\"] | any(. == [3, 6, 7])) and .closed[\"$loser\"]'"
    check "$name: the $survivor connection got a KEEPALIVE and stayed open" \
        sh -c "grep '\"closed\"' '$WORK/$name.out' | jq -e '(.seen[\"$survivor\"] | any(. == [4])) and (.closed[\"$survivor\"] | not)'"
    wait_for 5 "$name: bgpd Established" bgpd_jq $A summary '.neighbors[0].state == "Established"'
    kill -TERM "$(cat "$WORK/$A/swiftbgpd.pid")"; wait "$(cat "$WORK/$A/swiftbgpd.pid")" 2>/dev/null || true
    wait $py 2>/dev/null || true
}
# Peer 10.0.0.9 > our 10.0.0.1: the connection the peer initiated wins.
run_case higher 10.0.0.1 10.0.0.9 peer-initiated bgpd-initiated
# Peer 10.0.0.2 < our 10.0.0.5: the connection we initiated wins.
run_case lower 10.0.0.5 10.0.0.2 bgpd-initiated peer-initiated
finish
