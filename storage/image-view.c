/* image-view.c: images as podman shows them: the `images` filters (reference=, dangling=,
 * label=, id=, before=, since=, readonly=, intermediate=, containers=, until=) and sort orders
 * (--sort created|id|repository|size|tag), the `images --format json` summaries, the `image
 * inspect` object and the `history` entries. JSON leaves as text (json_t stays here). Reads
 * records, configs and layer sizes; takes no lock, never prints. Called by cli/ (images, image
 * inspect, inspect, history) and later by the API. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/image-view.h"
#include "storage/image.h"
#include "storage/layerstore.h"
#include "storage/reference.h"

/* ---- filters ------------------------------------------------------------------------- */

struct pm_image_filters {
	char **reference;
	int dangling; /* -1 unset */
	char **label;
	char **id;
	/* before=IMAGE, since=|after=IMAGE: the image as given and the key that named it,
	 * then its created time (pm_image_filters_resolve) */
	char *before, *since, *since_key;
	int64_t before_ns, since_ns;
	bool resolved;
	/* podman 4.3's others: readonly= (pm's images never are), intermediate= (no name, a
	 * child), containers=true|false (used by a container or not), until=TIMESTAMP */
	int readonly, intermediate, containers; /* -1 unset */
	bool has_until;
	int64_t until_ns;
};

/* Go's strconv.ParseBool */
static int parse_go_bool(const char *v, bool *ret)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (!strcmp(v, t[i]) || !strcmp(v, f[i])) {
			*ret = !strcmp(v, t[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int64_t record_created_ns(const struct pm_image_record *r)
{
	int64_t ns;
	if (pm_time_parse_rfc3339_utc_default(r->created, &ns) < 0)
		ns = r->created_unix * PM_NSEC_PER_SEC;
	return ns;
}

struct pm_image_filters *pm_image_filters_new(void)
{
	struct pm_image_filters *f = pm_xcalloc(1, sizeof(*f));
	f->dangling = -1;
	f->readonly = f->intermediate = f->containers = -1;
	return f;
}

struct pm_image_filters *pm_image_filters_free(struct pm_image_filters *f)
{
	if (!f)
		return NULL;
	pm_strv_free(f->reference);
	pm_strv_free(f->label);
	pm_strv_free(f->id);
	free(f->before);
	free(f->since);
	free(f->since_key);
	free(f);
	return NULL;
}

int pm_image_filters_add(struct pm_image_filters *f, const char *arg, pm_error **err)
{
	const char *eq = strchr(arg, '=');
	if (!eq)
		return pm_error_set(err, EINVAL,
				    "invalid image filter \"%s\": must be in the format "
				    "\"filter=value or filter!=value\"",
				    arg);
	size_t kl = (size_t)(eq - arg);
	const char *v = eq + 1;
	if (kl == 9 && strncmp(arg, "reference", 9) == 0) {
		pm_strv_push(&f->reference, v);
	} else if (kl == 8 && strncmp(arg, "dangling", 8) == 0) {
		bool b;
		if (parse_go_bool(v, &b) < 0) /* podman's words, swapped as there */
			return pm_error_set(err, EINVAL,
					    "non-boolean value \"dangling\" for %s filter: "
					    "strconv.ParseBool: parsing \"%s\": invalid syntax",
					    v, v);
		f->dangling = b;
	} else if ((kl == 8 && strncmp(arg, "readonly", 8) == 0) ||
		   (kl == 12 && strncmp(arg, "intermediate", 12) == 0) ||
		   (kl == 10 && strncmp(arg, "containers", 10) == 0)) {
		bool b;
		if (parse_go_bool(v, &b) < 0 && arg[0] == 'c') /* podman's words, each */
			return pm_error_set(err, EINVAL,
					    "unsupported value \"%s\" for containers filter", v);
		if (parse_go_bool(v, &b) < 0)
			return pm_error_set(err, EINVAL,
					    "non-boolean value \"%.*s\" for %s filter: "
					    "strconv.ParseBool: parsing \"%s\": invalid syntax",
					    (int)kl, arg, v, v);
		if (arg[0] == 'r')
			f->readonly = b;
		else if (arg[0] == 'i')
			f->intermediate = b;
		else
			f->containers = b;
	} else if (kl == 5 && strncmp(arg, "until", 5) == 0) {
		if (pm_time_parse_timestamp(v, pm_time_now_ns(), &f->until_ns) < 0)
			return pm_error_set(err, EINVAL,
					    "failed to parse value as time or duration: \"%s\"", v);
		f->has_until = true;
	} else if (kl == 5 && strncmp(arg, "label", 5) == 0) {
		pm_strv_push(&f->label, v);
	} else if (kl == 2 && strncmp(arg, "id", 2) == 0) {
		pm_strv_push(&f->id, v);
	} else if (kl == 6 && strncmp(arg, "before", 6) == 0) {
		free(f->before);
		f->before = pm_xstrdup(v);
		f->resolved = false;
	} else if ((kl == 5 && strncmp(arg, "since", 5) == 0) ||
		   (kl == 5 && strncmp(arg, "after", 5) == 0)) {
		free(f->since);
		free(f->since_key);
		f->since = pm_xstrdup(v);
		f->since_key = pm_xstrndup(arg, kl);
		f->resolved = false;
	} else {
		return pm_error_set(err, EINVAL, "unsupported image filter \"%.*s\"", (int)kl, arg);
	}
	return 0;
}

static int resolve_time(const struct pm_store *s, const char *key, const char *ref, int64_t *ret,
			pm_error **err)
{
	struct pm_image_record r = {0};
	_cleanup_error_ pm_error *e = NULL;
	if (pm_image_resolve(s, ref, &r, &e) < 0)
		return pm_error_set(err, e->code,
				    "could not find local image for filter filter \"%s\"=\"%s\": "
				    "%s: image not known",
				    key, ref, ref);
	*ret = record_created_ns(&r);
	pm_image_record_free(&r);
	return 0;
}

int pm_image_filters_resolve(const struct pm_store *s, struct pm_image_filters *f, pm_error **err)
{
	if (!f || f->resolved)
		return 0;
	int r = f->before ? resolve_time(s, "before", f->before, &f->before_ns, err) : 0;
	if (r >= 0 && f->since)
		r = resolve_time(s, f->since_key, f->since, &f->since_ns, err);
	f->resolved = r >= 0;
	return r < 0 ? r : 0;
}

/* Match a reference= pattern against one full name (podman: the full name, the familiar
 * name without localhost/ or docker.io/library/, and repositories without the tag). */
static bool ref_match(const char *pattern, const char *name)
{
	_cleanup_free_ char *repo = NULL, *tag = NULL;
	pm_reference_split_name(name, &repo, &tag);
	const char *fam = name;
	if (pm_str_startswith(name, "localhost/"))
		fam = name + 10;
	else if (pm_str_startswith(name, "docker.io/library/"))
		fam = name + 18;
	else if (pm_str_startswith(name, "docker.io/"))
		fam = name + 10;
	const char *famrepo = repo + (fam - name);
	if (fnmatch(pattern, name, 0) == 0 || fnmatch(pattern, fam, 0) == 0 ||
	    fnmatch(pattern, repo, 0) == 0 || fnmatch(pattern, famrepo, 0) == 0)
		return true;
	/* a pattern naming a repository without a domain matches its last path part */
	const char *slash = strrchr(repo, '/');
	return slash && (fnmatch(pattern, slash + 1, 0) == 0 ||
			 fnmatch(pattern, name + (slash + 1 - repo), 0) == 0);
}

static bool has_label(const struct pm_store *s, const struct pm_image_record *r, const char *want)
{
	struct pm_image_config c = {0};
	if (pm_image_read_config(s, r, &c, NULL, NULL) < 0)
		return false;
	bool found = pm_strv_kv_match(c.config.labels, want);
	pm_image_config_free(&c);
	return found;
}

/* The image passes dangling/label/id (reads its config for label=). dangling: podman's,
 * no names and no child image. */
static bool filters_match(const struct pm_store *s, const struct pm_image_filters *f,
			  const struct pm_image_record *r, bool dangling, bool child)
{
	if (!f)
		return true;
	if (f->dangling >= 0 && dangling != (bool)f->dangling)
		return false;
	if (f->readonly == 1)
		return false;
	if (f->intermediate >= 0 && ((!r->names || !*r->names) && child) != (bool)f->intermediate)
		return false;
	if (f->has_until && record_created_ns(r) >= f->until_ns)
		return false;
	if (f->containers >= 0) {
		_cleanup_strv_ char **users = pm_image_users(s, r->id);
		if ((users && *users) != (bool)f->containers)
			return false;
	}
	if ((f->before && (!f->resolved || record_created_ns(r) >= f->before_ns)) ||
	    (f->since && (!f->resolved || record_created_ns(r) <= f->since_ns)))
		return false;
	for (char **l = f->label; l && *l; l++)
		if (!has_label(s, r, *l))
			return false;
	if (f->id) {
		bool ok = false;
		/* podman 4.3's (libimage filterID): the whole id, no prefix, no "sha256:" */
		for (char **i = f->id; *i && !ok; i++)
			ok = !strcmp(r->id, *i);
		if (!ok)
			return false;
	}
	return true;
}

bool pm_image_filters_name(const struct pm_image_filters *f, const char *name)
{
	if (!f || !f->reference)
		return true;
	for (char **p = f->reference; *p; p++)
		if (ref_match(*p, name))
			return true;
	return false;
}

static bool any_name(const struct pm_image_filters *f, const struct pm_image_record *r)
{
	bool any = !f || !f->reference;
	for (char **nm = r->names; nm && *nm && !any; nm++)
		any = pm_image_filters_name(f, *nm);
	return any;
}

bool pm_image_filters_match(const struct pm_store *s, const struct pm_image_filters *f,
			    const struct pm_image_record *r)
{
	/* no child lookup: dangling is "no name" here, intermediate= passes nothing named */
	return filters_match(s, f, r, !(r->names && *r->names), false) && any_name(f, r);
}

/* ---- intermediate images ---------------------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* libimage's areParentAndChild: the parent's history is a strict prefix of the child's. */
static bool history_extends(const struct pm_image_config *p, const struct pm_image_config *c)
{
	if (p->n_history >= c->n_history)
		return false;
	for (size_t i = 0; i < p->n_history; i++) {
		const struct pm_history *a = &p->history[i], *b = &c->history[i];
		if (!str_eq(a->created, b->created) || !str_eq(a->created_by, b->created_by) ||
		    !str_eq(a->author, b->author) || !str_eq(a->comment, b->comment) ||
		    a->empty_layer != b->empty_layer)
			return false;
	}
	return true;
}

/* podman's children of r (libimage's layer tree): images on r's top layer or one layer
 * above it, whose layers start with r's and whose history extends r's. */
static bool has_child(const struct pm_store *s, const struct pm_image_record *v, size_t n,
		      const struct pm_image_record *r)
{
	struct pm_image_config pc = {0};
	bool have_pc = false, found = false;
	for (size_t i = 0; i < n && !found; i++) {
		const struct pm_image_record *c = &v[i];
		if (strcmp(c->id, r->id) == 0 ||
		    (c->n_layers != r->n_layers && c->n_layers != r->n_layers + 1))
			continue;
		bool prefix = true;
		for (size_t k = 0; k < r->n_layers && prefix; k++)
			prefix = strcmp(c->layers[k], r->layers[k]) == 0;
		if (!prefix)
			continue;
		if (!have_pc) {
			if (pm_image_read_config(s, r, &pc, NULL, NULL) < 0)
				return false;
			have_pc = true;
		}
		struct pm_image_config cc = {0};
		if (pm_image_read_config(s, c, &cc, NULL, NULL) == 0)
			found = history_extends(&pc, &cc);
		pm_image_config_free(&cc);
	}
	if (have_pc)
		pm_image_config_free(&pc);
	return found;
}

/* Only images without names can be dangling or intermediate: look for children there. */
static bool untagged_with_child(const struct pm_store *s, const struct pm_image_record *v, size_t n,
				const struct pm_image_record *r)
{
	return (!r->names || !*r->names) && has_child(s, v, n, r);
}

/* ---- sort orders ------------------------------------------------------------------------ */

int pm_image_sort_parse(const char *s, enum pm_image_sort *ret, pm_error **err)
{
	static const char *const names[] = {"created", "id", "repository", "size", "tag"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (s && strcmp(s, names[i]) == 0) {
			*ret = (enum pm_image_sort)i;
			return 0;
		}
	}
	return pm_error_set(err, EINVAL,
			    "\"%s\" is not a valid field for sorting. Choose from: created, id, "
			    "repository, size, tag",
			    s ? s : "");
}

static int row_cmp(enum pm_image_sort key, const struct pm_image_row *a,
		   const struct pm_image_row *b)
{
	switch (key) {
	case PM_IMAGE_SORT_ID:
		return strcmp(a->id, b->id);
	case PM_IMAGE_SORT_REPOSITORY:
		return strcmp(a->repository, b->repository);
	case PM_IMAGE_SORT_SIZE:
		return (a->size > b->size) - (a->size < b->size);
	case PM_IMAGE_SORT_TAG:
		return strcmp(a->tag, b->tag);
	case PM_IMAGE_SORT_CREATED:
	default:
		/* newest first */
		return (a->created_ns < b->created_ns) - (a->created_ns > b->created_ns);
	}
}

/* podman sorts with sort.Slice, which for short lists is an insertion sort: stable. A
 * stable insertion sort here too (listings are short; ties keep the store's order). */
void pm_image_rows_sort(struct pm_image_row *rows, size_t n, enum pm_image_sort key)
{
	for (size_t i = 1; i < n; i++) {
		struct pm_image_row x = rows[i];
		size_t j = i;
		for (; j > 0 && row_cmp(key, &x, &rows[j - 1]) < 0; j--)
			rows[j] = rows[j - 1];
		rows[j] = x;
	}
}

/* A REPO@DIGEST name (a pull by digest) is a row of its own only when no tag of the image
 * is in REPO (podman lists tags; a repository known by digest only shows as <none>). */
static bool digest_name_shadowed(const struct pm_image_record *r, const char *name)
{
	const char *at = strchr(name, '@');
	if (!at)
		return false;
	bool before = true; /* an earlier digest name of the same repository has the row */
	for (char **n = r->names; n && *n; n++) {
		if (*n == name) {
			before = false;
			continue;
		}
		if (strchr(*n, '@')) {
			const char *a = strchr(*n, '@');
			if (before && a - *n == at - name &&
			    strncmp(*n, name, (size_t)(at - name)) == 0)
				return true;
			continue;
		}
		_cleanup_free_ char *repo = NULL, *tag = NULL;
		pm_reference_split_name(*n, &repo, &tag);
		if (strlen(repo) == (size_t)(at - name) && strncmp(repo, name, strlen(repo)) == 0)
			return true;
	}
	return false;
}

int pm_image_rows(const struct pm_store *s, const struct pm_image_record *v, size_t n,
		  const struct pm_image_filters *f, bool all, struct pm_image_row **ret,
		  size_t *ret_n)
{
	struct pm_image_row *rows = NULL;
	size_t nr = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pm_image_record *r = &v[i];
		bool child = untagged_with_child(s, v, n, r);
		bool dangling = (!r->names || !*r->names) && !child;
		if ((child && !all) || !filters_match(s, f, r, dangling, child))
			continue;
		int64_t created_ns = record_created_ns(r);
		size_t nn = pm_strv_length(r->names);
		for (size_t k = 0; k < (nn ? nn : 1); k++) {
			_cleanup_free_ char *repo = NULL, *tag = NULL;
			if (nn) {
				if (!pm_image_filters_name(f, r->names[k]) ||
				    digest_name_shadowed(r, r->names[k]))
					continue;
				pm_reference_split_name(r->names[k], &repo, &tag);
			} else {
				if (f && f->reference)
					continue;
				pm_reference_split_name(NULL, &repo, &tag);
			}
			rows = pm_xrealloc(rows, (nr + 1) * sizeof(*rows));
			rows[nr++] = (struct pm_image_row){
				.record = r,
				.id = r->id,
				.repository = TAKE_PTR(repo),
				.tag = TAKE_PTR(tag),
				.created_ns = created_ns,
				.dangling = dangling,
				.size = r->size,
			};
		}
	}
	*ret = rows;
	*ret_n = nr;
	return 0;
}

void pm_image_rows_free(struct pm_image_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++) {
		free(rows[i].repository);
		free(rows[i].tag);
	}
	free(rows);
}

/* ---- JSON ---------------------------------------------------------------------------- */

static char *dump(json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return text;
}

/* RepoDigests: REPO@DIGEST for each repository the names hold, once; a name that is
 * itself REPO@DIGEST (a pull by digest, an index's digest) as it is. */
static json_t *repo_digests(const struct pm_image_record *r)
{
	json_t *rd = json_array();
	for (char **n = r->names; n && *n; n++) {
		_cleanup_free_ char *repo = NULL, *tag = NULL, *d = NULL;
		if (strchr(*n, '@')) {
			d = pm_xstrdup(*n);
		} else if (r->digest) {
			pm_reference_split_name(*n, &repo, &tag);
			d = pm_xasprintf("%s@%s", repo, r->digest);
		} else {
			continue;
		}
		bool dup = false;
		size_t i;
		json_t *e;
		json_array_foreach(rd, i, e)
			dup = dup || strcmp(json_string_value(e), d) == 0;
		if (!dup)
			json_array_append_new(rd, json_string(d));
	}
	return rd;
}

static json_t *summary_object(const struct pm_store *s, const struct pm_image_record *r)
{
	struct pm_image_config cfg = {0};
	pm_image_read_config(s, r, &cfg, NULL, NULL);
	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(r->id));
	json_object_set_new(o, "ParentId", json_string(""));
	json_object_set_new(o, "RepoTags", json_null());
	json_t *names = json_array();
	for (char **nm = r->names; nm && *nm; nm++)
		json_array_append_new(names, json_string(*nm));
	json_object_set_new(o, "RepoDigests", repo_digests(r));
	json_object_set_new(o, "Size", json_integer((json_int_t)r->size));
	json_object_set_new(o, "SharedSize", json_integer(0));
	json_object_set_new(o, "VirtualSize", json_integer((json_int_t)r->size));
	json_object_set_new(o, "Labels", pm_json_object_from_kv(cfg.config.labels, true));
	json_object_set_new(o, "Containers", json_integer(0));
	if (json_array_size(names))
		json_object_set_new(o, "Names", names);
	else
		json_decref(names);
	json_object_set_new(o, "Digest", json_string(r->digest ? r->digest : ""));
	json_t *h = json_array();
	for (char **nm = r->names_history; nm && *nm; nm++)
		json_array_append_new(h, json_string(*nm));
	json_object_set_new(o, "History", h);
	json_object_set_new(o, "Created", json_integer(r->created_unix));
	char ca[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339_utc(r->created_unix * PM_NSEC_PER_SEC, false, ca);
	json_object_set_new(o, "CreatedAt", json_string(ca));
	pm_image_config_free(&cfg);
	return o;
}

char *pm_image_summaries_json(const struct pm_store *s, const struct pm_image_record *v, size_t n,
			      const struct pm_image_filters *f, bool all)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct pm_image_record *r = &v[i];
		bool child = untagged_with_child(s, v, n, r);
		bool dangling = (!r->names || !*r->names) && !child;
		if ((child && !all) || !filters_match(s, f, r, dangling, child) || !any_name(f, r))
			continue;
		json_array_append_new(arr, summary_object(s, &v[i]));
	}
	return dump(arr);
}

/* The manifest's annotations as inspect's Annotations ({} when none or unreadable). */
static json_t *manifest_annotations(const struct pm_store *s, const struct pm_image_record *r)
{
	_cleanup_free_ char *raw = NULL;
	size_t len = 0;
	struct pm_manifest m = {0};
	json_t *a = NULL;
	if (pm_image_read_manifest(s, r, &raw, &len, NULL) >= 0 &&
	    pm_manifest_parse(raw, len, &m, NULL) >= 0 && m.annotations)
		a = pm_json_object_from_kv(m.annotations, false);
	pm_manifest_free(&m);
	return a ? a : json_object();
}

static json_t *inspect_object(const struct pm_store *s, const struct pm_image_record *r,
			      pm_error **err)
{
	struct pm_image_config c = {0};
	if (pm_image_read_config(s, r, &c, NULL, err) < 0)
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(r->id));
	json_object_set_new(o, "Digest", json_string(r->digest ? r->digest : ""));
	json_t *tags = json_array();
	for (char **n = r->names; n && *n; n++)
		if (!strchr(*n, '@')) /* a pull by digest names the image REPO@DIGEST */
			json_array_append_new(tags, json_string(*n));
	json_object_set_new(o, "RepoTags", tags);
	json_object_set_new(o, "RepoDigests", repo_digests(r));
	json_object_set_new(o, "Parent", json_string(""));
	const char *comment = c.n_history ? c.history[c.n_history - 1].comment : NULL;
	json_object_set_new(o, "Comment", json_string(comment ? comment : ""));
	json_object_set_new(o, "Created", json_string(c.created ? c.created : ""));
	const struct pm_image_runconfig *rc = &c.config;
	json_object_set_new(o, "Config", pm_image_runconfig_json(rc));
	json_object_set_new(o, "Version", json_string(""));
	json_object_set_new(o, "Author", json_string(c.author ? c.author : ""));
	json_object_set_new(o, "Architecture", json_string(c.architecture ? c.architecture : ""));
	json_object_set_new(o, "Os", json_string(c.os ? c.os : ""));
	/* os.version and os.features (build --os-version/--os-feature) when the config has
	 * them, under Docker's name for the first; podman 4.3 shows neither */
	if (c.os_version)
		json_object_set_new(o, "OsVersion", json_string(c.os_version));
	if (c.os_features && c.os_features[0])
		json_object_set_new(o, "OsFeatures", pm_json_from_strv(c.os_features));
	json_object_set_new(o, "Size", json_integer((json_int_t)r->size));
	json_object_set_new(o, "VirtualSize", json_integer((json_int_t)r->size));
	json_t *gd = json_object();
	json_object_set_new(gd, "Name", json_string("overlay"));
	json_t *gdd = json_object();
	if (r->n_layers) {
		_cleanup_free_ char *up = pm_layer_diff_path(s, r->layers[r->n_layers - 1]);
		json_object_set_new(gdd, "UpperDir", json_string(up));
		if (r->n_layers > 1) {
			char **lower = NULL;
			for (size_t i = r->n_layers - 1; i-- > 0;)
				pm_strv_consume(&lower, pm_layer_diff_path(s, r->layers[i]));
			_cleanup_free_ char *ld = pm_strv_join(lower, ":");
			json_object_set_new(gdd, "LowerDir", json_string(ld));
			pm_strv_free(lower);
		}
	}
	json_object_set_new(gd, "Data", gdd);
	json_object_set_new(o, "GraphDriver", gd);
	json_t *rootfs = json_object();
	json_object_set_new(rootfs, "Type", json_string("layers"));
	json_object_set_new(rootfs, "Layers", pm_json_from_strv(r->layers));
	json_object_set_new(o, "RootFS", rootfs);
	json_object_set_new(o, "Labels",
			    pm_json_object_from_kv(rc->labels, true) /* podman: null when none */);
	json_object_set_new(o, "Annotations", manifest_annotations(s, r));
	json_object_set_new(o, "ManifestType", json_string(r->manifest_type));
	json_object_set_new(o, "User", json_string(rc->user ? rc->user : ""));
	json_object_set_new(o, "History", pm_image_history_json(c.history, c.n_history));
	json_object_set_new(o, "NamesHistory", pm_json_from_strv(r->names_history));
	pm_image_config_free(&c);
	return o;
}

char *pm_image_inspect_json(const struct pm_store *s, const struct pm_image_record *r,
			    pm_error **err)
{
	return dump(inspect_object(s, r, err));
}

int pm_image_history(const struct pm_store *s, const struct pm_image_record *r,
		     struct pm_image_history_entry **ret, size_t *ret_n, pm_error **err)
{
	struct pm_image_config cfg = {0};
	int rc = pm_image_read_config(s, r, &cfg, NULL, err);
	if (rc < 0)
		return rc;
	struct pm_image_history_entry *v = pm_xcalloc(cfg.n_history + 1, sizeof(*v));
	size_t layer = 0;
	/* podman: the newest entry carries the image id, older ones "<missing>"; newest first */
	for (size_t i = 0; i < cfg.n_history; i++) {
		const struct pm_history *h = &cfg.history[i];
		uint64_t size = 0;
		if (!h->empty_layer && layer < cfg.n_diff_ids) {
			struct pm_layer_info li = {0};
			if (pm_layer_get(s, cfg.diff_ids[layer], &li, NULL) == 0)
				size = li.size;
			pm_layer_info_free(&li);
			layer++;
		}
		struct pm_image_history_entry *e = &v[cfg.n_history - 1 - i];
		e->id = i + 1 == cfg.n_history ? pm_xstrdup(r->id) : NULL;
		e->created = pm_image_parse_time(h->created);
		e->created_by = pm_xstrdup(h->created_by ? h->created_by : "");
		e->comment = pm_xstrdup(h->comment ? h->comment : "");
		e->size = size;
	}
	*ret = v;
	*ret_n = cfg.n_history;
	pm_image_config_free(&cfg);
	return 0;
}

void pm_image_history_free(struct pm_image_history_entry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].id);
		free(v[i].created_by);
		free(v[i].comment);
	}
	free(v);
}
