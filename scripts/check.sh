#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks: checkpatch.pl --strict on every C file and header, and
# sparse over the module (make C=2).  Prints what they find; exits non-zero
# if either finds anything.
#   scripts/check.sh [checkpatch|sparse]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
status=0

if [ "$what" = all ] || [ "$what" = checkpatch ]; then
	tree=$("$top/scripts/kernel-tree.sh") || exit 1
	cd "$top"
	files=$(find module kunit qemu -name '*.[ch]' -not -path 'qemu/build/*' | sort)
	# shellcheck disable=SC2086
	"$tree/scripts/checkpatch.pl" --no-tree --strict --quiet \
		--ignore FILE_PATH_CHANGES -f $files || status=1
fi

if [ "$what" = all ] || [ "$what" = sparse ]; then
	kver=$("$top/scripts/debian-kernel.sh") || exit 1
	if ! command -v sparse >/dev/null; then
		echo "check.sh: sparse is not installed" >&2
		exit 1
	fi
	if ! out=$(make -s -C "/usr/src/linux-headers-$kver" M="$top" CONFIG_TOYALLOC=m \
		CONFIG_TOYALLOC_CTL=m CONFIG_TOYALLOC_BLK=m C=2 modules 2>&1); then
		echo "$out"
		status=1
	elif grep -E 'warning:|error:' <<<"$out"; then
		status=1
	fi
fi
exit $status
