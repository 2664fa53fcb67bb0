// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-vuart: a userspace driver for the OFS VUART (FME feature 0x24, a
 * 16550) through vfio-dfl, as a user of the VFIO device cdev meets it
 * (or, on a kernel without iommufd, of its group, /dev/vfio/N: it says
 * so on stderr). Everything it knows of the block comes from
 * VFIO_DEVICE_INFO_CAP_DFL (the GUID, CLK_FRQ and REG_LAYOUT) and from
 * the 16550's own registers, so it runs on a real card as on the model.
 *
 *   vfio-vuart DEV info          the device as vfio-dfl shows it: the
 *                                VUART's identity, a register region of
 *                                exactly 8 << reg_shift bytes, no mmap,
 *                                one interrupt and the request index,
 *                                VFIO_DEVICE_FLAGS_RESET
 *   vfio-vuart DEV loop N        MCR loopback at 115200 8N1: N bytes, each
 *                                one receive interrupt: exactly N events
 *   vfio-vuart DEV send HEX      transmit the bytes
 *   vfio-vuart DEV recv N CMD    arm the receive interrupt, run CMD (sh -c;
 *                                it makes N bytes arrive), read them on
 *                                the events, print them as hex
 *   vfio-vuart DEV dirty         leave the UART dirty: IER set, loopback
 *                                on, divisor 0x1234, SCR written, a byte
 *                                unread, its interrupt raised while
 *                                unarmed; print
 *                                "dirty" and wait to be killed
 *   vfio-vuart DEV clean         the state the next user must find: the
 *                                reset values, and at most one event once
 *                                armed (a message the earlier user's
 *                                interrupt left pending in the function
 *                                before the reset silenced it: the uAPI
 *                                allows it), none after it
 *   vfio-vuart DEV reset         dirty with the interrupt armed, then
 *                                VFIO_DEVICE_RESET: the reset values, and
 *                                no event after it
 *
 * DEV is a dfl_dev name (dfl_dev.N). Exit status 0 when every check
 * passed; what failed goes to stderr.
 */
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <linux/serial_reg.h>
#include "vfio-dev.h"

#define VUART_FEATURE_ID	0x24
#define VUART_GUID_H		0x9e6641a6ca26cc04ULL
#define VUART_GUID_L		0xe1df0d4ace8e486cULL
#define PARAM_CLK_FRQ		2
#define PARAM_REG_LAYOUT	4
#define EVENT_MS		10000	/* an expected event */
#define QUIET_MS		1000	/* no event expected */
#define BAUD			115200

static int fd, efd, failed;
static unsigned int shift = 2, width = 4;
static uint64_t clk;
static struct vfio_device_info info;
static struct vfio_region_info region = { .argsz = sizeof(region) };

#define check(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL: " __VA_ARGS__);			\
		fputc('\n', stderr);					\
		failed = 1;						\
	}								\
} while (0)

static unsigned int in(unsigned int reg)
{
	uint32_t v = 0;

	if (pread(fd, &v, width, region.offset + (reg << shift)) != width)
		die("pread register %u", reg);
	return v & 0xff;
}

static void out(unsigned int reg, unsigned int val)
{
	uint32_t v = val;

	if (pwrite(fd, &v, width, region.offset + (reg << shift)) != width)
		die("pwrite register %u", reg);
}

/* The DFL capability, and from it the parameters the driver needs */
static void read_identity(int print)
{
	char buf[4096] = { 0 };
	struct vfio_device_info *di = (void *)buf;
	struct vfio_device_info_cap_dfl_params *params = NULL;
	struct vfio_device_info_cap_dfl *cap = NULL;
	struct vfio_info_cap_header *h;
	uint64_t *p, *end;
	uint32_t off;

	di->argsz = sizeof(buf);
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, di))
		die("VFIO_DEVICE_GET_INFO");
	info = *di;
	for (off = di->cap_offset; off; off = h->next) {
		h = (void *)(buf + off);
		if (h->id == VFIO_DEVICE_INFO_CAP_DFL)
			cap = (void *)h;
		else if (h->id == VFIO_DEVICE_INFO_CAP_DFL_PARAMS)
			params = (void *)h;
	}
	if (!cap)
		die("no VFIO_DEVICE_INFO_CAP_DFL");
	if (!params)
		die("no VFIO_DEVICE_INFO_CAP_DFL_PARAMS");
	if (!di->num_irqs)
		die("no IRQ index, not even the request's");
	if (cap->fiu_type != VFIO_DFL_FIU_FME ||
	    cap->feature_id != VUART_FEATURE_ID || cap->dfh_version != 1 ||
	    cap->guid_h != VUART_GUID_H || cap->guid_l != VUART_GUID_L)
		die("not the OFS VUART: FIU %u feature 0x%x DFHv%u GUID %016llx%016llx",
		    cap->fiu_type, cap->feature_id, cap->dfh_version,
		    (unsigned long long)cap->guid_h,
		    (unsigned long long)cap->guid_l);
	/* parameters: header (id 15:0, next in qwords 63:35, EOP 32), data */
	p = (uint64_t *)params->params;
	end = p + params->size / 8;
	while (p + 1 < end) {
		if ((*p & 0xffff) == PARAM_CLK_FRQ)
			clk = p[1];
		if ((*p & 0xffff) == PARAM_REG_LAYOUT) {
			shift = p[1] & 0xffffffff;
			width = p[1] >> 32;
		}
		if (*p & (1ULL << 32) || !(*p >> 35))
			break;
		p += *p >> 35;
	}
	if (!clk || (width != 4 && width != 2) || shift > 4)
		die("VUART parameters: CLK_FRQ %llu, width %u, shift %u",
		    (unsigned long long)clk, width, shift);
	if (print)
		printf("OFS VUART: CLK_FRQ %llu Hz, REG_LAYOUT width %u shift %u, %u feature irq(s), request index %u\n",
		       (unsigned long long)clk, width, shift,
		       di->num_irqs - 1, di->num_irqs - 1);
}

static void open_dev(const char *dev)
{
	char sysfs[256], path[256];
	int iommufd, group, container, e;

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/dfl/devices/%s", dev);
	if (access("/dev/iommu", F_OK)) {
		/* A kernel without iommufd: the group, said so */
		fprintf(stderr, "vfio-vuart: no /dev/iommu, %s through its group\n", dev);
		e = vfio_group_open_device(sysfs, dev, &fd, &group, &container);
		if (e) {
			errno = -e;
			die("open %s through its group", dev);
		}
		goto opened;
	}
	e = vfio_cdev_path(sysfs, path, sizeof(path), NULL, 0);
	if (e) {
		errno = -e;
		die("no VFIO cdev for %s", dev);
	}
	e = vfio_cdev_open_attached(path, &fd, &iommufd);
	if (e) {
		errno = -e;
		die("open and bind %s", path);
	}
opened:
	read_identity(0);
	region.index = 0;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &region))
		die("VFIO_DEVICE_GET_REGION_INFO");
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		die("eventfd");
}

/* 8N1 at BAUD from the feature's clock, FIFOs on with a 1-byte trigger */
static void setup(unsigned int mcr)
{
	unsigned int div = (clk + 8 * BAUD) / (16 * BAUD);

	out(UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	out(UART_DLL, div & 0xff);
	out(UART_DLM, div >> 8);
	out(UART_LCR, UART_LCR_WLEN8);
	out(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR |
	    UART_FCR_CLEAR_XMIT);
	out(UART_MCR, mcr);
}

static int arm(void)
{
	return vfio_set_trigger(fd, 0, efd);
}

/*
 * Arm IRQ index 0 to count this user's own causes: the open reset the
 * UART, but a message an earlier user's interrupt left pending may arrive
 * once on arming (the uAPI allows one, never more); take it first.
 */
static void arm_counted(void)
{
	uint64_t stale;

	if (arm())
		die("arm IRQ index 0");
	stale = eventfd_wait(efd, QUIET_MS);
	check(stale <= 1, "%llu stale events on arm, at most 1 allowed",
	      (unsigned long long)stale);
}

/* The divisor latch, read with DLAB set and LCR restored */
static unsigned int divisor(void)
{
	unsigned int lcr = in(UART_LCR), d;

	out(UART_LCR, lcr | UART_LCR_DLAB);
	d = in(UART_DLL) | in(UART_DLM) << 8;
	out(UART_LCR, lcr);
	return d;
}

/* The state vfio-dfl's reset leaves: what every next user must find */
static void check_reset_state(const char *when)
{
	unsigned int d = divisor();

	check(d == 0, "%s: divisor 0x%x, want 0 (the IP's power-on value, no earlier user's baud rate)",
	      when, d);
	check(in(UART_IER) == 0, "%s: IER 0x%x, want 0", when, in(UART_IER));
	check(in(UART_LCR) == 0, "%s: LCR 0x%x, want 0", when, in(UART_LCR));
	check(in(UART_MCR) == 0, "%s: MCR 0x%x (loopback, modem lines), want 0",
	      when, in(UART_MCR));
	check(in(UART_SCR) == 0, "%s: SCR 0x%x, want 0", when, in(UART_SCR));
	check(in(UART_LSR) == (UART_LSR_TEMT | UART_LSR_THRE),
	      "%s: LSR 0x%x, want 0x60 (no byte unread, nothing to send)",
	      when, in(UART_LSR));
	check(in(UART_IIR) == UART_IIR_NO_INT,
	      "%s: IIR 0x%x, want 0x01 (FIFOs off, no interrupt pending)",
	      when, in(UART_IIR));
}

static void dirty(void)
{
	setup(UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS | UART_MCR_DTR);
	out(UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	out(UART_DLL, 0x34);
	out(UART_DLM, 0x12);
	out(UART_LCR, UART_LCR_WLEN8);
	check(divisor() == 0x1234, "divisor 0x%x after writing 0x1234", divisor());
	out(UART_SCR, 0xa5);
	out(UART_IER, UART_IER_RDI | UART_IER_THRI);
	out(UART_TX, 0x5a);		/* looped back, left unread */
	usleep(100000);
}

static void cmd_info(void)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };
	void *map;

	read_identity(1);
	check(info.flags & VFIO_DEVICE_FLAGS_RESET, "no VFIO_DEVICE_FLAGS_RESET");
	check(info.flags & VFIO_DEVICE_FLAGS_PLATFORM, "no VFIO_DEVICE_FLAGS_PLATFORM");
	check(info.num_regions == 1, "%u regions, want 1", info.num_regions);
	check(region.size == 8ULL << shift,
	      "region of %llu bytes, want 8 << reg_shift = %u",
	      (unsigned long long)region.size, 8 << shift);
	check(!(region.flags & VFIO_REGION_INFO_FLAG_MMAP),
	      "a region that does not own its page offers mmap");
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, region.offset);
	check(map == MAP_FAILED && errno == EINVAL, "mmap: %s, want EINVAL",
	      map == MAP_FAILED ? strerror(errno) : "mapped");
	check(info.num_irqs == 2, "%u IRQ indexes, want 2 (UART, request)",
	      info.num_irqs);
	irq.index = 0;
	check(!ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &irq) && irq.count == 1 &&
	      (irq.flags & VFIO_IRQ_INFO_EVENTFD),
	      "IRQ index 0 is not one eventfd interrupt");
	printf("region %llu bytes, flags 0x%x; device flags 0x%x\n",
	       (unsigned long long)region.size, region.flags, info.flags);
}

static void cmd_loop(unsigned int n)
{
	unsigned int i, got = 0, events = 0;
	uint64_t e;

	setup(UART_MCR_LOOP);
	arm_counted();
	out(UART_IER, UART_IER_RDI);
	for (i = 0; i < n; i++) {
		unsigned char b = i * 13 + 7;

		out(UART_TX, b);
		e = eventfd_wait(efd, EVENT_MS);
		events += e;
		check(e == 1, "byte %u: %llu events, want 1", i,
		      (unsigned long long)e);
		check(in(UART_LSR) & UART_LSR_DR, "byte %u: LSR without DR", i);
		check(in(UART_RX) == b, "byte %u: wrong byte back", i);
		got++;
	}
	out(UART_IER, 0);
	e = eventfd_wait(efd, QUIET_MS);
	check(!e, "%llu events after the last byte", (unsigned long long)e);
	printf("loopback: %u bytes, %u events\n", got, events);
}

static void cmd_send(const char *hex)
{
	size_t i, n = strlen(hex) / 2;
	unsigned int v, t;

	setup(0);
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			die("bad hex '%s'", hex);
		for (t = 0; !(in(UART_LSR) & UART_LSR_THRE); t++)
			if (t > 100000)
				die("THR never empties");
		out(UART_TX, v);
	}
	for (t = 0; !(in(UART_LSR) & UART_LSR_TEMT); t++)
		if (t > 100000)
			die("the transmitter never empties");
	printf("sent %zu bytes\n", n);
}

static void cmd_recv(unsigned int n, const char *cmd)
{
	unsigned char buf[4096];
	unsigned int got = 0, events = 0, i;

	if (n > sizeof(buf))
		die("at most %zu bytes", sizeof(buf));
	setup(0);
	if (arm())
		die("arm IRQ index 0");
	out(UART_IER, UART_IER_RDI);
	if (system(cmd))
		die("'%s' failed", cmd);
	while (got < n) {
		uint64_t e = eventfd_wait(efd, EVENT_MS);

		if (!e)
			break;
		events += e;
		while (got < n && (in(UART_LSR) & UART_LSR_DR))
			buf[got++] = in(UART_RX);
	}
	out(UART_IER, 0);
	for (i = 0; i < got; i++)
		printf("%02x", buf[i]);
	printf("\n");
	fprintf(stderr, "recv: %u of %u bytes, %u events\n", got, n, events);
	check(got == n, "%u of %u bytes arrived", got, n);
}

static void cmd_dirty(void)
{
	dirty();
	hold_until_killed("dirty");
}

static void cmd_clean(void)
{
	uint64_t e, more;

	check_reset_state("after open");
	if (arm())
		die("arm IRQ index 0");
	/*
	 * The reset silenced the UART before this user could arm; what the
	 * earlier user's interrupt sent before that may still arrive, once
	 * (the eventfd counts every message, so two would read as 2).
	 */
	e = eventfd_wait(efd, QUIET_MS);
	check(e <= 1, "%llu stale events once armed; at most 1 is allowed",
	      (unsigned long long)e);
	more = eventfd_wait(efd, QUIET_MS);
	check(!more, "%llu more event(s) after the stale one",
	      (unsigned long long)more);
	check_reset_state("after arming");
	printf("clean: reset values, %llu stale event(s) of at most 1\n",
	       (unsigned long long)e);
}

static void cmd_reset(void)
{
	uint64_t e;

	if (arm())
		die("arm IRQ index 0");
	dirty();
	e = eventfd_wait(efd, EVENT_MS);
	check(e >= 1, "the dirty UART raised no event");
	if (ioctl(fd, VFIO_DEVICE_RESET))
		die("VFIO_DEVICE_RESET");
	check_reset_state("after VFIO_DEVICE_RESET");
	e = eventfd_wait(efd, QUIET_MS);
	check(!e, "%llu event(s) after VFIO_DEVICE_RESET",
	      (unsigned long long)e);
	printf("VFIO_DEVICE_RESET: reset values, no event after it\n");
}

int main(int argc, char **argv)
{
	if (argc < 3)
		die("usage: %s DEV info|loop N|send HEX|recv N CMD|dirty|clean|reset",
		    argv[0]);
	open_dev(argv[1]);
	if (!strcmp(argv[2], "info"))
		cmd_info();
	else if (!strcmp(argv[2], "loop") && argc == 4)
		cmd_loop(strtoul(argv[3], NULL, 0));
	else if (!strcmp(argv[2], "send") && argc == 4)
		cmd_send(argv[3]);
	else if (!strcmp(argv[2], "recv") && argc == 5)
		cmd_recv(strtoul(argv[3], NULL, 0), argv[4]);
	else if (!strcmp(argv[2], "dirty"))
		cmd_dirty();
	else if (!strcmp(argv[2], "clean"))
		cmd_clean();
	else if (!strcmp(argv[2], "reset"))
		cmd_reset();
	else
		die("unknown command '%s'", argv[2]);
	return failed;
}
