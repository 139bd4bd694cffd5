/* image-util.h: small helpers shared by the image command files (cmd-images.c,
 * cmd-image.c, cmd-image-mount.c, cmd-tag.c, cmd-rmi.c, cmd-save.c, cmd-load.c,
 * cmd-history.c, cmd-import.c): opening the store, every image's id, the image inspect object as
 * json_t (built by storage/image-view.c). */
#pragma once

#include <stdint.h>

#include <jansson.h>

#include "cli/cli.h"
#include "registry/push.h"
#include "storage/image.h"
#include "storage/store.h"

/* Open the store at cli->paths.root with cli->storage_driver. */
int pm_cli_open_store(struct pm_cli *cli, struct pm_store **ret, pm_error **err);

/* Every image's id, newest first (the --all of rmi and image unmount), into *ids. */
int pm_cli_image_all_ids(const struct pm_store *s, char ***ids, pm_error **err);

/* rmi of image id: its `image mount` (every count) undone and its mount dir gone, as
 * podman's storage unmounts a mounted image it deletes (cmd-image-mount.c). */
int pm_cli_image_unmount_gone(const struct pm_store *s, const char *id, pm_error **err);

/* podman image inspect object for one image (pm_image_inspect_json, parsed). */
json_t *pm_cli_image_inspect_json(const struct pm_store *s, const struct pm_image_record *r,
				  pm_error **err);

/* Normalise a user-given name for tagging ("busybox" -> "localhost/busybox:latest"). */
int pm_cli_image_name(const char *user, char **ret, pm_error **err);

/* podman 4.3's human size: "2.14 MB" (go-units 0.5 puts a space before the unit). */
char *pm_cli_image_size(uint64_t bytes);

/* A pm_read_fn over a FILE-less fd (ctx: int *). */
ssize_t pm_cli_read_fd(void *ctx, void *buf, size_t n);

/* podman push's progress lines on stderr (cmd-push.c; manifest push prints them too):
 * ctx is a struct pm_cli_push_printer. */
struct pm_cli_push_printer {
	bool quiet, tty;
};
void pm_cli_push_event(void *ctx, enum pm_push_event ev, const char *arg);

/* push and manifest push --sign-by, --sign-by-sigstore-private-key, --sign-passphrase-file:
 * refused before anything is sent (podman pushes, then fails to sign), in podman's words.
 * so->sign_by NULL and no sigstore_key: nothing asked, *ret NULL. Else *ret = so, set to
 * replace the destination's signatures as c/image's copy does. 0, or the exit status after
 * printing. */
int pm_cli_push_sign_check(struct pm_sign_opts *so, const char *sigstore_key,
			   const struct pm_sign_opts **ret);

/* build --manifest LIST (cmd-manifest.c). check: LIST's full name into *ret_name, or
 * podman's error when LIST is no reference or names an image that is not a manifest list
 * (before the build, so that nothing is made). add_image: the local image image_id added
 * to the list name, created (a Docker manifest list) when missing, as podman does; under
 * the lock `manifest add` takes. 0, or the exit status after printing. */
int pm_cli_manifest_check(const struct pm_store *s, const char *list, char **ret_name);
int pm_cli_manifest_add_image(const struct pm_store *s, const char *name, const char *image_id);
