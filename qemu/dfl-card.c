/*
 * Emulated Intel FPGA card with a Device Feature List (DFL), for testing
 * Linux's DFL drivers (dfl-pci, dfl-fme, dfl-afu, uio_dfl, vfio-dfl)
 * without hardware.  Modelled on hw/misc/edu.c.
 *
 * Copyright (c) 2025 vfio-dfl developers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * PCIe endpoint 8086:09c4 (dfl-pci's PCIE_DEVICE_ID_PF_DSC_1_X, the ID
 * can be changed with the "device-id" property), class 0x1200.
 *
 *   BAR0  64-bit memory, 512 KiB: the DFL (register map: qemu/REGISTERS.md)
 *   BAR2  64-bit memory, 4 KiB:   MSI-X table at 0x0, PBA at 0x800,
 *                                  6 vectors
 *   BAR4  64-bit memory, 4 KiB:   debug counters of the BAR0 accesses
 *                                  by width
 *
 * With the property msix-in-bar0=on there is no BAR2: the MSI-X table is
 * at BAR0 0x1800 and the PBA at BAR0 0x1c00, inside the region of FME
 * feature 0x10 (QEMU's msix code overlays them on BAR0).
 *
 * With the property vuart-csr=N (default 0x200) the VUART's CSR_ADDR is
 * N and its 16550 sits at DFH + N: an even N that is not a multiple of 4
 * gives a CSR block that is only 2-byte aligned, for the access-width
 * tests (a test-only variant: OFS ships 0x200).
 *
 * With the property eth-info=N, FME 0x10's ETH_GROUP_INFO reads N (default
 * a line-side 25G group of 4 links): other groups the N3000 ships (10G,
 * host side) by their INFO only, the components behind it stay the 25G
 * group's.
 *
 * With the property layout=n6001, BAR0 is 1 MiB laid out as the N6001
 * FIM's PF0 (one DFL: FME, its features, the port and its features, at
 * the N6001's offsets; DFL_N6001_WALK in the map): the HSSI at 0x14000,
 * the VUART at 0x60000, the IOPLL at 0x72000, and the N6001's other
 * headers with no registers behind them.  No AFU, no Ethernet group, no
 * test feature.
 *
 * With the property csr-outside-bars=on, FME 0x23's DFHv1 CSR_ADDR is the
 * absolute address 0xfee00000 (the x86 MSI window), outside every BAR of
 * the function: a header Linux must refuse.  With csr-in-bar4=on it is the
 * absolute address of BAR4 and its CSR size DFL_CSR_IN_BAR4_SIZE (the
 * first half of BAR4's debug counters), a BAR that holds no list: a
 * header the DFHv1 specification allows.  With csr-whole-bar4=on its CSR
 * block is all of BAR4: a header Linux must refuse (REGISTERS.md says
 * why).  With fiu-outside=on the FME
 * header is DFHv1 (CSR_ADDR 0, itself) with a CSR size of twice BAR0: an
 * FIU header Linux only warns about.
 *
 * FME feature 0x15 is the OFS HSSI subsystem in the "DFHv0.5" layout the
 * Agilex FIMs ship (HSSI_SS_CSR.xls of ofs-agx7-pcie-attach,
 * hssi_wrapper_csr.sv of ofs-fim-common): its DFH page at BAR0 0x2000
 * with the subsystem's CSRs, the SAL mailbox and the shell wrapper's
 * resets and scratchpad (dfl_card_hssi_read()).
 *
 * FME feature 0x24 is the OFS VUART as ofs-fim-common ships it (DFHv1,
 * its GUID and parameters, registers at DFH + 0x200 with the declared
 * CSR size of 0x10 that is smaller than the 0x20 the registers span):
 * QEMU's own 16550A (hw/char/serial.c) behind a 4-byte register stride,
 * its interrupt line turned into MSI-X vector 5 on each rising edge, as
 * the RTL's fixed write to the ST2MM MSI-X trigger does.  The 16550's
 * backend is the card's "chardev" property.
 *
 * No VSEC is present, so dfl-pci uses find_dfls_by_default(): an FME
 * header at BAR0 offset 0 whose FME_HDR_PORT_OFST(0) points at the port's
 * DFL at BAR0 offset 0x40000.
 *
 * BAR0 accesses: 1, 2, 4 and 8 bytes, naturally aligned, little-endian.
 * Every 8-byte aligned qword is one 64-bit register; narrower accesses
 * read or write the addressed bytes of it (a narrow write to a register
 * with side effects acts with the bytes not written taken as 0, see
 * dfl_card_reg_write()).  Reads have no side effects.  Offsets that are
 * not a register read as 0 and ignore writes.  Misaligned CPU accesses
 * are rejected by the memory core (reads return 0, writes are dropped);
 * QEMU-internal accessors (qtest, gdbstub, DMA) split them into naturally
 * aligned pieces instead.  BAR4 counts every access the memory core
 * delivers to BAR0 (not the MSI-X table/PBA in msix-in-bar0 mode), by
 * width.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/host-utils.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/char/serial.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qom/object.h"

/*
 * The card's register map: every DFL_* constant below comes from
 * dfl-card-map.h, which scripts/build-qemu.sh generates from
 * qemu/dfl-card-map.sh (the one table the tests and the guest scripts
 * source too).  To change a register, edit that table; the #defines in
 * this file are the formats Linux defines (DFH, DFHv1, FIU headers) and
 * what only the model needs.  qemu/check-dfl-card.sh fails if a map
 * variable is neither used here nor compared with the model there, or if
 * this file defines a DFL_* name of its own.
 */
#include "dfl-card-map.h"

#define TYPE_DFL_CARD "dfl-card"
OBJECT_DECLARE_SIMPLE_TYPE(DflCardState, DFL_CARD)

/*
 * Facts the map gives twice, or in a form the code below relies on:
 * checked when the model is compiled.
 */
#define MAP_SAME(a, b) \
    QEMU_BUILD_BUG_MSG((a) != (b), "qemu/dfl-card-map.sh: " #a " != " #b)
MAP_SAME(DFL_CLASS & 0xff, 0);          /* prog-if 0: k->class_id */
MAP_SAME(DFL_F10_OFST, DFL_FEATURE_FME_0x10_DFH_OFST);
MAP_SAME(DFL_F15_OFST, DFL_FEATURE_FME_0x15_DFH_OFST);
MAP_SAME(DFL_HSSI_DFH, DFL_FEATURE_FME_0x15_DFH);
MAP_SAME(DFL_F23_OFST, DFL_FEATURE_FME_0x23_DFH_OFST);
MAP_SAME(DFL_F24_OFST, DFL_FEATURE_FME_0x24_DFH_OFST);
MAP_SAME(DFL_P14_OFST, DFL_FEATURE_PORT_0x14_DFH_OFST);
MAP_SAME(DFL_DBG_READS_2, DFL_DBG_READS_1 + 8);         /* dbg_reads[] */
MAP_SAME(DFL_DBG_READS_4, DFL_DBG_READS_1 + 16);
MAP_SAME(DFL_DBG_READS_8, DFL_DBG_READS_1 + 24);
MAP_SAME(DFL_DBG_WRITES_2, DFL_DBG_WRITES_1 + 8);       /* dbg_writes[] */
MAP_SAME(DFL_DBG_WRITES_4, DFL_DBG_WRITES_1 + 16);
MAP_SAME(DFL_DBG_WRITES_8, DFL_DBG_WRITES_1 + 24);

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

/* FME header */
#define FME_HDR_CAP             0x30
#define FME_HDR_PORT_OFST0      0x38
#define FME_HDR_BITSTREAM_ID    0x60
#define FME_HDR_BITSTREAM_MD    0x68
#define FME_PORT_OFST_ACC_CTRL  (1ULL << 55)
#define FME_PORT_OFST_IMP       (1ULL << 60)

/* Port header */
#define PORT_HDR_CAP            0x30
#define PORT_HDR_CTRL           (DFL_PORT_CTRL_OFST - DFL_PORT_HDR_OFST)
#define PORT_HDR_STS            0x40
#define PORT_CTRL_SFTRST        (1ULL << 0)
#define PORT_CTRL_LATENCY       (1ULL << 2)
#define PORT_CTRL_SFTRST_ACK    (1ULL << 4)

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

/*
 * The doorbell feature (FME 0x23, a test id, DFHv1): its registers
 * DFL_F23_* are relative to its DFH, and its CSR block starts at the
 * DFH, so its DFHv1 header is in the block's first qwords.
 */
#define NDOORBELL               1       /* features with a doorbell */

/*
 * FME 0x24, the OFS VUART: ofs-fim-common src/fpga_family/agilex/uart/
 * (rtl/csrs/vuart_csr.sv, vuart_csr_decode.sv, vuart_top.sv, ip/uart.ip).
 * DFHv1 header and parameters as the RTL's default values; DFH next
 * 0x10000 as from OFS 2023.1 on (EOL here: the last of the FME list).
 * Accesses at DFH + 0x200 and above go to the Altera 16550 IP (a 0x200
 * byte Avalon slave, 32-bit data, registers 4 bytes apart); below, the
 * DFH/CSR block, with a R/W scratchpad at +0xf0.
 */
#define VUART_CSR_MIN           0x100   /* vuart-csr: above the scratchpad */
#define VUART_CSR_MAX           0x400   /* vuart-csr: the IP's slave ends
                                         * before the next page (default
                                         * layout: before BAR0 0x8000) */
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

/*
 * FME 0x15, the OFS HSSI subsystem ("DFHv0.5": DfhVersion 0,
 * feature_rev 2, a GUID and a CSR pointer in the DFHv1 places, which a
 * DFHv0 parser does not read).  One page at BAR0 0x2000: the subsystem's
 * CSRs (32-bit registers) from 0x000, the shell wrapper's (64-bit) from
 * 0x800.  Values as HSSI_SS_CSR.xls gives them; qemu/REGISTERS.md lists
 * what the model assumes where the sources are silent.
 */
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
#define HSSI_NCSR               16      /* SAL CSR storage entries */

enum DflKind {
    KIND_FME_HDR,
    KIND_PORT_HDR,
    KIND_AFU,
    KIND_PRIVATE,       /* private feature: DFH + scratch registers */
    KIND_DOORBELL,      /* DFHv1 private feature with doorbell/MSI-X */
};

#define NSCRATCH     5
#define NO_SCRATCH   0

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
    /* KIND_DOORBELL: a doorbell value k < db_num rings db_vector + k */
    unsigned db;            /* index of doorbell_count[], irq_status[] */
    uint32_t db_vector;
    uint32_t db_num;
} DflDfhV1;

typedef struct DflFeature {
    uint32_t offset;    /* of the DFH in BAR0 */
    uint32_t size;      /* the DFH's next offset */
    uint64_t dfh;
    enum DflKind kind;
    /* scratch register offsets relative to the DFH; 0 = none */
    uint32_t scratch[NSCRATCH];
    const DflDfhV1 *v1; /* DFHv1 header, NULL for DFHv0 */
} DflFeature;

/*
 * FME 0x10, the N3000 Ethernet group (linux-dfl dfl-eth-group-main.c,
 * -25g.c; OPAE fpgadiag eth_group): INFO, and CTRL/STAT for indirect
 * access to the group's components. Assumptions in REGISTERS.md.
 */
#define ETH_CTRL_CMD_SHIFT      62
#define ETH_CMD_RD              1
#define ETH_CMD_WR              2
#define ETH_CTRL_DEV_SHIFT      49              /* DEV_SELECT[53:49] */
#define ETH_CTRL_FEAT           (1ULL << 48)    /* FEAT_SELECT */
#define ETH_CTRL_ADDR_SHIFT     32              /* ADDR[47:32] */
#define ETH_STAT_RW_VAL         (1ULL << 32)
/* 25G MAC registers (device 2i + 3) the model gives a meaning to */
#define ETH_MAC_RESET_MASK      0x7             /* PHY_CONFIG[2:0] */
#define ETH_NREGS               32              /* other registers written */

/*
 * FME 0x23: CSR block = its page, its MSI-X parameter names vectors 0 and
 * 1; a doorbell value k < 4 rings vector k
 */
static const DflDfhV1 f23_v1 = {
    .guid_l = DFL_F23_GUID_L, .guid_h = DFL_F23_GUID_H,
    .csr = DFHV1_CSR_REL(DFL_F23_CSR_ADDR),
    .csr_size = DFHV1_SIZE(DFL_F23_CSR_SIZE_GRP),
    .group = DFHV1_GROUP(DFL_F23_CSR_SIZE_GRP),
    .instance = DFHV1_INSTANCE(DFL_F23_CSR_SIZE_GRP),
    .msix_start = DFL_F23_MSIX_START, .msix_num = DFL_F23_MSIX_NUM,
    .db = 0, .db_vector = 0, .db_num = 4,    /* vectors 0-3 */
};

/* FME 0x24, VUART: vuart_csr.sv's DFHv1 parameters, in order */
static const uint64_t vuart_params[] = {
    DFHV1_PARAM(DFHV1_PARAM_ID_MSI_X, 0),
    ((uint64_t)DFL_F24_MSIX_NUM << 32) | DFL_F24_MSIX_START,
    DFHV1_PARAM(DFHV1_PARAM_ID_CLK_FRQ, 0),
    DFL_F24_CLK,
    DFHV1_PARAM(DFHV1_PARAM_ID_FIFO_LEN, 0),
    DFL_F24_FIFO_LEN,
    DFHV1_PARAM(DFHV1_PARAM_ID_REG_LAYOUT, 1),
    (VUART_REG_WIDTH << 32) | VUART_REG_SHIFT,
};

static const DflDfhV1 vuart_v1 = {
    .guid_l = DFL_F24_GUID_L, .guid_h = DFL_F24_GUID_H,
    .csr = DFL_F24_CSR_DEFAULT, .csr_size = DFL_F24_CSR_SIZE,
    .group = 0, .instance = 0,
    .msix_start = DFL_F24_MSIX_START, .msix_num = DFL_F24_MSIX_NUM,
    .params = vuart_params, .nparams = ARRAY_SIZE(vuart_params),
};

/*
 * The Device Feature List: the DFHs and their offsets are the map's
 * (DFL_FEATURES gives the private features'), each region is the DFH's
 * next offset unless said otherwise.  The FME list ends (EOL) before the
 * port list, which dfl-pci reaches through FME_HDR_PORT_OFST(0).  The
 * AFU is only reachable through the port's NEXT_AFU, never through a DFH
 * next offset.
 */
static const DflFeature dfl_features[] = {
    /* FME list */
    { DFL_FME_HDR_OFST, DFH_NEXT(DFL_FME_HDR_DFH), DFL_FME_HDR_DFH,
      KIND_FME_HDR, { NO_SCRATCH } },
    /* the N3000 Ethernet group: INFO, CTRL, STAT are dfl_card_eth_read()'s */
    { DFL_F10_OFST, DFH_NEXT(DFL_FEATURE_FME_0x10_DFH),
      DFL_FEATURE_FME_0x10_DFH, KIND_PRIVATE, { NO_SCRATCH } },
    /* the OFS HSSI subsystem: its page is dfl_card_hssi_read()'s */
    { DFL_F15_OFST, DFL_HSSI_SIZE, DFL_FEATURE_FME_0x15_DFH,
      KIND_PRIVATE, { NO_SCRATCH } },
    { DFL_F23_OFST, DFH_NEXT(DFL_FEATURE_FME_0x23_DFH),
      DFL_FEATURE_FME_0x23_DFH, KIND_DOORBELL, { DFL_F23_SCRATCH }, &f23_v1 },
    /* three pages, scratch on the first and in the last qword */
    { DFL_FEATURE_FME_0x31_DFH_OFST, DFH_NEXT(DFL_FEATURE_FME_0x31_DFH),
      DFL_FEATURE_FME_0x31_DFH, KIND_PRIVATE, { 0x8, 0x2ff8 } },
    /* half a page, page-aligned start */
    { DFL_FEATURE_FME_0x30_DFH_OFST, DFH_NEXT(DFL_FEATURE_FME_0x30_DFH),
      DFL_FEATURE_FME_0x30_DFH, KIND_PRIVATE, { 0x8, 0x7f8 } },
    /* 0x100 bytes at a non page-aligned start, sharing 0x30's page */
    { DFL_FEATURE_FME_0x32_DFH_OFST, DFH_NEXT(DFL_FEATURE_FME_0x32_DFH),
      DFL_FEATURE_FME_0x32_DFH, KIND_PRIVATE, { 0x8, 0xf8 } },
    /*
     * The VUART (EOL, next 0x10000); its region here is the DFH/CSR block
     * below the 16550 (dfl_card_vuart_window() takes the 16550's 0x200
     * bytes first)
     */
    { DFL_F24_OFST, DFL_F24_CSR_DEFAULT, DFL_FEATURE_FME_0x24_DFH,
      KIND_PRIVATE, { DFL_F24_SCRATCHPAD }, &vuart_v1 },
    /* Port list */
    { DFL_PORT_HDR_OFST, DFH_NEXT(DFL_PORT_HDR_DFH), DFL_PORT_HDR_DFH,
      KIND_PORT_HDR, { NO_SCRATCH } },
    /* the user clock (IOPLL), DFHv0: registers not modelled (read 0) */
    { DFL_P14_OFST, DFL_P14_SIZE, DFL_FEATURE_PORT_0x14_DFH, KIND_PRIVATE,
      { NO_SCRATCH } },
    /* AFU, sized by PORT_HDR_CAP */
    { DFL_AFU_OFST, DFL_AFU_SIZE, DFL_AFU_DFH, KIND_AFU, { DFL_AFU_SCRATCH } },
};

#define NFEATURES ARRAY_SIZE(dfl_features)

/*
 * -device dfl-card,layout=n6001: BAR0 as the N6001 FIM's PF0 (the walk
 * DFL_N6001_WALK, offset and DFH of every header in the order of the
 * next pointers; REGISTERS.md).  One list from the FME header through
 * the port header to the port's last feature, as the FIM chains them:
 * FME_HDR_PORT_OFST(0) names BAR 7, which dfl-pci skips.  The blocks the
 * model has (the HSSI, the VUART, the IOPLL) are at their N6001 offsets;
 * every other header is a header only (its registers read 0).  No AFU:
 * the port's NEXT_AFU is 0.
 */
static const uint64_t n6001_walk[] = DFL_N6001_WALK;

#define N6001_NFEATURES (ARRAY_SIZE(n6001_walk) / 2)
#define MAX_FEATURES    (NFEATURES > N6001_NFEATURES ? NFEATURES : \
                         N6001_NFEATURES)
QEMU_BUILD_BUG_MSG(ARRAY_SIZE(n6001_walk) % 2,
                   "qemu/dfl-card-map.sh: DFL_N6001_WALK is offset/DFH pairs");

/* PORT_HDR_CAP: port 0, MMIO size in KiB, no irqs */
#define PORT_CAP_VALUE  ((uint64_t)(DFL_AFU_SIZE / KiB) << 8)

struct DflCardState {
    PCIDevice parent_obj;

    MemoryRegion bar0;
    MemoryRegion msix_bar;
    MemoryRegion dbg_bar;

    uint16_t device_id;
    bool msix_in_bar0;
    bool csr_outside_bars;      /* property csr-outside-bars */
    bool csr_in_bar4;           /* property csr-in-bar4 */
    bool csr_whole_bar4;        /* property csr-whole-bar4 */
    bool vuart_foreign_guid;    /* property vuart-foreign-guid */
    bool fiu_outside;           /* property fiu-outside */
    uint32_t vuart_csr;         /* property vuart-csr */
    char *layout;               /* property layout: NULL or "n6001" */
    uint32_t eth_info;          /* property eth-info: ETH_GROUP_INFO */

    /* the layout: its features, BAR0's size, where the blocks sit */
    const DflFeature *features;
    unsigned nfeatures;
    DflFeature n6001[N6001_NFEATURES];
    uint64_t bar0_size;
    uint64_t fme_cap;           /* FME_HDR_CAP */
    uint64_t port_ofst_reg;     /* FME_HDR_PORT_OFST(0) but ACC_CTRL */
    uint64_t port_cap;          /* PORT_HDR_CAP */
    hwaddr port_ofst;           /* the port header */
    hwaddr afu_ofst;            /* the AFU, 0: none */
    hwaddr eth_ofst;            /* FME 0x10, 0: none */
    hwaddr hssi_ofst;           /* FME 0x15 */
    hwaddr vuart_ofst;          /* FME 0x24 */

    uint64_t scratch[MAX_FEATURES][NSCRATCH];

    /* FME 0x10, the Ethernet group: CTRL, STAT, its components' registers */
    uint64_t eth_ctrl;
    uint64_t eth_stat;
    uint32_t eth_phy_config[DFL_ETH_NLINKS];
    uint32_t eth_sloop[DFL_ETH_NLINKS];
    uint32_t eth_key[ETH_NREGS];        /* feat << 24 | dev << 16 | addr */
    uint32_t eth_val[ETH_NREGS];
    uint32_t eth_nregs;
    uint64_t fme_port_acc;      /* FME_PORT_OFST_ACC_CTRL of port 0 */
    uint64_t port_ctrl;         /* SFTRST and LATENCY bits */
    uint64_t doorbell_count[NDOORBELL];
    uint64_t irq_status[NDOORBELL];

    /* FME 0x24: QEMU's 16550A; its interrupt line and the edges sent */
    SerialState vuart;
    qemu_irq vuart_irq;
    int32_t vuart_level;
    uint64_t dbg_vuart_edges;

    /*
     * FME 0x15, the HSSI: the subsystem's state (reset by ColdReset and
     * by the card's reset) and the wrapper's (by the card's reset only)
     */
    uint32_t hssi_cmd_status;
    uint32_t hssi_ctrl_addr;
    uint32_t hssi_read_data;
    uint32_t hssi_write_data;
    uint32_t hssi_tse_ctrl;
    uint32_t hssi_dbg_ctrl;
    uint32_t hssi_profile[DFL_HSSI_NPORTS];
    uint32_t hssi_loopback;             /* one bit per port */
    uint32_t hssi_csr_key[HSSI_NCSR];   /* SAL CSRs: port/channel/address */
    uint32_t hssi_csr_val[HSSI_NCSR];
    uint32_t hssi_ncsr;
    uint64_t hssi_indv_rst;
    uint64_t hssi_cold_rst;
    char *hssi_busy_prop;               /* "hssi-busy" */
    int hssi_busy_mode;                 /* HSSI_BUSY_* */
    int hssi_rst_state;                 /* HSSI_RST_*, at virtual time now */
    int64_t hssi_rst_on_ns;             /* the subsystem's reset asserted */
    int64_t hssi_rst_off_ns;            /* ... and released */
    int64_t hssi_ready_ns;              /* out of reset (acknowledge low) */
    bool hssi_busy_latched;             /* until-cmd: Busy until a command */
    bool hssi_cmd_pending;              /* init: a command waits for !Busy */
    bool hssi_wedged;                   /* BAR4: no acknowledge ever */
    bool hssi_sal_error;                /* BAR4: every SAL command fails */
    uint64_t hssi_scratchpad;
    uint64_t dbg_hssi_cold_resets;
    uint64_t dbg_hssi_early_releases;
    uint64_t dbg_hssi_busy_cmds;

    /* BAR4: BAR0 accesses by width (index log2 of the size in bytes) */
    uint64_t dbg_reads[4];
    uint64_t dbg_writes[4];
    uint64_t dbg_last_addr;
    uint64_t dbg_last_size;
    uint64_t dbg_last_write;
};

/* BAR4 registers */

/*
 * The feature that the 64-bit register at 8-byte aligned BAR0 offset @reg
 * belongs to: its DFH's region [offset, offset + size) or, for DFHv1, a
 * qword that overlaps its CSR block.  *off = @reg - the DFH's offset.
 */
static const DflFeature *dfl_card_find(DflCardState *s, hwaddr reg,
                                       unsigned *idx, hwaddr *off)
{
    unsigned i;

    for (i = 0; i < s->nfeatures; i++) {
        const DflFeature *f = &s->features[i];
        hwaddr csr = f->v1 ? f->offset + f->v1->csr : 0;

        if ((reg >= f->offset && reg < f->offset + f->size) ||
            (f->v1 && reg + 8 > csr && reg < csr + f->v1->csr_size)) {
            *idx = i;
            *off = reg - f->offset;
            return f;
        }
    }
    return NULL;
}

/* The DFHv1 header register at @off from the DFH, false if none */
static bool dfl_card_dfhv1_read(const DflDfhV1 *v1, hwaddr off,
                                uint64_t *val)
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
    switch (off) {
    case DFHV1_PARAM_HDR:
        if (!v1->msix_num) {
            return false;
        }
        /* MSI-X parameter, version 0, next = 2 qwords, end of params */
        *val = DFHV1_PARAM_ID_MSI_X | DFHV1_PARAM_EOP |
               (2ULL << DFHV1_PARAM_NEXT_SHIFT);
        return true;
    case DFHV1_PARAM_DATA:
        if (!v1->msix_num) {
            return false;
        }
        *val = ((uint64_t)v1->msix_num << 32) | v1->msix_start;
        return true;
    }
    return false;
}

static int dfl_card_scratch(const DflFeature *f, hwaddr off)
{
    int j;

    for (j = 0; j < NSCRATCH; j++) {
        if (f->scratch[j] && f->scratch[j] == off) {
            return j;
        }
    }
    return -1;
}

/* Value of the 64-bit register at 8-byte aligned BAR0 offset @reg. */
static uint64_t dfl_card_reg_read(DflCardState *s, hwaddr reg)
{
    const DflFeature *f;
    unsigned idx;
    hwaddr off;
    uint64_t val;
    int j;

    f = dfl_card_find(s, reg, &idx, &off);
    if (!f) {
        return 0;
    }
    if (s->fiu_outside && f->kind == KIND_FME_HDR) {
        /* a DFHv1 FME header whose CSR block is twice BAR0 */
        if (off == 0) {
            return f->dfh | DFH_VERSION_1;
        }
        if (off == DFHV1_CSR_SIZE_GRP) {
            return (2 * s->bar0_size) << 32;
        }
    }
    if (off == 0) {
        return f->dfh;
    }
    if (s->csr_outside_bars && f->v1 == &f23_v1 && off == DFHV1_CSR_ADDR) {
        return DFL_OUTSIDE_CSR | 1;    /* absolute */
    }
    if ((s->csr_in_bar4 || s->csr_whole_bar4) && f->v1 == &f23_v1 &&
        off == DFHV1_CSR_ADDR) {
        /* absolute: BAR4 as the guest programmed it */
        return pci_get_bar_addr(PCI_DEVICE(s), 4) | 1;
    }
    if ((s->csr_in_bar4 || s->csr_whole_bar4) && f->v1 == &f23_v1 &&
        off == DFHV1_CSR_SIZE_GRP && dfl_card_dfhv1_read(f->v1, off, &val)) {
        /* half of BAR4, or all of it (REGISTERS.md) */
        return (val & 0xffffffffULL) |
               ((uint64_t)(s->csr_whole_bar4 ? DFL_DBG_BAR_SIZE
                                             : DFL_CSR_IN_BAR4_SIZE) << 32);
    }
    if (f->v1 == &vuart_v1 && off == DFHV1_CSR_ADDR) {
        return (uint64_t)s->vuart_csr << 1;     /* property vuart-csr */
    }
    if (f->v1 == &vuart_v1 && off == GUID_L && s->vuart_foreign_guid) {
        return DFL_F24_GUID_L ^ 1;      /* property vuart-foreign-guid */
    }
    if (f->v1 && dfl_card_dfhv1_read(f->v1, off, &val)) {
        return val;
    }
    j = dfl_card_scratch(f, off);
    if (j >= 0) {
        return s->scratch[idx][j];
    }

    switch (f->kind) {
    case KIND_FME_HDR:
        switch (off) {
        case GUID_L:
            return DFL_FME_GUID_L;
        case GUID_H:
            return DFL_FME_GUID_H;
        case FME_HDR_CAP:
            return s->fme_cap;
        case FME_HDR_PORT_OFST0:
            return s->port_ofst_reg | s->fme_port_acc;
        case FME_HDR_BITSTREAM_ID:
            return DFL_FME_BITSTREAM_ID;
        case FME_HDR_BITSTREAM_MD:
            return DFL_FME_BITSTREAM_MD;
        }
        break;
    case KIND_PORT_HDR:
        switch (off) {
        case GUID_L:
            return DFL_PORT_GUID_L;
        case GUID_H:
            return DFL_PORT_GUID_H;
        case NEXT_AFU:
            return s->afu_ofst ? s->afu_ofst - s->port_ofst : 0;
        case PORT_HDR_CAP:
            return s->port_cap;
        case PORT_HDR_CTRL:
            /* the reset is acknowledged as soon as it is requested */
            return s->port_ctrl |
                   ((s->port_ctrl & PORT_CTRL_SFTRST) ? PORT_CTRL_SFTRST_ACK
                                                      : 0);
        case PORT_HDR_STS:
            return 0;   /* normal power state, no events */
        }
        break;
    case KIND_AFU:
        switch (off) {
        case GUID_L:
            return DFL_AFU_GUID_L;
        case GUID_H:
            return DFL_AFU_GUID_H;
        }
        break;
    case KIND_DOORBELL:
        /* DFL_F23_* registers, relative to the DFH */
        switch (off) {
        case DFL_F23_DOORBELL:
            return 0;
        case DFL_F23_DOORBELL_COUNT:
            return s->doorbell_count[f->v1->db];
        case DFL_F23_IRQ_STATUS:
            return s->irq_status[f->v1->db];
        }
        break;
    case KIND_PRIVATE:
        break;
    }
    return 0;
}

/* Doorbell value @k written to the doorbell feature @f */
static void dfl_card_doorbell(DflCardState *s, const DflFeature *f,
                              uint64_t k)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    const DflDfhV1 *v1 = f->v1;

    if (k >= v1->db_num) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: feature 0x%x: doorbell value %" PRIu64
                      " ignored (valid: 0..%u)\n",
                      (unsigned)(f->dfh & 0xfff), k, v1->db_num - 1);
        return;
    }
    s->doorbell_count[v1->db]++;
    s->irq_status[v1->db] |= 1ULL << k;
    if (msix_enabled(pdev)) {
        /* a masked vector is left pending in the PBA */
        msix_notify(pdev, v1->db_vector + k);
    }
}

/*
 * Write the bytes @mask of the register at 8-byte aligned @reg; @val is
 * already shifted to the bytes' position.  For registers with side
 * effects the value is (val & mask) >> shift, i.e. the access's own
 * data: a 1-byte write of 3 to DOORBELL rings vector 3.
 */
static void dfl_card_reg_write(DflCardState *s, hwaddr reg, uint64_t val,
                               uint64_t mask, unsigned shift)
{
    const DflFeature *f;
    unsigned idx;
    hwaddr off;
    int j;

    f = dfl_card_find(s, reg, &idx, &off);
    if (!f) {
        return;
    }
    if (off == 0) {
        return;     /* DFHs are read-only */
    }
    j = dfl_card_scratch(f, off);
    if (j >= 0) {
        s->scratch[idx][j] = (s->scratch[idx][j] & ~mask) | (val & mask);
        return;
    }

    switch (f->kind) {
    case KIND_FME_HDR:
        if (off == FME_HDR_PORT_OFST0) {
            s->fme_port_acc = (s->fme_port_acc & ~mask) |
                              (val & mask & FME_PORT_OFST_ACC_CTRL);
        }
        break;
    case KIND_PORT_HDR:
        if (off == PORT_HDR_CTRL) {
            uint64_t rw = mask & (PORT_CTRL_SFTRST | PORT_CTRL_LATENCY);

            s->port_ctrl = (s->port_ctrl & ~rw) | (val & rw);
        }
        break;
    case KIND_DOORBELL:
        if (off == DFL_F23_DOORBELL) {
            dfl_card_doorbell(s, f, (val & mask) >> shift);
        } else if (off == DFL_F23_IRQ_STATUS) {
            s->irq_status[f->v1->db] &= ~(val & mask);
        }
        break;
    default:
        break;
    }
}

/* Count a BAR0 access for BAR4 */
static void dfl_card_count(DflCardState *s, hwaddr addr, unsigned size,
                           bool write)
{
    unsigned i = MIN(ctz32(size), 3);   /* 1, 2, 4, 8 bytes -> 0..3 */

    if (write) {
        s->dbg_writes[i]++;
    } else {
        s->dbg_reads[i]++;
    }
    s->dbg_last_addr = addr;
    s->dbg_last_size = size;
    s->dbg_last_write = write;
}

/*
 * The VUART's 16550 (the Altera 16550 IP behind vuart_csr_decode.sv):
 * DFH + vuart-csr (0x200 as OFS ships it) and the 0x200 bytes after, one
 * 8-bit register in byte 0 of each 32-bit lane (REG_LAYOUT width 4,
 * shift 2), lanes counted from the CSR block.  Registers 0-7 are the 16550's;
 * the lanes above SCR read 0 and ignore writes (assumption: the IP's
 * documentation was not available).  Any read that touches a lane reads
 * its register once, side effects included (RBR pops the FIFO, IIR
 * clears THRI, LSR and MSR clear their error and delta bits), and
 * returns the addressed bytes of the lane { 0, 0, 0, register }; an
 * 8-byte read returns the lower lane's 32 bits in both halves, as the
 * RTL duplicates the IP's 32-bit read data.  A write reaches the
 * register only if it covers byte 0 of a lane; an 8-byte write writes
 * the lower lane (assumption: the RTL's UPPER32 case is not modelled).
 */
static bool dfl_card_vuart_window(DflCardState *s, hwaddr addr)
{
    return addr >= s->vuart_ofst + s->vuart_csr &&
           addr < s->vuart_ofst + s->vuart_csr + VUART_SPAN;
}

/* 16550 register index of the lane that holds @addr, or -1 */
static int dfl_card_vuart_reg(DflCardState *s, hwaddr addr)
{
    hwaddr reg = (addr - s->vuart_ofst - s->vuart_csr) >> VUART_REG_SHIFT;

    return reg < VUART_NREGS ? reg : -1;
}

/* Offset of @addr in its 32-bit lane of the 16550 */
static unsigned dfl_card_vuart_lane_off(DflCardState *s, hwaddr addr)
{
    return (addr - s->vuart_ofst - s->vuart_csr) & 3;
}

static uint64_t dfl_card_vuart_read(DflCardState *s, hwaddr addr,
                                    unsigned size)
{
    int reg = dfl_card_vuart_reg(s, addr);
    uint64_t lane;

    if (reg < 0) {
        return 0;
    }
    lane = serial_io_ops.read(&s->vuart, reg, 1) & 0xff;
    if (size == 8) {
        return lane | (lane << 32);
    }
    return (lane >> (dfl_card_vuart_lane_off(s, addr) * 8)) &
           MAKE_64BIT_MASK(0, size * 8);
}

static void dfl_card_vuart_write(DflCardState *s, hwaddr addr,
                                 uint64_t val, unsigned size)
{
    int reg = dfl_card_vuart_reg(s, addr);

    if (reg < 0 || dfl_card_vuart_lane_off(s, addr)) {
        return;
    }
    serial_io_ops.write(&s->vuart, reg, val & 0xff, 1);
}

/*
 * The VUART's interrupt line.  vuart_top.sv turns each rising edge of
 * the 16550's INTR into one write of the constant 5 to the constant
 * address ST2MM + 0x10 (MSIX_CTRL), which fires MSI-X vector 5 of the
 * function: modelled as msix_notify() of that fixed vector (pending in
 * the PBA if masked; lost if MSI-X is off, as with no ST2MM table).
 * Nothing in it is programmable.  A line that stays high sends nothing
 * more.
 */
static void dfl_card_vuart_irq(void *opaque, int n, int level)
{
    DflCardState *s = opaque;
    PCIDevice *pdev = PCI_DEVICE(s);

    if (level && !s->vuart_level) {
        s->dbg_vuart_edges++;
        if (msix_enabled(pdev)) {
            msix_notify(pdev, DFL_F24_MSIX_START);
        }
    }
    s->vuart_level = !!level;
}

/*
 * FME 0x15, the HSSI subsystem at BAR0 0x2000.  Its page is a register
 * file of 64-bit qwords like the rest of BAR0: a 32-bit register is one
 * half of its qword, narrower or wider accesses read and write the bytes
 * they cover.  Reads have no side effects.
 */
static bool dfl_card_hssi_window(DflCardState *s, hwaddr addr)
{
    return addr >= s->hssi_ofst && addr < s->hssi_ofst + DFL_HSSI_SIZE;
}

/* ColdReset: the subsystem's state as after power-on; not the wrapper's */
static void dfl_card_hssi_cold_reset(DflCardState *s)
{
    unsigned i;

    /* CMD_STATUS: the xls row's 0x8 (Busy), or its fields' 0x4 (Ack) */
    s->hssi_cmd_status = s->hssi_busy_mode == HSSI_BUSY_CLEAR ? HSSI_CMD_ACK : 0;
    s->hssi_busy_latched = s->hssi_busy_mode == HSSI_BUSY_UNTIL_CMD;
    s->hssi_cmd_pending = false;
    s->hssi_ctrl_addr = 0;
    s->hssi_read_data = 0;
    s->hssi_write_data = 0;
    for (i = 0; i < DFL_HSSI_NPORTS; i++) {
        s->hssi_profile[i] = DFL_HSSI_PORT_ATTR_V & 0x3f;
    }
    s->hssi_loopback = 0;
    s->hssi_ncsr = 0;
    memset(s->hssi_csr_key, 0, sizeof(s->hssi_csr_key));
    memset(s->hssi_csr_val, 0, sizeof(s->hssi_csr_val));
}

static void dfl_card_hssi_command(DflCardState *s);

/* The rst_ack state machine, run up to virtual time now */
static void dfl_card_hssi_rst_update(DflCardState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    bool req = s->hssi_cold_rst & HSSI_COLD_RST_REQ;

    if (s->hssi_rst_state == HSSI_RST_ASSERT && !s->hssi_wedged &&
        now - s->hssi_rst_on_ns >= DFL_HSSI_ACK_NS) {
        /* acknowledged: the subsystem is in reset */
        dfl_card_hssi_cold_reset(s);
        s->dbg_hssi_cold_resets++;
        s->hssi_rst_state = req ? HSSI_RST_HELD : HSSI_RST_ACK_FALL;
        s->hssi_rst_off_ns = s->hssi_rst_on_ns + DFL_HSSI_ACK_NS;
    }
    if (s->hssi_rst_state == HSSI_RST_ACK_FALL &&
        now - s->hssi_rst_off_ns >= DFL_HSSI_ACK_NS) {
        s->hssi_rst_state = HSSI_RST_IDLE;
        s->hssi_ready_ns = s->hssi_rst_off_ns + DFL_HSSI_ACK_NS;
        if (req) {      /* set again while the acknowledge fell */
            s->hssi_rst_state = HSSI_RST_ASSERT;
            s->hssi_rst_on_ns = s->hssi_ready_ns;
            dfl_card_hssi_rst_update(s);
        }
    }
    /* init: a command written while Busy runs once Busy clears */
    if (s->hssi_cmd_pending && s->hssi_rst_state == HSSI_RST_IDLE &&
        now - s->hssi_ready_ns >= DFL_HSSI_BUSY_NS) {
        s->hssi_cmd_pending = false;
        dfl_card_hssi_command(s);
    }
}

static bool dfl_card_hssi_rst_ack(DflCardState *s)
{
    dfl_card_hssi_rst_update(s);
    return s->hssi_rst_state == HSSI_RST_HELD ||
           s->hssi_rst_state == HSSI_RST_ACK_FALL;
}

/* In reset (from the request to the acknowledge's fall) */
static bool dfl_card_hssi_in_reset(DflCardState *s)
{
    dfl_card_hssi_rst_update(s);
    return s->hssi_rst_state != HSSI_RST_IDLE;
}

/* CMD_STATUS's Busy, by the "hssi-busy" property */
static bool dfl_card_hssi_busy(DflCardState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (s->hssi_busy_mode == HSSI_BUSY_CLEAR) {
        return false;
    }
    if (dfl_card_hssi_in_reset(s)) {
        return true;
    }
    if (s->hssi_busy_mode == HSSI_BUSY_UNTIL_CMD) {
        return s->hssi_busy_latched;
    }
    return now - s->hssi_ready_ns < DFL_HSSI_BUSY_NS;
}

/* The SAL CSR storage entry of @key, allocated if @alloc; -1 if none */
static int dfl_card_hssi_csr(DflCardState *s, uint32_t key, bool alloc)
{
    unsigned i;

    for (i = 0; i < s->hssi_ncsr; i++) {
        if (s->hssi_csr_key[i] == key) {
            return i;
        }
    }
    if (!alloc || s->hssi_ncsr == HSSI_NCSR) {
        return -1;
    }
    s->hssi_csr_key[s->hssi_ncsr] = key;
    s->hssi_csr_val[s->hssi_ncsr] = 0;
    return s->hssi_ncsr++;
}

/*
 * A command written to CMD_STATUS (Read or Write): the SAL command in
 * CTRL_ADDR[7:0] for port CTRL_ADDR[11:8], done at once.  Ack is set,
 * Read and Write clear themselves; Error is set for an unknown command,
 * a port past NumPorts or a full CSR storage.
 */
static void dfl_card_hssi_command(DflCardState *s)
{
    uint32_t ctrl = s->hssi_ctrl_addr, cmd = ctrl & 0xff;
    uint32_t port = (ctrl >> 8) & 0xf, key = ctrl & ~0xffU;
    bool err = false;
    int i;

    if (port >= DFL_HSSI_NPORTS && cmd != DFL_HSSI_SAL_NOP &&
        cmd != DFL_HSSI_SAL_FW_VERSION) {
        cmd = ~0U;      /* an error below */
    }
    switch (cmd) {
    case DFL_HSSI_SAL_NOP:
    case DFL_HSSI_SAL_RESET_MAC_STAT:
        break;
    case DFL_HSSI_SAL_GET_PROFILE:
        s->hssi_read_data = s->hssi_profile[port];
        break;
    case DFL_HSSI_SAL_SET_PROFILE:
        s->hssi_profile[port] = s->hssi_write_data & 0x3f;
        break;
    case DFL_HSSI_SAL_READ_MAC_STAT:
        s->hssi_read_data = 0;  /* no traffic in the model */
        break;
    case DFL_HSSI_SAL_GET_MTU:
        s->hssi_read_data = DFL_HSSI_MTU;
        break;
    case DFL_HSSI_SAL_SET_CSR:
        i = dfl_card_hssi_csr(s, key, true);
        if (i < 0) {
            err = true;
        } else {
            s->hssi_csr_val[i] = s->hssi_write_data;
        }
        break;
    case DFL_HSSI_SAL_GET_CSR:
        i = dfl_card_hssi_csr(s, key, false);
        s->hssi_read_data = i < 0 ? 0 : s->hssi_csr_val[i];
        break;
    case DFL_HSSI_SAL_LOOPBACK_ON:
        s->hssi_loopback |= 1U << port;
        break;
    case DFL_HSSI_SAL_LOOPBACK_OFF:
        s->hssi_loopback &= ~(1U << port);
        break;
    case DFL_HSSI_SAL_FW_VERSION:
        s->hssi_read_data = DFL_HSSI_FW_VERSION;
        break;
    default:
        err = true;
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: HSSI: SAL command 0x%x, port %u refused\n",
                      ctrl & 0xff, port);
        break;
    }
    s->hssi_cmd_status &= ~(HSSI_CMD_READ | HSSI_CMD_WRITE | HSSI_CMD_ERROR);
    s->hssi_cmd_status |= HSSI_CMD_ACK |
                          (err || s->hssi_sal_error ? HSSI_CMD_ERROR : 0);
}

/*
 * Read or Write written to CMD_STATUS: dropped by a subsystem in reset
 * (no Ack ever; counted in BAR4), run once Busy clears (init), or now
 * (a command clears until-cmd's Busy).
 */
static void dfl_card_hssi_command_written(DflCardState *s)
{
    if (dfl_card_hssi_in_reset(s)) {
        s->hssi_cmd_status &= ~(HSSI_CMD_READ | HSSI_CMD_WRITE);
        s->dbg_hssi_busy_cmds++;
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: HSSI: SAL command 0x%x dropped: the subsystem is in reset\n",
                      s->hssi_ctrl_addr & 0xff);
        return;
    }
    s->hssi_busy_latched = false;
    if (dfl_card_hssi_busy(s)) {
        s->hssi_cmd_pending = true;
        return;
    }
    dfl_card_hssi_command(s);
}

/* The 32-bit subsystem register at 4-byte aligned @off */
static uint32_t dfl_card_hssi_reg32(DflCardState *s, hwaddr off)
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
        bool busy = dfl_card_hssi_busy(s);      /* may run a pending command */

        return s->hssi_cmd_status | (busy ? HSSI_CMD_BUSY : 0);
    }
    case DFL_HSSI_CTRL_ADDR:
        return s->hssi_ctrl_addr;
    case DFL_HSSI_READ_DATA:
        return s->hssi_read_data;
    case DFL_HSSI_WRITE_DATA:
        return s->hssi_write_data;
    case DFL_HSSI_TSE_CTRL:
        return s->hssi_tse_ctrl;
    case DFL_HSSI_DBG_CTRL:
        return s->hssi_dbg_ctrl;
    }
    return 0;   /* latencies, port status (no link): 0; gaps: 0 */
}

/* The qword at 8-byte aligned @off of the HSSI page */
static uint64_t dfl_card_hssi_qword(DflCardState *s, hwaddr off)
{
    switch (off) {
    case 0:
        return DFL_HSSI_DFH;
    case GUID_L:
        return DFL_HSSI_GUID_L;
    case GUID_H:
        return DFL_HSSI_GUID_H;
    case DFHV1_CSR_ADDR:
        return DFL_HSSI_CSR_ADDR;
    case DFHV1_CSR_SIZE_GRP:
        return DFL_HSSI_CSR_SIZE_GRP;
    case DFL_HSSI_INDV_RST:
        return s->hssi_indv_rst;
    case DFL_HSSI_INDV_RST_ACK:
        return DFL_HSSI_INDV_RST_ACK_V;
    case DFL_HSSI_COLD_RST:
        return s->hssi_cold_rst |
               (dfl_card_hssi_rst_ack(s) ? HSSI_COLD_RST_ACK : 0);
    case DFL_HSSI_SCRATCHPAD:
        return s->hssi_scratchpad;
    case DFL_HSSI_STATUS:
    case DFL_HSSI_PTP_STATUS:
        return 0;       /* no transceivers in the model */
    }
    if (off < DFL_HSSI_INDV_RST) {
        return dfl_card_hssi_reg32(s, off) |
               ((uint64_t)dfl_card_hssi_reg32(s, off + 4) << 32);
    }
    return 0;
}

static uint64_t dfl_card_hssi_read(DflCardState *s, hwaddr addr,
                                   unsigned size)
{
    unsigned shift = (addr & 7) * 8;
    uint64_t v = dfl_card_hssi_qword(s, (addr - s->hssi_ofst) & ~7ULL) >> shift;

    return size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

/* Write the bytes @mask (of a 32-bit register) of @reg with @val */
static void dfl_card_hssi_merge32(uint32_t *reg, uint32_t val, uint32_t mask)
{
    *reg = (*reg & ~mask) | (val & mask);
}

/* A write of the bytes @mask32 of the 32-bit subsystem register @off */
static void dfl_card_hssi_write32(DflCardState *s, hwaddr off, uint32_t val,
                                  uint32_t mask32)
{
    switch (off) {
    case DFL_HSSI_CMD_STATUS:
        dfl_card_hssi_merge32(&s->hssi_cmd_status, val,
                              mask32 & HSSI_CMD_RW_MASK);
        if (s->hssi_cmd_status & (HSSI_CMD_READ | HSSI_CMD_WRITE)) {
            dfl_card_hssi_command_written(s);
        }
        break;
    case DFL_HSSI_CTRL_ADDR:
        dfl_card_hssi_merge32(&s->hssi_ctrl_addr, val, mask32);
        break;
    case DFL_HSSI_WRITE_DATA:
        dfl_card_hssi_merge32(&s->hssi_write_data, val, mask32);
        break;
    case DFL_HSSI_TSE_CTRL:
        dfl_card_hssi_merge32(&s->hssi_tse_ctrl, val,
                              mask32 & HSSI_TSE_CTRL_RW);
        break;
    case DFL_HSSI_DBG_CTRL:
        dfl_card_hssi_merge32(&s->hssi_dbg_ctrl, val, mask32);
        break;
    }
}

/* ColdReset set (@req) or cleared: the handshake's edges */
static void dfl_card_hssi_cold_rst_write(DflCardState *s, uint64_t req)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    dfl_card_hssi_rst_update(s);
    s->hssi_cold_rst = req;
    if (req && s->hssi_rst_state == HSSI_RST_IDLE) {
        s->hssi_rst_state = HSSI_RST_ASSERT;
        s->hssi_rst_on_ns = now;
    } else if (!req && s->hssi_rst_state == HSSI_RST_HELD) {
        s->hssi_rst_state = HSSI_RST_ACK_FALL;
        s->hssi_rst_off_ns = now;
    } else if (!req && s->hssi_rst_state == HSSI_RST_ASSERT) {
        /* rst_ack holds the reset until the acknowledge all the same */
        s->dbg_hssi_early_releases++;
        qemu_log_mask(LOG_GUEST_ERROR,
                      "dfl-card: HSSI: ColdReset cleared before ColdResetAck\n");
    }
}

/* BAR4's wedge: the subsystem stops (1) or resumes acknowledging */
static void dfl_card_hssi_wedge(DflCardState *s, bool wedged)
{
    dfl_card_hssi_rst_update(s);
    if (s->hssi_wedged && !wedged) {
        s->hssi_rst_on_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    s->hssi_wedged = wedged;
}

static void dfl_card_hssi_write(DflCardState *s, hwaddr addr, uint64_t val,
                                unsigned size)
{
    hwaddr off = (addr - s->hssi_ofst) & ~7ULL;
    unsigned shift = (addr & 7) * 8;
    uint64_t mask = size == 8 ? ~0ULL : ((1ULL << (size * 8)) - 1) << shift;

    val <<= shift;
    switch (off) {
    case DFL_HSSI_INDV_RST:
        s->hssi_indv_rst = (s->hssi_indv_rst & ~mask) | (val & mask);
        return;
    case DFL_HSSI_SCRATCHPAD:
        s->hssi_scratchpad = (s->hssi_scratchpad & ~mask) | (val & mask);
        return;
    case DFL_HSSI_COLD_RST:
        if (mask & HSSI_COLD_RST_REQ) {
            dfl_card_hssi_cold_rst_write(s, val & HSSI_COLD_RST_REQ);
        }
        return;
    }
    if (off < DFL_HSSI_INDV_RST) {
        /* the high half first: CTRL_ADDR before CMD_STATUS in one write */
        if (mask >> 32) {
            dfl_card_hssi_write32(s, off + 4, val >> 32, mask >> 32);
        }
        if ((uint32_t)mask) {
            dfl_card_hssi_write32(s, off, val, mask);
        }
    }
}

static void dfl_card_hssi_reset(DflCardState *s)
{
    dfl_card_hssi_cold_reset(s);
    s->hssi_tse_ctrl = DFL_HSSI_TSE_CTRL_V;
    s->hssi_dbg_ctrl = DFL_HSSI_DBG_CTRL_V;
    s->hssi_indv_rst = 0;
    s->hssi_cold_rst = 0;
    s->hssi_scratchpad = 0;
    s->hssi_wedged = false;
    s->hssi_sal_error = false;
    /* power-on: a ColdReset acknowledged and released now */
    s->hssi_rst_state = HSSI_RST_ACK_FALL;
    s->hssi_rst_on_ns = s->hssi_rst_off_ns =
        qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static bool dfl_card_eth_window(DflCardState *s, hwaddr addr)
{
    return s->eth_ofst && addr >= s->eth_ofst + DFL_ETH_INFO &&
           addr < s->eth_ofst + DFL_ETH_STAT + 8;
}

/*
 * The register @addr of component @dev (DEV_SELECT) of the Ethernet group,
 * @feat for a PHY's "additional feature" registers: a MAC's PHY_CONFIG and
 * PMA serial loopback have their own state, the frame size registers
 * their power-on value until written, any other register what was last
 * written to it (0 before); a write to a full table is dropped.
 */
/* The link whose MAC is @dev (DEV_SELECT 2i + 3), or -1 */
static int dfl_card_eth_mac_link(unsigned dev, bool feat)
{
    if (feat || dev < 3 || (dev - 3) % 2 || (dev - 3) / 2 >= DFL_ETH_NLINKS) {
        return -1;
    }
    return (dev - 3) / 2;
}

/* Power-on value of a register without state of its own */
static uint32_t dfl_card_eth_default(unsigned dev, bool feat, unsigned addr)
{
    if (dfl_card_eth_mac_link(dev, feat) >= 0 &&
        (addr == DFL_ETH_MAC_MAX_TX_SIZE || addr == DFL_ETH_MAC_MAX_RX_SIZE)) {
        return DFL_ETH_MAC_MAX_SIZE_V;
    }
    return 0;
}

static uint32_t *dfl_card_eth_reg(DflCardState *s, unsigned dev, bool feat,
                                  unsigned addr, bool alloc)
{
    uint32_t key = (uint32_t)feat << 24 | dev << 16 | addr;
    int link = dfl_card_eth_mac_link(dev, feat);
    unsigned i;

    if (link >= 0) {
        if (addr == DFL_ETH_MAC_PHY_CONFIG) {
            return &s->eth_phy_config[link];
        }
        if (addr == DFL_ETH_MAC_PMA_SLOOP) {
            return &s->eth_sloop[link];
        }
    }
    for (i = 0; i < s->eth_nregs; i++) {
        if (s->eth_key[i] == key) {
            return &s->eth_val[i];
        }
    }
    if (!alloc || s->eth_nregs == ETH_NREGS) {
        return NULL;
    }
    s->eth_key[s->eth_nregs] = key;
    s->eth_val[s->eth_nregs] = dfl_card_eth_default(dev, feat, addr);
    return &s->eth_val[s->eth_nregs++];
}

/* CTRL written with a command: done at once, STAT's RW_VAL set */
static void dfl_card_eth_command(DflCardState *s)
{
    uint64_t ctrl = s->eth_ctrl;
    unsigned cmd = ctrl >> ETH_CTRL_CMD_SHIFT;
    unsigned dev = (ctrl >> ETH_CTRL_DEV_SHIFT) & 0x1f;
    unsigned addr = (ctrl >> ETH_CTRL_ADDR_SHIFT) & 0xffff;
    bool feat = ctrl & ETH_CTRL_FEAT;
    uint32_t *reg;

    s->eth_stat = 0;
    if (cmd == ETH_CMD_RD) {
        reg = dfl_card_eth_reg(s, dev, feat, addr, false);
        s->eth_stat = ETH_STAT_RW_VAL |
                      (reg ? *reg : dfl_card_eth_default(dev, feat, addr));
    } else if (cmd == ETH_CMD_WR) {
        reg = dfl_card_eth_reg(s, dev, feat, addr, true);
        if (reg) {
            *reg = (uint32_t)ctrl;
        } else {
            qemu_log_mask(LOG_UNIMP, "dfl-card: Ethernet group: register "
                          "table full, write to %u/%#x dropped\n", dev, addr);
        }
        s->eth_stat = ETH_STAT_RW_VAL;
    }
}

static uint64_t dfl_card_eth_read(DflCardState *s, hwaddr addr, unsigned size)
{
    unsigned shift = (addr & 7) * 8;
    uint64_t v = 0;

    switch ((addr - s->eth_ofst) & ~7ULL) {
    case DFL_ETH_INFO:
        v = s->eth_info;
        break;
    case DFL_ETH_CTRL:
        v = s->eth_ctrl;
        break;
    case DFL_ETH_STAT:
        v = s->eth_stat;
        break;
    }
    v >>= shift;
    return size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

/*
 * A write to CTRL clears STAT; a write that reaches CTRL's upper half
 * (CMD) with a read or write command runs it.
 */
static void dfl_card_eth_write(DflCardState *s, hwaddr addr, uint64_t val,
                               unsigned size)
{
    unsigned shift = (addr & 7) * 8;
    uint64_t mask = size == 8 ? ~0ULL : ((1ULL << (size * 8)) - 1) << shift;

    if (((addr - s->eth_ofst) & ~7ULL) != DFL_ETH_CTRL) {
        return;         /* INFO and STAT are read-only */
    }
    s->eth_ctrl = (s->eth_ctrl & ~mask) | ((val << shift) & mask);
    s->eth_stat = 0;
    if (mask >> 32) {
        dfl_card_eth_command(s);
    }
}

static void dfl_card_eth_reset(DflCardState *s)
{
    s->eth_ctrl = 0;
    s->eth_stat = 0;
    memset(s->eth_phy_config, 0, sizeof(s->eth_phy_config));
    memset(s->eth_sloop, 0, sizeof(s->eth_sloop));
    memset(s->eth_key, 0, sizeof(s->eth_key));
    memset(s->eth_val, 0, sizeof(s->eth_val));
    s->eth_nregs = 0;
}

static uint64_t dfl_card_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    DflCardState *s = opaque;
    unsigned shift = (addr & 7) * 8;
    uint64_t v;

    dfl_card_count(s, addr, size, false);
    if (dfl_card_vuart_window(s, addr)) {
        return dfl_card_vuart_read(s, addr, size);
    }
    if (dfl_card_hssi_window(s, addr)) {
        return dfl_card_hssi_read(s, addr, size);
    }
    if (dfl_card_eth_window(s, addr)) {
        return dfl_card_eth_read(s, addr, size);
    }
    v = dfl_card_reg_read(s, addr & ~7ULL) >> shift;
    return size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

static void dfl_card_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    DflCardState *s = opaque;
    unsigned shift = (addr & 7) * 8;
    uint64_t mask = size == 8 ? ~0ULL : ((1ULL << (size * 8)) - 1) << shift;

    dfl_card_count(s, addr, size, true);
    if (dfl_card_vuart_window(s, addr)) {
        dfl_card_vuart_write(s, addr, val, size);
        return;
    }
    if (dfl_card_hssi_window(s, addr)) {
        dfl_card_hssi_write(s, addr, val, size);
        return;
    }
    if (dfl_card_eth_window(s, addr)) {
        dfl_card_eth_write(s, addr, val, size);
        return;
    }
    dfl_card_reg_write(s, addr & ~7ULL, val << shift, mask, shift);
}

static const MemoryRegionOps dfl_card_mmio_ops = {
    .read = dfl_card_mmio_read,
    .write = dfl_card_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = false,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = false,
    },
};

static void dfl_card_dbg_reset(DflCardState *s)
{
    memset(s->dbg_reads, 0, sizeof(s->dbg_reads));
    memset(s->dbg_writes, 0, sizeof(s->dbg_writes));
    s->dbg_last_addr = 0;
    s->dbg_last_size = 0;
    s->dbg_last_write = 0;
    s->dbg_vuart_edges = 0;
    s->dbg_hssi_cold_resets = 0;
    s->dbg_hssi_early_releases = 0;
    s->dbg_hssi_busy_cmds = 0;
}

/* BAR4: the 64-bit register at 8-byte aligned @reg */
static uint64_t dfl_card_dbg_reg(DflCardState *s, hwaddr reg)
{
    /* (unsigned: an offset below the first counter wraps to a huge one) */
    if (reg - DFL_DBG_READS_1 <= DFL_DBG_READS_8 - DFL_DBG_READS_1) {
        return s->dbg_reads[(reg - DFL_DBG_READS_1) / 8];
    }
    if (reg - DFL_DBG_WRITES_1 <= DFL_DBG_WRITES_8 - DFL_DBG_WRITES_1) {
        return s->dbg_writes[(reg - DFL_DBG_WRITES_1) / 8];
    }
    switch (reg) {
    case DFL_DBG_LAST_ADDR:
        return s->dbg_last_addr;
    case DFL_DBG_LAST_SIZE:
        return s->dbg_last_size;
    case DFL_DBG_LAST_WRITE:
        return s->dbg_last_write;
    case DFL_DBG_VUART_EDGES:
        return s->dbg_vuart_edges;
    case DFL_DBG_HSSI_COLD_RESETS:
        dfl_card_hssi_rst_update(s);
        return s->dbg_hssi_cold_resets;
    case DFL_DBG_HSSI_LOOPBACK:
        return s->hssi_loopback;
    case DFL_DBG_HSSI_EARLY_RELEASES:
        return s->dbg_hssi_early_releases;
    case DFL_DBG_HSSI_BUSY_CMDS:
        return s->dbg_hssi_busy_cmds;
    case DFL_DBG_HSSI_WEDGE:
        return s->hssi_wedged;
    case DFL_DBG_HSSI_SAL_ERROR:
        return s->hssi_sal_error;
    case DFL_DBG_ETH_MAC_RESET:
    case DFL_DBG_ETH_LOOPBACK: {
        uint64_t bits = 0;
        unsigned i;

        for (i = 0; i < DFL_ETH_NLINKS; i++) {
            if (reg == DFL_DBG_ETH_MAC_RESET ?
                (s->eth_phy_config[i] & ETH_MAC_RESET_MASK) == ETH_MAC_RESET_MASK :
                (s->eth_sloop[i] & 1)) {
                bits |= 1ULL << i;
            }
        }
        return bits;
    }
    }
    return 0;
}

static uint64_t dfl_card_dbg_read(void *opaque, hwaddr addr, unsigned size)
{
    DflCardState *s = opaque;
    unsigned shift = (addr & 7) * 8;
    uint64_t v = dfl_card_dbg_reg(s, addr & ~7ULL) >> shift;

    return size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
}

static void dfl_card_dbg_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    DflCardState *s = opaque;

    if ((addr & ~7ULL) == DFL_DBG_CTRL) {
        dfl_card_dbg_reset(s);
    } else if (addr == DFL_DBG_HSSI_WEDGE) {
        dfl_card_hssi_wedge(s, val & 1);
    } else if (addr == DFL_DBG_HSSI_SAL_ERROR) {
        s->hssi_sal_error = val & 1;
    }
}

static const MemoryRegionOps dfl_card_dbg_ops = {
    .read = dfl_card_dbg_read,
    .write = dfl_card_dbg_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = false,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = false,
    },
};

/* Undo MSI-X and the PCIe capability (realize, exit) */
static void dfl_card_uninit_msix(DflCardState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->msix_in_bar0) {
        msix_uninit(pdev, &s->bar0, &s->bar0);
    } else {
        msix_uninit(pdev, &s->msix_bar, &s->msix_bar);
    }
    pcie_cap_exit(pdev);
}

/* The default layout: the map's DFL_FEATURES, BAR0 DFL_BAR0_SIZE */
static void dfl_card_default_layout(DflCardState *s)
{
    s->features = dfl_features;
    s->nfeatures = NFEATURES;
    s->bar0_size = DFL_BAR0_SIZE;
    /* implemented, BAR 0, the port's own DFL at DFL_PORT_HDR_OFST */
    s->port_ofst_reg = FME_PORT_OFST_IMP | DFL_PORT_HDR_OFST;
    s->fme_cap = DFL_FME_CAP;
    s->port_cap = PORT_CAP_VALUE;
    s->port_ofst = DFL_PORT_HDR_OFST;
    s->afu_ofst = DFL_AFU_OFST;
    s->eth_ofst = DFL_F10_OFST;
    s->hssi_ofst = DFL_F15_OFST;
    s->vuart_ofst = DFL_F24_OFST;
}

/*
 * layout=n6001: the features of DFL_N6001_WALK, in its order; headers
 * after the port header are the port's.  The HSSI and the VUART are the
 * FME's features with their ids; the port's 0x14 (the IOPLL) reads 0 as
 * in the default layout.  A feature whose next offset is 0 (the EOL one)
 * spans 4 KiB, as dfl.c assumes.
 */
static bool dfl_card_n6001_layout(DflCardState *s, Error **errp)
{
    bool port = false;
    unsigned i;

    if (s->msix_in_bar0 || s->csr_outside_bars || s->csr_in_bar4 ||
        s->csr_whole_bar4 || s->fiu_outside ||
        s->eth_info != DFL_ETH_INFO_V) {
        error_setg(errp, "dfl-card: layout=n6001 has no room for "
                   "msix-in-bar0, no feature 0x23 for csr-outside-bars, "
                   "csr-in-bar4 or csr-whole-bar4, no fiu-outside, and no "
                   "Ethernet group for eth-info");
        return false;
    }
    s->port_ofst = s->hssi_ofst = s->vuart_ofst = 0;
    for (i = 0; i < N6001_NFEATURES; i++) {
        DflFeature *f = &s->n6001[i];
        uint64_t dfh = n6001_walk[2 * i + 1];

        *f = (DflFeature) {
            .offset = n6001_walk[2 * i], .dfh = dfh,
            .size = DFH_NEXT(dfh) ? DFH_NEXT(dfh) : 4 * KiB,
            .kind = KIND_PRIVATE,
        };
        if (DFH_TYPE(dfh) == DFH_TYPE_FIU) {
            port = DFH_ID(dfh) == FIU_ID_PORT;
            f->kind = port ? KIND_PORT_HDR : KIND_FME_HDR;
            if (port) {
                s->port_ofst = f->offset;
            }
        } else if (port) {
            continue;
        } else if (DFH_ID(dfh) == DFH_ID(DFL_HSSI_DFH)) {
            s->hssi_ofst = f->offset;
        } else if (DFH_ID(dfh) == DFH_ID(DFL_FEATURE_FME_0x24_DFH)) {
            /* as in dfl_features[]: the region below the 16550 */
            f->size = DFL_F24_CSR_DEFAULT;
            f->scratch[0] = DFL_F24_SCRATCHPAD;
            f->v1 = &vuart_v1;
            s->vuart_ofst = f->offset;
        }
    }
    if (!s->port_ofst || !s->hssi_ofst || !s->vuart_ofst) {
        error_setg(errp, "dfl-card: DFL_N6001_WALK lacks the port header, "
                   "the HSSI or the VUART");
        return false;
    }
    s->features = s->n6001;
    s->nfeatures = N6001_NFEATURES;
    s->bar0_size = DFL_N6001_BAR0_SIZE;
    s->fme_cap = DFL_N6001_FME_CAP;
    s->port_ofst_reg = DFL_N6001_PORT_OFST0;
    s->port_cap = DFL_N6001_PORT_CAP;
    s->afu_ofst = 0;
    s->eth_ofst = 0;
    return true;
}

static void dfl_card_realize(PCIDevice *pdev, Error **errp)
{
    DflCardState *s = DFL_CARD(pdev);
    uint8_t *pci_conf = pdev->config;
    unsigned i;
    int ret;

    pci_set_word(pci_conf + PCI_DEVICE_ID, s->device_id);

    if (s->vuart_csr < VUART_CSR_MIN || s->vuart_csr > VUART_CSR_MAX ||
        (s->vuart_csr & 1)) {
        error_setg(errp, "dfl-card: vuart-csr=%#x, must be even and in "
                   "[%#x, %#x]", s->vuart_csr, VUART_CSR_MIN, VUART_CSR_MAX);
        return;
    }
    if (!s->hssi_busy_prop || !strcmp(s->hssi_busy_prop, "until-cmd")) {
        s->hssi_busy_mode = HSSI_BUSY_UNTIL_CMD;
    } else if (!strcmp(s->hssi_busy_prop, "init")) {
        s->hssi_busy_mode = HSSI_BUSY_INIT;
    } else if (!strcmp(s->hssi_busy_prop, "clear")) {
        s->hssi_busy_mode = HSSI_BUSY_CLEAR;
    } else {
        error_setg(errp, "dfl-card: hssi-busy=%s: unknown (until-cmd, "
                   "init or clear)", s->hssi_busy_prop);
        return;
    }
    if (!s->layout) {
        dfl_card_default_layout(s);
    } else if (!strcmp(s->layout, "n6001")) {
        if (!dfl_card_n6001_layout(s, errp)) {
            return;
        }
    } else {
        error_setg(errp, "dfl-card: layout=%s: unknown (n6001, or no "
                   "property for the default)", s->layout);
        return;
    }

    ret = pcie_endpoint_cap_init(pdev, 0x80);
    if (ret < 0) {
        error_setg(errp, "dfl-card: PCIe capability failed: %d", ret);
        return;
    }

    memory_region_init_io(&s->bar0, OBJECT(s), &dfl_card_mmio_ops, s,
                          "dfl-card-dfl", s->bar0_size);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);

    if (s->msix_in_bar0) {
        /* msix.c overlays the table and PBA on BAR0 as subregions */
        ret = msix_init(pdev, DFL_MSIX_VECTORS,
                        &s->bar0, 0, DFL_MSIX_IN_BAR0_TABLE,
                        &s->bar0, 0, DFL_MSIX_IN_BAR0_PBA,
                        0, errp);
    } else {
        memory_region_init(&s->msix_bar, OBJECT(s), "dfl-card-msix",
                           DFL_MSIX_BAR_SIZE);
        ret = msix_init(pdev, DFL_MSIX_VECTORS,
                        &s->msix_bar, DFL_MSIX_BAR, 0,
                        &s->msix_bar, DFL_MSIX_BAR, DFL_MSIX_PBA,
                        0, errp);
    }
    if (ret) {
        pcie_cap_exit(pdev);
        return;
    }
    s->vuart_irq = qemu_allocate_irq(dfl_card_vuart_irq, s, 0);
    s->vuart.irq = s->vuart_irq;
    if (!qdev_realize(DEVICE(&s->vuart), NULL, errp)) {
        qemu_free_irq(s->vuart_irq);
        dfl_card_uninit_msix(s);
        return;
    }
    if (!s->msix_in_bar0) {
        pci_register_bar(pdev, DFL_MSIX_BAR,
                         PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64, &s->msix_bar);
    }
    for (i = 0; i < DFL_MSIX_VECTORS; i++) {
        msix_vector_use(pdev, i);
    }

    memory_region_init_io(&s->dbg_bar, OBJECT(s), &dfl_card_dbg_ops, s,
                          "dfl-card-dbg", DFL_DBG_BAR_SIZE);
    pci_register_bar(pdev, DFL_DBG_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->dbg_bar);
}

static void dfl_card_exit(PCIDevice *pdev)
{
    DflCardState *s = DFL_CARD(pdev);

    qdev_unrealize(DEVICE(&s->vuart));
    qemu_free_irq(s->vuart_irq);
    dfl_card_uninit_msix(s);
}

static void dfl_card_reset(DeviceState *dev)
{
    DflCardState *s = DFL_CARD(dev);

    memset(s->scratch, 0, sizeof(s->scratch));
    s->fme_port_acc = 0;
    s->port_ctrl = 0;
    memset(s->doorbell_count, 0, sizeof(s->doorbell_count));
    memset(s->irq_status, 0, sizeof(s->irq_status));
    dfl_card_hssi_reset(s);
    dfl_card_eth_reset(s);
    /*
     * The 16550 itself is reset by QEMU's serial core on system reset
     * only (qemu_register_reset): a PCI function reset leaves it as it
     * is (assumption, see qemu/REGISTERS.md).
     */
    dfl_card_dbg_reset(s);
}

static const VMStateDescription vmstate_dfl_card = {
    .name = TYPE_DFL_CARD,
    .version_id = 7,
    .minimum_version_id = 7,
    .fields = (VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, DflCardState),
        VMSTATE_MSIX(parent_obj, DflCardState),
        VMSTATE_UINT64_2DARRAY(scratch, DflCardState, MAX_FEATURES,
                               NSCRATCH),
        VMSTATE_UINT64(fme_port_acc, DflCardState),
        VMSTATE_UINT64(port_ctrl, DflCardState),
        VMSTATE_UINT64_ARRAY(doorbell_count, DflCardState, NDOORBELL),
        VMSTATE_UINT64_ARRAY(irq_status, DflCardState, NDOORBELL),
        VMSTATE_UINT64_ARRAY(dbg_reads, DflCardState, 4),
        VMSTATE_UINT64_ARRAY(dbg_writes, DflCardState, 4),
        VMSTATE_UINT64(dbg_last_addr, DflCardState),
        VMSTATE_UINT64(dbg_last_size, DflCardState),
        VMSTATE_UINT64(dbg_last_write, DflCardState),
        VMSTATE_STRUCT(vuart, DflCardState, 0, vmstate_serial, SerialState),
        VMSTATE_INT32(vuart_level, DflCardState),
        VMSTATE_UINT64(dbg_vuart_edges, DflCardState),
        VMSTATE_UINT32(hssi_cmd_status, DflCardState),
        VMSTATE_UINT32(hssi_ctrl_addr, DflCardState),
        VMSTATE_UINT32(hssi_read_data, DflCardState),
        VMSTATE_UINT32(hssi_write_data, DflCardState),
        VMSTATE_UINT32(hssi_tse_ctrl, DflCardState),
        VMSTATE_UINT32(hssi_dbg_ctrl, DflCardState),
        VMSTATE_UINT32_ARRAY(hssi_profile, DflCardState, DFL_HSSI_NPORTS),
        VMSTATE_UINT32(hssi_loopback, DflCardState),
        VMSTATE_UINT32_ARRAY(hssi_csr_key, DflCardState, HSSI_NCSR),
        VMSTATE_UINT32_ARRAY(hssi_csr_val, DflCardState, HSSI_NCSR),
        VMSTATE_UINT32(hssi_ncsr, DflCardState),
        VMSTATE_UINT64(hssi_indv_rst, DflCardState),
        VMSTATE_UINT64(hssi_cold_rst, DflCardState),
        VMSTATE_UINT64(hssi_scratchpad, DflCardState),
        VMSTATE_UINT64(dbg_hssi_cold_resets, DflCardState),
        VMSTATE_INT32(hssi_rst_state, DflCardState),
        VMSTATE_INT64(hssi_rst_on_ns, DflCardState),
        VMSTATE_INT64(hssi_rst_off_ns, DflCardState),
        VMSTATE_INT64(hssi_ready_ns, DflCardState),
        VMSTATE_BOOL(hssi_busy_latched, DflCardState),
        VMSTATE_BOOL(hssi_cmd_pending, DflCardState),
        VMSTATE_BOOL(hssi_wedged, DflCardState),
        VMSTATE_BOOL(hssi_sal_error, DflCardState),
        VMSTATE_UINT64(dbg_hssi_early_releases, DflCardState),
        VMSTATE_UINT64(dbg_hssi_busy_cmds, DflCardState),
        VMSTATE_UINT64(eth_ctrl, DflCardState),
        VMSTATE_UINT64(eth_stat, DflCardState),
        VMSTATE_UINT32_ARRAY(eth_phy_config, DflCardState, DFL_ETH_NLINKS),
        VMSTATE_UINT32_ARRAY(eth_sloop, DflCardState, DFL_ETH_NLINKS),
        VMSTATE_UINT32_ARRAY(eth_key, DflCardState, ETH_NREGS),
        VMSTATE_UINT32_ARRAY(eth_val, DflCardState, ETH_NREGS),
        VMSTATE_UINT32(eth_nregs, DflCardState),
        VMSTATE_END_OF_LIST()
    },
};

static Property dfl_card_properties[] = {
    DEFINE_PROP_UINT16("device-id", DflCardState, device_id,
                       DFL_DEVICE),
    DEFINE_PROP_BOOL("msix-in-bar0", DflCardState, msix_in_bar0, false),
    DEFINE_PROP_BOOL("csr-outside-bars", DflCardState, csr_outside_bars,
                     false),
    DEFINE_PROP_BOOL("csr-in-bar4", DflCardState, csr_in_bar4, false),
    DEFINE_PROP_BOOL("csr-whole-bar4", DflCardState, csr_whole_bar4, false),
    DEFINE_PROP_BOOL("fiu-outside", DflCardState, fiu_outside, false),
    DEFINE_PROP_BOOL("vuart-foreign-guid", DflCardState, vuart_foreign_guid,
                     false),
    DEFINE_PROP_UINT32("vuart-csr", DflCardState, vuart_csr,
                       DFL_F24_CSR_DEFAULT),
    DEFINE_PROP_STRING("layout", DflCardState, layout),
    DEFINE_PROP_STRING("hssi-busy", DflCardState, hssi_busy_prop),
    DEFINE_PROP_UINT32("eth-info", DflCardState, eth_info, DFL_ETH_INFO_V),
    DEFINE_PROP_END_OF_LIST(),
};

/*
 * The VUART's 16550 is a child; its properties are the card's: "chardev"
 * (the backend), "baudbase" (default: the 50 MHz clock / 16, so that the
 * divisor 8250_dfl programs for a speed gives that speed) and "wakeup".
 */
static void dfl_card_instance_init(Object *obj)
{
    DflCardState *s = DFL_CARD(obj);

    object_initialize_child(obj, "vuart", &s->vuart, TYPE_SERIAL);
    qdev_prop_set_uint32(DEVICE(&s->vuart), "baudbase", DFL_F24_CLK / 16);
    qdev_alias_all_properties(DEVICE(&s->vuart), obj);
}

static void dfl_card_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = dfl_card_realize;
    k->exit = dfl_card_exit;
    k->vendor_id = DFL_VENDOR;
    k->device_id = DFL_DEVICE;
    k->revision = 0x01;
    k->class_id = DFL_CLASS >> 8;   /* class, subclass */
    dc->desc = "Intel FPGA card with a Device Feature List (test model)";
    dc->reset = dfl_card_reset;
    dc->vmsd = &vmstate_dfl_card;
    device_class_set_props(dc, dfl_card_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static void dfl_card_register_types(void)
{
    static InterfaceInfo interfaces[] = {
        { INTERFACE_PCIE_DEVICE },
        { },
    };
    static const TypeInfo dfl_card_info = {
        .name          = TYPE_DFL_CARD,
        .parent        = TYPE_PCI_DEVICE,
        .instance_size = sizeof(DflCardState),
        .instance_init = dfl_card_instance_init,
        .class_init    = dfl_card_class_init,
        .interfaces    = interfaces,
    };

    type_register_static(&dfl_card_info);
}
type_init(dfl_card_register_types)
