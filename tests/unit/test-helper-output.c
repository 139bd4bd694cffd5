/* test-helper-output.c: unit tests for lib/helper-output: the telling line of a helper's
 * output (slirp4netns, pasta, fuse-overlayfs, newuidmap), the advice for it, version lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/helper-output.h"
#include "lib/strutil.h"

static void test_reason_slirp_tun(void **state)
{
	/* slirp4netns on a host whose /dev/net/tun is 0600: the warning comes first */
	_cleanup_free_ char *r = pm_helper_reason("WARNING: Support for IPv6 is experimental\n"
						  "open(\"/dev/net/tun\"): Permission denied\n"
						  "child failed(1)\n");
	assert_string_equal(r, "open(\"/dev/net/tun\"): Permission denied");
	assert_non_null(strstr(pm_helper_advice(r), "sudo chmod 0666 /dev/net/tun"));
}

static void test_reason_skips_warnings(void **state)
{
	/* only harmless lines: the last of them, rather than nothing */
	_cleanup_free_ char *a = pm_helper_reason("WARNING: Support for IPv6 is experimental\n");
	assert_string_equal(a, "WARNING: Support for IPv6 is experimental");
	/* a plain line after a warning wins over the warning */
	_cleanup_free_ char *b = pm_helper_reason(
		"WARNING: Support for IPv6 is experimental\n  something odd  \n\n");
	assert_string_equal(b, "something odd");
	/* fuse-overlayfs' option noise is skipped */
	_cleanup_free_ char *c =
		pm_helper_reason("unknown argument ignored: lazytime\n"
				 "fuse: device not found, try 'modprobe fuse' first\n");
	assert_string_equal(c, "fuse: device not found, try 'modprobe fuse' first");
}

static void test_reason_prefers_cause(void **state)
{
	_cleanup_free_ char *a =
		pm_helper_reason("newuidmap: uid range [1-65537) -> [100000-165536) "
				 "not allowed\nsome trailer\n");
	assert_string_equal(a, "newuidmap: uid range [1-65537) -> [100000-165536) not allowed");
	_cleanup_free_ char *b =
		pm_helper_reason("starting\nnewuidmap: write to uid_map failed: Operation not "
				 "permitted\ndone\n");
	assert_string_equal(b, "newuidmap: write to uid_map failed: Operation not permitted");
	_cleanup_free_ char *c = pm_helper_reason("x: No such file or directory\nError: y\n");
	assert_string_equal(c, "x: No such file or directory"); /* the root cause */
	_cleanup_free_ char *d = pm_helper_reason("a failed\nb: cannot go on\nc\n");
	assert_string_equal(d, "b: cannot go on"); /* the last failure */
	assert_null(pm_helper_reason(""));
	assert_null(pm_helper_reason(" \n\t\n"));
	assert_null(pm_helper_reason(NULL));
}

static void test_advice(void **state)
{
	assert_string_equal(pm_helper_advice("something else"),
			    "run 'pm doctor' to check the host");
	assert_non_null(strstr(pm_helper_advice("Failed to open tun socket in namespace"),
			       "sudo chmod 0666 /dev/net/tun"));
	assert_string_equal(pm_helper_advice(NULL), "run 'pm doctor' to check the host");
	assert_non_null(
		strstr(pm_helper_advice("open(\"/dev/net/tun\"): No such file or directory"),
		       "modprobe tun"));
	assert_non_null(
		strstr(pm_helper_advice("fuse: failed to open /dev/fuse: Permission denied"),
		       "chmod 0666 /dev/fuse"));
}

static void test_version_line(void **state)
{
	_cleanup_free_ char *a = pm_helper_version_line(
		"slirp4netns version 1.2.0\ncommit: 656041d\n", "slirp4netns");
	assert_string_equal(a, "slirp4netns version 1.2.0");
	static const char fuse[] = "unknown argument ignored: lazytime\n"
				   "fusermount3 version: 3.14.0\n"
				   "fuse-overlayfs: version 1.10\n"
				   "FUSE library version 3.14.0\n";
	_cleanup_free_ char *b = pm_helper_version_line(fuse, "fuse-overlayfs");
	assert_string_equal(b, "fuse-overlayfs: version 1.10");
	_cleanup_free_ char *c = pm_helper_version_line(fuse, NULL);
	assert_string_equal(c, "fusermount3 version: 3.14.0");
	assert_null(pm_helper_version_line("usage: newuidmap <pid> <uid> <loweruid> <count> "
					   "[ <uid> <loweruid> <count> ] ... \n",
					   "newuidmap"));
	assert_null(pm_helper_version_line(
		"pasta unknown version\nCopyright Red Hat\nGNU Affero GPL version 3 or later "
		"<https://www.gnu.org/licenses/agpl-3.0.html>\n",
		"pasta"));
	assert_null(pm_helper_version_line("", "x"));
	assert_null(pm_helper_version_line(NULL, "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_slirp_tun),
		cmocka_unit_test(test_reason_skips_warnings),
		cmocka_unit_test(test_reason_prefers_cause),
		cmocka_unit_test(test_advice),
		cmocka_unit_test(test_version_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
