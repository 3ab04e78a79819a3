#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, everything toyalloc needs to build the
# modules for Debian's kernels (6.1, 6.12, 6.12-rt), boot them in QEMU,
# run kunit.py from the 6.1 and 6.12 trees and install through DKMS; and for
# toymalloc, the real programs its tests run and the allocators its
# benchmark compares it with.  Idempotent: when every package
# is already present it only checks and returns.
set -euo pipefail

packages=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod
	python3 rsync xz-utils cpio sparse procps bsdextrautils
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	linux-headers-6.12-amd64 linux-image-6.12-amd64 linux-source-6.12
	linux-headers-6.12-rt-amd64 linux-image-6.12-rt-amd64 dkms
	strace binutils sqlite3 git perl time
	libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4
	qemu-system-x86 qemu-system-data busybox-static gnuplot-nox
	e2fsprogs util-linux fio
)

missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$pkg")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
