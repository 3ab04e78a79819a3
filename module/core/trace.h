/* SPDX-License-Identifier: GPL-2.0 */
/*
 * toyalloc tracepoints, modelled on the kernel's kmem: events
 * (include/trace/events/kmem.h): system "toyalloc", one event per page
 * block and per object handed out or given back.  Enable them with
 *	echo 1 > /sys/kernel/tracing/events/toyalloc/enable
 * Pointers print hashed (%p), as in kmem:kmalloc.  Names are copied into
 * fixed arrays, as sched events copy comm: the __string() helpers changed
 * their arguments in 6.10, and these build the same on every kernel.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM toyalloc

#if !defined(_TOYALLOC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TOYALLOC_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>

#include <toyalloc/buddy.h>
#include <toyalloc/slab.h>

DECLARE_EVENT_CLASS(toy_page_event,
		    TP_PROTO(const char *zone, unsigned long index, unsigned int order),
		    TP_ARGS(zone, index, order),
		    TP_STRUCT__entry(__array(char, zone, TOY_ZONE_NAME_LEN)
				     __field(unsigned long, index)
				     __field(unsigned int, order)),
		    TP_fast_assign(strscpy(__entry->zone, zone, TOY_ZONE_NAME_LEN);
				   __entry->index = index;
				   __entry->order = order;),
		    TP_printk("zone=%s index=%lu order=%u",
			      __entry->zone, __entry->index, __entry->order));

DEFINE_EVENT(toy_page_event, toy_page_alloc,
	     TP_PROTO(const char *zone, unsigned long index, unsigned int order),
	     TP_ARGS(zone, index, order));

DEFINE_EVENT(toy_page_event, toy_page_free,
	     TP_PROTO(const char *zone, unsigned long index, unsigned int order),
	     TP_ARGS(zone, index, order));

TRACE_EVENT(toy_page_alloc_fail,
	    TP_PROTO(const char *zone, unsigned int order),
	    TP_ARGS(zone, order),
	    TP_STRUCT__entry(__array(char, zone, TOY_ZONE_NAME_LEN)
			     __field(unsigned int, order)),
	    TP_fast_assign(strscpy(__entry->zone, zone, TOY_ZONE_NAME_LEN);
			   __entry->order = order;),
	    TP_printk("zone=%s order=%u", __entry->zone, __entry->order));

DECLARE_EVENT_CLASS(toy_object_event,
		    TP_PROTO(const char *cache, const void *ptr, unsigned int size),
		    TP_ARGS(cache, ptr, size),
		    TP_STRUCT__entry(__array(char, cache, TOY_CACHE_NAME_LEN)
				     __field(const void *, ptr)
				     __field(unsigned int, size)),
		    TP_fast_assign(strscpy(__entry->cache, cache, TOY_CACHE_NAME_LEN);
				   __entry->ptr = ptr;
				   __entry->size = size;),
		    TP_printk("cache=%s ptr=%p size=%u",
			      __entry->cache, __entry->ptr, __entry->size));

DEFINE_EVENT(toy_object_event, toy_cache_alloc,
	     TP_PROTO(const char *cache, const void *ptr, unsigned int size),
	     TP_ARGS(cache, ptr, size));

DEFINE_EVENT(toy_object_event, toy_cache_free,
	     TP_PROTO(const char *cache, const void *ptr, unsigned int size),
	     TP_ARGS(cache, ptr, size));

#endif /* _TOYALLOC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
