/* tar-read.c: the streaming tar reader (tar-read.h). Two layers: src_* gives the
 * decompressed stream (raw input teed, then zlib/zstd/libarchive raw filter, hashed), tar_*
 * parses 512-byte headers from it. Owns its buffers and decompressor state; never prints.
 * Called by storage/layer.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/dl-archive.h"
#include "storage/dl-z.h"
#include "storage/tar-read.h"

#define IN_BUF 65536u
#define BLOCK  512u

enum codec { C_NONE, C_GZIP, C_ZSTD, C_ARCHIVE };

struct pm_tar {
	pm_read_fn rd;
	void *rd_ctx;
	pm_tee_fn tee;
	void *tee_ctx;
	uint64_t raw_bytes, out_bytes;
	bool sniffed, raw_eof, out_eof;
	enum codec codec;
	unsigned char *in; /* raw input, in[in_pos..in_len) not consumed */
	size_t in_pos, in_len;
	z_stream z;
	bool z_end; /* a gzip member ended: another may follow */
	ZSTD_DStream *zs;
	struct archive *a;
	int a_error; /* -errno from rd or tee under libarchive */
	pm_digester *d;
	/* tar state */
	struct pm_tar_entry e;
	uint64_t left, pad; /* of the current entry's data */
	bool ended, any;    /* any: a header block was read */
};

/* ---- raw input --------------------------------------------------------------------------- */

/* Refill t->in (only when all is consumed): > 0, 0 at end, -errno. */
static ssize_t raw_fill(pm_tar *t)
{
	if (t->raw_eof)
		return 0;
	ssize_t n = t->rd(t->rd_ctx, t->in, IN_BUF);
	if (n < 0)
		return n;
	if (n == 0) {
		t->raw_eof = true;
		return 0;
	}
	if (t->tee) {
		int r = t->tee(t->tee_ctx, t->in, (size_t)n);
		if (r < 0)
			return r;
	}
	t->raw_bytes += (uint64_t)n;
	t->in_pos = 0;
	t->in_len = (size_t)n;
	return n;
}

static la_ssize_t archive_cb(struct archive *a, void *ctx, const void **ret)
{
	pm_tar *t = ctx;
	if (t->in_pos < t->in_len) { /* the sniffed bytes first */
		*ret = t->in + t->in_pos;
		size_t n = t->in_len - t->in_pos;
		t->in_pos = t->in_len;
		return (la_ssize_t)n;
	}
	ssize_t n = raw_fill(t);
	if (n < 0) {
		t->a_error = (int)n;
		sym_archive_set_error(a, (int)-n, "reading input: %s", strerror((int)-n));
		return -1;
	}
	t->in_pos = t->in_len;
	*ret = t->in;
	return n;
}

static int sniff(pm_tar *t, pm_error **err)
{
	t->sniffed = true;
	/* at least 6 bytes for the magic (or the whole input when shorter) */
	while (t->in_len < 6 && !t->raw_eof) {
		ssize_t n = t->rd(t->rd_ctx, t->in + t->in_len, IN_BUF - t->in_len);
		if (n < 0)
			return pm_error_set_errno(err, (int)-n, "reading input");
		if (n == 0) {
			t->raw_eof = true;
			break;
		}
		if (t->tee) {
			int r = t->tee(t->tee_ctx, t->in + t->in_len, (size_t)n);
			if (r < 0)
				return pm_error_set_errno(err, -r, "writing blob");
		}
		t->raw_bytes += (uint64_t)n;
		t->in_len += (size_t)n;
	}
	const unsigned char *m = t->in;
	size_t n = t->in_len;
	int r;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		if ((r = pm_dl_zlib(err)) < 0)
			return r;
		if (sym_inflateInit2_(&t->z, 15 + 16, ZLIB_VERSION, (int)sizeof(z_stream)) != Z_OK)
			return pm_error_set(err, ENOMEM, "starting gzip decompression");
		t->codec = C_GZIP;
	} else if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		if ((r = pm_dl_zstd(err)) < 0)
			return r;
		t->zs = sym_ZSTD_createDStream();
		if (!t->zs || sym_ZSTD_isError(sym_ZSTD_initDStream(t->zs)))
			return pm_error_set(err, ENOMEM, "starting zstd decompression");
		t->codec = C_ZSTD;
	} else if ((n >= 6 && memcmp(m,
				     "\xfd"
				     "7zXZ\0",
				     6) == 0) ||
		   (n >= 3 && memcmp(m, "BZh", 3) == 0)) {
		if ((r = pm_dl_archive(err)) < 0)
			return r;
		t->a = sym_archive_read_new();
		if (!t->a)
			abort();
		sym_archive_read_support_filter_xz(t->a);
		sym_archive_read_support_filter_bzip2(t->a);
		sym_archive_read_support_format_raw(t->a);
		struct archive_entry *ae;
		if (sym_archive_read_open(t->a, t, NULL, archive_cb, NULL) != ARCHIVE_OK ||
		    sym_archive_read_next_header(t->a, &ae) != ARCHIVE_OK)
			return pm_error_set(
				err, t->a_error ? -t->a_error : EINVAL, "decompressing: %s",
				sym_archive_error_string(t->a) ? sym_archive_error_string(t->a)
							       : "invalid data");
		t->codec = C_ARCHIVE;
	}
	if (t->codec != C_NONE)
		t->d = pm_digester_new();
	return 0;
}

/* Up to n decompressed bytes: > 0, 0 at the end of the stream, -errno with err. */
static ssize_t src_read(pm_tar *t, void *buf, size_t n, pm_error **err)
{
	if (!t->sniffed) {
		int r = sniff(t, err);
		if (r < 0)
			return r;
	}
	if (t->out_eof || n == 0)
		return 0;
	ssize_t got = 0;
	switch (t->codec) {
	case C_NONE:
		if (t->in_pos == t->in_len) {
			ssize_t f = raw_fill(t);
			if (f < 0)
				return pm_error_set_errno(err, (int)-f, "reading input");
			if (f == 0)
				break;
		}
		got = (ssize_t)(n < t->in_len - t->in_pos ? n : t->in_len - t->in_pos);
		memcpy(buf, t->in + t->in_pos, (size_t)got);
		t->in_pos += (size_t)got;
		break;
	case C_GZIP:
		while (got == 0) {
			if (t->in_pos == t->in_len) {
				ssize_t f = raw_fill(t);
				if (f < 0)
					return pm_error_set_errno(err, (int)-f, "reading input");
				if (f == 0) {
					if (!t->z_end)
						return pm_error_set(err, EINVAL,
								    "truncated gzip stream");
					break;
				}
			}
			if (t->z_end) { /* another member follows, or trailing bytes: the end */
				if (t->in[t->in_pos] != 0x1f)
					break;
				sym_inflateReset(&t->z);
				t->z_end = false;
			}
			t->z.next_in = t->in + t->in_pos;
			t->z.avail_in = (uInt)(t->in_len - t->in_pos);
			t->z.next_out = buf;
			t->z.avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
			int zr = sym_inflate(&t->z, Z_NO_FLUSH);
			t->in_pos = t->in_len - t->z.avail_in;
			got = (ssize_t)((unsigned char *)t->z.next_out - (unsigned char *)buf);
			if (zr == Z_STREAM_END)
				t->z_end = true;
			else if (zr != Z_OK && zr != Z_BUF_ERROR)
				return pm_error_set(err, EINVAL, "invalid gzip data: %s",
						    t->z.msg ? t->z.msg : "error");
		}
		break;
	case C_ZSTD:
		while (got == 0) {
			if (t->in_pos == t->in_len) {
				ssize_t f = raw_fill(t);
				if (f < 0)
					return pm_error_set_errno(err, (int)-f, "reading input");
				if (f == 0)
					break;
			}
			ZSTD_inBuffer ib = {t->in, t->in_len, t->in_pos};
			ZSTD_outBuffer ob = {buf, n, 0};
			size_t zr = sym_ZSTD_decompressStream(t->zs, &ob, &ib);
			if (sym_ZSTD_isError(zr))
				return pm_error_set(err, EINVAL, "invalid zstd data: %s",
						    sym_ZSTD_getErrorName(zr));
			t->in_pos = ib.pos;
			got = (ssize_t)ob.pos;
		}
		break;
	case C_ARCHIVE: {
		la_ssize_t r = sym_archive_read_data(t->a, buf, n);
		if (r < 0)
			return pm_error_set(
				err, t->a_error ? -t->a_error : EINVAL, "decompressing: %s",
				sym_archive_error_string(t->a) ? sym_archive_error_string(t->a)
							       : "invalid data");
		got = r;
		break;
	}
	}
	if (got == 0) {
		t->out_eof = true;
		return 0;
	}
	if (t->d)
		pm_digester_update(t->d, buf, (size_t)got);
	t->out_bytes += (uint64_t)got;
	return got;
}

/* Exactly n bytes: 1, 0 when the stream ended before the first byte, -errno (EINVAL when it
 * ended inside). */
static int src_full(pm_tar *t, void *buf, size_t n, pm_error **err)
{
	size_t have = 0;
	while (have < n) {
		ssize_t r = src_read(t, (char *)buf + have, n - have, err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return have == 0 ? 0 : pm_error_set(err, EINVAL, "truncated tar archive");
		have += (size_t)r;
	}
	return 1;
}

static int src_skip(pm_tar *t, uint64_t n, pm_error **err)
{
	char buf[4096];
	while (n > 0) {
		size_t c = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		int r = src_full(t, buf, c, err);
		if (r < 0)
			return r;
		if (r == 0)
			return pm_error_set(err, EINVAL, "truncated tar archive");
		n -= c;
	}
	return 0;
}

/* ---- tar headers --------------------------------------------------------------------------- */

pm_tar *pm_tar_new(pm_read_fn rd, void *rd_ctx, pm_tee_fn tee, void *tee_ctx)
{
	pm_tar *t = pm_xmalloc(sizeof(*t));
	*t = (pm_tar){.rd = rd, .rd_ctx = rd_ctx, .tee = tee, .tee_ctx = tee_ctx};
	t->in = pm_xmalloc(IN_BUF);
	return t;
}

/* an entry's or a pax header's xattrs: each name and value, then the array */
static void xattrs_free(struct pm_tar_xattr *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(x[i].name);
		free(x[i].value);
	}
	free(x);
}

static void entry_clear(struct pm_tar_entry *e)
{
	free(e->path);
	free(e->linkname);
	xattrs_free(e->xattrs, e->n_xattrs);
	*e = (struct pm_tar_entry){0};
}

pm_tar *pm_tar_free(pm_tar *t)
{
	if (!t)
		return NULL;
	entry_clear(&t->e);
	if (t->codec == C_GZIP)
		sym_inflateEnd(&t->z);
	if (t->zs)
		sym_ZSTD_freeDStream(t->zs);
	if (t->a)
		sym_archive_read_free(t->a);
	pm_digester_free(t->d);
	free(t->in);
	free(t);
	return NULL;
}

/* A numeric field: octal (spaces/NULs around) or GNU base-256. -1 when invalid. */
static int parse_num(const unsigned char *f, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -1; /* negative */
		for (size_t i = 1; i < len; i++) {
			if (v >> 56)
				return -1;
			v = (v << 8) | f[i];
		}
		*ret = v;
		return 0;
	}
	size_t i = 0;
	while (i < len && f[i] == ' ')
		i++;
	bool any = false;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = (v << 3) | (uint64_t)(f[i] - '0');
		any = true;
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != 0)
			return -1;
	*ret = any ? v : 0;
	return 0;
}

static bool zero_block(const unsigned char *b)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static bool checksum_ok(const unsigned char *b)
{
	uint64_t want;
	if (parse_num(b + 148, 8, &want) < 0)
		return false;
	uint64_t u = 0;
	int64_t s = 0;
	for (size_t i = 0; i < BLOCK; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
		u += c;
		s += (signed char)c;
	}
	return u == want || (uint64_t)s == want;
}

static char *field_str(const unsigned char *f, size_t len)
{
	size_t n = strnlen((const char *)f, len);
	return pm_xstrndup((const char *)f, n);
}

/* The data of a meta entry (long name, pax records), NUL-terminated. */
static int read_meta(pm_tar *t, uint64_t size, char **ret, pm_error **err)
{
	if (size > PM_TAR_META_MAX)
		return pm_error_set(err, EINVAL, "tar meta entry of %llu bytes is too large",
				    (unsigned long long)size);
	uint64_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;
	_cleanup_free_ char *buf = pm_xmalloc((size_t)padded + 1);
	if (padded) {
		int r = src_full(t, buf, (size_t)padded, err);
		if (r < 0)
			return r;
		if (r == 0)
			return pm_error_set(err, EINVAL, "truncated tar archive");
	}
	buf[size] = 0;
	*ret = TAKE_PTR(buf);
	return 0;
}

struct pax {
	char *path, *linkpath;
	bool has_size, has_uid, has_gid, has_mtime;
	uint64_t size, uid, gid;
	int64_t mtime;
	long mtime_nsec;
	struct pm_tar_xattr *xattrs;
	size_t n_xattrs;
};

static void pax_clear(struct pax *p)
{
	free(p->path);
	free(p->linkpath);
	xattrs_free(p->xattrs, p->n_xattrs);
	*p = (struct pax){0};
}

static int pax_u64(const char *v, size_t n, uint64_t *ret)
{
	uint64_t x = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*ret = x;
	return 0;
}

/* "LEN key=value\n" records. */
static int parse_pax(struct pax *p, const char *buf, size_t size, pm_error **err)
{
	size_t off = 0;
	while (off < size) {
		if (buf[off] == 0)
			break; /* NUL padding */
		size_t len = 0, i = off;
		while (i < size && buf[i] >= '0' && buf[i] <= '9' && len < size) {
			len = len * 10 + (size_t)(buf[i] - '0');
			i++;
		}
		if (i >= size || buf[i] != ' ' || len == 0 || len > size - off ||
		    buf[off + len - 1] != '\n')
			return pm_error_set(err, EINVAL, "invalid pax header record");
		const char *kv = buf + i + 1, *end = buf + off + len - 1;
		const char *eq = memchr(kv, '=', (size_t)(end - kv));
		if (!eq)
			return pm_error_set(err, EINVAL, "invalid pax header record");
		size_t kn = (size_t)(eq - kv), vn = (size_t)(end - eq - 1);
		const char *v = eq + 1;
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(kv, s, kn) == 0)
		if (KEY("path")) {
			free(p->path);
			p->path = pm_xstrndup(v, vn);
		} else if (KEY("linkpath")) {
			free(p->linkpath);
			p->linkpath = pm_xstrndup(v, vn);
		} else if (KEY("size")) {
			if (pax_u64(v, vn, &p->size) < 0 || p->size > (UINT64_MAX >> 2))
				return pm_error_set(err, EINVAL, "invalid pax size");
			p->has_size = true;
		} else if (KEY("uid")) {
			if (pax_u64(v, vn, &p->uid) < 0)
				return pm_error_set(err, EINVAL, "invalid pax uid");
			p->has_uid = true;
		} else if (KEY("gid")) {
			if (pax_u64(v, vn, &p->gid) < 0)
				return pm_error_set(err, EINVAL, "invalid pax gid");
			p->has_gid = true;
		} else if (KEY("mtime")) {
			const char *dot = memchr(v, '.', vn);
			size_t in = dot ? (size_t)(dot - v) : vn;
			bool neg = in > 0 && v[0] == '-';
			uint64_t s;
			if (pax_u64(v + neg, in - neg, &s) == 0 && s < (1ull << 62)) {
				p->mtime = neg ? -(int64_t)s : (int64_t)s;
				long ns = 0;
				size_t digits = 0;
				for (size_t k = in + 1; dot && k < vn && digits < 9;
				     k++, digits++) {
					if (v[k] < '0' || v[k] > '9')
						break;
					ns = ns * 10 + (v[k] - '0');
				}
				for (; digits < 9; digits++)
					ns *= 10;
				p->mtime_nsec = neg ? 0 : ns;
				p->has_mtime = true;
			}
		} else if (kn > 13 && memcmp(kv, "SCHILY.xattr.", 13) == 0) {
			if (p->n_xattrs >= 1024)
				return pm_error_set(err, EINVAL, "too many xattrs in a pax header");
			p->xattrs = pm_xrealloc(p->xattrs, (p->n_xattrs + 1) * sizeof(*p->xattrs));
			struct pm_tar_xattr *x = &p->xattrs[p->n_xattrs++];
			x->name = pm_xstrndup(kv + 13, kn - 13);
			x->value = pm_xmalloc(vn + 1);
			memcpy(x->value, v, vn);
			x->value[vn] = 0;
			x->size = vn;
		}
#undef KEY
		off += len;
	}
	return 0;
}

int pm_tar_next(pm_tar *t, const struct pm_tar_entry **ret, pm_error **err)
{
	if (t->ended)
		return 0;
	int r;
	if (t->left + t->pad > 0 && (r = src_skip(t, t->left + t->pad, err)) < 0)
		return r;
	t->left = t->pad = 0;
	entry_clear(&t->e);
	struct pax p = {0};
	_cleanup_free_ char *longname = NULL, *longlink = NULL;
	unsigned char b[BLOCK];
	for (;;) {
		r = src_full(t, b, BLOCK, err);
		if (!t->any && t->codec == C_NONE &&
		    (r == -EINVAL || (r == 1 && !zero_block(b) && !checksum_ok(b)))) {
			/* the first header is not one: not a tar archive at all (libarchive's
			 * words, which the messages kept) */
			pm_error_free(err ? TAKE_PTR(*err) : NULL);
			r = pm_error_set(err, EINVAL, "Unrecognized archive format");
			goto out;
		}
		if (r < 0)
			goto out;
		t->any = true;
		if (r == 0 || zero_block(b)) {
			/* end of input at a header boundary, or the end marker */
			if (p.path || p.linkpath || longname || longlink || p.has_size) {
				r = pm_error_set(err, EINVAL, "truncated tar archive");
				goto out;
			}
			t->ended = true;
			r = 0;
			goto out;
		}
		if (!checksum_ok(b)) {
			r = pm_error_set(err, EINVAL, "invalid tar header checksum");
			goto out;
		}
		uint64_t size, mode, uid, gid, mtime;
		if (parse_num(b + 124, 12, &size) < 0 || parse_num(b + 100, 8, &mode) < 0 ||
		    parse_num(b + 108, 8, &uid) < 0 || parse_num(b + 116, 8, &gid) < 0 ||
		    parse_num(b + 136, 12, &mtime) < 0 || size > (UINT64_MAX >> 2)) {
			r = pm_error_set(err, EINVAL, "invalid number in a tar header");
			goto out;
		}
		char type = (char)b[156];
		if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
			_cleanup_free_ char *data = NULL;
			if ((r = read_meta(t, size, &data, err)) < 0)
				goto out;
			if (type == 'L') {
				free(longname);
				longname = TAKE_PTR(data);
			} else if (type == 'K') {
				free(longlink);
				longlink = TAKE_PTR(data);
			} else if (type == 'x' &&
				   (r = parse_pax(&p, data, (size_t)size, err)) < 0) {
				goto out;
			}
			continue;
		}
		struct pm_tar_entry *e = &t->e;
		bool ustar = memcmp(b + 257, "ustar", 5) == 0;
		bool posix = ustar && b[262] == 0; /* "ustar\0": prefix field; GNU "ustar " not */
		if (p.path)
			e->path = TAKE_PTR(p.path);
		else if (longname)
			e->path = TAKE_PTR(longname);
		else if (posix && b[345]) {
			_cleanup_free_ char *prefix = field_str(b + 345, 155);
			_cleanup_free_ char *name = field_str(b, 100);
			e->path = pm_xasprintf("%s/%s", prefix, name);
		} else
			e->path = field_str(b, 100);
		if (p.linkpath)
			e->linkname = TAKE_PTR(p.linkpath);
		else if (longlink)
			e->linkname = TAKE_PTR(longlink);
		else
			e->linkname = field_str(b + 157, 100);
		e->perm = (mode_t)(mode & 07777);
		e->uid = p.has_uid ? p.uid : uid;
		e->gid = p.has_gid ? p.gid : gid;
		e->mtime = p.has_mtime ? p.mtime : (int64_t)mtime;
		e->mtime_nsec = p.has_mtime ? p.mtime_nsec : 0;
		if (p.has_size)
			size = p.size;
		e->xattrs = TAKE_PTR(p.xattrs);
		e->n_xattrs = p.n_xattrs;
		p.n_xattrs = 0;
		size_t pl = strlen(e->path);
		switch (type) {
		case '0':
		case '\0':
		case '7':
			e->type = pl > 0 && e->path[pl - 1] == '/' ? S_IFDIR : S_IFREG;
			break;
		case '1':
			e->type = S_IFREG;
			e->hardlink = true;
			break;
		case '2':
			e->type = S_IFLNK;
			break;
		case '3':
			e->type = S_IFCHR;
			break;
		case '4':
			e->type = S_IFBLK;
			break;
		case '5':
			e->type = S_IFDIR;
			break;
		case '6':
			e->type = S_IFIFO;
			break;
		default:
			e->type = 0;
		}
		if (e->type != S_IFLNK && !e->hardlink) {
			free(e->linkname);
			e->linkname = NULL;
		}
		/* only regular files carry data here; any other's is skipped */
		bool data = e->type == S_IFREG && !e->hardlink;
		e->size = data ? size : 0;
		t->left = data ? size : 0;
		uint64_t skip = data ? 0 : size;
		uint64_t rem = size % BLOCK;
		t->pad = skip + (rem ? BLOCK - rem : 0);
		*ret = e;
		r = 1;
		goto out;
	}
out:
	pax_clear(&p);
	return r;
}

ssize_t pm_tar_read_data(pm_tar *t, void *buf, size_t n, pm_error **err)
{
	if (t->left == 0)
		return 0;
	if (n > t->left)
		n = (size_t)t->left;
	ssize_t r = src_read(t, buf, n, err);
	if (r < 0)
		return r;
	if (r == 0)
		return pm_error_set(err, EINVAL, "truncated tar archive");
	t->left -= (uint64_t)r;
	return r;
}

int pm_tar_drain(pm_tar *t, pm_error **err)
{
	char buf[4096];
	for (;;) {
		ssize_t r = src_read(t, buf, sizeof(buf), err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			break;
	}
	/* what a decompressor did not need (trailing bytes) */
	while (!t->raw_eof) {
		ssize_t f = raw_fill(t);
		if (f < 0)
			return pm_error_set_errno(err, (int)-f, "reading input");
		t->in_pos = t->in_len;
	}
	return 0;
}

bool pm_tar_compressed(const pm_tar *t)
{
	return t->codec != C_NONE;
}

uint64_t pm_tar_raw_bytes(const pm_tar *t)
{
	return t->raw_bytes;
}

void pm_tar_diff_digest(pm_tar *t, char ret_hex[65], uint64_t *ret_size)
{
	if (t->d)
		pm_digester_final(t->d, ret_hex);
	else
		ret_hex[0] = 0;
	if (ret_size)
		*ret_size = t->out_bytes;
}
