/*
 * Emulated DFL card: the features with test ids, which no real card has.
 *
 * FME 0x23, the doorbell (DFHv1): its CSR block starts at its DFH, so its
 * DFHv1 header is in the block's first qwords; its MSI-X parameter names
 * vectors 0 and 1, and a doorbell value k < 4 rings vector k.  Its
 * registers DFL_F23_* are relative to its DFH.  The properties
 * csr-outside-bars, csr-in-bar4 and csr-whole-bar4 move its CSR block
 * (REGISTERS.md).
 *
 * FME 0x30, 0x31, 0x32, the scratch features: a DFH and its region (the
 * DFH's next offset), with R/W qwords after the DFH and in the region's
 * last qword, to test regions of odd sizes and starts.
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/pci/msix.h"
#include "dfl-card.h"

#define DOORBELL_VECTOR         0       /* value k rings vector k ... */
#define DOORBELL_NUM            4       /* ... for k < 4 */

static const DflDfhV1 f23_v1 = {
    .guid_l = DFL_F23_GUID_L, .guid_h = DFL_F23_GUID_H,
    .csr = DFHV1_CSR_REL(DFL_F23_CSR_ADDR),
    .csr_size = DFHV1_SIZE(DFL_F23_CSR_SIZE_GRP),
    .group = DFHV1_GROUP(DFL_F23_CSR_SIZE_GRP),
    .instance = DFHV1_INSTANCE(DFL_F23_CSR_SIZE_GRP),
    .msix_start = DFL_F23_MSIX_START, .msix_num = DFL_F23_MSIX_NUM,
};

/* CSR_ADDR and CSR_SIZE_GRP as the csr-* properties have them */
static bool dfl_doorbell_csr(DflDoorbell *d, hwaddr off, uint64_t *val)
{
    bool bar4 = d->csr_in_bar4 || d->csr_whole_bar4;

    if (off == DFHV1_CSR_ADDR && d->csr_outside_bars) {
        *val = DFL_OUTSIDE_CSR | 1;    /* absolute */
        return true;
    }
    if (off == DFHV1_CSR_ADDR && bar4) {
        /* absolute: BAR4 as the guest programmed it */
        *val = pci_get_bar_addr(d->pdev, DFL_DBG_BAR) | 1;
        return true;
    }
    if (off == DFHV1_CSR_SIZE_GRP && bar4 &&
        dfl_dfhv1_read(&f23_v1, off, val)) {
        /* half of BAR4, or all of it (REGISTERS.md) */
        *val = (*val & 0xffffffffULL) |
               ((uint64_t)(d->csr_whole_bar4 ? DFL_DBG_BAR_SIZE
                                             : DFL_CSR_IN_BAR4_SIZE) << 32);
        return true;
    }
    return false;
}

static uint64_t dfl_doorbell_reg(DflDoorbell *d, hwaddr off)
{
    uint64_t val;

    if (off == 0) {
        return d->dfh;
    }
    if (dfl_doorbell_csr(d, off, &val) || dfl_dfhv1_read(&f23_v1, off, &val)) {
        return val;
    }
    switch (off) {
    case DFL_F23_SCRATCH:
        return d->scratch;
    case DFL_F23_DOORBELL_COUNT:
        return d->count;
    case DFL_F23_IRQ_STATUS:
        return d->irq_status;
    }
    return 0;   /* DFL_F23_DOORBELL reads 0 */
}

static uint64_t dfl_doorbell_read(void *opaque, hwaddr addr, unsigned size)
{
    return dfl_qword_bytes(dfl_doorbell_reg(opaque, addr & ~7ULL), addr,
                           size);
}

/* Doorbell value @k written */
static void dfl_doorbell_ring(DflDoorbell *d, uint64_t k)
{
    if (k >= DOORBELL_NUM) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: feature 0x%x: doorbell value %" PRIu64
                      " ignored (valid: 0..%u)\n",
                      (unsigned)DFH_ID(d->dfh), k, DOORBELL_NUM - 1);
        return;
    }
    d->count++;
    d->irq_status |= 1ULL << k;
    if (msix_enabled(d->pdev)) {
        /* a masked vector is left pending in the PBA */
        msix_notify(d->pdev, DOORBELL_VECTOR + k);
    }
}

/*
 * A narrow write to a register with side effects acts with the access's
 * own data: a 1-byte write of 3 to DOORBELL rings vector 3.
 */
static void dfl_doorbell_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    DflDoorbell *d = opaque;
    uint64_t mask = dfl_qword_mask(addr, size);

    val = (val << (addr & 7) * 8) & mask;
    switch (addr & ~7ULL) {
    case DFL_F23_SCRATCH:
        d->scratch = (d->scratch & ~mask) | val;
        break;
    case DFL_F23_DOORBELL:
        dfl_doorbell_ring(d, val >> (addr & 7) * 8);
        break;
    case DFL_F23_IRQ_STATUS:
        d->irq_status &= ~val;
        break;
    }
}

static const MemoryRegionOps dfl_doorbell_ops = {
    .read = dfl_doorbell_read,
    .write = dfl_doorbell_write,
};

/* The doorbell feature at BAR0 offset @base, its DFH @dfh */
void dfl_doorbell_map(DflCardState *s, hwaddr base, uint64_t dfh)
{
    s->doorbell.dfh = dfh;
    s->doorbell.pdev = PCI_DEVICE(s);
    dfl_block_add(s, &s->doorbell.blk, "dfl-card-doorbell",
                  &dfl_doorbell_ops, &s->doorbell, base, DFH_NEXT(dfh), 0);
}

void dfl_doorbell_reset(DflDoorbell *d)
{
    d->scratch = 0;
    d->count = 0;
    d->irq_status = 0;
}

/* The scratch qword at 8-byte aligned @off, NULL if none */
static uint64_t *dfl_scratch_qword(DflScratch *f, hwaddr off)
{
    if (off == 8) {
        return &f->first;
    }
    if (off == DFH_NEXT(f->dfh) - 8) {
        return &f->last;
    }
    return NULL;
}

static uint64_t dfl_scratch_read(void *opaque, hwaddr addr, unsigned size)
{
    DflScratch *f = opaque;
    uint64_t *q = dfl_scratch_qword(f, addr & ~7ULL);

    return dfl_qword_bytes(addr < 8 ? f->dfh : q ? *q : 0, addr, size);
}

static void dfl_scratch_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    uint64_t *q = dfl_scratch_qword(opaque, addr & ~7ULL);
    uint64_t mask = dfl_qword_mask(addr, size);

    if (q) {
        *q = (*q & ~mask) | ((val << (addr & 7) * 8) & mask);
    }
}

static const MemoryRegionOps dfl_scratch_ops = {
    .read = dfl_scratch_read,
    .write = dfl_scratch_write,
};

/* A scratch feature at BAR0 offset @base, its DFH @dfh */
void dfl_scratch_map(DflCardState *s, hwaddr base, uint64_t dfh)
{
    DflScratch *f;

    g_assert(s->nscratch < SCRATCH_FEATURES_MAX);
    f = &s->scratch[s->nscratch++];
    f->dfh = dfh;
    dfl_block_add(s, &f->blk, "dfl-card-scratch", &dfl_scratch_ops, f,
                  base, DFH_NEXT(dfh), 0);
}

void dfl_scratch_reset(DflScratch *f)
{
    f->first = 0;
    f->last = 0;
}
