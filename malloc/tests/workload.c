// SPDX-License-Identifier: GPL-2.0
/*
 * A fixed workload through the standard names, for the tests that run it
 * under LD_PRELOAD: a million malloc/free calls of mixed sizes and lifetimes.
 * Prints a checksum of the data so that runs can be compared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	static unsigned char *slot[2048];
	uint64_t r = 42, sum = 0;
	long op;
	int i;

	for (op = 0; op < 1000000; op++) {
		size_t n;

		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		i = r % 2048;
		n = r % 100 < 90 ? (r >> 20) % 400 : (r >> 20) % 20000;
		if (slot[i]) {
			sum += slot[i][0];
			free(slot[i]);
		}
		slot[i] = malloc(n + 1);
		memset(slot[i], (int)(r >> 8), n + 1);
	}
	for (i = 0; i < 2048; i++)
		free(slot[i]);
	printf("%llu\n", (unsigned long long)sum);
	return 0;
}
