/* test-systemd-mode.c: unit tests for engine/systemd-mode (--systemd's value and the mode
 * decided from the command) and storage/store-opts (--storage-opt over a store). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "engine/systemd-mode.h"
#include "lib/strutil.h"
#include "storage/store.h"

static void test_check(void **state)
{
	const char *good[] = {"true", "false", "always", "TRUE", "Always", ""};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(pm_config_check_systemd(good[i], NULL), 0);
	pm_error *err = NULL;
	assert_int_equal(pm_config_check_systemd("yes", &err), -EINVAL);
	assert_string_equal(err->msg, "invalid config provided: --systemd values must be one of "
				      "\"true, false, always\": 'yes'");
	pm_error_free(err);
}

static void test_mode(void **state)
{
	char *init[] = {"/sbin/init", NULL}, *uinit[] = {"/usr/sbin/init", NULL};
	char *linit[] = {"/usr/local/sbin/init", NULL};
	char *sd[] = {"/usr/lib/systemd/systemd", "--unit=x", NULL}, *bare[] = {"systemd", NULL};
	char *sh[] = {"sh", "-c", "/sbin/init", NULL}, *other[] = {"/bin/init", NULL};
	char *sdx[] = {"/usr/lib/systemd/systemd-udevd", NULL};
	assert_true(pm_config_systemd_mode(NULL, init));
	assert_true(pm_config_systemd_mode("true", uinit));
	assert_true(pm_config_systemd_mode("", linit));
	assert_true(pm_config_systemd_mode(NULL, sd));
	assert_true(pm_config_systemd_mode(NULL, bare));
	assert_false(pm_config_systemd_mode(NULL, sh));
	assert_false(pm_config_systemd_mode(NULL, other));
	assert_false(pm_config_systemd_mode(NULL, sdx));
	assert_false(pm_config_systemd_mode(NULL, NULL));
	assert_false(pm_config_systemd_mode("FALSE", init));
	assert_true(pm_config_systemd_mode("always", sh));
	assert_true(pm_config_systemd_mode("ALWAYS", NULL));
}

static void test_mounts(void **state)
{
	struct pm_runtime_spec s = {0};
	struct pm_runtime_mount m = {.type = PM_RUNTIME_MOUNT_TMPFS,
				     .destination = pm_xstrdup("/tmp"),
				     .data = pm_xstrdup("size=1m")};
	s.mounts = pm_xcalloc(1, sizeof(*s.mounts));
	s.mounts[s.nmounts++] = m;
	pm_spec_systemd_mounts(&s);
	size_t tmp = 0, run = 0, journal = 0, cg = 0;
	for (size_t i = 0; i < s.nmounts; i++) {
		tmp += !strcmp(s.mounts[i].destination, "/tmp");
		run += !strcmp(s.mounts[i].destination, "/run") && s.mounts[i].copy_up;
		journal += !strcmp(s.mounts[i].destination, "/var/log/journal");
		cg += !strcmp(s.mounts[i].destination, "/sys/fs/cgroup");
	}
	assert_int_equal(tmp, 1); /* the user's stays, alone */
	assert_int_equal(run, 1);
	assert_int_equal(journal, 1);
	assert_int_equal(cg, 1);
	pm_runtime_spec_clear(&s);
}

static void test_store_opts(void **state)
{
	struct pm_store s = {.driver = pm_xstrdup("overlay"), .mount_program = pm_xstrdup("/x")};
	assert_int_equal(pm_store_apply_opts(&s, NULL, NULL), 0);
	assert_string_equal(s.mount_program, "/x");
	assert_int_equal(pm_store_apply_opts(&s, "=", NULL), 0);
	assert_null(s.mount_program);
	assert_int_equal(pm_store_apply_opts(
				 &s, "overlay.mount_program=/bin/sh\nignore_chown_errors=1", NULL),
			 0);
	assert_string_equal(s.mount_program, "/bin/sh");
	const struct {
		const char *in, *msg;
	} bad[] = {
		{"bogus", "unable to parse key/value option: bogus"},
		{"overlay.bogus=1", "overlay: Unknown option overlay.bogus"},
		{"vfs.ignore_chown_errors=1",
		 "overlay driver does not support vfs.ignore_chown_errors options"},
		{"ignore_chown_errors=maybe",
		 "strconv.ParseBool: parsing \"maybe\": invalid syntax"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pm_error *err = NULL;
		assert_int_equal(pm_store_apply_opts(&s, bad[i].in, &err), -EINVAL);
		assert_string_equal(err->msg, bad[i].msg);
		pm_error_free(err);
	}
	free(s.driver);
	free(s.mount_program);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_store_opts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
