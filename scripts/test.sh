#!/usr/bin/env bash
# The whole test suite: unit and capture tests, netlink and interop tests in network namespaces,
# and a short fuzz run per decoder. Run as root. With CI=true, a test that cannot run because
# something is missing fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

step() { echo "== $1 (at ${SECONDS}s)"; }
step build
swift build --build-tests

step "swift test"
swift test --skip-build --parallel

if compgen -G "Tests/interop/*.sh" >/dev/null; then
    for t in Tests/interop/*.sh; do
        step "$t"
        bash "$t"
    done
fi

step "demo/run.sh (on the debug build)"
BGPD=$PWD/.build/debug/bgpd bash demo/run.sh >/tmp/swiftbgp-demo.log 2>&1 || { cat /tmp/swiftbgp-demo.log; exit 1; }
[ "$(grep -c ", 0% packet loss" /tmp/swiftbgp-demo.log)" = 2 ] || { cat /tmp/swiftbgp-demo.log; echo "demo: the pings failed"; exit 1; }

if [ -x fuzz/run.sh ]; then
    step "fuzz (short run)"
    fuzz/run.sh --short
fi
echo "== all tests passed in ${SECONDS}s"
