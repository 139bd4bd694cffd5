/* test-subid.c: unit tests for rootless/subid (the mapping and newuidmap argv builders, the
 * libsubid lookup with its by-name then by-uid fallback and its error message; libsubid is
 * replaced by fakes in the sym_subid_* pointers of rootless/dl-subid.h, never loaded) and the
 * pure parsers of rootless/userns
 * (/proc/PID/stat start time, the pause pid file). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "rootless/dl-subid.h"
#include "rootless/subid.h"
#include "rootless/userns.h"

/* ---- libsubid, faked ----------------------------------------------------------------------
 * The fake table: owner -> ranges. An owner "fail" makes the call fail. */
struct fake {
	const char *owner;
	bool gid;
	unsigned long start, count;
};
static const struct fake *fakes;
static size_t nfakes;
static int calls;

static int fake_ranges(const char *owner, bool gid, struct subid_range **ranges)
{
	calls++;
	*ranges = NULL;
	if (strcmp(owner, "fail") == 0)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < nfakes; i++)
		if (strcmp(fakes[i].owner, owner) == 0 && fakes[i].gid == gid)
			n++;
	if (n == 0)
		return 0;
	struct subid_range *r = calloc(n, sizeof(*r));
	size_t m = 0;
	for (size_t i = 0; i < nfakes; i++)
		if (strcmp(fakes[i].owner, owner) == 0 && fakes[i].gid == gid)
			r[m++] = (struct subid_range){fakes[i].start, fakes[i].count};
	*ranges = r;
	return (int)n;
}

static int fake_uid_ranges(const char *owner, struct subid_range **ranges)
{
	return fake_ranges(owner, false, ranges);
}

static int fake_gid_ranges(const char *owner, struct subid_range **ranges)
{
	return fake_ranges(owner, true, ranges);
}

static bool fake_init(const char *progname, FILE *logfd)
{
	return true;
}

static void use_fakes(const struct fake *f, size_t n)
{
	sym_subid_init = fake_init;
	sym_subid_get_uid_ranges = fake_uid_ranges;
	sym_subid_get_gid_ranges = fake_gid_ranges;
	pm_dl_subid_preset();
	fakes = f;
	nfakes = n;
	calls = 0;
}

/* ---- mapping builder ------------------------------------------------------------------------ */

static void test_build_mapping_one_range(void **state)
{
	struct pm_idmap r[] = {{0, 100000, 65536}};
	_cleanup_free_ struct pm_idmap *map = NULL;
	size_t n = 0;
	assert_int_equal(pm_subid_build_mapping(1000, r, 1, &map, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(map[0].container_id, 0);
	assert_int_equal(map[0].host_id, 1000);
	assert_int_equal(map[0].size, 1);
	assert_int_equal(map[1].container_id, 1);
	assert_int_equal(map[1].host_id, 100000);
	assert_int_equal(map[1].size, 65536);
}

static void test_build_mapping_several_ranges(void **state)
{
	/* consecutive container ids; empty ranges skipped; container_id input ignored */
	struct pm_idmap r[] = {{77, 200000, 1000}, {0, 5, 0}, {0, 300000, 65536}};
	_cleanup_free_ struct pm_idmap *map = NULL;
	size_t n = 0;
	assert_int_equal(pm_subid_build_mapping(1234, r, 3, &map, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(map[0].host_id, 1234);
	assert_int_equal(map[1].container_id, 1);
	assert_int_equal(map[1].host_id, 200000);
	assert_int_equal(map[1].size, 1000);
	assert_int_equal(map[2].container_id, 1001);
	assert_int_equal(map[2].host_id, 300000);
	assert_int_equal(map[2].size, 65536);
	assert_int_equal(pm_subid_total(r, 3), 66536);
}

static void test_build_mapping_no_ranges(void **state)
{
	_cleanup_free_ struct pm_idmap *map = NULL;
	size_t n = 0;
	assert_int_equal(pm_subid_build_mapping(1000, NULL, 0, &map, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(map[0].host_id, 1000);
}

static void test_build_mapping_overflow(void **state)
{
	struct pm_idmap r[] = {{0, 4294967000u, 65536}};
	struct pm_idmap *map = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_subid_build_mapping(1000, r, 1, &map, &n, &err), -ERANGE);
	assert_null(map);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "'4294967000:65536'"));

	/* container ids running past 2^32 - 1 */
	struct pm_idmap big[] = {{0, 1, 4000000000u}, {0, 1, 400000000u}};
	assert_int_equal(pm_subid_build_mapping(1000, big, 2, &map, &n, NULL), -ERANGE);
}

static void test_map_argv(void **state)
{
	struct pm_idmap map[] = {{0, 1000, 1}, {1, 100000, 65536}};
	_cleanup_strv_ char **argv = pm_subid_map_argv("newuidmap", 4242, map, 2);
	_cleanup_free_ char *joined = pm_strv_join(argv, " ");
	assert_string_equal(joined, "newuidmap 4242 0 1000 1 1 100000 65536");
	assert_int_equal(pm_strv_length(argv), 8);
}

/* ---- libsubid lookup ------------------------------------------------------------------------ */

static void test_ranges_by_name(void **state)
{
	static const struct fake f[] = {
		{"alice", false, 100000, 65536},
		{"alice", false, 500000, 10},
		{"alice", true, 200000, 65536},
	};
	use_fakes(f, ARRAY_SIZE(f));
	_cleanup_free_ struct pm_idmap *r = NULL;
	size_t n = 0;
	assert_int_equal(pm_subid_ranges("alice", 1000, false, &r, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].host_id, 100000);
	assert_int_equal(r[0].size, 65536);
	assert_int_equal(r[1].host_id, 500000);
	assert_int_equal(r[1].size, 10);
	assert_int_equal(calls, 1); /* found by name: no uid lookup */

	_cleanup_free_ struct pm_idmap *g = NULL;
	assert_int_equal(pm_subid_ranges("alice", 1000, true, &g, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(g[0].host_id, 200000);
}

static void test_ranges_by_uid(void **state)
{
	static const struct fake f[] = {{"1000", false, 300000, 65536}};
	use_fakes(f, ARRAY_SIZE(f));
	_cleanup_free_ struct pm_idmap *r = NULL;
	size_t n = 0;
	assert_int_equal(pm_subid_ranges("alice", 1000, false, &r, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].host_id, 300000);
	assert_int_equal(calls, 2);

	/* no user name at all (no passwd entry): the uid alone */
	_cleanup_free_ struct pm_idmap *r2 = NULL;
	assert_int_equal(pm_subid_ranges(NULL, 1000, false, &r2, &n, NULL), 0);
	assert_int_equal(n, 1);
}

static void test_ranges_missing(void **state)
{
	static const struct fake f[] = {{"bob", false, 100000, 65536}};
	use_fakes(f, ARRAY_SIZE(f));
	struct pm_idmap *r = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_subid_ranges("alice", 1000, false, &r, &n, &err), -ENOENT);
	assert_non_null(err);
	assert_string_equal(err->msg,
			    "no subordinate UID range for user 'alice' in /etc/subuid: add a line "
			    "like 'alice:<start>:65536' (e.g. usermod --add-subuids 100000-165535 "
			    "alice), then run 'pm system migrate'");

	_cleanup_error_ pm_error *gerr = NULL;
	assert_int_equal(pm_subid_ranges("alice", 1000, true, &r, &n, &gerr), -ENOENT);
	assert_non_null(
		strstr(gerr->msg, "no subordinate GID range for user 'alice' in /etc/subgid"));
	assert_non_null(strstr(gerr->msg, "--add-subgids"));
}

static void test_ranges_bad_entries_skipped(void **state)
{
	/* ranges that do not fit in 32-bit ids are ignored; if nothing is left: ENOENT */
	static const struct fake f[] = {{"alice", false, 4294967295ul, 65536}};
	use_fakes(f, ARRAY_SIZE(f));
	struct pm_idmap *r = NULL;
	size_t n = 0;
	assert_int_equal(pm_subid_ranges("alice", 1000, false, &r, &n, NULL), -ENOENT);
}

static void test_ranges_error(void **state)
{
	use_fakes(NULL, 0);
	struct pm_idmap *r = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_subid_ranges("fail", 1000, false, &r, &n, &err), -EIO);
	assert_non_null(strstr(err->msg, "/etc/subuid"));
}

/* ---- userns parsers (/proc/PID/stat: tests/unit/test-proc.c)
 * ------------------------------------------------------------------------- */

static void test_parse_pause_file(void **state)
{
	pid_t pid = 0;
	unsigned long long start = 0;
	assert_int_equal(pm_rootless_parse_pause_file("1234 98765\n", &pid, &start), 0);
	assert_int_equal(pid, 1234);
	assert_true(start == 98765);
	assert_int_equal(pm_rootless_parse_pause_file("1234 98765", &pid, &start), 0);

	const char *bad[] = {"",	"1234",	      "1234\n",	       "0 5\n",
			     "-1 5\n",	"12a 5\n",    "1234 5 6\n",    "1234  5\n",
			     " 1234 5", "1234 5\n\n", "99999999999 5", "garbage"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(pm_rootless_parse_pause_file(bad[i], &pid, &start), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_mapping_one_range),
		cmocka_unit_test(test_build_mapping_several_ranges),
		cmocka_unit_test(test_build_mapping_no_ranges),
		cmocka_unit_test(test_build_mapping_overflow),
		cmocka_unit_test(test_map_argv),
		cmocka_unit_test(test_ranges_by_name),
		cmocka_unit_test(test_ranges_by_uid),
		cmocka_unit_test(test_ranges_missing),
		cmocka_unit_test(test_ranges_bad_entries_skipped),
		cmocka_unit_test(test_ranges_error),
		cmocka_unit_test(test_parse_pause_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
