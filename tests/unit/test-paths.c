/* test-paths.c: unit tests for lib/paths: XDG variables, HOME, the /tmp/pm-run-<uid>
 * fallback and its safety checks, real root, the rootless-namespace uid, --root/--runroot.
 *
 * The rootless cases run in a forked child. When the tests run as real root the child first
 * enters a user namespace mapping 0 -> 0 (so it is uid 0 but not real root, as inside pm's
 * own namespace) and sets _PM_ROOTLESS_UID to a fake uid unique to this run; the fallback
 * directory /tmp/pm-run-<fake uid> is removed afterwards. Child checks print what failed
 * and exit 1; 77 means skip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/paths.h"
#include "lib/strutil.h"

struct ctx {
	char *dir;	/* temp dir of this test */
	char *fallback; /* /tmp/pm-run-<fake uid> */
	unsigned fake_uid;
};

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-paths-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	struct ctx *c = pm_xcalloc(1, sizeof(*c));
	c->dir = pm_xstrdup(tmpl);
	c->fake_uid = 3000000000u + (unsigned)getpid() % 1000000u;
	c->fallback = pm_xasprintf("/tmp/pm-run-%u", c->fake_uid);
	pm_rm_rf(c->fallback, NULL);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	int r = pm_rm_rf(c->dir, NULL);
	pm_rm_rf(c->fallback, NULL);
	free(c->dir);
	free(c->fallback);
	free(c);
	return r;
}

static char *tpath(struct ctx *c, const char *name)
{
	return pm_path_join(c->dir, name);
}

static void clear_env(void)
{
	unsetenv("XDG_DATA_HOME");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv(PM_ROOTLESS_UID_ENV);
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
			fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, __LINE__,               \
				_a ? _a : "(null)", _b ? _b : "(null)");                           \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

static void write_map(const char *file, const char *map)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		_exit(77);
	close(fd);
}

/* Become "not real root" like pm inside its rootless namespace, with the fake uid. */
static void become_rootless(struct ctx *c)
{
	if (pm_paths_is_real_root()) {
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(77);
		write_map("/proc/self/setgroups", "deny");
		write_map("/proc/self/uid_map", "0 0 1");
		write_map("/proc/self/gid_map", "0 0 1");
		CHECK(!pm_paths_in_initial_userns());
		CHECK(!pm_paths_is_real_root());
		CHECK(getuid() == 0);
	}
	char u[16];
	snprintf(u, sizeof(u), "%u", c->fake_uid);
	setenv(PM_ROOTLESS_UID_ENV, u, 1);
	CHECK(pm_paths_user_uid() == c->fake_uid);
}

static void run_child(void **state, void (*fn)(struct ctx *c))
{
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		clear_env();
		fn(*state);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- XDG variables ---- */

static void child_xdg(struct ctx *c)
{
	become_rootless(c);
	_cleanup_free_ char *data = tpath(c, "data");
	_cleanup_free_ char *cfg = tpath(c, "cfg");
	_cleanup_free_ char *rt = tpath(c, "rt");
	CHECK(mkdir(rt, 0700) == 0);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("XDG_CONFIG_HOME", cfg, 1);
	setenv("XDG_RUNTIME_DIR", rt, 1);
	unsetenv("HOME"); /* not needed when every XDG variable is set */
	struct pm_paths p;
	pm_error *err = NULL;
	CHECK(pm_paths_init(&p, NULL, NULL, &err) == 0);
	_cleanup_free_ char *want_root = pm_xasprintf("%s/pm/storage", data);
	_cleanup_free_ char *want_run = pm_xasprintf("%s/pm", rt);
	_cleanup_free_ char *want_cfg = pm_xasprintf("%s/pm", cfg);
	CHECK_STR(p.root, want_root);
	CHECK_STR(p.runroot, want_run);
	CHECK_STR(p.config, want_cfg);
	CHECK_STR(p.data_home, data);
	CHECK_STR(p.runtime_dir, rt);
	CHECK(!pm_path_exists(p.root)); /* init creates nothing */
	CHECK(!pm_path_exists(c->fallback));

	/* ensure creates both, 0700 */
	CHECK(pm_paths_ensure(&p, &err) == 0);
	struct stat st;
	CHECK(stat(p.root, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK(stat(p.runroot, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK(pm_paths_ensure(&p, &err) == 0); /* idempotent */
	pm_paths_free(&p);
	CHECK(p.root == NULL);
}

static void test_xdg(void **state)
{
	run_child(state, child_xdg);
}

static void child_home_defaults(struct ctx *c)
{
	become_rootless(c);
	_cleanup_free_ char *home = tpath(c, "home");
	_cleanup_free_ char *rt = tpath(c, "rt");
	CHECK(mkdir(rt, 0700) == 0);
	setenv("HOME", home, 1);
	setenv("XDG_RUNTIME_DIR", rt, 1);
	setenv("XDG_DATA_HOME", "relative/ignored", 1); /* XDG spec: relative values ignored */
	struct pm_paths p;
	CHECK(pm_paths_init(&p, NULL, NULL, NULL) == 0);
	_cleanup_free_ char *want_root = pm_xasprintf("%s/.local/share/pm/storage", home);
	_cleanup_free_ char *want_cfg = pm_xasprintf("%s/.config/pm", home);
	CHECK_STR(p.root, want_root);
	CHECK_STR(p.config, want_cfg);
	pm_paths_free(&p);
}

static void test_home_defaults(void **state)
{
	run_child(state, child_home_defaults);
}

static void child_no_home(struct ctx *c)
{
	/* The fake uid has no passwd entry: without HOME there is no default. */
	become_rootless(c);
	unsetenv("HOME");
	_cleanup_free_ char *rt = tpath(c, "rt");
	CHECK(mkdir(rt, 0700) == 0);
	setenv("XDG_RUNTIME_DIR", rt, 1);
	struct pm_paths p;
	pm_error *err = NULL;
	CHECK(pm_paths_init(&p, NULL, NULL, &err) == -ENOENT);
	CHECK(err && strstr(err->msg, "cannot find the home directory of uid"));
	CHECK(strstr(err->msg, "set $HOME"));
	CHECK(p.root == NULL && p.config == NULL); /* zeroed on error */
	pm_error_free(err);
}

static void test_no_home(void **state)
{
	run_child(state, child_no_home);
}

/* ---- XDG_RUNTIME_DIR and the /tmp fallback ---- */

static void expect_fallback(struct ctx *c)
{
	struct pm_paths p;
	pm_error *err = NULL;
	if (pm_paths_init(&p, NULL, NULL, &err) != 0) {
		fprintf(stderr, "pm_paths_init: %s\n", err ? err->msg : "?");
		_exit(1);
	}
	CHECK_STR(p.runtime_dir, c->fallback);
	_cleanup_free_ char *want = pm_xasprintf("%s/pm", c->fallback);
	CHECK_STR(p.runroot, want);
	struct stat st;
	CHECK(lstat(c->fallback, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 07777) == 0700);
	pm_paths_free(&p);
}

static void child_fallback_unset(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	expect_fallback(c);
	expect_fallback(c); /* second time: exists, ours: accepted */
}

static void test_fallback_unset(void **state)
{
	run_child(state, child_fallback_unset);
}

static void child_fallback_missing(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	_cleanup_free_ char *rt = tpath(c, "no-such-dir");
	setenv("XDG_RUNTIME_DIR", rt, 1);
	expect_fallback(c);
}

static void test_fallback_missing(void **state)
{
	run_child(state, child_fallback_missing);
}

static void child_fallback_not_dir(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	_cleanup_free_ char *rt = tpath(c, "file");
	CHECK(pm_write_file_atomic(rt, "x", 1, 0600, NULL) == 0);
	setenv("XDG_RUNTIME_DIR", rt, 1);
	expect_fallback(c);
}

static void test_fallback_not_dir(void **state)
{
	run_child(state, child_fallback_not_dir);
}

static void child_fallback_foreign_rt(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	setenv("XDG_RUNTIME_DIR", getenv("PM_TEST_FOREIGN"), 1);
	expect_fallback(c);
}

static void test_fallback_foreign_runtime_dir(void **state)
{
	struct ctx *c = *state;
	/* A directory owned by someone else: as root make one; otherwise "/" is not ours. */
	_cleanup_free_ char *foreign = tpath(c, "foreign");
	if (geteuid() == 0) {
		assert_int_equal(mkdir(foreign, 0777), 0);
		assert_int_equal(chown(foreign, 54321, 54321), 0);
		setenv("PM_TEST_FOREIGN", foreign, 1);
	} else {
		setenv("PM_TEST_FOREIGN", "/", 1);
	}
	run_child(state, child_fallback_foreign_rt);
	unsetenv("PM_TEST_FOREIGN");
}

static void child_fallback_symlink(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	CHECK(symlink(c->dir, c->fallback) == 0);
	struct pm_paths p;
	pm_error *err = NULL;
	CHECK(pm_paths_init(&p, NULL, NULL, &err) == -EPERM);
	_cleanup_free_ char *want =
		pm_xasprintf("runtime directory '%s' is a symlink: refusing to use it "
			     "(remove it or set XDG_RUNTIME_DIR)",
			     c->fallback);
	CHECK_STR(err->msg, want);
	pm_error_free(err);
}

static void test_fallback_symlink(void **state)
{
	run_child(state, child_fallback_symlink);
}

static void child_fallback_foreign(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	struct pm_paths p;
	pm_error *err = NULL;
	CHECK(pm_paths_init(&p, NULL, NULL, &err) == -EPERM);
	CHECK(strstr(err->msg, "is owned by uid"));
	CHECK(strstr(err->msg, c->fallback));
	CHECK(strstr(err->msg, "refusing to use it"));
	pm_error_free(err);
}

static void test_fallback_foreign_owner(void **state)
{
	struct ctx *c = *state;
	if (geteuid() != 0)
		skip(); /* needs a directory owned by another uid */
	assert_int_equal(mkdir(c->fallback, 0700), 0);
	assert_int_equal(chown(c->fallback, 54321, 54321), 0);
	run_child(state, child_fallback_foreign);
}

static void child_fallback_tighten(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	CHECK(mkdir(c->fallback, 0700) == 0);
	CHECK(chmod(c->fallback, 0755) == 0);
	expect_fallback(c); /* checks the mode is back to 0700 */
}

static void test_fallback_tighten_mode(void **state)
{
	run_child(state, child_fallback_tighten);
}

static void child_runroot_opt(struct ctx *c)
{
	become_rootless(c);
	setenv("HOME", c->dir, 1);
	/* --runroot: the fallback is not needed, so it is not created */
	_cleanup_free_ char *rr = tpath(c, "rr/pm");
	_cleanup_free_ char *rrparent = tpath(c, "rr");
	_cleanup_free_ char *root = tpath(c, "myroot");
	struct pm_paths p;
	CHECK(pm_paths_init(&p, root, rr, NULL) == 0);
	CHECK_STR(p.root, root);
	CHECK_STR(p.runroot, rr);
	CHECK_STR(p.runtime_dir, rrparent);
	CHECK(!pm_path_exists(c->fallback));
	pm_paths_free(&p);

	/* relative options become absolute */
	CHECK(chdir(c->dir) == 0);
	CHECK(pm_paths_init(&p, "r1", "r2", NULL) == 0);
	_cleanup_free_ char *w1 = tpath(c, "r1");
	_cleanup_free_ char *w2 = tpath(c, "r2");
	CHECK_STR(p.root, w1);
	CHECK_STR(p.runroot, w2);
	pm_paths_free(&p);

	/* empty options are refused, naming the flag */
	pm_error *err = NULL;
	CHECK(pm_paths_init(&p, "", NULL, &err) == -EINVAL);
	CHECK_STR(err->msg, "invalid --root '': must be a directory path");
	pm_error_free(err);
	err = NULL;
	CHECK(pm_paths_init(&p, NULL, "", &err) == -EINVAL);
	CHECK_STR(err->msg, "invalid --runroot '': must be a directory path");
	pm_error_free(err);
}

static void test_root_runroot_opts(void **state)
{
	run_child(state, child_runroot_opt);
}

static void child_ensure_error(struct ctx *c)
{
	become_rootless(c);
	_cleanup_free_ char *f = tpath(c, "file");
	CHECK(pm_write_file_atomic(f, "x", 1, 0600, NULL) == 0);
	_cleanup_free_ char *root = tpath(c, "file/root");
	_cleanup_free_ char *rr = tpath(c, "rr");
	struct pm_paths p;
	pm_error *err = NULL;
	setenv("HOME", c->dir, 1);
	CHECK(pm_paths_init(&p, root, rr, &err) == 0);
	CHECK(pm_paths_ensure(&p, &err) == -ENOTDIR);
	CHECK(strstr(err->msg, "creating directory '"));
	pm_error_free(err);
	pm_paths_free(&p);
}

static void test_ensure_error(void **state)
{
	run_child(state, child_ensure_error);
}

static void child_user_uid(struct ctx *c)
{
	if (pm_paths_is_real_root()) {
		/* real root ignores the variable */
		setenv(PM_ROOTLESS_UID_ENV, "1000", 1);
		CHECK(pm_paths_user_uid() == 0);
	}
	become_rootless(c);
	setenv(PM_ROOTLESS_UID_ENV, "garbage", 1);
	CHECK(pm_paths_user_uid() == getuid());
	setenv(PM_ROOTLESS_UID_ENV, "", 1);
	CHECK(pm_paths_user_uid() == getuid());
	setenv(PM_ROOTLESS_UID_ENV, "4294967295", 1); /* (uid_t)-1 is not a uid */
	CHECK(pm_paths_user_uid() == getuid());
	setenv(PM_ROOTLESS_UID_ENV, "1000", 1);
	CHECK(pm_paths_user_uid() == 1000);
}

static void test_user_uid(void **state)
{
	run_child(state, child_user_uid);
}

/* ---- real root ---- */

static void child_real_root(struct ctx *c)
{
	_cleanup_free_ char *home = tpath(c, "home");
	setenv("HOME", home, 1);
	setenv("XDG_DATA_HOME", "/should/not/matter", 1);
	setenv("XDG_RUNTIME_DIR", c->dir, 1);
	struct pm_paths p;
	CHECK(pm_paths_init(&p, NULL, NULL, NULL) == 0);
	CHECK_STR(p.root, "/var/lib/pm/storage");
	CHECK_STR(p.runroot, "/run/pm");
	CHECK_STR(p.data_home, "/var/lib");
	CHECK_STR(p.runtime_dir, "/run");
	_cleanup_free_ char *cfg = pm_xasprintf("%s/.config/pm", home);
	CHECK_STR(p.config, cfg);
	pm_paths_free(&p);
	/* overrides still win */
	CHECK(pm_paths_init(&p, "/x/root", "/x/run", NULL) == 0);
	CHECK_STR(p.root, "/x/root");
	CHECK_STR(p.runroot, "/x/run");
	pm_paths_free(&p);
}

static void test_real_root(void **state)
{
	if (!pm_paths_is_real_root())
		skip();
	assert_true(pm_paths_in_initial_userns());
	run_child(state, child_real_root);
}

static void test_free_zeroes(void **state)
{
	struct pm_paths p = {0};
	pm_paths_free(&p); /* all NULL: fine */
	assert_null(p.root);
}

/* pm_helper_path: beside pm, then <prefix>/libexec/pm, then the compile-time dir; the error
 * names every place. */
static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void make_exec(const char *dir, const char *rel)
{
	_cleanup_free_ char *path = pm_path_join(dir, rel);
	_cleanup_free_ char *parent = pm_xstrdup(path);
	*strrchr(parent, '/') = 0;
	assert_int_equal(pm_mkdir_p(parent, 0755, NULL), 0);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	close(fd);
}

static void test_helper_path(void **state)
{
	struct ctx *c = *state;
	_cleanup_free_ char *self = pm_path_join(c->dir, "opt/bin/pm");
	_cleanup_free_ char *compiled = pm_path_join(c->dir, "usr/libexec/pm");
	pm_error *err = NULL;

	/* nowhere: the error names the three places */
	char *p = pm_helper_path_in(self, compiled, "pm-monitor", &err);
	assert_null(p);
	assert_non_null(err);
	_cleanup_free_ char *want = pm_xasprintf(
		"cannot find pm's helper program 'pm-monitor' (looked for '%s/opt/bin/pm-monitor', "
		"'%s/opt/libexec/pm/pm-monitor' and '%s/usr/libexec/pm/pm-monitor'): is pm "
		"installed completely?",
		c->dir, c->dir, c->dir);
	assert_string_equal(err->msg, want);
	pm_error_free(err);
	err = NULL;

	/* the compile-time dir, last */
	make_exec(c->dir, "usr/libexec/pm/pm-monitor");
	p = pm_helper_path_in(self, compiled, "pm-monitor", &err);
	assert_non_null(p);
	assert_true(ends_with(p, "/usr/libexec/pm/pm-monitor"));
	free(p);

	/* <prefix>/libexec/pm beats it (an install with another PREFIX) */
	make_exec(c->dir, "opt/libexec/pm/pm-monitor");
	p = pm_helper_path_in(self, compiled, "pm-monitor", &err);
	assert_non_null(p);
	assert_true(ends_with(p, "/opt/libexec/pm/pm-monitor"));
	free(p);

	/* beside pm (a build tree) beats both */
	make_exec(c->dir, "opt/bin/pm-monitor");
	p = pm_helper_path_in(self, compiled, "pm-monitor", &err);
	assert_non_null(p);
	assert_true(ends_with(p, "/opt/bin/pm-monitor"));
	free(p);

	/* not executable: skipped */
	_cleanup_free_ char *beside = pm_path_join(c->dir, "opt/bin/pm-monitor");
	assert_int_equal(chmod(beside, 0644), 0);
	p = pm_helper_path_in(self, compiled, "pm-monitor", &err);
	assert_true(ends_with(p, "/opt/libexec/pm/pm-monitor"));
	free(p);

	/* no self (no /proc): only the compile-time dir */
	p = pm_helper_path_in(NULL, compiled, "pm-monitor", &err);
	assert_true(ends_with(p, "/usr/libexec/pm/pm-monitor"));
	free(p);
	assert_null(err);

	/* the real lookup, from this test binary's location */
	p = pm_helper_path("pm-no-such-helper", &err);
	assert_null(p);
	assert_non_null(strstr(err->msg, "'pm-no-such-helper'"));
	pm_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_xdg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_not_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_foreign_runtime_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_foreign_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_tighten_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_runroot_opts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ensure_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_uid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_root, setup, teardown),
		cmocka_unit_test(test_free_zeroes),
		cmocka_unit_test_setup_teardown(test_helper_path, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
