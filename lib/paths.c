/* paths.c: resolves root, runroot, config, data_home and runtime_dir in one place (XDG
 * variables, the /tmp/pm-run-<uid> fallback, real root, --root/--runroot). Must not print
 * (debug log only) and creates nothing except the /tmp fallback directory, which has to be
 * claimed (0700, ours) before it can be trusted. Called by cli/main.c. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/strutil.h"

bool pm_paths_in_initial_userns(void)
{
	_cleanup_free_ char *m = NULL;
	if (pm_read_file("/proc/self/uid_map", 4096, &m, NULL, NULL) < 0)
		return true; /* no /proc: not inside a user namespace pm made */
	unsigned long a, b, c;
	int n = 0;
	if (sscanf(m, "%lu %lu %lu %n", &a, &b, &c, &n) != 3)
		return false;
	return a == 0 && b == 0 && c == 4294967295UL && m[n] == '\0';
}

bool pm_paths_is_real_root(void)
{
	return geteuid() == 0 && pm_paths_in_initial_userns();
}

uid_t pm_paths_user_uid(void)
{
	const char *e = getenv(PM_ROOTLESS_UID_ENV);
	uint32_t u;
	if (e && !pm_paths_is_real_root() && pm_parse_uint32(e, &u) == 0 && u != UINT32_MAX)
		return (uid_t)u;
	return getuid();
}

/* Owner check that holds on both sides of the rootless user namespace: outside the user
 * owns the directory; inside, the same directory shows as owned by the mapped uid 0. */
static bool owned_by_us(uid_t owner, uid_t uid)
{
	return owner == uid || owner == getuid();
}

/* An absolute XDG variable, or NULL (the spec says relative values are to be ignored). */
static const char *xdg_env(const char *name)
{
	const char *v = getenv(name);
	return v && v[0] == '/' ? v : NULL;
}

static int home_dir(uid_t uid, char **ret, pm_error **err)
{
	const char *h = getenv("HOME");
	if (h && h[0] == '/') {
		*ret = pm_xstrdup(h);
		return 0;
	}
	struct passwd *pw = getpwuid(uid);
	if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
		return pm_error_set(err, ENOENT,
				    "cannot find the home directory of uid %u: set $HOME or "
				    "XDG_DATA_HOME",
				    (unsigned)uid);
	*ret = pm_xstrdup(pw->pw_dir);
	return 0;
}

static bool runtime_dir_usable(const char *dir, uid_t uid)
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		pm_log_debug("XDG_RUNTIME_DIR '%s': %s", dir, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		pm_log_debug("XDG_RUNTIME_DIR '%s' is not a directory", dir);
		return false;
	}
	if (!owned_by_us(st.st_uid, uid)) {
		pm_log_debug("XDG_RUNTIME_DIR '%s' is owned by uid %u, not %u", dir,
			     (unsigned)st.st_uid, (unsigned)uid);
		return false;
	}
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0) {
		pm_log_debug("XDG_RUNTIME_DIR '%s' is not writable: %s", dir, strerror(errno));
		return false;
	}
	return true;
}

/* Claim /tmp/pm-run-<uid>: create it 0700, or accept it only when it is a real directory
 * (not a symlink) owned by us; tighten its mode to 0700. */
static int claim_fallback(const char *dir, uid_t uid, pm_error **err)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return pm_error_set_errno(err, errno, "creating runtime directory '%s'", dir);
	struct stat st;
	_cleanup_close_ int fd = -1;
	if (lstat(dir, &st) < 0)
		return pm_error_set_errno(err, errno, "runtime directory '%s'", dir);
	/* Checked on lstat (for the message), then again on the opened fd (no swap between). */
	for (int pass = 0; pass < 2; pass++) {
		if (S_ISLNK(st.st_mode))
			return pm_error_set(err, EPERM,
					    "runtime directory '%s' is a symlink: refusing to use "
					    "it (remove it or set XDG_RUNTIME_DIR)",
					    dir);
		if (!S_ISDIR(st.st_mode))
			return pm_error_set(err, ENOTDIR,
					    "runtime directory '%s' is not a directory", dir);
		if (!owned_by_us(st.st_uid, uid))
			return pm_error_set(err, EPERM,
					    "runtime directory '%s' is owned by uid %u, not %u: "
					    "refusing to use it (remove it or set XDG_RUNTIME_DIR)",
					    dir, (unsigned)st.st_uid, (unsigned)uid);
		if (pass == 1)
			break;
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "runtime directory '%s'", dir);
		if (fstat(fd, &st) < 0)
			return pm_error_set_errno(err, errno, "runtime directory '%s'", dir);
	}
	if ((st.st_mode & 07777) != 0700 && fchmod(fd, 0700) < 0)
		return pm_error_set_errno(err, errno, "setting mode 0700 on '%s'", dir);
	return 0;
}

int pm_paths_absolute(const char *opt, const char *flag, char **ret, pm_error **err)
{
	if (!opt[0])
		return pm_error_set(err, EINVAL, "invalid %s '': must be a directory path", flag);
	if (opt[0] == '/') {
		*ret = pm_xstrdup(opt);
		return 0;
	}
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return pm_error_set_errno(err, errno, "resolving %s '%s'", flag, opt);
	*ret = pm_path_join(cwd, opt);
	return 0;
}

static int paths_init(struct pm_paths *p, const char *root_opt, const char *runroot_opt,
		      pm_error **err)
{
	bool real_root = pm_paths_is_real_root();
	uid_t uid = pm_paths_user_uid();
	_cleanup_free_ char *home = NULL;
	int r;

	const char *cfg = xdg_env("XDG_CONFIG_HOME");
	const char *data = xdg_env("XDG_DATA_HOME");
	if (!cfg || (!data && !real_root)) {
		r = home_dir(uid, &home, err);
		if (r < 0)
			return r;
	}
	p->config = cfg ? pm_path_join(cfg, "pm") : pm_path_join(home, ".config/pm");

	if (real_root) {
		p->data_home = pm_xstrdup("/var/lib");
		p->runtime_dir = pm_xstrdup("/run");
	} else {
		p->data_home = data ? pm_xstrdup(data) : pm_path_join(home, ".local/share");
		const char *rt = xdg_env("XDG_RUNTIME_DIR");
		if (rt && runtime_dir_usable(rt, uid)) {
			p->runtime_dir = pm_xstrdup(rt);
		} else if (runroot_opt) {
			/* --runroot given: no need to claim the /tmp fallback. */
			p->runtime_dir = NULL;
		} else {
			_cleanup_free_ char *fb = pm_xasprintf("/tmp/pm-run-%u", (unsigned)uid);
			r = claim_fallback(fb, uid, err);
			if (r < 0)
				return r;
			pm_log_debug("XDG_RUNTIME_DIR %s: using '%s'",
				     rt ? "is not usable" : "is not set", fb);
			p->runtime_dir = TAKE_PTR(fb);
		}
	}

	if (root_opt) {
		r = pm_paths_absolute(root_opt, "--root", &p->root, err);
		if (r < 0)
			return r;
	} else {
		p->root = pm_path_join(p->data_home, "pm/storage");
	}
	if (runroot_opt) {
		r = pm_paths_absolute(runroot_opt, "--runroot", &p->runroot, err);
		if (r < 0)
			return r;
		if (!p->runtime_dir) {
			const char *slash = strrchr(p->runroot, '/');
			p->runtime_dir =
				slash == p->runroot
					? pm_xstrdup("/")
					: pm_xstrndup(p->runroot, (size_t)(slash - p->runroot));
		}
	} else {
		p->runroot = pm_path_join(p->runtime_dir, "pm");
	}
	pm_log_debug("paths: root '%s', runroot '%s', config '%s'", p->root, p->runroot, p->config);
	return 0;
}

int pm_paths_init(struct pm_paths *p, const char *root_opt, const char *runroot_opt, pm_error **err)
{
	memset(p, 0, sizeof(*p));
	int r = paths_init(p, root_opt, runroot_opt, err);
	if (r < 0)
		pm_paths_free(p);
	return r;
}

int pm_paths_ensure(const struct pm_paths *p, pm_error **err)
{
	int r = pm_mkdir_p(p->root, 0700, err);
	if (r < 0)
		return r;
	return pm_mkdir_p(p->runroot, 0700, err);
}

void pm_paths_free(struct pm_paths *p)
{
	free(p->root);
	free(p->runroot);
	free(p->config);
	free(p->data_home);
	free(p->runtime_dir);
	memset(p, 0, sizeof(*p));
}

/* ---- pm's helper programs ------------------------------------------------------------------ */

char *pm_helper_path_in(const char *self_exe, const char *libexecdir, const char *name,
			pm_error **err)
{
	char *tried[3] = {NULL, NULL, NULL};
	size_t n = 0;
	if (self_exe) {
		_cleanup_free_ char *dir = pm_xstrdup(self_exe);
		char *slash = strrchr(dir, '/');
		if (slash) {
			*slash = 0;
			tried[n++] = pm_xasprintf("%s/%s", dir, name);
			/* <prefix>/bin/pm -> <prefix>/libexec/pm/NAME */
			slash = strrchr(dir, '/');
			if (slash) {
				*slash = 0;
				tried[n++] = pm_xasprintf("%s/libexec/pm/%s", dir, name);
			}
		}
	}
	tried[n++] = pm_path_join(libexecdir, name);
	char *found = NULL;
	for (size_t i = 0; i < n && !found; i++)
		if (access(tried[i], X_OK) == 0)
			found = TAKE_PTR(tried[i]);
	if (!found) {
		_cleanup_free_ char *list = NULL;
		for (size_t i = 0; i < n; i++) {
			char *l = pm_xasprintf("%s%s'%s'", list ? list : "",
					       !list	    ? ""
					       : i + 1 == n ? " and "
							    : ", ",
					       tried[i]);
			free(list);
			list = l;
		}
		pm_error_set(err, ENOENT,
			     "cannot find pm's helper program '%s' (looked for %s): is pm "
			     "installed completely?",
			     name, list);
	}
	for (size_t i = 0; i < n; i++)
		free(tried[i]);
	return found;
}

char *pm_helper_path(const char *name, pm_error **err)
{
	_cleanup_free_ char *self = pm_read_link("/proc/self/exe");
	return pm_helper_path_in(self, PM_LIBEXECDIR, name, err);
}
