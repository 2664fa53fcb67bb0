/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFIO device cdev steps every guest test program repeats: find the
 * cdev of a bound device, open it bound to an iommufd and attached to an
 * IOAS, arm an IRQ index with an eventfd, wait for events. Errors are
 * returned as -errno, never fatal: callers decide.
 */
#ifndef TESTS_PROGS_VFIO_DEV_H
#define TESTS_PROGS_VFIO_DEV_H

#include <dirent.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include "util.h"

/*
 * The /dev path of the VFIO cdev of the device at SYSFS_DEV (a device
 * directory in sysfs): vfioN (vfio-dfl registers no no-IOMMU devices).
 * The cdev's name is written to NAME (NAME_LEN bytes) if NAME is set.
 */
static inline int vfio_cdev_path(const char *sysfs_dev, char *path,
				 size_t len, char *name, size_t name_len)
{
	char dir_path[512];
	struct dirent *de;
	DIR *dir;

	snprintf(dir_path, sizeof(dir_path), "%.400s/vfio-dev", sysfs_dev);
	dir = opendir(dir_path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && strncmp(de->d_name, "vfio", 4))
		;
	if (!de) {
		closedir(dir);
		return -ENOENT;
	}
	snprintf(path, len, "/dev/vfio/devices/%.200s", de->d_name);
	if (name)
		snprintf(name, name_len, "%.60s", de->d_name);
	closedir(dir);
	return 0;
}

/*
 * Open the cdev at PATH and /dev/iommu, bind, allocate an IOAS and attach
 * to it. On failure both fds are closed and -1, and the errno of the
 * first step that failed is returned.
 */
static inline int vfio_cdev_open_attached(const char *path, int *fd,
					  int *iommufd)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	int e;

	*iommufd = -1;
	*fd = open(path, O_RDWR);
	if (*fd < 0)
		goto err;
	*iommufd = open("/dev/iommu", O_RDWR);
	if (*iommufd < 0)
		goto err;
	bind.iommufd = *iommufd;
	if (ioctl(*fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(*iommufd, IOMMU_IOAS_ALLOC, &ioas))
		goto err;
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(*fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		goto err;
	return 0;
err:
	e = -errno;
	if (*fd >= 0)
		close(*fd);
	if (*iommufd >= 0)
		close(*iommufd);
	*fd = *iommufd = -1;
	return e;
}

/*
 * The /dev path of the VFIO group of the device at SYSFS_DEV, from its
 * iommu_group link: /dev/vfio/N. 0 or -errno.
 */
static inline int vfio_group_path(const char *sysfs_dev, char *path,
				  size_t len)
{
	char link[512];
	ssize_t n;

	snprintf(path, len, "%.400s/iommu_group", sysfs_dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	snprintf(path, len, "/dev/vfio/%.20s", strrchr(link, '/') + 1);
	return 0;
}

/*
 * The legacy group path, for a kernel without iommufd (Debian's): the
 * group of the device at SYSFS_DEV, its name NAME, in a new type1v2
 * container. Returns the device's fd in *FD and keeps the group and the
 * container open in *GROUP and *CONTAINER; -errno of the first step
 * that failed, everything closed.
 */
static inline int vfio_group_open_device(const char *sysfs_dev,
					 const char *name, int *fd,
					 int *group, int *container)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[512];
	int e;

	*fd = *group = *container = -1;
	e = vfio_group_path(sysfs_dev, path, sizeof(path));
	if (e)
		return e;
	*container = open("/dev/vfio/vfio", O_RDWR);
	if (*container < 0)
		goto err;
	*group = open(path, O_RDWR);
	if (*group < 0)
		goto err;
	if (ioctl(*group, VFIO_GROUP_GET_STATUS, &st))
		goto err;
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		goto err;
	}
	if (ioctl(*group, VFIO_GROUP_SET_CONTAINER, container) ||
	    ioctl(*container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		goto err;
	*fd = ioctl(*group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (*fd < 0)
		goto err;
	return 0;
err:
	e = -errno;
	if (*group >= 0)
		close(*group);
	if (*container >= 0)
		close(*container);
	*fd = *group = *container = -1;
	return e;
}

/* Arm IRQ index INDEX with eventfd EFD (-1 disarms); 0 or -errno. */
static inline int vfio_set_trigger(int fd, unsigned int index, int efd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int)];
	struct vfio_irq_set *set = (void *)buf;

	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(efd));
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
}

/* Wait up to MS ms for EFD and return (and reset) its count, 0 if none. */
static inline uint64_t eventfd_wait(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t n = 0;

	if (poll(&p, 1, ms) == 1 && read(efd, &n, sizeof(n)) != sizeof(n))
		die("read eventfd");
	return n;
}

/* Sum of the events EFD counts until it stays quiet for MS ms. */
static inline uint64_t eventfd_quiet(int efd, int ms)
{
	uint64_t n, sum = 0;

	while ((n = eventfd_wait(efd, ms)))
		sum += n;
	return sum;
}

/*
 * feature_map HOW DEV SIZE: map the first SIZE bytes of a feature's
 * registers as a user-mode driver does, HOW "uio" (DEV the N of
 * /dev/uioN, uio_dfl's map0) or "vfio" (DEV a dfl_dev.N bound to
 * vfio-dfl: its cdev, bound and attached, region 0, which must be
 * mappable and at least SIZE bytes). Dies on any error.
 */
static inline void *feature_map(const char *how, const char *dev, size_t size)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = 0 };
	char sys[256], path[256];
	int fd, ifd, ret;
	void *p;

	if (!strcmp(how, "uio")) {
		snprintf(path, sizeof(path), "/dev/uio%.32s", dev);
		fd = open(path, O_RDWR | O_SYNC);
		if (fd < 0)
			die("open %s", path);
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap %s", path);
		return p;
	}
	if (strcmp(how, "vfio"))
		die("%s: neither uio nor vfio", how);
	snprintf(sys, sizeof(sys), "/sys/bus/dfl/devices/%.64s", dev);
	ret = vfio_cdev_path(sys, path, sizeof(path), NULL, 0);
	if (ret) {
		errno = -ret;
		die("%s has no VFIO cdev", dev);
	}
	ret = vfio_cdev_open_attached(path, &fd, &ifd);
	if (ret) {
		errno = -ret;
		die("open %s", path);
	}
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		die("VFIO_DEVICE_GET_REGION_INFO");
	if (ri.size < size || !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		errno = EINVAL;
		die("%s: region 0 of 0x%llx bytes, flags 0x%x: not 0x%zx mappable bytes",
		    dev, (unsigned long long)ri.size, ri.flags, size);
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, ri.offset);
	if (p == MAP_FAILED)
		die("mmap %s region 0", dev);
	return p;
}

#endif
