/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the guest test programs. */
#ifndef TESTS_PROGS_UTIL_H
#define TESTS_PROGS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

/* CLOCK_MONOTONIC in ns */
static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	fprintf(stderr, "error: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d: %s)\n", e, strerror(e));
	exit(1);
}

/* Print LINE, then keep everything this process holds until killed */
static inline void __attribute__((noreturn)) hold_until_killed(const char *line)
{
	printf("%s\n", line);
	fflush(stdout);
	for (;;)
		pause();
}

/* Write s to a sysfs file: 0 or -errno. */
static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), e = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		e = -errno;
	close(fd);
	return e;
}

/* Read a sysfs file into buf (trailing newline stripped). */
static inline int read_sysfs(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

static inline unsigned long long read_sysfs_ull(const char *path)
{
	char buf[64];

	if (read_sysfs(path, buf, sizeof(buf)))
		die("read %s", path);
	return strtoull(buf, NULL, 0);
}

/*
 * The first @len bytes of BAR @bar of the PCI function @bdf, mapped
 * read/write through its sysfs resource file, behind the back of any
 * driver bound to the function; dies on error.
 */
static inline volatile void *pci_bar_map(const char *bdf, int bar, size_t len)
{
	volatile void *p;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.64s/resource%d",
		 bdf, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		die("open %s", path);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap %s", path);
	close(fd);
	return p;
}

/* The card model's BAR4 debug registers (qemu/REGISTERS.md) */
#define DFL_DBG_BAR		4
#define DFL_DBG_SIZE		0x1000
static inline volatile uint64_t *dfl_dbg_map(const char *bdf)
{
	return pci_bar_map(bdf, DFL_DBG_BAR, DFL_DBG_SIZE);
}

#endif
