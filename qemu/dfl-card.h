/*
 * Emulated Intel FPGA card with a Device Feature List: what the card's
 * files share.  dfl-card.c is the PCI function (BARs, MSI-X, realize);
 * each block of BAR0 is a file of its own with its state, its
 * MemoryRegionOps and a subregion of the BAR0 container at the offset its
 * layout gives:
 *
 *   dfl-card-dfl.c    the layouts' walks, the FIU headers, the AFU and
 *                     the headers with nothing behind them (BAR0's
 *                     background, below every other block)
 *   dfl-card-eth.c    FME 0x10, the N3000 Ethernet group
 *   dfl-card-hssi.c   FME 0x15, the OFS HSSI subsystem
 *   dfl-card-vuart.c  FME 0x24, the OFS VUART around QEMU's 16550
 *   dfl-card-test.c   the test-only features: 0x23's doorbell, the
 *                     scratch features 0x30, 0x31, 0x32
 *   dfl-card-dbg.c    BAR4, and the wrapper every block's accesses go
 *                     through, which counts them for BAR4
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_DFL_CARD_H
#define HW_MISC_DFL_CARD_H

#include "hw/pci/pci.h"
#include "hw/char/serial.h"
#include "qom/object.h"

/*
 * The card's register map: every DFL_* constant comes from dfl-card-map.h,
 * which scripts/build-qemu.sh generates from qemu/dfl-card-map.sh (the one
 * table the tests and the guest scripts source too).  The #defines of the
 * card's files are the formats Linux defines (DFH, DFHv1, FIU headers) and
 * what only the model needs.  qemu/check-dfl-card.sh fails if a map
 * variable is neither used by the model nor compared with it there, or if
 * a file of the model defines a DFL_* name of its own.
 */
#include "dfl-card-map.h"

#define TYPE_DFL_CARD "dfl-card"
OBJECT_DECLARE_SIMPLE_TYPE(DflCardState, DFL_CARD)

/* Device Feature Header, the field layout of drivers/fpga/dfl.h. */
#define DFH_NEXT(dfh)           (((dfh) >> 16) & 0xffffff)
#define DFH_ID(dfh)             ((dfh) & 0xfff)
#define DFH_TYPE(dfh)           ((dfh) >> 60)
#define DFH_TYPE_FIU            4
#define FIU_ID_PORT             1       /* an FIU header's id: FME 0 */

/* Common header registers */
#define GUID_L                  0x08
#define GUID_H                  0x10
#define NEXT_AFU                0x18

/* DFHv1 header registers */
#define DFH_VERSION_1           (1ULL << 52)
#define DFHV1_CSR_ADDR          0x18
#define DFHV1_CSR_SIZE_GRP      0x20
#define DFHV1_PARAM_HDR         0x28
#define DFHV1_PARAM_DATA        0x30
#define DFHV1_HAS_PARAMS        (1ULL << 31)
#define DFHV1_GROUP_SHIFT       16
#define DFHV1_PARAM_ID_MSI_X    1ULL
#define DFHV1_PARAM_EOP         (1ULL << 32)
#define DFHV1_PARAM_NEXT_SHIFT  35
/* Fields of a relative CSR_ADDR and of CSR_SIZE_GRP */
#define DFHV1_CSR_REL(addr)     ((addr) >> 1)
#define DFHV1_SIZE(grp)         ((grp) >> 32)
#define DFHV1_GROUP(grp)        (((grp) >> DFHV1_GROUP_SHIFT) & 0x7fff)
#define DFHV1_INSTANCE(grp)     ((grp) & 0xffff)

/* The DFHv1 header of a feature (see create_feature_instance() in dfl.c) */
typedef struct DflDfhV1 {
    uint64_t guid_l;
    uint64_t guid_h;
    uint32_t csr;           /* CSR block, relative to the DFH */
    uint32_t csr_size;
    uint16_t group;
    uint16_t instance;
    /* the MSI-X parameter; msix_num 0: no parameters (HAS_PARAMS 0) */
    uint32_t msix_start;
    uint32_t msix_num;
    /* other parameters: qwords from +0x28, used instead of MSI-X's */
    const uint64_t *params;
    uint32_t nparams;       /* qwords */
} DflDfhV1;

bool dfl_dfhv1_read(const DflDfhV1 *v1, hwaddr off, uint64_t *val);

/* The bytes an access of @size at @addr reads of its qword @v */
static inline uint64_t dfl_qword_bytes(uint64_t v, hwaddr addr,
                                       unsigned size)
{
    return (v >> (addr & 7) * 8) & MAKE_64BIT_MASK(0, size * 8);
}

/* The bytes of its qword an access of @size at @addr writes */
static inline uint64_t dfl_qword_mask(hwaddr addr, unsigned size)
{
    return MAKE_64BIT_MASK((addr & 7) * 8, size * 8);
}

/* BAR4's counters of the BAR0 accesses (index: log2 of the size) */
typedef struct DflAccessCount {
    uint64_t reads[4];
    uint64_t writes[4];
    uint64_t last_addr;
    uint64_t last_size;
    uint64_t last_write;
} DflAccessCount;

/*
 * A block of BAR0: its region, mapped at @base in the BAR0 container.
 * The region's ops are dfl-card-dbg.c's wrapper, which counts the access
 * and hands it, relative to the block, to the block's own @ops.
 */
typedef struct DflBlock {
    MemoryRegion mr;
    const MemoryRegionOps *ops;
    void *opaque;
    hwaddr base;
    DflAccessCount *count;
    bool mapped;
} DflBlock;

void dfl_block_add(DflCardState *s, DflBlock *b, const char *name,
                   const MemoryRegionOps *ops, void *opaque,
                   hwaddr base, uint64_t size, int priority);

/* dfl-card-dfl.c: the walk, the FIU headers and the AFU */
enum DflKind {
    KIND_FME_HDR,
    KIND_PORT_HDR,
    KIND_AFU,
    KIND_HEADER,        /* a private feature's DFH, nothing behind it */
};

typedef struct DflHeader {
    hwaddr offset;      /* of the DFH in BAR0 */
    uint32_t size;      /* its region */
    uint64_t dfh;
    enum DflKind kind;
} DflHeader;

#define WALK_MAX_HEADERS    24      /* headers of the longest walk */

typedef struct DflLayout DflLayout;

typedef struct DflWalk {
    DflBlock blk;
    const DflLayout *layout;
    char *layout_prop;          /* property layout: NULL or "n6001" */
    bool fiu_outside;           /* property fiu-outside */
    DflHeader hdr[WALK_MAX_HEADERS];
    unsigned nhdr;
    hwaddr port_ofst;           /* the port header */
    uint64_t fme_port_acc;      /* FME_PORT_OFST_ACC_CTRL of port 0 */
    uint64_t port_ctrl;         /* SFTRST and LATENCY bits */
    uint64_t afu_scratch;
} DflWalk;

bool dfl_walk_select(DflCardState *s, Error **errp);
bool dfl_walk_map(DflCardState *s, Error **errp);
void dfl_walk_reset(DflWalk *w);

/* dfl-card-eth.c: FME 0x10, the N3000 Ethernet group */
#define ETH_NREGS               32      /* other registers written */

typedef struct DflEth {
    DflBlock blk;
    uint64_t dfh;
    uint32_t info;              /* property eth-info: ETH_GROUP_INFO */
    uint64_t ctrl;
    uint64_t stat;
    uint32_t phy_config[DFL_ETH_NLINKS];
    uint32_t sloop[DFL_ETH_NLINKS];
    uint32_t key[ETH_NREGS];    /* feat << 24 | dev << 16 | addr */
    uint32_t val[ETH_NREGS];
    uint32_t nregs;
} DflEth;

void dfl_eth_map(DflCardState *s, hwaddr base, uint64_t dfh);
void dfl_eth_reset(DflEth *e);
uint64_t dfl_eth_dbg_read(DflEth *e, hwaddr reg);

/* dfl-card-hssi.c: FME 0x15, the OFS HSSI subsystem */
#define HSSI_NCSR               16      /* SAL CSR storage entries */

typedef struct DflHssi {
    DflBlock blk;
    uint64_t dfh;
    /* the subsystem's state (reset by ColdReset and the card's reset) */
    uint32_t cmd_status;
    uint32_t ctrl_addr;
    uint32_t read_data;
    uint32_t write_data;
    uint32_t profile[DFL_HSSI_NPORTS];
    uint32_t loopback;                  /* one bit per port */
    uint32_t csr_key[HSSI_NCSR];        /* SAL CSRs: port/channel/address */
    uint32_t csr_val[HSSI_NCSR];
    uint32_t ncsr;
    bool busy_latched;                  /* until-cmd: Busy until a command */
    bool cmd_pending;                   /* init: a command waits for !Busy */
    /* the wrapper's (reset by the card's reset only) */
    uint32_t tse_ctrl;
    uint32_t dbg_ctrl;
    uint64_t indv_rst;
    uint64_t cold_rst;
    uint64_t scratchpad;
    char *busy_prop;                    /* property hssi-busy */
    int busy_mode;                      /* HSSI_BUSY_* */
    int rst_state;                      /* HSSI_RST_*, at virtual time now */
    int64_t rst_on_ns;                  /* the subsystem's reset asserted */
    int64_t rst_off_ns;                 /* ... and released */
    int64_t ready_ns;                   /* out of reset (acknowledge low) */
    bool wedged;                        /* BAR4: no acknowledge ever */
    bool sal_error;                     /* BAR4: every SAL command fails */
    uint64_t dbg_cold_resets;
    uint64_t dbg_early_releases;
    uint64_t dbg_busy_cmds;
} DflHssi;

bool dfl_hssi_realize(DflHssi *h, Error **errp);
void dfl_hssi_map(DflCardState *s, hwaddr base, uint64_t dfh);
void dfl_hssi_reset(DflHssi *h);
uint64_t dfl_hssi_dbg_read(DflHssi *h, hwaddr reg);
void dfl_hssi_dbg_write(DflHssi *h, hwaddr reg, uint64_t val);
void dfl_hssi_dbg_clear(DflHssi *h);

/* dfl-card-vuart.c: FME 0x24, the OFS VUART */
typedef struct DflVuart {
    DflBlock blk;
    PCIDevice *pdev;            /* its interrupt: the function's MSI-X */
    uint64_t dfh;
    uint32_t csr;               /* property vuart-csr */
    bool foreign_guid;          /* property vuart-foreign-guid */
    SerialState serial;         /* QEMU's 16550A */
    qemu_irq irq;
    int32_t level;
    uint64_t scratchpad;
    uint64_t dbg_edges;         /* BAR4: rising edges, MSI-X sent */
} DflVuart;

void dfl_vuart_init(DflVuart *v, Object *owner);
bool dfl_vuart_realize(DflVuart *v, PCIDevice *pdev, Error **errp);
void dfl_vuart_unrealize(DflVuart *v);
void dfl_vuart_map(DflCardState *s, hwaddr base, uint64_t dfh);
void dfl_vuart_reset(DflVuart *v);

/* dfl-card-test.c: the test-only features */
typedef struct DflDoorbell {
    DflBlock blk;
    PCIDevice *pdev;            /* the doorbell's vectors: its MSI-X */
    uint64_t dfh;
    bool csr_outside_bars;      /* property csr-outside-bars */
    bool csr_in_bar4;           /* property csr-in-bar4 */
    bool csr_whole_bar4;        /* property csr-whole-bar4 */
    uint64_t scratch;
    uint64_t count;
    uint64_t irq_status;
} DflDoorbell;

#define SCRATCH_FEATURES_MAX 4       /* scratch features */

typedef struct DflScratch {
    DflBlock blk;
    uint64_t dfh;
    uint64_t first;             /* the qword after the DFH */
    uint64_t last;              /* the region's last qword */
} DflScratch;

void dfl_doorbell_map(DflCardState *s, hwaddr base, uint64_t dfh);
void dfl_doorbell_reset(DflDoorbell *d);
void dfl_scratch_map(DflCardState *s, hwaddr base, uint64_t dfh);
void dfl_scratch_reset(DflScratch *f);

/* dfl-card-dbg.c: BAR4 */
void dfl_dbg_init(DflCardState *s);
void dfl_dbg_clear(DflCardState *s);

struct DflCardState {
    PCIDevice parent_obj;

    MemoryRegion bar0;          /* a container of the blocks */
    MemoryRegion msix_bar;
    MemoryRegion dbg_bar;

    uint16_t device_id;
    bool msix_in_bar0;
    uint64_t bar0_size;

    DflWalk walk;
    DflEth eth;
    DflHssi hssi;
    DflVuart vuart;
    DflDoorbell doorbell;
    DflScratch scratch[SCRATCH_FEATURES_MAX];
    unsigned nscratch;
    DflAccessCount count;
};

#endif
