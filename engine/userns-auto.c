/* userns-auto.c: --userns=auto's ranges (engine/userns-auto.h). The free ids are this
 * namespace's own (/proc/self/uid_map, gid_map: 1..N are the user's subordinate ids) minus
 * the maps of every other container (auto or not), read from their records under one lock
 * file so that racing creates cannot pick the same ids. Never prints. Called by engine/run.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/engine.h"
#include "engine/run-flags.h"
#include "engine/userns-auto.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/container.h"

static int cmp_extent(const void *a, const void *b)
{
	const struct pm_idmap_extent *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The free ids: avail minus id 0 and used, sorted; *ret (caller frees) */
static size_t free_segments(const struct pm_idmap_extent *avail, size_t navail,
			    const struct pm_idmap_extent *used, size_t nused,
			    struct pm_idmap_extent **ret)
{
	struct pm_idmap_extent *u = pm_xmalloc(sizeof(*u) * (nused + 1));
	if (nused)
		memcpy(u, used, sizeof(*u) * nused);
	u[nused++] = (struct pm_idmap_extent){.first = 0, .count = 1}; /* the caller */
	qsort(u, nused, sizeof(*u), cmp_extent);
	struct pm_idmap_extent *a = pm_xmalloc(sizeof(*a) * (navail ? navail : 1));
	if (navail)
		memcpy(a, avail, sizeof(*a) * navail);
	qsort(a, navail, sizeof(*a), cmp_extent);
	struct pm_idmap_extent *out = NULL;
	size_t n = 0;
	for (size_t i = 0; i < navail; i++) {
		uint64_t cur = a[i].first, end = a[i].first + a[i].count;
		for (size_t j = 0; j < nused && cur < end; j++) {
			uint64_t us = u[j].first, ue = u[j].first + u[j].count;
			if (ue <= cur || us >= end)
				continue;
			if (us > cur) {
				out = pm_xrealloc(out, sizeof(*out) * (n + 1));
				out[n++] =
					(struct pm_idmap_extent){.first = cur, .count = us - cur};
			}
			cur = ue;
		}
		if (cur < end) {
			out = pm_xrealloc(out, sizeof(*out) * (n + 1));
			out[n++] = (struct pm_idmap_extent){.first = cur, .count = end - cur};
		}
	}
	free(u);
	free(a);
	*ret = out;
	return n;
}

int pm_userns_auto_pick(const struct pm_idmap_extent *avail, size_t navail,
			const struct pm_idmap_extent *used, size_t nused, uint32_t size,
			const struct pm_runtime_idmap *extra, size_t nextra,
			struct pm_runtime_idmap **ret, size_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	/* the extras' namespace ids are taken too (the kernel wants no overlap) */
	struct pm_idmap_extent *u = pm_xmalloc(sizeof(*u) * (nused + nextra + 1));
	if (nused)
		memcpy(u, used, sizeof(*u) * nused);
	for (size_t i = 0; i < nextra; i++)
		u[nused + i] =
			(struct pm_idmap_extent){.first = extra[i].host, .count = extra[i].size};
	struct pm_idmap_extent *fs = NULL;
	size_t nfs = free_segments(avail, navail, u, nused + nextra, &fs);
	free(u);
	struct pm_runtime_idmap *out = NULL;
	size_t n = 0, seg = 0;
	uint64_t seg_used = 0;
	uint64_t id = 0;
	while (id < size) {
		/* skip the container ids an extra gives */
		bool skipped = false;
		for (size_t i = 0; i < nextra; i++)
			if (id >= extra[i].ctr && id - extra[i].ctr < extra[i].size) {
				id = (uint64_t)extra[i].ctr + extra[i].size;
				skipped = true;
			}
		if (skipped)
			continue;
		if (seg == nfs) {
			free(fs);
			free(out);
			return -ENOSPC;
		}
		/* this run of container ids: up to size, the next extra, the segment's end */
		uint64_t len = size - id;
		for (size_t i = 0; i < nextra; i++)
			if (extra[i].ctr > id && extra[i].ctr - id < len)
				len = extra[i].ctr - id;
		if (fs[seg].count - seg_used < len)
			len = fs[seg].count - seg_used;
		out = pm_xrealloc(out, sizeof(*out) * (n + 1));
		out[n++] = (struct pm_runtime_idmap){.ctr = (uint32_t)id,
						     .host = (uint32_t)(fs[seg].first + seg_used),
						     .size = (uint32_t)len};
		id += len;
		seg_used += len;
		if (seg_used == fs[seg].count) {
			seg++;
			seg_used = 0;
		}
	}
	free(fs);
	out = pm_xrealloc(out, sizeof(*out) * (n + nextra + 1));
	for (size_t i = 0; i < nextra; i++)
		out[n++] = extra[i];
	*ret = out;
	*ret_n = n;
	return 0;
}

/* The highest owner ids under dfd (not following symlinks); closes dfd. */
static void max_ids(int dfd, uint32_t *mu, uint32_t *mg, int depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_uid > *mu)
			*mu = st.st_uid;
		if (st.st_gid > *mg)
			*mg = st.st_gid;
		if (S_ISDIR(st.st_mode) && depth < 256) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				max_ids(fd, mu, mg, depth + 1);
		}
	}
	closedir(d);
}

/* The highest id of an /etc/passwd (uid, gid) or /etc/group (gid) text, the entries named
 * nobody or nogroup and id 65534 left out (else most images would need 65535 ids), as
 * containers-storage sizes an auto namespace from the image's user files. */
static uint32_t max_user_file_id(const char *text, bool passwd)
{
	uint32_t max = 0;
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		_cleanup_free_ char *l = pm_xstrndup(line, n < 1023 ? n : 1023);
		line = eol ? eol + 1 : NULL;
		/* name:x:uid:gid:... or name:x:gid:members */
		char *f[4] = {0};
		char *p = l;
		for (int i = 0; i < 4 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (!f[2] || !strcmp(f[0], "nobody") || !strcmp(f[0], "nogroup"))
			continue;
		uint32_t id;
		for (int i = 2; i <= (passwd ? 3 : 2); i++)
			if (f[i] && pm_parse_uint32(f[i], &id) == 0 && id != 65534 && id > max)
				max = id;
	}
	return max;
}

/* The namespace ids every other container's maps hold (uid: its --uidmap, else its
 * --gidmap; gid the other way): auto or explicit alike, as containers-storage looks at
 * every container's UIDMap/GIDMap. keep-id and nomap map all of the subordinate ids:
 * they hold all of avail, so no auto container fits while one exists (podman's too). */
static int used_ranges(const struct pm_engine *e, bool uid, const struct pm_idmap_extent *avail,
		       size_t navail, struct pm_idmap_extent **ret, size_t *ret_n, pm_error **err)
{
	struct pm_container **list = NULL;
	size_t n = 0;
	int r = pm_container_list(e->paths, &list, &n, err);
	if (r < 0)
		return r;
	struct pm_idmap_extent *out = NULL;
	size_t nout = 0;
	for (size_t i = 0; i < n; i++) {
		struct pm_container_config c = {0};
		if (list[i]->broken || pm_config_from_json(list[i]->config_json, &c, NULL) < 0)
			continue;
		struct pm_spec_userns un;
		bool all = pm_spec_parse_userns(c.userns, &un, NULL) == 0 &&
			   (un.mode == PM_USERNS_KEEP_ID || un.mode == PM_USERNS_NOMAP);
		if (all) {
			out = pm_xrealloc(out, sizeof(*out) * (nout + navail + 1));
			for (size_t j = 0; j < navail; j++)
				out[nout++] = avail[j];
		}
		char **maps = all   ? NULL
			      : uid ? (c.uidmap ? c.uidmap : c.gidmap)
				    : (c.gidmap ? c.gidmap : c.uidmap);
		for (char **m = maps; m && *m; m++) {
			struct pm_runtime_idmap x;
			if (pm_config_parse_idmap(*m, uid ? "UID" : "GID", &x, NULL) < 0)
				continue;
			out = pm_xrealloc(out, sizeof(*out) * (nout + 1));
			out[nout++] = (struct pm_idmap_extent){.first = x.host, .count = x.size};
		}
		pm_spec_config_clear(&c);
	}
	pm_container_list_free(list, n);
	*ret = out;
	*ret_n = nout;
	return 0;
}

static int pick_strings(const struct pm_engine *e, bool uid, uint32_t size,
			const struct pm_runtime_idmap *extra, size_t nextra, char ***ret,
			pm_error **err)
{
	_cleanup_free_ char *text = NULL;
	int r = pm_read_file(uid ? "/proc/self/uid_map" : "/proc/self/gid_map", 65536, &text, NULL,
			     err);
	if (r < 0)
		return r;
	struct pm_idmap_extent avail[64];
	size_t navail = pm_idmap_extents_parse(text, avail, 64);
	_cleanup_free_ struct pm_idmap_extent *used = NULL;
	size_t nused = 0;
	if ((r = used_ranges(e, uid, avail, navail, &used, &nused, err)) < 0)
		return r;
	_cleanup_free_ struct pm_runtime_idmap *m = NULL;
	size_t n = 0;
	r = pm_userns_auto_pick(avail, navail, used, nused, size, extra, nextra, &m, &n);
	if (r < 0)
		return pm_error_set(err, -r,
				    "could not find enough available IDs: --userns=auto needs %u "
				    "%s that no other container's map holds",
				    size, uid ? "uids" : "gids");
	for (size_t i = 0; i < n; i++)
		pm_strv_consume(ret, pm_xasprintf("%u:%u:%u", m[i].ctr, m[i].host, m[i].size));
	return 0;
}

int pm_userns_auto_lock(const struct pm_engine *e, pm_error **err)
{
	_cleanup_free_ char *lp = pm_path_join(e->paths->root, "userns-auto.lock");
	/* a --rootfs create on a store not made yet: the root is made as the store makes it */
	int r;
	if (!pm_path_exists(e->paths->root) &&
	    (r = pm_mkdir_p_spread(e->paths->root, 0700, err)) < 0)
		return r;
	return pm_lock_path(lp, LOCK_EX, err);
}

int pm_userns_auto_alloc(const struct pm_engine *e, const struct pm_spec_userns *un,
			 char *const *lowers, uint32_t min_size, uint32_t max_size, int *ret_lock,
			 char ***ret_uidmap, char ***ret_gidmap, pm_error **err)
{
	*ret_lock = -1;
	*ret_uidmap = *ret_gidmap = NULL;
	uint64_t size = un->a.size;
	if (!size) {
		/* containers-storage: at least the minimum, else the image's highest owner id
		 * + 1 or its user files' highest id + 1; above the maximum is refused */
		uint32_t mu = 0, mg = 0;
		for (char *const *l = lowers; l && *l; l++) {
			int fd = open(*l, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0)
				max_ids(fd, &mu, &mg, 0);
		}
		/* passwd, group: as the merged image shows them (containers-storage reads them
		 * from the mounted image): the top layer having one, none when a layer above
		 * deleted it (a whiteout, an opaque /etc) */
		for (int i = 0; i < 2; i++) {
			const char *rel = i ? "etc/group" : "etc/passwd";
			struct stat st;
			_cleanup_free_ char *path = NULL, *text = NULL;
			if (!pm_storage_lowers_find(lowers, rel, &st, &path))
				continue;
			/* its layer's root: a symlink resolves inside it, as before */
			path[strlen(path) - strlen(rel) - 1] = '\0';
			if (pm_read_file_in_root(path, rel, 1 << 22, &text, NULL) < 0 || !text)
				continue;
			uint32_t id = max_user_file_id(text, i == 0);
			if (id > mu)
				mu = id;
		}
		size = min_size ? min_size : 1;
		if ((uint64_t)(mu > mg ? mu : mg) + 1 > size)
			size = (uint64_t)(mu > mg ? mu : mg) + 1;
		if (max_size && size > max_size)
			return pm_error_set(err, EINVAL,
					    "the container needs a user namespace with size %llu "
					    "that is bigger than the maximum value allowed with "
					    "userns=auto %u",
					    (unsigned long long)size, max_size);
	}
	/* the forced extents lie inside the namespace too */
	for (size_t i = 0; i < un->a.n_extra_uid; i++)
		if ((uint64_t)un->a.extra_uid[i].ctr + un->a.extra_uid[i].size > size)
			size = (uint64_t)un->a.extra_uid[i].ctr + un->a.extra_uid[i].size;
	for (size_t i = 0; i < un->a.n_extra_gid; i++)
		if ((uint64_t)un->a.extra_gid[i].ctr + un->a.extra_gid[i].size > size)
			size = (uint64_t)un->a.extra_gid[i].ctr + un->a.extra_gid[i].size;
	if (size > UINT32_MAX)
		return pm_error_set(err, EINVAL, "--userns=auto: size %llu is too large",
				    (unsigned long long)size);
	_cleanup_close_ int lock = pm_userns_auto_lock(e, err);
	if (lock < 0)
		return lock;
	_cleanup_strv_ char **um = NULL, **gm = NULL;
	int r = pick_strings(e, true, (uint32_t)size, un->a.extra_uid, un->a.n_extra_uid, &um, err);
	if (r >= 0)
		r = pick_strings(e, false, (uint32_t)size, un->a.extra_gid, un->a.n_extra_gid, &gm,
				 err);
	if (r < 0)
		return r;
	*ret_lock = TAKE_FD(lock);
	*ret_uidmap = TAKE_PTR(um);
	*ret_gidmap = TAKE_PTR(gm);
	return 0;
}
