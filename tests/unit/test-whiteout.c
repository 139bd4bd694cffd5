/* test-whiteout.c: layer extraction (storage/layer.c): whiteout conversion to overlay
 * whiteouts and opaque markers, apply mode, hard links, symlinks, modes, and refusal of
 * entries that escape ("..", paths through symlinks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/layer.h"

struct ent {
	const char *path;
	char type;	  /* f file, d dir, l symlink, h hardlink */
	const char *data; /* file content or link target */
	mode_t mode;
};

static char *make_tar(const struct ent *e, size_t n, size_t *ret_len)
{
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	size_t used = 0;
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_perm(ae, e[i].mode ? e[i].mode : 0644);
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
		switch (e[i].type) {
		case 'd':
			archive_entry_set_filetype(ae, AE_IFDIR);
			break;
		case 'l':
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e[i].data);
			break;
		case 'h':
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].data);
			break;
		default:
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_size(ae, e[i].data ? (la_int64_t)strlen(e[i].data) : 0);
		}
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].type == 'f' && e[i].data)
			archive_write_data(a, e[i].data, strlen(e[i].data));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	*ret_len = used;
	return buf;
}

struct mem {
	const char *p;
	size_t left;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

static int unpack(const struct ent *e, size_t n, const char *dir, enum pm_unpack_mode mode,
		  pm_error **err)
{
	size_t len;
	char *tar = make_tar(e, n, &len);
	struct mem m = {tar, len};
	int r = pm_layer_unpack(mem_read, &m, NULL, NULL, dir, mode, NULL, err);
	free(tar);
	return r;
}

static char *tmpdir(void)
{
	char *d = strdup("/tmp/pm-test-whiteout-XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

static void test_names(void **state)
{
	const char *name = NULL;
	bool opaque = false;
	assert_true(pm_layer_whiteout_name(".wh.motd", &name, &opaque));
	assert_string_equal(name, "motd");
	assert_false(opaque);
	assert_true(pm_layer_whiteout_name(".wh..wh..opq", &name, &opaque));
	assert_true(opaque);
	assert_false(pm_layer_whiteout_name("motd", &name, &opaque));
	assert_false(pm_layer_whiteout_name(".wh.", &name, &opaque));

	char *p = pm_layer_clean_path("./a//b/./c");
	assert_string_equal(p, "a/b/c");
	free(p);
	p = pm_layer_clean_path("/etc/passwd");
	assert_string_equal(p, "etc/passwd");
	free(p);
	assert_null(pm_layer_clean_path("a/../../b"));
	assert_null(pm_layer_clean_path(".."));
}

static void test_overlay_whiteouts(void **state)
{
	const struct ent e[] = {
		{"etc", 'd', NULL, 0755},
		{"etc/.wh.motd", 'f', "", 0},
		{"opq", 'd', NULL, 0700},
		{"opq/.wh..wh..opq", 'f', "", 0},
		{"opq/kept", 'f', "k", 0600},
		{"bin", 'd', NULL, 0755},
		{"bin/busybox", 'f', "BB", 04755},
		{"bin/sh", 'l', "/bin/busybox", 0777},
		{"bin/hard", 'h', "bin/busybox", 0},
	};
	char *d = tmpdir();
	pm_error *err = NULL;
	assert_int_equal(unpack(e, ARRAY_SIZE(e), d, PM_UNPACK_OVERLAY, &err), 0);
	struct stat st;
	char *p = pm_path_join(d, "etc/motd");
	assert_int_equal(lstat(p, &st), 0);
	bool chr00 = S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
	char v[4] = {0};
	bool xattr_wh = S_ISREG(st.st_mode) && getxattr(p, "user.overlay.whiteout", v, 4) >= 0;
	assert_true(chr00 || xattr_wh);
	free(p);
	p = pm_path_join(d, "opq");
	memset(v, 0, sizeof(v));
	assert_int_equal(getxattr(p, "user.overlay.opaque", v, sizeof(v)), 1);
	assert_string_equal(v, "y");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(p);
	p = pm_path_join(d, "opq/.wh..wh..opq");
	assert_false(pm_path_exists(p));
	free(p);
	p = pm_path_join(d, "bin/busybox");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 04755);
	assert_int_equal(st.st_nlink, 2);
	free(p);
	p = pm_path_join(d, "bin/sh");
	char target[64] = {0};
	assert_int_equal(readlink(p, target, sizeof(target)), 12);
	assert_string_equal(target, "/bin/busybox");
	free(p);
	pm_rm_rf(d, NULL);
	free(d);
}

static void test_apply_mode(void **state)
{
	char *d = tmpdir();
	const struct ent base[] = {{"etc", 'd', NULL, 0755},	  {"etc/motd", 'f', "hi", 0},
				   {"var", 'd', NULL, 0755},	  {"var/a", 'f', "a", 0},
				   {"lib", 'l', "usr/lib", 0777}, {"usr/lib", 'd', NULL, 0755}};
	const struct ent top[] = {{"etc/.wh.motd", 'f', "", 0},
				  {"var/.wh..wh..opq", 'f', "", 0},
				  {"var/b", 'f', "b", 0},
				  {"lib/x", 'f', "x", 0}};
	assert_int_equal(unpack(base, ARRAY_SIZE(base), d, PM_UNPACK_APPLY, NULL), 0);
	assert_int_equal(unpack(top, ARRAY_SIZE(top), d, PM_UNPACK_APPLY, NULL), 0);
	char *p = pm_path_join(d, "etc/motd");
	assert_false(pm_path_exists(p));
	free(p);
	p = pm_path_join(d, "var/a");
	assert_false(pm_path_exists(p));
	free(p);
	p = pm_path_join(d, "var/b");
	assert_true(pm_path_exists(p));
	free(p);
	/* a relative symlink in a lower layer resolves inside the root */
	p = pm_path_join(d, "usr/lib/x");
	assert_true(pm_path_exists(p));
	free(p);
	pm_rm_rf(d, NULL);
	free(d);
}

static void test_escapes(void **state)
{
	char *d = tmpdir();
	char *outside = strdup("/tmp/pm-test-outside-XXXXXX");
	assert_non_null(mkdtemp(outside));
	pm_error *err = NULL;
	const struct ent dotdot[] = {{"../escape", 'f', "x", 0}};
	assert_int_equal(unpack(dotdot, 1, d, PM_UNPACK_OVERLAY, &err), -EPERM);
	assert_non_null(strstr(err->msg, "'../escape'"));
	err = pm_error_free(err);
	const struct ent sym[] = {{"evil", 'l', outside, 0777}, {"evil/pwned", 'f', "x", 0}};
	assert_int_equal(unpack(sym, 2, d, PM_UNPACK_OVERLAY, &err), -EPERM);
	assert_non_null(strstr(err->msg, "symlink"));
	err = pm_error_free(err);
	const struct ent hard[] = {{"h", 'h', "../../etc/passwd", 0}};
	assert_int_equal(unpack(hard, 1, d, PM_UNPACK_OVERLAY, &err), -EPERM);
	err = pm_error_free(err);
	/* APPLY mode: an absolute symlink resolves inside the root (here to a missing
	 * directory: refused), never outside */
	char *d2 = tmpdir();
	unpack(sym, 2, d2, PM_UNPACK_APPLY, &err);
	err = pm_error_free(err);
	char *p = pm_path_join(outside, "pwned");
	assert_false(pm_path_exists(p));
	free(p);
	pm_rm_rf(d2, NULL);
	free(d2);
	pm_rm_rf(outside, NULL);
	free(outside);
	pm_rm_rf(d, NULL);
	free(d);
}

static void test_garbage(void **state)
{
	char *d = tmpdir();
	pm_error *err = NULL;
	struct mem m = {"this is not a tar archive at all, just text", 44};
	assert_true(pm_layer_unpack(mem_read, &m, NULL, NULL, d, PM_UNPACK_OVERLAY, NULL, &err) <
		    0);
	assert_non_null(err);
	pm_error_free(err);
	pm_rm_rf(d, NULL);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),	   cmocka_unit_test(test_overlay_whiteouts),
		cmocka_unit_test(test_apply_mode), cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
