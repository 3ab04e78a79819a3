#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: toyalloc against the kernel's allocators, measured in the same
# run (module/bench.c), in two places:
#   uml        kunit.py's UML kernel (native speed, one CPU), built from
#              kunit/bench.kunitconfig: no lock debugging on either side
#   qemu-smp2  Debian's 6.1 kernel in QEMU (TCG, 2 CPUs): emulated, so only
#              the ratios mean anything
#   qemu-6.12-smp2  the same on Debian's 6.12 kernel, whose SLUB and page
#              allocator differ from 6.1's (and which has no SLAB)
# Both boot with init_on_alloc=0, so that neither side zeroes what it hands
# out and the page rows measure the allocators; pages-order-10-zeroed keeps
# the cost of zeroing in view.  Prints a table, writes qemu/build/bench.csv
# (benchmark,env,toy_ns,kernel_ns,ratio,toy_spread,kernel_spread, and each
# side's time as a multiple of the floor row's) and
# qemu/build/bench-memory.txt (slab layouts), states the 2-CPU scaling of
# each side and their ratio, and records the kernel configuration that
# changes the kernel's side; qemu/build/bench-scaling.csv holds the 2-CPU
# scaling of each side and the quartiles of their ratio.
# Then fio on toyblk against brd in the same VM (qemu/guest/fiobench.sh):
# medians of BENCH_REPS runs and toyblk/brd ratios to qemu/build/bench-fio.csv.
#   BENCH_OPS (default 200000, UML) and BENCH_VM_OPS (default 20000),
#   BENCH_REPS (default 5).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/qemu/build
mkdir -p "$out"
ops=${BENCH_OPS:-200000}
vm_ops=${BENCH_VM_OPS:-20000}
reps=${BENCH_REPS:-5}
csv=$out/bench.csv

# "toyalloc_ctl: bench: NAME toy_ns=T kernel_ns=K ratio=R toy_spread=S% ..."
# -> CSV rows, each side also as a multiple of the floor row of its run.
to_csv() {
	grep -o 'toyalloc_ctl: bench: .*' | sed 's/\r$//' |
		awk -v env="$1" '{
			for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			sub(/%$/, "", v["toy_spread"]); sub(/%$/, "", v["kernel_spread"])
			if ($3 == "floor") { ft = v["toy_ns"]; fk = v["kernel_ns"] }
			printf "%s,%s,%s,%s,%s,%s,%s,%.1f,%.1f\n", $3, env, v["toy_ns"],
				v["kernel_ns"], v["ratio"], v["toy_spread"], v["kernel_spread"],
				ft ? v["toy_ns"] / ft : 0, fk ? v["kernel_ns"] / fk : 0
		}'
}

# "bench scaling: toy=S kernel=S ratio=R q1=Q q3=Q reps=N" of a VM log, the
# 2-CPU scaling of each side (work two CPUs do against one: 2 x t1 / t2,
# median over the repetitions) and the median and quartiles of each
# repetition's toyalloc/kernel ratio -> a row of bench-scaling.csv.
scaling_csv() {
	tr -d '\r' | grep -o 'bench scaling: .*' | sed 's/[a-z0-9]*=//g' |
		awk -v env="$1" '{ printf "%s,%s,%s,%s,%s,%s,%s\n", env, $3, $4, $5, $6, $7, $8 }'
}

echo "benchmark,env,toy_ns,kernel_ns,ratio,toy_spread,kernel_spread,toy_x_floor,kernel_x_floor" >"$csv"

echo "bench: UML, $ops operations x $reps repetitions"
KUNIT_CONFIG=bench "$top/scripts/kunit.sh" 'toyalloc_bench.*' \
	--kernel_args="toyalloc_kunit.bench_ops=$ops toyalloc_kunit.bench_reps=$reps init_on_alloc=0" \
	--raw_output=all >"$out/bench-uml.log" 2>&1 || true
to_csv uml <"$out/bench-uml.log" >>"$csv"

echo "bench: QEMU with 2 CPUs, $vm_ops operations x $reps repetitions"
make -s -C "$top" module >/dev/null
TOYVM_TIMEOUT=1800 TOYVM_ARGS="script=bench.sh benchops=$vm_ops benchreps=$reps init_on_alloc=0" \
	"$top/qemu/run.sh" test >"$out/bench-vm.log" 2>&1 || true
to_csv qemu-smp2 <"$out/bench-vm.log" >>"$csv"
echo "env,toy_scaling,kernel_scaling,ratio,ratio_q1,ratio_q3,reps" >"$out/bench-scaling.csv"
scaling_csv qemu-smp2 <"$out/bench-vm.log" >>"$out/bench-scaling.csv"

release=$("$top/scripts/debian-kernel.sh" 6.12)
moddir=${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}/modules-$release
echo "bench: QEMU on $release with 2 CPUs, $vm_ops operations x $reps repetitions"
mkdir -p "$moddir"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.d' \
	"$top/Kbuild" "$top/Makefile" "$top/module" "$top/scripts" "$moddir/"
make -s -C "$moddir" KDIR="/usr/src/linux-headers-$release" module >/dev/null
KVER=$release TOYVM_MODULES=$moddir TOYVM_TIMEOUT=1800 \
	TOYVM_ARGS="script=bench.sh benchops=$vm_ops benchreps=$reps init_on_alloc=0" \
	"$top/qemu/run.sh" test >"$out/bench-vm-6.12.log" 2>&1 || true
to_csv qemu-6.12-smp2 <"$out/bench-vm-6.12.log" >>"$csv"
scaling_csv qemu-6.12-smp2 <"$out/bench-vm-6.12.log" >>"$out/bench-scaling.csv"

echo "bench: fio on toyblk and brd in QEMU with 2 CPUs, $reps repetitions"
TOYVM_FIO=1 TOYVM_TIMEOUT=1800 TOYVM_ARGS="script=fiobench.sh benchreps=$reps" \
	"$top/qemu/run.sh" test >"$out/bench-fio.log" 2>&1 || true
# "fio: JOB DEV iops=N bw_kib=N" -> the median of each job on each device,
# and toyblk/brd ratios.
tr -d '\r' <"$out/bench-fio.log" | grep -o 'fio: .*' | sed 's/iops=//; s/bw_kib=//' | awk '
	function median(a, k, cnt,    i, j, t, v) {
		for (i = 1; i <= cnt; i++) v[i] = a[k, i]
		for (i = 2; i <= cnt; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return v[int((cnt + 1) / 2)]
	}
	{ k = $2 " " $3; c = ++n[k]; iops[k, c] = $4; bw[k, c] = $5
	  if (!($2 in seen)) { seen[$2] = 1; order[++nj] = $2 } }
	END {
		print "job,toyblk_iops,brd_iops,iops_ratio,toyblk_bw_kib,brd_bw_kib,bw_ratio"
		for (i = 1; i <= nj; i++) {
			t = order[i] " toyblk0"; r = order[i] " ram0"
			if (!n[t] || !n[r]) continue
			ti = median(iops, t, n[t]); ri = median(iops, r, n[r])
			tb = median(bw, t, n[t]); rb = median(bw, r, n[r])
			printf "%s,%d,%d,%.2f,%d,%d,%.2f\n", order[i], ti, ri, ti / ri, tb, rb, tb / rb
		}
	}' >"$out/bench-fio.csv"
if [ "$(wc -l <"$out/bench-fio.csv")" -gt 1 ]; then
	column -s, -t "$out/bench-fio.csv"
	echo "bench: wrote $out/bench-fio.csv"
else
	echo "bench: no fio results; see $out/bench-fio.log" >&2
fi

if [ "$(wc -l <"$csv")" -lt 2 ]; then
	echo "bench: no results; see $out/bench-uml.log and $out/bench-vm.log" >&2
	exit 1
fi
column -s, -t "$csv"
echo "bench: wrote $csv"
echo "2-CPU scaling (work two CPUs do against one), medians over the repetitions;"
echo "ratio is toyalloc's over the kernel's, with its quartiles:"
awk -F, 'NR > 1 { printf "  %s: toyalloc %.2f, kernel %.2f, ratio %.3f (quartiles %.3f..%.3f, %d repetitions)\n",
	$1, $2, $3, $4, $5, $6, $7 }' "$out/bench-scaling.csv"
echo "bench: wrote $out/bench-scaling.csv"

{
	echo "Kernel configuration of the kernel's side:"
	kver=$("$top/scripts/debian-kernel.sh")
	echo "  qemu-smp2 (Debian $kver):"
	grep -E '^CONFIG_(SLUB|SLAB_FREELIST|INIT_ON|PREEMPT|HARDENED_USERCOPY|KASAN|PROVE_LOCKING)[A-Z_]*=' \
		"/boot/config-$kver" | sed 's/^/    /'
	echo "  qemu-6.12-smp2 (Debian $release):"
	grep -E '^CONFIG_(SLUB|SLAB_FREELIST|INIT_ON|PREEMPT|HARDENED_USERCOPY|KASAN|PROVE_LOCKING)[A-Z_]*=' \
		"/boot/config-$release" | sed 's/^/    /'
	echo "  uml (kunit/bench.kunitconfig):"
	grep -E '^CONFIG_(SLUB|SLAB_FREELIST|INIT_ON|PREEMPT|HARDENED_USERCOPY|KASAN|PROVE_LOCKING)[A-Z_]*=' \
		"${TOYALLOC_CACHE:-$HOME/.cache/toyalloc}/build-um-bench/.config" | sed 's/^/    /'
	echo
	echo "Slab layout per kmalloc class (same VM): objects per slab, pages per slab, bytes wasted per slab"
	printf '%-8s %22s %22s\n' class "toyalloc obj/pg/waste" "kernel obj/pg/waste"
	tr -d '\r' <"$out/bench-vm.log" | awk '
		/^=== BEGIN slabinfo-kernel/ { k = 1; next } /^=== END slabinfo-kernel/ { k = 0 }
		/^=== BEGIN slabinfo-toy/ { t = 1; next } /^=== END slabinfo-toy/ { t = 0 }
		k { n = $1; sub(/kmalloc-/, "", n); if (n ~ /k$/) { sub(/k$/, "", n); n *= 1024 }
		    kobj[n] = $5; kpg[n] = $6; kw[n] = $6 * 4096 - $5 * $4 }
		t { n = $1; sub(/toy-kmalloc-/, "", n); order[++m] = n
		    tobj[n] = $5; tpg[n] = $6; tw[n] = $6 * 4096 - $5 * $4 }
		END { for (i = 1; i <= m; i++) { n = order[i]
			printf "%-8s %10d/%d/%-9d %10d/%d/%d\n", n, tobj[n], tpg[n], tw[n], kobj[n], kpg[n], kw[n] } }'
	echo
	echo "Metadata per managed page (same VM):" \
		"$(tr -d '\r' <"$out/bench-vm.log" | grep -o 'bench metadata: .*' | cut -d' ' -f3-)," \
		"plus a pointer per 1024 pages"
} | tee "$out/bench-memory.txt"
