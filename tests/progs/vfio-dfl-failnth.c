// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-dfl-failnth: fail every fault site of a vfio-dfl sequence in turn,
 * the way iommufd's selftest (iommufd_fail_nth) does: for n = 1, 2, 3 ...
 * write n to /proc/thread-self/fail-nth, run the sequence, and read the
 * file back (0 = the n-th fault site of this task was failed). Stop at the
 * first n whose fault was not reached: the sequence then ran clean and
 * must have succeeded.
 *
 * After each injected fault the sequence must have returned an errno to
 * its caller (or absorbed the fault and succeeded), and the device must
 * be usable again: a clean open + bind + attach + pread + doorbell event
 * on IRQ index 0 + close. The kernel needs CONFIG_FAULT_INJECTION,
 * CONFIG_FAILSLAB with failslab/ignore-gfp-wait = N (set by the caller)
 * so that GFP_KERNEL allocations are fault sites too.
 *
 *   vfio-dfl-failnth DEV TRIGGER SEQUENCE...
 *
 * TRIGGER fires IRQ index 0: a number is the offset of the card model's
 * test doorbell (write 0 there), "ier:OFF" that of a 16550's IER (the
 * VUART: IER = 0, then IER = THRI), "none" a feature without interrupts
 * (the HSSI): the device is usable without the interrupt part, and the
 * arm, replace, disarm and close sequences do not apply.
 *
 * Sequences: bind (write DEV to drivers_probe), open (open cdev + iommufd,
 * bind, IOAS alloc, attach), info (GET_INFO with the capability chain),
 * arm (SET_IRQS eventfd on index 0, request_irq included), replace (a
 * second eventfd on the armed index), disarm (fd -1), close (last close
 * with index 0 armed). One TAP line per sequence; a line per site with -v.
 */
#include <dirent.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include "vfio-dev.h"

#define MAX_SITES	5000

static const char *dev_name;
static uint64_t doorbell;
static bool uart_ier;	/* doorbell is the offset of a 16550's IER */
static bool no_irq;	/* TRIGGER "none": the feature has no interrupt */
static int failnth_fd;
static int verbose;
static int tap_n, tap_fail;
static unsigned int nodes_recreated;

struct vdev {
	int fd, iommufd;
	uint64_t reg_off;
};

/* Arm fail-nth: the n-th fault site this thread reaches fails. */
static void fail_nth_set(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(failnth_fd, buf, len, 0) != len)
		die("write fail-nth %u", n);
}

/* Disarm; true if the armed fault was injected. */
static bool fail_nth_injected(void)
{
	char buf[16] = "";
	bool injected;

	if (pread(failnth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		die("read fail-nth");
	injected = atoi(buf) == 0;
	if (pwrite(failnth_fd, "0", 1, 0) != 1)
		die("clear fail-nth");
	return injected;
}

static int cdev_path(char *path, size_t len)
{
	char sysfs[128], name[64], dev_attr[320], mm[32];
	unsigned int maj, min;
	int e;

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/dfl/devices/%.64s", dev_name);
	e = vfio_cdev_path(sysfs, path, len, name, sizeof(name));
	if (e)
		return e;
	/*
	 * The driver core ignores a failure to create the devtmpfs node
	 * (devtmpfs_create_node()), so a fault there leaves a registered
	 * device without /dev entry. Create it from sysfs, as udev would,
	 * and count it.
	 */
	if (!access(path, F_OK) || errno != ENOENT)
		return 0;
	snprintf(dev_attr, sizeof(dev_attr), "%s/vfio-dev/%s/dev", sysfs, name);
	/* devtmpfs did not create the directories either, if this was the only node */
	mkdir("/dev/vfio", 0755);
	mkdir("/dev/vfio/devices", 0755);
	if (read_sysfs(dev_attr, mm, sizeof(mm)) ||
	    sscanf(mm, "%u:%u", &maj, &min) != 2 ||
	    mknod(path, S_IFCHR | 0600, makedev(maj, min)))
		return -ENOENT;
	nodes_recreated++;
	return 0;
}

static void vdev_close(struct vdev *v)
{
	if (v->fd >= 0)
		close(v->fd);
	if (v->iommufd >= 0)
		close(v->iommufd);
	v->fd = v->iommufd = -1;
}

/* Open + bind + IOAS + attach; -errno of the first step that fails. */
static int vdev_open(struct vdev *v, char *path)
{
	struct vfio_region_info reg = { .argsz = sizeof(reg), .index = 0 };
	int e = vfio_cdev_open_attached(path, &v->fd, &v->iommufd);

	if (e)
		return e;
	if (ioctl(v->fd, VFIO_DEVICE_GET_REGION_INFO, &reg)) {
		e = -errno;
		vdev_close(v);
		return e;
	}
	v->reg_off = reg.offset;
	return 0;
}

static int set_trigger(struct vdev *v, unsigned int index, int efd)
{
	return vfio_set_trigger(v->fd, index, efd);
}


static int ring(struct vdev *v)
{
	uint64_t k = 0;	/* the doorbell value of IRQ index 0 */
	uint32_t ier;

	if (!uart_ier)
		return pwrite(v->fd, &k, 8, v->reg_off + doorbell) == 8 ? 0 : -errno;
	for (ier = 0; ier <= 2; ier += 2)	/* 0, then UART_IER_THRI */
		if (pwrite(v->fd, &ier, 4, v->reg_off + doorbell) != 4)
			return -errno;
	return 0;
}

static bool bound(void)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/dfl/devices/%s/driver", dev_name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = 0;
	return !strcmp(strrchr(link, '/') + 1, "vfio-dfl");
}

static int unbind(void)
{
	return bound() ? write_str("/sys/bus/dfl/drivers/vfio-dfl/unbind",
				   dev_name) : 0;
}

/*
 * The device works: a clean open, bind, attach, register read, an
 * interrupt delivered exactly once on index 0, close. Empty on success,
 * else why not.
 */
static const char *usable(void)
{
	static char why[128];
	char path[512];
	struct vdev v;
	uint64_t val;
	int efd, e;

	if (!bound() && write_str("/sys/bus/dfl/drivers_probe", dev_name))
		return "drivers_probe failed";
	if (!bound())
		return "not bound to vfio-dfl";
	if (cdev_path(path, sizeof(path)))
		return "no cdev";
	e = vdev_open(&v, path);
	if (e) {
		snprintf(why, sizeof(why), "open/bind/attach: %s", strerror(-e));
		return why;
	}
	efd = eventfd(0, EFD_NONBLOCK);
	why[0] = 0;
	if (pread(v.fd, &val, 8, v.reg_off) != 8)
		snprintf(why, sizeof(why), "pread: %s", strerror(errno));
	else if (no_irq)
		;
	else if ((e = set_trigger(&v, 0, efd)))
		snprintf(why, sizeof(why), "arm index 0: %s", strerror(-e));
	/*
	 * An edge rung while the index was not armed arrives now, once.
	 * Wait until the eventfd has been quiet for 100 ms: with two VMs
	 * and the gates on two host cores, a vCPU can be off the host CPU
	 * for tens of ms, and a pending event counted late would be taken
	 * for a second event of the doorbell below.
	 */
	else if ((val = eventfd_quiet(efd, 100)) > 1)
		snprintf(why, sizeof(why), "%" PRIu64 " pending events on arm", val);
	else if ((e = ring(&v)))
		snprintf(why, sizeof(why), "ring: %s", strerror(-e));
	else if ((val = eventfd_wait(efd, 10000)) != 1)
		snprintf(why, sizeof(why), "%" PRIu64 " events for one doorbell", val);
	vdev_close(&v);
	close(efd);
	return why;
}

/*
 * A sequence: setup (clean), step (under fail-nth, returns 0 or -errno),
 * check (clean, after the step: what the step left must be consistent,
 * returns why not), teardown (clean).
 */
struct seq {
	const char *name;
	int (*setup)(void);
	int (*step)(void);
	const char *(*check)(int ret);
	void (*teardown)(void);
};

static struct vdev cur = { -1, -1, 0 };
static int efd1 = -1, efd2 = -1;
static char path_buf[512];

static int setup_unbound(void)
{
	char p[256];

	snprintf(p, sizeof(p), "/sys/bus/dfl/devices/%s/driver_override", dev_name);
	return unbind() ?: write_str(p, "vfio-dfl");
}

static int step_bind(void)
{
	int e = write_str("/sys/bus/dfl/drivers_probe", dev_name);

	/*
	 * The driver core does not pass a failed probe's errno to the
	 * writer (it is in the kernel log): an unbound device is the error.
	 */
	return e ?: bound() ? 0 : -ENODEV;
}

static int setup_path(void)
{
	return cdev_path(path_buf, sizeof(path_buf));
}

static int step_open(void)
{
	return vdev_open(&cur, path_buf);
}

static void teardown_close(void)
{
	vdev_close(&cur);
	if (efd1 >= 0)
		close(efd1);
	if (efd2 >= 0)
		close(efd2);
	efd1 = efd2 = -1;
}

static int setup_open(void)
{
	int e = setup_path();

	return e ?: vdev_open(&cur, path_buf);
}

static int step_info(void)
{
	char buf[4096];
	struct vfio_device_info *info = (void *)buf;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	if (ioctl(cur.fd, VFIO_DEVICE_GET_INFO, info))
		return -errno;
	return info->cap_offset ? 0 : -ENODATA;
}

static int setup_efds(void)
{
	int e = setup_open();

	if (e)
		return e;
	efd1 = eventfd(0, EFD_NONBLOCK);
	efd2 = eventfd(0, EFD_NONBLOCK);
	return efd1 < 0 || efd2 < 0 ? -errno : 0;
}

static int step_arm(void)
{
	return set_trigger(&cur, 0, efd1);
}

/*
 * One doorbell, exactly one event on @want (1: efd1, 2: efd2) and none on
 * the other. Only rung where an index is armed, so that no edge is left
 * pending in the card for the next check.
 */
static const char *one_event_on(int want)
{
	static char why[96];
	struct pollfd p[2] = {
		{ .fd = efd1, .events = POLLIN }, { .fd = efd2, .events = POLLIN },
	};
	uint64_t a, b;

	if (ring(&cur))
		return "ring failed";
	poll(p, 2, 10000);
	usleep(20000);	/* room for a second, wrong event */
	a = eventfd_wait(efd1, 0);
	b = eventfd_wait(efd2, 0);
	if (a != (want == 1) || b != (want == 2)) {
		snprintf(why, sizeof(why), "one doorbell: %" PRIu64 " event(s) on the "
			 "first eventfd, %" PRIu64 " on the second, want the %s",
			 a, b, want == 1 ? "first" : "second");
		return why;
	}
	return "";
}

/* A failed arm leaves the index unarmed; a successful one delivers */
static const char *check_arm(int ret)
{
	return ret ? "" : one_event_on(1);
}

/* A failed replace keeps the old eventfd; a successful one switches */
static const char *check_replace(int ret)
{
	return one_event_on(ret ? 1 : 2);
}

static int setup_armed(void)
{
	return setup_efds() ?: set_trigger(&cur, 0, efd1);
}

static int step_replace(void)
{
	return set_trigger(&cur, 0, efd2);
}

static int step_disarm(void)
{
	return set_trigger(&cur, 0, -1);
}

static const char *check_no_irq(int ret);

/*
 * A disarm that failed (SET_IRQS copies its data first, which can fail)
 * changed nothing: the index still delivers. One that succeeded freed
 * the interrupt.
 */
static const char *check_disarmed(int ret)
{
	return ret ? one_event_on(1) : check_no_irq(ret);
}

static int step_close(void)
{
	vdev_close(&cur);
	return 0;
}

static const char *check_no_irq(int ret)
{
	char line[512], tag[96];
	const char *why = "";
	FILE *f = fopen("/proc/interrupts", "r");

	(void)ret;
	if (!f)
		return "no /proc/interrupts";
	snprintf(tag, sizeof(tag), "(%s)", dev_name);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "vfio-dfl-irq") && strstr(line, tag))
			why = "an interrupt of the device is still requested";
	fclose(f);
	return why;
}

static const struct seq seqs[] = {
	{ "bind", setup_unbound, step_bind, NULL, NULL },
	{ "open", setup_path, step_open, NULL, teardown_close },
	{ "info", setup_open, step_info, NULL, teardown_close },
	{ "arm", setup_efds, step_arm, check_arm, teardown_close },
	{ "replace", setup_armed, step_replace, check_replace, teardown_close },
	{ "disarm", setup_armed, step_disarm, check_disarmed, teardown_close },
	{ "close", setup_armed, step_close, check_no_irq, teardown_close },
};

static void run(const struct seq *s)
{
	unsigned int n, injected = 0, errors = 0, absorbed = 0;
	const char *why = "";
	char errnos[256] = "";
	int ret = 0, e;

	for (n = 1; n <= MAX_SITES; n++) {
		bool inj;

		e = s->setup ? s->setup() : 0;
		if (e) {
			snprintf(errnos, sizeof(errnos), "clean setup failed: %s",
				 strerror(-e));
			why = errnos;
			break;
		}
		fail_nth_set(n);
		ret = s->step();
		inj = fail_nth_injected();
		why = s->check ? s->check(ret) : "";
		if (s->teardown)
			s->teardown();
		if (!*why)
			why = usable();
		if (verbose)
			printf("# %s: site %u: %s, step returned %d%s%s\n", s->name,
			       n, inj ? "injected" : "not reached", ret,
			       *why ? ", " : "", why);
		if (*why)
			break;
		if (!inj)
			break;	/* the sequence ran without a fault */
		injected++;
		if (ret) {
			char tmp[32];

			errors++;
			snprintf(tmp, sizeof(tmp), " %s", strerror(-ret));
			if (!strstr(errnos, tmp) && strlen(errnos) + strlen(tmp) < sizeof(errnos))
				strcat(errnos, tmp);
		} else {
			absorbed++;
		}
	}
	tap_n++;
	if (!*why && ret == 0 && n <= MAX_SITES) {
		printf("ok %d - fail-nth %s: %u fault sites, %u failed with an errno (%s), "
		       "%u absorbed, device usable after each, clean run succeeds\n",
		       tap_n, s->name, injected, errors, *errnos ? errnos + 1 : "none",
		       absorbed);
		if (nodes_recreated)
			printf("# %s: %u lost devtmpfs node(s) recreated from sysfs\n",
			       s->name, nodes_recreated);
		nodes_recreated = 0;
	} else {
		tap_fail++;
		printf("not ok %d - fail-nth %s: at site %u: %s (step returned %d)\n",
		       tap_n, s->name, n, *why ? why : "clean run failed", ret);
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int i, first = 3;
	size_t k;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 4)
		die("usage: %s [-v] DEV TRIGGER SEQUENCE...", argv[0]);
	dev_name = argv[1];
	no_irq = !strcmp(argv[2], "none");
	uart_ier = !strncmp(argv[2], "ier:", 4);
	doorbell = strtoull(argv[2] + (uart_ier ? 4 : 0), NULL, 0);
	failnth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (failnth_fd < 0)
		die("open /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION?)");
	for (i = first; i < argc; i++) {
		for (k = 0; k < sizeof(seqs) / sizeof(seqs[0]); k++)
			if (!strcmp(argv[i], seqs[k].name))
				break;
		if (k == sizeof(seqs) / sizeof(seqs[0]))
			die("unknown sequence %s", argv[i]);
		if (no_irq && strcmp(argv[i], "bind") && strcmp(argv[i], "open") &&
		    strcmp(argv[i], "info"))
			die("sequence %s needs an interrupt (TRIGGER none)", argv[i]);
		run(&seqs[k]);
	}
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
