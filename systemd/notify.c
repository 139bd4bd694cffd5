/* notify.c: the sd_notify datagram (see notify.h). libc and lib/ only. Never prints. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "systemd/notify.h"

int pm_sdnotify_check(const char *mode, pm_error **err)
{
	if (mode && (!strcmp(mode, PM_SDNOTIFY_CONMON) || !strcmp(mode, PM_SDNOTIFY_CONTAINER) ||
		     !strcmp(mode, PM_SDNOTIFY_IGNORE)))
		return 0;
	return pm_error_set(err, EINVAL,
			    "invalid argument '%s' for --sdnotify: --sdnotify values must be one "
			    "of \"container\", \"conmon\", or \"ignore\"",
			    mode ? mode : "");
}

int pm_sdnotify_send(const char *socket_path, const char *state)
{
	if (!socket_path || !*socket_path)
		return -ENOENT;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(socket_path);
	if ((socket_path[0] != '/' && socket_path[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, socket_path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = 0; /* abstract: no terminating NUL in the address */
	socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
				      (socket_path[0] == '/' ? 1 : 0));
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ssize_t n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(state) ? 0 : -EIO;
}

char *pm_sdnotify_ready_message(const char *mode, int mainpid)
{
	if (mode && !strcmp(mode, PM_SDNOTIFY_IGNORE))
		return NULL;
	if (mode && !strcmp(mode, PM_SDNOTIFY_CONTAINER))
		return pm_xasprintf("MAINPID=%d\n", mainpid);
	return pm_xasprintf("MAINPID=%d\nREADY=1\n", mainpid);
}
