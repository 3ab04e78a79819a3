// SPDX-License-Identifier: GPL-2.0
/*
 * Observability: statistics in the manner of malloc_stats(), a dump of every
 * chunk of an arena in the lecture's view_chunk format, and a heap-map
 * picture of an arena.
 *
 * Nothing here calls malloc: text is formatted into stack buffers and written
 * with write(2); the picture's pixels live in an anonymous mapping and are
 * written as a PNG whose image data uses stored (uncompressed) deflate
 * blocks, which any PNG reader accepts and which needs no zlib.
 *
 * In the picture each arena segment is laid out row after row, one pixel per
 * `scale` bytes (a power of two chosen so the picture stays below about a
 * million pixels):
 *   blue    chunk in use           green   free chunk in a bin
 *   orange  chunk in a fastbin     yellow  chunk in this thread's cache
 *   grey    top                    black   fenceposts, headers, the unused end
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "toymalloc.h"

void tm_printf(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0 && write(fd, buf, n) < 0)
		return;
}

static void arena_stats(struct tm_arena *ar, struct toy_malloc_stats *st)
{
	unsigned i;

	st->system_bytes += ar->system_mem;
	if (ar->top)
		st->top_bytes += chunksize(ar->top);
	for (i = 0; i < NFASTBINS; i++) {
		struct tm_chunk *p;

		for (p = ar->fastbins[i]; p; p = REVEAL_PTR(p->fd)) {
			st->fast_chunks++;
			st->fast_bytes += chunksize(p);
		}
	}
	for (i = 1; i < NBINS; i++) {
		struct tm_chunk *b = bin_at(ar, i), *p;

		for (p = b->fd; p != b; p = p->fd) {
			st->bin_chunks[i]++;
			st->bin_bytes[i] += chunksize(p);
			st->free_chunks++;
			st->free_bytes += chunksize(p);
		}
	}
}

EXPORT void toy_malloc_stats_get(struct toy_malloc_stats *st)
{
	struct tm_arena *ar;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (__atomic_load_n(&tm_initialized, __ATOMIC_ACQUIRE) == 2) {
		for (ar = tm_arena_list; ar; ar = ar->next) {
			tm_lock(ar);
			tm_remote_drain(ar, false);
			arena_stats(ar, st);
			tm_unlock(ar);
			st->arenas++;
		}
	}
	st->in_use_bytes = st->system_bytes - st->free_bytes - st->fast_bytes - st->top_bytes;
	for (i = 0; i < TCACHE_BINS; i++) {
		st->tcache_chunks += tm_tc.counts[i];
		st->tcache_bytes += tm_tc.counts[i] * ((i + 2) * MALLOC_ALIGN);
	}
	st->outbound_chunks = tm_tc.noutbound;
	st->tcache_count = tm_tc.state == TCACHE_ACTIVE ? tm_tc.limits[0] : tm_mp.tcache_count;
	st->tcache_size_bytes = st->tcache_count ? tm_mp.tcache_bytes : 0;
	st->mmapped_chunks = __atomic_load_n(&tm_mmapped_chunks, __ATOMIC_RELAXED);
	st->mmapped_bytes = __atomic_load_n(&tm_mmapped_bytes, __ATOMIC_RELAXED);
	st->mmap_threshold = __atomic_load_n(&tm_mp.mmap_threshold, __ATOMIC_RELAXED);
}

EXPORT void toy_malloc_stats(void)
{
	struct toy_malloc_stats st;
	int fd = STDERR_FILENO;
	unsigned i;

	toy_malloc_stats_get(&st);
	tm_printf(fd, "toymalloc: %zu arenas\n", st.arenas);
	tm_printf(fd, "system bytes     = %10zu\n", st.system_bytes);
	tm_printf(fd, "in use bytes     = %10zu\n", st.in_use_bytes);
	tm_printf(fd, "top bytes        = %10zu\n", st.top_bytes);
	tm_printf(fd, "fastbin chunks   = %10zu (%zu bytes)\n", st.fast_chunks, st.fast_bytes);
	tm_printf(fd, "tcache chunks    = %10zu (%zu bytes, this thread)\n",
		  st.tcache_chunks, st.tcache_bytes);
	tm_printf(fd, "outbound chunks  = %10zu (this thread)\n", st.outbound_chunks);
	tm_printf(fd, "mmapped chunks   = %10zu (%zu bytes)\n", st.mmapped_chunks, st.mmapped_bytes);
	tm_printf(fd, "mmap threshold   = %10zu\n", st.mmap_threshold);
	tm_printf(fd, "free chunks      = %10zu (%zu bytes)\n", st.free_chunks, st.free_bytes);
	for (i = 1; i < NBINS; i++)
		if (st.bin_chunks[i])
			tm_printf(fd, "  bin %3u %-8s %6zu chunks %10zu bytes\n", i,
				  i == 1 ? "unsorted" : i < NSMALLBINS ? "small" : "large",
				  st.bin_chunks[i], st.bin_bytes[i]);
}

static struct tm_arena *my_arena(void)
{
	if (tm_tc.state == TCACHE_UNSET)
		tm_tcache_init();
	return thread_arena();
}

EXPORT void toy_malloc_view(int fd)
{
	struct tm_arena *ar = my_arena();
	struct tm_heap *h;

	tm_lock(ar);
	tm_printf(fd, "=====trunk view begin=====\n");
	for (h = ar->heap; h; h = h->prev) {
		struct tm_chunk *p;

		for (p = h->first; (char *)p < heap_end(h); p = next_chunk(p)) {
			bool has_links = (char *)p + sizeof(struct tm_chunk) <= heap_end(h);

			tm_printf(fd, "chunk addr = %p, prev size = %zu, size: %zu, prev inuse: %d, fd = %p, bk = %p%s\n",
				  (void *)p, p->prev_size, chunksize(p), (int)(p->size & PREV_INUSE),
				  has_links ? (void *)p->fd : NULL, has_links ? (void *)p->bk : NULL,
				  p == ar->top ? " (top)" : "");
			if (p == ar->top || chunksize(p) == 0)
				break;
		}
	}
	tm_printf(fd, "=====trunk view end=====\n");
	tm_unlock(ar);
}

/* --- heap map --- */

enum { C_BLACK, C_INUSE, C_FREE, C_FAST, C_TCACHE, C_TOP };
static const unsigned char palette[][3] = {
	[C_BLACK] = { 0, 0, 0 },	[C_INUSE] = { 40, 90, 200 },
	[C_FREE] = { 40, 180, 60 },	[C_FAST] = { 240, 140, 20 },
	[C_TCACHE] = { 240, 220, 40 },	[C_TOP] = { 150, 150, 150 },
};

#define MAP_WIDTH	512UL

struct map {
	unsigned char *px;	/* one color index per pixel */
	size_t npx, scale;
	struct tm_arena *ar;
};

/* Pixel index of address a, segments laid end to end (newest first). */
static size_t pixel_of(const struct map *m, const void *a)
{
	struct tm_heap *h;
	size_t base = 0;

	for (h = m->ar->heap; h; h = h->prev) {
		if ((const char *)a >= (const char *)h && (const char *)a < heap_end(h))
			return base + ((const char *)a - (const char *)h) / m->scale;
		base += (h->size + m->scale - 1) / m->scale;
	}
	return SIZE_MAX;
}

static void paint(struct map *m, const void *a, size_t len, unsigned char color)
{
	size_t first = pixel_of(m, a), last, i;

	if (first == SIZE_MAX || !len)
		return;
	last = pixel_of(m, (const char *)a + len - 1);
	if (last == SIZE_MAX)
		last = first;
	for (i = first; i <= last && i < m->npx; i++)
		m->px[i] = color;
}

static void paint_arena(struct map *m)
{
	struct tm_arena *ar = m->ar;
	struct tm_heap *h;
	unsigned i;

	for (h = ar->heap; h; h = h->prev) {
		struct tm_chunk *p;

		for (p = h->first; (char *)p < heap_end(h); p = next_chunk(p)) {
			size_t size = chunksize(p);
			bool last = (char *)p + size >= heap_end(h);

			if (p == ar->top)
				paint(m, p, size, C_TOP);
			else if (size >= MINSIZE)
				paint(m, p, size, !last && !inuse(p) ? C_FREE : C_INUSE);
			if (p == ar->top || size == 0)
				break;
		}
	}
	for (i = 0; i < NFASTBINS; i++) {
		struct tm_chunk *p;

		for (p = ar->fastbins[i]; p; p = REVEAL_PTR(p->fd))
			paint(m, p, chunksize(p), C_FAST);
	}
	for (i = 0; i < TCACHE_BINS; i++) {
		struct tm_tcache_entry *e;

		for (e = tm_tc.entries[i]; e; e = REVEAL_PTR(e->next))
			if (arena_for_chunk(mem2chunk(e)) == ar)
				paint(m, mem2chunk(e), chunksize(mem2chunk(e)), C_TCACHE);
	}
}

static uint32_t crc_table[256];

static uint32_t crc32_update(uint32_t crc, const unsigned char *buf, size_t len)
{
	size_t i;

	if (!crc_table[1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;
			int k;

			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
	return crc;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int write_chunk(int fd, const char *type, const unsigned char *data, size_t len)
{
	unsigned char hdr[8], tail[4];
	uint32_t crc;

	put32(hdr, (uint32_t)len);
	memcpy(hdr + 4, type, 4);
	crc = crc32_update(0xffffffffU, hdr + 4, 4);
	crc = crc32_update(crc, data, len) ^ 0xffffffffU;
	put32(tail, crc);
	if (write_all(fd, hdr, 8) || write_all(fd, data, len) || write_all(fd, tail, 4))
		return -1;
	return 0;
}

/*
 * The zlib stream of the image rows, in stored blocks of at most 65535 bytes,
 * built in buf (which has room for it).  Returns its length.
 */
static size_t zlib_stored(unsigned char *buf, const unsigned char *raw, size_t len)
{
	uint32_t a = 1, b = 0;
	size_t out = 0, i;

	buf[out++] = 0x78;
	buf[out++] = 0x01;
	for (i = 0; i < len || i == 0;) {
		size_t n = len - i > 65535 ? 65535 : len - i;

		buf[out++] = i + n == len;
		buf[out++] = n & 0xff;
		buf[out++] = n >> 8;
		buf[out++] = ~n & 0xff;
		buf[out++] = (~n >> 8) & 0xff;
		memcpy(buf + out, raw + i, n);
		out += n;
		i += n;
		if (!n)
			break;
	}
	for (i = 0; i < len; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	put32(buf + out, (b << 16) | a);
	return out + 4;
}

static int write_png(const char *path, const struct map *m)
{
	size_t height = (m->npx + MAP_WIDTH - 1) / MAP_WIDTH;
	size_t rowlen = 1 + 3 * MAP_WIDTH, rawlen = rowlen * height;
	size_t zlen = rawlen + 6 + 5 * (rawlen / 65535 + 1);
	size_t maplen = rawlen + zlen;
	unsigned char *raw, *z, ihdr[13];
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t y, x;
	int fd, ret = -1;

	raw = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return -1;
	z = raw + rawlen;
	for (y = 0; y < height; y++) {
		unsigned char *row = raw + y * rowlen;

		row[0] = 0;
		for (x = 0; x < MAP_WIDTH; x++) {
			size_t i = y * MAP_WIDTH + x;

			memcpy(row + 1 + 3 * x, palette[i < m->npx ? m->px[i] : C_BLACK], 3);
		}
	}
	zlen = zlib_stored(z, raw, rawlen);
	put32(ihdr, MAP_WIDTH);
	put32(ihdr + 4, (uint32_t)height);
	ihdr[8] = 8;	/* bit depth */
	ihdr[9] = 2;	/* truecolor */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (!write_all(fd, sig, 8) && !write_chunk(fd, "IHDR", ihdr, 13) &&
		    !write_chunk(fd, "IDAT", z, zlen) && !write_chunk(fd, "IEND", NULL, 0))
			ret = 0;
		close(fd);
	}
	munmap(raw, maplen);
	return ret;
}

EXPORT int toy_malloc_heap_map(const char *path)
{
	struct map m = { .ar = my_arena() };
	struct tm_heap *h;
	size_t total = 0;
	int ret, err;

	tm_lock(m.ar);
	for (h = m.ar->heap; h; h = h->prev)
		total += h->size;
	for (m.scale = 16; total / m.scale > (1UL << 20); m.scale *= 2)
		;
	for (h = m.ar->heap; h; h = h->prev)
		m.npx += (h->size + m.scale - 1) / m.scale;
	if (!m.npx)
		m.npx = 1;
	m.px = mmap(NULL, m.npx, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m.px == MAP_FAILED) {
		tm_unlock(m.ar);
		return -1;
	}
	paint_arena(&m);
	tm_unlock(m.ar);
	ret = write_png(path, &m);
	err = errno;
	munmap(m.px, m.npx);
	errno = err;
	return ret;
}

#ifdef TOYMALLOC_STD_NAMES
__typeof__(toy_malloc_stats) malloc_stats __attribute__((alias("toy_malloc_stats"), visibility("default")));
#endif
