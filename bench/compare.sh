#!/usr/bin/env bash
# Side-by-side benchmark: bgpd, BIRD 2, FRR 8.4 and GoBGP 3 on this machine, in the same run,
# fed by the same route generator (routegen, in this repository).
#
# Topology per run: namespace bn-dut runs the daemon under test (AS 65000); namespaces bn-g1 and
# bn-g2 run routegen (AS 65101, 65102) over veth links. Each generator announces the same N IPv4
# /24s with different AS paths, so with two peers best-path selection decides every prefix.
#
# Columns (medians of RUNS runs):
#   rib_s   seconds from the first generator's Established until the daemon's Loc-RIB holds N prefixes
#   fib_s   seconds from the same start until the kernel holds N routes of the daemon's protocol
#   cpu_s   CPU seconds (user+system) the daemon's processes used from that start until fib (or rib)
#   rss_mb  peak RSS of the daemon's processes (VmHWM), MB
#   B/route (peak RSS - RSS before the routes arrived) / (N x peers), i.e. per path received
#
# Usage: bench/compare.sh [--routes "100000 1000000"] [--peers "1 2"] [--runs 3] [--daemons "bgpd bird frr gobgp"]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUTES="100000 1000000"; PEERS="1 2"; RUNS=3; DAEMONS="bgpd bird frr gobgp"
while [ $# -gt 0 ]; do
    case "$1" in
        --routes) ROUTES="$2"; shift 2 ;;
        --peers) PEERS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --daemons) DAEMONS="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

export PATH=/opt/swift/usr/bin:$PATH
swift build -c release --product routegen >/dev/null
case " $DAEMONS " in *" bgpd "*) swift build -c release --product bgpd >/dev/null ;; esac
ROUTEGEN=$PWD/.build/release/routegen
BGPD=$PWD/.build/release/bgpd
WORK=$(mktemp -d /tmp/bn.XXXXXX)
chmod 755 "$WORK"
RESULTS=$WORK/results.txt
: > "$RESULTS"

cleanup() {
    for f in "$WORK"/*.pid "$WORK"/*/*.pid; do
        [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
    done
    for ns in bn-dut bn-g1 bn-g2; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
}
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

topology() {
    cleanup
    ip netns add bn-dut
    ip -n bn-dut link set lo up
    for g in 1 2; do
        ip netns add bn-g$g
        ip -n bn-g$g link set lo up
        ip link add bn-d$g netns bn-dut type veth peer name bn-p$g netns bn-g$g
        ip -n bn-dut addr add 10.250.$g.1/24 dev bn-d$g
        ip -n bn-g$g addr add 10.250.$g.2/24 dev bn-p$g
        ip -n bn-dut link set bn-d$g up
        ip -n bn-g$g link set bn-p$g up
    done
}

# Sum of a /proc/PID/status field (kB) over PIDs.
status_kb() { local field=$1; shift; local t=0; for p in "$@"; do v=$(awk -v f="$field:" '$1==f{print $2}' /proc/$p/status 2>/dev/null || echo 0); t=$((t + ${v:-0})); done; echo $t; }
# CPU ticks (utime+stime) over PIDs.
cpu_ticks() { local t=0; for p in "$@"; do v=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null || echo 0); t=$((t + ${v:-0})); done; echo $t; }
now() { date +%s.%N; }

start_bgpd() {
    local peers=$1 d=$WORK/bgpd; mkdir -p $d
    {
        echo "asn: 65000"; echo "router-id: 10.250.0.1"; echo "control-socket: $d/bgpd.sock"
        echo "policy: accept-all"
        echo "neighbors:"
        for g in $(seq 1 $peers); do echo "  - address: 10.250.$g.2"; echo "    remote-as: 6510$g"; echo "    passive: true"; done
    } > $d/bgpd.yaml
    ip netns exec bn-dut $BGPD run --config $d/bgpd.yaml --log-level warning > $d/log 2>&1 &
    echo $! > $d/bgpd.pid; disown
    PIDS="$(cat $d/bgpd.pid)"; PROTO=186
    for _ in $(seq 100); do [ -S $d/bgpd.sock ] && break; sleep 0.1; done
}
rib_bgpd() { ip netns exec bn-dut $BGPD show summary --json --socket $WORK/bgpd/bgpd.sock 2>/dev/null | jq -r '.locRIB["ipv4-unicast"] // 0' 2>/dev/null || echo 0; }

start_bird() {
    local peers=$1 d=$WORK/bird; mkdir -p $d
    {
        echo "router id 10.250.0.1;"
        echo "protocol device {}"
        echo "protocol kernel { ipv4 { import none; export all; }; }"
        for g in $(seq 1 $peers); do
            echo "protocol bgp g$g { local 10.250.$g.1 as 65000; neighbor 10.250.$g.2 as 6510$g; ipv4 { import all; export all; }; }"
        done
    } > $d/bird.conf
    ip netns exec bn-dut bird -c $d/bird.conf -s $d/bird.ctl -P $d/bird.pid
    for _ in $(seq 100); do [ -s $d/bird.pid ] && break; sleep 0.1; done
    PIDS="$(cat $d/bird.pid)"; PROTO=12
}
rib_bird() { ip netns exec bn-dut birdc -s $WORK/bird/bird.ctl show route count 2>/dev/null | awk '/networks in table master4/{print $(NF-4)}' | head -1 | grep . || echo 0; }

start_frr() {
    local peers=$1 d=$WORK/frr; mkdir -p $d; : > $d/empty.conf
    {
        echo "frr defaults traditional"
        echo "router bgp 65000"
        echo " bgp router-id 10.250.0.1"
        echo " no bgp ebgp-requires-policy"
        echo " no bgp network import-check"
        for g in $(seq 1 $peers); do
            echo " neighbor 10.250.$g.2 remote-as 6510$g"
            echo " neighbor 10.250.$g.2 advertisement-interval 0"
        done
    } > $d/frr.conf
    chown -R frr:frr $d
    for x in zebra bgpd; do
        ip netns exec bn-dut /usr/lib/frr/$x -d -f $d/empty.conf --vty_socket $d -z $d/zserv.api -P 0 -i $d/$x.pid --log file:$d/$x.log
    done
    for _ in $(seq 100); do [ -s $d/bgpd.pid ] && break; sleep 0.1; done
    ip netns exec bn-dut vtysh --vty_socket $d -f $d/frr.conf >/dev/null
    PIDS="$(cat $d/zebra.pid) $(cat $d/bgpd.pid)"; PROTO=186
}
rib_frr() { ip netns exec bn-dut vtysh --vty_socket $WORK/frr -c 'show bgp ipv4 unicast summary json' 2>/dev/null | jq -r '.ribCount // 0' 2>/dev/null || echo 0; }

start_gobgp() {
    local peers=$1 d=$WORK/gobgp; mkdir -p $d
    {
        echo '[global.config]'; echo '  as = 65000'; echo '  router-id = "10.250.0.1"'
        for g in $(seq 1 $peers); do
            echo '[[neighbors]]'; echo '  [neighbors.config]'
            echo "    neighbor-address = \"10.250.$g.2\""; echo "    peer-as = 6510$g"
        done
    } > $d/gobgp.toml
    ip netns exec bn-dut gobgpd -f $d/gobgp.toml --api-hosts 127.0.0.1:50051 -l warn > $d/log 2>&1 &
    echo $! > $d/gobgpd.pid; disown
    sleep 1
    PIDS="$(cat $d/gobgpd.pid)"; PROTO=0
}
rib_gobgp() { ip netns exec bn-dut gobgp -u 127.0.0.1 -p 50051 global rib summary -a ipv4 2>/dev/null | awk -F'[ ,]+' '/Destination/{print $2}' | grep . || echo 0; }

run_one() {
    local daemon=$1 routes=$2 peers=$3
    topology
    start_$daemon "$peers"
    sleep 1
    local base_rss; base_rss=$(status_kb VmRSS $PIDS)
    local genlogs=()
    for g in $(seq 1 $peers); do
        ip netns exec bn-g$g $ROUTEGEN feed --peer 10.250.$g.1 --local 10.250.$g.2 --asn 6510$g \
            --routes "$routes" --seed $g > $WORK/gen$g.log 2>&1 &
        echo $! > $WORK/gen$g.pid; disown
        genlogs+=("$WORK/gen$g.log")
    done
    # Start of the clock: the first generator's Established.
    local t0="" 
    for _ in $(seq 600); do
        t0=$(grep -h established "${genlogs[@]}" 2>/dev/null | awk '{print $1}' | sort -n | head -1)
        [ -n "$t0" ] && break; sleep 0.05
    done
    [ -n "$t0" ] || { echo "$daemon: no session came up" >&2; cat "${genlogs[@]}" >&2; return 1; }
    local cpu0; cpu0=$(cpu_ticks $PIDS)
    local t_rib="" t_fib="-"
    local deadline=$(( $(date +%s) + 900 ))
    while [ "$(date +%s)" -lt $deadline ]; do
        local n; n=$(rib_$daemon)
        if [ "${n:-0}" -ge "$routes" ]; then t_rib=$(now); break; fi
        sleep 0.1
    done
    [ -n "$t_rib" ] || { echo "$daemon: Loc-RIB never reached $routes" >&2; return 1; }
    if [ "$PROTO" != 0 ]; then
        local waited
        waited=$(ip netns exec bn-dut $ROUTEGEN wait-kernel --proto $PROTO --count "$routes" --timeout 900) || { echo "$daemon: kernel never reached $routes ($waited)" >&2; return 1; }
        t_fib=$(now)
    fi
    local cpu1; cpu1=$(cpu_ticks $PIDS)
    local peak; peak=$(status_kb VmHWM $PIDS)
    local hz; hz=$(getconf CLK_TCK)
    local rib_s fib_s cpu_s
    rib_s=$(echo "$t_rib - $t0" | bc -l)
    if [ "$t_fib" != "-" ]; then fib_s=$(echo "$t_fib - $t0" | bc -l); else fib_s="-"; fi
    cpu_s=$(echo "($cpu1 - $cpu0) / $hz" | bc -l)
    local bpr; bpr=$(( (peak - base_rss) * 1024 / (routes * peers) ))
    printf "%s %s %s %.2f %s %.2f %.1f %d\n" "$daemon" "$routes" "$peers" "$rib_s" \
        "$( [ "$fib_s" = "-" ] && echo - || printf %.2f "$fib_s")" "$cpu_s" "$(echo "$peak/1024" | bc -l)" "$bpr" >> "$RESULTS"
    tail -1 "$RESULTS" >&2
    cleanup
}

for routes in $ROUTES; do
    for peers in $PEERS; do
        for daemon in $DAEMONS; do
            for r in $(seq 1 $RUNS); do
                run_one "$daemon" "$routes" "$peers" || echo "$daemon $routes $peers FAILED" >&2
            done
        done
    done
done

# Medians per (daemon, routes, peers).
echo
echo "| daemon | routes | peers | Loc-RIB s | FIB s | CPU s | peak RSS MB | bytes/route |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
python3 - "$RESULTS" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    d, n, p, rib, fib, cpu, rss, bpr = line.split()
    rows[(int(n), int(p), d)].append((float(rib), None if fib == "-" else float(fib), float(cpu), float(rss), int(bpr)))
order = {"bgpd": 0, "bird": 1, "frr": 2, "gobgp": 3}
for (n, p, d) in sorted(rows, key=lambda k: (k[0], k[1], order.get(k[2], 9))):
    r = rows[(n, p, d)]
    med = lambda i: statistics.median(x[i] for x in r)
    fibs = [x[1] for x in r if x[1] is not None]
    fib = "%.2f" % statistics.median(fibs) if fibs else "n/a"
    print(f"| {d} | {n:,} | {p} | {med(0):.2f} | {fib} | {med(2):.2f} | {med(3):.0f} | {int(med(4))} |")
PY
