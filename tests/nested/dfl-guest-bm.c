// SPDX-License-Identifier: GPL-2.0
/*
 * A bare-metal arm64 guest for QEMU's virt machine (loaded with -kernel as
 * an ELF image, MMU off) that drives feature 0x15 passed through by
 * vfio-platform at the platform bus (tests/guest/10-*: run2 with
 * x-no-mmap=on, every access trapped; run3 through QEMU's mapping of the
 * region until the first interrupt). It boots in no time, which a Linux
 * guest under nested TCG does not.
 *
 * Built with -DHSSI (dfl-guest-bm-hssi), it drives the OFS HSSI
 * subsystem (FME 0x15 of a card with hssi=on, qemu/REGISTERS.md) instead:
 * its DFH and HSSI_VERSION, and the wrapper's 64-bit scratchpad; the HSSI
 * has no interrupts.
 *
 * It round-trips the scratch register N times with 64-bit accesses and
 * once at each narrower width, then rings each doorbell RINGS times and
 * counts the interrupts QEMU raises at the GIC: the distributor's pending
 * bit of the SPI follows QEMU's line (level-sensitive, the reset
 * configuration), which QEMU keeps raised until the guest next accesses
 * the device. It reports "@@L2 ok|not ok <what>" lines on the PL011, then
 * "@@L2 DONE", and keeps the device, halted in WFI (the GIC CPU interface
 * stays disabled, so nothing wakes it), until QEMU is killed.
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define UART		0x09000000UL	/* PL011 data register */
#define GICD		0x08000000UL	/* GICv2 distributor */
#define GICD_ISPENDR	(GICD + 0x200)
#define BASE		0x0c000000UL	/* the platform bus: the feature */
#ifdef HSSI
#define SCRATCH		0x820		/* HSSI_SCRATCHPAD */
#define HSSI_DFH	0x3000000010002015UL
#define HSSI_VERSION	0x060
#define HSSI_VERSION_V	0x00010000
#else
#define SCRATCH		0x40
#endif
#define DOORBELL	0x48
#define IRQ_STATUS	0x58
#define NIRQ		2
#define SPI_BASE	112		/* the platform bus's first SPI */
#define N		200
#define RINGS		2
#define SPIN		100000000UL

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

#ifndef HSSI
/* the SPI of IRQ index k is pending (its line raised) */
static int pending(int k)
{
	int id = 32 + SPI_BASE + k;

	return (*(volatile u32 *)(GICD_ISPENDR + 4 * (id / 32)) >> (id % 32)) & 1;
}

/* ring each doorbell RINGS times, count the interrupts; IRQ_STATUS */
static void doorbells(void)
{
	int k, r, count[NIRQ];
	u64 st;

	for (k = 0; k < NIRQ; k++) {
		count[k] = 0;
		for (r = 0; r < RINGS; r++) {
			u64 t;

			R(64, DOORBELL) = k;
			for (t = 0; t < SPIN && !pending(k); t++)
				;
			if (t == SPIN)
				break;
			count[k]++;
			/* any access lowers QEMU's line */
			(void)R(64, IRQ_STATUS);
			for (t = 0; t < SPIN && pending(k); t++)
				;
			if (t == SPIN)
				break;
		}
		check(count[k] == RINGS, k ? "interrupt index 1: doorbells answered by an interrupt" :
			"interrupt index 0: doorbells answered by an interrupt", count[k]);
	}
	st = R(64, IRQ_STATUS);
	check((st & 3) == 3, "IRQ_STATUS shows both rung indexes", st);
	R(64, IRQ_STATUS) = 3;
	st = R(64, IRQ_STATUS);
	check((st & 3) == 0, "IRQ_STATUS clears on write-1", st);
}
#endif

int main(void)
{
	u64 i, bad = 0;

	put("@@L2 UP bare metal\n");
#ifdef HSSI
	check(R(64, 0) == HSSI_DFH, "HSSI DFH", R(64, 0));
	check(R(32, HSSI_VERSION) == HSSI_VERSION_V, "HSSI_VERSION 1.0",
	      R(32, HSSI_VERSION));
#endif
	for (i = 0; i < N; i++) {
		u64 v = (i * 0x10001UL) ^ 0x5a5a5a5a5a5a5a5aUL;

		R(64, SCRATCH) = v;
		if (R(64, SCRATCH) != v)
			bad++;
	}
	check(!bad, "scratch register: 64-bit round trips, mismatches", bad);

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
	check(!bad, "scratch register: 8-, 16- and 32-bit round trips, mismatches", bad);
#ifndef HSSI
	doorbells();
#endif
	put("@@L2 DONE\n");
	return 0;
}
