/* test-build-run-mount.c: unit tests for builder/run-mount: RUN --mount values as BuildKit's
 * parseMount reads them (the type's defaults, the options, the secret's default target) and
 * the bad values' errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "builder/run-mount.h"
#include "lib/error.h"

static struct pm_run_mount parse_ok(const char *v)
{
	struct pm_run_mount m;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_run_mount_parse(v, &m, &err) < 0)
		fail_msg("'%s': %s", v, err ? err->msg : "?");
	return m;
}

static void parse_fails(const char *v, const char *msg)
{
	struct pm_run_mount m;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_run_mount_parse(v, &m, &err), -EINVAL);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("want '%s', got '%s'", msg, err->msg);
}

static void test_bind_default(void **state)
{
	struct pm_run_mount m = parse_ok("target=/src,source=dir,from=build");
	assert_int_equal(m.type, PM_RUN_MOUNT_BIND);
	assert_string_equal(m.target, "/src");
	assert_string_equal(m.source, "dir");
	assert_string_equal(m.from, "build");
	assert_true(m.ro);
	pm_run_mount_clear(&m);
	m = parse_ok("type=bind,dst=/x,rw");
	assert_false(m.ro);
	pm_run_mount_clear(&m);
}

static void test_cache(void **state)
{
	struct pm_run_mount m = parse_ok("type=cache,target=/root/.cache");
	assert_int_equal(m.type, PM_RUN_MOUNT_CACHE);
	assert_false(m.ro);
	assert_string_equal(m.id, "/root/.cache"); /* the target is the default id */
	assert_int_equal(m.mode, 0755);
	pm_run_mount_clear(&m);
	m = parse_ok("type=cache,id=go,target=/go,sharing=locked,mode=0700,uid=10,gid=20,ro");
	assert_string_equal(m.id, "go");
	assert_int_equal(m.mode, 0700);
	assert_int_equal(m.uid, 10);
	assert_int_equal(m.gid, 20);
	assert_true(m.ro);
	pm_run_mount_clear(&m);
}

static void test_ssh(void **state)
{
	struct pm_run_mount m = parse_ok("type=ssh");
	assert_int_equal(m.type, PM_RUN_MOUNT_SSH);
	assert_string_equal(m.id, "default");
	assert_null(m.target); /* the caller's /run/buildkit/ssh_agent.N */
	assert_int_equal(m.mode, 0600);
	pm_run_mount_clear(&m);
	m = parse_ok("type=ssh,id=gh,target=/agent.sock,mode=0666,uid=1");
	assert_string_equal(m.id, "gh");
	assert_string_equal(m.target, "/agent.sock");
	assert_int_equal(m.mode, 0666);
	assert_int_equal(m.uid, 1);
	pm_run_mount_clear(&m);
}

static void test_tmpfs_secret(void **state)
{
	struct pm_run_mount m = parse_ok("type=tmpfs,target=/t,size=1048576");
	assert_int_equal(m.type, PM_RUN_MOUNT_TMPFS);
	assert_int_equal(m.size, 1048576);
	pm_run_mount_clear(&m);
	m = parse_ok("type=secret,id=tok");
	assert_string_equal(m.target, "/run/secrets/tok");
	assert_false(m.required);
	pm_run_mount_clear(&m);
	m = parse_ok("type=secret,target=/etc/key,required");
	assert_string_equal(m.id, "key"); /* the target's base name */
	assert_true(m.required);
	pm_run_mount_clear(&m);
}

static void test_errors(void **state)
{
	parse_fails("type=nfs,target=/x",
		    "--mount=type=nfs,target=/x: unsupported mount type 'nfs'");
	parse_fails("type=bind,source=x", "--mount=type=bind,source=x: a target is required");
	parse_fails("type=cache,target=/x,colour=red",
		    "--mount=type=cache,target=/x,colour=red: unknown option 'colour'");
	parse_fails("type=cache,target=/x,mode=9", "--mount=type=cache,target=/x,mode=9: invalid "
						   "value for 'mode'");
	parse_fails("type=cache,target=/x,uid=-1", "--mount=type=cache,target=/x,uid=-1: invalid "
						   "value for 'uid'");
	parse_fails("type=cache,target=", "--mount=type=cache,target=: invalid value for 'target'");
	parse_fails("type=cache,target=/x,sharing=maybe",
		    "--mount=type=cache,target=/x,sharing=maybe: invalid value for 'sharing'");
	parse_fails("type=secret", "--mount=type=secret: a secret needs an id or a target");
	parse_fails("type=tmpfs,target=/t,size=big",
		    "--mount=type=tmpfs,target=/t,size=big: invalid value for 'size'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_default), cmocka_unit_test(test_cache),
		cmocka_unit_test(test_tmpfs_secret), cmocka_unit_test(test_ssh),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
