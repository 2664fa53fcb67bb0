# SPDX-License-Identifier: GPL-2.0
# Register map of the emulated DFL card: the one table of its values.
# The model (qemu/dfl-card*.c) is compiled with them: scripts/build-qemu.sh
# turns this file into dfl-card-map.h (qemu/gen-dfl-card-map-h.sh); the
# tests and guest scripts source it (in the guest: /etc/dfl-card-map.sh).
# To change a register, edit this file: rebuild QEMU (the build picks it
# up), then update the prose of qemu/REGISTERS.md (the human-readable
# version) where qemu/check-dfl-card.sh reports it stale: the check
# compares the running model with this file and with the backticked
# values and named offsets of REGISTERS.md, and fails on a variable here
# that the check does not compare with the running model and no derived
# value is computed from.
# Sourceable by sh/bash/busybox sh; sets variables only, NAME=value
# (several on a line allowed; the helpers that derive the dfl_dev lines
# from the walks are unset again).  All numbers are hex with 0x or
# decimal, offsets are BAR0 offsets unless said otherwise.
# Each fact is stated once: a value that follows from others is computed
# from them with shell arithmetic ($(printf 0x%x $((...))), which the
# generator and the guest's busybox sh both evaluate), never written as a
# second literal.  One prefix per block: DFL_ETH_ (FME 0x10), DFL_HSSI_
# (FME 0x15), DFL_F23_ (the doorbell), DFL_VUART_ (FME 0x24), DFL_P14_
# (the port's IOPLL).

DFL_VENDOR=0x8086
DFL_DEVICE=0x09c4          # default of the "device-id" property
DFL_CLASS=0x120000         # sysfs "class" of the PCI function
DFL_BAR0_SIZE=0x80000      # 64-bit memory BAR: the DFL
DFL_MSIX_BAR=2             # 64-bit memory BAR, 0x1000: MSI-X table 0x0, PBA 0x800
DFL_MSIX_BAR_SIZE=0x1000
DFL_MSIX_PBA=0x800         # in DFL_MSIX_BAR
DFL_MSIX_VECTORS=6         # dfl-pci allocates all of them; 4 has no feature
DFL_DBG_BAR=4              # 64-bit memory BAR, 0x1000: BAR0 access counters
DFL_DBG_BAR_SIZE=0x1000

# -device dfl-card,msix-in-bar0=on: no BAR2 (its BAR register reads 0);
# the MSI-X table (6 vectors) and PBA are in BAR0, inside FME feature
# 0x10's region (0x1000-0x1fff), handled by QEMU's msix code.
# -device dfl-card,csr-outside-bars=on: FME 0x23's DFHv1 CSR_ADDR is the
# absolute address DFL_OUTSIDE_CSR (raw DFL_OUTSIDE_CSR_ADDR, bit 0 set),
# outside every BAR of the function; Linux must leave the feature out.
DFL_OUTSIDE_CSR=0xfee00000
DFL_OUTSIDE_CSR_ADDR=$(printf 0x%016x $((DFL_OUTSIDE_CSR | 1)))
# -device dfl-card,csr-in-bar4=on: FME 0x23's CSR_ADDR is BAR4's address
# (absolute) and its CSR size DFL_CSR_IN_BAR4_SIZE.
DFL_CSR_IN_BAR4_SIZE=0x800

DFL_MSIX_IN_BAR0_TABLE=0x1800
DFL_MSIX_IN_BAR0_PBA=0x1c00

# FIU headers and the AFU (owned by dfl-fme / dfl-afu, no dfl_dev).
DFL_FME_HDR_OFST=0x0
DFL_FME_HDR_DFH=0x4000000010000000
DFL_FME_GUID_L=0x82fe38f0f9e17764      # bfaf2ae9-4a52-46e3-82fe-38f0f9e17764:
DFL_FME_GUID_H=0xbfaf2ae94a5246e3      # fme_csr.sv's AFU_ID, OPAE's FME GUID
DFL_FME_CAP=0x0000000026021000          # FME_HDR_CAP (0x30): 1 port
DFL_FME_BITSTREAM_ID=0x0000000100020003 # 0x60
DFL_FME_BITSTREAM_MD=0x0000000020250101 # 0x68

DFL_PORT_HDR_OFST=0x40000
DFL_PORT_HDR_DFH=0x4000000010000001
DFL_PORT_GUID_L=0x9642b06c6b355b87
DFL_PORT_GUID_H=0x3ab49893138d42eb
# SFTRST bit0, LATENCY bit2 R/W; ACK bit4 = SFTRST
DFL_PORT_CTRL_OFST=$(printf 0x%x $((DFL_PORT_HDR_OFST + 0x38)))
# FME_HDR_PORT_OFST(0) (0x38): implemented (bit 60), BAR 0, the port header
DFL_FME_PORT_OFST0=$(printf 0x%016x $((1 << 60 | DFL_PORT_HDR_OFST)))

DFL_AFU_OFST=0x50000
DFL_AFU_SIZE=0x10000
DFL_AFU_DFH=0x1000010000000000
DFL_AFU_GUID_L=0x800000dfca4d0001
DFL_AFU_GUID_H=0xd1f1c0de00004000
DFL_AFU_ID=${DFL_AFU_GUID_H#0x}${DFL_AFU_GUID_L#0x}  # sysfs afu_id of dfl-port.N
# the port header's NEXT_AFU (0x18, relative to it) and PORT_HDR_CAP
# (0x30: port 0, the AFU's MMIO size in KiB)
DFL_PORT_NEXT_AFU=$(printf 0x%x $((DFL_AFU_OFST - DFL_PORT_HDR_OFST)))
DFL_PORT_CAP=$(printf 0x%016x $((DFL_AFU_SIZE / 1024 << 8)))
DFL_AFU_SCRATCH=0x40                    # relative to DFL_AFU_OFST

# Feature 0x23 (DFHv1), registers relative to its DFH (BAR0 0x3000).
DFL_F23_OFST=0x3000
DFL_F23_DFH=0x3010000010000023
DFL_F23_GUID_L=0x800000dfca4d0023       # 0x08
DFL_F23_GUID_H=0xd1f1c0de00004023       # 0x10
DFL_F23_CSR_ADDR=0x0000000000000000     # 0x18: relative, offset 0
DFL_F23_CSR_SIZE_GRP=0x0000100080120034 # 0x20: size 0x1000, has params, group 0x12, instance 0x34
DFL_F23_PARAM_HDR=0x0000001100000001    # 0x28: MSI-X, next 2 qwords, EOP
DFL_F23_PARAMS_SIZE=16                  # bytes Linux copies (dfl_dev params)
DFL_F23_SCRATCH=0x40                    # R/W
DFL_F23_DOORBELL=0x48                   # W: value k (< 4) fires MSI-X vector k
DFL_F23_DOORBELL_COUNT=0x50             # RO: valid doorbell writes since reset
DFL_F23_IRQ_STATUS=0x58                 # bit k: vector k rung; write 1 to clear
DFL_F23_MSIX_START=0
DFL_F23_MSIX_NUM=2
# 0x30: the MSI-X parameter's data
DFL_F23_PARAM_MSIX=$(printf 0x%016x $((DFL_F23_MSIX_NUM << 32 | DFL_F23_MSIX_START)))

# FME 0x15: the OFS HSSI subsystem in the "DFHv0.5" layout of the Agilex
# FIMs (HSSI_SS_CSR.xls): one page, DFHv0 (so the dfl_dev's MMIO resource
# is the whole page and it has no irqs), feature_rev 2, a GUID and CSR
# pointer at the DFHv1 places, which Linux does not read for DFHv0.
# Offsets relative to the DFH (BAR0 DFL_HSSI_OFST); 32-bit registers up to
# 0x108, 64-bit wrapper registers from 0x800.
DFL_HSSI_OFST=0x2000                     # the DFH
# FME 0x10, the N3000 Ethernet group (REGISTERS.md): offsets from its DFH
DFL_ETH_OFST=0x1000                     # the DFH
DFL_ETH_DFH=0x3000000010000010
DFL_ETH_INFO=0x08                       # RO: GROUP_ID[7:0] PHY_NUM[15:8] SPEED[23:16] DIRECTION[24] LW_MAC[25]
DFL_ETH_INFO_V=0x01190400               # line side, 25G, 4 links, group 0 (assumption: an N3000 2x2x25G)
DFL_ETH_NLINKS=4
# -device dfl-card,eth-info=N: INFO reads N, the components behind it stay
# the 25G group's (the variants vfio-dfl must refuse, by their INFO):
DFL_ETH_INFO_10G=0x010a0800             # line side, 10G, 8 links (the N3000's 8x10G)
DFL_ETH_INFO_HOST=0x00190401            # host side, 25G, 4 links, group 1
DFL_ETH_CTRL=0x10                       # RW: CMD[63:62] (1 read, 2 write) DEV_SELECT[53:49] FEAT_SELECT[48] ADDR[47:32] WR_DATA[31:0]
DFL_ETH_STAT=0x18                       # RO: RW_VAL[32] RD_DATA[31:0]; cleared by a CTRL write
DFL_ETH_MAC_PHY_CONFIG=0x310            # MAC (device 2i+3): [2:0] set = MAC/PCS held in reset; 0 at power-on (assumption)
DFL_ETH_MAC_PMA_SLOOP=0x313             # MAC: PMA serial loopback [0]
DFL_ETH_MAC_MAX_TX_SIZE=0x407           # MAC: 1518 at power-on (assumption)
DFL_ETH_MAC_MAX_RX_SIZE=0x506           # MAC: 1518 at power-on (assumption)
DFL_ETH_MAC_MAX_SIZE_V=1518             # MAX_TX/RX_SIZE at power-on (assumption)
DFL_HSSI_DFH=0x3000000010002015         # type 3, DfhVersion 0, next 0x1000, rev 2, id 0x15
DFL_HSSI_REV=$((DFL_HSSI_DFH >> 12 & 0xf))
DFL_HSSI_SIZE=$(printf 0x%x $((DFL_HSSI_DFH >> 16 & 0xffffff)))
DFL_HSSI_GUID_L=0x99a078ad18418b9d      # 0x08
DFL_HSSI_GUID_H=0x4118a7cbd9db4a9b      # 0x10: 4118a7cb-d9db-4a9b-99a0-78ad18418b9d
DFL_HSSI_CSR_ADDR=0xc0                  # 0x18: CSR_Addr_Lo[31:1] = 0x60
DFL_HSSI_CSR_SIZE_GRP=0x0000004400010000 # 0x20: as the xls gives it
DFL_HSSI_VERSION=0x060 DFL_HSSI_VERSION_V=0x00010000
DFL_HSSI_FEATURE=0x064 DFL_HSSI_FEATURE_V=0x00003fd1   # 8 ports, all enabled
DFL_HSSI_PORT_ATTR=0x068 DFL_HSSI_PORT_ATTR_V=0x00240415  # ports 0-7, 4 bytes apart
DFL_HSSI_NPORTS=8
DFL_HSSI_CMD_STATUS=0x0a8               # Read 0, Write 1 (self-clearing), Ack 2, Busy 3, Error 4
DFL_HSSI_CTRL_ADDR=0x0ac                # SAL command 7:0, port 11:8, channel 15:12, address 31:16
DFL_HSSI_READ_DATA=0x0b0
DFL_HSSI_WRITE_DATA=0x0b4
DFL_HSSI_PORT_STATUS=0x0c0              # ports 0-7, 4 bytes apart; 0 (no link)
DFL_HSSI_TSE_CTRL=0x100 DFL_HSSI_TSE_CTRL_V=0x2
DFL_HSSI_DBG_CTRL=0x108 DFL_HSSI_DBG_CTRL_V=0x00018800
DFL_HSSI_INDV_RST=0x800                 # 64-bit RW
DFL_HSSI_INDV_RST_ACK=0x808 DFL_HSSI_INDV_RST_ACK_V=0x00000000ffffffff
DFL_HSSI_COLD_RST=0x810                 # ColdReset 0 RW, ColdResetAck 1 RO
DFL_HSSI_ACK_NS=50000                   # ColdResetAck rises/falls this long after ColdReset is set/cleared (assumption)
DFL_HSSI_BUSY_NS=200000                 # hssi-busy=init: Busy this long after the subsystem is out of reset (assumption)
DFL_HSSI_STATUS=0x818
DFL_HSSI_SCRATCHPAD=0x820               # 64-bit RW, kept by ColdReset
DFL_HSSI_PTP_STATUS=0x828
# SAL commands (CTRL_ADDR 7:0)
DFL_HSSI_SAL_NOP=0x00 DFL_HSSI_SAL_GET_PROFILE=0x01 DFL_HSSI_SAL_SET_PROFILE=0x02
DFL_HSSI_SAL_READ_MAC_STAT=0x03 DFL_HSSI_SAL_GET_MTU=0x04 DFL_HSSI_SAL_SET_CSR=0x05
DFL_HSSI_SAL_GET_CSR=0x06 DFL_HSSI_SAL_LOOPBACK_ON=0x07 DFL_HSSI_SAL_LOOPBACK_OFF=0x08
DFL_HSSI_SAL_RESET_MAC_STAT=0x09 DFL_HSSI_SAL_FW_VERSION=0xff
DFL_HSSI_MTU=9600                       # assumption (not published)
DFL_HSSI_FW_VERSION=0x00010000          # assumption (not published)

# FME feature 0x24: the OFS VUART as ofs-fim-common ships it (DFHv1 header
# and parameters of rtl/csrs/vuart_csr.sv), QEMU's 16550A behind it.
# Header registers relative to its DFH; the 16550's registers are 8-bit,
# one per 32-bit lane from DFH + 0x200 (REG_LAYOUT width 4, shift 2); the
# declared CSR size (0x10) covers RBR..LCR only, the registers span 0x20.
DFL_VUART_OFST=0x7900                   # the DFH (after 0x32)
DFL_VUART_DFH=0x3010010100000024        # DFHv1, next 0x10000, EOL
DFL_VUART_CSR_DEFAULT=0x200             # CSR_ADDR offset as OFS ships it
DFL_VUART_CSR_SIZE=0x10                 # declared (the RTL's value)
DFL_VUART_CSR_ODD=0x202                 # -device dfl-card,vuart-csr=0x202: 2-byte aligned (width tests)
DFL_VUART_GUID_L=0xe1df0d4ace8e486c     # 0x08
DFL_VUART_GUID_H=0x9e6641a6ca26cc04     # 0x10: 9e6641a6-ca26-cc04-e1df-0d4ace8e486c
DFL_VUART_SCRATCHPAD=0xf0               # R/W, relative to the DFH, outside the CSR block
DFL_VUART_MSIX_START=5
DFL_VUART_MSIX_NUM=1
DFL_VUART_CLK=50000000                  # uartclk
DFL_VUART_FIFO_LEN=128
# 16550 registers, byte offsets in the CSR block (reg << 2)
DFL_VUART_RBR=0x00 DFL_VUART_IER=0x04 DFL_VUART_IIR=0x08 DFL_VUART_FCR=0x08
DFL_VUART_LCR=0x0c DFL_VUART_MCR=0x10 DFL_VUART_LSR=0x14 DFL_VUART_MSR=0x18
DFL_VUART_SCR=0x1c
# Power-on values (QEMU's serial_reset(); the IP's are not published):
# IIR 0x01, LCR 0, MCR 0x08 (OUT2, a QEMU choice), LSR 0x60, MSR 0xb0
DFL_VUART_RESET_IIR=0x01 DFL_VUART_RESET_MCR=0x08 DFL_VUART_RESET_LSR=0x60
DFL_VUART_RESET_MSR=0xb0
# Derived: the CSR block (the 16550) in BAR0, the registers' span (8
# registers << reg_shift 2), the DFHv1 header's CSR_ADDR (0x18: relative,
# offset << 1) and CSR_SIZE_GRP (0x20: size, has params), the parameters
# (0x28..0x60: MSI-X, CLK_FRQ, FIFO_LEN, REG_LAYOUT width 4, shift 2;
# EOP) and the bytes Linux copies of them (dfl_dev params)
DFL_VUART_CSR_OFST=$(printf 0x%x $((DFL_VUART_OFST + DFL_VUART_CSR_DEFAULT)))
DFL_VUART_REG_SPAN=$(printf 0x%x $((DFL_VUART_SCR + 4)))
DFL_VUART_CSR_ADDR=$(printf 0x%016x $((DFL_VUART_CSR_DEFAULT << 1)))
DFL_VUART_CSR_SIZE_GRP=$(printf 0x%016x $((DFL_VUART_CSR_SIZE << 32 | 1 << 31)))
DFL_VUART_PARAMS="0x0000001000000001 $(printf 0x%016x $((DFL_VUART_MSIX_NUM << 32 | DFL_VUART_MSIX_START))) \
0x0000001000000002 $(printf 0x%016x $DFL_VUART_CLK) \
0x0000001000000003 $(printf 0x%016x $DFL_VUART_FIFO_LEN) \
0x0000001100000004 0x0000000400000002"
DFL_VUART_PARAMS_SIZE=$(($(echo $DFL_VUART_PARAMS | wc -w) * 8))

# Port feature 0x14: the port's user clock (IOPLL) as the N6001 FIM ships
# it (DFHv0, revision 1, one page after the port header: anchors section 5),
# the last feature of the port list.  Its registers (OPAE's userclk:
# CMD0 0x8, CMD1 0x10, STATUS0 0x18, STATUS1 0x20) are not modelled: they
# read 0 and drop writes (an assumption, REGISTERS.md; nothing drives them
# here: vfio-dfl refuses the block, uio_dfl only maps it).
DFL_P14_OFST=0x41000                    # the DFH
DFL_P14_DFH=0x3000010010001014          # DFHv0, rev 1, EOL, next 0x1000
DFL_P14_SIZE=$(printf 0x%x $((DFL_P14_DFH >> 16 & 0xffffff)))  # the DFH to the next

# The default layout, as a walk: the offset and DFH of every header in
# the order of the next pointers, the FME list (EOL at the VUART) and the
# port list FME_HDR_PORT_OFST(0) points at.  The AFU is reached through
# the port's NEXT_AFU only.  Test ids: 0x23 (the doorbell) and the
# scratch features DFL_TEST_SCRATCH_IDS (R/W qwords at +0x8 and in the
# last qword of the DFH's region: 3 pages; half a page; 0x100 bytes
# sharing 0x30's page).
DFL_TEST_SCRATCH_IDS="0x30 0x31 0x32"
DFL_WALK="\
$DFL_FME_HDR_OFST $DFL_FME_HDR_DFH \
$DFL_ETH_OFST $DFL_ETH_DFH \
$DFL_HSSI_OFST $DFL_HSSI_DFH \
$DFL_F23_OFST $DFL_F23_DFH \
0x4000 0x3000000030000031 \
0x7000 0x3000000008000030 \
0x7800 0x3000000001000032 \
$DFL_VUART_OFST $DFL_VUART_DFH \
$DFL_PORT_HDR_OFST $DFL_PORT_HDR_DFH \
$DFL_P14_OFST $DFL_P14_DFH"

# -device dfl-card,layout=n6001: BAR0 laid out as the N6001 FIM's PF0,
# one DFL from the FME header through the port's last feature.  Sources
# (OFS ofs-agx7-pcie-attach c8e9cc1a, its ofs-fim-common 374fd3cc): the
# walk of verification/tests/sequences/dfh_walking_seq.svh; the DFHs of
# fme_csr.sv, pg_csr.sv, protocol_checker_csr.sv, vuart_csr.sv, st2mm's,
# and top.sv's FEAT_ID/FEAT_VER for QSFP, EMIF and PMCI (the dfh_walker
# test leaves those placeholders); the HSSI's of hssi_csr_test.  BAR0 is
# 1 MiB (pcie_ss.ip: pf0 bar0_address_width 20).  fme_csr.sv:
# FAB_CAPABILITY one port, PORT0_OFFSET implemented with BAR 7 (dfl-pci
# skips it: the port follows in the FME's list).  pg_csr.sv: the port's
# NEXT_AFU is 0 (PF0's AFUs are behind its VFs), PORT_CAPABILITY 4
# interrupts and 256 KiB.  GLBL_PERF's id is 0x000 in fme_csr.sv (not
# Linux's 0x7): Linux makes a dfl_dev of it.  The model's blocks (HSSI, VUART, IOPLL) are at their N6001
# offsets and behave as in the default layout; every other header is a
# header only (registers read 0, writes are dropped: an assumption,
# REGISTERS.md).  No Ethernet group (FME 0x10), no test ids.  The MSI-X
# table stays in BAR2.
DFL_N6001_BAR0_SIZE=0x100000
DFL_N6001_FME_CAP=0x0000000014021000    # FME_HDR_CAP: 1 port, 20 address bits
DFL_N6001_PORT_OFST0=0x1000000700000000 # FME_HDR_PORT_OFST(0): implemented, BAR 7
DFL_N6001_PORT_CAP=0x0000000400010000   # PORT_HDR_CAP: 4 interrupts, 256 KiB
# Where the blocks the tests drive sit (guest scripts: tests/guest/lib/dfl.sh)
DFL_N6001_HSSI_OFST=0x14000 DFL_N6001_VUART_OFST=0x60000
DFL_N6001_PORT_HDR_OFST=0x71000 DFL_N6001_P14_OFST=0x72000
DFL_N6001_VUART_CSR_OFST=$(printf 0x%x $((DFL_N6001_VUART_OFST + DFL_VUART_CSR_DEFAULT)))
# FME: FME header, thermal 0x1, global perf 0x0, global error 0x4, QSFP0
# and QSFP1 0x13, HSSI 0x15, EMIF 0x9, PMCI 0x12, ST2MM 0x14, VUART 0x24,
# PR 0x5; port: port header, user clock 0x14, remote STP 0x13, port
# errors 0x10 (EOL).
DFL_N6001_WALK="\
0x00000 0x4000000010000000 \
0x01000 0x3000000020000001 \
0x03000 0x3000000010000000 \
0x04000 0x30000000e0001004 \
0x12000 0x3000000010000013 \
0x13000 0x3000000010000013 \
$DFL_N6001_HSSI_OFST $DFL_HSSI_DFH \
0x15000 0x30000000b0001009 \
0x20000 0x3000000200001012 \
0x40000 0x3000000200000014 \
$DFL_N6001_VUART_OFST 0x3010000100000024 \
0x70000 0x3000000010001005 \
$DFL_N6001_PORT_HDR_OFST 0x4000000010002001 \
$DFL_N6001_P14_OFST 0x3000000010001014 \
0x73000 0x30000000d0002013 \
0x80000 0x3000010000002010"

# The ids of the private features dfl-fme's and dfl-afu's own feature
# drivers take (thermal, power, iperf, global error, PR, dperf; port
# error, uint, STP): Linux makes no dfl_dev of them.
DFL_FME_OWN_IDS="0x1 0x2 0x3 0x4 0x5 0x7"
DFL_PORT_OWN_IDS="0x10 0x12 0x13"

# dfl_map_devs WALK: the dfl_dev.N devices Linux creates of a walk's
# private features, one line each, in walk order (the order of creation
# within one FIU: all FME ones, then the port's when dfl-fme probes before
# dfl-afu).  Each line names its fields, NAME=value joined by ':' (read
# one with feature_field LINE NAME, tests/guest/lib/dfl.sh):
#   fiu         enum dfl_id_type (0 FME, 1 PORT) of the FIU header before it, the sysfs "type"
#   id rev dfh version   the DFH and its fields (id: the sysfs "feature_id")
#   dfh_offset  BAR0 offset of the DFH
#   offset size the dfl_dev's MMIO resource relative to BAR0: the DFH's
#               region (its next offset, 4 KiB at the EOL) for DFHv0, the CSR
#               block (DFHv1 CSR_ADDR/CSR_SIZE_GRP) for DFHv1, which need not
#               contain the DFH nor be page or even qword aligned
#   nr_irqs first_vector   its MSI-X vectors (DFHv1 parameter; 0: none)
#   group instance guid_h guid_l   DFHv1 CSR_SIZE_GRP ids and GUID (0 for DFHv0)
#   scratch     64-bit R/W registers relative to offset, ',' between; reset to 0
# Numbers are hex (0x...) but version, nr_irqs, first_vector, group and
# instance, which are decimal.  The DFHv1 fields are the block's facts
# (DFL_F23_*, DFL_VUART_*), by the DFH's id.
dfl_map_dev_v1() {  # dfl_map_dev_v1 DFH_OFFSET BLOCK SCRATCH
	eval "_a=\$DFL_${2}_CSR_ADDR _g=\$DFL_${2}_CSR_SIZE_GRP _n=\$DFL_${2}_MSIX_NUM" \
		"_s=\$DFL_${2}_MSIX_START _h=\$DFL_${2}_GUID_H _l=\$DFL_${2}_GUID_L"
	printf 'offset=0x%x:size=0x%x:nr_irqs=%d:first_vector=%d:group=%d:instance=%d:guid_h=%s:guid_l=%s:scratch=%s\n' \
		$(($1 + (_a >> 1))) $((_g >> 32)) "$_n" "$_s" $((_g >> 16 & 0x7fff)) \
		$((_g & 0xffff)) "$_h" "$_l" "$3"
}
dfl_map_devs() {
	_fiu=0
	set -- $1
	while [ $# -ge 2 ]; do
		_o=$(($1)) _d=$(($2)) _id=$(printf 0x%x $(($2 & 0xfff)))
		shift 2
		if [ $((_d >> 60)) -eq 4 ]; then
			_fiu=$((_d & 0xfff))
			continue
		fi
		case " $([ $_fiu = 0 ] && echo $DFL_FME_OWN_IDS || echo $DFL_PORT_OWN_IDS) " in
		*" $_id "*) continue ;;
		esac
		_size=$((_d >> 16 & 0xffffff))
		[ $_size -ne 0 ] || _size=4096
		printf 'fiu=%d:id=%s:rev=0x%x:dfh=0x%016x:version=%d:dfh_offset=0x%x:' \
			$_fiu $_id $((_d >> 12 & 0xf)) $_d $((_d >> 52 & 0xf)) $_o
		case $_fiu:$_id in
		0:$(printf 0x%x $((DFL_F23_DFH & 0xfff))))
			dfl_map_dev_v1 $_o F23 $DFL_F23_SCRATCH ;;
		0:$(printf 0x%x $((DFL_VUART_DFH & 0xfff))))
			dfl_map_dev_v1 $_o VUART "" ;;
		*)
			_scr=
			[ $_fiu:$_id != 0:$(printf 0x%x $((DFL_HSSI_DFH & 0xfff))) ] ||
				_scr=$DFL_HSSI_SCRATCHPAD
			case " $DFL_TEST_SCRATCH_IDS " in
			*" $_id "*) [ $_fiu != 0 ] || _scr=0x8,$(printf 0x%x $((_size - 8))) ;;
			esac
			printf 'offset=0x%x:size=0x%x:nr_irqs=0:first_vector=0:group=0:instance=0:guid_h=0:guid_l=0:scratch=%s\n' \
				$_o $_size "$_scr" ;;
		esac
	done
}
DFL_FEATURES=$(dfl_map_devs "$DFL_WALK")
DFL_NR_FEATURES=$(echo "$DFL_FEATURES" | grep -c .)
DFL_N6001_FEATURES=$(dfl_map_devs "$DFL_N6001_WALK")
DFL_N6001_NR_FEATURES=$(echo "$DFL_N6001_FEATURES" | grep -c .)
unset -f dfl_map_devs dfl_map_dev_v1

# BAR DFL_DBG_BAR (4): counters of the BAR0 accesses QEMU's memory core
# delivers to the model (not the MSI-X table/PBA of msix-in-bar0, not
# misaligned accesses, which it rejects), 64-bit registers.
DFL_DBG_READS_1=0x00                    # RO: 1-byte reads
DFL_DBG_READS_2=$((DFL_DBG_READS_1 + 8))
DFL_DBG_READS_4=$((DFL_DBG_READS_1 + 16))
DFL_DBG_READS_8=$((DFL_DBG_READS_1 + 24))
DFL_DBG_WRITES_1=0x20                   # RO: 1-byte writes
DFL_DBG_WRITES_2=$((DFL_DBG_WRITES_1 + 8))
DFL_DBG_WRITES_4=$((DFL_DBG_WRITES_1 + 16))
DFL_DBG_WRITES_8=$((DFL_DBG_WRITES_1 + 24))
DFL_DBG_LAST_ADDR=0x40                  # RO: BAR0 offset of the last access
DFL_DBG_LAST_SIZE=0x48                  # RO: its size in bytes
DFL_DBG_LAST_WRITE=0x50                 # RO: 1 if it was a write
DFL_DBG_CTRL=0x58                       # W: any write resets all of the above
DFL_DBG_VUART_EDGES=0x60                # RO: rising edges of the VUART's line (MSI-X 5 sent)
DFL_DBG_HSSI_COLD_RESETS=0x68           # RO: FME 0x15's ColdResets that took effect (acked)
DFL_DBG_HSSI_LOOPBACK=0x70              # RO: FME 0x15's SAL loopback on, one bit per port
DFL_DBG_HSSI_EARLY_RELEASES=0x78        # RO: FME 0x15's ColdResets cleared before their ack (nothing reset)
DFL_DBG_HSSI_BUSY_CMDS=0x80             # RO: FME 0x15's SAL commands dropped while the subsystem was in reset
DFL_DBG_ETH_MAC_RESET=0x88              # RO: FME 0x10's MACs held in reset (PHY_CONFIG[2:0] = 7), bit per link
DFL_DBG_ETH_LOOPBACK=0x90               # RO: FME 0x10's PMA serial loopback on, bit per link
DFL_DBG_HSSI_WEDGE=0x98                 # RW (bit 0): FME 0x15 never acknowledges a ColdReset while set
DFL_DBG_HSSI_SAL_ERROR=0xa0             # RW (bit 0): FME 0x15 answers every SAL command with Error while set
