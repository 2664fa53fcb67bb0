// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-dfl-open: the VFIO core's open paths on a vfio-dfl device, where
 * upstream's VFIO selftests do not reach them. vfio-dfl registers an
 * emulated-IOMMU device (vfio_register_emulated_iommu_dev()), so its cdev
 * attaches through vfio_iommufd_emulated_attach_ioas() and its group is a
 * group of one, paths a PCI device behind a real IOMMU never takes.
 *
 * Upstream's vfio_iommufd_setup_test (run on the same device, through the
 * series' "open a VFIO device on any bus") covers bind, a repeated bind,
 * attach and detach and an invalid IOAS; this program adds what it leaves
 * out: the errno of each refusal, access before bind, the bind and attach
 * argument checks, the IOAS kept busy while attached, replace, cdev
 * exclusivity, and the cdev/group exclusion both ways; and on the group
 * path (type1 and iommufd's compat container), the single open, the
 * container rules, unknown names, several device fds and their release.
 *
 *   vfio-dfl-open [kselftest harness options] [DEVICE]
 *
 * DEVICE is a dfl_dev.N or its sysfs directory, bound to vfio-dfl, else
 * $VFIO_SELFTESTS_DEVICE. Runs on a card as on the emulated one: it reads
 * nothing but the device's VFIO nodes and the first qword of its region,
 * twice through two device fds, which must read the same: name a DFHv0
 * feature (its DFH is there: the HSSI, the Ethernet group), not the
 * VUART, whose receive buffer a read empties.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "vfio-dev.h"

#define IOMMUFD_PATH		"/dev/iommu"
#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"

/* The minimum argsz of each structure: where its first optional member starts */
#define BIND_MINSZ	offsetof(struct vfio_device_bind_iommufd, token_uuid_ptr)
#define ATTACH_MINSZ	offsetof(struct vfio_device_attach_iommufd_pt, pasid)

/*
 * The syscall must fail with @err and return -1. @expr is evaluated once;
 * errno is read right after it.
 */
#define ASSERT_ERRNO(err, expr) do {					\
		long __ret;						\
		int __err;						\
									\
		errno = 0;						\
		__ret = (long)(expr);					\
		__err = errno;						\
		ASSERT_EQ(-1, __ret) TH_LOG("%s succeeded", #expr);	\
		ASSERT_EQ(err, __err) TH_LOG("%s: %s", #expr,		\
					     strerror(__err));		\
	} while (0)

/* The device under test: its name, sysfs directory and VFIO nodes */
static char dev_name[NAME_MAX + 1];
static char dev_sysfs[NAME_MAX + 32];
static char cdev_path[PATH_MAX];
static char group_path[PATH_MAX];

static int iommufd_ioas_alloc(int iommufd, __u32 *ioas_id)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	int ret = ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc);

	if (!ret)
		*ioas_id = alloc.out_ioas_id;
	return ret;
}

static int iommufd_destroy(int iommufd, __u32 id)
{
	struct iommu_destroy destroy = { .size = sizeof(destroy), .id = id };

	return ioctl(iommufd, IOMMU_DESTROY, &destroy);
}

static int device_bind(int fd, int iommufd, __u32 *devid)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	int ret = ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);

	if (!ret && devid)
		*devid = bind.out_devid;
	return ret;
}

static int device_attach(int fd, __u32 flags, __u32 *pt_id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.flags = flags,
		.pt_id = *pt_id,
	};
	int ret = ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);

	if (!ret)
		*pt_id = attach.pt_id;
	return ret;
}

static int device_detach(int fd, __u32 flags)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
		.flags = flags,
	};

	return ioctl(fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach);
}

static int device_get_info(int fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	return ioctl(fd, VFIO_DEVICE_GET_INFO, &info);
}

static int device_region(int fd, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	return ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri);
}

/* The first qword of region 0 (a DFHv0 feature's DFH), -1 on failure */
static int device_read0(int fd, __u64 *val)
{
	struct vfio_region_info ri;

	if (device_region(fd, &ri))
		return -1;
	return pread(fd, val, sizeof(*val), ri.offset) == sizeof(*val) ? 0 : -1;
}

FIXTURE(vfio_dfl_open) {
	int iommufd;
};

FIXTURE_SETUP(vfio_dfl_open)
{
	self->iommufd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->iommufd) TH_LOG("open %s: %s", IOMMUFD_PATH,
					   strerror(errno));
}

FIXTURE_TEARDOWN(vfio_dfl_open)
{
	close(self->iommufd);
}

static int cdev_open(struct __test_metadata *_metadata)
{
	int fd = open(cdev_path, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", cdev_path, strerror(errno));
	return fd;
}

/*
 * The device on the group path, in a new container at @container_path:
 * checks the group's status before and after, and that the container
 * refuses the no-IOMMU type (iommufd_vfio_set_iommu() with EINVAL;
 * vfio_ioctl_set_iommu() with ENODEV, as no driver of the container
 * offers it) without changing anything.
 */
static int group_open_device(struct __test_metadata *_metadata,
			     const char *container_path, int *group_fd,
			     int *container_fd)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int fd, err;

	*group_fd = open(group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, *group_fd) TH_LOG("open %s: %s", group_path,
				       strerror(errno));
	*container_fd = open(container_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, *container_fd) TH_LOG("open %s: %s", container_path,
					   strerror(errno));
	ASSERT_EQ(VFIO_API_VERSION, ioctl(*container_fd, VFIO_GET_API_VERSION));
	ASSERT_LT(0, ioctl(*container_fd, VFIO_CHECK_EXTENSION,
			   VFIO_TYPE1v2_IOMMU));

	/* The group holds this device only: it is viable on its own */
	ASSERT_EQ(0, ioctl(*group_fd, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_EQ((__u32)VFIO_GROUP_FLAGS_VIABLE, status.flags);
	ASSERT_EQ(0, ioctl(*group_fd, VFIO_GROUP_SET_CONTAINER, container_fd))
		TH_LOG("VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));

	errno = 0;
	ASSERT_EQ(-1, ioctl(*container_fd, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU));
	err = errno;
	/* (TH_LOG's for loop takes no else: both branches are one assertion) */
	ASSERT_TRUE(err == EINVAL ||
		    (err == ENODEV && strcmp(container_path, IOMMUFD_PATH)))
		TH_LOG("VFIO_SET_IOMMU(VFIO_NOIOMMU_IOMMU): %s", strerror(err));
	ASSERT_EQ(0, ioctl(*container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		TH_LOG("VFIO_SET_IOMMU: %s", strerror(errno));

	ASSERT_EQ(0, ioctl(*group_fd, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_EQ((__u32)(VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET),
		  status.flags);
	fd = ioctl(*group_fd, VFIO_GROUP_GET_DEVICE_FD, dev_name);
	ASSERT_LE(0, fd) TH_LOG("VFIO_GROUP_GET_DEVICE_FD(%s): %s", dev_name,
				strerror(errno));
	return fd;
}

/*
 * Until VFIO_DEVICE_BIND_IOMMUFD succeeds, vfio_device_fops_unl_ioctl(),
 * vfio_device_fops_read/write() and vfio_device_fops_mmap() refuse the
 * cdev fd with EINVAL (df->access_granted is false).
 */
TEST_F(vfio_dfl_open, cdev_before_bind)
{
	struct vfio_region_info ri;
	__u32 pt_id = 1;
	__u64 val;
	int fd = cdev_open(_metadata);

	ASSERT_ERRNO(EINVAL, device_get_info(fd));
	ASSERT_ERRNO(EINVAL, device_region(fd, &ri));
	ASSERT_ERRNO(EINVAL, device_attach(fd, 0, &pt_id));
	ASSERT_ERRNO(EINVAL, device_detach(fd, 0));
	ASSERT_ERRNO(EINVAL, pread(fd, &val, sizeof(val), 0));
	ASSERT_ERRNO(EINVAL, pwrite(fd, &val, sizeof(val), 0));
	ASSERT_ERRNO(EINVAL, mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ,
				  MAP_SHARED, fd, 0));

	ASSERT_EQ(0, device_bind(fd, self->iommufd, NULL));
	ASSERT_EQ(0, device_get_info(fd));
	ASSERT_EQ(0, device_read0(fd, &val));
	close(fd);
}

/* vfio_df_ioctl_bind_iommufd() and the helpers it calls */
TEST_F(vfio_dfl_open, cdev_bind_bad_args)
{
	struct {
		struct vfio_device_bind_iommufd bind;
		__u64 tail;
	} big;
	struct vfio_device_bind_iommufd bind;
	int fd = cdev_open(_metadata), nullfd, group_fd;

	memset(&bind, 0, sizeof(bind));
	bind.argsz = BIND_MINSZ - 1;
	bind.iommufd = self->iommufd;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.argsz = sizeof(bind);
	bind.flags = 1U << 31;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	/* No match_token_uuid op: vfio_df_check_token() refuses a token */
	bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	/* copy_struct_from_user(): unknown trailing bytes must be zero */
	memset(&big, 0, sizeof(big));
	big.bind.argsz = sizeof(big);
	big.bind.iommufd = self->iommufd;
	big.tail = 1;
	ASSERT_ERRNO(E2BIG, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &big));

	/* iommufd_ctx_from_fd(): not an fd, not an iommufd, a closed fd */
	ASSERT_ERRNO(EINVAL, device_bind(fd, -1, NULL));
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nullfd);
	ASSERT_ERRNO(EBADFD, device_bind(fd, nullfd, NULL));
	close(nullfd);
	ASSERT_ERRNO(EBADF, device_bind(fd, nullfd, NULL));

	/* None of that left the device bound or its group blocked */
	ASSERT_ERRNO(EINVAL, device_get_info(fd));
	group_fd = open(group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("open %s: %s", group_path, strerror(errno));
	close(group_fd);

	/* A trailing zero is fine */
	big.tail = 0;
	ASSERT_EQ(0, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &big));
	ASSERT_EQ(0, device_get_info(fd));
	close(fd);
}

/*
 * An emulated-IOMMU device attaches its iommufd access to the IOAS itself
 * (vfio_iommufd_emulated_attach_ioas()): ATTACH returns the IOAS id, the
 * IOAS stays busy while attached, a second ATTACH replaces it, and the
 * last close releases it.
 */
TEST_F(vfio_dfl_open, cdev_attach_detach)
{
	struct vfio_device_attach_iommufd_pt attach;
	__u32 devid = 0, ioas1, ioas2, pt_id;
	int fd = cdev_open(_metadata);
	__u64 val;

	ASSERT_EQ(0, device_bind(fd, self->iommufd, &devid));
	ASSERT_NE(0U, devid);
	ASSERT_EQ(0, iommufd_ioas_alloc(self->iommufd, &ioas1));
	ASSERT_EQ(0, iommufd_ioas_alloc(self->iommufd, &ioas2));

	/* vfio_df_ioctl_attach_pt() argument checks */
	memset(&attach, 0, sizeof(attach));
	attach.argsz = ATTACH_MINSZ - 1;
	attach.pt_id = ioas1;
	ASSERT_ERRNO(EINVAL, ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach));
	pt_id = ioas1;
	ASSERT_ERRNO(EINVAL, device_attach(fd, 1U << 31, &pt_id));
	/* vfio-dfl has no pasid_attach_ioas op */
	ASSERT_ERRNO(EOPNOTSUPP, device_attach(fd, VFIO_DEVICE_ATTACH_PASID, &pt_id));
	/* No object has this id; the device's own id is not an IOAS */
	pt_id = ioas2 + 1000;
	ASSERT_ERRNO(ENOENT, device_attach(fd, 0, &pt_id));
	pt_id = devid;
	ASSERT_ERRNO(ENOENT, device_attach(fd, 0, &pt_id));

	pt_id = ioas1;
	ASSERT_EQ(0, device_attach(fd, 0, &pt_id));
	ASSERT_EQ(ioas1, pt_id);
	ASSERT_ERRNO(EBUSY, iommufd_destroy(self->iommufd, ioas1));
	pt_id = ioas2;
	ASSERT_EQ(0, device_attach(fd, 0, &pt_id));
	ASSERT_EQ(ioas2, pt_id);
	ASSERT_EQ(0, iommufd_destroy(self->iommufd, ioas1));
	ASSERT_ERRNO(EBUSY, iommufd_destroy(self->iommufd, ioas2));

	ASSERT_ERRNO(EINVAL, device_detach(fd, 1U << 31));
	ASSERT_ERRNO(EOPNOTSUPP, device_detach(fd, VFIO_DEVICE_DETACH_PASID));
	ASSERT_EQ(0, device_detach(fd, 0));
	ASSERT_EQ(0, device_detach(fd, 0));
	/* Register access does not depend on the attachment */
	ASSERT_EQ(0, device_read0(fd, &val));

	pt_id = ioas2;
	ASSERT_EQ(0, device_attach(fd, 0, &pt_id));
	ASSERT_ERRNO(EBUSY, iommufd_destroy(self->iommufd, ioas2));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, iommufd_destroy(self->iommufd, ioas2));
}

/*
 * vfio_df_open(): "Only the group path allows the device to be opened
 * multiple times": a second cdev bind fails, through another iommufd too.
 */
TEST_F(vfio_dfl_open, cdev_exclusive)
{
	int fd1 = cdev_open(_metadata), fd2 = cdev_open(_metadata), iommufd2;

	ASSERT_EQ(0, device_bind(fd1, self->iommufd, NULL));
	ASSERT_ERRNO(EINVAL, device_bind(fd2, self->iommufd, NULL));
	iommufd2 = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, iommufd2);
	ASSERT_ERRNO(EINVAL, device_bind(fd2, iommufd2, NULL));
	ASSERT_ERRNO(EINVAL, device_get_info(fd2));
	ASSERT_EQ(0, device_get_info(fd1));

	ASSERT_EQ(0, close(fd1));
	ASSERT_EQ(0, device_bind(fd2, iommufd2, NULL));
	ASSERT_EQ(0, device_get_info(fd2));
	close(fd2);
	close(iommufd2);
}

/* vfio_group_fops_open(): a bound cdev (cdev_device_open_cnt) blocks the group */
TEST_F(vfio_dfl_open, cdev_blocks_group)
{
	int fd = cdev_open(_metadata), group_fd;

	/* An unbound cdev fd does not */
	group_fd = open(group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("open %s: %s", group_path, strerror(errno));
	ASSERT_EQ(0, close(group_fd));

	ASSERT_EQ(0, device_bind(fd, self->iommufd, NULL));
	ASSERT_ERRNO(EBUSY, open(group_path, O_RDWR | O_CLOEXEC));

	ASSERT_EQ(0, close(fd));
	group_fd = open(group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("open %s after the cdev's close: %s",
				      group_path, strerror(errno));
	close(group_fd);
}

/* vfio_device_block_group(): an open group blocks the cdev's bind */
TEST_F(vfio_dfl_open, group_blocks_cdev)
{
	int fd, group_fd, container_fd, device_fd;

	device_fd = group_open_device(_metadata, IOMMUFD_PATH, &group_fd,
				      &container_fd);
	ASSERT_EQ(0, device_get_info(device_fd));

	/* Opening the cdev is allowed, binding it is not */
	fd = cdev_open(_metadata);
	ASSERT_ERRNO(EBUSY, device_bind(fd, self->iommufd, NULL));
	/* The group fd alone blocks too */
	ASSERT_EQ(0, close(device_fd));
	ASSERT_ERRNO(EBUSY, device_bind(fd, self->iommufd, NULL));

	ASSERT_EQ(0, close(group_fd));
	ASSERT_EQ(0, close(container_fd));
	ASSERT_EQ(0, device_bind(fd, self->iommufd, NULL))
		TH_LOG("bind after the group's close: %s", strerror(errno));
	ASSERT_EQ(0, device_get_info(fd));
	close(fd);
}

/* The group itself: one open at a time, several device fds */
static void group_semantics(struct __test_metadata *_metadata,
			    const char *container_path)
{
	int group_fd, container_fd, fd1, fd2, other;
	__u64 val1, val2;

	/* GET_DEVICE_FD wants an IOMMU first: vfio_df_group_open() */
	group_fd = open(group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("open %s: %s", group_path, strerror(errno));
	ASSERT_ERRNO(EINVAL, ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, dev_name));
	ASSERT_ERRNO(EBUSY, open(group_path, O_RDWR | O_CLOEXEC));
	ASSERT_EQ(0, close(group_fd));

	fd1 = group_open_device(_metadata, container_path, &group_fd,
				&container_fd);
	/* vfio_group_ioctl_set_container(): the group has a container */
	other = open(container_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_ERRNO(EINVAL, ioctl(group_fd, VFIO_GROUP_SET_CONTAINER, &other));
	close(other);
	/* vfio_device_get_from_name() */
	ASSERT_ERRNO(ENODEV, ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD,
				   "dfl_dev.no_such_device"));

	fd2 = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, dev_name);
	ASSERT_LE(0, fd2) TH_LOG("second GET_DEVICE_FD: %s", strerror(errno));
	ASSERT_EQ(0, device_read0(fd1, &val1));
	ASSERT_EQ(0, device_read0(fd2, &val2));
	ASSERT_EQ(val1, val2);
	/* BIND_IOMMUFD is for cdev fds only */
	other = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, other);
	ASSERT_ERRNO(EINVAL, device_bind(fd1, other, NULL));
	close(other);

	ASSERT_EQ(0, close(fd1));
	ASSERT_EQ(0, device_get_info(fd2));
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(0, close(group_fd));
	ASSERT_EQ(0, close(container_fd));
	/* Everything was released: the group opens again */
	group_fd = open(group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, group_fd) TH_LOG("reopen %s: %s", group_path, strerror(errno));
	close(group_fd);
}

TEST_F(vfio_dfl_open, group_type1)
{
	group_semantics(_metadata, VFIO_CONTAINER_PATH);
}

TEST_F(vfio_dfl_open, group_iommufd_compat)
{
	group_semantics(_metadata, IOMMUFD_PATH);
}

/*
 * The device named by the last argument (dfl_dev.N, its sysfs directory
 * or its /dev/vfio/devices/ node) or by $VFIO_SELFTESTS_DEVICE. A name
 * that is no device fails the run; a device not bound to vfio-dfl skips
 * it, as the series' selftest does.
 */
static void device_setup(int *argc, char *argv[])
{
	const char *dev = getenv("VFIO_SELFTESTS_DEVICE"), *last;
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	int ret;

	last = *argc > 1 ? argv[*argc - 1] : "";
	if (!strncmp(last, "dfl_dev.", 8) || !strncmp(last, "/sys/", 5) ||
	    !strncmp(last, "/dev/vfio/devices/", 18))
		dev = argv[--*argc];
	if (!dev || !*dev)
		ksft_exit_fail_msg("no device: name a dfl_dev.N or set VFIO_SELFTESTS_DEVICE\n");
	if (!strncmp(dev, "/dev/vfio/devices/", 18)) {
		/* The cdev's device: /sys/class/vfio-dev/vfioN/device */
		snprintf(path, sizeof(path), "/sys/class/vfio-dev/%.200s/device", dev + 18);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			ksft_exit_fail_msg("%s: %s\n", path, strerror(errno));
		link[n] = 0;
		dev = link;
	}
	snprintf(dev_name, sizeof(dev_name), "%.200s",
		 strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev);
	snprintf(dev_sysfs, sizeof(dev_sysfs), "/sys/bus/dfl/devices/%.200s", dev_name);
	if (access(dev_sysfs, F_OK))
		ksft_exit_fail_msg("%s: no such dfl device\n", dev_sysfs);

	snprintf(path, sizeof(path), "%.400s/driver", dev_sysfs);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = 0;
	if (n < 0 || strcmp(strrchr(link, '/') + 1, "vfio-dfl"))
		ksft_exit_skip("%s is bound to %s, not vfio-dfl\n", dev_name,
			       n < 0 ? "no driver" : strrchr(link, '/') + 1);
	ret = vfio_cdev_path(dev_sysfs, cdev_path, sizeof(cdev_path), NULL, 0);
	if (ret)
		ksft_exit_fail_msg("%s has no VFIO cdev: %s\n", dev_name, strerror(-ret));
	ret = vfio_group_path(dev_sysfs, group_path, sizeof(group_path));
	if (ret)
		ksft_exit_fail_msg("%s has no IOMMU group: %s\n", dev_name, strerror(-ret));
}

int main(int argc, char *argv[])
{
	device_setup(&argc, argv);
	return test_harness_run(argc, argv);
}
