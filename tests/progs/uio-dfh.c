// SPDX-License-Identifier: GPL-2.0
/*
 * uio-dfh: map /dev/uioN (uio_dfl) and print the 64-bit DFH at the start
 * of its feature, plus an optional register: uio-dfh N [OFFSET].
 * uio maps the page-rounded region, so the feature starts at the
 * region's address modulo the page size.
 */
#include <inttypes.h>
#include <sys/mman.h>
#include "util.h"

int main(int argc, char **argv)
{
	char path[128];
	unsigned long long addr, size, off = 0;
	long psz = sysconf(_SC_PAGESIZE);
	size_t in_page, len;
	volatile uint64_t *reg;
	void *map;
	int fd;

	if (argc < 2)
		die("usage: %s UIO_NUMBER [OFFSET]", argv[0]);
	if (argc > 2)
		off = strtoull(argv[2], NULL, 0);
	snprintf(path, sizeof(path), "/sys/class/uio/uio%s/maps/map0/addr", argv[1]);
	addr = read_sysfs_ull(path);
	snprintf(path, sizeof(path), "/sys/class/uio/uio%s/maps/map0/size", argv[1]);
	size = read_sysfs_ull(path);
	if (off + 8 > size)
		die("offset 0x%llx outside the 0x%llx-byte feature", off, size);
	snprintf(path, sizeof(path), "/dev/uio%s", argv[1]);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		die("open %s", path);
	in_page = addr & (psz - 1);
	len = (in_page + size + psz - 1) & ~(psz - 1);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap %s", path);
	reg = (volatile uint64_t *)((char *)map + in_page + off);
	printf("0x%016" PRIx64 "\n", *reg);
	munmap(map, len);
	close(fd);
	return 0;
}
