/* cmd-secret.c: `pm secret create|ls|inspect|rm`, podman's flags, output, messages and exit
 * codes (podman 4.3; `ls --format json` prints the JSON array as later podman does). Parses
 * flags, reads the value (file, stdin or --env), renders output; the secrets themselves
 * live in storage/secret.c. Must not touch secret files directly, never prints a value.
 * Called from the command table (cli/commands.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/secret.h"

static void push_split(char ***v, const char *arg)
{
	_cleanup_strv_ char **parts = pm_strv_split(arg, ",");
	for (size_t i = 0; parts && parts[i]; i++)
		pm_strv_push(v, parts[i]);
}

static bool format_is_json(const char *format)
{
	return format && (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0);
}

static json_t *text_json(char *text)
{
	json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	return arr ? arr : json_array();
}

/* ---- create ---------------------------------------------------------------------------- */

static const char create_usage[] =
	"Create a new secret\n"
	"\n"
	"Description:\n"
	"  Create a secret. Input can be a path to a file or \"-\" (read from stdin). Default "
	"driver is file (unencrypted).\n"
	"\n"
	"Usage:\n"
	"  pm secret create [options] NAME FILE|-\n"
	"\n"
	"Examples:\n"
	"  pm secret create mysecret /path/to/secret\n"
	"\t\tprintf \"secretdata\" | pm secret create mysecret -\n"
	"\n"
	"Options:\n"
	"  -d, --driver string                Specify secret driver (default \"file\")\n"
	"      --driver-opts stringToString   Specify driver specific options (default [])\n"
	"      --env                          Read secret data from environment variable\n"
	"  -l, --label stringArray            Specify labels on the secret\n";

/* The value: from the environment variable src (--env), stdin ("-") or the file src. */
static int read_value(const char *src, bool env, char **ret, size_t *ret_len, pm_error **err)
{
	if (env) {
		const char *v = getenv(src);
		if (!v)
			return pm_error_set(err, ENOENT,
					    "cannot create store secret data: environment variable "
					    "%s is not set",
					    src);
		*ret = pm_xstrdup(v);
		*ret_len = strlen(v);
		return 0;
	}
	if (strcmp(src, "-") == 0) {
		if (isatty(STDIN_FILENO))
			return pm_error_set(err, EINVAL,
					    "if `-` is used, data must be passed into stdin");
		/* fd 0 itself: reopening /dev/stdin fails on a pipe of another user (sudo,
		 * runuser), where podman's read works */
		size_t cap = 4096, len = 0;
		_cleanup_free_ char *buf = pm_xmalloc(cap);
		for (;;) {
			if (len == cap) {
				if (cap > PM_SECRET_MAX_SIZE)
					return pm_error_set(err, EFBIG,
							    "secret data must be larger than 0 and "
							    "less than %d bytes",
							    PM_SECRET_MAX_SIZE);
				cap *= 2;
				buf = pm_xrealloc(buf, cap);
			}
			ssize_t k = read(STDIN_FILENO, buf + len, cap - len);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return pm_error_set_errno(err, errno, "reading stdin");
			if (k == 0)
				break;
			len += (size_t)k;
		}
		if (len > PM_SECRET_MAX_SIZE)
			return pm_error_set(
				err, EFBIG,
				"secret data must be larger than 0 and less than %d bytes",
				PM_SECRET_MAX_SIZE);
		buf = pm_xrealloc(buf, len + 1);
		buf[len] = '\0';
		*ret = TAKE_PTR(buf);
		*ret_len = len;
		return 0;
	}
	struct stat st;
	if (stat(src, &st) < 0)
		return pm_error_set(err, errno, "open %s: %s", src,
				    errno == ENOENT ? "no such file or directory"
						    : strerror(errno));
	int r = pm_read_file(src, PM_SECRET_MAX_SIZE, ret, ret_len, err);
	if (r == -EFBIG)
		return pm_error_set(err, EFBIG,
				    "secret data must be larger than 0 and less than %d bytes",
				    PM_SECRET_MAX_SIZE);
	return r;
}

int cmd_secret_create(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"driver", required_argument, NULL, 'd'},
		{"driver-opts", required_argument, NULL, 'o'},
		{"env", no_argument, NULL, 'e'},
		{"label", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **labels = NULL, **dopts = NULL;
	const char *driver = NULL;
	bool env = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "d:l:", opts, create_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'd':
			driver = optarg;
			break;
		case 'o':
			push_split(&dopts, optarg);
			break;
		case 'e':
			env = true;
			break;
		case 'l':
			pm_strv_push(&labels, optarg);
			break;
		}
	}
	int nargs = argc - optind;
	if (nargs != 2)
		return pm_cli_errorf("accepts 2 arg(s), received %d", nargs);
	for (size_t i = 0; dopts && dopts[i]; i++)
		if (!strchr(dopts[i], '='))
			return pm_cli_errorf("invalid argument \"%s\" for \"--driver-opts\" flag: "
					     "%s must be formatted as key=value",
					     dopts[i], dopts[i]);
	struct pm_secret_create_opts o = {
		.name = argv[optind],
		.driver = driver,
		.driver_opts = dopts,
		.labels = labels,
	};
	_cleanup_error_ pm_error *err = NULL;
	/* name and driver first: podman names a bad name before it reads the file */
	if (!pm_secret_name_valid(o.name) || (driver && driver[0] && strcmp(driver, "file"))) {
		pm_secret_check(&o, 1, &err);
		return pm_cli_error(err);
	}
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (read_value(argv[optind + 1], env, &data, &len, &err) < 0)
		return pm_cli_error(err);
	_cleanup_free_ char *id = NULL;
	int r = pm_secret_create(cli->paths.root, &o, data, len, &id, &err);
	if (data)
		explicit_bzero(data, len);
	if (r < 0)
		return pm_cli_error(err);
	printf("%s\n", id);
	return 0;
}

/* ---- ls ----------------------------------------------------------------------------------- */

static const char ls_usage[] =
	"List secrets\n"
	"\n"
	"Description:\n"
	"  List secrets\n"
	"\n"
	"Usage:\n"
	"  pm secret ls [options]\n"
	"\n"
	"Aliases:\n"
	"  ls, list\n"
	"\n"
	"Examples:\n"
	"  pm secret ls\n"
	"\n"
	"Options:\n"
	"  -f, --filter strings   Filter secret output\n"
	"      --format string    Format volume output using Go template (default "
	"\"{{range .}}{{.ID}}\\t{{.Name}}\\t{{.Driver}}\\t{{.CreatedAt}}\\t{{.UpdatedAt}}\\n{{end "
	"-}}\")\n"
	"      --noheading        Do not print headers\n"
	"  -q, --quiet            Print secret IDs only\n";

static const char *const secret_headers[] = {
	"CreatedAt=CREATED",
	"UpdatedAt=UPDATED",
	NULL,
};

int cmd_secret_ls(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"filter", required_argument, NULL, 'f'}, {"format", required_argument, NULL, 'F'},
		{"noheading", no_argument, NULL, 'n'},	  {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	_cleanup_strv_ char **filters = NULL;
	const char *format = NULL;
	bool noheading = false, quiet = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:q", opts, ls_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			push_split(&filters, optarg);
			break;
		case 'F':
			format = optarg;
			break;
		case 'n':
			noheading = true;
			break;
		case 'q':
			quiet = true;
			break;
		}
	}
	if (argc - optind > 0)
		return pm_cli_errorf("`pm secret ls` takes no arguments");
	_cleanup_error_ pm_error *err = NULL;
	if (pm_secret_filters_check(filters, &err) < 0)
		return pm_cli_error(err);
	_cleanup_secret_list_ struct pm_secret **all = NULL;
	if (pm_secret_list(cli->paths.root, &all, &err) < 0)
		return pm_cli_error(err);
	size_t n = 0;
	for (size_t i = 0; all[i]; i++)
		if (pm_secret_filters_match(filters, all[i]))
			all[n++] = all[i];
		else
			pm_secret_free(all[i]);
	all[n] = NULL;
	if (quiet) {
		for (size_t i = 0; all[i]; i++)
			printf("%s\n", all[i]->id);
		return 0;
	}
	if (format_is_json(format)) {
		_cleanup_json_ json_t *arr = text_json(pm_secret_list_json(all, false));
		pm_json_print(stdout, arr);
		return 0;
	}
	_cleanup_json_ json_t *arr = text_json(pm_secret_ls_json(all, pm_time_now_ns()));
	return pm_output_format_list(
		format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
		arr, noheading, secret_headers);
}

/* ---- inspect ----------------------------------------------------------------------------- */

static const char inspect_usage[] =
	"Inspect a secret\n"
	"\n"
	"Description:\n"
	"  Display detail information on one or more secrets\n"
	"\n"
	"Usage:\n"
	"  pm secret inspect [options] SECRET [SECRET...]\n"
	"\n"
	"Examples:\n"
	"  pm secret inspect MYSECRET\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Format inspect output using Go template\n"
	"      --pretty          Print inspect output in human-readable format\n";

/* podman 4.3's --pretty template, spacing and all (it wins over --format) */
static const char pretty_format[] = "ID:              {{.ID}}\n"
				    "Name:              {{.Spec.Name}}\n"
				    "{{- if .Spec.Labels }}\n"
				    "Labels:\n"
				    "{{- range $k, $v := .Spec.Labels }}\n"
				    " - {{ $k }}={{ $v }}\n"
				    "{{- end }}{{ end }}\n"
				    "Driver:            {{.Spec.Driver.Name}}\n"
				    "Created at:        {{.CreatedAt}}\n"
				    "Updated at:        {{.UpdatedAt}}";

int cmd_secret_inspect(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"pretty", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *format = "json";
	bool pretty = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:", opts, inspect_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f':
			format = optarg;
			break;
		case 'P':
			pretty = true;
			break;
		}
	}
	if (pretty)
		format = pretty_format;
	int nargs = argc - optind;
	if (nargs < 1)
		return pm_cli_errorf("requires at least 1 arg(s), only received 0");
	if (!format[0])
		format = "json";
	bool json = format_is_json(format);
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_secret_list_ struct pm_secret **v = pm_xcalloc((size_t)nargs + 1, sizeof(*v));
	size_t n = 0;
	for (int i = optind; i < argc; i++) {
		_cleanup_error_ pm_error *e = NULL;
		if (pm_secret_lookup(cli->paths.root, argv[i], &v[n], &e) < 0) {
			pm_error_prefix(&e, "inspecting secret");
			if (err) /* podman prints the last error, after the output */
				pm_cli_error(err);
			pm_error_free(err);
			err = TAKE_PTR(e);
			continue;
		}
		n++;
	}
	_cleanup_json_ json_t *arr = text_json(pm_secret_list_json(v, !json));
	if (json) {
		pm_json_print(stdout, arr);
	} else {
		int r = pm_output_format_each(format, arr);
		if (r != 0)
			return r;
	}
	fflush(stdout);
	return err ? pm_cli_error(err) : 0;
}

/* ---- rm ------------------------------------------------------------------------------------ */

static const char rm_usage[] = "Remove one or more secrets\n"
			       "\n"
			       "Description:\n"
			       "  Remove one or more secrets\n"
			       "\n"
			       "Usage:\n"
			       "  pm secret rm [options] SECRET [SECRET...]\n"
			       "\n"
			       "Examples:\n"
			       "  pm secret rm mysecret1 mysecret2\n"
			       "\n"
			       "Options:\n"
			       "  -a, --all   Remove all secrets\n";

int cmd_secret_rm(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool all = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "a", opts, rm_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'a':
			all = true;
			break;
		}
	}
	int nargs = argc - optind;
	if ((all && nargs > 0) || (!all && nargs == 0))
		return pm_cli_errorf("`pm secret rm` requires one argument, or the --all flag");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_strv_ char **refs = NULL;
	if (all) {
		_cleanup_secret_list_ struct pm_secret **v = NULL;
		if (pm_secret_list(cli->paths.root, &v, &err) < 0)
			return pm_cli_error(err);
		for (size_t i = 0; v[i]; i++)
			pm_strv_push(&refs, v[i]->id);
	} else {
		for (int i = optind; i < argc; i++)
			pm_strv_push(&refs, argv[i]);
	}
	int status = 0;
	for (size_t i = 0; refs && refs[i]; i++) {
		_cleanup_error_ pm_error *e = NULL;
		_cleanup_free_ char *id = NULL;
		if (pm_secret_remove(cli->paths.root, refs[i], &id, &e) < 0) {
			/* podman reports each failure and goes on */
			status = pm_cli_error(e);
			continue;
		}
		printf("%s\n", id);
		fflush(stdout);
	}
	return status;
}
