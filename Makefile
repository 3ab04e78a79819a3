# SPDX-License-Identifier: GPL-2.0
#
# toyalloc: the two commands are `make run` and `make test`.
#
#   make          build toyalloc.ko against Debian's linux-headers-amd64
#   make run      boot Debian's kernel in QEMU, load the module, show it work;
#                 the text goes to qemu/build/run.log, pictures beside it
#   make shell    the same VM with a shell; the module is in /toyalloc.ko
#   make kunit    the KUnit suites under kunit.py (UML; KUNIT_ARCH=x86_64)
#   make check    checkpatch --strict and sparse
#   make test     everything above that checks something; ends "N passed, N failed"
#   make bench    toyalloc against the kernel's allocators (UML and QEMU)
#
# KDIR overrides the kernel headers; KVER the Debian kernel release.

SHELL := /bin/bash
KVER ?= $(shell scripts/debian-kernel.sh)
KDIR ?= /usr/src/linux-headers-$(KVER)
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_TOYALLOC=m

.PHONY: all module deps run shell kunit check test bench clean

all: module

deps:
	@scripts/deps.sh

module: deps
	+$(KBUILD) W=1 modules

run: module
	mkdir -p qemu/build
	set -o pipefail; qemu/run.sh demo | tee qemu/build/run.log
	scripts/plot.sh qemu/build/run.log qemu/build

shell: module
	qemu/run.sh shell

kunit: deps
	scripts/kunit.sh

check: deps
	scripts/check.sh

test: deps
	scripts/test.sh

bench: deps
	scripts/bench.sh

clean:
	+$(KBUILD) clean
	rm -rf qemu/build
