/* test-storage-ctr.c: the container rootfs API (storage/container.h) end to end on a
 * temporary store: import a tiny image, create + mount a container, change files, diff,
 * commit, and check the committed image in a second container (the deleted file stays
 * deleted: whiteout), export, unmount, delete. Needs root (or pm's user namespace) for the
 * overlay mount; runs in a private mount namespace; skipped when that is impossible. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/container.h"

static char buf[1 << 16];

static ssize_t mem_read(void *ctx, void *out, size_t n)
{
	size_t *left = ctx;
	size_t off = sizeof(buf) - *left;
	if (n > *left)
		n = *left;
	memcpy(out, buf + off, n);
	*left -= n;
	return (ssize_t)n;
}

static size_t make_rootfs(void)
{
	size_t used = 0;
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, sizeof(buf), &used);
	const char *files[][2] = {
		{"etc", NULL}, {"etc/motd", "hello\n"}, {"bin", NULL}, {"bin/x", "x"}};
	for (size_t i = 0; i < 4; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, files[i][0]);
		archive_entry_set_filetype(e, files[i][1] ? AE_IFREG : AE_IFDIR);
		archive_entry_set_perm(e, 0755);
		archive_entry_set_size(e, files[i][1] ? (la_int64_t)strlen(files[i][1]) : 0);
		archive_write_header(a, e);
		if (files[i][1])
			archive_write_data(a, files[i][1], strlen(files[i][1]));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static void write_file(const char *dir, const char *rel, const char *data)
{
	char *p = pm_path_join(dir, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	free(p);
}

static bool exists_in(const char *dir, const char *rel)
{
	char *p = pm_path_join(dir, rel);
	bool r = pm_path_exists(p);
	free(p);
	return r;
}

static void test_lifecycle(void **state)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip();
	char root[] = "/tmp/pm-test-store-XXXXXX";
	assert_non_null(mkdtemp(root));
	struct pm_paths paths = {.root = root};
	struct pm_store *s = NULL;
	pm_error *err = NULL;
	assert_int_equal(pm_store_open(&paths, NULL, &s, &err), 0);

	size_t used = make_rootfs();
	size_t left = sizeof(buf);
	memset(buf + used, 0, sizeof(buf) - used);
	char *names[] = {"localhost/tiny:latest", NULL};
	char *changes[] = {"CMD [\"/bin/x\"]", NULL};
	char *id = NULL;
	assert_int_equal(pm_image_import(s, mem_read, &left, names, changes, NULL, &id, &err), 0);

	struct pm_image img = {0};
	assert_int_equal(pm_storage_image_lookup(s, "tiny", &img, &err), 0);
	assert_string_equal(img.id, id);
	assert_string_equal(img.cmd[0], "/bin/x");
	pm_image_free(&img);

	assert_int_equal(pm_storage_ctr_create(s, "c1", id, &err), 0);
	assert_int_equal(pm_storage_ctr_create(s, "c1", id, &err), -EEXIST);
	err = pm_error_free(err);
	char *mnt = NULL, *mnt2 = NULL;
	assert_int_equal(pm_storage_ctr_mount(s, "c1", &mnt, &err), 0);
	assert_int_equal(pm_storage_ctr_mount(s, "c1", &mnt2, &err), 0); /* idempotent */
	assert_string_equal(mnt, mnt2);
	assert_true(exists_in(mnt, "etc/motd"));
	write_file(mnt, "new", "n");
	write_file(mnt, "bin/x", "changed");
	char *motd = pm_path_join(mnt, "etc/motd");
	assert_int_equal(unlink(motd), 0);
	free(motd);

	/* rmi refuses an image a container uses */
	assert_int_equal(pm_image_remove(s, id, false, &err), -EBUSY);
	err = pm_error_free(err);

	struct pm_change *ch = NULL;
	size_t n = 0;
	assert_int_equal(pm_storage_ctr_diff(s, "c1", &ch, &n, &err), 0);
	char got[256] = "";
	for (size_t i = 0; i < n; i++) {
		char line[64];
		snprintf(line, sizeof(line), "%c %s;", ch[i].kind, ch[i].path);
		strcat(got, line);
	}
	assert_string_equal(got, "C /bin;C /bin/x;C /etc;D /etc/motd;A /new;");
	pm_changes_free(ch, n);

	char *newid = NULL;
	assert_int_equal(pm_storage_ctr_commit(s, "c1", "localhost/tiny2:latest", NULL, "msg", NULL,
					       &newid, &err),
			 0);
	assert_int_equal(pm_storage_ctr_create(s, "c2", "tiny2", &err), 0);
	char *m2 = NULL;
	assert_int_equal(pm_storage_ctr_mount(s, "c2", &m2, &err), 0);
	assert_false(exists_in(m2, "etc/motd"));
	assert_true(exists_in(m2, "new"));
	assert_true(exists_in(m2, "etc"));

	char *exp = pm_path_join(root, "export.tar");
	FILE *f = fopen(exp, "w");
	assert_int_equal(pm_storage_ctr_export(s, "c2", fileno(f), &err), 0);
	fclose(f);
	struct stat st;
	assert_int_equal(stat(exp, &st), 0);
	assert_true(st.st_size > 1024);
	free(exp);

	assert_int_equal(pm_storage_ctr_unmount(s, "c1", &err), 0);
	assert_int_equal(pm_storage_ctr_unmount(s, "c1", &err), 0);
	assert_int_equal(pm_storage_ctr_delete(s, "c1", &err), 0);
	assert_int_equal(pm_storage_ctr_delete(s, "c2", &err), 0);
	assert_false(exists_in(root, "containers/c1"));
	free(mnt);
	free(mnt2);
	free(m2);
	free(id);
	free(newid);
	pm_store_close(s);
	pm_rm_rf(root, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_lifecycle)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
