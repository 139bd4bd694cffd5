/* common.c: helpers shared by the command files: error printing, flag parsing the podman
 * way, argument count checks. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/strutil.h"
#include "rootless/userns.h"

/* The command whose flags are being parsed (set by pm_cli_getopt): a bad flag value is
 * followed by podman's "See 'pm CMD --help'" line. */
static const char *see_cmdpath;

/* pflag's words for a flag value it cannot parse */
static bool is_flag_value_error(const char *msg)
{
	return pm_str_startswith(msg, "invalid argument \"") && strstr(msg, "\" flag: ");
}

void pm_cli_print_error(const char *msg)
{
	/* messages carry user input (names, references, paths): no raw control bytes to the
	 * terminal */
	_cleanup_free_ char *safe = pm_str_escape_controls(msg);
	fprintf(stderr, "Error: %s\n", safe);
	if (see_cmdpath && is_flag_value_error(msg))
		fprintf(stderr, "See '%s --help'\n", see_cmdpath);
}

void pm_cli_print_see_help(void)
{
	if (see_cmdpath)
		fprintf(stderr, "See '%s --help'\n", see_cmdpath);
}

/* pflag takes -X=VALUE: a short boolean flag whose long form takes =VALUE becomes
 * --long=VALUE, a short flag with a value -XVALUE, and one whose long form takes no value
 * -X when VALUE is true, or a -X that pm_cli_getopt skips (negated) when it is false.
 * Rewrites argv (before getopt sees it) up to "--" or, with '+', the first operand; the
 * new strings live until exit. */
static char **rewritten;
static const char *negated[32];
static size_t nnegated;

static int go_parse_bool(const char *v)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (!strcmp(v, t[i]))
			return 1;
		if (!strcmp(v, f[i]))
			return 0;
	}
	return -1;
}

int pm_cli_bool_arg(const char *flag, const char *arg, bool *ret)
{
	int b = arg ? go_parse_bool(arg) : 1;
	if (b < 0)
		return pm_cli_errorf("invalid argument \"%s\" for \"%s%s\" flag: "
				     "strconv.ParseBool: parsing \"%s\": invalid syntax",
				     arg, flag[0] == '-' ? "" : "--", flag, arg);
	*ret = b == 1;
	return 0;
}

bool pm_cli_confirm(int *status)
{
	fflush(stdout);
	char line[64];
	*status = 0;
	if (!fgets(line, sizeof(line), stdin)) {
		*status = pm_cli_errorf("EOF");
		return false;
	}
	return line[0] == 'y' || line[0] == 'Y';
}

static bool is_negated(const char *a)
{
	for (size_t i = 0; i < nnegated; i++)
		if (negated[i] == a)
			return true;
	return false;
}

static const struct option *long_of(const struct option *longopts, int c)
{
	for (const struct option *o = longopts; o && o->name; o++)
		if (!o->flag && o->val == c)
			return o;
	return NULL;
}

static int rewrite_short_values(int argc, char **argv, const char *sopts,
				const struct option *longopts)
{
	bool stop_at_operand = sopts[0] == '+';
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (!strcmp(a, "--"))
			return 0;
		if (a[0] != '-' || !a[1]) {
			if (stop_at_operand)
				return 0;
			continue;
		}
		if (a[1] == '-') { /* --long: skip the value of one that needs it */
			size_t nl = strcspn(a + 2, "=");
			if (a[2 + nl]) { /* --bool=VALUE of one that takes no value: as -X=VALUE */
				const struct option *lo = NULL;
				for (const struct option *o = longopts; o && o->name; o++)
					if (strlen(o->name) == nl && !strncmp(o->name, a + 2, nl))
						lo = o;
				if (!lo || lo->has_arg != no_argument || !strcmp(lo->name, "help"))
					continue;
				const char *v = a + 3 + nl;
				int b = go_parse_bool(v);
				if (b < 0) {
					bool sh = !lo->flag && lo->val > 0 && lo->val < 128 &&
						  lo->val != ':' && lo->val != '+' &&
						  strchr(sopts, lo->val);
					char shorthand[8] = "";
					if (sh)
						snprintf(shorthand, sizeof(shorthand), "-%c, ",
							 lo->val);
					pm_cli_errorf(
						"invalid argument \"%s\" for \"%s--%s\" flag: "
						"strconv.ParseBool: parsing \"%s\": invalid "
						"syntax",
						v, shorthand, lo->name, v);
					return -1;
				}
				char *n = pm_xasprintf("--%s", lo->name);
				pm_strv_consume(&rewritten, n);
				argv[i] = n;
				if (b == 0 && nnegated < ARRAY_SIZE(negated))
					negated[nnegated++] = n;
				continue;
			}
			for (const struct option *o = longopts; o && o->name; o++)
				if (strlen(o->name) == nl && !strncmp(o->name, a + 2, nl) &&
				    o->has_arg == required_argument)
					i++;
			continue;
		}
		/* a cluster: the first char that takes a value ends it */
		for (char *p = a + 1; *p; p++) {
			const char *s = *p != ':' && *p != '+' ? strchr(sopts, *p) : NULL;
			if (!s)
				break;
			bool takes = s[1] == ':';
			if (p == a + 1 && p[1] == '=') {
				const struct option *lo = long_of(longopts, *p);
				char *n = NULL;
				int b = -1;
				if (takes)
					n = pm_xasprintf("-%c%s", *p, p + 2);
				else if (lo && lo->has_arg != no_argument)
					n = pm_xasprintf("--%s=%s", lo->name, p + 2);
				else if ((b = go_parse_bool(p + 2)) < 0) {
					pm_cli_errorf(
						"invalid argument \"%s\" for \"-%c%s%s\" flag: "
						"strconv.ParseBool: parsing \"%s\": invalid "
						"syntax",
						p + 2, *p, lo ? ", --" : "", lo ? lo->name : "",
						p + 2);
					return -1;
				} else {
					n = pm_xasprintf("-%c", *p);
				}
				if (n) {
					pm_strv_consume(&rewritten, n);
					argv[i] = n;
					if (b == 0 && nnegated < ARRAY_SIZE(negated))
						negated[nnegated++] = n; /* the pointer marks it */
				}
				break;
			}
			if (takes) {
				if (!p[1])
					i++;
				break;
			}
		}
	}
	return 0;
}

int pm_cli_error(const pm_error *err)
{
	pm_cli_print_error(err && err->msg ? err->msg : "unknown error");
	return pm_error_exit_status(err);
}

int pm_cli_errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	pm_cli_print_error(msg ? msg : "out of memory");
	return PM_EXIT_ERROR;
}

void pm_cli_usage(struct pm_cli *cli, const char *usage)
{
	fputs(usage, stdout);
	if (usage[0] && usage[strlen(usage) - 1] != '\n')
		fputc('\n', stdout);
}

int pm_cli_getopt(struct pm_cli *cli, struct pm_opt_state *st, int argc, char **argv,
		  const char *shortopts, const struct option *longopts, const char *usage)
{
	if (cli->flag_list) {
		for (const struct option *o = longopts; o && o->name; o++)
			fprintf(cli->flag_list, "--%s%s\n", o->name,
				o->has_arg == required_argument ? "=" : "");
		for (const char *p = shortopts; *p; p++)
			if (*p != '+' && *p != ':')
				fprintf(cli->flag_list, "-%c%s\n", *p, p[1] == ':' ? "=" : "");
		st->status = 0;
		return PM_OPT_EXIT;
	}
	/* A leading ':' makes getopt report a missing argument as ':' */
	char sopts[128];
	snprintf(sopts, sizeof(sopts), "%s%s%sh", shortopts[0] == '+' ? "+" : "", ":",
		 shortopts[0] == '+' ? shortopts + 1 : shortopts);
	if (!st->started) {
		optind = 0; /* full re-initialisation of GNU getopt */
		opterr = 0;
		st->started = true;
		see_cmdpath = cli->cmdpath;
		if (rewrite_short_values(argc, argv, sopts, longopts) < 0) {
			st->status = PM_EXIT_ERROR;
			return PM_OPT_EXIT;
		}
	}
	int longindex = -1;
	int c;
	do /* a -X=false of a flag whose long form takes no value: as if not given */
		c = getopt_long(argc, argv, sopts, longopts, &longindex);
	while (c > 0 && c != '?' && c != ':' && optind > 0 && optind <= argc &&
	       is_negated(argv[optind - 1]));
	if (c == 'h') {
		pm_cli_usage(cli, usage);
		st->status = 0;
		return PM_OPT_EXIT;
	}
	if (c == 0 && longindex >= 0 && strcmp(longopts[longindex].name, "help") == 0) {
		pm_cli_usage(cli, usage);
		st->status = 0;
		return PM_OPT_EXIT;
	}
	if (c == '?' || c == ':') {
		const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
		bool is_long = arg && arg[0] == '-' && arg[1] == '-';
		_cleanup_free_ char *name = is_long ? strndup(arg, strcspn(arg, "=")) : NULL;
		if (c == ':' && is_long)
			pm_cli_errorf("flag needs an argument: %s", name);
		else if (c == ':')
			pm_cli_errorf("flag needs an argument: '%c' in -%c", optopt, optopt);
		else if (is_long)
			pm_cli_errorf("unknown flag: %s", name);
		else {
			/* pflag shows the cluster from the unknown char on ("'b' in -bogus" for
			 * -dbogus); getopt has moved past the cluster only when it was the last */
			const char *cl = NULL;
			for (int k = optind; k >= optind - 1 && k >= 1 && !cl; k--)
				if (k < argc && argv[k][0] == '-' && argv[k][1] != '-' && optopt &&
				    strchr(argv[k] + 1, optopt))
					cl = strchr(argv[k] + 1, optopt);
			if (cl)
				pm_cli_errorf("unknown shorthand flag: '%c' in -%s", optopt, cl);
			else
				pm_cli_errorf("unknown shorthand flag: '%c' in %s",
					      optopt ? optopt : '?', arg);
		}
		fprintf(stderr, "See '%s --help'\n", cli->cmdpath); /* podman's, every time */
		st->status = PM_EXIT_ERROR;
		return PM_OPT_EXIT;
	}
	return c;
}

bool pm_cli_parse_format_only(struct pm_cli *cli, int argc, char **argv, const char *usage,
			      const char **ret_format, int *ret_status)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	int c;
	*ret_format = NULL;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:", opts, usage)) != -1) {
		if (c == PM_OPT_EXIT) {
			*ret_status = st.status;
			return false;
		}
		if (c == 'f')
			*ret_format = optarg;
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 0)) {
		*ret_status = PM_EXIT_ERROR;
		return false;
	}
	return true;
}

bool pm_cli_nargs(struct pm_cli *cli, int nargs, int min, int max)
{
	if (nargs >= min && (max < 0 || nargs <= max))
		return true;
	/* cobra's words (podman's argument checks), and podman's validate.NoArgs */
	if (max == 0)
		fprintf(stderr, "Error: `%s` takes no arguments\n", cli->cmdpath);
	else if (min == max)
		fprintf(stderr, "Error: accepts %d arg(s), received %d\n", min, nargs);
	else if (max < 0)
		fprintf(stderr, "Error: requires at least %d arg(s), only received %d\n", min,
			nargs);
	else if (min == 0)
		fprintf(stderr, "Error: accepts at most %d arg(s), received %d\n", max, nargs);
	else
		fprintf(stderr, "Error: accepts between %d and %d arg(s), received %d\n", min, max,
			nargs);
	return false;
}

int pm_cli_enter_userns(struct pm_cli *cli, pm_error **err)
{
	return pm_rootless_enter(&cli->paths, err);
}

int pm_cli_output_open(struct pm_cli_output *o, const char *path, const char *tty_msg,
		       bool volume_words)
{
	*o = (struct pm_cli_output){.path = path, .fd = STDOUT_FILENO};
	if (!path) {
		if (isatty(STDOUT_FILENO))
			return pm_cli_errorf("%s", tty_msg);
		return 0;
	}
	o->tmp = pm_xasprintf("%s.tmp-XXXXXX", path);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		/* podman's words, Go's lower-case strerror */
		char cause[128];
		pm_go_strerror(errno, cause, sizeof(cause));
		int status = volume_words ? pm_cli_errorf("could not create tarball file '%s': "
							  "open %s: %s",
							  path, path, cause)
					  : pm_cli_errorf("creating file \"%s\": open %s: %s", path,
							  path, cause);
		free(o->tmp);
		o->tmp = NULL;
		return status;
	}
	fchmod(o->fd, 0644);
	return 0;
}

int pm_cli_output_done(struct pm_cli_output *o)
{
	if (!o->tmp)
		return 0;
	if (fsync(o->fd) < 0 || rename(o->tmp, o->path) < 0) {
		int status = pm_cli_errorf("writing '%s': %m", o->path);
		pm_cli_output_abort(o);
		return status;
	}
	close(o->fd);
	o->fd = -1;
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void pm_cli_output_abort(struct pm_cli_output *o)
{
	if (!o->tmp)
		return;
	unlink(o->tmp);
	close(o->fd);
	o->fd = -1;
	free(o->tmp);
	o->tmp = NULL;
}
