/* progress.h: podman's progress lines for the commands that copy images (load, import,
 * commit, save), on stderr, and a live bar with bytes done/total on a terminal. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/progress.h"
#include "storage/store.h"

struct pm_cli_progress {
	struct pm_progress p;
	struct pm_store *s;
	bool quiet;
	bool tty;	 /* stderr is a terminal: draw the live bar */
	bool drawn;	 /* a bar is on the current line */
	int64_t last_ns; /* when the bar was last drawn (drawn at most every 100 ms) */
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

/* Unhook from the store, clear a bar left on the line. */
void pm_cli_progress_end(struct pm_cli_progress *cp);
