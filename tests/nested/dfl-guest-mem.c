// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side of the nested vfio-platform test: register access through
 * /dev/mem with exact 64-bit loads and stores.
 *   dfl-guest-mem read ADDR            print the qword at ADDR
 *   dfl-guest-mem write ADDR VALUE     store VALUE at ADDR
 *   dfl-guest-mem zero ADDR LEN        every qword of [ADDR, ADDR+LEN) is 0
 *   dfl-guest-mem rw ADDR N            N store/load round trips, each value
 *                                      different; report the mismatches
 * Exit status 0 on success, 1 on a mismatch, 2 on a usage or system error.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile uint64_t *map(uint64_t addr, uint64_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t start = addr & ~(uint64_t)(pg - 1);
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	void *p;

	if (fd < 0) {
		perror("/dev/mem");
		exit(2);
	}
	p = mmap(NULL, addr - start + len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, start);
	if (p == MAP_FAILED) {
		perror("mmap /dev/mem");
		exit(2);
	}
	return (volatile uint64_t *)((char *)p + (addr - start));
}

int main(int argc, char **argv)
{
	uint64_t addr, arg;
	volatile uint64_t *r;

	if (argc < 3) {
		fprintf(stderr, "usage: %s read|write|zero|rw ADDR [ARG]\n", argv[0]);
		return 2;
	}
	addr = strtoull(argv[2], NULL, 0);
	arg = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;

	if (!strcmp(argv[1], "read")) {
		r = map(addr, 8);
		printf("0x%016llx\n", (unsigned long long)*r);
	} else if (!strcmp(argv[1], "write") && argc > 3) {
		r = map(addr, 8);
		*r = arg;
	} else if (!strcmp(argv[1], "zero") && argc > 3) {
		uint64_t i, bad = 0;

		r = map(addr, arg);
		for (i = 0; i < arg / 8; i++) {
			uint64_t v = r[i];

			if (v) {
				printf("+0x%llx = 0x%016llx\n",
				       (unsigned long long)(i * 8), (unsigned long long)v);
				bad++;
			}
		}
		return bad ? 1 : 0;
	} else if (!strcmp(argv[1], "rw") && argc > 3) {
		uint64_t i, bad = 0;

		r = map(addr, 8);
		for (i = 0; i < arg; i++) {
			uint64_t v = 0x5a5a000000000000ull ^ (i * 0x9e3779b97f4a7c15ull);

			*r = v;
			if (*r != v)
				bad++;
		}
		printf("%llu round trips, %llu mismatches\n",
		       (unsigned long long)arg, (unsigned long long)bad);
		return bad ? 1 : 0;
	} else {
		fprintf(stderr, "bad command\n");
		return 2;
	}
	return 0;
}
