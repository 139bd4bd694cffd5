/* test-tar-read.c: unit tests for pm's tar reader (storage/tar-read.c) and the safe
 * extractor on top of it (storage/layer.c): ustar/GNU/pax entries, gzip, zstd and xz with the
 * diff_id hashed while streaming, and the hardening: "..", absolute paths, symlink and hard
 * link escapes, truncated archives, bad checksums, huge sizes. Archives are built here, a
 * header at a time. Every test gets its own temp dir (DIR/root is extracted into; nothing
 * may appear beside it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/layer.h"
#include "storage/tar-read.h"

struct tarbuf {
	unsigned char *p;
	size_t n;
};

static void tb_put(struct tarbuf *t, const void *data, size_t n)
{
	if (n == 0)
		return;
	t->p = pm_xrealloc(t->p, t->n + n);
	memcpy(t->p + t->n, data, n);
	t->n += n;
}

static void tb_header(struct tarbuf *t, const char *name, char type, uint64_t size,
		      const char *link)
{
	unsigned char h[512] = {0};
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	char num[32];
	snprintf(num, sizeof(num), "%011llo", (unsigned long long)(size & 077777777777ull));
	memcpy(h + 124, num, 12);
	snprintf((char *)h + 136, 12, "%011o", 1000000000);
	h[156] = (unsigned char)type;
	if (link)
		snprintf((char *)h + 157, 100, "%s", link);
	memcpy(h + 257,
	       "ustar\0"
	       "00",
	       8);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (size_t i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	tb_put(t, h, 512);
}

static void tb_file(struct tarbuf *t, const char *name, char type, const void *data, size_t n,
		    const char *link)
{
	tb_header(t, name, type, n, link);
	tb_put(t, data, n);
	static const unsigned char zero[512];
	if (n % 512)
		tb_put(t, zero, 512 - n % 512);
}

static void tb_end(struct tarbuf *t)
{
	static const unsigned char zero[1024];
	tb_put(t, zero, sizeof(zero));
}

struct mem {
	const unsigned char *p;
	size_t n, off;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	size_t c = m->n - m->off < n ? m->n - m->off : n;
	if (c > 333) /* odd cuts */
		c = 333;
	if (c == 0)
		return 0;
	memcpy(buf, m->p + m->off, c);
	m->off += c;
	return (ssize_t)c;
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-tar-XXXXXX";
	if (!mkdtemp(tmpl))
		return -1;
	char *root = pm_path_join(tmpl, "root");
	if (mkdir(root, 0755) < 0)
		return -1;
	free(root);
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

/* Extract t into DIR/root; checks nothing appeared beside root. */
static int extract(const char *dir, struct tarbuf *t, enum pm_unpack_mode mode,
		   struct pm_unpack_stats *st, pm_error **err)
{
	char *root = pm_path_join(dir, "root");
	struct mem m = {t->p, t->n, 0};
	struct pm_unpack_stats s;
	int r = pm_layer_unpack(mem_read, &m, NULL, NULL, root, mode, st ? st : &s, err);
	free(root);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			assert_string_equal(de->d_name, "root");
	closedir(d);
	return r;
}

static char *slurp(const char *dir, const char *rel)
{
	char *p = pm_xasprintf("%s/root/%s", dir, rel);
	char *s = NULL;
	size_t n = 0;
	FILE *f = fopen(p, "re");
	free(p);
	if (!f)
		return NULL;
	char buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		s = pm_xrealloc(s, n + k + 1);
		memcpy(s + n, buf, k);
		n += k;
	}
	fclose(f);
	if (!s)
		s = pm_xstrdup("");
	else
		s[n] = 0;
	return s;
}

static bool exists(const char *dir, const char *rel)
{
	char *p = pm_xasprintf("%s/root/%s", dir, rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static void test_basic_entries(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	tb_file(&t, "./etc/", '5', NULL, 0, NULL);
	tb_file(&t, "./etc/hosts", '0', "127.0.0.1 localhost\n", 20, NULL);
	tb_file(&t, "./etc/link", '2', NULL, 0, "hosts");
	tb_file(&t, "./etc/hard", '1', NULL, 0, "./etc/hosts");
	tb_file(&t, "fifo", '6', NULL, 0, NULL);
	tb_end(&t);
	pm_error *err = NULL;
	struct pm_unpack_stats st;
	assert_int_equal(extract(dir, &t, PM_UNPACK_OVERLAY, &st, &err), 0);
	assert_null(err);
	assert_int_equal(st.entries, 5);
	assert_int_equal(st.file_bytes, 20);
	assert_false(st.compressed);
	assert_int_equal(st.raw_bytes, t.n);
	char *s = slurp(dir, "etc/hard");
	assert_string_equal(s, "127.0.0.1 localhost\n");
	free(s);
	char *p = pm_xasprintf("%s/root/etc/link", dir);
	char target[64] = {0};
	assert_int_equal(readlink(p, target, sizeof(target) - 1), 5);
	assert_string_equal(target, "hosts");
	free(p);
	p = pm_xasprintf("%s/root/etc/hosts", dir);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0644);
	assert_int_equal(sb.st_mtime, 1000000000);
	assert_int_equal(sb.st_nlink, 2);
	free(p);
	free(t.p);
}

/* xattrs of a pax header: freed with the entry that took them, and with the header when no
 * entry takes them (the end marker after it, a bad record after it). ASan's leak check
 * (make SANITIZE=address unit) is what fails here when one is not. */
static void test_pax_xattrs_freed(void **state)
{
	(void)state;
	const char *x = "25 SCHILY.xattr.user.k=v\n26 SCHILY.xattr.user.j=vw\n";
	for (int kind = 0; kind < 3; kind++) {
		struct tarbuf t = {0};
		tb_file(&t, "x1", 'x', x, strlen(x), NULL);
		if (kind == 0) { /* two entries with xattrs: the first's freed by the next */
			tb_file(&t, "a", '0', "1", 1, NULL);
			tb_file(&t, "x2", 'x', x, strlen(x), NULL);
			tb_file(&t, "b", '0', "2", 1, NULL);
		} else if (kind == 2) {
			tb_file(&t, "x2", 'x', "9 bad\n", 6, NULL);
		}
		tb_end(&t);
		struct mem m = {t.p, t.n, 0};
		pm_tar *tr = pm_tar_new(mem_read, &m, NULL, NULL);
		const struct pm_tar_entry *e;
		pm_error *err = NULL;
		if (kind == 0) {
			assert_int_equal(pm_tar_next(tr, &e, &err), 1);
			assert_int_equal(e->n_xattrs, 2);
			assert_string_equal(e->xattrs[1].name, "user.j");
			assert_int_equal(pm_tar_next(tr, &e, &err), 1);
			assert_int_equal(e->n_xattrs, 2);
			assert_string_equal(e->path, "b");
			assert_int_equal(pm_tar_next(tr, &e, &err), 0);
		} else if (kind == 1) {
			assert_int_equal(pm_tar_next(tr, &e, &err), 0);
		} else {
			assert_int_equal(pm_tar_next(tr, &e, &err), -EINVAL);
			assert_string_equal(err->msg, "invalid pax header record");
			pm_error_free(err);
			err = NULL;
		}
		assert_null(err);
		pm_tar_free(tr);
		free(t.p);
	}
}

/* A pax header (long path, xattr, size, mtime) and GNU long names. */
static void test_pax_and_gnu(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	char longpath[300];
	memset(longpath, 'a', 150);
	longpath[150] = '/';
	memset(longpath + 151, 'b', 120);
	longpath[271] = 0;
	char *rec_path = pm_xasprintf("path=%s\n", longpath);
	char *pax = pm_xasprintf("%zu %s", strlen(rec_path) + 4, rec_path);
	const char *x = "25 SCHILY.xattr.user.k=v\n18 mtime=12345.25\n";
	char *all = pm_xasprintf("%s%s", pax, x);
	tb_file(&t, "ignored", 'x', all, strlen(all), NULL);
	tb_file(&t, "short", '0', "pax!", 4, NULL);
	const char *gnu = "gnu/long/name/that/is/a/file";
	tb_file(&t, "././@LongLink", 'L', gnu, strlen(gnu) + 1, NULL);
	tb_file(&t, "trunc", '0', "gnu", 3, NULL);
	tb_end(&t);

	struct mem m = {t.p, t.n, 0};
	pm_tar *tr = pm_tar_new(mem_read, &m, NULL, NULL);
	const struct pm_tar_entry *e;
	pm_error *err = NULL;
	int r = pm_tar_next(tr, &e, &err);
	if (r < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(r, 1);
	assert_string_equal(e->path, longpath);
	assert_int_equal(e->size, 4);
	assert_int_equal(e->mtime, 12345);
	assert_int_equal(e->mtime_nsec, 250000000);
	assert_int_equal(e->n_xattrs, 1);
	assert_string_equal(e->xattrs[0].name, "user.k");
	assert_int_equal(e->xattrs[0].size, 1);
	assert_int_equal(pm_tar_next(tr, &e, &err), 1); /* the data of the first is skipped */
	assert_string_equal(e->path, gnu);
	char buf[16];
	assert_int_equal(pm_tar_read_data(tr, buf, sizeof(buf), &err), 3);
	assert_memory_equal(buf, "gnu", 3);
	assert_int_equal(pm_tar_read_data(tr, buf, sizeof(buf), &err), 0);
	assert_int_equal(pm_tar_next(tr, &e, &err), 0);
	assert_int_equal(pm_tar_drain(tr, &err), 0);
	assert_null(err);
	pm_tar_free(tr);

	assert_int_equal(extract(dir, &t, PM_UNPACK_OVERLAY, NULL, &err), 0);
	char *rel = pm_xasprintf("%s", longpath);
	char *s = slurp(dir, rel);
	assert_string_equal(s, "pax!");
	free(s);
	free(rel);
	free(rec_path);
	free(pax);
	free(all);
	free(t.p);
}

/* Refused in both modes, or (in_root) refused in overlay mode and resolved inside the root
 * in apply mode (RESOLVE_IN_ROOT: "/" and ".." are the root); extract() checks that nothing
 * appeared beside the root either way. */
static void expect_refused_mode(const char *dir, struct tarbuf *t, int code, const char *what,
				bool in_root)
{
	pm_error *err = NULL;
	for (int mode = 0; mode < 2; mode++) {
		int r = extract(dir, t, (enum pm_unpack_mode)mode, NULL, &err);
		if (in_root && mode == PM_UNPACK_APPLY) {
			/* a hard link's target may be missing in the root: ENOENT */
			assert_true(r == 0 || r == -ENOENT);
			pm_error_free(err);
			err = NULL;
			continue;
		}
		assert_int_equal(r, -code);
		assert_non_null(err);
		assert_non_null(strstr(err->msg, what));
		pm_error_free(err);
		err = NULL;
	}
	free(t->p);
	*t = (struct tarbuf){0};
}

static void expect_refused(const char *dir, struct tarbuf *t, int code, const char *what)
{
	expect_refused_mode(dir, t, code, what, false);
}

static void test_traversal_refused(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	tb_file(&t, "../escape", '0', "no", 2, NULL);
	tb_end(&t);
	expect_refused(dir, &t, EPERM, "path escapes");

	tb_file(&t, "a/../../escape", '0', "no", 2, NULL);
	tb_end(&t);
	expect_refused(dir, &t, EPERM, "path escapes");

	/* a symlink to / (and to ..), then a file through it */
	tb_file(&t, "out", '2', NULL, 0, "/");
	tb_file(&t, "out/evil", '0', "no", 2, NULL);
	tb_end(&t);
	expect_refused_mode(dir, &t, EPERM, "out/evil", true);
	assert_true(exists(dir, "evil"));
	tb_file(&t, "up", '2', NULL, 0, "../..");
	tb_file(&t, "up/evil", '0', "no", 2, NULL);
	tb_end(&t);
	expect_refused_mode(dir, &t, EPERM, "up/evil", true);

	/* a hard link to outside */
	tb_file(&t, "h", '1', NULL, 0, "../../etc/passwd");
	tb_end(&t);
	expect_refused(dir, &t, EPERM, "target escapes");

	/* a hard link through a symlink */
	tb_file(&t, "s", '2', NULL, 0, "/etc");
	tb_file(&t, "h", '1', NULL, 0, "s/passwd");
	tb_end(&t);
	expect_refused_mode(dir, &t, EPERM, "s/passwd", true);
}

/* An absolute path is taken as relative to the root: it stays inside. */
static void test_absolute_inside(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	tb_file(&t, "/abs/file", '0', "in", 2, NULL);
	tb_end(&t);
	pm_error *err = NULL;
	assert_int_equal(extract(dir, &t, PM_UNPACK_APPLY, NULL, &err), 0);
	char *s = slurp(dir, "abs/file");
	assert_string_equal(s, "in");
	free(s);
	free(t.p);
}

static void test_whiteouts(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	tb_file(&t, "d/", '5', NULL, 0, NULL);
	tb_file(&t, "d/.wh.gone", '0', NULL, 0, NULL);
	tb_file(&t, "d/.wh..wh..opq", '0', NULL, 0, NULL);
	tb_end(&t);
	pm_error *err = NULL;
	assert_int_equal(extract(dir, &t, PM_UNPACK_OVERLAY, NULL, &err), 0);
	assert_true(exists(dir, "d/gone"));
	assert_false(exists(dir, "d/.wh.gone"));
	assert_false(exists(dir, "d/.wh..wh..opq"));
	free(t.p);
	t = (struct tarbuf){0};

	/* apply mode: whiteouts delete */
	tb_file(&t, "d/x", '0', "x", 1, NULL);
	tb_end(&t);
	assert_int_equal(extract(dir, &t, PM_UNPACK_APPLY, NULL, &err), 0);
	free(t.p);
	t = (struct tarbuf){0};
	assert_true(exists(dir, "d/x"));
	tb_file(&t, "d/.wh.x", '0', NULL, 0, NULL);
	tb_end(&t);
	assert_int_equal(extract(dir, &t, PM_UNPACK_APPLY, NULL, &err), 0);
	assert_false(exists(dir, "d/x"));
	free(t.p);
}

static void test_truncated_checksum_huge(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	char data[3000];
	memset(data, 'y', sizeof(data));
	tb_file(&t, "big", '0', data, sizeof(data), NULL);
	t.n = 1200; /* inside the data */
	expect_refused(dir, &t, EINVAL, "truncated");

	tb_file(&t, "a", '0', "1", 1, NULL);
	tb_file(&t, "big", '0', data, sizeof(data), NULL);
	t.n = 1024 + 300; /* inside the second header */
	expect_refused(dir, &t, EINVAL, "truncated");

	tb_file(&t, "a", '0', "1", 1, NULL);
	tb_file(&t, "x", '0', "1", 1, NULL);
	tb_end(&t);
	t.p[1024] ^= 1;
	expect_refused(dir, &t, EINVAL, "checksum");

	/* a first header that is not one: not a tar archive */
	tb_file(&t, "x", '0', "1", 1, NULL);
	tb_end(&t);
	t.p[0] ^= 1;
	expect_refused(dir, &t, EINVAL, "Unrecognized archive format");
	tb_put(&t, "short", 5);
	expect_refused(dir, &t, EINVAL, "Unrecognized archive format");

	/* 64 GiB announced, 1 byte there */
	tb_header(&t, "huge", '0', 077777777777ull, NULL);
	tb_put(&t, "1", 1);
	expect_refused(dir, &t, EINVAL, "truncated");

	/* a pax header too large to hold */
	tb_header(&t, "x", 'x', 077777777777ull, NULL);
	tb_end(&t);
	expect_refused(dir, &t, EINVAL, "too large");

	/* a pax record whose length lies */
	tb_file(&t, "x", 'x', "99 path=a\n", 10, NULL);
	tb_file(&t, "f", '0', "1", 1, NULL);
	tb_end(&t);
	expect_refused(dir, &t, EINVAL, "pax");

	/* garbage after a valid entry */
	tb_file(&t, "a", '0', "1", 1, NULL);
	tb_put(&t, "this is not a tar archive at all", 32);
	expect_refused(dir, &t, EINVAL, "truncated");
}

/* Empty input is an empty layer; end of input at a header boundary ends the archive. */
static void test_empty_and_no_marker(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	pm_error *err = NULL;
	struct pm_unpack_stats st;
	assert_int_equal(extract(dir, &t, PM_UNPACK_OVERLAY, &st, &err), 0);
	assert_int_equal(st.entries, 0);
	tb_file(&t, "f", '0', "1", 1, NULL);
	assert_int_equal(extract(dir, &t, PM_UNPACK_OVERLAY, &st, &err), 0);
	assert_int_equal(st.entries, 1);
	free(t.p);
}

static void plain_digest(struct tarbuf *t, char hex[65])
{
	pm_digester *d = pm_digester_new();
	pm_digester_update(d, t->p, t->n);
	pm_digester_final(d, hex);
	pm_digester_free(d);
}

/* gzip (two members, as pgzip writes) and zstd: the diff_id is the plain tar's digest */
static void test_compressed(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	char data[5000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	tb_file(&t, "f", '0', data, sizeof(data), NULL);
	tb_end(&t);
	char want[65];
	plain_digest(&t, want);

	struct tarbuf gz = {0};
	size_t half = t.n / 2;
	for (int part = 0; part < 2; part++) {
		z_stream z = {0};
		assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
				 Z_OK);
		unsigned char out[16384];
		z.next_in = t.p + (part ? half : 0);
		z.avail_in = (uInt)(part ? t.n - half : half);
		z.next_out = out;
		z.avail_out = sizeof(out);
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		tb_put(&gz, out, sizeof(out) - z.avail_out);
		deflateEnd(&z);
	}
	pm_error *err = NULL;
	struct pm_unpack_stats st;
	assert_int_equal(extract(dir, &gz, PM_UNPACK_OVERLAY, &st, &err), 0);
	assert_true(st.compressed);
	assert_int_equal(st.raw_bytes, gz.n);
	assert_int_equal(st.diff_size, t.n);
	assert_string_equal(st.diff_hex, want);
	char *s = slurp(dir, "f");
	assert_memory_equal(s, data, sizeof(data));
	free(s);

	/* a corrupt gzip stream fails */
	gz.p[gz.n / 2] ^= 0xff;
	gz.p[gz.n / 2 + 1] ^= 0xff;
	assert_true(extract(dir, &gz, PM_UNPACK_OVERLAY, &st, &err) < 0);
	assert_non_null(err);
	pm_error_free(err);
	err = NULL;
	/* a truncated one too */
	gz.n = 20;
	assert_int_equal(extract(dir, &gz, PM_UNPACK_OVERLAY, &st, &err), -EINVAL);
	pm_error_free(err);
	err = NULL;
	free(gz.p);

	size_t cap = ZSTD_compressBound(t.n);
	unsigned char *zs = pm_xmalloc(cap);
	size_t zn = ZSTD_compress(zs, cap, t.p, t.n, 3);
	assert_false(ZSTD_isError(zn));
	struct tarbuf z = {zs, zn};
	assert_int_equal(extract(dir, &z, PM_UNPACK_OVERLAY, &st, &err), 0);
	assert_true(st.compressed);
	assert_string_equal(st.diff_hex, want);
	free(zs);
	free(t.p);
}

/* xz (and bzip2) go through libarchive's raw filters: the same entries, the same diff_id */
static void test_xz_through_libarchive(void **state)
{
	const char *dir = *state;
	struct tarbuf t = {0};
	tb_file(&t, "x/", '5', NULL, 0, NULL);
	tb_file(&t, "x/f", '0', "xz!", 3, NULL);
	tb_end(&t);
	char want[65];
	plain_digest(&t, want);
	char *plain = pm_xasprintf("%s/plain.tar", dir);
	FILE *f = fopen(plain, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(t.p, 1, t.n, f), t.n);
	fclose(f);
	char *cmd = pm_xasprintf("xz -c '%s' 2>/dev/null", plain);
	FILE *p = popen(cmd, "re");
	assert_non_null(p);
	struct tarbuf x = {0};
	char buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), p)) > 0)
		tb_put(&x, buf, k);
	int rc = pclose(p);
	unlink(plain);
	free(plain);
	free(cmd);
	free(t.p);
	if (rc != 0 || x.n == 0) {
		free(x.p);
		skip(); /* no xz(1) here */
	}
	pm_error *err = NULL;
	struct pm_unpack_stats st;
	assert_int_equal(extract(dir, &x, PM_UNPACK_OVERLAY, &st, &err), 0);
	assert_true(st.compressed);
	assert_string_equal(st.diff_hex, want);
	char *s = slurp(dir, "x/f");
	assert_string_equal(s, "xz!");
	free(s);
	free(x.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_entries, setup, teardown),
		cmocka_unit_test(test_pax_xattrs_freed),
		cmocka_unit_test_setup_teardown(test_pax_and_gnu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traversal_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absolute_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_checksum_huge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_no_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xz_through_libarchive, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
