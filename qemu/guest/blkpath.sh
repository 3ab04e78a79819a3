# SPDX-License-Identifier: GPL-2.0
#
# Where a synchronous write to toyblk spends its time, against brd (a bio
# driver) and null_blk (the kernel's blk-mq test device, memory-backed, one
# queue per CPU, requests completed in queue_rq as toyblk does): 4 KiB
# random writes and reads by one fio job on 64 MiB of each device, filled
# once, with psync (a pwrite() that waits in the kernel) and with io_uring
# at iodepth=1 (one request in flight, submitted by io_uring_enter()).
# Per I/O it prints the context switches of the fio process (fio's own
# count, from getrusage), those of the whole system (/proc/stat ctxt) and
# the hardware queue runs made by kblockd (work items blk_mq_run_work_fn,
# counted by a trace histogram), one line per run:
# "path: JOB ENGINE DEV iops=N fio_cs=X sys_cs=X kblockd=X".
. /guest/lib.sh

FIO=/usr/bin/fio
TRACE=/sys/kernel/tracing
HIST=$TRACE/events/workqueue/workqueue_execute_start
reps=${benchreps:-3}

load nr_blocks=24
insmod /toyblk.ko size_mb=64
/sbin/insmod /lib/kmods/brd.ko rd_nr=1 rd_size=65536 max_part=0
/sbin/insmod /lib/kmods/configfs.ko
/sbin/insmod /lib/kmods/null_blk.ko nr_devices=1 queue_mode=2 submit_queues=2 \
	memory_backed=1 gb=1 bs=4096 irqmode=0
for dev in /dev/toyblk0 /dev/ram0 /dev/nullb0; do
	dd if=/dev/zero of=$dev bs=1M count=64 oflag=direct 2>/dev/null
done
[ -f $TRACE/trace ] || mount -t tracefs nodev $TRACE
# One histogram for the whole run (set once: setting it again and again
# locked a CPU up); each run takes the difference.
echo 'hist:keys=function.sym' >$HIST/trigger

ctxt() {
	awk '$1 == "ctxt" { print $2 }' /proc/stat
}

# The kblockd runs of a hardware queue so far.
kblockd_runs() {
	awk '/blk_mq_run_work_fn/ { for (i = 1; i < NF; i++) if ($i == "hitcount:") n += $(i + 1) }
		END { print n + 0 }' $HIST/hist
}

# path_job JOB ENGINE DEV fio-options...
path_job() {
	job=$1
	engine=$2
	dev=$3
	shift 3
	runs=$(kblockd_runs)
	before=$(ctxt)
	$FIO --name="$job" --filename="$dev" --direct=1 --ioengine="$engine" \
		--size=64m --time_based --runtime=3 \
		--output-format=terse --terse-version=3 \
		"$@" >/tmp/path.out
	after=$(ctxt)
	runs=$(($(kblockd_runs) - runs))
	# terse v3: KiB read 6, read IOPS 8; KiB written 47, write IOPS 49;
	# the job's context switches 90.
	awk -F';' -v job="$job" -v eng="$engine" -v dev="${dev##*/}" \
		-v cs=$((after - before)) -v runs="$runs" '{
		ios = ($6 + $47) / 4
		printf "path: %s %s %s iops=%d fio_cs=%.2f sys_cs=%.2f kblockd=%.2f\n",
			job, eng, dev, $8 + $49, $90 / ios, cs / ios, runs / ios
	}' /tmp/path.out
}

i=0
while [ $i -lt "$reps" ]; do
	for engine in psync io_uring; do
		for rw in randwrite randread; do
			for dev in /dev/toyblk0 /dev/ram0 /dev/nullb0; do
				path_job "$rw-4k" $engine $dev --rw=$rw --bs=4k --iodepth=1
			done
		done
	done
	i=$((i + 1))
done
echo "blkpath: done"
