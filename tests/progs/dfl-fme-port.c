// SPDX-License-Identifier: GPL-2.0
/*
 * dfl-fme-port: release a port from, or assign it back to, the FME
 * (DFL_FPGA_FME_PORT_RELEASE / DFL_FPGA_FME_PORT_ASSIGN on /dev/dfl-fme.N),
 * as an administrator does before handing the port to an SR-IOV VF.
 *
 *   dfl-fme-port release|assign FME_CDEV PORT_ID
 *
 * Prints "release: ok" or "release: error ERRNO (text)" and exits 0 on
 * success, 1 on failure.
 */
#include <sys/ioctl.h>
#include <linux/fpga-dfl.h>
#include "util.h"

int main(int argc, char **argv)
{
	unsigned long req;
	int fd, port;

	if (argc != 4)
		die("usage: %s release|assign FME_CDEV PORT_ID", argv[0]);
	if (!strcmp(argv[1], "release"))
		req = DFL_FPGA_FME_PORT_RELEASE;
	else if (!strcmp(argv[1], "assign"))
		req = DFL_FPGA_FME_PORT_ASSIGN;
	else
		die("unknown command %s", argv[1]);
	port = atoi(argv[3]);
	fd = open(argv[2], O_RDWR);
	if (fd < 0)
		die("open %s", argv[2]);
	if (ioctl(fd, req, &port)) {
		printf("%s: error %d (%s)\n", argv[1], errno, strerror(errno));
		return 1;
	}
	printf("%s: ok\n", argv[1]);
	return 0;
}
