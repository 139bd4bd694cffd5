/* secret.h: secrets (`pm secret ...`, `pm run --secret`, and kube's Secret kind later).
 *
 * Layout, the file driver, one directory per secret, readable with jq:
 *
 *   <root>/db/secrets/<id>/secret.json  the record (podman's inspect fields: ID, CreatedAt,
 *                                       UpdatedAt, Spec{Name, Driver{Name, Options}, Labels})
 *   <root>/db/secrets/<id>/data         the value, mode 0600, never in any JSON
 *   <root>/db/secrets/<id>/lock         flock guarding the record
 *   <root>/db/secret-names/<name>       symlink to the id (lib/fileutil.h pm_name_reserve)
 *
 * A secret is built in <root>/db/secrets/.tmp-<id>, renamed into place, then its name is
 * reserved: a secret exists once its name points at its directory (a lister skips a
 * directory no name points at), so two racing creates of one name: exactly one wins, the
 * other gets -EEXIST "NAME: secret name in use" and removes its directory. Removal drops
 * the name first under the secret's lock, then the directory. Ids are 25 hex characters as
 * podman's.
 *
 * API for the layers above (cli, engine, kube):
 *   pm_secret_create(root, &opts, data, len, &id, err)  a secret from bytes
 *   pm_secret_lookup(root, name_or_id, &s, err)         its record
 *   pm_secret_read_data(root, name_or_id, &data, &len, err)  its value
 *   pm_secret_remove(root, name_or_id, &id, err)
 *
 * Never prints; errors name the secret. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cleanup.h"
#include "lib/error.h"

#define PM_SECRET_MAX_SIZE 512000 /* podman's: data must be shorter than this */
#define PM_SECRET_ID_LEN   25

struct pm_secret {
	char *id;
	char *name;
	char *driver;	    /* "file" */
	char **driver_opts; /* "key=value", sorted by key (includes path=) */
	char **labels;	    /* "key=value", sorted by key */
	int64_t created_ns;
	int64_t updated_ns;
};

struct pm_secret_create_opts {
	const char *name;
	const char *driver;	  /* NULL or "file" */
	char *const *driver_opts; /* "key=value" (NULL-terminated, may be NULL) */
	char *const *labels;	  /* "key[=value]" (NULL-terminated, may be NULL) */
};

/* podman's rule: 1 to 64 of [a-zA-Z0-9_.-], starting and ending with [a-zA-Z0-9]. */
bool pm_secret_name_valid(const char *name);

/* Check name, driver and the data's size without touching disk: -EINVAL with podman's
 * message ("only 64 [a-zA-Z0-9-_.] characters allowed, ...: NAME: invalid secret name",
 * "invalid driver", "secret data must be larger than 0 and less than 512000 bytes"). */
int pm_secret_check(const struct pm_secret_create_opts *opts, size_t len, pm_error **err);

/* Create a secret holding data[0..len). *ret_id (may be NULL) gets its id (malloc'd).
 * -EEXIST "NAME: secret name in use" when the name is taken; nothing is left on failure. */
int pm_secret_create(const char *root, const struct pm_secret_create_opts *opts, const void *data,
		     size_t len, char **ret_id, pm_error **err);

/* Find by name, full id or unique id prefix. -ENOENT 'no secret with name or id "x": no
 * such secret'. */
int pm_secret_lookup(const char *root, const char *ref, struct pm_secret **ret, pm_error **err);

/* The value of the secret ref (malloc'd, NUL-terminated beyond *ret_len for convenience). */
int pm_secret_read_data(const char *root, const char *ref, char **ret_data, size_t *ret_len,
			pm_error **err);

/* Remove the secret ref; *ret_id (may be NULL) gets the removed id. -ENOENT as lookup. */
int pm_secret_remove(const char *root, const char *ref, char **ret_id, pm_error **err);

/* All secrets, sorted by creation time (oldest first), NULL-terminated. */
int pm_secret_list(const char *root, struct pm_secret ***ret, pm_error **err);
struct pm_secret **pm_secret_list_free(struct pm_secret **v);

/* --filter of `secret ls`: name=REGEX (search), id=PREFIX. Same key ORed, keys ANDed.
 * -EINVAL 'invalid filter "x"'. The parsed filters are a strv of "key=value". */
int pm_secret_filters_check(char *const *filters, pm_error **err);
bool pm_secret_filters_match(char *const *filters, const struct pm_secret *s);

/* JSON shapes as compact text (malloc'd): podman's inspect object (times RFC 3339), with
 * go_times the times as Go prints a time.Time in templates; the ls row (ID, Name, Driver,
 * CreatedAt/UpdatedAt "3 hours ago"). None holds the value. */
char *pm_secret_json(const struct pm_secret *s, bool go_times);
char *pm_secret_list_json(struct pm_secret *const *v, bool go_times);
char *pm_secret_ls_json(struct pm_secret *const *v, int64_t now_ns);

struct pm_secret *pm_secret_free(struct pm_secret *s);
PM_DEFINE_CLEANUP_FUNC(struct pm_secret *, pm_secret_free)
#define _cleanup_secret_ _cleanup_(pm_secret_freep)
PM_DEFINE_CLEANUP_FUNC(struct pm_secret **, pm_secret_list_free)
#define _cleanup_secret_list_ _cleanup_(pm_secret_list_freep)

/* ---- --secret on run/create (pure; engine/ctr-secrets.c uses it) ---- */
enum pm_secret_use_type { PM_SECRET_MOUNT, PM_SECRET_ENV };
struct pm_secret_use {
	char *source; /* the secret's name or id */
	enum pm_secret_use_type type;
	char *target;		 /* mount: absolute path in the container; env: variable */
	uint32_t uid, gid, mode; /* mount only: default 0, 0, 0444 */
};
/* Parse NAME[,type=mount|env][,target=T][,uid=N][,gid=N][,mode=OCTAL] with podman's
 * defaults (mount at /run/secrets/NAME, /run/secrets/T for a relative target; env var NAME
 * or T) and messages ("option foo=bar invalid: parsing secret", ...). */
int pm_secret_use_parse(const char *spec, struct pm_secret_use *ret, pm_error **err);
void pm_secret_use_clear(struct pm_secret_use *u);
