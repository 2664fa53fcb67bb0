// SPDX-License-Identifier: GPL-2.0
/*
 * (The harness's, not the series': v2 posted this file as
 * tools/testing/selftests/vfio-dfl/vfio_dfl_test.c. v3's in-tree test is
 * tools/testing/selftests/vfio/vfio_dfl_test.c, on libvfio, and covers only
 * what is vfio-dfl's own; the VFIO core's paths and the model's facts
 * (the environment below) are checked here, by tests/guest/03 and 04.)
 *
 * Tests for vfio-dfl, the VFIO driver for FPGA Device Feature List (DFL)
 * private features.
 *
 * The device under test is a dfl_dev bound to vfio-dfl, chosen through the
 * environment so that the tests run on emulated and real hardware alike.
 * The other variables state facts about the feature, as its user knows
 * them: a test fails when the device contradicts one that is set, and
 * checks only what holds for every feature when it is not set.
 *
 *   VFIO_DFL_DEV=dfl_dev.N	device in /sys/bus/dfl/devices (required)
 *   VFIO_DFL_SCRATCH=0x40	offset in region 0 of a 64-bit read/write
 *				scratch register (tests that write need it)
 *   VFIO_DFL_RW_BLOCK=0:0x20	OFFSET:LENGTH of plain R/W bytes in region 0
 *   VFIO_DFL_SIZE=0x1000	expected size of region 0
 *   VFIO_DFL_MMAP=1|0		region 0 must (1) or must not (0) be mappable
 *   VFIO_DFL_DFH_VERSION=1	DFH version of the feature
 *   VFIO_DFL_REVISION=0	feature revision in its DFH
 *   VFIO_DFL_NUM_IRQS=2	number of feature interrupts
 *   VFIO_DFL_GROUP=1		DFHv1 group id (0 for DFHv0)
 *   VFIO_DFL_INSTANCE=2	DFHv1 instance id (0 for DFHv0)
 *   VFIO_DFL_DFH_AT_START=0|1	region 0 does (1) or not (0) start at the DFH
 *   VFIO_DFL_GUID=<32 hex>	DFHv1 GUID, GUID_H then GUID_L (as afu_id)
 *   VFIO_DFL_PARAMS=0x11,0x2	DFHv1 parameter words; set but empty: none
 *   VFIO_DFL_STABLE=1|0	reads have (1) or may have (0) no side
 *				effects and no register changes on its own
 *   VFIO_DFL_RESET=1|0	the feature has (1) or has not (0) a reset:
 *				VFIO_DEVICE_FLAGS_RESET, VFIO_DEVICE_RESET
 *
 * VFIO_DFL_RW_BLOCK is a range that reads back what was written at any
 * width.  A DFHv0 feature's region 0 starts at its DFH; for DFHv1 only
 * VFIO_DFL_DFH_AT_START=1 says so.  VFIO_DFL_GUID is written like sysfs afu_id,
 * e.g. d1f1c0de00014014800000dfca4d0014.  VFIO_DFL_PARAMS lists params[]
 * of VFIO_DEVICE_INFO_CAP_DFL as comma-separated 64-bit hex words in host
 * order.
 *
 * Every test is skipped when VFIO_DFL_DEV is not set or the device is not
 * bound to vfio-dfl.  The errno values asserted for the VFIO core paths are
 * derived from the core functions named next to each check.
 */

#define _FILE_OFFSET_BITS 64

#include <assert.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "vfio_dfl_util.h"

#define DFL_SYSFS_DEVICES	"/sys/bus/dfl/devices"
#define DFL_DRIVER_NAME		"vfio-dfl"
#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"
#define IOMMUFD_PATH		"/dev/iommu"

#ifndef BIT_ULL
#define BIT_ULL(nr)		(1ULL << (nr))
#endif

/* Device Feature Header layout, see drivers/fpga/dfl.h */
#define DFH_ID(dfh)		((dfh) & 0xfff)
#define DFH_REVISION(dfh)	(((dfh) >> 12) & 0xf)
#define DFH_VERSION(dfh)	(((dfh) >> 52) & 0xff)
#define DFH_TYPE(dfh)		(((dfh) >> 60) & 0xf)
#define DFH_TYPE_PRIVATE	3
#define DFHV1_CSR_SIZE_GRP	0x20
#define DFHV1_HAS_PARAMS	BIT_ULL(31)
#define DFHV1_PARAM_HDR		0x28
#define DFHV1_PARAM_EOP		BIT_ULL(32)
#define DFHV1_PARAM_NEXT(hdr)	((hdr) >> 35)

/* Capability chains are a handful of entries; anything longer is a loop */
#define MAX_CAPS		64

/* A count no register region can hold: must fail before any access */
#define HUGE_COUNT		BIT_ULL(30)

/* Bounds of VFIO_DFL_PARAMS and VFIO_DFL_RW_BLOCK */
#define MAX_PARAMS		64
#define RW_BLOCK_MAX		4096U
/* Up to this size, rw_all_widths reads the block bytewise after each write */
#define RW_BYTEWISE_MAX		64

/* Version 1 of the DFL capabilities: 48 bytes, and 16 before params[] */
static_assert(sizeof(struct vfio_device_info_cap_dfl) == 48,
	      "struct vfio_device_info_cap_dfl is not 48 bytes");
static_assert(offsetof(struct vfio_device_info_cap_dfl, guid_l) == 32,
	      "guid_l is not at offset 32");
static_assert(sizeof(struct vfio_device_info_cap_dfl_params) == 16,
	      "struct vfio_device_info_cap_dfl_params is not 16 bytes");
static_assert(offsetof(struct vfio_device_info_cap_dfl_params, params) == 16,
	      "params is not at offset 16");

/*
 * The minimum argsz the kernel accepts for each structure, its "minsz":
 * offsetofend() of the last mandatory member, which is where the next
 * member starts.
 */
#define DEVICE_INFO_MINSZ	offsetof(struct vfio_device_info, cap_offset)
#define REGION_INFO_MINSZ	sizeof(struct vfio_region_info)
#define IRQ_INFO_MINSZ		sizeof(struct vfio_irq_info)
#define IRQ_SET_MINSZ		offsetof(struct vfio_irq_set, data)
#define BIND_MINSZ		offsetof(struct vfio_device_bind_iommufd, \
					 token_uuid_ptr)
#define ATTACH_MINSZ		offsetof(struct vfio_device_attach_iommufd_pt, \
					 pasid)

/* A fact the environment may state; checked only when set */
struct expect_u64 {
	bool set;
	__u64 val;
};

/* What the environment says about VFIO_DEVICE_INFO_CAP_DFL */
struct dfl_expect {
	struct expect_u64 dfh_version;	/* VFIO_DFL_DFH_VERSION */
	struct expect_u64 revision;	/* VFIO_DFL_REVISION */
	struct expect_u64 num_irqs;	/* VFIO_DFL_NUM_IRQS */
	struct expect_u64 group;	/* VFIO_DFL_GROUP */
	struct expect_u64 instance;	/* VFIO_DFL_INSTANCE */
	bool has_guid;			/* VFIO_DFL_GUID */
	__u64 guid_h, guid_l;
	bool has_params;		/* VFIO_DFL_PARAMS */
	size_t num_params;
	__u64 params[MAX_PARAMS];
	int dfh_at_start;		/* VFIO_DFL_DFH_AT_START, or -1 */
};

struct dfl_target {
	char name[NAME_MAX + 1];
	char sysfs[PATH_MAX];
	char cdev_path[NAME_MAX + 32];	/* empty without a vfio-dev cdev */
	char group_path[NAME_MAX + 32];	/* empty without an IOMMU group */
	struct vfio_dfl_nodes nodes;
	unsigned long type;
	unsigned long feature_id;
	bool has_scratch;
	__u64 scratch;
	bool has_size;
	__u64 size;
	int mmap_expected;		/* -1 when VFIO_DFL_MMAP is not set */
	int stable;			/* -1 when VFIO_DFL_STABLE is not set */
	int reset;			/* -1 when VFIO_DFL_RESET is not set */
	bool has_rw_block;		/* VFIO_DFL_RW_BLOCK */
	__u64 rw_off, rw_len;
	struct dfl_expect expect;
};

static int sysfs_read_ulong(const char *dir, const char *attr,
			    unsigned long *val)
{
	char path[PATH_MAX + 32], buf[64], *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';

	errno = 0;
	*val = strtoul(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n'))
		return -1;
	return 0;
}

/* OFFSET:LENGTH, LENGTH not 0 */
static int env_range(const char *var, bool *set, __u64 *off, __u64 *len,
		     char *why, size_t wlen)
{
	const char *s = getenv(var), *p;
	char *end;

	*set = false;
	if (!s || !*s)
		return 0;

	errno = 0;
	*off = strtoull(s, &end, 0);
	if (errno || end == s || *end != ':' || *s == '-')
		goto bad;
	p = end + 1;
	*len = strtoull(p, &end, 0);
	if (errno || end == p || *end || *p == '-' || !*len)
		goto bad;
	*set = true;
	return 0;
bad:
	snprintf(why, wlen, "%s=%s is not OFFSET:LENGTH", var, s);
	return -1;
}

static int dfl_expect_init(struct dfl_expect *e, char *why, size_t len)
{
	if (env_u64("VFIO_DFL_DFH_VERSION", &e->dfh_version.set,
		    &e->dfh_version.val, why, len) ||
	    env_u64("VFIO_DFL_REVISION", &e->revision.set, &e->revision.val,
		    why, len) ||
	    env_u64("VFIO_DFL_NUM_IRQS", &e->num_irqs.set, &e->num_irqs.val,
		    why, len) ||
	    env_u64("VFIO_DFL_GROUP", &e->group.set, &e->group.val, why,
		    len) ||
	    env_u64("VFIO_DFL_INSTANCE", &e->instance.set, &e->instance.val,
		    why, len) ||
	    env_guid("VFIO_DFL_GUID", &e->has_guid, &e->guid_h, &e->guid_l,
		     why, len) ||
	    env_hex_list("VFIO_DFL_PARAMS", &e->has_params, e->params,
			 MAX_PARAMS, &e->num_params, why, len) ||
	    env_bool("VFIO_DFL_DFH_AT_START", &e->dfh_at_start, why, len))
		return -1;
	return 0;
}

/*
 * Find the device named by the environment.  Returns 0 when it can be
 * tested, KSFT_SKIP when there is nothing to test and -1 when the
 * environment is wrong; @why says why.
 */
static int dfl_target_init(struct dfl_target *t, char *why, size_t len)
{
	const char *dev = getenv("VFIO_DFL_DEV");
	char path[PATH_MAX + 32], name[NAME_MAX + 1];

	memset(t, 0, sizeof(*t));
	t->mmap_expected = -1;
	t->stable = -1;
	t->reset = -1;

	if (!dev || !*dev) {
		snprintf(why, len, "VFIO_DFL_DEV is not set");
		return KSFT_SKIP;
	}
	if (strchr(dev, '/') || strlen(dev) >= sizeof(t->name)) {
		snprintf(why, len, "VFIO_DFL_DEV=%s is not a device name", dev);
		return -1;
	}
	snprintf(t->name, sizeof(t->name), "%s", dev);
	snprintf(t->sysfs, sizeof(t->sysfs), "%s/%s", DFL_SYSFS_DEVICES, dev);

	if (access(t->sysfs, F_OK)) {
		snprintf(why, len, "%s does not exist", t->sysfs);
		return KSFT_SKIP;
	}

	snprintf(path, sizeof(path), "%s/driver", t->sysfs);
	if (readlink_basename(path, name, sizeof(name)) ||
	    strcmp(name, DFL_DRIVER_NAME)) {
		snprintf(why, len, "%s is not bound to %s", dev,
			 DFL_DRIVER_NAME);
		return KSFT_SKIP;
	}

	if (sysfs_read_ulong(t->sysfs, "type", &t->type) ||
	    sysfs_read_ulong(t->sysfs, "feature_id", &t->feature_id)) {
		snprintf(why, len, "cannot read type/feature_id of %s", dev);
		return -1;
	}

	/* vfio_register_emulated_iommu_dev() gives the device a group */
	if (vfio_dfl_find_nodes(t->sysfs, &t->nodes, why, len))
		return -1;
	snprintf(t->cdev_path, sizeof(t->cdev_path), "%s",
		 t->nodes.cdev_path);
	snprintf(t->group_path, sizeof(t->group_path), "%s",
		 t->nodes.group_path);

	if (env_u64("VFIO_DFL_SCRATCH", &t->has_scratch, &t->scratch, why,
		    len) ||
	    env_u64("VFIO_DFL_SIZE", &t->has_size, &t->size, why, len) ||
	    env_bool("VFIO_DFL_MMAP", &t->mmap_expected, why, len) ||
	    env_bool("VFIO_DFL_STABLE", &t->stable, why, len) ||
	    env_bool("VFIO_DFL_RESET", &t->reset, why, len) ||
	    env_range("VFIO_DFL_RW_BLOCK", &t->has_rw_block, &t->rw_off,
		      &t->rw_len, why, len) ||
	    dfl_expect_init(&t->expect, why, len))
		return -1;

	return 0;
}

static int iommufd_ioas_alloc(int iommufd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	int ret;

	ret = ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc);
	if (!ret)
		*ioas_id = alloc.out_ioas_id;
	return ret;
}

static int iommufd_destroy(int iommufd, __u32 id)
{
	struct iommu_destroy destroy = { .size = sizeof(destroy), .id = id };

	return ioctl(iommufd, IOMMU_DESTROY, &destroy);
}

static int device_bind(int device_fd, int iommufd, __u32 *devid)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	int ret;

	ret = ioctl(device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (!ret && devid)
		*devid = bind.out_devid;
	return ret;
}

static int device_attach(int device_fd, __u32 flags, __u32 *pt_id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.flags = flags,
		.pt_id = *pt_id,
	};
	int ret;

	ret = ioctl(device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
	if (!ret)
		*pt_id = attach.pt_id;
	return ret;
}

static int device_detach(int device_fd, __u32 flags)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
		.flags = flags,
	};

	return ioctl(device_fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach);
}

static int device_get_info(int device_fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	return ioctl(device_fd, VFIO_DEVICE_GET_INFO, &info);
}

static int device_get_region_info(int device_fd, __u32 index,
				  struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(device_fd, VFIO_DEVICE_GET_REGION_INFO, info);
}

/* Read the DFH through region 0 of an open device fd, -1 on failure */
static int device_read_dfh(int device_fd, __u64 *dfh)
{
	struct vfio_region_info region;

	if (device_get_region_info(device_fd, 0, &region))
		return -1;
	if (pread(device_fd, dfh, sizeof(*dfh), region.offset) != sizeof(*dfh))
		return -1;
	return 0;
}

/*
 * VFIO_DEVICE_SET_IRQS with @len bytes of payload; @argsz 0 means a
 * header followed by exactly the payload.
 */
static int device_set_irqs(int device_fd, __u32 argsz, __u32 flags,
			   __u32 index, __u32 start, __u32 count,
			   const void *data, size_t len)
{
	__u64 buf[(sizeof(struct vfio_irq_set) + 16) / sizeof(__u64) + 1];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	if (len > 16) {
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

static int req_set_eventfd(int device_fd, __u32 index, __s32 fd)
{
	return device_set_irqs(device_fd, 0, VFIO_IRQ_SET_DATA_EVENTFD |
			       VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1, &fd,
			       sizeof(fd));
}

static int req_loopback(int device_fd, __u32 index)
{
	return device_set_irqs(device_fd, 0, VFIO_IRQ_SET_DATA_NONE |
			       VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1, NULL,
			       0);
}

/* Single 64-bit accesses to mmap()ed registers, never merged or elided */
static __u64 mmio_read64(const __u64 *addr)
{
	return __atomic_load_n(addr, __ATOMIC_RELAXED);
}

static void mmio_write64(__u64 *addr, __u64 val)
{
	__atomic_store_n(addr, val, __ATOMIC_RELAXED);
}

/* Index of the first byte in [@from, @to) of @buf that is not @val, or -1 */
static long find_not(const __u8 *buf, size_t from, size_t to, __u8 val)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (buf[i] != val)
			return i;
	}
	return -1;
}

/* Consume an eventfd; returns its counter, 0 if it was not signalled */
static __u64 eventfd_take(int efd)
{
	__u64 val;

	if (read(efd, &val, sizeof(val)) != sizeof(val))
		return 0;
	return val;
}

/*
 * Open the group at @t->group_path, attach it to a fresh container opened
 * from @container_path (a legacy container or an iommufd) and get the
 * device fd.  Skips the test, returning -1, when the kernel lacks the
 * group or container interface.
 *
 * Type1 accepts emulated-IOMMU groups (vfio_iommu_type1_attach_group()
 * puts them on emulated_iommu_groups), and iommufd's compat layer accepts
 * TYPE1v2 once SET_CONTAINER created its compat IOAS.  VFIO_NOIOMMU_IOMMU
 * fits only a no-IOMMU group.
 */
static int group_open_device(struct __test_metadata *_metadata,
			     const struct dfl_target *t,
			     const char *container_path, int *group_fd,
			     int *container_fd)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	const unsigned long type = VFIO_TYPE1v2_IOMMU;
	const unsigned long other = VFIO_NOIOMMU_IOMMU;
	const char *type_name = "VFIO_TYPE1v2_IOMMU";
	int fd, err;

	if (!t->group_path[0])
		SKIP(return -1, "%s has no IOMMU group", t->name);

	*group_fd = open(t->group_path, O_RDWR | O_CLOEXEC);
	if (*group_fd < 0 && errno == ENOENT)
		SKIP(return -1, "%s missing (CONFIG_VFIO_GROUP=n?)",
		     t->group_path);
	ASSERT_LE(0, *group_fd) TH_LOG("open %s: %s", t->group_path,
				       strerror(errno));

	*container_fd = open(container_path, O_RDWR | O_CLOEXEC);
	if (*container_fd < 0 && errno == ENOENT)
		SKIP(return -1, "%s missing", container_path);
	ASSERT_LE(0, *container_fd) TH_LOG("open %s: %s", container_path,
					   strerror(errno));

	ASSERT_EQ(VFIO_API_VERSION,
		  ioctl(*container_fd, VFIO_GET_API_VERSION));
	if (ioctl(*container_fd, VFIO_CHECK_EXTENSION, type) <= 0)
		SKIP(return -1, "%s does not offer %s", container_path,
		     type_name);

	/* The group holds this device only: it is viable on its own */
	ASSERT_EQ(0, ioctl(*group_fd, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_NE(0U, status.flags & VFIO_GROUP_FLAGS_VIABLE);
	ASSERT_EQ(0U, status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET);

	ASSERT_EQ(0, ioctl(*group_fd, VFIO_GROUP_SET_CONTAINER, container_fd))
		TH_LOG("VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));

	/*
	 * The other type is refused and changes nothing: by
	 * iommufd_vfio_set_iommu() with EINVAL, by vfio_ioctl_set_iommu()
	 * with ENODEV as no driver allowed for the container offers it
	 * (EINVAL when iommufd provides /dev/vfio/vfio).
	 */
	errno = 0;
	ASSERT_EQ(-1, ioctl(*container_fd, VFIO_SET_IOMMU, other))
		TH_LOG("VFIO_SET_IOMMU of the wrong type succeeded");
	err = errno;
	if (!strcmp(container_path, IOMMUFD_PATH)) {
		ASSERT_EQ(EINVAL, err) TH_LOG("%s", strerror(err));
	} else {
		ASSERT_TRUE(err == ENODEV || err == EINVAL)
			TH_LOG("%s", strerror(err));
	}

	ASSERT_EQ(0, ioctl(*container_fd, VFIO_SET_IOMMU, type))
		TH_LOG("VFIO_SET_IOMMU(%s): %s", type_name, strerror(errno));

	ASSERT_EQ(0, ioctl(*group_fd, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_EQ((__u32)(VFIO_GROUP_FLAGS_VIABLE |
			  VFIO_GROUP_FLAGS_CONTAINER_SET),
		  status.flags);

	fd = ioctl(*group_fd, VFIO_GROUP_GET_DEVICE_FD, t->name);
	ASSERT_LE(0, fd) TH_LOG("VFIO_GROUP_GET_DEVICE_FD(%s): %s", t->name,
				strerror(errno));
	return fd;
}

/*
 * Walk the capability chain of @info, checking that it is well formed, and
 * return the only capability with @id, or NULL.
 */
static const struct vfio_info_cap_header *
find_cap(struct __test_metadata *_metadata,
	 const struct vfio_device_info *info, size_t buf_size, __u16 id)
{
	const struct vfio_info_cap_header *hdr, *found = NULL;
	__u32 off = info->cap_offset;
	int n = 0;

	while (off) {
		ASSERT_LE(sizeof(*info), off);
		ASSERT_EQ(0U, off % sizeof(__u64));
		ASSERT_LE(off + sizeof(*hdr), buf_size);
		ASSERT_LT(n++, MAX_CAPS);

		hdr = (const void *)((const char *)info + off);
		if (hdr->id == id) {
			ASSERT_EQ(NULL, found) TH_LOG("capability %u twice", id);
			found = hdr;
		}
		/* vfio_info_cap_add() appends, so the chain only moves on */
		if (hdr->next)
			ASSERT_LT(off, hdr->next);
		off = hdr->next;
	}
	return found;
}

/* VFIO_DEVICE_GET_INFO with a buffer large enough for the capabilities */
static struct vfio_device_info *get_info_caps(struct __test_metadata *_metadata,
					      int device_fd, size_t *size)
{
	struct vfio_device_info probe = { .argsz = sizeof(probe) };
	struct vfio_device_info *info;

	ASSERT_EQ(0, ioctl(device_fd, VFIO_DEVICE_GET_INFO, &probe))
		TH_LOG("VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	ASSERT_NE(0U, probe.flags & VFIO_DEVICE_FLAGS_CAPS);
	ASSERT_LT(sizeof(probe), probe.argsz);

	info = calloc(1, probe.argsz);
	ASSERT_NE(NULL, info);
	info->argsz = probe.argsz;
	ASSERT_EQ(0, ioctl(device_fd, VFIO_DEVICE_GET_INFO, info));
	ASSERT_EQ(sizeof(*info), info->cap_offset);
	*size = probe.argsz;
	return info;
}

/* Paths through which the fixture opens the device */
enum dfl_path {
	DFL_PATH_CDEV,
	DFL_PATH_GROUP_TYPE1,
	DFL_PATH_GROUP_IOMMUFD,
};

/* State of a device opened through one of the paths of enum dfl_path */
struct dfl_dev {
	struct dfl_target t;
	int iommufd;
	int container_fd;
	int group_fd;
	int device_fd;
	size_t page_size;
	struct vfio_device_info *info;
	size_t info_size;
	const struct vfio_device_info_cap_dfl *cap;
	/* VFIO_DEVICE_INFO_CAP_DFL_PARAMS, NULL for a feature without any */
	const struct vfio_device_info_cap_dfl_params *params;
	__u32 param_size;		/* params->size, or 0 */
	__u32 num_feature_irqs;		/* num_irqs - 1: the request is last */
	struct vfio_region_info region;
	__u64 dfh;		/* raw bytes of region offset 0 */
	/* Region 0 starts with the DFH: always for DFHv0, see dfl_dfh_at_start() */
	bool dfh_at_start;
};

FIXTURE(vfio_dfl) {
	struct dfl_dev dev;
};

FIXTURE_VARIANT(vfio_dfl) {
	enum dfl_path path;
};

FIXTURE_VARIANT_ADD(vfio_dfl, cdev) {
	.path = DFL_PATH_CDEV,
};

FIXTURE_VARIANT_ADD(vfio_dfl, group_type1) {
	.path = DFL_PATH_GROUP_TYPE1,
};

FIXTURE_VARIANT_ADD(vfio_dfl, group_iommufd) {
	.path = DFL_PATH_GROUP_IOMMUFD,
};

/* pread/pwrite at offset @off of region 0, which must succeed in full */
static void region_read(struct __test_metadata *_metadata,
			struct dfl_dev *dev, void *buf, size_t len,
			__u64 off)
{
	ASSERT_EQ((ssize_t)len, pread(dev->device_fd, buf, len,
				      dev->region.offset + off))
		TH_LOG("pread(%zu bytes at 0x%llx): %s", len,
		       (unsigned long long)off, strerror(errno));
}

static void region_write(struct __test_metadata *_metadata,
			 struct dfl_dev *dev, const void *buf,
			 size_t len, __u64 off)
{
	ASSERT_EQ((ssize_t)len, pwrite(dev->device_fd, buf, len,
				       dev->region.offset + off))
		TH_LOG("pwrite(%zu bytes at 0x%llx): %s", len,
		       (unsigned long long)off, strerror(errno));
}

static __u64 region_read64(struct __test_metadata *_metadata,
			   struct dfl_dev *dev, __u64 off)
{
	__u64 val;

	region_read(_metadata, dev, &val, sizeof(val), off);
	return val;
}

static void region_write64(struct __test_metadata *_metadata,
			   struct dfl_dev *dev, __u64 off, __u64 val)
{
	region_write(_metadata, dev, &val, sizeof(val), off);
}

/*
 * Read @len bytes at @off as 8-byte registers, twice.  Returns false if
 * the registers changed in between, so they cannot serve as a reference.
 */
static bool region_read_stable(struct __test_metadata *_metadata,
			       struct dfl_dev *dev, void *buf,
			       size_t len, __u64 off)
{
	__u8 again[256];
	size_t i;

	ASSERT_LE(len, sizeof(again));
	ASSERT_EQ(0U, len % 8);
	for (i = 0; i < len; i += 8)
		region_read(_metadata, dev, (__u8 *)buf + i, 8, off + i);
	for (i = 0; i < len; i += 8)
		region_read(_metadata, dev, again + i, 8, off + i);
	/* A feature known to be stable must not look volatile: fail, not skip */
	if (dev->t.stable == 1)
		ASSERT_EQ(0, memcmp(buf, again, len))
			TH_LOG("VFIO_DFL_STABLE=1 but 0x%llx-0x%llx changed between reads",
			       (unsigned long long)off,
			       (unsigned long long)(off + len - 1));
	return !memcmp(buf, again, len);
}

/*
 * Whether region 0 starts with the feature's DFH.  A DFHv0 feature's
 * resource starts at its DFH; a DFHv1 feature's CSR block may be anywhere
 * (DFHv1_CSR_ADDR), and only VFIO_DFL_DFH_AT_START=1 says it is there.
 */
static bool dfl_dfh_at_start(const struct dfl_target *t,
			     const struct vfio_device_info_cap_dfl *cap)
{
	if (cap->dfh_version == 0)
		return true;
	return t->expect.dfh_at_start == 1;
}

/* VFIO_DFL_DFH_AT_START=0 cannot hold for DFHv0 */
static void check_dfh_at_start(struct __test_metadata *_metadata,
			       const struct dfl_dev *dev)
{
	if (dev->cap->dfh_version == 0)
		ASSERT_NE(0, dev->t.expect.dfh_at_start)
			TH_LOG("VFIO_DFL_DFH_AT_START=0 for a DFHv0 feature");
}

FIXTURE_SETUP(vfio_dfl)
{
	struct dfl_dev *dev = &self->dev;
	const struct vfio_info_cap_header *hdr;
	char why[256];
	__u32 ioas_id;
	int ret;

	dev->iommufd = -1;
	dev->container_fd = -1;
	dev->group_fd = -1;
	dev->device_fd = -1;
	dev->page_size = sysconf(_SC_PAGESIZE);

	ret = dfl_target_init(&dev->t, why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	switch (variant->path) {
	case DFL_PATH_CDEV:
		if (!dev->t.cdev_path[0])
			SKIP(return, "no vfio-dev cdev (CONFIG_VFIO_DEVICE_CDEV=n?)");
		dev->iommufd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
		if (dev->iommufd < 0 && errno == ENOENT)
			SKIP(return, "no %s (CONFIG_IOMMUFD=n?)", IOMMUFD_PATH);
		ASSERT_LE(0, dev->iommufd);
		dev->device_fd = open(dev->t.cdev_path, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, dev->device_fd)
			TH_LOG("open %s: %s", dev->t.cdev_path,
			       strerror(errno));
		ASSERT_EQ(0, device_bind(dev->device_fd, dev->iommufd, NULL))
			TH_LOG("VFIO_DEVICE_BIND_IOMMUFD: %s", strerror(errno));
		ASSERT_EQ(0, iommufd_ioas_alloc(dev->iommufd, &ioas_id));
		ASSERT_EQ(0, device_attach(dev->device_fd, 0, &ioas_id))
			TH_LOG("VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s",
			       strerror(errno));
		break;
	case DFL_PATH_GROUP_TYPE1:
		dev->device_fd = group_open_device(_metadata, &dev->t,
						   VFIO_CONTAINER_PATH,
						   &dev->group_fd,
						   &dev->container_fd);
		if (dev->device_fd < 0)
			return;
		break;
	case DFL_PATH_GROUP_IOMMUFD:
		dev->device_fd = group_open_device(_metadata, &dev->t,
						   IOMMUFD_PATH,
						   &dev->group_fd,
						   &dev->iommufd);
		if (dev->device_fd < 0)
			return;
		break;
	}

	dev->info = get_info_caps(_metadata, dev->device_fd,
				  &dev->info_size);
	hdr = find_cap(_metadata, dev->info, dev->info_size,
		       VFIO_DEVICE_INFO_CAP_DFL);
	ASSERT_NE(NULL, hdr) TH_LOG("no VFIO_DEVICE_INFO_CAP_DFL");
	ASSERT_LE((char *)hdr - (char *)dev->info + sizeof(*dev->cap),
		  dev->info_size);
	dev->cap = (const struct vfio_device_info_cap_dfl *)hdr;
	hdr = find_cap(_metadata, dev->info, dev->info_size,
		       VFIO_DEVICE_INFO_CAP_DFL_PARAMS);
	if (hdr) {
		dev->params = (const void *)hdr;
		ASSERT_LE((char *)hdr - (char *)dev->info +
			  sizeof(*dev->params) + dev->params->size,
			  dev->info_size);
		ASSERT_NE(0U, dev->params->size);
		ASSERT_EQ(0U, dev->params->reserved);
		dev->param_size = dev->params->size;
	}
	ASSERT_LE(1U, dev->info->num_irqs) TH_LOG("no request IRQ index");
	dev->num_feature_irqs = dev->info->num_irqs - 1;

	ASSERT_EQ(0, device_get_region_info(dev->device_fd, 0,
					    &dev->region))
		TH_LOG("VFIO_DEVICE_GET_REGION_INFO: %s", strerror(errno));
	ASSERT_LE(8U, dev->region.size);

	dev->dfh = region_read64(_metadata, dev, 0);
	dev->dfh_at_start = dfl_dfh_at_start(&dev->t, dev->cap);
}

FIXTURE_TEARDOWN(vfio_dfl)
{
	struct dfl_dev *dev = &self->dev;

	free(dev->info);
	/* The device holds the group, which holds the container */
	if (dev->device_fd >= 0)
		close(dev->device_fd);
	if (dev->group_fd >= 0)
		close(dev->group_fd);
	if (dev->container_fd >= 0)
		close(dev->container_fd);
	if (dev->iommufd >= 0)
		close(dev->iommufd);
}

TEST_F(vfio_dfl, device_info)
{
	struct dfl_dev *dev = &self->dev;
	const struct vfio_device_info_cap_dfl *cap = dev->cap;

	ASSERT_EQ((__u32)(VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_CAPS),
		  dev->info->flags & ~VFIO_DEVICE_FLAGS_RESET);
	if (dev->t.reset >= 0)
		ASSERT_EQ(dev->t.reset,
			  !!(dev->info->flags & VFIO_DEVICE_FLAGS_RESET));
	/* An advertised reset works (unadvertised: the bad-ioctl table) */
	if (dev->info->flags & VFIO_DEVICE_FLAGS_RESET)
		ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_RESET));
	ASSERT_EQ(1U, dev->info->num_regions);

	ASSERT_EQ(1, cap->header.version);
	ASSERT_EQ(dev->t.type, cap->fiu_type);
	ASSERT_EQ(dev->t.feature_id, cap->feature_id);
	ASSERT_EQ(0U, dev->param_size % sizeof(__u64));
	/* Cap offsets are 8-byte aligned, so are params[] */
	if (dev->params)
		ASSERT_EQ(0U, ((char *)dev->params->params -
			       (char *)dev->info) % sizeof(__u64));
	if (cap->dfh_version == 0)
		ASSERT_EQ(NULL, dev->params);
}

/*
 * Every field of VFIO_DEVICE_INFO_CAP_DFL version 1, against what holds
 * for every feature and against the environment.
 */
TEST_F(vfio_dfl, device_info_fields)
{
	struct dfl_dev *dev = &self->dev;
	const struct vfio_device_info_cap_dfl *cap = dev->cap;
	const struct dfl_expect *e = &dev->t.expect;
	size_t i;

	ASSERT_EQ(1, cap->header.version);
	ASSERT_TRUE(cap->fiu_type == VFIO_DFL_FIU_FME ||
		    cap->fiu_type == VFIO_DFL_FIU_PORT)
		TH_LOG("fiu_type %u", cap->fiu_type);
	ASSERT_EQ(dev->t.type, cap->fiu_type);
	ASSERT_EQ(dev->t.feature_id, cap->feature_id);
	ASSERT_GE(1U, cap->dfh_version);
	/* DFH_REVISION() is 4 bits wide */
	ASSERT_GE(0xfU, cap->revision);
	/* DFHv1_CSR_SIZE_GRP_GROUPING_ID is 15 bits, the instance id 16 */
	ASSERT_GE(0x7fffU, cap->group_id);
	ASSERT_GE(0xffffU, cap->instance_id);
	ASSERT_EQ(0U, dev->param_size % sizeof(__u64));

	/* DFHv0 has none of the DFHv1 fields; its registers start at the DFH */
	if (cap->dfh_version == 0) {
		ASSERT_EQ(0U, cap->guid_l);
		ASSERT_EQ(0U, cap->guid_h);
		ASSERT_EQ(0U, cap->group_id);
		ASSERT_EQ(0U, cap->instance_id);
		ASSERT_EQ(0U, dev->param_size);
	}

	if (e->dfh_version.set)
		ASSERT_EQ(e->dfh_version.val, cap->dfh_version)
			TH_LOG("VFIO_DFL_DFH_VERSION");
	if (e->revision.set)
		ASSERT_EQ(e->revision.val, cap->revision)
			TH_LOG("VFIO_DFL_REVISION");
	if (e->num_irqs.set)
		ASSERT_EQ(e->num_irqs.val, dev->num_feature_irqs)
			TH_LOG("VFIO_DFL_NUM_IRQS");
	if (e->group.set)
		ASSERT_EQ(e->group.val, cap->group_id) TH_LOG("VFIO_DFL_GROUP");
	if (e->instance.set)
		ASSERT_EQ(e->instance.val, cap->instance_id)
			TH_LOG("VFIO_DFL_INSTANCE");
	check_dfh_at_start(_metadata, dev);
	if (e->has_guid) {
		ASSERT_EQ(e->guid_h, cap->guid_h) TH_LOG("VFIO_DFL_GUID");
		ASSERT_EQ(e->guid_l, cap->guid_l) TH_LOG("VFIO_DFL_GUID");
	}
	if (e->has_params) {
		ASSERT_EQ(e->num_params * sizeof(__u64), dev->param_size)
			TH_LOG("VFIO_DFL_PARAMS has %zu words", e->num_params);
		for (i = 0; i < e->num_params; i++) {
			ASSERT_EQ(e->params[i], le64toh(dev->params->params[i]))
				TH_LOG("VFIO_DFL_PARAMS word %zu", i);
		}
	}
}

TEST_F(vfio_dfl, device_info_matches_dfh)
{
	struct dfl_dev *dev = &self->dev;
	const struct vfio_device_info_cap_dfl *cap = dev->cap;
	/* Registers are little endian; pread() keeps their byte order */
	__u64 dfh = le64toh(dev->dfh);

	check_dfh_at_start(_metadata, dev);
	if (!dev->dfh_at_start)
		SKIP(return, "DFHv1 CSR block does not start at the DFH");

	ASSERT_EQ((__u64)DFH_TYPE_PRIVATE, DFH_TYPE(dfh))
		TH_LOG("dfh 0x%llx", (unsigned long long)dfh);
	ASSERT_EQ(DFH_ID(dfh), cap->feature_id);
	ASSERT_EQ(DFH_REVISION(dfh), cap->revision);
	ASSERT_EQ(DFH_VERSION(dfh), cap->dfh_version);
	/* The DFH is read only and constant */
	ASSERT_EQ(dev->dfh, region_read64(_metadata, dev, 0));
}

TEST_F(vfio_dfl, device_info_dfhv1_params)
{
	struct dfl_dev *dev = &self->dev;
	const struct vfio_device_info_cap_dfl *cap = dev->cap;
	__u64 csr_size_grp, hdr, regs[32];
	__u32 off, last = 0;

	if (cap->dfh_version != 1)
		SKIP(return, "DFH version %u has no parameters",
		     cap->dfh_version);

	/* Parameter blocks are chained by DFHV1_PARAM_NEXT(), up to EOP */
	for (off = 0; off < dev->param_size; off += DFHV1_PARAM_NEXT(hdr) * 8) {
		hdr = le64toh(dev->params->params[off / 8]);
		ASSERT_NE(0U, DFHV1_PARAM_NEXT(hdr)) TH_LOG("param at %u", off);
		ASSERT_LE(off + DFHV1_PARAM_NEXT(hdr) * 8, dev->param_size);
		last = off;
	}
	if (dev->param_size)
		ASSERT_NE(0U, le64toh(dev->params->params[last / 8]) & DFHV1_PARAM_EOP);

	check_dfh_at_start(_metadata, dev);
	if (!dev->dfh_at_start)
		SKIP(return, "DFHv1 CSR block does not start at the DFH");
	ASSERT_LE((__u64)DFHV1_PARAM_HDR, dev->region.size);

	csr_size_grp = le64toh(region_read64(_metadata, dev,
					     DFHV1_CSR_SIZE_GRP));
	if (!(csr_size_grp & DFHV1_HAS_PARAMS)) {
		ASSERT_EQ(0U, dev->param_size);
		return;
	}
	ASSERT_LT(0U, dev->param_size);

	/* params[] is a copy of the registers following the DFHv1 header */
	ASSERT_LE(DFHV1_PARAM_HDR + dev->param_size, dev->region.size);
	if (dev->param_size > sizeof(regs))
		SKIP(return, "%u bytes of parameters", dev->param_size);
	region_read(_metadata, dev, regs, dev->param_size, DFHV1_PARAM_HDR);
	ASSERT_EQ(0, memcmp(regs, dev->params->params, dev->param_size));
}

TEST_F(vfio_dfl, device_info_argsz)
{
	struct dfl_dev *dev = &self->dev;
	const size_t minsz = DEVICE_INFO_MINSZ;
	size_t needed = dev->info_size;
	struct vfio_device_info *info;
	size_t big = needed + 64;
	__u8 *buf;

	buf = malloc(big);
	ASSERT_NE(NULL, buf);
	info = (struct vfio_device_info *)buf;

	/* Too small for the mandatory fields */
	memset(buf, 0, big);
	info->argsz = minsz - 1;
	ASSERT_ERRNO(EINVAL, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO,
				   info));

	/* Just the mandatory fields: nothing past them is written */
	memset(buf, 0xa5, big);
	info->argsz = minsz;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info));
	ASSERT_EQ(dev->info->flags, info->flags);
	ASSERT_EQ(dev->info->num_regions, info->num_regions);
	ASSERT_EQ(dev->info->num_irqs, info->num_irqs);
	ASSERT_EQ(needed, info->argsz);
	ASSERT_EQ(-1, find_not(buf, minsz, big, 0xa5));

	/* No room for the capabilities: the size needed is returned */
	memset(buf, 0xa5, big);
	info->argsz = sizeof(*info);
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info));
	ASSERT_NE(0U, info->flags & VFIO_DEVICE_FLAGS_CAPS);
	ASSERT_EQ(needed, info->argsz);
	ASSERT_LT(sizeof(*info), info->argsz);
	ASSERT_EQ(0U, info->cap_offset);
	ASSERT_EQ(-1, find_not(buf, sizeof(*info), big, 0xa5));

	/* One byte short is still too small */
	memset(buf, 0, big);
	info->argsz = needed - 1;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info));
	ASSERT_EQ(needed, info->argsz);
	ASSERT_EQ(0U, info->cap_offset);

	/* Exactly enough: the chain follows the structure, nothing beyond */
	memset(buf, 0xa5, big);
	info->argsz = needed;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info));
	ASSERT_EQ(sizeof(*info), info->cap_offset);
	ASSERT_NE(NULL, find_cap(_metadata, info, needed,
				 VFIO_DEVICE_INFO_CAP_DFL));
	ASSERT_EQ(0, memcmp(buf, dev->info, needed));
	ASSERT_EQ(-1, find_not(buf, needed, big, 0xa5));

	/* More than enough is fine too */
	memset(buf, 0, big);
	info->argsz = big;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, info));
	ASSERT_EQ(sizeof(*info), info->cap_offset);
	ASSERT_EQ(0, memcmp(buf + sizeof(*info), (__u8 *)dev->info +
			    sizeof(*info), needed - sizeof(*info)));

	free(buf);
}

TEST_F(vfio_dfl, region_info)
{
	struct dfl_dev *dev = &self->dev;
	const __u32 known = VFIO_REGION_INFO_FLAG_READ |
			    VFIO_REGION_INFO_FLAG_WRITE |
			    VFIO_REGION_INFO_FLAG_MMAP;
	struct vfio_region_info *r = &dev->region, again;
	bool mmap_flag = r->flags & VFIO_REGION_INFO_FLAG_MMAP;

	ASSERT_EQ(sizeof(*r), r->argsz);
	ASSERT_EQ(0U, r->index);
	ASSERT_EQ((__u32)(VFIO_REGION_INFO_FLAG_READ |
			  VFIO_REGION_INFO_FLAG_WRITE),
		  r->flags & (VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE));
	/* No capabilities and nothing unknown */
	ASSERT_EQ(0U, r->flags & ~known);
	ASSERT_EQ(0U, r->cap_offset);

	if (dev->t.has_size)
		ASSERT_EQ(dev->t.size, r->size);

	/* Only whole pages may be mapped */
	if (mmap_flag) {
		ASSERT_EQ(0U, r->offset % dev->page_size);
		ASSERT_EQ(0U, r->size % dev->page_size);
	}
	if (dev->t.mmap_expected >= 0)
		ASSERT_EQ(dev->t.mmap_expected, mmap_flag);

	/* A minimal argsz works and the answer does not change */
	memset(&again, 0, sizeof(again));
	again.argsz = REGION_INFO_MINSZ;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO,
			   &again));
	ASSERT_EQ(r->flags, again.flags);
	ASSERT_EQ(r->size, again.size);
	ASSERT_EQ(r->offset, again.offset);

	/* There is no region 1 */
	ASSERT_ERRNO(EINVAL, device_get_region_info(dev->device_fd, 1,
						    &again));
}

TEST_F(vfio_dfl, read_widths)
{
	struct dfl_dev *dev = &self->dev;
	__u64 dfh = dev->dfh;
	size_t widths[] = { 1, 2, 4, 8 };
	__u8 buf[8];
	size_t i, off;

	/* Each naturally aligned access inside the DFH returns its bytes */
	for (i = 0; i < ARRAY_SIZE(widths); i++) {
		for (off = 0; off < 8; off += widths[i]) {
			memset(buf, 0xa5, sizeof(buf));
			region_read(_metadata, dev, buf, widths[i], off);
			ASSERT_EQ(0, memcmp(buf, (__u8 *)&dfh + off, widths[i]))
				TH_LOG("%zu bytes at %zu", widths[i], off);
		}
	}
}

TEST_F(vfio_dfl, read_unaligned)
{
	struct dfl_dev *dev = &self->dev;
	static const struct {
		__u64 off;
		size_t len;
	} reads[] = {
		{ 1, 8 }, { 3, 2 }, { 1, 1 }, { 5, 3 }, { 6, 4 }, { 7, 9 },
		{ 2, 12 }, { 0, 16 },
	};
	__u8 ref[16], buf[16];
	size_t i;

	if (dev->region.size < sizeof(ref))
		SKIP(return, "region smaller than 16 bytes");
	if (!region_read_stable(_metadata, dev, ref, sizeof(ref), 0))
		SKIP(return, "registers at 0x0-0xf are volatile");

	for (i = 0; i < ARRAY_SIZE(reads); i++) {
		memset(buf, 0xa5, sizeof(buf));
		region_read(_metadata, dev, buf, reads[i].len, reads[i].off);
		ASSERT_EQ(0, memcmp(buf, ref + reads[i].off, reads[i].len))
			TH_LOG("%zu bytes at %llu", reads[i].len,
			       (unsigned long long)reads[i].off);
	}
}

TEST_F(vfio_dfl, read_end_of_region)
{
	struct dfl_dev *dev = &self->dev;
	__u64 size = dev->region.size;
	__u8 ref[8], buf[8];

	/* The last byte is inside the region */
	memset(buf, 0xa5, sizeof(buf));
	region_read(_metadata, dev, buf, 1, size - 1);

	if (size % 8)
		return;
	if (!region_read_stable(_metadata, dev, ref, 8, size - 8))
		SKIP(return, "last register is volatile");
	region_read(_metadata, dev, buf, 1, size - 1);
	ASSERT_EQ(ref[7], buf[0]);
	region_read(_metadata, dev, buf, 8, size - 8);
	ASSERT_EQ(0, memcmp(ref, buf, 8));
	region_read(_metadata, dev, buf, 3, size - 3);
	ASSERT_EQ(0, memcmp(ref + 5, buf, 3));
}

TEST_F(vfio_dfl, read_span)
{
	struct dfl_dev *dev = &self->dev;
	size_t len = dev->region.size & ~7ULL;
	__u8 ref[64], buf[64];

	if (len > sizeof(ref))
		len = sizeof(ref);
	if (!region_read_stable(_metadata, dev, ref, len, 0))
		SKIP(return, "registers at 0x0-0x%zx are volatile", len - 1);

	/* One read across many registers equals the 8-byte reads */
	memset(buf, 0xa5, sizeof(buf));
	region_read(_metadata, dev, buf, len, 0);
	ASSERT_EQ(0, memcmp(ref, buf, len));

	/* And so does one starting and ending off the register boundaries */
	if (len < 16)
		return;
	memset(buf, 0xa5, sizeof(buf));
	region_read(_metadata, dev, buf, len - 6, 3);
	ASSERT_EQ(0, memcmp(ref + 3, buf, len - 6));
}

/*
 * Accesses that do not lie wholly inside region 0 fail with EINVAL
 * (vfio_dfl_rw()) without transferring anything.  Writes come from a
 * PROT_NONE buffer, so a driver that wrote before checking the bounds
 * would fail with EFAULT instead and still touch no register.
 */
TEST_F(vfio_dfl, rw_out_of_bounds)
{
	struct dfl_dev *dev = &self->dev;
	__u64 size = dev->region.size;
	const struct {
		__u64 off;
		__u64 len;
	} bad[] = {
		{ size - 1, 2 },
		{ size - 8, 16 },
		{ size, 1 },
		{ size + 8, 8 },
		{ 0, HUGE_COUNT },
		{ 8, HUGE_COUNT },
		{ size, HUGE_COUNT },
		/* Nothing else is mapped at any other offset */
		{ 1ULL << 40, 8 },
		{ (1ULL << 40) + size, 8 },
		{ 1ULL << 62, 1 },
	};
	__u8 *rbuf, *wbuf;
	size_t i;

	rbuf = mmap(NULL, HUGE_COUNT, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, rbuf);
	wbuf = mmap(NULL, HUGE_COUNT, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, wbuf);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		__u64 pos = dev->region.offset + bad[i].off;

		memset(rbuf, 0xa5, 64);
		errno = 0;
		EXPECT_EQ(-1, pread(dev->device_fd, rbuf, bad[i].len, pos))
			TH_LOG("pread %llu at 0x%llx",
			       (unsigned long long)bad[i].len,
			       (unsigned long long)bad[i].off);
		EXPECT_EQ(EINVAL, errno) TH_LOG("pread %llu at 0x%llx: %s",
						(unsigned long long)bad[i].len,
						(unsigned long long)bad[i].off,
						strerror(errno));
		ASSERT_EQ(-1, find_not(rbuf, 0, 64, 0xa5))
			TH_LOG("pread %llu at 0x%llx wrote to the buffer",
			       (unsigned long long)bad[i].len,
			       (unsigned long long)bad[i].off);

		errno = 0;
		EXPECT_EQ(-1, pwrite(dev->device_fd, wbuf, bad[i].len, pos))
			TH_LOG("pwrite %llu at 0x%llx",
			       (unsigned long long)bad[i].len,
			       (unsigned long long)bad[i].off);
		EXPECT_EQ(EINVAL, errno) TH_LOG("pwrite %llu at 0x%llx: %s",
						(unsigned long long)bad[i].len,
						(unsigned long long)bad[i].off,
						strerror(errno));
	}

	/* The DFH is intact */
	ASSERT_EQ(dev->dfh, region_read64(_metadata, dev, 0));

	munmap(rbuf, HUGE_COUNT);
	munmap(wbuf, HUGE_COUNT);
}

/*
 * The scratch register is 8-byte aligned on the bus, which its offset in
 * region 0 need not show: a DFHv1 CSR block is only 2-byte aligned.
 */
static void skip_without_scratch(struct __test_metadata *_metadata,
				 struct dfl_dev *dev)
{
	if (!dev->t.has_scratch)
		SKIP(return, "VFIO_DFL_SCRATCH is not set");
	ASSERT_LE(8U, dev->region.size);
	ASSERT_GE(dev->region.size - 8, dev->t.scratch);
}

TEST_F(vfio_dfl, scratch_rw)
{
	struct dfl_dev *dev = &self->dev;
	static const __u64 patterns[] = {
		0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0, ~0ULL,
		0x5a5a5a5aa5a5a5a5ULL,
	};
	__u64 s = dev->t.scratch, saved, val, expect;
	size_t widths[] = { 1, 2, 4, 8 };
	size_t i, w, off;
	__u32 v32;
	__u16 v16;
	__u8 buf[8], v8;

	skip_without_scratch(_metadata, dev);
	if (_metadata->exit_code == KSFT_SKIP)
		return;

	saved = region_read64(_metadata, dev, s);

	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		region_write64(_metadata, dev, s, patterns[i]);
		ASSERT_EQ(patterns[i], region_read64(_metadata, dev, s));

		/* Narrower reads return the same bytes */
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			for (off = 0; off < 8; off += widths[w]) {
				region_read(_metadata, dev, buf, widths[w],
					    s + off);
				ASSERT_EQ(0, memcmp(buf, (__u8 *)&patterns[i] + off,
						    widths[w]));
			}
		}
	}

	/* Narrower writes replace only their bytes */
	expect = 0x0123456789abcdefULL;
	region_write64(_metadata, dev, s, expect);

	v32 = 0xdeadbeef;
	region_write(_metadata, dev, &v32, sizeof(v32), s + 4);
	memcpy((__u8 *)&expect + 4, &v32, sizeof(v32));
	ASSERT_EQ(expect, region_read64(_metadata, dev, s));

	v16 = 0xcafe;
	region_write(_metadata, dev, &v16, sizeof(v16), s + 2);
	memcpy((__u8 *)&expect + 2, &v16, sizeof(v16));
	ASSERT_EQ(expect, region_read64(_metadata, dev, s));

	v8 = 0x42;
	region_write(_metadata, dev, &v8, sizeof(v8), s + 1);
	memcpy((__u8 *)&expect + 1, &v8, sizeof(v8));
	ASSERT_EQ(expect, region_read64(_metadata, dev, s));

	/* An unaligned write, split into 1, 2 and 1 byte accesses */
	v32 = 0x11223344;
	region_write(_metadata, dev, &v32, sizeof(v32), s + 3);
	memcpy((__u8 *)&expect + 3, &v32, sizeof(v32));
	ASSERT_EQ(expect, region_read64(_metadata, dev, s));

	val = saved;
	region_write64(_metadata, dev, s, val);
}

/* Index of the first byte where @a and @b differ, or -1 */
static long first_diff(const __u8 *a, const __u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (a[i] != b[i])
			return i;
	}
	return -1;
}

/*
 * The VFIO_DFL_RW_BLOCK block must read as @shadow: with one pread, and
 * with one pread per byte if @bytewise.  @buf has room for the block.
 */
static void rw_block_check(struct __test_metadata *_metadata,
			   struct dfl_dev *dev, const __u8 *shadow, __u8 *buf,
			   bool bytewise, const char *after)
{
	size_t len = dev->t.rw_len, i;
	__u64 base = dev->t.rw_off;
	long bad;

	/* Bytes a short transfer left alone would not match */
	for (i = 0; i < len; i++)
		buf[i] = ~shadow[i];
	region_read(_metadata, dev, buf, len, base);
	bad = first_diff(shadow, buf, len);
	ASSERT_EQ(-1, bad)
		TH_LOG("after %s: 0x%02x at 0x%lx, not 0x%02x", after,
		       buf[bad], bad, shadow[bad]);
	if (!bytewise)
		return;

	for (i = 0; i < len; i++) {
		__u8 b = ~shadow[i];

		region_read(_metadata, dev, &b, 1, base + i);
		ASSERT_EQ(shadow[i], b)
			TH_LOG("after %s: 1-byte pread at 0x%zx", after, i);
	}
}

/*
 * Every access width at every offset of a block of plain storage, which
 * the driver splits into accesses naturally aligned on the bus, whatever
 * the alignment of region 0 (vfio_dfl_access_width()): each byte written
 * reads back, and no byte around it changes.
 */
TEST_F(vfio_dfl, rw_all_widths)
{
	struct dfl_dev *dev = &self->dev;
	static const size_t widths[] = { 1, 2, 4, 8 };
	__u8 *saved, *shadow, *buf, val[8];
	size_t len = dev->t.rw_len, off, w, i;
	__u64 base = dev->t.rw_off;
	unsigned int n = 0;
	char after[64];
	long bad;

	if (!dev->t.has_rw_block)
		SKIP(return, "VFIO_DFL_RW_BLOCK is not set");
	ASSERT_GE(dev->region.size, len) TH_LOG("VFIO_DFL_RW_BLOCK too long");
	ASSERT_GE(dev->region.size - len, base)
		TH_LOG("VFIO_DFL_RW_BLOCK is not inside region 0");
	ASSERT_GE(RW_BLOCK_MAX, len)
		TH_LOG("VFIO_DFL_RW_BLOCK longer than %u bytes", RW_BLOCK_MAX);

	saved = malloc(len);
	shadow = malloc(len);
	buf = malloc(len);
	ASSERT_NE(NULL, saved);
	ASSERT_NE(NULL, shadow);
	ASSERT_NE(NULL, buf);
	region_read(_metadata, dev, saved, len, base);
	memcpy(shadow, saved, len);

	for (off = 0; off < len; off++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			size_t width = widths[w];

			if (off + width > len)
				break;
			/* Unlike what the bytes held and the last write */
			for (i = 0; i < width; i++)
				val[i] = shadow[off + i] ^ (1 + n++ % 255);
			region_write(_metadata, dev, val, width, base + off);
			memcpy(shadow + off, val, width);

			snprintf(after, sizeof(after),
				 "%zu-byte pwrite at 0x%zx", width, off);
			rw_block_check(_metadata, dev, shadow, buf,
				       len <= RW_BYTEWISE_MAX, after);
		}
		if (len > RW_BYTEWISE_MAX) {
			snprintf(after, sizeof(after), "pwrites at 0x%zx",
				 off);
			rw_block_check(_metadata, dev, shadow, buf, true,
				       after);
		}
	}

	/* Every width at every offset reads back, 8 bytes at odd ones too */
	for (off = 0; off < len; off++) {
		for (w = 0; w < ARRAY_SIZE(widths); w++) {
			if (off + widths[w] > len)
				break;
			memset(val, 0, sizeof(val));
			for (i = 0; i < widths[w]; i++)
				val[i] = ~shadow[off + i];
			region_read(_metadata, dev, val, widths[w], base + off);
			ASSERT_EQ(0, memcmp(val, shadow + off, widths[w]))
				TH_LOG("%zu-byte pread at 0x%zx", widths[w],
				       off);
		}
	}

	/* One pwrite of the whole block, and one from an odd offset */
	for (i = 0; i < len; i++)
		shadow[i] ^= 1 + n++ % 255;
	region_write(_metadata, dev, shadow, len, base);
	rw_block_check(_metadata, dev, shadow, buf, true,
		       "a pwrite of the block");
	if (len >= 4) {
		for (i = 1; i < len - 1; i++)
			shadow[i] ^= 0xa5;
		region_write(_metadata, dev, shadow + 1, len - 2, base + 1);
		snprintf(after, sizeof(after), "a %zu-byte pwrite at 0x1",
			 len - 2);
		rw_block_check(_metadata, dev, shadow, buf, true, after);
	}

	region_write(_metadata, dev, saved, len, base);
	region_read(_metadata, dev, buf, len, base);
	bad = first_diff(saved, buf, len);
	ASSERT_EQ(-1, bad) TH_LOG("restoring the block: byte 0x%lx", bad);

	free(buf);
	free(shadow);
	free(saved);
}

TEST_F(vfio_dfl, mmap_region)
{
	struct dfl_dev *dev = &self->dev;
	size_t size = dev->region.size, last;
	__u64 *map;

	if (!(dev->region.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		/* vfio_dfl_mmap() refuses regions without the flag */
		ASSERT_ERRNO(EINVAL, mmap(NULL, dev->page_size,
					  PROT_READ | PROT_WRITE, MAP_SHARED,
					  dev->device_fd,
					  dev->region.offset));
		ASSERT_ERRNO(EINVAL, mmap(NULL, dev->page_size, PROT_READ,
					  MAP_SHARED, dev->device_fd,
					  dev->region.offset));
		return;
	}

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   dev->device_fd, dev->region.offset);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
	ASSERT_EQ(dev->dfh, mmio_read64(map));
	ASSERT_EQ(0, munmap(map, size));

	/*
	 * The last page alone, read-only: it shows the registers of the
	 * region's last page (as pread() reads them), not its first.
	 */
	last = size - dev->page_size;
	map = mmap(NULL, dev->page_size, PROT_READ, MAP_SHARED,
		   dev->device_fd, dev->region.offset + last);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
	if (size == dev->page_size)
		ASSERT_EQ(dev->dfh, mmio_read64(map));
	ASSERT_EQ(region_read64(_metadata, dev, last), mmio_read64(map));
	ASSERT_EQ(region_read64(_metadata, dev, size - 8),
		  mmio_read64(map + dev->page_size / 8 - 1));
	/* A scratch register in the last page: a value only it can show */
	if (dev->t.has_scratch && dev->t.scratch >= last) {
		__u64 s = dev->t.scratch, saved = region_read64(_metadata, dev, s);

		region_write64(_metadata, dev, s, 0x1a2b3c4d5e6f7081ULL);
		ASSERT_EQ(0x1a2b3c4d5e6f7081ULL,
			  mmio_read64(map + (s - last) / 8));
		region_write64(_metadata, dev, s, saved);
	}
	ASSERT_EQ(0, munmap(map, dev->page_size));
}

TEST_F(vfio_dfl, mmap_bad)
{
	struct dfl_dev *dev = &self->dev;
	size_t size = dev->region.size, page = dev->page_size;
	__u64 off = dev->region.offset;
	int fd = dev->device_fd;

	if (!(dev->region.flags & VFIO_REGION_INFO_FLAG_MMAP))
		SKIP(return, "region 0 is not mappable");

	/* All from vfio_dfl_mmap() */
	ASSERT_ERRNO(EINVAL, mmap(NULL, size + page, PROT_READ, MAP_SHARED,
				  fd, off));
	ASSERT_ERRNO(EINVAL, mmap(NULL, page, PROT_READ, MAP_SHARED, fd,
				  off + size));
	ASSERT_ERRNO(EINVAL, mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd,
				  off + size - page));
	ASSERT_ERRNO(EINVAL, mmap(NULL, size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE, fd, off));
	ASSERT_ERRNO(EINVAL, mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd,
				  off));
	ASSERT_ERRNO(EINVAL, mmap(NULL, page, PROT_READ, MAP_SHARED, fd,
				  off + (1ULL << 40)));
}

TEST_F(vfio_dfl, mmap_scratch)
{
	struct dfl_dev *dev = &self->dev;
	__u64 s = dev->t.scratch, saved;
	size_t size = dev->region.size;
	__u64 *map;

	skip_without_scratch(_metadata, dev);
	if (_metadata->exit_code == KSFT_SKIP)
		return;
	if (!(dev->region.flags & VFIO_REGION_INFO_FLAG_MMAP))
		SKIP(return, "region 0 is not mappable");
	/* A mappable region starts on a page: offsets show the alignment */
	ASSERT_EQ(0U, s % 8);

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   dev->device_fd, dev->region.offset);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));

	saved = mmio_read64(map + s / 8);

	mmio_write64(map + s / 8, 0x0f1e2d3c4b5a6978ULL);
	ASSERT_EQ(0x0f1e2d3c4b5a6978ULL, region_read64(_metadata, dev, s));

	region_write64(_metadata, dev, s, 0x8796a5b4c3d2e1f0ULL);
	ASSERT_EQ(0x8796a5b4c3d2e1f0ULL, mmio_read64(map + s / 8));

	mmio_write64(map + s / 8, saved);
	ASSERT_EQ(0, munmap(map, size));
}

TEST_F(vfio_dfl, req_irq_info)
{
	struct dfl_dev *dev = &self->dev;
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };

	irq.index = dev->num_feature_irqs;
	ASSERT_EQ(0, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &irq))
		TH_LOG("VFIO_DEVICE_GET_IRQ_INFO: %s", strerror(errno));
	ASSERT_EQ(dev->num_feature_irqs, irq.index);
	ASSERT_NE(0U, irq.flags & VFIO_IRQ_INFO_EVENTFD);
	/* The request eventfd cannot be masked */
	ASSERT_EQ(0U, irq.flags & VFIO_IRQ_INFO_MASKABLE);
	ASSERT_EQ(1U, irq.count);

	irq.index = dev->info->num_irqs;
	ASSERT_ERRNO(EINVAL, ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
				   &irq));
}

/* Register, signal by loopback, replace and release the request eventfd */
TEST_F(vfio_dfl, req_irq_eventfd)
{
	struct dfl_dev *dev = &self->dev;
	__u32 req = dev->num_feature_irqs;
	int fd = dev->device_fd;
	int efd, efd2, nullfd;
	__u8 trigger;

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ASSERT_LE(0, efd2);
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nullfd);

	/* Nothing registered: no loopback (vfio_dfl_set_irq()) */
	ASSERT_ERRNO(EINVAL, req_loopback(fd, req));

	ASSERT_EQ(0, req_set_eventfd(fd, req, efd));
	ASSERT_EQ(0U, eventfd_take(efd));
	ASSERT_EQ(0, req_loopback(fd, req));
	ASSERT_EQ(1U, eventfd_take(efd));

	trigger = 1;
	ASSERT_EQ(0, device_set_irqs(fd, 0, VFIO_IRQ_SET_DATA_BOOL |
				     VFIO_IRQ_SET_ACTION_TRIGGER, req, 0, 1,
				     &trigger, sizeof(trigger)));
	ASSERT_EQ(1U, eventfd_take(efd));
	trigger = 0;
	ASSERT_EQ(0, device_set_irqs(fd, 0, VFIO_IRQ_SET_DATA_BOOL |
				     VFIO_IRQ_SET_ACTION_TRIGGER, req, 0, 1,
				     &trigger, sizeof(trigger)));
	ASSERT_EQ(0U, eventfd_take(efd));

	/* A bad fd leaves the registered eventfd in place */
	ASSERT_ERRNO(EINVAL, req_set_eventfd(fd, req, nullfd));
	ASSERT_ERRNO(EINVAL, req_set_eventfd(fd, req, -2));
	ASSERT_EQ(0, req_loopback(fd, req));
	ASSERT_EQ(1U, eventfd_take(efd));

	/* Replace it */
	ASSERT_EQ(0, req_set_eventfd(fd, req, efd2));
	ASSERT_EQ(0, req_loopback(fd, req));
	ASSERT_EQ(0U, eventfd_take(efd));
	ASSERT_EQ(1U, eventfd_take(efd2));

	/* Release it with fd -1 ... */
	ASSERT_EQ(0, req_set_eventfd(fd, req, -1));
	ASSERT_ERRNO(EINVAL, req_loopback(fd, req));
	ASSERT_EQ(0U, eventfd_take(efd2));

	/* ... or with DATA_NONE and count 0 */
	ASSERT_EQ(0, req_set_eventfd(fd, req, efd));
	ASSERT_EQ(0, device_set_irqs(fd, 0, VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_TRIGGER, req, 0, 0,
				     NULL, 0));
	ASSERT_ERRNO(EINVAL, req_loopback(fd, req));
	ASSERT_EQ(0U, eventfd_take(efd));

	/* A closed fd: eventfd_ctx_fdget() */
	ASSERT_EQ(0, close(efd2));
	ASSERT_ERRNO(EBADF, req_set_eventfd(fd, req, efd2));

	close(nullfd);
	close(efd);
}

enum bad_op {
	BAD_GET_INFO,
	BAD_GET_REGION_INFO,
	BAD_GET_IRQ_INFO,
	BAD_SET_IRQS,
	BAD_RESET,
	BAD_PREAD,
	BAD_PWRITE,
};

/* IRQ index of a row: relative to the request index or to num_irqs */
enum bad_index {
	IDX_ABS,
	IDX_REQ,
	IDX_NUM_IRQS,
};

/* Region offset of a row: relative to the start or to the end of region 0 */
enum bad_offset {
	OFF_START,
	OFF_END,
};

#define ARGSZ_FULL	UINT32_MAX

struct bad_input {
	const char *name;
	enum bad_op op;
	__u32 argsz;		/* ARGSZ_FULL: the whole structure */
	__u32 flags;
	enum bad_index idx_base;
	__u32 index;
	__u32 start;
	__u32 count;
	__s32 data;		/* SET_IRQS payload of DATA_EVENTFD/BOOL */
	enum bad_offset off_base;
	__s64 off;
	__u64 len;
	int err;
};

#define SET_IRQ_NONE	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)
#define SET_IRQ_BOOL	(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER)
#define SET_IRQ_EVENTFD	(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)

static const struct bad_input bad_inputs[] = {
	/* vfio_dfl_ioctl_get_info() */
	{ "GET_INFO argsz 0", BAD_GET_INFO, .argsz = 0, .err = EINVAL },
	{ "GET_INFO argsz short", BAD_GET_INFO,
	  .argsz = DEVICE_INFO_MINSZ - 1,
	  .err = EINVAL },
	/* vfio_get_region_info() in vfio_main.c */
	{ "GET_REGION_INFO argsz 0", BAD_GET_REGION_INFO, .argsz = 0,
	  .err = EINVAL },
	{ "GET_REGION_INFO argsz short", BAD_GET_REGION_INFO,
	  .argsz = REGION_INFO_MINSZ - 1,
	  .err = EINVAL },
	/* vfio_dfl_get_region_info() */
	{ "GET_REGION_INFO index 1", BAD_GET_REGION_INFO, ARGSZ_FULL,
	  .index = 1, .err = EINVAL },
	{ "GET_REGION_INFO index ~0", BAD_GET_REGION_INFO, ARGSZ_FULL,
	  .index = UINT32_MAX, .err = EINVAL },
	/* vfio_dfl_ioctl_get_irq_info() */
	{ "GET_IRQ_INFO argsz 0", BAD_GET_IRQ_INFO, .argsz = 0,
	  .idx_base = IDX_REQ, .err = EINVAL },
	{ "GET_IRQ_INFO argsz short", BAD_GET_IRQ_INFO,
	  .argsz = IRQ_INFO_MINSZ - 1,
	  .idx_base = IDX_REQ, .err = EINVAL },
	{ "GET_IRQ_INFO index num_irqs", BAD_GET_IRQ_INFO, ARGSZ_FULL,
	  .idx_base = IDX_NUM_IRQS, .err = EINVAL },
	{ "GET_IRQ_INFO index ~0", BAD_GET_IRQ_INFO, ARGSZ_FULL,
	  .index = UINT32_MAX, .err = EINVAL },
	/* vfio_set_irqs_validate_and_prepare() in vfio_main.c */
	{ "SET_IRQS argsz short", BAD_SET_IRQS,
	  .argsz = IRQ_SET_MINSZ - 1,
	  .flags = SET_IRQ_NONE, .idx_base = IDX_REQ, .err = EINVAL },
	{ "SET_IRQS unknown flag", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE | (1 << 6), .idx_base = IDX_REQ, .count = 1,
	  .err = EINVAL },
	{ "SET_IRQS flag bit 31", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE | (1U << 31), .idx_base = IDX_REQ,
	  .count = 1, .err = EINVAL },
	{ "SET_IRQS two data types", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE | VFIO_IRQ_SET_DATA_BOOL,
	  .idx_base = IDX_REQ, .count = 1, .err = EINVAL },
	{ "SET_IRQS index num_irqs", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE, .idx_base = IDX_NUM_IRQS, .err = EINVAL },
	{ "SET_IRQS index ~0", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE, .index = UINT32_MAX, .err = EINVAL },
	{ "SET_IRQS req count 2", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE, .idx_base = IDX_REQ, .count = 2,
	  .err = EINVAL },
	{ "SET_IRQS req start 1", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE, .idx_base = IDX_REQ, .start = 1,
	  .err = EINVAL },
	{ "SET_IRQS req start 1 count 1", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE, .idx_base = IDX_REQ, .start = 1,
	  .count = 1, .err = EINVAL },
	{ "SET_IRQS req count ~0", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_NONE, .idx_base = IDX_REQ, .count = UINT32_MAX,
	  .err = EINVAL },
	{ "SET_IRQS eventfd without payload", BAD_SET_IRQS,
	  .argsz = sizeof(struct vfio_irq_set), .flags = SET_IRQ_EVENTFD,
	  .idx_base = IDX_REQ, .count = 1, .err = EINVAL },
	/* vfio_dfl_set_req_trigger() */
	{ "SET_IRQS eventfd count 0", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_EVENTFD, .idx_base = IDX_REQ, .err = EINVAL },
	{ "SET_IRQS bool count 0", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_BOOL, .idx_base = IDX_REQ, .err = EINVAL },
	{ "SET_IRQS eventfd fd -2", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = SET_IRQ_EVENTFD, .idx_base = IDX_REQ, .count = 1,
	  .data = -2, .err = EINVAL },
	/* vfio_dfl_set_irq(): the request index cannot be masked */
	{ "SET_IRQS req mask", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
	  .idx_base = IDX_REQ, .count = 1, .err = EINVAL },
	{ "SET_IRQS req unmask", BAD_SET_IRQS, ARGSZ_FULL,
	  .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
	  .idx_base = IDX_REQ, .count = 1, .err = EINVAL },
	/* vfio_dfl_ioctl(): a feature without a reset (not advertised) */
	{ "DEVICE_RESET", BAD_RESET, .err = EINVAL },
	/* vfio_dfl_rw() */
	{ "pread straddling the end", BAD_PREAD, .off_base = OFF_END,
	  .off = -1, .len = 2, .err = EINVAL },
	{ "pread at the end", BAD_PREAD, .off_base = OFF_END, .len = 1,
	  .err = EINVAL },
	{ "pread past the end", BAD_PREAD, .off_base = OFF_END, .off = 8,
	  .len = 8, .err = EINVAL },
	{ "pread huge count", BAD_PREAD, .len = HUGE_COUNT, .err = EINVAL },
	{ "pread other region", BAD_PREAD, .off = 1LL << 40, .len = 8,
	  .err = EINVAL },
	{ "pwrite straddling the end", BAD_PWRITE, .off_base = OFF_END,
	  .off = -1, .len = 2, .err = EINVAL },
	{ "pwrite at the end", BAD_PWRITE, .off_base = OFF_END, .len = 1,
	  .err = EINVAL },
	{ "pwrite past the end", BAD_PWRITE, .off_base = OFF_END, .off = 8,
	  .len = 8, .err = EINVAL },
	{ "pwrite huge count", BAD_PWRITE, .len = HUGE_COUNT, .err = EINVAL },
	{ "pwrite other region", BAD_PWRITE, .off = 1LL << 40, .len = 8,
	  .err = EINVAL },
};

static long bad_input_run(struct dfl_dev *dev,
			  const struct bad_input *row, void *rbuf, void *wbuf)
{
	union {
		struct vfio_device_info dev;
		struct vfio_region_info region;
		struct vfio_irq_info irq;
	} u;
	__u32 index = row->index;
	__u64 pos;
	size_t len;

	if (row->idx_base == IDX_REQ)
		index += dev->num_feature_irqs;
	else if (row->idx_base == IDX_NUM_IRQS)
		index += dev->info->num_irqs;

	memset(&u, 0, sizeof(u));
	switch (row->op) {
	case BAD_GET_INFO:
		u.dev.argsz = row->argsz == ARGSZ_FULL ? sizeof(u.dev) :
			      row->argsz;
		return ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, &u.dev);
	case BAD_GET_REGION_INFO:
		u.region.argsz = row->argsz == ARGSZ_FULL ? sizeof(u.region) :
				 row->argsz;
		u.region.index = index;
		return ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO,
			     &u.region);
	case BAD_GET_IRQ_INFO:
		u.irq.argsz = row->argsz == ARGSZ_FULL ? sizeof(u.irq) :
			      row->argsz;
		u.irq.index = index;
		return ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO,
			     &u.irq);
	case BAD_SET_IRQS:
		len = 0;
		if (row->count && (row->flags & VFIO_IRQ_SET_DATA_EVENTFD))
			len = sizeof(__s32);
		else if (row->count && (row->flags & VFIO_IRQ_SET_DATA_BOOL))
			len = sizeof(__u8);
		return device_set_irqs(dev->device_fd,
				       row->argsz == ARGSZ_FULL ? 0 : row->argsz,
				       row->flags, index, row->start,
				       row->count, &row->data, len);
	case BAD_RESET:
		return ioctl(dev->device_fd, VFIO_DEVICE_RESET);
	case BAD_PREAD:
	case BAD_PWRITE:
		pos = dev->region.offset + row->off;
		if (row->off_base == OFF_END)
			pos += dev->region.size;
		if (row->op == BAD_PREAD)
			return pread(dev->device_fd, rbuf, row->len, pos);
		return pwrite(dev->device_fd, wbuf, row->len, pos);
	}
	errno = EDOM;
	return -1;
}

TEST_F(vfio_dfl, bad_input)
{
	struct dfl_dev *dev = &self->dev;
	void *rbuf, *wbuf;
	size_t i;
	long ret;
	int err;

	rbuf = mmap(NULL, HUGE_COUNT, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, rbuf);
	/* See rw_out_of_bounds: a write that got through would fault */
	wbuf = mmap(NULL, HUGE_COUNT, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, wbuf);

	for (i = 0; i < ARRAY_SIZE(bad_inputs); i++) {
		const struct bad_input *row = &bad_inputs[i];

		/* A reset is not bad input where the device has one */
		if (row->op == BAD_RESET &&
		    (dev->info->flags & VFIO_DEVICE_FLAGS_RESET))
			continue;
		errno = 0;
		ret = bad_input_run(dev, row, rbuf, wbuf);
		err = errno;
		EXPECT_EQ(-1, ret) TH_LOG("%s: returned %ld", row->name, ret);
		EXPECT_EQ(row->err, err) TH_LOG("%s: %s", row->name,
						strerror(err));
	}

	/* Nothing above disturbed the device */
	ASSERT_EQ(0, device_get_info(dev->device_fd));
	ASSERT_EQ(dev->dfh, region_read64(_metadata, dev, 0));

	munmap(rbuf, HUGE_COUNT);
	munmap(wbuf, HUGE_COUNT);
}

/*
 * Opening, binding and sharing the device.  Nothing is open at the start
 * of each test.
 */
struct dfl_ctx {
	struct dfl_target t;
	int iommufd;
};

FIXTURE(vfio_dfl_open) {
	struct dfl_ctx ctx;
};

FIXTURE_SETUP(vfio_dfl_open)
{
	struct dfl_ctx *ctx = &self->ctx;
	char why[256];
	int ret;

	ctx->iommufd = -1;
	ret = dfl_target_init(&ctx->t, why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(vfio_dfl_open)
{
	struct dfl_ctx *ctx = &self->ctx;

	if (ctx->iommufd >= 0)
		close(ctx->iommufd);
}

/* Skip unless the cdev and iommufd exist; opens ctx->iommufd */
static bool need_cdev(struct __test_metadata *_metadata,
		      struct dfl_ctx *ctx)
{
	if (!ctx->t.cdev_path[0])
		SKIP(return false,
		     "no vfio-dev cdev (CONFIG_VFIO_DEVICE_CDEV=n?)");
	ctx->iommufd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	if (ctx->iommufd < 0 && errno == ENOENT)
		SKIP(return false, "no %s (CONFIG_IOMMUFD=n?)", IOMMUFD_PATH);
	ASSERT_LE(0, ctx->iommufd);
	return true;
}

static int cdev_open(struct __test_metadata *_metadata,
		     struct dfl_ctx *ctx)
{
	int fd = open(ctx->t.cdev_path, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", ctx->t.cdev_path,
				strerror(errno));
	return fd;
}

/* Skip unless the group exists */
static bool need_group(struct __test_metadata *_metadata,
		       struct dfl_ctx *ctx)
{
	if (!ctx->t.group_path[0])
		SKIP(return false, "%s has no IOMMU group", ctx->t.name);
	if (access(ctx->t.group_path, F_OK))
		SKIP(return false, "%s missing (CONFIG_VFIO_GROUP=n?)",
		     ctx->t.group_path);
	return true;
}

/*
 * Until VFIO_DEVICE_BIND_IOMMUFD succeeds, vfio_device_fops_unl_ioctl(),
 * vfio_device_fops_read/write() and vfio_device_fops_mmap() refuse the
 * cdev fd with EINVAL (df->access_granted is false).
 */
TEST_F(vfio_dfl_open, cdev_before_bind)
{
	struct dfl_ctx *ctx = &self->ctx;
	struct vfio_region_info region;
	__u32 pt_id = 1;
	__u64 val;
	int fd;

	if (!need_cdev(_metadata, ctx))
		return;
	fd = cdev_open(_metadata, ctx);

	ASSERT_ERRNO(EINVAL, device_get_info(fd));
	ASSERT_ERRNO(EINVAL, device_get_region_info(fd, 0, &region));
	ASSERT_ERRNO(EINVAL, device_attach(fd, 0, &pt_id));
	ASSERT_ERRNO(EINVAL, device_detach(fd, 0));
	ASSERT_ERRNO(EINVAL, pread(fd, &val, sizeof(val), 0));
	ASSERT_ERRNO(EINVAL, pwrite(fd, &val, sizeof(val), 0));
	ASSERT_ERRNO(EINVAL, mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ,
				  MAP_SHARED, fd, 0));

	ASSERT_EQ(0, device_bind(fd, ctx->iommufd, NULL));
	ASSERT_EQ(0, device_get_info(fd));
	ASSERT_EQ(0, device_read_dfh(fd, &val));
	close(fd);
}

/* vfio_df_ioctl_bind_iommufd() and the helpers it calls */
TEST_F(vfio_dfl_open, cdev_bind_bad_args)
{
	struct dfl_ctx *ctx = &self->ctx;
	struct {
		struct vfio_device_bind_iommufd bind;
		__u64 tail;
	} big;
	struct vfio_device_bind_iommufd bind;
	int fd, nullfd, closedfd;

	if (!need_cdev(_metadata, ctx))
		return;
	fd = cdev_open(_metadata, ctx);

	memset(&bind, 0, sizeof(bind));
	bind.argsz = BIND_MINSZ - 1;
	bind.iommufd = ctx->iommufd;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));

	/* Unknown flags */
	bind.argsz = sizeof(bind);
	bind.flags = 1U << 31;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));

	/* No match_token_uuid op: vfio_df_check_token() refuses a token */
	bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));

	/* copy_struct_from_user(): unknown trailing bytes must be zero */
	memset(&big, 0, sizeof(big));
	big.bind.argsz = sizeof(big);
	big.bind.iommufd = ctx->iommufd;
	big.tail = 1;
	ASSERT_ERRNO(E2BIG, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &big));

	/* iommufd_ctx_from_fd() */
	ASSERT_ERRNO(EINVAL, device_bind(fd, -1, NULL));
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nullfd);
	ASSERT_ERRNO(EBADFD, device_bind(fd, nullfd, NULL));
	closedfd = nullfd;
	close(nullfd);
	ASSERT_ERRNO(EBADF, device_bind(fd, closedfd, NULL));

	/* None of that left the device bound or the group blocked */
	ASSERT_ERRNO(EINVAL, device_get_info(fd));
	if (ctx->t.group_path[0] && !access(ctx->t.group_path, F_OK)) {
		int group_fd = open(ctx->t.group_path, O_RDWR | O_CLOEXEC);

		ASSERT_LE(0, group_fd) TH_LOG("open %s: %s",
					      ctx->t.group_path,
					      strerror(errno));
		close(group_fd);
	}

	/* A trailing zero is fine */
	big.tail = 0;
	ASSERT_EQ(0, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &big));
	ASSERT_EQ(0, device_get_info(fd));

	/* vfio_df_ioctl_bind_iommufd(): "one device cannot be bound twice" */
	ASSERT_ERRNO(EINVAL, device_bind(fd, ctx->iommufd, NULL));
	ASSERT_EQ(0, device_get_info(fd));
	close(fd);
}

/*
 * An emulated-IOMMU device attaches its iommufd access to the IOAS itself
 * (vfio_iommufd_emulated_attach_ioas()), and ATTACH returns the IOAS id.
 */
TEST_F(vfio_dfl_open, cdev_attach_detach)
{
	struct dfl_ctx *ctx = &self->ctx;
	__u32 devid = 0, ioas1, ioas2, pt_id;
	struct vfio_device_attach_iommufd_pt attach;
	__u64 dfh;
	int fd;

	if (!need_cdev(_metadata, ctx))
		return;
	fd = cdev_open(_metadata, ctx);

	ASSERT_EQ(0, device_bind(fd, ctx->iommufd, &devid));
	ASSERT_NE(0U, devid);
	ASSERT_EQ(0, iommufd_ioas_alloc(ctx->iommufd, &ioas1));
	ASSERT_EQ(0, iommufd_ioas_alloc(ctx->iommufd, &ioas2));

	/* vfio_df_ioctl_attach_pt() argument checks */
	memset(&attach, 0, sizeof(attach));
	attach.argsz = ATTACH_MINSZ - 1;
	attach.pt_id = ioas1;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				   &attach));
	pt_id = ioas1;
	ASSERT_ERRNO(EINVAL, device_attach(fd, 1U << 31, &pt_id));
	/* vfio-dfl has no pasid_attach_ioas op */
	ASSERT_ERRNO(EOPNOTSUPP, device_attach(fd, VFIO_DEVICE_ATTACH_PASID,
					       &pt_id));
	/* iommufd_get_object() finds no object with this id */
	pt_id = ioas2 + 1000;
	ASSERT_ERRNO(ENOENT, device_attach(fd, 0, &pt_id));
	/*
	 * The device id is not an IOAS either: iommufd_access_attach() looks
	 * for an IOAS only.
	 */
	pt_id = devid;
	ASSERT_ERRNO(ENOENT, device_attach(fd, 0, &pt_id));

	pt_id = ioas1;
	ASSERT_EQ(0, device_attach(fd, 0, &pt_id));
	ASSERT_EQ(ioas1, pt_id);
	/* An IOAS in use cannot go: iommufd_object_remove() */
	ASSERT_ERRNO(EBUSY, iommufd_destroy(ctx->iommufd, ioas1));

	/* Replace: vfio_iommufd_emulated_attach_ioas() */
	pt_id = ioas2;
	ASSERT_EQ(0, device_attach(fd, 0, &pt_id));
	ASSERT_EQ(ioas2, pt_id);
	ASSERT_EQ(0, iommufd_destroy(ctx->iommufd, ioas1));
	ASSERT_ERRNO(EBUSY, iommufd_destroy(ctx->iommufd, ioas2));

	ASSERT_ERRNO(EINVAL, device_detach(fd, 1U << 31));
	ASSERT_ERRNO(EOPNOTSUPP, device_detach(fd, VFIO_DEVICE_DETACH_PASID));
	ASSERT_EQ(0, device_detach(fd, 0));
	/* Detaching again is harmless */
	ASSERT_EQ(0, device_detach(fd, 0));

	/* Register access does not depend on the attachment */
	ASSERT_EQ(0, device_get_info(fd));
	ASSERT_EQ(0, device_read_dfh(fd, &dfh));

	/* Closing the fd unbinds, releasing the attached IOAS */
	pt_id = ioas2;
	ASSERT_EQ(0, device_attach(fd, 0, &pt_id));
	ASSERT_ERRNO(EBUSY, iommufd_destroy(ctx->iommufd, ioas2));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, iommufd_destroy(ctx->iommufd, ioas2));
}

/*
 * vfio_df_open(): "Only the group path allows the device to be opened
 * multiple times", so a second cdev bind fails with EINVAL.
 */
TEST_F(vfio_dfl_open, cdev_exclusive)
{
	struct dfl_ctx *ctx = &self->ctx;
	int fd1, fd2, iommufd2;

	if (!need_cdev(_metadata, ctx))
		return;
	fd1 = cdev_open(_metadata, ctx);
	fd2 = cdev_open(_metadata, ctx);

	ASSERT_EQ(0, device_bind(fd1, ctx->iommufd, NULL));
	ASSERT_ERRNO(EINVAL, device_bind(fd2, ctx->iommufd, NULL));
	/* Not even through another iommufd */
	iommufd2 = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, iommufd2);
	ASSERT_ERRNO(EINVAL, device_bind(fd2, iommufd2, NULL));
	ASSERT_ERRNO(EINVAL, device_get_info(fd2));
	ASSERT_EQ(0, device_get_info(fd1));

	/* Closing the first fd releases the device */
	ASSERT_EQ(0, close(fd1));
	ASSERT_EQ(0, device_bind(fd2, iommufd2, NULL));
	ASSERT_EQ(0, device_get_info(fd2));
	close(fd2);
	close(iommufd2);
}

TEST_F(vfio_dfl_open, cdev_close_releases)
{
	struct dfl_ctx *ctx = &self->ctx;
	int i, fd;

	if (!need_cdev(_metadata, ctx))
		return;

	for (i = 0; i < 8; i++) {
		fd = cdev_open(_metadata, ctx);
		ASSERT_EQ(0, device_bind(fd, ctx->iommufd, NULL))
			TH_LOG("round %d: %s", i, strerror(errno));
		ASSERT_EQ(0, device_get_info(fd));
		ASSERT_EQ(0, close(fd));
	}
}

/*
 * @path is a character device whose number is the one in the sysfs
 * attribute @dev_attr ("MAJOR:MINOR")
 */
static void check_node(struct __test_metadata *_metadata, const char *path,
		       const char *dev_attr)
{
	unsigned int maj, min;
	int fields;
	struct stat st;
	char buf[32];
	ssize_t n;
	int fd;

	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_TRUE(S_ISCHR(st.st_mode)) TH_LOG("%s", path);

	fd = open(dev_attr, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", dev_attr, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	fields = sscanf(buf, "%u:%u", &maj, &min);
	ASSERT_EQ(2, fields) TH_LOG("%s", buf);
	ASSERT_EQ(maj, major(st.st_rdev)) TH_LOG("%s is not %s", path, buf);
	ASSERT_EQ(min, minor(st.st_rdev)) TH_LOG("%s is not %s", path, buf);
}

/*
 * vfio-dfl registers only emulated-IOMMU devices: the cdev is vfioN and
 * the group /dev/vfio/N (a no-IOMMU device's would be noiommu-vfioN and
 * /dev/vfio/noiommu-N; vfio_dfl_find_nodes() fails on those), and both
 * nodes are the devices their sysfs entries name.
 */
TEST_F(vfio_dfl_open, vfio_names)
{
	struct dfl_ctx *ctx = &self->ctx;
	char attr[PATH_MAX + 64];
	const char *base;

	if (!ctx->t.cdev_path[0] && !ctx->t.group_path[0])
		SKIP(return, "%s has neither a vfio cdev nor a vfio group",
		     ctx->t.name);

	if (ctx->t.cdev_path[0]) {
		base = strrchr(ctx->t.cdev_path, '/') + 1;
		ASSERT_TRUE(name_is_numbered(base, "vfio"))
			TH_LOG("cdev %s", base);
		snprintf(attr, sizeof(attr), "%s/vfio-dev/%s/dev",
			 ctx->t.sysfs, base);
		check_node(_metadata, ctx->t.cdev_path, attr);
	}

	if (ctx->t.group_path[0] && !access(ctx->t.group_path, F_OK)) {
		base = strrchr(ctx->t.group_path, '/') + 1;
		ASSERT_TRUE(name_is_numbered(base, ""))
			TH_LOG("group %s", base);
		snprintf(attr, sizeof(attr), "/sys/class/vfio/%s/dev", base);
		check_node(_metadata, ctx->t.group_path, attr);
	}
}

/* vfio_group_fops_open(): cdev_device_open_cnt is set, so EBUSY */
TEST_F(vfio_dfl_open, cdev_blocks_group)
{
	struct dfl_ctx *ctx = &self->ctx;
	int fd, group_fd;

	if (!need_cdev(_metadata, ctx) || !need_group(_metadata, ctx))
		return;
	fd = cdev_open(_metadata, ctx);

	/* An unbound cdev fd does not block the group */
	group_fd = open(ctx->t.group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("open %s: %s", ctx->t.group_path,
				      strerror(errno));
	ASSERT_EQ(0, close(group_fd));

	ASSERT_EQ(0, device_bind(fd, ctx->iommufd, NULL));
	ASSERT_ERRNO(EBUSY, open(ctx->t.group_path, O_RDWR | O_CLOEXEC));

	ASSERT_EQ(0, close(fd));
	group_fd = open(ctx->t.group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("open %s after unbind: %s",
				      ctx->t.group_path, strerror(errno));
	close(group_fd);
}

/*
 * vfio_device_block_group(): while the group is open (group->opened_file),
 * the cdev cannot be bound: EBUSY.
 */
TEST_F(vfio_dfl_open, group_blocks_cdev)
{
	struct dfl_ctx *ctx = &self->ctx;
	int fd, group_fd, container_fd, device_fd;

	if (!need_cdev(_metadata, ctx) || !need_group(_metadata, ctx))
		return;

	device_fd = group_open_device(_metadata, &ctx->t, IOMMUFD_PATH,
				      &group_fd, &container_fd);
	if (device_fd < 0)
		return;
	ASSERT_EQ(0, device_get_info(device_fd));

	/* cdev open itself is allowed, binding is not */
	fd = cdev_open(_metadata, ctx);
	ASSERT_ERRNO(EBUSY, device_bind(fd, ctx->iommufd, NULL));

	/* The group fd alone blocks too */
	ASSERT_EQ(0, close(device_fd));
	ASSERT_ERRNO(EBUSY, device_bind(fd, ctx->iommufd, NULL));

	ASSERT_EQ(0, close(group_fd));
	ASSERT_EQ(0, close(container_fd));
	ASSERT_EQ(0, device_bind(fd, ctx->iommufd, NULL))
		TH_LOG("bind after closing the group: %s", strerror(errno));
	ASSERT_EQ(0, device_get_info(fd));
	close(fd);
}

/* The group itself: single open, multiple device fds */
static void group_semantics(struct __test_metadata *_metadata,
			    struct dfl_ctx *ctx,
			    const char *container_path)
{
	int group_fd, container_fd, fd1, fd2, other;
	__u64 dfh1, dfh2;

	if (!need_group(_metadata, ctx))
		return;

	/* GET_DEVICE_FD needs an IOMMU first: vfio_df_group_open() */
	group_fd = open(ctx->t.group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("open %s: %s", ctx->t.group_path,
				      strerror(errno));
	ASSERT_ERRNO(EINVAL, ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD,
				   ctx->t.name));
	/* vfio_group_fops_open(): one open at a time */
	ASSERT_ERRNO(EBUSY, open(ctx->t.group_path, O_RDWR | O_CLOEXEC));
	ASSERT_EQ(0, close(group_fd));

	fd1 = group_open_device(_metadata, &ctx->t, container_path,
				&group_fd, &container_fd);
	if (fd1 < 0)
		return;

	/* vfio_group_ioctl_set_container(): already has an IOMMU */
	other = open(container_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_ERRNO(EINVAL, ioctl(group_fd, VFIO_GROUP_SET_CONTAINER,
				   &other));
	close(other);

	/* vfio_device_get_from_name() */
	ASSERT_ERRNO(ENODEV, ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD,
				   "dfl_dev.no_such_device"));

	/* The group path may open the device more than once */
	fd2 = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, ctx->t.name);
	ASSERT_LE(0, fd2) TH_LOG("second GET_DEVICE_FD: %s", strerror(errno));
	ASSERT_EQ(0, device_get_info(fd1));
	ASSERT_EQ(0, device_get_info(fd2));
	ASSERT_EQ(0, device_read_dfh(fd1, &dfh1));
	ASSERT_EQ(0, device_read_dfh(fd2, &dfh2));
	ASSERT_EQ(dfh1, dfh2);

	/* BIND_IOMMUFD is for cdev fds only: vfio_df_ioctl_bind_iommufd() */
	other = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	if (other >= 0) {
		ASSERT_ERRNO(EINVAL, device_bind(fd1, other, NULL));
		close(other);
	}

	ASSERT_EQ(0, close(fd1));
	ASSERT_EQ(0, device_get_info(fd2));
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(0, close(group_fd));
	ASSERT_EQ(0, close(container_fd));

	/* Everything was released: the group opens again */
	group_fd = open(ctx->t.group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("reopen %s: %s", ctx->t.group_path,
				      strerror(errno));
	close(group_fd);
}

TEST_F(vfio_dfl_open, group_type1)
{
	group_semantics(_metadata, &self->ctx, VFIO_CONTAINER_PATH);
}

TEST_F(vfio_dfl_open, group_iommufd_compat)
{
	group_semantics(_metadata, &self->ctx, IOMMUFD_PATH);
}

TEST_HARNESS_MAIN
