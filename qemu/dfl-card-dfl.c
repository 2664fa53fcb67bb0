/*
 * Emulated DFL card: the Device Feature List itself.  A layout is a walk,
 * the offset and DFH of every header in the order of the next pointers;
 * each feature the model has a block for (the Ethernet group, the HSSI,
 * the VUART, the test features) is mapped at its offset, every other
 * header is answered here: the FME and port headers, the AFU, and the
 * features with nothing behind their DFH (registers read 0, writes are
 * dropped).  This block is BAR0's background: offsets no header covers
 * read 0 and ignore writes.
 *
 * No VSEC is present, so dfl-pci uses find_dfls_by_default(): an FME
 * header at BAR0 offset 0 whose FME_HDR_PORT_OFST(0) points at the port's
 * DFL (default layout) or names BAR 7, which dfl-pci skips, the port
 * following in the FME's list (layout=n6001).
 *
 * Every 8-byte aligned qword is one 64-bit register; narrower accesses
 * read or write the addressed bytes of it.  Reads have no side effects.
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "dfl-card.h"

/* FME header */
#define FME_HDR_CAP             0x30
#define FME_HDR_PORT_OFST0      0x38
#define FME_HDR_BITSTREAM_ID    0x60
#define FME_HDR_BITSTREAM_MD    0x68
#define FME_PORT_OFST_ACC_CTRL  (1ULL << 55)

/* Port header */
#define PORT_HDR_CAP            0x30
#define PORT_HDR_CTRL           (DFL_PORT_CTRL_OFST - DFL_PORT_HDR_OFST)
#define PORT_HDR_STS            0x40
#define PORT_CTRL_SFTRST        (1ULL << 0)
#define PORT_CTRL_LATENCY       (1ULL << 2)
#define PORT_CTRL_SFTRST_ACK    (1ULL << 4)

struct DflLayout {
    const char *name;           /* the "layout" property; NULL: default */
    const uint64_t *walk;       /* offset, DFH pairs, in walk order */
    unsigned nwalk;             /* pairs */
    uint64_t bar0_size;
    uint64_t fme_cap;           /* FME_HDR_CAP */
    uint64_t port_ofst_reg;     /* FME_HDR_PORT_OFST(0) but ACC_CTRL */
    uint64_t port_cap;          /* PORT_HDR_CAP */
    hwaddr afu_ofst;            /* the AFU, reached by NEXT_AFU; 0: none */
};

/*
 * The default layout (DFL_WALK): the FME list (EOL at the VUART) and the
 * port list, which dfl-pci reaches through FME_HDR_PORT_OFST(0).  The AFU
 * is only reachable through the port's NEXT_AFU, never through a DFH
 * next offset.
 */
static const uint64_t default_walk[] = DFL_WALK;

/*
 * layout=n6001: BAR0 as the N6001 FIM's PF0 (DFL_N6001_WALK;
 * REGISTERS.md).  One list from the FME header through the port header to
 * the port's last feature, as the FIM chains them.  The blocks the model
 * has (the HSSI, the VUART, the IOPLL) are at their N6001 offsets; every
 * other header is a header only.  No AFU: the port's NEXT_AFU is 0.
 */
static const uint64_t n6001_walk[] = DFL_N6001_WALK;

QEMU_BUILD_BUG_MSG(ARRAY_SIZE(default_walk) % 2 || ARRAY_SIZE(n6001_walk) % 2,
                   "qemu/dfl-card-map.sh: a walk is offset/DFH pairs");
QEMU_BUILD_BUG_ON(ARRAY_SIZE(n6001_walk) / 2 > WALK_MAX_HEADERS ||
                  ARRAY_SIZE(default_walk) / 2 + 1 > WALK_MAX_HEADERS);

static const DflLayout dfl_layouts[] = {
    {
        .name = NULL,
        .walk = default_walk, .nwalk = ARRAY_SIZE(default_walk) / 2,
        .bar0_size = DFL_BAR0_SIZE,
        .fme_cap = DFL_FME_CAP,
        .port_ofst_reg = DFL_FME_PORT_OFST0,
        .port_cap = DFL_PORT_CAP,
        .afu_ofst = DFL_AFU_OFST,
    }, {
        .name = "n6001",
        .walk = n6001_walk, .nwalk = ARRAY_SIZE(n6001_walk) / 2,
        .bar0_size = DFL_N6001_BAR0_SIZE,
        .fme_cap = DFL_N6001_FME_CAP,
        .port_ofst_reg = DFL_N6001_PORT_OFST0,
        .port_cap = DFL_N6001_PORT_CAP,
        .afu_ofst = 0,
    },
};

/* The DFHv1 header register at @off from the DFH, false if none */
bool dfl_dfhv1_read(const DflDfhV1 *v1, hwaddr off, uint64_t *val)
{
    switch (off) {
    case GUID_L:
        *val = v1->guid_l;
        return true;
    case GUID_H:
        *val = v1->guid_h;
        return true;
    case DFHV1_CSR_ADDR:
        /* bit 0 = 0: relative to the DFH, offset in bits 63:1 */
        *val = (uint64_t)v1->csr << 1;
        return true;
    case DFHV1_CSR_SIZE_GRP:
        *val = ((uint64_t)v1->csr_size << 32) |
               (v1->msix_num || v1->nparams ? DFHV1_HAS_PARAMS : 0) |
               ((uint64_t)v1->group << DFHV1_GROUP_SHIFT) | v1->instance;
        return true;
    }
    if (v1->params) {
        if (off < DFHV1_PARAM_HDR ||
            off >= DFHV1_PARAM_HDR + v1->nparams * 8ULL) {
            return false;
        }
        *val = v1->params[(off - DFHV1_PARAM_HDR) / 8];
        return true;
    }
    if (!v1->msix_num || (off != DFHV1_PARAM_HDR && off != DFHV1_PARAM_DATA)) {
        return false;
    }
    /* MSI-X parameter, version 0, next = 2 qwords, end of params */
    *val = off == DFHV1_PARAM_HDR ?
           DFHV1_PARAM_ID_MSI_X | DFHV1_PARAM_EOP |
           (2ULL << DFHV1_PARAM_NEXT_SHIFT) :
           ((uint64_t)v1->msix_num << 32) | v1->msix_start;
    return true;
}

/* The header whose region holds the 8-byte aligned BAR0 offset @reg */
static const DflHeader *dfl_walk_find(DflWalk *w, hwaddr reg)
{
    unsigned i;

    for (i = 0; i < w->nhdr; i++) {
        if (reg >= w->hdr[i].offset &&
            reg < w->hdr[i].offset + w->hdr[i].size) {
            return &w->hdr[i];
        }
    }
    return NULL;
}

static uint64_t dfl_walk_fme_reg(DflCardState *s, const DflHeader *h,
                                 hwaddr off)
{
    DflWalk *w = &s->walk;

    if (w->fiu_outside && off == 0) {
        /* a DFHv1 FME header whose CSR block is twice BAR0 */
        return h->dfh | DFH_VERSION_1;
    }
    if (w->fiu_outside && off == DFHV1_CSR_SIZE_GRP) {
        return (2 * s->bar0_size) << 32;
    }
    switch (off) {
    case 0:
        return h->dfh;
    case GUID_L:
        return DFL_FME_GUID_L;
    case GUID_H:
        return DFL_FME_GUID_H;
    case FME_HDR_CAP:
        return w->layout->fme_cap;
    case FME_HDR_PORT_OFST0:
        return w->layout->port_ofst_reg | w->fme_port_acc;
    case FME_HDR_BITSTREAM_ID:
        return DFL_FME_BITSTREAM_ID;
    case FME_HDR_BITSTREAM_MD:
        return DFL_FME_BITSTREAM_MD;
    }
    return 0;
}

static uint64_t dfl_walk_port_reg(DflWalk *w, const DflHeader *h, hwaddr off)
{
    hwaddr afu = w->layout->afu_ofst;

    switch (off) {
    case 0:
        return h->dfh;
    case GUID_L:
        return DFL_PORT_GUID_L;
    case GUID_H:
        return DFL_PORT_GUID_H;
    case NEXT_AFU:
        return afu ? afu - w->port_ofst : 0;
    case PORT_HDR_CAP:
        return w->layout->port_cap;
    case PORT_HDR_CTRL:
        /* the reset is acknowledged as soon as it is requested */
        return w->port_ctrl |
               (w->port_ctrl & PORT_CTRL_SFTRST ? PORT_CTRL_SFTRST_ACK : 0);
    case PORT_HDR_STS:
        return 0;   /* normal power state, no events */
    }
    return 0;
}

static uint64_t dfl_walk_afu_reg(DflWalk *w, const DflHeader *h, hwaddr off)
{
    switch (off) {
    case 0:
        return h->dfh;
    case GUID_L:
        return DFL_AFU_GUID_L;
    case GUID_H:
        return DFL_AFU_GUID_H;
    case DFL_AFU_SCRATCH:
        return w->afu_scratch;
    }
    return 0;
}

static uint64_t dfl_walk_read(void *opaque, hwaddr addr, unsigned size)
{
    DflCardState *s = opaque;
    const DflHeader *h = dfl_walk_find(&s->walk, addr & ~7ULL);
    hwaddr off;
    uint64_t v = 0;

    if (!h) {
        return 0;
    }
    off = (addr & ~7ULL) - h->offset;
    switch (h->kind) {
    case KIND_FME_HDR:
        v = dfl_walk_fme_reg(s, h, off);
        break;
    case KIND_PORT_HDR:
        v = dfl_walk_port_reg(&s->walk, h, off);
        break;
    case KIND_AFU:
        v = dfl_walk_afu_reg(&s->walk, h, off);
        break;
    case KIND_HEADER:
        v = off ? 0 : h->dfh;
        break;
    }
    return dfl_qword_bytes(v, addr, size);
}

/* DFHs are read-only; so is every register but these */
static void dfl_walk_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    DflWalk *w = &DFL_CARD(opaque)->walk;
    const DflHeader *h = dfl_walk_find(w, addr & ~7ULL);
    uint64_t mask = dfl_qword_mask(addr, size), rw;
    hwaddr off;

    if (!h) {
        return;
    }
    off = (addr & ~7ULL) - h->offset;
    val <<= (addr & 7) * 8;
    if (h->kind == KIND_FME_HDR && off == FME_HDR_PORT_OFST0) {
        rw = mask & FME_PORT_OFST_ACC_CTRL;
        w->fme_port_acc = (w->fme_port_acc & ~rw) | (val & rw);
    } else if (h->kind == KIND_PORT_HDR && off == PORT_HDR_CTRL) {
        rw = mask & (PORT_CTRL_SFTRST | PORT_CTRL_LATENCY);
        w->port_ctrl = (w->port_ctrl & ~rw) | (val & rw);
    } else if (h->kind == KIND_AFU && off == DFL_AFU_SCRATCH) {
        w->afu_scratch = (w->afu_scratch & ~mask) | (val & mask);
    }
}

static const MemoryRegionOps dfl_walk_ops = {
    .read = dfl_walk_read,
    .write = dfl_walk_write,
};

static void dfl_walk_add(DflWalk *w, hwaddr offset, uint32_t size,
                         uint64_t dfh, enum DflKind kind)
{
    w->hdr[w->nhdr++] = (DflHeader) {
        .offset = offset, .size = size, .dfh = dfh, .kind = kind,
    };
}

/* The FME's private features the model has a block for, by id */
static const struct {
    unsigned id;
    void (*map)(DflCardState *s, hwaddr base, uint64_t dfh);
} dfl_blocks[] = {
    { DFH_ID(DFL_ETH_DFH), dfl_eth_map },
    { DFH_ID(DFL_HSSI_DFH), dfl_hssi_map },
    { DFH_ID(DFL_F23_DFH), dfl_doorbell_map },
    { DFH_ID(DFL_VUART_DFH), dfl_vuart_map },
};

static const unsigned dfl_scratch_ids[] = DFL_TEST_SCRATCH_IDS;

/* Map the FME's private feature at @ofst if it has a block; else false */
static bool dfl_walk_block(DflCardState *s, hwaddr ofst, uint64_t dfh)
{
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(dfl_blocks); i++) {
        if (dfl_blocks[i].id == DFH_ID(dfh)) {
            dfl_blocks[i].map(s, ofst, dfh);
            return true;
        }
    }
    for (i = 0; i < ARRAY_SIZE(dfl_scratch_ids); i++) {
        if (dfl_scratch_ids[i] == DFH_ID(dfh)) {
            dfl_scratch_map(s, ofst, dfh);
            return true;
        }
    }
    return false;
}

/* The layout of the "layout" property, its BAR0 size in s->bar0_size */
bool dfl_walk_select(DflCardState *s, Error **errp)
{
    DflWalk *w = &s->walk;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(dfl_layouts); i++) {
        const char *name = dfl_layouts[i].name;

        if (name ? w->layout_prop && !strcmp(w->layout_prop, name)
                 : !w->layout_prop) {
            w->layout = &dfl_layouts[i];
            s->bar0_size = w->layout->bar0_size;
            return true;
        }
    }
    error_setg(errp, "dfl-card: layout=%s: unknown (n6001, or no "
               "property for the default)", w->layout_prop);
    return false;
}

/*
 * Map the layout's blocks into BAR0 (initialized, s->bar0_size bytes):
 * the walk in its order, headers after the port header being the port's.
 * A header whose next offset is 0 (the EOL one) spans 4 KiB, as dfl.c
 * assumes.
 */
bool dfl_walk_map(DflCardState *s, Error **errp)
{
    DflWalk *w = &s->walk;
    const DflLayout *l = w->layout;
    bool port = false;
    unsigned i;

    dfl_block_add(s, &w->blk, "dfl-card-dfl", &dfl_walk_ops, s,
                  0, s->bar0_size, -1);
    for (i = 0; i < l->nwalk; i++) {
        hwaddr ofst = l->walk[2 * i];
        uint64_t dfh = l->walk[2 * i + 1];
        enum DflKind kind = KIND_HEADER;

        if (DFH_TYPE(dfh) == DFH_TYPE_FIU) {
            port = DFH_ID(dfh) == FIU_ID_PORT;
            kind = port ? KIND_PORT_HDR : KIND_FME_HDR;
            w->port_ofst = port ? ofst : w->port_ofst;
        } else if (!port && dfl_walk_block(s, ofst, dfh)) {
            continue;
        }
        dfl_walk_add(w, ofst, DFH_NEXT(dfh) ? DFH_NEXT(dfh) : 4 * KiB,
                     dfh, kind);
    }
    if (l->afu_ofst) {
        dfl_walk_add(w, l->afu_ofst, DFL_AFU_SIZE, DFL_AFU_DFH, KIND_AFU);
    }
    if (!w->port_ofst || !s->hssi.blk.mapped || !s->vuart.blk.mapped) {
        error_setg(errp, "dfl-card: the layout's walk lacks the port "
                   "header, the HSSI or the VUART");
        return false;
    }
    return true;
}

void dfl_walk_reset(DflWalk *w)
{
    w->fme_port_acc = 0;
    w->port_ctrl = 0;
    w->afu_scratch = 0;
}
