/* child-err.c: the error record of a runtime child and how it reaches the parent
 * (child-err.h). Runs in the child between clone and exec: must not print. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/sync.h"
#include "runtime/child-err.h"

int pm_child_fail(struct pm_child_err *e, int errnum, const char *fmt, ...)
{
	if (errnum <= 0)
		errnum = EIO;
	char buf[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	snprintf(e->msg, sizeof(e->msg), "%s: %s", buf, strerror(errnum));
	return -errnum;
}

void pm_child_die(int syncfd, int r, const struct pm_child_err *e, const char *fallback)
{
	int status = e->status ? e->status : PM_EXIT_ERROR;
	pm_sync_send_error(syncfd, r < 0 ? -r : EIO, status, "%s", e->msg[0] ? e->msg : fallback);
	_exit(status);
}
