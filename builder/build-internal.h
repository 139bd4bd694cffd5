/* build-internal.h: what builder/build.c (the loop, COPY/ADD, config steps, squash) and
 * builder/build-run.c (RUN steps, their mounts and containers) share. builder/ only. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "builder/build.h"
#include "builder/containerfile.h"
#include "storage/manifest.h"
#include "storage/store.h"

struct stage {
	char *name;	  /* AS name, or NULL */
	char *image_id;	  /* the image so far; NULL: scratch, nothing yet */
	char *parent_ref; /* the history comment's "FROM x" */
	struct pm_image_config cfg;
	char **args;	  /* declared ARGs with a value: KEY=VALUE */
	char **shell;	  /* SHELL, default /bin/sh -c */
	bool cmd_set;	  /* CMD given in this stage (ENTRYPOINT then keeps it) */
	bool healthcheck; /* HEALTHCHECK given: OCI images cannot carry it (a warning) */
	char **onbuild;	  /* ONBUILD triggers given: likewise */
};

struct build {
	const struct pm_engine *e;
	struct pm_store *s;
	const struct pm_build_opts *o;
	struct pm_containerfile *cf;
	char **meta;	  /* meta ARGs with a value: KEY=VALUE */
	char **names;	  /* stage names ("" for none), of the stages built so far */
	char **stage_ids; /* each built stage's final image id ("" for an empty scratch) */
	char **made;	  /* images made by this build */
	size_t n_build;	  /* stages to build */
	size_t cur;	  /* stage being built (0-based) */
	struct stage *st;
	size_t step, n_steps; /* 1-based step in the stage */
	/* the final stage's base, for --squash: its image (NULL: scratch) and how many of the
	 * config's layers and history entries are its own */
	char *base_id;
	size_t base_n_diff, base_n_hist;
	char *salt;	 /* what --env and --timestamp add to every cache key (NULL: none) */
	bool remote_off; /* --cache-from's registry failed once: not asked again */
};

struct mounted {
	char *ctr_id;
	char *path; /* the mount point */
	int rootfd;
};

const char *pm_bld_kv_get(char *const *v, const char *key);
/* pm_cf_expand's lookup over a stage (ENV, then ARGs); userdata is the struct stage. */
const char *pm_bld_stage_lookup(const char *name, void *userdata);
/* The container's changes as a layer and the image on it (a step's history entry). */
int pm_bld_commit_ctr(struct build *b, const char *ctr_id, const char *created_by, char **ret_id,
		      pm_error **err);
/* A storage-only container of image_id, mounted: its root as an fd and a path. */
int pm_bld_mount_image(const struct build *b, const char *image_id, struct mounted *m,
		       pm_error **err);
void pm_bld_mounted_release(const struct build *b, struct mounted *m);
/* The stage (by name or number), build context or image a --from names: its image id. */
int pm_bld_from_image(struct build *b, const char *from, char **ret_id, pm_error **err);
/* p made absolute against the stage's WORKDIR. */
char *pm_bld_abs_path(const struct stage *st, const char *p);

/* build-run.c */
/* RUN's argv (the shell form through the stage's SHELL, heredocs as the script). */
void pm_bld_run_argv(const struct build *b, const struct pm_cf_instr *in, char ***ret_argv);
/* The ARGs a RUN sees as its environment (ENV wins): KEY=VALUE. */
char **pm_bld_run_args_env(const struct build *b);
/* Remove the RUN containers of builds that died (their lock is free). */
void pm_bld_clean_stale(const struct build *b);
/* Run the RUN step in a container of the image so far and commit its changes. */
int pm_bld_do_run(struct build *b, const struct pm_cf_instr *in, const char *created_by,
		  char **ret_id, pm_error **err);

/* remote-cache.c */
/* --cache-from: the step's image pulled from REPO:key: 1 and *ret_id, or 0 (a miss, said
 * nothing of; another failure warned of once, then not tried again). */
int pm_bld_remote_get(struct build *b, const char *key, char **ret_id);
/* --cache-to: the step's image id pushed as REPO:key ("failed pushing cache to ..."). */
int pm_bld_remote_put(struct build *b, const char *key, const char *id, pm_error **err);

/* build-finish.c */
/* --skip-unused-stages: which of the n_build stages are built (allocated; all of them with
 * o->keep_unused). */
bool *pm_bld_needed_stages(const struct build *b);
/* -o/--output: image id's files into o->output_dest (a directory, or a tar). */
int pm_bld_export_output(struct build *b, const char *id, pm_error **err);
