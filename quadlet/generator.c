/* generator.c: one generator pass (systemd.generator(7)): find the Quadlet files of the
 * search directories (a file name found in an earlier directory shadows the later ones),
 * read and convert each, and write the units with the links their [Install] sections ask
 * for into the output directory, or print them for -dryrun. A file that fails is reported
 * through the log callback and left out; the others are made. Never prints on its own.
 * Called by pm-user-generator.c and the unit tests. */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "quadlet/quadlet.h"

char **pm_quadlet_search_dirs(bool user, uid_t uid)
{
	const char *env = getenv("QUADLET_UNIT_DIRS");
	if (env && *env)
		return pm_strv_split(env, ":");
	char **dirs = NULL;
	if (!user) {
		pm_strv_push(&dirs, "/etc/containers/systemd");
		pm_strv_push(&dirs, "/usr/share/containers/systemd");
		return dirs;
	}
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg == '/') {
		pm_strv_consume(&dirs, pm_xasprintf("%s/containers/systemd", xdg));
	} else {
		const char *home = getenv("HOME");
		if (!home || *home != '/') {
			struct passwd *pw = getpwuid(uid);
			home = pw ? pw->pw_dir : NULL;
		}
		if (home && *home == '/')
			pm_strv_consume(&dirs, pm_xasprintf("%s/.config/containers/systemd", home));
	}
	pm_strv_consume(&dirs, pm_xasprintf("/etc/containers/systemd/users/%u", (unsigned)uid));
	pm_strv_push(&dirs, "/etc/containers/systemd/users");
	return dirs;
}

static void logf_(const struct pm_quadlet_gen *g, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void logf_(const struct pm_quadlet_gen *g, bool error, const char *fmt, ...)
{
	if ((!error && !g->verbose) || !g->log)
		return;
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (m)
		g->log(g->log_data, error, m);
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Add the Quadlet files of dir that no earlier directory had. */
static void scan_dir(const struct pm_quadlet_gen *g, const char *dir, struct pm_quadlet_set *set)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, cmp_names);
	if (n < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			logf_(g, false, "no directory %s", dir);
		else
			logf_(g, true, "%s: cannot read the directory: %s", dir, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (*name != '.' && pm_quadlet_kind_of(name) >= 0) {
			_cleanup_free_ char *path = pm_path_join(dir, name);
			struct stat st;
			const struct pm_quadlet_unit *prev = pm_quadlet_set_find(set, name);
			if (prev)
				logf_(g, false, "%s: shadowed by %s", path, prev->path);
			else if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				pm_quadlet_set_add(set, path);
		}
		free(names[i]);
	}
	free(names);
}

static int write_unit(const struct pm_quadlet_gen *g, const struct pm_quadlet_unit *u,
		      const char *text, char *const *links)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *path = pm_path_join(g->output, u->service);
	int r = pm_write_file_atomic_flags(path, text, strlen(text), 0644, PM_WRITE_NOSYNC, &err);
	if (r < 0) {
		logf_(g, true, "%s", err->msg);
		return r;
	}
	logf_(g, false, "wrote %s", path);
	for (char *const *l = links; l && *l; l++) {
		_cleanup_free_ char *lp = pm_path_join(g->output, *l);
		_cleanup_free_ char *target = strchr(*l, '/') ? pm_xasprintf("../%s", u->service)
							      : pm_xstrdup(u->service);
		char *slash = strrchr(lp, '/');
		*slash = '\0';
		r = pm_mkdir_p(lp, 0755, &err);
		*slash = '/';
		if (r < 0) {
			logf_(g, true, "%s", err->msg);
			return r;
		}
		if (unlink(lp) < 0 && errno != ENOENT) {
			logf_(g, true, "%s: cannot replace: %s", lp, strerror(errno));
			return -errno;
		}
		if (symlink(target, lp) < 0) {
			logf_(g, true, "%s: cannot link to %s: %s", lp, target, strerror(errno));
			return -errno;
		}
		logf_(g, false, "linked %s -> %s", lp, target);
	}
	return 0;
}

int pm_quadlet_generate(const struct pm_quadlet_gen *g)
{
	struct pm_quadlet_set set = {0};
	struct pm_quadlet_opts o = {.pm = g->pm};
	int failed = 0;
	for (char **d = g->dirs; d && *d; d++)
		scan_dir(g, *d, &set);
	for (size_t i = 0; i < set.n; i++) {
		_cleanup_error_ pm_error *err = NULL;
		logf_(g, false, "loading %s", set.units[i].path);
		if (pm_unit_file_load(set.units[i].path, &set.units[i].file, &err) < 0) {
			logf_(g, true, "%s", err->msg);
			failed++;
		}
	}
	if (g->output) {
		_cleanup_error_ pm_error *err = NULL;
		int r = pm_mkdir_p(g->output, 0755, &err);
		if (r < 0) {
			logf_(g, true, "%s", err->msg);
			pm_quadlet_set_clear(&set);
			return r;
		}
	}
	for (size_t i = 0; i < set.n; i++) {
		const struct pm_quadlet_unit *u = &set.units[i];
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_free_ char *text = NULL;
		_cleanup_strv_ char **links = NULL;
		if (!u->file)
			continue;
		if (pm_quadlet_convert(&set, u, &o, &text, &links, &err) < 0) {
			logf_(g, true, "%s", err->msg);
			failed++;
			continue;
		}
		if (!g->output) {
			fprintf(g->dryrun, "---%s---\n%s\n", u->service, text);
			continue;
		}
		if (write_unit(g, u, text, links) < 0)
			failed++;
	}
	pm_quadlet_set_clear(&set);
	return failed;
}
