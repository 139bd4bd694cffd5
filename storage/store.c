/* store.c: store layout, temp dirs and locks (see store.h). Owns the directory layout of
 * the storage root; never prints. Called by every storage/ file and the cli commands. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "storage/store.h"

static const char *const layout[] = {"blobs/sha256", "layers", "images",
				     "containers",   "tmp",    "locks"};

/* The value of key in storage.conf's text: the first "key = value" line (quotes, a trailing
 * comment and blanks dropped). */
static char *conf_value_in(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		_cleanup_free_ char *l = pm_xstrndup(line, n < 511 ? n : 511);
		line = eol ? eol + 1 : NULL;
		char *p = l;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, key, klen) != 0)
			continue;
		p += klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
			p++;
		size_t vlen = strcspn(p, "\"' \t\r\n#");
		if (vlen)
			return pm_xstrndup(p, vlen);
	}
	return NULL;
}

#define CONF_MAX (1 << 20)

char *pm_store_conf_value(const char *path, const char *key)
{
	_cleanup_free_ char *text = NULL;
	if (pm_read_file(path, CONF_MAX, &text, NULL, NULL) < 0)
		return NULL;
	return conf_value_in(text, key);
}

char *pm_store_conf_driver(const char *path)
{
	return pm_store_conf_value(path, "driver");
}

/* auto-userns-min-size / auto-userns-max-size ([storage.options]): an integer 0..2^32-1 as
 * containers-storage's uint32 takes it; 0 or absent is the default. */
static int conf_userns_size(const char *conf, const char *key, const char *v, uint32_t dflt,
			    uint32_t *ret, pm_error **err)
{
	*ret = dflt;
	if (!v)
		return 0;
	uint32_t n;
	if (pm_parse_uint32(v, &n) < 0)
		return pm_error_set(err, EINVAL, "%s: %s '%s' is not a number from 0 to 4294967295",
				    conf, key, v);
	if (n)
		*ret = n;
	return 0;
}

static int conf_check(struct pm_store *s, const char *conf, const char *min, const char *max,
		      pm_error **err)
{
	int r;
	if ((r = conf_userns_size(conf, "auto-userns-min-size", min, PM_STORE_AUTO_USERNS_MIN,
				  &s->auto_userns_min, err)) < 0 ||
	    (r = conf_userns_size(conf, "auto-userns-max-size", max, PM_STORE_AUTO_USERNS_MAX,
				  &s->auto_userns_max, err)) < 0)
		return r;
	if (s->driver && strcmp(s->driver, "overlay") != 0 && strcmp(s->driver, "vfs") != 0)
		return pm_error_set(err, EINVAL,
				    "%s: unknown storage driver '%s' (use overlay or vfs)", conf,
				    s->driver);
	if (s->mount_program && access(s->mount_program, X_OK) < 0)
		return pm_error_set_errno(err, errno, "%s: mount_program '%s'", conf,
					  s->mount_program);
	return 0;
}

/* The storage.conf values, read once per process: a command opens its store several times
 * (issue #20). Keyed by the path and the file's identity, so a rewritten file is read again. */
static struct {
	char *path;
	bool present;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char *driver;
	char *mount_program;
	char *auto_min, *auto_max; /* auto-userns-min-size, auto-userns-max-size */
} conf_cache;

static void conf_values(const char *conf, char **ret_driver, char **ret_mount_program,
			const char **ret_auto_min, const char **ret_auto_max)
{
	struct stat st;
	bool present = stat(conf, &st) == 0;
	if (!conf_cache.path || strcmp(conf_cache.path, conf) != 0 ||
	    conf_cache.present != present ||
	    (present &&
	     (conf_cache.dev != st.st_dev || conf_cache.ino != st.st_ino ||
	      conf_cache.size != st.st_size || conf_cache.mtime.tv_sec != st.st_mtim.tv_sec ||
	      conf_cache.mtime.tv_nsec != st.st_mtim.tv_nsec))) {
		free(conf_cache.path);
		free(conf_cache.driver);
		free(conf_cache.mount_program);
		free(conf_cache.auto_min);
		free(conf_cache.auto_max);
		conf_cache.path = pm_xstrdup(conf);
		conf_cache.present = present;
		_cleanup_free_ char *text = NULL;
		if (present && pm_read_file(conf, CONF_MAX, &text, NULL, NULL) < 0)
			text = NULL;
		conf_cache.driver = text ? conf_value_in(text, "driver") : NULL;
		conf_cache.mount_program = text ? conf_value_in(text, "mount_program") : NULL;
		conf_cache.auto_min = text ? conf_value_in(text, "auto-userns-min-size") : NULL;
		conf_cache.auto_max = text ? conf_value_in(text, "auto-userns-max-size") : NULL;
		if (present) {
			conf_cache.dev = st.st_dev;
			conf_cache.ino = st.st_ino;
			conf_cache.size = st.st_size;
			conf_cache.mtime = st.st_mtim;
		}
	}
	*ret_driver = conf_cache.driver ? pm_xstrdup(conf_cache.driver) : NULL;
	*ret_mount_program = conf_cache.mount_program ? pm_xstrdup(conf_cache.mount_program) : NULL;
	*ret_auto_min = conf_cache.auto_min;
	*ret_auto_max = conf_cache.auto_max;
}

/* The layout exists when its last directory does (they are made in order): one stat for an
 * existing store instead of a mkdir_p per directory. */
static int ensure_layout(const char *root, pm_error **err)
{
	const size_t n = sizeof(layout) / sizeof(layout[0]);
	_cleanup_free_ char *last = pm_path_join(root, layout[n - 1]);
	struct stat st;
	if (stat(last, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	/* the root's directories each in a block group of their own choosing, and each
	 * container's root (made in tmp/, renamed into containers/) too: away from a busy
	 * group's freed inodes (lib/fileutil.h pm_dir_spread) */
	int r = pm_mkdir_p_spread(root, 0700, err);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		_cleanup_free_ char *p = pm_path_join(root, layout[i]);
		bool spread = !strcmp(layout[i], "containers") || !strcmp(layout[i], "tmp");
		r = spread ? pm_mkdir_p_spread(p, 0700, err) : pm_mkdir_p(p, 0700, err);
	}
	return r < 0 ? r : 0;
}

int pm_store_open(const struct pm_paths *paths, const char *driver_opt, struct pm_store **ret,
		  pm_error **err)
{
	if (!paths->root)
		return pm_error_set(err, EINVAL, "no storage root");
	struct pm_store *s = pm_xcalloc(1, sizeof(*s));
	s->root = pm_xstrdup(paths->root);
	s->runroot = paths->runroot ? pm_xstrdup(paths->runroot) : NULL;
	s->config_dir = paths->config ? pm_xstrdup(paths->config) : NULL;
	if (driver_opt)
		s->driver = pm_xstrdup(driver_opt);
	s->auto_userns_min = PM_STORE_AUTO_USERNS_MIN;
	s->auto_userns_max = PM_STORE_AUTO_USERNS_MAX;
	if (s->config_dir) {
		_cleanup_free_ char *conf = pm_path_join(s->config_dir, "storage.conf");
		_cleanup_free_ char *driver = NULL;
		const char *amin, *amax;
		conf_values(conf, &driver, &s->mount_program, &amin, &amax);
		if (!s->driver)
			s->driver = TAKE_PTR(driver);
		int r = conf_check(s, conf, amin, amax, err);
		if (r < 0) {
			pm_store_close(s);
			return r;
		}
	}
	int r = pm_store_apply_opts(s, getenv(PM_STORAGE_OPT_ENV), err);
	if (r >= 0)
		r = ensure_layout(s->root, err);
	if (r < 0) {
		pm_store_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

struct pm_store *pm_store_close(struct pm_store *s)
{
	if (s) {
		free(s->root);
		free(s->runroot);
		free(s->config_dir);
		free(s->driver);
		free(s->mount_program);
		free(s);
	}
	return NULL;
}

char *pm_store_path(const struct pm_store *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *rel = NULL;
	if (vasprintf(&rel, fmt, ap) < 0)
		abort();
	va_end(ap);
	char *p = pm_path_join(s->root, rel);
	free(rel);
	return p;
}

/* "<pid>.<starttime>": the owner of the temp entries this process makes */
static char *owner_tag(void)
{
	unsigned long long start = 0;
	pm_proc_starttime(getpid(), &start);
	return pm_xasprintf("%d.%llu", (int)getpid(), start);
}

char *pm_store_tmp_path(const struct pm_store *s, const char *name)
{
	_cleanup_free_ char *tag = owner_tag();
	return pm_store_path(s, "tmp/%s-%s", tag, name);
}

int pm_store_mkdtemp(const struct pm_store *s, const char *prefix, char **ret, pm_error **err)
{
	_cleanup_free_ char *tag = owner_tag();
	char *p = pm_store_path(s, "tmp/%s-%s-XXXXXX", tag, prefix);
	if (!mkdtemp(p)) {
		int r = pm_error_set_errno(err, errno, "creating temporary directory '%s'", p);
		free(p);
		return r;
	}
	*ret = p;
	return 0;
}

int pm_store_lock(const struct pm_store *s, const char *name, int op, pm_error **err)
{
	_cleanup_free_ char *p = pm_store_path(s, "locks/%s.lock", name);
	return pm_lock_path(p, op, err);
}

/* Whether the process that made tmp entry name is gone: -1 when name carries no owner. */
static int owner_gone(const char *name)
{
	int pid = 0, n = 0;
	unsigned long long start = 0;
	if (sscanf(name, "%d.%llu-%n", &pid, &start, &n) != 2 || n == 0 || pid <= 0)
		return -1;
	return !pm_proc_alive(pid, start);
}

char *pm_store_eph_path(const struct pm_store *s, const char *sub)
{
	return s->runroot ? pm_xasprintf("%s/ephemeral/%s", s->runroot, sub) : NULL;
}

char *pm_store_ctr_dir(const struct pm_store *s, const char *id)
{
	if (s->runroot) {
		char *eph = pm_xasprintf("%s/ephemeral/containers/%s", s->runroot, id);
		if (pm_path_exists(eph))
			return eph;
		free(eph);
	}
	return pm_store_path(s, "containers/%s", id);
}

/* the tmp/ on the file system of dir: the ephemeral one for a dir under the runroot */
static char *tmp_beside(const struct pm_store *s, const char *dir)
{
	_cleanup_free_ char *eph = pm_store_eph_path(s, "");
	if (eph && pm_str_startswith(dir, eph))
		return pm_store_eph_path(s, "tmp");
	return pm_store_path(s, "tmp");
}

int pm_store_mkdtemp_beside(const struct pm_store *s, const char *dir, const char *prefix,
			    char **ret, pm_error **err)
{
	_cleanup_free_ char *tag = owner_tag();
	_cleanup_free_ char *tmp = tmp_beside(s, dir);
	if (pm_mkdir_p(tmp, 0700, err) < 0)
		return -errno;
	char *p = pm_xasprintf("%s/%s-%s-XXXXXX", tmp, tag, prefix);
	if (!mkdtemp(p)) {
		int r = pm_error_set_errno(err, errno, "creating temporary directory '%s'", p);
		free(p);
		return r;
	}
	*ret = p;
	return 0;
}

char *pm_store_tmp_path_beside(const struct pm_store *s, const char *dir, const char *name)
{
	_cleanup_free_ char *tag = owner_tag();
	_cleanup_free_ char *tmp = tmp_beside(s, dir);
	return pm_xasprintf("%s/%s-%s", tmp, tag, name);
}

static void clean_tmp_dir(const char *tmp);

void pm_store_clean_tmp(const struct pm_store *s)
{
	_cleanup_free_ char *tmp = pm_store_path(s, "tmp");
	clean_tmp_dir(tmp);
	_cleanup_free_ char *eph = pm_store_eph_path(s, "tmp");
	if (eph)
		clean_tmp_dir(eph);
}

static void clean_tmp_dir(const char *tmp)
{
	_cleanup_closedir_ DIR *d = opendir(tmp);
	if (!d)
		return;
	struct dirent *de;
	time_t now = time(NULL);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		int gone = owner_gone(de->d_name);
		if (gone == 0)
			continue;
		struct stat st;
		if (gone < 0) {
			/* no owner in the name (older pm): a day-old entry belongs to a crash */
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    now - st.st_mtime < 24 * 3600)
				continue;
		}
		_cleanup_free_ char *p = pm_path_join(tmp, de->d_name);
		if (strstr(de->d_name, "-ctr-rm-")) {
			/* a root moved aside still mounted (pm_storage_ctr_move_aside) by a
			 * remover that died before its child unmounted it */
			_cleanup_free_ char *m = pm_path_join(p, "merged");
			if (pm_path_is_mount_point(m) > 0)
				umount2(m, MNT_DETACH);
		}
		pm_rm_rf(p, NULL);
	}
}
