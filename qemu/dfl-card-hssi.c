/*
 * Emulated DFL card: FME feature 0x15, the OFS HSSI subsystem in the
 * "DFHv0.5" layout the Agilex FIMs ship (HSSI_SS_CSR.xls of
 * ofs-agx7-pcie-attach, hssi_wrapper_csr.sv of ofs-fim-common):
 * DfhVersion 0, feature_rev 2, a GUID and a CSR pointer in the DFHv1
 * places, which a DFHv0 parser does not read.  One page: the subsystem's
 * CSRs (32-bit registers) from 0x000, the SAL mailbox, and the shell
 * wrapper's resets and scratchpad (64-bit) from 0x800.  Values as
 * HSSI_SS_CSR.xls gives them; qemu/REGISTERS.md lists what the model
 * assumes where the sources are silent.
 *
 * The page is a register file of 64-bit qwords like the rest of BAR0: a
 * 32-bit register is one half of its qword, narrower or wider accesses
 * read and write the bytes they cover.  Reads have no side effects.
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "dfl-card.h"

#define HSSI_CMD_READ           (1U << 0)       /* self-clearing */
#define HSSI_CMD_WRITE          (1U << 1)       /* self-clearing */
#define HSSI_CMD_ACK            (1U << 2)       /* RW, cleared by the user */
#define HSSI_CMD_BUSY           (1U << 3)       /* RO: out of reset, not ready */
#define HSSI_CMD_ERROR          (1U << 4)       /* RO */
#define HSSI_CMD_RW_MASK        0x67U           /* Read, Write, Ack, REG_OFFSET */
#define HSSI_TSE_CTRL_RW        0x00000002      /* MagicSleep_N */
#define HSSI_COLD_RST_REQ       (1ULL << 0)
#define HSSI_COLD_RST_ACK       (1ULL << 1)
/*
 * The ColdReset handshake in virtual time: the wrapper's rst_ack state
 * machine (ofs-fim-common src/fpga_family/agilex/hssi_ss/lib/rst_ack.sv,
 * hssi_wrapper.sv): a request puts the subsystem in reset (ASSERT) until
 * it acknowledges, DFL_HSSI_ACK_NS later (assumption), even if the
 * request was cleared meanwhile; then it stays in reset while the request
 * is held (HELD); once released the acknowledge falls DFL_HSSI_ACK_NS
 * later (ACK_FALL, assumption) and the subsystem is out of reset (IDLE).
 * ColdResetAck reads the acknowledge: low at rest.  Power-on is a reset
 * acknowledged and released at once.  Busy after a reset: the
 * "hssi-busy" property, REGISTERS.md.
 */
enum { HSSI_RST_IDLE, HSSI_RST_ASSERT, HSSI_RST_HELD, HSSI_RST_ACK_FALL };
enum { HSSI_BUSY_UNTIL_CMD, HSSI_BUSY_INIT, HSSI_BUSY_CLEAR };

static void dfl_hssi_command(DflHssi *h);

/* ColdReset: the subsystem's state as after power-on; not the wrapper's */
static void dfl_hssi_cold_reset(DflHssi *h)
{
    unsigned i;

    /* CMD_STATUS: the xls row's 0x8 (Busy), or its fields' 0x4 (Ack) */
    h->cmd_status = h->busy_mode == HSSI_BUSY_CLEAR ? HSSI_CMD_ACK : 0;
    h->busy_latched = h->busy_mode == HSSI_BUSY_UNTIL_CMD;
    h->cmd_pending = false;
    h->ctrl_addr = 0;
    h->read_data = 0;
    h->write_data = 0;
    for (i = 0; i < DFL_HSSI_NPORTS; i++) {
        h->profile[i] = DFL_HSSI_PORT_ATTR_V & 0x3f;
    }
    h->loopback = 0;
    h->ncsr = 0;
    memset(h->csr_key, 0, sizeof(h->csr_key));
    memset(h->csr_val, 0, sizeof(h->csr_val));
}

/* The rst_ack state machine, run up to virtual time now */
static void dfl_hssi_rst_update(DflHssi *h)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    bool req = h->cold_rst & HSSI_COLD_RST_REQ;

    if (h->rst_state == HSSI_RST_ASSERT && !h->wedged &&
        now - h->rst_on_ns >= DFL_HSSI_ACK_NS) {
        /* acknowledged: the subsystem is in reset */
        dfl_hssi_cold_reset(h);
        h->dbg_cold_resets++;
        h->rst_state = req ? HSSI_RST_HELD : HSSI_RST_ACK_FALL;
        h->rst_off_ns = h->rst_on_ns + DFL_HSSI_ACK_NS;
    }
    if (h->rst_state == HSSI_RST_ACK_FALL &&
        now - h->rst_off_ns >= DFL_HSSI_ACK_NS) {
        h->rst_state = HSSI_RST_IDLE;
        h->ready_ns = h->rst_off_ns + DFL_HSSI_ACK_NS;
        if (req) {      /* set again while the acknowledge fell */
            h->rst_state = HSSI_RST_ASSERT;
            h->rst_on_ns = h->ready_ns;
            dfl_hssi_rst_update(h);
        }
    }
    /* init: a command written while Busy runs once Busy clears */
    if (h->cmd_pending && h->rst_state == HSSI_RST_IDLE &&
        now - h->ready_ns >= DFL_HSSI_BUSY_NS) {
        h->cmd_pending = false;
        dfl_hssi_command(h);
    }
}

static bool dfl_hssi_rst_ack(DflHssi *h)
{
    dfl_hssi_rst_update(h);
    return h->rst_state == HSSI_RST_HELD ||
           h->rst_state == HSSI_RST_ACK_FALL;
}

/* In reset (from the request to the acknowledge's fall) */
static bool dfl_hssi_in_reset(DflHssi *h)
{
    dfl_hssi_rst_update(h);
    return h->rst_state != HSSI_RST_IDLE;
}

/* CMD_STATUS's Busy, by the "hssi-busy" property */
static bool dfl_hssi_busy(DflHssi *h)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (h->busy_mode == HSSI_BUSY_CLEAR) {
        return false;
    }
    if (dfl_hssi_in_reset(h)) {
        return true;
    }
    if (h->busy_mode == HSSI_BUSY_UNTIL_CMD) {
        return h->busy_latched;
    }
    return now - h->ready_ns < DFL_HSSI_BUSY_NS;
}

/* The SAL CSR storage entry of @key, allocated if @alloc; -1 if none */
static int dfl_hssi_csr(DflHssi *h, uint32_t key, bool alloc)
{
    unsigned i;

    for (i = 0; i < h->ncsr; i++) {
        if (h->csr_key[i] == key) {
            return i;
        }
    }
    if (!alloc || h->ncsr == HSSI_NCSR) {
        return -1;
    }
    h->csr_key[h->ncsr] = key;
    h->csr_val[h->ncsr] = 0;
    return h->ncsr++;
}

/*
 * The SAL command @cmd for @port, the CSR @key (port/channel/address);
 * false for an error: an unknown command or a full CSR storage.
 */
static bool dfl_hssi_sal(DflHssi *h, uint32_t cmd, uint32_t port,
                         uint32_t key)
{
    int i;

    switch (cmd) {
    case DFL_HSSI_SAL_NOP:
    case DFL_HSSI_SAL_RESET_MAC_STAT:
        return true;
    case DFL_HSSI_SAL_GET_PROFILE:
        h->read_data = h->profile[port];
        return true;
    case DFL_HSSI_SAL_SET_PROFILE:
        h->profile[port] = h->write_data & 0x3f;
        return true;
    case DFL_HSSI_SAL_READ_MAC_STAT:
        h->read_data = 0;  /* no traffic in the model */
        return true;
    case DFL_HSSI_SAL_GET_MTU:
        h->read_data = DFL_HSSI_MTU;
        return true;
    case DFL_HSSI_SAL_SET_CSR:
        i = dfl_hssi_csr(h, key, true);
        if (i >= 0) {
            h->csr_val[i] = h->write_data;
        }
        return i >= 0;
    case DFL_HSSI_SAL_GET_CSR:
        i = dfl_hssi_csr(h, key, false);
        h->read_data = i < 0 ? 0 : h->csr_val[i];
        return true;
    case DFL_HSSI_SAL_LOOPBACK_ON:
        h->loopback |= 1U << port;
        return true;
    case DFL_HSSI_SAL_LOOPBACK_OFF:
        h->loopback &= ~(1U << port);
        return true;
    case DFL_HSSI_SAL_FW_VERSION:
        h->read_data = DFL_HSSI_FW_VERSION;
        return true;
    }
    return false;
}

/*
 * A command written to CMD_STATUS (Read or Write): the SAL command in
 * CTRL_ADDR[7:0] for port CTRL_ADDR[11:8], done at once.  Ack is set,
 * Read and Write clear themselves; Error is set for an unknown command,
 * a port past NumPorts or a full CSR storage.
 */
static void dfl_hssi_command(DflHssi *h)
{
    uint32_t ctrl = h->ctrl_addr, cmd = ctrl & 0xff;
    uint32_t port = (ctrl >> 8) & 0xf;
    bool err;

    if (port >= DFL_HSSI_NPORTS && cmd != DFL_HSSI_SAL_NOP &&
        cmd != DFL_HSSI_SAL_FW_VERSION) {
        cmd = ~0U;      /* an error below */
    }
    err = !dfl_hssi_sal(h, cmd, port, ctrl & ~0xffU);
    if (err && cmd != DFL_HSSI_SAL_SET_CSR) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: HSSI: SAL command 0x%x, port %u refused\n",
                      ctrl & 0xff, port);
    }
    h->cmd_status &= ~(HSSI_CMD_READ | HSSI_CMD_WRITE | HSSI_CMD_ERROR);
    h->cmd_status |= HSSI_CMD_ACK |
                     (err || h->sal_error ? HSSI_CMD_ERROR : 0);
}

/*
 * Read or Write written to CMD_STATUS: dropped by a subsystem in reset
 * (no Ack ever; counted in BAR4), run once Busy clears (init), or now
 * (a command clears until-cmd's Busy).
 */
static void dfl_hssi_command_written(DflHssi *h)
{
    if (dfl_hssi_in_reset(h)) {
        h->cmd_status &= ~(HSSI_CMD_READ | HSSI_CMD_WRITE);
        h->dbg_busy_cmds++;
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: HSSI: SAL command 0x%x dropped: the subsystem is in reset\n",
                      h->ctrl_addr & 0xff);
        return;
    }
    h->busy_latched = false;
    if (dfl_hssi_busy(h)) {
        h->cmd_pending = true;
        return;
    }
    dfl_hssi_command(h);
}

/* The 32-bit subsystem register at 4-byte aligned @off */
static uint32_t dfl_hssi_reg32(DflHssi *h, hwaddr off)
{
    if (off >= DFL_HSSI_PORT_ATTR &&
        off < DFL_HSSI_PORT_ATTR + 4 * DFL_HSSI_NPORTS) {
        return DFL_HSSI_PORT_ATTR_V;
    }
    switch (off) {
    case DFL_HSSI_VERSION:
        return DFL_HSSI_VERSION_V;
    case DFL_HSSI_FEATURE:
        return DFL_HSSI_FEATURE_V;
    case DFL_HSSI_CMD_STATUS: {
        bool busy = dfl_hssi_busy(h);      /* may run a pending command */

        return h->cmd_status | (busy ? HSSI_CMD_BUSY : 0);
    }
    case DFL_HSSI_CTRL_ADDR:
        return h->ctrl_addr;
    case DFL_HSSI_READ_DATA:
        return h->read_data;
    case DFL_HSSI_WRITE_DATA:
        return h->write_data;
    case DFL_HSSI_TSE_CTRL:
        return h->tse_ctrl;
    case DFL_HSSI_DBG_CTRL:
        return h->dbg_ctrl;
    }
    return 0;   /* latencies, port status (no link): 0; gaps: 0 */
}

/* The qword at 8-byte aligned @off of the HSSI page */
static uint64_t dfl_hssi_qword(DflHssi *h, hwaddr off)
{
    switch (off) {
    case 0:
        return h->dfh;
    case GUID_L:
        return DFL_HSSI_GUID_L;
    case GUID_H:
        return DFL_HSSI_GUID_H;
    case DFHV1_CSR_ADDR:
        return DFL_HSSI_CSR_ADDR;
    case DFHV1_CSR_SIZE_GRP:
        return DFL_HSSI_CSR_SIZE_GRP;
    case DFL_HSSI_INDV_RST:
        return h->indv_rst;
    case DFL_HSSI_INDV_RST_ACK:
        return DFL_HSSI_INDV_RST_ACK_V;
    case DFL_HSSI_COLD_RST:
        return h->cold_rst |
               (dfl_hssi_rst_ack(h) ? HSSI_COLD_RST_ACK : 0);
    case DFL_HSSI_SCRATCHPAD:
        return h->scratchpad;
    case DFL_HSSI_STATUS:
    case DFL_HSSI_PTP_STATUS:
        return 0;       /* no transceivers in the model */
    }
    if (off < DFL_HSSI_INDV_RST) {
        return dfl_hssi_reg32(h, off) |
               ((uint64_t)dfl_hssi_reg32(h, off + 4) << 32);
    }
    return 0;
}

static uint64_t dfl_hssi_read(void *opaque, hwaddr addr, unsigned size)
{
    return dfl_qword_bytes(dfl_hssi_qword(opaque, addr & ~7ULL), addr, size);
}

/* Write the bytes @mask (of a 32-bit register) of @reg with @val */
static void dfl_hssi_merge32(uint32_t *reg, uint32_t val, uint32_t mask)
{
    *reg = (*reg & ~mask) | (val & mask);
}

/* A write of the bytes @mask32 of the 32-bit subsystem register @off */
static void dfl_hssi_write32(DflHssi *h, hwaddr off, uint32_t val,
                             uint32_t mask32)
{
    switch (off) {
    case DFL_HSSI_CMD_STATUS:
        dfl_hssi_merge32(&h->cmd_status, val,
                         mask32 & HSSI_CMD_RW_MASK);
        if (h->cmd_status & (HSSI_CMD_READ | HSSI_CMD_WRITE)) {
            dfl_hssi_command_written(h);
        }
        break;
    case DFL_HSSI_CTRL_ADDR:
        dfl_hssi_merge32(&h->ctrl_addr, val, mask32);
        break;
    case DFL_HSSI_WRITE_DATA:
        dfl_hssi_merge32(&h->write_data, val, mask32);
        break;
    case DFL_HSSI_TSE_CTRL:
        dfl_hssi_merge32(&h->tse_ctrl, val,
                         mask32 & HSSI_TSE_CTRL_RW);
        break;
    case DFL_HSSI_DBG_CTRL:
        dfl_hssi_merge32(&h->dbg_ctrl, val, mask32);
        break;
    }
}

/* ColdReset set (@req) or cleared: the handshake's edges */
static void dfl_hssi_cold_rst_write(DflHssi *h, uint64_t req)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    dfl_hssi_rst_update(h);
    h->cold_rst = req;
    if (req && h->rst_state == HSSI_RST_IDLE) {
        h->rst_state = HSSI_RST_ASSERT;
        h->rst_on_ns = now;
    } else if (!req && h->rst_state == HSSI_RST_HELD) {
        h->rst_state = HSSI_RST_ACK_FALL;
        h->rst_off_ns = now;
    } else if (!req && h->rst_state == HSSI_RST_ASSERT) {
        /* rst_ack holds the reset until the acknowledge all the same */
        h->dbg_early_releases++;
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: HSSI: ColdReset cleared before ColdResetAck\n");
    }
}

/* BAR4's wedge: the subsystem stops (1) or resumes acknowledging */
static void dfl_hssi_wedge(DflHssi *h, bool wedged)
{
    dfl_hssi_rst_update(h);
    if (h->wedged && !wedged) {
        h->rst_on_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    h->wedged = wedged;
}

static void dfl_hssi_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    DflHssi *h = opaque;
    hwaddr off = addr & ~7ULL;
    uint64_t mask = dfl_qword_mask(addr, size);

    val <<= (addr & 7) * 8;
    switch (off) {
    case DFL_HSSI_INDV_RST:
        h->indv_rst = (h->indv_rst & ~mask) | (val & mask);
        return;
    case DFL_HSSI_SCRATCHPAD:
        h->scratchpad = (h->scratchpad & ~mask) | (val & mask);
        return;
    case DFL_HSSI_COLD_RST:
        if (mask & HSSI_COLD_RST_REQ) {
            dfl_hssi_cold_rst_write(h, val & HSSI_COLD_RST_REQ);
        }
        return;
    }
    if (off < DFL_HSSI_INDV_RST) {
        /* the high half first: CTRL_ADDR before CMD_STATUS in one write */
        if (mask >> 32) {
            dfl_hssi_write32(h, off + 4, val >> 32, mask >> 32);
        }
        if ((uint32_t)mask) {
            dfl_hssi_write32(h, off, val, mask);
        }
    }
}

void dfl_hssi_reset(DflHssi *h)
{
    dfl_hssi_cold_reset(h);
    h->tse_ctrl = DFL_HSSI_TSE_CTRL_V;
    h->dbg_ctrl = DFL_HSSI_DBG_CTRL_V;
    h->indv_rst = 0;
    h->cold_rst = 0;
    h->scratchpad = 0;
    h->wedged = false;
    h->sal_error = false;
    /* power-on: a ColdReset acknowledged and released now */
    h->rst_state = HSSI_RST_ACK_FALL;
    h->rst_on_ns = h->rst_off_ns =
        qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static const MemoryRegionOps dfl_hssi_ops = {
    .read = dfl_hssi_read,
    .write = dfl_hssi_write,
};

/* The "hssi-busy" property */
bool dfl_hssi_realize(DflHssi *h, Error **errp)
{
    if (!h->busy_prop || !strcmp(h->busy_prop, "until-cmd")) {
        h->busy_mode = HSSI_BUSY_UNTIL_CMD;
    } else if (!strcmp(h->busy_prop, "init")) {
        h->busy_mode = HSSI_BUSY_INIT;
    } else if (!strcmp(h->busy_prop, "clear")) {
        h->busy_mode = HSSI_BUSY_CLEAR;
    } else {
        error_setg(errp, "dfl-card: hssi-busy=%s: unknown (until-cmd, "
                   "init or clear)", h->busy_prop);
        return false;
    }
    return true;
}

/* The HSSI's page at BAR0 offset @base, its DFH @dfh */
void dfl_hssi_map(DflCardState *s, hwaddr base, uint64_t dfh)
{
    s->hssi.dfh = dfh;
    dfl_block_add(s, &s->hssi.blk, "dfl-card-hssi", &dfl_hssi_ops, &s->hssi,
                  base, DFL_HSSI_SIZE, 0);
}

/* BAR4's registers of the HSSI at 8-byte aligned @reg, 0 for others */
uint64_t dfl_hssi_dbg_read(DflHssi *h, hwaddr reg)
{
    switch (reg) {
    case DFL_DBG_HSSI_COLD_RESETS:
        dfl_hssi_rst_update(h);
        return h->dbg_cold_resets;
    case DFL_DBG_HSSI_LOOPBACK:
        return h->loopback;
    case DFL_DBG_HSSI_EARLY_RELEASES:
        return h->dbg_early_releases;
    case DFL_DBG_HSSI_BUSY_CMDS:
        return h->dbg_busy_cmds;
    case DFL_DBG_HSSI_WEDGE:
        return h->wedged;
    case DFL_DBG_HSSI_SAL_ERROR:
        return h->sal_error;
    }
    return 0;
}

/* A write to BAR4 offset @addr: the wedge and the SAL error switches */
void dfl_hssi_dbg_write(DflHssi *h, hwaddr addr, uint64_t val)
{
    if (addr == DFL_DBG_HSSI_WEDGE) {
        dfl_hssi_wedge(h, val & 1);
    } else if (addr == DFL_DBG_HSSI_SAL_ERROR) {
        h->sal_error = val & 1;
    }
}

void dfl_hssi_dbg_clear(DflHssi *h)
{
    h->dbg_cold_resets = 0;
    h->dbg_early_releases = 0;
    h->dbg_busy_cmds = 0;
}
