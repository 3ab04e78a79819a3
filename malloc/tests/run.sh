#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every toymalloc test and print one TAP-style line per test, numbered
# across the whole run, then "N passed, N failed".  Exits non-zero if any
# failed.
#
#   run.sh BUILD [UBSAN_BUILD]
#
# BUILD/tests/*_test are kselftest-harness programs; each of their results is
# one test here.  The UBSan build's programs run again, their results
# prefixed "ubsan:".  Then the shell-level tests: the practice's output
# against the lecture's, the exported symbols, and programs run with the
# library preloaded (same output as without it, a valid heap afterwards, no
# more memory system calls than glibc).
set -uo pipefail

cd "$(dirname "$0")/.."
build=$1
ubsan=${2:-}
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib=$PWD/$build/libtoymalloc.so
py=/usr/bin/python3

report() {	# report 0|1 DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}

# Each "ok N name" / "not ok N name" of a harness program; a program that
# dies before its plan is complete counts as one more failure.
harness() {	# harness PROGRAM PREFIX [ENV...]
	local prog=$1 prefix=$2 out plan got=0 line
	shift 2
	out=$tmp/$(basename "$prog").out
	env "$@" timeout 300 "$prog" >"$out" 2>&1
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out")
	while IFS= read -r line; do
		got=$((got + 1))
		case $line in
		ok*)	report 0 "$prefix${line#ok * }" ;;
		*)	report 1 "$prefix${line#not ok * }"
			grep '^# ' "$out" | grep -v '^#  *\(RUN\|OK\)' | tail -n 20 >&2 ;;
		esac
	done < <(grep -E '^(not )?ok [0-9]+ ' "$out")
	if [ -z "$plan" ] || [ "$got" -lt "$plan" ]; then
		tail -n 20 "$out" >&2
		report 1 "$prefix$(basename "$prog") ran all its tests"
	fi
}

for t in api harden random thread practice; do
	harness "$build/tests/${t}_test" "" TOYMALLOC_HEAPMAP="$PWD/$build/heapmap.png"
done
if [ -n "$ubsan" ]; then
	for t in api harden random thread practice; do
		harness "$ubsan/tests/${t}_test" "ubsan: " TM_RANDOM_OPS=1000000 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	done
fi

# The lecture's expected output, addresses replaced by what follows from the sizes.
normalize() { sed -E 's/0x[0-9a-f]{6,}/ADDR/g; s/[[:space:]]+$//'; }
cat >"$tmp/expected" <<'END'
=====trunk view begin=====
chunk addr = ADDR, prev size = 0, size: 24, prev inuse: 1, fd = (nil), bk = 0x18
chunk addr = ADDR, prev size = 24, size: 32, prev inuse: 1, fd = (nil), bk = (nil)
chunk addr = ADDR, prev size = 32, size: 48, prev inuse: 1, fd = (nil), bk = (nil)
chunk addr = ADDR, prev size = 48, size: 64, prev inuse: 1, fd = (nil), bk = (nil)
chunk addr = ADDR, prev size = 64, size: 80, prev inuse: 1, fd = (nil), bk = (nil)
chunk addr = ADDR, prev size = 80, size: 776, prev inuse: 1, fd = (nil), bk = (nil)
=====trunk view end=====
=====trunk view begin=====
chunk addr = ADDR, prev size = 0, size: 248, prev inuse: 1, fd = ADDR, bk = 0x18
chunk addr = ADDR, prev size = 248, size: 776, prev inuse: 0, fd = (nil), bk = (nil)
=====trunk view end=====
END
timeout 10 "$build/practice" >"$tmp/practice" 2>&1
normalize <"$tmp/practice" | diff -u "$tmp/expected" - >&2
report $? "practice prints the lecture's two trunk views"
second=$(sed -n '9,11p' "$tmp/practice")
fd=$(sed -n 's/.*size: 248.*fd = \(0x[0-9a-f]*\),.*/\1/p' <<<"$second")
addr=$(sed -n 's/chunk addr = \(0x[0-9a-f]*\), prev size = 248,.*/\1/p' <<<"$second")
[ -n "$fd" ] && [ "$fd" = "$addr" ]
report $? "practice: the 248-byte chunk's fd is the 776-byte chunk"

std="malloc free calloc realloc reallocarray memalign posix_memalign aligned_alloc valloc pvalloc malloc_usable_size"
missing=0
for f in $std; do
	nm -D --defined-only "$lib" | grep -qw "$f" || { echo "missing $f" >&2; missing=1; }
	nm -D --defined-only "$lib" | grep -qw "toy_$f" || { echo "missing toy_$f" >&2; missing=1; }
done
report $missing "libtoymalloc.so exports the standard and the toy_ names"
leaked=0
for f in $std; do
	nm --defined-only "$build/libtoymalloc.a" 2>/dev/null | grep -qw "T $f" && leaked=1
done
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" || $2 == "B" || $2 == "D" {print $3}' |
	grep -cvE "^(toy_|malloc|free|calloc|realloc|reallocarray|memalign|posix_memalign|aligned_alloc|valloc|pvalloc)")
[ "$leaked" = 0 ] && [ "$exported" = 0 ]
report $? "libtoymalloc.a defines only toy_ names; the .so exports nothing else"

same_output() {	# same_output DESCRIPTION COMMAND...: stdout identical with and without the library
	local desc=$1
	shift
	timeout 120 "$@" >"$tmp/without" 2>&1
	local r1=$?
	LD_PRELOAD=$lib timeout 120 "$@" >"$tmp/with" 2>&1
	local r2=$?
	[ "$r1" = "$r2" ] && cmp -s "$tmp/without" "$tmp/with"
	report $? "preloaded: $desc"
}

seq 1 300000 | awk '{ print ($1 * 7919) % 1000003, "line", $1 }' >"$tmp/big"
same_output "ls -la /usr/bin" ls -la /usr/bin
same_output "sort of a 300000-line file" sort "$tmp/big"
same_output "workload checksum (1M malloc/free)" "$build/tests/workload"
same_output "python3 builds and dumps a large dict" "$py" -c \
	'import json; d = {str(i): [i] * 20 for i in range(100000)}; s = json.dumps(d); print(len(s), hash(s) & 0)'
same_output "python3 with threads" "$py" -c '
import threading
def work(k):
    l = []
    for i in range(100000):
        l.append(bytes(i % 2000))
        if len(l) > 300: l = l[150:]
t = [threading.Thread(target=work, args=(k,)) for k in range(4)]
[x.start() for x in t]; [x.join() for x in t]; print("done")'
same_output "TOYMALLOC_CHECK=1 ls -la /etc" env TOYMALLOC_CHECK=1 ls -la /etc

out=$(LD_PRELOAD=$lib timeout 60 "$py" -c '
import ctypes, json
d = {str(i): list(range(i % 50)) for i in range(50000)}
del d
lib = ctypes.CDLL(None)
print(lib.toy_malloc_check())' 2>&1)
[ "$out" = 0 ]
report $? "preloaded: python3 serves from toymalloc and leaves a valid heap"

# System calls that get or give back memory, for the same workload.
if command -v strace >/dev/null; then
	count() { strace -f -qq -e trace=brk,mmap,munmap,mremap,madvise,mprotect -o "$tmp/st" \
		env "$@" "$build/tests/workload" >/dev/null 2>&1; grep -c . "$tmp/st"; }
	glibc=$(count LD_PRELOAD=)
	toy=$(count LD_PRELOAD="$lib")
	echo "# memory system calls for 1M malloc/free: glibc $glibc, toymalloc $toy"
	[ "$toy" -le "$glibc" ]
	report $? "preloaded: no more memory system calls than glibc for 1M malloc/free"
fi

# The heap map the api test drew: a PNG whose chunks check out, three colors at least.
"$py" - "$build/heapmap.png" <<'PYEOF'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w, h = 8, b'', 0, 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    assert struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
    if kind == b'IHDR':
        w, h = struct.unpack('>II', body[:8])
    if kind == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
assert len(raw) == h * (1 + 3 * w)
colors = {raw[y * (1 + 3 * w) + 1 + 3 * x:y * (1 + 3 * w) + 4 + 3 * x] for y in range(h) for x in range(w)}
assert len(colors) >= 3, colors
PYEOF
report $? "heap map is a valid PNG showing in-use, free and top"

echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
