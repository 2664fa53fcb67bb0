/*
 * Emulated Intel FPGA card with a Device Feature List (DFL), for testing
 * Linux's DFL drivers (dfl-pci, dfl-fme, dfl-afu, uio_dfl, vfio-dfl)
 * without hardware.  Modelled on hw/misc/edu.c and hw/misc/pci-testdev.c.
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
 * BAR0 is a container: each block of the DFL is a file of its own, mapped
 * as a subregion at the offset its layout gives (dfl-card.h lists them):
 * FME feature 0x15 is the OFS HSSI subsystem (dfl-card-hssi.c), FME
 * feature 0x24 the OFS VUART around QEMU's 16550A (dfl-card-vuart.c),
 * FME feature 0x10 the N3000 Ethernet group (dfl-card-eth.c); the walk
 * and the FIU headers are BAR0's background (dfl-card-dfl.c).
 *
 * BAR0 accesses: 1, 2, 4 and 8 bytes, naturally aligned, little-endian.
 * Every 8-byte aligned qword is one 64-bit register; narrower accesses
 * read or write the addressed bytes of it (a narrow write to a register
 * with side effects acts with the bytes not written taken as 0, see
 * dfl_doorbell_write()).  Reads have no side effects.  Offsets that are
 * not a register read as 0 and ignore writes.  Misaligned CPU accesses
 * are rejected by the memory core (reads return 0, writes are dropped);
 * QEMU-internal accessors (qtest, gdbstub, DMA) split them into naturally
 * aligned pieces instead.  BAR4 counts every access the memory core
 * delivers to BAR0 (not the MSI-X table/PBA in msix-in-bar0 mode), by
 * width.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "dfl-card.h"

#define VUART_CSR_MIN           0x100   /* vuart-csr: above the scratchpad */
#define VUART_CSR_MAX           0x400   /* vuart-csr: the IP's slave ends
                                         * before the next page (default
                                         * layout: before BAR0 0x8000) */

QEMU_BUILD_BUG_MSG(DFL_CLASS & 0xff, "qemu/dfl-card-map.sh: DFL_CLASS's "
                   "prog-if is not 0 (k->class_id)");

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

/* The properties that do not depend on the layout */
static bool dfl_card_check_props(DflCardState *s, Error **errp)
{
    if (s->vuart.csr < VUART_CSR_MIN || s->vuart.csr > VUART_CSR_MAX ||
        (s->vuart.csr & 1)) {
        error_setg(errp, "dfl-card: vuart-csr=%#x, must be even and in "
                   "[%#x, %#x]", s->vuart.csr, VUART_CSR_MIN, VUART_CSR_MAX);
        return false;
    }
    return dfl_hssi_realize(&s->hssi, errp) && dfl_walk_select(s, errp);
}

/*
 * The test variants need the default layout's test blocks: the MSI-X
 * table of msix-in-bar0 sits in the Ethernet group's page, the csr-*
 * properties move FME 0x23's CSR block.
 */
static bool dfl_card_check_layout(DflCardState *s, Error **errp)
{
    if ((s->msix_in_bar0 || s->doorbell.csr_outside_bars ||
         s->doorbell.csr_in_bar4 || s->doorbell.csr_whole_bar4 ||
         s->walk.fiu_outside || s->eth.info != DFL_ETH_INFO_V) &&
        (!s->eth.blk.mapped || !s->doorbell.blk.mapped)) {
        error_setg(errp, "dfl-card: layout=%s has no room for "
                   "msix-in-bar0, no feature 0x23 for csr-outside-bars, "
                   "csr-in-bar4 or csr-whole-bar4, no fiu-outside, and no "
                   "Ethernet group for eth-info", s->walk.layout_prop);
        return false;
    }
    return true;
}

/* The MSI-X table and PBA: BAR2, or overlaid on BAR0 (msix-in-bar0) */
static int dfl_card_init_msix(DflCardState *s, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (s->msix_in_bar0) {
        /* msix.c maps them last: over the Ethernet group's page */
        return msix_init(pdev, DFL_MSIX_VECTORS,
                         &s->bar0, 0, DFL_MSIX_IN_BAR0_TABLE,
                         &s->bar0, 0, DFL_MSIX_IN_BAR0_PBA, 0, errp);
    }
    memory_region_init(&s->msix_bar, OBJECT(s), "dfl-card-msix",
                       DFL_MSIX_BAR_SIZE);
    return msix_init(pdev, DFL_MSIX_VECTORS,
                     &s->msix_bar, DFL_MSIX_BAR, 0,
                     &s->msix_bar, DFL_MSIX_BAR, DFL_MSIX_PBA, 0, errp);
}

static void dfl_card_register_bar(PCIDevice *pdev, int bar, MemoryRegion *mr)
{
    pci_register_bar(pdev, bar, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, mr);
}

static void dfl_card_realize(PCIDevice *pdev, Error **errp)
{
    DflCardState *s = DFL_CARD(pdev);
    unsigned i;
    int ret;

    pci_set_word(pdev->config + PCI_DEVICE_ID, s->device_id);
    if (!dfl_card_check_props(s, errp)) {
        return;
    }
    memory_region_init(&s->bar0, OBJECT(s), "dfl-card-bar0", s->bar0_size);
    if (!dfl_walk_map(s, errp) || !dfl_card_check_layout(s, errp)) {
        return;
    }
    ret = pcie_endpoint_cap_init(pdev, 0x80);
    if (ret < 0) {
        error_setg(errp, "dfl-card: PCIe capability failed: %d", ret);
        return;
    }
    dfl_card_register_bar(pdev, 0, &s->bar0);
    if (dfl_card_init_msix(s, errp)) {
        pcie_cap_exit(pdev);
        return;
    }
    if (!dfl_vuart_realize(&s->vuart, pdev, errp)) {
        dfl_card_uninit_msix(s);
        return;
    }
    if (!s->msix_in_bar0) {
        dfl_card_register_bar(pdev, DFL_MSIX_BAR, &s->msix_bar);
    }
    for (i = 0; i < DFL_MSIX_VECTORS; i++) {
        msix_vector_use(pdev, i);
    }
    dfl_dbg_init(s);
    dfl_card_register_bar(pdev, DFL_DBG_BAR, &s->dbg_bar);
}

static void dfl_card_exit(PCIDevice *pdev)
{
    DflCardState *s = DFL_CARD(pdev);

    dfl_vuart_unrealize(&s->vuart);
    dfl_card_uninit_msix(s);
}

static void dfl_card_reset(DeviceState *dev)
{
    DflCardState *s = DFL_CARD(dev);
    unsigned i;

    dfl_walk_reset(&s->walk);
    dfl_doorbell_reset(&s->doorbell);
    for (i = 0; i < s->nscratch; i++) {
        dfl_scratch_reset(&s->scratch[i]);
    }
    dfl_hssi_reset(&s->hssi);
    dfl_eth_reset(&s->eth);
    dfl_vuart_reset(&s->vuart);
    dfl_dbg_clear(s);
}

/*
 * A test device: no test saves or migrates it, so a list of its state
 * would be code nothing runs.  Refuse migration instead of claiming it.
 */
static const VMStateDescription vmstate_dfl_card = {
    .name = TYPE_DFL_CARD,
    .unmigratable = 1,
};

static Property dfl_card_properties[] = {
    DEFINE_PROP_UINT16("device-id", DflCardState, device_id,
                       DFL_DEVICE),
    DEFINE_PROP_BOOL("msix-in-bar0", DflCardState, msix_in_bar0, false),
    DEFINE_PROP_BOOL("csr-outside-bars", DflCardState,
                     doorbell.csr_outside_bars, false),
    DEFINE_PROP_BOOL("csr-in-bar4", DflCardState, doorbell.csr_in_bar4,
                     false),
    DEFINE_PROP_BOOL("csr-whole-bar4", DflCardState, doorbell.csr_whole_bar4,
                     false),
    DEFINE_PROP_BOOL("fiu-outside", DflCardState, walk.fiu_outside, false),
    DEFINE_PROP_BOOL("vuart-foreign-guid", DflCardState, vuart.foreign_guid,
                     false),
    DEFINE_PROP_UINT32("vuart-csr", DflCardState, vuart.csr,
                       DFL_VUART_CSR_DEFAULT),
    DEFINE_PROP_STRING("layout", DflCardState, walk.layout_prop),
    DEFINE_PROP_STRING("hssi-busy", DflCardState, hssi.busy_prop),
    DEFINE_PROP_UINT32("eth-info", DflCardState, eth.info, DFL_ETH_INFO_V),
    DEFINE_PROP_END_OF_LIST(),
};

static void dfl_card_instance_init(Object *obj)
{
    dfl_vuart_init(&DFL_CARD(obj)->vuart, obj);
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
