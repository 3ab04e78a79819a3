# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest scripts (busybox sh).  check prints one TAP-style
# line, "ok - WHAT" or "not ok - WHAT"; the host counts them.

check() {
	what=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		sed 's/^/#   /' /tmp/check.out
	fi
}

# busybox's sh runs its own applets before PATH, and its insmod retries a
# failed load a second way, which prints the module's error twice: use kmod.
insmod() {
	/sbin/insmod "$@"
}

rmmod() {
	/sbin/rmmod "$@"
}

modprobe() {
	/sbin/modprobe "$@"
}

# Where DKMS put the modules, when the VM was packed from an installed tree.
dkms_dir=/lib/modules/$(uname -r)/updates/dkms

# The allocator with the given parameters, then its client toyalloc_ctl
# (/dev/toyalloc): by modprobe from the DKMS tree when there is one, else
# by path; and both out again.
load() {
	if [ -d "$dkms_dir" ]; then
		modprobe toyalloc "$@" && modprobe toyalloc_ctl
	else
		insmod /toyalloc.ko "$@" && insmod /toyalloc_ctl.ko
	fi
}

unload() {
	rmmod toyalloc_ctl && rmmod toyalloc
}

# Write the bytes of a printf format to FILE in one write().
write_bytes() {
	printf "$1" | dd of="$2" bs=4096 2>/dev/null
}

# Lines of dmesg that hold the fixed string.
dmesg_count() {
	dmesg | grep -cF "$1"
}

# A command's reply read through one descriptor: 1 byte, then the rest,
# then the end (nothing).
short_reads_ok() {
	exec 3<>/dev/toyalloc
	echo validate >&3
	first=$(dd bs=1 count=1 <&3 2>/dev/null)
	rest=$(dd bs=64 count=1 <&3 2>/dev/null)
	end=$(dd bs=64 count=1 <&3 2>/dev/null | wc -c)
	exec 3>&-
	[ "$first" = o ] && [ "$rest" = k ] && [ "$end" = 0 ]
}

# A bench killed while it runs ends within 2 s (whole seconds).
killed_bench_stops() {
	toyctl bench 6000 15 >/dev/null 2>&1 &
	pid=$!
	sleep 2
	kill -9 "$pid"
	start=$(date +%s)
	wait "$pid"
	[ $(($(date +%s) - start)) -le 2 ]
}

# Field N of the line after "# failures ..." in the debugfs stats file.
failures_field() {
	awk -v n="$1" '/^# failures/ { getline; print $n; exit }' \
		/sys/kernel/debug/toyalloc/stats
}

# Succeeds when the command fails.
fails() {
	! "$@"
}

# The reply of a toyctl command (its words in one argument) matches the
# extended regex.
ctl_says() {
	# shellcheck disable=SC2086
	toyctl $1 | grep -Eqx "$2"
}

# The free block count of ORDER (0..10) in /proc/toybuddyinfo.
free_at() {
	awk -v o="$1" '{ print $(5 + o) }' /proc/toybuddyinfo
}

# Rebuild every line of a buddyinfo file (default /proc/toybuddyinfo) from
# its numbers with the kernel's format and compare byte for byte: 11
# orders, as the running kernel's own /proc/buddyinfo has.
buddyinfo_format_ok() {
	file=${1:-/proc/toybuddyinfo}
	while IFS= read -r line; do
		set -- $line
		[ "$1 $3" = "Node zone" ] || return 1
		node=${2%,}
		name=$4
		shift 4
		[ $# -eq 11 ] || return 1
		expect=$(printf 'Node %d, zone %8s ' "$node" "$name"; printf '%6d ' "$@")
		[ "$line" = "$expect" ] || return 1
	done <"$file"
}

# buddyinfo_is 'c0 c1 ... c10': the free counts equal these.
buddyinfo_is() {
	[ "$(awk '{ for (i = 5; i <= 15; i++) printf "%s%s", $i, (i < 15 ? " " : "") }' /proc/toybuddyinfo)" = "$1" ]
}

# Every cache line of a slabinfo file (default /proc/toyslabinfo),
# re-printed from its fields with the kernel's cache_show() format, is byte
# for byte what the file holds, under the version 2.1 header.
slabinfo_format_ok() {
	file=${1:-/proc/toyslabinfo}
	[ "$(sed -n 1p "$file")" = "slabinfo - version: 2.1" ] || return 1
	[ "$(sed -n 2p "$file")" = "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>" ] || return 1
	sed 1,2d "$file" >/tmp/slabinfo.lines
	awk '{ printf "%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d\n", $1, $2, $3, $4, $5, $6, $9, $10, $11, $14, $15, $16 }' \
		/tmp/slabinfo.lines | cmp - /tmp/slabinfo.lines
}

# pagesets_are HIGH BATCH: every online CPU's high and batch in debugfs.
pagesets_are() {
	f=/sys/kernel/debug/toyalloc/pagesets
	n=$(grep -c '^    cpu: ' $f)
	[ "$n" -gt 0 ] &&
	[ "$(grep -c "^              high:  $1\$" $f)" = "$n" ] &&
	[ "$(grep -c "^              batch: $2\$" $f)" = "$n" ]
}

# debugfs pagesets is the pagesets block of /proc/zoneinfo: the zone line,
# then for each online CPU its cpu, count, high and batch lines, each of a
# shape (digits aside) the running kernel's own /proc/zoneinfo prints.
pagesets_format_ok() {
	f=/sys/kernel/debug/toyalloc/pagesets
	[ "$(sed -n 1p $f)" = "$(printf 'Node 0, zone %8s' toy)" ] &&
	[ "$(sed -n 2p $f)" = "  pagesets" ] || return 1
	[ "$(sed 1,2d $f | wc -l)" = $((4 * $(grep -c ^processor /proc/cpuinfo))) ] ||
		return 1
	sed 's/[0-9][0-9]*/N/g' /proc/zoneinfo | sort -u >/tmp/zoneinfo.shapes
	sed '1,2d; s/[0-9][0-9]*/N/g' $f | sort -u >/tmp/pagesets.shapes
	[ "$(wc -l </tmp/pagesets.shapes)" = 4 ] &&
	! grep -vxFf /tmp/zoneinfo.shapes /tmp/pagesets.shapes
}

# slabinfo_field CACHE N: field N of the cache's line.
slabinfo_field() {
	awk -v c="$1" -v n="$2" '$1 == c { print $n }' /proc/toyslabinfo
}

# The unusable and extfrag indices of every order, computed here from
# /proc/toybuddyinfo with mm/vmstat.c's integer formulas, printed as the
# debugfs files print them.
indices_from_buddyinfo() {
	awk '{
		pw[0] = 1
		for (o = 1; o <= 10; o++) pw[o] = 2 * pw[o - 1]
		for (o = 0; o <= 10; o++) n[o] = $(5 + o)
		printf "Node %d, zone %8s ", $2, $4
		for (j = 0; j <= 10; j++) {
			f = b = s = 0
			for (o = 0; o <= 10; o++) {
				f += n[o] * pw[o]; b += n[o]
				if (o >= j) s += n[o] * pw[o - j]
			}
			u[j] = f == 0 ? 1000 : int((f - s * pw[j]) * 1000 / f)
			e[j] = b == 0 ? 0 : s > 0 ? -1000 : 1000 - int((1000 + int(f * 1000 / pw[j])) / b)
			printf "%d.%03d ", int(u[j] / 1000), u[j] % 1000
		}
		printf "\n"
		printf "Node %d, zone %8s ", $2, $4
		for (j = 0; j <= 10; j++) {
			v = e[j] < 0 ? -e[j] : e[j]
			printf "%2d.%03d ", int(e[j] / 1000), v % 1000
		}
		printf "\n"
	}' /proc/toybuddyinfo
}

# Run a command as the unprivileged user nobody.
as_nobody() {
	su -s /bin/sh nobody -c "$*"
}

# The debugfs index files equal indices_from_buddyinfo.
indices_match_kernel_formulas() {
	indices_from_buddyinfo >/tmp/idx.expect &&
		cat /sys/kernel/debug/toyalloc/unusable_index \
		    /sys/kernel/debug/toyalloc/extfrag_index | cmp - /tmp/idx.expect
}

# Pages covered by the blocks of the zone map.
zone_map_pages() {
	awk '!/^#/ { p = 1; for (i = 0; i < $3; i++) p *= 2; s += p }
		END { printf "%d\n", s }' /sys/kernel/debug/toyalloc/zone_map
}

# One load/use/unload cycle: a workload, a large kmalloc and a cache with a
# live object are all left for rmmod to clean up.
lifecycle() {
	load nr_blocks=2 &&
		toyctl workload "$1" 300 >/dev/null &&
		toyctl kmalloc 5000 >/dev/null &&
		toyctl cache-create cycle 100 0 >/dev/null &&
		toyctl cache-alloc cycle >/dev/null &&
		unload
}

# Taint flags other than O (out-of-tree module, 4096) and E (unsigned
# module, 8192), which any module built outside Debian's tree sets.
unexpected_taint() {
	echo $(($(cat /proc/sys/kernel/tainted) & ~(4096 | 8192)))
}

mem_free_kb() {
	awk '/^MemFree:/ { print $2 }' /proc/meminfo
}

# ext4 and what it needs, from the Debian kernel (brd is the benchmark's).
load_ext4() {
	while read -r ko; do
		[ "$ko" = brd.ko ] && continue
		/sbin/insmod "/lib/kmods/$ko" 2>/dev/null
	done </lib/kmods/order
	grep -qw ext4 /proc/filesystems
}

# Pages free in the zone: the counts of /proc/toybuddyinfo times 2^order.
zone_free_pages() {
	awk '{ p = 1; s = 0; for (i = 5; i <= 15; i++) { s += $i * p; p *= 2 } }
		END { print s }' /proc/toybuddyinfo
}

# Pages of the zone in use, once every CPU's lists are given back.
zone_used_pages() {
	toyctl shrink >/dev/null
	awk '{ p = 1; s = 0; for (i = 5; i <= 15; i++) { s += $i * p; p *= 2 } }
		END { print 1024 * nr - s }' nr="$1" /proc/toybuddyinfo
}

# A pool of MiB of seeded pseudo-random text, 64-byte lines all different.
make_pool() {	# make_pool FILE SEED MIB
	awk -v seed="$2" -v mib="$3" 'BEGIN {
		srand(seed)
		for (n = 0; n < mib * 1024 * 1024; n += 64)
			printf "%016d %08x%08x%08x%08x%08x%06x\n", n,
				rand() * 4294967295, rand() * 4294967295,
				rand() * 4294967295, rand() * 4294967295,
				rand() * 4294967295, rand() * 16777215
	}' >"$1"
}

# A seeded tree of files of many sizes cut from a pool, under DIR.
make_tree() {	# make_tree DIR POOL SEED
	mkdir -p "$1/a/b/c" "$1/d" "$1/e/f"
	awk -v seed="$3" 'BEGIN {
		srand(seed)
		split("0 1 511 512 513 4095 4096 4097 8192 65536 131071 1048576", fixed)
		for (i = 1; i <= 12; i++) print fixed[i]
		for (i = 0; i < 40; i++) print int(rand() * rand() * 1048576)
	}' | {
		i=0
		while read -r size; do
			i=$((i + 1))
			case $((i % 6)) in
			0) dir=a ;; 1) dir=a/b ;; 2) dir=a/b/c ;; 3) dir=d ;; 4) dir=e ;; *) dir=e/f ;;
			esac
			off=$(( (i * 7919 * 64) % (3 * 1024 * 1024) + 1 ))
			tail -c +"$off" "$2" | head -c "$size" >"$1/$dir/file$i"
		done
	}
	# One large file, four pools back to back.
	cat "$2" "$2" "$2" "$2" >"$1/d/large"
}
