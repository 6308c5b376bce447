#!/usr/bin/env bash
# Installs every package the build and the tests need on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(libbsd-dev iproute2 tshark tcpdump frr bird2 gobgpd strace jq bc iputils-ping procps psmisc)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# FRR is started per test in namespaces; the packaged service must not hold port 179 or zebra's sockets.
systemctl stop frr bird gobgpd 2>/dev/null || true
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || { echo "missing package: $p" >&2; exit 1; }
done
command -v swift >/dev/null || [ -x /opt/swift/usr/bin/swift ] || { echo "swift toolchain not found" >&2; exit 1; }
