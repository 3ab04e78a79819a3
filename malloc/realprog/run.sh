#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh LIBTOYMALLOC - real programs on toymalloc.
#
# Each case is real work done by a program of Debian's (python3, sqlite3,
# git, perl, gcc), run twice in fresh directories: once as it is and once
# with LIBTOYMALLOC in LD_PRELOAD, which every process it starts inherits
# (git's helpers, gcc's cc1, as and ld).  The two runs must both succeed
# and print the same bytes.  Inputs are generated from fixed seeds and
# dates are pinned, so any difference is the allocator's doing.
#
# Before its cases, each program is checked to really run on the library:
# the dynamic linker (LD_DEBUG=bindings) must bind its malloc and free to
# LIBTOYMALLOC, and python3 must see the library in /proc/self/maps.
# python3 runs with PYTHONMALLOC=malloc, so its objects come from malloc
# rather than from pymalloc's own arenas.
#
# Prints TAP-style "ok N - ..." / "not ok N - ..." lines and closes with
# "N passed, N failed"; exits non-zero when a case failed.  Each run is
# under REALPROG_TIMEOUT seconds (60).  Needs python3, sqlite3, git, perl,
# gcc and binutils (objdump).
set -uo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 LIBTOYMALLOC" >&2
	exit 2
fi
lib=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
limit=${REALPROG_TIMEOUT:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Debian's programs, not whatever a PATH manager puts first.
export PATH=/usr/bin:/bin:$PATH
export LC_ALL=C.UTF-8 TZ=UTC
export GIT_AUTHOR_NAME=toymalloc GIT_AUTHOR_EMAIL=toymalloc@localhost
export GIT_COMMITTER_NAME=toymalloc GIT_COMMITTER_EMAIL=toymalloc@localhost
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp/home
mkdir -p "$HOME"

passed=0
failed=0
n=0

report() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && sed 's/^/# /' <<<"$3" | head -n 20
	fi
}

# binds PROG ARG...: LD_DEBUG=bindings shows PROG's malloc and free bound
# to the library.
binds() {
	local name=$1 log=$tmp/bindings
	shift
	(cd "$tmp" && timeout "$limit" env LD_DEBUG=bindings LD_DEBUG_OUTPUT="$log" \
		LD_PRELOAD="$lib" "$@" >/dev/null 2>&1)
	if grep -qh "to $lib \[0\]: normal symbol \`malloc'" "$log".* 2>/dev/null &&
	   grep -qh "to $lib \[0\]: normal symbol \`free'" "$log".*; then
		report ok "$name binds malloc and free to $(basename "$lib")"
	else
		report fail "$name binds malloc and free to $(basename "$lib")" \
			"$(grep -h -m5 "symbol \`malloc'" "$log".* 2>/dev/null)"
	fi
	rm -f "$log".*
}

# same NAME FUNCTION: run FUNCTION (a case below) in a fresh directory
# without and with the library; both must succeed with the same output.
same() {
	local name=$1 fn=$2 mode rc dir
	local -A status
	for mode in glibc toymalloc; do
		dir=$tmp/$mode/$fn
		mkdir -p "$dir"
		(
			cd "$dir" || exit 1
			[ "$mode" = toymalloc ] && export LD_PRELOAD=$lib
			timeout -k 5 "$limit" bash -c "set -eo pipefail; $(declare -f "$fn"); $fn"
		) >"$dir.out" 2>"$dir.err"
		status[$mode]=$?
	done
	rc="glibc exit ${status[glibc]}, toymalloc exit ${status[toymalloc]}"
	if [ "${status[glibc]}" -ne 0 ]; then
		report fail "$name (fails without the library: $rc)" "$(tail -n5 "$tmp/glibc/$fn.err")"
	elif [ "${status[toymalloc]}" -ne 0 ]; then
		report fail "$name ($rc)" "$(tail -n5 "$tmp/toymalloc/$fn.err")"
	elif [ ! -s "$tmp/glibc/$fn.out" ]; then
		report fail "$name (no output to compare)"
	elif ! cmp -s "$tmp/glibc/$fn.out" "$tmp/toymalloc/$fn.out"; then
		report fail "$name (output differs)" \
			"$(diff "$tmp/glibc/$fn.out" "$tmp/toymalloc/$fn.out" | head -n 10)"
	else
		report ok "$name: same $(wc -c <"$tmp/glibc/$fn.out") bytes of output"
	fi
}

# ---- python3 ----

py_json() {
	PYTHONMALLOC=malloc python3 - <<'EOF'
import hashlib, json, random
random.seed(11)
def node(depth):
    if depth == 0 or random.random() < 0.2:
        return random.choice([random.random(), random.randint(-10**12, 10**12),
                              "".join(random.choice("abcdefghij\u00e9\u4e2d") for _ in range(random.randint(0, 40))),
                              None, True, False])
    if random.random() < 0.5:
        return [node(depth - 1) for _ in range(random.randint(0, 8))]
    return {"k%d" % random.randint(0, 10**6): node(depth - 1) for _ in range(random.randint(0, 8))}
doc = [node(7) for _ in range(40)]
text = json.dumps(doc, sort_keys=True, indent=1)
back = json.loads(text)
assert back == doc
again = json.dumps(back, sort_keys=True, indent=1)
assert again == text
print(len(text), hashlib.sha256(text.encode()).hexdigest())
print(again[:2000])
EOF
}

py_sortdict() {
	PYTHONMALLOC=malloc python3 - <<'EOF'
import collections, random
random.seed(7)
syll = ["ka", "to", "ri", "mun", "se", "la", "vo", "pe", "xi", "dar", "ul", "en"]
words = ["".join(random.choice(syll) for _ in range(random.randint(1, 4))) for _ in range(300000)]
count = collections.Counter(words)
index = {}
for i, w in enumerate(words):
    index.setdefault(w[:3], []).append(i)
pairs = sorted(((c, w) for w, c in count.items()), key=lambda t: (-t[0], t[1]))
print(len(words), len(count), len(index))
for c, w in pairs[:25]:
    print(w, c)
nums = [random.getrandbits(48) for _ in range(200000)]
nums.sort()
print(sum(nums[::997]) % 1000003, nums[0], nums[-1])
s = set(words[::2]) ^ set(words[1::3])
print(len(s), sorted(s)[:10])
EOF
}

py_threads() {
	PYTHONMALLOC=malloc python3 - <<'EOF'
import queue, random, threading
q = queue.Queue(maxsize=64)
results = {}
def produce(seed):
    rnd = random.Random(seed)
    for i in range(3000):
        q.put({"id": (seed, i), "words": [rnd.choice("abcdefgh") * rnd.randint(1, 300) for _ in range(20)]})
def consume(name, n):
    total, longest = 0, ""
    for _ in range(n):
        item = q.get()
        total += sum(len(w) for w in item["words"])
        longest = max([longest] + item["words"], key=lambda w: (len(w), w))
    results[name] = (total, len(longest))
producers = [threading.Thread(target=produce, args=(s,)) for s in range(4)]
consumers = [threading.Thread(target=consume, args=(c, 4000)) for c in range(3)]
for t in producers + consumers:
    t.start()
for t in producers + consumers:
    t.join()
print(sum(t for t, _ in results.values()), max(l for _, l in results.values()), len(results))
EOF
}

py_compileall() {
	mkdir src
	stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
	cp -rp "$stdlib/json" "$stdlib/email" "$stdlib/http" "$stdlib/xml" src/
	find src -name __pycache__ -prune -exec rm -rf {} +
	PYTHONMALLOC=malloc python3 -m compileall -q --invalidation-mode unchecked-hash src >&2
	find src -name '*.pyc' | sort | xargs sha256sum
}

# ---- sqlite3 ----

sql_rows() {
	sqlite3 rows.db <<'EOF'
PRAGMA journal_mode = DELETE;
CREATE TABLE item(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, val REAL);
CREATE TABLE grp(id INTEGER PRIMARY KEY, label TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO item SELECT i, (i * 7919) % 997, printf('name-%08d-%s', (i * 104729) % 1000003,
	substr('abcdefghijklmnopqrstuvwxyz', 1 + i % 26, 1 + i % 13)), (i % 1000) / 7.0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 996)
INSERT INTO grp SELECT i, 'group ' || i FROM n;
CREATE INDEX item_grp ON item(grp);
CREATE INDEX item_name ON item(name);
SELECT count(*), sum(val), min(name), max(name) FROM item;
SELECT g.label, count(*), round(avg(i.val), 4) FROM item i JOIN grp g ON g.id = i.grp
	GROUP BY g.id ORDER BY count(*) DESC, g.id LIMIT 15;
SELECT name FROM item WHERE name LIKE 'name-0001%' ORDER BY name LIMIT 20;
SELECT grp, group_concat(id, ',') FROM (SELECT grp, id FROM item WHERE id % 5000 = 0 ORDER BY id)
	GROUP BY grp ORDER BY grp;
UPDATE item SET val = val * 2 WHERE grp % 3 = 0;
DELETE FROM item WHERE id % 4 = 0;
VACUUM;
PRAGMA integrity_check;
SELECT count(*), round(sum(val), 3) FROM item;
EOF
}

# ---- git ----

git_repo() {
	git init -q -b main repo
	cd repo
	awk 'BEGIN {
		srand(5)
		for (d = 0; d < 20; d++) {
			system("mkdir -p dir" d)
			for (f = 0; f < 25; f++) {
				file = "dir" d "/file" f ".txt"
				for (l = 0; l < 40; l++)
					printf "line %d of %s: %d\n", l, file, int(rand() * 1e9) > file
				close(file)
			}
		}
	}'
	git add -A
	git commit -q -m "a generated tree"
	for d in 3 7 11; do
		sed -i 's/line 1[0-9] /LINE /' dir$d/*.txt
		git mv dir$d/file0.txt dir$d/moved.txt
		git commit -q -am "change dir$d"
	done
	git log --stat --format='%H %s'
	git diff --stat HEAD~3 HEAD
	git gc -q
	git fsck --full --strict
	git count-objects -v | grep -E '^(count|in-pack|packs)'
	git archive --format=tar HEAD | sha256sum
	git ls-tree -r HEAD | sha256sum
}

# ---- perl ----

perl_text() {
	perl -e '
		srand(3);
		my @syl = qw(qu ar fel tin os mer ba zy lo ek);
		my (%freq, %bigram, @lines);
		for my $i (1 .. 40000) {
			my $line = join " ", map { join "", map { $syl[int rand @syl] } 1 .. 1 + int rand 3 } 1 .. 12;
			push @lines, $line;
		}
		for (@lines) {
			my @w = split;
			$freq{$_}++ for @w;
			$bigram{"$w[$_] $w[$_ + 1]"}++ for 0 .. $#w - 1;
			s/\b(qu|zy)(\w*)\b/\U$1\E<$2>/g;
		}
		my @top = (sort { $freq{$b} <=> $freq{$a} || $a cmp $b } keys %freq)[0 .. 19];
		print "$_ $freq{$_}\n" for @top;
		print scalar(keys %freq), " words, ", scalar(keys %bigram), " bigrams\n";
		my $joined = join "\n", @lines;
		my $n = () = $joined =~ /(?:ar|os)[a-z]*fel/g;
		print "matches $n, length ", length $joined, "\n";
		print "$lines[$_]\n" for 0 .. 9;
	'
}

# ---- gcc ----

gcc_bench() {
	cp "$BENCH_SRC"/*.c "$BENCH_SRC"/bench.h .
	for f in server prodcons small realloc large; do
		gcc -std=gnu11 -O2 -Wall -Wextra -Werror -pthread -c $f.c
		objdump -d --no-show-raw-insn $f.o | tail -n +3 | sha256sum
	done
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -pthread -DSCRATCH=0 -c falseshare.c
	objdump -d falseshare.o | tail -n +3 | sha256sum
	gcc -std=gnu11 -O2 -pthread -o server server.c
	./server 5
}

export BENCH_SRC=$here/../bench

for prog in python3 sqlite3 git perl gcc objdump; do
	if ! command -v "$prog" >/dev/null; then
		report fail "$prog is installed"
	fi
done

binds python3 python3 -c pass
n=$((n + 1))
if LD_PRELOAD=$lib timeout "$limit" python3 -c \
	'import sys; sys.exit(sys.argv[1] not in open("/proc/self/maps").read())' "$lib"; then
	passed=$((passed + 1))
	echo "ok $n - python3 has $(basename "$lib") mapped (/proc/self/maps)"
else
	failed=$((failed + 1))
	echo "not ok $n - python3 has $(basename "$lib") mapped (/proc/self/maps)"
fi
same "python3: json round-trip of a generated document" py_json
same "python3: counting, sorting and set work on 300k words" py_sortdict
same "python3: objects passed between 7 threads through a queue" py_threads
same "python3: compileall of json, email, http and xml" py_compileall

binds sqlite3 sqlite3 :memory: 'select 1'
same "sqlite3: 100k rows, indexes, joins, vacuum, integrity_check" sql_rows

binds git git --version
same "git: generated tree, commits, log, gc, fsck --full, archive" git_repo

binds perl perl -e 'my %h = map { $_ => 1 } 1 .. 10'
same "perl: regex and hash work on 40k generated lines" perl_text

binds gcc gcc --version
same "gcc: compile the benchmark programs, same code, same run" gcc_bench

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
