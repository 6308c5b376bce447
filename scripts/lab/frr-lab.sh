# shellcheck shell=bash
# Helpers for running FRR 8.4 nodes in network namespaces, sourced by scripts/capture-frr-fixtures.sh.
#
# Each node is a namespace "${LAB_PREFIX}NAME" with its own run directory "$LAB_DIR/NAME" (configs,
# vty sockets, pidfiles, logs). FRR refuses to run as root with -u/-g, so the daemons are started
# without them and drop to the packaged user frr; the run directory is therefore owned by frr and
# its parents are world-traversable. Every process we start leaves a pidfile in $LAB_DIR, and
# lab_cleanup kills exactly those PIDs, then deletes exactly the namespaces we created: nothing is
# matched by name, so other users of the machine are left alone.
#
# Required before sourcing: LAB_PREFIX (e.g. "cp-") and LAB_DIR (an empty directory).

LAB_NAMESPACES=()

lab_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# lab_ns NAME: create namespace ${LAB_PREFIX}NAME with loopback up and forwarding on.
lab_ns() {
    local ns="${LAB_PREFIX}$1"
    ip netns add "$ns"
    LAB_NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    mkdir -p "$LAB_DIR/$1"
}

# lab_link A IFA MACA B IFB MACB: a veth pair from namespace A (interface IFA) to B (IFB), fixed MACs
# so that the EUI-64 link-local addresses (and so the captures) are the same on every run.
lab_link() {
    local a="${LAB_PREFIX}$1" b="${LAB_PREFIX}$4"
    ip -n "$a" link add "$2" address "$3" type veth peer name "$5" address "$6" netns "$b"
    ip -n "$a" link set "$2" up
    ip -n "$b" link set "$5" up
}

# lab_frr NODE CONFIG_TEXT: start zebra, staticd and bgpd in the node's namespace and push the
# integrated config with vtysh.
lab_frr() {
    local node=$1 conf=$2 dir="$LAB_DIR/$1" ns="${LAB_PREFIX}$1" d
    printf '%s\n' "$conf" > "$dir/frr.conf"
    : > "$dir/empty.conf"
    chown -R frr:frr "$dir"
    for d in zebra staticd bgpd; do
        local extra=()
        [ "$d" = zebra ] && extra=(--log-level debug)
        ip netns exec "$ns" "/usr/lib/frr/$d" -d -f "$dir/empty.conf" --vty_socket "$dir" \
            -z "$dir/zserv.api" -P 0 -i "$dir/$d.pid" --log "file:$dir/$d.log" "${extra[@]}"
        # zebra must be listening before the others connect to it.
        [ "$d" = zebra ] && lab_wait 10 "zebra socket of $node" test -S "$dir/zserv.api"
    done
    lab_wait 10 "bgpd vty of $node" test -S "$dir/bgpd.vty"
    ip netns exec "$ns" vtysh --vty_socket "$dir" -f "$dir/frr.conf" >"$dir/vtysh-config.log" 2>&1 || {
        cat "$dir/vtysh-config.log" >&2
        return 1
    }
}

# lab_vtysh NODE COMMAND...: run vtysh commands on a node (each argument is one -c).
lab_vtysh() {
    local node=$1
    shift
    local args=()
    for c in "$@"; do args+=(-c "$c"); done
    ip netns exec "${LAB_PREFIX}$node" vtysh --vty_socket "$LAB_DIR/$node" "${args[@]}"
}

# lab_wait SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s until it succeeds; fail after SECONDS.
lab_wait() {
    local limit=$1 what=$2
    shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            lab_log "timed out after ${limit}s waiting for: $what"
            return 1
        fi
        sleep 0.2
    done
}

# lab_established NODE PEER: the BGP session is Established.
lab_established() {
    lab_vtysh "$1" "show bgp neighbors $2 json" | grep -q '"bgpState":"Established"'
}

# lab_capture NODE IFACE FILE: tcpdump of BGP on a node's interface. tcpdump must keep root (-Z root)
# to write the file; `ip netns exec` execs it in place, so $! is tcpdump's own PID.
lab_capture() {
    local node=$1 ifc=$2 file=$3 filter=${4:-tcp port 179}
    ip netns exec "${LAB_PREFIX}$node" tcpdump -Z root -i "$ifc" -s 0 -U -w "$file" "$filter" \
        >"$LAB_DIR/tcpdump-$node-$ifc.log" 2>&1 &
    echo $! > "$LAB_DIR/tcpdump-$node-$ifc.pid"
    # tcpdump prints "listening on" once the capture is armed.
    lab_wait 10 "tcpdump on $node $ifc" grep -q "listening on" "$LAB_DIR/tcpdump-$node-$ifc.log"
}

# lab_stop_captures: end every tcpdump cleanly (SIGINT flushes the file) and wait for it.
lab_stop_captures() {
    local f pid
    for f in "$LAB_DIR"/tcpdump-*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$f"
    done
}

# lab_cleanup: kill the processes from our pidfiles, delete our namespaces, remove the run directory.
lab_cleanup() {
    local f pid ns
    [ -n "${LAB_DIR:-}" ] && [ -d "$LAB_DIR" ] || return 0
    lab_stop_captures
    for f in "$LAB_DIR"/*/bgpd.pid "$LAB_DIR"/*/staticd.pid "$LAB_DIR"/*/zebra.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f" 2>/dev/null) || continue
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done
    # Give the daemons a moment to exit, then make sure.
    for f in "$LAB_DIR"/*/bgpd.pid "$LAB_DIR"/*/staticd.pid "$LAB_DIR"/*/zebra.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f" 2>/dev/null) || continue
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    for ns in "${LAB_NAMESPACES[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    LAB_NAMESPACES=()
    if [ "${LAB_KEEP:-0}" = 1 ]; then
        lab_log "run directory kept: $LAB_DIR"
    else
        rm -rf "$LAB_DIR"
    fi
}
