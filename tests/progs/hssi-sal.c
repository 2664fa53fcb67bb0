// SPDX-License-Identifier: GPL-2.0
/*
 * hssi-sal: drive the OFS HSSI subsystem (FME feature 0x15 in the
 * "DFHv0.5" layout of the Agilex FIMs) through a mapping of its page, the
 * way OPAE's hssicommon.py does: the SAL mailbox and the wrapper's
 * ColdReset handshake.  Register offsets: qemu/REGISTERS.md ("FME 0x15,
 * the OFS HSSI subsystem"), from HSSI_SS_CSR.xls; the same on an N6001.
 *
 *   hssi-sal uio N CMD...          through /dev/uioN (uio_dfl)
 *   hssi-sal vfio dfl_dev.N CMD... through vfio-dfl's region 0
 *
 * Commands, run in order, one output line each:
 *   info                   DFH, GUID, HSSI_VERSION, HSSI_FEATURE
 *   get-profile PORT       SAL 0x01, prints the profile
 *   set-profile PORT V     SAL 0x02
 *   mtu PORT               SAL 0x04
 *   set-csr PORT ADDR V    SAL 0x05 (ADDR: CTRL_ADDR's address[31:16])
 *   get-csr PORT ADDR      SAL 0x06
 *   loopback PORT on|off   SAL 0x07 / 0x08
 *   fw                     SAL 0xff, the firmware version
 *   cold-reset             the ColdReset handshake: ack low, set ColdReset,
 *                          ack high, clear it, ack low
 *   scratch [V]            HSSI_SCRATCHPAD (written first if V is given)
 *   hold                   print "ready" and keep the mapping (and the
 *                          device) until killed
 *
 * Exit 1 on a SAL error (CMD_STATUS Error), an Ack timeout (1 s, as
 * OPAE), a ColdResetAck timeout or a DFH that is not the HSSI's.
 */
#include <inttypes.h>
#include <time.h>
#include "vfio-dev.h"

#define HSSI_ID			0x15
#define HSSI_VERSION		0x060
#define HSSI_FEATURE		0x064
#define HSSI_CMD_STATUS		0x0a8
#define HSSI_CMD_READ		(1U << 0)
#define HSSI_CMD_WRITE		(1U << 1)
#define HSSI_CMD_ACK		(1U << 2)
#define HSSI_CMD_ERROR		(1U << 4)
#define HSSI_CTRL_ADDR		0x0ac
#define HSSI_READ_DATA		0x0b0
#define HSSI_WRITE_DATA		0x0b4
#define HSSI_COLD_RST		0x810
#define HSSI_COLD_RST_REQ	(1ULL << 0)
#define HSSI_COLD_RST_ACK	(1ULL << 1)
#define HSSI_SCRATCHPAD		0x820
#define HSSI_PAGE		0x1000
#define TIMEOUT_NS		1000000000LL	/* OPAE: 1 s, polled every 1 us */

static volatile uint8_t *regs;

static uint32_t rd32(unsigned int off)
{
	return *(volatile uint32_t *)(regs + off);
}

static void wr32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(regs + off) = v;
}

static uint64_t rd64(unsigned int off)
{
	return *(volatile uint64_t *)(regs + off);
}

static void wr64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(regs + off) = v;
}

/* Poll until (rd32(off) & mask) == want, 1 s at most; 0 or -1 */
static int poll32(unsigned int off, uint32_t mask, uint32_t want)
{
	long long end = now_ns() + TIMEOUT_NS;
	const struct timespec us = { 0, 1000 };

	while ((rd32(off) & mask) != want) {
		if (now_ns() > end)
			return -1;
		nanosleep(&us, NULL);
	}
	return 0;
}

/*
 * One SAL transaction (hssicommon.py read_reg/write_reg): clear the
 * mailbox, write CTRL_ADDR (and WRITE_DATA), then Read or Write, wait for
 * Ack; READ_DATA; clear again.  Exits on an error.
 */
static uint32_t sal(uint32_t cmd, uint32_t port, uint32_t addr, int write,
		    uint32_t data)
{
	uint32_t st, v;

	if (rd32(HSSI_CTRL_ADDR))
		wr32(HSSI_CTRL_ADDR, 0);
	wr32(HSSI_CMD_STATUS, 0);
	if (poll32(HSSI_CMD_STATUS, 7, 0)) {
		fprintf(stderr, "SAL 0x%x: CMD_STATUS[2:0] does not clear (0x%x)\n",
			cmd, rd32(HSSI_CMD_STATUS));
		exit(1);
	}
	wr32(HSSI_CTRL_ADDR, cmd | port << 8 | addr << 16);
	if (write)
		wr32(HSSI_WRITE_DATA, data);
	wr32(HSSI_CMD_STATUS, write ? HSSI_CMD_WRITE : HSSI_CMD_READ);
	if (poll32(HSSI_CMD_STATUS, HSSI_CMD_ACK, HSSI_CMD_ACK)) {
		fprintf(stderr, "SAL 0x%x port %u: no Ack within 1 s (CMD_STATUS 0x%x)\n",
			cmd, port, rd32(HSSI_CMD_STATUS));
		exit(1);
	}
	st = rd32(HSSI_CMD_STATUS);
	v = rd32(HSSI_READ_DATA);
	wr32(HSSI_CTRL_ADDR, 0);
	wr32(HSSI_CMD_STATUS, 0);
	if (st & HSSI_CMD_ERROR) {
		fprintf(stderr, "SAL 0x%x port %u: Error (CMD_STATUS 0x%x)\n",
			cmd, port, st);
		exit(1);
	}
	return v;
}

/* Poll until (rd64(off) & mask) == want, 1 s at most; exit if not */
static void poll64(unsigned int off, uint64_t mask, uint64_t want,
		   const char *what)
{
	long long end = now_ns() + TIMEOUT_NS;
	const struct timespec us = { 0, 1000 };

	while ((rd64(off) & mask) != want) {
		if (now_ns() > end) {
			fprintf(stderr, "%s: not within 1 s (0x%" PRIx64 " at 0x%x)\n",
				what, rd64(off), off);
			exit(1);
		}
		nanosleep(&us, NULL);
	}
}

/*
 * ColdReset as the xls asks, through the wrapper's rst_ack handshake:
 * no reset in progress (ack low), ColdReset set and held until
 * ColdResetAck, cleared, ack low again: the subsystem is out of reset.
 * Busy is not waited for: OPAE never reads it, and the register table
 * does not say when it clears.
 */
static void cold_reset(void)
{
	poll64(HSSI_COLD_RST, HSSI_COLD_RST_ACK, 0, "ColdResetAck low before");
	wr64(HSSI_COLD_RST, HSSI_COLD_RST_REQ);
	if (poll32(HSSI_COLD_RST, HSSI_COLD_RST_ACK, HSSI_COLD_RST_ACK)) {
		wr64(HSSI_COLD_RST, 0);
		fprintf(stderr, "no ColdResetAck within 1 s\n");
		exit(1);
	}
	wr64(HSSI_COLD_RST, 0);
	poll64(HSSI_COLD_RST, HSSI_COLD_RST_ACK, 0, "ColdResetAck low after");
}

static uint32_t num(const char *s)
{
	return strtoul(s, NULL, 0);
}

int main(int argc, char **argv)
{
	uint64_t dfh;
	int i;

	if (argc < 4 || (strcmp(argv[1], "uio") && strcmp(argv[1], "vfio")))
		die("usage: %s uio N|vfio dfl_dev.N CMD...", argv[0]);
	regs = feature_map(argv[1], argv[2], HSSI_PAGE);
	dfh = rd64(0);
	if ((dfh & 0xfff) != HSSI_ID) {
		fprintf(stderr, "DFH 0x%016" PRIx64 " is not feature 0x15's\n", dfh);
		return 1;
	}
	for (i = 3; i < argc; i++) {
		const char *c = argv[i];
		int left = argc - i - 1;

		if (!strcmp(c, "info")) {
			uint32_t f = rd32(HSSI_FEATURE);

			printf("dfh 0x%016" PRIx64 " rev %u guid %016" PRIx64 "%016" PRIx64
			       " version 0x%08x ports %u enabled 0x%x\n",
			       dfh, (unsigned int)(dfh >> 12) & 0xf, rd64(0x10),
			       rd64(0x08), rd32(HSSI_VERSION), (f >> 1) & 0x1f,
			       (f >> 6) & 0xffff);
		} else if (!strcmp(c, "get-profile") && left >= 1) {
			printf("profile 0x%x\n", sal(0x01, num(argv[++i]), 0, 0, 0));
		} else if (!strcmp(c, "set-profile") && left >= 2) {
			sal(0x02, num(argv[i + 1]), 0, 1, num(argv[i + 2]));
			i += 2;
			printf("set\n");
		} else if (!strcmp(c, "mtu") && left >= 1) {
			printf("mtu %u\n", sal(0x04, num(argv[++i]), 0, 0, 0));
		} else if (!strcmp(c, "set-csr") && left >= 3) {
			sal(0x05, num(argv[i + 1]), num(argv[i + 2]), 1, num(argv[i + 3]));
			i += 3;
			printf("set\n");
		} else if (!strcmp(c, "get-csr") && left >= 2) {
			printf("csr 0x%x\n", sal(0x06, num(argv[i + 1]), num(argv[i + 2]), 0, 0));
			i += 2;
		} else if (!strcmp(c, "loopback") && left >= 2) {
			int on = !strcmp(argv[i + 2], "on");

			sal(on ? 0x07 : 0x08, num(argv[i + 1]), 0, 1, 0);
			i += 2;
			printf("loopback %s\n", on ? "on" : "off");
		} else if (!strcmp(c, "fw")) {
			printf("fw 0x%08x\n", sal(0xff, 0, 0, 0, 0));
		} else if (!strcmp(c, "cold-reset")) {
			cold_reset();
			printf("cold-reset done\n");
		} else if (!strcmp(c, "scratch")) {
			if (left >= 1 && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
				wr64(HSSI_SCRATCHPAD, strtoull(argv[++i], NULL, 0));
			printf("scratch 0x%016" PRIx64 "\n", rd64(HSSI_SCRATCHPAD));
		} else if (!strcmp(c, "hold")) {
			hold_until_killed("ready");
		} else {
			die("unknown command or missing arguments: %s", c);
		}
	}
	return 0;
}
