#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
#   scripts/debian-kernel.sh [6.1|6.12|6.12-rt]
# Print the release (e.g. 6.1.0-57-amd64) of the Debian kernel whose
# headers the line's meta package installs: linux-headers-amd64 (6.1, the
# default), linux-headers-6.12-amd64 or linux-headers-6.12-rt-amd64.  The
# host may run any kernel: uname -r is not the answer for the VM, which
# boots Debian's kernels.
#
#   scripts/debian-kernel.sh --running
# instead prints the running kernel's build directory when the running
# kernel is a Debian kernel with its headers installed, for building the
# module to load on this machine.
set -euo pipefail

case "${1:-6.1}" in
--running)
	build=/lib/modules/$(uname -r)/build
	if grep -qi debian /proc/version && [ -f "$build/Makefile" ]; then
		echo "$build"
		exit 0
	fi
	echo "debian-kernel.sh: the running kernel is not a Debian kernel with headers" >&2
	exit 1
	;;
6.1)		meta=linux-headers-amd64 ;;
6.12)		meta=linux-headers-6.12-amd64 ;;
6.12-rt)	meta=linux-headers-6.12-rt-amd64 ;;
*)
	echo "debian-kernel.sh: kernel line $1: 6.1, 6.12 or 6.12-rt" >&2
	exit 2
	;;
esac

deps=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null || true)
release=$(sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p' <<<"$deps")
if [ -z "$release" ] || [ ! -d "/usr/src/linux-headers-$release" ]; then
	echo "debian-kernel.sh: $meta is not installed" >&2
	exit 1
fi
echo "$release"
