/* test-hooks.c: unit tests for engine/hooks (--hooks-dir's OCI hooks): which hooks apply,
 * a later directory's file replacing one of the same name, the state on stdin, failures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/hooks.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

static char dir1[] = "/tmp/pm-test-hooks1-XXXXXX", dir2[] = "/tmp/pm-test-hooks2-XXXXXX";

static void put(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *p = pm_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *log_text(void)
{
	_cleanup_free_ char *p = pm_xasprintf("%s/log", dir1);
	char *t = NULL;
	if (pm_read_file(p, 1 << 16, &t, NULL, NULL) < 0)
		return NULL;
	unlink(p);
	return t;
}

static int run(const char *stage, pid_t pid, const char *status, char **args, pm_error **err)
{
	struct pm_hooks_state hs = {
		.id = "id1", .pid = pid, .status = status, .bundle = "/b", .args = args};
	return pm_hooks_run(stage, &hs, err);
}

static void test_hooks(void **state)
{
	assert_non_null(mkdtemp(dir1));
	assert_non_null(mkdtemp(dir2));
	char *args[] = {"/usr/bin/app", NULL}, *other[] = {"/bin/sh", NULL};
	/* no --hooks-dir: nothing */
	unsetenv(PM_HOOKS_DIR_ENV);
	assert_int_equal(run("prestart", 42, "creating", args, NULL), 0);
	_cleanup_free_ char *sh = pm_xasprintf("#!/bin/sh\necho \"$1 $(cat)\" >> %s/log\n", dir1);
	put(dir1, "log.sh", sh);
	_cleanup_free_ char *shp = pm_xasprintf("%s/log.sh", dir1);
	chmod(shp, 0755);
	_cleanup_free_ char *a = pm_xasprintf(
		"{\"version\":\"1.0.0\",\"hook\":{\"path\":\"%s\",\"args\":[\"x\",\"A\"]},"
		"\"when\":{\"commands\":[\"/app$\"]},\"stages\":[\"prestart\"]}",
		shp);
	put(dir1, "a.json", a);
	/* replaced by dir2's a.json: a poststop hook */
	_cleanup_free_ char *a2 = pm_xasprintf(
		"{\"version\":\"1.0.0\",\"hook\":{\"path\":\"%s\",\"args\":[\"x\",\"B\"]},"
		"\"when\":{\"always\":true},\"stages\":[\"poststop\"]}",
		shp);
	_cleanup_free_ char *env = pm_xasprintf("%s\n%s", dir1, dir2);
	setenv(PM_HOOKS_DIR_ENV, dir1, 1);
	assert_int_equal(run("prestart", 42, "creating", args, NULL), 0);
	_cleanup_free_ char *t = log_text();
	assert_non_null(t);
	assert_string_equal(t, "A {\"ociVersion\":\"1.0.2\",\"id\":\"id1\",\"status\":\"creating\","
			       "\"pid\":42,\"bundle\":\"/b\",\"annotations\":{}}\n");
	assert_int_equal(run("prestart", 42, "creating", other, NULL), 0);
	assert_null(log_text()); /* the command does not match */
	assert_int_equal(run("poststop", 0, "stopped", args, NULL), 0);
	assert_null(log_text()); /* not its stage */
	put(dir2, "a.json", a2);
	setenv(PM_HOOKS_DIR_ENV, env, 1);
	assert_int_equal(run("prestart", 42, "creating", args, NULL), 0);
	assert_null(log_text()); /* replaced */
	assert_int_equal(run("poststop", 0, "stopped", other, NULL), 0);
	free(t);
	t = log_text();
	assert_non_null(t);
	assert_string_equal(t, "B {\"ociVersion\":\"1.0.2\",\"id\":\"id1\",\"status\":\"stopped\","
			       "\"bundle\":\"/b\",\"annotations\":{}}\n");
	/* a failing hook, a bad version */
	put(dir2, "b.json",
	    "{\"version\":\"1.0.0\",\"hook\":{\"path\":\"/bin/false\"},\"when\":{\"always\":true},"
	    "\"stages\":[\"prestart\"]}");
	pm_error *err = NULL;
	assert_int_equal(run("prestart", 42, "creating", args, &err), -EIO);
	assert_non_null(strstr(err->msg, "(/bin/false): exit status 1"));
	err = pm_error_free(err);
	put(dir2, "b.json", "{\"version\":\"2.0.0\"}");
	assert_int_equal(run("prestart", 42, "creating", args, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "setting up OCI Hooks: parsing hook \""));
	assert_non_null(strstr(err->msg, "unrecognized hook version: \"2.0.0\""));
	assert_int_equal(pm_error_exit_status(err), 126);
	err = pm_error_free(err);
	put(dir2, "b.json",
	    "{\"version\":\"1.0.0\",\"hook\":{\"path\":\"/bin/true\"},"
	    "\"when\":{\"always\":true},\"stages\":[\"bogus\"]}");
	assert_int_equal(run("prestart", 42, "creating", args, &err), -EINVAL);
	assert_string_equal(err->msg, "setting up OCI Hooks: unknown stage \"bogus\"");
	err = pm_error_free(err);
	/* when: every condition given (AND); annotations and hasBindMounts */
	_cleanup_free_ char *bj = pm_xasprintf("%s/b.json", dir2);
	unlink(bj);
	_cleanup_free_ char *c = pm_xasprintf(
		"{\"version\":\"1.0.0\",\"hook\":{\"path\":\"%s\",\"args\":[\"x\",\"C\"]},"
		"\"when\":{\"annotations\":{\"^k$\":\"^v\"},\"hasBindMounts\":true,"
		"\"commands\":[\"app\"]},\"stages\":[\"poststart\"]}",
		shp);
	put(dir2, "c.json", c);
	char *ann[] = {"x=1", "k=val", NULL}, *ann2[] = {"k=no", NULL};
	struct pm_hooks_state hs = {.id = "i",
				    .status = "created",
				    .args = args,
				    .annotations = ann,
				    .bind_mounts = true};
	assert_int_equal(pm_hooks_run("poststart", &hs, NULL), 0);
	free(t);
	t = log_text();
	assert_non_null(t);
	assert_non_null(strstr(t, "\"annotations\":{\"x\":\"1\",\"k\":\"val\"}"));
	hs.bind_mounts = false;
	assert_int_equal(pm_hooks_run("poststart", &hs, NULL), 0);
	assert_null(log_text());
	hs.bind_mounts = true;
	hs.annotations = ann2;
	assert_int_equal(pm_hooks_run("poststart", &hs, NULL), 0);
	assert_null(log_text());
	hs.annotations = ann;
	hs.args = other;
	assert_int_equal(pm_hooks_run("poststart", &hs, NULL), 0);
	assert_null(log_text());
	unsetenv(PM_HOOKS_DIR_ENV);
	pm_rm_rf(dir1, NULL);
	pm_rm_rf(dir2, NULL);
}

/* podman's collation of hook file names: case ignored, punctuation < digits < letters */
static void test_name_order(void **state)
{
	assert_true(pm_hooks_name_cmp("a.json", "B.json") < 0);
	assert_true(pm_hooks_name_cmp("B.json", "c.json") < 0);
	assert_true(pm_hooks_name_cmp("Z.json", "a1.json") > 0);
	assert_true(pm_hooks_name_cmp("9.json", "a.json") < 0);
	assert_true(pm_hooks_name_cmp("a_b.json", "a-b.json") < 0);
	assert_true(pm_hooks_name_cmp("a-b.json", "a.json") < 0);
	assert_true(pm_hooks_name_cmp("ab.json", "abc.json") < 0);
	assert_int_equal(pm_hooks_name_cmp("same.json", "same.json"), 0);
	assert_true(pm_hooks_name_cmp("X.json", "x.json") != 0); /* a fixed order all the same */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_name_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
