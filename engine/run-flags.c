/* run-flags.c: podman's --ulimit, --sysctl, --device, --tz and --expose (run-flags.h).
 * Messages are podman 4.3's. Never prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <pwd.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "engine/idmap.h"
#include "engine/run-flags.h"
#include "lib/strutil.h"
#include "rootless/userns.h"

static const struct {
	const char *name;
	int resource;
	const char *rname;
} ulimit_names[] = {
	{"core", RLIMIT_CORE, "RLIMIT_CORE"},
	{"cpu", RLIMIT_CPU, "RLIMIT_CPU"},
	{"data", RLIMIT_DATA, "RLIMIT_DATA"},
	{"fsize", RLIMIT_FSIZE, "RLIMIT_FSIZE"},
	{"locks", RLIMIT_LOCKS, "RLIMIT_LOCKS"},
	{"memlock", RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK"},
	{"msgqueue", RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE"},
	{"nice", RLIMIT_NICE, "RLIMIT_NICE"},
	{"nofile", RLIMIT_NOFILE, "RLIMIT_NOFILE"},
	{"nproc", RLIMIT_NPROC, "RLIMIT_NPROC"},
	{"rss", RLIMIT_RSS, "RLIMIT_RSS"},
	{"rtprio", RLIMIT_RTPRIO, "RLIMIT_RTPRIO"},
	{"rttime", RLIMIT_RTTIME, "RLIMIT_RTTIME"},
	{"sigpending", RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING"},
	{"stack", RLIMIT_STACK, "RLIMIT_STACK"},
};

/* strerror as Go spells it ("no such file or directory") */
static int set_errno_go(pm_error **err, int code, const char *what)
{
	char buf[128];
	return pm_error_set(err, code, "%s: %s", what, pm_go_strerror(code, buf, sizeof(buf)));
}

/* Go's strconv.ParseInt(s, 10, 64) */
static int parse_i64(const char *s, int64_t *ret)
{
	if (!*s || (s[0] == '+' && !s[1]) || (s[0] == '-' && !s[1]))
		return -EINVAL;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || s[0] == ' ' || errno)
		return -EINVAL;
	*ret = v;
	return 0;
}

int pm_config_parse_ulimit(const char *v, struct pm_ulimit *ret, pm_error **err)
{
#define ULIMIT_ERR(fmt, ...)                                                                       \
	pm_error_set(err, EINVAL,                                                                  \
		     "ulimit option \"%s\" requires name=SOFT:HARD, failed to be parsed: " fmt, v, \
		     __VA_ARGS__)
	if (!strcmp(v, "host")) { /* podman's: the caller's own limits */
		*ret = (struct pm_ulimit){.resource = -1, .name = "host"};
		return 0;
	}
	const char *eq = strchr(v, '=');
	if (!eq)
		return ULIMIT_ERR("invalid ulimit argument: %s", v);
	_cleanup_free_ char *name = pm_xstrndup(v, (size_t)(eq - v));
	size_t i;
	for (i = 0; i < ARRAY_SIZE(ulimit_names); i++)
		if (!strcmp(ulimit_names[i].name, name))
			break;
	if (i == ARRAY_SIZE(ulimit_names))
		return ULIMIT_ERR("invalid ulimit type: %s", name);
	_cleanup_free_ char *vals = pm_xstrdup(eq + 1);
	char *colon = strchr(vals, ':');
	if (colon)
		*colon++ = '\0';
	if (colon && strchr(colon, ':'))
		return ULIMIT_ERR("too many limit value arguments - %s, can only have up to two, "
				  "`soft[:hard]`",
				  eq + 1);
	int64_t soft, hard;
	if (parse_i64(vals, &soft) < 0)
		return ULIMIT_ERR("strconv.ParseInt: parsing \"%s\": invalid syntax", vals);
	hard = soft;
	if (colon && parse_i64(colon, &hard) < 0)
		return ULIMIT_ERR("strconv.ParseInt: parsing \"%s\": invalid syntax", colon);
	if (soft > hard && hard != -1)
		return ULIMIT_ERR("ulimit soft limit must be less than or equal to hard limit: "
				  "%lld > %lld",
				  (long long)soft, (long long)hard);
#undef ULIMIT_ERR
	*ret = (struct pm_ulimit){.resource = ulimit_names[i].resource,
				  .name = ulimit_names[i].rname,
				  .soft = soft,
				  .hard = hard};
	return 0;
}

/* podman's define.RLimitDefaultValue: the most a default gives */
#define ULIMIT_DEFAULT_MAX UINT64_C(1048576)

void pm_config_ulimit_base(struct pm_ulimit_base *ret)
{
	struct rlimit nofile = {RLIM_INFINITY, RLIM_INFINITY}, nproc = nofile;
	(void)getrlimit(RLIMIT_NOFILE, &nofile);
	(void)getrlimit(RLIMIT_NPROC, &nproc);
	/* podman's rootless.IsRootless(): not uid 0, or inside its own user namespace */
	*ret = (struct pm_ulimit_base){.root = geteuid() == 0 &&
					       !getenv(PM_ROOTLESS_ENV_CONFIGURED),
				       .nofile_hard = nofile.rlim_max,
				       .nproc_soft = nproc.rlim_cur,
				       .nproc_hard = nproc.rlim_max};
	char buf[32];
	int fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *end;
	unsigned long long v = strtoull(buf, &end, 10);
	if (end != buf && (*end == '\n' || !*end))
		ret->pid_max = v;
}

static uint64_t cap_default(uint64_t v)
{
	return v < ULIMIT_DEFAULT_MAX ? v : ULIMIT_DEFAULT_MAX;
}

char **pm_config_ulimits_resolve(char *const *given, const struct pm_ulimit_base *b)
{
	struct pm_ulimit u;
	for (char *const *v = given; v && *v; v++)
		if (pm_config_parse_ulimit(*v, &u, NULL) == 0 && u.resource < 0) {
			char **host = NULL;
			pm_strv_push(&host, "host");
			return host;
		}
	/* podman's process: its nofile raised as far as it goes; its nproc lowered (or
	 * raised) to containers.conf's default, pid_max, when the hard limit allows */
	uint64_t nofile = b->root || b->nofile_hard >= ULIMIT_DEFAULT_MAX ? ULIMIT_DEFAULT_MAX
									  : b->nofile_hard;
	uint64_t want = b->pid_max ? b->pid_max : ULIMIT_DEFAULT_MAX, def_nproc = 0;
	uint64_t nproc_soft = b->nproc_soft, nproc_hard = b->nproc_hard;
	if (b->root || want <= b->nproc_hard)
		def_nproc = want;
	else if (ULIMIT_DEFAULT_MAX <= b->nproc_hard)
		def_nproc = ULIMIT_DEFAULT_MAX;
	if (def_nproc)
		nproc_soft = nproc_hard = def_nproc;
	if (b->root)
		nofile = nproc_soft = nproc_hard = ULIMIT_DEFAULT_MAX;

	char **list = NULL;
	if (!given || !*given) {
		if (!def_nproc)
			return NULL; /* podman: no rlimits in the spec at all */
		pm_strv_consume(&list, pm_xasprintf("nofile=%" PRIu64 ":%" PRIu64, nofile, nofile));
		pm_strv_consume(&list,
				pm_xasprintf("nproc=%" PRIu64 ":%" PRIu64, def_nproc, def_nproc));
		return list;
	}
	/* the OCI default spec's nofile comes first; a given value replaces the entry of its
	 * name in place (podman's AddProcessRlimits) */
	pm_strv_consume(&list, pm_xasprintf("nofile=%" PRIu64 ":%" PRIu64, nofile, nofile));
	int res[ARRAY_SIZE(ulimit_names)] = {RLIMIT_NOFILE};
	size_t n = 1;
	bool nproc_set = false;
	for (char *const *v = given; *v; v++) {
		if (pm_config_parse_ulimit(*v, &u, NULL) < 0)
			continue;
		nproc_set |= u.resource == RLIMIT_NPROC;
		size_t i = 0;
		while (i < n && res[i] != u.resource)
			i++;
		if (i < n) {
			free(list[i]);
			list[i] = pm_xstrdup(*v);
		} else if (n < ARRAY_SIZE(res)) {
			res[n++] = u.resource;
			pm_strv_push(&list, *v);
		}
	}
	if (!nproc_set)
		pm_strv_consume(&list,
				pm_xasprintf("nproc=%" PRIu64 ":%" PRIu64, cap_default(nproc_soft),
					     cap_default(nproc_hard)));
	return list;
}

int pm_config_rlimits(char *const *ulimits, struct pm_runtime_rlimit **ret, size_t *ret_n,
		      pm_error **err)
{
	bool nofile = false;
	for (char *const *v = ulimits; v && *v; v++) {
		struct pm_ulimit ul;
		int r = pm_config_parse_ulimit(*v, &ul, err);
		if (r < 0)
			return r;
		if (ul.resource < 0) { /* host: none */
			*ret_n = 0;
			nofile = false;
			break;
		}
		nofile |= ul.resource == RLIMIT_NOFILE;
		*ret = pm_xrealloc(*ret, sizeof(**ret) * (*ret_n + 1));
		(*ret)[(*ret_n)++] = (struct pm_runtime_rlimit){
			.resource = ul.resource, .soft = ul.soft, .hard = ul.hard};
	}
	/* none: pm's own, but for the soft nofile raised to the hard one, as podman's process
	 * raises its own, which its containers then inherit */
	struct rlimit rl;
	if (!nofile && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
		int64_t hard = rl.rlim_max == RLIM_INFINITY ? -1 : (int64_t)rl.rlim_max;
		*ret = pm_xrealloc(*ret, sizeof(**ret) * (*ret_n + 1));
		(*ret)[(*ret_n)++] = (struct pm_runtime_rlimit){
			.resource = RLIMIT_NOFILE, .soft = hard, .hard = hard};
	}
	return 0;
}

static const char *const ipc_sysctls[] = {"kernel.msgmax", "kernel.msgmnb",	    "kernel.msgmni",
					  "kernel.sem",	   "kernel.shmall",	    "kernel.shmmax",
					  "kernel.shmmni", "kernel.shm_rmid_forced"};

int pm_config_check_sysctl(const char *network, const char *ipc_mode, const char *v, pm_error **err)
{
	const char *eq = strchr(v, '=');
	if (!eq)
		return pm_error_set(err, EINVAL,
				    "%s is invalid, sysctl values must be in the form of KEY=VALUE",
				    v);
	_cleanup_free_ char *key = pm_xstrndup(v, (size_t)(eq - v));
	const char *val = eq + 1;
	size_t kl = strlen(key), vl = strlen(val);
	if (!kl || key[0] == ' ' || key[kl - 1] == ' ' ||
	    (vl && (val[0] == ' ' || val[vl - 1] == ' ')))
		return pm_error_set(err, EINVAL, "'%s' is invalid, extra spaces found", v);
	bool ipc = false, net = false;
	for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		ipc |= !strcmp(key, ipc_sysctls[i]);
	ipc |= pm_str_startswith(key, "fs.mqueue.");
	net = pm_str_startswith(key, "net.");
	if (!ipc && !net)
		return pm_error_set(err, EINVAL, "sysctl '%s' is not allowed", key);
	if (strstr(key, "..") || strchr(key, '/'))
		return pm_error_set(err, EINVAL, "sysctl '%s' is not allowed", key);
	if (net && network && !strcmp(network, "host"))
		return pm_error_set(err, EINVAL,
				    "sysctl %s can't be set since Network Namespace set to host: "
				    "invalid argument",
				    v);
	if (ipc && ipc_mode && !strcmp(ipc_mode, "host"))
		return pm_error_set(err, EINVAL,
				    "sysctl %s can't be set since IPC Namespace set to host: "
				    "invalid argument",
				    v);
	return 0;
}

static bool device_mode(const char *s)
{
	if (!*s || strlen(s) > 3)
		return false;
	for (const char *p = s; *p; p++)
		if (!strchr("rwm", *p) || strchr(p + 1, *p))
			return false;
	return true;
}

int pm_config_parse_device(const char *v, char **ret_src, char **ret_dst, char **ret_perms,
			   pm_error **err)
{
	_cleanup_strv_ char **parts = pm_strv_split(v, ":");
	size_t n = pm_strv_length(parts);
	const char *src = NULL, *dst = NULL, *perms = "rwm";
	if (n == 0 || n > 3)
		return pm_error_set(err, EINVAL, "invalid device specification: %s", v);
	if (n == 3) {
		if (!device_mode(parts[2]))
			return pm_error_set(err, EINVAL, "invalid device mode: %s", parts[2]);
		perms = parts[2];
	}
	if (n >= 2) {
		if (device_mode(parts[1]))
			perms = parts[1];
		else if (parts[1][0] && parts[1][0] != '/')
			return pm_error_set(err, EINVAL, "invalid device mode: %s", parts[1]);
		else if (parts[1][0])
			dst = parts[1];
	}
	src = parts[0];
	if (!dst)
		dst = src;
	struct stat st;
	if (stat(src, &st) < 0) {
		_cleanup_free_ char *what = pm_xasprintf("stat %s", src);
		return set_errno_go(err, errno, what);
	}
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return pm_error_set(err, EINVAL, "%s is not a valid device", src);
	if (dst[0] != '/')
		return pm_error_set(err, EINVAL, "invalid device mode: %s", dst);
	*ret_src = pm_xstrdup(src);
	*ret_dst = pm_xstrdup(dst);
	if (ret_perms)
		*ret_perms = pm_xstrdup(perms);
	return 0;
}

int pm_config_tz_file(const char *v, char **ret_path, pm_error **err)
{
	if (!strcmp(v, "local")) {
		char *p = realpath("/etc/localtime", NULL);
		if (!p)
			return pm_error_set_errno(err, errno,
						  "finding local timezone for container");
		*ret_path = p;
		return 0;
	}
	_cleanup_free_ char *path = pm_xasprintf("/usr/share/zoneinfo/%s", v);
	struct stat st;
	if (!*v || v[0] == '/' || strstr(v, ".."))
		return pm_error_set(err, EINVAL,
				    "running container create option: stat %s: no "
				    "such file or directory",
				    path);
	if (stat(path, &st) < 0) {
		_cleanup_free_ char *what =
			pm_xasprintf("running container create option: stat %s", path);
		return set_errno_go(err, errno, what);
	}
	if (!S_ISREG(st.st_mode))
		return pm_error_set(err, EINVAL,
				    "running container create option: %s is not a time zone file",
				    path);
	*ret_path = TAKE_PTR(path);
	return 0;
}

/* Go's strconv.ParseUint(s, 10, 16) for a port */
static int parse_port(const char *s, unsigned *ret)
{
	if (!*s)
		return -EINVAL;
	unsigned long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return -ERANGE;
	}
	*ret = (unsigned)v;
	return 0;
}

int pm_config_check_expose(const char *v, pm_error **err)
{
	_cleanup_free_ char *s = pm_xstrdup(v);
	char *slash = strchr(s, '/');
	if (slash) {
		*slash++ = '\0';
		if (strcmp(slash, "tcp") && strcmp(slash, "udp") && strcmp(slash, "sctp"))
			return pm_error_set(err, EINVAL,
					    "validating protocols for exposed port %s: "
					    "unrecognized protocol \"%s\" in port mapping",
					    s, slash);
	}
	char *dash = strchr(s, '-');
	if (dash)
		*dash++ = '\0';
	unsigned a, b;
	const char *bad = NULL;
	if (parse_port(s, &a) < 0)
		bad = s;
	else if (dash && parse_port(dash, &b) < 0)
		bad = dash;
	if (bad)
		return pm_error_set(err, EINVAL,
				    "invalid range format for --expose: %s: strconv.ParseUint: "
				    "parsing \"%s\": invalid syntax",
				    v, bad);
	if (dash && b < a)
		return pm_error_set(err, EINVAL,
				    "invalid range format for --expose: %s: end port must be "
				    "greater than start port",
				    v);
	return 0;
}

int pm_config_check_attach(const char *v, pm_error **err)
{
	if (!strcasecmp(v, "stdin") || !strcasecmp(v, "stdout") || !strcasecmp(v, "stderr"))
		return 0;
	return pm_error_set(err, EINVAL,
			    "invalid stream \"%s\" for --attach - must be one of stdin, stdout, "
			    "or stderr: invalid argument",
			    v);
}

static struct passwd *host_user(const char *v)
{
	char *end;
	errno = 0;
	unsigned long id = strtoul(v, &end, 10);
	if (*v && !*end && !errno)
		return getpwuid((uid_t)id);
	return getpwnam(v);
}

int pm_config_check_hostuser(const char *v, pm_error **err)
{
	if (!*v || !host_user(v))
		return pm_error_set(err, ENOENT, "--hostuser: user: unknown user %s", v);
	return 0;
}

/* passwd has a line for name */
static bool has_user(const char *passwd, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = passwd; l && *l;) {
		if (!strncmp(l, name, n) && l[n] == ':')
			return true;
		const char *nl = strchr(l, '\n');
		l = nl ? nl + 1 : NULL;
	}
	return false;
}

int pm_config_hostuser_passwd(const char *passwd, char *const *names, const char *rootfs,
			      char **ret, pm_error **err)
{
	_cleanup_free_ char *out = pm_xstrdup(passwd ? passwd : "");
	bool added = false;
	*ret = NULL;
	for (char *const *v = names; v && *v; v++) {
		struct passwd *pw = host_user(*v);
		if (!pw)
			return pm_config_check_hostuser(*v, err);
		if (has_user(out, pw->pw_name))
			continue;
		_cleanup_free_ char *home_in =
			pm_xasprintf("%s/%s", rootfs ? rootfs : "", pw->pw_dir);
		struct stat st;
		const char *home =
			rootfs && stat(home_in, &st) == 0 && S_ISDIR(st.st_mode) ? pw->pw_dir : "/";
		size_t len = strlen(out);
		char *line = pm_xasprintf("%s%s:*:%u:%u:%s:%s:/bin/sh\n",
					  len && out[len - 1] != '\n' ? "\n" : "", pw->pw_name,
					  (unsigned)pw->pw_uid, (unsigned)pw->pw_gid,
					  pw->pw_gecos ? pw->pw_gecos : "", home);
		char *joined = pm_xasprintf("%s%s", out, line);
		free(line);
		free(out);
		out = joined;
		added = true;
	}
	if (added)
		*ret = TAKE_PTR(out);
	return 0;
}

/* Go's strconv.ParseUint(s, 10, 32) */
static int parse_u32(const char *s, uint32_t *ret)
{
	if (!*s)
		return -EINVAL;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	*ret = (uint32_t)v;
	return 0;
}

int pm_config_parse_idmap(const char *v, const char *kind, struct pm_runtime_idmap *ret,
			  pm_error **err)
{
	_cleanup_strv_ char **parts = pm_strv_split(v, ":");
	uint32_t n[3];
	if (pm_strv_length(parts) != 3 || parse_u32(parts[0], &n[0]) < 0 ||
	    parse_u32(parts[1], &n[1]) < 0 || parse_u32(parts[2], &n[2]) < 0 || n[2] == 0)
		return pm_error_set(err, EINVAL,
				    "initializing ID mappings: %s setting is malformed expected "
				    "[\"uint32:uint32:uint32\"]: [\"%s\"]",
				    kind, v);
	*ret = (struct pm_runtime_idmap){.ctr = n[0], .host = n[1], .size = n[2]};
	return 0;
}

int pm_config_idmap_split(const char *map_text, const struct pm_runtime_idmap *m, size_t n,
			  const char *spec, struct pm_runtime_idmap **ret, size_t *ret_n,
			  pm_error **err)
{
	struct pm_idmap_extent pe[64];
	size_t npe = pm_idmap_extents_parse(map_text, pe, ARRAY_SIZE(pe));
	struct pm_runtime_idmap *out = NULL;
	size_t nout = 0;
	size_t gap = pm_idmap_split(m, n, pe, npe, &out, &nout);
	if (gap < n) {
		free(out);
		return pm_error_set(err, EINVAL,
				    "%s: ids %u-%llu are beyond the rootless user namespace", spec,
				    m[gap].host, (unsigned long long)m[gap].host + m[gap].size - 1);
	}
	*ret = out;
	*ret_n = nout;
	return 0;
}

char **pm_config_expose_keys(char *const *expose)
{
	char **keys = NULL;
	for (char *const *v = expose; v && *v; v++) {
		if (pm_config_check_expose(*v, NULL) < 0)
			continue;
		_cleanup_free_ char *s = pm_xstrdup(*v);
		char *slash = strchr(s, '/');
		if (slash)
			*slash++ = '\0';
		char *dash = strchr(s, '-');
		if (dash)
			*dash++ = '\0';
		unsigned a = 0, b = 0;
		parse_port(s, &a);
		b = a;
		if (dash)
			parse_port(dash, &b);
		for (unsigned p = a; p <= b; p++)
			pm_strv_consume(&keys, pm_xasprintf("%u/%s", p, slash ? slash : "tcp"));
	}
	return keys;
}

/* podman's words for its errors */
int pm_config_parse_userns_auto(const char *v, struct pm_userns_auto_opts *ret, pm_error **err)
{
	*ret = (struct pm_userns_auto_opts){0};
	_cleanup_strv_ char **opts = v[4] ? pm_strv_split(v + 5, ",") : NULL;
	for (char **o = opts; o && *o; o++) {
		int r;
		bool is_uid = pm_str_startswith(*o, "uidmapping=");
		if (pm_str_startswith(*o, "size=")) {
			if (pm_parse_uint32(*o + 5, &ret->size) < 0)
				return pm_error_set(
					err, EINVAL,
					"strconv.ParseUint: parsing \"%s\": invalid syntax",
					*o + 5);
		} else if (is_uid || pm_str_startswith(*o, "gidmapping=")) {
			size_t *n = is_uid ? &ret->n_extra_uid : &ret->n_extra_gid;
			struct pm_runtime_idmap *m = is_uid ? ret->extra_uid : ret->extra_gid;
			if (*n == PM_USERNS_AUTO_MAX_EXTRA)
				return pm_error_set(err, EINVAL, "--userns '%s': at most %d %.10s",
						    v, PM_USERNS_AUTO_MAX_EXTRA, *o);
			if ((r = pm_config_parse_idmap(*o + 11, is_uid ? "UID" : "GID", &m[*n],
						       err)) < 0)
				return r;
			(*n)++;
		} else {
			size_t kl = strcspn(*o, "=");
			return pm_error_set(err, EINVAL, "unknown option specified: \"%.*s\"",
					    (int)kl, *o);
		}
	}
	return 0;
}
