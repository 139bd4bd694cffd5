/* exec-session.c: an exec session under a monitor of its own (see exec-session.h): the
 * double fork, the start of the process through the runtime (handover), the exec of
 * `pm-monitor exec`, and for -it the client side through engine/monitor.c's attach relay.
 * Never prints (the session's stdio is /dev/null). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/ctr-paths.h"
#include "engine/events.h"
#include "engine/exec-session.h"
#include "engine/monitor.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "lib/sync.h"
#include "monitor/mon-io.h"
#include "monitor/rundir.h"

static void push_fd(char ***argv, const char *opt, int fd)
{
	if (fd < 0)
		return;
	fcntl(fd, F_SETFD, 0);
	pm_strv_push(argv, opt);
	pm_strv_consume(argv, pm_xasprintf("%d", fd));
}

/* The session's process: start the exec process, report it, become pm-monitor. */
__attribute__((noreturn)) static void session_main(const struct pm_runtime_spec *spec,
						   const struct pm_exec_opts *o,
						   const char *program, const char *dir, int client,
						   int syncfd)
{
	/* the terminal's size for the pty, then our stdio is /dev/null: we hold nobody's
	 * terminal or pipes (a caller waiting for EOF on them is not kept waiting) */
	int tty = client >= 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : -1;
	pm_stdio_to_null();
	/* blocked, and SIGPIPE ignored, from now on and across the exec */
	sigset_t set;
	pm_mon_io_block_signals(&set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int ctr_pidfd = pidfd_open(o->pid, 0);
	struct pm_exec_proc proc = {.pidfd = -1, .master = -1};
	struct pm_exec_opts so = *o;
	so.handover = &proc;
	so.winsize_from = tty >= 0 ? tty : STDIN_FILENO;
	_cleanup_error_ pm_error *err = NULL;
	int status = 0;
	int r = pm_runtime_exec(spec, &so, &status, &err);
	if (tty >= 0)
		close(tty);
	if (r < 0) {
		pm_sync_send_error(syncfd, err ? err->code : EIO, pm_error_exit_status(err), "%s",
				   err && err->msg ? err->msg : "starting the exec process");
		_exit(PM_EXIT_ERROR);
	}
	char **argv = NULL;
	pm_strv_push(&argv, "pm-monitor");
	pm_strv_push(&argv, "exec");
	pm_strv_push(&argv, "--rundir");
	pm_strv_push(&argv, dir);
	pm_strv_push(&argv, "--pid");
	pm_strv_consume(&argv, pm_xasprintf("%d", (int)proc.pid));
	push_fd(&argv, "--pidfd", proc.pidfd);
	push_fd(&argv, "--pty", proc.master);
	push_fd(&argv, "--client", client);
	push_fd(&argv, "--ctr-pidfd", ctr_pidfd);
	_cleanup_free_ char *pid = pm_xasprintf("%d", (int)proc.pid);
	pm_sync_send(syncfd, PM_SYNC_PID, pid, strlen(pid), NULL, 0);
	close(syncfd);
	(void)!chdir("/"); /* keep no directory of the caller's busy */
	execv(program, argv);
	/* no monitor: the process does not run unwatched */
	pidfd_send_signal(proc.pidfd, SIGKILL, NULL, 0);
	_exit(127);
}

int pm_exec_session_run(const struct pm_engine *e, const struct pm_container *c,
			const struct pm_runtime_spec *spec, const struct pm_exec_opts *o,
			bool attach, const char *detach_keys, int *ret_status, char **ret_id,
			pm_error **err)
{
	*ret_status = 0;
	unsigned char keys[8];
	size_t nkeys;
	int r = pm_attach_parse_keys(detach_keys, keys, &nkeys, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *program = pm_monitor_program(err);
	if (!program)
		return -ENOENT;
	_cleanup_free_ char *id = pm_random_id();
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	_cleanup_free_ char *dir = pm_xasprintf("%s/exec/%s", rundir, id);
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int syncfd = -1;
	int sv[2] = {-1, -1};
	int sp[2];
	if ((r = pm_mkdir_p(dir, 0700, err)) < 0)
		return r;
	/* the monitor writes exec_died when the process ends */
	_cleanup_free_ char *event = pm_engine_event_exec_died_template(e, c);
	if (event) {
		_cleanup_free_ char *path = pm_path_join(dir, PM_MON_EXEC_EVENT);
		pm_write_file_atomic_flags(path, event, strlen(event), 0600, PM_WRITE_NOSYNC, NULL);
	}
	if (attach && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = pm_error_set_errno(err, errno, "creating the exec session's socket");
		goto fail_dir;
	}
	fd = sv[0];
	if ((r = pm_sync_pair(sp, err)) < 0)
		goto fail_sv;
	syncfd = sp[0];
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(sp[1]);
		r = pm_error_set_errno(err, errno, "starting the exec session: fork");
		goto fail_sv;
	}
	if (pid == 0) {
		close(syncfd);
		if (fd >= 0)
			close(fd);
		setsid();
		pid_t p2 = fork();
		if (p2 < 0) {
			pm_sync_send_error(sp[1], errno, PM_EXIT_ERROR,
					   "starting the exec session: fork: %s", strerror(errno));
			_exit(PM_EXIT_ERROR);
		}
		if (p2 > 0)
			_exit(0);
		session_main(spec, o, program, dir, sv[1], sp[1]);
	}
	close(sp[1]);
	if (sv[1] >= 0)
		close(sv[1]);
	sv[1] = -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	struct pm_sync_msg msg;
	r = pm_sync_expect(syncfd, PM_SYNC_PID, &msg, "the exec session", err);
	if (r < 0)
		goto fail_dir;
	if (ret_id)
		*ret_id = TAKE_PTR(id);
	if (!attach)
		return 0;
	struct pm_attach_opts ao = {.stdin = true,
				    .tty = true,
				    .detach_keys = detach_keys,
				    .sig_proxy = true,
				    .exec_session = true};
	r = pm_engine_attach_fd(e, c, TAKE_FD(fd), &ao, ret_status, err);
	if (r == 1)
		*ret_status = 0;
	return r;
fail_sv:
	if (sv[1] >= 0)
		close(sv[1]);
fail_dir:
	pm_rm_rf(dir, NULL);
	return r;
}

char **pm_exec_session_ids(const struct pm_engine *e, const struct pm_container *c)
{
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	_cleanup_free_ char *dir = pm_path_join(rundir, "exec");
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **ids = NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			pm_strv_push(&ids, de->d_name);
	closedir(d);
	return ids;
}

int pm_exec_session_cleanup(const struct pm_engine *e, const struct pm_container *c, const char *id,
			    pm_error **err)
{
	_cleanup_strv_ char **ids = pm_exec_session_ids(e, c);
	if (!pm_strv_contains(ids, id))
		return pm_error_set(err, ENOENT,
				    "container %s has no exec session with ID %s: no such exec "
				    "session",
				    c->id, id);
	_cleanup_free_ char *rundir = pm_ctr_run_dir(e, c->id);
	_cleanup_free_ char *exitf = pm_xasprintf("%s/exec/%s/%s", rundir, id, PM_MON_EXIT);
	if (access(exitf, F_OK) < 0)
		return pm_error_set(
			err, EBUSY,
			"cannot clean up exec session %s as it is running: exec session "
			"state improper",
			id);
	return 0;
}
