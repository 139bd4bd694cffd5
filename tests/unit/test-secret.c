/* test-secret.c: unit tests for storage/secret: names, the create checks (size, driver),
 * the record on disk (value only in the 0600 data file), lookup by name/id/prefix,
 * duplicates leaving nothing behind, removal, filters, the JSON shapes, racing creates of
 * one name across fork(), and the --secret parser with podman's defaults and messages.
 * Every test gets its own temp root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/secret.h"

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-secret-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	*state = pm_xstrdup(tmpl);
	return 0;
}

static int teardown(void **state)
{
	char *dir = *state;
	int r = pm_rm_rf(dir, NULL);
	free(dir);
	return r;
}

/* Entries of dir other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_name_valid(void **state)
{
	assert_true(pm_secret_name_valid("a"));
	assert_true(pm_secret_name_valid("a_b.c-1"));
	char long64[65], long65[66];
	memset(long64, 'a', 64);
	long64[64] = 0;
	memset(long65, 'a', 65);
	long65[65] = 0;
	assert_true(pm_secret_name_valid(long64));
	assert_false(pm_secret_name_valid(long65));
	assert_false(pm_secret_name_valid(""));
	assert_false(pm_secret_name_valid(NULL));
	assert_false(pm_secret_name_valid("a-"));
	assert_false(pm_secret_name_valid("-a"));
	assert_false(pm_secret_name_valid("_a"));
	assert_false(pm_secret_name_valid("a/b"));
	assert_false(pm_secret_name_valid(".."));
	assert_false(pm_secret_name_valid("a b"));
}

static void test_check(void **state)
{
	struct pm_secret_create_opts o = {.name = "s"};
	pm_error *err = NULL;
	assert_int_equal(pm_secret_check(&o, 1, NULL), 0);
	assert_int_equal(pm_secret_check(&o, PM_SECRET_MAX_SIZE - 1, NULL), 0);
	assert_int_equal(pm_secret_check(&o, PM_SECRET_MAX_SIZE, &err), -EINVAL);
	assert_string_equal(err->msg,
			    "secret data must be larger than 0 and less than 512000 bytes");
	err = pm_error_free(err);
	assert_int_equal(pm_secret_check(&o, 0, NULL), -EINVAL);
	o.driver = "pass";
	assert_int_equal(pm_secret_check(&o, 1, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid driver");
	err = pm_error_free(err);
	o = (struct pm_secret_create_opts){.name = "bad-"};
	assert_int_equal(pm_secret_check(&o, 1, &err), -EINVAL);
	assert_string_equal(err->msg, "only 64 [a-zA-Z0-9-_.] characters allowed, and the start "
				      "and end character must be [a-zA-Z0-9]: bad-: invalid secret "
				      "name");
	pm_error_free(err);
}

static void test_create_lookup_read(void **state)
{
	const char *root = *state;
	char *labels[] = {"b=2", "a", NULL};
	char *dopts[] = {"k=v", NULL};
	struct pm_secret_create_opts o = {.name = "db", .labels = labels, .driver_opts = dopts};
	_cleanup_free_ char *id = NULL;
	assert_int_equal(pm_secret_create(root, &o, "hunter2", 7, &id, NULL), 0);
	assert_int_equal(strlen(id), PM_SECRET_ID_LEN);

	_cleanup_secret_ struct pm_secret *s = NULL;
	assert_int_equal(pm_secret_lookup(root, "db", &s, NULL), 0);
	assert_string_equal(s->id, id);
	assert_string_equal(s->name, "db");
	assert_string_equal(s->driver, "file");
	assert_string_equal(s->labels[0], "a=");
	assert_string_equal(s->labels[1], "b=2");
	assert_string_equal(s->driver_opts[0], "k=v");
	assert_true(pm_str_startswith(s->driver_opts[1], "path="));
	assert_int_equal(s->created_ns, s->updated_ns);

	/* by full id and by a unique prefix */
	_cleanup_secret_ struct pm_secret *s2 = NULL, *s3 = NULL;
	assert_int_equal(pm_secret_lookup(root, id, &s2, NULL), 0);
	_cleanup_free_ char *prefix = pm_xstrndup(id, 6);
	assert_int_equal(pm_secret_lookup(root, prefix, &s3, NULL), 0);
	assert_string_equal(s3->name, "db");

	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(pm_secret_read_data(root, "db", &data, &len, NULL), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(data, "hunter2", 7);

	/* the value only in the 0600 data file, never in the record */
	_cleanup_free_ char *dpath = pm_xasprintf("%s/db/secrets/%s/data", root, id);
	_cleanup_free_ char *jpath = pm_xasprintf("%s/db/secrets/%s/secret.json", root, id);
	struct stat st;
	assert_int_equal(stat(dpath, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	_cleanup_free_ char *rec = NULL;
	assert_int_equal(pm_read_file(jpath, 1 << 20, &rec, NULL, NULL), 0);
	assert_null(strstr(rec, "hunter2"));
	_cleanup_free_ char *j = pm_secret_json(s, false);
	assert_null(strstr(j, "hunter2"));
	assert_non_null(strstr(j, "\"Spec\":{\"Name\":\"db\",\"Driver\":{\"Name\":\"file\""));
	assert_non_null(strstr(j, "\"Labels\":{\"a\":\"\",\"b\":\"2\"}"));
}

static void test_duplicate_and_missing(void **state)
{
	const char *root = *state;
	struct pm_secret_create_opts o = {.name = "dup"};
	assert_int_equal(pm_secret_create(root, &o, "x", 1, NULL, NULL), 0);
	pm_error *err = NULL;
	assert_int_equal(pm_secret_create(root, &o, "y", 1, NULL, &err), -EEXIST);
	assert_string_equal(err->msg, "dup: secret name in use");
	err = pm_error_free(err);
	/* nothing of the loser is left */
	_cleanup_free_ char *rdir = pm_path_join(root, "db/secrets");
	assert_int_equal(count_entries(rdir), 1);
	_cleanup_free_ char *data = NULL;
	assert_int_equal(pm_secret_read_data(root, "dup", &data, NULL, NULL), 0);
	assert_string_equal(data, "x");

	struct pm_secret *s = NULL;
	assert_int_equal(pm_secret_lookup(root, "nosuch", &s, &err), -ENOENT);
	assert_string_equal(err->msg, "no secret with name or id \"nosuch\": no such secret");
	err = pm_error_free(err);
	assert_int_equal(pm_secret_lookup(root, "../x", &s, NULL), -ENOENT);
	assert_int_equal(pm_secret_remove(root, "nosuch", NULL, &err), -ENOENT);
	pm_error_free(err);
	/* invalid input creates nothing */
	o.name = "a/b";
	assert_int_equal(pm_secret_create(root, &o, "y", 1, NULL, NULL), -EINVAL);
	o.name = "big";
	assert_int_equal(pm_secret_create(root, &o, "", 0, NULL, NULL), -EINVAL);
	assert_int_equal(count_entries(rdir), 1);
}

static void test_list_remove(void **state)
{
	const char *root = *state;
	const char *names[] = {"one", "two", "three"};
	for (size_t i = 0; i < 3; i++) {
		struct pm_secret_create_opts o = {.name = names[i]};
		assert_int_equal(pm_secret_create(root, &o, "v", 1, NULL, NULL), 0);
	}
	_cleanup_secret_list_ struct pm_secret **v = NULL;
	assert_int_equal(pm_secret_list(root, &v, NULL), 0);
	assert_string_equal(v[0]->name, "one");
	assert_string_equal(v[1]->name, "two");
	assert_string_equal(v[2]->name, "three");
	assert_null(v[3]);

	char *f_name[] = {"name=^t", NULL};
	char *f_both[] = {"name=^t", "name=one", NULL};
	_cleanup_free_ char *idf = pm_xasprintf("id=%.5s", v[1]->id);
	char *f_id[] = {idf, "name=two", NULL};
	char *f_bad[] = {"label=x", NULL};
	assert_int_equal(pm_secret_filters_check(f_name, NULL), 0);
	assert_false(pm_secret_filters_match(f_name, v[0]));
	assert_true(pm_secret_filters_match(f_name, v[1]));
	assert_true(pm_secret_filters_match(f_both, v[0]));
	assert_true(pm_secret_filters_match(f_id, v[1]));
	assert_false(pm_secret_filters_match(f_id, v[2]));
	pm_error *err = NULL;
	assert_int_equal(pm_secret_filters_check(f_bad, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid filter \"label\"");
	pm_error_free(err);

	_cleanup_free_ char *id = NULL;
	assert_int_equal(pm_secret_remove(root, "two", &id, NULL), 0);
	assert_string_equal(id, v[1]->id);
	_cleanup_secret_list_ struct pm_secret **after = NULL;
	assert_int_equal(pm_secret_list(root, &after, NULL), 0);
	assert_string_equal(after[0]->name, "one");
	assert_string_equal(after[1]->name, "three");
	assert_null(after[2]);
	/* the name is free again, and nothing of "two" stays on disk */
	_cleanup_free_ char *rdir = pm_path_join(root, "db/secrets");
	assert_int_equal(count_entries(rdir), 2);
	struct pm_secret_create_opts o = {.name = "two"};
	assert_int_equal(pm_secret_create(root, &o, "w", 1, NULL, NULL), 0);
}

static void test_race(void **state)
{
	const char *root = *state;
	enum { N = 4 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct pm_secret_create_opts o = {.name = "race"};
			_exit(pm_secret_create(root, &o, "v", 1, NULL, NULL) == 0 ? 0 : 1);
		}
	}
	int won = 0;
	for (int i = 0; i < N; i++) {
		int st;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		won += WEXITSTATUS(st) == 0;
	}
	assert_int_equal(won, 1);
	_cleanup_free_ char *rdir = pm_path_join(root, "db/secrets");
	assert_int_equal(count_entries(rdir), 1);
}

static void test_race_remove(void **state)
{
	const char *root = *state;
	struct pm_secret_create_opts o = {.name = "gone"};
	assert_int_equal(pm_secret_create(root, &o, "v", 1, NULL, NULL), 0);
	enum { N = 4 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int r = pm_secret_remove(root, "gone", NULL, NULL);
			_exit(r == 0 ? 0 : r == -ENOENT ? 1 : 2);
		}
	}
	int removed = 0;
	for (int i = 0; i < N; i++) {
		int st;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		assert_true(WEXITSTATUS(st) <= 1); /* removed, or "no such secret" */
		removed += WEXITSTATUS(st) == 0;
	}
	assert_int_equal(removed, 1);
	_cleanup_free_ char *rdir = pm_path_join(root, "db/secrets");
	assert_int_equal(count_entries(rdir), 0);
}

static void test_use_parse(void **state)
{
	struct pm_secret_use u;
	assert_int_equal(pm_secret_use_parse("s", &u, NULL), 0);
	assert_string_equal(u.source, "s");
	assert_int_equal(u.type, PM_SECRET_MOUNT);
	assert_string_equal(u.target, "/run/secrets/s");
	assert_int_equal(u.mode, 0444);
	assert_int_equal(u.uid, 0);
	pm_secret_use_clear(&u);

	assert_int_equal(pm_secret_use_parse("s,target=sub/x,mode=0400,uid=5,gid=6", &u, NULL), 0);
	assert_string_equal(u.target, "/run/secrets/sub/x");
	assert_int_equal(u.mode, 0400);
	assert_int_equal(u.uid, 5);
	assert_int_equal(u.gid, 6);
	pm_secret_use_clear(&u);

	assert_int_equal(pm_secret_use_parse("s,target=/etc/x", &u, NULL), 0);
	assert_string_equal(u.target, "/etc/x");
	pm_secret_use_clear(&u);

	assert_int_equal(pm_secret_use_parse("s,type=env", &u, NULL), 0);
	assert_int_equal(u.type, PM_SECRET_ENV);
	assert_string_equal(u.target, "s");
	pm_secret_use_clear(&u);

	assert_int_equal(pm_secret_use_parse("source=s,type=env,target=FOO", &u, NULL), 0);
	assert_string_equal(u.source, "s");
	assert_string_equal(u.target, "FOO");
	pm_secret_use_clear(&u);

	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{"s,type=bogus", "type bogus is invalid: parsing secret"},
		{"s,foo=bar", "option foo=bar invalid: parsing secret"},
		{"s,type", "option type must be in form option=value: parsing secret"},
		{"s,mode=abc", "mode abc invalid: parsing secret"},
		{"s,mode=8", "mode 8 invalid: parsing secret"},
		{"s,uid=x", "UID x invalid: parsing secret"},
		{"s,gid=-1", "GID -1 invalid: parsing secret"},
		{"s,type=env,uid=3",
		 "UID, GID, Mode options cannot be set with secret type env: parsing secret"},
		{"s,type=env,type=mount", "cannot set more than one secret type: parsing secret"},
		{"type=env", "no source found type=env: parsing secret"},
		{"", "no source found : parsing secret"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pm_error *err = NULL;
		assert_int_equal(pm_secret_use_parse(bad[i].spec, &u, &err), -EINVAL);
		assert_string_equal(err->msg, bad[i].msg);
		pm_error_free(err);
		pm_secret_use_clear(&u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_check),
		cmocka_unit_test_setup_teardown(test_create_lookup_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race_remove, setup, teardown),
		cmocka_unit_test(test_use_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
