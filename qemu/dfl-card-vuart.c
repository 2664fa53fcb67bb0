/*
 * Emulated DFL card: FME feature 0x24, the OFS VUART as ofs-fim-common
 * ships it (src/fpga_family/agilex/uart/: rtl/csrs/vuart_csr.sv,
 * vuart_csr_decode.sv, vuart_top.sv, ip/uart.ip): DFHv1, its GUID and
 * parameters as the RTL's default values, DFH next 0x10000 as from OFS
 * 2023.1 on.  Accesses at DFH + CSR_ADDR (0x200 as OFS ships it, the
 * property vuart-csr) and the 0x200 bytes after go to the Altera 16550
 * IP (a 0x200 byte Avalon slave, 32-bit data, registers 4 bytes apart):
 * here QEMU's own 16550A (hw/char/serial.c), whose backend is the card's
 * "chardev" property.  Below, the DFH and its DFHv1 header, with a R/W
 * scratchpad at +0xf0.  The declared CSR size (0x10) is smaller than the
 * 0x20 the registers span.
 *
 * An even vuart-csr that is not a multiple of 4 gives a CSR block that is
 * only 2-byte aligned, for the access-width tests (a test-only variant).
 * Which part of the block answers is decided by an access's first byte.
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/pci/msix.h"
#include "dfl-card.h"

#define VUART_SPAN              0x200   /* the UART IP's slave */
#define VUART_REG_WIDTH         4ULL
#define VUART_REG_SHIFT         2
#define VUART_NREGS             8       /* RBR/THR .. SCR */
#define DFHV1_PARAM_ID_CLK_FRQ  2ULL
#define DFHV1_PARAM_ID_FIFO_LEN 3ULL
#define DFHV1_PARAM_ID_REG_LAYOUT 4ULL
/* A parameter header: next = 2 qwords (header and one data qword) */
#define DFHV1_PARAM(id, eop)    ((id) | ((eop) ? DFHV1_PARAM_EOP : 0) | \
                                 (2ULL << DFHV1_PARAM_NEXT_SHIFT))

/* vuart_csr.sv's DFHv1 parameters, in order */
static const uint64_t vuart_params[] = {
    DFHV1_PARAM(DFHV1_PARAM_ID_MSI_X, 0),
    ((uint64_t)DFL_VUART_MSIX_NUM << 32) | DFL_VUART_MSIX_START,
    DFHV1_PARAM(DFHV1_PARAM_ID_CLK_FRQ, 0),
    DFL_VUART_CLK,
    DFHV1_PARAM(DFHV1_PARAM_ID_FIFO_LEN, 0),
    DFL_VUART_FIFO_LEN,
    DFHV1_PARAM(DFHV1_PARAM_ID_REG_LAYOUT, 1),
    (VUART_REG_WIDTH << 32) | VUART_REG_SHIFT,
};

static const DflDfhV1 vuart_v1 = {
    .guid_l = DFL_VUART_GUID_L, .guid_h = DFL_VUART_GUID_H,
    .csr = DFL_VUART_CSR_DEFAULT, .csr_size = DFL_VUART_CSR_SIZE,
    .group = 0, .instance = 0,
    .msix_start = DFL_VUART_MSIX_START, .msix_num = DFL_VUART_MSIX_NUM,
    .params = vuart_params, .nparams = ARRAY_SIZE(vuart_params),
};

/* The DFH and its DFHv1 header: the qword at 8-byte aligned @off */
static uint64_t dfl_vuart_header(DflVuart *v, hwaddr off)
{
    uint64_t val;

    switch (off) {
    case 0:
        return v->dfh;
    case DFHV1_CSR_ADDR:
        return (uint64_t)v->csr << 1;           /* property vuart-csr */
    case GUID_L:
        if (v->foreign_guid) {          /* property vuart-foreign-guid */
            return DFL_VUART_GUID_L ^ 1;
        }
        break;
    case DFL_VUART_SCRATCHPAD:
        return v->scratchpad;
    }
    return dfl_dfhv1_read(&vuart_v1, off, &val) ? val : 0;
}

/*
 * The 16550 (the Altera 16550 IP behind vuart_csr_decode.sv): one 8-bit
 * register in byte 0 of each 32-bit lane (REG_LAYOUT width 4, shift 2),
 * lanes counted from the CSR block.  Registers 0-7 are the 16550's; the
 * lanes above SCR read 0 and ignore writes (assumption: the IP's
 * documentation was not available).  Any read that touches a lane reads
 * its register once, side effects included (RBR pops the FIFO, IIR
 * clears THRI, LSR and MSR clear their error and delta bits), and
 * returns the addressed bytes of the lane { 0, 0, 0, register }; an
 * 8-byte read returns the lower lane's 32 bits in both halves, as the
 * RTL duplicates the IP's 32-bit read data.  A write reaches the
 * register only if it covers byte 0 of a lane; an 8-byte write writes
 * the lower lane (assumption: the RTL's UPPER32 case is not modelled).
 * @off is relative to the CSR block.
 */
static uint64_t dfl_vuart_serial_read(DflVuart *v, hwaddr off, unsigned size)
{
    hwaddr reg = off >> VUART_REG_SHIFT;
    uint64_t lane;

    if (reg >= VUART_NREGS) {
        return 0;
    }
    lane = serial_io_ops.read(&v->serial, reg, 1) & 0xff;
    if (size == 8) {
        return lane | (lane << 32);
    }
    return (lane >> (off & 3) * 8) & MAKE_64BIT_MASK(0, size * 8);
}

static bool dfl_vuart_in_serial(DflVuart *v, hwaddr addr)
{
    return addr >= v->csr && addr < v->csr + VUART_SPAN;
}

static uint64_t dfl_vuart_read(void *opaque, hwaddr addr, unsigned size)
{
    DflVuart *v = opaque;

    if (dfl_vuart_in_serial(v, addr)) {
        return dfl_vuart_serial_read(v, addr - v->csr, size);
    }
    return dfl_qword_bytes(dfl_vuart_header(v, addr & ~7ULL), addr, size);
}

static void dfl_vuart_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    DflVuart *v = opaque;
    hwaddr off = addr - v->csr;
    uint64_t mask = dfl_qword_mask(addr, size);

    if (dfl_vuart_in_serial(v, addr)) {
        if (off >> VUART_REG_SHIFT < VUART_NREGS && !(off & 3)) {
            serial_io_ops.write(&v->serial, off >> VUART_REG_SHIFT,
                                val & 0xff, 1);
        }
    } else if ((addr & ~7ULL) == DFL_VUART_SCRATCHPAD) {
        val <<= (addr & 7) * 8;
        v->scratchpad = (v->scratchpad & ~mask) | (val & mask);
    }
}

static const MemoryRegionOps dfl_vuart_ops = {
    .read = dfl_vuart_read,
    .write = dfl_vuart_write,
};

/*
 * The VUART's interrupt line.  vuart_top.sv turns each rising edge of
 * the 16550's INTR into one write of the constant 5 to the constant
 * address ST2MM + 0x10 (MSIX_CTRL), which fires MSI-X vector 5 of the
 * function: modelled as msix_notify() of that fixed vector (pending in
 * the PBA if masked; lost if MSI-X is off, as with no ST2MM table).
 * Nothing in it is programmable.  A line that stays high sends nothing
 * more.
 */
static void dfl_vuart_irq(void *opaque, int n, int level)
{
    DflVuart *v = opaque;

    if (level && !v->level) {
        v->dbg_edges++;
        if (msix_enabled(v->pdev)) {
            msix_notify(v->pdev, DFL_VUART_MSIX_START);
        }
    }
    v->level = !!level;
}

/*
 * The 16550 is a child of @owner; its properties are the card's:
 * "chardev" (the backend), "baudbase" (default: the 50 MHz clock / 16, so
 * that the divisor 8250_dfl programs for a speed gives that speed) and
 * "wakeup".
 */
void dfl_vuart_init(DflVuart *v, Object *owner)
{
    object_initialize_child(owner, "vuart", &v->serial, TYPE_SERIAL);
    qdev_prop_set_uint32(DEVICE(&v->serial), "baudbase", DFL_VUART_CLK / 16);
    qdev_alias_all_properties(DEVICE(&v->serial), owner);
}

bool dfl_vuart_realize(DflVuart *v, PCIDevice *pdev, Error **errp)
{
    v->pdev = pdev;
    v->irq = qemu_allocate_irq(dfl_vuart_irq, v, 0);
    v->serial.irq = v->irq;
    if (!qdev_realize(DEVICE(&v->serial), NULL, errp)) {
        qemu_free_irq(v->irq);
        return false;
    }
    return true;
}

void dfl_vuart_unrealize(DflVuart *v)
{
    qdev_unrealize(DEVICE(&v->serial));
    qemu_free_irq(v->irq);
}

/* The VUART at BAR0 offset @base, its DFH @dfh: the DFH to the 16550's end */
void dfl_vuart_map(DflCardState *s, hwaddr base, uint64_t dfh)
{
    s->vuart.dfh = dfh;
    dfl_block_add(s, &s->vuart.blk, "dfl-card-vuart", &dfl_vuart_ops,
                  &s->vuart, base, ROUND_UP(s->vuart.csr + VUART_SPAN, 8), 0);
}

/*
 * The 16550 itself is reset by QEMU's serial core on system reset only
 * (qemu_register_reset): a PCI function reset leaves it as it is
 * (assumption, see qemu/REGISTERS.md).
 */
void dfl_vuart_reset(DflVuart *v)
{
    v->scratchpad = 0;
}
