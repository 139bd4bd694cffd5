/* sign.h: GPG "simple signing" of images in a registry (podman image sign, push --sign-by),
 * as containers/image writes it (containers-signature(5)): a JSON payload naming the
 * manifest digest and the docker reference, signed (binary, `gpg --sign`) by the system gpg
 * (GNUPGHOME honoured), stored as <store>/<repository path>@sha256=<hex>/signature-N, N the
 * first free number. The store is --directory, else the registries.d entry for the
 * reference (lookaside-staging, sigstore-staging, lookaside, sigstore; file:// only), else
 * $HOME/.local/share/containers/sigstore (rootless) or /var/lib/containers/sigstore. A
 * signature file appears whole or not at all (written beside, then linked to its name).
 * Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"
#include "registry/client.h"
#include "storage/reference.h"

struct pm_sign_opts {
	struct pm_registry_opts reg; /* image sign: the registry the manifest is read from */
	const char *sign_by;	     /* the gpg key (an id, fingerprint or user id) */
	const char *passphrase_file; /* NULL: the key has none, or gpg-agent has it */
	const char *directory;	     /* --directory (must exist); NULL: registries.d */
	const char *registries_d;    /* NULL: $HOME/.config/containers/registries.d when it
					exists, else /etc/containers/registries.d */
	bool all;		     /* image sign --all: each instance of a list */
	bool replace; /* push: the signature becomes the digest's only one (signature-1, the
			 others removed), as c/image's copy writes a destination's list */
};

/* podman image sign of one image: name is "docker://REF" (other transports refused with
 * podman's "parsing image name: ..." words); the manifest (each instance's with --all) is
 * read from the registry, then signed. Errors name the reference and the digest. */
int pm_image_sign(const char *name, const struct pm_sign_opts *o, pm_error **err);

/* Sign digest as ref's (push --sign-by, after the manifest is in the registry). */
int pm_sign_digest(const struct pm_reference *ref, const char *digest, const struct pm_sign_opts *o,
		   pm_error **err);

/* Does gpg have a secret key for id? 0 yes; -ENOENT 'key "ID" not found' (podman's words);
 * -ENOEXEC when gpg is not installed. push --sign-by asks before anything is sent. */
int pm_sign_check_key(const char *id, pm_error **err);

/* ---- pure parts (unit tested: tests/unit/test-sign.c) ---- */

/* The payload: {"critical":{"identity":{"docker-reference":IDENTITY},"image":
 * {"docker-manifest-digest":DIGEST},"type":"atomic container signature"},"optional":
 * {"creator":CREATOR,"timestamp":TS}}, keys sorted as c/image's encoder writes them.
 * malloc'd. */
char *pm_sign_payload(const char *digest, const char *identity, const char *creator,
		      int64_t timestamp);

/* The signature store's directory for ref's repository ("<top>/<path>", path without the
 * domain, as c/image's lookaside layout): directory when given (it must exist: podman's
 * "stat DIR: ..."), else the write location registries_d (a directory of *.yaml) gives for
 * ref (the full name with tag, then each parent namespace up to the host, then
 * default-docker), else default_dir. A location that is not file:// is refused with
 * podman's "writing to URL is not supported. Use a supported scheme". malloc'd. */
int pm_sign_store_dir(const struct pm_reference *ref, const char *directory,
		      const char *registries_d, const char *default_dir, char **ret,
		      pm_error **err);

/* registries.d's docker: and default-docker: store locations (the *.yaml files of dir in
 * name order; a key set by an earlier file is kept). A missing dir: none. */
struct pm_sigstores;
struct pm_sigstores *pm_sigstores_read(const char *dir);
void pm_sigstores_free(struct pm_sigstores *s);
/* The store URL for scope, as c/image looks it up: scope itself, then each parent namespace
 * (cut at its last '/'), then default-docker (scope NULL: default-docker alone). A write
 * takes lookaside-staging, sigstore-staging, lookaside, sigstore; a read lookaside, then
 * sigstore. NULL when none is set. Points into s. */
const char *pm_sigstores_url(const struct pm_sigstores *s, const char *scope, bool write);

/* "<repo_dir>@sha256=<hex>" for digest "sha256:<hex>"; NULL for another form. */
char *pm_sign_digest_dir(const char *repo_dir, const char *digest);
