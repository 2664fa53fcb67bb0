// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-dfl-sweep: a random sweep of one vfio-dfl device's uAPI from several
 * threads, checking the invariants every VFIO driver must keep:
 *
 *  - read/write wholly inside region 0 move the full count (an empty one
 *    at or before the end moves 0 bytes); any other offset or count
 *    (beyond the end, another index, wrapping) fails with EINVAL and
 *    moves nothing (the buffer is not touched);
 *  - GET_INFO follows the argsz protocol: below the fixed part EINVAL;
 *    too small for the capabilities, argsz grows and cap_offset is 0;
 *  - GET_REGION_INFO knows region 0 (its size never changes) and refuses
 *    every other index with EINVAL;
 *  - mmap succeeds only for MAP_SHARED, in-bounds ranges of a mappable
 *    region, and a mapping reads what pread reads;
 *  - ioctl numbers the driver does not know fail with ENOTTY.
 * SET_IRQS gets random indexes, counts, flags and fds (real eventfds,
 * closed fds, fds of other kinds, -1); it must not crash the kernel, and
 * what it returns goes into the errno histogram.
 *
 *   vfio-dfl-sweep [-n] [-w WRITE_OFF:WRITE_LEN] DEV SECONDS THREADS [SEED]
 *
 * -n: do not reopen the device at the end (it may be unbound meanwhile).
 * Writes go only to the -w window of the region (default: none), so the
 * sweep is safe on real hardware. Prints calls made, calls per second,
 * the errno histogram and every invariant broken; exits 1 if any was.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include "vfio-dev.h"

#define MAX_ERRNO	200

static const char *dev_name;
static int dev_fd, iommufd;
static struct vfio_region_info region;
static uint64_t wr_off, wr_len;
static long page;
static bool no_reopen;
static volatile int done;
static atomic_ulong calls, broken;
static atomic_ulong hist[MAX_ERRNO + 1];	/* [0] = success */

#define BROKEN(fmt, ...) do {						\
	if (atomic_fetch_add(&broken, 1) < 20)				\
		printf("# BROKEN: " fmt "\n", ##__VA_ARGS__);		\
} while (0)

static void count(long ret, int err)
{
	atomic_fetch_add(&calls, 1);
	atomic_fetch_add(&hist[ret < 0 ? (err > 0 && err <= MAX_ERRNO ? err : MAX_ERRNO) : 0], 1);
}

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* An interesting offset into (or around) region 0, or elsewhere */
static uint64_t rnd_off(uint64_t *s)
{
	uint64_t size = region.size;

	switch (rnd(s) % 8) {
	case 0: return rnd(s) % size;
	case 1: return size - 1 - rnd(s) % (size < 16 ? size : 16);
	case 2: return size + rnd(s) % 64;
	case 3: return rnd(s) % 64;
	case 4: return (rnd(s) % 4 + 1) << 40;		/* other indexes */
	case 5: return rnd(s);
	case 6: return size - 8;
	default: return rnd(s) % (size + 4096);
	}
}

static size_t rnd_len(uint64_t *s)
{
	switch (rnd(s) % 6) {
	case 0: return 0;
	case 1: return 1 + rnd(s) % 8;
	case 2: return 8;
	case 3: return rnd(s) % 65;
	case 4: return rnd(s) % 4097;
	default: return region.size;
	}
}

static void op_rw(uint64_t *s)
{
	static __thread uint8_t buf[8192];
	uint64_t off = rnd_off(s);
	size_t len = rnd_len(s) % (sizeof(buf) - 1);
	/* As vfio_dfl_range_ok(): an empty access at or before the end is in */
	bool in = off <= region.size && len <= region.size - off;
	bool wr = rnd(s) % 4 == 0;
	ssize_t r;
	size_t i;

	if (wr && !(in && off >= wr_off && off + len <= wr_off + wr_len)) {
		/* Out-of-window in-bounds writes are not made; others probe */
		if (in)
			wr = false;
	}
	memset(buf, 0xa5, len + 1);
	r = wr ? pwrite(dev_fd, buf, len, region.offset + off) :
		 pread(dev_fd, buf, len, region.offset + off);
	count(r, errno);
	if (in && r != (ssize_t)len)
		BROKEN("%s %zu at 0x%" PRIx64 " in a region of 0x%llx: %zd (%s)",
		       wr ? "pwrite" : "pread", len, off,
		       (unsigned long long)region.size, r, strerror(errno));
	if (!in) {
		if (r != -1 || errno != EINVAL)
			BROKEN("%s %zu at 0x%" PRIx64 " (out of bounds): %zd (%s), want EINVAL",
			       wr ? "pwrite" : "pread", len, off, r,
			       r < 0 ? strerror(errno) : "moved bytes");
		if (!wr)
			for (i = 0; i < len; i++)
				if (buf[i] != 0xa5) {
					BROKEN("failed pread wrote into the buffer");
					break;
				}
	}
}

static void op_info(uint64_t *s)
{
	uint8_t buf[4096];
	struct vfio_device_info *info = (void *)buf;
	uint32_t minsz = offsetof(struct vfio_device_info, num_irqs) + 4;
	uint32_t argsz = rnd(s) % 2 ? rnd(s) % 512 : sizeof(buf);
	int r;

	memset(buf, 0, sizeof(buf));
	info->argsz = argsz;
	r = ioctl(dev_fd, VFIO_DEVICE_GET_INFO, info);
	count(r, errno);
	if (argsz < minsz) {
		if (r != -1 || errno != EINVAL)
			BROKEN("GET_INFO argsz %u < %u: %d, want EINVAL", argsz, minsz, r);
		return;
	}
	if (r) {
		BROKEN("GET_INFO argsz %u: %s", argsz, strerror(errno));
		return;
	}
	if (!(info->flags & VFIO_DEVICE_FLAGS_CAPS) || info->num_regions != 1)
		BROKEN("GET_INFO flags 0x%x regions %u", info->flags, info->num_regions);
	if (argsz < sizeof(*info) + 8 && info->cap_offset)
		BROKEN("GET_INFO argsz %u: cap_offset %u in a short buffer",
		       argsz, info->cap_offset);
	if (info->argsz > argsz && info->cap_offset)
		BROKEN("GET_INFO asked for %u bytes but gave cap_offset %u",
		       info->argsz, info->cap_offset);
}

static void op_region(uint64_t *s)
{
	struct vfio_region_info r = { .argsz = sizeof(r) };
	int ret;

	r.index = rnd(s) % 3 ? 0 : (uint32_t)rnd(s);
	if (rnd(s) % 8 == 0)
		r.argsz = rnd(s) % sizeof(r);
	ret = ioctl(dev_fd, VFIO_DEVICE_GET_REGION_INFO, &r);
	count(ret, errno);
	if (r.argsz >= offsetof(struct vfio_region_info, offset) + 8 &&
	    r.argsz == sizeof(r)) {
		if (r.index == 0 && (ret || r.size != region.size ||
				     r.offset != region.offset))
			BROKEN("GET_REGION_INFO 0: %d size 0x%llx", ret,
			       (unsigned long long)r.size);
		if (r.index != 0 && (ret != -1 || errno != EINVAL))
			BROKEN("GET_REGION_INFO %u: %d, want EINVAL", r.index, ret);
	}
}

static void op_irqs(uint64_t *s, int foreign)
{
	uint8_t buf[sizeof(struct vfio_irq_set) + 16 * sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)buf;
	static const uint32_t flags[] = {
		VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK,
		VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
	};
	int32_t *fds = (int32_t *)set->data;
	int efd = -1, closed, i, r;

	set->argsz = sizeof(buf);
	set->flags = rnd(s) % 16 ? flags[rnd(s) % 7] : (uint32_t)rnd(s);
	set->index = rnd(s) % 8 ? rnd(s) % 4 : (uint32_t)rnd(s);
	set->start = rnd(s) % 8 ? 0 : rnd(s) % 3;
	set->count = rnd(s) % 8 ? 1 : rnd(s) % 4;
	if (rnd(s) % 16 == 0)
		set->argsz = rnd(s) % sizeof(buf);
	closed = eventfd(0, 0);
	close(closed);
	for (i = 0; i < 16; i++) {
		switch (rnd(s) % 6) {
		case 0: fds[i] = -1; break;
		case 1: fds[i] = closed; break;
		case 2: fds[i] = foreign; break;
		case 3: fds[i] = (int32_t)rnd(s); break;
		default:
			if (efd < 0)
				efd = eventfd(0, EFD_NONBLOCK);
			fds[i] = efd;
		}
	}
	r = ioctl(dev_fd, VFIO_DEVICE_SET_IRQS, set);
	count(r, errno);
	if (efd >= 0)
		close(efd);
}

static void op_mmap(uint64_t *s)
{
	uint64_t off = rnd(s) % 4 ? 0 : rnd_off(s) & ~(uint64_t)(page - 1);
	size_t len = rnd(s) % 3 ? region.size : (rnd(s) % 3 + 1) * page;
	int prot = rnd(s) % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
	int flags = rnd(s) % 4 ? MAP_SHARED : MAP_PRIVATE;
	bool ok = (region.flags & VFIO_REGION_INFO_FLAG_MMAP) &&
		  flags == MAP_SHARED && off < region.size &&
		  len <= region.size - off;
	uint64_t v, p;
	void *m;

	m = mmap(NULL, len, prot, flags, dev_fd, region.offset + off);
	count(m == MAP_FAILED ? -1 : 0, errno);
	if (ok && m == MAP_FAILED)
		BROKEN("mmap 0x%zx at 0x%" PRIx64 ": %s", len, off, strerror(errno));
	if (!ok && m != MAP_FAILED)
		BROKEN("mmap 0x%zx at 0x%" PRIx64 " flags 0x%x succeeded", len, off, flags);
	if (m == MAP_FAILED)
		return;
	v = *(volatile uint64_t *)m;
	if (pread(dev_fd, &p, 8, region.offset + off) == 8 && p != v) {
		/* registers may change between the two reads: re-read once */
		v = *(volatile uint64_t *)m;
		if (p != v && pread(dev_fd, &p, 8, region.offset + off) == 8 && p != v)
			BROKEN("mapping at 0x%" PRIx64 " reads 0x%" PRIx64 ", pread 0x%" PRIx64,
			       off, v, p);
	}
	munmap(m, len);
}

static void op_bad_ioctl(uint64_t *s)
{
	unsigned long cmd;
	uint8_t buf[256] = { 0 };
	int r;

	/*
	 * VFIO numbers nobody defines (VFIO_BASE + 30 and up), with random
	 * direction and size bits: the core passes them to the driver, which
	 * must refuse them. (Random numbers of other types would also hit
	 * the VFS's own ioctls, FIOCLEX and friends.)
	 */
	cmd = _IOC(rnd(s) % 4, VFIO_TYPE, VFIO_BASE + 30 + rnd(s) % 200,
		   rnd(s) % sizeof(buf));
	r = ioctl(dev_fd, cmd, buf);
	count(r, errno);
	if (r != -1 || errno != ENOTTY)
		BROKEN("ioctl 0x%lx: %d (%s), want ENOTTY", cmd, r, strerror(errno));
}

static void *worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg;
	int foreign = open("/dev/null", O_RDONLY);

	while (!done) {
		switch (rnd(&seed) % 10) {
		case 0: case 1: case 2: op_rw(&seed); break;
		case 3: op_info(&seed); break;
		case 4: op_region(&seed); break;
		case 5: case 6: op_irqs(&seed, foreign); break;
		case 7: op_mmap(&seed); break;
		default: op_bad_ioctl(&seed); break;
		}
	}
	close(foreign);
	return NULL;
}

static void dev_open(void)
{
	char sysfs[128], path[512];
	int e;

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/dfl/devices/%.64s", dev_name);
	e = vfio_cdev_path(sysfs, path, sizeof(path), NULL, 0);
	if (!e)
		e = vfio_cdev_open_attached(path, &dev_fd, &iommufd);
	if (e) {
		errno = -e;
		die("open, bind and attach %s (is it bound to vfio-dfl?)", dev_name);
	}
	region.argsz = sizeof(region);
	if (ioctl(dev_fd, VFIO_DEVICE_GET_REGION_INFO, &region))
		die("GET_REGION_INFO");
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t th[16];
	int secs, n, i, e;
	uint64_t seed;
	double dt;

	if (argc > 1 && !strcmp(argv[1], "-n")) {
		no_reopen = true;
		argv++;
		argc--;
	}
	if (argc > 2 && !strcmp(argv[1], "-w")) {
		if (sscanf(argv[2], "%" SCNi64 ":%" SCNi64, &wr_off, &wr_len) != 2)
			die("bad -w %s", argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 4 || argc > 5)
		die("usage: %s [-w OFF:LEN] DEV SECONDS THREADS [SEED]", argv[0]);
	dev_name = argv[1];
	secs = atoi(argv[2]);
	n = atoi(argv[3]);
	seed = argc == 5 ? strtoull(argv[4], NULL, 0) : (uint64_t)time(NULL);
	if (n < 1 || n > 16)
		die("1 to 16 threads");
	page = sysconf(_SC_PAGESIZE);
	dev_open();
	printf("# sweep of %s: region 0x%llx bytes%s, write window 0x%" PRIx64
	       "+0x%" PRIx64 ", %d thread(s), %d s, seed 0x%" PRIx64 "\n",
	       dev_name, (unsigned long long)region.size,
	       region.flags & VFIO_REGION_INFO_FLAG_MMAP ? " (mmap)" : "",
	       wr_off, wr_len, n, secs, seed);
	fflush(stdout);	/* a script waits for this line: the device is open */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, worker,
				   (void *)(uintptr_t)(seed * 2654435761u + i + 1)))
			die("pthread_create");
	sleep(secs);
	done = 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* The device still works after the sweep */
	close(dev_fd);
	close(iommufd);
	if (!no_reopen)
		dev_open();
	printf("# calls: %lu in %.1f s (%.0f/s)\n# errno histogram:",
	       (unsigned long)calls, dt, calls / dt);
	for (e = 0; e <= MAX_ERRNO; e++)
		if (hist[e])
			printf(" %s=%lu", e ? strerrorname_np(e) ?: "?" : "ok",
			       (unsigned long)hist[e]);
	printf("\n# invariants broken: %lu\n", (unsigned long)broken);
	if (!no_reopen) {
		close(dev_fd);
		close(iommufd);
	}
	return broken ? 1 : 0;
}
