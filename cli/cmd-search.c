/* cmd-search.c: `pm search [options] TERM` (podman search): a registry's repositories
 * matching TERM, from /v2/_catalog (the registries docker-registry and most private ones
 * are: no v1 search API), or with --list-tags the tags of one repository. TERM
 * "HOST/TEXT" searches HOST; a TERM without a registry searches registries.conf's
 * unqualified-search registries. The requests are registry/client.h's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "registry/client.h"
#include "registry/conf.h"

static const char usage[] =
	"Search registry for image\n"
	"\n"
	"Description:\n"
	"  Search registries for a given image. Can search all the default registries or a "
	"specific registry.\n"
	"\n"
	"  Users can limit the number of results, and filter the output based on certain "
	"conditions.\n"
	"\n"
	"Usage:\n"
	"  pm search [options] TERM\n"
	"\n"
	"Examples:\n"
	"  pm search --filter=is-official --limit 3 alpine\n"
	"  pm search registry.fedoraproject.org/  # only works with v2 registries\n"
	"  pm search --format \"table {{.Index}} {{.Name}}\" registry.fedoraproject.org/fedora\n"
	"\n"
	"Options:\n"
	"      --authfile string    Path of the authentication file\n"
	"      --cert-dir string    Path to certificates (*.crt, *.cert, *.key) to use with the "
	"registry\n"
	"      --compatible         List stars, official and automated columns (Docker "
	"compatibility)\n"
	"      --creds string       Use [username[:password]] for accessing the registry\n"
	"  -f, --filter strings     Filter output based on conditions provided (default [])\n"
	"      --format string      Change the output format to JSON or a Go template\n"
	"      --limit int          Limit the number of results\n"
	"      --list-tags          List the tags of the input registry\n"
	"      --no-trunc           Do not truncate the output\n"
	"      --tls-verify         Require HTTPS and verify certificates when contacting "
	"registries (default true)\n";

enum {
	OPT_AUTHFILE = 1000,
	OPT_CERT_DIR,
	OPT_COMPATIBLE,
	OPT_CREDS,
	OPT_FORMAT,
	OPT_LIMIT,
	OPT_LIST_TAGS,
	OPT_NO_TRUNC,
	OPT_TLS_VERIFY,
};

struct filters {
	int stars;
	int official, automated; /* -1: not given, 0 false, 1 true */
};

static int parse_filter(const char *f, struct filters *ret)
{
	const char *eq = strchr(f, '=');
	if (!eq)
		eq = f + strlen(f);
	size_t kl = (size_t)(eq - f);
	const char *v = *eq ? eq + 1 : "";
	if (kl == 5 && strncmp(f, "stars", 5) == 0) {
		if (pm_parse_int(v, &ret->stars) < 0)
			return pm_cli_errorf("incorrect value type for stars filter: strconv.Atoi: "
					     "parsing \"%s\": invalid syntax",
					     v);
		return 0;
	}
	int *b = kl == 11 && strncmp(f, "is-official", 11) == 0	   ? &ret->official
		 : kl == 12 && strncmp(f, "is-automated", 12) == 0 ? &ret->automated
								   : NULL;
	if (!b)
		return pm_cli_errorf("invalid filter type \"%s\"", f);
	/* podman keeps an entry when the value is "false" and it is not official/automated;
	 * any other value asks for official/automated ones */
	*b = strcmp(v, "false") == 0 ? 0 : 1;
	return 0;
}

static json_t *result(const char *host, const char *name, const char *tag)
{
	json_t *o = json_object();
	json_object_set_new(o, "Index", json_string(host));
	json_object_set_new(o, "Name", json_sprintf("%s/%s", host, name));
	json_object_set_new(o, "Description", json_string(""));
	json_object_set_new(o, "Stars", json_integer(0));
	json_object_set_new(o, "Official", json_string(""));
	json_object_set_new(o, "Automated", json_string(""));
	json_object_set_new(o, "Tag", json_string(tag ? tag : ""));
	return o;
}

/* The registries a term without one is searched in: registries.conf's unqualified-search
 * registries (none: nothing is searched). */
static char **search_registries(void)
{
	_cleanup_registries_conf_ struct pm_registries_conf *c = NULL;
	if (pm_registries_conf_load(&c, NULL) < 0)
		return NULL;
	_cleanup_strv_ char **cands = NULL;
	bool alias = false;
	if (pm_registries_short_name(c, "x", &cands, &alias, NULL) < 0 || alias)
		return NULL;
	char **v = NULL;
	for (char **p = cands; p && *p; p++) {
		const char *sl = strchr(*p, '/');
		_cleanup_free_ char *h = pm_xstrndup(*p, sl ? (size_t)(sl - *p) : strlen(*p));
		if (!pm_strv_contains(v, h))
			pm_strv_push(&v, h);
	}
	return v;
}

int cmd_search(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"compatible", no_argument, NULL, OPT_COMPATIBLE},
		{"creds", required_argument, NULL, OPT_CREDS},
		{"filter", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"limit", required_argument, NULL, OPT_LIMIT},
		{"list-tags", no_argument, NULL, OPT_LIST_TAGS},
		{"no-trunc", no_argument, NULL, OPT_NO_TRUNC},
		{"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_registry_opts ro = {.tls_verify = -1};
	struct filters flt = {.official = -1, .automated = -1};
	const char *format = NULL;
	int limit = 25, c, r;
	bool list_tags = false, compatible = false;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:h", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_AUTHFILE:
			ro.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			ro.cert_dir = optarg;
			break;
		case OPT_COMPATIBLE:
			compatible = true;
			break;
		case OPT_CREDS:
			ro.creds = optarg;
			break;
		case 'f':
			if ((r = parse_filter(optarg, &flt)))
				return r;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case OPT_LIMIT:
			if (pm_parse_int(optarg, &limit) < 0) {
				pm_cli_errorf("invalid argument \"%s\" for \"--limit\" flag: "
					      "strconv.ParseInt: parsing \"%s\": invalid syntax",
					      optarg, optarg);
				return PM_EXIT_ERROR;
			}
			break;
		case OPT_LIST_TAGS:
			list_tags = true;
			break;
		case OPT_NO_TRUNC:
			break; /* descriptions from a catalog are empty: nothing to cut */
		case OPT_TLS_VERIFY:
			if (!optarg || strcmp(optarg, "true") == 0)
				ro.tls_verify = 1;
			else if (strcmp(optarg, "false") == 0)
				ro.tls_verify = 0;
			else
				return pm_cli_errorf("invalid argument \"%s\" for \"--tls-verify\" "
						     "flag: strconv.ParseBool: parsing \"%s\": "
						     "invalid syntax",
						     optarg, optarg);
			break;
		default:
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	const char *term = argv[optind];
	const char *slash = strchr(term, '/');
	_cleanup_strv_ char **hosts = NULL;
	const char *text = term;
	if (slash) {
		pm_strv_consume(&hosts, pm_xstrndup(term, (size_t)(slash - term)));
		text = slash + 1;
	} else {
		hosts = search_registries();
	}
	if (list_tags && (!*text || strchr(text, ':') || strchr(text, '@')))
		return pm_cli_errorf("reference \"%s\" must be a docker reference", text);

	_cleanup_json_ json_t *rows = json_array();
	for (char **h = hosts; h && *h; h++) {
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_registry_ struct pm_registry *reg = NULL;
		_cleanup_strv_ char **names = NULL;
		if (pm_registry_open(*h, &ro, &reg, &err) >= 0 &&
		    pm_registry_ping(reg, &err) >= 0) {
			if (list_tags)
				r = pm_registry_list_tags(reg, text, &names, &err);
			else
				r = pm_registry_catalog(reg, &names, &err);
		} else {
			r = -1;
		}
		if (r < 0) {
			if (list_tags)
				pm_error_prefix(&err, "getting repository tags");
			else
				pm_error_prefix(&err, "couldn't search registry \"%s\"", *h);
			return pm_cli_error(err);
		}
		for (char **n = names; n && *n; n++) {
			if (list_tags) {
				json_array_append_new(rows, result(*h, text, *n));
				continue;
			}
			if (!strstr(*n, text))
				continue;
			/* every catalog entry has 0 stars and is neither official nor automated */
			if (flt.stars > 0 || flt.official == 1 || flt.automated == 1)
				continue;
			json_array_append_new(rows, result(*h, *n, NULL));
		}
	}
	if (limit < 0)
		return 0;
	if (limit > 0)
		while (json_array_size(rows) > (size_t)limit)
			json_array_remove(rows, json_array_size(rows) - 1);
	if (!json_array_size(rows) && !(format && strcmp(format, "json") == 0))
		return 0;
	const char *def = list_tags    ? "table {{.Name}}\t{{.Tag}}"
			  : compatible ? "table {{.Name}}\t{{.Description}}\t{{.Stars}}\t{{."
					 "Official}}\t{{.Automated}}"
				       : "table {{.Name}}\t{{.Description}}";
	return pm_output_format_list(format, def, rows, false, NULL);
}
