#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: every check toyalloc has, on every kernel Debian ships (6.1,
# 6.12, 6.12 with PREEMPT_RT), summed into one closing line
# "N passed, N failed".  Exits non-zero when anything failed.
#
#   build      the modules build with W=1 and no warning, for each kernel
#   checkpatch checkpatch.pl --strict is clean
#   sparse     make C=2 is clean, against each kernel's headers
#   kunit      every KUnit case under kunit.py (UML), from the 6.1 and the
#              6.12 trees, one count each
#   sanitizers every KUnit case again under kunit.py --arch=x86_64 with 2
#              CPUs, KASAN, UBSAN, KFENCE, kmemleak, lockdep and the other
#              checkers of kunit/sanitizers.kunitconfig: on 6.1, and on
#              6.12 with PREEMPT_RT added (kunit/rt.kunitconfig), one count
#              each, and one per run for a console free of any checker's
#              report ("sleeping function called from invalid context" and
#              "scheduling while atomic" included)
#   dkms       scripts/dkms.sh builds and installs the modules through DKMS
#              for 6.1 and 6.12
#   toymalloc  make -C malloc test: the user-space allocator's own tests
#              (practice, API, hardening, random, threads, again with
#              -fsanitize=undefined), and real programs run on it
#              (malloc/realprog/run.sh), one count each
#   vm         every check of qemu/guest/vmtest.sh in the VM, one count
#              each: on 6.1 with the modules make built, on 6.12 with the
#              ones DKMS installed (modprobe, /etc/modprobe.d), on 6.12-rt
#   blk        every check of qemu/guest/blktest.sh in the VM (toyblk under
#              ext4, e2fsck, fstrim, blkdiscard; the zone too small), one
#              each: on 6.1 with the modules make built, on 6.12 with the
#              ones DKMS installed
#
# Logs go to $TOYALLOC_CACHE/logs (default ~/.cache/toyalloc/logs).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logs=${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}/logs
mkdir -p "$logs"
passed=0
failed=0

result() {	# result NAME OK|FAIL
	if [ "$2" = OK ]; then
		passed=$((passed + 1))
		echo "PASS $1"
	else
		failed=$((failed + 1))
		echo "FAIL $1"
	fi
}

step_build() {
	local log=$logs/build.log
	make -s -C "$top" clean >/dev/null 2>&1
	if make -C "$top" module >"$log" 2>&1 && ! grep -q 'warning:' "$log"; then
		result "build with W=1, no warnings" OK
	else
		grep -E 'warning:|error:' "$log"
		result "build with W=1, no warnings (see $log)" FAIL
	fi
}

# The modules against another kernel's headers, W=1 and sparse, built in a
# copy of the tree so that each kernel's objects stay apart.
step_other_kernel() {	# step_other_kernel LINE
	local release dir log=$logs/build-$1.log
	release=$("$top/scripts/debian-kernel.sh" "$1")
	dir=${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}/modules-$release
	mkdir -p "$dir"
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.d' \
		"$top/Kbuild" "$top/Makefile" "$top/module" "$top/scripts" "$dir/"
	if make -C "$dir" KDIR="/usr/src/linux-headers-$release" module >"$log" 2>&1 &&
	   ! grep -q 'warning:' "$log"; then
		result "$1: build with W=1, no warnings" OK
	else
		grep -E 'warning:|error:' "$log"
		result "$1: build with W=1, no warnings (see $log)" FAIL
	fi
	if make -C "/usr/src/linux-headers-$release" M="$dir" CONFIG_TOYALLOC=m \
		CONFIG_TOYALLOC_CTL=m CONFIG_TOYALLOC_BLK=m C=2 modules >"$log.sparse" 2>&1 &&
	   ! grep -E 'warning:|error:' "$log.sparse"; then
		result "$1: sparse clean" OK
	else
		result "$1: sparse clean (see $log.sparse)" FAIL
	fi
}

step_static() {	# step_static checkpatch|sparse
	local log=$logs/$1.log
	if "$top/scripts/check.sh" "$1" >"$log" 2>&1; then
		result "$1 clean" OK
	else
		cat "$log"
		result "$1 clean (see $log)" FAIL
	fi
}

# kunit.py's summary: "Testing complete. Ran N tests: passed: P, failed: F, ..."
step_kunit() {	# step_kunit NAME [VAR=value...]: scripts/kunit.sh in that environment
	local name=$1 log=$logs/$1.log summary p suite status=0
	shift
	env "$@" "$top/scripts/kunit.sh" >"$log" 2>&1 || status=$?
	summary=$(grep 'Testing complete. Ran' "$log" | tail -n 1)
	for suite in buddy slab control debug fault stress bench; do
		grep -q "\[PASSED\] toyalloc_$suite\b" "$log" ||
			result "$name: suite toyalloc_$suite ran and passed" FAIL
	done
	[ "$status" -eq 0 ] || result "$name: kunit.py exited with $status (see $log)" FAIL
	grep -E '\[(PASSED|FAILED|CRASHED|SKIPPED)\]|EXPECTATION|ASSERTION' "$log" |
		sed 's/^\[[0-9:]*\] //'
	if [ -z "$summary" ]; then
		tail -n 20 "$log"
		result "kunit.py completed (see $log)" FAIL
		return
	fi
	p=$(grep -o 'passed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
	passed=$((passed + p))
	for p in $(grep -oE '(failed|crashed|errors): [0-9]*' <<<"$summary" | grep -o '[0-9]*'); do
		failed=$((failed + p))
	done
	echo "$name: $summary"
}

# The checkers print to the console and do not always fail the running
# case: the guest's console (kunit.py keeps it as test.log) must hold none
# of their reports.  kmemleak speaks up here when toyalloc's kmemleak_alloc
# and kmemleak_free calls disagree; its leak scan comes a minute after boot,
# when the run is over, so leaks are left to the suites' own accounting.
step_sanitizer_reports() {	# step_sanitizer_reports NAME BUILD-DIR
	local console=${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}/$2/test.log
	if [ -f "$console" ] && ! grep -E 'BUG:|WARNING:|UBSAN:|KASAN:|kmemleak:|possible recursive locking|circular locking|inconsistent lock state|sleeping function called|scheduling while atomic|Call Trace' "$console" |
		grep -vE 'kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread)'; then
		result "$1: no KASAN, UBSAN, KFENCE, lockdep, atomic-sleep or other report" OK
	else
		result "$1: no KASAN, UBSAN, KFENCE, lockdep, atomic-sleep or other report (see $console)" FAIL
	fi
}

step_dkms() {
	local log=$logs/dkms.log line release
	local releases=()
	for line in 6.1 6.12; do
		releases+=("$("$top/scripts/debian-kernel.sh" "$line")")
	done
	"$top/scripts/dkms.sh" "${releases[@]}" >"$log" 2>&1
	for release in "${releases[@]}"; do
		if grep -q "installed for $release\$" "$log" &&
		   [ -n "$(ls "/lib/modules/$release/updates/dkms/toyalloc.ko"* 2>/dev/null)" ]; then
			result "dkms: installed for $release" OK
		else
			cat "$log"
			result "dkms: installed for $release (see $log)" FAIL
		fi
	done
}

# qemu/guest/SCRIPT.sh in the VM, in that environment; it must reach
# "SCRIPT: done".
step_vm() {	# step_vm NAME SCRIPT [VAR=value...]
	local name=$1 script=$2 log=$logs/$2-$1.log ok bad
	shift 2
	env TOYVM_TIMEOUT=900 TOYVM_ARGS="script=$script.sh" "$@" \
		"$top/qemu/run.sh" test >"$log" 2>&1
	grep -E '^(ok|not ok|#)' "$log" | sed "s/^/$name: /"
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	passed=$((passed + ok))
	failed=$((failed + bad))
	grep -q "^$script: done" "$log" || result "$name: $script ran to the end (see $log)" FAIL
}

# A suite that prints TAP lines and closes with "N passed, N failed".
step_counted() {	# step_counted NAME COMMAND...
	local name=$1 log=$logs/$1.log summary
	shift
	"$@" >"$log" 2>&1
	grep -E '^(ok|not ok)' "$log" | sed "s/^/$name: /"
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		tail -n 20 "$log"
		result "$name: ran to its closing line (see $log)" FAIL
		return
	fi
	passed=$((passed + ${summary%% *}))
	summary=${summary#*, }
	failed=$((failed + ${summary%% *}))
}

step_counted toymalloc timeout -k 10 900 make -s -C "$top/malloc" test
step_counted toymalloc-programs timeout -k 10 600 \
	"$top/malloc/realprog/run.sh" "$top/malloc/build/libtoymalloc.so"
step_build
step_static checkpatch
step_static sparse
step_other_kernel 6.12
step_other_kernel 6.12-rt
step_kunit kunit
step_kunit sanitizers KUNIT_ARCH=x86_64 KUNIT_CONFIG=sanitizers
step_sanitizer_reports sanitizers build-x86_64-sanitizers
step_kunit kunit-6.12 KUNIT_KERNEL=6.12
step_kunit rt-6.12 KUNIT_KERNEL=6.12 KUNIT_ARCH=x86_64 KUNIT_CONFIG=rt
step_sanitizer_reports rt-6.12 build-6.12-x86_64-rt
step_dkms
step_vm 6.1 vmtest
step_vm 6.1 blktest
step_vm 6.12 vmtest KVER="$("$top/scripts/debian-kernel.sh" 6.12)" TOYVM_DKMS=1
step_vm 6.12 blktest KVER="$("$top/scripts/debian-kernel.sh" 6.12)" TOYVM_DKMS=1
rt_release=$("$top/scripts/debian-kernel.sh" 6.12-rt)
step_vm 6.12-rt vmtest KVER="$rt_release" \
	TOYVM_MODULES="${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}/modules-$rt_release"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
