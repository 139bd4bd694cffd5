/* build.h: `pm build`: a Containerfile's stages run step by step on pm's own engine and
 * storage. FROM resolves the base (a local image, an earlier stage, or scratch); each RUN is
 * a container of the image so far, run in the foreground with our stdio (its output
 * streams), its changes committed as a new layer; COPY/ADD write into a container's mounted
 * root and commit; the other instructions change the config only (a new image with the same
 * layers, empty_layer history). Every step's image is kept (podman's intermediate images:
 * `images -a` shows them) and recorded in the layer cache (builder/cache.h). A failing
 * step leaves no container and tags nothing.
 *
 * Called by cli/cmd-build.c inside the rootless namespace. Never prints: the progress lines
 * podman prints go through say(). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "lib/error.h"
#include "registry/pull.h"

struct pm_container_config; /* engine/spec.h */

struct pm_build_opts {
	const char *context;   /* the context directory */
	const char *file_name; /* the Containerfile's name, for messages */
	const char *file_data; /* its content */
	size_t file_len;
	char **tags;	   /* full names ("localhost/x:latest"), the first one is COMMIT's */
	char **tags_shown; /* as the user typed them, for "COMMIT x" */
	char **build_args; /* KEY=VALUE (--build-arg) */
	char **labels;	   /* KEY=VALUE (--label) */
	const char *target;
	const char *network; /* RUN's network mode; NULL: "host" */
	bool no_cache;
	bool squash;		  /* the final stage's steps as one layer over its base */
	bool squash_all;	  /* the final image as one layer */
	bool layers;		  /* false: no cache used or recorded */
	enum pm_pull_policy pull; /* FROM's images (default missing) */
	const struct pm_pull_opts *pull_opts; /* registry options and events; NULL: none */
	char **contexts;    /* --build-context name=path: COPY --from=name reads path */
	char **secrets;	    /* --secret id=path: RUN --mount=type=secret,id=id */
	char **ssh;	    /* --ssh as ID=SOCKET (builder/ssh.h): RUN --mount=type=ssh,id=ID */
	char **env;	    /* --env KEY=VALUE: set in every stage from its FROM on (RUN sees it) */
	char **unsetenv;    /* --unsetenv KEY: left out of the final image's environment */
	char **annotations; /* --annotation KEY=VALUE: the final image's manifest (OCI only) */
	/* -o/--output: the built image's files also written out: a tar at output_dest
	 * ("-": fd 1) when output_tar, else into the directory output_dest; NULL: not */
	const char *output_dest;
	bool output_tar;
	int output_fd;		/* with output_dest "-": where the tar goes */
	const char *from;	/* --from: the first FROM's image instead of the file's */
	const char *ignorefile; /* --ignorefile: instead of the context's .containerignore */
	bool omit_history;	/* --omit-history: the final image without history entries */
	int64_t cache_ttl_ns;	/* --cache-ttl: cached step images older than this miss (0: any) */
	/* --cache-from, --cache-to: a registry repository ("host/path", no tag) step images
	 * are pulled from after a local cache miss / pushed to, tagged with the step's cache
	 * key (builder/remote-cache.c); NULL: none. With layers only, as buildah's. */
	const char *cache_from;
	const char *cache_to;
	bool keep_unused;   /* --skip-unused-stages=false: build every stage up to the target */
	bool docker_format; /* --format docker: Docker v2s2 images, HEALTHCHECK, SHELL and ONBUILD
			       kept */
	const char *os_version; /* --os-version: every stage's os.version from its FROM on */
	char **os_features;	/* --os-feature: added, or removed with a trailing '-', in order */
	bool timestamp_set;	/* --timestamp: every created date is this (seconds) */
	long long timestamp;
	/* The user's flags for RUN containers (--cap-add, --dns, -v, --memory, ...): applied
	 * to each RUN's container config after the build's own defaults; NULL: none. */
	int (*run_config)(void *data, struct pm_container_config *cfg, pm_error **err);
	void *run_config_data;
	/* one progress line (no newline): "STEP 1/3: FROM x", "--> 0123456789a", ... */
	void (*say)(void *userdata, const char *line);
	/* a warning ("HEALTHCHECK is not supported for OCI image format ..."); may be NULL */
	void (*warn)(void *userdata, const char *line);
	void *userdata;
};

/* Build; *ret_id gets the final image's id. A failing RUN fails with its exit code as
 * err->status ("building at STEP \"RUN false\": while running runtime: exit status 1"). */
int pm_build(const struct pm_engine *e, const struct pm_build_opts *o, char **ret_id,
	     pm_error **err);

/* A Containerfile.in (path, for messages; its text in data) through cpp as buildah's build
 * runs it: `cpp -E -iquote FILE_DIR -iquote CONTEXT -traditional -undef -` (FILE_DIR, the
 * file's directory, first: pm's addition, NULL to leave it out), then $BUILDAH_CPPFLAGS
 * (split as the shell would, not expanded), then cpp_flags (--cpp-flag), the text on stdin.
 * *ret gets the output (at most 1 MiB). When cpp fails but wrote something, *ret_warning
 * gets buildah's "Ignoring MESSAGES" (cpp calls a '#' comment an invalid directive) and
 * the output is used; when it wrote nothing, -EINVAL "preprocessing PATH: preprocessor
 * produced no output: exit status N: MESSAGES". -ENOENT when cpp is not installed. */
int pm_build_preprocess(const char *path, const char *data, size_t len, const char *file_dir,
			const char *context, char *const *cpp_flags, char **ret, size_t *ret_len,
			char **ret_warning, pm_error **err);
