/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_REPORT_H
#define _TOYALLOC_REPORT_H

#include <linux/ratelimit.h>
#include <linux/types.h>

/* Name of the KUnit resource (an int) that counts reports, as "slab_errors". */
#define TOY_REPORTS_RESOURCE	"toyalloc_reports"

bool toy_report_counted(void);
bool toy_report_ratelimit(void);
__printf(1, 2) void toy_report_bug(const char *fmt, ...);

#endif /* _TOYALLOC_REPORT_H */
