/* test-scope.c: systemd/scope (a transient scope per container) where it can be tested
 * without a systemd: the unit name, the quiet no-op without a bus or cgroup v2, joining one's
 * own cgroup, the sd-bus symbol table (systemd/dl-bus), and that pm does not link libsystemd
 * at start-up. The scope itself is tested for real in tests/vm/010-cgroup.bats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lib/strutil.h"
#include "systemd/dl-bus.h"
#include "systemd/scope.h"

static void test_unit_name(void **state)
{
	_cleanup_free_ char *n = pm_scope_unit_name("0123abcd");
	assert_string_equal(n, "pm-0123abcd.scope");
}

static bool cgroup2(void)
{
	struct statfs s;
	return statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* No user bus (no DBUS_SESSION_BUS_ADDRESS, an XDG_RUNTIME_DIR without "bus"): nothing is
 * done, nothing fails, no path. */
static void test_noop_without_bus(void **state)
{
	if (geteuid() == 0 && cgroup2())
		skip(); /* root would use the system bus: do not move the test into a scope */
	char dir[] = "/tmp/pm-test-scope.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *old_rt = getenv("XDG_RUNTIME_DIR") ? strdup(getenv("XDG_RUNTIME_DIR")) : NULL;
	char *old_bus = getenv("DBUS_SESSION_BUS_ADDRESS")
				? strdup(getenv("DBUS_SESSION_BUS_ADDRESS"))
				: NULL;
	setenv("XDG_RUNTIME_DIR", dir, 1);
	unsetenv("DBUS_SESSION_BUS_ADDRESS");

	_cleanup_error_ pm_error *err = NULL;
	char *path = (char *)"unset";
	int r = pm_cgroup_enter_scope(getpid(), "0123abcd", &path, &err);
	assert_int_equal(r, PM_SCOPE_NONE);
	assert_null(path);
	assert_null(err);

	if (old_rt)
		setenv("XDG_RUNTIME_DIR", old_rt, 1);
	else
		unsetenv("XDG_RUNTIME_DIR");
	if (old_bus)
		setenv("DBUS_SESSION_BUS_ADDRESS", old_bus, 1);
	free(old_rt);
	free(old_bus);
	rmdir(dir);
}

/* On a host without cgroup v2 (hybrid, v1) nothing is tried, whatever the bus. */
static void test_noop_without_cgroup2(void **state)
{
	if (cgroup2())
		skip();
	_cleanup_error_ pm_error *err = NULL;
	char *path = NULL;
	assert_int_equal(pm_cgroup_enter_scope(getpid(), "x", &path, &err), PM_SCOPE_NONE);
	assert_null(path);
	assert_null(err);
}

static void test_join_own_cgroup(void **state)
{
	assert_int_equal(pm_cgroup_join_pid(getpid()), PM_SCOPE_NONE);
}

static void test_dl_bus(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_dl_bus(&err);
	if (r < 0 && err && strstr(err->msg, "is not installed"))
		skip();
	assert_true(r >= 0);
	assert_non_null(sym_sd_bus_open_user);
	assert_non_null(sym_sd_bus_message_append);
	assert_int_equal(pm_dl_bus(NULL), 0); /* once */
}

/* The pm binary (PM_TEST_BINARY, set by `make unit`) must not map libsystemd at start-up. */
static void test_pm_links_no_libsystemd(void **state)
{
	const char *pm = getenv("PM_TEST_BINARY");
	if (!pm || access(pm, X_OK) < 0)
		skip();
	_cleanup_free_ char *cmd = pm_xasprintf("LD_TRACE_LOADED_OBJECTS=1 '%s'", pm);
	FILE *f = popen(cmd, "re");
	assert_non_null(f);
	char line[512];
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "libsystemd"))
			fail_msg("pm links libsystemd at start-up: %s", line);
	assert_int_equal(pclose(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_name),
		cmocka_unit_test(test_noop_without_bus),
		cmocka_unit_test(test_noop_without_cgroup2),
		cmocka_unit_test(test_join_own_cgroup),
		cmocka_unit_test(test_dl_bus),
		cmocka_unit_test(test_pm_links_no_libsystemd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
