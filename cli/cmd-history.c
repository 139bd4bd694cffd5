/* cmd-history.c: `pm history IMAGE` / `pm image history` (podman history): ID CREATED
 * CREATED BY SIZE COMMENT, newest first; --no-trunc, -q, --format, -H/--human[=false]. Parses and
 * prints: the entries (with their layer sizes) come from storage/image-view.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/output.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/image-view.h"

static const char usage[] =
	"Show history of a specified image\n"
	"\n"
	"Usage:\n"
	"  pm history [options] IMAGE\n"
	"\n"
	"Options:\n"
	"      --format string   Change the output to JSON or a Go template\n"
	"  -H, --human           Display sizes and dates in human readable format (default true)\n"
	"      --no-trunc        Do not truncate the output\n"
	"  -q, --quiet           Display the numeric IDs only\n";

int cmd_history(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'F'}, {"human", optional_argument, NULL, 'H'},
		{"no-trunc", no_argument, NULL, 'T'},	  {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 0},		  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = NULL;
	bool notrunc = false, quiet = false, human = true;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "H::q", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'F':
			format = optarg;
			break;
		case 'T':
			notrunc = true;
			break;
		case 'H': { /* a Go bool flag: -H, --human=false, -H=false */
			const char *v = optarg && optarg[0] == '=' ? optarg + 1 : optarg;
			if (!v || !strcmp(v, "true"))
				human = true;
			else if (!strcmp(v, "false"))
				human = false;
			else
				return pm_cli_errorf("invalid argument \"%s\" for \"-H, --human\" "
						     "flag: strconv.ParseBool: parsing \"%s\": "
						     "invalid syntax",
						     v, v);
			break;
		}
		case 'q':
			quiet = true;
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
	struct pm_image_record r = {0};
	if (pm_image_resolve(s, argv[optind], &r, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_history_entry *hist = NULL;
	size_t nh = 0;
	if (pm_image_history(s, &r, &hist, &nh, &err) < 0) {
		pm_image_record_free(&r);
		return pm_cli_error(err);
	}
	_cleanup_json_ json_t *rows = json_array();
	/* --format json: podman's raw layers (id, created, CreatedBy, size, comment when set,
	 * and Created again as RFC 3339), whatever --no-trunc and --human say */
	bool json = format && (!strcmp(format, "json") || !strcmp(format, "{{json .}}"));
	_cleanup_json_ json_t *raw = json_array();
	time_t now = time(NULL);
	for (size_t i = 0; i < nh; i++) {
		const struct pm_image_history_entry *h = &hist[i];
		json_t *o = json_object();
		_cleanup_free_ char *id = !h->id    ? pm_xstrdup("<missing>")
					  : notrunc ? pm_xstrdup(h->id)
						    : pm_xstrndup(h->id, 12);
		char at[PM_TIME_BUF_LEN]; /* --human=false: the time itself (the size stays
					   * human, as podman 4.3's) */
		pm_time_format_rfc3339_utc((int64_t)h->created * PM_NSEC_PER_SEC, false, at);
		_cleanup_free_ char *ago =
			human ? pm_format_ago((int64_t)now - h->created) : pm_xstrdup(at);
		_cleanup_free_ char *hs = pm_cli_image_size(h->size);
		const char *by = h->created_by;
		_cleanup_free_ char *byt =
			!notrunc && strlen(by) > 45 ? pm_xasprintf("%.42s...", by) : pm_xstrdup(by);
		json_object_set_new(o, "ID", json_string(id));
		json_object_set_new(o, "Created", json_string(ago));
		json_object_set_new(o, "CreatedBy", json_string(byt));
		json_object_set_new(o, "Size", json_string(hs));
		json_object_set_new(o, "Comment", json_string(h->comment));
		json_object_set_new(o, "Tags", json_array()); /* Go prints its nil slice "[]" */
		struct tm tm;
		time_t ct = (time_t)h->created;
		char goat[64] = "";
		if (gmtime_r(&ct, &tm))
			strftime(goat, sizeof(goat), "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
		json_object_set_new(o, "CreatedAt", json_string(goat));
		json_array_append_new(rows, o);
		char rfc[PM_TIME_BUF_LEN];
		pm_time_format_rfc3339_utc((int64_t)h->created * PM_NSEC_PER_SEC, false, rfc);
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(h->id ? h->id : "<missing>"));
		json_object_set_new(j, "created", json_string(rfc));
		if (h->created_by[0])
			json_object_set_new(j, "CreatedBy", json_string(h->created_by));
		json_object_set_new(j, "size", json_integer((json_int_t)h->size));
		if (h->comment[0])
			json_object_set_new(j, "comment", json_string(h->comment));
		json_object_set_new(j, "Created", json_string(rfc));
		json_array_append_new(raw, j);
	}
	pm_image_history_free(hist, nh);
	int rc = 0;
	if (quiet) {
		size_t i;
		json_t *o;
		json_array_foreach(rows, i, o)
			printf("%s\n", json_string_value(json_object_get(o, "ID")));
	} else if (!format) {
		size_t i;
		json_t *o;
		const char *keys[5] = {"ID", "Created", "CreatedBy", "Size", "Comment"};
		const char *heads[5] = {"ID", "CREATED", "CREATED BY", "SIZE", "COMMENT"};
		int w[5];
		for (int k = 0; k < 5; k++) {
			size_t l = strlen(heads[k]);
			json_array_foreach(rows, i, o) {
				size_t cl = strlen(json_string_value(json_object_get(o, keys[k])));
				if (cl > l)
					l = cl;
			}
			w[k] = (int)(l + 2 < 12 ? 12 : l + 2);
		}
		for (size_t row = 0; row <= json_array_size(rows); row++) {
			o = row ? json_array_get(rows, row - 1) : NULL;
			for (int k = 0; k < 5; k++) {
				const char *cell =
					o ? json_string_value(json_object_get(o, keys[k]))
					  : heads[k];
				if (k == 4)
					printf("%s\n", cell);
				else
					printf("%-*s", w[k], cell);
			}
		}
	} else if (json) {
		rc = pm_output_format_list("json", NULL, raw, false, NULL);
	} else {
		rc = pm_output_format_list(format, NULL, rows, false, NULL);
	}
	pm_image_record_free(&r);
	return rc;
}
