// SPDX-License-Identifier: GPL-2.0
/* The lecture's coding-practice sequence, run as it is written. */
#include "chunk.h"

int main(void)
{
	void *x1 = new_malloc(8);
	void *x2 = new_malloc(16);
	void *x3 = new_malloc(32);
	void *x4 = new_malloc(48);
	void *x5 = new_malloc(64);

	view_chunk(p);
	new_free(x1);
	new_free(x2);
	new_free(x3);
	new_free(x4);
	new_free(x5);
	view_chunk(p);
	return 0;
}
