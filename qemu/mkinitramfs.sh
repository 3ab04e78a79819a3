#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the VM's initramfs: static busybox, toyalloc.ko and its client
# toyalloc_ctl.ko, toyctl (built here, statically), the guest scripts, and from the host kmod (insmod/rmmod, one load attempt per call, unlike
# busybox's) and procps' slabtop with the libraries they link.  Prints the
# path of the archive.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$here/..
build=$here/build
root=$build/root

for ko in toyalloc toyalloc_ctl; do
	[ -f "$top/$ko.ko" ] || { echo "mkinitramfs.sh: build $ko.ko first (make)" >&2; exit 1; }
done

# Copy a host binary and every library ldd names into the root.
add_binary() {
	local bin=$1 lib
	install -D "$bin" "$root$bin"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D "$lib" "$root$lib"
	done
}

rm -rf "$root"
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,guest}
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$here/init" "$root/init"
cp "$here"/guest/*.sh "$root/guest/"
cp "$top/toyalloc.ko" "$top/toyalloc_ctl.ko" "$root/"
gcc -O2 -Wall -Wextra -Werror -static -o "$root/bin/toyctl" "$top/module/tools/toyctl.c"
add_binary /usr/bin/kmod
add_binary /usr/bin/slabtop
mkdir -p "$root/sbin"
for tool in insmod rmmod lsmod modinfo; do
	ln -s /usr/bin/kmod "$root/sbin/$tool"
done

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$build/initramfs.cpio.gz"
echo "$build/initramfs.cpio.gz"
