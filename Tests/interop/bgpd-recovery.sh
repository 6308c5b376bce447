#!/usr/bin/env bash
# Recovery, bgpd <-> FRR over an unnumbered link. Each time the session must come back and the
# routes be right afterwards:
#   1. FRR's bgpd is killed (SIGKILL, a crash): graceful restart keeps its routes, stale, until it
#      is back and has sent End-of-RIB;
#   2. the link goes down and up;
#   3. FRR is frozen (SIGSTOP) so its KEEPALIVEs stop: our hold timer expires;
#   4. our bgpd is restarted;
#   5. SIGHUP with a broken file changes nothing; with a new network, no session resets.
source "$(dirname "$0")/lib.bash"
require /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh jq "$BGPD"

A=dm-ra F=dm-rf
netns $A; netns $F
veth $A dm-ra0 02:00:00:00:d3:01 $F dm-rf0 02:00:00:00:d3:02

FRR_CONF="frr defaults datacenter
hostname $F
router bgp 65002
 bgp router-id 10.0.0.2
 bgp graceful-restart
 bgp graceful-restart preserve-fw-state
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
 neighbor dm-rf0 interface remote-as external
 neighbor dm-rf0 timers connect 1
 neighbor dm-rf0 advertisement-interval 0
 address-family ipv4 unicast
  network 10.2.0.0/24
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:2::/64
  neighbor dm-rf0 activate
 exit-address-family"
frr_start $F "$FRR_CONF"

CONF="asn: 65001
router-id: 10.0.0.1
ebgp-requires-policy: false
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
graceful-restart: {enabled: true, restart-time: 60}
neighbors:
  - interface: dm-ra0
    remote-as: external
networks: [10.1.0.0/24, 2001:db8:1::/64]
$(bgpd_paths $A)"
bgpd_start $A "$CONF"

up_both() {
    wait_for 30 "$1: FRR Established" frr_jq $F "show bgp neighbors dm-rf0 json" '.["dm-rf0"].bgpState == "Established"' &&
    wait_for 10 "$1: bgpd Established" bgpd_jq $A summary '.neighbors[0].state == "Established"' &&
    wait_for 15 "$1: bgpd has FRR's routes" bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.2.0.0/24" and (.paths[0].stale | not))) | length == 1' &&
    wait_for 15 "$1: bgpd has FRR's IPv6 route" bgpd_jq $A "routes ipv6" 'map(select(.prefix == "2001:db8:2::/64")) | length == 1' &&
    wait_for 15 "$1: FRR has our routes" frr_jq $F "show bgp ipv4 unicast 10.1.0.0/24 json" '.paths | length > 0'
}
up_both "start"

# 1. FRR's bgpd crashes: its routes stay (stale) while it is away, then come back fresh.
kill -KILL "$(cat "$WORK/$F/bgpd.pid")"
wait_for 15 "crash: session down in bgpd" bgpd_jq $A summary '.neighbors[0].state != "Established"'
check "crash: FRR's route kept as stale (graceful restart)" \
    bgpd_jq $A "routes ipv4" 'map(select(.prefix == "10.2.0.0/24"))[0].paths[0].stale == true'
frr_bgpd_start $F
up_both "after crash"
check "after crash: nothing stale any more" bgpd_jq $A "routes ipv4" '[.[].paths[] | select(.stale)] | length == 0'

# 2. The link goes down and comes back.
ip -n $A link set dm-ra0 down
wait_for 15 "link down: session down in bgpd" bgpd_jq $A summary '.neighbors[0].state != "Established"'
ip -n $A link set dm-ra0 up
up_both "after link flap"

# 3. FRR stops sending KEEPALIVEs: our hold timer (9 s) expires.
kill -STOP "$(cat "$WORK/$F/bgpd.pid")"
wait_for 20 "frozen peer: bgpd sent Hold Timer Expired" \
    bgpd_jq $A neighbors '.[0].lastError | (.direction == "sent" and .code == 4)'
kill -CONT "$(cat "$WORK/$F/bgpd.pid")"
up_both "after hold timer expiry"

# 4. Our daemon restarts, with fib: {keep-on-exit: true} (applied by reload): forwarding goes on
#    while it is away, and the new daemon adopts the routes it finds.
KEEP_CONF="$CONF
fib: {keep-on-exit: true}"
printf '%s\n' "$KEEP_CONF" >"$WORK/$A/bgpd.yaml"
kill -HUP "$(cat "$WORK/$A/swiftbgpd.pid")"
sleep 1
kill -TERM "$(cat "$WORK/$A/swiftbgpd.pid")"
wait_for 10 "bgpd stopped" sh -c "! kill -0 $(cat "$WORK/$A/swiftbgpd.pid") 2>/dev/null"
check "keep-on-exit: FRR's route still in the kernel while bgpd is down" \
    sh -c "ip -n $A -4 route show 10.2.0.0/24 proto bgp | grep -q . && ip -n $A -4 route get 10.2.0.1 | grep -q 'via inet6'"
bgpd_start $A "$KEEP_CONF"
up_both "after bgpd restart"
check "after restart: the route is in the kernel once" sh -c "[ \$(ip -n $A -4 route show 10.2.0.0/24 | wc -l) = 1 ]"

# 5. Reload: a broken file is refused, a new network is added without a reset.
transitions() { bgpd_cli $A show neighbors --json | jq '.[0].establishedTransitions'; }
before=$(transitions)
printf 'asn: 65001\nrouter-id: 10.0.0.1\nneighbors: [oops\n' >"$WORK/$A/bgpd.yaml"
kill -HUP "$(cat "$WORK/$A/swiftbgpd.pid")"
sleep 1
check "bad reload reported with file:line:col" grep -q "bgpd.yaml:4:1: YAML syntax" "$WORK/$A/bgpd.log"
check "bad reload: still Established" bgpd_jq $A summary '.neighbors[0].state == "Established"'
printf '%s\n' "${CONF/10.1.0.0\/24,/10.1.0.0/24, 10.9.0.0/24,}" >"$WORK/$A/bgpd.yaml"
kill -HUP "$(cat "$WORK/$A/swiftbgpd.pid")"
wait_for 10 "reload: FRR has the new network" frr_jq $F "show bgp ipv4 unicast 10.9.0.0/24 json" '.paths | length > 0'
check "reload: the session was not reset" test "$(transitions)" = "$before"
check "version reports the failed reload" bgpd_jq $A version '.daemon.failedReloads == 1'
finish
