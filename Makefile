# SPDX-License-Identifier: GPL-2.0
#
# toyalloc: the two commands are `make run` and `make test`.
#
#   make          build toyalloc.ko and its client toyalloc_ctl.ko (nothing
#                 is installed: the kernel headers must be there), and
#                 toymalloc, the user-space allocator (malloc/)
#   make practice run the lecture's coding practice (malloc/practice/)
#   make run      boot Debian's kernel in QEMU, load the modules, show them
#                 work; the text goes to qemu/build/run.log, pictures beside it
#   make shell    the same VM with a shell; the modules are in /
#   make kunit    the KUnit suites under kunit.py (UML; KUNIT_ARCH=x86_64)
#   make check    checkpatch --strict and sparse
#   make test     everything above that checks something; ends "N passed, N failed"
#   make bench    toyalloc against the kernel's allocators (UML and QEMU),
#                 toymalloc against glibc, jemalloc, mimalloc and tcmalloc
#   make deps     install what run, test and bench need (Debian, as root;
#                 they call it themselves)
#
# KDIR overrides the kernel headers; KVER the Debian kernel release.  By
# default: the Debian kernel of linux-headers-amd64, else the running
# kernel's build directory when that is a Debian kernel's.

SHELL := /bin/bash
KVER ?= $(shell scripts/debian-kernel.sh 2>/dev/null)
KDIR ?= $(if $(KVER),/usr/src/linux-headers-$(KVER),$(shell scripts/debian-kernel.sh --running))
# toyblk is built too (Kbuild picks the block API the kernel has: 6.1's
# queue setters, or 6.12's queue limits with features); TOYBLK=n leaves it
# out.
TOYBLK ?= m
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_TOYALLOC=m CONFIG_TOYALLOC_CTL=m \
	CONFIG_TOYALLOC_BLK=$(TOYBLK)

.PHONY: all module malloc practice deps run shell kunit check test bench clean

all: module malloc

malloc:
	+$(MAKE) -C malloc

practice:
	+$(MAKE) -s -C malloc practice

deps:
	@scripts/deps.sh

module:
	@[ -d "$(KDIR)" ] || { echo "no kernel headers: run 'make deps' as root, or set KDIR"; exit 1; }
	+$(KBUILD) W=1 modules

run: deps module
	mkdir -p qemu/build
	set -o pipefail; qemu/run.sh demo | tee qemu/build/run.log
	scripts/plot.sh qemu/build/run.log qemu/build

shell: deps module
	qemu/run.sh shell

kunit: deps
	scripts/kunit.sh

check: deps
	scripts/check.sh

test: deps
	scripts/test.sh

bench: deps malloc
	scripts/bench.sh
	malloc/bench/run.sh malloc/build/libtoymalloc.so qemu/build

clean:
	+$(KBUILD) clean
	+$(MAKE) -C malloc clean
	rm -rf qemu/build
