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
#   vm         every check of qemu/guest/vmtest.sh in the VM, one count each
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
step_kunit() {
	local log=$logs/kunit.log summary p
	"$top/scripts/kunit.sh" >"$log" 2>&1
	summary=$(grep 'Testing complete. Ran' "$log" | tail -n 1)
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
	echo "kunit: $summary"
}

step_vm() {
	local log=$logs/vmtest.log ok bad
	"$top/qemu/run.sh" test >"$log" 2>&1
	grep -E '^(ok|not ok|#)' "$log"
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	passed=$((passed + ok))
	failed=$((failed + bad))
	grep -q '^vmtest: done' "$log" || result "VM test ran to the end (see $log)" FAIL
}

step_build
step_static checkpatch
step_static sparse
step_kunit
step_vm

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
