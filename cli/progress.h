/* progress.h: podman's progress lines for the commands that copy images (load, import,
 * commit, save, pull and run/create pulling), on stderr, and a live bar with bytes
 * done/total on a terminal (pull: one line per blob, redrawn in place). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/progress.h"
#include "registry/pull.h"
#include "storage/store.h"

/* One layer of a pull as its terminal line shows it. */
struct pm_cli_blob_line {
	char *digest;
	uint64_t done, total;
	bool finished, skipped;
};

struct pm_cli_progress {
	struct pm_progress p;
	struct pm_store *s;
	bool quiet;
	bool tty;	 /* stderr is a terminal: draw the live bar */
	bool drawn;	 /* a bar is on the current line */
	int64_t last_ns; /* when the bar was last drawn (drawn at most every 100 ms) */
	/* pull on a terminal: the layers' lines, redrawn in place */
	struct pm_cli_blob_line *blobs;
	size_t n_blobs;
	bool blobs_drawn; /* the lines are on the screen (the cursor is below them) */
};

/* Before the work: "Getting image source signatures" (when signatures_line), and on a
 * terminal hook the live bar into the store's copies. Nothing with quiet. */
void pm_cli_progress_start(struct pm_cli_progress *cp, struct pm_store *s, bool quiet,
			   bool signatures_line);

/* After the work, for each image written: "Copying blob sha256:..." per layer, "Copying
 * config sha256:ID", "Writing manifest to image destination", "Storing signatures". */
void pm_cli_progress_image(struct pm_cli_progress *cp, const char *image_id);

/* The same once per image the references resolve to (several names may share one image;
 * a reference that does not resolve is skipped), in the order first seen. */
void pm_cli_progress_images(struct pm_cli_progress *cp, char *const *refs);

/* pm_pull_opts.event for a pull started with pm_cli_progress_start(cp, s, quiet, false):
 * podman's lines ("Trying to pull NAME...", "Getting image source signatures", "Copying blob
 * sha256:..." per layer, "Copying config sha256:...", "Writing manifest to image
 * destination", "Storing signatures"); on a terminal the layers' lines carry a bar while
 * they download ("skipped: already exists" for a layer the store has). ctx: the
 * pm_cli_progress. */
void pm_cli_progress_pull_event(void *ctx, enum pm_pull_event ev, const char *arg);

/* Unhook from the store, clear a bar left on the line. */
void pm_cli_progress_end(struct pm_cli_progress *cp);
