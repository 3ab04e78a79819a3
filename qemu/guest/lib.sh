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

# Succeeds when the command fails.
fails() {
	! "$@"
}

# The reply of a /dev/toyalloc command matches the extended regex.
ctl_says() {
	ctl "$1" | grep -Eqx "$2"
}

# One /dev/toyalloc command; prints its reply, fails with the write's error.
ctl() {
	exec 3<>/dev/toyalloc || return 1
	echo "$*" >&3 || { exec 3>&-; return 1; }
	cat <&3
	exec 3>&-
}

# The free block count of ORDER (0..10) in /proc/toybuddyinfo.
free_at() {
	awk -v o="$1" '{ print $(5 + o) }' /proc/toybuddyinfo
}

# Rebuild the expected /proc/toybuddyinfo line from its numbers with the
# kernel's format and compare byte for byte.
buddyinfo_format_ok() {
	line=$(cat /proc/toybuddyinfo)
	set -- $line
	[ "$1 $3" = "Node zone" ] || return 1
	node=${2%,}
	name=$4
	shift 4
	[ $# -eq 11 ] || return 1
	expect=$(printf 'Node %d, zone %8s ' "$node" "$name"; printf '%6d ' "$@")
	[ "$line" = "$expect" ]
}

# buddyinfo_is 'c0 c1 ... c10': the free counts equal these.
buddyinfo_is() {
	[ "$(awk '{ for (i = 5; i <= 15; i++) printf "%s%s", $i, (i < 15 ? " " : "") }' /proc/toybuddyinfo)" = "$1" ]
}

# Every cache line of /proc/toyslabinfo, re-printed from its fields with
# the kernel's cache_show() format, is byte for byte what the file holds.
slabinfo_format_ok() {
	[ "$(sed -n 1p /proc/toyslabinfo)" = "slabinfo - version: 2.1" ] || return 1
	[ "$(sed -n 2p /proc/toyslabinfo)" = "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>" ] || return 1
	sed 1,2d /proc/toyslabinfo >/tmp/slabinfo.lines
	awk '{ printf "%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d\n", $1, $2, $3, $4, $5, $6, $9, $10, $11, $14, $15, $16 }' \
		/tmp/slabinfo.lines | cmp - /tmp/slabinfo.lines
}

# slabinfo_field CACHE N: field N of the cache's line.
slabinfo_field() {
	awk -v c="$1" -v n="$2" '$1 == c { print $n }' /proc/toyslabinfo
}

mem_free_kb() {
	awk '/^MemFree:/ { print $2 }' /proc/meminfo
}
