/* ctr-util.h: what the lifecycle commands (start, stop, kill, restart, wait, rm, attach)
 * share: container lookup with podman's messages, the list of all containers for -a. */
#pragma once

#include <stdbool.h>

#include "cli/cli.h"
#include "engine/container.h"
#include "engine/run.h"

/* Find ref; prints podman's "no container with name or ID" error and returns -ENOENT
 * (other errors printed as they come). The state is refreshed (engine/run.h). */
int pm_cli_ctr_lookup(const struct pm_engine *e, const char *ref, struct pm_container **ret);

/* Ids of every container, newest first (NULL-terminated; NULL when none). */
char **pm_cli_ctr_all_ids(const struct pm_engine *e);

/* The containers of a command: every one (all), or each ref in refs[0..n) looked up in
 * order. Returns 0 with the list (free with pm_container_list_free), or the exit status
 * of the first error, printed (an unknown ref, a storage error); then nothing is kept. */
int pm_cli_ctr_list(struct pm_cli *cli, bool all, char **refs, int n, struct pm_container ***ret,
		    size_t *ret_n);

/* Parse a seconds flag value (-t/--time). */
bool pm_cli_parse_seconds(const char *flag, const char *arg, int *ret);

/* --cidfile FILE...: the id on each file's first line pushed to *refs, and the file that
 * named it to *ret_files (same order). A missing file with ignore is skipped. Returns 0, or
 * the exit status of a printed error (podman's "reading CIDFile: ..."). */
int pm_cli_read_cidfiles(char **files, bool ignore, char ***refs, char ***ret_files);

/* --filter pod=NAME: ps's evaluator matches pod ids; each such filter naming a pod is
 * rewritten to its id (an unknown pod stays as given and matches nothing). */
void pm_cli_ctr_filters_resolve(struct pm_cli *cli, char **filters);

/* --filter / --latest of stop, rm, kill and start: the full ids of the containers ps's
 * evaluator (engine/ps.h) selects among all of them, newest first, pushed to *refs. A bad
 * filter prints podman's message ("KEY is an invalid filter"). --latest with no container:
 * podman's "no such container", then none_status is returned (rm: 1, others: 125).
 * Returns 0 or the exit status of the printed error. */
int pm_cli_ctr_select(struct pm_cli *cli, char **filters, bool latest, int none_status,
		      char ***refs);
/* The checks podman makes on --all, --latest, --cidfile, --filter and the containers named
 * (nargs of them) before it selects: one printed error and its exit status, or 0. */
/* The containers named on the command line, or with --latest the newest one (podman's
 * "--all, --latest and containers cannot be used together" when mixed): 0, or the exit
 * status to return */
int pm_cli_ctr_refs_latest(struct pm_cli *cli, char *const *args, int nargs, bool all, bool latest,
			   char ***refs);
int pm_cli_ctr_select_args(struct pm_cli *cli, int nargs, bool all, bool latest, char **cidfiles,
			   char **filters);
