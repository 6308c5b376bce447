#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ against NetAddress and BGP (with ASan and coverage) and
# runs each one.
#
#   fuzz/run.sh --short            a few seconds per target (CI); exits non-zero on any crash
#   fuzz/run.sh --runs 10000000    that many executions per target
#   fuzz/run.sh --runs N TARGET    one target (FuzzMessage, FuzzAttributes, FuzzIPv4NLRI, ...)
#
# Seeds are in fuzz/seeds/<target> (the captures' messages, cut up by fuzz/seed.py); the runs grow
# fuzz/corpus/<target> (not committed). Crashes are written to fuzz/out/<target>/ and every one becomes a
# regression test in Tests/BGPTests/FuzzResultTests.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

mode=long
runs=10000000
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --short) mode=short ;;
        --runs) runs="$2"; shift ;;
        Fuzz*) only="$1" ;;
        *) echo "usage: fuzz/run.sh [--short | --runs N] [TARGET]" >&2; exit 2 ;;
    esac
    shift
done

bin=fuzz/bin
mkdir -p "$bin" fuzz/out
flags=(-O -sanitize=fuzzer,address -parse-as-library -enable-testing -module-cache-path "$bin/module-cache")

# The library modules, instrumented, built once per source change.
stamp=$(cat Sources/NetAddress/*.swift Sources/BGP/*/*.swift fuzz/run.sh | sha256sum | cut -c1-16)
if [ ! -f "$bin/stamp-$stamp" ]; then
    rm -f "$bin"/stamp-*
    # (gold warns about every ASan helper symbol; the warnings are noise.)
    swiftc "${flags[@]}" -wmo -module-name NetAddress -emit-module -emit-module-path "$bin/NetAddress.swiftmodule" \
        -emit-object -o "$bin/NetAddress.o" Sources/NetAddress/*.swift
    swiftc "${flags[@]}" -wmo -module-name BGP -I "$bin" -emit-module -emit-module-path "$bin/BGP.swiftmodule" \
        -emit-object -o "$bin/BGP.o" $(find Sources/BGP -name '*.swift' | sort)
    touch "$bin/stamp-$stamp"
fi

targets=()
for f in fuzz/Fuzz*.swift; do
    t=$(basename "$f" .swift)
    if [ -n "$only" ] && [ "$t" != "$only" ]; then continue; fi
    targets+=("$t")
    if [ ! -x "$bin/$t" ] || [ "$f" -nt "$bin/$t" ] || [ "$bin/stamp-$stamp" -nt "$bin/$t" ]; then
        swiftc "${flags[@]}" -I "$bin" "$f" "$bin/NetAddress.o" "$bin/BGP.o" -o "$bin/$t" 2>&1 \
            | { grep -v "Cannot export local symbol" || true; }
    fi
done

status=0
for t in "${targets[@]}"; do
    corpus=fuzz/corpus/$t
    mkdir -p "$corpus" "fuzz/out/$t"
    if [ "$mode" = short ]; then
        limit=(-max_total_time=5)
    else
        limit=(-runs="$runs")
    fi
    echo "== $t"
    if ! "$bin/$t" "${limit[@]}" -max_len=4096 -artifact_prefix="fuzz/out/$t/" -print_final_stats=1 \
            "$corpus" "fuzz/seeds/$t" 2>"fuzz/out/$t/log.txt"; then
        echo "!! $t found a crash: see fuzz/out/$t/" >&2
        tail -30 "fuzz/out/$t/log.txt" >&2
        status=1
    fi
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "fuzz/out/$t/log.txt" | tail -2 || true
done
exit $status
