/* unshare-helper.h: for unit tests that mount: move the calling (forked) process into its
 * own mount namespace, inside a new user namespace mapping the current uid/gid to 0 when not
 * root, so the test runs as any user. Returns 0, or 77 (skip) where user namespaces are
 * unavailable. Mounts are private afterwards. */
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static inline int write_id_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static inline int test_unshare_mountns(void)
{
	if (geteuid() != 0) {
		uid_t uid = geteuid();
		gid_t gid = getegid();
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return 77;
		char m[64];
		(void)write_id_file("/proc/self/setgroups", "deny");
		snprintf(m, sizeof(m), "0 %u 1", (unsigned)uid);
		if (write_id_file("/proc/self/uid_map", m) < 0)
			return 77;
		snprintf(m, sizeof(m), "0 %u 1", (unsigned)gid);
		if (write_id_file("/proc/self/gid_map", m) < 0)
			return 77;
	} else if (unshare(CLONE_NEWNS) < 0) {
		return 77;
	}
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 77;
	return 0;
}
