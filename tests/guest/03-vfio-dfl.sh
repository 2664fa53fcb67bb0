# SPDX-License-Identifier: GPL-2.0
# vfio-dfl core: binding policy and DMA contract, the uAPI selftests on a
# page-aligned, a non-page-aligned and a multi-page feature, module
# lifetime, removal while open, and the KUnit tests.
# vm: --card rp1
. /usr/bin/tap.sh
. /usr/bin/dfl.sh

ok "vfio-dfl module loads" modprobe vfio-dfl
d23=$(dfl_dev_by_id 0 0x23) d30=$(dfl_dev_by_id 0 0x30) d31=$(dfl_dev_by_id 0 0x31)
taint0=$(tainted)

# --- policy: a feature outside the DMA-free allowlist is refused --------
dmesg_mark
bind_to vfio-dfl "$d30"
eq "unlisted feature 0x30 is refused" none "$(driver_of /sys/bus/dfl/devices/$d30)"
ok "the refusal tells the admin what to do" sh -c \
	"dmesg | tail -n +$(( $(cat /tmp/dmesg.mark) + 1 )) | grep -q '$d30: feature 0x30 of FIU type 0 is not known to be DMA-free.*allow_unsafe_dma_features=1'"
ok "probe failed with -EPERM (errno 1)" sh -c "dmesg | grep -q '$d30: probe with driver vfio-dfl failed with error -1'"
eq "refusal does not taint" "$taint0" "$(tainted)"

# --- an allowlisted, page-aligned DFHv1 feature with interrupts ---------
bind_to vfio-dfl "$d23"
eq "allowlisted feature 0x23 binds" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d23)"
ok "its vfio cdev exists" sh -c "ls /sys/bus/dfl/devices/$d23/vfio-dev | grep -q '^vfio[0-9]'"
ok "it has its own IOMMU group" test -L "/sys/bus/dfl/devices/$d23/iommu_group"
eq "binding an allowlisted feature does not taint" "$taint0" "$(tainted)"
selftest "f23" vfio_dfl_test VFIO_DFL_DEV="$d23" VFIO_DFL_SCRATCH=0x40 \
	VFIO_DFL_SIZE=0x1000 VFIO_DFL_MMAP=1

# --- the unsafe parameter: binds, taints, warns once per device ---------
echo 1 > /sys/module/vfio_dfl/parameters/allow_unsafe_dma_features
dmesg_mark
bind_to vfio-dfl "$d30"
bind_to vfio-dfl "$d31"
eq "with allow_unsafe_dma_features, 0x30 binds" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d30)"
eq "with allow_unsafe_dma_features, 0x31 binds" vfio-dfl "$(driver_of /sys/bus/dfl/devices/$d31)"
eq "the kernel is tainted TAINT_USER (64)" 64 "$(( $(tainted) & 64 ))"
eq "one warning per device ($d30)" 1 "$(dmesg_new | grep -c "$d30: binding feature 0x30.*not known to be DMA-free.*tainting")"
eq "one warning per device ($d31)" 1 "$(dmesg_new | grep -c "$d31: binding feature 0x31.*not known to be DMA-free.*tainting")"
echo 0 > /sys/module/vfio_dfl/parameters/allow_unsafe_dma_features
selftest "f30" vfio_dfl_test VFIO_DFL_DEV="$d30" VFIO_DFL_SCRATCH=0x8 \
	VFIO_DFL_SIZE=0x800 VFIO_DFL_MMAP=0
selftest "f31" vfio_dfl_test VFIO_DFL_DEV="$d31" VFIO_DFL_SCRATCH=0x2ff8 \
	VFIO_DFL_SIZE=0x3000 VFIO_DFL_MMAP=1

# --- module lifetime: no unload while a device is open --------------------
vfio-dfl-tool hold "$d23" 0x40 60 > /tmp/hold.out &
hold=$!
ok "a process holds $d23" wait_for 20 grep -q '^ready' /tmp/hold.out
ok "rmmod vfio_dfl is refused while the device is open" sh -c '! rmmod vfio_dfl'
kill -TERM $hold
wait $hold
eq "the holder released on SIGTERM" 3 "$?"

# --- unbind while open: request eventfd, unbind completes on close -------
dmesg_mark
vfio-dfl-tool hold "$d23" 0x40 60 > /tmp/hold.out &
hold=$!
wait_for 20 grep -q '^ready' /tmp/hold.out
echo "$d23" > /sys/bus/dfl/drivers/vfio-dfl/unbind &
unbind=$!
wait $hold
eq "holder saw the request and released (exit 0)" 0 "$?"
ok "holder got the request" grep -q '^request received' /tmp/hold.out
ok "calls kept working until release" grep -q '^read after request: 0x' /tmp/hold.out
wait $unbind
eq "unbind completed after release" none "$(driver_of /sys/bus/dfl/devices/$d23)"
ok "request relayed (kernel log)" sh -c "dmesg | grep -q '$d23: Relaying device request to user'"

# --- nothing left: unbind all, unload ------------------------------------
for d in "$d30" "$d31"; do echo "$d" > /sys/bus/dfl/drivers/vfio-dfl/unbind; done
ok "rmmod vfio_dfl once nothing is open" rmmod vfio_dfl

kunit_results vfio_dfl_test vfio-dfl
tap_done
