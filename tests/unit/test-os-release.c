/* test-os-release.c: unit tests for lib/os-release: quoting, escapes, comments, the
 * fields pm uses, ID_LIKE matching, reading below a prefix with /usr/lib's fallback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/os-release.h"
#include "lib/strutil.h"

static void test_parse(void **state)
{
	_cleanup_(pm_os_release_clearp) struct pm_os_release os = {0};
	pm_os_release_parse("# a comment\n"
			    "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\n"
			    "ID=ubuntu\n"
			    "ID_LIKE=debian\n"
			    "VERSION_ID=\"24.04\"\n"
			    "VERSION_CODENAME='noble'\n"
			    "ID_X=not-the-id\n"
			    "garbage line\n",
			    &os);
	assert_string_equal(os.id, "ubuntu");
	assert_string_equal(os.id_like, "debian");
	assert_string_equal(os.version_id, "24.04");
	assert_string_equal(os.version_codename, "noble");
	assert_true(pm_os_release_is(&os, "ubuntu"));
	assert_true(pm_os_release_is(&os, "debian"));
	assert_false(pm_os_release_is(&os, "fedora"));
	assert_false(pm_os_release_is(&os, "24.04")); /* PRETTY_NAME and VERSION are not ids */
}

static void test_escapes_and_missing(void **state)
{
	_cleanup_(pm_os_release_clearp) struct pm_os_release os = {0};
	pm_os_release_parse("ID=\"a\\\"b\\\\c\"\nID_LIKE=\"rhel fedora\"\n", &os);
	assert_string_equal(os.id, "a\"b\\c");
	assert_true(pm_os_release_is(&os, "fedora"));
	assert_true(pm_os_release_is(&os, "rhel"));
	assert_false(pm_os_release_is(&os, "rhe"));
	assert_null(os.version_id);
	assert_null(os.version_codename);

	_cleanup_(pm_os_release_clearp) struct pm_os_release none = {0};
	pm_os_release_parse(NULL, &none);
	assert_null(none.id);
	assert_false(pm_os_release_is(&none, "debian"));
}

static void test_read_prefix(void **state)
{
	char tmpl[] = "/tmp/pm-test-os-release-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	_cleanup_(pm_os_release_clearp) struct pm_os_release os = {0};
	assert_int_equal(pm_os_release_read(tmpl, &os), -ENOENT);
	assert_null(os.id);
	_cleanup_free_ char *lib = pm_xasprintf("%s/usr/lib", tmpl);
	assert_int_equal(pm_mkdir_p(lib, 0755, NULL), 0);
	_cleanup_free_ char *usr = pm_xasprintf("%s/os-release", lib);
	assert_int_equal(pm_write_file_atomic(usr, "ID=fedora\n", 10, 0644, NULL), 0);
	assert_int_equal(pm_os_release_read(tmpl, &os), 0);
	assert_string_equal(os.id, "fedora");
	pm_os_release_clear(&os);
	_cleanup_free_ char *etc = pm_xasprintf("%s/etc", tmpl);
	assert_int_equal(pm_mkdir_p(etc, 0755, NULL), 0);
	_cleanup_free_ char *etcf = pm_xasprintf("%s/os-release", etc);
	assert_int_equal(pm_write_file_atomic(etcf, "ID=debian\n", 10, 0644, NULL), 0);
	assert_int_equal(pm_os_release_read(tmpl, &os), 0);
	assert_string_equal(os.id, "debian"); /* /etc wins */
	assert_int_equal(pm_rm_rf(tmpl, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_escapes_and_missing),
		cmocka_unit_test(test_read_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
