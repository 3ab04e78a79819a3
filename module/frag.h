/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_FRAG_H
#define _TOYALLOC_FRAG_H

struct seq_file;
struct toy_zone;

int toy_unusable_index(const unsigned long *nr_free, unsigned int order);
int toy_extfrag_index(const unsigned long *nr_free, unsigned int order);
void toy_zone_unusable_show(struct seq_file *m, struct toy_zone *zone);
void toy_zone_extfrag_show(struct seq_file *m, struct toy_zone *zone);

#endif /* _TOYALLOC_FRAG_H */
