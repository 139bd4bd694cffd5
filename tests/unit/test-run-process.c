/* test-run-process.c: unit tests for engine/run-process (--personality, --oom-score-adj,
 * --seccomp-policy, --init-path, --pidfile, --subuidname's maps) and spec-process's podman
 * /etc/passwd and /etc/group entries (--passwd, --passwd-entry). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#include "engine/run-process.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

static void expect_msg(pm_error *e, const char *msg)
{
	assert_non_null(e);
	assert_string_equal(e->msg, msg);
	pm_error_free(e);
}

static void test_personality(void **state)
{
	unsigned long p = 99;
	assert_int_equal(pm_config_parse_personality("LINUX", &p, NULL), 0);
	assert_int_equal(p, PER_LINUX);
	assert_int_equal(pm_config_parse_personality("LINUX32", &p, NULL), 0);
	assert_int_equal(p, PER_LINUX32);
	pm_error *e = NULL;
	assert_int_equal(pm_config_parse_personality("linux32", &p, &e), -EINVAL);
	expect_msg(e, "invalid --personality 'linux32': must be LINUX or LINUX32");
	assert_int_equal(pm_config_parse_personality("", &p, NULL), -EINVAL);
}

static void test_oom_score_adj(void **state)
{
	int64_t v = 0;
	assert_int_equal(pm_config_parse_oom_score_adj("100", &v, NULL), 0);
	assert_int_equal(v, 100);
	assert_int_equal(pm_config_parse_oom_score_adj("-1000", &v, NULL), 0);
	assert_int_equal(v, -1000);
	assert_int_equal(pm_config_parse_oom_score_adj("1000", &v, NULL), 0);
	pm_error *e = NULL;
	assert_int_equal(pm_config_parse_oom_score_adj("abc", &v, &e), -EINVAL);
	expect_msg(e, "invalid argument \"abc\" for \"--oom-score-adj\" flag: strconv.ParseInt: "
		      "parsing \"abc\": invalid syntax");
	e = NULL;
	assert_int_equal(pm_config_parse_oom_score_adj("1001", &v, &e), -EINVAL);
	expect_msg(e, "invalid --oom-score-adj '1001': must be between -1000 and 1000");
	assert_int_equal(pm_config_parse_oom_score_adj("-1001", &v, NULL), -EINVAL);
	assert_int_equal(pm_config_parse_oom_score_adj("", &v, NULL), -EINVAL);
	assert_int_equal(pm_config_parse_oom_score_adj("1x", &v, NULL), -EINVAL);
	assert_int_equal(pm_config_parse_oom_score_adj("99999999999999999999", &v, NULL), -EINVAL);
}

static void test_seccomp_policy_init_path(void **state)
{
	assert_int_equal(pm_config_check_seccomp_policy("default", NULL), 0);
	assert_int_equal(pm_config_check_seccomp_policy("image", NULL), 0);
	pm_error *e = NULL;
	assert_int_equal(pm_config_check_seccomp_policy("bad", &e), -EINVAL);
	expect_msg(e, "invalid seccomp policy \"bad\": valid policies are [\"default\" \"image\"]");
	assert_int_equal(pm_config_check_init_path("/proc/self/exe", NULL), 0);
	e = NULL;
	assert_int_equal(pm_config_check_init_path("/nonexistent/init", &e), -ENOENT);
	expect_msg(e, "container-init binary not found on the host: stat /nonexistent/init: no "
		      "such file or directory");
	assert_int_equal(pm_config_check_init_path("/", NULL), -EINVAL);
}

static void test_pidfile(void **state)
{
	char *p = NULL;
	assert_int_equal(pm_config_pidfile_path("/tmp/x.pid", &p, NULL), 0);
	assert_string_equal(p, "/tmp/x.pid");
	free(p);
	p = NULL;
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(pm_config_pidfile_path("rel.pid", &p, NULL), 0);
	char *want = pm_path_join(cwd, "rel.pid");
	assert_string_equal(p, want);
	free(want);
	free(cwd);
	free(p);
	p = NULL;
	pm_error *e = NULL;
	assert_int_equal(pm_config_pidfile_path("/nonexistent/dir/x.pid", &p, &e), -ENOENT);
	assert_null(p);
	pm_error_free(e);
	assert_int_equal(pm_config_pidfile_path("", &p, NULL), -EINVAL);
	/* written without a newline */
	char path[] = "/tmp/pm-test-pidfile-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pm_config_pidfile_write(path, 4242, NULL), 0);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(pm_read_file(path, 64, &data, &len, NULL), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "4242", 4);
	free(data);
	unlink(path);
}

static void test_subid_maps_of(void **state)
{
	const uint32_t start[] = {100000, 300000, 5};
	const uint32_t len[] = {65536, 1000, 0};
	char **m = pm_config_subid_maps_of(start, len, 3);
	assert_int_equal(pm_strv_length(m), 2);
	assert_string_equal(m[0], "0:100000:65536");
	assert_string_equal(m[1], "65536:300000:1000");
	pm_strv_free(m);
	assert_null(pm_config_subid_maps_of(start, len, 0));
}

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "pmuser:x:1000:1000:pm:/home/pmuser:/bin/sh\n";
static const char group[] = "root:x:0:\nwheel:x:10:root\nusers:x:100:";

static void test_passwd_entries(void **state)
{
	char *pw = NULL, *gr = NULL;
	/* a numeric user the image lacks: podman's two lines */
	assert_int_equal(pm_spec_passwd_entries("1234", "/", NULL, passwd, group, &pw, &gr, NULL),
			 0);
	assert_string_equal(pw, "root:x:0:0:root:/root:/bin/sh\n"
				"pmuser:x:1000:1000:pm:/home/pmuser:/bin/sh\n"
				"1234:*:1234:0:container user:/:/bin/sh\n");
	/* group has no final newline: one is put between */
	assert_string_equal(gr, "root:x:0:\nwheel:x:10:root\nusers:x:100:\n1234:x:1234:1234\n");
	free(pw);
	free(gr);
	/* a numeric group, a named one */
	assert_int_equal(
		pm_spec_passwd_entries("1234:55", "/w", NULL, passwd, group, &pw, &gr, NULL), 0);
	assert_non_null(strstr(pw, "\n1234:*:1234:55:container user:/w:/bin/sh\n"));
	assert_non_null(strstr(gr, "\n55:x:55:1234\n"));
	free(pw);
	free(gr);
	assert_int_equal(
		pm_spec_passwd_entries("1234:wheel", "/", NULL, passwd, group, &pw, &gr, NULL), 0);
	assert_non_null(strstr(pw, "\n1234:*:1234:10:container user:/:/bin/sh\n"));
	assert_null(gr); /* not numeric: no group line */
	free(pw);
	pm_error *e = NULL;
	assert_int_equal(
		pm_spec_passwd_entries("1234:nosuch", "/", NULL, passwd, group, &pw, &gr, &e),
		-ENOENT);
	expect_msg(e, "unable to get gid nosuch from group file: no matching entries in group "
		      "file");
	/* the image has the user (by uid or name), a named user, no user: nothing */
	assert_int_equal(pm_spec_passwd_entries("1000", "/", NULL, passwd, group, &pw, &gr, NULL),
			 0);
	assert_null(pw);
	assert_non_null(gr); /* group 1000 is not in group */
	free(gr);
	assert_int_equal(pm_spec_passwd_entries("0", "/", NULL, passwd, group, &pw, &gr, NULL), 0);
	assert_null(pw);
	assert_null(gr);
	assert_int_equal(pm_spec_passwd_entries("pmuser", "/", NULL, passwd, group, &pw, &gr, NULL),
			 0);
	assert_null(pw);
	assert_null(gr);
	assert_int_equal(pm_spec_passwd_entries(NULL, "/", "x", passwd, group, &pw, &gr, NULL), 0);
	assert_null(pw);
	/* no /etc/passwd, no /etc/group: none made */
	assert_int_equal(pm_spec_passwd_entries("1234", "/", NULL, NULL, NULL, &pw, &gr, NULL), 0);
	assert_null(pw);
	assert_null(gr);
	/* --passwd-entry: the substitutions, the rest as given */
	assert_int_equal(pm_spec_passwd_entries("7:8", "/home",
						"$USERNAME|$UID|$GID|$NAME|$HOME|$X", passwd, group,
						&pw, &gr, NULL),
			 0);
	assert_non_null(strstr(pw, "\n7|7|8|container user|/home|$X\n"));
	free(pw);
	free(gr);
	assert_int_equal(pm_spec_passwd_entries("7", "/", "$UID$UID", passwd, NULL, &pw, &gr, NULL),
			 0);
	assert_non_null(strstr(pw, "\n77\n"));
	assert_null(gr);
	free(pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_personality),
		cmocka_unit_test(test_oom_score_adj),
		cmocka_unit_test(test_seccomp_policy_init_path),
		cmocka_unit_test(test_pidfile),
		cmocka_unit_test(test_subid_maps_of),
		cmocka_unit_test(test_passwd_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
