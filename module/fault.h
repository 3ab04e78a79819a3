/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_FAULT_H
#define _TOYALLOC_FAULT_H

#include <linux/types.h>

struct dentry;

bool toy_should_fail(size_t size);
void toy_fault_init(struct dentry *parent);

#endif /* _TOYALLOC_FAULT_H */
