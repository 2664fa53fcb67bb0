# SPDX-License-Identifier: GPL-2.0
# Register map of the emulated DFL card (qemu/dfl-card.c), for tests.
# Sourceable by sh/bash; sets variables only.  Human-readable version:
# qemu/REGISTERS.md.  All numbers are hex with 0x, offsets are BAR0
# offsets unless said otherwise.

DFL_VENDOR=0x8086
DFL_DEVICE=0x09c4          # default of the "device-id" property
DFL_CLASS=0x120000         # sysfs "class" of the PCI function
DFL_BAR0_SIZE=0x80000      # 64-bit memory BAR: the DFL
DFL_MSIX_BAR=2             # 64-bit memory BAR, 0x1000: MSI-X table 0x0, PBA 0x800
DFL_MSIX_BAR_SIZE=0x1000
DFL_MSIX_VECTORS=4         # dfl-pci allocates all of them

# Private features, i.e. the dfl_dev.N devices Linux creates, in DFL
# order (the order of creation within one FIU: all FME ones, then the
# port's when dfl-fme probes before dfl-afu).  One entry per feature:
#   fiu:id:rev:offset:size:dfh:dfh_version:nr_irqs:scratch[,scratch]
# fiu = enum dfl_id_type (0 = FME, 1 = PORT), the sysfs "type";
# id = the sysfs "feature_id"; offset/size = the dfl_dev's MMIO resource
# relative to BAR0; scratch = 64-bit R/W registers, relative to offset,
# reset to 0.  rev is hex like the rest (0x0); dfh_version and nr_irqs
# are decimal.
DFL_FEATURES="
0:0x10:0x0:0x1000:0x1000:0x3000000010000010:0:0:0x8
0:0x15:0x0:0x2000:0x1000:0x3000000010000015:0:0:0x8
0:0x23:0x0:0x3000:0x1000:0x3010000010000023:1:2:0x40
0:0x31:0x0:0x4000:0x3000:0x3000000030000031:0:0:0x8,0x2ff8
0:0x30:0x0:0x7000:0x800:0x3000000008000030:0:0:0x8,0x7f8
0:0x32:0x0:0x7800:0x100:0x3000010001000032:0:0:0x8,0xf8
1:0x14:0x0:0x41000:0x1000:0x3000010010000014:0:0:0x8
"
DFL_NR_FEATURES=7

# FIU headers and the AFU (owned by dfl-fme / dfl-afu, no dfl_dev).
DFL_FME_HDR_OFST=0x0
DFL_FME_HDR_DFH=0x4000000010000000
DFL_FME_GUID_L=0xe346524ae92aafbf
DFL_FME_GUID_H=0xf9e1776438f082fe
DFL_FME_CAP=0x0000000026021000          # FME_HDR_CAP (0x30): 1 port
DFL_FME_PORT_OFST0=0x1000000000040000   # FME_HDR_PORT_OFST(0) (0x38)
DFL_FME_BITSTREAM_ID=0x0000000100020003 # 0x60
DFL_FME_BITSTREAM_MD=0x0000000020250101 # 0x68

DFL_PORT_HDR_OFST=0x40000
DFL_PORT_HDR_DFH=0x4000000010000001
DFL_PORT_GUID_L=0x9642b06c6b355b87
DFL_PORT_GUID_H=0x3ab49893138d42eb
DFL_PORT_NEXT_AFU=0x10000               # 0x18, relative to the port header
DFL_PORT_CAP=0x0000000000004000         # 0x30: port 0, 64 KiB AFU MMIO
DFL_PORT_CTRL_OFST=0x40038              # SFTRST bit0, LATENCY bit2 R/W; ACK bit4 = SFTRST

DFL_AFU_OFST=0x50000
DFL_AFU_SIZE=0x10000
DFL_AFU_DFH=0x1000010000000000
DFL_AFU_GUID_L=0x800000dfca4d0001
DFL_AFU_GUID_H=0xd1f1c0de00004000
DFL_AFU_ID=d1f1c0de00004000800000dfca4d0001  # sysfs afu_id of dfl-port.N
DFL_AFU_SCRATCH=0x40                    # relative to DFL_AFU_OFST

# Feature 0x23 (DFHv1), registers relative to its DFH (BAR0 0x3000).
DFL_F23_OFST=0x3000
DFL_F23_GUID_L=0x800000dfca4d0023       # 0x08
DFL_F23_GUID_H=0xd1f1c0de00004023       # 0x10
DFL_F23_CSR_ADDR=0x0000000000000000     # 0x18: relative, offset 0
DFL_F23_CSR_SIZE_GRP=0x0000100080000000 # 0x20: size 0x1000, has params
DFL_F23_PARAM_HDR=0x0000001100000001    # 0x28: MSI-X, next 2 qwords, EOP
DFL_F23_PARAM_MSIX=0x0000000200000000   # 0x30: start vector 0, 2 vectors
DFL_F23_PARAMS_SIZE=16                  # bytes Linux copies (dfl_dev params)
DFL_F23_SCRATCH=0x40                    # R/W
DFL_F23_DOORBELL=0x48                   # W: value k (< 4) fires MSI-X vector k
DFL_F23_DOORBELL_COUNT=0x50             # RO: valid doorbell writes since reset
DFL_F23_IRQ_STATUS=0x58                 # bit k: vector k rung; write 1 to clear
DFL_F23_MSIX_START=0
DFL_F23_MSIX_NUM=2
