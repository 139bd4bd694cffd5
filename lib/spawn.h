/* spawn.h: run a helper program and capture what it prints (newuidmap, dpkg-query, a tool's
 * --version). The one fork/exec-and-read loop of pm; the runtime's and the monitor's
 * children have their own protocols (lib/sync.h). Never prints. */
#pragma once

#include <stddef.h>

/* Run path (no $PATH lookup; NULL: argv[0]) with argv (argv[0] is the name the helper sees
 * and prints in its messages), stdin /dev/null, stdout and stderr into
 * one pipe, every other fd closed. Keeps the first max_bytes bytes of its output (the rest
 * is read and dropped, so the helper never blocks on a full pipe). When timeout_ms > 0 and
 * the helper has not finished by then, it is killed with SIGKILL.
 * When exec fails, the output is "cannot execute 'PATH': REASON" and the status exit 127.
 * Returns 0 (the helper ran; *ret_status is its waitpid status, *ret_out its output,
 * NUL-terminated, malloc'd), -ETIMEDOUT (killed; *ret_out holds what it printed,
 * *ret_status the status of the kill), or -errno when the pipe or fork failed (nothing
 * set; also when waiting for it failed). ret_out may be NULL. */
int pm_run_capture(const char *path, char *const argv[], size_t max_bytes, int timeout_ms,
		   char **ret_out, int *ret_status);

/* pm_run_capture with the helper's stdin from in_fd (-1: /dev/null) and its stderr to err_fd
 * (-1: into the captured output, as pm_run_capture), both fds >= 3 and left open here; a
 * memfd for each lets a caller feed a helper and keep its messages apart without a poll
 * loop over three pipes. */
int pm_run_capture_fds(const char *path, char *const argv[], int in_fd, int err_fd,
		       size_t max_bytes, int timeout_ms, char **ret_out, int *ret_status);
