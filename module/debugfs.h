/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_DEBUGFS_H
#define _TOYALLOC_DEBUGFS_H

struct toy_caches;
struct toy_zone;

void toy_debugfs_init(struct toy_zone *zone, struct toy_caches *caches);
void toy_debugfs_exit(void);

#endif /* _TOYALLOC_DEBUGFS_H */
