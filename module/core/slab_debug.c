// SPDX-License-Identifier: GPL-2.0
/*
 * toyalloc slab debugging, after SLUB's slub_debug=FZPU
 *
 * A cache created with debug flags (or every cache, with the module
 * parameter slab_debug) lays each object out as
 *
 *	| object (object_size) | red zone | alloc track | free track | pad |
 *
 *   Z  TOY_SLAB_RED_ZONE: the red zone, from the end of the object to the
 *	next word plus one word, holds TOY_RED_ACTIVE while the object is
 *	allocated and TOY_RED_INACTIVE while it is free.  A write past the end
 *	of the object is found when it is freed; a write into a free object's
 *	red zone when it is allocated again.
 *   P  TOY_SLAB_POISON: a free object is filled with TOY_POISON_FREE and
 *	ends with TOY_POISON_END; a write after free is found when the object
 *	is allocated again.  Caches with a constructor are not poisoned: their
 *	free objects must keep the constructed state.
 *   U  TOY_SLAB_STORE_USER: who allocated and who freed each object last
 *	(caller, CPU, pid, jiffies), printed in every report about it.
 *   F  TOY_SLAB_CONSISTENCY_CHECKS: the red zone and poison are checked on
 *	every allocation and free (without F, only written).
 *
 * A problem found prints one report block, "BUG <cache>: <reason>", the
 * object, the first differing byte, the tracks and a hex dump of the
 * damaged bytes; then the pattern is restored ("FIX") and the cache goes on.
 * Reports go through report.c, so KUnit tests count them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "../internal.h"

/**
 * toy_debug_layout() - the bytes debugging adds after each object
 * @cache: a cache whose object_size and flags are set
 *
 * Sets cache->red_zone and cache->track.
 *
 * Return: the size of object, red zone and tracks, before alignment.
 */
unsigned int toy_debug_layout(struct toy_cache *cache)
{
	unsigned int end = cache->object_size;

	if (cache->ctor)
		cache->flags &= ~TOY_SLAB_POISON;
	cache->red_zone = 0;
	if (cache->flags & TOY_SLAB_RED_ZONE) {
		cache->red_zone = ALIGN(end, sizeof(void *)) - end + sizeof(void *);
		end += cache->red_zone;
	}
	cache->track = 0;
	if (cache->flags & TOY_SLAB_STORE_USER) {
		end = ALIGN(end, sizeof(unsigned long));
		cache->track = end;
		end += 2 * sizeof(struct toy_track);
	}
	return end;
}

/**
 * toy_get_track() - the owner track of an object
 * @cache: a cache with TOY_SLAB_STORE_USER
 * @obj: one of its objects
 * @item: the last allocation or the last free
 *
 * Return: the track.
 */
struct toy_track *toy_get_track(struct toy_cache *cache, void *obj,
				enum toy_track_item item)
{
	return (struct toy_track *)(obj + cache->track) + item;
}
EXPORT_SYMBOL_IF_KUNIT(toy_get_track);

static void toy_set_track(struct toy_cache *cache, void *obj,
			  enum toy_track_item item, unsigned long caller)
{
	struct toy_track *t = toy_get_track(cache, obj, item);

	t->addr = caller;
	t->cpu = raw_smp_processor_id();
	t->pid = current->pid;
	t->when = jiffies;
}

static void toy_print_track(struct toy_cache *cache, void *obj,
			    enum toy_track_item item)
{
	struct toy_track *t = toy_get_track(cache, obj, item);

	if (t->addr)
		pr_err("%s by %pS cpu=%d pid=%d age=%lu jiffies\n",
		       item == TOY_TRACK_ALLOC ? "Allocated" : "Freed",
		       (void *)t->addr, t->cpu, t->pid, jiffies - t->when);
}

static void toy_poison(struct toy_cache *cache, void *obj)
{
	memset(obj, POISON_FREE, cache->object_size - 1);
	((u8 *)obj)[cache->object_size - 1] = POISON_END;
}

/*
 * Check that [start, start + len) of @obj holds @value, or @end_value for
 * the last byte when @end_value >= 0; report and restore if not.
 */
static bool toy_check_bytes(struct toy_cache *cache, void *obj, const char *what,
			    u8 *start, unsigned int len, u8 value, int end_value)
{
	unsigned int i, bad = 0, first = len;
	u8 want;

	for (i = 0; i < len; i++) {
		want = i == len - 1 && end_value >= 0 ? end_value : value;
		if (start[i] != want) {
			bad++;
			first = min(first, i);
		}
	}
	if (!bad)
		return true;

	if (toy_report_ratelimit()) {
		toy_report_bug("%s: %s overwritten", cache->name, what);
		pr_err("-----------------------------------------------------------------------------\n");
		pr_err("Object %p (%u bytes): byte %u is 0x%02x instead of 0x%02x, %u of %u bytes differ\n",
		       obj, cache->object_size, (unsigned int)(start - (u8 *)obj) + first,
		       start[first], first == len - 1 && end_value >= 0 ? end_value : value,
		       bad, len);
		if (cache->track) {
			toy_print_track(cache, obj, TOY_TRACK_ALLOC);
			toy_print_track(cache, obj, TOY_TRACK_FREE);
		}
		print_hex_dump(KERN_ERR, KBUILD_MODNAME ": ", DUMP_PREFIX_OFFSET, 16, 1,
			       start + first, min(len - first, 64U), false);
		pr_err("FIX %s: restored %s 0x%02x\n", cache->name, what, value);
	}
	memset(start, value, len);
	if (end_value >= 0)
		start[len - 1] = end_value;
	return false;
}

/**
 * toy_debug_init_object() - lay out the debug bytes of a new object
 * @cache: the cache
 * @obj: an object of a slab being created, not yet constructed
 */
void toy_debug_init_object(struct toy_cache *cache, void *obj)
{
	if (cache->flags & TOY_SLAB_POISON)
		toy_poison(cache, obj);
	if (cache->red_zone)
		memset(obj + cache->object_size, SLUB_RED_INACTIVE, cache->red_zone);
	if (cache->track)
		memset(obj + cache->track, 0, 2 * sizeof(struct toy_track));
}

/**
 * toy_debug_alloc() - check and mark an object being handed out
 * @cache: the cache
 * @obj: the object
 * @caller: who asked for it
 */
void toy_debug_alloc(struct toy_cache *cache, void *obj, unsigned long caller)
{
	bool check = cache->flags & TOY_SLAB_CONSISTENCY_CHECKS;

	if (check && (cache->flags & TOY_SLAB_POISON))
		toy_check_bytes(cache, obj, "Poison", obj, cache->object_size,
				POISON_FREE, POISON_END);
	if (cache->red_zone) {
		if (check)
			toy_check_bytes(cache, obj, "Redzone", obj + cache->object_size,
					cache->red_zone, SLUB_RED_INACTIVE, -1);
		memset(obj + cache->object_size, SLUB_RED_ACTIVE, cache->red_zone);
	}
	if (cache->track)
		toy_set_track(cache, obj, TOY_TRACK_ALLOC, caller);
}

/**
 * toy_debug_free() - check and mark an object being given back
 * @cache: the cache
 * @obj: the object, already known to be an allocated object of @cache
 * @caller: who gave it back
 */
void toy_debug_free(struct toy_cache *cache, void *obj, unsigned long caller)
{
	if (cache->red_zone) {
		if (cache->flags & TOY_SLAB_CONSISTENCY_CHECKS)
			toy_check_bytes(cache, obj, "Redzone", obj + cache->object_size,
					cache->red_zone, SLUB_RED_ACTIVE, -1);
		memset(obj + cache->object_size, SLUB_RED_INACTIVE, cache->red_zone);
	}
	if (cache->flags & TOY_SLAB_POISON)
		toy_poison(cache, obj);
	if (cache->track)
		toy_set_track(cache, obj, TOY_TRACK_FREE, caller);
}

/**
 * toy_slab_debug_flags() - parse a slab_debug= string
 * @s: letters F, Z, P, U in any order (SLUB's meanings), or empty
 * @flags: the TOY_SLAB_* debug flags they stand for
 *
 * Return: 0, or -EINVAL for any other character.
 */
int toy_slab_debug_flags(const char *s, unsigned long *flags)
{
	*flags = 0;
	for (; *s && *s != '\n'; s++) {
		switch (*s) {
		case 'F':
			*flags |= TOY_SLAB_CONSISTENCY_CHECKS;
			break;
		case 'Z':
			*flags |= TOY_SLAB_RED_ZONE;
			break;
		case 'P':
			*flags |= TOY_SLAB_POISON;
			break;
		case 'U':
			*flags |= TOY_SLAB_STORE_USER;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}
