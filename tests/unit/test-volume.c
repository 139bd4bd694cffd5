/* test-volume.c: unit tests for storage/volume: names, RFC 3339 times, option checks, the
 * on-disk document, create/load/list/remove, the users list and in-use refusal,
 * lookup-or-create, racing creates of one name across fork(), tmpfs volume mounts (in a
 * private mount namespace, in a user namespace when not root; skipped only without user
 * namespaces). Every test gets its own temp root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/volume.h"
#include "tests/unit/unshare-helper.h"

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-volume-XXXXXX";
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

static void test_name_valid(void **state)
{
	assert_true(pm_volume_name_valid("a"));
	assert_true(pm_volume_name_valid("my_vol-1.2"));
	assert_true(pm_volume_name_valid("0abc"));
	assert_false(pm_volume_name_valid(""));
	assert_false(pm_volume_name_valid(NULL));
	assert_false(pm_volume_name_valid("_x"));
	assert_false(pm_volume_name_valid(".x"));
	assert_false(pm_volume_name_valid("-x"));
	assert_false(pm_volume_name_valid("a b"));
	assert_false(pm_volume_name_valid("a/b"));
	assert_false(pm_volume_name_valid(".."));
	assert_false(pm_volume_name_valid("vol\xc3\xa9"));
	char long_name[300];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(pm_volume_name_valid(long_name));
	long_name[255] = '\0';
	assert_true(pm_volume_name_valid(long_name));
}

static void test_rfc3339(void **state)
{
	int64_t sec;
	long nsec;
	assert_int_equal(pm_volume_parse_rfc3339("2024-01-02T03:04:05.123456789Z", &sec, &nsec), 0);
	assert_int_equal(sec, 1704164645);
	assert_int_equal(nsec, 123456789);
	assert_int_equal(pm_volume_parse_rfc3339("2024-01-02T04:04:05.5+01:00", &sec, &nsec), 0);
	assert_int_equal(sec, 1704164645);
	assert_int_equal(nsec, 500000000);
	assert_int_equal(pm_volume_parse_rfc3339("2024-01-01T22:04:05-05:00", &sec, &nsec), 0);
	assert_int_equal(sec, 1704164645);
	assert_int_equal(nsec, 0);
	assert_int_equal(pm_volume_parse_rfc3339("2024-01-02 03:04:05Z", &sec, &nsec), -EINVAL);
	assert_int_equal(pm_volume_parse_rfc3339("2024-01-02T03:04:05", &sec, &nsec), -EINVAL);
	assert_int_equal(pm_volume_parse_rfc3339("2024-01-02T03:04:05.Z", &sec, &nsec), -EINVAL);
	assert_int_equal(pm_volume_parse_rfc3339("2024-01-02T03:04:05Zjunk", &sec, &nsec), -EINVAL);
	assert_int_equal(pm_volume_parse_rfc3339(NULL, &sec, &nsec), -EINVAL);
}

static void test_go_string(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	struct pm_volume v = {.created_sec = 1704164645, .created_nsec = 120000000};
	_cleanup_free_ char *s = pm_volume_created_go_string(&v);
	assert_string_equal(s, "2024-01-02 03:04:05.12 +0000 UTC");
	v.created_nsec = 0;
	_cleanup_free_ char *s2 = pm_volume_created_go_string(&v);
	assert_string_equal(s2, "2024-01-02 03:04:05 +0000 UTC");
	setenv("TZ", "CET-1", 1);
	tzset();
	_cleanup_free_ char *s3 = pm_volume_created_go_string(&v);
	assert_string_equal(s3, "2024-01-02 04:04:05 +0100 CET");
	unsetenv("TZ");
	tzset();
}

static int check(const char *name, const char *const *labels, const char *const *options,
		 char **ret_msg)
{
	struct pm_volume_create_opts o = {
		.name = name,
		.labels = (char *const *)labels,
		.options = (char *const *)options,
	};
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_volume_check_opts(&o, &err);
	if (ret_msg)
		*ret_msg = err ? pm_xstrdup(err->msg) : NULL;
	return r;
}

static void test_check_opts(void **state)
{
	_cleanup_free_ char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL, *m5 = NULL, *m6 = NULL,
			    *m7 = NULL;
	assert_int_equal(check("ok", NULL, NULL, NULL), 0);
	assert_int_equal(check(NULL, NULL, NULL, NULL), 0);
	assert_int_equal(check("bad name", NULL, NULL, &m1), -EINVAL);
	assert_non_null(strstr(m1, "'bad name'"));
	assert_non_null(strstr(m1, "[a-zA-Z0-9][a-zA-Z0-9_.-]*"));
	assert_int_equal(check("x", (const char *const[]){"=v", NULL}, NULL, &m2), -EINVAL);
	assert_non_null(strstr(m2, "'=v'"));
	assert_int_equal(check("x", NULL, (const char *const[]){"foo=bar", NULL}, &m3), -EINVAL);
	assert_string_equal(m3, "invalid mount option foo for driver 'local': invalid argument");
	assert_int_equal(
		check("x", NULL, (const char *const[]){"type=ext4", "device=/dev/x", NULL}, &m4),
		-ENOTSUP);
	assert_non_null(strstr(m4, "'type=ext4'"));
	assert_int_equal(check("x", NULL, (const char *const[]){"o=size=1m", NULL}, &m5), -ENOTSUP);
	assert_non_null(strstr(m5, "'size=1m'"));
	assert_int_equal(check("x", NULL, (const char *const[]){"o=uid=abc", NULL}, &m6), -EINVAL);
	assert_non_null(strstr(m6, "'uid=abc'"));
	assert_int_equal(check("x", NULL, (const char *const[]){"o=bind", NULL}, &m7), -EINVAL);
	assert_non_null(strstr(m7, "device=ABSOLUTE-DIR"));
	assert_int_equal(check("x", NULL, (const char *const[]){"device=/x", NULL}, NULL), -EINVAL);
	assert_int_equal(check("x", NULL, (const char *const[]){"o=frobnicate", NULL}, NULL),
			 -EINVAL);
	/* accepted */
	assert_int_equal(check("x", NULL,
			       (const char *const[]){
				       "type=tmpfs", "device=tmpfs",
				       "o=size=1m,nr_inodes=100,uid=1,gid=2,nodev,noexec", NULL},
			       NULL),
			 0);
	assert_int_equal(
		check("x", NULL, (const char *const[]){"o=bind,ro", "device=/tmp", NULL}, NULL), 0);
	assert_int_equal(check("x", NULL,
			       (const char *const[]){"o=uid=5,gid=6,nodev,noquota,timeout=3",
						     "nocopy", NULL},
			       NULL),
			 0);
}

static void test_create_load(void **state)
{
	const char *root = *state;
	struct pm_volume_create_opts o = {
		.name = "v1",
		.labels = (char *const[]){"b=2", "a", "b=3", NULL},
		.options = (char *const[]){"o=nodev", NULL},
	};
	_cleanup_volume_ struct pm_volume *v = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_volume_create(root, &o, &v, &err), 0);
	assert_string_equal(v->name, "v1");
	_cleanup_free_ char *mp = pm_xasprintf("%s/volumes/v1/_data", root);
	assert_string_equal(v->mountpoint, mp);
	struct stat st;
	assert_int_equal(stat(mp, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_uid, getuid());

	/* the document on disk, readable with jq */
	_cleanup_free_ char *doc = pm_xasprintf("%s/volumes/v1/volume.json", root);
	_cleanup_json_ json_t *j = NULL;
	assert_int_equal(pm_json_load_file(doc, 1 << 20, &j, NULL), 0);
	assert_string_equal(pm_json_string(j, "Name"), "v1");
	assert_string_equal(pm_json_string(j, "Driver"), "local");
	assert_string_equal(pm_json_string(j, "Scope"), "local");
	assert_string_equal(pm_json_string(j, "Mountpoint"), mp);
	assert_string_equal(pm_json_string(json_object_get(j, "Labels"), "a"), "");
	assert_string_equal(pm_json_string(json_object_get(j, "Labels"), "b"), "3");
	assert_string_equal(pm_json_string(json_object_get(j, "Options"), "o"), "nodev");
	assert_int_equal(pm_json_int(j, "MountCount", -1), 0);
	assert_true(pm_json_bool(j, "NeedsCopyUp", false));
	assert_true(pm_json_bool(j, "NeedsChown", false));
	int64_t sec;
	long nsec;
	assert_int_equal(pm_volume_parse_rfc3339(pm_json_string(j, "CreatedAt"), &sec, &nsec), 0);
	assert_true(llabs(sec - (int64_t)time(NULL)) < 60);

	_cleanup_volume_ struct pm_volume *l = NULL;
	assert_int_equal(pm_volume_load(root, "v1", &l, &err), 0);
	assert_string_equal(l->created_at, v->created_at);
	assert_int_equal(pm_strv_length(l->labels), 2);
	assert_string_equal(l->labels[0], "a=");
	assert_string_equal(l->labels[1], "b=3");
	assert_int_equal(l->uid, -1);
	assert_null(l->fs_type);
	assert_string_equal(l->fs_options, "nodev");
	assert_true(pm_volume_exists(root, "v1"));
	assert_false(pm_volume_exists(root, "v2"));
	assert_false(pm_volume_exists(root, "../volumes/v1"));
}

static void test_create_random_name(void **state)
{
	struct pm_volume_create_opts o = {0};
	_cleanup_volume_ struct pm_volume *v = NULL;
	assert_int_equal(pm_volume_create(*state, &o, &v, NULL), 0);
	assert_int_equal(strlen(v->name), 64);
	assert_int_equal(strspn(v->name, "0123456789abcdef"), 64);
	assert_true(pm_volume_exists(*state, v->name));
}

static void test_duplicate(void **state)
{
	const char *root = *state;
	struct pm_volume_create_opts o = {.name = "dup", .labels = (char *const[]){"x=1", NULL}};
	assert_int_equal(pm_volume_create(root, &o, NULL, NULL), 0);
	_cleanup_error_ pm_error *err = NULL;
	o.labels = NULL;
	assert_int_equal(pm_volume_create(root, &o, NULL, &err), -EEXIST);
	assert_string_equal(err->msg, "volume with name dup already exists: volume already exists");
	/* --ignore returns the existing one untouched */
	o.ignore_exists = true;
	_cleanup_volume_ struct pm_volume *v = NULL;
	assert_int_equal(pm_volume_create(root, &o, &v, NULL), 0);
	assert_string_equal(v->labels[0], "x=1");
	/* no temp dirs left behind */
	_cleanup_free_ char *vdir = pm_path_join(root, "volumes");
	_cleanup_closedir_ DIR *d = opendir(vdir);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || strlen(de->d_name) > 2)
			n++;
	assert_int_equal(n, 1);
}

static void test_missing(void **state)
{
	_cleanup_volume_ struct pm_volume *v = NULL;
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	assert_int_equal(pm_volume_load(*state, "nope", &v, &e1), -ENOENT);
	assert_string_equal(e1->msg, "no such volume nope");
	assert_int_equal(pm_volume_remove(*state, "nope", false, &e2), -ENOENT);
	assert_string_equal(e2->msg, "no volume with name \"nope\" found: no such volume");
	assert_int_equal(pm_volume_load(*state, "../x", &v, &e3), -ENOENT);
}

static void test_list(void **state)
{
	const char *root = *state;
	struct pm_volume **list = NULL;
	size_t n = 99;
	assert_int_equal(pm_volume_list(root, &list, &n, NULL), 0); /* no volumes dir yet */
	assert_int_equal(n, 0);
	assert_null(list[0]);
	pm_volume_list_free(list);
	const char *names[] = {"c", "a", "b"};
	for (size_t i = 0; i < 3; i++) {
		struct pm_volume_create_opts o = {.name = names[i]};
		assert_int_equal(pm_volume_create(root, &o, NULL, NULL), 0);
	}
	/* junk in the directory is skipped */
	_cleanup_free_ char *junk = pm_xasprintf("%s/volumes/.tmp-x", root);
	assert_int_equal(mkdir(junk, 0700), 0);
	_cleanup_free_ char *broken = pm_xasprintf("%s/volumes/broken", root);
	assert_int_equal(mkdir(broken, 0700), 0);
	_cleanup_free_ char *gone = pm_xasprintf("%s/volumes/.rm-0123", root);
	_cleanup_free_ char *gone_data = pm_xasprintf("%s/volumes/.rm-0123/_data", root);
	assert_int_equal(mkdir(gone, 0700), 0);
	assert_int_equal(mkdir(gone_data, 0700), 0);
	assert_int_equal(pm_volume_list(root, &list, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_false(pm_path_exists(gone)); /* a crashed removal is swept */
	assert_true(pm_path_exists(junk));  /* a recent .tmp-* may be a create in progress */
	assert_string_equal(list[0]->name, "a");
	assert_string_equal(list[1]->name, "b");
	assert_string_equal(list[2]->name, "c");
	assert_null(list[3]);
	pm_volume_list_free(list);
}

static void test_users_and_remove(void **state)
{
	const char *root = *state;
	struct pm_volume_create_opts o = {.name = "used"};
	assert_int_equal(pm_volume_create(root, &o, NULL, NULL), 0);
	_cleanup_free_ char *f = pm_xasprintf("%s/volumes/used/_data/file", root);
	FILE *fp = fopen(f, "we");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(pm_volume_in_use(root, "used", NULL), 0);
	assert_int_equal(pm_volume_ref(root, "used", "ctr2", NULL), 0);
	assert_int_equal(pm_volume_ref(root, "used", "ctr1", NULL), 0);
	assert_int_equal(pm_volume_ref(root, "used", "ctr1", NULL), 0); /* idempotent */
	assert_int_equal(pm_volume_ref(root, "used", "../x", NULL), -EINVAL);
	assert_int_equal(pm_volume_ref(root, "nope", "ctr1", NULL), -ENOENT);
	assert_int_equal(pm_volume_in_use(root, "used", NULL), 1);
	_cleanup_strv_ char **ids = NULL;
	assert_int_equal(pm_volume_users(root, "used", &ids, NULL), 0);
	assert_int_equal(pm_strv_length(ids), 2);
	assert_string_equal(ids[0], "ctr1");

	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_volume_remove(root, "used", false, &err), -EBUSY);
	assert_string_equal(err->msg, "volume used is being used by the following container(s): "
				      "ctr1, ctr2: volume is being used");
	assert_true(pm_volume_exists(root, "used"));

	assert_int_equal(pm_volume_unref(root, "used", "ctr1", NULL), 0);
	assert_int_equal(pm_volume_unref(root, "used", "ctr1", NULL), 0);
	assert_int_equal(pm_volume_in_use(root, "used", NULL), 1);
	assert_int_equal(pm_volume_remove(root, "used", true, NULL), 0); /* force */
	assert_false(pm_volume_exists(root, "used"));
	_cleanup_free_ char *dir = pm_xasprintf("%s/volumes/used", root);
	assert_false(pm_path_exists(dir));
	/* nothing left, not even the renamed-away directory */
	_cleanup_free_ char *vdir = pm_path_join(root, "volumes");
	_cleanup_closedir_ DIR *d = opendir(vdir);
	struct dirent *de;
	while ((de = readdir(d)))
		assert_true(strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0);
	/* the name is free again */
	assert_int_equal(pm_volume_create(root, &o, NULL, NULL), 0);
	assert_int_equal(pm_volume_in_use(root, "used", NULL), 0);
	assert_int_equal(pm_volume_remove(root, "used", false, NULL), 0);
}

static void test_lookup_or_create(void **state)
{
	const char *root = *state;
	_cleanup_free_ char *mp = NULL, *mp2 = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_volume_lookup_or_create(root, "auto", &mp, NULL), 0);
	_cleanup_free_ char *want = pm_xasprintf("%s/volumes/auto/_data", root);
	assert_string_equal(mp, want);
	assert_true(pm_path_exists(mp));
	assert_int_equal(pm_volume_lookup_or_create(root, "auto", &mp2, NULL), 0);
	assert_string_equal(mp2, want);
	assert_int_equal(pm_volume_lookup_or_create(root, "no/pe", NULL, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "'no/pe'"));
}

static void test_uid_gid(void **state)
{
	if (geteuid() != 0)
		skip();
	const char *root = *state;
	struct pm_volume_create_opts o = {.name = "own",
					  .options = (char *const[]){"o=uid=1234,gid=5678", NULL}};
	_cleanup_volume_ struct pm_volume *v = NULL;
	assert_int_equal(pm_volume_create(root, &o, &v, NULL), 0);
	assert_int_equal(v->uid, 1234);
	assert_int_equal(v->gid, 5678);
	assert_false(v->needs_chown);
	struct stat st;
	assert_int_equal(stat(v->mountpoint, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	_cleanup_volume_ struct pm_volume *l = NULL;
	assert_int_equal(pm_volume_load(root, "own", &l, NULL), 0);
	assert_int_equal(pm_strv_length(l->options), 3);
	assert_string_equal(l->options[0], "GID=5678");
	assert_string_equal(l->options[1], "UID=1234");
}

/* N processes create one name at once: exactly one wins, the others get EEXIST. */
static void test_race(void **state)
{
	const char *root = *state;
	enum { N = 16 };
	pid_t pids[N];
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c;
			close(pfd[1]);
			(void)!read(pfd[0], &c, 1); /* start together */
			struct pm_volume_create_opts o = {.name = "race"};
			int r = pm_volume_create(root, &o, NULL, NULL);
			_exit(r == 0 ? 0 : r == -EEXIST ? 1 : 2);
		}
	}
	close(pfd[0]);
	close(pfd[1]);
	int wins = 0, lost = 0;
	for (int i = 0; i < N; i++) {
		int st;
		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st));
		if (WEXITSTATUS(st) == 0)
			wins++;
		else if (WEXITSTATUS(st) == 1)
			lost++;
	}
	assert_int_equal(wins, 1);
	assert_int_equal(lost, N - 1);
	size_t n;
	struct pm_volume **list = NULL;
	assert_int_equal(pm_volume_list(root, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	pm_volume_list_free(list);
}

/* A tmpfs volume is mounted for its first user and unmounted after its last. */
static void test_mount_tmpfs(void **state)
{
	const char *root = *state;
	struct pm_volume_create_opts o = {
		.name = "tm",
		.options = (char *const[]){"type=tmpfs", "device=tmpfs", "o=size=1m,nodev", NULL},
	};
	assert_int_equal(pm_volume_create(root, &o, NULL, NULL), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (test_unshare_mountns() != 0)
			_exit(77);
		char *mp = NULL;
		if (pm_volume_mount(root, "tm", "ctr1", &mp, NULL) < 0)
			_exit(1);
		struct stat a, b;
		_cleanup_free_ char *parent = pm_xasprintf("%s/..", mp);
		if (stat(mp, &a) < 0 || stat(parent, &b) < 0 || a.st_dev == b.st_dev)
			_exit(2); /* not a mount */
		if (pm_volume_mount(root, "tm", "ctr2", NULL, NULL) < 0 ||
		    pm_volume_mount(root, "tm", "ctr2", NULL, NULL) < 0) /* idempotent */
			_exit(3);
		struct pm_volume *v = NULL;
		if (pm_volume_load(root, "tm", &v, NULL) < 0 || v->mount_count != 2)
			_exit(4);
		pm_volume_free(v);
		if (pm_volume_unmount(root, "tm", "ctr1", NULL) < 0 ||
		    pm_volume_unmount(root, "tm", "ctr1", NULL) < 0) /* idempotent */
			_exit(5);
		if (stat(mp, &a) < 0 || a.st_dev == b.st_dev)
			_exit(6); /* still mounted for the second user */
		if (pm_volume_unmount(root, "tm", "ctr2", NULL) < 0)
			_exit(7);
		if (stat(mp, &a) < 0 || a.st_dev != b.st_dev)
			_exit(8);
		if (pm_volume_load(root, "tm", &v, NULL) < 0 || v->mount_count != 0)
			_exit(9);
		pm_volume_free(v);
		if (pm_volume_mount(root, "tm", "../x", NULL, NULL) != -EINVAL)
			_exit(10);
		free(mp);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void filter_err(bool prune, const char *arg, const char *msg)
{
	_cleanup_error_ pm_error *err = NULL;
	struct pm_volume_filters *fs = NULL;
	char *args[] = {(char *)arg, NULL};
	assert_int_equal(pm_volume_filters_parse(args, prune, &fs, &err), -EINVAL);
	assert_null(fs);
	assert_non_null(err);
	assert_string_equal(err->msg, msg);
}

static size_t count_filtered(const char *root, const char *const *args)
{
	_cleanup_volume_filters_ struct pm_volume_filters *fs = NULL;
	assert_int_equal(pm_volume_filters_parse((char *const *)args, false, &fs, NULL), 0);
	_cleanup_volume_list_ struct pm_volume **vols = NULL;
	assert_int_equal(pm_volume_list_filtered(root, fs, &vols, NULL), 0);
	size_t n = 0;
	while (vols[n])
		n++;
	return n;
}

static void test_filters(void **state)
{
	const char *root = *state;
	filter_err(false, "name",
		   "filter input must be in the form of filter=value: name is invalid");
	filter_err(false, "bogus=1", "\"bogus\" is an invalid volume filter");
	filter_err(true, "name=x", "\"name\" is an invalid volume filter");
	filter_err(false, "dangling=maybe",
		   "\"maybe\" is not a valid value for the \"dangling\" filter - must be true or "
		   "false");
	filter_err(false, "until=soon",
		   "invalid until filter 'soon': use a timestamp, a date or a duration like 10m");
	filter_err(false, "name=(", "invalid name filter '(': not a regular expression");

	struct pm_volume_create_opts a = {.name = "alpha", .labels = (char *const[]){"k=v", NULL}};
	struct pm_volume_create_opts b = {.name = "beta", .labels = (char *const[]){"k=w", NULL}};
	assert_int_equal(pm_volume_create(root, &a, NULL, NULL), 0);
	assert_int_equal(pm_volume_create(root, &b, NULL, NULL), 0);
	assert_int_equal(pm_volume_ref(root, "beta", "ctr1", NULL), 0);
	assert_int_equal(count_filtered(root, (const char *[]){NULL}), 2);
	assert_int_equal(count_filtered(root, (const char *[]){"name=^al", NULL}), 1);
	/* same key ORed, different keys ANDed, label ANDed */
	assert_int_equal(count_filtered(root, (const char *[]){"name=al", "name=be", NULL}), 2);
	assert_int_equal(count_filtered(root, (const char *[]){"name=al", "label=k=w", NULL}), 0);
	assert_int_equal(count_filtered(root, (const char *[]){"label=k", "label=k=v", NULL}), 1);
	assert_int_equal(count_filtered(root, (const char *[]){"label!=k=v", NULL}), 1);
	assert_int_equal(count_filtered(root, (const char *[]){"dangling=true", NULL}), 1);
	assert_int_equal(count_filtered(root, (const char *[]){"until=10m", NULL}), 0);
	assert_int_equal(count_filtered(root, (const char *[]){"until=2999-01-01", NULL}), 2);
	assert_int_equal(count_filtered(root, (const char *[]){"until=2000-01-01T00:00:00Z", NULL}),
			 0);

	_cleanup_strv_ char **names = NULL;
	assert_int_equal(pm_volume_prune_candidates(root, NULL, &names, NULL), 0);
	assert_int_equal(pm_strv_length(names), 1);
	assert_string_equal(names[0], "alpha");
	assert_int_equal(pm_volume_prune_one(root, "alpha", NULL), 1);
	assert_int_equal(pm_volume_prune_one(root, "alpha", NULL), 0); /* gone meanwhile */
	assert_int_equal(pm_volume_prune_one(root, "beta", NULL), 0);  /* taken meanwhile */
	assert_true(pm_volume_exists(root, "beta"));
}

static void test_json(void **state)
{
	const char *root = *state;
	struct pm_volume_create_opts o = {.name = "j", .options = (char *const[]){"o=uid=5", NULL}};
	_cleanup_volume_ struct pm_volume *v = NULL;
	assert_int_equal(pm_volume_create(root, &o, &v, NULL), 0);
	_cleanup_free_ char *doc = pm_volume_json(v, PM_VOLUME_JSON_DOC);
	_cleanup_free_ char *ins = pm_volume_json(v, PM_VOLUME_JSON_INSPECT);
	_cleanup_free_ char *tpl = pm_volume_json(v, PM_VOLUME_JSON_TEMPLATE);
	/* the document is what is stored */
	_cleanup_free_ char *path = pm_xasprintf("%s/volumes/j/volume.json", root);
	_cleanup_json_ json_t *stored = NULL;
	assert_int_equal(pm_json_load_file(path, 1 << 20, &stored, NULL), 0);
	_cleanup_free_ char *stored_text = json_dumps(stored, JSON_COMPACT);
	assert_string_equal(doc, stored_text);
	assert_non_null(strstr(doc, "\"NeedsChown\":false"));
	assert_null(strstr(ins, "NeedsChown")); /* podman omits a false NeedsChown */
	assert_non_null(strstr(ins, "\"UID\":5,"));
	assert_non_null(strstr(ins, v->created_at));
	assert_null(strstr(tpl, v->created_at)); /* Go's time.Time form instead */
	_cleanup_free_ char *list =
		pm_volume_list_json((struct pm_volume *[]){v, v, NULL}, PM_VOLUME_JSON_INSPECT, 0);
	_cleanup_free_ char *want = pm_xasprintf("[%s,%s]", ins, ins);
	assert_string_equal(list, want);
	/* indented: what ls --format json prints, json_dumps' JSON_INDENT(4) of the same */
	_cleanup_free_ char *pretty =
		pm_volume_list_json((struct pm_volume *[]){v, NULL}, PM_VOLUME_JSON_INSPECT, 4);
	_cleanup_json_ json_t *j = json_loads(list, 0, NULL);
	json_array_remove(j, 1);
	_cleanup_free_ char *dumped = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	assert_string_equal(pretty, dumped);
}

static void test_clear_needs(void **state)
{
	const char *root = *state;
	struct pm_volume_create_opts o = {.name = "n"};
	assert_int_equal(pm_volume_create(root, &o, NULL, NULL), 0);
	assert_int_equal(pm_volume_clear_needs(root, "n", true, false, NULL), 0);
	_cleanup_volume_ struct pm_volume *v = NULL;
	assert_int_equal(pm_volume_load(root, "n", &v, NULL), 0);
	assert_false(v->needs_copy_up);
	assert_true(v->needs_chown);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_go_string),
		cmocka_unit_test(test_check_opts),
		cmocka_unit_test_setup_teardown(test_create_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_random_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_or_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uid_gid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mount_tmpfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_needs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
