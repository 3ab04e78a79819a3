#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's kernel in QEMU with the toyalloc initramfs.
#   qemu/run.sh demo|test|shell
# KVER picks the Debian kernel (default: the 6.1 line's release); the
# modules are built for it (TOYVM_MODULES, TOYVM_DKMS: mkinitramfs.sh).
# demo and test print to stdout and are killed after TOYVM_TIMEOUT seconds
# (default 300): a hung guest fails, it never hangs the caller.
# TOYVM_ARGS adds to the kernel command line; in test mode script=NAME runs
# qemu/guest/NAME instead of vmtest.sh.
set -euo pipefail

mode=${1:-shell}
here=$(cd "$(dirname "$0")" && pwd)
kver=${KVER:-$("$here/../scripts/debian-kernel.sh")}
kernel=/boot/vmlinuz-$kver
initrd=$(KVER=$kver "$here/mkinitramfs.sh")

qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 512M
	-nographic -no-reboot -kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 quiet panic=-1 toyvm=$mode ${TOYVM_ARGS:-}")

if [ "$mode" = shell ]; then
	exec "${qemu[@]}"
fi
exec timeout --foreground -k 5 "${TOYVM_TIMEOUT:-300}" "${qemu[@]}" </dev/null
