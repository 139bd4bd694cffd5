/* sign.c: simple signing (sign.h): the payload, the signature store's place from
 * registries.d, gpg spawned through lib/spawn.h, and image sign's read of the manifest from
 * the registry. Called by cli/cmd-image-sign.c and registry/push.c. Never prints; gpg's own
 * words reach the user only inside an error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/paths.h"
#include "lib/spawn.h"
#include "lib/strutil.h"
#include "registry/client-internal.h"
#include "registry/conf.h"
#include "registry/sign.h"
#include "storage/manifest-list.h"
#include "storage/manifest.h"

#define GPG_TIMEOUT_MS (120 * 1000)
#define GPG_OUTPUT_MAX (16 * 1024)

char *pm_sign_payload(const char *digest, const char *identity, const char *creator,
		      int64_t timestamp)
{
	_cleanup_json_ json_t *j =
		json_pack("{s:{s:{s:s},s:{s:s},s:s},s:{s:s,s:I}}", "critical", "identity",
			  "docker-reference", identity, "image", "docker-manifest-digest", digest,
			  "type", "atomic container signature", "optional", "creator", creator,
			  "timestamp", (json_int_t)timestamp);
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

char *pm_sign_digest_dir(const char *repo_dir, const char *digest)
{
	if (!pm_str_startswith(digest, "sha256:") || strlen(digest) != 7 + 64)
		return NULL;
	return pm_xasprintf("%s@sha256=%s", repo_dir, digest + 7);
}

/* ---- registries.d ---------------------------------------------------------------------- */

/* the four keys a section may name a store with, in the order a write looks at them */
static const char *const store_keys[] = {"lookaside-staging", "sigstore-staging", "lookaside",
					 "sigstore"};
#define N_KEYS (sizeof(store_keys) / sizeof(store_keys[0]))

struct store_entry {
	char *scope; /* NULL: default-docker */
	char *url[N_KEYS];
};

struct pm_sigstores {
	struct store_entry *v;
	size_t n;
};

void pm_sigstores_free(struct pm_sigstores *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].scope);
		for (size_t k = 0; k < N_KEYS; k++)
			free(s->v[i].url[k]);
	}
	free(s->v);
	free(s);
}

static struct store_entry *entry_for(struct pm_sigstores *s, const char *scope)
{
	for (size_t i = 0; i < s->n; i++)
		if ((!scope && !s->v[i].scope) ||
		    (scope && s->v[i].scope && !strcmp(scope, s->v[i].scope)))
			return &s->v[i];
	s->v = pm_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n] = (struct store_entry){.scope = scope ? pm_xstrdup(scope) : NULL};
	return &s->v[s->n++];
}

static char *yaml_scalar(const char *v, size_t l)
{
	while (l && (v[l - 1] == ' ' || v[l - 1] == '\r' || v[l - 1] == '\t'))
		l--;
	if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0])
		return pm_xstrndup(v + 1, l - 2);
	return pm_xstrndup(v, l);
}

/* One file, line by line in the layout containers-registries.d(5) shows: "docker:" with
 * one indented mapping per scope, "default-docker:" with the keys. A key already set by an
 * earlier file is kept (the man page forbids two). */
static void read_file(const char *path, struct pm_sigstores *s)
{
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(path, 1 << 20, &data, NULL, NULL) < 0)
		return;
	_cleanup_strv_ char **lines = pm_strv_split(data, "\n");
	enum { NONE, DOCKER, DEFAULT } section = NONE;
	_cleanup_free_ char *scope = NULL;
	for (char **l = lines; l && *l; l++) {
		const char *t = *l + strspn(*l, " \t");
		size_t indent = (size_t)(t - *l);
		if (!*t || *t == '#')
			continue;
		/* a scope may hold a ':' (a port): the key ends at the last ": " or a final ':' */
		const char *colon = strstr(t, ": ");
		size_t tl = strlen(t);
		while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\r'))
			tl--;
		if (!colon && tl && t[tl - 1] == ':')
			colon = t + tl - 1;
		if (!colon)
			continue;
		_cleanup_free_ char *key = yaml_scalar(t, (size_t)(colon - t));
		const char *val = colon + 1 + strspn(colon + 1, " ");
		size_t vl = strlen(val);
		if (indent == 0) {
			section = !strcmp(key, "docker")	   ? DOCKER
				  : !strcmp(key, "default-docker") ? DEFAULT
								   : NONE;
			free(scope);
			scope = NULL;
			continue;
		}
		size_t k = 0;
		while (k < N_KEYS && strcmp(key, store_keys[k]))
			k++;
		if (section == DOCKER && k == N_KEYS && !vl) {
			free(scope);
			scope = pm_xstrdup(key);
			continue;
		}
		if (k == N_KEYS || !vl || (section == DOCKER && !scope) || section == NONE)
			continue;
		struct store_entry *e = entry_for(s, section == DOCKER ? scope : NULL);
		if (!e->url[k])
			e->url[k] = yaml_scalar(val, vl);
	}
}

struct pm_sigstores *pm_sigstores_read(const char *dir)
{
	struct pm_sigstores *s = pm_xcalloc(1, sizeof(*s));
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		if (pm_str_endswith(nm, ".yaml") || pm_str_endswith(nm, ".yml")) {
			_cleanup_free_ char *p = pm_xasprintf("%s/%s", dir, nm);
			read_file(p, s);
		}
		free(ents[i]);
	}
	free(ents);
	return s;
}

/* a write looks at all four keys (staging first), a read at lookaside and sigstore */
static const char *entry_url(const struct store_entry *e, bool write)
{
	for (size_t k = write ? 0 : 2; k < N_KEYS; k++)
		if (e->url[k] && *e->url[k])
			return e->url[k];
	return NULL;
}

static const char *find_scope(const struct pm_sigstores *s, const char *scope, bool write)
{
	for (size_t i = 0; i < s->n; i++)
		if (scope ? s->v[i].scope && !strcmp(s->v[i].scope, scope) : !s->v[i].scope)
			return entry_url(&s->v[i], write);
	return NULL;
}

const char *pm_sigstores_url(const struct pm_sigstores *s, const char *scope, bool write)
{
	if (!s)
		return NULL;
	_cleanup_free_ char *ns = scope ? pm_xstrdup(scope) : NULL;
	for (const char *u; ns;) {
		if ((u = find_scope(s, ns, write)))
			return u;
		char *slash = strrchr(ns, '/');
		if (!slash)
			break;
		*slash = 0;
	}
	return find_scope(s, NULL, write);
}

/* c/image's order: the identity (name:tag or name@digest), the repository, each parent
 * namespace down to the host, then default-docker */
static const char *url_for(const struct pm_sigstores *s, const struct pm_reference *ref)
{
	_cleanup_free_ char *ident = pm_reference_string(ref);
	const char *u = find_scope(s, ident, true);
	if (u)
		return u;
	_cleanup_free_ char *repo = pm_reference_repo(ref);
	return pm_sigstores_url(s, repo, true);
}

int pm_sign_store_dir(const struct pm_reference *ref, const char *directory,
		      const char *registries_d, const char *default_dir, char **ret, pm_error **err)
{
	if (strstr(ref->path, "/../") || strstr(ref->path, "/./") || ref->path[0] == '.')
		return pm_error_set(err, EINVAL,
				    "unexpected path elements in Docker reference %s/%s for "
				    "signature storage",
				    ref->domain, ref->path);
	if (directory) {
		struct stat st;
		if (stat(directory, &st) < 0) {
			int e = errno;
			char why[128];
			pm_go_strerror(e, why, sizeof(why));
			return pm_error_set(err, e, "stat %s: %s", directory, why);
		}
		*ret = pm_xasprintf("%s/%s", directory, ref->path);
		return 0;
	}
	struct pm_sigstores *s = registries_d ? pm_sigstores_read(registries_d) : NULL;
	const char *url = s ? url_for(s, ref) : NULL;
	int r = 0;
	if (!url)
		*ret = pm_xasprintf("%s/%s", default_dir, ref->path);
	else if (pm_str_startswith(url, "file://"))
		*ret = pm_xasprintf("%s/%s", url + strlen("file://"), ref->path);
	else
		r = pm_error_set(err, EPROTONOSUPPORT,
				 "writing to %s/%s is not supported. Use a supported scheme", url,
				 ref->path);
	pm_sigstores_free(s);
	return r;
}

static char *default_registries_d(void)
{
	const char *home = getenv("HOME");
	if (home && *home) {
		char *p = pm_xasprintf("%s/.config/containers/registries.d", home);
		struct stat st;
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	return pm_xstrdup("/etc/containers/registries.d");
}

static char *default_store(void)
{
	const char *home = getenv("HOME");
	if (pm_paths_user_uid() != 0 && home && *home)
		return pm_xasprintf("%s/.local/share/containers/sigstore", home);
	return pm_xstrdup("/var/lib/containers/sigstore");
}

/* ---- gpg ---------------------------------------------------------------------------------- */

static int find_gpg(char **ret, pm_error **err)
{
	*ret = pm_find_executable("gpg");
	if (!*ret)
		return pm_error_set(err, ENOEXEC,
				    "signing is not supported: no gpg in $PATH (install the Debian "
				    "package gpg)");
	return 0;
}

/* gpg's last non-empty line, for a one-line error */
static char *last_line(char *out)
{
	char *best = NULL;
	for (char *tok = strtok(out, "\n"); tok; tok = strtok(NULL, "\n"))
		if (tok[strspn(tok, " \t\r")])
			best = tok;
	return pm_xstrdup(best ? best : "gpg failed");
}

int pm_sign_check_key(const char *id, pm_error **err)
{
	_cleanup_free_ char *gpg = NULL;
	int r = find_gpg(&gpg, err);
	if (r < 0)
		return r;
	char *argv[] = {"gpg", "--batch",  "--no-tty", "--with-colons", "--list-secret-keys",
			"--",  (char *)id, NULL};
	_cleanup_free_ char *out = NULL;
	int status = 0;
	r = pm_run_capture(gpg, argv, GPG_OUTPUT_MAX, GPG_TIMEOUT_MS, &out, &status);
	if (r < 0)
		return pm_error_set_errno(err, -r, "running %s", gpg);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !out || !strstr(out, "sec:"))
		return pm_error_set(err, ENOENT, "key \"%s\" not found", id);
	return 0;
}

/* gpg --sign of payload into out (binary): -ENOENT 'key "ID" not found' for a key gpg does
 * not have, -EIO with gpg's last line otherwise */
static int gpg_sign(const char *payload_path, const char *out_path, const struct pm_sign_opts *o,
		    pm_error **err)
{
	_cleanup_free_ char *gpg = NULL;
	int r = find_gpg(&gpg, err);
	if (r < 0)
		return r;
	const char *argv[16];
	size_t n = 0;
	argv[n++] = "gpg";
	argv[n++] = "--batch";
	argv[n++] = "--no-tty";
	argv[n++] = "--yes";
	if (o->passphrase_file) {
		argv[n++] = "--pinentry-mode";
		argv[n++] = "loopback";
		argv[n++] = "--passphrase-file";
		argv[n++] = o->passphrase_file;
	}
	argv[n++] = "--local-user";
	argv[n++] = o->sign_by;
	argv[n++] = "--output";
	argv[n++] = out_path;
	argv[n++] = "--sign";
	argv[n++] = payload_path;
	argv[n] = NULL;
	_cleanup_free_ char *out = NULL;
	int status = 0;
	r = pm_run_capture(gpg, (char *const *)argv, GPG_OUTPUT_MAX, GPG_TIMEOUT_MS, &out, &status);
	if (r == -ETIMEDOUT)
		return pm_error_set(err, ETIMEDOUT,
				    "gpg did not finish in %d s (a key with a "
				    "passphrase needs --sign-passphrase-file or a gpg-agent that "
				    "has it)",
				    GPG_TIMEOUT_MS / 1000);
	if (r < 0)
		return pm_error_set_errno(err, -r, "running %s", gpg);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (out && (strstr(out, "No secret key") || strstr(out, "skipped: No public key") ||
		    strstr(out, "skipped: No secret key") || strstr(out, "No such user ID")))
		return pm_error_set(err, ENOENT, "key \"%s\" not found", o->sign_by);
	_cleanup_free_ char *why = last_line(out ? out : pm_xstrdup(""));
	return pm_error_set(err, EIO, "signing with key \"%s\": %s", o->sign_by, why);
}

/* link tmp to dir/signature-N, N the first free number (link fails on an existing name,
 * so two signers never take the same one) */
static int claim_name(int dfd, const char *tmp, const char *dir, pm_error **err)
{
	for (unsigned n = 1; n < 100000; n++) {
		char name[32];
		snprintf(name, sizeof(name), "signature-%u", n);
		if (linkat(dfd, tmp, dfd, name, 0) == 0)
			return 0;
		if (errno != EEXIST)
			return pm_error_set_errno(err, errno, "storing signature in %s", dir);
	}
	return pm_error_set(err, ENOSPC, "storing signature in %s: too many signatures", dir);
}

/* rename tmp over signature-1 and remove signature-2, -3, ... up to the first missing one
 * (c/image's putSignaturesToLookaside with a list of one) */
static int replace_all(int dfd, const char *tmp, const char *dir, pm_error **err)
{
	if (renameat(dfd, tmp, dfd, "signature-1") < 0)
		return pm_error_set_errno(err, errno, "storing signature in %s", dir);
	for (unsigned n = 2;; n++) {
		char name[32];
		snprintf(name, sizeof(name), "signature-%u", n);
		if (unlinkat(dfd, name, 0) < 0) {
			if (errno == ENOENT)
				return 0;
			return pm_error_set_errno(err, errno, "removing %s/%s", dir, name);
		}
	}
}

static int store_signature(const char *repo_dir, const char *digest, const char *identity,
			   const struct pm_sign_opts *o, pm_error **err)
{
	_cleanup_free_ char *dir = pm_sign_digest_dir(repo_dir, digest);
	if (!dir)
		return pm_error_set(err, EINVAL, "unsupported digest '%s'", digest);
	int r = pm_mkdir_p(dir, 0751, err);
	if (r < 0)
		return r;
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pm_error_set_errno(err, errno, "open %s", dir);
	_cleanup_free_ char *creator = pm_xstrdup("pm " PM_VERSION);
	_cleanup_free_ char *payload =
		pm_sign_payload(digest, identity, creator, (int64_t)time(NULL));
	if (!payload)
		return pm_error_set(err, ENOMEM, "building the signature payload");
	_cleanup_free_ char *ppath = pm_xasprintf("%s/.payload-XXXXXX", dir);
	_cleanup_close_ int pfd = mkostemp(ppath, O_CLOEXEC);
	if (pfd < 0)
		return pm_error_set_errno(err, errno, "creating a file in %s", dir);
	for (size_t off = 0, len = strlen(payload); off < len;) {
		ssize_t w = write(pfd, payload + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = pm_error_set_errno(err, errno, "writing %s", ppath);
			unlink(ppath);
			return r;
		}
		off += (size_t)w;
	}
	_cleanup_free_ char *spath = pm_xasprintf("%s/.signature-XXXXXX", dir);
	_cleanup_close_ int sfd = mkostemp(spath, O_CLOEXEC);
	if (sfd < 0) {
		r = pm_error_set_errno(err, errno, "creating a file in %s", dir);
		unlink(ppath);
		return r;
	}
	fchmod(sfd, 0644);
	r = gpg_sign(ppath, spath, o, err);
	unlink(ppath);
	if (r >= 0 && fsync(sfd) < 0)
		r = pm_error_set_errno(err, errno, "writing %s", spath);
	const char *base = strrchr(spath, '/') + 1;
	if (r >= 0 && o->replace)
		r = replace_all(dfd, base, dir, err);
	else if (r >= 0)
		r = claim_name(dfd, base, dir, err);
	unlink(spath);
	if (r < 0)
		rmdir(dir); /* only when this call left it empty */
	return r;
}

/* the store's directory for ref's repository (sign.h: pm_sign_store_dir) with the default
 * places filled in */
static int repo_dir_for(const struct pm_reference *ref, const struct pm_sign_opts *o, char **ret,
			pm_error **err)
{
	_cleanup_free_ char *regd =
		o->registries_d ? pm_xstrdup(o->registries_d) : default_registries_d();
	_cleanup_free_ char *def = default_store();
	return pm_sign_store_dir(ref, o->directory, regd, def, ret, err);
}

int pm_sign_digest(const struct pm_reference *ref, const char *digest, const struct pm_sign_opts *o,
		   pm_error **err)
{
	_cleanup_free_ char *repo_dir = NULL;
	int r = repo_dir_for(ref, o, &repo_dir, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *identity = pm_reference_string(ref);
	return store_signature(repo_dir, digest, identity, o, err);
}

/* image sign's words for a failure to sign one digest */
static int sign_one(const char *repo_dir, const struct pm_reference *ref, const char *digest,
		    const struct pm_sign_opts *o, pm_error **err)
{
	_cleanup_free_ char *identity = pm_reference_string(ref);
	int r = store_signature(repo_dir, digest, identity, o, err);
	if (r < 0)
		return pm_error_prefix(err, "storing signature for %s, %s", identity, digest);
	return 0;
}

/* ---- image sign ---------------------------------------------------------------------------- */

static int parse_name(const char *name, struct pm_reference *ret, pm_error **err)
{
	const char *colon = strchr(name, ':');
	if (!colon)
		return pm_error_set(err, EINVAL,
				    "parsing image name: Invalid image name \"%s\", expected "
				    "colon-separated transport:reference",
				    name);
	_cleanup_free_ char *t = pm_xstrndup(name, (size_t)(colon - name));
	if (strcmp(t, "docker") != 0) {
		for (const char *const *k = pm_reference_other_transports; *k; k++)
			if (!strcmp(t, *k))
				return pm_error_set(err, EINVAL,
						    "getting image source: cannot sign \"%s\": "
						    "only docker:// images (in a registry) can be "
						    "signed",
						    name);
		return pm_error_set(err, EINVAL,
				    "parsing image name: Invalid image name \"%s\", unknown "
				    "transport \"%s\"",
				    name, t);
	}
	if (!pm_str_startswith(colon, "://"))
		return pm_error_set(err, EINVAL,
				    "parsing image name: invalid reference format: docker: "
				    "reference \"%s\" must begin with \"//\"",
				    colon + 1);
	int r = pm_reference_parse(colon + 3, PM_REF_DOCKER, ret, err);
	if (r < 0)
		return pm_error_prefix(err, "parsing image name");
	return 0;
}

static bool doc_is_list(const struct pm_registry_doc *d)
{
	if (d->media_type &&
	    (!strcmp(d->media_type, PM_MT_OCI_INDEX) || !strcmp(d->media_type, PM_MT_DOCKER_LIST)))
		return true;
	return pm_manifest_kind(d->data, d->len) == PM_DOC_INDEX;
}

static int sign_instances(struct pm_registry *reg, const char *repo_dir,
			  const struct pm_reference *ref, const struct pm_registry_doc *doc,
			  const struct pm_sign_opts *o, pm_error **err)
{
	struct pm_mlist l = {0};
	int r = pm_mlist_parse(doc->data, doc->len, &l, err);
	if (r < 0)
		return pm_error_prefix(err, "parsing manifest list");
	for (size_t i = 0; i < l.n && r >= 0; i++) {
		struct pm_registry_doc inst = {0};
		r = pm_registry_get_manifest(reg, ref->path, l.v[i].digest, &inst, err);
		if (r >= 0)
			r = sign_one(repo_dir, ref, inst.digest, o, err);
		pm_registry_doc_free(&inst);
	}
	pm_mlist_free(&l);
	return r;
}

int pm_image_sign(const char *name, const struct pm_sign_opts *o, pm_error **err)
{
	_cleanup_reference_ struct pm_reference ref = {0};
	int r = parse_name(name, &ref, err);
	if (r < 0)
		return r;
	struct pm_registry_opts ro = o->reg;
	if (ro.tls_verify < 0) {
		_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
		r = pm_registries_conf_load(&c, err);
		if (r < 0)
			return r;
		ro.tls_verify = pm_registries_insecure(c, ref.domain) ? 0 : 1;
	}
	_cleanup_registry_ struct pm_registry *reg = NULL;
	struct pm_registry_doc doc = {0};
	r = pm_registry_open(ref.domain, &ro, &reg, err);
	if (r >= 0)
		r = pm_registry_ensure_ping(reg, err);
	if (r >= 0)
		r = pm_registry_get_manifest(reg, ref.path, ref.digest ? ref.digest : ref.tag, &doc,
					     err);
	if (r < 0)
		return pm_error_prefix(err, "getting image source");
	/* where, before any digest is looked at (podman's order) */
	_cleanup_free_ char *repo_dir = NULL;
	r = repo_dir_for(&ref, o, &repo_dir, err);
	if (r < 0) {
		pm_registry_doc_free(&doc);
		return r;
	}
	if (o->all) {
		if (!doc_is_list(&doc))
			r = pm_error_set(err, EINVAL,
					 "%s is not a multi-architecture image (manifest type %s)",
					 name, doc.media_type ? doc.media_type : "unknown");
		else
			r = sign_instances(reg, repo_dir, &ref, &doc, o, err);
	} else {
		r = sign_one(repo_dir, &ref, doc.digest, o, err);
	}
	pm_registry_doc_free(&doc);
	return r;
}
