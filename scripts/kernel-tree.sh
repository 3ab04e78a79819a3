#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of the kernel tree used for kunit.py and checkpatch.pl,
# unpacking Debian's linux-source-6.1 into $TOYALLOC_CACHE (default
# ~/.cache/toyalloc, outside the repository) the first time.
set -euo pipefail

cache=${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}
tree=$cache/linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz

if [ ! -f "$tree/Makefile" ]; then
	echo "kernel-tree.sh: unpacking $tarball into $cache (once)" >&2
	mkdir -p "$cache"
	rm -rf "$tree.tmp"
	mkdir "$tree.tmp"
	tar -xf "$tarball" -C "$tree.tmp" --strip-components=1
	mv "$tree.tmp" "$tree"
fi
echo "$tree"
