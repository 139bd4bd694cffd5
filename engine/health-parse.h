/* health-parse.h: the pure half of health checks (engine/health.h has the rest): what a
 * check is (struct pm_healthcheck, engine/spec.h: the --health-* flags fill it through
 * pm_health_from_flags; kube's probes fill it directly), its validation, the command it
 * runs, and the fold of a result into the state (podman's .State.Health) with its JSON.
 * Its own file so that validate.c and monitor.c need not include the exec path.
 *
 * Pure, unit tested (tests/unit/test-health.c). Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/spec.h"
#include "lib/error.h"

#define PM_HEALTH_DEFAULT_INTERVAL_NS (30 * 1000000000LL)
#define PM_HEALTH_DEFAULT_TIMEOUT_NS  (30 * 1000000000LL)
#define PM_HEALTH_DEFAULT_RETRIES     3
#define PM_HEALTH_MAX_LOG	      5	  /* log entries kept (podman's MaxHealthCheckNumberLogs) */
#define PM_HEALTH_MAX_OUTPUT	      500 /* bytes of output kept per entry */
/* In the container's directory once its startup check passed (engine/health.c makes it,
 * for its monitor, which then runs the health check at its own interval); removed by
 * engine/monitor.c before a start's checks. */
#define PM_HEALTH_STARTUP_PASSED "healthcheck-startup-passed"

/* The --health-* and --no-healthcheck flags as given (borrowed strings, NULL: not given). */
struct pm_health_flags {
	const char *cmd, *interval, *retries, *timeout, *start_period, *on_failure;
	bool disable; /* --no-healthcheck */
	/* --health-startup-cmd, -interval, -retries, -success, -timeout */
	const char *startup_cmd, *startup_interval, *startup_retries, *startup_success,
		*startup_timeout;
};

/* Build c from the flags, as podman: no --health-cmd (or an empty one) is no health check
 * (the other flags ignored), "none" is Test ["NONE"], a JSON array ["CMD", ...] or
 * ["CMD-SHELL", "..."] is kept, another array of several words gets "CMD" in front, any
 * other string is ["CMD-SHELL", string]; --no-healthcheck is Test ["NONE"] alone. Defaults:
 * interval 30s ("disable" or 0: no periodic checks), retries 3, timeout 30s, start period
 * 0s, on-failure none. -EINVAL with podman's message naming the bad value; c is cleared
 * first and left empty on failure. */
int pm_health_from_flags(const struct pm_health_flags *f, struct pm_healthcheck *c, pm_error **err);

/* The startup check from the --health-startup-* flags, as podman 5: none without
 * --health-startup-cmd; its command as --health-cmd's; interval and timeout default 30s,
 * retries 0 (never restart), success 0 (one pass ends it). The numbers are checked even
 * without the command (as podman's flag parser does). -EINVAL naming the bad value; c is
 * cleared first and left empty on failure. */
int pm_health_startup_from_flags(const struct pm_health_flags *f, struct pm_healthcheck *c,
				 pm_error **err);

/* Check a startup check s beside the health check h: it needs h enabled, a timeout of at
 * least 1ns, retries and successes >= 0, a well-formed HTTP-GET or TCP-SOCKET test. */
int pm_health_startup_validate(const struct pm_healthcheck *s, const struct pm_healthcheck *h,
			       pm_error **err);

/* Check c (for every creator: pm_container_config_validate calls it): retries >= 1,
 * timeout >= 1ns, start period >= 0, the on-failure action known, an HTTP-GET or
 * TCP-SOCKET test well formed. */
int pm_health_validate(const struct pm_healthcheck *c, pm_error **err);

/* Does c define a check that runs (a Test other than none/NONE/empty; an HTTP-GET or
 * TCP-SOCKET test, engine/health-probe.h, is one pm runs itself)? */
bool pm_health_enabled(const struct pm_healthcheck *c);

/* The command a check runs: CMD args as they are, CMD-SHELL as /bin/sh -c "words joined";
 * NULL when there is none or the test is an HTTP-GET or TCP-SOCKET probe. */
char **pm_health_argv(const struct pm_healthcheck *c);

enum pm_health_action {
	PM_HEALTH_ACTION_NONE = 0,
	PM_HEALTH_ACTION_KILL,
	PM_HEALTH_ACTION_RESTART,
	PM_HEALTH_ACTION_STOP,
};

/* "none", "kill", "restart", "stop" (NULL or "": none); -EINVAL with podman's message. */
int pm_health_parse_action(const char *s, enum pm_health_action *ret, pm_error **err);

/* Go's time.Duration.String(): "30s", "1m30s", "1.5s", "500ms", "0s". Into buf[32]. */
void pm_health_duration_string(int64_t ns, char buf[32]);

/* ---- state ------------------------------------------------------------------------------- */

struct pm_health_log {
	int64_t start_ns, end_ns;
	int exit_code; /* -1: timed out */
	char *output;  /* at most PM_HEALTH_MAX_OUTPUT bytes, trailing newlines dropped */
};

struct pm_health_state {
	char status[16]; /* "starting", "healthy", "unhealthy"; "" without a health check */
	int failing_streak;
	struct pm_health_log log[PM_HEALTH_MAX_LOG];
	size_t nlog;
	int64_t started_ns; /* the container start these results belong to */
	/* the startup check (--health-startup-*) of this start: passed (the health check runs
	 * now), its passes and failures in a row so far */
	bool startup_passed;
	int startup_successes, startup_failures;
};

void pm_health_state_clear(struct pm_health_state *s);

/* Fold one result into s (podman's updateHealthCheckLog): exit 0 is healthy with the streak
 * reset; a failure outside the start period adds to the streak and is unhealthy once the
 * streak reaches retries; the log keeps the last PM_HEALTH_MAX_LOG entries. Takes l's
 * output. Pure. */
void pm_health_state_add(struct pm_health_state *s, int64_t retries, bool in_start_period,
			 struct pm_health_log *l);

/* JSON text <-> state (podman's .State.Health shape plus StartedAt). Pure. */
/* Fold a startup check's result into s (podman's startup healthcheck): a pass counts toward
 * successes and ends the startup check at max(successes, 1) in a row; a failure counts
 * toward retries. The status stays as it is ("starting"), the log keeps the entry. Returns
 * true when the container is due a restart: retries > 0 failures in a row. */
bool pm_health_startup_add(struct pm_health_state *s, int64_t successes, int64_t retries,
			   struct pm_health_log *l);

char *pm_health_state_to_json(const struct pm_health_state *s);
int pm_health_state_from_json(const char *text, struct pm_health_state *ret);
