#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: every check toyalloc has, summed into one closing line
# "N passed, N failed".  Exits non-zero when anything failed.
#
#   build      the module builds with W=1 and no warning
#   checkpatch checkpatch.pl --strict is clean
#   sparse     make C=2 is clean
#   kunit      every KUnit case under kunit.py (UML), one count each
#   sanitizers every KUnit case again under kunit.py --arch=x86_64 with 2
#              CPUs, KASAN, UBSAN, KFENCE, kmemleak, lockdep and the other
#              checkers of kunit/sanitizers.kunitconfig, one count each,
#              and one for a console free of any checker's report
#   vm         every check of qemu/guest/vmtest.sh in the VM, one count each
#   blk        every check of qemu/guest/blktest.sh in the VM (toyblk under
#              ext4, e2fsck, fstrim, blkdiscard; the zone too small), one each
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
step_sanitizer_reports() {
	local console
	console=$(ls -t "${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}"/build-x86_64-sanitizers/test.log 2>/dev/null | head -n 1)
	if [ -n "$console" ] && ! grep -E 'BUG:|WARNING:|UBSAN:|KASAN:|kmemleak:|possible recursive locking|circular locking|inconsistent lock state|sleeping function called|Call Trace' "$console" |
		grep -vE 'kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread)'; then
		result "sanitizer run: no KASAN, UBSAN, KFENCE, lockdep or other report" OK
	else
		result "sanitizer run: no KASAN, UBSAN, KFENCE, lockdep or other report (see $console)" FAIL
	fi
}

step_vm() {	# step_vm NAME: qemu/guest/NAME.sh in the VM
	local name=$1 log=$logs/$1.log ok bad
	TOYVM_TIMEOUT=900 TOYVM_ARGS="script=$name.sh" "$top/qemu/run.sh" test >"$log" 2>&1
	grep -E '^(ok|not ok|#)' "$log"
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	passed=$((passed + ok))
	failed=$((failed + bad))
	grep -q "^$name: done" "$log" || result "$name ran to the end (see $log)" FAIL
}

step_build
step_static checkpatch
step_static sparse
step_kunit kunit
step_kunit sanitizers KUNIT_ARCH=x86_64 KUNIT_CONFIG=sanitizers
step_sanitizer_reports
step_vm vmtest
step_vm blktest

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
