// SPDX-License-Identifier: GPL-2.0
/*
 * vuart-tty: drive a serial port (the DFL VUART under 8250_dfl) from the
 * guest, raw 8N1 at 115200 baud, no flow control.
 *
 *   vuart-tty TTY send HEX          write the bytes, wait until they left
 *                                   the kernel (tcdrain), close
 *   vuart-tty TTY recv N CMD...     open, run CMD (sh -c; it makes the
 *                                   bytes arrive), read N bytes within
 *                                   10 s, print them as hex
 *   vuart-tty TTY loop N            MCR loopback (TIOCM_LOOP): write N
 *                                   bytes of a pattern, read the same N
 *                                   back within 10 s, loopback off
 *   vuart-tty TTY flood             MCR loopback, 64 bytes at a time out
 *                                   and back, until killed (interrupts
 *                                   flow all the while; exit 1 as soon
 *                                   as a round comes back short); prints
 *                                   "flooding" once the first round is
 *                                   back, with the loopback on
 *
 * With VUART_IRQ=Linux IRQ and VUART_BDF=PCI address of the card model,
 * send and loop also compare, between the open and the close of the
 * port (while its interrupt is requested and enabled), the interrupts
 * the kernel counted with the MSI-X messages the model's VUART sent (its
 * BAR4 VUART_EDGES counter): there must be some, and no more interrupts
 * than messages.  Fewer is normal: the 8250 handler reads the UART until
 * IIR says no more, and the messages its own reads cause while it runs
 * are handled by the same invocation (handle_edge_irq() counts it once).
 *
 * Exit status 0 on success, 1 on any error or short read.
 */
#include <inttypes.h>
#include <poll.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "util.h"

#define WAIT_MS	10000

/* include/uapi/asm-generic/termios.h; glibc does not export it */
#ifndef TIOCM_LOOP
#define TIOCM_LOOP	0x8000
#endif

static int open_raw(const char *tty)
{
	struct termios t;
	int fd = open(tty, O_RDWR | O_NOCTTY);

	if (fd < 0)
		die("open %s", tty);
	if (tcgetattr(fd, &t))
		die("tcgetattr %s", tty);
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~CRTSCTS;
	cfsetispeed(&t, B115200);
	cfsetospeed(&t, B115200);
	if (tcsetattr(fd, TCSANOW, &t))
		die("tcsetattr %s", tty);
	if (tcflush(fd, TCIOFLUSH))
		die("tcflush %s", tty);
	return fd;
}

#define DBG_BAR			4
#define DBG_VUART_EDGES		0x60

struct counts {
	uint64_t irqs, edges;
};

/* The kernel's count of an interrupt (all CPUs) and the model's edges */
static int read_counts(struct counts *c)
{
	const char *irq = getenv("VUART_IRQ"), *bdf = getenv("VUART_BDF");
	static volatile uint64_t *dbg;
	char path[256], buf[4096], *p;

	if (!irq || !bdf)
		return 0;
	if (!dbg) {
		int fd;

		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/resource%d", bdf, DBG_BAR);
		fd = open(path, O_RDWR | O_SYNC);
		if (fd < 0)
			die("open %s", path);
		dbg = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (dbg == MAP_FAILED)
			die("mmap %s", path);
	}
	snprintf(path, sizeof(path), "/sys/kernel/irq/%s/per_cpu_count", irq);
	if (read_sysfs(path, buf, sizeof(buf)))
		die("read %s", path);
	c->irqs = 0;
	for (p = buf; *p; p++) {
		c->irqs += strtoull(p, &p, 10);
		if (!*p)
			break;
	}
	c->edges = dbg[DBG_VUART_EDGES / 8];
	return 1;
}

/* 0 if the kernel counted interrupts since @a, no more than edges */
static int check_counts(const struct counts *a)
{
	struct counts b;

	if (!read_counts(&b))
		return 0;
	printf("interrupts %" PRIu64 ", VUART MSI-X messages %" PRIu64 "\n",
	       b.irqs - a->irqs, b.edges - a->edges);
	if (b.irqs == a->irqs || b.irqs - a->irqs > b.edges - a->edges) {
		fprintf(stderr, "want at least one interrupt, and no more than the VUART's messages\n");
		return 1;
	}
	return 0;
}

/* Read exactly n bytes within WAIT_MS in all; the count read. */
static size_t read_n(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, WAIT_MS) <= 0)
			break;
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

static size_t unhex(const char *hex, unsigned char *buf, size_t len)
{
	size_t n = strlen(hex) / 2, i;

	if (strlen(hex) % 2 || n > len)
		die("bad hex '%s'", hex);
	for (i = 0; i < n; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			die("bad hex '%s'", hex);
		buf[i] = v;
	}
	return n;
}

static int do_loop(int fd, size_t n)
{
	int loop = TIOCM_LOOP, bits = 0;
	unsigned char out[4096], in[4096];
	size_t i, got;

	if (n > sizeof(out))
		die("at most %zu bytes", sizeof(out));
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(i * 7 + 0x41);
	if (ioctl(fd, TIOCMBIS, &loop))
		die("TIOCMBIS TIOCM_LOOP");
	if (ioctl(fd, TIOCMGET, &bits) || !(bits & TIOCM_LOOP))
		die("TIOCM_LOOP does not read back set (bits 0x%x)", bits);
	if (write(fd, out, n) != (ssize_t)n)
		die("write");
	got = read_n(fd, in, n);
	if (ioctl(fd, TIOCMBIC, &loop))
		die("TIOCMBIC TIOCM_LOOP");
	if (got != n || memcmp(in, out, n)) {
		fprintf(stderr, "loopback: %zu of %zu bytes came back%s\n",
			got, n, got == n ? ", different" : "");
		return 1;
	}
	printf("loopback: %zu bytes back\n", n);
	return 0;
}

static int do_flood(int fd)
{
	int loop = TIOCM_LOOP;
	unsigned char out[64], in[64];
	unsigned long rounds;
	size_t i;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + 0x41);
	if (ioctl(fd, TIOCMBIS, &loop))
		die("TIOCMBIS TIOCM_LOOP");
	for (rounds = 0;; rounds++) {
		if (write(fd, out, sizeof(out)) != (ssize_t)sizeof(out))
			die("write");
		if (read_n(fd, in, sizeof(in)) != sizeof(in) ||
		    memcmp(in, out, sizeof(in))) {
			fprintf(stderr, "flood: round %lu came back short or different\n",
				rounds);
			return 1;
		}
		if (!rounds) {
			printf("flooding\n");
			fflush(stdout);
		}
	}
}

int main(int argc, char **argv)
{
	unsigned char buf[4096];
	struct counts c0;
	size_t n, got, i;
	int fd, ret;

	if (argc == 3 && !strcmp(argv[2], "flood"))
		return do_flood(open_raw(argv[1]));
	if (argc < 4)
		die("usage: %s TTY send HEX | recv N CMD... | loop N | flood", argv[0]);
	fd = open_raw(argv[1]);
	read_counts(&c0);
	if (!strcmp(argv[2], "send")) {
		n = unhex(argv[3], buf, sizeof(buf));
		if (write(fd, buf, n) != (ssize_t)n)
			die("write");
		if (tcdrain(fd))
			die("tcdrain");
		ret = check_counts(&c0);
	} else if (!strcmp(argv[2], "recv") && argc >= 5) {
		n = strtoul(argv[3], NULL, 0);
		if (n > sizeof(buf))
			die("at most %zu bytes", sizeof(buf));
		ret = system(argv[4]);
		if (ret)
			die("'%s' exited with %d", argv[4], ret);
		got = read_n(fd, buf, n);
		for (i = 0; i < got; i++)
			printf("%02x", buf[i]);
		printf("\n");
		ret = got != n;
		if (ret)
			fprintf(stderr, "recv: %zu of %zu bytes\n", got, n);
	} else if (!strcmp(argv[2], "loop")) {
		ret = do_loop(fd, strtoul(argv[3], NULL, 0));
		ret |= check_counts(&c0);
	} else {
		die("unknown command '%s'", argv[2]);
	}
	close(fd);
	return ret;
}
