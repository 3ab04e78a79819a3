#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the release (e.g. 6.1.0-56-amd64) of the Debian kernel whose headers
# linux-headers-amd64 installs.  The host may run any kernel: uname -r is
# not the answer for the VM, which boots Debian's kernel.
#
#   scripts/debian-kernel.sh --running
# instead prints the running kernel's build directory when the running
# kernel is a Debian kernel with its headers installed, for building the
# module to load on this machine.
set -euo pipefail

if [ "${1:-}" = --running ]; then
	build=/lib/modules/$(uname -r)/build
	if grep -qi debian /proc/version && [ -f "$build/Makefile" ]; then
		echo "$build"
		exit 0
	fi
	echo "debian-kernel.sh: the running kernel is not a Debian kernel with headers" >&2
	exit 1
fi

deps=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null || true)
release=$(sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p' <<<"$deps")
if [ -z "$release" ] || [ ! -d "/usr/src/linux-headers-$release" ]; then
	echo "debian-kernel.sh: linux-headers-amd64 is not installed" >&2
	exit 1
fi
echo "$release"
