// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-dfl-tool: a tiny userspace driver for one vfio-dfl device, used by
 * the guest tests and `make demo`. The device is a dfl_dev.N bound to
 * vfio-dfl; it is opened through /dev/vfio/devices/vfioX + iommufd.
 *
 *   vfio-dfl-tool info DEV
 *   vfio-dfl-tool scratch DEV OFFSET VALUE    write 64 bits, read back
 *   vfio-dfl-tool irq DEV INDEX TRIGGER N     arm INDEX, fire it N times
 *   vfio-dfl-tool hold DEV OFFSET SECONDS [LINGER [TRIGGER]]
 *                                             hold fd + mapping + iommufd
 *                                             (and IRQ index 0 armed, index 1
 *                                             armed and masked, if any)
 *                                             until the device is requested,
 *                                             then LINGER seconds more or
 *                                             until SIGTERM; with TRIGGER,
 *                                             index 0 is fired once and its
 *                                             event awaited, then a thread
 *                                             fires every armed index (0,
 *                                             and 1 if any) until the
 *                                             request
 *   vfio-dfl-tool idle DEV SECONDS            hold fd (+ mapping) + iommufd
 *                                             with no eventfd at all, not
 *                                             even the request's, for
 *                                             SECONDS or until SIGTERM
 *   vfio-dfl-tool pread DEV OFFSET SIZE       one pread() of SIZE bytes,
 *                                             printed as hex bytes
 *   vfio-dfl-tool pwrite DEV OFFSET HEXBYTES  one pwrite() of those bytes
 *   vfio-dfl-tool poke DEV OFFSET HEXBYTES    pwrite(), then pread() of the
 *                                             same bytes, printed, in one
 *                                             open (no reset in between)
 *   vfio-dfl-tool try-open DEV                open + bind + attach, and
 *                                             close: print "open: RESULT
 *                                             in N ms" (and "close: N ms")
 *   vfio-dfl-tool wedge DEV                   with DFL_CARD_DBG (the card
 *                                             model's HSSI): VFIO_DEVICE_RESET
 *                                             with the HSSI wedged, then
 *                                             resumed, then close wedged;
 *                                             print each result and time
 *
 * TRIGGER says how to fire a feature interrupt: a number is the offset of
 * a test doorbell of the card model (write the index there), "ier:OFF"
 * the offset of a 16550's IER (the VUART: IER = 0, then IER = THRI, a
 * rising edge of its line while its transmitter is empty; index 0 only).
 *
 * With DFL_CARD_DBG=BDF (the card model only), pread and pwrite zero the
 * BAR4 access counters of the card at BDF once the device is open (after
 * vfio-dfl's reset on open) and print, after the data, a line
 * "widths r1 R r2 R r4 R r8 R w1 W w2 W w4 W w8 W" read right after the
 * one access (before the reset on close): the accesses the card saw for
 * it, and for nothing else.
 */
#include <dirent.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include "vfio-dev.h"

struct dev {
	int fd, iommufd;
	struct vfio_device_info_cap_dfl cap;
	uint32_t param_size;		/* of VFIO_DEVICE_INFO_CAP_DFL_PARAMS */
	uint32_t num_feature_irqs;	/* num_irqs - 1: the request is last */
	struct vfio_region_info reg;
	volatile uint8_t *map;
};

static void dev_open(struct dev *d, const char *name)
{
	char path[512], buf[4096];
	struct vfio_device_info *info = (void *)buf;
	struct vfio_info_cap_header *h;
	int e;

	memset(d, 0, sizeof(*d));
	snprintf(buf, sizeof(buf), "/sys/bus/dfl/devices/%.64s", name);
	e = vfio_cdev_path(buf, path, sizeof(path), NULL, 0);
	if (e) {
		errno = -e;
		die("no vfio cdev for %s (is it bound to vfio-dfl?)", name);
	}
	e = vfio_cdev_open_attached(path, &d->fd, &d->iommufd);
	if (e) {
		errno = -e;
		die("open %s, bind iommufd, attach", path);
	}

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, info))
		die("VFIO_DEVICE_GET_INFO");
	for (h = info->cap_offset ? (void *)(buf + info->cap_offset) : NULL; h;
	     h = h->next ? (void *)(buf + h->next) : NULL)
		if (h->id == VFIO_DEVICE_INFO_CAP_DFL)
			memcpy(&d->cap, h, sizeof(d->cap));
		else if (h->id == VFIO_DEVICE_INFO_CAP_DFL_PARAMS)
			d->param_size =
				((struct vfio_device_info_cap_dfl_params *)h)->size;
	if (d->cap.header.id != VFIO_DEVICE_INFO_CAP_DFL)
		die("no VFIO_DEVICE_INFO_CAP_DFL");
	if (!info->num_irqs)
		die("no IRQ index, not even the request's");
	d->num_feature_irqs = info->num_irqs - 1;

	d->reg.argsz = sizeof(d->reg);
	d->reg.index = 0;
	if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &d->reg))
		die("VFIO_DEVICE_GET_REGION_INFO");
	if (d->reg.flags & VFIO_REGION_INFO_FLAG_MMAP) {
		d->map = mmap(NULL, d->reg.size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, d->fd, d->reg.offset);
		if (d->map == MAP_FAILED)
			die("mmap region 0");
	}
}

static void dev_close(struct dev *d)
{
	if (d->map)
		munmap((void *)d->map, d->reg.size);
	close(d->fd);
	close(d->iommufd);
}

static uint64_t rd64(struct dev *d, uint64_t off)
{
	uint64_t v;

	if (pread(d->fd, &v, 8, d->reg.offset + off) != 8)
		die("read offset 0x%" PRIx64, off);
	return v;
}

static void wr64(struct dev *d, uint64_t off, uint64_t v)
{
	if (pwrite(d->fd, &v, 8, d->reg.offset + off) != 8)
		die("write offset 0x%" PRIx64, off);
}

static int set_trigger(struct dev *d, unsigned int index, int efd)
{
	return vfio_set_trigger(d->fd, index, efd);
}


static int set_mask(struct dev *d, unsigned int index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
		.index = index,
		.count = 1,
	};

	return ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &set);
}

/* How to fire a feature interrupt, see TRIGGER above */
struct trig {
	bool ier;
	uint64_t off;
};

static struct trig parse_trig(const char *s)
{
	struct trig t = { .ier = !strncmp(s, "ier:", 4) };

	t.off = strtoull(t.ier ? s + 4 : s, NULL, 0);
	return t;
}

static void fire(struct dev *d, const struct trig *t, unsigned int index)
{
	uint32_t ier;

	if (!t->ier) {
		wr64(d, t->off, index);
		return;
	}
	if (index)
		die("a 16550 has one interrupt, not index %u", index);
	for (ier = 0; ier <= 2; ier += 2)	/* 0, then UART_IER_THRI */
		if (pwrite(d->fd, &ier, 4, d->reg.offset + t->off) != 4)
			die("write IER at 0x%" PRIx64, t->off);
}

/* The ringer of "hold": fires the armed indexes until told to stop */
struct ringer {
	struct dev *d;
	struct trig trig;
	unsigned int nidx;	/* 1: index 0 only, 2: indexes 0 and 1 */
	uint64_t rung;
	uint64_t events0;	/* of the doorbell rung before the thread */
	volatile int stop;
};

static void *ring(void *arg)
{
	struct ringer *r = arg;

	while (!r->stop) {
		fire(r->d, &r->trig, r->rung % r->nidx);
		r->rung++;
		usleep(1000);
	}
	return NULL;
}

static volatile sig_atomic_t stop;

#define DBG_CTRL	0x58
#define DBG_HSSI_WEDGE	0x98

/* The card model's BAR4 counters, zeroed, if DFL_CARD_DBG names a card */
static volatile uint64_t *dbg_open(void)
{
	const char *bdf = getenv("DFL_CARD_DBG");
	volatile uint64_t *regs;

	if (!bdf || !*bdf)
		return NULL;
	regs = dfl_dbg_map(bdf);
	regs[DBG_CTRL / 8] = 1;
	return regs;
}

static void dbg_print(volatile uint64_t *regs)
{
	static const char *const names[] = {
		"r1", "r2", "r4", "r8", "w1", "w2", "w4", "w8",
	};
	unsigned int i;

	if (!regs)
		return;
	printf("widths");
	for (i = 0; i < 8; i++)
		printf(" %s %" PRIu64, names[i], regs[i]);
	printf("\n");
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long long ms_since(long long t0)
{
	return (now_ns() - t0) / 1000000;
}

/* try-open: an open that may fail, timed; 0 whatever the result */
static int try_open(const char *name)
{
	char sys[128], path[512];
	int fd, ifd, e;
	long long t0;

	snprintf(sys, sizeof(sys), "/sys/bus/dfl/devices/%.64s", name);
	e = vfio_cdev_path(sys, path, sizeof(path), NULL, 0);
	if (e) {
		errno = -e;
		die("no vfio cdev for %s (is it bound to vfio-dfl?)", name);
	}
	t0 = now_ns();
	e = vfio_cdev_open_attached(path, &fd, &ifd);
	printf("open: %s in %lld ms\n", e ? strerror(-e) : "ok", ms_since(t0));
	if (!e) {
		t0 = now_ns();
		close(fd);
		close(ifd);
		printf("close: %lld ms\n", ms_since(t0));
	}
	return 0;
}

/* wedge: the HSSI's reset with the card model's subsystem wedged */
static int wedge(struct dev *d)
{
	volatile uint64_t *regs = dbg_open();
	long long t0;
	int i, r;

	if (!regs)
		die("wedge needs DFL_CARD_DBG=BDF of the card model");
	for (i = 1; i >= 0; i--) {
		regs[DBG_HSSI_WEDGE / 8] = i;
		t0 = now_ns();
		r = ioctl(d->fd, VFIO_DEVICE_RESET);
		printf("reset %s: %s in %lld ms\n", i ? "wedged" : "resumed",
		       r ? strerror(errno) : "ok", ms_since(t0));
	}
	regs[DBG_HSSI_WEDGE / 8] = 1;
	t0 = now_ns();
	dev_close(d);
	printf("close wedged: %lld ms\n", ms_since(t0));
	regs[DBG_HSSI_WEDGE / 8] = 0;
	return 0;
}

int main(int argc, char **argv)
{
	struct dev d;

	if (argc < 3)
		die("usage: see the comment at the top of %s", __FILE__);
	if (!strcmp(argv[1], "try-open") && argc == 3)
		return try_open(argv[2]);
	dev_open(&d, argv[2]);
	if (!strcmp(argv[1], "wedge") && argc == 3)
		return wedge(&d);

	if (!strcmp(argv[1], "info")) {
		printf("%s: fiu_type %u feature_id 0x%x revision %u dfh_version %u "
		       "guid %016llx%016llx group %u instance %u "
		       "feature_irqs %u param_bytes %u "
		       "region size 0x%llx flags 0x%x%s\n", argv[2],
		       d.cap.fiu_type, d.cap.feature_id, d.cap.revision,
		       d.cap.dfh_version, (unsigned long long)d.cap.guid_h,
		       (unsigned long long)d.cap.guid_l, d.cap.group_id,
		       d.cap.instance_id, d.num_feature_irqs,
		       d.param_size,
		       (unsigned long long)d.reg.size, d.reg.flags,
		       d.map ? " (mmap)" : "");
	} else if (!strcmp(argv[1], "scratch") && argc == 5) {
		uint64_t off = strtoull(argv[3], NULL, 0);
		uint64_t v = strtoull(argv[4], NULL, 0), r;

		wr64(&d, off, v);
		r = rd64(&d, off);
		printf("scratch 0x%" PRIx64 ": wrote 0x%016" PRIx64 ", read 0x%016" PRIx64 "\n",
		       off, v, r);
		if (r != v)
			return 1;
	} else if (!strcmp(argv[1], "irq") && argc == 6) {
		unsigned int index = strtoul(argv[3], NULL, 0);
		struct trig trig = parse_trig(argv[4]);
		unsigned int n = strtoul(argv[5], NULL, 0), i;
		uint64_t got = 0, stale;
		int efd = eventfd(0, EFD_NONBLOCK);

		if (efd < 0 || set_trigger(&d, index, efd))
			die("arm IRQ index %u", index);
		/*
		 * The open reset the feature, but a message an earlier
		 * user's interrupt left pending may arrive once on arming
		 * (the uAPI allows one): count it apart.
		 */
		stale = eventfd_wait(efd, 200);
		for (i = 0; i < n; i++) {
			fire(&d, &trig, index);
			got += eventfd_wait(efd, 10000);
		}
		printf("IRQ index %u: fired %u times, %" PRIu64 " eventfd events (%" PRIu64 " stale on arm)\n",
		       index, n, got, stale);
		if (got != n || stale > 1)
			return 1;
	} else if (!strcmp(argv[1], "pread") && argc == 5) {
		uint64_t off = strtoull(argv[3], NULL, 0);
		size_t i, n = strtoul(argv[4], NULL, 0);
		uint8_t buf[256];
		volatile uint64_t *dbg;

		if (n > sizeof(buf))
			die("pread of %zu bytes: at most %zu", n, sizeof(buf));
		dbg = dbg_open();
		if (pread(d.fd, buf, n, d.reg.offset + off) != (ssize_t)n)
			die("pread %zu bytes at 0x%" PRIx64, n, off);
		for (i = 0; i < n; i++)
			printf("%02x", buf[i]);
		printf("\n");
		dbg_print(dbg);
	} else if ((!strcmp(argv[1], "pwrite") || !strcmp(argv[1], "poke")) &&
		   argc == 5) {
		uint64_t off = strtoull(argv[3], NULL, 0);
		size_t i, n = strlen(argv[4]) / 2;
		volatile uint64_t *dbg;
		uint8_t buf[256];
		unsigned int b;

		if (n > sizeof(buf) || strlen(argv[4]) % 2)
			die("bad byte string %s", argv[4]);
		for (i = 0; i < n; i++) {
			if (sscanf(argv[4] + 2 * i, "%2x", &b) != 1)
				die("bad byte string %s", argv[4]);
			buf[i] = b;
		}
		dbg = dbg_open();
		if (pwrite(d.fd, buf, n, d.reg.offset + off) != (ssize_t)n)
			die("pwrite %zu bytes at 0x%" PRIx64, n, off);
		dbg_print(dbg);
		if (!strcmp(argv[1], "poke")) {
			if (pread(d.fd, buf, n, d.reg.offset + off) != (ssize_t)n)
				die("pread %zu bytes at 0x%" PRIx64, n, off);
			for (i = 0; i < n; i++)
				printf("%02x", buf[i]);
			printf("\n");
		}
	} else if (!strcmp(argv[1], "idle") && argc == 4) {
		int secs = atoi(argv[3]);

		signal(SIGTERM, on_term);
		printf("ready: holding %s (fd, %s, iommufd, no eventfd)\n",
		       argv[2], d.map ? "mapping" : "no mapping");
		fflush(stdout);
		while (!stop && secs-- > 0)
			sleep(1);
		printf("released %s (%s)\n", argv[2], stop ? "SIGTERM" : "timeout");
	} else if (!strcmp(argv[1], "hold") && argc >= 5 && argc <= 7) {
		uint64_t off = strtoull(argv[3], NULL, 0);
		int secs = atoi(argv[4]), efd = eventfd(0, EFD_NONBLOCK);
		int linger = argc >= 6 ? atoi(argv[5]) : 0;
		struct ringer r = { .d = &d };
		int efd0 = -1, efd1 = -1;
		pthread_t ringer;
		uint64_t n = 0;

		signal(SIGTERM, on_term);
		if (efd < 0 || set_trigger(&d, d.num_feature_irqs, efd))
			die("arm the request index");
		/*
		 * A removal must also free an armed feature interrupt, and an
		 * armed and masked one.
		 */
		if (d.num_feature_irqs) {
			efd0 = eventfd(0, EFD_NONBLOCK);
			if (efd0 < 0 || set_trigger(&d, 0, efd0))
				die("arm IRQ index 0");
		}
		if (d.num_feature_irqs > 1) {
			efd1 = eventfd(0, EFD_NONBLOCK);
			if (efd1 < 0 || set_trigger(&d, 1, efd1) ||
			    set_mask(&d, 1))
				die("arm and mask IRQ index 1");
		}
		if (argc == 7) {
			if (efd0 < 0)
				die("TRIGGER needs a feature with an interrupt");
			r.trig = parse_trig(argv[6]);
			r.nidx = efd1 >= 0 ? 2 : 1;
			/*
			 * One firing and its event before "ready": the
			 * counts printed after the request then hold at least
			 * one of each, however soon the request comes.
			 */
			fire(&d, &r.trig, 0);
			r.rung = 1;
			r.events0 = eventfd_wait(efd0, 10000);
			if (!r.events0)
				die("no event on index 0 within 10 s of its firing");
			if (pthread_create(&ringer, NULL, ring, &r))
				die("start the ringer thread");
		}
		printf("ready: holding %s (fd, %s, iommufd, %u feature irq(s) armed%s%s)\n",
		       argv[2], d.map ? "mapping" : "no mapping",
		       d.num_feature_irqs > 1 ? 2 : d.num_feature_irqs,
		       efd1 >= 0 ? ", index 1 masked" : "",
		       argc == 7 ? ", firing" : "");
		fflush(stdout);
		while (!stop && secs-- > 0 && !(n = eventfd_wait(efd, 1000)))
			;
		if (argc == 7) {
			uint64_t e0, e1;

			r.stop = 1;
			pthread_join(ringer, NULL);
			e0 = r.events0 + eventfd_wait(efd0, 100);
			printf("fired: %" PRIu64 " times, %" PRIu64
			       " events on index 0", r.rung, e0);
			if (efd1 >= 0) {
				e1 = eventfd_wait(efd1, 100);
				printf(", %" PRIu64 " on masked index 1", e1);
			}
			printf("\n");
		}
		if (stop) {
			printf("terminated before any request\n");
			dev_close(&d);
			return 3;
		}
		if (!n) {
			printf("no request within the timeout\n");
			return 2;
		}
		printf("request received\n");
		fflush(stdout);
		if (linger)
			sleep(linger);	/* returns early on SIGTERM */
		printf("read after request: 0x%016" PRIx64 " (pread)", rd64(&d, off));
		if (d.map)
			printf(", 0x%016" PRIx64 " (mapping)",
			       *(volatile uint64_t *)(d.map + off));
		printf("\n");
		dev_close(&d);
		printf("released\n");
		fflush(stdout);
		return 0;
	} else {
		die("unknown command %s", argv[1]);
	}
	dev_close(&d);
	return 0;
}
