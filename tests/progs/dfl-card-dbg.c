// SPDX-License-Identifier: GPL-2.0
/*
 * dfl-card-dbg: read or reset the access-width counters of the DFL card
 * model (qemu/REGISTERS.md, BAR4), through the PCI function's sysfs
 * resource file. Test hardware only: a real card has no such BAR (bar0,
 * below, works on any card).
 *
 *   dfl-card-dbg BDF          print "r1 R r2 R r4 R r8 R w1 W w2 W w4 W w8 W"
 *   dfl-card-dbg BDF reset    zero the counters
 *   dfl-card-dbg BDF vuart-edges
 *                             print the rising edges of FME 0x24's (the
 *                             VUART's) interrupt line, each one MSI-X
 *                             message for vector 5
 *   dfl-card-dbg BDF hssi     print "cold-resets N loopback 0xM": the
 *                             ColdResets of FME 0x15 (the HSSI) and
 *                             the ports its SAL loopback is on for
 *   dfl-card-dbg BDF hssi-handshake
 *                             print "early E busy B": the HSSI's
 *                             ColdResets cleared before their ack (which
 *                             reset all the same) and SAL commands the
 *                             subsystem dropped in reset
 *   dfl-card-dbg BDF hssi-wedge 0|1
 *                             1: the HSSI stops acknowledging a ColdReset
 *                             (a wedged wrapper); 0: it resumes
 *   dfl-card-dbg BDF hssi-sal-error 0|1
 *                             1: the HSSI answers every SAL command with
 *                             Error; 0: as it should
 *   dfl-card-dbg BDF eth      print "mac-reset 0xR loopback 0xL": the links
 *                             of FME 0x10 (the Ethernet group) whose MAC
 *                             is held in reset, and in PMA loopback
 *   dfl-card-dbg BDF bar0 OFF print the 32-bit register at BAR0 + OFF in
 *                             hex, read behind every driver's back (what
 *                             the last owner of a feature left there)
 */
#include <inttypes.h>
#include <sys/mman.h>
#include "util.h"

#define DBG_CTRL	0x58
#define DBG_VUART_EDGES	0x60
#define DBG_HSSI_COLD_RESETS	0x68
#define DBG_HSSI_LOOPBACK	0x70
#define DBG_HSSI_EARLY_RELEASES	0x78
#define DBG_HSSI_BUSY_CMDS	0x80
#define DBG_ETH_MAC_RESET	0x88
#define DBG_ETH_LOOPBACK	0x90
#define DBG_HSSI_WEDGE	0x98
#define DBG_HSSI_SAL_ERROR	0xa0

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"r1", "r2", "r4", "r8", "w1", "w2", "w4", "w8",
	};
	volatile uint64_t *regs;
	unsigned int i;

	if (argc == 4 && !strcmp(argv[2], "bar0")) {
		unsigned long off = strtoul(argv[3], NULL, 0);
		volatile uint32_t *bar0;

		if (off % 4)
			die("BAR0 offset 0x%lx is not 4-byte aligned", off);
		bar0 = pci_bar_map(argv[1], 0, (off | 0xfff) + 1);
		printf("0x%" PRIx32 "\n", bar0[off / 4]);
		return 0;
	}
	if (argc == 4 && (!strcmp(argv[2], "hssi-wedge") ||
			  !strcmp(argv[2], "hssi-sal-error"))) {
		if (strcmp(argv[3], "0") && strcmp(argv[3], "1"))
			die("%s takes 0 or 1, not '%s'", argv[2], argv[3]);
		regs = dfl_dbg_map(argv[1]);
		regs[(strcmp(argv[2], "hssi-wedge") ? DBG_HSSI_SAL_ERROR :
		      DBG_HSSI_WEDGE) / 8] = argv[3][0] - '0';
		return 0;
	}
	if (argc < 2 || argc > 3 ||
	    (argc == 3 && strcmp(argv[2], "reset") &&
	     strcmp(argv[2], "vuart-edges") && strcmp(argv[2], "hssi") &&
	     strcmp(argv[2], "hssi-handshake") && strcmp(argv[2], "eth")))
		die("usage: %s BDF [reset|vuart-edges|hssi|hssi-handshake|eth|bar0 OFF|hssi-wedge 0|1|hssi-sal-error 0|1]",
		    argv[0]);
	regs = dfl_dbg_map(argv[1]);
	if (argc == 3 && !strcmp(argv[2], "vuart-edges")) {
		printf("%" PRIu64 "\n", regs[DBG_VUART_EDGES / 8]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[2], "hssi")) {
		printf("cold-resets %" PRIu64 " loopback 0x%" PRIx64 "\n",
		       regs[DBG_HSSI_COLD_RESETS / 8], regs[DBG_HSSI_LOOPBACK / 8]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[2], "eth")) {
		printf("mac-reset 0x%" PRIx64 " loopback 0x%" PRIx64 "\n",
		       regs[DBG_ETH_MAC_RESET / 8], regs[DBG_ETH_LOOPBACK / 8]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[2], "hssi-handshake")) {
		printf("early %" PRIu64 " busy %" PRIu64 "\n",
		       regs[DBG_HSSI_EARLY_RELEASES / 8], regs[DBG_HSSI_BUSY_CMDS / 8]);
		return 0;
	}
	if (argc == 3) {
		regs[DBG_CTRL / 8] = 1;
		return 0;
	}
	for (i = 0; i < 8; i++)
		printf("%s%s %" PRIu64, i ? " " : "", names[i], regs[i]);
	printf("\n");
	return 0;
}
