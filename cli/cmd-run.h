/* cmd-run.h: the flag parser of `pm run` (a flag table), shared with `pm create`. */
#pragma once

#include <stdbool.h>

#include "cli/cli.h"
#include "cli/pull-flags.h"
#include "engine/health-parse.h"
#include "engine/spec.h"

/* Flags that act at the command line rather than describe the container. */
struct cmd_run_opts {
	bool detach;		 /* -d */
	const char *cidfile;	 /* --cidfile */
	bool replace;		 /* --replace */
	bool rootfs;		 /* --rootfs: the first argument is a directory, not an image */
	const char *detach_keys; /* --detach-keys (checked; NULL: not given) */
	bool create;		 /* parsing for `pm create` (no -d) */
	/* --pod: the pod's shared lock, held from create to start (pods/lifecycle.h), and
	 * the id of a pod --pod new:NAME made (removed again when the run fails) */
	int pod_lock;
	char *made_pod;
	struct pm_health_flags health;	/* --health-*, --no-healthcheck: into c->health */
	const char *pull;		/* --pull POLICY (NULL: missing) */
	bool quiet;			/* -q: no pull progress */
	bool http_proxy;		/* --http-proxy (default true): the host's proxy env */
	unsigned preserve_fds;		/* --preserve-fds N (run only) */
	struct pm_cli_pull_flags pullf; /* --tls-verify, --arch, ... for the pull */
	bool rmi;			/* --rmi (run only): the image removed after the run */
};

/* The --help texts of run and create (cli/run-usage.c). */
extern const char cmd_run_usage[];
/* create's: run's options but those of a run alone (malloc'd) */
char *cmd_create_usage(void);

/* Parse argv (argv[0] is the command name) into c and o. Returns 0, or -1 with *ret_status
 * set (0 after --help, 125 after a printed error). */
int cmd_run_parse(struct pm_cli *cli, int argc, char **argv, struct pm_container_config *c,
		  struct cmd_run_opts *o, int *ret_status);

/* What run -d / create share after parsing: --replace, the cidfile, create the container.
 * Prints errors; returns 0 with *ret (the id is not printed), or the exit status. */
struct pm_engine;
struct pm_container;
int cmd_run_create(struct pm_cli *cli, const struct pm_engine *e, struct pm_container_config *cfg,
		   struct cmd_run_opts *o, struct pm_container **ret);

/* After the container was started (or created, or failed): release the pod's lock; when
 * failed, remove the pod --pod new:NAME made. */
void cmd_run_pod_done(const struct pm_engine *e, struct cmd_run_opts *o, bool failed);

/* The run/create flag name (long, without "--") or short_name (name NULL): its getopt
 * has_arg (no_argument, required_argument, optional_argument), or -1 when there is none
 * (generate systemd --new rewrites a stored command line with this). */
int cmd_run_flag_arg(const char *name, char short_name);

/* One run/create flag (long name, a container flag: not -d, --cidfile, ...) applied to c,
 * with run's parser and message; -ENOENT when there is none. */
int cmd_run_flag_apply(const char *name, const char *arg, struct pm_container_config *c,
		       pm_error **err);
