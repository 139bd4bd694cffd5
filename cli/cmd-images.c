/* cmd-images.c: `pm images` / `pm image ls|list` (podman images): REPOSITORY TAG IMAGE ID
 * CREATED SIZE, -a -q --no-trunc --noheading --format --sort --filter (reference=,
 * dangling=, label=, id=, before=, since=, after=). Parses and prints: filters, sort orders, rows
 * and the JSON summaries come from storage/image-view.c. The default table reads image records, and
 * the configs of untagged images only (to tell intermediate images from dangling ones). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/template.h"
#include "lib/timeutil.h"
#include "storage/image-view.h"

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
	"      --history             Display the image name history\n"
	"  -n, --noheading           Do not print column headings\n"
	"      --no-trunc            Do not truncate output\n"
	"  -q, --quiet               Display only image IDs\n"
	"      --sort string         Sort by created, id, repository, size, tag (default "
	"\"created\")\n";

static char *created_at(int64_t t)
{
	/* podman's: Go's time.Time of the Unix time, local ("1970-01-01 00:00:00 +0000 UTC") */
	struct tm tm;
	time_t tt = (time_t)t;
	if (!localtime_r(&tt, &tm))
		return pm_xstrdup("");
	long off = tm.tm_gmtoff;
	return pm_xasprintf("%04d-%02d-%02d %02d:%02d:%02d %c%02ld%02ld %s", tm.tm_year + 1900,
			    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			    off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60,
			    tm.tm_zone ? tm.tm_zone : "UTC");
}

int cmd_images(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"digests", no_argument, NULL, 'D'},
		{"filter", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'F'},
		{"noheading", no_argument, NULL, 'n'},
		{"no-trunc", no_argument, NULL, 'T'},
		{"quiet", no_argument, NULL, 'q'},
		{"sort", required_argument, NULL, 'S'},
		{"history", no_argument, NULL, 'H'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_image_filters_ struct pm_image_filters *f = pm_image_filters_new();
	_cleanup_error_ pm_error *err = NULL;
	const char *format = NULL, *sort = "created";
	bool quiet = false, notrunc = false, noheading = false, digests = false, all = false,
	     history = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "af:nq", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true; /* intermediate images too (storage/image-view.h) */
			break;
		case 'f':
			if (pm_image_filters_add(f, optarg, &err) < 0)
				return pm_cli_error(err);
			break;
		case 'S':
			sort = optarg;
			break;
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
		case 'H':
			history = true;
			break;
		default:
			break;
		}
	}
	if (argc - optind > 1)
		return pm_cli_errorf("accepts at most 1 arg(s), received %d", argc - optind);
	enum pm_image_sort sort_key;
	if (pm_image_sort_parse(sort, &sort_key, &err) < 0)
		return pm_cli_error(err);
	if (argc - optind == 1) {
		_cleanup_free_ char *ref = pm_xasprintf("reference=%s", argv[optind]);
		pm_image_filters_add(f, ref, NULL);
	}

	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0 || pm_image_filters_resolve(s, f, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record *v = NULL;
	size_t n = 0;
	if (pm_image_list(s, &v, &n, &err) < 0)
		return pm_cli_error(err);
	int rc = 0;

	if (format && (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0)) {
		/* podman prints the summaries unsorted */
		_cleanup_free_ char *text = pm_image_summaries_json(s, v, n, f, all);
		_cleanup_json_ json_t *arr = text ? json_loads(text, 0, NULL) : json_array();
		pm_json_print(stdout, arr);
		pm_image_records_free(v, n);
		return 0;
	}

	/* rows: one per name (or one <none> row), in --sort order */
	struct pm_image_row *rows = NULL;
	size_t nr = 0;
	pm_image_rows(s, v, n, f, all, &rows, &nr);
	pm_image_rows_sort(rows, nr, sort_key);
	_cleanup_json_ json_t *table = json_array();
	_cleanup_json_ json_t *sums = NULL;
	_cleanup_free_ ssize_t *users_of = NULL;
	_cleanup_free_ json_t **tags_of = NULL; /* RepoTags, one per image record */
	if (quiet) {
		_cleanup_strv_ char **seen = NULL;
		for (size_t i = 0; i < nr; i++) {
			_cleanup_free_ char *id = notrunc ? pm_xasprintf("sha256:%s", rows[i].id)
							  : pm_xstrndup(rows[i].id, 12);
			if (!pm_strv_contains(seen, id)) {
				printf("%s\n", id);
				pm_strv_push(&seen, id);
			}
		}
		goto out;
	}
	time_t now = time(NULL);
	/* podman's summary fields a template can name too (Labels, Names, Containers, ...):
	 * built only when the template names one (they cost a walk of every container) */
	static const char *const sum_keys[] = {"ParentId",   "RepoTags", "RepoDigests",
					       "SharedSize", "Labels",	 "Containers",
					       "Names",	     "Arch",	 "Os"};
	bool need_sums = format && *format;
	/* RepoTags (one array per image, shared by its rows) and CreatedAt (a localtime) only
	 * for a template that can name them: not for the default table */
	bool need_tags = need_sums, need_created_at = need_sums;
	if (need_sums) {
		_cleanup_template_ pm_template *t = NULL;
		_cleanup_strv_ char **fields = NULL;
		if (pm_template_parse(format, &t, NULL, NULL) == 0 && !pm_template_is_empty(t) &&
		    !pm_template_root_fields(t, &fields)) {
			need_sums = false;
			for (size_t j = 0; j < ARRAY_SIZE(sum_keys); j++)
				need_sums |= pm_strv_contains(fields, sum_keys[j]);
			need_tags = pm_strv_contains(fields, "RepoTags");
			need_created_at = pm_strv_contains(fields, "CreatedAt");
		}
	}
	if (need_tags)
		tags_of = pm_xcalloc(n + 1, sizeof(*tags_of));
	if (need_sums) {
		_cleanup_free_ char *text = pm_image_summaries_json(s, v, n, f, all);
		sums = text ? json_loads(text, 0, NULL) : NULL;
	}
	/* the containers made from each image, counted once per image (not once per name) */
	users_of = pm_xcalloc(n + 1, sizeof(*users_of));
	for (size_t i = 0; i < n; i++)
		users_of[i] = -1;
	for (size_t i = 0; i < nr; i++) {
		const struct pm_image_row *row = &rows[i];
		const struct pm_image_record *r = row->record;
		_cleanup_free_ char *id =
			notrunc ? pm_xasprintf("sha256:%s", r->id) : pm_xstrndup(r->id, 12);
		_cleanup_free_ char *created = pm_format_ago((int64_t)now - r->created_unix);
		_cleanup_free_ char *size = pm_cli_image_size(r->size);
		_cleanup_free_ char *ca = need_created_at ? created_at(r->created_unix) : NULL;
		json_t *o = json_object();
		json_object_set_new(o, "Repository", json_string(row->repository));
		json_object_set_new(o, "Tag", json_string(row->tag));
		json_object_set_new(o, "ID", json_string(id));
		json_object_set_new(o, "Id", json_string(r->id));
		json_object_set_new(o, "Digest", json_string(r->digest ? r->digest : ""));
		json_object_set_new(o, "Created", json_string(created));
		json_object_set_new(o, "CreatedSince", json_string(created));
		if (ca)
			json_object_set_new(o, "CreatedAt", json_string(ca));
		json_object_set_new(o, "Size", json_string(size));
		json_object_set_new(o, "VirtualSize", json_integer((json_int_t)r->size));
		json_object_set_new(o, "Dangling", json_boolean(row->dangling));
		json_object_set_new(o, "Containers", json_integer(0));
		/* the names it has (pm keeps no record of former ones) */
		_cleanup_free_ char *names = pm_strv_join(r->names, ", ");
		json_object_set_new(o, "History", json_string(names ? names : ""));
		json_object_set_new(o, "ReadOnly", json_false());
		size_t k;
		json_t *sum;
		json_array_foreach(sums, k, sum) {
			if (strcmp(json_string_value(json_object_get(sum, "Id")) ?: "", r->id))
				continue;
			for (size_t j = 0; j < ARRAY_SIZE(sum_keys); j++) {
				json_t *x = json_object_get(sum, sum_keys[j]);
				if (x)
					json_object_set(o, sum_keys[j], x);
			}
			if (json_is_null(json_object_get(o, "Labels")))
				json_object_set_new(o, "Labels", json_object());
			/* the containers made from it (podman's count) */
			size_t ri = (size_t)(r - v);
			if (users_of[ri] < 0) {
				_cleanup_strv_ char **users = pm_image_users(s, r->id);
				users_of[ri] = (ssize_t)pm_strv_length(users);
			}
			json_object_set_new(o, "Containers",
					    json_integer((json_int_t)users_of[ri]));
			break;
		}
		/* podman's row: the image's names as RepoTags (its JSON summary has none) */
		if (tags_of) {
			size_t ri = (size_t)(r - v);
			if (!tags_of[ri])
				tags_of[ri] = pm_json_from_strv(r->names);
			json_object_set(o, "RepoTags", tags_of[ri]);
		}
		json_array_append_new(table, o);
	}
	if (!format || !*format) {
		/* the default table, printed directly: podman's tabwriter (minwidth 12,
		 * padding 2) */
		const char *keys[7] = {"Repository", "Tag",  "Digest", "ID",
				       "Created",    "Size", "History"};
		const char *heads[7] = {"REPOSITORY", "TAG",  "DIGEST", "IMAGE ID",
					"CREATED",    "SIZE", "HISTORY"};
		int ncols = history ? 7 : 6;
		int w[7];
		size_t i;
		json_t *o;
		for (int k = 0; k < ncols; k++) {
			size_t l = strlen(heads[k]);
			json_array_foreach(table, i, o) {
				size_t cl = strlen(json_string_value(json_object_get(o, keys[k])));
				if (cl > l)
					l = cl;
			}
			w[k] = (int)(l + 2 < 12 ? 12 : l + 2);
		}
		for (size_t row = 0; row <= json_array_size(table); row++) {
			if (row == 0 && noheading)
				continue;
			o = row ? json_array_get(table, row - 1) : NULL;
			for (int k = 0; k < ncols; k++) {
				if (k == 2 && !digests)
					continue;
				const char *cell =
					o ? json_string_value(json_object_get(o, keys[k]))
					  : heads[k];
				if (k == ncols - 1)
					printf("%s\n", cell);
				else
					printf("%-*s", w[k], cell);
			}
		}
		goto out;
	}
	static const char *const headers[] = {"ID=IMAGE ID", NULL};
	rc = pm_output_format_list(format, NULL, table, noheading, headers);
out:
	for (size_t i = 0; tags_of && i < n; i++)
		json_decref(tags_of[i]);
	pm_image_rows_free(rows, nr);
	pm_image_records_free(v, n);
	return rc;
}
