# The routing-on-the-host fabric shared by the e2e tests (Tests/interop/e2e-*.sh) and the demo
# (demo/run.sh). Source lib.bash first, set FABRIC_PREFIX (e2- or demo-), then call fabric_up.
#
#                       spine (FRR, AS 65000)
#                 lo 10.255.0.1/32, 2001:db8:ff::1/128
#            originates SPINE_V4 IPv4 /24s and SPINE_V6 IPv6 /64s
#                  P-s1 /                      \ P-s2
#            P-t1s /                            \ P-t2s
#       tor1 (FRR, AS 65011)              tor2 (FRR, AS 65012)
#            P-t1h \                            / P-t2h
#                   \ P-h1                P-h2 /
#                      host (bgpd, AS 65101)
#                 lo 10.255.1.1/32, 2001:db8:ff:1::1/128
#
# Every link is unnumbered: no IPv4 or global IPv6 address, only the kernel's link-local
# addresses (fixed MACs make them predictable). FRR peers with `neighbor IF interface
# remote-as external`, bgpd with `interface: IF`. The spine's routes are kernel blackholes
# redistributed into BGP, so one can be withdrawn with a plain `ip route del`. The host reaches
# the fabric over both uplinks through one ECMP nexthop group (multipath-relax: the ToRs are in
# different ASes).

FABRIC_PREFIX="${FABRIC_PREFIX:-e2-}"
P=$FABRIC_PREFIX
HOST=${P}host TOR1=${P}tor1 TOR2=${P}tor2 SPINE=${P}spine
H1=${P}h1 H2=${P}h2
TOR1_LL=fe80::ff:fe00:201 TOR2_LL=fe80::ff:fe00:301
HOST_LO4=10.255.1.1 HOST_LO6=2001:db8:ff:1::1
SPINE_LO4=10.255.0.1 SPINE_LO6=2001:db8:ff::1
SPINE_V4=${SPINE_V4:-4000}
SPINE_V6=${SPINE_V6:-1000}
# Every route the host should learn: the spine's originated ones and its loopbacks.
FABRIC_V4=$((SPINE_V4 + 1)) FABRIC_V6=$((SPINE_V6 + 1))

# spine_prefix4 N / spine_prefix6 N: the N-th originated prefix (from 0).
spine_prefix4() { echo "10.$((64 + $1 / 256)).$(($1 % 256)).0/24"; }
spine_prefix6() { printf '2001:db8:100:%x::/64\n' "$1"; }

# The FRR configuration of a ToR: one unnumbered session to the host, one to the spine.
fabric_tor_conf() {
    local name=$1 asn=$2 id=$3 down=$4 up=$5
    cat <<EOF
frr defaults datacenter
hostname $name
router bgp $asn
 bgp router-id $id
 no bgp ebgp-requires-policy
 bgp bestpath as-path multipath-relax
 timers bgp 3 9
 neighbor $down interface remote-as external
 neighbor $down timers connect 1
 neighbor $down advertisement-interval 0
 neighbor $up interface remote-as external
 neighbor $up timers connect 1
 neighbor $up advertisement-interval 0
 address-family ipv6 unicast
  neighbor $down activate
  neighbor $up activate
 exit-address-family
EOF
}

fabric_spine_conf() {
    cat <<EOF
frr defaults datacenter
hostname $SPINE
router bgp 65000
 bgp router-id $SPINE_LO4
 no bgp ebgp-requires-policy
 no bgp network import-check
 bgp bestpath as-path multipath-relax
 timers bgp 3 9
 neighbor ${P}s1 interface remote-as external
 neighbor ${P}s1 timers connect 1
 neighbor ${P}s1 advertisement-interval 0
 neighbor ${P}s2 interface remote-as external
 neighbor ${P}s2 timers connect 1
 neighbor ${P}s2 advertisement-interval 0
 address-family ipv4 unicast
  network $SPINE_LO4/32
  redistribute kernel
 exit-address-family
 address-family ipv6 unicast
  network $SPINE_LO6/128
  redistribute kernel
  neighbor ${P}s1 activate
  neighbor ${P}s2 activate
 exit-address-family
EOF
}

# fabric_host_conf [EXTRA_YAML]: bgpd's configuration on the host.
fabric_host_conf() {
    cat <<EOF
asn: 65101
router-id: $HOST_LO4
policies:
  host-only:                         # a host is never transit: announce only what it originates
    terms:
      - match: { as-path: "^$" }
        action: accept
maximum-paths: 64
multipath-relax: true               # the two ToRs are in different ASes
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
neighbors:
  - interface: $H1
    remote-as: external
    description: tor1
    import: accept-all
    export: host-only
  - interface: $H2
    remote-as: external
    description: tor2
    import: accept-all
    export: host-only
networks: [$HOST_LO4/32, $HOST_LO6/128]
$(bgpd_paths "$HOST")
${1:-}
EOF
}

# fabric_links: namespaces, veths and loopback addresses; the spine's blackhole routes.
fabric_links() {
    for ns in $HOST $TOR1 $TOR2 $SPINE; do netns "$ns"; done
    veth $HOST "$H1" 02:00:00:00:01:01 $TOR1 "${P}t1h" 02:00:00:00:02:01
    veth $HOST "$H2" 02:00:00:00:01:02 $TOR2 "${P}t2h" 02:00:00:00:03:01
    veth $TOR1 "${P}t1s" 02:00:00:00:02:02 $SPINE "${P}s1" 02:00:00:00:04:01
    veth $TOR2 "${P}t2s" 02:00:00:00:03:02 $SPINE "${P}s2" 02:00:00:00:04:02
    ip -n $HOST addr add $HOST_LO4/32 dev lo
    ip -n $HOST addr add $HOST_LO6/128 dev lo
    ip -n $SPINE addr add $SPINE_LO4/32 dev lo
    ip -n $SPINE addr add $SPINE_LO6/128 dev lo
    local batch="$WORK/spine-routes.batch" i
    : >"$batch"
    for ((i = 0; i < SPINE_V4; i++)); do echo "route add blackhole $(spine_prefix4 $i)" >>"$batch"; done
    for ((i = 0; i < SPINE_V6; i++)); do echo "route add blackhole $(spine_prefix6 $i)" >>"$batch"; done
    ip -n $SPINE -batch "$batch"
}

# fabric_up [EXTRA_YAML]: the whole fabric with bgpd running on the host.
fabric_up() {
    fabric_links
    frr_start $SPINE "$(fabric_spine_conf)"
    frr_start $TOR1 "$(fabric_tor_conf $TOR1 65011 10.255.2.1 "${P}t1h" "${P}t1s")"
    frr_start $TOR2 "$(fabric_tor_conf $TOR2 65012 10.255.3.1 "${P}t2h" "${P}t2s")"
    bgpd_start $HOST "$(fabric_host_conf "${1:-}")"
}

# fabric_restart_bgpd [EXTRA_YAML]: start bgpd on the host again (after it stopped or was killed).
fabric_restart_bgpd() { bgpd_start $HOST "$(fabric_host_conf "${1:-}")"; }

bgpd_pid() { cat "$WORK/$HOST/swiftbgpd.pid"; }

# ---- what the host sees ---------------------------------------------------------------------

# established_both: both of bgpd's sessions are Established.
established_both() { bgpd_jq $HOST summary '[.neighbors[] | select(.state == "Established")] | length == 2'; }

# frr_established NS IF: FRR's session on IF is Established.
frr_established() { frr_jq "$1" "show bgp neighbors $2 json" ".[\"$2\"].bgpState == \"Established\""; }

# fabric_ready: everything the host should have is in its Loc-RIB and FIB.
locrib_full() {
    bgpd_jq $HOST summary ".locRIB[\"ipv4-unicast\"] >= $((FABRIC_V4 + 1)) and .locRIB[\"ipv6-unicast\"] >= $((FABRIC_V6 + 1))"
}
fib_full() { bgpd_jq $HOST summary ".fib[\"ipv4-unicast\"] >= $FABRIC_V4 and .fib[\"ipv6-unicast\"] >= $FABRIC_V6"; }

# kernel_nexthop_sets FAMILY(-4|-6): the host's proto-bgp routes in the kernel, grouped by the
# set of next hops they forward to, as JSON: {"fe80::...@h1,fe80::...@h2": 4001, ...}. Routes
# are resolved through their nexthop objects and groups (`ip -j nexthop`); a route without a
# nexthop object counts as "no-nhid". awk counts routes per nhid (jq on thousands of routes
# would take most of a second, which would blur the failover time measured with it).
kernel_nexthop_sets() {
    local per_nhid
    per_nhid=$(ip -n $HOST "$1" route show proto bgp | awk '
        $1 == "nexthop" { next }
        { n = "none"; for (i = 2; i < NF; i++) if ($i == "nhid") n = $(i + 1); c[n]++ }
        END { printf "{"; sep = ""; for (k in c) { printf "%s\"%s\":%d", sep, k, c[k]; sep = "," }; printf "}" }')
    ip -n $HOST -j nexthop show | jq -c --argjson c "$per_nhid" '
        (map({key: (.id | tostring), value: .}) | from_entries) as $nh
        | def hops($id): ($nh[$id]) as $o
            | if $o == null then ["missing"]
              elif $o.group then [$o.group[] | hops(.id | tostring)[]]
              else ["\($o.gateway)@\($o.dev)"] end;
        [$c | to_entries[] | {key: (if .key == "none" then "no-nhid" else (hops(.key) | sort | join(",")) end), value}]
        | group_by(.key) | map({key: .[0].key, value: (map(.value) | add)}) | from_entries'
}
BOTH_SET="$TOR1_LL@$H1,$TOR2_LL@$H2"

# kernel_all_via SET COUNT4 COUNT6: every proto-bgp route forwards to exactly SET, and there are
# at least COUNT4 IPv4 and COUNT6 IPv6 of them.
kernel_all_via() {
    local set=$1 v4 v6
    v4=$(kernel_nexthop_sets -4) v6=$(kernel_nexthop_sets -6)
    [ -n "$v4" ] && [ -n "$v6" ] || return 1
    jq -en --argjson a "$v4" --argjson b "$v6" --arg s "$set" --argjson c4 "$2" --argjson c6 "$3" \
        '($a | keys == [$s]) and ($b | keys == [$s]) and $a[$s] >= $c4 and $b[$s] >= $c6' >/dev/null
}

# ping_loop SECONDS INTERVAL OUTFILE: pings the spine's loopback from the host's loopback in the
# background; `ping_loss OUTFILE` reads the number of lost packets once it has ended.
ping_loop() {
    ip netns exec $HOST ping -n -q -I $HOST_LO4 -i "$2" -w "$1" -W 1 $SPINE_LO4 >"$3" 2>&1 &
    echo $! >"$3.pid"
}
ping_wait() { local pid; pid=$(cat "$1.pid"); wait "$pid" 2>/dev/null || true; }
ping_loss() { awk '/packets transmitted/ { print $1 - $4 }' "$1"; }
ping_sent() { awk '/packets transmitted/ { print $1 }' "$1"; }

now_ms() { date +%s%3N; }
