/* cp.h: `pm cp`: copy files between a container's root filesystem and the host (or two
 * containers), or a tar stream in or out, with podman's (docker's) rules for
 * file/directory, "SRC/." and "DST/". Called by cli/cmd-cp.c (and later the API). Never
 * prints. */
#pragma once

#include <stdbool.h>

#include "engine/run.h"
#include "lib/error.h"

/* One end of a copy. */
struct pm_cp_end {
	const char *ctr;  /* container name or id as the user typed it; NULL: the host */
	const char *path; /* in a container: relative ones from its working directory;
			   * NULL: a tar stream (in_fd / out_fd) */
};

struct pm_cp_opts {
	bool archive;	/* files copied into a container belong to its root (default) */
	bool overwrite; /* a directory may replace a non-directory and the other way */
};

/* Copy src to dst. Works for running and stopped containers (a storage mount made for a
 * stopped one is released after). Container paths resolve inside the
 * container's root (a symlink in it never leads to the host); what is written is created
 * by storage's safe extractor (pm_layer_extract_to): a tar entry with ".." or that would
 * leave the destination through a symlink is refused with its name (-EPERM). A stream
 * source reads the tar from in_fd, a stream destination writes it to out_fd (not a
 * terminal). Device files are not created: their names go to *ret_skipped (may be NULL).
 * A running container is reached through its init's root (/proc/PID/root): its volumes,
 * bind and tmpfs mounts are seen as inside it; a stopped one through its storage mount. */
int pm_engine_cp(const struct pm_engine *e, const struct pm_cp_end *src,
		 const struct pm_cp_end *dst, const struct pm_cp_opts *o, int in_fd, int out_fd,
		 char ***ret_skipped, pm_error **err);
