/* cmd-manifest.c: `pm manifest create|add|annotate|inspect|exists|remove|rm|push` (podman
 * manifest): parses the flags, loads and saves the list record (storage/image.h), edits it
 * with storage/manifest-list.h, gets entries and pushes with registry/mlist.h; prints. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "lib/events.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "registry/mlist.h"
#include "storage/image.h"
#include "storage/manifest-list.h"
#include "storage/manifest.h"

enum {
	OPT_ALL = 1000,
	OPT_AMEND,
	OPT_ANNOTATION,
	OPT_ARCH,
	OPT_AUTHFILE,
	OPT_CERT_DIR,
	OPT_COMPRESSION,
	OPT_CREDS,
	OPT_DIGESTFILE,
	OPT_FEATURES,
	OPT_OS,
	OPT_OS_FEATURES,
	OPT_OS_VERSION,
	OPT_RM,
	OPT_SIGN_BY,
	OPT_SIGN_SIGSTORE,
	OPT_SIGN_PASSPHRASE,
	OPT_REMOVE_SIGNATURES,
	OPT_TLS_VERIFY,
	OPT_VARIANT,
};

static int parse_tls(const char *v, int *ret)
{
	bool b = true;
	int r = pm_cli_bool_arg("tls-verify", v, &b);
	if (r)
		return r;
	*ret = b ? 1 : 0;
	return 0;
}

/* The list record for ref: 0, or the exit status after printing (prefix: podman's words
 * before the cause, may be NULL). */
static int load_list(const struct pm_store *s, const char *ref, const char *prefix,
		     struct pm_image_record *rec, struct pm_mlist *l)
{
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_image_resolve(s, ref, rec, &err);
	if (r >= 0 && !pm_image_is_list(rec))
		r = pm_error_set(&err, EINVAL, "%s: image is not a manifest list",
				 rec->names ? rec->names[0] : ref);
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	if (r >= 0)
		r = pm_image_read_manifest(s, rec, &raw, &len, &err);
	if (r >= 0 && l)
		r = pm_mlist_parse(raw, len, l, &err);
	if (r < 0) {
		pm_image_record_free(rec);
		if (prefix)
			pm_error_prefix(&err, "%s", prefix);
		return pm_cli_error(err);
	}
	for (size_t i = 0; l && i < l->n; i++) {
		size_t dl = strlen(l->v[i].digest);
		for (char **kv = rec->instances; kv && *kv; kv++)
			if (strncmp(*kv, l->v[i].digest, dl) == 0 && (*kv)[dl] == '=')
				l->v[i].source = pm_xstrdup(*kv + dl + 1);
	}
	return 0;
}

/* Save l as rec (id NULL: new, named name); ret_id (may be NULL) gets the id. 0, or the
 * exit status after printing. */
static int store_list(const struct pm_store *s, const char *id, const char *name,
		      const struct pm_mlist *l, char **ret_id)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *doc = pm_mlist_to_json(l, NULL);
	_cleanup_strv_ char **inst = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].source)
			pm_strv_consume(&inst,
					pm_xasprintf("%s=%s", l->v[i].digest, l->v[i].source));
	if (pm_image_list_save(s, id, name, doc, strlen(doc), l->media_type, inst, ret_id, &err) <
	    0)
		return pm_cli_error(err);
	return 0;
}

/* Save l as rec (id NULL: new, named name); prints the id. */
static int save_list(struct pm_cli *cli, const struct pm_store *s, const char *id, const char *name,
		     const struct pm_mlist *l)
{
	_cleanup_free_ char *new_id = NULL;
	int r = store_list(s, id, name, l, &new_id);
	if (!r)
		printf("%s\n", new_id);
	return r;
}

/* locks/manifests.lock LOCK_EX into *ret_fd: one read-modify-write of a list at a time
 * (create, add, annotate, remove, build --manifest), so that two concurrent adds to one
 * list keep both entries and two creators of one name do not both create it. 0, or the
 * exit status after printing. */
static int lock_lists(const struct pm_store *s, int *ret_fd)
{
	_cleanup_error_ pm_error *err = NULL;
	int fd = pm_store_lock(s, "manifests", LOCK_EX, &err);
	if (fd < 0)
		return pm_cli_error(err);
	*ret_fd = fd;
	return 0;
}

static int add_entries(const struct pm_store *s, struct pm_mlist *l, char **refs, size_t n,
		       const struct pm_registry_opts *ro, bool all, char ***ret_digests)
{
	/* every entry fetched before any is added: nothing half-made */
	struct pm_mlist_entry *got = NULL;
	size_t ngot = 0;
	for (size_t i = 0; i < n; i++) {
		_cleanup_error_ pm_error *err = NULL;
		struct pm_mlist_entry *v = NULL;
		size_t nv = 0;
		if (pm_mlist_entries_for(s, refs[i], ro, all, &v, &nv, &err) < 0) {
			for (size_t k = 0; k < ngot; k++)
				pm_mlist_entry_free(&got[k]);
			free(got);
			return pm_cli_error(err);
		}
		got = pm_xrealloc(got, (ngot + nv + 1) * sizeof(*got));
		memcpy(&got[ngot], v, nv * sizeof(*v));
		ngot += nv;
		free(v);
	}
	for (size_t k = 0; k < ngot; k++) {
		if (ret_digests)
			pm_strv_push(ret_digests, got[k].digest);
		pm_mlist_add(l, &got[k]);
	}
	free(got);
	return 0;
}

/* ---- build --manifest (cli/image-util.h) ------------------------------------------------- */

int pm_cli_manifest_check(const struct pm_store *s, const char *list, char **ret_name)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *name = NULL;
	if (pm_cli_image_name(list, &name, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record rec = {0};
	int r = 0;
	if (pm_image_resolve(s, name, &rec, NULL) >= 0 && !pm_image_is_list(&rec))
		r = pm_cli_errorf("%s: image is not a manifest list",
				  rec.names ? rec.names[0] : name);
	pm_image_record_free(&rec);
	if (!r)
		*ret_name = TAKE_PTR(name);
	return r;
}

int pm_cli_manifest_add_image(const struct pm_store *s, const char *name, const char *image_id)
{
	_cleanup_close_ int lock = -1;
	int r = lock_lists(s, &lock);
	if (r)
		return r;
	struct pm_image_record rec = {0};
	struct pm_mlist l = {0};
	bool existing = pm_image_resolve(s, name, &rec, NULL) >= 0;
	pm_image_record_free(&rec);
	if (existing)
		r = load_list(s, name, NULL, &rec, &l);
	else
		l.media_type = pm_xstrdup(PM_MT_DOCKER_LIST);
	_cleanup_free_ char *ref = pm_xasprintf("containers-storage:%s", image_id);
	struct pm_registry_opts ro = {.tls_verify = -1};
	if (!r)
		r = add_entries(s, &l, &ref, 1, &ro, false, NULL);
	if (!r)
		r = store_list(s, existing ? rec.id : NULL, name, &l, NULL);
	pm_mlist_free(&l);
	pm_image_record_free(&rec);
	return r;
}

/* ---- create ------------------------------------------------------------------------------ */

static const char create_usage[] =
	"Create manifest list or image index\n"
	"\n"
	"Description:\n"
	"  Creates manifest lists or image indexes.\n"
	"\n"
	"Usage:\n"
	"  pm manifest create [options] LIST [IMAGE...]\n"
	"\n"
	"Examples:\n"
	"  pm manifest create mylist:v1.11\n"
	"  pm manifest create mylist:v1.11 arch-specific-image-to-add\n"
	"  pm manifest create --all mylist:v1.11 transport:tagged-image-to-add\n"
	"\n"
	"Options:\n"
	"      --all          add all of the lists' images if the images to add are lists\n"
	"  -a, --amend        modify an existing list if one with the desired name already "
	"exists\n"
	"      --tls-verify   require HTTPS and verify certificates when accessing the registry "
	"(default true)\n";

int cmd_manifest_create(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", optional_argument, NULL, OPT_ALL},
		{"amend", no_argument, NULL, 'a'},
		{"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_registry_opts ro = {.tls_verify = -1};
	bool all = false, amend = false;
	int c, r;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts, create_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_ALL:
			if ((r = pm_cli_bool_arg("all", optarg, &all)))
				return r;
			break;
		case 'a':
			amend = true;
			break;
		case OPT_TLS_VERIFY:
			if ((r = parse_tls(optarg, &ro.tls_verify)))
				return r;
			break;
		default:
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *name = NULL;
	if (pm_cli_image_name(argv[optind], &name, &err) < 0)
		return pm_cli_error(err);
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_close_ int lock = -1;
	if ((r = lock_lists(s, &lock)))
		return r;
	struct pm_image_record rec = {0};
	struct pm_mlist l = {.media_type = pm_xstrdup(PM_MT_DOCKER_LIST)};
	/* --amend of a name some image that is not a list has: the create's name conflict */
	struct pm_image_record found = {0};
	bool existing =
		amend && pm_image_resolve(s, name, &found, NULL) >= 0 && pm_image_is_list(&found);
	pm_image_record_free(&found);
	if (existing) {
		pm_mlist_free(&l);
		if ((r = load_list(s, name, NULL, &rec, &l)))
			return r;
	}
	r = add_entries(s, &l, argv + optind + 1, (size_t)(argc - optind - 1), &ro, all, NULL);
	if (!r)
		r = save_list(cli, s, existing ? rec.id : NULL, name, &l);
	pm_mlist_free(&l);
	pm_image_record_free(&rec);
	return r;
}

/* ---- add / annotate ------------------------------------------------------------------- */

struct platform_flags {
	const char *arch, *os, *os_version, *variant;
	char **features, **os_features, **annotations;
	bool has_annotations;
};

static void platform_flags_free(struct platform_flags *p)
{
	pm_strv_free(p->features);
	pm_strv_free(p->os_features);
	pm_strv_free(p->annotations);
}

static void set(char **dst, const char *v)
{
	if (!v)
		return;
	free(*dst);
	*dst = pm_xstrdup(v);
}

static void apply(struct pm_mlist_entry *e, const struct platform_flags *p)
{
	set(&e->arch, p->arch);
	set(&e->os, p->os);
	set(&e->os_version, p->os_version);
	set(&e->variant, p->variant);
	if (p->features) {
		pm_strv_free(e->features);
		e->features = pm_strv_copy(p->features);
	}
	if (p->os_features) {
		pm_strv_free(e->os_features);
		e->os_features = pm_strv_copy(p->os_features);
	}
	if (p->has_annotations) {
		pm_strv_free(e->annotations);
		e->annotations = pm_strv_copy(p->annotations);
	}
}

/* One platform flag (c); 1 when c is not one, else 0 or the exit status. */
static int platform_flag(struct platform_flags *p, int c, const char *arg)
{
	_cleanup_error_ pm_error *err = NULL;
	switch (c) {
	case OPT_ARCH:
		p->arch = arg;
		return 0;
	case OPT_OS:
		p->os = arg;
		return 0;
	case OPT_OS_VERSION:
		p->os_version = arg;
		return 0;
	case OPT_VARIANT:
		p->variant = arg;
		return 0;
	case OPT_FEATURES: {
		_cleanup_strv_ char **v = pm_strv_split_csv(arg);
		for (char **f = v; f && *f; f++)
			pm_strv_push(&p->features, *f);
		return 0;
	}
	case OPT_OS_FEATURES: {
		_cleanup_strv_ char **v = pm_strv_split_csv(arg);
		for (char **f = v; f && *f; f++)
			pm_strv_push(&p->os_features, *f);
		return 0;
	}
	case OPT_ANNOTATION:
		p->has_annotations = true;
		if (pm_mlist_annotation_add(&p->annotations, arg, &err) < 0)
			return pm_cli_error(err);
		return 0;
	default:
		return 1;
	}
}

#define PLATFORM_OPTS                                                                              \
	{"annotation", required_argument, NULL, OPT_ANNOTATION},                                   \
		{"arch", required_argument, NULL, OPT_ARCH},                                       \
		{"features", required_argument, NULL, OPT_FEATURES},                               \
		{"os", required_argument, NULL, OPT_OS},                                           \
		{"os-version", required_argument, NULL, OPT_OS_VERSION},                           \
	{                                                                                          \
		"variant", required_argument, NULL, OPT_VARIANT                                    \
	}

static const char add_usage[] =
	"Add images to a manifest list or image index\n"
	"\n"
	"Description:\n"
	"  Adds an image to a manifest list or image index.\n"
	"\n"
	"Usage:\n"
	"  pm manifest add [options] LIST IMAGE [IMAGE...]\n"
	"\n"
	"Examples:\n"
	"  pm manifest add mylist:v1.11 image:v1.11-amd64\n"
	"  pm manifest add mylist:v1.11 transport:imageName\n"
	"\n"
	"Options:\n"
	"      --all                         add all of the list's images if the image is a "
	"list\n"
	"      --annotation stringArray      set an annotation for the specified image\n"
	"      --arch string                 override the architecture of the specified image\n"
	"      --authfile string             path of the authentication file\n"
	"      --cert-dir string             use certificates at the specified path to access "
	"the registry\n"
	"      --creds string                use [username[:password]] for accessing the "
	"registry\n"
	"      --features stringSlice        override the features of the specified image\n"
	"      --os string                   override the OS of the specified image\n"
	"      --os-version string           override the OS version of the specified image\n"
	"      --tls-verify                  require HTTPS and verify certificates when "
	"accessing the registry (default true)\n"
	"      --variant string              override the Variant of the specified image\n";

int cmd_manifest_add(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		PLATFORM_OPTS,
		{"all", optional_argument, NULL, OPT_ALL},
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"creds", required_argument, NULL, OPT_CREDS},
		{"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_registry_opts ro = {.tls_verify = -1};
	struct platform_flags pf = {0};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	_cleanup_strv_ char **added = NULL;
	_cleanup_close_ int lock = -1;
	struct pm_image_record rec = {0};
	struct pm_mlist l = {0};
	bool all = false;
	int c, r = 0;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, add_usage)) != -1) {
		if (c == PM_OPT_EXIT) {
			r = st.status;
			goto out;
		}
		if ((r = platform_flag(&pf, c, optarg)) == 0)
			continue;
		if (r != 1)
			goto out;
		r = 0;
		switch (c) {
		case OPT_ALL:
			r = pm_cli_bool_arg("all", optarg, &all);
			break;
		case OPT_AUTHFILE:
			ro.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			ro.cert_dir = optarg;
			break;
		case OPT_CREDS:
			ro.creds = optarg;
			break;
		case OPT_TLS_VERIFY:
			r = parse_tls(optarg, &ro.tls_verify);
			break;
		default:
			break;
		}
		if (r)
			goto out;
	}
	if (!pm_cli_nargs(cli, argc - optind, 2, -1)) {
		r = PM_EXIT_ERROR;
		goto out;
	}
	if (pm_cli_open_store(cli, &s, &err) < 0) {
		r = pm_cli_error(err);
		goto out;
	}
	if ((r = lock_lists(s, &lock)) || (r = load_list(s, argv[optind], NULL, &rec, &l)))
		goto out;
	r = add_entries(s, &l, argv + optind + 1, (size_t)(argc - optind - 1), &ro, all, &added);
	/* the flags apply to what was added */
	for (size_t i = 0; !r && i < l.n; i++)
		if (pm_strv_contains(added, l.v[i].digest))
			apply(&l.v[i], &pf);
	if (!r)
		r = save_list(cli, s, rec.id, NULL, &l);
out:
	pm_mlist_free(&l);
	pm_image_record_free(&rec);
	platform_flags_free(&pf);
	return r;
}

static const char annotate_usage[] =
	"Add or update information about an entry in a manifest list or image index\n"
	"\n"
	"Description:\n"
	"  Adds or updates information about an entry in a manifest list or image index.\n"
	"\n"
	"Usage:\n"
	"  pm manifest annotate [options] LIST IMAGE\n"
	"\n"
	"Examples:\n"
	"  pm manifest annotate --annotation left=right mylist:v1.11 "
	"sha256:15352d97781ffdf357bf3459c037be3efac4133dc9070c2dce7eca7c05c3e736\n"
	"\n"
	"Options:\n"
	"      --annotation stringArray   set an annotation for the specified image\n"
	"      --arch string              override the architecture of the specified image\n"
	"      --features stringSlice     override the features of the specified image\n"
	"      --os string                override the operating system of the specified image\n"
	"      --os-features stringSlice  override the OS features of the specified image\n"
	"      --os-version string        override the operating system version of the "
	"specified image\n"
	"      --variant string           override the Variant of the specified image\n";

int cmd_manifest_annotate(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		PLATFORM_OPTS,
		{"os-features", required_argument, NULL, OPT_OS_FEATURES},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct platform_flags pf = {0};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	_cleanup_close_ int lock = -1;
	struct pm_image_record rec = {0};
	struct pm_mlist l = {0};
	int c, r = 0;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, annotate_usage)) != -1) {
		if (c == PM_OPT_EXIT) {
			r = st.status;
			goto out;
		}
		if ((r = platform_flag(&pf, c, optarg)) > 1)
			goto out;
		r = 0;
	}
	if (!pm_cli_nargs(cli, argc - optind, 2, 2)) {
		r = PM_EXIT_ERROR;
		goto out;
	}
	const char *digest = argv[optind + 1];
	if (pm_mlist_digest_check(digest, &err) < 0) {
		r = pm_cli_error(err);
		goto out;
	}
	if (pm_cli_open_store(cli, &s, &err) < 0) {
		r = pm_cli_error(err);
		goto out;
	}
	if ((r = lock_lists(s, &lock)) || (r = load_list(s, argv[optind], NULL, &rec, &l)))
		goto out;
	struct pm_mlist_entry *e = pm_mlist_find(&l, digest);
	if (!e) {
		r = pm_cli_errorf("no instance matching digest \"%s\" found in manifest list: file "
				  "does not exist",
				  digest);
	} else {
		apply(e, &pf);
		r = save_list(cli, s, rec.id, NULL, &l);
	}
out:
	pm_mlist_free(&l);
	pm_image_record_free(&rec);
	platform_flags_free(&pf);
	return r;
}

/* ---- inspect / exists / remove / rm ------------------------------------------------------ */

static const char inspect_usage[] =
	"Display the contents of a manifest list or image index\n"
	"\n"
	"Description:\n"
	"  Display the contents of a manifest list or image index.\n"
	"\n"
	"Usage:\n"
	"  pm manifest inspect [options] IMAGE\n"
	"\n"
	"Examples:\n"
	"  pm manifest inspect localhost/list\n"
	"\n"
	"Options:\n"
	"      --authfile string   path of the authentication file\n"
	"      --cert-dir string   use certificates at the specified path "
	"to access the registry\n"
	"      --creds string      use [username[:password]] for accessing "
	"the registry\n"
	"      --tls-verify        require HTTPS and verify certificates "
	"when accessing the registry (default true)\n";

int cmd_manifest_inspect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"creds", required_argument, NULL, OPT_CREDS},
		{"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_registry_opts ro = {.tls_verify = -1};
	int c, r;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, inspect_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_AUTHFILE:
			ro.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			ro.cert_dir = optarg;
			break;
		case OPT_CREDS:
			ro.creds = optarg;
			break;
		case OPT_TLS_VERIFY:
			if ((r = parse_tls(optarg, &ro.tls_verify)))
				return r;
			break;
		default:
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record rec = {0};
	_cleanup_free_ char *out = NULL;
	bool local = pm_image_resolve(s, argv[optind], &rec, NULL) >= 0 && pm_image_is_list(&rec);
	pm_image_record_free(&rec);
	if (local) {
		/* a local list, as podman shows it */
		struct pm_mlist l = {0};
		if ((r = load_list(s, argv[optind], NULL, &rec, &l)))
			return r;
		out = pm_mlist_inspect_json(&l);
		pm_mlist_free(&l);
		pm_image_record_free(&rec);
	} else if (pm_mlist_inspect_remote(argv[optind], &ro, &out, &err) < 0) {
		/* anything else is read from its registry, as podman does */
		return pm_cli_error(err);
	}
	printf("%s\n", out);
	return 0;
}

static const char exists_usage[] =
	"Check if a manifest list exists in local storage\n"
	"\n"
	"Description:\n"
	"  If the manifest list exists in local storage, pm manifest exists exits with 0, "
	"otherwise the exit code will be 1.\n"
	"\n"
	"Usage:\n"
	"  pm manifest exists MANIFEST\n"
	"\n"
	"Examples:\n"
	"  pm manifest exists mylist\n";

int cmd_manifest_exists(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, exists_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record rec = {0};
	int r = pm_image_resolve(s, argv[optind], &rec, &err);
	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return pm_cli_error(err);
	bool list = pm_image_is_list(&rec);
	_cleanup_free_ char *name = pm_xstrdup(rec.names ? rec.names[0] : argv[optind]);
	pm_image_record_free(&rec);
	if (!list)
		return pm_cli_errorf("%s: image is not a manifest list", name);
	return 0;
}

static const char remove_usage[] =
	"Remove an entry from a manifest list or image index\n"
	"\n"
	"Description:\n"
	"  Removes an image from a manifest list or image index.\n"
	"\n"
	"Usage:\n"
	"  pm manifest remove LIST IMAGE\n"
	"\n"
	"Examples:\n"
	"  pm manifest remove mylist:v1.11 "
	"sha256:15352d97781ffdf357bf3459c037be3efac4133dc9070c2dce7eca7c05c3e736\n";

int cmd_manifest_remove(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c, r;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, remove_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 2, 2))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *prefix = pm_xasprintf("removing from manifest list %s", argv[optind]);
	_cleanup_close_ int lock = -1;
	if ((r = lock_lists(s, &lock)))
		return r;
	struct pm_image_record rec = {0};
	struct pm_mlist l = {0};
	if ((r = load_list(s, argv[optind], prefix, &rec, &l)))
		return r;
	if (pm_mlist_remove(&l, argv[optind + 1], &err) < 0) {
		pm_error_prefix(&err, "%s", prefix);
		r = pm_cli_error(err);
	} else {
		r = save_list(cli, s, rec.id, NULL, &l);
	}
	pm_mlist_free(&l);
	pm_image_record_free(&rec);
	return r;
}

static const char rm_usage[] = "Remove manifest list or image index from local storage\n"
			       "\n"
			       "Description:\n"
			       "  Remove manifest list or image index from local storage.\n"
			       "\n"
			       "Usage:\n"
			       "  pm manifest rm LIST [LIST...]\n"
			       "\n"
			       "Examples:\n"
			       "  pm manifest rm mylist:v1.11\n";

int cmd_manifest_rm(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, rm_usage)) != -1)
		if (c == PM_OPT_EXIT)
			return st.status;
	if (!pm_cli_nargs(cli, argc - optind, 1, -1))
		return PM_EXIT_ERROR;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	/* podman: the lists that exist go; "Untagged:" lines, then "Deleted:" lines; an
	 * unknown name is exit 1, an image that is not a list 125 */
	_cleanup_strv_ char **untagged = NULL, **deleted = NULL;
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		struct pm_image_record rec = {0};
		_cleanup_error_ pm_error *e = NULL;
		int r = pm_image_resolve(s, argv[i], &rec, &e);
		if (r >= 0 && !pm_image_is_list(&rec)) {
			pm_error_set(&e, EINVAL, "%s: image is not a manifest list",
				     rec.names ? rec.names[0] : argv[i]);
			r = -EINVAL;
		}
		if (r >= 0)
			r = pm_image_remove(s, rec.id, false, &e);
		if (r < 0) {
			pm_cli_print_error(e ? e->msg : "unknown error");
			rc = r == -ENOENT && rc != PM_EXIT_ERROR ? 1 : PM_EXIT_ERROR;
		} else {
			for (char **n = rec.names; n && *n; n++)
				pm_strv_push(&untagged, *n);
			pm_strv_push(&deleted, rec.id);
			pm_event_emit(cli->paths.runroot, "image", "remove", rec.id,
				      rec.names ? rec.names[0] : rec.id, NULL);
		}
		pm_image_record_free(&rec);
	}
	for (char **n = untagged; n && *n; n++)
		printf("Untagged: %s\n", *n);
	for (char **n = deleted; n && *n; n++)
		printf("Deleted: %s\n", *n);
	return rc;
}

/* ---- push ------------------------------------------------------------------------------ */

static const char push_usage[] =
	"Push a manifest list or image index to a registry\n"
	"\n"
	"Description:\n"
	"  Pushes manifest lists and image indexes to registries.\n"
	"\n"
	"Usage:\n"
	"  pm manifest push [options] LIST DESTINATION\n"
	"\n"
	"Examples:\n"
	"  pm manifest push mylist:v1.11 docker://quay.io/myuser/image:v1.11\n"
	"\n"
	"Options:\n"
	"      --all                         push images along with the manifest list (default "
	"true)\n"
	"      --authfile string             path of the authentication file\n"
	"      --cert-dir string             use certificates at the specified path to access "
	"the registry\n"
	"      --compression-format string   compression format to use (gzip, zstd)\n"
	"      --creds string                use [username[:password]] for accessing the "
	"registry\n"
	"      --digestfile string           after copying the image, write the digest of the "
	"resulting digest to the file\n"
	"  -f, --format string               manifest type (oci or v2s2) to attempt to use when "
	"pushing the manifest list (default is manifest type of source)\n"
	"  -q, --quiet                       don't output progress information when pushing "
	"lists\n"
	"      --remove-signatures           don't copy signatures when pushing images\n"
	"      --rm                          remove the manifest list if push succeeds\n"
	"      --sign-by string              sign the image using a GPG key with the specified "
	"FINGERPRINT\n"
	"      --sign-by-sigstore-private-key PATH   sign the image using a sigstore private key "
	"at PATH (refused: pm signs with gpg only)\n"
	"      --sign-passphrase-file PATH   read a passphrase for signing an image from PATH\n"
	"      --tls-verify                  require HTTPS and verify certificates when "
	"accessing the registry (default true)\n";

static void list_line(void *ctx, const char *line)
{
	const struct pm_cli_push_printer *p = ctx;
	if (p->quiet)
		return;
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

int cmd_manifest_push(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", optional_argument, NULL, OPT_ALL},
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"compression-format", required_argument, NULL, OPT_COMPRESSION},
		{"creds", required_argument, NULL, OPT_CREDS},
		{"digestfile", required_argument, NULL, OPT_DIGESTFILE},
		{"format", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"remove-signatures", no_argument, NULL, OPT_REMOVE_SIGNATURES},
		{"rm", no_argument, NULL, OPT_RM},
		{"sign-by", required_argument, NULL, OPT_SIGN_BY},
		{"sign-by-sigstore-private-key", required_argument, NULL, OPT_SIGN_SIGSTORE},
		{"sign-passphrase-file", required_argument, NULL, OPT_SIGN_PASSPHRASE},
		{"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_mlist_push_opts o = {.push = {.reg = {.tls_verify = -1}}, .all = true};
	struct pm_sign_opts so = {0};
	const char *sigstore_key = NULL;
	struct pm_cli_push_printer pr = {.tty = isatty(STDERR_FILENO) == 1};
	const char *digestfile = NULL;
	bool rm = false;
	_cleanup_error_ pm_error *err = NULL;
	int c, r;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:q", opts, push_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_ALL:
			if ((r = pm_cli_bool_arg("all", optarg, &o.all)))
				return r;
			break;
		case OPT_AUTHFILE:
			o.push.reg.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			o.push.reg.cert_dir = optarg;
			break;
		case OPT_COMPRESSION:
			if (pm_push_compression_parse(optarg, &o.push.compression, &err) < 0)
				return pm_cli_error(err);
			break;
		case OPT_CREDS:
			o.push.reg.creds = optarg;
			break;
		case OPT_DIGESTFILE:
			digestfile = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "oci") == 0)
				o.push.format = PM_PUSH_OCI;
			else if (strcmp(optarg, "v2s2") == 0)
				o.push.format = PM_PUSH_V2S2;
			else
				return pm_cli_errorf("unknown format \"%s\". Choose one of the "
						     "supported formats: 'oci' or 'v2s2'",
						     optarg);
			break;
		case 'q':
			pr.quiet = true;
			break;
		case OPT_RM:
			rm = true;
			break;
		case OPT_SIGN_BY:
			so.sign_by = optarg;
			break;
		case OPT_SIGN_SIGSTORE:
			sigstore_key = optarg;
			break;
		case OPT_SIGN_PASSPHRASE:
			so.passphrase_file = optarg;
			break;
		case OPT_TLS_VERIFY:
			if ((r = parse_tls(optarg, &o.push.reg.tls_verify)))
				return r;
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (nargs != 2)
		return pm_cli_errorf("accepts 2 arg(s), received %d", nargs);
	if ((r = pm_cli_push_sign_check(&so, sigstore_key, &o.push.sign)))
		return r;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	const char *list = argv[optind], *dest = argv[optind + 1];
	_cleanup_free_ char *prefix =
		pm_xasprintf("retrieving local image from image name %s", list);
	struct pm_image_record rec = {0};
	if ((r = load_list(s, list, prefix, &rec, NULL)))
		return r;
	o.push.event = pm_cli_push_event;
	o.push.event_ctx = &pr;
	o.list_event = list_line;
	o.list_event_ctx = &pr;
	_cleanup_free_ char *digest = NULL;
	r = pm_mlist_push(s, rec.id, dest, &o, &digest, &err);
	if (r >= 0 && digestfile)
		r = pm_write_file_atomic(digestfile, digest, strlen(digest), 0644, &err);
	if (r >= 0 && rm)
		r = pm_image_remove(s, rec.id, false, &err);
	pm_image_record_free(&rec);
	if (r < 0)
		return pm_cli_error(err);
	return 0;
}
