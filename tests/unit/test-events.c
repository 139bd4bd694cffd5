/* test-events.c: unit tests for lib/events (the log line's encoding and decoding, podman's
 * human form, --filter matching, the append). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/events.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* 2026-12-06T05:00:00.1234Z */
#define T0 (1796533200LL * 1000000000LL + 123400000LL)

static void test_encode_order(void **state)
{
	char *attrs[] = {"z=1", "a=2", NULL};
	struct pm_event ev = {.type = "container",
			      .status = "died",
			      .id = ID,
			      .name = "c1",
			      .image = "localhost/busybox:latest",
			      .pod_id = "p",
			      .has_exit_code = true,
			      .exit_code = 3,
			      .time_ns = T0,
			      .attrs = attrs};
	_cleanup_free_ char *s = pm_event_encode(&ev);
	assert_string_equal(s, "{\"ContainerExitCode\":3,\"ID\":\"" ID "\",\"Image\":"
			       "\"localhost/busybox:latest\",\"Name\":\"c1\",\"Status\":\"died\","
			       "\"Time\":\"2026-12-06T05:00:00.1234Z\",\"Type\":\"container\","
			       "\"PodID\":\"p\",\"Attributes\":{\"a\":\"2\",\"z\":\"1\"}}\n");
	/* empty fields and exit code 0 left out, Attributes null */
	struct pm_event v = {.type = "volume",
			     .status = "create",
			     .name = "v",
			     .has_exit_code = true,
			     .time_ns = T0};
	_cleanup_free_ char *s2 = pm_event_encode(&v);
	assert_string_equal(s2, "{\"Name\":\"v\",\"Status\":\"create\",\"Time\":\"2026-12-06T05:00:"
				"00.1234Z\",\"Type\":\"volume\",\"Attributes\":null}\n");
	/* whole seconds: no fraction */
	v.time_ns = 1796533200LL * 1000000000LL;
	_cleanup_free_ char *s3 = pm_event_encode(&v);
	assert_non_null(strstr(s3, "\"Time\":\"2026-12-06T05:00:00Z\""));
}

static void test_encode_cap(void **state)
{
	/* a huge label: the line loses its attributes rather than growing past the cap */
	_cleanup_free_ char *big = malloc(PM_EVENT_LINE_MAX + 10);
	memset(big, 'x', PM_EVENT_LINE_MAX + 9);
	big[0] = 'k';
	big[1] = '=';
	big[PM_EVENT_LINE_MAX + 9] = '\0';
	char *attrs[] = {big, NULL};
	struct pm_event ev = {
		.type = "container", .status = "create", .id = ID, .time_ns = T0, .attrs = attrs};
	_cleanup_free_ char *s = pm_event_encode(&ev);
	assert_non_null(s);
	assert_true(strlen(s) < PM_EVENT_LINE_MAX);
	assert_non_null(strstr(s, "\"Attributes\":null"));
	/* a huge name: no line at all */
	struct pm_event n = {.type = "volume", .status = "create", .name = big, .time_ns = T0};
	assert_null(pm_event_encode(&n));
}

static void test_decode_roundtrip(void **state)
{
	char *attrs[] = {"foo=bar", NULL};
	struct pm_event ev = {.type = "container",
			      .status = "died",
			      .id = ID,
			      .name = "c1",
			      .image = "img",
			      .has_exit_code = true,
			      .exit_code = 137,
			      .time_ns = T0,
			      .attrs = attrs};
	_cleanup_free_ char *s = pm_event_encode(&ev);
	struct pm_event d;
	assert_int_equal(pm_event_decode(s, strlen(s), &d), 0);
	assert_string_equal(d.type, "container");
	assert_string_equal(d.status, "died");
	assert_string_equal(d.id, ID);
	assert_string_equal(d.name, "c1");
	assert_string_equal(d.image, "img");
	assert_null(d.pod_id);
	assert_true(d.has_exit_code);
	assert_int_equal(d.exit_code, 137);
	assert_int_equal(d.time_ns, T0);
	assert_string_equal(d.attrs[0], "foo=bar");
	assert_null(d.attrs[1]);
	pm_event_clear(&d);
	/* podman's own line decodes too */
	const char *p = "{\"Name\":\"ev1\",\"Status\":\"create\",\"Time\":\"2026-12-06T04:59:43."
			"204438584Z\",\"Type\":\"volume\",\"Attributes\":null}";
	assert_int_equal(pm_event_decode(p, strlen(p), &d), 0);
	assert_string_equal(d.name, "ev1");
	assert_false(d.has_exit_code);
	pm_event_clear(&d);
	/* not events */
	const char *bad[] = {"", "{", "[]", "{\"Status\":\"x\",\"Type\":\"y\"}",
			     "{\"Status\":\"x\",\"Type\":\"y\",\"Time\":\"yesterday\"}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(pm_event_decode(bad[i], strlen(bad[i]), &d), -EINVAL);
}

static void test_human(void **state)
{
	setenv("TZ", "UTC", 1);
	char *attrs[] = {"z=1", "a=2", NULL};
	struct pm_event c = {.type = "container",
			     .status = "create",
			     .id = ID,
			     .name = "c1",
			     .image = "img",
			     .time_ns = T0,
			     .attrs = attrs};
	_cleanup_free_ char *s = pm_event_human(&c, false);
	assert_string_equal(s, "2026-12-06 05:00:00.1234 +0000 UTC container create " ID
			       " (image=img, name=c1, a=2, z=1)");
	c.pod_id = "pp";
	c.attrs = NULL;
	_cleanup_free_ char *t = pm_event_human(&c, true);
	assert_string_equal(t, "2026-12-06 05:00:00.1234 +0000 UTC container create 0123456789ab"
			       " (image=img, name=c1, pod_id=pp)");
	struct pm_event v = {.type = "volume", .status = "remove", .name = "v1", .time_ns = T0};
	_cleanup_free_ char *u = pm_event_human(&v, false);
	assert_string_equal(u, "2026-12-06 05:00:00.1234 +0000 UTC volume remove v1");
	struct pm_event i = {.type = "image", .status = "remove", .id = ID, .time_ns = T0};
	_cleanup_free_ char *w = pm_event_human(&i, false);
	assert_string_equal(w, "2026-12-06 05:00:00.1234 +0000 UTC image remove " ID " ");
	struct pm_event p = {
		.type = "pod", .status = "create", .id = ID, .name = "p", .time_ns = T0};
	_cleanup_free_ char *x = pm_event_human(&p, false);
	assert_string_equal(x, "2026-12-06 05:00:00.1234 +0000 UTC pod create " ID
			       " (image=, name=p)");
}

static void test_filters(void **state)
{
	char *attrs[] = {"team=a", "flag", NULL};
	struct pm_event c = {.type = "container",
			     .status = "start",
			     .id = ID,
			     .name = "c1",
			     .image = "img",
			     .pod_id = "feed",
			     .attrs = attrs};
	struct pm_event_filters f = {0};
	pm_error *err = NULL;
	assert_true(pm_event_match(&f, &c)); /* none: everything */

	assert_int_equal(pm_event_filters_add(&f, "foo=bar", &err), -EINVAL);
	assert_string_equal(err->msg, "foo is an invalid filter");
	err = pm_error_free(err);
	assert_int_equal(pm_event_filters_add(&f, "container", &err), -EINVAL);
	err = pm_error_free(err);

	const struct {
		const char *kv;
		bool match;
	} cases[] = {
		{"container=c1", true}, {"container=0123", true}, {"container=c2", false},
		{"container=", false},	{"event=start", true},	  {"status=start", true},
		{"event=stop", false},	{"type=container", true}, {"type=image", false},
		{"image=img", true},	{"image=other", false},	  {"label=team=a", true},
		{"label=team", true},	{"label=team=b", false},  {"label=flag", true},
		{"label=nope", false},	{"pod=feed", true},	  {"pod=beef", false},
		{"volume=c1", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct pm_event_filters one = {0};
		assert_int_equal(pm_event_filters_add(&one, cases[i].kv, NULL), 0);
		if (pm_event_match(&one, &c) != cases[i].match)
			fail_msg("filter %s: expected %d", cases[i].kv, cases[i].match);
		pm_event_filters_clear(&one);
	}
	/* one key's values are alternatives; keys are all required */
	assert_int_equal(pm_event_filters_add(&f, "event=stop", NULL), 0);
	assert_false(pm_event_match(&f, &c));
	assert_int_equal(pm_event_filters_add(&f, "event=start", NULL), 0);
	assert_true(pm_event_match(&f, &c));
	assert_int_equal(pm_event_filters_add(&f, "type=pod", NULL), 0);
	assert_false(pm_event_match(&f, &c));
	pm_event_filters_clear(&f);
	/* a volume by name */
	struct pm_event v = {.type = "volume", .status = "create", .name = "v1"};
	assert_int_equal(pm_event_filters_add(&f, "volume=v1", NULL), 0);
	assert_true(pm_event_match(&f, &v));
	pm_event_filters_clear(&f);
}

static void test_write(void **state)
{
	char dir[] = "/tmp/test-events.XXXXXX";
	assert_non_null(mkdtemp(dir));
	pm_event_emit(dir, "volume", "create", NULL, "v1", NULL);
	pm_event_emit(dir, "volume", "remove", NULL, "v1", NULL);
	_cleanup_free_ char *path = pm_event_log_path(dir);
	_cleanup_free_ char *data = NULL;
	size_t len;
	assert_int_equal(pm_read_file(path, 1 << 20, &data, &len, NULL), 0);
	char *nl = strchr(data, '\n');
	assert_non_null(nl);
	struct pm_event d;
	assert_int_equal(pm_event_decode(data, (size_t)(nl - data), &d), 0);
	assert_string_equal(d.status, "create");
	assert_true(d.time_ns > 0);
	pm_event_clear(&d);
	assert_int_equal(pm_event_decode(nl + 1, strlen(nl + 1), &d), 0);
	assert_string_equal(d.status, "remove");
	pm_event_clear(&d);
	/* a runroot that cannot hold the log: nothing happens, nothing fails */
	pm_event_emit("/proc/no-such-dir", "volume", "create", NULL, "v", NULL);
	pm_rm_rf(dir, NULL);
}

/* The template another process completes: the log's path, then the line with the zero time
 * and no exit code. */
static void test_template(void **state)
{
	(void)state;
	char *attrs[] = {"a=\"Time\":\"x", NULL};
	struct pm_event ev = {.type = "container",
			      .status = "exec_died",
			      .id = ID,
			      .name = "c1",
			      .has_exit_code = true,
			      .exit_code = 3,
			      .time_ns = T0,
			      .attrs = attrs};
	unsetenv(PM_EVENTS_BACKEND_ENV);
	unsetenv(PM_TMPDIR_ENV);
	_cleanup_free_ char *t = pm_event_template("/run/x", &ev);
	assert_string_equal(
		t, "/run/x/events/events.log\n{\"ID\":\"" ID "\",\"Name\":\"c1\","
		   "\"Status\":\"exec_died\",\"Time\":\"1970-01-01T00:00:00Z\","
		   "\"Type\":\"container\",\"Attributes\":{\"a\":\"\\\"Time\\\":\\\"x\"}}\n");
	setenv(PM_EVENTS_BACKEND_ENV, "none", 1);
	assert_null(pm_event_template("/run/x", &ev));
	unsetenv(PM_EVENTS_BACKEND_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_order),	 cmocka_unit_test(test_encode_cap),
		cmocka_unit_test(test_decode_roundtrip), cmocka_unit_test(test_human),
		cmocka_unit_test(test_filters),		 cmocka_unit_test(test_write),
		cmocka_unit_test(test_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
