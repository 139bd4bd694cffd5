/* run-process.c: podman's --personality, --oom-score-adj, --seccomp-policy, --init-path,
 * --pidfile and --subuidname/--subgidname (run-process.h). Never prints. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/run-flags.h"
#include "engine/run-process.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "rootless/subid.h"

int pm_config_parse_personality(const char *v, unsigned long *ret, pm_error **err)
{
	if (!strcmp(v, "LINUX")) {
		*ret = PER_LINUX;
		return 0;
	}
	if (!strcmp(v, "LINUX32")) {
		*ret = PER_LINUX32;
		return 0;
	}
	return pm_error_set(err, EINVAL, "invalid --personality '%s': must be LINUX or LINUX32", v);
}

int pm_config_parse_oom_score_adj(const char *v, int64_t *ret, pm_error **err)
{
	char *end;
	errno = 0;
	long long n = *v && *v != ' ' ? strtoll(v, &end, 10) : 0;
	if (!*v || *v == ' ' || *end || errno)
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--oom-score-adj\" flag: "
				    "strconv.ParseInt: parsing \"%s\": invalid syntax",
				    v, v);
	if (n < -1000 || n > 1000)
		return pm_error_set(err, EINVAL,
				    "invalid --oom-score-adj '%s': must be between -1000 and 1000",
				    v);
	*ret = n;
	return 0;
}

int pm_config_check_seccomp_policy(const char *v, pm_error **err)
{
	if (!strcmp(v, "default") || !strcmp(v, "image"))
		return 0;
	return pm_error_set(err, EINVAL,
			    "invalid seccomp policy \"%s\": valid policies are [\"default\" "
			    "\"image\"]",
			    v);
}

int pm_config_check_init_path(const char *v, pm_error **err)
{
	struct stat st;
	if (stat(v, &st) < 0)
		return pm_error_set(
			err, ENOENT, "container-init binary not found on the host: stat %s: %s", v,
			errno == ENOENT ? "no such file or directory" : strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pm_error_set(err, EINVAL,
				    "container-init binary '%s' on the host is not a regular file",
				    v);
	return 0;
}

int pm_config_pidfile_path(const char *v, char **ret, pm_error **err)
{
	if (!*v)
		return pm_error_set(err, EINVAL, "--pidfile '': a path is needed");
	_cleanup_free_ char *abs = NULL;
	if (v[0] == '/') {
		abs = pm_xstrdup(v);
	} else {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);
		if (!cwd)
			return pm_error_set_errno(err, errno, "--pidfile '%s'", v);
		abs = pm_path_join(cwd, v);
	}
	_cleanup_free_ char *dir = pm_xstrdup(abs);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	struct stat st;
	if (stat(dir, &st) < 0)
		return pm_error_set_errno(err, errno, "--pidfile '%s': directory '%s'", v, dir);
	if (!S_ISDIR(st.st_mode))
		return pm_error_set(err, ENOTDIR, "--pidfile '%s': '%s' is not a directory", v,
				    dir);
	*ret = TAKE_PTR(abs);
	return 0;
}

int pm_config_pidfile_write(const char *path, int pid, pm_error **err)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", pid);
	int r = pm_write_file_atomic_flags(path, buf, (size_t)n, 0644, PM_WRITE_NOSYNC, err);
	return r < 0 ? pm_error_prefix(err, "writing the pidfile") : 0;
}

char **pm_config_subid_maps_of(const uint32_t *start, const uint32_t *len, size_t n)
{
	char **maps = NULL;
	uint64_t ctr = 0;
	for (size_t i = 0; i < n; i++) {
		if (!len[i] || ctr + len[i] > UINT32_MAX)
			continue;
		pm_strv_consume(&maps, pm_xasprintf("%" PRIu64 ":%u:%u", ctr, start[i], len[i]));
		ctr += len[i];
	}
	return maps;
}

int pm_config_subid_maps(const char *name, bool gid, const char *flag, char ***maps, pm_error **err)
{
	_cleanup_free_ struct pm_idmap *ranges = NULL;
	size_t n = 0;
	int r = pm_subid_ranges_named(name, gid, &ranges, &n, err);
	if (r < 0)
		return r;
	_cleanup_free_ uint32_t *start = pm_xcalloc(n + 1, sizeof(*start));
	_cleanup_free_ uint32_t *len = pm_xcalloc(n + 1, sizeof(*len));
	for (size_t i = 0; i < n; i++) {
		start[i] = ranges[i].host_id;
		len[i] = ranges[i].size;
	}
	_cleanup_strv_ char **add = pm_config_subid_maps_of(start, len, n);
	/* the ids must be ids of this namespace (the rootless one: its own map) */
	_cleanup_free_ char *text = NULL;
	if ((r = pm_read_file(gid ? "/proc/self/gid_map" : "/proc/self/uid_map", 65536, &text, NULL,
			      err)) < 0)
		return r;
	_cleanup_free_ char *what = pm_xasprintf("%s %s", flag, name);
	for (char **m = add; m && *m; m++) {
		struct pm_runtime_idmap im, *split = NULL;
		size_t nsplit = 0;
		if ((r = pm_config_parse_idmap(*m, gid ? "GID" : "UID", &im, err)) < 0 ||
		    (r = pm_config_idmap_split(text, &im, 1, what, &split, &nsplit, err)) < 0)
			return r;
		free(split);
	}
	for (char **m = add; m && *m; m++)
		pm_strv_push(maps, *m);
	return 0;
}
