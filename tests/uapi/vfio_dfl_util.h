/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vfio-dfl selftests.
 */
#ifndef VFIO_DFL_UTIL_H
#define VFIO_DFL_UTIL_H

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/types.h>

#include "kselftest_harness.h"

/*
 * The syscall must fail with @err and return -1.  @expr is evaluated once;
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

static int env_u64(const char *var, bool *set, __u64 *val, char *why,
		   size_t len)
{
	const char *s = getenv(var);
	char *end;

	*set = false;
	if (!s || !*s)
		return 0;

	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || *end || *s == '-') {
		snprintf(why, len, "%s=%s is not a number", var, s);
		return -1;
	}
	*set = true;
	return 0;
}

/* A signed number, e.g. 0x802, -0x7000 or -28672 */
static inline int env_s64(const char *var, bool *set, __s64 *val, char *why,
			  size_t len)
{
	const char *s = getenv(var);
	char *end;

	*set = false;
	if (!s || !*s)
		return 0;

	errno = 0;
	*val = strtoll(s, &end, 0);
	if (errno || *end || end == s) {
		snprintf(why, len, "%s=%s is not a number", var, s);
		return -1;
	}
	*set = true;
	return 0;
}

/* 0 or 1; *val is -1 when @var is not set */
static inline int env_bool(const char *var, int *val, char *why, size_t len)
{
	const char *s = getenv(var);

	*val = -1;
	if (!s || !*s)
		return 0;

	if (strcmp(s, "0") && strcmp(s, "1")) {
		snprintf(why, len, "%s=%s is not 0 or 1", var, s);
		return -1;
	}
	*val = *s == '1';
	return 0;
}

/*
 * A DFHv1 feature GUID as 32 hex digits, GUID_H then GUID_L, the way
 * sysfs shows an afu_id: d1f1c0de00014014800000dfca4d0014.
 */
static inline int env_guid(const char *var, bool *set, __u64 *guid_h,
			   __u64 *guid_l, char *why, size_t len)
{
	const char *s = getenv(var);
	char half[17];
	size_t i;

	*set = false;
	if (!s || !*s)
		return 0;

	for (i = 0; isxdigit((unsigned char)s[i]); i++)
		;
	if (i != 32 || s[i]) {
		snprintf(why, len, "%s=%s is not 32 hex digits", var, s);
		return -1;
	}
	memcpy(half, s, 16);
	half[16] = '\0';
	*guid_h = strtoull(half, NULL, 16);
	memcpy(half, s + 16, 16);
	*guid_l = strtoull(half, NULL, 16);
	*set = true;
	return 0;
}

/*
 * Up to @max comma-separated hex words, with or without 0x.  Unlike the
 * other variables, a variable that is set but empty is the empty list.
 */
static inline int env_hex_list(const char *var, bool *set, __u64 *vals,
			       size_t max, size_t *n, char *why, size_t len)
{
	const char *s = getenv(var), *p;
	char *end;

	*set = false;
	*n = 0;
	if (!s)
		return 0;
	*set = true;

	for (p = s; *p; p = *end ? end + 1 : end) {
		if (*n == max) {
			snprintf(why, len, "%s has more than %zu words", var,
				 max);
			return -1;
		}
		errno = 0;
		if (isxdigit((unsigned char)*p))
			vals[*n] = strtoull(p, &end, 16);
		else
			end = (char *)p;
		if (errno || end == p || (*end && *end != ',') ||
		    (*end == ',' && !end[1])) {
			snprintf(why, len,
				 "%s=%s is not a list of comma-separated hex words",
				 var, s);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

/* Store the last component of the target of the symlink @path in @out */
static int readlink_basename(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';

	base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	if (strlen(base) >= len)
		return -1;
	snprintf(out, len, "%s", base);
	return 0;
}

/* @name is @prefix followed by a decimal number, and nothing else */
static inline bool name_is_numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = name + n;

	if (strncmp(name, prefix, n) || !*p)
		return false;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
	}
	return true;
}

static inline bool path_exists(const char *fmt, const char *arg)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), fmt, arg);
	return !access(path, F_OK);
}

/*
 * The VFIO nodes of a device bound to vfio-dfl: an emulated-IOMMU device,
 * with the cdev vfioN and the group /dev/vfio/N.  vfio-dfl never registers
 * a no-IOMMU device, which the core would name noiommu-vfioN and
 * /dev/vfio/noiommu-N (vfio_device_set_noiommu_and_name(),
 * vfio_create_group()).
 */
struct vfio_dfl_nodes {
	char cdev_path[NAME_MAX + 32];	/* empty without a vfio-dev cdev */
	char group_path[NAME_MAX + 32];	/* empty without a VFIO group */
};

/*
 * Find the VFIO cdev and group of the device whose sysfs directory is
 * @sysfs.  Returns 0, or -1 with @why set if either is named as a
 * no-IOMMU device's.
 */
static inline int vfio_dfl_find_nodes(const char *sysfs,
				      struct vfio_dfl_nodes *n, char *why,
				      size_t len)
{
	char path[PATH_MAX], name[NAME_MAX + 1] = "";
	struct dirent *de;
	DIR *dir;

	memset(n, 0, sizeof(*n));

	/* The cdev exists only with CONFIG_VFIO_DEVICE_CDEV */
	snprintf(path, sizeof(path), "%s/vfio-dev", sysfs);
	dir = opendir(path);
	if (dir) {
		while ((de = readdir(dir))) {
			if (name_is_numbered(de->d_name, "noiommu-vfio")) {
				snprintf(why, len,
					 "%s is a no-IOMMU device (%s)", sysfs,
					 de->d_name);
				closedir(dir);
				return -1;
			}
			if (!name_is_numbered(de->d_name, "vfio"))
				continue;
			snprintf(path, sizeof(path), "%s/vfio-dev/%s/dev",
				 sysfs, de->d_name);
			if (access(path, F_OK))
				continue;
			snprintf(n->cdev_path, sizeof(n->cdev_path),
				 "/dev/vfio/devices/%s", de->d_name);
			break;
		}
		closedir(dir);
	}

	/* The iommu_group link names the group's number N */
	snprintf(path, sizeof(path), "%s/iommu_group", sysfs);
	if (!readlink_basename(path, name, sizeof(name))) {
		if (path_exists("/sys/class/vfio/noiommu-%s", name) ||
		    path_exists("/dev/vfio/noiommu-%s", name)) {
			snprintf(why, len,
				 "%s is in the no-IOMMU group noiommu-%s",
				 sysfs, name);
			return -1;
		}
		/* Without CONFIG_VFIO_GROUP there is no node: tests skip */
		snprintf(n->group_path, sizeof(n->group_path), "/dev/vfio/%s",
			 name);
	}
	return 0;
}

#endif /* VFIO_DFL_UTIL_H */
