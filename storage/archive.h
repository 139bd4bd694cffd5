/* archive.h: image archives: docker-archive (docker save), oci-archive (an OCI image
 * layout in a tar) and oci-dir (the layout as a directory), loaded into and saved from the
 * store. Loading is atomic per image: layers are ingested first (each verified against
 * the manifest digest and the config's diff_ids), the record last; a corrupt or truncated
 * archive or a digest mismatch leaves no image and no temp dir. Never prints. */
#pragma once

#include "storage/store.h"

enum pm_archive_format {
	PM_ARCHIVE_DOCKER = 0, /* docker-archive */
	PM_ARCHIVE_OCI,	       /* oci-archive */
	PM_ARCHIVE_OCI_DIR,    /* oci-dir */
};

/* "docker-archive" | "oci-archive" | "oci-dir" -> format; -EINVAL naming s otherwise. */
int pm_archive_format_parse(const char *s, enum pm_archive_format *ret, pm_error **err);

/* Load every image of the archive at path (a file, a directory holding an OCI layout, or
 * "-" for stdin). ret_loaded gets one line per image: its names, or "sha256:<id>" when it
 * has none. */
int pm_archive_load(const struct pm_store *s, const char *path, char ***ret_loaded, pm_error **err);

/* Save images (user references) to output (a file, or a directory for oci-dir; "-" writes
 * an archive to stdout). Files are written to a temp name and renamed into place. */
int pm_archive_save(const struct pm_store *s, char *const *refs, enum pm_archive_format fmt,
		    const char *output, pm_error **err);
