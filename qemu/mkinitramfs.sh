#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the VM's initramfs for the Debian kernel KVER (default: the 6.1
# line's): static busybox, toyalloc.ko and its clients toyalloc_ctl.ko and
# (where built) toyblk.ko, toyctl (built here, statically), the guest
# scripts, and from the host kmod (insmod/rmmod/modprobe, one load attempt
# per call, unlike busybox's), procps' slabtop, e2fsprogs' mkfs.ext4 and
# e2fsck and util-linux's fstrim, blkdiscard and fallocate with the
# libraries they link; from the Debian kernel the modules of ext4 and brd,
# in load order in /lib/kmods.  TOYVM_FIO=1 adds fio (80 MB of libraries:
# only the benchmark wants it).  Prints the path of the archive.
#
# The modules come from TOYVM_MODULES (a directory, default the top of the
# tree, where make puts them), or with TOYVM_DKMS=1 from what DKMS
# installed in /lib/modules/KVER/updates/dkms (scripts/dkms.sh): those go
# into the same place in the guest, with depmod's index, so that modprobe
# loads them as on an installed system.  Either way a copy sits in / for
# the checks that load them by path.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
kver=${KVER:-$("$top/scripts/debian-kernel.sh")}
build=$here/build
root=$build/root-$kver
modules=${TOYVM_MODULES:-$top}
[ "${TOYVM_DKMS:-0}" = 1 ] && modules=/lib/modules/$kver/updates/dkms

# Copy a host binary and every library ldd names into the root.
add_binary() {
	local bin=$1 lib
	install -D "$bin" "$root$bin"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D "$lib" "$root$lib"
	done
}

rm -rf "$root"
mkdir -p "$root"/{bin,dev,etc/modprobe.d,proc,sys,tmp,guest}
for ko in toyalloc toyalloc_ctl; do
	if [ -f "$modules/$ko.ko" ]; then
		cp "$modules/$ko.ko" "$root/"
	elif [ -f "$modules/$ko.ko.xz" ]; then
		xz -dc "$modules/$ko.ko.xz" >"$root/$ko.ko"
	else
		echo "mkinitramfs.sh: no $ko.ko in $modules (make, or scripts/dkms.sh)" >&2
		exit 1
	fi
done
# toyblk is left out by TOYBLK=n (see Makefile).
if [ -f "$modules/toyblk.ko" ]; then
	cp "$modules/toyblk.ko" "$root/"
elif [ -f "$modules/toyblk.ko.xz" ]; then
	xz -dc "$modules/toyblk.ko.xz" >"$root/toyblk.ko"
fi
if [ "${TOYVM_DKMS:-0}" = 1 ]; then
	mkdir -p "$root/lib/modules/$kver/updates/dkms"
	cp "$modules"/* "$root/lib/modules/$kver/updates/dkms/"
	depmod -b "$root" "$kver"
fi
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$here/init" "$root/init"
cp "$here"/guest/*.sh "$root/guest/"
gcc -O2 -Wall -Wextra -Werror -static -o "$root/bin/toyctl" "$top/module/tools/toyctl.c"
add_binary /usr/bin/kmod
add_binary /usr/bin/slabtop
for bin in /usr/sbin/mke2fs /usr/sbin/e2fsck /usr/sbin/fstrim /usr/sbin/blkdiscard \
	/usr/bin/fallocate; do
	add_binary "$bin"
done
ln -s mke2fs "$root/usr/sbin/mkfs.ext4"
install -D -m 0644 /etc/mke2fs.conf "$root/etc/mke2fs.conf"
[ "${TOYVM_FIO:-0}" = 1 ] && add_binary /usr/bin/fio

# ext4 and brd as modprobe would load them, decompressed if need be; with
# fio, null_blk too (qemu/guest/blkpath.sh compares with it).
mkdir -p "$root/lib/kmods"
kmods="ext4 brd"
[ "${TOYVM_FIO:-0}" = 1 ] && kmods="$kmods null_blk"
for mod in $kmods; do
	modprobe -S "$kver" --show-depends "$mod" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	name=$(basename "$ko")
	case $name in
	*.xz) xz -dc "$ko" >"$root/lib/kmods/${name%.xz}"; name=${name%.xz} ;;
	*) cp "$ko" "$root/lib/kmods/$name" ;;
	esac
	echo "$name" >>"$root/lib/kmods/order"
done
mkdir -p "$root/sbin"
for tool in insmod rmmod lsmod modinfo modprobe depmod; do
	ln -s /usr/bin/kmod "$root/sbin/$tool"
done

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$build/initramfs-$kver.cpio.gz"
echo "$build/initramfs-$kver.cpio.gz"
