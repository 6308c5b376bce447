#!/usr/bin/env bash
# Scale probe (not a test: it asserts nothing and is not run by scripts/test.sh; the .bash name
# keeps it out of the *.sh glob). FRR redistributes N kernel blackhole routes to bgpd over an
# unnumbered session; prints how long bgpd takes to accept them, count them for the FIB and have
# them in the kernel, bgpd's memory, and how long `show summary` takes.
#   N=100000 BGPD=.build/release/bgpd bash Tests/interop/scale-frr.bash
source "$(dirname "$0")/lib.bash"
N=${N:-100000}
A=dm-sa F=dm-sf
netns $A; netns $F
veth $A dm-sa0 02:00:00:00:d6:01 $F dm-sf0 02:00:00:00:d6:02
python3 -c "
for i in range($N):
    print('route add blackhole %d.%d.%d.0/24' % (20 + i // 65536, (i // 256) % 256, i % 256))
" > $WORK/routes.batch
ip -n $F -batch $WORK/routes.batch
frr_start $F "frr defaults datacenter
hostname $F
router bgp 65002
 bgp router-id 10.0.0.2
 no bgp ebgp-requires-policy
 timers bgp 3 9
 neighbor dm-sf0 interface remote-as external
 neighbor dm-sf0 timers connect 1
 neighbor dm-sf0 advertisement-interval 0
 address-family ipv4 unicast
  redistribute kernel
 exit-address-family" >/dev/null 2>&1
sleep 5
bgpd_start $A "asn: 65001
router-id: 10.0.0.1
ebgp-requires-policy: false
timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
neighbors:
  - interface: dm-sa0
    remote-as: external
$(bgpd_paths $A)" >/dev/null 2>&1
t0=$(date +%s.%N)
until bgpd_jq $A summary ".neighbors[0].prefixesAccepted >= $N" 2>/dev/null; do sleep 0.2; done
t1=$(date +%s.%N)
until [ "$(bgpd_cli $A show summary --json | jq '.fib["ipv4-unicast"]')" -ge "$N" ]; do sleep 0.2; done
t2=$(date +%s.%N)
until [ "$(ip -n $A -4 route show proto bgp | wc -l)" -ge "$N" ]; do sleep 0.5; done
t3=$(date +%s.%N)
pid=$(cat $WORK/$A/swiftbgpd.pid)
echo "N=$N received+accepted: $(echo "$t1 - $t0" | bc) s; FIB counted: $(echo "$t2 - $t0" | bc) s; in kernel: $(echo "$t3 - $t0" | bc) s"
grep -E "VmRSS|VmHWM" /proc/$pid/status
s0=$(date +%s%N); bgpd_cli $A show summary >/dev/null; s1=$(date +%s%N); echo "show summary: $(( (s1 - s0) / 1000000 )) ms"
ps -o cputime= -p $pid
