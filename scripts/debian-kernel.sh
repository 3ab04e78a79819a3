#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the release (e.g. 6.1.0-56-amd64) of the Debian kernel whose headers
# linux-headers-amd64 installs.  The host may run any kernel: uname -r is
# never the answer.
set -euo pipefail

deps=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
release=$(sed -n 's/.*linux-headers-\([^ ,]*-amd64\).*/\1/p' <<<"$deps")
if [ -z "$release" ] || [ ! -d "/usr/src/linux-headers-$release" ]; then
	echo "debian-kernel.sh: linux-headers-amd64 is not installed" >&2
	exit 1
fi
echo "$release"
