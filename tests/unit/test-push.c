/* test-push.c: push's pure parts (registry/push-plan.c: flags, destination, layer
 * compression and media types, the manifest) and the layer re-encoding
 * (registry/compress.c: gzip/zstd, deterministic, any stored compression undone). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry/push.h"
#include "storage/digest.h"

static void test_flags(void **state)
{
	enum pm_push_format f;
	enum pm_push_compression c;
	pm_error *err = NULL;
	assert_int_equal(pm_push_format_parse("oci", &f, &err), 0);
	assert_int_equal(f, PM_PUSH_OCI);
	assert_int_equal(pm_push_format_parse("v2s2", &f, &err), 0);
	assert_int_equal(f, PM_PUSH_V2S2);
	assert_int_equal(pm_push_format_parse("foo", &f, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "unknown format \"foo\""));
	err = pm_error_free(err);
	assert_int_equal(pm_push_format_parse("v2s1", &f, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "v2s1"));
	err = pm_error_free(err);
	assert_int_equal(pm_push_compression_parse("zstd", &c, &err), 0);
	assert_int_equal(c, PM_COMP_ZSTD);
	assert_int_equal(pm_push_compression_parse("gzip", &c, &err), 0);
	assert_int_equal(c, PM_COMP_GZIP);
	assert_int_equal(pm_push_compression_parse("xz", &c, &err), -EINVAL);
	assert_string_equal(err->msg, "cannot find compressor for \"xz\"");
	pm_error_free(err);
}

static void check_dest(const char *in, const char *want)
{
	struct pm_reference r = {0};
	pm_error *err = NULL;
	assert_int_equal(pm_push_parse_dest(in, &r, &err), 0);
	char *s = pm_reference_string(&r);
	assert_string_equal(s, want);
	free(s);
	pm_reference_free(&r);
}

static void check_dest_bad(const char *in, const char *part)
{
	struct pm_reference r = {0};
	pm_error *err = NULL;
	assert_true(pm_push_parse_dest(in, &r, &err) < 0);
	assert_non_null(err);
	if (!strstr(err->msg, part))
		fail_msg("'%s' does not contain '%s'", err->msg, part);
	pm_error_free(err);
}

static void test_dest(void **state)
{
	check_dest("docker://127.0.0.1:5000/bb:1", "127.0.0.1:5000/bb:1");
	check_dest("127.0.0.1:5000/ns/bb", "127.0.0.1:5000/ns/bb:latest");
	check_dest("localhost/busybox", "localhost/busybox:latest");
	check_dest("quay.io/a/b:v2", "quay.io/a/b:v2");
	check_dest("busybox", "docker.io/library/busybox:latest");
	check_dest_bad("oci:/tmp/x", "transport \"oci\" is not supported");
	check_dest_bad("dir:/tmp/x", "transport \"dir\"");
	check_dest_bad("127.0.0.1:5000/UP", "127.0.0.1:5000/UP");
	check_dest_bad("127.0.0.1:5000/bb@sha256:"
		       "0e17bec5f9e35f4e72fb03ccc24237c18a3d23bb4bb5799a8eeb42b0379e52ad",
		       "digest");
}

static enum pm_compress_algo algo(enum pm_push_format f, enum pm_push_compression c,
				  enum pm_compress_algo stored)
{
	enum pm_compress_algo a = 99;
	assert_int_equal(pm_push_layer_algo(f, c, stored, &a, NULL), 0);
	return a;
}

static void test_layer_algo(void **state)
{
	/* default: keep compressed blobs, gzip plain ones */
	assert_int_equal(algo(PM_PUSH_DEFAULT, PM_COMP_DEFAULT, PM_COMPRESS_NONE),
			 PM_COMPRESS_GZIP);
	assert_int_equal(algo(PM_PUSH_DEFAULT, PM_COMP_DEFAULT, PM_COMPRESS_GZIP),
			 PM_COMPRESS_GZIP);
	assert_int_equal(algo(PM_PUSH_OCI, PM_COMP_DEFAULT, PM_COMPRESS_ZSTD), PM_COMPRESS_ZSTD);
	/* the flag wins */
	assert_int_equal(algo(PM_PUSH_OCI, PM_COMP_ZSTD, PM_COMPRESS_GZIP), PM_COMPRESS_ZSTD);
	assert_int_equal(algo(PM_PUSH_OCI, PM_COMP_GZIP, PM_COMPRESS_ZSTD), PM_COMPRESS_GZIP);
	/* v2s2 cannot name zstd: a stored zstd blob is re-encoded, the flag refused */
	assert_int_equal(algo(PM_PUSH_V2S2, PM_COMP_DEFAULT, PM_COMPRESS_ZSTD), PM_COMPRESS_GZIP);
	enum pm_compress_algo a;
	pm_error *err = NULL;
	assert_int_equal(pm_push_layer_algo(PM_PUSH_V2S2, PM_COMP_ZSTD, PM_COMPRESS_NONE, &a, &err),
			 -EINVAL);
	assert_non_null(strstr(err->msg, "zstd compression is not supported"));
	pm_error_free(err);
}

static void test_format_and_media_types(void **state)
{
	assert_int_equal(pm_push_format_resolve(PM_PUSH_DEFAULT, PM_MT_DOCKER_MANIFEST, false),
			 PM_PUSH_V2S2);
	assert_int_equal(pm_push_format_resolve(PM_PUSH_DEFAULT, PM_MT_DOCKER_MANIFEST, true),
			 PM_PUSH_OCI);
	assert_int_equal(pm_push_format_resolve(PM_PUSH_DEFAULT, PM_MT_OCI_MANIFEST, false),
			 PM_PUSH_OCI);
	assert_int_equal(pm_push_format_resolve(PM_PUSH_DEFAULT, NULL, false), PM_PUSH_OCI);
	assert_int_equal(pm_push_format_resolve(PM_PUSH_V2S2, PM_MT_OCI_MANIFEST, false),
			 PM_PUSH_V2S2);
	assert_string_equal(pm_push_layer_media_type(PM_PUSH_V2S2, PM_COMPRESS_GZIP),
			    PM_MT_DOCKER_LAYER_GZIP);
	assert_string_equal(pm_push_layer_media_type(PM_PUSH_OCI, PM_COMPRESS_GZIP),
			    PM_MT_OCI_LAYER_GZIP);
	assert_string_equal(pm_push_layer_media_type(PM_PUSH_OCI, PM_COMPRESS_ZSTD),
			    PM_MT_OCI_LAYER_ZSTD);
	assert_int_equal(pm_compress_algo_of_media_type(PM_MT_DOCKER_LAYER_GZIP), PM_COMPRESS_GZIP);
	assert_int_equal(pm_compress_algo_of_media_type(PM_MT_OCI_LAYER_ZSTD), PM_COMPRESS_ZSTD);
	assert_int_equal(pm_compress_algo_of_media_type(PM_MT_OCI_LAYER), PM_COMPRESS_NONE);
}

static void test_manifest(void **state)
{
	char d1[] = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	char mt1[] = PM_MT_DOCKER_LAYER_GZIP;
	struct pm_descriptor l = {.media_type = mt1, .digest = d1, .size = 42};
	const char *mt = NULL;
	char *j = pm_push_manifest_json(PM_PUSH_V2S2, "sha256:cc", 7, &l, 1, &mt);
	assert_string_equal(mt, PM_MT_DOCKER_MANIFEST);
	assert_string_equal(j, "{\"schemaVersion\":2,\"mediaType\":\"" PM_MT_DOCKER_MANIFEST
			       "\",\"config\":{\"mediaType\":\"" PM_MT_DOCKER_CONFIG
			       "\",\"digest\":\"sha256:cc\",\"size\":7},\"layers\":[{\"mediaType\":"
			       "\"" PM_MT_DOCKER_LAYER_GZIP "\",\"digest\":\"sha256:"
			       "1111111111111111111111111111111111111111111111111111111111111111\","
			       "\"size\":42}]}");
	free(j);
	/* what pm_push_manifest_json writes parses back as an OCI manifest */
	j = pm_push_manifest_json(PM_PUSH_OCI, d1, 7, &l, 1, &mt);
	assert_string_equal(mt, PM_MT_OCI_MANIFEST);
	struct pm_manifest m = {0};
	assert_int_equal(pm_manifest_parse(j, strlen(j), &m, NULL), 0);
	assert_string_equal(m.media_type, PM_MT_OCI_MANIFEST);
	assert_string_equal(m.config.media_type, PM_MT_OCI_CONFIG);
	assert_int_equal(m.n_layers, 1);
	assert_int_equal(m.layers[0].size, 42);
	pm_manifest_free(&m);
	free(j);
}

/* ---- compress.c ---- */

static char tmpdir[] = "/tmp/pm-test-push-XXXXXX";

static char *write_file(const char *name, const void *data, size_t n)
{
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return p;
}

/* Re-encode path with a; returns the new bytes as a file (for a second pass). */
static char *reencode(const char *path, enum pm_compress_algo a, const char *out_name,
		      char **ret_digest)
{
	int fd = -1;
	uint64_t size = 0;
	pm_error *err = NULL;
	int r = pm_compress_file(path, a, tmpdir, &fd, ret_digest, &size, &err);
	if (r < 0)
		fail_msg("%s", err ? err->msg : "?");
	char *buf = malloc(size + 1);
	assert_int_equal(read(fd, buf, size + 1), (ssize_t)size);
	close(fd);
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digest_buffer(buf, size, hex);
	assert_string_equal(*ret_digest + strlen("sha256:"), hex);
	char *p = write_file(out_name, buf, size);
	free(buf);
	return p;
}

static void test_compress(void **state)
{
	assert_non_null(mkdtemp(tmpdir));
	char plain[4096];
	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (char)('a' + i % 7);
	char *src = write_file("plain", plain, sizeof(plain));
	enum pm_compress_algo got;
	assert_int_equal(pm_compress_algo_of_file(src, &got), 0);
	assert_int_equal(got, PM_COMPRESS_NONE);

	char *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL;
	char *gz = reencode(src, PM_COMPRESS_GZIP, "a.gz", &d1);
	assert_int_equal(pm_compress_algo_of_file(gz, &got), 0);
	assert_int_equal(got, PM_COMPRESS_GZIP);
	/* deterministic: a second push finds the same digest */
	char *gz2 = reencode(src, PM_COMPRESS_GZIP, "b.gz", &d2);
	assert_string_equal(d1, d2);
	/* gzip -> zstd undoes the gzip first; zstd -> gzip gives the plain gzip back */
	char *zst = reencode(gz, PM_COMPRESS_ZSTD, "c.zst", &d3);
	assert_int_equal(pm_compress_algo_of_file(zst, &got), 0);
	assert_int_equal(got, PM_COMPRESS_ZSTD);
	char *gz3 = reencode(zst, PM_COMPRESS_GZIP, "d.gz", &d4);
	assert_string_equal(d1, d4);

	pm_error *err = NULL;
	int fd = -1;
	uint64_t size;
	char *dg = NULL;
	assert_true(pm_compress_file("/nonexistent/layer.tar", PM_COMPRESS_GZIP, tmpdir, &fd, &dg,
				     &size, &err) < 0);
	assert_non_null(strstr(err->msg, "/nonexistent/layer.tar"));
	pm_error_free(err);

	for (char **p = (char *[]){src, gz, gz2, zst, gz3, NULL}; *p; p++) {
		unlink(*p);
		free(*p);
	}
	free(d1);
	free(d2);
	free(d3);
	free(d4);
	/* nothing left behind in the temp dir: the re-encoded files had no name */
	assert_int_equal(rmdir(tmpdir), 0);
}

/* gzip in members of 1 MiB: a random (incompressible) chunk is stored, the others
 * compressed; gzip -d reads the members as one stream, back to the same bytes */
/* The stream of src, read in odd pieces, is the file gz byte for byte, with its digest. */
static void assert_stream_is(const char *src, const char *gz, const char *digest)
{
	struct pm_compress_stream *z = NULL;
	pm_error *err = NULL;
	assert_int_equal(pm_compress_stream_open(src, PM_COMPRESS_GZIP, &z, &err), 0);
	FILE *f = fopen(gz, "rb");
	assert_non_null(f);
	char a[1000], b[1000];
	uint64_t total = 0;
	for (;;) {
		ssize_t n = pm_compress_stream_read(z, a, sizeof(a) - (total % 7));
		assert_true(n >= 0);
		size_t m = fread(b, 1, (size_t)n, f);
		assert_int_equal(m, (size_t)n);
		assert_memory_equal(a, b, (size_t)n);
		total += (uint64_t)n;
		if (n == 0)
			break;
	}
	assert_int_equal(fread(b, 1, 1, f), 0); /* nothing more in the file */
	fclose(f);
	char *d = NULL;
	uint64_t size = 0;
	assert_int_equal(pm_compress_stream_finish(z, &d, &size, &err), 0);
	assert_string_equal(d, digest);
	assert_int_equal(size, total);
	free(d);
	pm_compress_stream_free(z);
	/* zstd has no stream: the file it is */
	assert_int_equal(pm_compress_stream_open(src, PM_COMPRESS_ZSTD, &z, &err), -EOPNOTSUPP);
	assert_null(err);
}

static void test_compress_members(void **state)
{
	strcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX"); /* test_compress used the template */
	assert_non_null(mkdtemp(tmpdir));
	size_t n = (5u << 20) / 2;
	unsigned char *data = malloc(n);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		if (i < (1u << 20)) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			data[i] = (unsigned char)x;
		} else {
			data[i] = (unsigned char)('a' + i % 13);
		}
	}
	char *src = write_file("mixed", data, n);
	char *d1 = NULL;
	char *gz = reencode(src, PM_COMPRESS_GZIP, "m.gz", &d1);
	struct stat st;
	assert_int_equal(stat(gz, &st), 0);
	/* the random MiB is stored (a little over 1 MiB), the rest shrinks to almost nothing */
	assert_true(st.st_size > (1 << 20) && st.st_size < (1 << 20) + (64 << 10));
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "gzip -dc '%s' | cmp -s - '%s'", gz, src) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* an empty layer is one empty member */
	char *e = write_file("empty", "", 0);
	char *d2 = NULL;
	char *egz = reencode(e, PM_COMPRESS_GZIP, "e.gz", &d2);
	assert_true(asprintf(&cmd, "test -z \"$(gzip -dc '%s')\"", egz) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* the streamed upload sends the same bytes */
	assert_stream_is(src, gz, d1);
	assert_stream_is(e, egz, d2);
	for (char **p = (char *[]){src, gz, e, egz, NULL}; *p; p++) {
		unlink(*p);
		free(*p);
	}
	free(d1);
	free(d2);
	free(data);
	assert_int_equal(rmdir(tmpdir), 0);
}

static void xorshift_fill(unsigned char *p, size_t n, uint32_t *x)
{
	for (size_t i = 0; i < n; i++) {
		*x ^= *x << 13;
		*x ^= *x >> 17;
		*x ^= *x << 5;
		p[i] = (unsigned char)*x;
	}
}

/* the classifier: random data is stored; zeros, text, code-like bytes, a random block
 * holding a tar header, and too few bytes to tell are compressed */
static void test_incompressible(void **state)
{
	size_t n = 16 << 10;
	unsigned char *b = malloc(n);
	uint32_t x = 88172645u;
	xorshift_fill(b, n, &x);
	assert_true(pm_compress_incompressible(b, n));
	assert_true(pm_compress_incompressible(b, 1000)); /* sampled whole */
	assert_false(pm_compress_incompressible(b, 200)); /* too few to tell */
	memset(b + 4096, 0, 512);			  /* a tar header in a sample */
	assert_false(pm_compress_incompressible(b, n));
	memset(b, 0, n);
	assert_false(pm_compress_incompressible(b, n));
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)"the quick brown fox jumps over the lazy dog\n"[i % 44];
	assert_false(pm_compress_incompressible(b, n));
	/* machine code's shape: a third zero bytes, the rest spread */
	xorshift_fill(b, n, &x);
	for (size_t i = 0; i < n; i += 3)
		b[i] = 0;
	assert_false(pm_compress_incompressible(b, n));
	free(b);
}

/* a chunk that starts compressible and goes on random (a layer's small files, then a large
 * random one): the random part is stored, the rest compressed, gzip -d gives it back */
static void test_compress_mixed(void **state)
{
	strcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	size_t head = 26 << 10, rnd = (3u << 20) + 123, zeros = 7 << 10, tail = 5000;
	size_t n = head + rnd + zeros + tail;
	unsigned char *data = calloc(1, n);
	for (size_t i = 0; i < head; i++)
		data[i] = i % 512 < 100 ? (unsigned char)('a' + i % 26) : 0;
	uint32_t x = 2463534242u;
	xorshift_fill(data + head, rnd, &x);
	xorshift_fill(data + head + rnd + zeros, tail, &x);
	char *src = write_file("mixed2", data, n);
	char *d1 = NULL;
	char *gz = reencode(src, PM_COMPRESS_GZIP, "m2.gz", &d1);
	struct stat st;
	assert_int_equal(stat(gz, &st), 0);
	/* the random bytes stored (a few bytes of framing per 64 KiB, a member per run), the
	 * head and the zeros compressed to little */
	assert_true((size_t)st.st_size > rnd + tail);
	assert_true((size_t)st.st_size < rnd + tail + (24 << 10));
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "gzip -dc '%s' | cmp -s - '%s'", gz, src) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_stream_is(src, gz, d1);
	/* deterministic */
	char *d2 = NULL;
	char *gz2 = reencode(src, PM_COMPRESS_GZIP, "m3.gz", &d2);
	assert_string_equal(d1, d2);
	for (char **p = (char *[]){src, gz, gz2, NULL}; *p; p++) {
		unlink(*p);
		free(*p);
	}
	free(d1);
	free(d2);
	free(data);
	assert_int_equal(rmdir(tmpdir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_dest),
		cmocka_unit_test(test_layer_algo),
		cmocka_unit_test(test_format_and_media_types),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_compress),
		cmocka_unit_test(test_compress_members),
		cmocka_unit_test(test_incompressible),
		cmocka_unit_test(test_compress_mixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
