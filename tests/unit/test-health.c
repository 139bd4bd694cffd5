/* test-health.c: unit tests for engine/health-parse: the --health-* flags into a health check
 * (podman's forms of the command, defaults, each bad value with podman's message and the
 * check left empty), the command a check runs, the state fold (streak, retries, start
 * period, the last 5 entries) and its JSON, and Go's Duration.String. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/health-parse.h"
#include "engine/health-probe.h"
#include "lib/strutil.h"

static void hc_clear(struct pm_healthcheck *h)
{
	pm_strv_free(h->test);
	free(h->on_failure);
	*h = (struct pm_healthcheck){0};
}

static void assert_test(const struct pm_healthcheck *h, const char *const *want)
{
	size_t n = 0;
	for (; want[n]; n++) {
		assert_non_null(h->test[n]);
		assert_string_equal(h->test[n], want[n]);
	}
	assert_null(h->test[n]);
}

#define TEST(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_flags_forms(void **state)
{
	struct pm_healthcheck h = {0};
	struct pm_health_flags f = {.cmd = "echo hi; true"};
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("CMD-SHELL", "echo hi; true"));
	assert_int_equal(h.interval, 30000000000LL);
	assert_int_equal(h.timeout, 30000000000LL);
	assert_int_equal(h.start_period, 0);
	assert_int_equal(h.retries, 3);
	assert_null(h.on_failure);

	f = (struct pm_health_flags){.cmd = "[\"CMD\",\"false\"]"};
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("CMD", "false"));
	f.cmd = "[\"CMD-SHELL\",\"echo a\",\"b\"]";
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("CMD-SHELL", "echo a", "b"));
	f.cmd = "[\"true\"]";
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("CMD-SHELL", "true"));
	f.cmd = "[\"ls\",\"-l\"]";
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("CMD", "ls", "-l"));
	f.cmd = "CMD ls  -l";
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("CMD", "ls", "-l"));
	f.cmd = "none";
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("NONE"));
	assert_false(pm_health_enabled(&h));

	/* no command: no check, the other flags not even read */
	f = (struct pm_health_flags){.interval = "bogus"};
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_null(h.test);
	f.cmd = "";
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_null(h.test);

	f = (struct pm_health_flags){.disable = true};
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_test(&h, TEST("NONE"));
	assert_int_equal(h.retries, 0);
	assert_int_equal(pm_health_validate(&h, NULL), 0);

	f = (struct pm_health_flags){.cmd = "true",
				     .interval = "disable",
				     .retries = "5",
				     .timeout = "500ms",
				     .start_period = "1m",
				     .on_failure = "restart"};
	assert_int_equal(pm_health_from_flags(&f, &h, NULL), 0);
	assert_int_equal(h.interval, 0);
	assert_int_equal(h.retries, 5);
	assert_int_equal(h.timeout, 500000000LL);
	assert_int_equal(h.start_period, 60000000000LL);
	assert_string_equal(h.on_failure, "restart");
	assert_int_equal(pm_health_validate(&h, NULL), 0);
	hc_clear(&h);
}

#define assert_bad(flags, want)                                                                    \
	do {                                                                                       \
		struct pm_health_flags f_ = flags;                                                 \
		struct pm_healthcheck h_ = {0};                                                    \
		_cleanup_error_ pm_error *err = NULL;                                              \
		assert_int_equal(pm_health_from_flags(&f_, &h_, &err), -EINVAL);                   \
		assert_non_null(err);                                                              \
		assert_string_equal(err->msg, want);                                               \
		assert_null(h_.test);                                                              \
	} while (0)

static void test_flags_bad(void **state)
{
	assert_bad(((struct pm_health_flags){.cmd = "true", .interval = "bogus"}),
		   "invalid healthcheck-interval: time: invalid duration \"bogus\"");
	assert_bad(((struct pm_health_flags){.cmd = "true", .retries = "0"}),
		   "healthcheck-retries must be greater than 0");
	assert_bad(((struct pm_health_flags){.cmd = "true", .retries = "x"}),
		   "invalid argument \"x\" for \"--health-retries\" flag: strconv.ParseUint: "
		   "parsing \"x\": invalid syntax");
	assert_bad(((struct pm_health_flags){.cmd = "true", .retries = "-1"}),
		   "invalid argument \"-1\" for \"--health-retries\" flag: strconv.ParseUint: "
		   "parsing \"-1\": invalid syntax");
	assert_bad(((struct pm_health_flags){.cmd = "true", .timeout = "0s"}),
		   "healthcheck-timeout must be at least 1 second");
	assert_bad(((struct pm_health_flags){.cmd = "true", .timeout = "1x"}),
		   "invalid healthcheck-timeout: time: unknown unit \"x\" in duration \"1x\"");
	assert_bad(((struct pm_health_flags){.cmd = "true", .timeout = "1s5"}),
		   "invalid healthcheck-timeout: time: missing unit in duration \"1s5\"");
	assert_bad(((struct pm_health_flags){.cmd = "true", .interval = ".s"}),
		   "invalid healthcheck-interval: time: invalid duration \".s\"");
	assert_bad(((struct pm_health_flags){.cmd = "true", .interval = ""}),
		   "invalid healthcheck-interval: time: invalid duration \"\"");
	assert_bad(((struct pm_health_flags){.cmd = "true", .start_period = "-1s"}),
		   "healthcheck-start-period must be 0 seconds or greater");
	assert_bad(((struct pm_health_flags){.cmd = "true", .on_failure = "bogus"}),
		   "invalid on-failure action \"bogus\" for health check: supported actions are "
		   "none,kill,restart,stop");
	assert_bad(((struct pm_health_flags){.cmd = "true", .disable = true}),
		   "cannot specify both --no-healthcheck and --health-cmd");
	assert_bad(((struct pm_health_flags){.on_failure = "kill"}),
		   "cannot set on-failure action to kill without a health check");
	assert_bad(((struct pm_health_flags){.disable = true, .on_failure = "stop"}),
		   "cannot set on-failure action to stop without a health check");
	assert_bad(((struct pm_health_flags){.cmd = "true", .retries = "99999999999999999999"}),
		   "invalid argument \"99999999999999999999\" for \"--health-retries\" flag: "
		   "strconv.ParseUint: parsing \"99999999999999999999\": invalid syntax");
	assert_bad(((struct pm_health_flags){.cmd = "[]"}),
		   "must define a healthcheck command for all healthchecks");
}

static void test_validate(void **state)
{
	char *t[] = {"CMD", "true", NULL};
	struct pm_healthcheck h = {.test = t, .timeout = 1, .retries = 1};
	assert_int_equal(pm_health_validate(&h, NULL), 0);
	h.retries = 0;
	assert_int_equal(pm_health_validate(&h, NULL), -EINVAL);
	h.retries = 1;
	h.timeout = 0;
	assert_int_equal(pm_health_validate(&h, NULL), -EINVAL);
	h.timeout = 1;
	h.start_period = -1;
	assert_int_equal(pm_health_validate(&h, NULL), -EINVAL);
	h.start_period = 0;
	h.on_failure = "explode";
	assert_int_equal(pm_health_validate(&h, NULL), -EINVAL);
	h.on_failure = "kill";
	assert_int_equal(pm_health_validate(&h, NULL), 0);
	h.test = NULL;
	assert_int_equal(pm_health_validate(&h, NULL), -EINVAL);
}

static void test_argv(void **state)
{
	char *shell[] = {"CMD-SHELL", "echo a", "b", NULL};
	struct pm_healthcheck h = {.test = shell};
	char **a = pm_health_argv(&h);
	assert_string_equal(a[0], "/bin/sh");
	assert_string_equal(a[1], "-c");
	assert_string_equal(a[2], "echo a b");
	assert_null(a[3]);
	pm_strv_free(a);
	char *cmd[] = {"CMD", "ls", "-l", NULL};
	h.test = cmd;
	a = pm_health_argv(&h);
	assert_string_equal(a[0], "ls");
	assert_string_equal(a[1], "-l");
	assert_null(a[2]);
	pm_strv_free(a);
	char *none[] = {"NONE", NULL}, *empty[] = {"CMD", NULL}, *bare[] = {NULL};
	h.test = none;
	assert_null(pm_health_argv(&h));
	h.test = empty;
	assert_null(pm_health_argv(&h));
	h.test = bare;
	assert_null(pm_health_argv(&h));
	h.test = NULL;
	assert_null(pm_health_argv(&h));
	assert_false(pm_health_enabled(&h));
}

static void add(struct pm_health_state *s, int64_t retries, bool in_start, int code)
{
	struct pm_health_log l = {.start_ns = 1,
				  .end_ns = 2,
				  .exit_code = code,
				  .output = pm_xasprintf("out %d", code)};
	pm_health_state_add(s, retries, in_start, &l);
	assert_null(l.output);
}

static void test_state(void **state)
{
	struct pm_health_state s = {0};
	snprintf(s.status, sizeof(s.status), "starting");
	add(&s, 2, true, 1); /* in the start period: not counted */
	assert_string_equal(s.status, "starting");
	assert_int_equal(s.failing_streak, 0);
	add(&s, 2, false, 1);
	assert_string_equal(s.status, "starting");
	assert_int_equal(s.failing_streak, 1);
	add(&s, 2, false, 1);
	assert_string_equal(s.status, "unhealthy");
	assert_int_equal(s.failing_streak, 2);
	add(&s, 2, false, 0);
	assert_string_equal(s.status, "healthy");
	assert_int_equal(s.failing_streak, 0);
	for (int i = 0; i < 5; i++)
		add(&s, 2, false, 10 + i);
	assert_int_equal(s.nlog, PM_HEALTH_MAX_LOG);
	assert_int_equal(s.log[0].exit_code, 10);
	assert_string_equal(s.log[4].output, "out 14");
	assert_string_equal(s.status, "unhealthy");

	s.started_ns = 1234;
	char *text = pm_health_state_to_json(&s);
	struct pm_health_state back;
	assert_int_equal(pm_health_state_from_json(text, &back), 0);
	assert_string_equal(back.status, "unhealthy");
	assert_int_equal(back.failing_streak, 5);
	assert_int_equal(back.started_ns, 1234);
	assert_int_equal(back.nlog, 5);
	assert_int_equal(back.log[4].exit_code, 14);
	assert_string_equal(back.log[4].output, "out 14");
	assert_int_equal(back.log[4].start_ns, 1);
	free(text);
	pm_health_state_clear(&back);
	pm_health_state_clear(&s);
	assert_int_equal(pm_health_state_from_json("[1]", &back), -EBADMSG);

	struct pm_health_state empty = {0};
	text = pm_health_state_to_json(&empty);
	assert_string_equal(text, "{\"Status\":\"\",\"FailingStreak\":0,\"Log\":null}");
	free(text);
}

static void test_actions(void **state)
{
	enum pm_health_action a;
	assert_int_equal(pm_health_parse_action(NULL, &a, NULL), 0);
	assert_int_equal(a, PM_HEALTH_ACTION_NONE);
	assert_int_equal(pm_health_parse_action("kill", &a, NULL), 0);
	assert_int_equal(a, PM_HEALTH_ACTION_KILL);
	assert_int_equal(pm_health_parse_action("restart", &a, NULL), 0);
	assert_int_equal(a, PM_HEALTH_ACTION_RESTART);
	assert_int_equal(pm_health_parse_action("stop", &a, NULL), 0);
	assert_int_equal(a, PM_HEALTH_ACTION_STOP);
	assert_int_equal(pm_health_parse_action("KILL", &a, NULL), -EINVAL);
}

static void test_duration(void **state)
{
	char b[32];
	static const struct {
		int64_t ns;
		const char *want;
	} cases[] = {
		{0, "0s"},
		{1, "1ns"},
		{1500, "1.5µs"},
		{500000000, "500ms"},
		{1000000000, "1s"},
		{1500000000, "1.5s"},
		{30000000000LL, "30s"},
		{90000000000LL, "1m30s"},
		{3600000000000LL, "1h0m0s"},
		{-2000000000LL, "-2s"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pm_health_duration_string(cases[i].ns, b);
		assert_string_equal(b, cases[i].want);
	}
}

/* pm's own HTTP-GET and TCP-SOCKET tests: parsed, not run as commands, the request and the
 * status line */
static void test_probe_parse(void **state)
{
	(void)state;
	struct pm_probe p;
	char *http[] = {"HTTP-GET", "http://localhost:8080/healthz?x=1", "X-A: b", NULL};
	assert_int_equal(pm_probe_parse(http, &p), 1);
	assert_int_equal(p.kind, PM_PROBE_HTTP);
	assert_false(p.https);
	assert_string_equal(p.host, "localhost");
	assert_int_equal(p.port, 8080);
	assert_string_equal(p.path, "/healthz?x=1");
	assert_string_equal(p.headers[0], "X-A: b");
	char *req = pm_probe_http_request(&p);
	assert_string_equal(req, "GET /healthz?x=1 HTTP/1.1\r\nHost: localhost:8080\r\n"
				 "User-Agent: pm-probe\r\nAccept: */*\r\nConnection: close\r\n"
				 "X-A: b\r\n\r\n");
	free(req);
	pm_probe_clear(&p);
	/* a Host header of the probe's own replaces pm's */
	char *host[] = {"HTTP-GET", "http://[::1]:80", "host: example.com", NULL};
	assert_int_equal(pm_probe_parse(host, &p), 1);
	assert_string_equal(p.host, "::1");
	assert_string_equal(p.path, "/");
	req = pm_probe_http_request(&p);
	assert_non_null(strstr(req, "GET / HTTP/1.1\r\nUser-Agent"));
	assert_non_null(strstr(req, "host: example.com\r\n\r\n"));
	free(req);
	pm_probe_clear(&p);
	char *tcp[] = {"TCP-SOCKET", "10.0.0.1:5432", NULL};
	assert_int_equal(pm_probe_parse(tcp, &p), 1);
	assert_int_equal(p.kind, PM_PROBE_TCP);
	assert_string_equal(p.host, "10.0.0.1");
	assert_int_equal(p.port, 5432);
	pm_probe_clear(&p);
	char *cmd[] = {"CMD", "true", NULL};
	assert_int_equal(pm_probe_parse(cmd, &p), 0);
	assert_int_equal(p.kind, PM_PROBE_NONE);
	static const char *const bad[][3] = {
		{"HTTP-GET", NULL},
		{"HTTP-GET", "ftp://h:1/"},
		{"HTTP-GET", "http://h/"},
		{"HTTP-GET", "http://h:0/"},
		{"HTTP-GET", "http://h:65536/"},
		{"HTTP-GET", "http://h:80x"},
		{"HTTP-GET", "http://:80/"},
		{"HTTP-GET", "http://h:80/a b"},
		{"TCP-SOCKET", "h"},
		{"TCP-SOCKET", "h:1/x"},
		{"TCP-SOCKET", "[::1:1"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pm_probe_parse((char *const *)bad[i], &p), -EINVAL);
	char *badhdr[] = {"HTTP-GET", "http://h:1/", "no colon", NULL};
	assert_int_equal(pm_probe_parse(badhdr, &p), -EINVAL);
	/* health-parse: a probe is a check, not a command; a malformed one is refused */
	struct pm_healthcheck hc = {.test = http, .retries = 3, .timeout = 1};
	assert_true(pm_health_enabled(&hc));
	assert_null(pm_health_argv(&hc));
	assert_int_equal(pm_health_validate(&hc, NULL), 0);
	char *worse[] = {"TCP-SOCKET", "nope", NULL};
	hc.test = worse;
	pm_error *err = NULL;
	assert_int_equal(pm_health_validate(&hc, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid health check test 'TCP-SOCKET nope'");
	pm_error_free(err);
	char *url = pm_probe_url(false, "::1", 80, "/x");
	assert_string_equal(url, "http://[::1]:80/x");
	free(url);
	url = pm_probe_url(true, "localhost", 8443, "");
	assert_string_equal(url, "https://localhost:8443/");
	free(url);
}

static void test_probe_status(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int r, code;
	} cases[] = {
		{"HTTP/1.1 200 OK\r\n", 0, 200},
		{"HTTP/1.0 404 Not Found\r\nServer: x\r\n", 0, 404},
		{"HTTP/1.1 302\r\n", 0, 302},
		{"HTTP/1.1 503 Service Unavailable\n", 0, 503},
		{"HTTP/1.1 200 OK", -EAGAIN, 0},
		{"HTT", -EAGAIN, 0},
		{"HTTP/1.1 20 OK\r\n", -EBADMSG, 0},
		{"HTTP/1.1 2000 OK\r\n", -EBADMSG, 0},
		{"HTTP/x.1 200 OK\r\n", -EBADMSG, 0},
		{"SSH-2.0-OpenSSH\r\n", -EBADMSG, 0},
		{"HTTP/1.1 099 x\r\n", -EBADMSG, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int code = 0;
		int r = pm_probe_http_status(cases[i].in, strlen(cases[i].in), &code);
		if (r != cases[i].r || code != cases[i].code)
			fail_msg("'%s': %d %d", cases[i].in, r, code);
	}
}

/* --health-startup-*: the flags, the fold (successes end it, retries restart) */
static void test_startup(void **state)
{
	(void)state;
	struct pm_healthcheck s = {0}, h = {0};
	struct pm_health_flags f = {
		.startup_cmd = "test -f /up", .startup_retries = "2", .startup_success = "3"};
	assert_int_equal(pm_health_startup_from_flags(&f, &s, NULL), 0);
	assert_string_equal(s.test[0], "CMD-SHELL");
	assert_int_equal(s.interval, 30000000000LL);
	assert_int_equal(s.timeout, 30000000000LL);
	assert_int_equal(s.retries, 2);
	assert_int_equal(s.successes, 3);
	pm_error *err = NULL;
	/* a startup check needs a health check */
	assert_int_equal(pm_health_startup_validate(&s, &h, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "needs a regular healthcheck"));
	err = pm_error_free(err);
	struct pm_health_flags hf = {.cmd = "true"};
	assert_int_equal(pm_health_from_flags(&hf, &h, NULL), 0);
	assert_int_equal(pm_health_startup_validate(&s, &h, NULL), 0);
	hc_clear(&h);
	hc_clear(&s);
	/* the counts are checked even without the command, as podman's flag parser does */
	f = (struct pm_health_flags){.startup_retries = "abc"};
	assert_int_equal(pm_health_startup_from_flags(&f, &s, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid argument \"abc\" for \"--health-startup-retries\" "
				      "flag: strconv.ParseUint: parsing \"abc\": invalid syntax");
	err = pm_error_free(err);
	assert_null(s.test);
	f = (struct pm_health_flags){.startup_cmd = "true", .startup_interval = "1x"};
	assert_int_equal(pm_health_startup_from_flags(&f, &s, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid healthcheck-interval: time: unknown unit \"x\" in "
				      "duration \"1x\"");
	err = pm_error_free(err);
	f = (struct pm_health_flags){.startup_cmd = "true", .disable = true};
	assert_int_equal(pm_health_startup_from_flags(&f, &s, &err), -EINVAL);
	assert_string_equal(err->msg,
			    "cannot specify both --no-healthcheck and --health-startup-cmd");
	err = pm_error_free(err);

	/* the fold: two passes in a row end it; a failure resets them; retries restart */
	struct pm_health_state st = {0};
	snprintf(st.status, sizeof(st.status), "starting");
	struct pm_health_log pass = {.exit_code = 0}, fail = {.exit_code = 1};
	pass.output = pm_xstrdup("p");
	assert_false(pm_health_startup_add(&st, 2, 3, &pass));
	assert_false(st.startup_passed);
	fail.output = pm_xstrdup("f");
	assert_false(pm_health_startup_add(&st, 2, 3, &fail));
	assert_int_equal(st.startup_successes, 0);
	fail.output = pm_xstrdup("f");
	assert_false(pm_health_startup_add(&st, 2, 3, &fail));
	fail.output = pm_xstrdup("f");
	assert_true(pm_health_startup_add(&st, 2, 3, &fail)); /* the third in a row */
	assert_string_equal(st.status, "starting");
	assert_int_equal(st.nlog, 4);
	pass.output = pm_xstrdup("p");
	assert_false(pm_health_startup_add(&st, 2, 3, &pass));
	pass.output = pm_xstrdup("p");
	assert_false(pm_health_startup_add(&st, 2, 3, &pass));
	assert_true(st.startup_passed);
	/* kept in the state file, across a load */
	char *text = pm_health_state_to_json(&st);
	struct pm_health_state back;
	assert_int_equal(pm_health_state_from_json(text, &back), 0);
	assert_true(back.startup_passed);
	free(text);
	pm_health_state_clear(&back);
	pm_health_state_clear(&st);
	/* retries 0: never a restart; successes 0: the first pass ends it */
	fail.output = pm_xstrdup("f");
	for (int i = 0; i < 10; i++) {
		if (!fail.output)
			fail.output = pm_xstrdup("f");
		assert_false(pm_health_startup_add(&st, 0, 0, &fail));
	}
	pass.output = pm_xstrdup("p");
	assert_false(pm_health_startup_add(&st, 0, 0, &pass));
	assert_true(st.startup_passed);
	pm_health_state_clear(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_forms),  cmocka_unit_test(test_flags_bad),
		cmocka_unit_test(test_validate),     cmocka_unit_test(test_argv),
		cmocka_unit_test(test_state),	     cmocka_unit_test(test_actions),
		cmocka_unit_test(test_duration),     cmocka_unit_test(test_probe_parse),
		cmocka_unit_test(test_probe_status), cmocka_unit_test(test_startup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
