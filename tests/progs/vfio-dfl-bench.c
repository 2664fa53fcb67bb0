// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-dfl-bench: vfio-dfl against its peers, side by side in one boot.
 * Harness, not the series: `make bench` (scripts/bench.sh) runs it on the
 * bench kernel, `make check` (tests/guest/11-bench-smoke.sh) once on the
 * test kernel with few iterations. It prints measured figures, never a
 * verdict on them.
 *
 *   vfio-dfl-bench run KEY=VALUE...
 *   vfio-dfl-bench validate FILE      (exit 0 if FILE is well-formed JSON)
 *
 * Keys of "run" (numbers in C notation):
 *   dfl=dfl_dev.N      a page-aligned feature bound to vfio-dfl (card A;
 *                      the HSSI)
 *   uio=dfl_dev.N      a feature bound to uio_dfl (card A)
 *   pci=BDF            card B, bound whole to vfio-pci
 *   pci_off=OFF        BAR0 offset of dfl's registers on card B (0x2000)
 *   uio_off=OFF        offset of a scratch register in uio's map 0
 *   scratch=OFF        scratch register in dfl's region (0x820, the
 *                      HSSI's scratchpad)
 *   vuart=dfl_dev.N    card A's OFS VUART, bound to vfio-dfl
 *   ier=OFF            offset of its IER in its region (default 0x4)
 *   pci_ier=OFF        BAR0 offset of card B's VUART IER
 *   pci_vector=V       card B's MSI-X vector of its VUART (default 5)
 *   iters=N            samples per figure (interleaved), batch=K ops per
 *                      sample of an access figure, irq_iters=N,
 *                      open_iters=N, gap_us=U (interrupt spacing)
 *
 * The interrupt figures fire the VUART's interrupt the same way on both
 * sides, as any 16550 can: pwrite() IER = 0, then IER = THRI (a rising
 * edge of its line while the transmitter is empty), through the vfio-dfl
 * device on card A and through card B's BAR0 region of vfio-pci, and time
 * it to the return of the blocked eventfd read.
 *   json=FILE          the figures, machine-readable
 *   mode=NAME          recorded in the JSON (smoke or full)
 *
 * Every figure is the median and p99 (nearest rank) of its samples, in
 * ns (per operation for access figures). Subjects are interleaved sample
 * by sample, in alternating order, so drift and noise hit them alike.
 * The ratio is vfio-dfl's median over the peer's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <linux/pci_regs.h>
#include "vfio-dev.h"

/* ---- parameters -------------------------------------------------------- */

static const char *p_dfl, *p_uio, *p_pci, *p_vuart, *p_json,
		  *p_mode = "full";
static uint64_t p_pci_off = 0x2000, p_uio_off = 0x8, p_scratch = 0x820,
		p_ier = 0x4, p_pci_ier, p_pci_vector = 5;
static unsigned int p_iters = 2000, p_batch = 16, p_irq_iters = 1000,
		    p_open_iters = 50, p_gap_us = 1000;

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		die("bad number '%s'", s);
	return v;
}

static void parse(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *k = argv[i], *v = strchr(k, '=');

		if (!v)
			die("argument '%s' is not KEY=VALUE", k);
		*v++ = 0;
#define S(name) if (!strcmp(k, #name)) { p_##name = v; continue; }
#define N(name) if (!strcmp(k, #name)) { p_##name = num(v); continue; }
		S(dfl) S(uio) S(pci) S(vuart) S(json) S(mode)
		N(pci_off) N(uio_off) N(scratch) N(ier) N(pci_ier)
		N(pci_vector) N(iters) N(batch) N(irq_iters) N(open_iters)
		N(gap_us)
#undef S
#undef N
		errno = EINVAL;
		die("unknown key '%s'", k);
	}
	if (!p_dfl || !p_uio || !p_pci || !p_vuart || !p_pci_ier || !p_json)
		die("dfl=, uio=, pci=, vuart=, pci_ier= and json= are required");
	if (!p_iters || !p_batch || !p_irq_iters || !p_open_iters)
		die("iteration counts must not be 0");
}

/* ---- time and statistics ----------------------------------------------- */

struct samples {
	double *v;
	unsigned int n, cap;
};

static void add(struct samples *s, double x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("realloc");
	}
	s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat_fig {
	double median, p99, q[4];	/* q: p10, p25, p75, p90 */
	unsigned int n;
};

/* nearest rank: the smallest sample with pct % of them at or below it */
static double rank(const struct samples *s, unsigned int pct)
{
	unsigned int r = (pct * s->n + 99) / 100;

	return s->v[(r ? r : 1) - 1];
}

static struct stat_fig stats(struct samples *s)
{
	struct stat_fig f = { NAN, NAN, { NAN, NAN, NAN, NAN }, s->n };

	if (!s->n)
		return f;
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	f.median = s->n % 2 ? s->v[s->n / 2] :
		   (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
	f.p99 = rank(s, 99);
	f.q[0] = rank(s, 10);
	f.q[1] = rank(s, 25);
	f.q[2] = rank(s, 75);
	f.q[3] = rank(s, 90);
	return f;
}

/* ---- results: table rows and JSON lines -------------------------------- */

#define MAX_PEERS 2
struct figure {
	const char *name, *unit, *what;
	struct stat_fig dfl;
	const char *peer[MAX_PEERS];
	struct stat_fig peer_st[MAX_PEERS];
	int npeers;
};

static struct figure figs[32];
static int nfigs;

static struct figure *figure(const char *name, const char *unit,
			     const char *what, struct samples *dfl)
{
	struct figure *f = &figs[nfigs++];

	if (nfigs > (int)(sizeof(figs) / sizeof(figs[0])))
		die("too many figures");
	f->name = name;
	f->unit = unit;
	f->what = what;
	f->dfl = stats(dfl);
	return f;
}

static void peer(struct figure *f, const char *name, struct samples *s)
{
	f->peer[f->npeers] = name;
	f->peer_st[f->npeers++] = stats(s);
}

static void fmt(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v >= 100)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

static void json_stat(FILE *o, const char *key, struct stat_fig s)
{
	fprintf(o, "\"%s\": {\"median\": %.1f, \"p99\": %.1f, \"p10\": %.1f, "
		"\"p25\": %.1f, \"p75\": %.1f, \"p90\": %.1f, \"n\": %u}",
		key, isnan(s.median) ? -1.0 : s.median,
		isnan(s.p99) ? -1.0 : s.p99, isnan(s.q[0]) ? -1.0 : s.q[0],
		isnan(s.q[1]) ? -1.0 : s.q[1], isnan(s.q[2]) ? -1.0 : s.q[2],
		isnan(s.q[3]) ? -1.0 : s.q[3], s.n);
}

/* ---- sysfs helpers ----------------------------------------------------- */

/* Linux IRQ number of the /proc/interrupts line naming NAME */
static int irq_by_name(const char *name)
{
	char line[1024];
	int irq = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		die("open /proc/interrupts");
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		while (isspace((unsigned char)*p))
			p++;
		if (!isdigit((unsigned char)*p))
			continue;
		if (strstr(line, name)) {
			irq = atoi(p);
			break;
		}
	}
	fclose(f);
	return irq;
}

static int set_irq_cpu(int irq, int cpu)
{
	char p[128], v[16];

	snprintf(p, sizeof(p), "/proc/irq/%d/smp_affinity_list", irq);
	snprintf(v, sizeof(v), "%d", cpu);
	return write_str(p, v);
}

static int irq_effective_cpu(int irq)
{
	char p[128], v[64];

	snprintf(p, sizeof(p), "/proc/irq/%d/effective_affinity_list", irq);
	if (read_sysfs(p, v, sizeof(v)))
		return -1;
	return atoi(v);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity %d", cpu);
}

/* ---- the devices ------------------------------------------------------- */

struct vdev {
	const char *label;
	char sysfs[256], cdev[256];
	int fd, iommufd;
	uint64_t off;		/* file offset of the registers (region + base) */
	volatile uint8_t *map;	/* mapping of the registers */
	size_t map_len;
	uint64_t map_off;	/* offset of the registers in the mapping */
};

static void vdev_open(struct vdev *d)
{
	int e;

	if (vfio_cdev_path(d->sysfs, d->cdev, sizeof(d->cdev), NULL, 0))
		die("%s: no VFIO cdev under %s", d->label, d->sysfs);
	e = vfio_cdev_open_attached(d->cdev, &d->fd, &d->iommufd);
	if (e) {
		errno = -e;
		die("%s: open/bind/attach %s", d->label, d->cdev);
	}
}

static void region(int fd, unsigned int index, struct vfio_region_info *r)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, r))
		die("VFIO_DEVICE_GET_REGION_INFO %u", index);
}

static struct vdev D, P;	/* vfio-dfl feature, vfio-pci card B */
static struct vdev U;		/* card A's VUART on vfio-dfl */
static uint64_t P_bar0;		/* file offset of card B's BAR0 region */
static volatile uint8_t *uio_map;
static size_t uio_len;

static void resolve(void)
{
	D.label = "vfio-dfl";
	snprintf(D.sysfs, sizeof(D.sysfs), "/sys/bus/dfl/devices/%s", p_dfl);
	if (vfio_cdev_path(D.sysfs, D.cdev, sizeof(D.cdev), NULL, 0))
		die("vfio-dfl: no VFIO cdev under %s", D.sysfs);
	U.label = "vfio-dfl (VUART)";
	snprintf(U.sysfs, sizeof(U.sysfs), "/sys/bus/dfl/devices/%s", p_vuart);
	if (vfio_cdev_path(U.sysfs, U.cdev, sizeof(U.cdev), NULL, 0))
		die("vfio-dfl: no VFIO cdev under %s", U.sysfs);
	P.label = "vfio-pci";
	snprintf(P.sysfs, sizeof(P.sysfs), "/sys/bus/pci/devices/%s", p_pci);
	if (vfio_cdev_path(P.sysfs, P.cdev, sizeof(P.cdev), NULL, 0))
		die("vfio-pci: no VFIO cdev under %s", P.sysfs);
}

/* Open the devices for the access and interrupt figures */
static void setup(void)
{
	struct vfio_region_info r;
	char p[512], name[64];
	uint16_t cmd;

	vdev_open(&D);
	region(D.fd, 0, &r);
	if (!(r.flags & VFIO_REGION_INFO_FLAG_MMAP) || r.size < 4096)
		die("vfio-dfl region 0 of %s is not a mappable page", p_dfl);
	D.off = r.offset;
	D.map_len = 4096;
	D.map = mmap(NULL, D.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, D.fd, r.offset);
	if (D.map == MAP_FAILED)
		die("mmap vfio-dfl");

	vdev_open(&U);
	region(U.fd, 0, &r);
	if (p_ier + 4 > r.size)
		die("IER at 0x%" PRIx64 " is outside %s's region", p_ier, p_vuart);
	U.off = r.offset;

	vdev_open(&P);
	region(P.fd, VFIO_PCI_BAR0_REGION_INDEX, &r);
	if (!(r.flags & VFIO_REGION_INFO_FLAG_MMAP) || p_pci_off + 4096 > r.size)
		die("card B BAR0 not mappable or 0x%" PRIx64 " outside it", p_pci_off);
	P.off = r.offset + p_pci_off;
	P_bar0 = r.offset;
	if (p_pci_ier + 4 > r.size)
		die("card B's VUART IER 0x%" PRIx64 " is outside BAR0", p_pci_ier);
	P.map_len = r.size;
	P.map = mmap(NULL, P.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, P.fd, r.offset);
	if (P.map == MAP_FAILED)
		die("mmap vfio-pci BAR0");
	P.map_off = p_pci_off;
	/* MSI-X messages are memory writes: bus mastering on */
	region(P.fd, VFIO_PCI_CONFIG_REGION_INDEX, &r);
	if (pread(P.fd, &cmd, 2, r.offset + PCI_COMMAND) != 2)
		die("read PCI_COMMAND");
	cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	if (pwrite(P.fd, &cmd, 2, r.offset + PCI_COMMAND) != 2)
		die("write PCI_COMMAND");

	snprintf(p, sizeof(p), "/sys/bus/dfl/devices/%s/uio", p_uio);
	{
		DIR *dir = opendir(p);
		struct dirent *de;

		if (!dir)
			die("%s has no uio device (bound to uio_dfl?)", p_uio);
		while ((de = readdir(dir)) && strncmp(de->d_name, "uio", 3))
			;
		if (!de)
			die("no uioN under %s", p);
		snprintf(name, sizeof(name), "%.60s", de->d_name);
		closedir(dir);
	}
	snprintf(p, sizeof(p), "/sys/class/uio/%s/maps/map0/size", name);
	uio_len = read_sysfs_ull(p);
	uio_map = feature_map("uio", name + strlen("uio"), uio_len);
	if (p_uio_off + 8 > uio_len)
		die("uio_off 0x%" PRIx64 " outside the map", p_uio_off);
}

/* ---- figures: syscalls and loads/stores -------------------------------- */

static void rw_figure(const char *name, size_t len, uint64_t off, bool wr)
{
	static uint8_t buf[4096];
	struct samples sd = { 0 }, sp = { 0 };
	struct vdev *dv[2] = { &D, &P };
	struct samples *sv[2] = { &sd, &sp };

	memset(buf, 0xff, sizeof(buf));	/* doorbell value ~0: ignored */
	for (unsigned int i = 0; i < p_iters; i++) {
		for (int k = 0; k < 2; k++) {
			int j = (i + k) & 1;
			uint64_t t0 = now_ns();

			for (unsigned int b = 0; b < p_batch; b++) {
				ssize_t n = wr ? pwrite(dv[j]->fd, buf, len, dv[j]->off + off)
					       : pread(dv[j]->fd, buf, len, dv[j]->off + off);
				if (n != (ssize_t)len)
					die("%s %s: %zd", dv[j]->label, name, n);
			}
			add(sv[j], (double)(now_ns() - t0) / p_batch);
		}
	}
	peer(figure(name, "ns", wr ? "pwrite" : "pread", &sd), "vfio-pci", &sp);
	free(sd.v);
	free(sp.v);
}

static void mmap_figure(const char *name, bool store)
{
	volatile uint64_t *r[3] = {
		(volatile uint64_t *)(D.map + p_scratch),
		(volatile uint64_t *)(uio_map + p_uio_off),
		(volatile uint64_t *)(P.map + P.map_off + p_scratch),
	};
	struct samples s[3] = { { 0 } };
	uint64_t sink = 0;

	for (unsigned int i = 0; i < p_iters; i++) {
		for (int k = 0; k < 3; k++) {
			int j = (i + k) % 3;
			uint64_t t0 = now_ns();

			for (unsigned int b = 0; b < p_batch; b++) {
				if (store)
					*r[j] = b;
				else
					sink += *r[j];
			}
			add(&s[j], (double)(now_ns() - t0) / p_batch);
		}
	}
	(void)sink;
	struct figure *f = figure(name, "ns", store ? "store" : "load", &s[0]);

	peer(f, "uio_dfl", &s[1]);
	peer(f, "vfio-pci", &s[2]);
	for (int j = 0; j < 3; j++)
		free(s[j].v);
}

/* ---- interrupt latency ------------------------------------------------- */

struct irqsub {
	const char *label;
	int efd, done, cpu;
	int fd;			/* the VFIO device that fires it */
	uint64_t ier;		/* file offset of the VUART's IER */
	_Atomic uint64_t t0;
	_Atomic int stop;
	struct samples s;
	uint64_t events;
	pthread_t th;
};

static void *reader(void *arg)
{
	struct irqsub *q = arg;
	uint64_t v, one = 1;

	pin(q->cpu);
	for (;;) {
		if (read(q->efd, &v, sizeof(v)) != sizeof(v))
			die("%s: read eventfd", q->label);
		uint64_t t1 = now_ns();

		if (atomic_load(&q->stop))
			break;
		q->events += v;
		add(&q->s, (double)(t1 - atomic_load(&q->t0)));
		if (write(q->done, &one, sizeof(one)) != sizeof(one))
			die("write done");
	}
	return NULL;
}

struct irq_result {
	unsigned int timeouts[2];
	uint64_t events[2], rung[2];
	int eff[2];
};

/* The VUART's line: IER = 0, then IER = THRI, a rising edge */
static void fire(const struct irqsub *q)
{
	uint32_t ier;

	for (ier = 0; ier <= 2; ier += 2)
		if (pwrite(q->fd, &ier, 4, q->ier) != 4)
			die("%s: write IER", q->label);
}

/*
 * One case: readers pinned to rcpu, blocked in read(); the interrupts'
 * affinity on icpu; the writer (this thread) on wcpu fires the VUARTs'
 * interrupts through the VFIO devices, alternating, one at a time.
 */
static void irq_case(struct irqsub *q, int irqs[2], int rcpu, int icpu,
		     int wcpu, struct samples *out, struct irq_result *res)
{
	memset(res, 0, sizeof(*res));
	pin(wcpu);
	for (int j = 0; j < 2; j++) {
		if (set_irq_cpu(irqs[j], icpu))
			die("set affinity of IRQ %d to CPU %d", irqs[j], icpu);
		res->eff[j] = irq_effective_cpu(irqs[j]);
		q[j].cpu = rcpu;
		q[j].events = 0;
		q[j].s = (struct samples){ 0 };
		atomic_store(&q[j].stop, 0);
		if (pthread_create(&q[j].th, NULL, reader, &q[j]))
			die("pthread_create");
	}
	usleep(20000);
	for (unsigned int i = 0; i < p_irq_iters; i++) {
		for (int k = 0; k < 2; k++) {
			int j = (i + k) & 1;

			usleep(p_gap_us);	/* the reader is back in read() */
			atomic_store(&q[j].t0, now_ns());
			fire(&q[j]);
			res->rung[j]++;
			if (!eventfd_wait(q[j].done, 10000))
				res->timeouts[j]++;
		}
	}
	for (int j = 0; j < 2; j++) {
		uint64_t one = 1;

		atomic_store(&q[j].stop, 1);
		if (write(q[j].efd, &one, sizeof(one)) != sizeof(one))
			die("write eventfd");
		pthread_join(q[j].th, NULL);
		res->events[j] = q[j].events;
		out[j] = q[j].s;
	}
}

static struct irq_result irq_res[2];
static int irq_cpus[2][3];
static int have_cross;

static void irq_figures(void)
{
	struct irqsub q[2] = { { 0 } };
	int irqs[2], ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char name[128];
	struct samples out[2];

	for (int j = 0; j < 2; j++) {
		q[j].efd = eventfd(0, 0);		/* blocking reads */
		q[j].done = eventfd(0, EFD_NONBLOCK);
		if (q[j].efd < 0 || q[j].done < 0)
			die("eventfd");
	}
	q[0].label = "vfio-dfl";
	q[0].fd = U.fd;
	q[0].ier = U.off + p_ier;
	if (vfio_set_trigger(U.fd, 0, q[0].efd))
		die("vfio-dfl: arm the VUART's IRQ index 0");
	{
		/*
		 * A message an earlier user's interrupt left pending may
		 * arrive once on arming (the uAPI allows one): take it
		 * before any sample is timed.
		 */
		struct pollfd pfd = { .fd = q[0].efd, .events = POLLIN };
		uint64_t stale = 0;

		if (poll(&pfd, 1, 200) == 1 &&
		    read(q[0].efd, &stale, sizeof(stale)) != sizeof(stale))
			die("vfio-dfl: read the eventfd");
		if (stale > 1)
			die("vfio-dfl: %" PRIu64 " stale events on arm, at most 1 allowed", stale);
		printf("# vfio-dfl: %" PRIu64 " stale event(s) on arm\n", stale);
	}
	q[1].label = "vfio-pci";
	q[1].fd = P.fd;
	q[1].ier = P_bar0 + p_pci_ier;
	{
		char b[sizeof(struct vfio_irq_set) + sizeof(int)];
		struct vfio_irq_set *set = (void *)b;

		set->argsz = sizeof(b);
		set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
		set->index = VFIO_PCI_MSIX_IRQ_INDEX;
		set->start = p_pci_vector;
		set->count = 1;
		memcpy(set->data, &q[1].efd, sizeof(int));
		if (ioctl(P.fd, VFIO_DEVICE_SET_IRQS, set))
			die("vfio-pci: arm MSI-X vector %" PRIu64, p_pci_vector);
	}
	snprintf(name, sizeof(name), "vfio-dfl-irq[0](%s)", p_vuart);
	irqs[0] = irq_by_name(name);
	snprintf(name, sizeof(name), "vfio-msix[%" PRIu64 "](%s)", p_pci_vector, p_pci);
	irqs[1] = irq_by_name(name);
	if (irqs[0] < 0 || irqs[1] < 0)
		die("IRQs not found in /proc/interrupts (%d, %d)", irqs[0], irqs[1]);

	/* same CPU: reader and interrupt on CPU 0, writer on CPU 1 */
	int w = ncpu > 1 ? 1 : 0;

	irq_cpus[0][0] = 0; irq_cpus[0][1] = 0; irq_cpus[0][2] = w;
	irq_case(q, irqs, 0, 0, w, out, &irq_res[0]);
	peer(figure("interrupt, same CPU", "ns", "VUART IER = 0, IER = THRI (pwrite) -> eventfd read returns", &out[0]),
	     "vfio-pci", &out[1]);
	free(out[0].v);
	free(out[1].v);
	/* cross CPU: reader on CPU 0, interrupt (and writer) on CPU 1 */
	if (ncpu > 1) {
		have_cross = 1;
		irq_cpus[1][0] = 0; irq_cpus[1][1] = 1; irq_cpus[1][2] = 1;
		irq_case(q, irqs, 0, 1, 1, out, &irq_res[1]);
		peer(figure("interrupt, cross CPU", "ns", "VUART IER = 0, IER = THRI (pwrite) -> eventfd read returns", &out[0]),
		     "vfio-pci", &out[1]);
		free(out[0].v);
		free(out[1].v);
	}
	pin(0);
	vfio_set_trigger(U.fd, 0, -1);
	{
		struct vfio_irq_set set = { .argsz = sizeof(set),
			.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_PCI_MSIX_IRQ_INDEX };
		ioctl(P.fd, VFIO_DEVICE_SET_IRQS, &set);
	}
	for (int j = 0; j < 2; j++) {
		close(q[j].efd);
		close(q[j].done);
	}
}

/* ---- open + bind + attach + GET_INFO + first read + close -------------- */

static void open_cycle(struct vdev *d, unsigned int index, uint64_t off)
{
	char buf[1024];
	struct vfio_device_info *info = (void *)buf;
	struct vfio_region_info r;
	uint64_t v;
	int fd, iommufd, e;

	e = vfio_cdev_open_attached(d->cdev, &fd, &iommufd);
	if (e) {
		errno = -e;
		die("%s: open cycle", d->label);
	}
	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, info))
		die("%s: VFIO_DEVICE_GET_INFO", d->label);
	region(fd, index, &r);
	if (pread(fd, &v, 8, r.offset + off) != 8)
		die("%s: first read", d->label);
	close(fd);
	close(iommufd);
}

static void open_figure(void)
{
	struct samples s[2] = { { 0 } };
	struct vdev *dv[2] = { &D, &P };

	for (unsigned int i = 0; i < p_open_iters; i++) {
		for (int k = 0; k < 2; k++) {
			int j = (i + k) & 1;
			uint64_t t0 = now_ns();

			open_cycle(dv[j], 0, (j ? p_pci_off : 0) + p_scratch);
			add(&s[j], (double)(now_ns() - t0));
		}
	}
	peer(figure("open to close", "ns",
		    "open cdev and /dev/iommu, bind, IOAS, attach, GET_INFO, "
		    "REGION_INFO, pread 8 B, close", &s[0]),
	     "vfio-pci", &s[1]);
	free(s[0].v);
	free(s[1].v);
}

/* ---- output ------------------------------------------------------------ */

static void print_table(FILE *o)
{
	char a[32], b[32], c[32], d[32], e[32];

	fprintf(o, "| figure | vfio-dfl median | vfio-dfl p99 | peer | peer median | peer p99 | ratio vfio-dfl/peer (median) |\n");
	fprintf(o, "|---|---:|---:|---|---:|---:|---:|\n");
	for (int i = 0; i < nfigs; i++) {
		struct figure *f = &figs[i];

		for (int j = 0; j < f->npeers; j++) {
			fmt(a, sizeof(a), f->dfl.median);
			fmt(b, sizeof(b), f->dfl.p99);
			fmt(c, sizeof(c), f->peer_st[j].median);
			fmt(d, sizeof(d), f->peer_st[j].p99);
			snprintf(e, sizeof(e), "%.2f", f->dfl.median / f->peer_st[j].median);
			fprintf(o, "| %s (%s) | %s | %s | %s | %s | %s | %s |\n",
				f->name, f->unit, a, b, f->peer[j], c, d, e);
		}
	}

	for (int c2 = 0; c2 < 1 + have_cross; c2++)
		fprintf(o, "\nInterrupts (%s: reader CPU %d, IRQ CPU %d (effective %d, %d), writer CPU %d): "
			"vfio-dfl %" PRIu64 " fired, %" PRIu64 " events, %u timeouts; "
			"vfio-pci %" PRIu64 " fired, %" PRIu64 " events, %u timeouts\n",
			c2 ? "cross CPU" : "same CPU", irq_cpus[c2][0], irq_cpus[c2][1],
			irq_res[c2].eff[0], irq_res[c2].eff[1], irq_cpus[c2][2],
			irq_res[c2].rung[0], irq_res[c2].events[0], irq_res[c2].timeouts[0],
			irq_res[c2].rung[1], irq_res[c2].events[1], irq_res[c2].timeouts[1]);
}

static void write_json(const char *path)
{
	char cs[64] = "unknown";
	struct utsname u;
	FILE *o = fopen(path, "w");

	if (!o)
		die("open %s", path);
	uname(&u);
	read_sysfs("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		   cs, sizeof(cs));
	fprintf(o, "{\n\"kernel\": \"%s\",\n\"mode\": \"%s\",\n\"cpus\": %ld,\n"
		"\"clocksource\": \"%s\",\n", u.release, p_mode,
		sysconf(_SC_NPROCESSORS_ONLN), cs);
	fprintf(o, "\"iterations\": {\"access\": %u, \"batch\": %u, \"irq\": %u, "
		"\"open\": %u},\n",
		p_iters, p_batch, p_irq_iters, p_open_iters);
	fprintf(o, "\"iterations_text\": \"%u interleaved samples of %u operations per "
		"access figure, %u per interrupt figure, %u open cycles\",\n",
		p_iters, p_batch, p_irq_iters, p_open_iters);
	fprintf(o, "\"devices\": {\"vfio_dfl\": \"%s\", \"vfio_dfl_vuart\": \"%s\", "
		"\"uio_dfl\": \"%s\", \"vfio_pci\": \"%s\"},\n", p_dfl, p_vuart,
		p_uio, p_pci);
	fprintf(o, "\"figures\": [\n");
	for (int i = 0; i < nfigs; i++) {
		struct figure *f = &figs[i];

		fprintf(o, "{\"figure\": \"%s\", \"unit\": \"%s\", \"what\": \"%s\", ",
			f->name, f->unit, f->what);
		json_stat(o, "vfio-dfl", f->dfl);
		fprintf(o, ", \"peers\": [");
		for (int j = 0; j < f->npeers; j++) {
			fprintf(o, "%s{\"name\": \"%s\", ", j ? ", " : "", f->peer[j]);
			json_stat(o, "stat", f->peer_st[j]);
			fprintf(o, ", \"ratio\": %.4f}", f->dfl.median / f->peer_st[j].median);
		}
		fprintf(o, "]}%s\n", i + 1 < nfigs ? "," : "");
	}
	fprintf(o, "],\n\"interrupts\": [\n");
	for (int c = 0; c < 1 + have_cross; c++)
		fprintf(o, "{\"case\": \"%s\", \"reader_cpu\": %d, \"irq_cpu\": %d, "
			"\"effective_irq_cpu\": [%d, %d], \"writer_cpu\": %d, "
			"\"vfio-dfl\": {\"fired\": %" PRIu64 ", \"events\": %" PRIu64
			", \"timeouts\": %u}, \"vfio-pci\": {\"fired\": %" PRIu64
			", \"events\": %" PRIu64 ", \"timeouts\": %u}}%s\n",
			c ? "cross CPU" : "same CPU", irq_cpus[c][0], irq_cpus[c][1],
			irq_res[c].eff[0], irq_res[c].eff[1], irq_cpus[c][2],
			irq_res[c].rung[0], irq_res[c].events[0], irq_res[c].timeouts[0],
			irq_res[c].rung[1], irq_res[c].events[1], irq_res[c].timeouts[1],
			c < have_cross ? "," : "");
	fprintf(o, "]\n");
	fprintf(o, "}\n");
	if (fclose(o))
		die("write %s", path);
}

/* ---- validate: a strict JSON syntax check (RFC 8259) -------------------- */

static const char *js;

static void ws(void)
{
	while (*js == ' ' || *js == '\t' || *js == '\n' || *js == '\r')
		js++;
}

static int value(int depth);

static int string(void)
{
	if (*js++ != '"')
		return 0;
	while (*js != '"') {
		if ((unsigned char)*js < 0x20)
			return 0;
		if (*js == '\\') {
			js++;
			if (*js == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)js[i]))
						return 0;
				js += 4;
			} else if (!strchr("\"\\/bfnrt", *js) || !*js) {
				return 0;
			}
		}
		js++;
	}
	js++;
	return 1;
}

static int number(void)
{
	const char *s = js;

	if (*js == '-')
		js++;
	if (*js == '0')
		js++;
	else if (isdigit((unsigned char)*js))
		while (isdigit((unsigned char)*js))
			js++;
	else
		return 0;
	if (*js == '.') {
		js++;
		if (!isdigit((unsigned char)*js))
			return 0;
		while (isdigit((unsigned char)*js))
			js++;
	}
	if (*js == 'e' || *js == 'E') {
		js++;
		if (*js == '+' || *js == '-')
			js++;
		if (!isdigit((unsigned char)*js))
			return 0;
		while (isdigit((unsigned char)*js))
			js++;
	}
	return js > s;
}

static int value(int depth)
{
	if (depth > 64)
		return 0;
	ws();
	switch (*js) {
	case '{':
		js++;
		ws();
		if (*js == '}')
			return js++, 1;
		for (;;) {
			ws();
			if (!string())
				return 0;
			ws();
			if (*js++ != ':' || !value(depth + 1))
				return 0;
			ws();
			if (*js == '}')
				return js++, 1;
			if (*js++ != ',')
				return 0;
		}
	case '[':
		js++;
		ws();
		if (*js == ']')
			return js++, 1;
		for (;;) {
			if (!value(depth + 1))
				return 0;
			ws();
			if (*js == ']')
				return js++, 1;
			if (*js++ != ',')
				return 0;
		}
	case '"':
		return string();
	case 't':
		return !strncmp(js, "true", 4) ? (js += 4, 1) : 0;
	case 'f':
		return !strncmp(js, "false", 5) ? (js += 5, 1) : 0;
	case 'n':
		return !strncmp(js, "null", 4) ? (js += 4, 1) : 0;
	default:
		return number();
	}
}

static int validate(const char *path)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		die("open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || n == sizeof(buf) - 1)
		die("read %s", path);
	buf[n] = 0;
	js = buf;
	if (!value(0)) {
		fprintf(stderr, "%s: not JSON at byte %ld\n", path, (long)(js - buf));
		return 1;
	}
	ws();
	if (*js) {
		fprintf(stderr, "%s: trailing data at byte %ld\n", path, (long)(js - buf));
		return 1;
	}
	printf("%s: valid JSON, %zd bytes\n", path, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "validate"))
		return validate(argv[2]);
	if (argc < 2 || strcmp(argv[1], "run"))
		die("usage: %s run KEY=VALUE... | validate FILE", argv[0]);
	parse(argc - 2, argv + 2);
	setvbuf(stdout, NULL, _IOLBF, 0);
	pin(0);
	resolve();
	/* first: a VFIO cdev cannot be opened twice */
	open_figure();
	printf("# open figure done\n");
	setup();
	printf("# setup done: vfio-dfl %s (%s), uio_dfl %s, vfio-pci %s (%s)\n",
	       p_dfl, D.cdev, p_uio, p_pci, P.cdev);

	rw_figure("pread 8 B", 8, p_scratch, false);
	rw_figure("pread 64 B", 64, p_scratch, false);
	rw_figure("pread 4 KiB", 4096, 0, false);
	rw_figure("pwrite 8 B", 8, p_scratch, true);
	rw_figure("pwrite 64 B", 64, p_scratch, true);
	rw_figure("pwrite 4 KiB", 4096, 0, true);
	mmap_figure("mmap load 8 B", false);
	mmap_figure("mmap store 8 B", true);
	printf("# access figures done\n");
	irq_figures();
	printf("# interrupt figures done\n");
	write_json(p_json);
	print_table(stdout);
	return 0;
}
