/* test-scope.c: systemd/scope (a transient scope per container) where it can be tested
 * without a systemd: the unit name, the bus detection on a (faked) cgroup v2 host and the
 * quiet no-op without a bus or cgroup v2, joining one's own cgroup, the sd-bus symbol table
 * (systemd/dl-bus), and that pm does not link libsystemd at start-up. The scope itself is tested
 * for real in tests/vm/010-cgroup.bats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "systemd/dl-bus.h"
#include "systemd/scope.h"

static void test_unit_name(void **state)
{
	_cleanup_free_ char *n = pm_scope_unit_name("0123abcd");
	assert_string_equal(n, "pm-0123abcd.scope");
}

/* ---- link-time fakes (tests/unit/test-scope.wrap) ----
 * statfs("/sys/fs/cgroup") answers fake_cgroup_magic (0: the real statfs), so that the
 * bus detection runs on a cgroup v1 host too; geteuid() answers fake_euid (-1: the real
 * one), so that root running the test takes the user bus path; pm_dl_bus() is counted and
 * fails, so that a bus found never connects; pm_log() keeps the last message, which says
 * which way pm_cgroup_enter_scope went. */
int __real_statfs(const char *path, struct statfs *buf);
int __wrap_statfs(const char *path, struct statfs *buf);
uid_t __real_geteuid(void);
uid_t __wrap_geteuid(void);
int __real_pm_dl_bus(pm_error **err);
int __wrap_pm_dl_bus(pm_error **err);
void __wrap_pm_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static long fake_cgroup_magic;
static int fake_euid = -1;
static int dl_bus_calls;
static char last_log[512];

int __wrap_statfs(const char *path, struct statfs *buf)
{
	if (fake_cgroup_magic && strcmp(path, "/sys/fs/cgroup") == 0) {
		memset(buf, 0, sizeof(*buf));
		buf->f_type = fake_cgroup_magic;
		return 0;
	}
	return __real_statfs(path, buf);
}

uid_t __wrap_geteuid(void)
{
	return fake_euid >= 0 ? (uid_t)fake_euid : __real_geteuid();
}

int __wrap_pm_dl_bus(pm_error **err)
{
	dl_bus_calls++;
	return pm_error_set(err, EOPNOTSUPP, "fake libsystemd: not loaded by test-scope");
}

void __wrap_pm_log(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

/* Each test starts with no fakes, an empty XDG_RUNTIME_DIR of its own and no bus address
 * in the environment; the environment is put back afterwards. */
struct env {
	char dir[32];
	char *old[3];
};
static const char *const env_names[] = {"XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS",
					"DBUS_SYSTEM_BUS_ADDRESS"};

static int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	assert_non_null(e);
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(env_names[i]);
		e->old[i] = v ? strdup(v) : NULL;
		unsetenv(env_names[i]);
	}
	strcpy(e->dir, "/tmp/pm-test-scope.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	setenv("XDG_RUNTIME_DIR", e->dir, 1);
	fake_cgroup_magic = 0;
	fake_euid = -1;
	dl_bus_calls = 0;
	last_log[0] = '\0';
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;
	for (size_t i = 0; i < 3; i++) {
		if (e->old[i])
			setenv(env_names[i], e->old[i], 1);
		else
			unsetenv(env_names[i]);
		free(e->old[i]);
	}
	assert_int_equal(pm_rm_rf(e->dir, NULL), 0);
	free(e);
	fake_cgroup_magic = 0;
	fake_euid = -1;
	return 0;
}

/* pm_cgroup_enter_scope must return PM_SCOPE_NONE, no path, no error, having logged why. */
static void enter_scope_none(const char *why)
{
	_cleanup_error_ pm_error *err = NULL;
	char *path = (char *)"unset";
	last_log[0] = '\0';
	assert_int_equal(pm_cgroup_enter_scope(getpid(), "0123abcd", NULL, &path, &err),
			 PM_SCOPE_NONE);
	assert_null(path);
	assert_null(err);
	assert_string_equal(last_log, why);
}

static void bind_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	assert_true(strlen(path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

#define NO_USER_BUS                                                                                \
	"no container scope: no user bus (set DBUS_SESSION_BUS_ADDRESS or XDG_RUNTIME_DIR)"
#define BUS_FOUND "no container scope: fake libsystemd: not loaded by test-scope"

/* A cgroup v2 host, a user without a bus: the bus detection runs and finds none (no
 * DBUS_SESSION_BUS_ADDRESS, no socket XDG_RUNTIME_DIR/bus): nothing is done, nothing fails.
 * The same detection finds the socket, or the address, once they are there. */
static void test_noop_without_bus(void **state)
{
	struct env *e = *state;
	fake_cgroup_magic = CGROUP2_SUPER_MAGIC;
	fake_euid = 1000;
	_cleanup_free_ char *bus = pm_path_join(e->dir, "bus");

	enter_scope_none(NO_USER_BUS);
	assert_int_equal(dl_bus_calls, 0);

	/* a "bus" that is not a socket is no bus */
	assert_int_equal(pm_write_file_atomic(bus, "x", 1, 0600, NULL), 0);
	enter_scope_none(NO_USER_BUS);
	assert_int_equal(unlink(bus), 0);
	/* no XDG_RUNTIME_DIR at all */
	unsetenv("XDG_RUNTIME_DIR");
	enter_scope_none(NO_USER_BUS);
	setenv("XDG_RUNTIME_DIR", "", 1);
	enter_scope_none(NO_USER_BUS);
	assert_int_equal(dl_bus_calls, 0);

	/* the detection's other answer: a socket at XDG_RUNTIME_DIR/bus ... */
	setenv("XDG_RUNTIME_DIR", e->dir, 1);
	bind_socket(bus);
	enter_scope_none(BUS_FOUND);
	assert_int_equal(dl_bus_calls, 1);
	assert_int_equal(unlink(bus), 0);
	/* ... or DBUS_SESSION_BUS_ADDRESS */
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", 1);
	enter_scope_none(BUS_FOUND);
	assert_int_equal(dl_bus_calls, 2);
	setenv("DBUS_SESSION_BUS_ADDRESS", "", 1);
	enter_scope_none(NO_USER_BUS);
	assert_int_equal(dl_bus_calls, 2);
}

/* Real root (uid 0 of the initial user namespace) asks the system bus, never the user's. */
static void test_root_uses_system_bus(void **state)
{
	_cleanup_free_ char *map = NULL;
	unsigned long in, out, count;
	if (__real_geteuid() != 0 || pm_read_line_file("/proc/self/uid_map", &map, NULL) < 0 ||
	    sscanf(map, "%lu %lu %lu", &in, &out, &count) != 3 || count != 4294967295UL)
		skip(); /* not root of the initial user namespace */
	fake_cgroup_magic = CGROUP2_SUPER_MAGIC;
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", 1);
	if (access("/run/dbus/system_bus_socket", F_OK) != 0) {
		enter_scope_none("no container scope: no system bus (set DBUS_SESSION_BUS_ADDRESS "
				 "or XDG_RUNTIME_DIR)");
		assert_int_equal(dl_bus_calls, 0);
	}
	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/system_bus_socket", 1);
	enter_scope_none(BUS_FOUND);
	assert_int_equal(dl_bus_calls, 1);
}

/* On a host without cgroup v2 (hybrid, v1) nothing is tried, whatever the bus. */
static void test_noop_without_cgroup2(void **state)
{
	fake_cgroup_magic = TMPFS_MAGIC;
	fake_euid = 1000;
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", 1);
	enter_scope_none("no container scope: /sys/fs/cgroup is not a cgroup v2 hierarchy");
	assert_int_equal(dl_bus_calls, 0);
}

static void test_join_own_cgroup(void **state)
{
	assert_int_equal(pm_cgroup_join_pid(getpid()), PM_SCOPE_NONE);
}

static void test_dl_bus(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	int r = __real_pm_dl_bus(&err);
	if (r < 0 && err && strstr(err->msg, "is not installed"))
		skip();
	assert_true(r >= 0);
	assert_non_null(sym_sd_bus_open_user);
	assert_non_null(sym_sd_bus_message_append);
	assert_int_equal(__real_pm_dl_bus(NULL), 0); /* once */
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
		cmocka_unit_test_setup_teardown(test_noop_without_bus, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_root_uses_system_bus, env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_noop_without_cgroup2, env_setup, env_teardown),
		cmocka_unit_test(test_join_own_cgroup),
		cmocka_unit_test(test_dl_bus),
		cmocka_unit_test(test_pm_links_no_libsystemd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
