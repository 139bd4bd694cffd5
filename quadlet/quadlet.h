/* quadlet.h: the Quadlet module's public face: podman-systemd.unit(5) files (.container,
 * .pod, .volume, .kube) turned into systemd service units that run pm, and the generator
 * pass over the search directories that pm-user-generator (a systemd user generator)
 * makes. Library code: it writes the units it is asked to write and reports through a
 * callback; it never prints. Uses lib/ only. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/error.h"
#include "quadlet/unitfile.h"

enum pm_quadlet_kind {
	PM_QUADLET_CONTAINER,
	PM_QUADLET_POD,
	PM_QUADLET_VOLUME,
	PM_QUADLET_KUBE,
};

/* One source file. */
struct pm_quadlet_unit {
	char *path;		   /* the source file */
	char *name;		   /* its file name without the extension */
	enum pm_quadlet_kind kind; /* from the extension */
	struct pm_unit_file *file; /* NULL when it could not be read or parsed */
	char *service;		   /* the unit it gives: NAME.service, NAME-pod.service, ... */
};

/* All the source files of one pass: Pod= and Volume= name other members. */
struct pm_quadlet_set {
	struct pm_quadlet_unit *units;
	size_t n;
};

/* The kind of a file name's extension; -EINVAL when it is none of Quadlet's four. */
int pm_quadlet_kind_of(const char *filename);

/* Add the file path to set (its name and kind from the file name, the service name from
 * both). The file is not read here. -EINVAL for a name that is not a Quadlet file. */
int pm_quadlet_set_add(struct pm_quadlet_set *set, const char *path);
/* The member whose file name (with extension) is filename, or NULL. */
const struct pm_quadlet_unit *pm_quadlet_set_find(const struct pm_quadlet_set *set,
						  const char *filename);
void pm_quadlet_set_clear(struct pm_quadlet_set *set);

struct pm_quadlet_opts {
	const char *pm; /* the pm program in ExecStart= and friends */
};

/* Convert u (its file loaded) into service unit text (*ret_text) and the install links
 * its [Install] section asks for (*ret_links: paths relative to the output directory,
 * "default.target.wants/NAME.service" or an alias "other.service"; NULL when none).
 * A bad key or value: -EINVAL and "PATH:LINE: <what>" in *err. */
int pm_quadlet_convert(const struct pm_quadlet_set *set, const struct pm_quadlet_unit *u,
		       const struct pm_quadlet_opts *o, char **ret_text, char ***ret_links,
		       pm_error **err);

/* ---- the generator pass ------------------------------------------------------------- */

struct pm_quadlet_gen {
	char **dirs;	    /* search directories, first wins for a file name */
	const char *pm;	    /* as pm_quadlet_opts.pm */
	const char *output; /* the directory the units go to; NULL: dry run */
	FILE *dryrun;	    /* with output NULL: "---NAME.service---" and the text, here */
	bool verbose;
	/* each error (and with verbose, each step) as one line without a newline */
	void (*log)(void *data, bool error, const char *line);
	void *log_data;
};

/* The user search path (podman's): $XDG_CONFIG_HOME/containers/systemd (default
 * ~/.config/containers/systemd), /etc/containers/systemd/users/UID,
 * /etc/containers/systemd/users; the system one without user: /etc/containers/systemd,
 * /usr/share/containers/systemd. $QUADLET_UNIT_DIRS (colon-separated) replaces either. */
char **pm_quadlet_search_dirs(bool user, uid_t uid);

/* Read every Quadlet file of g->dirs, convert each, write the units (and their install
 * links) to g->output or print them to g->dryrun. A file with an error is logged and
 * not generated; the others are. Returns the number of files with an error (0: all
 * good), or -errno when the output cannot be written at all. */
int pm_quadlet_generate(const struct pm_quadlet_gen *g);
