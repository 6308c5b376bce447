#!/usr/bin/env bash
# Fuzzes the netlink decoders (FIBNetlink's wire layer) with libFuzzer for a short while, seeded
# with the kernel dumps, iproute2 requests and error answers in Tests/FIBNetlinkTests/Fixtures.
#
#   bash Tests/interop/fib-fuzz.sh            # 10 s (what scripts/test.sh runs)
#   FIB_FUZZ_SECONDS=600 bash Tests/interop/fib-fuzz.sh
#
# Exits non-zero on a crash; the input is left in .build/fib-fuzz/out/ (make it a regression test
# in Tests/FIBNetlinkTests/DecoderRobustnessTests.swift).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=/opt/swift/usr/bin:$PATH
dir=.build/fib-fuzz
mkdir -p "$dir/seeds" "$dir/corpus" "$dir/out"
flags=(-O -sanitize=fuzzer,address -parse-as-library -enable-testing -module-cache-path "$dir/module-cache")

stamp=$(cat Sources/NetAddress/*.swift Sources/FIBNetlink/Wire/*.swift Tests/FIBNetlinkTests/Fuzz/FuzzNetlink.swift | sha256sum | cut -c1-16)
if [ ! -x "$dir/FuzzNetlink" ] || [ ! -f "$dir/stamp-$stamp" ]; then
    rm -f "$dir"/stamp-*
    swiftc "${flags[@]}" -wmo -module-name NetAddress -emit-module -emit-module-path "$dir/NetAddress.swiftmodule" \
        -emit-object -o "$dir/NetAddress.o" Sources/NetAddress/*.swift 2>&1 | { grep -v "Cannot export local symbol" || true; }
    # The wire layer alone: it has no system dependencies beyond the standard library.
    swiftc "${flags[@]}" -wmo -module-name FIBNetlink -I "$dir" -emit-module -emit-module-path "$dir/FIBNetlink.swiftmodule" \
        -emit-object -o "$dir/FIBNetlink.o" Sources/FIBNetlink/Wire/*.swift 2>&1 | { grep -v "Cannot export local symbol" || true; }
    swiftc "${flags[@]}" -I "$dir" Tests/FIBNetlinkTests/Fuzz/FuzzNetlink.swift "$dir/NetAddress.o" "$dir/FIBNetlink.o" \
        -o "$dir/FuzzNetlink" 2>&1 | { grep -v "Cannot export local symbol" || true; }
    touch "$dir/stamp-$stamp"
fi

# Seeds: every captured buffer as a binary file.
python3 - "$dir/seeds" <<'PY'
import sys, os, glob
out = sys.argv[1]
fx = "Tests/FIBNetlinkTests/Fixtures"
n = 0
for path in glob.glob(fx + "/dumps/*.hex") + [fx + "/requests.txt", fx + "/errors.txt"]:
    for line in open(path):
        line = line.strip()
        if not line or line[0] in "#$" or line.startswith("##"):
            continue
        try:
            data = bytes.fromhex(line)
        except ValueError:
            continue
        open(os.path.join(out, "seed-%04d" % n), "wb").write(data)
        n += 1
PY

seconds=${FIB_FUZZ_SECONDS:-10}
echo "== FuzzNetlink (${seconds}s)"
if ! "$dir/FuzzNetlink" -max_total_time="$seconds" -max_len=65536 -artifact_prefix="$dir/out/" -print_final_stats=1 \
        "$dir/corpus" "$dir/seeds" 2>"$dir/log.txt"; then
    echo "!! FuzzNetlink found a crash: see $dir/out/" >&2
    tail -30 "$dir/log.txt" >&2
    exit 1
fi
grep -E "stat::number_of_executed_units" "$dir/log.txt" | tail -1 || true
