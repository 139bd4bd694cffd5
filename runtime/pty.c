/* pty.c: the container's pty, created by the container init (runtime/init.c) or the exec
 * process (runtime/exec.c) inside the container's devpts; the master goes to the parent
 * over the sync socket. Runs in the child: must not print, failures fill pm_child_err. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/sync.h"
#include "runtime/pty.h"

int pm_pty_child_setup(int syncfd, uid_t uid, struct pm_child_err *e)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return pm_child_fail(e, errno, "opening '/dev/ptmx'");
	if (unlockpt(master) < 0)
		return pm_child_fail(e, errno, "unlocking the pty");
	char name[64];
	if (ptsname_r(master, name, sizeof(name)) != 0)
		return pm_child_fail(e, errno, "naming the pty");
	int slave = open(name, O_RDWR | O_NOCTTY); /* becomes fd 0-2, not CLOEXEC on purpose */
	if (slave < 0)
		return pm_child_fail(e, errno, "opening '%s'", name);
	if (fchown(slave, uid, (gid_t)-1) < 0 && errno != EINVAL)
		return pm_child_fail(e, errno, "chown '%s'", name);
	int r = pm_sync_send(syncfd, PM_RT_SYNC_TTY, NULL, 0, &master, 1);
	if (r < 0)
		return pm_child_fail(e, -r, "sending the pty to pm");
	struct pm_sync_msg msg;
	r = pm_sync_recv(syncfd, &msg);
	if (r < 0 || msg.type != PM_SYNC_READY)
		return pm_child_fail(e, r < 0 ? -r : EBADMSG, "waiting for the terminal");
	if (setsid() < 0)
		return pm_child_fail(e, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return pm_child_fail(e, errno, "setting the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return pm_child_fail(e, errno, "redirecting stdio to the pty");
	if (slave > 2)
		close(slave);
	return 0;
}
