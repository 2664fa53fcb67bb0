// SPDX-License-Identifier: GPL-2.0
/*
 * A bare-metal arm64 guest for QEMU's virt machine (loaded with -kernel as
 * an ELF image, MMU off) that drives the OFS HSSI subsystem (FME 0x15,
 * qemu/REGISTERS.md) passed through by vfio-platform at the platform bus
 * (tests/guest/10-*: run2 with x-no-mmap=on, every access trapped; run3
 * through QEMU's mapping of the region). It boots in no time, which a
 * Linux guest under nested TCG does not.
 *
 * It reads the HSSI's DFH and HSSI_VERSION, round-trips the wrapper's
 * 64-bit scratchpad N times with 64-bit accesses and once at each
 * narrower width, reports "@@L2 ok|not ok <what>" lines on the PL011,
 * then "@@L2 DONE", and keeps the device, halted in WFI, until QEMU is
 * killed. The HSSI has no interrupt.
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define UART		0x09000000UL	/* PL011 data register */
#define BASE		0x0c000000UL	/* the platform bus: the feature */
#define HSSI_DFH	0x3000000010002015UL
#define HSSI_VERSION	0x060
#define HSSI_VERSION_V	0x00010000
#define SCRATCH		0x820		/* HSSI_SCRATCHPAD */
#define N		200

__asm__(".text\n.globl _start\n_start:\n"
	"\tadrp x0, stack\n\tadd x0, x0, :lo12:stack\n"
	"\tadd x0, x0, #16384\n\tmov sp, x0\n\tbl main\n"
	"1:\twfi\n\tb 1b\n");
unsigned char stack[16384] __attribute__((aligned(16)));

#define R(w, off)	(*(volatile u##w *)(BASE + (off)))

static void put(const char *s)
{
	while (*s)
		*(volatile u32 *)UART = *s++;
}

static void puthex(u64 v)
{
	char b[19];
	int i;

	b[0] = '0';
	b[1] = 'x';
	for (i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	b[18] = 0;
	put(b);
}

static void check(int good, const char *what, u64 v)
{
	put(good ? "@@L2 ok " : "@@L2 not ok ");
	put(what);
	put(" (");
	puthex(v);
	put(")\n");
}

int main(void)
{
	u64 i, bad = 0;

	put("@@L2 UP bare metal\n");
	check(R(64, 0) == HSSI_DFH, "HSSI DFH", R(64, 0));
	check(R(32, HSSI_VERSION) == HSSI_VERSION_V, "HSSI_VERSION 1.0",
	      R(32, HSSI_VERSION));
	for (i = 0; i < N; i++) {
		u64 v = (i * 0x10001UL) ^ 0x5a5a5a5a5a5a5a5aUL;

		R(64, SCRATCH) = v;
		if (R(64, SCRATCH) != v)
			bad++;
	}
	check(!bad, "scratchpad: 64-bit round trips, mismatches", bad);

	R(64, SCRATCH) = 0;
	R(8, SCRATCH) = 0xff;
	bad = R(8, SCRATCH) != 0xff;
	R(64, SCRATCH) = 0;
	R(16, SCRATCH) = 0xff;
	bad += R(16, SCRATCH) != 0xff;
	R(64, SCRATCH) = 0;
	R(32, SCRATCH) = 0xff;
	bad += R(32, SCRATCH) != 0xff;
	R(64, SCRATCH) = 0;
	check(!bad, "scratchpad: 8-, 16- and 32-bit round trips, mismatches", bad);
	put("@@L2 DONE\n");
	return 0;
}
