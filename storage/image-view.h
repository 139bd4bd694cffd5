/* image-view.h: images as podman shows them, for `images`, `image inspect`, `inspect` and
 * `history` (and later the API): filters, sort orders, the rows of the listing, and the
 * JSON documents (as text: json_t stays in storage/). Reads only; never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cleanup.h"
#include "lib/error.h"
#include "storage/image.h"
#include "storage/store.h"

/* `images --filter`: reference= (glob on the full name, the familiar name and the
 * repository), dangling=true|false, label=KEY[=VALUE], id=PREFIX, before=IMAGE,
 * since=IMAGE (after=: the same): created before / after that image. Same key ORed
 * (reference, id), label ANDed, different keys ANDed. NULL filters: everything passes.
 * Messages are podman's. */
struct pm_image_filters;
struct pm_image_filters *pm_image_filters_new(void);
struct pm_image_filters *pm_image_filters_free(struct pm_image_filters *f);
PM_DEFINE_CLEANUP_FUNC(struct pm_image_filters *, pm_image_filters_free)
#define _cleanup_image_filters_ _cleanup_(pm_image_filters_freep)
/* Add one "key=value"; -EINVAL naming the bad filter. */
int pm_image_filters_add(struct pm_image_filters *f, const char *arg, pm_error **err);
/* Find the images before= and since= name: -ENOENT "could not find local image for filter
 * ...". Until then (and after a failure) those filters pass nothing. */
int pm_image_filters_resolve(const struct pm_store *s, struct pm_image_filters *f, pm_error **err);
/* The image passes every filter (reads its config for label=); without the child lookup
 * `images` makes: dangling= is "has no name" (image prune's sense). */
bool pm_image_filters_match(const struct pm_store *s, const struct pm_image_filters *f,
			    const struct pm_image_record *r);
/* The name passes reference=; any of the image's names does. */
bool pm_image_filters_name(const struct pm_image_filters *f, const char *name);
bool pm_image_filters_any_name(const struct pm_image_filters *f, const struct pm_image_record *r);

/* `images --sort`, podman 4.3's keys; created is newest first, the others ascending. */
enum pm_image_sort {
	PM_IMAGE_SORT_CREATED,
	PM_IMAGE_SORT_ID,
	PM_IMAGE_SORT_REPOSITORY,
	PM_IMAGE_SORT_SIZE,
	PM_IMAGE_SORT_TAG,
};
/* -EINVAL with podman's message: "\"x\" is not a valid field for sorting. Choose from:
 * created, id, repository, size, tag". */
int pm_image_sort_parse(const char *s, enum pm_image_sort *ret, pm_error **err);

/* Intermediate images (podman): images without names that have a child, an image on their
 * top layer or one above whose layers and history extend theirs (a commit of a container of
 * the image, once the image lost its names). Hidden unless all (-a); not dangling.
 *
 * One row of `images`: one per name passing the filters ("<none>" for an image without
 * names). record/id point into the records given to pm_image_rows. */
struct pm_image_row {
	const struct pm_image_record *record;
	const char *id;
	char *repository;
	char *tag;
	int64_t created_ns; /* the config's created, to the nanosecond */
	uint64_t size;
	bool dangling; /* no names and no child */
};
int pm_image_rows(const struct pm_store *s, const struct pm_image_record *v, size_t n,
		  const struct pm_image_filters *f, bool all, struct pm_image_row **ret,
		  size_t *ret_n);
/* Stable: rows that tie keep their order (podman's order for short lists). */
void pm_image_rows_sort(struct pm_image_row *rows, size_t n, enum pm_image_sort key);
void pm_image_rows_free(struct pm_image_row *rows, size_t n);

/* `images --format json`: podman's image summaries of the records passing f (and all:
 * intermediate images too), in store order (podman does not sort them). */
char *pm_image_summaries_json(const struct pm_store *s, const struct pm_image_record *v, size_t n,
			      const struct pm_image_filters *f, bool all);

/* `image inspect`: podman's object for one image. NULL with *err when the config is
 * unreadable. */
char *pm_image_inspect_json(const struct pm_store *s, const struct pm_image_record *r,
			    pm_error **err);

/* `history`: the config's history, newest first; the newest entry carries the image id,
 * older ones id NULL (podman's "<missing>"); size is the layer's for non-empty entries. */
struct pm_image_history_entry {
	char *id;
	int64_t created; /* Unix seconds (0 when unknown) */
	char *created_by;
	char *comment;
	uint64_t size;
};
int pm_image_history(const struct pm_store *s, const struct pm_image_record *r,
		     struct pm_image_history_entry **ret, size_t *ret_n, pm_error **err);
void pm_image_history_free(struct pm_image_history_entry *v, size_t n);
