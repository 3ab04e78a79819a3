#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run toyalloc's KUnit suites with the kernel's own kunit.py.
#
#   scripts/kunit.sh [kunit.py run options...]
#
# The kernel tree is Debian's linux-source-6.1, or linux-source-6.12 with
# KUNIT_KERNEL=6.12, unpacked once outside the repository by
# scripts/kernel-tree.sh; builds are cached beside it.
# This repository is linked into it as drivers/toyalloc (Kconfig from
# module/Kconfig), and kunit.py runs with kunit/.kunitconfig.
# KUNIT_ARCH=x86_64 runs under QEMU with 2 CPUs instead of UML.
# KUNIT_CONFIG=sanitizers uses kunit/sanitizers.kunitconfig (KASAN, UBSAN,
# KFENCE, kmemleak, lockdep, ...; x86_64 only) and boots with init_on_alloc
# and init_on_free; KUNIT_CONFIG=rt adds kunit/rt.kunitconfig's
# PREEMPT_RT to the same checkers (6.12 only).
# KUNIT_TIMEOUT (seconds, default 1800) bounds the whole build and run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${KUNIT_KERNEL:-6.1}
tree=$("$top/scripts/kernel-tree.sh" "$kernel")
arch=${KUNIT_ARCH:-um}
config=${KUNIT_CONFIG:-}
# 6.1's builds keep their first names, so that existing caches stay warm.
build=$(dirname "$tree")/build$([ "$kernel" = 6.1 ] || echo "-$kernel")-$arch${config:+-$config}
kunitconfigs=(--kunitconfig="$top/kunit/.kunitconfig")
case "$config" in
sanitizers|bench)
	kunitconfigs=(--kunitconfig="$top/kunit/$config.kunitconfig") ;;
rt)
	kunitconfigs=(--kunitconfig="$top/kunit/sanitizers.kunitconfig"
		      --kunitconfig="$top/kunit/rt.kunitconfig") ;;
esac

ln -sfn "$top" "$tree/drivers/toyalloc"
sed -i '/drivers\/toyalloc\//d' "$tree/drivers/Kconfig"
sed -i '$i source "drivers/toyalloc/module/Kconfig"' "$tree/drivers/Kconfig"
grep -q 'toyalloc/' "$tree/drivers/Makefile" ||
	echo 'obj-$(CONFIG_TOYALLOC) += toyalloc/' >>"$tree/drivers/Makefile"

args=(--build_dir="$build" "${kunitconfigs[@]}"
	--jobs="$(nproc)" --timeout=900)
if [ "$arch" != um ]; then
	args+=(--arch="$arch" --qemu_args='-smp 2')
fi
if [ "$config" = sanitizers ] || [ "$config" = rt ]; then
	args+=(--kernel_args=init_on_alloc=1 --kernel_args=init_on_free=1)
fi

mkdir -p "$build"
# make trusts timestamps: objects built from another checkout may be newer
# than this one's sources and would be linked in unseen.  Build afresh when
# the checkout behind drivers/toyalloc changes.
if [ "$(cat "$build/.toyalloc-source" 2>/dev/null)" != "$top" ]; then
	rm -rf "$build/drivers/toyalloc"
	echo "$top" >"$build/.toyalloc-source"
fi
cd "$tree"
exec timeout -k 10 "${KUNIT_TIMEOUT:-1800}" \
	python3 tools/testing/kunit/kunit.py run "${args[@]}" "$@"
