/* health.c: `healthcheck run` (the check through engine/exec.c with its output captured
 * and its timeout, or an HTTP-GET/TCP-SOCKET probe pm runs itself: engine/health-probe.c) and the
 * state file (see health.h). Never prints; called by inspect.c, ps.c and cli/cmd-healthcheck.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/ctr-state.h"
#include "engine/exec.h"
#include "engine/health.h"
#include "engine/health-probe.h"
#include "engine/run.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"

#define STATE_FILE "healthcheck.json"
#define LOCK_FILE  "healthcheck.lock"
#define STATE_MAX  (64u << 10)

/* The file's state if it belongs to c's current start, else a fresh "starting" one. */
static void state_load(const struct pm_container *c, struct pm_health_state *ret)
{
	*ret = (struct pm_health_state){0};
	_cleanup_free_ char *path = pm_path_join(c->dir, STATE_FILE);
	_cleanup_free_ char *text = NULL;
	if (pm_read_file(path, STATE_MAX, &text, NULL, NULL) < 0 ||
	    pm_health_state_from_json(text, ret) < 0 || ret->started_ns != c->state.started_ns) {
		pm_health_state_clear(ret);
		snprintf(ret->status, sizeof(ret->status), "starting");
		ret->started_ns = c->state.started_ns;
	}
}

void pm_health_state_get(const struct pm_container *c, const struct pm_healthcheck *hc,
			 struct pm_health_state *ret)
{
	*ret = (struct pm_health_state){0};
	if (pm_health_enabled(hc))
		state_load(c, ret);
}

/* ---- healthcheck run --------------------------------------------------------------------- */

static char *read_output(int fd)
{
	char buf[PM_HEALTH_MAX_OUTPUT + 1];
	ssize_t n = pread(fd, buf, PM_HEALTH_MAX_OUTPUT, 0);
	if (n < 0)
		n = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	return pm_xstrndup(buf, (size_t)n);
}

/* Record l for c under the state file's lock: a result of the health check hc, or with
 * startup of the startup check (*ret_restart: its retries ran out; when it passed, the
 * marker file tells the monitor to go on with the health check's interval). */
static int record(const struct pm_container *c, const struct pm_healthcheck *hc, bool startup,
		  struct pm_health_log *l, char *ret_status, size_t size, bool *ret_restart,
		  pm_error **err)
{
	*ret_restart = false;
	_cleanup_free_ char *lockp = pm_path_join(c->dir, LOCK_FILE);
	_cleanup_close_ int lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", lockp);
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return pm_error_set_errno(err, errno, "locking '%s'", lockp);
	struct pm_health_state s;
	state_load(c, &s);
	if (startup) {
		*ret_restart = pm_health_startup_add(&s, hc->successes, hc->retries, l);
		if (s.startup_passed) {
			_cleanup_free_ char *mark = pm_path_join(c->dir, PM_HEALTH_STARTUP_PASSED);
			_cleanup_close_ int fd =
				open(mark, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
			(void)fd; /* a missing marker only keeps the startup interval */
		}
	} else {
		bool in_start = hc->start_period > 0 &&
				l->start_ns < c->state.started_ns + hc->start_period;
		pm_health_state_add(&s, hc->retries, in_start, l);
	}
	snprintf(ret_status, size, "%s", s.status);
	_cleanup_free_ char *text = pm_health_state_to_json(&s);
	pm_health_state_clear(&s);
	_cleanup_free_ char *path = pm_path_join(c->dir, STATE_FILE);
	return pm_write_file_atomic_flags(path, text, strlen(text), 0600, PM_WRITE_NOSYNC, err);
}

int pm_engine_healthcheck_run(const struct pm_engine *e, const char *ref, bool *ret_healthy,
			      enum pm_health_action *ret_action, char **ret_id, pm_error **err)
{
	*ret_healthy = false;
	*ret_action = PM_HEALTH_ACTION_NONE;
	_cleanup_container_ struct pm_container *c = NULL;
	int r = pm_engine_ctr_lookup(e, ref, &c, err); /* refreshed */
	if (r < 0)
		return pm_error_prefix(err, "unable to look up %s to perform a health check", ref);
	*ret_id = pm_xstrdup(c->id);
	struct pm_container_config cfg = {0};
	if ((r = pm_config_from_json(c->config_json, &cfg, err)) < 0)
		return r;
	_cleanup_close_ int out = -1;
	_cleanup_error_ pm_error *xerr = NULL;
	_cleanup_strv_ char **argv = NULL;
	struct pm_probe probe = {0};
	/* podman's order: the state first */
	if (c->state.status != PM_CTR_RUNNING) {
		r = pm_error_set(err, EINVAL, "container %s is not running", c->id);
		goto done;
	}
	/* the startup check runs until it passes, then the health check */
	struct pm_health_state st;
	state_load(c, &st);
	bool startup = pm_health_enabled(&cfg.startup_health) && pm_health_enabled(&cfg.health) &&
		       !st.startup_passed;
	pm_health_state_clear(&st);
	const struct pm_healthcheck *hc = startup ? &cfg.startup_health : &cfg.health;
	argv = pm_health_argv(hc);
	if (pm_probe_parse(hc->test, &probe) < 0) {
		r = pm_error_set(err, EINVAL, "container %s has an invalid health check", c->id);
		goto done;
	}
	if (!argv && probe.kind == PM_PROBE_NONE) {
		r = pm_error_set(err, EINVAL, "container %s has no defined healthcheck", c->id);
		goto done;
	}
	struct pm_health_log l = {.start_ns = pm_time_now_ns()};
	int status = 0;
	if (probe.kind != PM_PROBE_NONE) {
		/* pm's own HTTP GET or TCP connect from the container's network namespace */
		r = pm_probe_run(c->state.pid, &probe, hc->timeout, &status, &l.output);
		if (r < 0) {
			r = pm_error_set_errno(err, -r, "running the health check of %s", c->id);
			goto done;
		}
	} else {
		out = memfd_create("healthcheck", MFD_CLOEXEC);
		if (out < 0) {
			r = pm_error_set_errno(err, errno, "memfd_create");
			goto done;
		}
		struct pm_exec_config x = {
			.args = argv, .output_fd = out, .timeout_ns = hc->timeout};
		r = pm_engine_exec(e, c->id, &x, &status, NULL, &xerr);
		x.args = NULL;
		if (r < 0 && xerr && (xerr->status == 126 || xerr->status == 127)) {
			/* podman: a command not found or not executable is a failed check */
			status = 1;
			r = 0;
		} else if (r < 0) {
			if (err)
				*err = TAKE_PTR(xerr);
			goto done;
		}
		l.output = xerr && xerr->msg ? pm_xstrdup(xerr->msg) : read_output(out);
	}
	l.end_ns = pm_time_now_ns();
	/* podman records 0 (passed), 1 (failed) or -1 (timed out), not the command's status */
	l.exit_code = status == 0 ? 0 : status == -1 ? -1 : 1;
	if (strlen(l.output) > PM_HEALTH_MAX_OUTPUT)
		l.output[PM_HEALTH_MAX_OUTPUT] = 0;
	char hs[16];
	bool restart;
	r = record(c, hc, startup, &l, hs, sizeof(hs), &restart, err);
	free(l.output);
	if (r < 0)
		goto done;
	*ret_healthy = status == 0;
	if (restart)
		*ret_action = PM_HEALTH_ACTION_RESTART; /* podman: the startup check's retries */
	else if (!startup && status != 0 && strcmp(hs, "unhealthy") == 0)
		pm_health_parse_action(cfg.health.on_failure, ret_action, NULL);
	if (status == -1) {
		char d[32];
		pm_health_duration_string(hc->timeout, d);
		r = pm_error_set(err, ETIMEDOUT, "healthcheck command exceeded timeout of %s", d);
	}
done:
	pm_probe_clear(&probe);
	pm_spec_config_clear(&cfg);
	return r;
}
