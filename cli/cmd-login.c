/* cmd-login.c: `pm login [options] REGISTRY` (podman login): checks the credentials against
 * the registry (registry/client.h's ping with the auth challenge answered) and stores them
 * in the auth file (registry/auth.h). Prompts as podman does: the user name read as a line
 * from stdin, the password only from a terminal (echo off). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "lib/strutil.h"
#include "registry/auth.h"
#include "registry/client.h"

static const char usage[] =
	"Log in to a container registry\n"
	"\n"
	"Usage:\n"
	"  pm login [options] REGISTRY\n"
	"\n"
	"Options:\n"
	"      --authfile string   path of the authentication file (default "
	"${XDG_RUNTIME_DIR}/containers/auth.json)\n"
	"      --cert-dir string   use certificates at the specified path to access the registry\n"
	"      --get-login         return the current login user for the registry\n"
	"  -p, --password string   Password for registry\n"
	"      --password-stdin    Take the password from stdin\n"
	"      --tls-verify        require HTTPS and verify certificates when contacting "
	"registries (default true)\n"
	"  -u, --username string   Username for registry\n"
	"  -v, --verbose           Write more detailed information to stdout\n";

enum {
	OPT_AUTHFILE = 1000,
	OPT_CERT_DIR,
	OPT_GET_LOGIN,
	OPT_PASSWORD_STDIN,
	OPT_TLS_VERIFY,
};

/* "Username: " read as one line from stdin; "Username (OLD): " offers the stored user name,
 * taken on an empty line. */
static int read_username(const char *old, char **ret, pm_error **err)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	if (old && *old)
		printf("Username (%s): ", old);
	else
		printf("Username: ");
	fflush(stdout);
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0)
		return pm_error_set(err, EIO,
				    "getting username and password: reading username: EOF");
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	if (!*line && old && *old) {
		*ret = pm_xstrdup(old);
		return 0;
	}
	*ret = TAKE_PTR(line);
	return 0;
}

/* "Password: " read from the terminal with echo off; not a terminal is podman's error. */
static int read_password(char **ret, pm_error **err)
{
	struct termios old, quiet;
	printf("Password: ");
	fflush(stdout);
	if (tcgetattr(STDIN_FILENO, &old) < 0)
		return pm_error_set(
			err, ENOTTY,
			"getting username and password: reading password: inappropriate "
			"ioctl for device");
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (n < 0)
		return pm_error_set(err, EIO,
				    "getting username and password: reading password: EOF");
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	*ret = TAKE_PTR(line);
	return 0;
}

/* All of stdin, without the trailing newline (--password-stdin). */
static int read_stdin_password(char **ret, pm_error **err)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap) {
			if (cap >= (1u << 20)) {
				free(buf);
				return pm_error_set(err, EFBIG,
						    "--password-stdin: more than 1 MiB");
			}
			cap = cap ? cap * 2 : 4096;
			buf = pm_xrealloc(buf, cap + 1);
		}
		ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return pm_error_set_errno(err, errno, "reading the password from stdin");
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf = buf ? buf : pm_xmalloc(1);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = 0;
	*ret = buf;
	return 0;
}

/* The registry's host[:port]: the key up to its first '/'. */
static char *key_host(const char *key)
{
	return pm_xstrndup(key, strcspn(key, "/"));
}

/* Check user/pass against the registry: 0, -EACCES when refused, else the error. */
static int check_auth(const char *key, const struct pm_registry_opts *base, const char *user,
		      const char *pass, pm_error **err)
{
	_cleanup_free_ char *host = key_host(key);
	struct pm_registry_opts o = *base;
	o.username = user;
	o.password = pass;
	_cleanup_registry_ struct pm_registry *r = NULL;
	int k = pm_registry_open(host, &o, &r, err);
	if (k < 0)
		return k;
	return pm_registry_ping(r, err);
}

int cmd_login(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"authfile", required_argument, NULL, OPT_AUTHFILE},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"get-login", no_argument, NULL, OPT_GET_LOGIN},
		{"password", required_argument, NULL, 'p'},
		{"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
		{"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
		{"username", required_argument, NULL, 'u'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 0},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	struct pm_registry_opts o = {.tls_verify = -1};
	const char *user = NULL, *pass = NULL;
	bool get_login = false, pass_stdin = false, verbose = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "p:u:v", opts, usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case OPT_AUTHFILE:
			o.authfile = optarg;
			break;
		case OPT_CERT_DIR:
			o.cert_dir = optarg;
			break;
		case OPT_GET_LOGIN:
			get_login = true;
			break;
		case 'p':
			pass = optarg;
			break;
		case OPT_PASSWORD_STDIN:
			pass_stdin = true;
			break;
		case OPT_TLS_VERIFY: {
			bool b;
			if (pm_cli_bool_arg("tls-verify", optarg, &b))
				return PM_EXIT_ERROR;
			o.tls_verify = b;
			break;
		}
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			break;
		}
	}
	int nargs = argc - optind;
	if (nargs == 0)
		return pm_cli_errorf("no registries found in registries.conf, a registry must be "
				     "provided");
	if (nargs > 1)
		return pm_cli_errorf("accepts at most 1 arg(s), received %d", nargs);

	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *key = pm_auth_key_normalize(argv[optind]);
	_cleanup_free_ char *path = pm_auth_file_path(o.authfile);
	_cleanup_free_ char *old_user = NULL, *old_pass = NULL;
	_cleanup_free_ char *in_user = NULL, *in_pass = NULL;
	int k;
	if (!*key || *key == '/')
		return pm_cli_errorf("invalid registry '%s'", argv[optind]);

	if (get_login) {
		k = pm_auth_lookup(o.authfile, key, &old_user, &old_pass, &err);
		if (k < 0)
			return pm_cli_error(err);
		if (k == 0)
			return pm_cli_errorf("not logged into %s", key);
		printf("%s\n", old_user);
		return 0;
	}
	if (pass_stdin && pass)
		return pm_cli_errorf("Can't specify both --password-stdin and --password");
	if (pass_stdin && !user)
		return pm_cli_errorf("Must provide --username with --password-stdin");
	if (pass_stdin) {
		if (read_stdin_password(&in_pass, &err) < 0)
			return pm_cli_error(err);
		pass = in_pass;
	}

	if (!user && !pass) {
		/* stored credentials that still work need no prompt */
		k = pm_auth_lookup(o.authfile, key, &old_user, &old_pass, &err);
		if (k < 0)
			return pm_cli_error(err);
		if (k > 0 && *old_user && *old_pass) {
			printf("Authenticating with existing credentials for %s\n", key);
			pm_error *e = NULL;
			if (check_auth(key, &o, old_user, old_pass, &e) >= 0) {
				printf("Existing credentials are valid. Already logged in to %s\n",
				       key);
				return 0;
			}
			pm_error_free(e);
			printf("Existing credentials are invalid, please enter valid username and "
			       "password\n");
		}
	}
	if (!user || !*user) {
		if (read_username(old_user, &in_user, &err) < 0)
			return pm_cli_error(err);
		user = in_user;
	}
	if (!pass || !*pass) {
		if (read_password(&in_pass, &err) < 0)
			return pm_cli_error(err);
		pass = in_pass;
	}

	k = check_auth(key, &o, user, pass, &err);
	if (k == -EACCES)
		return pm_cli_errorf("logging into \"%s\": invalid username/password", key);
	if (k < 0) {
		pm_error_prefix(&err, "authenticating creds for \"%s\"", key);
		return pm_cli_error(err);
	}
	if (pm_auth_store(o.authfile, key, user, pass, &err) < 0) {
		pm_error_prefix(&err, "storing the credentials for %s", key);
		return pm_cli_error(err);
	}
	if (verbose)
		printf("Used:  %s\n", path);
	printf("Login Succeeded!\n");
	return 0;
}
