/*
 * Emulated DFL card: BAR4, the debug counters of the BAR0 accesses, and
 * the wrapper that counts them.  Every block of BAR0 is a region whose
 * ops are dfl_block_ops: each access the memory core delivers to BAR0
 * (not the MSI-X table/PBA of msix-in-bar0, not misaligned CPU accesses,
 * which it rejects) is counted by width, then handed to the block's own
 * ops at its offset in the block.
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/host-utils.h"
#include "dfl-card.h"

static void dfl_block_count(DflBlock *b, hwaddr addr, unsigned size,
                            bool write)
{
    DflAccessCount *c = b->count;
    unsigned i = MIN(ctz32(size), 3);   /* 1, 2, 4, 8 bytes -> 0..3 */

    if (write) {
        c->writes[i]++;
    } else {
        c->reads[i]++;
    }
    c->last_addr = b->base + addr;
    c->last_size = size;
    c->last_write = write;
}

static uint64_t dfl_block_read(void *opaque, hwaddr addr, unsigned size)
{
    DflBlock *b = opaque;

    dfl_block_count(b, addr, size, false);
    return b->ops->read(b->opaque, addr, size);
}

static void dfl_block_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    DflBlock *b = opaque;

    dfl_block_count(b, addr, size, true);
    b->ops->write(b->opaque, addr, val, size);
}

/* BAR0's and BAR4's accesses: 1, 2, 4 and 8 bytes, naturally aligned */
#define BAR_ACCESS_RULES \
    .endianness = DEVICE_LITTLE_ENDIAN, \
    .valid = { .min_access_size = 1, .max_access_size = 8 }, \
    .impl = { .min_access_size = 1, .max_access_size = 8 }

static const MemoryRegionOps dfl_block_ops = {
    .read = dfl_block_read,
    .write = dfl_block_write,
    BAR_ACCESS_RULES,
};

/*
 * Map the block @b, of @size bytes, at BAR0 offset @base; @ops (read and
 * write only) and @opaque are the block's.  Of overlapping blocks, the
 * one of higher @priority answers.
 */
void dfl_block_add(DflCardState *s, DflBlock *b, const char *name,
                   const MemoryRegionOps *ops, void *opaque,
                   hwaddr base, uint64_t size, int priority)
{
    b->ops = ops;
    b->opaque = opaque;
    b->base = base;
    b->count = &s->count;
    b->mapped = true;
    memory_region_init_io(&b->mr, OBJECT(s), &dfl_block_ops, b, name, size);
    memory_region_add_subregion_overlap(&s->bar0, base, &b->mr, priority);
}

/* DFL_DBG_CTRL: every counter to 0 */
void dfl_dbg_clear(DflCardState *s)
{
    memset(&s->count, 0, sizeof(s->count));
    s->vuart.dbg_edges = 0;
    dfl_hssi_dbg_clear(&s->hssi);
}

/* BAR4: the 64-bit register at 8-byte aligned @reg */
static uint64_t dfl_dbg_reg(DflCardState *s, hwaddr reg)
{
    DflAccessCount *c = &s->count;

    /* (unsigned: an offset below the first counter wraps to a huge one) */
    if (reg - DFL_DBG_READS_1 <= DFL_DBG_READS_8 - DFL_DBG_READS_1) {
        return c->reads[(reg - DFL_DBG_READS_1) / 8];
    }
    if (reg - DFL_DBG_WRITES_1 <= DFL_DBG_WRITES_8 - DFL_DBG_WRITES_1) {
        return c->writes[(reg - DFL_DBG_WRITES_1) / 8];
    }
    switch (reg) {
    case DFL_DBG_LAST_ADDR:
        return c->last_addr;
    case DFL_DBG_LAST_SIZE:
        return c->last_size;
    case DFL_DBG_LAST_WRITE:
        return c->last_write;
    case DFL_DBG_VUART_EDGES:
        return s->vuart.dbg_edges;
    case DFL_DBG_ETH_MAC_RESET:
    case DFL_DBG_ETH_LOOPBACK:
        return dfl_eth_dbg_read(&s->eth, reg);
    }
    return dfl_hssi_dbg_read(&s->hssi, reg);
}

static uint64_t dfl_dbg_read(void *opaque, hwaddr addr, unsigned size)
{
    return dfl_qword_bytes(dfl_dbg_reg(opaque, addr & ~7ULL), addr, size);
}

static void dfl_dbg_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    DflCardState *s = opaque;

    if ((addr & ~7ULL) == DFL_DBG_CTRL) {
        dfl_dbg_clear(s);
    } else {
        dfl_hssi_dbg_write(&s->hssi, addr, val);
    }
}

static const MemoryRegionOps dfl_dbg_ops = {
    .read = dfl_dbg_read,
    .write = dfl_dbg_write,
    BAR_ACCESS_RULES,
};

/* BAR4, DFL_DBG_BAR_SIZE bytes of 64-bit registers */
void dfl_dbg_init(DflCardState *s)
{
    memory_region_init_io(&s->dbg_bar, OBJECT(s), &dfl_dbg_ops, s,
                          "dfl-card-dbg", DFL_DBG_BAR_SIZE);
}
