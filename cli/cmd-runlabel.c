/* cmd-runlabel.c: `pm container runlabel [options] LABEL IMAGE [ARG...]` (podman 4.3): run
 * the command an image's label holds, on the host. The label (ARGs appended, joined by
 * spaces) is split as a shell would (quotes, backslashes); a leading `podman` (or any
 * `docker`) becomes pm's own path; IMAGE, $IMAGE, ${IMAGE} become the image's first name
 * (or id), NAME, $NAME, ${NAME} the --name or the image's base name without its tag, also
 * after an "=" (IMAGE=IMAGE, =IMAGE); then $OPT1..$OPT3 (from the environment), $PWD and
 * any other $VAR are expanded (unknown ones to nothing) and the result split again, as
 * podman's os.Expand + shlex. --display prints "command: ARGV0 ARGS..." (podman's form,
 * the program as pm was invoked only when it is pm itself); otherwise the command runs as
 * a child with PODMAN_RUNLABEL_NESTED=1, and a failure is podman's
 * "`CMD` failed: exit status N" (exit 125). --replace removes the container the command's
 * --name names first (`pm rm -f`). An image not stored is pulled first (`pm pull`, with the
 * registry flags) unless the deprecated --pull=false. Runs outside the user namespace:
 * the label's command runs as the user, as podman's does. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

static const char runlabel_usage[] =
	"Execute the command described by an image label\n"
	"\n"
	"Description:\n"
	"  Executes a command as described by a container image label.\n"
	"\n"
	"Usage:\n"
	"  pm container runlabel [options] LABEL IMAGE [ARG...]\n"
	"\n"
	"Examples:\n"
	"  pm container runlabel run imageID\n"
	"  pm container runlabel install imageID arg1 arg2\n"
	"  pm container runlabel --display run myImage\n"
	"\n"
	"Options:\n"
	"      --authfile string     Path of the authentication file. Use REGISTRY_AUTH_FILE "
	"environment variable to override\n"
	"      --cert-dir Pathname   Pathname of a directory containing TLS certificates and keys\n"
	"      --creds Credentials   Credentials (USERNAME:PASSWORD) to use for authenticating to "
	"a registry\n"
	"      --display             Preview the command that the label would run\n"
	"  -n, --name string         Assign a name to the container\n"
	"  -q, --quiet               Suppress output information when installing images\n"
	"      --replace             Replace existing container with a new one from the image\n"
	"      --tls-verify          Require HTTPS and verify certificates when contacting "
	"registries (default true)\n";

/* Split s as google/shlex does for a label: blanks separate words, '...' is literal,
 * "..." takes \" \\ \$ \` escapes, a backslash outside quotes escapes the next character, a
 * '#' starting a word starts a comment. -EINVAL for an unclosed quote. */
static int split_words(const char *s, char ***ret)
{
	_cleanup_strv_ char **v = NULL;
	size_t cap = strlen(s) + 1;
	_cleanup_free_ char *w = pm_xmalloc(cap);
	size_t n = 0;
	bool in_word = false;
	for (const char *p = s; *p; p++) {
		if (isspace((unsigned char)*p)) {
			if (in_word) {
				w[n] = 0;
				pm_strv_push(&v, w);
				n = 0;
				in_word = false;
			}
			continue;
		}
		if (*p == '#' && !in_word)
			break;
		in_word = true;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				w[n++] = *p;
			if (!*p)
				return -EINVAL;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				w[n++] = *p;
			}
			if (!*p)
				return -EINVAL;
		} else if (*p == '\\') {
			if (!p[1])
				return -EINVAL;
			w[n++] = *++p;
		} else {
			w[n++] = *p;
		}
	}
	if (in_word) {
		w[n] = 0;
		pm_strv_push(&v, w);
	}
	if (!v)
		v = pm_xcalloc(1, sizeof(char *));
	*ret = TAKE_PTR(v);
	return 0;
}

/* word is VAR, $VAR or ${VAR} */
static bool is_var(const char *word, const char *var)
{
	size_t l = strlen(var);
	if (strcmp(word, var) == 0)
		return true;
	if (word[0] != '$')
		return false;
	if (strcmp(word + 1, var) == 0)
		return true;
	return word[1] == '{' && strncmp(word + 2, var, l) == 0 && strcmp(word + 2 + l, "}") == 0;
}

/* IMAGE / NAME, alone or after the last '=' of a word */
static char *substitute(const char *word, const char *image, const char *name)
{
	if (is_var(word, "IMAGE"))
		return pm_xstrdup(image);
	if (is_var(word, "NAME"))
		return pm_xstrdup(name);
	const char *eq = strrchr(word, '=');
	if (eq) {
		int pre = (int)(eq - word) + 1;
		if (is_var(eq + 1, "IMAGE"))
			return pm_xasprintf("%.*s%s", pre, word, image);
		if (is_var(eq + 1, "NAME"))
			return pm_xasprintf("%.*s%s", pre, word, name);
	}
	return pm_xstrdup(word);
}

static const char *expand_var(const char *var, size_t len, const char *cwd)
{
	if (len == 4 && (strncmp(var, "OPT1", 4) == 0 || strncmp(var, "OPT2", 4) == 0 ||
			 strncmp(var, "OPT3", 4) == 0)) {
		char k[5] = {0};
		memcpy(k, var, 4);
		const char *v = getenv(k);
		return v ? v : "";
	}
	if (len == 3 && strncmp(var, "PWD", 3) == 0)
		return cwd ? cwd : "";
	return "";
}

/* Go's os.Expand with podman's mapper: $NAME / ${NAME} */
static char *expand(const char *s)
{
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	size_t cap = 64, n = 0;
	char *out = pm_xmalloc(cap);
#define PUT(str, len)                                                                              \
	do {                                                                                       \
		while (n + (len) + 1 > cap)                                                        \
			out = pm_xrealloc(out, cap *= 2);                                          \
		memcpy(out + n, (str), (len));                                                     \
		n += (len);                                                                        \
	} while (0)
	for (const char *p = s; *p; p++) {
		if (*p != '$') {
			PUT(p, 1);
			continue;
		}
		const char *v = NULL;
		size_t l = 0;
		if (p[1] == '{') {
			const char *e = strchr(p + 2, '}');
			if (!e) { /* bad syntax: eaten */
				p++;
				continue;
			}
			v = p + 2;
			l = (size_t)(e - v);
			p = e;
		} else if (isalnum((unsigned char)p[1]) || p[1] == '_') {
			v = p + 1;
			while (isalnum((unsigned char)v[l]) || v[l] == '_')
				l++;
			p += l;
		} else {
			PUT(p, 1);
			continue;
		}
		const char *val = expand_var(v, l, cwd);
		PUT(val, strlen(val));
	}
#undef PUT
	out[n] = 0;
	return out;
}

/* Run argv (argv[0] a path or looked up in PATH); out_null: stdout (and stderr) to
 * /dev/null. Returns the wait status, or -errno. */
static int run_child(char *const *argv, bool out_null, bool err_null)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (out_null || err_null) {
			int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (fd >= 0 && out_null)
				dup2(fd, 1);
			if (fd >= 0 && err_null)
				dup2(fd, 2);
		}
		setenv("PODMAN_RUNLABEL_NESTED", "1", 1);
		execvp(argv[0], argv);
		fprintf(stderr, "Error: exec: \"%s\": %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return st;
}

/* podman's "`CMD ARGS` failed: exit status N" (a blank after CMD even without ARGS) */
static int child_failed(char *const *cmd, int st)
{
	_cleanup_free_ char *args = pm_strv_join((char *const *)cmd + 1, " ");
	_cleanup_free_ char *line = pm_xasprintf("%s %s", cmd[0], args);
	if (st < 0)
		return pm_cli_errorf("`%s` failed: %s", line, strerror(-st));
	if (WIFSIGNALED(st))
		return pm_cli_errorf("`%s` failed: signal: %s", line, strsignal(WTERMSIG(st)));
	return pm_cli_errorf("`%s` failed: exit status %d", line, WEXITSTATUS(st));
}

struct runlabel_opts {
	const char *name, *authfile, *cert_dir, *creds, *tls_verify;
	bool display, quiet, replace, pull;
};

/* The stored image, pulled first (a `pm pull` child) when missing and o->pull. */
static int find_image(struct pm_cli *cli, struct pm_store *s, const char *self, const char *ref,
		      const struct runlabel_opts *o, struct pm_image_record *rec)
{
	_cleanup_error_ pm_error *err = NULL;
	if (pm_image_resolve(s, ref, rec, &err) == 0)
		return 0;
	if (!o->pull || err->code != ENOENT)
		return pm_cli_error(err);
	_cleanup_strv_ char **pull = NULL;
	pm_strv_push(&pull, self);
	if (cli->root_opt)
		pm_strv_consume(&pull, pm_xasprintf("--root=%s", cli->root_opt));
	if (cli->runroot_opt)
		pm_strv_consume(&pull, pm_xasprintf("--runroot=%s", cli->runroot_opt));
	if (cli->storage_driver)
		pm_strv_consume(&pull, pm_xasprintf("--storage-driver=%s", cli->storage_driver));
	pm_strv_push(&pull, "pull");
	if (o->quiet)
		pm_strv_push(&pull, "-q");
	if (o->authfile)
		pm_strv_consume(&pull, pm_xasprintf("--authfile=%s", o->authfile));
	if (o->cert_dir)
		pm_strv_consume(&pull, pm_xasprintf("--cert-dir=%s", o->cert_dir));
	if (o->creds)
		pm_strv_consume(&pull, pm_xasprintf("--creds=%s", o->creds));
	if (o->tls_verify)
		pm_strv_consume(&pull, pm_xasprintf("--tls-verify=%s", o->tls_verify));
	pm_strv_push(&pull, "--");
	pm_strv_push(&pull, ref);
	int st = run_child(pull, true, false);
	if (st != 0) /* pm pull said why */
		return PM_EXIT_ERROR;
	pm_error_free(err);
	err = NULL;
	if (pm_image_resolve(s, ref, rec, &err) < 0)
		return pm_cli_error(err);
	return 0;
}

/* podman's name from an image name: the last path part, without its tag */
static char *base_name(const char *image)
{
	const char *b = strrchr(image, '/');
	b = b ? b + 1 : image;
	size_t l = strcspn(b, ":@");
	return pm_xstrndup(b, l);
}

int cmd_container_runlabel(struct pm_cli *cli, int argc, char **argv)
{
	enum { O_AUTHFILE = 1, O_CERT_DIR, O_CREDS, O_DISPLAY, O_REPLACE, O_TLS, O_PULL };
	static const struct option opts[] = {
		{"authfile", required_argument, NULL, O_AUTHFILE},
		{"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"creds", required_argument, NULL, O_CREDS},
		{"display", no_argument, NULL, O_DISPLAY},
		{"help", no_argument, NULL, 'h'},
		{"name", required_argument, NULL, 'n'},
		{"pull", optional_argument, NULL, O_PULL},
		{"quiet", no_argument, NULL, 'q'},
		{"replace", no_argument, NULL, O_REPLACE},
		{"tls-verify", optional_argument, NULL, O_TLS},
		{NULL, 0, NULL, 0},
	};
	struct runlabel_opts o = {.pull = true};
	struct pm_opt_state st = {0};
	int c;
	bool pull_said = false;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "+n:pq", opts, runlabel_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case O_AUTHFILE:
			o.authfile = optarg;
			break;
		case O_CERT_DIR:
			o.cert_dir = optarg;
			break;
		case O_CREDS:
			o.creds = optarg;
			break;
		case O_DISPLAY:
			o.display = true;
			break;
		case O_REPLACE:
			o.replace = true;
			break;
		case O_TLS:
			o.tls_verify = optarg ? optarg : "true";
			if (strcmp(o.tls_verify, "true") && strcmp(o.tls_verify, "false"))
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"--tls-verify\" flag: "
					"strconv.ParseBool: parsing \"%s\": invalid syntax",
					o.tls_verify, o.tls_verify);
			break;
		case 'p':
		case O_PULL:
			if (optarg && strcmp(optarg, "true") && strcmp(optarg, "false"))
				return pm_cli_errorf(
					"invalid argument \"%s\" for \"-p, --pull\" flag: "
					"strconv.ParseBool: parsing \"%s\": invalid syntax",
					optarg, optarg);
			o.pull = !optarg || strcmp(optarg, "true") == 0;
			if (!pull_said)
				fprintf(stderr,
					"Flag --pull has been deprecated, pm will pull if not "
					"found in local storage\n");
			pull_said = true;
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 2, -1))
		return PM_EXIT_ERROR;
	const char *label = argv[optind], *ref = argv[optind + 1];
	if (o.authfile && access(o.authfile, F_OK) < 0) {
		char msg[128];
		pm_go_strerror(errno, msg, sizeof(msg));
		return pm_cli_errorf("stat %s: %s", o.authfile, msg);
	}

	_cleanup_free_ char *self = pm_read_link("/proc/self/exe");
	if (!self)
		return pm_cli_errorf("cannot find pm's own path: %s", strerror(errno));
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record rec = {0};
	int r = find_image(cli, s, self, ref, &o, &rec);
	if (r)
		return r;
	struct pm_image_config cfg = {0};
	r = pm_image_read_config(s, &rec, &cfg, NULL, &err);
	const char *value = NULL;
	size_t ll = strlen(label);
	for (char **l = r == 0 ? cfg.config.labels : NULL; l && *l; l++)
		if (strncmp(*l, label, ll) == 0 && (*l)[ll] == '=')
			value = *l + ll + 1;
	_cleanup_free_ char *runlabel = value && *value ? pm_xstrdup(value) : NULL;
	_cleanup_free_ char *image = pm_xstrdup(rec.names && rec.names[0] ? rec.names[0] : rec.id);
	pm_image_config_free(&cfg);
	pm_image_record_free(&rec);
	if (r < 0)
		return pm_cli_error(err);
	if (!runlabel)
		return pm_cli_errorf("cannot find the value of label: %s in image: %s", label, ref);

	_cleanup_free_ char *name = o.name ? pm_xstrdup(o.name) : base_name(image);
	for (int i = optind + 2; i < argc; i++) {
		char *t = pm_xasprintf("%s %s", runlabel, argv[i]);
		free(runlabel);
		runlabel = t;
	}
	_cleanup_strv_ char **words = NULL;
	if (split_words(runlabel, &words) < 0 || !words[0])
		return pm_cli_errorf("invalid label %s: '%s' is not a command", label, runlabel);
	_cleanup_strv_ char **subst = NULL;
	bool is_self = false;
	for (char **w = words; *w; w++) {
		if (w == words) {
			const char *b = strrchr(*w, '/');
			is_self =
				strcmp(*w, "podman") == 0 || strcmp(b ? b + 1 : *w, "docker") == 0;
			pm_strv_push(&subst, is_self ? self : *w);
		} else {
			pm_strv_consume(&subst, substitute(*w, image, name));
		}
	}
	_cleanup_free_ char *joined = pm_strv_join(subst, " ");
	_cleanup_free_ char *expanded = expand(joined);
	_cleanup_strv_ char **cmd = NULL;
	if (split_words(expanded, &cmd) < 0 || !cmd[0])
		return pm_cli_errorf("invalid label %s: '%s' is not a command", label, expanded);

	if (o.display) {
		printf("command: %s", is_self ? cli->argv[0] : cmd[0]);
		for (char **w = cmd + 1; *w; w++)
			printf(" %s", *w);
		printf("\n");
		return 0;
	}
	if (o.replace) {
		for (char **w = cmd; *w && w[1]; w++) {
			if (strcmp(*w, "--name"))
				continue;
			char *rm[] = {self, "rm", "-f", "-i", w[1], NULL};
			int rs = run_child(rm, true, false);
			if (rs != 0)
				return child_failed(rm, rs);
			break;
		}
	}
	if (is_self) { /* pm's global flags that name the storage, for the nested pm */
		_cleanup_strv_ char **g = NULL;
		pm_strv_push(&g, cmd[0]);
		if (cli->root_opt)
			pm_strv_consume(&g, pm_xasprintf("--root=%s", cli->root_opt));
		if (cli->runroot_opt)
			pm_strv_consume(&g, pm_xasprintf("--runroot=%s", cli->runroot_opt));
		if (cli->storage_driver)
			pm_strv_consume(&g,
					pm_xasprintf("--storage-driver=%s", cli->storage_driver));
		for (char **w = cmd + 1; *w; w++)
			pm_strv_push(&g, *w);
		pm_strv_free(cmd);
		cmd = TAKE_PTR(g);
	}
	int cs = run_child(cmd, o.quiet, o.quiet);
	if (cs != 0)
		return child_failed(cmd, cs);
	return 0;
}
