/* doctor.h: `pm doctor`: checks that the host gives rootless pm what it needs (subordinate
 * ids, newuidmap/newgidmap, user namespaces, overlay or fuse-overlayfs, /dev/net/tun,
 * slirp4netns/pasta, cgroup v2 delegation, a systemd user session and linger,
 * XDG_RUNTIME_DIR, unprivileged ports, free space) and says, per check, ok / warning /
 * error with the exact command that fixes it.
 *
 * Every check reads the host below a root prefix ("" live; a fake /proc, /sys, /etc, /dev,
 * /var tree in unit tests) and through a small table of functions (which, stat, access,
 * statfs, ...), so each is unit tested against a fake tree (tests/unit/test-doctor.c).
 * Side-effect free: no container, no pause process, nothing written (the live overlay
 * probe mounts in a throw-away user namespace under /tmp and removes it).
 * Called by cli/cmd-doctor.c. Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

enum pm_doctor_status {
	PM_DOCTOR_OK,
	PM_DOCTOR_WARNING,
	PM_DOCTOR_ERROR,
};

struct pm_doctor_check {
	char *name; /* "subuid", "/dev/net/tun", ... */
	enum pm_doctor_status status;
	char *detail; /* what was found, for a human */
	char *fix;    /* the command (or step) that fixes a warning or error; NULL when ok */
};

/* What the checks read, and how. Paths handed to the functions are already prefixed. */
struct pm_doctor_host {
	const char *prefix; /* "" live, or a fake tree holding /proc /sys /etc /dev /var */
	uid_t uid;	    /* the user pm runs as */
	gid_t gid;
	const char *user;		    /* login name, or NULL */
	const char *runtime_dir;	    /* $XDG_RUNTIME_DIR as set (not prefixed), or NULL */
	const char *storage_root;	    /* pm's storage root (not prefixed) */
	char *(*which)(const char *name);   /* full path in $PATH, or NULL */
	char *(*version)(const char *path); /* a helper's version, "" unknown */
	int (*stat)(const char *path, struct stat *st);	      /* like stat(2): 0 or -1/errno */
	int (*access)(const char *path, int mode);	      /* like access(2), as the user */
	long (*fs_magic)(const char *path);		      /* statfs f_type, or -1 */
	int (*statvfs)(const char *path, struct statvfs *st); /* like statvfs(3) */
	bool (*file_caps)(const char *path);		      /* has security.capability */
	/* Does overlayfs mount in an unprivileged user namespace? 1 yes, 0 no (*detail says
	 * why), < 0 could not tell. */
	int (*overlay_native)(char **ret_detail);
};

/* The live host: prefix "", the real functions, the caller's uid/gid/name and
 * $XDG_RUNTIME_DIR; storage_root as pm resolved it. */
void pm_doctor_host_live(struct pm_doctor_host *h, const char *storage_root);

/* Run every check. Never fails: what cannot be read is reported in a check. */
void pm_doctor_run(const struct pm_doctor_host *h, struct pm_doctor_check **ret, size_t *ret_n);

void pm_doctor_checks_free(struct pm_doctor_check *checks, size_t n);

/* "ok", "warning", "error". */
const char *pm_doctor_status_name(enum pm_doctor_status s);

/* The checks as a JSON array of {"Name","Status","Detail","Fix"} (text; never NULL). */
char *pm_doctor_json(const struct pm_doctor_check *checks, size_t n);
