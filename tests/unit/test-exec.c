/* test-exec.c: unit tests for `pm exec`'s settings (engine/exec.c pm_exec_apply: the exec
 * flags on top of the container's process spec) and runtime/exec.c's namespace comparison. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/exec.h"
#include "lib/strutil.h"
#include "runtime/caps.h"
#include "runtime/exec.h"

static char *host_env[] = {"HOME=/home/u", "FROMHOST=h", "XA=1", "XB=2", NULL};

/* A container's process spec as engine/spec.c makes it. */
static void container_spec(struct pm_runtime_spec *s, uid_t uid)
{
	memset(s, 0, sizeof(*s));
	pm_strv_push(&s->args, "sleep");
	pm_strv_push(&s->args, "100");
	pm_strv_push(&s->env, "PATH=/bin");
	pm_strv_push(&s->env, "A=container");
	pm_strv_push(&s->env, "B=container");
	s->cwd = pm_xstrdup("/srv");
	s->uid = uid;
	s->init = true;
	s->tty = true;
	s->stdin_open = true;
	assert_int_equal(pm_caps_compute(NULL, NULL, false, uid == 0, &s->caps, NULL), 0);
}

static const char *env_get(char **env, const char *key)
{
	size_t n = strlen(key);
	for (char **i = env; i && *i; i++)
		if (!strncmp(*i, key, n) && (*i)[n] == '=')
			return *i + n + 1;
	return NULL;
}

static void test_defaults(void **state)
{
	struct pm_runtime_spec s;
	container_spec(&s, 0);
	char *args[] = {"ps", "-ef", NULL};
	struct pm_exec_config x = {.args = args};
	assert_int_equal(pm_exec_apply(&s, &x, host_env, NULL), 0);
	assert_int_equal(pm_strv_length(s.args), 2);
	assert_string_equal(s.args[0], "ps");
	assert_string_equal(s.args[1], "-ef");
	assert_string_equal(s.cwd, "/srv"); /* the container's */
	assert_int_equal(pm_strv_length(s.env), 3);
	assert_false(s.tty);	    /* not the container's -t */
	assert_false(s.stdin_open); /* nor its -i */
	assert_false(s.init);
	assert_int_equal(s.caps.effective, PM_CAPS_DEFAULT);
	assert_int_equal(s.caps.bounding, PM_CAPS_DEFAULT);
	pm_runtime_spec_clear(&s);
}

static void test_env_order(void **state)
{
	struct pm_runtime_spec s;
	container_spec(&s, 0);
	char path[] = "/tmp/pm-test-exec-env.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *data = "# from the file\nB=file\nC=file\nFROMHOST\n";
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
	char *args[] = {"env", NULL};
	char *files[] = {path, NULL};
	char *env[] = {"C=flag", "D=flag", "X*", NULL};
	struct pm_exec_config x = {.args = args, .env_files = files, .env = env};
	assert_int_equal(pm_exec_apply(&s, &x, host_env, NULL), 0);
	unlink(path);
	assert_string_equal(env_get(s.env, "A"), "container");
	assert_string_equal(env_get(s.env, "B"), "file"); /* file over container */
	assert_string_equal(env_get(s.env, "C"), "flag"); /* -e over file */
	assert_string_equal(env_get(s.env, "D"), "flag");
	assert_string_equal(env_get(s.env, "FROMHOST"), "h"); /* host value */
	assert_string_equal(env_get(s.env, "XA"), "1");	      /* glob */
	assert_string_equal(env_get(s.env, "XB"), "2");
	assert_null(env_get(s.env, "HOME"));
	pm_runtime_spec_clear(&s);
}

static void test_flags(void **state)
{
	struct pm_runtime_spec s;
	container_spec(&s, 0);
	char *args[] = {"sh", NULL};
	struct pm_exec_config x = {
		.args = args, .workdir = "/tmp", .tty = true, .interactive = true};
	assert_int_equal(pm_exec_apply(&s, &x, host_env, NULL), 0);
	assert_string_equal(s.cwd, "/tmp");
	assert_true(s.tty);
	assert_true(s.stdin_open);
	pm_runtime_spec_clear(&s);

	/* -d: no terminal, no stdin, whatever -t and -i say. */
	container_spec(&s, 0);
	x.detach = true;
	assert_int_equal(pm_exec_apply(&s, &x, host_env, NULL), 0);
	assert_false(s.tty);
	assert_false(s.stdin_open);
	pm_runtime_spec_clear(&s);
}

static void test_privileged(void **state)
{
	struct pm_runtime_spec s;
	container_spec(&s, 0);
	char *args[] = {"true", NULL};
	struct pm_exec_config x = {.args = args, .privileged = true};
	assert_int_equal(pm_exec_apply(&s, &x, host_env, NULL), 0);
	assert_int_equal(s.caps.bounding, pm_caps_all());
	assert_int_equal(s.caps.effective, pm_caps_all());
	assert_int_equal(s.caps.permitted, pm_caps_all());
	pm_runtime_spec_clear(&s);

	/* A non-root user gets the full bounding set but no effective capability. */
	container_spec(&s, 1000);
	assert_int_equal(s.caps.effective, 0);
	assert_int_equal(pm_exec_apply(&s, &x, host_env, NULL), 0);
	assert_int_equal(s.caps.bounding, pm_caps_all());
	assert_int_equal(s.caps.effective, 0);
	pm_runtime_spec_clear(&s);
}

static void test_errors(void **state)
{
	struct pm_runtime_spec s;
	container_spec(&s, 0);
	_cleanup_error_ pm_error *err = NULL;
	struct pm_exec_config x = {0};
	assert_int_equal(pm_exec_apply(&s, &x, host_env, &err), -EINVAL);
	assert_string_equal(err->msg, "exec requires a command to run");
	err = pm_error_free(err);

	char *args[] = {"pwd", NULL};
	x = (struct pm_exec_config){.args = args, .workdir = "tmp"};
	assert_int_equal(pm_exec_apply(&s, &x, host_env, &err), -EINVAL);
	assert_string_equal(err->msg, "--workdir 'tmp': must be an absolute path");
	err = pm_error_free(err);

	char *env[] = {"=x", NULL};
	x = (struct pm_exec_config){.args = args, .env = env};
	assert_int_equal(pm_exec_apply(&s, &x, host_env, &err), -EINVAL);
	assert_string_equal(err->msg, "--env: invalid environment variable '=x'");
	err = pm_error_free(err);

	char *files[] = {"/nonexistent/env", NULL};
	x = (struct pm_exec_config){.args = args, .env_files = files};
	assert_true(pm_exec_apply(&s, &x, host_env, &err) < 0);
	assert_string_equal(err->msg, "parsing env file \"/nonexistent/env\": open "
				      "/nonexistent/env: no such file or directory");
	pm_runtime_spec_clear(&s);
}

static void test_ns_flags(void **state)
{
	unsigned flags = ~0u;
	assert_int_equal(pm_exec_ns_flags(getpid(), &flags), 0);
	assert_int_equal(flags, 0); /* our own namespaces: nothing to join */
	/* A pid that cannot exist. */
	assert_int_equal(pm_exec_ns_flags(0x3fffffff, &flags), -ENOENT);
}

static void test_config_clear(void **state)
{
	struct pm_exec_config x = {0};
	pm_strv_push(&x.args, "a");
	pm_strv_push(&x.env, "A=1");
	pm_strv_push(&x.env_files, "f");
	x.workdir = pm_xstrdup("/w");
	x.user = pm_xstrdup("u");
	x.tty = true;
	pm_exec_config_clear(&x);
	assert_null(x.args);
	assert_null(x.user);
	assert_false(x.tty);
	pm_exec_config_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),     cmocka_unit_test(test_env_order),
		cmocka_unit_test(test_flags),	     cmocka_unit_test(test_privileged),
		cmocka_unit_test(test_errors),	     cmocka_unit_test(test_ns_flags),
		cmocka_unit_test(test_config_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
