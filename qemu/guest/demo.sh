# SPDX-License-Identifier: GPL-2.0
#
# make run: load toyalloc, split the zone a little, show it merge back.
. /guest/lib.sh

show() {
	echo "\$ cat /proc/toybuddyinfo    # $1"
	cat /proc/toybuddyinfo
	echo
}

insmod /toyalloc.ko nr_blocks=4
dmesg | grep toyalloc
echo
show "fresh: 4 free blocks of order 10"
for order in 0 3 5 9; do
	echo "\$ ctl alloc $order"
	ctl alloc "$order"
done
echo
show "after the allocations: the splits left one free half per order"
for h in 0 1 2 3; do
	ctl free "$h"
done
echo "\$ ctl validate"
ctl validate
show "after freeing all: merged back to whole blocks"
rmmod toyalloc
echo "toyalloc unloaded"
