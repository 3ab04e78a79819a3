#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install toyalloc the way out-of-tree modules are: through DKMS.
#
#   scripts/dkms.sh [RELEASE...]
#
# Copies Kbuild, module/ and module/dkms.conf to /usr/src/toyalloc-VERSION
# (replacing an earlier copy of that version), then "dkms add", and
# "dkms install" for each RELEASE (default: every kernel in /lib/modules
# with headers), which builds the modules and puts them in
# /lib/modules/RELEASE/updates/dkms, where modprobe finds them after
# depmod.  Later kernels get them built by DKMS when they are installed.
# Root only.  Prints one line per kernel.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=toyalloc
version=1.0
src=/usr/src/$name-$version

if [ "$(id -u)" -ne 0 ]; then
	echo "dkms.sh: run as root" >&2
	exit 1
fi
command -v dkms >/dev/null || { echo "dkms.sh: dkms is not installed (make deps)" >&2; exit 1; }

# Captured, not piped into grep -q: that would end dkms with SIGPIPE.
if [ -n "$(dkms status -m "$name" -v "$version" 2>/dev/null)" ]; then
	dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1
fi
rm -rf "$src"
mkdir -p "$src"
cp "$top/Kbuild" "$src/"
cp -r "$top/module" "$src/"
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*' \) -delete
sed "s/@VERSION@/$version/" "$top/module/dkms.conf" >"$src/dkms.conf"
dkms add -m "$name" -v "$version" >/dev/null

releases=("$@")
if [ ${#releases[@]} -eq 0 ]; then
	for dir in /lib/modules/*/build; do
		[ -e "$dir/Makefile" ] && releases+=("$(basename "$(dirname "$dir")")")
	done
fi
status=0
for release in "${releases[@]}"; do
	if dkms install -m "$name" -v "$version" -k "$release" >"/tmp/dkms-$name-$release.log" 2>&1; then
		echo "dkms.sh: $name $version installed for $release"
	else
		echo "dkms.sh: $name $version failed for $release (see /tmp/dkms-$name-$release.log)"
		status=1
	fi
done
exit $status
