/* pm-user-generator.c: main() of the systemd user generator that turns Quadlet files into
 * units (quadlet.h), installed in $(PREFIX)/lib/systemd/user-generators. systemd calls it
 * as `pm-user-generator NORMAL_DIR EARLY_DIR LATE_DIR` on boot and daemon-reload; the
 * units go to NORMAL_DIR. Flags as podman's quadlet: -dryrun (print the units, no
 * directory needed), -user (the user search path; implied by a program name holding
 * "user-generator"), -v, -no-kmsg-log, -version; one or two dashes. Each problem is one line
 * "pm-quadlet: FILE:LINE: what" on stderr and, unless -no-kmsg-log or -dryrun, in
 * /dev/kmsg (the journal) when that can be written. Exit 1 when any file had an error or
 * on bad usage, else 0. The pm in the units: $PM_QUADLET_PM, else the pm installed beside
 * this program (../../../bin/pm), else PM_QUADLET_BINDIR/pm compiled in. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "quadlet/quadlet.h"

#ifndef PM_QUADLET_BINDIR
#define PM_QUADLET_BINDIR "/usr/local/bin"
#endif

static const char usage[] =
	"Usage: pm-user-generator [-dryrun] [-user] [-v] [-no-kmsg-log] [-version] "
	"[NORMAL_DIR [EARLY_DIR [LATE_DIR]]]\n";

struct logger {
	int kmsg;
};

static void log_line(void *data, bool error, const char *line)
{
	struct logger *l = data;
	fprintf(stderr, "pm-quadlet: %s\n", line);
	if (error && l->kmsg >= 0)
		dprintf(l->kmsg, "<3>pm-quadlet[%d]: %s\n", (int)getpid(), line);
}

/* The pm beside this program: <prefix>/lib/systemd/user-generators/pm-user-generator ->
 * <prefix>/bin/pm (the path as it is: a /usr/local/bin/pm that is a link stays that). */
static char *find_pm(void)
{
	const char *env = getenv("PM_QUADLET_PM");
	if (env && *env)
		return pm_xstrdup(env);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		int up = 0;
		for (char *slash; up < 4 && (slash = strrchr(self, '/')); up++)
			*slash = '\0';
		if (up == 4) {
			_cleanup_free_ char *cand = pm_xasprintf("%s/bin/pm", self);
			if (access(cand, X_OK) == 0)
				return TAKE_PTR(cand);
		}
	}
	return pm_xstrdup(PM_QUADLET_BINDIR "/pm");
}

int main(int argc, char **argv)
{
	bool dryrun = false, user = strstr(argv[0], "user-generator") != NULL, verbose = false;
	bool no_kmsg = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *f = argv[i] + 1 + (argv[i][1] == '-');
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(f, "dryrun"))
			dryrun = true;
		else if (!strcmp(f, "user"))
			user = true;
		else if (!strcmp(f, "v"))
			verbose = true;
		else if (!strcmp(f, "no-kmsg-log"))
			no_kmsg = true;
		else if (!strcmp(f, "version")) {
			printf("pm-user-generator version %s\n", PM_VERSION);
			return 0;
		} else if (!strcmp(f, "h") || !strcmp(f, "help")) {
			fputs(usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "pm-quadlet: flag provided but not defined: %s\n%s",
				argv[i], usage);
			return 1;
		}
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (!dryrun && i >= argc) {
		fprintf(stderr, "pm-quadlet: missing output directory argument\n%s", usage);
		return 1;
	}
	struct logger l = {.kmsg = -1};
	if (!no_kmsg && !dryrun)
		l.kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *pm = find_pm();
	_cleanup_strv_ char **dirs = pm_quadlet_search_dirs(user, getuid());
	struct pm_quadlet_gen g = {
		.dirs = dirs,
		.pm = pm,
		.output = dryrun ? NULL : argv[i],
		.dryrun = stdout,
		.verbose = verbose,
		.log = log_line,
		.log_data = &l,
	};
	if (verbose)
		for (char **d = dirs; *d; d++)
			fprintf(stderr, "pm-quadlet: search directory %s\n", *d);
	int r = pm_quadlet_generate(&g);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "pm-quadlet: writing the output: %s\n", strerror(errno));
		r = 1;
	}
	if (l.kmsg >= 0)
		close(l.kmsg);
	return r != 0 ? 1 : 0;
}
