/* compress.c: re-encode a stored layer blob for push (compress.h). Owns the libarchive write
 * filters it needs (its own few dlopen'd symbols, beside storage/dl-archive.h's); reads the
 * blob with libarchive's read filters, so any stored compression is undone first. Called by
 * registry/push.c only. Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include "lib/dlopen.h"
#include "lib/strutil.h"
#include "registry/compress.h"
#include "storage/digest.h"
#include "storage/dl-archive.h"

static PM_DLSYM_PROTOTYPE(archive_write_add_filter_zstd) = NULL;
static PM_DLSYM_PROTOTYPE(archive_write_set_format_raw) = NULL;
static PM_DLSYM_PROTOTYPE(archive_write_set_bytes_in_last_block) = NULL;
static PM_DLSYM_PROTOTYPE(archive_write_set_bytes_per_block) = NULL;
static PM_DLSYM_PROTOTYPE(archive_write_open) = NULL;

static int dl_compress(pm_error **err)
{
	static void *dl;
	int r = pm_dl_archive(err);
	if (r < 0)
		return r;
	return pm_dlopen_many_sym(&dl, "libarchive.so.13", "libarchive13", err,
				  PM_DLSYM_ARG(archive_write_add_filter_zstd),
				  PM_DLSYM_ARG(archive_write_set_format_raw),
				  PM_DLSYM_ARG(archive_write_set_bytes_in_last_block),
				  PM_DLSYM_ARG(archive_write_set_bytes_per_block),
				  PM_DLSYM_ARG(archive_write_open), (void **)NULL);
}

static PM_DLSYM_PROTOTYPE(libdeflate_alloc_compressor) = NULL;
static PM_DLSYM_PROTOTYPE(libdeflate_free_compressor) = NULL;
static PM_DLSYM_PROTOTYPE(libdeflate_gzip_compress) = NULL;
static PM_DLSYM_PROTOTYPE(libdeflate_gzip_compress_bound) = NULL;

static int dl_deflate(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(&dl, "libdeflate.so.0", "libdeflate0", err,
				  PM_DLSYM_ARG(libdeflate_alloc_compressor),
				  PM_DLSYM_ARG(libdeflate_free_compressor),
				  PM_DLSYM_ARG(libdeflate_gzip_compress),
				  PM_DLSYM_ARG(libdeflate_gzip_compress_bound), (void **)NULL);
}

int pm_compress_load(pm_error **err)
{
	int r = dl_compress(err);
	if (r >= 0)
		r = dl_deflate(err);
	if (r < 0)
		return r;
	/* the digester opens libcrypto on first use: do that here, not in the threads */
	pm_digester_free(pm_digester_new());
	return 0;
}

enum pm_compress_algo pm_compress_algo_of_media_type(const char *media_type)
{
	if (!media_type)
		return PM_COMPRESS_NONE;
	size_t n = strlen(media_type);
	if (n >= 5 &&
	    (strcmp(media_type + n - 5, "+gzip") == 0 || strcmp(media_type + n - 5, ".gzip") == 0))
		return PM_COMPRESS_GZIP;
	if (n >= 5 && strcmp(media_type + n - 5, "+zstd") == 0)
		return PM_COMPRESS_ZSTD;
	return PM_COMPRESS_NONE;
}

int pm_compress_algo_of_file(const char *path, enum pm_compress_algo *ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unsigned char m[4] = {0};
	ssize_t n = read(fd, m, sizeof(m));
	if (n < 0)
		return -errno;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		*ret = PM_COMPRESS_GZIP;
	else if (n == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		*ret = PM_COMPRESS_ZSTD;
	else
		*ret = PM_COMPRESS_NONE;
	return 0;
}

struct sink {
	int fd;
	pm_digester *dg;
	uint64_t size;
	int error; /* errno of a failed write */
};

static int sink_put(struct sink *k, const void *buf, size_t n)
{
	const char *p = buf;
	for (size_t left = n; left > 0;) {
		ssize_t w = write(k->fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		left -= (size_t)w;
	}
	if (k->dg)
		pm_digester_update(k->dg, buf, n);
	k->size += n;
	return 0;
}

static la_ssize_t sink_write(struct archive *a, void *ctx, const void *buf, size_t n)
{
	struct sink *k = ctx;
	int r = sink_put(k, buf, n);
	if (r < 0) {
		k->error = -r;
		sym_archive_set_error(a, -r, "writing the compressed layer: %s", strerror(-r));
		return -1;
	}
	return (la_ssize_t)n;
}

/* An unnamed file in dir (O_TMPFILE), or a named one removed at once where the file system
 * has no O_TMPFILE. */
static int open_tmpfile(const char *dir, pm_error **err)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return pm_error_set_errno(err, errno, "creating a temporary file in '%s'", dir);
	_cleanup_free_ char *tmpl = pm_xasprintf("%s/push-XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "creating a temporary file in '%s'", dir);
	(void)unlink(tmpl);
	return fd;
}

static void archive_read_freep(struct archive **a)
{
	if (*a)
		sym_archive_read_free(*a);
}

static void archive_write_freep(struct archive **a)
{
	if (*a)
		sym_archive_write_free(*a);
}

static void archive_entry_freep(struct archive_entry **e)
{
	if (*e)
		sym_archive_entry_free(*e);
}

static int archive_fail(struct archive *a, int fallback, pm_error **err, const char *what,
			const char *src)
{
	const char *msg = sym_archive_error_string(a);
	return pm_error_set(err, fallback, "%s '%s': %s", what, src,
			    msg ? msg : strerror(fallback));
}

/* gzip as BGZF and pigz --independent do it, for speed: the layer in chunks of GZIP_CHUNK
 * input bytes, each one or more gzip members of its own (RFC 1952 allows a file of several;
 * every gzip reader, Go's, libarchive's, zlib's gunzip, reads them as one stream),
 * compressed by libdeflate (about twice zlib's speed at the same level). Incompressible
 * data (already compressed files: archives, images; random data) is stored at level 0, so
 * it costs a copy, not a compression: a chunk is looked at in blocks of GZIP_BLOCK bytes,
 * a run of blocks of the same kind is one member, stored or compressed at level 6. A block
 * is incompressible when the bytes of GZIP_SAMPLES samples spread over it have a collision
 * entropy (Renyi's order 2, -log2 of the sum of the squared byte frequencies, a lower bound
 * of Shannon's) of 7.5 bits or more: random data has 7.9, machine code 5 to 6, text 4,
 * tar headers 1 to 2. It is a few integer operations per sampled byte (1/16 of the data),
 * where a trial compression at level 1 costs 20 us of hash table set-up per probe, and a
 * probe of a chunk's first bytes alone decided wrong for a chunk starting with a layer's
 * small files and going on with a large random one (measured: 5 MiB of random data
 * compressed at level 6 per 100 MiB layer, 0.1 s, most of a push's CPU). */
#define GZIP_CHUNK   (1u << 20)
#define GZIP_BLOCK   (16u << 10)
#define GZIP_SAMPLES 4
#define GZIP_SAMPLE  256u

struct gz {
	struct libdeflate_compressor *dflt, *store;
	char *out;
	size_t out_cap;
};

static void gz_clear(struct gz *g)
{
	sym_libdeflate_free_compressor(g->dflt);
	sym_libdeflate_free_compressor(g->store);
	free(g->out);
}

/* sum(c^2) <= N^2 / 2^7.5 over the sampled bytes' counts c, N the number sampled. */
bool pm_compress_incompressible(const void *data, size_t n)
{
	const unsigned char *in = data;
	uint32_t count[256] = {0};
	size_t k = n < GZIP_SAMPLES * GZIP_SAMPLE ? 1 : GZIP_SAMPLES;
	size_t len = k == 1 ? n : GZIP_SAMPLE, stride = n / k, total = k * len;
	if (total < GZIP_SAMPLE) /* too few bytes to tell: compressed */
		return false;
	for (size_t i = 0; i < k; i++)
		for (const unsigned char *p = in + i * stride, *e = p + len; p < e; p++)
			count[*p]++;
	uint64_t sum = 0;
	for (size_t b = 0; b < 256; b++)
		sum += (uint64_t)count[b] * count[b];
	/* 2^7.5 = 181.02 */
	return sum * 181 <= (uint64_t)total * total;
}

/* The members of in[0..n) into g->out: their length, 0 on a failure (cannot happen: out_cap
 * is the bound of GZIP_CHUNK / GZIP_BLOCK members). An empty input is one empty member. */
static size_t gz_members(struct gz *g, const char *in, size_t n)
{
	if (n == 0)
		return sym_libdeflate_gzip_compress(g->dflt, in, 0, g->out, g->out_cap);
	bool store[GZIP_CHUNK / GZIP_BLOCK];
	size_t nb = (n + GZIP_BLOCK - 1) / GZIP_BLOCK;
	for (size_t b = 0; b < nb; b++) {
		size_t off = b * GZIP_BLOCK;
		size_t len = n - off < GZIP_BLOCK ? n - off : GZIP_BLOCK;
		store[b] = pm_compress_incompressible(in + off, len);
	}
	size_t used = 0;
	for (size_t b = 0; b < nb;) {
		size_t e = b + 1;
		while (e < nb && store[e] == store[b])
			e++;
		size_t off = b * GZIP_BLOCK, end = e * GZIP_BLOCK < n ? e * GZIP_BLOCK : n;
		size_t m =
			sym_libdeflate_gzip_compress(store[b] ? g->store : g->dflt, in + off,
						     end - off, g->out + used, g->out_cap - used);
		if (m == 0)
			return 0;
		used += m;
		b = e;
	}
	return used;
}

/* A layer re-encoded as gzip while it is read: a chunk's members at a time into g.out. */
struct pm_compress_stream {
	struct archive *in;
	int fd; /* the blob itself when it is not compressed (read() is a copy less), or -1 */
	char *src;
	struct gz g;
	char *buf;		 /* GZIP_CHUNK bytes of input */
	size_t out_pos, out_len; /* g.out[out_pos..out_len): not read yet */
	bool in_done, any, eof;
	pm_digester *dg;
	uint64_t size;
	char *digest; /* at the end */
	int r;	      /* a failure a read met (its error in err) */
	pm_error *err;
};

void pm_compress_stream_free(struct pm_compress_stream *z)
{
	if (!z)
		return;
	if (z->in)
		sym_archive_read_free(z->in);
	if (z->fd >= 0)
		close(z->fd);
	gz_clear(&z->g);
	free(z->buf);
	free(z->src);
	free(z->digest);
	pm_digester_free(z->dg);
	pm_error_free(z->err);
	free(z);
}

/* The next member into g.out: 1, 0 at the end, -errno (z->err set). The same members as
 * ever: chunks of GZIP_CHUNK input bytes, and one empty member for an empty layer. */
static int stream_next(struct pm_compress_stream *z)
{
	size_t len = 0;
	if (!z->in_done) {
		for (;;) {
			ssize_t n;
			if (z->fd >= 0) {
				n = read(z->fd, z->buf + len, GZIP_CHUNK - len);
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0)
					return z->r = pm_error_set_errno(&z->err, errno,
									 "reading layer blob '%s'",
									 z->src);
			} else {
				n = sym_archive_read_data(z->in, z->buf + len, GZIP_CHUNK - len);
				if (n < 0)
					return z->r = archive_fail(z->in, EIO, &z->err,
								   "reading layer blob", z->src);
			}
			len += (size_t)n;
			if (n == 0)
				z->in_done = true;
			if (n == 0 || len == GZIP_CHUNK)
				break;
		}
	}
	if (len == 0 && z->any) {
		z->eof = true;
		if (z->dg) {
			char hex[PM_DIGEST_HEX_LEN + 1];
			pm_digester_final(z->dg, hex);
			z->digest = pm_xasprintf("sha256:%s", hex);
		}
		return 0;
	}
	size_t m = gz_members(&z->g, z->buf, len);
	if (m == 0)
		return z->r = pm_error_set(&z->err, EOVERFLOW, "compressing '%s': %s", z->src,
					   strerror(EOVERFLOW));
	z->any = true;
	if (z->dg)
		pm_digester_update(z->dg, z->g.out, m);
	z->size += m;
	z->out_pos = 0;
	z->out_len = m;
	return 1;
}

ssize_t pm_compress_stream_read(void *ctx, void *buf, size_t n)
{
	struct pm_compress_stream *z = ctx;
	if (z->r < 0)
		return z->r;
	while (z->out_pos == z->out_len) {
		if (z->eof)
			return 0;
		int r = stream_next(z);
		if (r < 0)
			return r;
	}
	size_t k = z->out_len - z->out_pos;
	if (k > n)
		k = n;
	memcpy(buf, z->g.out + z->out_pos, k);
	z->out_pos += k;
	return (ssize_t)k;
}

const char *pm_compress_gzip_encoder(void)
{
	/* bump the number when the members change (chunk, block, rule, level) */
	return "pm-gzip-2/libdeflate-" LIBDEFLATE_VERSION_STRING;
}

void pm_compress_stream_skip_digest(struct pm_compress_stream *z)
{
	pm_digester_free(z->dg);
	z->dg = NULL;
}

const char *pm_compress_stream_digest(const struct pm_compress_stream *z)
{
	return z->digest;
}

int pm_compress_stream_error(struct pm_compress_stream *z, pm_error **err)
{
	if (z->r < 0 && z->err)
		pm_error_propagate(err, TAKE_PTR(z->err));
	return z->r;
}

int pm_compress_stream_finish(struct pm_compress_stream *z, char **ret_digest, uint64_t *ret_size,
			      pm_error **err)
{
	if (z->r < 0)
		return pm_compress_stream_error(z, err);
	if (!z->eof)
		return pm_error_set(err, EIO,
				    "compressing '%s': the stream was not read to its end", z->src);
	if (ret_digest)
		*ret_digest = z->digest ? pm_xstrdup(z->digest) : NULL;
	if (ret_size)
		*ret_size = z->size;
	return 0;
}

/* src opened for reading with libarchive's read filters (any stored compression undone):
 * its one raw entry is next; *ret_empty when there is none. */
static int open_input(const char *src, struct archive **ret, bool *ret_empty, pm_error **err)
{
	struct archive *in = sym_archive_read_new();
	if (!in)
		return pm_error_set(err, ENOMEM, "reading '%s': out of memory", src);
	sym_archive_read_support_filter_all(in);
	sym_archive_read_support_format_empty(in);
	sym_archive_read_support_format_raw(in);
	struct archive_entry *ie = NULL;
	int r = ARCHIVE_FATAL;
	if (sym_archive_read_open_filename(in, src, 1 << 16) == ARCHIVE_OK)
		r = sym_archive_read_next_header(in, &ie);
	if (r != ARCHIVE_OK && r != ARCHIVE_EOF) {
		r = archive_fail(in, EIO, err, "reading layer blob", src);
		sym_archive_read_free(in);
		return r;
	}
	*ret_empty = r == ARCHIVE_EOF;
	*ret = in;
	return 0;
}

int pm_compress_stream_open(const char *src, enum pm_compress_algo algo,
			    struct pm_compress_stream **ret, pm_error **err)
{
	if (algo != PM_COMPRESS_GZIP)
		return -EOPNOTSUPP;
	int r = dl_compress(err);
	if (r >= 0)
		r = dl_deflate(err);
	if (r < 0)
		return r;
	struct pm_compress_stream *z = pm_xcalloc(1, sizeof(*z));
	z->fd = -EBADF;
	z->src = pm_xstrdup(src);
	z->g = (struct gz){
		.dflt = sym_libdeflate_alloc_compressor(6),
		.store = sym_libdeflate_alloc_compressor(0),
	};
	if (!z->g.dflt || !z->g.store) {
		pm_compress_stream_free(z);
		return pm_error_set(err, ENOMEM, "compressing '%s': out of memory", src);
	}
	/* a member per block at worst; a run's bound is at most the sum of its blocks' */
	size_t b = sym_libdeflate_gzip_compress_bound(z->g.store, GZIP_BLOCK);
	size_t b6 = sym_libdeflate_gzip_compress_bound(z->g.dflt, GZIP_BLOCK);
	z->g.out_cap = (GZIP_CHUNK / GZIP_BLOCK) * (b > b6 ? b : b6);
	z->g.out = pm_xmalloc(z->g.out_cap);
	z->buf = pm_xmalloc(GZIP_CHUNK);
	z->dg = pm_digester_new();
	r = open_input(src, &z->in, &z->in_done, err);
	if (r < 0) {
		pm_compress_stream_free(z);
		return r;
	}
	/* no read filter but "none": the blob is the data, read() it from its start */
	if (!z->in_done && sym_archive_filter_count(z->in) == 1) {
		z->fd = open(src, O_RDONLY | O_CLOEXEC);
		if (z->fd < 0) {
			r = pm_error_set_errno(err, errno, "reading layer blob '%s'", src);
			pm_compress_stream_free(z);
			return r;
		}
		sym_archive_read_free(TAKE_PTR(z->in));
	}
	*ret = z;
	return 0;
}

/* The compressed file is complete: rewind it, hand it and its digest out. */
static int finish(int *fdp, pm_digester *dg, const struct sink *k, const char *src, int *ret_fd,
		  char **ret_digest, uint64_t *ret_size, pm_error **err)
{
	if (lseek(*fdp, 0, SEEK_SET) < 0)
		return pm_error_set_errno(err, errno, "compressing '%s'", src);
	char hex[PM_DIGEST_HEX_LEN + 1];
	pm_digester_final(dg, hex);
	*ret_digest = pm_xasprintf("sha256:%s", hex);
	*ret_size = k->size;
	*ret_fd = TAKE_FD(*fdp);
	return 0;
}

/* The gzip stream of src into the file k->fd, member by member. */
static int gzip_file(const char *src, struct sink *k, char **ret_digest, pm_error **err)
{
	_cleanup_(pm_compress_stream_freep) struct pm_compress_stream *z = NULL;
	int r = pm_compress_stream_open(src, PM_COMPRESS_GZIP, &z, err);
	if (r < 0)
		return r;
	while ((r = stream_next(z)) > 0) {
		r = sink_put(k, z->g.out, z->out_len);
		if (r < 0)
			return pm_error_set_errno(err, -r, "compressing '%s'", src);
	}
	uint64_t size;
	return pm_compress_stream_finish(z, ret_digest, &size, err);
}

int pm_compress_file(const char *src, enum pm_compress_algo algo, const char *tmpdir, int *ret_fd,
		     char **ret_digest, uint64_t *ret_size, pm_error **err)
{
	if (algo != PM_COMPRESS_GZIP && algo != PM_COMPRESS_ZSTD)
		return pm_error_set(err, EINVAL, "compressing '%s': no compression algorithm", src);
	int r = dl_compress(err);
	if (r < 0)
		return r;
	if (algo == PM_COMPRESS_GZIP) {
		_cleanup_close_ int fd = open_tmpfile(tmpdir, err);
		if (fd < 0)
			return fd;
		struct sink k = {.fd = fd};
		r = gzip_file(src, &k, ret_digest, err);
		if (r < 0)
			return r;
		if (lseek(fd, 0, SEEK_SET) < 0) {
			free(*ret_digest);
			*ret_digest = NULL;
			return pm_error_set_errno(err, errno, "compressing '%s'", src);
		}
		*ret_size = k.size;
		*ret_fd = TAKE_FD(fd);
		return 0;
	}

	__attribute__((cleanup(archive_read_freep))) struct archive *in = NULL;
	bool empty = false;
	r = open_input(src, &in, &empty, err);
	if (r < 0)
		return r;

	_cleanup_close_ int fd = open_tmpfile(tmpdir, err);
	if (fd < 0)
		return fd;
	_cleanup_digester_ pm_digester *dg = pm_digester_new();
	struct sink k = {.fd = fd, .dg = dg};

	__attribute__((cleanup(archive_write_freep))) struct archive *out = sym_archive_write_new();
	if (!out)
		return pm_error_set(err, ENOMEM, "compressing '%s': out of memory", src);
	r = sym_archive_write_add_filter_zstd(out);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return archive_fail(out, EOPNOTSUPP, err, "setting up compression for", src);
	if (sym_archive_write_set_format_raw(out) != ARCHIVE_OK ||
	    sym_archive_write_set_bytes_per_block(out, 1 << 16) != ARCHIVE_OK ||
	    sym_archive_write_set_bytes_in_last_block(out, 1) != ARCHIVE_OK ||
	    sym_archive_write_open(out, &k, NULL, sink_write, NULL) != ARCHIVE_OK)
		return archive_fail(out, EIO, err, "setting up compression for", src);

	__attribute__((cleanup(archive_entry_freep))) struct archive_entry *oe =
		sym_archive_entry_new();
	sym_archive_entry_set_pathname(oe, "layer.tar");
	sym_archive_entry_set_filetype(oe, AE_IFREG);
	sym_archive_entry_set_perm(oe, 0644);
	if (sym_archive_write_header(out, oe) != ARCHIVE_OK)
		return archive_fail(out, EIO, err, "compressing", src);

	_cleanup_free_ char *buf = pm_xmalloc(1 << 16);
	while (!empty) {
		la_ssize_t n = sym_archive_read_data(in, buf, 1 << 16);
		if (n < 0)
			return archive_fail(in, EIO, err, "reading layer blob", src);
		if (n == 0)
			break;
		if (sym_archive_write_data(out, buf, (size_t)n) != n)
			return archive_fail(out, k.error ? k.error : EIO, err, "compressing", src);
	}
	if (sym_archive_write_close(out) != ARCHIVE_OK)
		return archive_fail(out, k.error ? k.error : EIO, err, "compressing", src);
	return finish(&fd, dg, &k, src, ret_fd, ret_digest, ret_size, err);
}
