/* test-monitor.c: unit tests for the pure parts of engine/monitor: restart policies and the
 * restart decision, /proc/PID/status parsing (caught/ignored/blocked signals), signal
 * names, detach keys, the paths (engine/ctr-paths). /proc/PID/stat: test-proc.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "engine/ctr-paths.h"
#include "engine/monitor.h"
#include "lib/strutil.h"

static void test_restart_parse(void **state)
{
	struct pm_restart_policy p;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_monitor_parse_restart(NULL, &p, NULL), 0);
	assert_int_equal(p.kind, PM_RESTART_NO);
	assert_int_equal(pm_monitor_parse_restart("no", &p, NULL), 0);
	assert_int_equal(p.kind, PM_RESTART_NO);
	assert_int_equal(pm_monitor_parse_restart("always", &p, NULL), 0);
	assert_int_equal(p.kind, PM_RESTART_ALWAYS);
	assert_int_equal(pm_monitor_parse_restart("unless-stopped", &p, NULL), 0);
	assert_int_equal(p.kind, PM_RESTART_UNLESS_STOPPED);
	assert_int_equal(pm_monitor_parse_restart("on-failure", &p, NULL), 0);
	assert_int_equal(p.kind, PM_RESTART_ON_FAILURE);
	assert_int_equal(p.max_retries, 0);
	assert_int_equal(pm_monitor_parse_restart("on-failure:3", &p, NULL), 0);
	assert_int_equal(p.max_retries, 3);
	assert_int_equal(pm_monitor_parse_restart("bogus", &p, &err), -EINVAL);
	assert_string_equal(err->msg, "\"bogus\" is not a valid restart policy");
	err = pm_error_free(err);
	assert_int_equal(pm_monitor_parse_restart("on-failure:x", &p, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "parsing \"x\": invalid syntax"));
	err = pm_error_free(err);
	assert_int_equal(pm_monitor_parse_restart("always:2", &p, &err), -EINVAL);
}

static void test_should_restart(void **state)
{
	struct pm_restart_policy no = {PM_RESTART_NO, 0}, always = {PM_RESTART_ALWAYS, 0},
				 fail2 = {PM_RESTART_ON_FAILURE, 2},
				 fail = {PM_RESTART_ON_FAILURE, 0},
				 unless = {PM_RESTART_UNLESS_STOPPED, 0};
	assert_false(pm_monitor_should_restart(&no, 1, 0, false));
	assert_true(pm_monitor_should_restart(&always, 0, 100, false));
	assert_false(pm_monitor_should_restart(&always, 0, 0, true));
	assert_false(pm_monitor_should_restart(&unless, 1, 0, true));
	assert_true(pm_monitor_should_restart(&unless, 0, 0, false));
	assert_true(pm_monitor_should_restart(&fail2, 3, 0, false));
	assert_true(pm_monitor_should_restart(&fail2, 3, 1, false));
	assert_false(pm_monitor_should_restart(&fail2, 3, 2, false));
	assert_false(pm_monitor_should_restart(&fail2, 0, 0, false));
	assert_true(pm_monitor_should_restart(&fail, 137, 1000, false));
	assert_false(pm_monitor_should_restart(&fail, 137, 0, true));
}

static void test_signal_names(void **state)
{
	int s = 0;
	assert_int_equal(pm_engine_parse_signal("TERM", &s), 0);
	assert_int_equal(s, SIGTERM);
	assert_int_equal(pm_engine_parse_signal("SIGKILL", &s), 0);
	assert_int_equal(s, SIGKILL);
	assert_int_equal(pm_engine_parse_signal("usr1", &s), 0);
	assert_int_equal(s, SIGUSR1);
	assert_int_equal(pm_engine_parse_signal("15", &s), 0);
	assert_int_equal(s, 15);
	assert_int_equal(pm_engine_parse_signal("RTMIN+1", &s), 0);
	assert_int_equal(s, SIGRTMIN + 1);
	assert_int_equal(pm_engine_parse_signal("BOGUS", &s), -EINVAL);
	assert_int_equal(pm_engine_parse_signal("0", &s), -EINVAL);
	assert_int_equal(pm_engine_parse_signal("65", &s), -EINVAL);
	assert_int_equal(pm_engine_parse_signal("", &s), -EINVAL);
}

static void test_detach_keys(void **state)
{
	unsigned char k[8];
	size_t n;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_attach_parse_keys(NULL, k, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(k[0], 0x10);
	assert_int_equal(k[1], 0x11);
	assert_int_equal(pm_attach_parse_keys("", k, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(pm_attach_parse_keys("ctrl-a,x,ctrl-@,ctrl-_", k, &n, NULL), 0);
	assert_int_equal(n, 4);
	assert_int_equal(k[0], 1);
	assert_int_equal(k[1], 'x');
	assert_int_equal(k[2], 0);
	assert_int_equal(k[3], 0x1f);
	assert_int_equal(pm_attach_parse_keys("ctrl-bogus", k, &n, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "invalid detach keys"));
}

static void test_paths(void **state)
{
	struct pm_paths p = {.root = "/r", .runroot = "/run/pm"};
	struct pm_engine e = {.paths = &p};
	struct pm_container c = {.id = "abc", .dir = "/r/db/containers/abc"};
	_cleanup_free_ char *log = pm_engine_log_path(&e, &c);
	assert_string_equal(log, "/r/db/containers/abc/ctr.log");
	_cleanup_free_ char *dir = pm_ctr_run_dir(&e, "abc");
	assert_string_equal(dir, "/run/pm/containers/abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_parse), cmocka_unit_test(test_should_restart),
		cmocka_unit_test(test_signal_names),  cmocka_unit_test(test_detach_keys),
		cmocka_unit_test(test_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
