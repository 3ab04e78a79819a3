# SPDX-License-Identifier: GPL-2.0
#
# The toyblk test: /dev/toyblk0 under ext4, e2fsck, fstrim and blkdiscard,
# with the zone large enough and too small, plain and with toyalloc's full
# debugging.  Every program is Debian's, called by its full path.
. /guest/lib.sh

MKFS="/usr/sbin/mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0,nodiscard"
E2FSCK=/usr/sbin/e2fsck
FSTRIM=/usr/sbin/fstrim
BLKDISCARD=/usr/sbin/blkdiscard
FALLOCATE=/usr/bin/fallocate
DEV=/dev/toyblk0
NOPAGE="the toyalloc zone has no free page"

load_blk() {	# load_blk NR_BLOCKS SIZE_MB [toyalloc parameters]
	nr=$1
	size=$2
	shift 2
	load nr_blocks="$nr" "$@" && insmod /toyblk.ko size_mb="$size"
}

unload_blk() {
	rmmod toyblk && unload
}

# The disk reads as zeros from START to its end, in MiB.
reads_zero() {	# reads_zero SKIP_MIB COUNT_MIB
	[ "$(dd if=$DEV bs=1M skip="$1" count="$2" 2>/dev/null | tr -d '\000' | wc -c)" = 0 ]
}

verify_tree() {
	sync && echo 3 >/proc/sys/vm/drop_caches && (cd /mnt && sha256sum -c -s /tmp/manifest)
}

show() {	# a file into the log, as comments
	sed 's/^/# /' "$@"
}

# One hardware queue per CPU: queue N serves CPU N alone.
queue_per_cpu() {
	n=0
	for q in /sys/block/toyblk0/mq/*; do
		[ "$(cat "$q/cpu_list")" = "${q##*/}" ] || return 1
		n=$((n + 1))
	done
	[ "$n" = "$(grep -c ^processor /proc/cpuinfo)" ]
}

# Two writers at once, one per CPU, then both halves read back.
parallel_writes_ok() {
	taskset 1 dd if=/tmp/pool of=$DEV bs=64k seek=0 oflag=direct 2>/dev/null &
	taskset 2 dd if=/tmp/pool of=$DEV bs=64k seek=128 oflag=direct 2>/dev/null &
	wait
	a=$(dd if=$DEV bs=64k count=64 2>/dev/null | sha256sum)
	b=$(dd if=$DEV bs=64k skip=128 count=64 2>/dev/null | sha256sum)
	p=$(sha256sum </tmp/pool)
	[ "$a" = "$p" ] && [ "$b" = "$p" ]
}

# Write-zeroes of 1 KiB inside a page zeroes exactly those bytes.
write_zeroes_part_ok() {
	dd if=/tmp/pool of=$DEV bs=4096 count=4 conv=fsync 2>/dev/null &&
		$BLKDISCARD -z -o 512 -l 1024 $DEV &&
		head -c 16384 /tmp/pool >/tmp/wz.expect &&
		dd if=/dev/zero of=/tmp/wz.expect bs=512 seek=1 count=2 conv=notrunc 2>/dev/null &&
		dd if=$DEV bs=4096 count=4 2>/dev/null | cmp - /tmp/wz.expect
}

zero_range_provisions() {	# zero_range_provisions USED_BEFORE
	$FALLOCATE -z -o 0 -l 1048576 $DEV && [ "$(zone_used_pages 24)" -ge $(($1 + 256)) ]
}

punch_hole_frees() {	# punch_hole_frees USED_BEFORE
	$FALLOCATE -p -o 0 -l 1048576 $DEV && [ "$(zone_used_pages 24)" -le "$1" ]
}

# The scenario of a zone large enough for the data: ext4, verify, fsck,
# remount, fstrim; raw reads, parallel writes, write-zeroes, blkdiscard.
# $1 names the run, the rest are toyalloc's parameters.
roomy() {
	tag=$1
	shift
	check "$tag: insmod toyalloc nr_blocks=24 $*, toyblk size_mb=64" load_blk 24 64 "$@"
	check "$tag: toyalloc stays while toyblk is loaded" fails rmmod toyalloc
	check "$tag: toyblk0 is 64 MiB" test "$(cat /sys/block/toyblk0/size)" = 131072
	check "$tag: toyblk-node is a cache in /proc/toyslabinfo" \
		grep -q "^toyblk-node " /proc/toyslabinfo
	base=$(zone_used_pages 24)
	check "$tag: a fresh disk reads as zeros" reads_zero 0 64
	check "$tag: reading it took no page (used $base -> $(zone_used_pages 24))" \
		test "$(zone_used_pages 24)" = "$base"
	check "$tag: mkfs.ext4" $MKFS -N 4096 $DEV
	fs=$(zone_used_pages 24)
	check "$tag: mkfs wrote into toyalloc pages (used $base -> $fs)" test "$fs" -gt "$base"
	check "$tag: mount" mount -t ext4 $DEV /mnt
	check "$tag: copy the seeded tree" cp -a /tmp/src/. /mnt/
	check "$tag: after sync and drop_caches every checksum matches" verify_tree
	full=$(zone_used_pages 24)
	show /proc/toybuddyinfo
	check "$tag: the files took pages (used $fs -> $full)" \
		test $((full - fs)) -gt $((24 * 1024 * 1024 / 4096))
	check "$tag: umount" umount /mnt
	check "$tag: e2fsck -fn finds the filesystem clean" $E2FSCK -fn $DEV
	check "$tag: mount again" mount -t ext4 $DEV /mnt
	check "$tag: every checksum matches after the remount" verify_tree
	check "$tag: remove the tree" rm -rf /mnt/a /mnt/d /mnt/e
	sync
	check "$tag: fstrim" $FSTRIM -v /mnt
	trimmed=$(zone_used_pages 24)
	show /proc/toybuddyinfo
	check "$tag: fstrim gave the files' pages back (used $full -> $trimmed, after mkfs $fs)" \
		test "$trimmed" -le $((fs + 64))
	check "$tag: umount after fstrim" umount /mnt
	check "$tag: e2fsck -fn clean after fstrim" $E2FSCK -fn $DEV
	check "$tag: writers on both CPUs at once, both read back" parallel_writes_ok
	check "$tag: one hardware queue per CPU" queue_per_cpu
	check "$tag: write-zeroes of part of a page zeroes only that part" write_zeroes_part_ok
	check "$tag: blkdiscard of the whole disk" $BLKDISCARD $DEV
	check "$tag: the disk reads as zeros after blkdiscard" reads_zero 0 64
	used=$(zone_used_pages 24)
	nodes=$(($(slabinfo_field toyblk-node 15) * $(slabinfo_field toyblk-node 6)))
	check "$tag: blkdiscard gave every data page back (used $used, index $nodes, at load $base)" \
		test $((used - nodes)) -le "$base"
	check "$tag: zero range (REQ_NOUNMAP) of 1 MiB keeps its pages: 256 taken" \
		zero_range_provisions "$used"
	check "$tag: it reads as zeros" reads_zero 0 1
	check "$tag: punch hole of that 1 MiB gives its pages back" punch_hole_frees "$used"
	check "$tag: rmmod toyblk" rmmod toyblk
	check "$tag: the toyblk-node cache is gone" fails grep -q toyblk-node /proc/toyslabinfo
	toyctl shrink >/dev/null
	check "$tag: the zone is whole again: 24 blocks at order 10" \
		buddyinfo_is "0 0 0 0 0 0 0 0 0 0 24"
	check "$tag: validators pass" ctl_says validate ok
	check "$tag: rmmod toyalloc" unload
}

# Write MiB-sized slices of the pool until the disk fails; prints how many
# MiB went in.
fill_until_error() {
	i=0
	while [ $i -lt 32 ]; do
		tail -c +$(( (i % 3) * 1048576 + 1 )) /tmp/pool | head -c 1048576 >/tmp/slice
		dd if=/tmp/slice of=$DEV bs=1M seek=$i oflag=direct 2>/tmp/fill.err || break
		cat /tmp/slice >>/tmp/written
		i=$((i + 1))
	done
	echo $i
}

# The zone too small for what is written: the raw disk, then ext4.
cramped() {
	tag=$1
	shift
	check "$tag: insmod toyalloc nr_blocks=2 $*, toyblk size_mb=32" load_blk 2 32 "$@"
	lines=$(dmesg_count "$NOPAGE")
	rm -f /tmp/written
	mib=$(fill_until_error)
	check "$tag: an 8 MiB zone takes fewer than 32 MiB: a write failed after $mib MiB" \
		test "$mib" -gt 0 -a "$mib" -lt 32
	new=$(($(dmesg_count "$NOPAGE") - lines))
	check "$tag: the failed write gave one rate-limited dmesg line ($new)" \
		test "$new" -ge 1 -a "$new" -le 10
	check "$tag: the failed write ended with an I/O error (EIO)" \
		sh -c 'cat /tmp/fill.err && grep -q "Input/output error" /tmp/fill.err'
	check "$tag: every MiB written before reads back intact" \
		sh -c "dd if=$DEV bs=1M count=$mib 2>/dev/null | cmp - /tmp/written"
	check "$tag: the disk still answers reads past the failure" \
		sh -c "dd if=$DEV of=/dev/null bs=1M 2>/dev/null"
	check "$tag: blkdiscard gives the pages back" $BLKDISCARD $DEV
	check "$tag: after blkdiscard 4 MiB write again" \
		dd if=/tmp/pool of=$DEV bs=1M count=4 oflag=direct
	check "$tag: and read back" sh -c "dd if=$DEV bs=1M count=4 2>/dev/null | cmp - /tmp/pool"
	check "$tag: blkdiscard again" $BLKDISCARD $DEV

	check "$tag: mkfs.ext4 with a small journal" $MKFS -N 512 $DEV
	check "$tag: mount" mount -t ext4 $DEV /mnt
	mkdir -p /mnt/keep
	check "$tag: 1 MiB of files fits" cp -a /tmp/src/a/b/c/. /mnt/keep/
	(cd /mnt && find keep -type f | sort | xargs sha256sum) >/tmp/keep.sums
	check "$tag: they verify after sync and drop_caches" \
		sh -c 'sync && echo 3 >/proc/sys/vm/drop_caches && cd /mnt && sha256sum -c -s /tmp/keep.sums'
	lines=$(dmesg_count "$NOPAGE")
	check "$tag: a 16 MiB file does not fit: its fsync fails" \
		fails dd if=/tmp/src/d/large of=/mnt/large bs=1M conv=fsync
	new=$(($(dmesg_count "$NOPAGE") - lines))
	check "$tag: the failures gave rate-limited dmesg lines ($new)" \
		test "$new" -ge 1 -a "$new" -le 10
	check "$tag: the files written before verify after drop_caches" \
		sh -c 'echo 3 >/proc/sys/vm/drop_caches && cd /mnt && sha256sum -c -s /tmp/keep.sums'
	rm -f /mnt/large
	sync
	before=$(zone_used_pages 2)
	check "$tag: fstrim after removing the large file" $FSTRIM -v /mnt
	after=$(zone_used_pages 2)
	show /proc/toybuddyinfo
	check "$tag: fstrim gave the large file's pages back (used $before -> $after)" \
		test $((before - after)) -ge 256
	check "$tag: after fstrim 1 MiB of new files is written and verifies" \
		sh -c 'head -c 1048576 /tmp/src/d/large >/mnt/two &&
			sync && echo 3 >/proc/sys/vm/drop_caches &&
			head -c 1048576 /tmp/src/d/large | cmp - /mnt/two'
	dmesg | grep -E "EXT4|I/O error|toyblk" | tail -n 20 | show
	check "$tag: umount" umount /mnt
	check "$tag: rmmod toyblk" rmmod toyblk
	toyctl shrink >/dev/null
	check "$tag: the zone is whole again" buddyinfo_is "0 0 0 0 0 0 0 0 0 0 2"
	check "$tag: rmmod toyalloc" unload
}

echo "blktest: start"
mkdir -p /mnt
dmesg -c >/dev/null
check "ext4 and its modules load from the Debian kernel" load_ext4
start=$(date +%s)
make_pool /tmp/pool 14 4
make_tree /tmp/src /tmp/pool 14
(cd /tmp/src && find . -type f | sort | xargs sha256sum) >/tmp/manifest
echo "# seeded tree: $(wc -l </tmp/manifest) files, $(du -sk /tmp/src | cut -f1) KiB in $(($(date +%s) - start)) s"

check "toyalloc for the refused size" load nr_blocks=4
check "size_mb=0 is refused" fails insmod /toyblk.ko size_mb=0
check "size_mb=0 gives one clear dmesg line" \
	test "$(dmesg_count "toyblk: size_mb=0 is out of range 1..16384")" = 1
check "rmmod after the refused size" unload

roomy plain
cramped cramped
roomy debug slab_debug=FZPU page_poison=1
cramped "cramped debug" slab_debug=FZPU page_poison=1

check "debugging reported nothing" fails sh -c 'dmesg | grep -q "BUG "'
check "dmesg has no WARNING, BUG, Bad page state or call trace" \
	fails sh -c 'dmesg | grep -E "WARNING|BUG|Bad page state|Call Trace"'
check "no taint but out-of-tree and unsigned module" test "$(unexpected_taint)" = 0
echo "# $(($(date +%s) - start)) s"
echo "blktest: done"
