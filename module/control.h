/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOYALLOC_CONTROL_H
#define _TOYALLOC_CONTROL_H

struct toy_zone;

/* Longest command accepted by /dev/toyalloc, newline included. */
#define TOY_CTL_LINE_MAX	128

enum toy_ctl_verb {
	TOY_CTL_ALLOC,
	TOY_CTL_FREE,
	TOY_CTL_VALIDATE,
};

/**
 * struct toy_ctl_cmd - one parsed /dev/toyalloc command
 * @verb: what to do
 * @args: its unsigned arguments, in order
 */
struct toy_ctl_cmd {
	enum toy_ctl_verb verb;
	unsigned int args[2];
};

int toy_ctl_parse(char *line, struct toy_ctl_cmd *cmd);
int toy_control_init(struct toy_zone *zone);
void toy_control_exit(void);

#endif /* _TOYALLOC_CONTROL_H */
