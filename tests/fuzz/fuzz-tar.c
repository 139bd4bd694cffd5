/* fuzz-tar.c: libFuzzer target for pm's tar reader and safe extractor (storage/tar-read.c,
 * storage/layer.c): the input, as a layer (plain, or gzip/zstd by its magic), is read entry
 * by entry with pm_tar_next/pm_tar_read_data, then extracted with pm_layer_unpack into
 * DIR/root of a fresh scratch DIR in both modes (overlay diff dir, vfs apply).
 *
 * Invariants checked: no crash or leak; a failure carries an error with the same code and a
 * one-line message; the reader's entries have a path, a known type or 0, and give exactly
 * their size in data; whatever the extraction does, nothing appears in DIR beside root (no
 * path, symlink or hard link escapes). tests/unit/test-tar-fuzz.c includes this file and
 * replays tests/fuzz/corpus-tar/ in `make unit`. `make fuzz` builds and runs it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/layer.h"
#include "storage/tar-read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_mem {
	const uint8_t *p;
	size_t n, off, chunk;
};

/* small, varying reads: the reader must not depend on how the input is cut */
static ssize_t fuzz_read(void *ctx, void *buf, size_t n)
{
	struct fuzz_mem *m = ctx;
	size_t left = m->n - m->off;
	size_t c = m->chunk < n ? m->chunk : n;
	if (c > left)
		c = left;
	memcpy(buf, m->p + m->off, c);
	m->off += c;
	m->chunk = m->chunk * 3 % 701 + 1;
	return (ssize_t)c;
}

static void fuzz_check_err(int r, pm_error *err)
{
	if (r >= 0 || !err || err->code != -r || !err->msg || !err->msg[0])
		abort();
}

static void fuzz_read_all(const uint8_t *data, size_t size)
{
	struct fuzz_mem m = {data, size, 0, 7};
	pm_tar *t = pm_tar_new(fuzz_read, &m, NULL, NULL);
	pm_error *err = NULL;
	char buf[1024];
	int r;
	for (;;) {
		const struct pm_tar_entry *e = NULL;
		r = pm_tar_next(t, &e, &err);
		if (r <= 0)
			break;
		if (!e->path)
			abort();
		if (e->type != 0 && !S_ISREG(e->type) && !S_ISDIR(e->type) && !S_ISLNK(e->type) &&
		    !S_ISFIFO(e->type) && !S_ISCHR(e->type) && !S_ISBLK(e->type))
			abort();
		if (e->hardlink && !e->linkname)
			abort();
		uint64_t got = 0;
		ssize_t n;
		while ((n = pm_tar_read_data(t, buf, sizeof(buf), &err)) > 0)
			got += (uint64_t)n;
		if (n < 0) {
			r = (int)n;
			break;
		}
		if (got != e->size)
			abort();
	}
	if (r == 0)
		r = pm_tar_drain(t, &err);
	if (r < 0)
		fuzz_check_err(r, err);
	else if (err)
		abort();
	pm_error_free(err);
	pm_tar_free(t);
}

static void fuzz_extract(const uint8_t *data, size_t size, enum pm_unpack_mode mode)
{
	char dir[] = "/tmp/pm-fuzz-tar-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	char *root = pm_path_join(dir, "root");
	if (mkdir(root, 0755) < 0)
		abort();
	struct fuzz_mem m = {data, size, 0, 5};
	pm_error *err = NULL;
	struct pm_unpack_stats st;
	int r = pm_layer_unpack(fuzz_read, &m, NULL, NULL, root, mode, &st, &err);
	if (r < 0)
		fuzz_check_err(r, err);
	pm_error_free(err);
	/* nothing beside root */
	DIR *d = opendir(dir);
	if (!d)
		abort();
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "root"))
			abort();
	closedir(d);
	chmod(root, 0755);
	pm_rm_rf(dir, NULL);
	free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	fuzz_read_all(data, size);
	fuzz_extract(data, size, PM_UNPACK_OVERLAY);
	fuzz_extract(data, size, PM_UNPACK_APPLY);
	return 0;
}
