# SPDX-License-Identifier: GPL-2.0
#
# make bench, in the VM: fio on /dev/toyblk0 against /dev/ram0 of the
# kernel's brd, both 64 MiB and new, filled once, then each job on one and
# right after on the other, the whole list benchreps= times (from the kernel
# command line).  Prints one line per run: "fio: JOB DEV iops=N bw_kib=N";
# the host takes medians.
#
# The jobs use psync, a pwrite() or pread() that waits in the kernel.  The
# two write jobs run again with io_uring at iodepth=1, one request in flight
# as with psync: blkdev_write_iter() plugs, so a psync write reaches a blk-mq
# driver only when the writer sleeps, through kblockd, while io_uring_enter()
# flushes its plug itself (docs/benchmarks.md, qemu/guest/blkpath.sh).
. /guest/lib.sh

FIO=/usr/bin/fio
reps=${benchreps:-5}

load nr_blocks=24
insmod /toyblk.ko size_mb=64
/sbin/insmod /lib/kmods/brd.ko rd_nr=1 rd_size=65536 max_part=0
for dev in /dev/toyblk0 /dev/ram0; do
	dd if=/dev/zero of=$dev bs=1M count=64 oflag=direct 2>/dev/null
done

# fio_job NAME DEV fio-options...: one run, its IOPS and bandwidth read
# from the terse (v3) line: reads at fields 7-8, writes at 48-49.
fio_job() {
	name=$1
	dev=$2
	shift 2
	$FIO --name="$name" --filename="$dev" --direct=1 \
		--time_based --runtime=3 --ramp_time=1 --group_reporting \
		--output-format=terse --terse-version=3 "$@" |
		awk -F';' -v job="$name" -v dev="${dev##*/}" \
			'{ printf "fio: %s %s iops=%d bw_kib=%d\n", job, dev, $8 + $49, $7 + $48 }'
}

# run_job DEV JOB: the job's options.
run_job() {
	case $2 in
	randread-4k-2jobs) fio_job "$2" "$1" --ioengine=psync --rw=randread --bs=4k --numjobs=2 ;;
	randwrite-4k-2jobs) fio_job "$2" "$1" --ioengine=psync --rw=randwrite --bs=4k --numjobs=2 ;;
	mixed-70-30-4k-2jobs) fio_job "$2" "$1" --ioengine=psync --rw=randrw --rwmixread=70 --bs=4k --numjobs=2 ;;
	seqread-1m) fio_job "$2" "$1" --ioengine=psync --rw=read --bs=1M ;;
	seqwrite-1m) fio_job "$2" "$1" --ioengine=psync --rw=write --bs=1M ;;
	randwrite-4k-2jobs-uring) fio_job "$2" "$1" --ioengine=io_uring --iodepth=1 --rw=randwrite --bs=4k --numjobs=2 ;;
	seqwrite-1m-uring) fio_job "$2" "$1" --ioengine=io_uring --iodepth=1 --rw=write --bs=1M ;;
	esac
}

i=0
while [ $i -lt "$reps" ]; do
	for job in randread-4k-2jobs randwrite-4k-2jobs mixed-70-30-4k-2jobs \
		seqread-1m seqwrite-1m randwrite-4k-2jobs-uring seqwrite-1m-uring; do
		run_job /dev/toyblk0 $job
		run_job /dev/ram0 $job
	done
	i=$((i + 1))
done
echo "fiobench: done"
