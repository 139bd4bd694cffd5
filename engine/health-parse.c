/* health-parse.c: the pure half of health checks (see health-parse.h): the flags' parser,
 * the check's command, the result fold and its JSON. Never prints; called by cli/cmd-run.c
 * (flags), engine/validate.c, engine/monitor.c and engine/health.c. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/health-parse.h"
#include "engine/health-probe.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"

/* ---- the flags ----------------------------------------------------------------------------- */

/* A JSON array of strings -> strv (an empty array: a strv of none); NULL when s is not one. */
static char **json_strv(const char *s, bool *ret_is_array)
{
	*ret_is_array = false;
	_cleanup_json_ json_t *j = json_loads(s, JSON_DECODE_ANY, NULL);
	if (!json_is_array(j))
		return NULL;
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v)
		if (!json_is_string(v))
			return NULL;
	*ret_is_array = true;
	char **r = pm_json_to_strv(j);
	return r ? r : pm_xcalloc(1, sizeof(char *));
}

/* podman's makeHealthCheckFromCli for the command (the JSON form kept as given where podman
 * 4.3 would split the array's text on spaces). */
static int parse_test(const char *cmd, char ***ret, pm_error **err)
{
	bool is_array;
	_cleanup_strv_ char **arr = json_strv(cmd, &is_array);
	if (!is_array) {
		const char *sp = strchr(cmd, ' ');
		arr = NULL;
		pm_strv_consume(&arr, sp ? pm_xstrndup(cmd, (size_t)(sp - cmd)) : pm_xstrdup(cmd));
		if (sp)
			pm_strv_push(&arr, sp + 1);
	}
	if (!arr || !arr[0])
		return pm_error_set(err, EINVAL,
				    "must define a healthcheck command for all healthchecks");
	char **test = NULL;
	if (strcmp(arr[0], "none") == 0) {
		pm_strv_push(&test, "NONE");
	} else if (strcmp(arr[0], "CMD") == 0) {
		test = is_array ? pm_strv_copy(arr) : pm_strv_split(cmd, " ");
		if (!is_array) { /* strings.Fields: no empty words */
			char **w = test;
			for (char **p = test; *p; p++)
				if (**p)
					*w++ = *p;
				else
					free(*p);
			*w = NULL;
		}
	} else if (strcmp(arr[0], "CMD-SHELL") == 0) {
		test = pm_strv_copy(arr);
	} else if (is_array && arr[1]) {
		pm_strv_push(&test, "CMD");
		for (char **p = arr; *p; p++)
			pm_strv_push(&test, *p);
	} else {
		pm_strv_push(&test, "CMD-SHELL");
		pm_strv_consume(&test, pm_strv_join(arr, " "));
	}
	*ret = test;
	return 0;
}

/* Go's time.ParseDuration error for v, which it refuses: "unknown unit", "missing unit" or
 * "invalid duration", found by walking it as Go does. */
static char *go_duration_error(const char *v)
{
	static const char *const units[] = {"ns", "us", "\xc2\xb5s", "\xce\xbcs",
					    "ms", "s",	"m",	     "h"};
	const char *s = v;
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return pm_xasprintf("time: invalid duration \"%s\"", v);
	while (*s) {
		const char *num = s;
		while ((*s >= '0' && *s <= '9') || *s == '.')
			s++;
		if (s == num || (s - num == 1 && *num == '.'))
			return pm_xasprintf("time: invalid duration \"%s\"", v);
		const char *u = s;
		while (*s && *s != '.' && !(*s >= '0' && *s <= '9'))
			s++;
		if (s == u)
			return pm_xasprintf("time: missing unit in duration \"%s\"", v);
		bool known = false;
		for (size_t i = 0; i < ARRAY_SIZE(units) && !known; i++)
			known = strlen(units[i]) == (size_t)(s - u) &&
				!strncmp(units[i], u, (size_t)(s - u));
		if (!known)
			return pm_xasprintf("time: unknown unit \"%.*s\" in duration \"%s\"",
					    (int)(s - u), u, v);
	}
	return pm_xasprintf("time: invalid duration \"%s\"", v);
}

static int parse_dur(const char *what, const char *v, int64_t *ret, pm_error **err)
{
	if (pm_time_parse_duration(v, ret) < 0) {
		_cleanup_free_ char *why = go_duration_error(v);
		return pm_error_set(err, EINVAL, "invalid healthcheck-%s: %s", what, why);
	}
	return 0;
}

int pm_health_parse_action(const char *s, enum pm_health_action *ret, pm_error **err)
{
	static const char *const names[] = {"none", "kill", "restart", "stop"};
	*ret = PM_HEALTH_ACTION_NONE;
	if (!s || !*s)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum pm_health_action)i;
			return 0;
		}
	return pm_error_set(err, EINVAL,
			    "invalid on-failure action \"%s\" for health check: supported actions "
			    "are none,kill,restart,stop",
			    s);
}

/* podman's refusal of an action without a check to act on. */
static int no_check_action(const char *action, pm_error **err)
{
	return pm_error_set(err, EINVAL,
			    "cannot set on-failure action to %s without a health check", action);
}

int pm_health_validate(const struct pm_healthcheck *c, pm_error **err)
{
	enum pm_health_action a;
	int r = pm_health_parse_action(c->on_failure, &a, err);
	if (r >= 0 && a != PM_HEALTH_ACTION_NONE && !pm_health_enabled(c))
		return no_check_action(c->on_failure, err);
	if (r < 0 || !c->test ||
	    (c->test[0] && strcmp(c->test[0], "NONE") == 0 && !c->test[1] && !c->retries &&
	     !c->timeout))
		return r;
	if (c->retries < 1)
		return pm_error_set(err, EINVAL, "healthcheck-retries must be greater than 0");
	if (c->timeout < 1)
		return pm_error_set(err, EINVAL, "healthcheck-timeout must be at least 1 second");
	if (c->start_period < 0)
		return pm_error_set(err, EINVAL,
				    "healthcheck-start-period must be 0 seconds or greater");
	struct pm_probe p;
	if (pm_probe_parse(c->test, &p) < 0) {
		_cleanup_free_ char *t = pm_strv_join(c->test, " ");
		return pm_error_set(err, EINVAL, "invalid health check test '%s'", t);
	}
	pm_probe_clear(&p);
	return 0;
}

static int from_flags(const struct pm_health_flags *f, struct pm_healthcheck *c, pm_error **err)
{
	enum pm_health_action a;
	int r = pm_health_parse_action(f->on_failure, &a, err);
	if (r < 0)
		return r;
	if (f->disable) {
		if (f->cmd && *f->cmd)
			return pm_error_set(
				err, EINVAL,
				"cannot specify both --no-healthcheck and --health-cmd");
		if (a != PM_HEALTH_ACTION_NONE)
			return no_check_action(f->on_failure, err);
		pm_strv_push(&c->test, "NONE");
		return 0;
	}
	if (!f->cmd || !*f->cmd)
		return a != PM_HEALTH_ACTION_NONE ? no_check_action(f->on_failure, err) : 0;
	if ((r = parse_test(f->cmd, &c->test, err)) < 0)
		return r;
	const char *iv = f->interval ? f->interval : "30s";
	if ((r = parse_dur("interval", strcmp(iv, "disable") == 0 ? "0" : iv, &c->interval, err)) <
	    0)
		return r;
	c->retries = PM_HEALTH_DEFAULT_RETRIES;
	if (f->retries) {
		uint64_t n;
		if (pm_parse_uint64(f->retries, &n) < 0 || n > INT64_MAX)
			return pm_error_set(
				err, EINVAL,
				"invalid argument \"%s\" for \"--health-retries\" flag: "
				"strconv.ParseUint: parsing \"%s\": invalid syntax",
				f->retries, f->retries);
		c->retries = (int64_t)n;
	}
	if (c->retries < 1)
		return pm_error_set(err, EINVAL, "healthcheck-retries must be greater than 0");
	if ((r = parse_dur("timeout", f->timeout ? f->timeout : "30s", &c->timeout, err)) < 0)
		return r;
	if (c->timeout < 1)
		return pm_error_set(err, EINVAL, "healthcheck-timeout must be at least 1 second");
	if ((r = parse_dur("start-period", f->start_period ? f->start_period : "0s",
			   &c->start_period, err)) < 0)
		return r;
	if (c->start_period < 0)
		return pm_error_set(err, EINVAL,
				    "healthcheck-start-period must be 0 seconds or greater");
	if (a != PM_HEALTH_ACTION_NONE)
		c->on_failure = pm_xstrdup(f->on_failure);
	return 0;
}

int pm_health_from_flags(const struct pm_health_flags *f, struct pm_healthcheck *c, pm_error **err)
{
	pm_strv_free(c->test);
	free(c->on_failure);
	*c = (struct pm_healthcheck){0};
	int r = from_flags(f, c, err);
	if (r < 0) {
		pm_strv_free(c->test);
		free(c->on_failure);
		*c = (struct pm_healthcheck){0};
	}
	return r;
}

/* A --health-startup-* count: podman's uint flag. */
static int parse_count(const char *flag, const char *v, int64_t *ret, pm_error **err)
{
	uint64_t n;
	if (!v)
		return 0;
	if (pm_parse_uint64(v, &n) < 0 || n > INT64_MAX)
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--%s\" flag: strconv.ParseUint: "
				    "parsing \"%s\": invalid syntax",
				    v, flag, v);
	*ret = (int64_t)n;
	return 0;
}

static int startup_from_flags(const struct pm_health_flags *f, struct pm_healthcheck *c,
			      pm_error **err)
{
	int64_t retries = 0, successes = 0;
	int r;
	if ((r = parse_count("health-startup-retries", f->startup_retries, &retries, err)) < 0 ||
	    (r = parse_count("health-startup-success", f->startup_success, &successes, err)) < 0)
		return r;
	if (!f->startup_cmd || !*f->startup_cmd)
		return 0;
	if (f->disable)
		return pm_error_set(
			err, EINVAL,
			"cannot specify both --no-healthcheck and --health-startup-cmd");
	if ((r = parse_test(f->startup_cmd, &c->test, err)) < 0)
		return r;
	const char *iv = f->startup_interval ? f->startup_interval : "30s";
	if ((r = parse_dur("interval", strcmp(iv, "disable") == 0 ? "0" : iv, &c->interval, err)) <
	    0)
		return r;
	if ((r = parse_dur("timeout", f->startup_timeout ? f->startup_timeout : "30s", &c->timeout,
			   err)) < 0)
		return r;
	if (c->timeout < 1)
		return pm_error_set(err, EINVAL, "healthcheck-timeout must be at least 1 second");
	c->retries = retries;
	c->successes = successes;
	return 0;
}

int pm_health_startup_from_flags(const struct pm_health_flags *f, struct pm_healthcheck *c,
				 pm_error **err)
{
	pm_strv_free(c->test);
	free(c->on_failure);
	*c = (struct pm_healthcheck){0};
	int r = startup_from_flags(f, c, err);
	if (r < 0) {
		pm_strv_free(c->test);
		*c = (struct pm_healthcheck){0};
	}
	return r;
}

int pm_health_startup_validate(const struct pm_healthcheck *s, const struct pm_healthcheck *h,
			       pm_error **err)
{
	if (!pm_health_enabled(s))
		return 0;
	if (!pm_health_enabled(h))
		return pm_error_set(err, EINVAL,
				    "a startup healthcheck needs a regular healthcheck: set "
				    "--health-cmd");
	if (s->timeout < 1)
		return pm_error_set(err, EINVAL, "healthcheck-timeout must be at least 1 second");
	if (s->retries < 0 || s->successes < 0)
		return pm_error_set(err, EINVAL,
				    "startup healthcheck retries and successes must be 0 or more");
	struct pm_probe p;
	if (pm_probe_parse(s->test, &p) < 0) {
		_cleanup_free_ char *t = pm_strv_join(s->test, " ");
		return pm_error_set(err, EINVAL, "invalid health check test '%s'", t);
	}
	pm_probe_clear(&p);
	return 0;
}

bool pm_health_enabled(const struct pm_healthcheck *c)
{
	if (pm_probe_kind_of(c->test) != PM_PROBE_NONE)
		return true;
	_cleanup_strv_ char **argv = pm_health_argv(c);
	return argv != NULL;
}

char **pm_health_argv(const struct pm_healthcheck *c)
{
	char **t = c->test;
	if (!t || !t[0] || !t[0][0] || strcmp(t[0], "NONE") == 0 || strcmp(t[0], "none") == 0 ||
	    pm_probe_kind_of(t) != PM_PROBE_NONE)
		return NULL;
	char **argv = NULL;
	if (strcmp(t[0], "CMD") == 0) {
		argv = pm_strv_copy(t + 1);
	} else if (strcmp(t[0], "CMD-SHELL") == 0) {
		if (!t[1])
			return NULL;
		pm_strv_push(&argv, "/bin/sh");
		pm_strv_push(&argv, "-c");
		pm_strv_consume(&argv, pm_strv_join(t + 1, " "));
	} else {
		argv = pm_strv_copy(t);
	}
	if (!argv || !argv[0] || !argv[0][0])
		return pm_strv_free(argv);
	return argv;
}

/* Go's fmtFrac: prec decimals of *u written backwards before tmp[*w], trailing zeros and a
 * lone '.' dropped; *u is left with the integer part. */
static void fmt_frac(char *tmp, int *w, uint64_t *u, int prec)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(*u % 10);
		print = print || digit != 0;
		if (print)
			tmp[--*w] = (char)('0' + digit);
		*u /= 10;
	}
	if (print)
		tmp[--*w] = '.';
}

/* Go's fmtInt: v in decimal, written backwards before tmp[*w]. */
static void fmt_int(char *tmp, int *w, uint64_t v)
{
	do {
		tmp[--*w] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
}

/* Go's Duration.String. */
void pm_health_duration_string(int64_t ns, char buf[32])
{
	char tmp[32];
	int w = (int)sizeof(tmp);
	uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;
	tmp[--w] = 0;
	if (u == 0) {
		snprintf(buf, 32, "0s");
		return;
	}
	tmp[--w] = 's';
	if (u < 1000000000ULL) {
		int prec = u < 1000ULL ? 0 : u < 1000000ULL ? 3 : 6;
		if (prec == 3) {
			tmp[--w] = '\xb5'; /* Go's "µs": U+00B5 in UTF-8 */
			tmp[--w] = '\xc2';
		} else {
			tmp[--w] = prec ? 'm' : 'n';
		}
		fmt_frac(tmp, &w, &u, prec);
		fmt_int(tmp, &w, u);
	} else {
		fmt_frac(tmp, &w, &u, 9);
		fmt_int(tmp, &w, u % 60);
		u /= 60;
		if (u > 0) {
			tmp[--w] = 'm';
			fmt_int(tmp, &w, u % 60);
			u /= 60;
			if (u > 0) {
				tmp[--w] = 'h';
				fmt_int(tmp, &w, u);
			}
		}
	}
	if (ns < 0)
		tmp[--w] = '-';
	snprintf(buf, 32, "%s", tmp + w);
}

/* ---- state ------------------------------------------------------------------------------- */

void pm_health_state_clear(struct pm_health_state *s)
{
	for (size_t i = 0; i < s->nlog; i++)
		free(s->log[i].output);
	*s = (struct pm_health_state){0};
}

static void set_status(struct pm_health_state *s, const char *v)
{
	snprintf(s->status, sizeof(s->status), "%s", v);
}

static void log_add(struct pm_health_state *s, struct pm_health_log *l)
{
	if (s->nlog == PM_HEALTH_MAX_LOG) {
		free(s->log[0].output);
		memmove(&s->log[0], &s->log[1], sizeof(s->log[0]) * (PM_HEALTH_MAX_LOG - 1));
		s->nlog--;
	}
	s->log[s->nlog++] = *l;
	l->output = NULL;
}

bool pm_health_startup_add(struct pm_health_state *s, int64_t successes, int64_t retries,
			   struct pm_health_log *l)
{
	bool restart = false;
	if (l->exit_code == 0) {
		s->startup_failures = 0;
		if (++s->startup_successes >= (successes > 0 ? successes : 1))
			s->startup_passed = true;
	} else {
		s->startup_successes = 0;
		s->startup_failures++;
		restart = retries > 0 && s->startup_failures >= retries;
	}
	log_add(s, l);
	return restart;
}

void pm_health_state_add(struct pm_health_state *s, int64_t retries, bool in_start_period,
			 struct pm_health_log *l)
{
	if (l->exit_code == 0) {
		set_status(s, "healthy");
		s->failing_streak = 0;
	} else {
		if (!s->status[0])
			set_status(s, "healthy");
		if (!in_start_period) {
			s->failing_streak++;
			if (s->failing_streak >= retries)
				set_status(s, "unhealthy");
		}
	}
	log_add(s, l);
}

static json_t *time_json(int64_t ns)
{
	char buf[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_local(ns, buf);
	return json_string(buf);
}

static int64_t time_parse(const char *s)
{
	int64_t ns = 0;
	if (s)
		pm_time_parse_rfc3339(s, strlen(s), &ns, NULL);
	return ns;
}

char *pm_health_state_to_json(const struct pm_health_state *s)
{
	_cleanup_json_ json_t *o = json_object();
	json_object_set_new(o, "Status", json_string(s->status));
	json_object_set_new(o, "FailingStreak", json_integer(s->failing_streak));
	json_t *log = s->nlog ? json_array() : json_null();
	for (size_t i = 0; i < s->nlog; i++) {
		const struct pm_health_log *l = &s->log[i];
		json_t *e = json_object();
		json_object_set_new(e, "Start", time_json(l->start_ns));
		json_object_set_new(e, "End", time_json(l->end_ns));
		json_object_set_new(e, "ExitCode", json_integer(l->exit_code));
		json_object_set_new(e, "Output", json_string(l->output ? l->output : ""));
		json_array_append_new(log, e);
	}
	json_object_set_new(o, "Log", log);
	if (s->started_ns)
		json_object_set_new(o, "StartedAt", json_integer(s->started_ns));
	if (s->startup_passed)
		json_object_set_new(o, "StartupPassed", json_true());
	if (s->startup_successes)
		json_object_set_new(o, "StartupSuccesses", json_integer(s->startup_successes));
	if (s->startup_failures)
		json_object_set_new(o, "StartupFailures", json_integer(s->startup_failures));
	return json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int pm_health_state_from_json(const char *text, struct pm_health_state *ret)
{
	*ret = (struct pm_health_state){0};
	_cleanup_json_ json_t *o = json_loads(text, 0, NULL);
	if (!json_is_object(o))
		return -EBADMSG;
	const char *st = pm_json_string(o, "Status");
	set_status(ret, st ? st : "");
	ret->failing_streak = (int)pm_json_int(o, "FailingStreak", 0);
	ret->started_ns = (int64_t)pm_json_int(o, "StartedAt", 0);
	ret->startup_passed = json_is_true(json_object_get(o, "StartupPassed"));
	ret->startup_successes = (int)pm_json_int(o, "StartupSuccesses", 0);
	ret->startup_failures = (int)pm_json_int(o, "StartupFailures", 0);
	json_t *log = json_object_get(o, "Log");
	size_t i;
	json_t *e;
	json_array_foreach(log, i, e) {
		if (ret->nlog == PM_HEALTH_MAX_LOG)
			break;
		struct pm_health_log *l = &ret->log[ret->nlog++];
		l->start_ns = time_parse(pm_json_string(e, "Start"));
		l->end_ns = time_parse(pm_json_string(e, "End"));
		l->exit_code = (int)pm_json_int(e, "ExitCode", 0);
		const char *out = pm_json_string(e, "Output");
		l->output = pm_xstrdup(out ? out : "");
	}
	return 0;
}
