# SPDX-License-Identifier: GPL-2.0
#
# make run: load toyalloc, fragment its zone with a seeded workload and
# watch it, give everything back and watch the zone coalesce; then a cache
# growing and shrinking in /proc/toyslabinfo; a filesystem on toyblk
# taking pages and fstrim giving them back.  Lines between "=== BEGIN x"
# and "=== END x" are data the host turns into pictures (scripts/plot.sh).
. /guest/lib.sh

say() {
	echo
	echo "\$ $*"
	"$@"
}

load nr_blocks=8
dmesg | grep 'toyalloc: zone'
say cat /proc/toybuddyinfo

echo
echo "# A seeded workload of 20 x 500 operations: page blocks of every order and"
echo "# toy_kmalloc objects of 8 B..16 KiB, 3 allocations for every 2 frees."
echo "=== BEGIN timeline"
echo "step $(awk '{ for (i = 5; i <= 15; i++) printf "%s ", $i }' /proc/toybuddyinfo)"
for step in $(seq 1 20); do
	toyctl workload "$step" 500 >/tmp/workload.out
	echo "$step $(awk '{ for (i = 5; i <= 15; i++) printf "%s ", $i }' /proc/toybuddyinfo)"
done
echo "=== END timeline"
echo "# last run: $(cat /tmp/workload.out)"
say cat /proc/toybuddyinfo
say toyctl frag
echo
echo "=== BEGIN map"
toyctl map
echo "=== END map"
say toyctl validate
say sh -c 'toyctl stats | head -12'

echo
echo "# Give everything back: the workload's blocks and objects, then the free"
echo "# slabs the kmalloc caches keep; the zone merges back to order-10 blocks."
say toyctl release
say toyctl shrink
say cat /proc/toybuddyinfo

echo
echo "# A cache of 200-byte objects grows by 300 allocations and shrinks back."
say toyctl cache-create demo-200 200 0
for i in $(seq 1 300); do
	toyctl cache-alloc demo-200 >/dev/null
done
say grep -E '^(# name|demo-200)' /proc/toyslabinfo
say toyctl release
say toyctl shrink
say grep demo-200 /proc/toyslabinfo
say toyctl cache-destroy demo-200

echo
echo "# The toyalloc tracepoints, through ftrace."
echo 1 >/sys/kernel/tracing/events/toyalloc/enable
toyctl alloc 2 >/dev/null
toyctl kmalloc 100 >/dev/null
toyctl release >/dev/null
echo 0 >/sys/kernel/tracing/events/toyalloc/enable
say sh -c "grep -o 'toy_[a-z_]*: .*' /sys/kernel/tracing/trace"

echo
echo "# toyblk: a RAM disk whose pages come from the zone.  ext4 on it, files"
echo "# copied in, then removed and trimmed: the pages go back and merge."
load_ext4
say insmod /toyblk.ko size_mb=24
say /usr/sbin/mkfs.ext4 -q -F -b 4096 -N 1024 /dev/toyblk0
mkdir -p /mnt
say mount -t ext4 /dev/toyblk0 /mnt
say cp -a /lib /mnt/lib
say sync
say cat /proc/toybuddyinfo
say grep -E '^(# name|toyblk-node)' /proc/toyslabinfo
say rm -rf /mnt/lib
say sync
say /usr/sbin/fstrim -v /mnt
say toyctl shrink
say cat /proc/toybuddyinfo
say umount /mnt
say rmmod toyblk
say toyctl shrink
say cat /proc/toybuddyinfo

unload
echo
echo "toyalloc unloaded"
