// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-pci-msix: open a whole PCI function through the VFIO device cdev
 * and iommufd, arm MSI-X vector VECTOR with an eventfd, write DOORBELL
 * (a BAR0 offset) COUNT times through the BAR0 mapping and check that the
 * eventfd counts exactly COUNT events, then that no further event comes.
 *
 *   vfio-pci-msix BDF VECTOR DOORBELL_OFFSET COUNT
 *
 * The doorbell write's value is the vector number (the DFL card model's
 * doorbell fires the MSI-X vector written to it); the two registers after
 * the doorbell (count and status in the model) are printed as diagnostics.
 */
#include <inttypes.h>
#include <dirent.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/iommufd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include "vfio-dev.h"

static int open_cdev(const char *bdf)
{
	char sysfs[128], path[512];
	int e;

	snprintf(sysfs, sizeof(sysfs), "/sys/bus/pci/devices/%.64s", bdf);
	e = vfio_cdev_path(sysfs, path, sizeof(path), NULL, 0);
	if (e) {
		errno = -e;
		die("no vfio cdev for %s (is it bound to vfio-pci?)", bdf);
	}
	return open(path, O_RDWR);
}

int main(int argc, char **argv)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct vfio_region_info reg = { .argsz = sizeof(reg) };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg) };
	char irqbuf[sizeof(struct vfio_irq_set) + sizeof(int)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)irqbuf;
	unsigned int vector, count, i;
	unsigned long long doorbell;
	uint64_t got = 0, extra;
	int dev, iommufd, efd, tries;
	uint16_t cmd;
	volatile uint64_t *bar;

	if (argc != 5)
		die("usage: %s BDF VECTOR DOORBELL_OFFSET COUNT", argv[0]);
	vector = strtoul(argv[2], NULL, 0);
	doorbell = strtoull(argv[3], NULL, 0);
	count = strtoul(argv[4], NULL, 0);

	dev = open_cdev(argv[1]);
	if (dev < 0)
		die("open cdev of %s", argv[1]);
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		die("open /dev/iommu");
	bind.iommufd = iommufd;
	if (ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		die("VFIO_DEVICE_BIND_IOMMUFD");
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas))
		die("IOMMU_IOAS_ALLOC");
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		die("VFIO_DEVICE_ATTACH_IOMMUFD_PT");

	reg.index = VFIO_PCI_BAR0_REGION_INDEX;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &reg))
		die("VFIO_DEVICE_GET_REGION_INFO");
	if (!(reg.flags & VFIO_REGION_INFO_FLAG_MMAP) || doorbell + 8 > reg.size)
		die("BAR0 not mappable or doorbell 0x%llx outside it", doorbell);
	bar = mmap(NULL, reg.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev, reg.offset);
	if (bar == MAP_FAILED)
		die("mmap BAR0");

	/* MSI-X messages are memory writes: the function needs bus mastering. */
	cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg))
		die("VFIO_DEVICE_GET_REGION_INFO config");
	if (pread(dev, &cmd, sizeof(cmd), cfg.offset + PCI_COMMAND) != sizeof(cmd))
		die("read PCI_COMMAND");
	cmd |= PCI_COMMAND_MASTER;
	if (pwrite(dev, &cmd, sizeof(cmd), cfg.offset + PCI_COMMAND) != sizeof(cmd))
		die("write PCI_COMMAND");

	efd = eventfd(0, EFD_NONBLOCK);
	if (efd < 0)
		die("eventfd");
	set->argsz = sizeof(irqbuf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = vector;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(int));
	if (ioctl(dev, VFIO_DEVICE_SET_IRQS, set))
		die("VFIO_DEVICE_SET_IRQS MSI-X vector %u", vector);

	for (i = 0; i < count; i++) {
		bar[doorbell / 8] = vector;
		/* One event per write: read it back before the next write. */
		for (tries = 0; tries < 50; tries++) {
			got += eventfd_wait(efd, 100);
			if (got == i + 1)
				break;
		}
		if (got != i + 1)
			break;
	}
	extra = eventfd_wait(efd, 500);
	printf("doorbell writes %u, eventfd events %" PRIu64 ", late extra %" PRIu64
	       " (card: doorbell count %" PRIu64 ", irq status 0x%" PRIx64 ")\n",
	       count, got, extra, bar[doorbell / 8 + 1], bar[doorbell / 8 + 2]);

	set->flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->start = 0;
	set->count = 0;
	set->argsz = sizeof(*set);
	if (ioctl(dev, VFIO_DEVICE_SET_IRQS, set))
		die("VFIO_DEVICE_SET_IRQS disable MSI-X");
	munmap((void *)bar, reg.size);
	close(efd);
	close(dev);
	close(iommufd);
	return (got == count && extra == 0) ? 0 : 1;
}
