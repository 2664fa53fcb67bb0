// SPDX-License-Identifier: GPL-2.0
/*
 * Guest side of the nested vfio-platform test (tests/guest/10-*): the
 * arm64 guest's driver for a DFL feature that QEMU's vfio-platform passes
 * through from a vfio-dfl device on the host.
 *
 * Debian's arm64 kernel has neither uio_pdrv_genirq nor vfio-platform, and
 * uio_pdrv_genirq handles only the first interrupt, so this module requests
 * every interrupt of the node. Each one appears in /proc/interrupts as
 * "dfl-guest-irq.<index>", where the test counts them. The handler reads
 * the feature's first register: under TCG (no irqfd) QEMU keeps the line
 * raised until the guest accesses the device, and delivers the next queued
 * interrupt only then. The registers are mapped without claiming them, so
 * the test can also reach them through /dev/mem.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>

struct dfl_guest {
	void __iomem *base;
};

static irqreturn_t dfl_guest_irq(int irq, void *data)
{
	struct dfl_guest *g = data;

	readq(g->base);
	return IRQ_HANDLED;
}

static int dfl_guest_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct resource *res;
	struct dfl_guest *g;
	int i, n, irq, ret;

	g = devm_kzalloc(dev, sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res)
		return -ENODEV;
	g->base = devm_ioremap(dev, res->start, resource_size(res));
	if (!g->base)
		return -ENOMEM;

	n = platform_irq_count(pdev);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		const char *name = devm_kasprintf(dev, GFP_KERNEL,
						  "dfl-guest-irq.%d", i);

		irq = platform_get_irq(pdev, i);
		if (irq < 0)
			return irq;
		if (!name)
			return -ENOMEM;
		ret = devm_request_irq(dev, irq, dfl_guest_irq, 0, name, g);
		if (ret)
			return dev_err_probe(dev, ret, "interrupt %d\n", i);
	}
	dev_info(dev, "%pR, %d interrupt(s)\n", res, n);
	return 0;
}

static const struct of_device_id dfl_guest_of_match[] = {
	{ .compatible = "vfio-dfl-test,feature" },
	{ }
};
MODULE_DEVICE_TABLE(of, dfl_guest_of_match);

static struct platform_driver dfl_guest_driver = {
	.probe = dfl_guest_probe,
	.driver = {
		.name = "dfl-guest-irq",
		.of_match_table = dfl_guest_of_match,
	},
};
module_platform_driver(dfl_guest_driver);
MODULE_DESCRIPTION("vfio-dfl nested test: guest driver of a passed-through DFL feature");
MODULE_LICENSE("GPL");
