/* layerstore.c: the layers/ part of the store: ingest (tee the blob to disk and hash it
 * while unpacking, verify, rename into place), lookup and collection. Owns layers/; never
 * prints. Called by image.c, archive.c and container.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/dl-archive.h"
#include "storage/layerstore.h"
#include "storage/manifest.h"

void pm_layer_info_free(struct pm_layer_info *l)
{
	free(l->diff_id);
	free(l->digest);
	free(l->media_type);
	memset(l, 0, sizeof(*l));
}

char *pm_layer_diff_path(const struct pm_store *s, const char *diff_id)
{
	return pm_store_path(s, "layers/%s/diff",
			     pm_digest_hex(diff_id) ? pm_digest_hex(diff_id) : "");
}

char *pm_layer_blob_path(const struct pm_store *s, const char *diff_id)
{
	return pm_store_path(s, "layers/%s/layer.tar",
			     pm_digest_hex(diff_id) ? pm_digest_hex(diff_id) : "");
}

bool pm_layer_exists(const struct pm_store *s, const char *diff_id)
{
	if (!pm_digest_valid(diff_id))
		return false;
	_cleanup_free_ char *p = pm_store_path(s, "layers/%s/layer.json", pm_digest_hex(diff_id));
	return pm_path_exists(p);
}

int pm_layer_get(const struct pm_store *s, const char *diff_id, struct pm_layer_info *ret,
		 pm_error **err)
{
	if (!pm_digest_valid(diff_id))
		return pm_error_set(err, EINVAL, "invalid layer id '%s'", diff_id ? diff_id : "");
	_cleanup_free_ char *p = pm_store_path(s, "layers/%s/layer.json", pm_digest_hex(diff_id));
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = pm_read_file(p, 1 << 16, &data, &len, NULL);
	if (r < 0)
		return pm_error_set(err, -r, "layer '%s' is not in the store", diff_id);
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(data, len, 0, &je);
	if (!j)
		return pm_error_set(err, EINVAL, "layer record '%s' is corrupt: %s", p, je.text);
	struct pm_layer_info l = {0};
	l.diff_id = pm_xstrdup(diff_id);
	const char *d = json_string_value(json_object_get(j, "digest"));
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	l.digest = pm_xstrdup(d ? d : diff_id);
	l.media_type = pm_xstrdup(mt ? mt : PM_MT_OCI_LAYER);
	l.blob_size = (uint64_t)json_integer_value(json_object_get(j, "blobSize"));
	l.size = (uint64_t)json_integer_value(json_object_get(j, "size"));
	*ret = l;
	return 0;
}

struct tee {
	int fd;
	pm_digester *d;
	const struct pm_progress *progress;
	const char *digest; /* expected, for the progress report; may be NULL */
	uint64_t bytes, total;
};

static int tee_write(void *ctx, const void *buf, size_t n)
{
	struct tee *t = ctx;
	pm_digester_update(t->d, buf, n);
	t->bytes += n;
	pm_progress_report(t->progress, t->digest, t->bytes, t->total, false);
	const char *p = buf;
	while (n) {
		ssize_t w = write(t->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static const char *media_type_of(const char *blob_path, bool compressed)
{
	if (!compressed)
		return PM_MT_OCI_LAYER;
	unsigned char magic[4] = {0};
	_cleanup_close_ int fd = open(blob_path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, magic, 4) == 4 && magic[0] == 0x28 && magic[1] == 0xb5 &&
	    magic[2] == 0x2f && magic[3] == 0xfd)
		return PM_MT_OCI_LAYER_ZSTD;
	return PM_MT_OCI_LAYER_GZIP;
}

static int write_layer_json(const char *dir, const struct pm_layer_info *l, pm_error **err)
{
	_cleanup_json_ json_t *j = json_object();
	json_object_set_new(j, "diffId", json_string(l->diff_id));
	json_object_set_new(j, "digest", json_string(l->digest));
	json_object_set_new(j, "mediaType", json_string(l->media_type));
	json_object_set_new(j, "blobSize", json_integer((json_int_t)l->blob_size));
	json_object_set_new(j, "size", json_integer((json_int_t)l->size));
	_cleanup_free_ char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	_cleanup_free_ char *p = pm_path_join(dir, "layer.json");
	return pm_write_file_atomic(p, s, strlen(s), 0600, err);
}

/* Rename layer dir p (hex) into tmp/ (so a half-removed layer never looks complete, and a
 * kill -9 leaves only an entry pm_store_clean_tmp removes), then remove it. */
static int move_aside(const struct pm_store *s, const char *p, const char *hex)
{
	_cleanup_free_ char *name = pm_xasprintf("layer-rm-%s", hex);
	_cleanup_free_ char *gone = pm_store_tmp_path(s, name);
	if (rename(p, gone) < 0)
		return -errno;
	pm_rm_rf(gone, NULL);
	return 0;
}

int pm_layer_ingest(const struct pm_store *s, pm_read_fn rd, void *rd_ctx,
		    const char *expect_digest, const char *expect_diff_id,
		    struct pm_layer_info *ret, pm_error **err)
{
	return pm_layer_ingest_sized(s, rd, rd_ctx, expect_digest, expect_diff_id, 0, ret, err);
}

int pm_layer_ingest_sized(const struct pm_store *s, pm_read_fn rd, void *rd_ctx,
			  const char *expect_digest, const char *expect_diff_id, uint64_t size,
			  struct pm_layer_info *ret, pm_error **err)
{
	if (expect_diff_id && pm_layer_exists(s, expect_diff_id))
		return pm_layer_get(s, expect_diff_id, ret, err);

	_cleanup_free_ char *tmp = NULL;
	int r = pm_store_mkdtemp(s, "layer", &tmp, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *diff = pm_path_join(tmp, "diff");
	_cleanup_free_ char *blob = pm_path_join(tmp, "layer.tar");
	struct pm_layer_info l = {0};
	struct pm_unpack_stats st = {0};
	char hex[PM_DIGEST_HEX_LEN + 1];
	struct tee t = {.fd = -1,
			.d = pm_digester_new(),
			.progress = s->progress,
			.digest = expect_digest ? expect_digest : expect_diff_id,
			.total = size};
	_cleanup_free_ char *dest = NULL;

	if (mkdir(diff, 0755) < 0) {
		r = pm_error_set_errno(err, errno, "creating '%s'", diff);
		goto fail;
	}
	t.fd = open(blob, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (t.fd < 0) {
		r = pm_error_set_errno(err, errno, "creating '%s'", blob);
		goto fail;
	}
	r = pm_layer_unpack(rd, rd_ctx, tee_write, &t, diff, PM_UNPACK_OVERLAY, &st, err);
	if (r < 0)
		goto fail;
	pm_digester_final(t.d, hex);
	l.digest = pm_xasprintf("sha256:%s", hex);
	l.blob_size = st.raw_bytes;
	pm_progress_report(t.progress, l.digest, t.bytes, t.bytes, true);
	if (st.compressed) {
		/* hashed by the reader as it decompressed */
		l.diff_id = pm_xasprintf("sha256:%s", st.diff_hex);
		l.size = st.diff_size;
	} else {
		l.diff_id = pm_xstrdup(l.digest);
		l.size = l.blob_size;
	}
	l.media_type = pm_xstrdup(media_type_of(blob, st.compressed));
	if (expect_digest && strcmp(expect_digest, l.digest) != 0 &&
	    strcmp(expect_digest, l.diff_id) != 0) {
		r = pm_error_set(err, EINVAL, "layer digest mismatch: expected '%s', got '%s'",
				 expect_digest, l.digest);
		goto fail;
	}
	if (expect_diff_id && strcmp(expect_diff_id, l.diff_id) != 0) {
		r = pm_error_set(err, EINVAL, "layer diff_id mismatch: expected '%s', got '%s'",
				 expect_diff_id, l.diff_id);
		goto fail;
	}
	r = write_layer_json(tmp, &l, err);
	if (r < 0)
		goto fail;
	dest = pm_store_path(s, "layers/%s", pm_digest_hex(l.diff_id));
	int rn = rename(tmp, dest);
	if (rn < 0 && (errno == EEXIST || errno == ENOTEMPTY) && !pm_layer_exists(s, l.diff_id)) {
		/* a layer dir without layer.json is the debris of a killed collect or ingest (we
		 * hold layers.lock shared: no collect runs now): move it out of the way */
		move_aside(s, dest, pm_digest_hex(l.diff_id));
		rn = rename(tmp, dest);
	}
	if (rn < 0) {
		if (errno != EEXIST && errno != ENOTEMPTY) {
			r = pm_error_set_errno(err, errno, "storing layer '%s'", l.diff_id);
			goto fail;
		}
		pm_log_debug("layer %s already stored by another process", l.diff_id);
		pm_rm_rf(tmp, NULL);
	}
	close(t.fd);
	pm_digester_free(t.d);
	*ret = l;
	return 0;
fail:
	if (t.fd >= 0)
		close(t.fd);
	pm_digester_free(t.d);
	pm_rm_rf(tmp, NULL);
	pm_layer_info_free(&l);
	return r;
}

int pm_layer_collect(const struct pm_store *s, char *const *keep, pm_error **err)
{
	_cleanup_free_ char *dir = pm_store_path(s, "layers");
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return pm_error_set_errno(err, errno, "reading '%s'", dir);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!pm_digest_hex_valid(de->d_name))
			continue;
		_cleanup_free_ char *id = pm_xasprintf("sha256:%s", de->d_name);
		if (pm_strv_contains(keep, id))
			continue;
		_cleanup_free_ char *p = pm_path_join(dir, de->d_name);
		int r = move_aside(s, p, de->d_name);
		if (r < 0)
			return pm_error_set_errno(err, -r, "removing layer '%s'", id);
		n++;
	}
	return n;
}
