// SPDX-License-Identifier: GPL-2.0
/*
 * (The harness's, not the series': v2 posted this file as
 * tools/testing/selftests/vfio-dfl/vfio_dfl_irq_test.c. v3's in-tree test is
 * tools/testing/selftests/vfio/vfio_dfl_test.c, on libvfio, and covers only
 * what is vfio-dfl's own; the VFIO core's paths and the model's facts
 * (the environment below) are checked here, by tests/guest/03 and 04.)
 *
 * Tests for the feature interrupts of vfio-dfl, the VFIO driver for FPGA
 * Device Feature List (DFL) private features.
 *
 * IRQ indexes 0 to num_irqs - 2 are the feature's edge interrupts, the
 * last index (num_irqs - 1) is the device request eventfd.  The device
 * under test is chosen through
 * the environment so that the tests run on emulated and real hardware.
 * A fact the environment states fails the tests when the device
 * contradicts it; a fact it does not state is not checked.
 *
 *   VFIO_DFL_DEV=dfl_dev.N	device in /sys/bus/dfl/devices bound to
 *				vfio-dfl (required)
 *   VFIO_DFL_NUM_IRQS=2	number of feature interrupts
 *   VFIO_DFL_DOORBELL=0x48	offset in region 0 of a 64-bit register:
 *				writing VFIO_DFL_IRQ_VECTOR_BASE + i to it
 *				fires the interrupt of IRQ index i.  Tests
 *				that need real interrupts skip without it.
 *   VFIO_DFL_IRQ_VECTOR_BASE=0	see above (default 0)
 *   VFIO_DFL_DOORBELL_COUNT=0x50
 *				offset in region 0 of a 64-bit register
 *				counting doorbell writes (optional)
 *   VFIO_DFL_CYCLES=1000	open/arm/close rounds of the cycles test
 *
 * The OFS VUART (FME 0x24 with its GUID, as the capability says) needs no
 * doorbell: it is a standard 16550, and setting IER's THRI bit while the
 * transmitter is empty raises its interrupt line, as the 8250 core's THRE
 * test does.  The tests fire its one interrupt by writing IER = 0, then
 * IER = THRI (a rising edge each time), at the register stride its
 * REG_LAYOUT parameter gives; this works on a real card as on the model.
 *
 * Every test is skipped when VFIO_DFL_DEV is not set, the device is not
 * bound to vfio-dfl or there is no vfio cdev and iommufd to open it with.
 * The errno values asserted are derived from the kernel functions named
 * next to each check.
 */

#define _FILE_OFFSET_BITS 64

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "vfio_dfl_util.h"

#define DFL_SYSFS_DEVICES	"/sys/bus/dfl/devices"
#define DFL_DRIVER_NAME		"vfio-dfl"
#define IOMMUFD_PATH		"/dev/iommu"
#define PROC_INTERRUPTS		"/proc/interrupts"
#define IRQ_NAME_PREFIX		"vfio-dfl-irq["

/*
 * How long to wait for an expected event (a wait ends when it arrives, so
 * only a failing run waits this long; long enough for a vCPU of an
 * emulated guest on a loaded host), and to assert an absence.
 */
#define EVENT_MS		10000
#define QUIET_MS		300

/* doorbell_counts: interrupts per IRQ index */
#define DOORBELL_ROUNDS		50

/* masked_storm: doorbell writes while masked */
#define STORM_RINGS		100

/* After an expected event, how long to wait for a second one */
#define SECOND_MS		200

/* replace_while_firing: bounds of the firing thread */
#define FIRING_WRITES		2000
#define FIRING_MS		5000

#define DEFAULT_CYCLES		1000

/* The minimum argsz the kernel accepts, offsetofend() of the last field */
#define IRQ_INFO_MINSZ		sizeof(struct vfio_irq_info)
#define IRQ_SET_MINSZ		offsetof(struct vfio_irq_set, data)

#define SET_TRIGGER	VFIO_IRQ_SET_ACTION_TRIGGER
#define SET_MASK	VFIO_IRQ_SET_ACTION_MASK
#define SET_UNMASK	VFIO_IRQ_SET_ACTION_UNMASK
#define SET_NONE	VFIO_IRQ_SET_DATA_NONE
#define SET_BOOL	VFIO_IRQ_SET_DATA_BOOL
#define SET_EVENTFD	VFIO_IRQ_SET_DATA_EVENTFD

/* The device under test, opened through its cdev and bound to iommufd */
struct irq_dev {
	char name[NAME_MAX + 1];
	char cdev_path[NAME_MAX + 32];
	struct vfio_dfl_nodes nodes;
	bool has_num_irqs;	/* VFIO_DFL_NUM_IRQS */
	__u64 env_num_irqs;
	int iommufd;
	int device_fd;
	__u32 num_feature_irqs;
	__u32 req_index;
	__u32 num_irqs;
	struct vfio_region_info region;
	__u64 *map;		/* region 0 when it is mappable, else NULL */
	bool has_doorbell;
	__u64 doorbell;
	__u64 vector_base;
	bool has_count;
	__u64 count_off;
	__u64 cycles;
	bool uart;		/* the OFS VUART: fire by IER, no doorbell */
	__u64 uart_ier;		/* offset of IER in region 0 */
};

/* The OFS VUART: FME feature 0x24 with this GUID */
#define VUART_FEATURE_ID	0x24
#define VUART_GUID_H		0x9e6641a6ca26cc04ULL
#define VUART_GUID_L		0xe1df0d4ace8e486cULL
#define DFHV1_PARAM_ID(h)	((h) & 0xffff)
#define DFHV1_PARAM_NEXT(h)	(((h) >> 35) & 0x1fffffff)
#ifndef BIT_ULL
#define BIT_ULL(nr)		(1ULL << (nr))
#endif
#define DFHV1_PARAM_EOP		BIT_ULL(32)
#define PARAM_ID_REG_LAYOUT	4	/* data: width 63:32, shift 31:0 */
#define UART_IER_THRI		0x02	/* THR empty interrupt */

/*
 * The register shift of the OFS VUART from its REG_LAYOUT parameter, or
 * -1 if the capability does not describe the VUART.
 */
static int vuart_reg_shift(const struct vfio_device_info_cap_dfl *cap,
			   const struct vfio_device_info_cap_dfl_params *params)
{
	__u32 off = 0;
	__u64 hdr;

	if (cap->fiu_type != VFIO_DFL_FIU_FME ||
	    cap->feature_id != VUART_FEATURE_ID ||
	    cap->guid_h != VUART_GUID_H || cap->guid_l != VUART_GUID_L ||
	    !params)
		return -1;
	while (off + 16 <= params->size) {
		hdr = le64toh(params->params[off / 8]);
		if (DFHV1_PARAM_ID(hdr) == PARAM_ID_REG_LAYOUT)
			return le64toh(params->params[off / 8 + 1]) & 0x1f;
		if ((hdr & DFHV1_PARAM_EOP) || !DFHV1_PARAM_NEXT(hdr))
			break;
		off += DFHV1_PARAM_NEXT(hdr) * 8;
	}
	return -1;
}

/*
 * Find the device named by the environment and its cdev, and read the
 * rest of the environment.  Returns 0 when it can be tested, KSFT_SKIP
 * when there is nothing to test and -1 when the environment is wrong;
 * @why says why.
 */
static int irq_dev_init(struct irq_dev *dev, char *why, size_t len)
{
	const char *name = getenv("VFIO_DFL_DEV");
	char path[PATH_MAX], drv[NAME_MAX + 1];
	bool set;

	if (!name || !*name) {
		snprintf(why, len, "VFIO_DFL_DEV is not set");
		return KSFT_SKIP;
	}
	if (strchr(name, '/') || strlen(name) >= sizeof(dev->name)) {
		snprintf(why, len, "VFIO_DFL_DEV=%s is not a device name",
			 name);
		return -1;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", name);

	snprintf(path, sizeof(path), "%s/%s/driver", DFL_SYSFS_DEVICES, name);
	if (readlink_basename(path, drv, sizeof(drv)) ||
	    strcmp(drv, DFL_DRIVER_NAME)) {
		snprintf(why, len, "%s does not exist or is not bound to %s",
			 name, DFL_DRIVER_NAME);
		return KSFT_SKIP;
	}

	/* vfioN: vfio-dfl registers emulated-IOMMU devices only */
	snprintf(path, sizeof(path), "%s/%s", DFL_SYSFS_DEVICES, name);
	if (vfio_dfl_find_nodes(path, &dev->nodes, why, len))
		return -1;
	if (!dev->nodes.cdev_path[0]) {
		snprintf(why, len,
			 "no vfio-dev cdev (CONFIG_VFIO_DEVICE_CDEV=n?)");
		return KSFT_SKIP;
	}
	snprintf(dev->cdev_path, sizeof(dev->cdev_path), "%s",
		 dev->nodes.cdev_path);

	if (env_u64("VFIO_DFL_NUM_IRQS", &dev->has_num_irqs,
		    &dev->env_num_irqs, why, len) ||
	    env_u64("VFIO_DFL_DOORBELL", &dev->has_doorbell, &dev->doorbell,
		    why, len) ||
	    env_u64("VFIO_DFL_IRQ_VECTOR_BASE", &set, &dev->vector_base,
		    why, len) ||
	    env_u64("VFIO_DFL_DOORBELL_COUNT", &dev->has_count,
		    &dev->count_off, why, len) ||
	    env_u64("VFIO_DFL_CYCLES", &set, &dev->cycles, why, len))
		return -1;
	if (!set)
		dev->cycles = DEFAULT_CYCLES;
	return 0;
}

/* Open the cdev and bind it to dev->iommufd; returns the device fd */
static int irq_dev_open(struct __test_metadata *_metadata,
			struct irq_dev *dev)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = dev->iommufd,
	};
	int fd;

	fd = open(dev->cdev_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", dev->cdev_path,
				strerror(errno));
	/* No DMA: binding alone grants access, no IOAS is attached */
	ASSERT_EQ(0, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		TH_LOG("VFIO_DEVICE_BIND_IOMMUFD: %s", strerror(errno));
	return fd;
}

/* Unmap region 0 and close the device: the last close disarms everything */
static void irq_dev_close(struct irq_dev *dev)
{
	if (dev->map) {
		munmap(dev->map, dev->region.size);
		dev->map = NULL;
	}
	if (dev->device_fd >= 0) {
		close(dev->device_fd);
		dev->device_fd = -1;
	}
}

/* The DFL capabilities; the request index is the last, num_irqs - 1 */
static void read_dfl_cap(struct __test_metadata *_metadata,
			 struct irq_dev *dev)
{
	struct vfio_device_info probe = { .argsz = sizeof(probe) };
	const struct vfio_device_info_cap_dfl_params *params = NULL;
	const struct vfio_device_info_cap_dfl *cap = NULL;
	const struct vfio_info_cap_header *hdr;
	struct vfio_device_info *info;
	__u32 off;
	int n = 0, shift;

	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, &probe))
		TH_LOG("VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	ASSERT_LT(sizeof(probe), probe.argsz);

	info = calloc(1, probe.argsz);
	ASSERT_NE(NULL, info);
	info->argsz = probe.argsz;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info));

	for (off = info->cap_offset; off; off = hdr->next) {
		ASSERT_LE(off + sizeof(*hdr), probe.argsz);
		ASSERT_LT(n++, 64) TH_LOG("capability chain loops");
		hdr = (const void *)((const char *)info + off);
		if (hdr->id == VFIO_DEVICE_INFO_CAP_DFL) {
			ASSERT_LE(off + sizeof(*cap), probe.argsz);
			cap = (const void *)hdr;
		} else if (hdr->id == VFIO_DEVICE_INFO_CAP_DFL_PARAMS) {
			params = (const void *)hdr;
			ASSERT_LE(off + sizeof(*params) + params->size,
				  probe.argsz);
		}
	}
	ASSERT_NE(NULL, cap) TH_LOG("no VFIO_DEVICE_INFO_CAP_DFL");
	ASSERT_LE(1, info->num_irqs) TH_LOG("no request IRQ index");

	dev->num_irqs = info->num_irqs;
	dev->num_feature_irqs = dev->num_irqs - 1;
	dev->req_index = dev->num_irqs - 1;
	shift = vuart_reg_shift(cap, params);
	free(info);

	if (shift >= 0 && !dev->has_doorbell) {
		dev->uart = true;
		dev->uart_ier = 1ULL << shift;	/* register 1 */
		dev->has_doorbell = true;
	}

	if (dev->has_num_irqs)
		ASSERT_EQ(dev->env_num_irqs, dev->num_feature_irqs)
			TH_LOG("VFIO_DFL_NUM_IRQS=%llu, capability: %u",
			       (unsigned long long)dev->env_num_irqs,
			       dev->num_feature_irqs);
}

FIXTURE(vfio_dfl_irq) {
	struct irq_dev dev;
};

FIXTURE_SETUP(vfio_dfl_irq)
{
	struct irq_dev *dev = &self->dev;
	char why[256];
	void *map;
	int ret;

	memset(dev, 0, sizeof(*dev));
	dev->iommufd = -1;
	dev->device_fd = -1;

	ret = irq_dev_init(dev, why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	dev->iommufd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	if (dev->iommufd < 0 && errno == ENOENT)
		SKIP(return, "no %s (CONFIG_IOMMUFD=n?)", IOMMUFD_PATH);
	ASSERT_LE(0, dev->iommufd);

	dev->device_fd = irq_dev_open(_metadata, dev);
	read_dfl_cap(_metadata, dev);

	dev->region.argsz = sizeof(dev->region);
	dev->region.index = 0;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO,
			   &dev->region))
		TH_LOG("VFIO_DEVICE_GET_REGION_INFO: %s", strerror(errno));

	if (dev->uart) {
		ASSERT_LE(dev->uart_ier + 4, dev->region.size);
	} else if (dev->has_doorbell) {
		ASSERT_EQ(0U, dev->doorbell % 8);
		ASSERT_LE(dev->doorbell + 8, dev->region.size);
	}
	if (dev->has_count) {
		ASSERT_EQ(0U, dev->count_off % 8);
		ASSERT_LE(dev->count_off + 8, dev->region.size);
	}

	if (dev->region.flags & VFIO_REGION_INFO_FLAG_MMAP) {
		map = mmap(NULL, dev->region.size, PROT_READ | PROT_WRITE,
			   MAP_SHARED, dev->device_fd, dev->region.offset);
		ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
		dev->map = map;
	}
}

FIXTURE_TEARDOWN(vfio_dfl_irq)
{
	irq_dev_close(&self->dev);
	if (self->dev.iommufd >= 0)
		close(self->dev.iommufd);
}

/*
 * Skip when the feature has no interrupts: VFIO_DFL_NUM_IRQS=0, or not
 * set and none in the capability (the setup checked they agree).
 */
static bool need_feature_irqs(struct __test_metadata *_metadata,
			      const struct irq_dev *dev)
{
	if (!dev->num_feature_irqs)
		SKIP(return false, "%s has no feature interrupts%s", dev->name,
		     dev->has_num_irqs ? " (VFIO_DFL_NUM_IRQS=0)" : "");
	return true;
}

static bool need_doorbell(struct __test_metadata *_metadata,
			  const struct irq_dev *dev)
{
	if (!need_feature_irqs(_metadata, dev))
		return false;
	if (!dev->has_doorbell)
		SKIP(return false, "VFIO_DFL_DOORBELL is not set");
	return true;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * VFIO_DEVICE_SET_IRQS with @len bytes of payload; @argsz 0 means a
 * header followed by exactly the payload.
 */
static int set_irqs(int device_fd, __u32 argsz, __u32 flags, __u32 index,
		    __u32 start, __u32 count, const void *data, size_t len)
{
	__u64 buf[(sizeof(struct vfio_irq_set) + 8) / sizeof(__u64) + 1];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	if (len > 8) {
		errno = E2BIG;
		return -1;
	}
	memset(buf, 0, sizeof(buf));
	set->argsz = argsz ? argsz : sizeof(*set) + len;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (len)
		memcpy(set->data, data, len);
	return ioctl(device_fd, VFIO_DEVICE_SET_IRQS, set);
}

/* Arm @index with eventfd @efd, replace its eventfd, or disarm with -1 */
static int irq_set_eventfd(int device_fd, __u32 index, __s32 efd)
{
	return set_irqs(device_fd, 0, SET_EVENTFD | SET_TRIGGER, index, 0, 1,
			&efd, sizeof(efd));
}

/* Disarm @index with DATA_NONE and count 0 */
static int irq_disarm_none(int device_fd, __u32 index)
{
	return set_irqs(device_fd, 0, SET_NONE | SET_TRIGGER, index, 0, 0,
			NULL, 0);
}

/* @action with DATA_NONE and count 1: a loopback trigger, mask or unmask */
static int irq_none(int device_fd, __u32 action, __u32 index)
{
	return set_irqs(device_fd, 0, SET_NONE | action, index, 0, 1, NULL, 0);
}

/* @action with DATA_BOOL @val */
static int irq_bool(int device_fd, __u32 action, __u32 index, __u8 val)
{
	return set_irqs(device_fd, 0, SET_BOOL | action, index, 0, 1, &val,
			sizeof(val));
}

static int new_eventfd(struct __test_metadata *_metadata)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_LE(0, efd) TH_LOG("eventfd: %s", strerror(errno));
	return efd;
}

/* Consume an eventfd; returns its counter, 0 if it was not signalled */
static __u64 efd_read(int efd)
{
	__u64 val;

	if (read(efd, &val, sizeof(val)) != sizeof(val))
		return 0;
	return val;
}

/*
 * Consume the events of @efd until at least @want arrived or @ms passed;
 * returns how many were consumed.
 */
static __u64 efd_wait(int efd, __u64 want, int ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	long deadline = now_ms() + ms, left;
	__u64 total = 0;

	for (;;) {
		total += efd_read(efd);
		if (total >= want)
			return total;
		left = deadline - now_ms();
		if (left <= 0)
			return total;
		poll(&pfd, 1, left);
	}
}

/* Wait QUIET_MS for events that should not come; returns how many came */
static __u64 efd_quiet(int efd)
{
	return efd_wait(efd, UINT64_MAX, QUIET_MS);
}

/*
 * Look up the interrupts named "vfio-dfl-irq[@index](@name)" in
 * /proc/interrupts, those of every index if @index is negative.  Returns
 * the number of lines that name one, or -1 if the file cannot be read;
 * @hits, if not NULL, gets the sum of their per-CPU counts.
 */
static int proc_irqs(const char *name, int index, __u64 *hits)
{
	size_t nlen = strlen(name), cap = 0;
	char *line = NULL, *p, *end;
	unsigned long idx;
	int lines = 0;
	__u64 sum = 0;
	bool match;
	FILE *f;

	f = fopen(PROC_INTERRUPTS, "re");
	if (!f)
		return -1;

	while (getline(&line, &cap, f) > 0) {
		match = false;
		for (p = strstr(line, IRQ_NAME_PREFIX); p && !match;
		     p = strstr(p, IRQ_NAME_PREFIX)) {
			p += strlen(IRQ_NAME_PREFIX);
			idx = strtoul(p, &end, 10);
			match = end != p &&
				(index < 0 || idx == (unsigned long)index) &&
				!strncmp(end, "](", 2) &&
				!strncmp(end + 2, name, nlen) &&
				end[2 + nlen] == ')';
		}
		if (!match)
			continue;
		lines++;

		/* "IRQ:  CPU0-count CPU1-count ...  chip  hwirq  name" */
		p = strchr(line, ':');
		if (!p)
			continue;
		for (p++;; p = end) {
			__u64 v = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
	}
	free(line);
	fclose(f);
	if (hits)
		*hits = sum;
	return lines;
}

/* The number of vfio-dfl-irq lines of the device; the test fails on -1 */
static int proc_irq_lines(struct __test_metadata *_metadata,
			  const struct irq_dev *dev, int index)
{
	int n = proc_irqs(dev->name, index, NULL);

	ASSERT_LE(0, n) TH_LOG("cannot read %s", PROC_INTERRUPTS);
	return n;
}

/*
 * Write the doorbell value that fires IRQ index @index, through the
 * mapping of region 0 if there is one; on the VUART, IER = 0 then
 * IER = THRI.  No ASSERT: used by a thread.
 */
static int ring(const struct irq_dev *dev, __u32 index)
{
	__u64 val = htole64(dev->vector_base + index);

	if (dev->uart) {
		__u32 ier[2] = { 0, htole32(UART_IER_THRI) };
		int i;

		for (i = 0; i < 2; i++)
			if (pwrite(dev->device_fd, &ier[i], sizeof(ier[i]),
				   dev->region.offset + dev->uart_ier) !=
			    sizeof(ier[i]))
				return -1;
		return 0;
	}
	if (dev->map) {
		__atomic_store_n(&dev->map[dev->doorbell / 8], val,
				 __ATOMIC_RELAXED);
		return 0;
	}
	if (pwrite(dev->device_fd, &val, sizeof(val),
		   dev->region.offset + dev->doorbell) != sizeof(val))
		return -1;
	return 0;
}

static void ring_ok(struct __test_metadata *_metadata,
		    const struct irq_dev *dev, __u32 index)
{
	ASSERT_EQ(0, ring(dev, index)) TH_LOG("doorbell write: %s",
					      strerror(errno));
}

/*
 * The interrupts the CPU took for the armed index @index, as counted in
 * /proc/interrupts on the line vfio-dfl-irq[@index](dev).
 */
static __u64 proc_irq_hits(struct __test_metadata *_metadata,
			   const struct irq_dev *dev, __u32 index)
{
	__u64 hits;

	ASSERT_EQ(1, proc_irqs(dev->name, index, &hits))
		TH_LOG("index %u has no line in %s", index, PROC_INTERRUPTS);
	return hits;
}

static __u64 read_doorbell_count(struct __test_metadata *_metadata,
				 const struct irq_dev *dev)
{
	__u64 val;

	ASSERT_EQ((ssize_t)sizeof(val),
		  pread(dev->device_fd, &val, sizeof(val),
			dev->region.offset + dev->count_off))
		TH_LOG("pread doorbell count: %s", strerror(errno));
	return le64toh(val);
}

TEST_F(vfio_dfl_irq, irq_info)
{
	struct irq_dev *dev = &self->dev;
	struct vfio_irq_info info;
	__u32 i;

	/* vfio_dfl_ioctl_get_irq_info(): edge interrupts, never automasked */
	for (i = 0; i < dev->num_feature_irqs; i++) {
		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		info.index = i;
		ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				   &info))
			TH_LOG("index %u: %s", i, strerror(errno));
		ASSERT_EQ(i, info.index);
		ASSERT_EQ((__u32)(VFIO_IRQ_INFO_EVENTFD |
				  VFIO_IRQ_INFO_MASKABLE),
			  info.flags) TH_LOG("index %u", i);
		ASSERT_EQ(0U, info.flags & VFIO_IRQ_INFO_AUTOMASKED);
		ASSERT_EQ(1U, info.count) TH_LOG("index %u", i);
	}

	/* The request index: an eventfd only */
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.index = dev->req_index;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &info));
	ASSERT_EQ((__u32)VFIO_IRQ_INFO_EVENTFD, info.flags);
	ASSERT_EQ(1U, info.count);

	info.index = dev->num_irqs;
	ASSERT_ERRNO(EINVAL, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));
	info.index = UINT32_MAX;
	ASSERT_ERRNO(EINVAL, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));

	/* argsz below offsetofend(struct vfio_irq_info, count) */
	info.index = 0;
	info.argsz = IRQ_INFO_MINSZ - 1;
	ASSERT_ERRNO(EINVAL, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));
	info.argsz = 0;
	ASSERT_ERRNO(EINVAL, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));
}

/*
 * Each doorbell write for index i is one event on index i's eventfd, none
 * on the others'.  Waiting for each event before the next write keeps two
 * edges from merging into one, which edge interrupts may do.
 */
TEST_F(vfio_dfl_irq, doorbell_counts)
{
	struct irq_dev *dev = &self->dev;
	__u64 got, count0 = 0;
	__u32 i, j;
	int *efd, k;

	if (!need_doorbell(_metadata, dev))
		return;

	efd = calloc(dev->num_feature_irqs, sizeof(*efd));
	ASSERT_NE(NULL, efd);
	for (i = 0; i < dev->num_feature_irqs; i++) {
		efd[i] = new_eventfd(_metadata);
		ASSERT_EQ(0, irq_set_eventfd(dev->device_fd, i, efd[i]))
			TH_LOG("arm index %u: %s", i, strerror(errno));
		ASSERT_EQ(1, proc_irq_lines(_metadata, dev, i));
	}

	for (i = 0; i < dev->num_feature_irqs; i++) {
		if (dev->has_count)
			count0 = read_doorbell_count(_metadata, dev);

		for (k = 0; k < DOORBELL_ROUNDS; k++) {
			ring_ok(_metadata, dev, i);
			got = efd_wait(efd[i], 1, EVENT_MS);
			ASSERT_EQ(1U, got) TH_LOG("index %u, write %d", i, k);
		}
		/* No late duplicate, and nothing on another index */
		ASSERT_EQ(0U, efd_quiet(efd[i])) TH_LOG("index %u", i);
		for (j = 0; j < dev->num_feature_irqs; j++) {
			if (j != i)
				ASSERT_EQ(0U, efd_read(efd[j]))
					TH_LOG("writes for %u fired %u", i, j);
		}

		if (dev->has_count)
			ASSERT_EQ((__u64)DOORBELL_ROUNDS,
				  read_doorbell_count(_metadata, dev) - count0);
	}

	for (i = 0; i < dev->num_feature_irqs; i++) {
		ASSERT_EQ(0, irq_set_eventfd(dev->device_fd, i, -1));
		close(efd[i]);
	}
	free(efd);
}

/*
 * Masking is done at the interrupt chip (vfio_dfl_irq_mask(): disable_irq()
 * with IRQ_DISABLE_UNLAZY masks the vector at once): an interrupt raised
 * while masked does not reach the CPU, as /proc/interrupts shows, and
 * stays pending in the device (for MSI-X, in the PBA).  Unmasking
 * delivers it, exactly one event however many were raised
 * (vfio_dfl_irq_unmask(): enable_irq()).
 */
TEST_F_TIMEOUT(vfio_dfl_irq, mask_latch, 60)
{
	struct irq_dev *dev = &self->dev;
	int fd = dev->device_fd;
	int mode, efd, k;
	__u64 before;
	__u32 i;

	if (!need_doorbell(_metadata, dev))
		return;
	efd = new_eventfd(_metadata);

	/* Mode 0 masks with DATA_NONE, mode 1 with DATA_BOOL */
	for (mode = 0; mode < 2; mode++) {
		i = mode % dev->num_feature_irqs;
		ASSERT_EQ(0, irq_set_eventfd(fd, i, efd));

		if (mode) {
			/* DATA_BOOL false is a no-op: still unmasked */
			ASSERT_EQ(0, irq_bool(fd, SET_MASK, i, 0));
			ring_ok(_metadata, dev, i);
			ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS));
			ASSERT_EQ(0, irq_bool(fd, SET_MASK, i, 1));
		} else {
			ASSERT_EQ(0, irq_none(fd, SET_MASK, i));
		}

		before = proc_irq_hits(_metadata, dev, i);
		for (k = 0; k < 3; k++)
			ring_ok(_metadata, dev, i);
		ASSERT_EQ(0U, efd_quiet(efd))
			TH_LOG("mode %d: event while masked", mode);
		ASSERT_EQ(before, proc_irq_hits(_metadata, dev, i))
			TH_LOG("mode %d: interrupt while masked", mode);

		if (mode) {
			ASSERT_EQ(0, irq_bool(fd, SET_UNMASK, i, 0));
			ASSERT_EQ(0U, efd_quiet(efd))
				TH_LOG("UNMASK with false delivered");
			ASSERT_EQ(0, irq_bool(fd, SET_UNMASK, i, 1));
		} else {
			ASSERT_EQ(0, irq_none(fd, SET_UNMASK, i));
		}
		/* The pending interrupt, delivered once unmasked */
		ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS))
			TH_LOG("mode %d: unmask", mode);
		ASSERT_EQ(0U, efd_quiet(efd))
			TH_LOG("mode %d: duplicate", mode);
		ASSERT_EQ(before + 1, proc_irq_hits(_metadata, dev, i))
			TH_LOG("mode %d: interrupts on unmask", mode);

		/* Nothing pending any more */
		ASSERT_EQ(0, irq_none(fd, SET_UNMASK, i));
		ASSERT_EQ(0U, efd_quiet(efd));

		/* Mask and unmask with nothing arriving in between */
		ASSERT_EQ(0, irq_none(fd, SET_MASK, i));
		ASSERT_EQ(0, irq_none(fd, SET_UNMASK, i));
		ASSERT_EQ(0U, efd_quiet(efd));

		/* Unmasked for good: interrupts reach the eventfd again */
		ring_ok(_metadata, dev, i);
		ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS));

		ASSERT_EQ(0, irq_set_eventfd(fd, i, -1));
	}
	close(efd);
}

/*
 * However often the doorbell of a masked index rings, the CPU takes no
 * interrupt for it: the vector is masked at once (IRQ_DISABLE_UNLAZY),
 * not on the first interrupt.  Unmasking delivers one event, and one
 * interrupt, for all of them.
 */
TEST_F_TIMEOUT(vfio_dfl_irq, masked_storm, 60)
{
	struct irq_dev *dev = &self->dev;
	int fd = dev->device_fd;
	__u64 before, count0 = 0, val;
	int efd, k;

	if (!need_doorbell(_metadata, dev))
		return;
	efd = new_eventfd(_metadata);
	ASSERT_EQ(0, irq_set_eventfd(fd, 0, efd));
	/* Drop what an earlier test may have left pending in the device */
	efd_quiet(efd);

	/* Armed and unmasked, one ring is one event */
	ring_ok(_metadata, dev, 0);
	ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS));

	ASSERT_EQ(0, irq_none(fd, SET_MASK, 0));
	before = proc_irq_hits(_metadata, dev, 0);
	if (dev->has_count)
		count0 = read_doorbell_count(_metadata, dev);
	for (k = 0; k < STORM_RINGS; k++)
		ring_ok(_metadata, dev, 0);
	/* The writes reached the device */
	if (dev->has_count)
		ASSERT_EQ((__u64)STORM_RINGS,
			  read_doorbell_count(_metadata, dev) - count0);

	/* Leave an interrupt that got through the time to show */
	ASSERT_EQ(0U, efd_quiet(efd)) TH_LOG("event while masked");
	ASSERT_EQ(before, proc_irq_hits(_metadata, dev, 0))
		TH_LOG("the CPU took interrupts of the masked index");
	ASSERT_ERRNO(EAGAIN, read(efd, &val, sizeof(val)));

	ASSERT_EQ(0, irq_none(fd, SET_UNMASK, 0));
	ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS)) TH_LOG("unmask");
	ASSERT_EQ(0U, efd_wait(efd, UINT64_MAX, SECOND_MS))
		TH_LOG("more than one event on unmask");
	ASSERT_EQ(before + 1, proc_irq_hits(_metadata, dev, 0))
		TH_LOG("interrupts on unmask");

	/* Unmasked, one ring is one event again */
	ring_ok(_metadata, dev, 0);
	ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS));
	ASSERT_EQ(before + 2, proc_irq_hits(_metadata, dev, 0));

	ASSERT_EQ(0, irq_set_eventfd(fd, 0, -1));
	close(efd);
}

/*
 * An index masked while disarmed stays masked once armed: its interrupt
 * is requested disabled (IRQF_NO_AUTOEN) and enabled only by the unmask
 * (vfio_dfl_irq_arm()).
 */
TEST_F_TIMEOUT(vfio_dfl_irq, mask_before_arm, 60)
{
	struct irq_dev *dev = &self->dev;
	int fd = dev->device_fd;
	__u64 before, count0 = 0, val;
	int efd;

	if (!need_doorbell(_metadata, dev))
		return;
	efd = new_eventfd(_metadata);

	/* Masking a disarmed index requests nothing */
	ASSERT_EQ(0, irq_none(fd, SET_MASK, 0));
	ASSERT_EQ(0, proc_irq_lines(_metadata, dev, 0));

	ASSERT_EQ(0, irq_set_eventfd(fd, 0, efd));
	ASSERT_EQ(1, proc_irq_lines(_metadata, dev, 0));
	before = proc_irq_hits(_metadata, dev, 0);
	if (dev->has_count)
		count0 = read_doorbell_count(_metadata, dev);

	ring_ok(_metadata, dev, 0);
	if (dev->has_count)
		ASSERT_EQ(1ULL, read_doorbell_count(_metadata, dev) - count0);
	ASSERT_EQ(0U, efd_quiet(efd)) TH_LOG("event while masked");
	ASSERT_EQ(before, proc_irq_hits(_metadata, dev, 0))
		TH_LOG("the CPU took an interrupt of the masked index");
	ASSERT_ERRNO(EAGAIN, read(efd, &val, sizeof(val)));

	/* One event, whatever an earlier test left pending */
	ASSERT_EQ(0, irq_none(fd, SET_UNMASK, 0));
	ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS)) TH_LOG("unmask");
	ASSERT_EQ(0U, efd_wait(efd, UINT64_MAX, SECOND_MS))
		TH_LOG("more than one event on unmask");
	ASSERT_EQ(before + 1, proc_irq_hits(_metadata, dev, 0))
		TH_LOG("interrupts on unmask");

	ring_ok(_metadata, dev, 0);
	ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS));

	ASSERT_EQ(0, irq_set_eventfd(fd, 0, -1));
	close(efd);
}

/*
 * DATA_NONE count 1 and DATA_BOOL true fire an armed index from software,
 * signalling its eventfd before SET_IRQS returns.
 */
TEST_F(vfio_dfl_irq, loopback)
{
	struct irq_dev *dev = &self->dev;
	int fd = dev->device_fd;
	int efd, efd2, k, *all;
	__u32 i, j;

	if (!need_feature_irqs(_metadata, dev))
		return;
	efd = new_eventfd(_metadata);
	efd2 = new_eventfd(_metadata);

	for (i = 0; i < dev->num_feature_irqs; i++) {
		/* Not armed: vfio_dfl_irq_trigger() refuses to fire */
		ASSERT_ERRNO(EINVAL, irq_none(fd, SET_TRIGGER, i));
		ASSERT_ERRNO(EINVAL, irq_bool(fd, SET_TRIGGER, i, 1));
		ASSERT_ERRNO(EINVAL, irq_bool(fd, SET_TRIGGER, i, 0));

		ASSERT_EQ(0, irq_set_eventfd(fd, i, efd));
		ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, i));
		ASSERT_EQ(1U, efd_read(efd)) TH_LOG("index %u", i);
		ASSERT_EQ(0, irq_bool(fd, SET_TRIGGER, i, 1));
		ASSERT_EQ(1U, efd_read(efd));
		ASSERT_EQ(0, irq_bool(fd, SET_TRIGGER, i, 0));
		ASSERT_EQ(0U, efd_read(efd));

		/* Software events are counted, not merged */
		for (k = 0; k < 5; k++)
			ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, i));
		ASSERT_EQ(5U, efd_read(efd));

		/*
		 * Latched while masked, and delivered once on unmask, like a
		 * hardware interrupt (vfio_dfl_irq_fire())
		 */
		ASSERT_EQ(0, irq_none(fd, SET_MASK, i));
		for (k = 0; k < 3; k++)
			ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, i));
		ASSERT_EQ(0U, efd_read(efd));
		ASSERT_EQ(0, irq_none(fd, SET_UNMASK, i));
		ASSERT_EQ(1U, efd_read(efd));

		/* Disarming drops what is latched (vfio_dfl_irq_disarm()) */
		ASSERT_EQ(0, irq_none(fd, SET_MASK, i));
		ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, i));
		ASSERT_EQ(0, irq_set_eventfd(fd, i, -1));
		ASSERT_EQ(0, irq_set_eventfd(fd, i, efd2));
		ASSERT_EQ(0, irq_none(fd, SET_UNMASK, i));
		ASSERT_EQ(0U, efd_read(efd2));
		ASSERT_EQ(0U, efd_read(efd));
		ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, i));
		ASSERT_EQ(1U, efd_read(efd2));

		ASSERT_EQ(0, irq_disarm_none(fd, i));
		ASSERT_ERRNO(EINVAL, irq_none(fd, SET_TRIGGER, i));
	}

	/* Each index signals its own eventfd only */
	all = calloc(dev->num_feature_irqs, sizeof(*all));
	ASSERT_NE(NULL, all);
	for (i = 0; i < dev->num_feature_irqs; i++) {
		all[i] = new_eventfd(_metadata);
		ASSERT_EQ(0, irq_set_eventfd(fd, i, all[i]));
	}
	for (i = 0; i < dev->num_feature_irqs; i++) {
		ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, i));
		for (j = 0; j < dev->num_feature_irqs; j++)
			ASSERT_EQ((__u64)(i == j), efd_read(all[j]))
				TH_LOG("loopback of %u, eventfd of %u", i, j);
	}
	for (i = 0; i < dev->num_feature_irqs; i++) {
		ASSERT_EQ(0, irq_set_eventfd(fd, i, -1));
		close(all[i]);
	}
	free(all);
	close(efd2);
	close(efd);
}

/*
 * The interrupt is requested only while an index is armed, and a disarmed
 * index signals nothing.  Without VFIO_DFL_DOORBELL only the
 * /proc/interrupts and close checks run.
 */
TEST_F(vfio_dfl_irq, disarm)
{
	struct irq_dev *dev = &self->dev;
	bool db = dev->has_doorbell;
	int efd, efd2, scratch;
	__u32 i;

	if (!need_feature_irqs(_metadata, dev))
		return;
	efd = new_eventfd(_metadata);
	efd2 = new_eventfd(_metadata);
	scratch = new_eventfd(_metadata);

	ASSERT_EQ(0, proc_irq_lines(_metadata, dev, -1));

	for (i = 0; i < dev->num_feature_irqs; i++) {
		int fd = dev->device_fd;

		ASSERT_EQ(0, irq_set_eventfd(fd, i, efd));
		ASSERT_EQ(1, proc_irq_lines(_metadata, dev, i))
			TH_LOG("armed index %u not in %s", i, PROC_INTERRUPTS);
		if (db) {
			ring_ok(_metadata, dev, i);
			ASSERT_EQ(1U, efd_wait(efd, 1, EVENT_MS));
		}

		/* Disarm with fd -1 */
		ASSERT_EQ(0, irq_set_eventfd(fd, i, -1));
		ASSERT_EQ(0, proc_irq_lines(_metadata, dev, i));
		if (db) {
			ring_ok(_metadata, dev, i);
			ASSERT_EQ(0U, efd_quiet(efd))
				TH_LOG("index %u signalled after fd -1", i);
		}

		/*
		 * Arm again.  The edge rung while disarmed may still be
		 * pending in the device (for MSI-X, in the PBA while the
		 * vector was masked) and show up now: drop it.
		 */
		ASSERT_EQ(0, irq_set_eventfd(fd, i, efd2));
		ASSERT_EQ(1, proc_irq_lines(_metadata, dev, i));
		if (db && efd_quiet(efd2))
			TH_LOG("note: index %u: edge rung while disarmed arrived on re-arm",
			       i);

		/* Disarm with DATA_NONE, count 0 */
		ASSERT_EQ(0, irq_disarm_none(fd, i));
		ASSERT_EQ(0, proc_irq_lines(_metadata, dev, i));
		/* The edge rung while disarmed may come after QUIET_MS: drop it */
		efd_read(efd2);
		if (db) {
			ring_ok(_metadata, dev, i);
			ASSERT_EQ(0U, efd_quiet(efd2))
				TH_LOG("index %u signalled after count 0", i);
			/* Drop a pending edge before the next test, as above */
			ASSERT_EQ(0, irq_set_eventfd(fd, i, scratch));
			efd_quiet(scratch);
			ASSERT_EQ(0, irq_set_eventfd(fd, i, -1));
		}
		ASSERT_EQ(0U, efd_read(efd));
	}
	ASSERT_EQ(0, proc_irq_lines(_metadata, dev, -1));

	/* Closing disarms and unmasks every index (vfio_dfl_irqs_close()) */
	for (i = 0; i < dev->num_feature_irqs; i++) {
		ASSERT_EQ(0, irq_set_eventfd(dev->device_fd, i, efd));
		ASSERT_EQ(0, irq_none(dev->device_fd, SET_MASK, i));
	}
	ASSERT_EQ((int)dev->num_feature_irqs,
		  proc_irq_lines(_metadata, dev, -1));
	irq_dev_close(dev);
	ASSERT_EQ(0, proc_irq_lines(_metadata, dev, -1));

	dev->device_fd = irq_dev_open(_metadata, dev);
	for (i = 0; i < dev->num_feature_irqs; i++) {
		ASSERT_ERRNO(EINVAL, irq_none(dev->device_fd, SET_TRIGGER, i));
		ASSERT_EQ(0, irq_set_eventfd(dev->device_fd, i, efd));
		ASSERT_EQ(0, irq_none(dev->device_fd, SET_TRIGGER, i));
		ASSERT_EQ(1U, efd_read(efd)) TH_LOG("index %u still masked", i);
	}

	close(scratch);
	close(efd2);
	close(efd);
}

/* State shared with the thread of replace_while_firing */
struct firing {
	const struct irq_dev *dev;
	__u32 index;
	int efd_a, efd_b;
	long deadline;		/* stop after this unless not yet swapped */
	int writes;		/* doorbell writes, read by the main thread */
	int swapped;		/* set by the main thread */
	int writes_after_swap;
	__u64 got_a, got_b;
	int lost;		/* a write whose event never came */
	int err;		/* errno of a failed doorbell write */
};

/*
 * Ring, then wait for the event on either eventfd, FIRING_WRITES times or
 * for FIRING_MS, and at least once after the swap.  This thread is the
 * only reader of both eventfds, so the counts are exact.
 */
static void *firing_thread(void *arg)
{
	struct firing *f = arg;
	struct pollfd pfd[2] = {
		{ .fd = f->efd_a, .events = POLLIN },
		{ .fd = f->efd_b, .events = POLLIN },
	};
	__u64 before, total;
	long wait_end;
	int writes = 0;
	bool swapped;

	for (;;) {
		swapped = __atomic_load_n(&f->swapped, __ATOMIC_ACQUIRE);
		if (swapped && f->writes_after_swap &&
		    (writes >= FIRING_WRITES || now_ms() >= f->deadline))
			break;
		/* The main thread swaps by the deadline; don't hang if not */
		if (now_ms() >= f->deadline + FIRING_MS)
			break;

		/*
		 * Count the write before making it: the main thread's count
		 * after the swap must include every write that can reach A.
		 */
		__atomic_store_n(&f->writes, ++writes, __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (ring(f->dev, f->index)) {
			f->err = errno;
			break;
		}
		if (swapped)
			f->writes_after_swap++;

		before = f->got_a + f->got_b;
		wait_end = now_ms() + EVENT_MS;
		do {
			poll(pfd, 2, EVENT_MS);
			f->got_a += efd_read(f->efd_a);
			f->got_b += efd_read(f->efd_b);
			total = f->got_a + f->got_b;
		} while (total == before && now_ms() < wait_end);
		if (total == before) {
			f->lost++;
			break;
		}
	}
	return NULL;
}

/*
 * Replacing the eventfd of an index while its interrupt fires loses no
 * interrupt and duplicates none: each goes to the old or the new eventfd
 * (vfio_dfl_irq_arm() swaps the trigger, then waits for a running handler
 * with synchronize_irq() before it returns).
 */
TEST_F_TIMEOUT(vfio_dfl_irq, replace_while_firing, 60)
{
	struct irq_dev *dev = &self->dev;
	struct firing f = { .dev = dev };
	__u64 count0 = 0, count1;
	int writes_at_swap, writes_swapped;
	pthread_t thread;

	if (!need_doorbell(_metadata, dev))
		return;

	f.index = 0;
	f.efd_a = new_eventfd(_metadata);
	f.efd_b = new_eventfd(_metadata);
	ASSERT_EQ(0, irq_set_eventfd(dev->device_fd, f.index, f.efd_a));
	if (dev->has_count)
		count0 = read_doorbell_count(_metadata, dev);

	f.deadline = now_ms() + FIRING_MS;
	ASSERT_EQ(0, pthread_create(&thread, NULL, firing_thread, &f));

	/* Swap A for B half way through the writes, or of the time */
	while (__atomic_load_n(&f.writes, __ATOMIC_ACQUIRE) <
	       FIRING_WRITES / 2 && now_ms() < f.deadline - FIRING_MS / 2)
		usleep(100);
	writes_at_swap = __atomic_load_n(&f.writes, __ATOMIC_ACQUIRE);
	ASSERT_EQ(0, irq_set_eventfd(dev->device_fd, f.index, f.efd_b))
		TH_LOG("replace: %s", strerror(errno));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	writes_swapped = __atomic_load_n(&f.writes, __ATOMIC_SEQ_CST);
	__atomic_store_n(&f.swapped, 1, __ATOMIC_RELEASE);

	ASSERT_EQ(0, pthread_join(thread, NULL));
	TH_LOG("%d writes, %d-%d around the swap: %llu events on A, %llu on B",
	       f.writes, writes_at_swap, writes_swapped,
	       (unsigned long long)f.got_a, (unsigned long long)f.got_b);

	ASSERT_EQ(0, f.err) TH_LOG("doorbell write: %s", strerror(f.err));
	ASSERT_EQ(0, f.lost) TH_LOG("write %d: no event within %d ms",
				    f.writes, EVENT_MS);
	ASSERT_LT(0, f.writes_after_swap);

	/* Late duplicates */
	f.got_a += efd_quiet(f.efd_a);
	f.got_b += efd_read(f.efd_b);
	ASSERT_EQ((__u64)f.writes, f.got_a + f.got_b);
	ASSERT_LT(0U, f.got_b);
	/*
	 * The thread counts a write before making it and waits for its
	 * event before the next one.  So the events of all counted writes
	 * but the last one before the swap reached A, and no write counted
	 * only after the swap returned can reach A.
	 */
	ASSERT_LE((__u64)writes_at_swap, f.got_a + 1);
	ASSERT_GE((__u64)writes_swapped, f.got_a);

	if (dev->has_count) {
		count1 = read_doorbell_count(_metadata, dev);
		ASSERT_EQ((__u64)f.writes, count1 - count0);
	}

	/* Once replaced, every interrupt goes to B */
	ring_ok(_metadata, dev, f.index);
	ASSERT_EQ(1U, efd_wait(f.efd_b, 1, EVENT_MS));
	ASSERT_EQ(0U, efd_quiet(f.efd_a));
	ASSERT_EQ(0U, efd_read(f.efd_b));

	ASSERT_EQ(0, irq_set_eventfd(dev->device_fd, f.index, -1));
	close(f.efd_a);
	close(f.efd_b);
}

/*
 * Open, bind, arm every feature index and close, VFIO_DFL_CYCLES times:
 * every close frees every interrupt it requested.
 */
TEST_F_TIMEOUT(vfio_dfl_irq, cycles, 300)
{
	struct irq_dev *dev = &self->dev;
	int *efd, fd, start;
	long t0 = now_ms();
	__u64 n;
	__u32 i;

	if (!need_feature_irqs(_metadata, dev))
		return;

	/* The cdev is exclusive: give up the fixture's fd */
	irq_dev_close(dev);
	start = proc_irq_lines(_metadata, dev, -1);
	ASSERT_EQ(0, start);

	efd = calloc(dev->num_feature_irqs, sizeof(*efd));
	ASSERT_NE(NULL, efd);
	for (i = 0; i < dev->num_feature_irqs; i++)
		efd[i] = new_eventfd(_metadata);

	for (n = 0; n < dev->cycles; n++) {
		fd = irq_dev_open(_metadata, dev);
		for (i = 0; i < dev->num_feature_irqs; i++)
			ASSERT_EQ(0, irq_set_eventfd(fd, i, efd[i]))
				TH_LOG("cycle %llu, index %u: %s",
				       (unsigned long long)n, i,
				       strerror(errno));
		i = n % dev->num_feature_irqs;
		ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, i));
		ASSERT_EQ(1U, efd_read(efd[i]));
		ASSERT_EQ(0, close(fd));
	}
	TH_LOG("%llu cycles in %ld ms", (unsigned long long)dev->cycles,
	       now_ms() - t0);

	ASSERT_EQ(start, proc_irq_lines(_metadata, dev, -1));
	for (i = 0; i < dev->num_feature_irqs; i++)
		close(efd[i]);
	free(efd);
}

/* Which IRQ index a row of bad_set_irqs addresses */
enum bad_index {
	IDX_FEATURE,		/* IRQ index 0 */
	IDX_REQ,		/* the request index */
	IDX_NUM_IRQS,		/* one past the last index */
	IDX_U32_MAX,
};

/* The payload of a row */
enum bad_data {
	DATA_VAL,		/* .val: an s32 for DATA_EVENTFD, else a u8 */
	DATA_DEVNULL,		/* an fd that is not an eventfd */
	DATA_CLOSED,		/* an fd number that is not open */
	DATA_EVENTFD,		/* a valid eventfd */
};

struct bad_set_irqs {
	const char *name;
	__u32 argsz;		/* 0: header plus payload */
	__u32 flags;
	enum bad_index idx;
	__u32 start;
	__u32 count;
	enum bad_data data;
	__s32 val;
	int err;
};

static const struct bad_set_irqs bad_set_irqs[] = {
	/* vfio_set_irqs_validate_and_prepare() in drivers/vfio/vfio_main.c */
	{ "argsz below the header", .argsz = IRQ_SET_MINSZ - 1,
	  .flags = SET_NONE | SET_TRIGGER, .count = 1, .err = EINVAL },
	{ "argsz 1", .argsz = 1,
	  .flags = SET_NONE | SET_TRIGGER, .count = 1, .err = EINVAL },
	{ "unknown flag bit 6", .flags = SET_NONE | SET_TRIGGER | (1 << 6),
	  .count = 1, .err = EINVAL },
	{ "flag bit 31", .flags = SET_NONE | SET_TRIGGER | (1U << 31),
	  .count = 1, .err = EINVAL },
	{ "index num_irqs", .flags = SET_NONE | SET_TRIGGER,
	  .idx = IDX_NUM_IRQS, .count = 1, .err = EINVAL },
	{ "index ~0", .flags = SET_NONE | SET_TRIGGER, .idx = IDX_U32_MAX,
	  .count = 1, .err = EINVAL },
	{ "start 1", .flags = SET_NONE | SET_TRIGGER, .start = 1,
	  .err = EINVAL },
	{ "start 1 count 1", .flags = SET_NONE | SET_TRIGGER, .start = 1,
	  .count = 1, .err = EINVAL },
	{ "count 2", .flags = SET_NONE | SET_TRIGGER, .count = 2,
	  .err = EINVAL },
	{ "count ~0", .flags = SET_NONE | SET_TRIGGER, .count = UINT32_MAX,
	  .err = EINVAL },
	{ "two data types NONE|BOOL", .flags = SET_NONE | SET_BOOL |
	  SET_TRIGGER, .count = 1, .val = 1, .err = EINVAL },
	{ "two data types BOOL|EVENTFD", .flags = SET_BOOL | SET_EVENTFD |
	  SET_TRIGGER, .count = 1, .data = DATA_EVENTFD, .err = EINVAL },
	{ "eventfd, argsz without data", .argsz = IRQ_SET_MINSZ,
	  .flags = SET_EVENTFD | SET_TRIGGER, .count = 1,
	  .data = DATA_EVENTFD, .err = EINVAL },
	{ "eventfd, argsz 3 bytes of data", .argsz = IRQ_SET_MINSZ + 3,
	  .flags = SET_EVENTFD | SET_TRIGGER, .count = 1,
	  .data = DATA_EVENTFD, .err = EINVAL },
	{ "bool, argsz without data", .argsz = IRQ_SET_MINSZ,
	  .flags = SET_BOOL | SET_TRIGGER, .count = 1, .val = 1,
	  .err = EINVAL },
	/* vfio_dfl_set_irq(): exactly one known action */
	{ "no action", .flags = SET_NONE, .count = 1, .err = EINVAL },
	{ "two actions MASK|UNMASK", .flags = SET_NONE | SET_MASK |
	  SET_UNMASK, .count = 1, .err = EINVAL },
	{ "two actions TRIGGER|MASK", .flags = SET_NONE | SET_TRIGGER |
	  SET_MASK, .count = 1, .err = EINVAL },
	/* vfio_dfl_set_irq(): MASK/UNMASK take NONE or BOOL, count 1 */
	{ "mask with eventfd", .flags = SET_EVENTFD | SET_MASK, .count = 1,
	  .data = DATA_EVENTFD, .err = EINVAL },
	{ "unmask with eventfd", .flags = SET_EVENTFD | SET_UNMASK,
	  .count = 1, .data = DATA_EVENTFD, .err = EINVAL },
	{ "mask count 0", .flags = SET_NONE | SET_MASK, .err = EINVAL },
	{ "unmask bool count 0", .flags = SET_BOOL | SET_UNMASK,
	  .err = EINVAL },
	/* vfio_dfl_set_irq(): the request index is not maskable */
	{ "mask req index", .flags = SET_NONE | SET_MASK, .idx = IDX_REQ,
	  .count = 1, .err = EINVAL },
	{ "unmask req index", .flags = SET_NONE | SET_UNMASK, .idx = IDX_REQ,
	  .count = 1, .err = EINVAL },
	{ "mask req index with bool", .flags = SET_BOOL | SET_MASK,
	  .idx = IDX_REQ, .count = 1, .val = 1, .err = EINVAL },
	/* vfio_dfl_irq_trigger(): only DATA_NONE may have count 0 */
	{ "eventfd count 0", .flags = SET_EVENTFD | SET_TRIGGER,
	  .err = EINVAL },
	{ "bool count 0", .flags = SET_BOOL | SET_TRIGGER, .err = EINVAL },
	/* vfio_dfl_irq_trigger(): no loopback on an index not armed */
	{ "loopback, not armed", .flags = SET_NONE | SET_TRIGGER, .count = 1,
	  .err = EINVAL },
	{ "bool true, not armed", .flags = SET_BOOL | SET_TRIGGER,
	  .count = 1, .val = 1, .err = EINVAL },
	{ "bool false, not armed", .flags = SET_BOOL | SET_TRIGGER,
	  .count = 1, .val = 0, .err = EINVAL },
	/* vfio_dfl_irq_trigger(): -1 disarms, other negative fds are bad */
	{ "fd -2", .flags = SET_EVENTFD | SET_TRIGGER, .count = 1, .val = -2,
	  .err = EINVAL },
	{ "fd INT_MIN", .flags = SET_EVENTFD | SET_TRIGGER, .count = 1,
	  .val = INT32_MIN, .err = EINVAL },
	/* eventfd_ctx_fdget() from vfio_dfl_irq_arm() */
	{ "fd not an eventfd", .flags = SET_EVENTFD | SET_TRIGGER,
	  .count = 1, .data = DATA_DEVNULL, .err = EINVAL },
	{ "fd closed", .flags = SET_EVENTFD | SET_TRIGGER, .count = 1,
	  .data = DATA_CLOSED, .err = EBADF },
	{ "fd INT_MAX", .flags = SET_EVENTFD | SET_TRIGGER, .count = 1,
	  .val = INT32_MAX, .err = EBADF },
};

struct bad_fds {
	int devnull;
	int closed;
	int efd;
};

static int bad_set_irqs_run(const struct irq_dev *dev,
			    const struct bad_set_irqs *row,
			    const struct bad_fds *fds)
{
	__u32 index = 0;
	__s32 fd = row->val;
	__u8 b = row->val;
	const void *data = NULL;
	size_t len = 0;

	switch (row->idx) {
	case IDX_FEATURE:
		index = 0;
		break;
	case IDX_REQ:
		index = dev->req_index;
		break;
	case IDX_NUM_IRQS:
		index = dev->num_irqs;
		break;
	case IDX_U32_MAX:
		index = UINT32_MAX;
		break;
	}

	if (row->data == DATA_DEVNULL)
		fd = fds->devnull;
	else if (row->data == DATA_CLOSED)
		fd = fds->closed;
	else if (row->data == DATA_EVENTFD)
		fd = fds->efd;

	/* The payload of the one interrupt a valid count could name */
	if (row->count && (row->flags & SET_EVENTFD)) {
		data = &fd;
		len = sizeof(fd);
	} else if (row->count && (row->flags & SET_BOOL)) {
		data = &b;
		len = sizeof(b);
	}
	return set_irqs(dev->device_fd, row->argsz, row->flags, index,
			row->start, row->count, data, len);
}

TEST_F(vfio_dfl_irq, set_irqs_bad_input)
{
	struct irq_dev *dev = &self->dev;
	int fd = dev->device_fd;
	struct bad_fds fds;
	size_t i;
	int ret, err;

	if (!need_feature_irqs(_metadata, dev))
		return;

	fds.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fds.devnull);
	fds.efd = new_eventfd(_metadata);
	/* Nothing is opened below, so this number stays free */
	fds.closed = new_eventfd(_metadata);
	ASSERT_EQ(0, close(fds.closed));

	for (i = 0; i < ARRAY_SIZE(bad_set_irqs); i++) {
		const struct bad_set_irqs *row = &bad_set_irqs[i];

		errno = 0;
		ret = bad_set_irqs_run(dev, row, &fds);
		err = errno;
		EXPECT_EQ(-1, ret) TH_LOG("%s: succeeded", row->name);
		EXPECT_EQ(row->err, err) TH_LOG("%s: %s", row->name,
						strerror(err));
	}

	/* Nothing above armed or masked index 0 */
	ASSERT_EQ(0, proc_irq_lines(_metadata, dev, -1));
	ASSERT_EQ(0U, efd_read(fds.efd));
	ASSERT_EQ(0, irq_set_eventfd(fd, 0, fds.efd));
	ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, 0));
	ASSERT_EQ(1U, efd_read(fds.efd));

	/* A bad fd leaves the armed eventfd in place */
	ASSERT_ERRNO(EINVAL, irq_set_eventfd(fd, 0, fds.devnull));
	ASSERT_ERRNO(EBADF, irq_set_eventfd(fd, 0, fds.closed));
	ASSERT_ERRNO(EINVAL, irq_set_eventfd(fd, 0, -2));
	ASSERT_EQ(1, proc_irq_lines(_metadata, dev, 0));
	ASSERT_EQ(0, irq_none(fd, SET_TRIGGER, 0));
	ASSERT_EQ(1U, efd_read(fds.efd));

	ASSERT_EQ(0, irq_set_eventfd(fd, 0, -1));
	close(fds.efd);
	close(fds.devnull);
}

TEST_HARNESS_MAIN
