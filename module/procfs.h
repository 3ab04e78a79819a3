/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_PROCFS_H
#define _TOYALLOC_PROCFS_H

struct toy_caches;
struct toy_zone;

int toy_procfs_init(struct toy_zone *zone, struct toy_caches *caches);
void toy_procfs_exit(void);

#endif /* _TOYALLOC_PROCFS_H */
