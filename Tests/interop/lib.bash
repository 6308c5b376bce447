# Shared helpers for the interop tests: network namespaces, FRR/BIRD/GoBGP/bgpd lifecycles,
# polling with timeouts, and cleanup that always runs. Sourced by Tests/interop/*.sh (named .bash so the test runner, which runs every *.sh, skips it).
#
# Every namespace and interface is named with a per-suite prefix ("dm-" here; WORK_PREFIX names
# the work directory to match) so parallel test runs of other
# parts of the project never collide. Processes are stopped by the PIDs we recorded, never by
# name. With CI set, a missing tool is a failure, not a skip.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BGPD="${BGPD:-$ROOT/.build/debug/bgpd}"
T_NAME="${T_NAME:-$(basename "$0" .sh)}"
WORK="$(mktemp -d "/tmp/${WORK_PREFIX:-dm-}${T_NAME}.XXXXXX")"
chmod 755 "$WORK"
NAMESPACES=()
PIDFILES=()
FAILURES=0

log() { echo "[$T_NAME] $*" >&2; }

# require CMD...: skip the test (exit 0) when a tool is missing, unless CI is set.
require() {
    for c in "$@"; do
        if ! command -v "$c" >/dev/null 2>&1 && [ ! -x "$c" ]; then
            if [ -n "${CI:-}" ]; then log "FAIL: $c is missing"; exit 1; fi
            log "SKIP: $c is missing"; exit 0
        fi
    done
    if [ "$(id -u)" != 0 ]; then
        if [ -n "${CI:-}" ]; then log "FAIL: needs root for network namespaces"; exit 1; fi
        log "SKIP: needs root"; exit 0
    fi
}

cleanup() {
    local rc=$?
    set +e
    for pf in "${PIDFILES[@]}"; do
        [ -s "$pf" ] || continue
        local pid; pid=$(head -1 "$pf")
        [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null && kill "$pid" 2>/dev/null
    done
    sleep 0.3
    for pf in "${PIDFILES[@]}"; do
        [ -s "$pf" ] || continue
        local pid; pid=$(head -1 "$pf")
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    done
    for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
    if [ $rc -ne 0 ] || [ "$FAILURES" -ne 0 ] || [ -n "${KEEP_WORK:-}" ]; then
        log "logs kept in $WORK"
        for f in "$WORK"/*/*.log "$WORK"/*.log; do
            [ -f "$f" ] || continue
            echo "----- $f (last 40 lines)" >&2; tail -40 "$f" >&2
        done
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# netns NAME: create a namespace with loopback up.
netns() {
    ip netns del "$1" 2>/dev/null || true
    ip netns add "$1"
    NAMESPACES+=("$1")
    ip -n "$1" link set lo up
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
}

# veth NS1 IF1 MAC1 NS2 IF2 MAC2: a link between two namespaces, both ends up.
veth() {
    ip link add "$2" netns "$1" address "$3" type veth peer name "$5" netns "$4" address "$6"
    ip -n "$1" link set "$2" up
    ip -n "$4" link set "$5" up
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll until the command succeeds.
wait_for() {
    local limit=$1 what=$2; shift 2
    local end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
    while [ $(( $(date +%s%N) / 1000000 )) -lt $end ]; do
        if "$@" >/dev/null 2>&1; then log "ok: $what"; return 0; fi
        sleep 0.25
    done
    log "FAIL: $what (not within ${limit}s)"
    FAILURES=$((FAILURES + 1))
    # Failures are counted, not fatal, so one run reports every check; `finish` fails the test.
    return 0
}

# check DESCRIPTION COMMAND...: one assertion.
check() {
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then log "ok: $what"; else log "FAIL: $what"; FAILURES=$((FAILURES + 1)); fi
}

# ---- FRR ---------------------------------------------------------------------------------

# frr_start NS CONFIG_TEXT: zebra + bgpd in NS with an integrated config pushed through vtysh.
frr_start() {
    local ns=$1 conf=$2 dir="$WORK/$1"
    mkdir -p "$dir"
    printf 'hostname %s\n' "$ns" >"$dir/empty.conf"
    printf '%s\n' "$conf" >"$dir/frr.conf"
    chown -R frr:frr "$dir"
    ip netns exec "$ns" /usr/lib/frr/zebra -d -f "$dir/empty.conf" --vty_socket "$dir" -z "$dir/zserv.api" \
        -P 0 -i "$dir/zebra.pid" --log "file:$dir/zebra.log"
    PIDFILES+=("$dir/zebra.pid")
    wait_for 10 "$ns zebra socket" test -S "$dir/zserv.api"
    ip netns exec "$ns" /usr/lib/frr/bgpd -d -f "$dir/empty.conf" --vty_socket "$dir" -z "$dir/zserv.api" \
        -P 0 -i "$dir/bgpd.pid" --log "file:$dir/bgpd.log"
    PIDFILES+=("$dir/bgpd.pid")
    wait_for 10 "$ns bgpd vty" test -S "$dir/bgpd.vty"
    ip netns exec "$ns" vtysh --vty_socket "$dir" -f "$dir/frr.conf" >"$dir/vtysh-load.log" 2>&1
}

# frr_bgpd_restart NS: kill FRR's bgpd and start it again with the same config.
frr_bgpd_stop() { local dir="$WORK/$1"; kill "$(cat "$dir/bgpd.pid")"; sleep 0.5; }
frr_bgpd_start() {
    local ns=$1 dir="$WORK/$1"
    rm -f "$dir/bgpd.vty"
    ip netns exec "$ns" /usr/lib/frr/bgpd -d -f "$dir/empty.conf" --vty_socket "$dir" -z "$dir/zserv.api" \
        -P 0 -i "$dir/bgpd.pid" --log "file:$dir/bgpd.log"
    wait_for 10 "$ns bgpd vty" test -S "$dir/bgpd.vty"
    ip netns exec "$ns" vtysh --vty_socket "$dir" -f "$dir/frr.conf" >>"$dir/vtysh-load.log" 2>&1
}

# vtysh NS COMMAND: run a show command in FRR.
vtysh() { ip netns exec "$1" vtysh --vty_socket "$WORK/$1" -c "$2"; }

# ---- bgpd --------------------------------------------------------------------------------

# bgpd_start NS CONFIG_TEXT: our daemon in NS, in the foreground in the background.
bgpd_start() {
    local ns=$1 conf=$2 dir="$WORK/$1"
    mkdir -p "$dir"
    printf '%s\n' "$conf" >"$dir/bgpd.yaml"
    "$BGPD" check --config "$dir/bgpd.yaml"
    ip netns exec "$ns" "$BGPD" run --config "$dir/bgpd.yaml" --log-level "${BGPD_LOG_LEVEL:-debug}" >>"$dir/bgpd.log" 2>&1 &
    echo $! >"$dir/swiftbgpd.pid"
    PIDFILES+=("$dir/swiftbgpd.pid")
    wait_for 10 "$ns bgpd control socket" test -S "$dir/bgpd.sock"
}

# bgpd_cli NS ARGS...: `bgpd show ...` against the daemon in NS.
bgpd_cli() { local ns=$1; shift; "$BGPD" "$@" --socket "$WORK/$ns/bgpd.sock"; }

# bgpd_conf_common NS: the lines every test config has (socket, pidfile under the work dir).
bgpd_paths() { printf 'control-socket: %s\npidfile: %s\n' "$WORK/$1/bgpd.sock" "$WORK/$1/bgpd.pid"; }

# finish: exit non-zero when any check failed.
finish() {
    if [ "$FAILURES" -ne 0 ]; then log "$FAILURES check(s) failed"; exit 1; fi
    log "all checks passed"
}

# frr_jq NS "show ... json" FILTER: true when jq -e FILTER holds on FRR's JSON.
frr_jq() { vtysh "$1" "$2" | jq -e "$3" >/dev/null; }

# bgpd_jq NS "summary|neighbors|routes ipv4|..." FILTER: the same on our `show ... --json`.
bgpd_jq() { local ns=$1 what=$2 filter=$3; bgpd_cli "$ns" show $what --json | jq -e "$filter" >/dev/null; }

# ---- BIRD --------------------------------------------------------------------------------

# bird_start NS CONFIG_TEXT
bird_start() {
    local ns=$1 dir="$WORK/$1"
    mkdir -p "$dir"
    printf '%s\n' "$2" >"$dir/bird.conf"
    ip netns exec "$ns" bird -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid"
    PIDFILES+=("$dir/bird.pid")
    wait_for 10 "$ns bird control socket" test -S "$dir/bird.ctl"
}
birdc_() { local ns=$1; shift; ip netns exec "$ns" birdc -s "$WORK/$ns/bird.ctl" "$@"; }

# ---- GoBGP -------------------------------------------------------------------------------

# gobgp_start NS API_PORT CONFIG_TOML
gobgp_start() {
    local ns=$1 port=$2 dir="$WORK/$1"
    mkdir -p "$dir"
    printf '%s\n' "$3" >"$dir/gobgpd.toml"
    ip netns exec "$ns" gobgpd -f "$dir/gobgpd.toml" --api-hosts "127.0.0.1:$port" >"$dir/gobgpd.log" 2>&1 &
    echo $! >"$dir/gobgpd.pid"
    PIDFILES+=("$dir/gobgpd.pid")
    wait_for 10 "$ns gobgpd API" ip netns exec "$ns" gobgp -p "$port" global
}
gobgp_() { local ns=$1 port=$2; shift 2; ip netns exec "$ns" gobgp -p "$port" "$@"; }
