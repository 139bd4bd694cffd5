/* test-storage-conf.c: storage.conf parsing (storage/store.c): driver and mount_program in
 * podman's tables, comments and quoting; pm_store_open refuses an unknown driver and a
 * mount_program that is not executable, naming the value; auto-userns-min-size and
 * auto-userns-max-size: defaults, 0, bad values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fileutil.h"
#include "lib/paths.h"
#include "lib/strutil.h"
#include "storage/store.h"

static char *dir;

static void write_conf(const char *text)
{
	_cleanup_free_ char *p = pm_path_join(dir, "storage.conf");
	FILE *f = fopen(p, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-conf-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	dir = pm_xstrdup(tmpl);
	return 0;
}

static int teardown(void **state)
{
	pm_rm_rf(dir, NULL);
	free(dir);
	return 0;
}

static void test_values(void **state)
{
	write_conf("# storage.conf\n[storage]\n  driver = \"vfs\"  # a comment\nrunroot = \"/x\"\n"
		   "\n[storage.options.overlay]\nmount_program='/usr/bin/fuse-overlayfs'\n");
	_cleanup_free_ char *p = pm_path_join(dir, "storage.conf");
	_cleanup_free_ char *d = pm_store_conf_driver(p);
	_cleanup_free_ char *mp = pm_store_conf_value(p, "mount_program");
	_cleanup_free_ char *none = pm_store_conf_value(p, "graphroot");
	assert_string_equal(d, "vfs");
	assert_string_equal(mp, "/usr/bin/fuse-overlayfs");
	assert_null(none);
	_cleanup_free_ char *missing = pm_path_join(dir, "nope.conf");
	assert_null(pm_store_conf_driver(missing));
}

static void test_open(void **state)
{
	_cleanup_free_ char *root = pm_path_join(dir, "root");
	struct pm_paths paths = {.root = root, .config = dir};
	struct pm_store *s = NULL;
	pm_error *err = NULL;

	write_conf("[storage]\ndriver = \"zfs\"\n");
	assert_int_equal(pm_store_open(&paths, NULL, &s, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "'zfs'"));
	pm_error_free(err);
	err = NULL;

	write_conf("[storage.options.overlay]\nmount_program = \"/nonexistent/fuse\"\n");
	assert_true(pm_store_open(&paths, NULL, &s, &err) < 0);
	assert_non_null(strstr(err->msg, "mount_program '/nonexistent/fuse'"));
	pm_error_free(err);
	err = NULL;

	write_conf("[storage]\ndriver = \"overlay\"\n[storage.options.overlay]\n"
		   "mount_program = \"/bin/true\"\n");
	assert_int_equal(pm_store_open(&paths, "vfs", &s, &err), 0);
	assert_string_equal(s->driver, "vfs"); /* --storage-driver wins */
	assert_string_equal(s->mount_program, "/bin/true");
	pm_store_close(s);
}

static void test_auto_userns(void **state)
{
	_cleanup_free_ char *root = pm_path_join(dir, "root");
	struct pm_paths paths = {.root = root, .config = dir};
	struct pm_store *s = NULL;
	pm_error *err = NULL;

	write_conf("[storage]\n");
	assert_int_equal(pm_store_open(&paths, NULL, &s, &err), 0);
	assert_int_equal(s->auto_userns_min, 1024); /* containers-storage's defaults */
	assert_int_equal(s->auto_userns_max, 65536);
	s = pm_store_close(s);

	write_conf("[storage.options]\nauto-userns-min-size=256\n# auto-userns-max-size=1\n"
		   "auto-userns-max-size = 8192 # a comment\n");
	assert_int_equal(pm_store_open(&paths, NULL, &s, &err), 0);
	assert_int_equal(s->auto_userns_min, 256);
	assert_int_equal(s->auto_userns_max, 8192);
	s = pm_store_close(s);

	write_conf("[storage.options]\nauto-userns-min-size = 0\nauto-userns-max-size = 0\n");
	assert_int_equal(pm_store_open(&paths, NULL, &s, &err), 0);
	assert_int_equal(s->auto_userns_min, 1024); /* 0: the default */
	assert_int_equal(s->auto_userns_max, 65536);
	s = pm_store_close(s);

	const char *bad[] = {"-1", "abc", "4294967296", "1.5", "0x10"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *text =
			pm_xasprintf("[storage.options]\n%sauto-userns-max-size = %s\n",
				     i % 2 ? "" : "#\n", bad[i]);
		write_conf(text);
		assert_int_equal(pm_store_open(&paths, NULL, &s, &err), -EINVAL);
		_cleanup_free_ char *want = pm_xasprintf("auto-userns-max-size '%s'", bad[i]);
		assert_non_null(strstr(err->msg, want));
		err = pm_error_free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_auto_userns),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
