# SPDX-License-Identifier: GPL-2.0
#
# toyalloc: the two commands are `make run` and `make test`.
#
#   make          build toyalloc.ko against Debian's linux-headers-amd64
#   make run      boot Debian's kernel in QEMU, load the module, show it work
#   make shell    the same VM with a shell; the module is in /toyalloc.ko
#   make kunit    the KUnit suites under kunit.py (UML; KUNIT_ARCH=x86_64)
#   make check    checkpatch --strict and sparse
#   make test     everything above that checks something; ends "N passed, N failed"
#
# KDIR overrides the kernel headers; KVER the Debian kernel release.

KVER ?= $(shell scripts/debian-kernel.sh)
KDIR ?= /usr/src/linux-headers-$(KVER)
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_TOYALLOC=m

.PHONY: all module deps run shell kunit check test clean

all: module

deps:
	@scripts/deps.sh

module: deps
	+$(KBUILD) W=1 modules

run: module
	qemu/run.sh demo

shell: module
	qemu/run.sh shell

kunit: deps
	scripts/kunit.sh

check: deps
	scripts/check.sh

test: deps
	scripts/test.sh

clean:
	+$(KBUILD) clean
	rm -rf qemu/build
