// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-dfl-race: overlap what vfio-dfl serialises, for a bounded time, then
 * check that the device still counts interrupts exactly.
 *
 *   vfio-dfl-race irqs DEV BDF BELL SECONDS
 *	three threads arm, replace and disarm IRQ index 0 of DEV (and mask
 *	and unmask it) with their own eventfds, while a fourth rings the
 *	doorbell through the card's BAR0 (BDF's resource0, BELL = BAR0
 *	offset of the doorbell register, value 0 rings index 0); no event
 *	may arrive on an eventfd that was never armed, and no more events
 *	than doorbells may arrive in all
 *   vfio-dfl-race replace DEV BDF BELL SECONDS
 *	one thread replaces index 0's eventfd, A by B and back, without a
 *	disarm or a mask in between, as fast as it can, while the main
 *	thread rings the doorbell and waits for its event on A or B before
 *	the next ring: every doorbell must give exactly one event, on
 *	whichever eventfd was armed (none lost, none doubled, across the
 *	swaps)
 *   vfio-dfl-race close DEV BDF BELL SECONDS
 *	open, arm index 0 and close the device (the last fd, so the close
 *	disarms it) in a loop while the doorbell rings through BAR0, so
 *	that the handler runs while the interrupt is being freed
 *
 *   vfio-dfl-race open DEV BDF BELL SECONDS
 *	two processes claim DEV at once, one through the cdev (open, bind
 *	iommufd), the other through the group path (open the group, type1
 *	container, VFIO_GROUP_GET_DEVICE_FD); the VFIO core must never let
 *	both hold the device, and each must win sometimes
 *
 *   vfio-dfl-race reset DEV SECONDS
 *	two threads call VFIO_DEVICE_RESET on one open DEV in a loop: every
 *	reset must succeed (vfio-dfl serialises them; two interleaved
 *	handshakes, e.g. the HSSI's ColdReset, would fail)
 *
 * BELL may also be "ier:OFF", OFF the BAR0 offset of a 16550's IER (the
 * VUART): each ring is then IER = 0, IER = THRI, one rising edge.
 *
 * All end with a clean check: armed once more (edges the race left pending
 * are drained first, at most two), N doorbells give exactly N
 * events, and no interrupt of DEV is left requested after close.
 */
#include <dirent.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include "vfio-dev.h"

static const char *dev_name;
static volatile uint64_t *bar0;
static uint64_t bell;
static bool bell_ier;	/* bell is a 16550's IER */

/* One ring: the doorbell's value 0, or a rising edge of the 16550's line */
static void ring_bar0(void)
{
	if (!bell_ier) {
		bar0[bell / 8] = 0;
		return;
	}
	((volatile uint32_t *)bar0)[bell / 4] = 0;
	((volatile uint32_t *)bar0)[bell / 4] = 2;	/* UART_IER_THRI */
}
static volatile int stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}
static atomic_ulong rung, armed_events, stray_events, ops, op_errors;
static int dev_fd = -1, iommufd = -1;

static int dev_open(void)
{
	char sysfs[128], path[512];
	int e;

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/dfl/devices/%.64s", dev_name);
	e = vfio_cdev_path(sysfs, path, sizeof(path), NULL, 0);
	if (e)
		die("no vfio cdev for %s", dev_name);
	return vfio_cdev_open_attached(path, &dev_fd, &iommufd);
}

static void dev_close(void)
{
	close(dev_fd);
	close(iommufd);
	dev_fd = iommufd = -1;
}

static int set_irq(uint32_t flags, int32_t fd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (void *)buf;

	set->argsz = sizeof(buf);
	set->flags = flags;
	set->index = 0;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &fd, sizeof(fd));
	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD))
		set->argsz = sizeof(*set);
	return ioctl(dev_fd, VFIO_DEVICE_SET_IRQS, set);
}

static void *ringer(void *arg)
{
	(void)arg;
	while (!stop) {
		ring_bar0();
		atomic_fetch_add(&rung, 1);
		usleep(200);
	}
	return NULL;
}

static void *irq_worker(void *arg)
{
	uint64_t seed = (uintptr_t)arg;
	int armed = eventfd(0, EFD_NONBLOCK), never = eventfd(0, EFD_NONBLOCK);

	while (!stop) {
		int r = 0;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		switch (seed >> 60 & 7) {
		case 0: case 1: case 2:	/* arm or replace */
			r = set_irq(VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_TRIGGER, armed);
			break;
		case 3: case 4:		/* disarm */
			r = set_irq(VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_TRIGGER, -1);
			break;
		case 5:
			r = set_irq(VFIO_IRQ_SET_DATA_NONE |
				    VFIO_IRQ_SET_ACTION_MASK, 0);
			break;
		case 6:
			r = set_irq(VFIO_IRQ_SET_DATA_NONE |
				    VFIO_IRQ_SET_ACTION_UNMASK, 0);
			break;
		default:
			atomic_fetch_add(&armed_events, eventfd_wait(armed, 0));
		}
		atomic_fetch_add(&ops, 1);
		if (r)
			atomic_fetch_add(&op_errors, 1);
	}
	atomic_fetch_add(&armed_events, eventfd_wait(armed, 50));
	atomic_fetch_add(&stray_events, eventfd_wait(never, 0));
	close(armed);
	close(never);
	return NULL;
}

static void *close_worker(void *arg)
{
	(void)arg;
	while (!stop) {
		int efd = eventfd(0, EFD_NONBLOCK);

		if (dev_open() ||
		    set_irq(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, efd))
			die("open and arm %s", dev_name);
		usleep(1000);	/* let the handler run */
		atomic_fetch_add(&armed_events, eventfd_wait(efd, 0));
		dev_close();	/* the last fd: frees the armed interrupt */
		close(efd);
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

/* The "replace" race: A and B take turns as index 0's trigger */
static int efd_ab[2] = { -1, -1 };

static void *swapper(void *arg)
{
	unsigned int i = 0;

	(void)arg;
	while (!stop) {
		i ^= 1;
		if (set_irq(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			    efd_ab[i]))
			atomic_fetch_add(&op_errors, 1);
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

/* Events on A and B together: waits up to MS ms for the first one */
static uint64_t wait_ab(int ms)
{
	struct pollfd p[2] = {
		{ .fd = efd_ab[0], .events = POLLIN },
		{ .fd = efd_ab[1], .events = POLLIN },
	};

	while (poll(p, 2, ms) < 0)
		if (errno != EINTR)	/* SIGALRM ends the race, not the wait */
			die("poll");
	return eventfd_wait(efd_ab[0], 0) + eventfd_wait(efd_ab[1], 0);
}

static int race_replace(int secs)
{
	unsigned long lost = 0, doubled = 0;
	uint64_t got = 0, ev;
	pthread_t th;

	efd_ab[0] = eventfd(0, EFD_NONBLOCK);
	efd_ab[1] = eventfd(0, EFD_NONBLOCK);
	if (efd_ab[0] < 0 || efd_ab[1] < 0)
		die("eventfd");
	if (dev_open())
		die("open %s", dev_name);
	if (set_irq(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, efd_ab[0]))
		die("arm index 0 of %s", dev_name);
	signal(SIGALRM, on_alarm);
	alarm(secs);
	pthread_create(&th, NULL, swapper, NULL);
	while (!stop && !lost) {
		ring_bar0();
		atomic_fetch_add(&rung, 1);
		ev = wait_ab(10000);
		if (!ev)
			lost++;		/* stops: the next ring would hide it */
		else if (ev > 1)
			doubled += ev - 1;
		got += ev;
	}
	stop = 1;
	pthread_join(th, NULL);
	got += wait_ab(1000);	/* none expected: each ring was answered */
	printf("# replace: %lu replacements (%lu refused), %lu doorbells, "
	       "%" PRIu64 " events on A and B\n", (unsigned long)ops,
	       (unsigned long)op_errors, (unsigned long)rung, got);
	close(efd_ab[0]);	/* the trigger keeps its own reference */
	close(efd_ab[1]);
	if (lost) {
		printf("# BROKEN: doorbell %lu gave no event in 10 s\n",
		       (unsigned long)rung);
		return 1;
	}
	if (got != rung || doubled || op_errors || ops < 2) {
		printf("# BROKEN: events != doorbells, a replacement failed, or none ran\n");
		return 1;
	}
	return 0;
}

/* The "open" race: shared between the two claiming processes */
struct claims {
	atomic_int cdev, group;		/* holding now */
	atomic_ulong cdev_wins, group_wins, both;
};

static void claim_cdev(struct claims *c)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	char sysfs[128], path[512];
	int fd, ifd;

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/dfl/devices/%.64s", dev_name);
	if (vfio_cdev_path(sysfs, path, sizeof(path), NULL, 0))
		die("no vfio cdev for %s", dev_name);
	while (!stop) {
		fd = open(path, O_RDWR);
		ifd = open("/dev/iommu", O_RDWR);
		bind.iommufd = ifd;
		if (fd >= 0 && ifd >= 0 &&
		    !ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
			atomic_store(&c->cdev, 1);
			if (atomic_load(&c->group))
				atomic_fetch_add(&c->both, 1);
			atomic_fetch_add(&c->cdev_wins, 1);
			usleep(500);
			atomic_store(&c->cdev, 0);
		}
		close(fd);
		close(ifd);
		usleep(300);
	}
}

static void claim_group(struct claims *c)
{
	char path[512], link[256];
	ssize_t n;
	int g, k, d;

	snprintf(path, sizeof(path), "/sys/bus/dfl/devices/%s/iommu_group", dev_name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("%s", path);
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	while (!stop) {
		g = open(path, O_RDWR);
		k = open("/dev/vfio/vfio", O_RDWR);
		d = -1;
		if (g >= 0 && k >= 0 &&
		    !ioctl(g, VFIO_GROUP_SET_CONTAINER, &k) &&
		    !ioctl(k, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
			d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, dev_name);
		if (d >= 0) {
			atomic_store(&c->group, 1);
			if (atomic_load(&c->cdev))
				atomic_fetch_add(&c->both, 1);
			atomic_fetch_add(&c->group_wins, 1);
			usleep(500);
			atomic_store(&c->group, 0);
			close(d);
		}
		close(k);
		close(g);
		usleep(300);
	}
}

static int race_open(int secs)
{
	struct claims *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t a, b;

	if (c == MAP_FAILED)
		die("mmap");
	memset(c, 0, sizeof(*c));
	a = fork();
	if (!a) {
		alarm(secs);
		signal(SIGALRM, on_alarm);
		claim_cdev(c);
		_exit(0);
	}
	b = fork();
	if (!b) {
		alarm(secs);
		signal(SIGALRM, on_alarm);
		claim_group(c);
		_exit(0);
	}
	if (waitpid(a, NULL, 0) < 0 || waitpid(b, NULL, 0) < 0)
		die("waitpid");
	printf("# open: cdev won %lu times, group %lu times, both at once %lu times\n",
	       (unsigned long)c->cdev_wins, (unsigned long)c->group_wins,
	       (unsigned long)c->both);
	if (c->both || !c->cdev_wins || !c->group_wins) {
		printf("# BROKEN: both held the device, or one side never won\n");
		return 1;
	}
	return 0;
}

static void *reset_worker(void *arg)
{
	(void)arg;
	while (!stop) {
		if (ioctl(dev_fd, VFIO_DEVICE_RESET))
			atomic_fetch_add(&op_errors, 1);
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

static int race_reset(int secs)
{
	pthread_t th[2];
	int i;

	if (dev_open())
		die("open %s", dev_name);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, reset_worker, NULL);
	sleep(secs);
	stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	dev_close();
	printf("# reset: %lu resets from two threads, %lu failed\n",
	       (unsigned long)ops, (unsigned long)op_errors);
	if (op_errors || ops < 2) {
		printf("# BROKEN: concurrent resets failed, or none ran\n");
		return 1;
	}
	return 0;
}

static bool irq_left(void)
{
	char line[512], tag[96];
	FILE *f = fopen("/proc/interrupts", "r");
	bool left = false;

	if (!f)
		die("/proc/interrupts");
	snprintf(tag, sizeof(tag), "(%s)", dev_name);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "vfio-dfl-irq") && strstr(line, tag))
			left = true;
	fclose(f);
	return left;
}

int main(int argc, char **argv)
{
	pthread_t th[4];
	int secs, efd, scratch, i, n, bad = 0;
	uint64_t got, pending, ev;
	bool irqs;

	if (argc == 4 && !strcmp(argv[1], "reset")) {
		dev_name = argv[2];
		return race_reset(atoi(argv[3]));
	}
	if (argc != 6 || (strcmp(argv[1], "irqs") && strcmp(argv[1], "close") &&
			  strcmp(argv[1], "open") && strcmp(argv[1], "replace")))
		die("usage: %s irqs|replace|close|open DEV BDF BELL SECONDS, "
		    "or reset DEV SECONDS", argv[0]);
	irqs = !strcmp(argv[1], "irqs");
	dev_name = argv[2];
	bell_ier = !strncmp(argv[4], "ier:", 4);
	bell = strtoull(argv[4] + (bell_ier ? 4 : 0), NULL, 0);
	secs = atoi(argv[5]);
	bar0 = pci_bar_map(argv[3], 0, (bell | 0xfff) + 1);

	if (!strcmp(argv[1], "open")) {
		bad = race_open(secs);
		goto clean;
	}
	if (!strcmp(argv[1], "replace")) {
		bad = race_replace(secs);
		goto clean;
	}
	if (irqs && dev_open())
		die("open %s", dev_name);
	pthread_create(&th[0], NULL, ringer, NULL);
	n = irqs ? 3 : 1;
	for (i = 0; i < n; i++)
		pthread_create(&th[1 + i], NULL, irqs ? irq_worker : close_worker,
			       (void *)(uintptr_t)(i + 1));
	sleep(secs);
	stop = 1;
	for (i = 0; i <= n; i++)
		pthread_join(th[i], NULL);
	printf("# %s: %lu operations (%lu refused), %lu doorbells, %lu events "
	       "on armed eventfds, %lu on never-armed ones\n", argv[1],
	       (unsigned long)ops, (unsigned long)op_errors, (unsigned long)rung,
	       (unsigned long)armed_events, (unsigned long)stray_events);
	if (stray_events || armed_events > rung) {
		printf("# BROKEN: events that no doorbell or armed eventfd explains\n");
		bad = 1;
	}
	if (!irqs && ops == 0) {
		printf("# BROKEN: no open/arm/close cycle completed\n");
		bad = 1;
	}

clean:
	/* Clean check: exactly one event per doorbell */
	if (dev_fd < 0 && dev_open())
		die("reopen %s", dev_name);
	/*
	 * The race can leave up to two edges of index 0 behind: one pending
	 * in the card's MSI-X PBA (rung while the vector was masked), one in
	 * the IRQ core (IRQS_PENDING, set when the handler ran into a
	 * disable_irq(); the next request_irq() resends it). Both arrive
	 * once the index is armed and unmasked, at the pace of the vCPUs:
	 * collect them on a scratch eventfd until it stays quiet for 1 s
	 * (or holds more than two, which fails the check below).
	 * Replacing the eventfd then waits for a running handler
	 * (synchronize_irq()), so the doorbells below start from nothing.
	 */
	scratch = eventfd(0, EFD_NONBLOCK);
	efd = eventfd(0, EFD_NONBLOCK);
	if (scratch < 0 || efd < 0)
		die("eventfd");
	set_irq(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0);
	if (set_irq(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, scratch))
		die("arm for the clean check");
	for (pending = 0; pending <= 2 && (ev = eventfd_wait(scratch, 1000)); )
		pending += ev;
	if (set_irq(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, efd))
		die("replace the eventfd for the clean check");
	close(scratch);
	for (got = 0, i = 0; i < 20; i++) {
		ring_bar0();
		got += eventfd_wait(efd, 10000);
	}
	usleep(50000);
	got += eventfd_wait(efd, 0);
	printf("# clean check: %" PRIu64 " pending on arm, 20 doorbells, %" PRIu64 " events\n",
	       pending, got);
	if (pending > 2 || got != 20) {
		printf("# BROKEN: interrupts are no longer counted exactly\n");
		bad = 1;
	}
	dev_close();
	close(efd);
	if (irq_left()) {
		printf("# BROKEN: an interrupt of %s is still requested after close\n",
		       dev_name);
		bad = 1;
	}
	return bad;
}
