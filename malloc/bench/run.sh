#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh LIBTOYMALLOC OUTDIR - the toymalloc benchmark.
#
# Runs every program of malloc/bench under five allocators: glibc's own
# malloc (nothing preloaded), toymalloc (LIBTOYMALLOC) and Debian's
# jemalloc, mimalloc and tcmalloc (libjemalloc2, libmimalloc2.0,
# libtcmalloc-minimal4), each put under the program with LD_PRELOAD.
#
# Method:
#   - Interleaved: every repetition runs every allocator once in turn, so a
#     slow spell of the machine falls on all of them alike.  REPS
#     repetitions; the median is reported, and the spread (max - min) /
#     median of the times.
#   - Wall time is taken around the run (bash's EPOCHREALTIME); peak RSS is
#     the child's ru_maxrss (GNU time's %M).
#   - System calls are counted in separate runs, not the timed ones: the
#     memory calls brk, mmap, munmap, madvise, mremap and mprotect, with
#     perf's syscalls:sys_enter_* tracepoints (strace -f -c where perf
#     cannot).  A second run of the program at scale 0 (threads started,
#     no work) counts what start-up costs (loading the preloaded library
#     included); the difference is what the work costs, given per million
#     allocator calls.
#   - Each preloaded library must first be seen, with LD_DEBUG=bindings, to
#     take malloc over; the loader skips one it cannot load and glibc would
#     be timed under its name.
#   - Every program prints "NAME ops=N check=X"; any line other than
#     glibc's, a non-zero exit, a signal or the timeout is a FAIL for that
#     allocator on that workload, and its remaining repetitions are skipped.
#     The run exits non-zero when toymalloc failed anywhere.
#
# Writes OUTDIR/malloc-bench.csv (workload, allocator, time_s, time_ratio,
# spread, peak_rss_kib, rss_ratio, syscalls_per_mop, syscall_ratio; ratios
# to glibc), OUTDIR/malloc-bench-runs.csv (every timed run, with its minor
# page faults) and
# OUTDIR/malloc-bench-syscalls.csv (the counting runs), and prints the
# table in markdown with the geometric mean of the time ratios.
#
# Environment: BENCH_REPS (5), BENCH_SCALE (percent of the default work,
# 100), BENCH_TIMEOUT (seconds per run, 60), BENCH_WORKLOADS (names to run,
# default all).
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 LIBTOYMALLOC OUTDIR" >&2
	exit 2
fi
toy=$(realpath "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)
reps=${BENCH_REPS:-5}
scale=${BENCH_SCALE:-100}
limit=${BENCH_TIMEOUT:-60}
workloads=(${BENCH_WORKLOADS:-server prodcons cache-thrash cache-scratch small realloc large})

if [ ! -f "$toy" ]; then
	echo "run.sh: $1: no such library" >&2
	exit 2
fi
if [ ! -x /usr/bin/time ] || { ! command -v strace >/dev/null && ! command -v perf >/dev/null; }; then
	echo "run.sh: needs GNU time (Debian: time) and perf (linux-perf) or strace" >&2
	exit 2
fi
mkdir -p "$out"
make -s -C "$here" >/dev/null

# The library file a Debian package installs, by the end of its name.
packaged_lib() {
	dpkg -L "$1" 2>/dev/null | grep -m1 -- "$2\$" || true
}

names=(glibc toymalloc)
libs=("" "$toy")
for ref in "jemalloc libjemalloc2 /libjemalloc.so.2" \
	   "mimalloc libmimalloc2.0 /libmimalloc.so.2" \
	   "tcmalloc libtcmalloc-minimal4 /libtcmalloc_minimal.so.4"; do
	set -- $ref
	lib=$(packaged_lib "$2" "$3")
	if [ -z "$lib" ]; then
		echo "run.sh: $1 left out: Debian package $2 is not installed" >&2
		continue
	fi
	names+=("$1")
	libs+=("$lib")
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A library the dynamic loader cannot preload is skipped with a warning
# and glibc serves instead: make sure each one really takes malloc over.
for i in "${!names[@]}"; do
	[ -z "${libs[$i]}" ] && continue
	LD_DEBUG=bindings LD_DEBUG_OUTPUT=$tmp/bind LD_PRELOAD=${libs[$i]} \
		"$here/build/small" 0 >/dev/null 2>&1 || true
	if ! grep -qh "to ${libs[$i]} \[0\]: normal symbol \`malloc'" "$tmp"/bind.* 2>/dev/null; then
		echo "run.sh: ${libs[$i]} does not take malloc over when preloaded" >&2
		exit 1
	fi
	rm -f "$tmp"/bind.*
done

sys_events=brk,mmap,munmap,madvise,mremap,mprotect
if command -v perf >/dev/null &&
   perf stat -x, -o "$tmp/probe" -e syscalls:sys_enter_brk true 2>/dev/null &&
   grep -q '^[0-9]' "$tmp/probe"; then
	counter=perf
else
	counter=strace
fi

# run_one LIB PROG ARG...: run PROG with LIB preloaded (none if empty),
# under the timeout; GNU time's peak RSS and minor page faults go to $tmp/rss.
run_one() {
	local lib=$1
	shift
	timeout -k 5 "$limit" /usr/bin/time -f '%M %R' -o "$tmp/rss" \
		env ${lib:+LD_PRELOAD=$lib} "$@"
}

# count_syscalls LIB PROG ARG...: memory system calls of one run, on stdout.
count_syscalls() {
	local lib=$1
	shift
	if [ "$counter" = perf ]; then
		timeout -k 5 "$limit" perf stat -x, -o "$tmp/count" \
			-e "$(sed 's/\([a-z]*\)/syscalls:sys_enter_\1/g' <<<"$sys_events")" \
			env ${lib:+LD_PRELOAD=$lib} "$@" >/dev/null 2>&1 || return 1
		awk -F, '$1 ~ /^[0-9]+$/ { n += $1 } END { print n + 0 }' "$tmp/count"
	else
		timeout -k 5 "$limit" strace -f -c -o "$tmp/count" -e trace="$sys_events" \
			env ${lib:+LD_PRELOAD=$lib} "$@" >/dev/null 2>&1 || return 1
		awk '$NF == "total" { print $4 }' "$tmp/count"
	fi
}

# Why a run failed, in a word, from its exit status.
failure() {
	case $1 in
	124 | 137) echo timeout ;;
	12[5-9] | 1[3-9][0-9] | 2[0-9][0-9]) echo "signal $(($1 - 128))" ;;
	*) echo "exit $1" ;;
	esac
}

runs=$out/malloc-bench-runs.csv
calls=$out/malloc-bench-syscalls.csv
echo "workload,allocator,rep,status,time_s,peak_rss_kib,ops,minor_faults" >"$runs"
echo "workload,allocator,syscalls_work_run,syscalls_startup_run,ops" >"$calls"

echo "bench: ${#names[@]} allocators (${names[*]}), $reps repetitions, scale $scale%," \
	"syscalls by $counter"
for w in "${workloads[@]}"; do
	prog=$here/build/$w
	declare -A failed=()
	expect=
	for ((r = 1; r <= reps; r++)); do
		for i in "${!names[@]}"; do
			name=${names[$i]}
			[ -n "${failed[$name]:-}" ] && continue
			start=$EPOCHREALTIME
			rc=0
			run_one "${libs[$i]}" "$prog" "$scale" >"$tmp/out" 2>"$tmp/err" || rc=$?
			end=$EPOCHREALTIME
			line=$(tail -n1 "$tmp/out")
			[ "$name" = glibc ] && [ -z "$expect" ] && [ $rc -eq 0 ] && expect=$line
			status=ok
			if [ $rc -ne 0 ]; then
				status=$(failure $rc)
			elif [ "$line" != "$expect" ]; then
				status="wrong output"
			fi
			if [ "$status" != ok ]; then
				failed[$name]=$status
				echo "bench: $w under $name: FAIL ($status): $(head -c 300 "$tmp/err")" >&2
				echo "$w,$name,$r,FAIL $status,,,," >>"$runs"
				continue
			fi
			ops=$(sed -n 's/.* ops=\([0-9]*\) .*/\1/p' <<<"$line")
			time_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')
			read -r rss faults < <(tail -n1 "$tmp/rss")
			echo "$w,$name,$r,ok,$time_s,$rss,$ops,$faults" >>"$runs"
		done
	done
	for i in "${!names[@]}"; do
		name=${names[$i]}
		[ -n "${failed[$name]:-}" ] && continue
		work=$(count_syscalls "${libs[$i]}" "$prog" "$scale") || work=
		base=$(count_syscalls "${libs[$i]}" "$prog" 0) || base=
		ops=$(awk -F, -v w="$w" -v a="$name" '$1 == w && $2 == a && $4 == "ok" { print $7; exit }' "$runs")
		echo "$w,$name,$work,$base,$ops" >>"$calls"
	done
	unset failed
	echo "bench: $w done"
done

# The summary: medians, ratios to glibc, the table and the geometric means.
awk -F, -v csv="$out/malloc-bench.csv" -v order="${names[*]}" -v wls="${workloads[*]}" '
function median(list,   v, n, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function spread(list,   v, n, i, lo, hi) {
	n = split(list, v, " ")
	lo = hi = v[1]
	for (i = 2; i <= n; i++) {
		if (v[i] + 0 < lo + 0) lo = v[i]
		if (v[i] + 0 > hi + 0) hi = v[i]
	}
	return (hi - lo) / median(list)
}
function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "-" }
FNR == 1 { file++; next }
file == 1 && $4 == "ok" { t[$1, $2] = t[$1, $2] " " $5; m[$1, $2] = m[$1, $2] " " $6 }
file == 1 && $4 != "ok" { fail[$1, $2] = substr($4, 6) }
file == 2 && $3 != "" && $4 != "" && $5 > 0 {
	d = $3 - $4
	sc[$1, $2] = (d > 0 ? d : 0) / ($5 / 1e6)
}
END {
	na = split(order, al, " ")
	nw = split(wls, wl, " ")
	print "workload,allocator,time_s,time_ratio,spread,peak_rss_kib,rss_ratio,syscalls_per_mop,syscall_ratio" > csv
	print "| workload | allocator | time s | time ratio | spread | peak RSS KiB | RSS ratio | mem syscalls /Mop | syscall ratio |"
	print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= nw; i++) {
		w = wl[i]
		gt = ((w, "glibc") in t) ? median(t[w, "glibc"]) : 0
		gm = ((w, "glibc") in m) ? median(m[w, "glibc"]) : 0
		gs = ((w, "glibc") in sc) ? sc[w, "glibc"] : ""
		for (j = 1; j <= na; j++) {
			a = al[j]
			if ((w, a) in fail || !((w, a) in t)) {
				why = ((w, a) in fail) ? fail[w, a] : "no run"
				printf "%s,%s,FAIL %s,,,,,,\n", w, a, why > csv
				printf "| %s | %s | FAIL (%s) | | | | | | |\n", w, a, why
				continue
			}
			tm = median(t[w, a]); rs = median(m[w, a])
			s = ((w, a) in sc) ? sprintf("%.1f", sc[w, a]) : ""
			tr = ratio(tm, gt); rr = ratio(rs, gm)
			sr = (gs == "" || s == "") ? "-" : (gs > 0 ? ratio(sc[w, a], gs) : (sc[w, a] == 0 ? "1.00" : "inf"))
			if (tr != "-") { lg[a] += log(tr); ng[a]++ }
			printf "%s,%s,%.4f,%s,%.3f,%d,%s,%s,%s\n", w, a, tm, tr, spread(t[w, a]), rs, rr, s, sr > csv
			printf "| %s | %s | %.3f | %s | %.0f%% | %d | %s | %s | %s |\n", w, a, tm, tr,
				100 * spread(t[w, a]), rs, rr, (s == "" ? "-" : s), sr
		}
	}
	print ""
	print "| allocator | geometric mean of time ratios | workloads |"
	print "|---|---:|---:|"
	for (j = 1; j <= na; j++) {
		a = al[j]
		printf "| %s | %s | %d of %d |\n", a, ng[a] ? sprintf("%.2f", exp(lg[a] / ng[a])) : "-", ng[a], nw
		printf "geomean,%s,,%s,,,,,\n", a, ng[a] ? sprintf("%.3f", exp(lg[a] / ng[a])) : "" > csv
	}
}' "$runs" "$calls"
echo
echo "bench: wrote $out/malloc-bench.csv, $runs, $calls"
# The table is written either way; a failure of toymalloc itself fails the run.
if grep -q '^[^,]*,toymalloc,[^,]*,FAIL' "$runs"; then
	echo "bench: toymalloc FAILED on: $(awk -F, '$2 == "toymalloc" && $4 ~ /^FAIL/ { print $1 }' "$runs" | tr '\n' ' ')" >&2
	exit 1
fi
