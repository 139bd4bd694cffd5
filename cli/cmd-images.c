/* cmd-images.c: `pm images` / `pm image ls|list` (podman images): REPOSITORY TAG IMAGE ID
 * CREATED SIZE, -a -q --no-trunc --noheading --format --filter (reference=, dangling=,
 * label=, id=). Reads only image records (no configs) for the default table, so it stays
 * fast with many images. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/reference.h"

static const char usage[] =
	"List images in local storage\n"
	"\n"
	"Description:\n"
	"  Lists images previously pulled to the system or created on the system.\n"
	"\n"
	"Usage:\n"
	"  pm images [options] [IMAGE]\n"
	"\n"
	"Options:\n"
	"  -a, --all                 Show all images (default hides intermediate images)\n"
	"      --digests             Show digests\n"
	"  -f, --filter stringArray  Filter output based on conditions provided (default [])\n"
	"      --format string       Change the output format to JSON or a Go template\n"
	"  -n, --noheading           Do not print column headings\n"
	"      --no-trunc            Do not truncate output\n"
	"  -q, --quiet               Display only image IDs\n"
	"      --sort string         Sort by created, id, repository, size, tag (default "
	"\"created\")\n";

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

struct filters {
	char **reference;
	int dangling; /* -1 unset */
	char **label;
	char **id;
};

static bool has_label(const struct pm_store *s, const struct pm_image_record *r, const char *want)
{
	struct pm_image_config c = {0};
	if (pm_image_read_config(s, r, &c, NULL, NULL) < 0)
		return false;
	bool found = false;
	const char *eq = strchr(want, '=');
	size_t kl = eq ? (size_t)(eq - want) : strlen(want);
	for (char **l = c.config.labels; l && *l && !found; l++)
		if (strncmp(*l, want, kl) == 0 && (*l)[kl] == '=')
			found = !eq || strcmp(*l + kl + 1, eq + 1) == 0;
	pm_image_config_free(&c);
	return found;
}

/* Does the image pass? Names not matching reference= are dropped from *names. */
static bool filter_image(const struct pm_store *s, const struct filters *f,
			 const struct pm_image_record *r)
{
	bool dangling = !r->names || !*r->names;
	if (f->dangling >= 0 && dangling != (bool)f->dangling)
		return false;
	for (char **l = f->label; l && *l; l++)
		if (!has_label(s, r, *l))
			return false;
	if (f->id) {
		bool ok = false;
		for (char **i = f->id; *i && !ok; i++)
			ok = pm_str_startswith(r->id,
					       pm_str_startswith(*i, "sha256:") ? *i + 7 : *i);
		if (!ok)
			return false;
	}
	return true;
}

static bool name_passes(const struct filters *f, const char *name)
{
	if (!f->reference)
		return true;
	for (char **p = f->reference; *p; p++)
		if (ref_match(*p, name))
			return true;
	return false;
}

static char *created_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char buf[64];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return pm_xstrdup(buf);
}

int cmd_images(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},	  {"digests", no_argument, NULL, 'D'},
		{"filter", required_argument, NULL, 'f'}, {"format", required_argument, NULL, 'F'},
		{"noheading", no_argument, NULL, 'n'},	  {"no-trunc", no_argument, NULL, 'T'},
		{"quiet", no_argument, NULL, 'q'},	  {"sort", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 0},		  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct filters f = {.dangling = -1};
	const char *format = NULL;
	bool quiet = false, notrunc = false, noheading = false, digests = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af:nq", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f': {
			const char *eq = strchr(optarg, '=');
			if (!eq)
				return pm_cli_errorf("invalid image filter '%s': use key=value",
						     optarg);
			size_t kl = (size_t)(eq - optarg);
			const char *v = eq + 1;
			if (kl == 9 && strncmp(optarg, "reference", 9) == 0)
				pm_strv_push(&f.reference, v);
			else if (kl == 8 && strncmp(optarg, "dangling", 8) == 0) {
				if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
					return pm_cli_errorf(
						"invalid filter 'dangling=%s': use true or false",
						v);
				f.dangling = strcmp(v, "true") == 0;
			} else if (kl == 5 && strncmp(optarg, "label", 5) == 0)
				pm_strv_push(&f.label, v);
			else if (kl == 2 && strncmp(optarg, "id", 2) == 0)
				pm_strv_push(&f.id, v);
			else
				return pm_cli_errorf("unsupported image filter '%.*s' (use "
						     "reference, dangling, label or id)",
						     (int)kl, optarg);
			break;
		}
		case 'F':
			format = optarg;
			break;
		case 'n':
			noheading = true;
			break;
		case 'T':
			notrunc = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'D':
			digests = true;
			break;
		default:
			break;
		}
	}
	if (argc - optind > 1)
		return pm_cli_errorf("\"%s\" accepts at most 1 argument", cli->cmdpath);
	if (argc - optind == 1)
		pm_strv_push(&f.reference, argv[optind]);

	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record *v = NULL;
	size_t n = 0;
	if (pm_image_list(s, &v, &n, &err) < 0)
		return pm_cli_error(err);
	time_t now = time(NULL);
	int rc = 0;
	_cleanup_json_ json_t *rows = json_array();
	_cleanup_strv_ char **seen = NULL;

	if (format && (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0)) {
		_cleanup_json_ json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			const struct pm_image_record *r = &v[i];
			if (!filter_image(s, &f, r))
				continue;
			bool any = !f.reference;
			for (char **nm = r->names; nm && *nm; nm++)
				any = any || name_passes(&f, *nm);
			if (!any)
				continue;
			struct pm_image_config cfg = {0};
			pm_image_read_config(s, r, &cfg, NULL, NULL);
			json_t *o = json_object();
			json_object_set_new(o, "Id", json_string(r->id));
			json_object_set_new(o, "ParentId", json_string(""));
			json_object_set_new(o, "RepoTags", json_null());
			json_t *rd = json_array(), *names = json_array();
			for (char **nm = r->names; nm && *nm; nm++) {
				_cleanup_free_ char *repo = NULL, *tag = NULL;
				pm_reference_split_name(*nm, &repo, &tag);
				_cleanup_free_ char *d = pm_xasprintf("%s@%s", repo, r->digest);
				json_array_append_new(rd, json_string(d));
				json_array_append_new(names, json_string(*nm));
			}
			json_object_set_new(o, "RepoDigests", rd);
			json_object_set_new(o, "Size", json_integer((json_int_t)r->size));
			json_object_set_new(o, "SharedSize", json_integer(0));
			json_object_set_new(o, "VirtualSize", json_integer((json_int_t)r->size));
			json_t *labels = json_null();
			if (cfg.config.labels && *cfg.config.labels) {
				labels = json_object();
				for (char **l = cfg.config.labels; *l; l++) {
					char *eq = strchr(*l, '=');
					_cleanup_free_ char *k = pm_xstrndup(
						*l, eq ? (size_t)(eq - *l) : strlen(*l));
					json_object_set_new(labels, k,
							    json_string(eq ? eq + 1 : ""));
				}
			}
			json_object_set_new(o, "Labels", labels);
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
			_cleanup_free_ char *ca = created_at(r->created_unix);
			json_object_set_new(o, "CreatedAt", json_string(ca));
			json_array_append_new(arr, o);
			pm_image_config_free(&cfg);
		}
		pm_json_print(stdout, arr);
		goto out;
	}

	/* rows: one per name (or one <none> row) */
	for (size_t i = 0; i < n; i++) {
		const struct pm_image_record *r = &v[i];
		if (!filter_image(s, &f, r))
			continue;
		_cleanup_free_ char *id =
			notrunc ? pm_xasprintf("sha256:%s", r->id) : pm_xstrndup(r->id, 12);
		if (quiet) {
			bool any = !f.reference;
			for (char **nm = r->names; nm && *nm; nm++)
				any = any || name_passes(&f, *nm);
			if (any && !pm_strv_contains(seen, id)) {
				printf("%s\n", id);
				pm_strv_push(&seen, id);
			}
			continue;
		}
		_cleanup_free_ char *created = pm_format_ago((int64_t)now - r->created_unix);
		_cleanup_free_ char *size = pm_cli_image_size(r->size);
		size_t nn = pm_strv_length(r->names);
		for (size_t k = 0; k < (nn ? nn : 1); k++) {
			_cleanup_free_ char *repo = NULL, *tag = NULL;
			if (nn) {
				if (!name_passes(&f, r->names[k]))
					continue;
				pm_reference_split_name(r->names[k], &repo, &tag);
			} else {
				if (f.reference)
					continue;
				pm_reference_split_name(NULL, &repo, &tag);
			}
			json_t *o = json_object();
			json_object_set_new(o, "Repository", json_string(repo));
			json_object_set_new(o, "Tag", json_string(tag));
			json_object_set_new(o, "ID", json_string(id));
			json_object_set_new(o, "Id", json_string(r->id));
			json_object_set_new(o, "Digest", json_string(r->digest ? r->digest : ""));
			json_object_set_new(o, "Created", json_string(created));
			json_object_set_new(o, "CreatedSince", json_string(created));
			_cleanup_free_ char *ca = created_at(r->created_unix);
			json_object_set_new(o, "CreatedAt", json_string(ca));
			json_object_set_new(o, "Size", json_string(size));
			json_object_set_new(o, "VirtualSize", json_string(size));
			json_object_set_new(o, "Dangling", json_boolean(!nn));
			json_object_set_new(o, "Containers", json_integer(0));
			json_array_append_new(rows, o);
		}
	}
	if (quiet)
		goto out;
	if (!format || !*format) {
		/* the default table, printed directly: podman's tabwriter (minwidth 12,
		 * padding 2) */
		const char *keys[6] = {"Repository", "Tag", "Digest", "ID", "Created", "Size"};
		const char *heads[6] = {"REPOSITORY", "TAG",	 "DIGEST",
					"IMAGE ID",   "CREATED", "SIZE"};
		int w[6];
		size_t i;
		json_t *o;
		for (int k = 0; k < 6; k++) {
			size_t l = strlen(heads[k]);
			json_array_foreach(rows, i, o) {
				size_t cl = strlen(json_string_value(json_object_get(o, keys[k])));
				if (cl > l)
					l = cl;
			}
			w[k] = (int)(l + 2 < 12 ? 12 : l + 2);
		}
		for (size_t row = 0; row <= json_array_size(rows); row++) {
			if (row == 0 && noheading)
				continue;
			o = row ? json_array_get(rows, row - 1) : NULL;
			for (int k = 0; k < 6; k++) {
				if (k == 2 && !digests)
					continue;
				const char *cell =
					o ? json_string_value(json_object_get(o, keys[k]))
					  : heads[k];
				if (k == 5)
					printf("%s\n", cell);
				else
					printf("%-*s", w[k], cell);
			}
		}
		goto out;
	}
	static const char *const headers[] = {"ID=IMAGE ID", NULL};
	rc = pm_output_format_list(format, NULL, rows, noheading, headers);
out:
	pm_image_records_free(v, n);
	pm_strv_free(f.reference);
	pm_strv_free(f.label);
	pm_strv_free(f.id);
	return rc;
}
