/* oci-hooks.c: the init's own OCI hooks (see oci-hooks.h). The state keeps the engine's
 * order (ociVersion, id, status, pid, bundle, annotations). Called by runtime/init.c and
 * runtime/mounts.c in the container's init. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/cleanup.h"
#include "lib/error.h"
#include "lib/json.h"
#include "runtime/oci-hooks.h"

/* state with status and this process's pid put after "id", as runc's; malloc'd or NULL */
static char *state_for(const char *state, const char *status)
{
	_cleanup_json_ json_t *in = json_loads(state ? state : "{}", 0, NULL);
	if (!json_is_object(in))
		return NULL;
	_cleanup_json_ json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v) {
		if (!strcmp(k, "status") || !strcmp(k, "pid"))
			continue;
		json_object_set(out, k, v);
		if (!strcmp(k, "id")) {
			json_object_set_new(out, "status", json_string(status));
			json_object_set_new(out, "pid", json_integer(getpid()));
		}
	}
	return json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

static int hook_fail(struct pm_child_err *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int hook_fail(struct pm_child_err *e, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->status = PM_EXIT_CANNOT_INVOKE;
	return -err;
}

static int run_one(int n, const struct pm_runtime_hook *h, const char *state,
		   struct pm_child_err *e)
{
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return hook_fail(e, errno, "error running hook #%d: %s", n, strerror(errno));
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(in[0]);
		close(in[1]);
		return hook_fail(e, err, "error running hook #%d: fork: %s", n, strerror(err));
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(in[0], STDIN_FILENO) < 0)
			_exit(127);
		char *empty[] = {NULL};
		execve(h->path, h->args, h->env ? h->env : empty);
		_exit(127);
	}
	close(in[0]);
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	(void)!write(in[1], state, strlen(state));
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	int st = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t w = waitpid(pid, &st, h->timeout > 0 ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return hook_fail(e, errno, "error running hook #%d: wait: %s", n,
					 strerror(errno));
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long long ms = (t.tv_sec - t0.tv_sec) * 1000LL + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (h->timeout > 0 && ms >= h->timeout * 1000LL) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return hook_fail(e, ETIMEDOUT,
					 "error running hook #%d: hook ran past specified timeout "
					 "of %d.0s",
					 n, h->timeout);
		}
		if (h->timeout > 0)
			poll(NULL, 0, 10);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return hook_fail(e, EIO, "error running hook #%d (%s): exec %s: exit status 127", n,
				 h->path, h->path);
	return hook_fail(e, EIO, "error running hook #%d (%s): %s %d", n, h->path,
			 WIFEXITED(st) ? "exit status" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int pm_rt_hooks_run(const struct pm_runtime_hook *v, size_t n, const char *state,
		    const char *status, struct pm_child_err *e)
{
	if (!n)
		return 0;
	_cleanup_free_ char *st = state_for(state, status);
	if (!st)
		return hook_fail(e, EINVAL, "error running hooks: the state");
	for (size_t i = 0; i < n; i++) {
		int r = run_one((int)i, &v[i], st, e);
		if (r < 0)
			return r;
	}
	return 0;
}
