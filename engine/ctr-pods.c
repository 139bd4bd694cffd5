/* ctr-pods.c: the pod-membership cache of container records (see ctr-pods.h). Owns
 * <root>/db/ctr-pods.cache and its temp file. Never prints. Called by pods/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/ctr-pods.h"
#include "lib/cleanup.h"
#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

#define CACHE_MAGIC "pm-ctr-pods 1\n"
#define CACHE_MAX   (64 * 1024 * 1024)

static bool is_hex64(const char *s)
{
	unsigned bad = 0; /* no early exit: the common case is all hex, checked without branches */
	for (size_t i = 0; i < 64; i++) {
		unsigned char c = (unsigned char)s[i];
		bad |= (unsigned)((unsigned char)(c - '0') > 9) &
		       (unsigned)((unsigned char)(c - 'a') > 5);
	}
	return !bad;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct pm_ctr_pod_entry *)a)->id,
		      ((const struct pm_ctr_pod_entry *)b)->id);
}

/* Lines "<id> <inode> <pod id or ->", then "end <count>". */
size_t pm_ctr_pods_parse(char *text, size_t len, struct pm_ctr_pod_entry **ret)
{
	*ret = NULL;
	size_t ml = strlen(CACHE_MAGIC);
	if (len < ml || memcmp(text, CACHE_MAGIC, ml))
		return 0;
	struct pm_ctr_pod_entry *e = NULL;
	size_t n = 0, cap = 0;
	char *s = text + ml, *end = text + len;
	while (s < end) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			break;
		*nl = 0;
		unsigned long long count;
		char tail;
		if (s[0] == 'e' && sscanf(s, "end %llu%c", &count, &tail) == 1) {
			if (count != n || nl + 1 != end)
				break;
			/* written sorted (pm_ctr_pods_format): sort only when it is not */
			size_t i = 1;
			while (i < n && memcmp(e[i - 1].id, e[i].id, 64) < 0)
				i++;
			if (i < n)
				qsort(e, n, sizeof(*e), cmp_entry);
			*ret = e;
			return n;
		}
		if (nl - s < 64 + 1 + 1 + 1 + 1 || !is_hex64(s) || s[64] != ' ')
			break;
		char *p = s + 65, *q = p;
		/* the inode: decimal digits as written, without overflow (a loop, not
		 * strtoull: a fifth of the parse of a thousand lines) */
		unsigned long long ino = 0;
		bool over = false;
		for (; *q >= '0' && *q <= '9'; q++) {
			unsigned d = (unsigned)(*q - '0');
			over |= ino > (ULLONG_MAX - d) / 10;
			ino = ino * 10 + d;
		}
		if (over || q == p || *q != ' ')
			break;
		q++;
		bool none = !strcmp(q, "-");
		if (!none && (nl - q != 64 || !is_hex64(q)))
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			e = pm_xrealloc(e, cap * sizeof(*e));
		}
		memcpy(e[n].id, s, 64);
		e[n].id[64] = 0;
		e[n].ino = ino;
		if (none)
			e[n].pod[0] = 0;
		else
			memcpy(e[n].pod, q, 65);
		n++;
		s = nl + 1;
	}
	free(e);
	return 0;
}

char *pm_ctr_pods_format(struct pm_ctr_pod_entry *e, size_t n, size_t *ret_len)
{
	if (n)
		qsort(e, n, sizeof(*e), cmp_entry);
	size_t cap = strlen(CACHE_MAGIC) + n * (64 + 1 + 20 + 1 + 64 + 1) + 32, len = 0;
	char *buf = pm_xmalloc(cap);
	len += (size_t)snprintf(buf, cap, "%s", CACHE_MAGIC);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s %llu %s\n", e[i].id, e[i].ino,
					e[i].pod[0] ? e[i].pod : "-");
	len += (size_t)snprintf(buf + len, cap - len, "end %zu\n", n);
	*ret_len = len;
	return buf;
}

/* Best effort: a fixed temp name, flocked, so that two writers never write one file and a
 * writer killed half-way leaves nothing the next one does not overwrite. */
static void cache_write(const char *path, struct pm_ctr_pod_entry *e, size_t n)
{
	_cleanup_free_ char *tmp = pm_xasprintf("%s.tmp", path);
	_cleanup_close_ int fd =
		open(tmp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		return;
	/* another writer may have renamed this file into place after we opened it */
	struct stat a, b;
	if (fstat(fd, &a) < 0 || lstat(tmp, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return;
	size_t len = 0;
	_cleanup_free_ char *text = pm_ctr_pods_format(e, n, &len);
	if (ftruncate(fd, 0) < 0)
		return;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
	pm_crash_point("mid-ctr-pods-cache");
	(void)rename(tmp, path);
}

static int cmp_created(const void *a, const void *b)
{
	const struct pm_container *x = *(struct pm_container *const *)a;
	const struct pm_container *y = *(struct pm_container *const *)b;
	return x->created_ns < y->created_ns ? 1 : x->created_ns > y->created_ns ? -1 : 0;
}

int pm_container_list_pod_members(const struct pm_paths *p, struct pm_container ***ret,
				  size_t *ret_n, pm_error **err)
{
	*ret = NULL;
	*ret_n = 0;
	_cleanup_free_ char *cdir = pm_containers_dir(p);
	_cleanup_closedir_ DIR *d = opendir(cdir);
	if (!d)
		return errno == ENOENT ? 0 : pm_error_set_errno(err, errno, "reading '%s'", cdir);
	_cleanup_free_ char *cache = pm_path_join(p->root, "db/ctr-pods.cache");
	_cleanup_free_ char *text = NULL;
	size_t tlen = 0;
	_cleanup_free_ struct pm_ctr_pod_entry *old = NULL;
	size_t nold = 0;
	if (pm_read_file(cache, CACHE_MAX, &text, &tlen, NULL) == 0)
		nold = pm_ctr_pods_parse(text, tlen, &old);
	_cleanup_free_ struct pm_ctr_pod_entry *now = NULL;
	size_t nnow = 0, capnow = 0, kept = 0;
	struct pm_container **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) != 64)
			continue; /* "<id>.rm": pm_container_list finishes those */
		struct pm_ctr_pod_entry key = {0};
		memcpy(key.id, de->d_name, 65);
		struct pm_ctr_pod_entry *hit =
			nold ? bsearch(&key, old, nold, sizeof(*old), cmp_entry) : NULL;
		if (hit && hit->ino != (unsigned long long)de->d_ino)
			hit = NULL; /* another record under the same id: read it */
		struct pm_container *c = NULL;
		if (!hit || hit->pod[0]) {
			if (pm_container_load_at(p, cdir, dirfd(d), de->d_name, &c) < 0)
				c = NULL; /* being created or removed right now */
		}
		/* a damaged record is not cached (it may be a create half-done), nor a pod id
		 * that is not one */
		bool fact = c && !c->broken &&
			    (!c->pod_id || !c->pod_id[0] ||
			     (strlen(c->pod_id) == 64 && is_hex64(c->pod_id)));
		if (hit || fact) {
			if (nnow == capnow) {
				capnow = capnow ? capnow * 2 : 64;
				now = pm_xrealloc(now, capnow * sizeof(*now));
			}
			if (hit) {
				now[nnow++] = *hit;
				kept++;
			} else {
				memcpy(now[nnow].id, de->d_name, 65);
				now[nnow].ino = (unsigned long long)de->d_ino;
				snprintf(now[nnow].pod, sizeof(now[nnow].pod), "%s",
					 c->pod_id ? c->pod_id : "");
				nnow++;
			}
		}
		if (!c)
			continue;
		if (!c->pod_id || !c->pod_id[0]) {
			pm_container_free(c);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			list = pm_xrealloc(list, cap * sizeof(*list));
		}
		list[n++] = c;
	}
	if (kept != nold || nnow != nold)
		cache_write(cache, now, nnow);
	if (n)
		qsort(list, n, sizeof(*list), cmp_created);
	*ret = list;
	*ret_n = n;
	return 0;
}
