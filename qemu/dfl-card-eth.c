/*
 * Emulated DFL card: FME feature 0x10, the N3000 Ethernet group (linux-dfl
 * dfl-eth-group-main.c, -25g.c; OPAE fpgadiag eth_group): its DFH's page,
 * INFO, and CTRL/STAT for indirect access to the group's components; the
 * rest of the page reads 0.  Assumptions in REGISTERS.md.  With the
 * property eth-info=N, INFO reads N (default a line-side 25G group of 4
 * links): other groups the N3000 ships (10G, host side) by their INFO
 * only, the components behind it stay the 25G group's.
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "dfl-card.h"

#define ETH_CTRL_CMD_SHIFT      62
#define ETH_CMD_RD              1
#define ETH_CMD_WR              2
#define ETH_CTRL_DEV_SHIFT      49              /* DEV_SELECT[53:49] */
#define ETH_CTRL_FEAT           (1ULL << 48)    /* FEAT_SELECT */
#define ETH_CTRL_ADDR_SHIFT     32              /* ADDR[47:32] */
#define ETH_STAT_RW_VAL         (1ULL << 32)
/* 25G MAC registers (device 2i + 3) the model gives a meaning to */
#define ETH_MAC_RESET_MASK      0x7             /* PHY_CONFIG[2:0] */

/*
 * The register @addr of component @dev (DEV_SELECT) of the Ethernet group,
 * @feat for a PHY's "additional feature" registers: a MAC's PHY_CONFIG and
 * PMA serial loopback have their own state, the frame size registers
 * their power-on value until written, any other register what was last
 * written to it (0 before); a write to a full table is dropped.
 */
/* The link whose MAC is @dev (DEV_SELECT 2i + 3), or -1 */
static int dfl_eth_mac_link(unsigned dev, bool feat)
{
    if (feat || dev < 3 || (dev - 3) % 2 || (dev - 3) / 2 >= DFL_ETH_NLINKS) {
        return -1;
    }
    return (dev - 3) / 2;
}

/* Power-on value of a register without state of its own */
static uint32_t dfl_eth_default(unsigned dev, bool feat, unsigned addr)
{
    if (dfl_eth_mac_link(dev, feat) >= 0 &&
        (addr == DFL_ETH_MAC_MAX_TX_SIZE || addr == DFL_ETH_MAC_MAX_RX_SIZE)) {
        return DFL_ETH_MAC_MAX_SIZE_V;
    }
    return 0;
}

static uint32_t *dfl_eth_reg(DflEth *e, unsigned dev, bool feat,
                             unsigned addr, bool alloc)
{
    uint32_t key = (uint32_t)feat << 24 | dev << 16 | addr;
    int link = dfl_eth_mac_link(dev, feat);
    unsigned i;

    if (link >= 0) {
        if (addr == DFL_ETH_MAC_PHY_CONFIG) {
            return &e->phy_config[link];
        }
        if (addr == DFL_ETH_MAC_PMA_SLOOP) {
            return &e->sloop[link];
        }
    }
    for (i = 0; i < e->nregs; i++) {
        if (e->key[i] == key) {
            return &e->val[i];
        }
    }
    if (!alloc || e->nregs == ETH_NREGS) {
        return NULL;
    }
    e->key[e->nregs] = key;
    e->val[e->nregs] = dfl_eth_default(dev, feat, addr);
    return &e->val[e->nregs++];
}

/* CTRL written with a command: done at once, STAT's RW_VAL set */
static void dfl_eth_command(DflEth *e)
{
    uint64_t ctrl = e->ctrl;
    unsigned cmd = ctrl >> ETH_CTRL_CMD_SHIFT;
    unsigned dev = (ctrl >> ETH_CTRL_DEV_SHIFT) & 0x1f;
    unsigned addr = (ctrl >> ETH_CTRL_ADDR_SHIFT) & 0xffff;
    bool feat = ctrl & ETH_CTRL_FEAT;
    uint32_t *reg;

    e->stat = 0;
    if (cmd == ETH_CMD_RD) {
        reg = dfl_eth_reg(e, dev, feat, addr, false);
        e->stat = ETH_STAT_RW_VAL |
                  (reg ? *reg : dfl_eth_default(dev, feat, addr));
    } else if (cmd == ETH_CMD_WR) {
        reg = dfl_eth_reg(e, dev, feat, addr, true);
        if (reg) {
            *reg = (uint32_t)ctrl;
        } else {
            qemu_log_mask(LOG_UNIMP, "dfl-card: Ethernet group: register "
                          "table full, write to %u/%#x dropped\n", dev, addr);
        }
        e->stat = ETH_STAT_RW_VAL;
    }
}

/* The qword at 8-byte aligned @off: the DFH, INFO, CTRL, STAT; else 0 */
static uint64_t dfl_eth_qword(DflEth *e, hwaddr off)
{
    return off == 0 ? e->dfh :
           off == DFL_ETH_INFO ? e->info :
           off == DFL_ETH_CTRL ? e->ctrl :
           off == DFL_ETH_STAT ? e->stat : 0;
}

static uint64_t dfl_eth_read(void *opaque, hwaddr addr, unsigned size)
{
    return dfl_qword_bytes(dfl_eth_qword(opaque, addr & ~7ULL), addr, size);
}

/*
 * A write to CTRL clears STAT; a write that reaches CTRL's upper half
 * (CMD) with a read or write command runs it.  The DFH, INFO and STAT
 * are read-only.
 */
static void dfl_eth_write(void *opaque, hwaddr addr, uint64_t val,
                          unsigned size)
{
    DflEth *e = opaque;
    uint64_t mask = dfl_qword_mask(addr, size);

    if ((addr & ~7ULL) != DFL_ETH_CTRL) {
        return;
    }
    e->ctrl = (e->ctrl & ~mask) | ((val << (addr & 7) * 8) & mask);
    e->stat = 0;
    if (mask >> 32) {
        dfl_eth_command(e);
    }
}

void dfl_eth_reset(DflEth *e)
{
    e->ctrl = 0;
    e->stat = 0;
    memset(e->phy_config, 0, sizeof(e->phy_config));
    memset(e->sloop, 0, sizeof(e->sloop));
    memset(e->key, 0, sizeof(e->key));
    memset(e->val, 0, sizeof(e->val));
    e->nregs = 0;
}

static const MemoryRegionOps dfl_eth_ops = {
    .read = dfl_eth_read,
    .write = dfl_eth_write,
};

/* The group's page at BAR0 offset @base, its DFH @dfh */
void dfl_eth_map(DflCardState *s, hwaddr base, uint64_t dfh)
{
    s->eth.dfh = dfh;
    dfl_block_add(s, &s->eth.blk, "dfl-card-eth", &dfl_eth_ops, &s->eth,
                  base, DFH_NEXT(dfh), 0);
}

/* BAR4's registers of the group at 8-byte aligned @reg, 0 for others */
uint64_t dfl_eth_dbg_read(DflEth *e, hwaddr reg)
{
    uint64_t bits = 0;
    unsigned i;

    for (i = 0; i < DFL_ETH_NLINKS; i++) {
        if (reg == DFL_DBG_ETH_MAC_RESET ?
            (e->phy_config[i] & ETH_MAC_RESET_MASK) == ETH_MAC_RESET_MASK :
            reg == DFL_DBG_ETH_LOOPBACK && (e->sloop[i] & 1)) {
            bits |= 1ULL << i;
        }
    }
    return bits;
}
