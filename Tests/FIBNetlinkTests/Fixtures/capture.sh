#!/usr/bin/env bash
# Regenerates the golden netlink captures in this folder (run as root, needs strace and iproute2).
#
#   bash Tests/FIBNetlinkTests/Fixtures/capture.sh
#
# requests.txt: for each case, the iproute2 command and the bytes it handed to sendmsg(2) on its
#   rtnetlink socket (fd 3), taken with `strace -e trace=sendmsg,sendto -e write=3`. The sequence number
#   is normalised to 1 (iproute2 uses the time of day); iproute2 sends pid 0 already. Bytes after
#   nlmsg_len (iproute2 sends its whole request struct for dumps) are cut.
# dumps/NAME.hex + dumps/NAME.json: what the kernel answered to a dump (`strace -e read=3`,
#   every recvmsg that carried data), with sequence numbers normalised to 1 and port ids to 0,
#   and `ip -j` output of the same state, for cross-checking the decoder.
# errors.txt: kernel error answers (with extended ACK text) for requests that must fail.
#
# The namespaces fb-cap and fb-cappeer are created here and always removed on exit.
set -euo pipefail
cd "$(dirname "$0")"
NS=fb-cap PEER=fb-cappeer
cleanup() { ip netns del $NS 2>/dev/null || true; ip netns del $PEER 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $NS; ip netns add $PEER
I="ip -n $NS"
# ifindex 2 = fb-a, 3 = fb-b, 4 = fb-down, 5 = fb-br, 6 = fb-vx (created in this order).
$I link add fb-a address 02:00:00:00:fb:0a type veth peer name fb-a-p address 02:00:00:00:fb:1a netns $PEER
$I link add fb-b address 02:00:00:00:fb:0b type veth peer name fb-b-p address 02:00:00:00:fb:1b netns $PEER
$I link add fb-down address 02:00:00:00:fb:0d type veth peer name fb-down-p netns $PEER
$I link add fb-br address 02:00:00:00:fb:b0 type bridge
$I link add fb-vx address 02:00:00:00:fb:e0 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning
$I link set fb-vx master fb-br
for l in lo fb-a fb-b fb-br fb-vx; do $I link set $l up; done
for l in fb-a-p fb-b-p; do ip -n $PEER link set $l up; done
$I addr add 10.0.0.1/24 dev fb-a
$I addr add 10.0.1.1/24 dev fb-b
$I addr add 2001:db8:a::1/64 dev fb-a nodad
$I addr add 10.100.0.1/24 dev fb-br
sleep 1

# hex of every write to fd 3 of the last sendmsg, seq normalised
sent_hex() {
    ip netns exec $NS strace -f -e trace=sendmsg,sendto -e write=3 -e signal=none "$@" 2>&1 >/dev/null \
        | awk '/^(sendmsg|sendto)\(3,/{buf=""} /^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  /{ line=substr($0, 11, 49); gsub(/ /, "", line); buf=buf line } END{print buf}' \
        | python3 -c 'import sys; h=sys.stdin.read().strip(); b=bytearray.fromhex(h); b[8:12]=(1).to_bytes(4,"little"); print(b[:int.from_bytes(b[0:4],"little")].hex())'
}
# every recvmsg payload on fd 3, seq and pid normalised in each message
recv_hex() {
    ip netns exec $NS strace -f -e trace=recvmsg -e read=3 -e signal=none "$@" 2>&1 >/dev/null \
        | awk '/^recvmsg\(3,/{ if (buf != "") print buf; buf="" } /^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  /{ line=substr($0, 11, 49); gsub(/ /, "", line); buf=buf line } END{ if (buf != "") print buf }' \
        | python3 -c '
import sys
for h in sys.stdin.read().split():
    b = bytearray.fromhex(h); o = 0
    while o + 16 <= len(b):
        n = int.from_bytes(b[o:o+4], "little")
        b[o+8:o+12] = (1).to_bytes(4, "little"); b[o+12:o+16] = (0).to_bytes(4, "little")
        if int.from_bytes(b[o+4:o+6], "little") == 2 and n >= 36:   # NLMSG_ERROR: the echoed request header
            b[o+28:o+32] = (1).to_bytes(4, "little")
        o += max((n + 3) & ~3, 16)
    print(b.hex())'
}

req() { local name=$1; shift; echo "## $name"; echo "\$ $*"; sent_hex "$@"; echo; }

{
echo "# iproute2 6.1.0 requests on Linux $(uname -r); regenerate with capture.sh. Seq normalised to 1."
echo
req nexthop-v6-gateway          ip nexthop add id 186000001 via fe80::2 dev fb-a proto 186
req nexthop-v6-gateway-b        ip nexthop add id 186000002 via fe80::3 dev fb-b proto 186
req nexthop-v4-gateway          ip nexthop add id 186000004 via 10.0.0.2 dev fb-a proto 186
req nexthop-dev-only            ip nexthop add id 186000005 dev fb-a proto 186
req nexthop-group-weighted      ip nexthop add id 186000003 group 186000001,1/186000002,3 proto 186
req nexthop-group-replace       ip nexthop replace id 186000003 group 186000001 proto 186
req nexthop-delete              ip nexthop del id 186000005
req route-v4-gateway            ip route add 10.1.0.0/24 via 10.0.0.2 dev fb-a proto bgp metric 20
req route-v4-replace-nhid       ip route replace 10.5.0.0/24 nhid 186000003 proto bgp metric 20
req route-v6-replace-nhid       ip -6 route replace 2001:db8:5::/64 nhid 186000001 proto bgp metric 20
req route-v6-gateway            ip -6 route add 2001:db8:1::/64 via fe80::2 dev fb-a proto bgp metric 20
req route-v4-via-inet6          ip route add 10.3.0.0/24 via inet6 fe80::2 dev fb-a proto bgp metric 20
req route-v4-multipath          ip route add 10.2.0.0/24 proto bgp metric 20 nexthop via 10.0.0.2 dev fb-a weight 1 nexthop via 10.0.1.2 dev fb-b weight 3
req route-v4-multipath-inet6    ip route add 10.7.0.0/24 proto bgp metric 20 nexthop via inet6 fe80::2 dev fb-a nexthop via inet6 fe80::3 dev fb-b
req route-v6-multipath          ip -6 route add 2001:db8:2::/64 proto bgp metric 20 nexthop via fe80::2 dev fb-a nexthop via fe80::3 dev fb-b weight 2
req route-v4-blackhole          ip route add blackhole 10.4.0.0/24 proto bgp metric 20
req route-v6-unreachable        ip -6 route add unreachable 2001:db8:4::/48 proto bgp metric 20
req route-v4-table-1000         ip route add 10.8.0.0/24 via 10.0.0.2 dev fb-a proto bgp metric 20 table 1000
req route-v4-delete             ip route del 10.1.0.0/24 proto bgp metric 20
req route-v6-delete             ip -6 route del 2001:db8:1::/64 proto bgp metric 20
req fdb-vxlan-remote-mac        bridge fdb add 02:00:00:00:aa:01 dev fb-vx dst 10.0.0.2 self extern_learn
req fdb-bridge-master           bridge fdb add 02:00:00:00:aa:01 dev fb-vx master extern_learn
req fdb-vxlan-bum               bridge fdb append 00:00:00:00:00:00 dev fb-vx dst 10.0.0.2 self permanent
req fdb-vxlan-remote-mac-delete bridge fdb del 02:00:00:00:aa:01 dev fb-vx dst 10.0.0.2 self
req neigh-svi-v4                ip neigh replace 10.100.0.11 lladdr 02:00:00:00:aa:01 dev fb-br extern_learn nud noarp proto 186
req neigh-svi-v6                ip neigh replace fe80::ff:fe00:aa01 lladdr 02:00:00:00:aa:01 dev fb-br extern_learn nud noarp proto 186
req neigh-svi-v4-delete         ip neigh del 10.100.0.11 dev fb-br
req dump-route-v4-proto-bgp     ip -4 route show proto bgp
req dump-nexthop                ip nexthop show
} > requests.txt

# Restore the state the dumps should show (the requests above deleted some of it).
$I route add 10.1.0.0/24 via 10.0.0.2 dev fb-a proto bgp metric 20
bridge -n $NS fdb add 02:00:00:00:aa:01 dev fb-vx dst 10.0.0.2 self extern_learn
ip -n $NS neigh replace 10.100.0.11 lladdr 02:00:00:00:aa:01 dev fb-br extern_learn nud noarp proto 186

mkdir -p dumps
dump() {
    local name=$1 json=$2; shift 2
    { echo "# \$ $*"; recv_hex "$@"; } > dumps/$name.hex
    ip -n $NS -j $json > dumps/$name.json
}
dump route-v4     "-d route show table all"       ip -d -4 route show table all
dump route-v6     "-d -6 route show table all"    ip -d -6 route show table all
dump nexthop      "nexthop show"                  ip nexthop show
dump link         "-d link show"                  ip -d link show
dump address      "addr show"                     ip addr show
dump neigh        "neigh show"                    ip neigh show
ip -n $NS -j -d -4 route show table all > dumps/route-v4.json
ip -n $NS -j -d -6 route show table all > dumps/route-v6.json
{ echo "# \$ bridge fdb show"; recv_hex bridge fdb show; } > dumps/fdb.hex
bridge -n $NS -j fdb show > dumps/fdb.json

err() { local name=$1; shift; echo "## $name"; echo "\$ $*"; { recv_hex "$@" || true; } | tail -1; echo; }
{
echo "# kernel error answers (NLMSGERR with extended ACK) on Linux $(uname -r); regenerate with capture.sh."
echo
err route-gateway-down-link     ip route add 10.9.0.0/24 via 10.0.2.2 dev fb-down proto bgp metric 20
err nexthop-gateway-down-link   ip nexthop add id 186000009 via 10.0.2.2 dev fb-down proto 186
err nexthop-group-missing-member ip nexthop add id 186000010 group 186000001/186000099 proto 186
err route-delete-missing        ip route del 10.99.0.0/24 proto bgp metric 20
} > errors.txt
echo "captured: $(grep -c '^## ' requests.txt) requests, $(ls dumps/*.hex | wc -l) dumps, $(grep -c '^## ' errors.txt) errors"
