# SPDX-License-Identifier: GPL-2.0
#
# make bench, in the VM: the benchmark on Debian's kernel with 2 CPUs, and
# the slab layouts of the kernel's kmalloc caches next to toyalloc's.
# benchops= and benchreps= come from the kernel command line.
. /guest/lib.sh

load
dmesg -c >/dev/null
toyctl bench "${benchops:-20000}" "${benchreps:-5}"
echo "=== BEGIN bench"
dmesg | grep -o 'toyalloc_ctl: bench.*'
echo "=== END bench"
echo "=== BEGIN slabinfo-kernel"
grep -E '^kmalloc-[0-9]+k? ' /proc/slabinfo
echo "=== END slabinfo-kernel"
echo "=== BEGIN slabinfo-toy"
grep '^toy-kmalloc-' /proc/toyslabinfo
echo "=== END slabinfo-toy"
unload
