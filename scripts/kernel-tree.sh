#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
#   scripts/kernel-tree.sh [6.1|6.12]
# Print the path of a Debian kernel source tree for kunit.py and
# checkpatch.pl, unpacking linux-source-6.1 (the default) or
# linux-source-6.12 into $TOYALLOC_CACHE (default ~/.cache/toyalloc,
# outside the repository) the first time.
set -euo pipefail

line=${1:-6.1}
cache=${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}
tree=$cache/linux-source-$line
tarball=/usr/src/linux-source-$line.tar.xz

if [ ! -f "$tree/Makefile" ]; then
	echo "kernel-tree.sh: unpacking $tarball into $cache (once)" >&2
	mkdir -p "$cache"
	rm -rf "$tree.tmp"
	mkdir "$tree.tmp"
	tar -xf "$tarball" -C "$tree.tmp" --strip-components=1
	mv "$tree.tmp" "$tree"
fi
echo "$tree"
