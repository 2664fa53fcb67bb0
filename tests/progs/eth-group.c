// SPDX-License-Identifier: GPL-2.0
/*
 * eth-group: drive the N3000 Ethernet group (FME feature 0x10) through a
 * mapping of its page, the way linux-dfl's dfl-eth-group driver does:
 * ETH_GROUP_INFO, and one 64-bit ETH_GROUP_CTRL write per indirect command
 * with ETH_GROUP_STAT's RW_VAL polled. Register offsets: qemu/REGISTERS.md
 * ("FME 0x10, the N3000 Ethernet group"); the same on an N3000.
 *
 *   eth-group uio N CMD...          through /dev/uioN (uio_dfl)
 *   eth-group vfio dfl_dev.N CMD... through vfio-dfl's region 0
 *
 * Commands, run in order, one output line each:
 *   info                   "links L speed S line-side D group G"
 *   read DEV ADDR          one register of component DEV (2i+2 the PHY of
 *                          link i, 2i+3 its MAC): "DEV/ADDR 0xV"
 *   write DEV ADDR V       ... written: "DEV/ADDR written"
 *   macs                   "reset 0xR loopback 0xL": the links whose MAC
 *                          is held in reset (PHY_CONFIG[2:0] all set) and
 *                          in PMA serial loopback, bit per link
 *   mac LINK reset|run     PHY_CONFIG[2:0] set or cleared (edev25g40g_reset)
 *   loopback LINK on|off   PHY_PMA_SLOOP (edev25g_set_loopback)
 *   hold                   print "ready" and keep the mapping (and the
 *                          device) until killed
 *
 * Exit 1 if a command is not done within 5 ms (OPAE's limit) or the DFH
 * is not feature 0x10's.
 */
#include <inttypes.h>
#include <time.h>
#include "vfio-dev.h"

#define ETH_ID			0x10
#define ETH_INFO		0x08
#define ETH_CTRL		0x10
#define ETH_STAT		0x18
#define ETH_STAT_RW_VAL		(1ULL << 32)
#define ETH_CMD_RD		1ULL
#define ETH_CMD_WR		2ULL
#define MAC_PHY_CONFIG		0x310
#define MAC_RESET		0x7
#define MAC_PMA_SLOOP		0x313
#define ETH_PAGE		0x1000
#define TIMEOUT_NS		5000000LL

static volatile uint64_t *regs;

/* One indirect command: CTRL written at once (64 bits), RW_VAL polled */
static uint32_t cmd(uint64_t c, unsigned int dev, unsigned int addr,
		    uint32_t data)
{
	long long end = now_ns() + TIMEOUT_NS;
	uint64_t st;

	regs[ETH_CTRL / 8] = c << 62 | (uint64_t)dev << 49 |
			     (uint64_t)addr << 32 | data;
	while (!((st = regs[ETH_STAT / 8]) & ETH_STAT_RW_VAL)) {
		if (now_ns() > end) {
			fprintf(stderr, "command %" PRIu64 " to %u/0x%x: no RW_VAL within 5 ms\n",
				c, dev, addr);
			exit(1);
		}
	}
	return (uint32_t)st;
}

static unsigned int links(void)
{
	return (regs[ETH_INFO / 8] >> 8) & 0xff;
}

static uint32_t num(const char *s)
{
	return strtoul(s, NULL, 0);
}

int main(int argc, char **argv)
{
	uint64_t dfh;
	int i;

	if (argc < 4)
		die("usage: %s uio N|vfio dfl_dev.N CMD...", argv[0]);
	regs = feature_map(argv[1], argv[2], ETH_PAGE);
	dfh = regs[0];
	if ((dfh & 0xfff) != ETH_ID) {
		fprintf(stderr, "DFH 0x%016" PRIx64 " is not feature 0x10's\n", dfh);
		return 1;
	}
	for (i = 3; i < argc; i++) {
		const char *c = argv[i];
		int left = argc - i - 1;

		if (!strcmp(c, "info")) {
			uint64_t info = regs[ETH_INFO / 8];

			printf("links %u speed %u line-side %u group %u\n", links(),
			       (unsigned int)(info >> 16) & 0xff,
			       (unsigned int)(info >> 24) & 1,
			       (unsigned int)info & 0xff);
		} else if (!strcmp(c, "read") && left >= 2) {
			unsigned int dev = num(argv[i + 1]), addr = num(argv[i + 2]);

			printf("%u/0x%x 0x%x\n", dev, addr, cmd(ETH_CMD_RD, dev, addr, 0));
			i += 2;
		} else if (!strcmp(c, "write") && left >= 3) {
			unsigned int dev = num(argv[i + 1]), addr = num(argv[i + 2]);

			cmd(ETH_CMD_WR, dev, addr, num(argv[i + 3]));
			printf("%u/0x%x written\n", dev, addr);
			i += 3;
		} else if (!strcmp(c, "macs")) {
			unsigned int l, reset = 0, loop = 0;

			for (l = 0; l < links(); l++) {
				if ((cmd(ETH_CMD_RD, 2 * l + 3, MAC_PHY_CONFIG, 0) &
				     MAC_RESET) == MAC_RESET)
					reset |= 1U << l;
				if (cmd(ETH_CMD_RD, 2 * l + 3, MAC_PMA_SLOOP, 0) & 1)
					loop |= 1U << l;
			}
			printf("reset 0x%x loopback 0x%x\n", reset, loop);
		} else if (!strcmp(c, "mac") && left >= 2) {
			unsigned int mac = 2 * num(argv[i + 1]) + 3;
			int hold = !strcmp(argv[i + 2], "reset");
			uint32_t v = cmd(ETH_CMD_RD, mac, MAC_PHY_CONFIG, 0);

			v = hold ? v | MAC_RESET : v & ~MAC_RESET;
			cmd(ETH_CMD_WR, mac, MAC_PHY_CONFIG, v);
			printf("mac %s\n", hold ? "reset" : "run");
			i += 2;
		} else if (!strcmp(c, "loopback") && left >= 2) {
			int on = !strcmp(argv[i + 2], "on");

			cmd(ETH_CMD_WR, 2 * num(argv[i + 1]) + 3, MAC_PMA_SLOOP, on);
			printf("loopback %s\n", on ? "on" : "off");
			i += 2;
		} else if (!strcmp(c, "hold")) {
			hold_until_killed("ready");
		} else {
			die("unknown command or missing arguments: %s", c);
		}
	}
	return 0;
}
