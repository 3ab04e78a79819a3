# SPDX-License-Identifier: GPL-2.0
#
# The VM test: load and unload toyalloc with good and bad parameters and
# check /proc/toybuddyinfo, the control device and dmesg.
. /guest/lib.sh

echo "vmtest: start"
echo "# kernel $(uname -r)$([ -d "$dkms_dir" ] && echo ", modules from DKMS")"
dmesg -c >/dev/null

if [ -d "$dkms_dir" ]; then
	echo "options toyalloc nr_blocks=3" >/etc/modprobe.d/toyalloc.conf
	check "modprobe toyalloc and toyalloc_ctl from the DKMS tree" load
	check "nr_blocks=3 came from /etc/modprobe.d" \
		buddyinfo_is "0 0 0 0 0 0 0 0 0 0 3"
	check "modprobe -r takes both out" /sbin/modprobe -r toyalloc_ctl toyalloc
	rm /etc/modprobe.d/toyalloc.conf
fi

check "insmod with the default nr_blocks" load
check "toyalloc stays while its client toyalloc_ctl is loaded" fails rmmod toyalloc
check "/proc/toybuddyinfo is mode 0444" \
	sh -c 'ls -l /proc/toybuddyinfo | grep -q "^-r--r--r--"'
check "/proc/toybuddyinfo is exactly the /proc/buddyinfo format" buddyinfo_format_ok
check "the running kernel's own /proc/buddyinfo has that very format" \
	buddyinfo_format_ok /proc/buddyinfo
check "fresh zone: 16 blocks at order 10, nothing below" \
	buddyinfo_is "0 0 0 0 0 0 0 0 0 0 16"
check "alloc order 0 through /dev/toyalloc" \
	ctl_says "alloc 0" "handle 0 order 0 offset [0-9]+"
check "an order-0 allocation fills its CPU's list with a batch of 3 pages" \
	buddyinfo_is "1 0 1 1 1 1 1 1 1 1 15"
check "debugfs pagesets: 16 blocks, 2 CPUs give the kernel's high 160, batch 3" \
	pagesets_are 160 3
check "debugfs pagesets has /proc/zoneinfo's pagesets format" pagesets_format_ok
check "validator passes on a split zone" ctl_says validate ok
check "free of the handle is acknowledged" ctl_says "free 0" "freed 0"
check "the freed page waits on its CPU's list, unmerged" \
	buddyinfo_is "1 0 1 1 1 1 1 1 1 1 15"
check "shrink gives the per-CPU lists back" ctl_says shrink "shrunk [0-9]+ slabs"
check "the page merges back to the fresh zone" \
	buddyinfo_is "0 0 0 0 0 0 0 0 0 0 16"
check "freeing an unknown handle is refused" fails toyctl free 0
check "malformed command is refused" fails toyctl alloc banana
check "order 11 is refused" fails toyctl alloc 11

check "/proc/toyslabinfo is mode 0644" \
	sh -c 'ls -l /proc/toyslabinfo | grep -q "^-rw-r--r--"'
check "/proc/toyslabinfo is exactly the /proc/slabinfo 2.1 format" slabinfo_format_ok
check "the running kernel's own /proc/slabinfo has that very format" \
	slabinfo_format_ok /proc/slabinfo
check "both slabinfo files have the same two header lines" \
	test "$(sed -n 1,2p /proc/slabinfo)" = "$(sed -n 1,2p /proc/toyslabinfo)"
kmalloc_names="toy-kmalloc-8 toy-kmalloc-16 toy-kmalloc-32 toy-kmalloc-64 toy-kmalloc-96 toy-kmalloc-128 toy-kmalloc-192 toy-kmalloc-256 toy-kmalloc-512 toy-kmalloc-1024 toy-kmalloc-2048 toy-kmalloc-4096 toy-kmalloc-8192"
# then the management caches of the bitmaps of kmalloc-8 (128 bytes), -16 and -32 (64)
check "the 13 kmalloc caches are listed in order, then their management caches" \
	test "$(sed 1,2d /proc/toyslabinfo | awk '{ print $1 }' | tr '\n' ' ')" = \
		"$kmalloc_names toy-slabmgmt-128 toy-slabmgmt-64 "
check "toy-kmalloc-96 objects are 96 bytes" test "$(slabinfo_field toy-kmalloc-96 4)" = 96
check "slabtop -o reads /proc/toyslabinfo bind-mounted over /proc/slabinfo" \
	sh -c 'mount --bind /proc/toyslabinfo /proc/slabinfo &&
		slabtop -o -s n >/tmp/slabtop.out; rc=$?; umount /proc/slabinfo;
		[ $rc -eq 0 ] && grep -q "toy-kmalloc-8192" /tmp/slabtop.out'
check "retune toy-kmalloc-64 through /proc/toyslabinfo" \
	sh -c 'echo "toy-kmalloc-64 32 16 4" >/proc/toyslabinfo'
check "the retune shows in the tunables columns" \
	test "$(slabinfo_field toy-kmalloc-64 9) $(slabinfo_field toy-kmalloc-64 10) $(slabinfo_field toy-kmalloc-64 11)" = "32 16 4"
check "a malformed slabinfo write is refused" \
	fails sh -c 'echo "toy-kmalloc-64 banana" >/proc/toyslabinfo'
check "batchcount above limit is refused" \
	fails sh -c 'echo "toy-kmalloc-64 8 9 0" >/proc/toyslabinfo'
check "an unknown cache is refused" \
	fails sh -c 'echo "no-such-cache 8 4 0" >/proc/toyslabinfo'
check "a slabinfo write over 128 bytes is refused" \
	fails sh -c "printf 'toy-kmalloc-64 %0200d\n' 1 >/proc/toyslabinfo"
check "refused writes leave the tunables alone" \
	test "$(slabinfo_field toy-kmalloc-64 9) $(slabinfo_field toy-kmalloc-64 10) $(slabinfo_field toy-kmalloc-64 11)" = "32 16 4"

check "kmalloc 100 comes from the 128-byte class" ctl_says "kmalloc 100" "handle 0 size 128"
check "kmalloc 20000 is a whole order-3 block" ctl_says "kmalloc 20000" "handle 1 size 32768"
check "cache-create through toyctl" \
	ctl_says "cache-create vm-obj 64 0" "cache vm-obj objsize 64 align 8 order 0 objperslab 64"
check "cache-alloc through toyctl" ctl_says "cache-alloc vm-obj" "handle 2 cache vm-obj"
check "the allocated object shows in /proc/toyslabinfo" \
	test "$(slabinfo_field vm-obj 2) $(slabinfo_field vm-obj 3)" = "1 64"
check "a cache with a live object is not destroyed" fails toyctl cache-destroy vm-obj
check "the refusal names the live objects" \
	sh -c 'dmesg | grep -q "cache vm-obj: not destroyed: 1 objects still allocated"'
check "free the object" ctl_says "free 2" "freed 2"
check "destroy the empty cache" ctl_says "cache-destroy vm-obj" "destroyed vm-obj"
check "kmalloc of 0 bytes is refused" fails toyctl kmalloc 0
check "cache-alloc of an unknown cache is refused" fails toyctl cache-alloc vm-obj
check "release frees the remaining handles" ctl_says release "released 2"
check "a seeded workload runs" \
	ctl_says "workload 7 3000" "ops 3000 allocs [0-9]+ frees [0-9]+ failures [0-9]+ live [0-9]+ ns [0-9]+"
check "validators pass after the workload" ctl_says validate ok
check "unusable and extfrag indices equal the kernel formulas over buddyinfo" \
	indices_match_kernel_formulas
check "stats count the workload's order-0 allocations" \
	test "$(awk '$1 == 0 { print $2; exit }' /sys/kernel/debug/toyalloc/stats)" -gt 0
check "zone map tiles the zone: block sizes add up to 16 x 1024 pages" \
	test "$(zone_map_pages)" = 16384
toyctl release >/dev/null
toyctl shrink >/dev/null
check "release and shrink give the zone back whole" \
	buddyinfo_is "0 0 0 0 0 0 0 0 0 0 16"
echo 1 >/sys/kernel/tracing/events/toyalloc/toy_page_alloc/enable
reply=$(toyctl alloc 1)
echo 0 >/sys/kernel/tracing/events/toyalloc/toy_page_alloc/enable
offset=${reply##* }
check "tracepoint toy_page_alloc records the allocation ($reply)" \
	grep -q "toy_page_alloc: zone=toy index=$offset order=1" /sys/kernel/tracing/trace
toyctl release >/dev/null

check "an unprivileged user reads /proc/toybuddyinfo" \
	as_nobody cat /proc/toybuddyinfo
check "an unprivileged user reads /proc/toyslabinfo" \
	as_nobody cat /proc/toyslabinfo
check "an unprivileged user cannot open /dev/toyalloc" \
	fails as_nobody 'echo validate >/dev/toyalloc'
check "an unprivileged user cannot retune through /proc/toyslabinfo" \
	fails as_nobody 'echo "toy-kmalloc-8 1 1 0" >/proc/toyslabinfo'
check "the /proc files show no kernel addresses" \
	fails grep -qiE "0x|ffff[0-9a-f]{8}" /proc/toybuddyinfo /proc/toyslabinfo

for target in /dev/toyalloc /proc/toyslabinfo; do
	for i in $(seq 1 40); do
		head -c $((RANDOM % 300 + 1)) /dev/urandom >$target 2>/dev/null
	done
	printf '%05000d\n' 7 >$target 2>/dev/null
	for junk in "" "alloc" "alloc -1" "alloc 4294967296" "free" "free x" \
		"cache-create" "cache-create a b c" "workload 1 0" "workload 1 99999999" \
		"toy-kmalloc-8 0 0 0" "toy-kmalloc-8 1 2 3 4" "validate now"; do
		echo "$junk" >$target 2>/dev/null
	done
done
check "after random bytes, over-long lines and malformed commands: validators pass" \
	ctl_says validate ok
toyctl shrink >/dev/null
check "after the fuzzing and a shrink the zone is whole" \
	buddyinfo_is "0 0 0 0 0 0 0 0 0 0 16"

check "rmmod" unload
check "/proc/toybuddyinfo is gone after rmmod" test ! -e /proc/toybuddyinfo
check "/proc/toyslabinfo is gone after rmmod" test ! -e /proc/toyslabinfo

check "insmod nr_blocks=4" load nr_blocks=4
check "nr_blocks=4 shows 4 blocks at order 10" \
	buddyinfo_is "0 0 0 0 0 0 0 0 0 0 4"
check "rmmod after nr_blocks=4" unload

for bad in 0 -1 1025 100000000; do
	check "nr_blocks=$bad is refused" fails insmod /toyalloc.ko nr_blocks=$bad
	check "nr_blocks=$bad gives one clear dmesg line" \
		test "$(dmesg | grep -c "toyalloc: nr_blocks=$bad is out of range 1..1024")" = 1
done

before=$(mem_free_kb)
check "nr_blocks=1024 (4 GiB) in a 512 MiB VM fails with ENOMEM" \
	fails insmod /toyalloc.ko nr_blocks=1024
check "the ENOMEM insmod gives one clear dmesg line" \
	test "$(dmesg | grep -c "toyalloc: cannot take 1024 blocks of 4 MiB: -12")" = 1
after=$(mem_free_kb)
check "a failed insmod gives every block back (MemFree $before -> $after kB)" \
	test $((before - after)) -lt 8192
check "insmod works after the failures" load
check "rmmod at the end" unload

# A one-block zone: memory nobody holds is found before ENOMEM.
check "insmod nr_blocks=1" load nr_blocks=1
check "a page allocated and freed on CPU 1 waits on CPU 1's list" \
	sh -c 'taskset 2 toyctl alloc 0 && taskset 2 toyctl free 0'
check "order 10 on CPU 0 gets the block back from CPU 1's list" \
	sh -c 'taskset 1 toyctl alloc 10 | grep -Eqx "handle 0 order 10 offset 0"'
check "release it" ctl_says release "released 1"
check "kmalloc 4096 and its release leave a free slab in the cache" \
	sh -c 'toyctl kmalloc 4096 && toyctl release'
check "order 10 takes the cache's free slab back" \
	ctl_says "alloc 10" "handle 0 order 10 offset 0"
nomem=$(dmesg_count "control: alloc: out of memory")
check "with the block in use, order 0 fails" fails toyctl alloc 0
check "the ENOMEM gives one dmesg line" \
	test "$(dmesg_count "control: alloc: out of memory")" = $((nomem + 1))
check "the failure is counted as found nothing after reclaim" \
	test "$(failures_field 2)" = 1
check "release the block" ctl_says release "released 1"

# Bytes that are not one line of text are refused whole.
refused=$(dmesg_count "control: command holds a NUL")
check "'validate<NUL>garbage' is refused" fails write_bytes 'validate\0garbage' /dev/toyalloc
check "'alloc 0<NUL> 99' is refused" fails write_bytes 'alloc 0\0 99' /dev/toyalloc
check "a command with a control byte is refused" fails write_bytes 'alloc\0010' /dev/toyalloc
check "each refusal gives one dmesg line" \
	test "$(dmesg_count "control: command holds a NUL")" = $((refused + 3))
check "the refused commands allocated nothing" \
	buddyinfo_is "0 0 0 0 0 0 0 0 0 0 1"
refused=$(dmesg_count "slabinfo: write holds a NUL")
check "a slabinfo write with a NUL is refused" \
	fails write_bytes 'toy-kmalloc-64 32 16 4\0 1' /proc/toyslabinfo
check "and changes no tunable" \
	test "$(slabinfo_field toy-kmalloc-64 9)" != 32
check "the slabinfo refusal gives one dmesg line" \
	test "$(dmesg_count "slabinfo: write holds a NUL")" = $((refused + 1))

# Replies read like files; a killed command stops and leaves all working.
check "a short read returns the reply's first byte, the next read the rest" short_reads_ok
check "a killed bench stops within 2 s" killed_bench_stops
check "the interrupted bench gives one dmesg line" \
	test "$(dmesg_count "control: bench: interrupted")" = 1
check "after the killed bench the validators answer" ctl_says validate ok
check "rmmod after the killed bench" unload

check "insmod slab_debug=FZPU page_poison=1" load slab_debug=FZPU page_poison=1
check "a workload under full debugging" \
	ctl_says "workload 11 3000" "ops 3000 allocs [0-9]+ frees [0-9]+ failures [0-9]+ live [0-9]+ ns [0-9]+"
check "validators pass under full debugging" ctl_says validate ok
check "debugging reports nothing for correct use" fails sh -c 'dmesg | grep -q "BUG "'
check "rmmod after debugging" unload
check "slab_debug=FQ is refused" fails insmod /toyalloc.ko slab_debug=FQ
check "slab_debug=FQ gives one clear dmesg line" \
	test "$(dmesg | grep -c "toyalloc: slab_debug=FQ: only the letters F, Z, P and U are known")" = 1

cycles_ok=1
for i in $(seq 1 50); do
	lifecycle "$i" || cycles_ok=0
	[ "$i" = 5 ] && warm=$(mem_free_kb)
done
after=$(mem_free_kb)
check "50 insmod/rmmod cycles with allocations left for rmmod" test $cycles_ok = 1
# Module memory is freed lazily (vmap areas are purged in batches), which
# moves MemFree by up to about a megabyte between two readings; a cycle
# that leaked its zone's page table (98 kB at nr_blocks=2), or any of its
# blocks, would lose more than 2 MB over 45 cycles.
check "cycles 6..50 leak nothing (MemFree $warm -> $after kB)" \
	test $((warm - after)) -lt 2048
check "no taint but out-of-tree and unsigned module" test "$(unexpected_taint)" = 0

check "dmesg has no WARNING, BUG, Bad page state or call trace" \
	fails sh -c 'dmesg | grep -E "WARNING|BUG|Bad page state|Call Trace"'
echo "vmtest: done"
