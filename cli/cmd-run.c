/* cmd-run.c: `pm run` flag parsing (podman's spellings) into a struct pm_container_config,
 * the foreground run (this process is the container's monitor: engine/monitor.h) and
 * run -d (a detached monitor). cmd_run_parse() and cmd_run_create() are shared with
 * `pm create` (cli/cmd-create.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd-run.h"
#include "cli/commands.h"
#include "cli/image-util.h"
#include "cli/progress.h"
#include "engine/auto-update.h"
#include "engine/ctr-networks.h"
#include "engine/cgroup-flags.h"
#include "engine/ctr-volumes.h"
#include "engine/monitor.h"
#include "engine/net.h"
#include "engine/run.h"
#include "engine/run-process.h"
#include "engine/spec.h"
#include "engine/systemd-mode.h"
#include "engine/validate.h"
#include "lib/containers-conf.h"
#include "lib/events.h"
#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"
#include "registry/pull.h"
#include "runtime/runtime.h"
#include "storage/image.h"
#include "storage/reference.h"
#include "storage/secret.h"
#include "systemd/notify.h"

/* ---- the flag table ------------------------------------------------------------------------
 * One row per flag, shared by run and create: the long name, the short letter, getopt's
 * has_arg (a long boolean takes an optional =BOOL; its short form takes no value, so "-it"
 * is -i -t), where the value goes and how. Values are checked by the engine's parsers
 * (engine/validate.h), the whole configuration once more by pm_container_config_validate
 * before anything is created. */

enum flag_kind {
	FLAG_STR,  /* char * (owned), replaced by the value */
	FLAG_ARG,  /* const char * (borrowed from argv), replaced by the value */
	FLAG_STRV, /* char ** (owned), the value appended */
	FLAG_LIST, /* char ** (owned), each comma-separated part appended */
	FLAG_BOOL, /* bool: --x, --x=true, --x=false */
	FLAG_FUNC, /* set() */
	FLAG_HELP,
};

enum flag_where {
	IN_CFG,	 /* struct pm_container_config */
	IN_OPTS, /* struct cmd_run_opts */
};

struct run_flag {
	const char *name;
	char short_name;
	int has_arg;
	enum flag_kind kind;
	enum flag_where where;
	size_t offset;
	int (*set)(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		   pm_error **err);
};

#define CFG(f)	 IN_CFG, offsetof(struct pm_container_config, f), NULL
#define OPTS(f)	 IN_OPTS, offsetof(struct cmd_run_opts, f), NULL
#define FUNC(fn) IN_CFG, 0, fn

static int set_entrypoint(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			  pm_error **err)
{
	free(c->entrypoint);
	c->entrypoint = pm_xstrdup(arg);
	c->entrypoint_set = true;
	return 0;
}

static int set_restart(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		       pm_error **err)
{
	int r = pm_config_check_restart(arg, err);
	if (r < 0)
		return r;
	free(c->restart);
	c->restart = pm_xstrdup(arg);
	return 0;
}

static int set_stop_timeout(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			    pm_error **err)
{
	int r = pm_config_parse_stop_timeout(arg, &c->stop_timeout, err);
	if (r < 0)
		return r;
	c->stop_timeout_set = true;
	return 0;
}

static int set_stop_signal(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			   pm_error **err)
{
	int r = pm_config_check_stop_signal(arg, err);
	if (r < 0)
		return r;
	free(c->stop_signal);
	c->stop_signal = pm_xstrdup(arg);
	return 0;
}

static int set_systemd(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		       pm_error **err)
{
	int r = pm_config_check_systemd(arg, err);
	if (r < 0)
		return r;
	free(c->systemd);
	c->systemd = pm_xstrdup(arg);
	return 0;
}

static int set_log_opt(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		       pm_error **err)
{
	return pm_config_set_log_opt(c, arg, err);
}

static int set_log_driver(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			  pm_error **err)
{
	return pm_config_set_log_driver(c, arg, err);
}

static int set_security_opt(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			    pm_error **err)
{
	return pm_config_set_security_opt(c, arg, err);
}

/* --secret: podman checks the value while parsing flags, before anything is looked up */
static int set_secret(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		      pm_error **err)
{
	struct pm_secret_use u;
	int r = pm_secret_use_parse(arg, &u, err);
	pm_secret_use_clear(&u);
	if (r < 0)
		return r;
	pm_strv_push(&c->secrets, arg);
	return 0;
}

static int set_memory(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		      pm_error **err)
{
	return pm_config_parse_memory(arg, &c->memory, err);
}

static int set_shm_size(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			pm_error **err)
{
	if (pm_parse_size(arg, &c->shm_size) < 0)
		return pm_error_set(err, EINVAL,
				    "unable to translate --shm-size: invalid size: '%s'", arg);
	return 0;
}

static int set_umask(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		     pm_error **err)
{
	size_t n = strlen(arg);
	if (n == 0 || n > 4 || strspn(arg, "01234567") != n)
		return pm_error_set(err, EINVAL, "invalid umask string %s: invalid argument", arg);
	free(c->umask);
	c->umask = pm_xstrdup(arg);
	return 0;
}

static int set_cpus(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		    pm_error **err)
{
	return pm_config_parse_cpus(arg, &c->cpus, err);
}

static int set_pids_limit(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			  pm_error **err)
{
	int r = pm_config_parse_pids_limit(arg, &c->pids_limit, err);
	if (r < 0)
		return r;
	c->pids_limit_set = true;
	return 0;
}

/* the other resource flags and --cgroups: engine/validate.h */
#define RESOURCE_SETTER(fn, flag)                                                                  \
	static int fn(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,      \
		      pm_error **err)                                                              \
	{                                                                                          \
		return pm_config_set_resource(c, flag, arg, err);                                  \
	}
RESOURCE_SETTER(set_memory_swap, "memory-swap")
RESOURCE_SETTER(set_memory_reservation, "memory-reservation")
RESOURCE_SETTER(set_cpu_quota, "cpu-quota")
RESOURCE_SETTER(set_cpu_period, "cpu-period")
RESOURCE_SETTER(set_cpu_shares, "cpu-shares")
RESOURCE_SETTER(set_cpuset_cpus, "cpuset-cpus")
RESOURCE_SETTER(set_cpuset_mems, "cpuset-mems")
RESOURCE_SETTER(set_blkio_weight, "blkio-weight")
RESOURCE_SETTER(set_cgroups, "cgroups")
#undef RESOURCE_SETTER

/* containers.conf's [containers] defaults for the flags not given (podman's): cgroupns,
 * ipcns, pidns, utsns, userns (not with --uidmap/--gidmap), tz, umask, shm_size, pids_limit;
 * a bad value is refused naming the key. */
static int set_pids_limit(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			  pm_error **err);
static int conf_ctr_defaults(struct pm_container_config *c, struct cmd_run_opts *o,
			     char *const v[PM_CONF_N], pm_error **err)
{
	int r = 0;
	char **ns[] = {[PM_CONF_IPCNS] = &c->ipc,
		       [PM_CONF_PIDNS] = &c->pid,
		       [PM_CONF_UTSNS] = &c->uts,
		       [PM_CONF_TZ] = &c->tz};
	for (size_t i = 0; i < PM_CONF_N && r >= 0; i++) {
		if (!v[i] || !*v[i])
			continue;
		switch (i) {
		case PM_CONF_CGROUPNS:
			if (!c->cgroupns)
				r = pm_config_set_cgroup_flag(c, "cgroupns", v[i], err);
			break;
		case PM_CONF_IPCNS:
		case PM_CONF_PIDNS:
		case PM_CONF_UTSNS:
		case PM_CONF_TZ:
			if (!*ns[i])
				*ns[i] = pm_xstrdup(v[i]);
			break;
		case PM_CONF_USERNS:
			if (!c->userns && !c->uidmap && !c->gidmap)
				c->userns = pm_xstrdup(v[i]);
			break;
		case PM_CONF_UMASK:
			if (!c->umask)
				r = set_umask(c, o, v[i], err);
			break;
		case PM_CONF_SHM_SIZE:
			if (!c->shm_size)
				r = set_shm_size(c, o, v[i], err);
			break;
		case PM_CONF_PIDS_LIMIT:
			if (!c->pids_limit_set)
				r = set_pids_limit(c, o, v[i], err);
			break;
		default:
			break;
		}
		if (r < 0)
			pm_error_prefix(err, "containers.conf: [containers] %s \"%s\"",
					pm_conf_ctr_keys[i], v[i]);
	}
	return r;
}

/* cgroup, block-device and static-network flags: engine/cgroup-flags.h */
#define CGROUP_SETTER(fn, flag)                                                                    \
	static int fn(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,      \
		      pm_error **err)                                                              \
	{                                                                                          \
		return pm_config_set_cgroup_flag(c, flag, arg, err);                               \
	}
CGROUP_SETTER(set_memory_swappiness, "memory-swappiness")
CGROUP_SETTER(set_cgroupns, "cgroupns")
CGROUP_SETTER(set_cgroup_conf, "cgroup-conf")
CGROUP_SETTER(set_device_read_bps, "device-read-bps")
CGROUP_SETTER(set_device_write_bps, "device-write-bps")
CGROUP_SETTER(set_device_read_iops, "device-read-iops")
CGROUP_SETTER(set_device_write_iops, "device-write-iops")
CGROUP_SETTER(set_blkio_weight_device, "blkio-weight-device")
CGROUP_SETTER(set_ip, "ip")
CGROUP_SETTER(set_ip6, "ip6")
CGROUP_SETTER(set_mac_address, "mac-address")
CGROUP_SETTER(set_network_alias, "network-alias")
#undef CGROUP_SETTER

/* --network: the first value is the mode; later ones (and "A,B" without options) are more
 * user-defined networks (the engine checks that they are) */
static int set_network(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		       pm_error **err)
{
	_cleanup_strv_ char **v = !strchr(arg, ':') && strchr(arg, ',')
					  ? pm_strv_split(arg, ",")
					  : pm_strv_copy((char *[]){(char *)arg, NULL});
	for (char **p = v; p && *p; p++) {
		if (!c->network || !*c->network) {
			free(c->network);
			c->network = pm_xstrdup(*p);
		} else {
			pm_strv_push(&c->extra_networks, *p);
		}
	}
	return 0;
}

/* --device-cgroup-rule: a string slice (comma-separated, as podman's) */
static int set_device_cgroup_rule(struct pm_container_config *c, struct cmd_run_opts *o,
				  const char *arg, pm_error **err)
{
	_cleanup_strv_ char **parts = pm_strv_split(arg, ",");
	for (char **p = parts; p && *p; p++) {
		int r = pm_config_set_cgroup_flag(c, "device-cgroup-rule", *p, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int set_detach_keys(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			   pm_error **err)
{
	int r = pm_config_check_detach_keys(arg, err);
	if (r < 0)
		return r;
	o->detach_keys = arg;
	return 0;
}

static int set_image_volume(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			    pm_error **err)
{
	if (strcmp(arg, "bind") != 0 && strcmp(arg, "tmpfs") != 0 && strcmp(arg, "ignore") != 0)
		return pm_error_set(err, EINVAL,
				    "invalid image volume type '%s': "
				    "must be bind, tmpfs or ignore",
				    arg);
	free(c->image_volume);
	c->image_volume = pm_xstrdup(arg);
	return 0;
}

static int set_sdnotify(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			pm_error **err)
{
	int r = pm_sdnotify_check(arg, err);
	if (r < 0)
		return r;
	free(c->sdnotify);
	c->sdnotify = pm_xstrdup(arg);
	return 0;
}

static int bool_arg(const char *flag, const char *arg, bool *ret, pm_error **err);

static int set_detach(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		      pm_error **err)
{
	if (o->create)
		return pm_error_set(err, EINVAL, "unknown flag: --detach");
	return bool_arg("detach", arg, &o->detach, err);
}

/* the registry flags of a pull (cli/pull-flags.h) */
#define PULL_SETTER(fn, flag)                                                                      \
	static int fn(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,      \
		      pm_error **err)                                                              \
	{                                                                                          \
		return pm_cli_pull_flag_named(&o->pullf, flag, arg, err);                          \
	}
PULL_SETTER(set_tls_verify, "tls-verify")
PULL_SETTER(set_authfile, "authfile")
PULL_SETTER(set_arch, "arch")
PULL_SETTER(set_os, "os")
PULL_SETTER(set_variant, "variant")
PULL_SETTER(set_platform, "platform")
#undef PULL_SETTER

static int set_pull(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		    pm_error **err)
{
	enum pm_pull_policy p;
	int r = pm_pull_policy_parse(arg, &p, err);
	if (r >= 0)
		o->pull = arg;
	return r;
}

static int set_timeout(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		       pm_error **err)
{
	char *end;
	errno = 0;
	unsigned long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : 0;
	if (!(arg[0] >= '0' && arg[0] <= '9') || *end || errno || v > UINT32_MAX)
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--timeout\" flag: "
				    "strconv.ParseUint: parsing \"%s\": invalid syntax",
				    arg, arg);
	c->timeout = v;
	return 0;
}

static int set_preserve_fds(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			    pm_error **err)
{
	if (o->create)
		return pm_error_set(err, EINVAL, "unknown flag: --preserve-fds");
	char *end;
	errno = 0;
	unsigned long v = arg[0] >= '0' && arg[0] <= '9' ? strtoul(arg, &end, 10) : 0;
	if (!(arg[0] >= '0' && arg[0] <= '9') || *end || errno || v > 1024)
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--preserve-fds\" flag: "
				    "strconv.ParseUint: parsing \"%s\": invalid syntax",
				    arg, arg);
	o->preserve_fds = (unsigned)v;
	return 0;
}

/* --annotation KEY=VALUE (podman's check: a key, then '=') */
static int set_annotation(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			  pm_error **err)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return pm_error_set(err, EINVAL, "annotation '%s': must be formatted KEY=VALUE",
				    arg);
	pm_strv_push(&c->annotations, arg);
	return 0;
}

/* --label-file FILE: KEY=VALUE lines, '#' comments, blank lines and bare KEYs skipped, as
 * podman 4.3 reads it; the labels go before --label's, which win. */
static int set_label_file(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			  pm_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (pm_read_file(arg, 1 << 20, &data, &len, NULL) < 0)
		return pm_error_set(err, ENOENT, "open %s: no such file or directory", arg);
	_cleanup_strv_ char **lines = pm_strv_split(data, "\n");
	_cleanup_strv_ char **labels = NULL;
	for (char **l = lines; l && *l; l++) {
		/* podman's: leading blanks trimmed, the rest kept; a line without '=' (or
		 * only blanks) names no label */
		const char *t = *l + strspn(*l, " \t");
		if (!*t || t[0] == '#' || !strchr(t, '='))
			continue;
		pm_strv_push(&labels, t);
	}
	for (char **l = c->labels; l && *l; l++)
		pm_strv_push(&labels, *l);
	pm_strv_free(c->labels);
	c->labels = TAKE_PTR(labels);
	return 0;
}

/* --env-host[=BOOL]: the caller's whole environment, before -e and --env-file (which win),
 * taken now as podman takes it at create */
static int set_env_host(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			pm_error **err)
{
	bool on = true;
	int r = bool_arg("env-host", arg, &on, err);
	if (r < 0 || !on)
		return r;
	extern char **environ;
	_cleanup_strv_ char **env = NULL;
	for (char **e = environ; e && *e; e++)
		if (strchr(*e, '=') && (*e)[0] != '=')
			pm_strv_push(&env, *e);
	for (char **e = c->env; e && *e; e++)
		pm_strv_push(&env, *e);
	pm_strv_free(c->env);
	c->env = TAKE_PTR(env);
	return 0;
}

/* --sig-proxy[=BOOL]: a foreground run always forwards the signals it gets to the container
 * (podman's default); pm cannot turn that off */
static int set_sig_proxy(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			 pm_error **err)
{
	bool on = true;
	int r = bool_arg("sig-proxy", arg, &on, err);
	if (r >= 0 && !on)
		return pm_error_set(
			err, ENOTSUP,
			"--sig-proxy=false: not supported: a foreground pm run forwards "
			"the signals it gets to the container (use -d and pm attach "
			"--sig-proxy=false)");
	return r;
}

/* --pod-id-file FILE: the pod whose id is on FILE's first line (podman's; with --pod:
 * its error) */
static int set_pod_id_file(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			   pm_error **err)
{
	if (c->pod)
		return pm_error_set(err, EINVAL, "cannot specify both --pod and --pod-id-file");
	char *id = NULL;
	if (pm_read_line_file(arg, &id, NULL) < 0 || !id || !*id) {
		free(id);
		return pm_error_set(err, ENOENT,
				    "reading pod ID file: open %s: no such file or "
				    "directory",
				    arg);
	}
	c->pod = id;
	return 0;
}

/* --disable-content-trust: docker's, a no-op in podman too */
static int set_noop_bool(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			 pm_error **err)
{
	bool b;
	return bool_arg("disable-content-trust", arg, &b, err);
}

/* ---- the process flags (engine/run-process.h) ---- */

static int set_pidfile(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		       pm_error **err)
{
	char *p = NULL;
	int r = pm_config_pidfile_path(arg, &p, err);
	if (r >= 0) {
		free(c->pidfile);
		c->pidfile = p;
	}
	return r;
}

/* --env-merge KEY=VALUE (expanded at start: engine/spec.c) */
static int set_env_merge(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			 pm_error **err)
{
	if (!strchr(arg, '=') || *arg == '=')
		return pm_error_set(err, EINVAL, "missing `=` for --env-merge substitution %s",
				    arg);
	pm_strv_push(&c->env_merge, arg);
	return 0;
}

/* --conmon-pidfile: where the container's monitor writes its own pid (as a pod's
 * --infra-conmon-pidfile) */
static int set_conmon_pidfile(struct pm_container_config *c, struct cmd_run_opts *o,
			      const char *arg, pm_error **err)
{
	char *p = NULL;
	int r = pm_config_pidfile_path(arg, &p, err);
	if (r >= 0) {
		free(c->conmon_pidfile);
		c->conmon_pidfile = p;
	}
	return r;
}

static int set_cpu_rt_period(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			     pm_error **err)
{
	return pm_config_refuse_cpu_rt("cpu-rt-period", arg, err);
}

static int set_cpu_rt_runtime(struct pm_container_config *c, struct cmd_run_opts *o,
			      const char *arg, pm_error **err)
{
	return pm_config_refuse_cpu_rt("cpu-rt-runtime", arg, err);
}

/* --oom-kill-disable[=BOOL]: true is refused (cgroup v2 has no memory.oom_control) */
static int set_oom_kill_disable(struct pm_container_config *c, struct cmd_run_opts *o,
				const char *arg, pm_error **err)
{
	if (arg && !strcmp(arg, "false"))
		return 0;
	if (arg && strcmp(arg, "true"))
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--oom-kill-disable\" flag: "
				    "strconv.ParseBool: parsing \"%s\": invalid syntax",
				    arg, arg);
	return pm_error_set(err, EOPNOTSUPP,
			    "--oom-kill-disable: cannot enforce it: cgroup v2 has no switch to "
			    "disable the OOM killer (memory.oom_control is cgroup v1's): drop "
			    "--oom-kill-disable");
}

static int set_personality(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			   pm_error **err)
{
	unsigned long p;
	int r = pm_config_parse_personality(arg, &p, err);
	if (r >= 0) {
		free(c->personality);
		c->personality = pm_xstrdup(arg);
	}
	return r;
}

static int set_oom_score_adj(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
			     pm_error **err)
{
	int r = pm_config_parse_oom_score_adj(arg, &c->oom_score_adj, err);
	if (r >= 0)
		c->oom_score_adj_set = true;
	return r;
}

static int set_seccomp_policy(struct pm_container_config *c, struct cmd_run_opts *o,
			      const char *arg, pm_error **err)
{
	int r = pm_config_check_seccomp_policy(arg, err);
	if (r >= 0) {
		free(c->seccomp_policy);
		c->seccomp_policy = !strcmp(arg, "default") ? NULL : pm_xstrdup(arg);
	}
	return r;
}

/* --passwd[=BOOL] and --rmi[=BOOL]: run's only, as podman's */
static int set_passwd(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		      pm_error **err)
{
	if (o->create)
		return pm_error_set(err, EINVAL, "unknown flag: --passwd");
	bool on = true;
	int r = bool_arg("passwd", arg, &on, err);
	c->no_passwd = !on;
	return r;
}

static int set_rmi(struct pm_container_config *c, struct cmd_run_opts *o, const char *arg,
		   pm_error **err)
{
	if (o->create)
		return pm_error_set(err, EINVAL, "unknown flag: --rmi");
	return bool_arg("rmi", arg, &o->rmi, err);
}

static const struct run_flag run_flags[] = {
	{"name", 0, required_argument, FLAG_STR, CFG(name)},
	{"rm", 0, optional_argument, FLAG_BOOL, CFG(rm)},
	{"env", 'e', required_argument, FLAG_STRV, CFG(env)},
	{"env-file", 0, required_argument, FLAG_STRV, CFG(env_files)},
	{"entrypoint", 0, required_argument, FLAG_FUNC, FUNC(set_entrypoint)},
	{"workdir", 'w', required_argument, FLAG_STR, CFG(workdir)},
	{"user", 'u', required_argument, FLAG_STR, CFG(user)},
	{"group-add", 0, required_argument, FLAG_LIST, CFG(group_add)},
	{"hostname", 0, required_argument, FLAG_STR, CFG(hostname)},
	{"image-volume", 0, required_argument, FLAG_FUNC, FUNC(set_image_volume)},
	{"http-proxy", 0, optional_argument, FLAG_BOOL, OPTS(http_proxy)},
	{"time-offset", 0, required_argument, FLAG_STR, CFG(time_offset)},
	/* engine/run-flags.h; checked by pm_container_config_validate */
	{"ulimit", 0, required_argument, FLAG_LIST, CFG(ulimits)},
	{"sysctl", 0, required_argument, FLAG_LIST, CFG(sysctls)},
	{"device", 0, required_argument, FLAG_STRV, CFG(devices)},
	{"expose", 0, required_argument, FLAG_LIST, CFG(expose)},
	{"volumes-from", 0, required_argument, FLAG_STRV, CFG(volumes_from)},
	{"tz", 0, required_argument, FLAG_STR, CFG(tz)},
	{"timeout", 0, required_argument, FLAG_FUNC, FUNC(set_timeout)},
	{"attach", 'a', required_argument, FLAG_LIST, CFG(attach)},
	{"preserve-fds", 0, required_argument, FLAG_FUNC, FUNC(set_preserve_fds)},
	{"hostuser", 0, required_argument, FLAG_LIST, CFG(hostusers)},
	{"uidmap", 0, required_argument, FLAG_STRV, CFG(uidmap)},
	{"gidmap", 0, required_argument, FLAG_STRV, CFG(gidmap)},
	{"label", 'l', required_argument, FLAG_STRV, CFG(labels)},
	{"label-file", 0, required_argument, FLAG_FUNC, FUNC(set_label_file)},
	{"annotation", 0, required_argument, FLAG_FUNC, FUNC(set_annotation)},
	{"env-host", 0, optional_argument, FLAG_FUNC, FUNC(set_env_host)},
	{"unsetenv", 0, required_argument, FLAG_STRV, CFG(unsetenv)},
	{"env-merge", 0, required_argument, FLAG_FUNC, FUNC(set_env_merge)},
	{"conmon-pidfile", 0, required_argument, FLAG_FUNC, FUNC(set_conmon_pidfile)},
	{"cpu-rt-period", 0, required_argument, FLAG_FUNC, FUNC(set_cpu_rt_period)},
	{"cpu-rt-runtime", 0, required_argument, FLAG_FUNC, FUNC(set_cpu_rt_runtime)},
	{"oom-kill-disable", 0, optional_argument, FLAG_FUNC, FUNC(set_oom_kill_disable)},
	{"unsetenv-all", 0, optional_argument, FLAG_BOOL, CFG(unsetenv_all)},
	{"sig-proxy", 0, optional_argument, FLAG_FUNC, FUNC(set_sig_proxy)},
	{"volume", 'v', required_argument, FLAG_STRV, CFG(volumes)},
	{"mount", 0, required_argument, FLAG_STRV, CFG(mounts)},
	{"tmpfs", 0, required_argument, FLAG_STRV, CFG(tmpfs)},
	{"secret", 0, required_argument, FLAG_FUNC, FUNC(set_secret)},
	{"read-only", 0, optional_argument, FLAG_BOOL, CFG(read_only)},
	{"read-only-tmpfs", 0, optional_argument, FLAG_BOOL, CFG(read_only_tmpfs)},
	{"interactive", 'i', optional_argument, FLAG_BOOL, CFG(interactive)},
	{"tty", 't', optional_argument, FLAG_BOOL, CFG(tty)},
	{"init", 0, optional_argument, FLAG_BOOL, CFG(init)},
	{"userns", 0, required_argument, FLAG_STR, CFG(userns)},
	{"cap-add", 0, required_argument, FLAG_LIST, CFG(cap_add)},
	{"cap-drop", 0, required_argument, FLAG_LIST, CFG(cap_drop)},
	{"privileged", 0, optional_argument, FLAG_BOOL, CFG(privileged)},
	{"security-opt", 0, required_argument, FLAG_FUNC, FUNC(set_security_opt)},
	{"pid", 0, required_argument, FLAG_STR, CFG(pid)},
	{"ipc", 0, required_argument, FLAG_STR, CFG(ipc)},
	{"uts", 0, required_argument, FLAG_STR, CFG(uts)},
	{"network", 0, required_argument, FLAG_FUNC, FUNC(set_network)},
	{"pod", 0, required_argument, FLAG_STR, CFG(pod)},
	{"pod-id-file", 0, required_argument, FLAG_FUNC, FUNC(set_pod_id_file)},
	{"disable-content-trust", 0, optional_argument, FLAG_FUNC, FUNC(set_noop_bool)},
	{"cgroup-parent", 0, required_argument, FLAG_STR, CFG(cgroup_parent)},
	{"net", 0, required_argument, FLAG_FUNC, FUNC(set_network)},
	{"publish", 'p', required_argument, FLAG_LIST, CFG(publish)},
	{"publish-all", 'P', optional_argument, FLAG_BOOL, CFG(publish_all)},
	{"dns", 0, required_argument, FLAG_LIST, CFG(dns)},
	{"dns-search", 0, required_argument, FLAG_LIST, CFG(dns_search)},
	{"dns-option", 0, required_argument, FLAG_STRV, CFG(dns_options)},
	{"dns-opt", 0, required_argument, FLAG_STRV, CFG(dns_options)},
	{"add-host", 0, required_argument, FLAG_LIST, CFG(add_hosts)},
	{"no-hosts", 0, optional_argument, FLAG_BOOL, CFG(no_hosts)},
	{"memory", 'm', required_argument, FLAG_FUNC, FUNC(set_memory)},
	{"cpus", 0, required_argument, FLAG_FUNC, FUNC(set_cpus)},
	{"shm-size", 0, required_argument, FLAG_FUNC, FUNC(set_shm_size)},
	{"umask", 0, required_argument, FLAG_FUNC, FUNC(set_umask)},
	{"pids-limit", 0, required_argument, FLAG_FUNC, FUNC(set_pids_limit)},
	{"memory-swap", 0, required_argument, FLAG_FUNC, FUNC(set_memory_swap)},
	{"memory-reservation", 0, required_argument, FLAG_FUNC, FUNC(set_memory_reservation)},
	{"cpu-quota", 0, required_argument, FLAG_FUNC, FUNC(set_cpu_quota)},
	{"cpu-period", 0, required_argument, FLAG_FUNC, FUNC(set_cpu_period)},
	{"cpu-shares", 'c', required_argument, FLAG_FUNC, FUNC(set_cpu_shares)},
	{"cpuset-cpus", 0, required_argument, FLAG_FUNC, FUNC(set_cpuset_cpus)},
	{"cpuset-mems", 0, required_argument, FLAG_FUNC, FUNC(set_cpuset_mems)},
	{"blkio-weight", 0, required_argument, FLAG_FUNC, FUNC(set_blkio_weight)},
	{"cgroups", 0, required_argument, FLAG_FUNC, FUNC(set_cgroups)},
	/* engine/cgroup-flags.h */
	{"memory-swappiness", 0, required_argument, FLAG_FUNC, FUNC(set_memory_swappiness)},
	{"cgroupns", 0, required_argument, FLAG_FUNC, FUNC(set_cgroupns)},
	{"cgroup-conf", 0, required_argument, FLAG_FUNC, FUNC(set_cgroup_conf)},
	{"device-read-bps", 0, required_argument, FLAG_FUNC, FUNC(set_device_read_bps)},
	{"device-write-bps", 0, required_argument, FLAG_FUNC, FUNC(set_device_write_bps)},
	{"device-read-iops", 0, required_argument, FLAG_FUNC, FUNC(set_device_read_iops)},
	{"device-write-iops", 0, required_argument, FLAG_FUNC, FUNC(set_device_write_iops)},
	{"blkio-weight-device", 0, required_argument, FLAG_FUNC, FUNC(set_blkio_weight_device)},
	{"device-cgroup-rule", 0, required_argument, FLAG_FUNC, FUNC(set_device_cgroup_rule)},
	{"ip", 0, required_argument, FLAG_FUNC, FUNC(set_ip)},
	{"ip6", 0, required_argument, FLAG_FUNC, FUNC(set_ip6)},
	{"mac-address", 0, required_argument, FLAG_FUNC, FUNC(set_mac_address)},
	{"network-alias", 0, required_argument, FLAG_FUNC, FUNC(set_network_alias)},
	{"rootfs", 0, optional_argument, FLAG_BOOL, OPTS(rootfs)},
	{"detach", 'd', optional_argument, FLAG_FUNC, FUNC(set_detach)},
	{"cidfile", 0, required_argument, FLAG_ARG, OPTS(cidfile)},
	{"replace", 0, optional_argument, FLAG_BOOL, OPTS(replace)},
	{"restart", 0, required_argument, FLAG_FUNC, FUNC(set_restart)},
	{"stop-timeout", 0, required_argument, FLAG_FUNC, FUNC(set_stop_timeout)},
	{"stop-signal", 0, required_argument, FLAG_FUNC, FUNC(set_stop_signal)},
	{"log-opt", 0, required_argument, FLAG_FUNC, FUNC(set_log_opt)},
	{"log-driver", 0, required_argument, FLAG_FUNC, FUNC(set_log_driver)},
	{"detach-keys", 0, required_argument, FLAG_FUNC, FUNC(set_detach_keys)},
	{"sdnotify", 0, required_argument, FLAG_FUNC, FUNC(set_sdnotify)},
	{"systemd", 0, required_argument, FLAG_FUNC, FUNC(set_systemd)},
	/* health checks: assembled after the loop (pm_health_from_flags) */
	{"health-cmd", 0, required_argument, FLAG_ARG, OPTS(health.cmd)},
	{"health-interval", 0, required_argument, FLAG_ARG, OPTS(health.interval)},
	{"health-retries", 0, required_argument, FLAG_ARG, OPTS(health.retries)},
	{"health-timeout", 0, required_argument, FLAG_ARG, OPTS(health.timeout)},
	{"health-start-period", 0, required_argument, FLAG_ARG, OPTS(health.start_period)},
	{"health-on-failure", 0, required_argument, FLAG_ARG, OPTS(health.on_failure)},
	{"health-startup-cmd", 0, required_argument, FLAG_ARG, OPTS(health.startup_cmd)},
	{"health-startup-interval", 0, required_argument, FLAG_ARG, OPTS(health.startup_interval)},
	{"health-startup-retries", 0, required_argument, FLAG_ARG, OPTS(health.startup_retries)},
	{"health-startup-success", 0, required_argument, FLAG_ARG, OPTS(health.startup_success)},
	{"health-startup-timeout", 0, required_argument, FLAG_ARG, OPTS(health.startup_timeout)},
	{"no-healthcheck", 0, optional_argument, FLAG_BOOL, OPTS(health.disable)},
	/* pulling the image (cli/pull-flags.h) */
	{"pull", 0, required_argument, FLAG_FUNC, FUNC(set_pull)},
	{"quiet", 'q', optional_argument, FLAG_BOOL, OPTS(quiet)},
	{"tls-verify", 0, optional_argument, FLAG_FUNC, FUNC(set_tls_verify)},
	{"authfile", 0, required_argument, FLAG_FUNC, FUNC(set_authfile)},
	{"arch", 0, required_argument, FLAG_FUNC, FUNC(set_arch)},
	{"os", 0, required_argument, FLAG_FUNC, FUNC(set_os)},
	{"variant", 0, required_argument, FLAG_FUNC, FUNC(set_variant)},
	{"platform", 0, required_argument, FLAG_FUNC, FUNC(set_platform)},
	/* the process flags (engine/run-process.h) */
	{"pidfile", 0, required_argument, FLAG_FUNC, FUNC(set_pidfile)},
	{"rmi", 0, optional_argument, FLAG_FUNC, FUNC(set_rmi)},
	{"requires", 0, required_argument, FLAG_LIST, CFG(requires)},
	{"passwd", 0, optional_argument, FLAG_FUNC, FUNC(set_passwd)},
	{"passwd-entry", 0, required_argument, FLAG_STR, CFG(passwd_entry)},
	{"init-path", 0, required_argument, FLAG_STR, CFG(init_path)},
	{"personality", 0, required_argument, FLAG_FUNC, FUNC(set_personality)},
	{"oom-score-adj", 0, required_argument, FLAG_FUNC, FUNC(set_oom_score_adj)},
	{"chrootdirs", 0, required_argument, FLAG_LIST, CFG(chrootdirs)},
	{"subuidname", 0, required_argument, FLAG_STR, CFG(subuidname)},
	{"subgidname", 0, required_argument, FLAG_STR, CFG(subgidname)},
	{"seccomp-policy", 0, required_argument, FLAG_FUNC, FUNC(set_seccomp_policy)},
	{"help", 0, no_argument, FLAG_HELP, IN_CFG, 0, NULL},
};

#define N_FLAGS	      (sizeof(run_flags) / sizeof(run_flags[0]))
#define FLAG_VAL_BASE 1000 /* getopt's value for row i without a short letter: base + i */

int cmd_run_flag_arg(const char *name, char short_name)
{
	for (size_t i = 0; i < N_FLAGS; i++)
		if ((name && !strcmp(run_flags[i].name, name)) ||
		    (!name && short_name && run_flags[i].short_name == short_name))
			return run_flags[i].has_arg;
	return -1;
}

/* A boolean flag: "--x", "--x=true", "--x=false". */
static int bool_arg(const char *flag, const char *arg, bool *ret, pm_error **err)
{
	if (!arg || !strcmp(arg, "true") || !strcmp(arg, "1")) {
		*ret = true;
		return 0;
	}
	if (!strcmp(arg, "false") || !strcmp(arg, "0")) {
		*ret = false;
		return 0;
	}
	char shorthand[8] = ""; /* pflag names the shorthand too: "-d, --detach" */
	for (size_t i = 0; i < ARRAY_SIZE(run_flags); i++)
		if (!strcmp(run_flags[i].name, flag) && run_flags[i].short_name)
			snprintf(shorthand, sizeof(shorthand), "-%c, ", run_flags[i].short_name);
	return pm_error_set(err, EINVAL,
			    "invalid argument \"%s\" for \"%s--%s\" flag: strconv.ParseBool: "
			    "parsing \"%s\": invalid syntax",
			    arg, shorthand, flag, arg);
}

/* Apply row f's value arg to c or o. */
static int flag_apply(const struct run_flag *f, struct pm_container_config *c,
		      struct cmd_run_opts *o, const char *arg, pm_error **err)
{
	char *field = (f->where == IN_CFG ? (char *)c : (char *)o) + f->offset;
	switch (f->kind) {
	case FLAG_STR: {
		char **dst = (char **)(void *)field;
		free(*dst);
		*dst = pm_xstrdup(arg);
		return 0;
	}
	case FLAG_ARG:
		*(const char **)(void *)field = arg;
		return 0;
	case FLAG_STRV:
		pm_strv_push((char ***)(void *)field, arg);
		return 0;
	case FLAG_LIST: {
		_cleanup_strv_ char **parts = pm_strv_split(arg, ",");
		for (char **p = parts; p && *p; p++)
			pm_strv_push((char ***)(void *)field, *p);
		return 0;
	}
	case FLAG_BOOL:
		return bool_arg(f->name, arg, (bool *)(void *)field, err);
	case FLAG_FUNC:
		return f->set(c, o, arg, err);
	case FLAG_HELP:
		break;
	}
	return pm_error_set(err, EINVAL, "unhandled flag --%s", f->name);
}

/* getopt's tables from run_flags: the long options and the short letters ("+e:w:...",
 * without -d for create). */
static void flag_tables(bool create, struct option *longopts, char *shortopts, size_t size)
{
	size_t n = 0;
	shortopts[n++] = '+';
	for (size_t i = 0; i < N_FLAGS; i++) {
		const struct run_flag *f = &run_flags[i];
		longopts[i] =
			(struct option){f->name, f->has_arg, NULL,
					f->short_name ? f->short_name : FLAG_VAL_BASE + (int)i};
		if (!f->short_name || (create && f->short_name == 'd') || n + 3 > size)
			continue;
		shortopts[n++] = f->short_name;
		if (f->has_arg == required_argument)
			shortopts[n++] = ':';
	}
	longopts[N_FLAGS] = (struct option){NULL, 0, NULL, 0};
	shortopts[n] = 0;
}

static const struct run_flag *flag_of(int opt)
{
	if (opt >= FLAG_VAL_BASE && opt < FLAG_VAL_BASE + (int)N_FLAGS)
		return &run_flags[opt - FLAG_VAL_BASE];
	for (size_t i = 0; i < N_FLAGS; i++)
		if (run_flags[i].short_name && run_flags[i].short_name == opt)
			return &run_flags[i];
	return NULL;
}

/* One run/create flag by its long name applied to c (build's RUN containers share run's
 * parsers this way); -ENOENT when run has no such container flag. */
int cmd_run_flag_apply(const char *name, const char *arg, struct pm_container_config *c,
		       pm_error **err)
{
	struct cmd_run_opts o = {.create = true};
	for (size_t i = 0; i < N_FLAGS; i++) {
		const struct run_flag *f = &run_flags[i];
		if (strcmp(f->name, name) || f->where != IN_CFG || f->kind == FLAG_HELP)
			continue;
		return flag_apply(f, c, &o, arg, err);
	}
	return pm_error_set(err, ENOENT, "unknown flag: --%s", name);
}

/* --http-proxy (podman's default true): the host's proxy variables, before the user's -e
 * (which win) */
static void add_proxy_env(struct pm_container_config *c, bool on)
{
	static const char *const vars[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
					   "ftp_proxy",	 "FTP_PROXY",  "no_proxy",    "NO_PROXY"};
	char **env = NULL;
	for (size_t i = 0; on && i < ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v)
			pm_strv_consume(&env, pm_xasprintf("%s=%s", vars[i], v));
	}
	if (!env)
		return;
	for (char **e = c->env; e && *e; e++)
		pm_strv_push(&env, *e);
	pm_strv_free(c->env);
	c->env = env;
}

/* podman's check: a registry auto-update policy needs the registry in the image's name */
static bool autoupdate_short_name(const struct pm_container_config *c)
{
	const char *pol = NULL;
	size_t kl = strlen(PM_AUTOUPDATE_LABEL);
	for (char **l = c->labels; l && *l; l++)
		if (!strncmp(*l, PM_AUTOUPDATE_LABEL, kl) && (*l)[kl] == '=')
			pol = *l + kl + 1;
	enum pm_autoupdate_policy p;
	return pol && pm_autoupdate_policy_parse(pol, &p, NULL) >= 0 &&
	       p == PM_AUTOUPDATE_REGISTRY && !pm_autoupdate_name_qualified(c->image);
}

int cmd_run_parse(struct pm_cli *cli, int argc, char **argv, struct pm_container_config *c,
		  struct cmd_run_opts *o, int *ret_status)
{
	struct pm_opt_state st = {0};
	struct option longopts[N_FLAGS + 1];
	char shortopts[64];
	_cleanup_free_ char *create_usage = o->create ? cmd_create_usage() : NULL;
	const char *usage = o->create ? create_usage : cmd_run_usage;
	int opt;
	o->detach = false;
	o->rootfs = false;
	o->http_proxy = true;
	pm_cli_pull_flags_init(&o->pullf);
	c->read_only_tmpfs = true;
	flag_tables(o->create, longopts, shortopts, sizeof(shortopts));
	while ((opt = pm_cli_getopt(cli, &st, argc, argv, shortopts, longopts, usage)) != -1) {
		if (opt == PM_OPT_EXIT) {
			*ret_status = st.status;
			return -1;
		}
		const struct run_flag *f = flag_of(opt);
		if (f && f->kind == FLAG_HELP) {
			pm_cli_usage(cli, usage);
			*ret_status = 0;
			return -1;
		}
		_cleanup_error_ pm_error *err = NULL;
		if (!f)
			pm_error_set(&err, EINVAL, "unhandled flag");
		if (!f || flag_apply(f, c, o, optarg, &err) < 0) {
			*ret_status = pm_cli_error(err);
			return -1;
		}
	}
	_cleanup_error_ pm_error *herr = NULL;
	const char *mgr;
	_cleanup_strv_ char **conf_ulimits = NULL;
	bool conf_ulimits_set;
	char *conf_ctr[PM_CONF_N] = {0};
	int cr = pm_conf_run_defaults(&mgr, &conf_ulimits, &conf_ulimits_set, conf_ctr, &herr);
	if (cr >= 0)
		cr = conf_ctr_defaults(c, o, conf_ctr, &herr);
	for (size_t i = 0; i < PM_CONF_N; i++)
		free(conf_ctr[i]);
	if (cr < 0 || pm_health_from_flags(&o->health, &c->health, &herr) < 0 ||
	    pm_health_startup_from_flags(&o->health, &c->startup_health, &herr) < 0 ||
	    pm_spec_subid_expand(c, &herr) < 0) {
		*ret_status = pm_cli_error(herr);
		return -1;
	}
	/* podman's check, before anything is made: a container process could push input into
	 * the caller's terminal (TIOCSTI); passthrough-tty takes that risk */
	if (c->log_driver && !strcmp(c->log_driver, "passthrough") &&
	    (isatty(STDIN_FILENO) || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO))) {
		*ret_status = pm_cli_errorf("the '--log-driver passthrough' option cannot be used "
					    "on a TTY.  If you really want it, use '--log-driver "
					    "passthrough-tty'");
		return -1;
	}
	/* containers.conf's default_ulimits stand for --ulimit when none is given (an empty
	 * list: podman then sets no limits at all, as with host) */
	if (!c->ulimits && conf_ulimits_set) {
		c->ulimits = conf_ulimits ? TAKE_PTR(conf_ulimits) : NULL;
		if (!c->ulimits)
			pm_strv_push(&c->ulimits, "host");
	}
	add_proxy_env(c, o->http_proxy);
	/* podman's: the unit a container is made in (generate systemd and Quadlet units set
	 * PODMAN_SYSTEMD_UNIT=%n) becomes its label, for auto-update to restart */
	const char *unit = getenv(PM_SYSTEMD_UNIT_LABEL);
	if (unit) {
		_cleanup_free_ char *kv = pm_xasprintf("%s=%s", PM_SYSTEMD_UNIT_LABEL, unit);
		pm_strv_set_kv(&c->labels, kv);
	}
	/* the manager the container is made with (inspect's HostConfig.CgroupManager) */
	free(c->cgroup_manager);
	c->cgroup_manager = pm_xstrdup(mgr);
	if (!pm_cli_nargs(cli, argc - optind, 1, -1)) {
		*ret_status = PM_EXIT_ERROR;
		return -1;
	}
	for (char **a = cli->argv; a && *a; a++)
		pm_strv_push(&c->create_command, *a);
	char **dst = o->rootfs ? &c->rootfs : &c->image;
	free(*dst);
	*dst = pm_xstrdup(argv[optind]);
	if (!o->rootfs && autoupdate_short_name(c)) {
		*ret_status =
			pm_cli_errorf("short name: auto updates require fully-qualified image "
				      "reference: \"%s\"",
				      c->image);
		return -1;
	}
	for (int i = optind + 1; i < argc; i++)
		pm_strv_push(&c->command, argv[i]);
	return 0;
}

static void close_pod_lock(struct cmd_run_opts *o)
{
	if (o->pod_lock >= 0)
		close(o->pod_lock);
	o->pod_lock = -1;
}

void cmd_run_pod_done(const struct pm_engine *e, struct cmd_run_opts *o, bool failed)
{
	close_pod_lock(o);
	if (failed && o->made_pod) {
		_cleanup_pod_ struct pm_pod *pod = NULL;
		if (pm_pod_lookup(e->paths, o->made_pod, &pod, NULL) == 0)
			pm_pod_remove(e, pod, true, 0, NULL);
	}
	free(o->made_pod);
	o->made_pod = NULL;
}

/* --pull's policy and the pull flags (po), checked before anything is made. Prints errors;
 * returns 0 or the exit status. */
static int run_pull_prepare(struct pm_container_config *cfg, struct cmd_run_opts *o,
			    enum pm_pull_policy *policy, struct pm_pull_opts *po)
{
	_cleanup_error_ pm_error *err = NULL;
	*policy = PM_PULL_MISSING;
	if ((o->pull && pm_pull_policy_parse(o->pull, policy, &err) < 0) ||
	    pm_reference_check_case(cfg->image, &err) < 0 ||
	    pm_cli_pull_flags_finish(&o->pullf, po, &err) < 0)
		return pm_cli_error(err);
	return 0;
}

/* --pull: make sure the image is there (pulled as the policy says, progress on stderr);
 * *ret_pulled when it was pulled. When the name as typed would not find the pulled image (an
 * index pulled by its digest), cfg->image becomes its id. Prints errors; returns 0 or the
 * exit status. */
static int run_pull(struct pm_cli *cli, struct pm_container_config *cfg, struct cmd_run_opts *o,
		    enum pm_pull_policy policy, const struct pm_pull_opts *po, bool *ret_pulled)
{
	_cleanup_error_ pm_error *err = NULL;
	*ret_pulled = false;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record rec = {0};
	if ((policy == PM_PULL_MISSING || policy == PM_PULL_NEVER) &&
	    pm_image_resolve(s, cfg->image, &rec, NULL) == 0) {
		pm_image_record_free(&rec); /* stored: no registry asked */
		return 0;
	}
	struct pm_cli_progress progress;
	pm_cli_progress_start(&progress, s, o->quiet, false);
	struct pm_pull_opts with_progress = *po;
	with_progress.event = pm_cli_progress_pull_event;
	with_progress.event_ctx = &progress;
	_cleanup_free_ char *id = NULL;
	int r = pm_pull_for_container(s, cfg->image, policy, &with_progress, &id, &err);
	pm_cli_progress_end(&progress);
	if (r < 0)
		return pm_cli_error(err);
	*ret_pulled = true;
	bool same = pm_image_resolve(s, cfg->image, &rec, NULL) == 0 && strcmp(rec.id, id) == 0;
	pm_image_record_free(&rec);
	if (!same) {
		free(cfg->image);
		cfg->image = TAKE_PTR(id);
	}
	return 0;
}

static int run_create(struct pm_cli *cli, const struct pm_engine *e,
		      struct pm_container_config *cfg, struct cmd_run_opts *o,
		      struct pm_container **ret)
{
	_cleanup_error_ pm_error *err = NULL;
	if (o->replace && !cfg->name)
		return pm_cli_errorf("cannot replace container without --name being set");
	/* --pull=missing (the default) without --replace: the engine's create looks the image
	 * up (the common case: it is stored, and the store is opened once); only when that
	 * finds nothing is it pulled, and the create made again. Otherwise the pull comes
	 * first, as podman's (a --replace keeps the old container when the pull fails). */
	enum pm_pull_policy policy = PM_PULL_MISSING;
	struct pm_pull_opts po;
	bool lazy = false, pulled = false;
	if (!o->rootfs && cfg->image) {
		int st = run_pull_prepare(cfg, o, &policy, &po);
		if (st)
			return st;
		lazy = policy == PM_PULL_MISSING && !o->replace;
		if (!lazy && (st = run_pull(cli, cfg, o, policy, &po, &pulled)))
			return st;
	}
	/* a member joins its pod's namespaces: what is checked next is what will run */
	if (cfg->pod && pm_pod_member_prepare(e, cfg, &o->pod_lock, &o->made_pod, &err) < 0)
		return pm_cli_error(err);
	if (pm_engine_network_check(e, cfg, &err) < 0 ||
	    pm_container_config_validate(cfg, &err) < 0)
		return pm_cli_error(err);
	struct pm_net_config net;
	if (pm_engine_net_config(cfg, NULL, &net, NULL) == 1)
		pm_log_warn("Port mappings have been discarded as one of the Host, Container, Pod, "
			    "and None network modes are in use");
	pm_net_config_clear(&net);
	_cleanup_close_ int cidfd = -1;
	if (o->cidfile) {
		cidfd = open(o->cidfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (cidfd < 0 && errno == EEXIST)
			return pm_cli_errorf(
				"container id file exists. Ensure another container is "
				"not using it or delete %s",
				o->cidfile);
		if (cidfd < 0)
			return pm_cli_errorf("opening cidfile '%s': %s", o->cidfile,
					     strerror(errno));
	}
	if (o->replace) {
		_cleanup_container_ struct pm_container *old = NULL;
		if (pm_container_lookup(e->paths, cfg->name, &old, NULL) == 0 &&
		    !strcmp(old->name, cfg->name)) {
			if (pm_engine_stop(e, old, 0, &err) < 0 ||
			    (pm_container_reload(e->paths, old, NULL) == 0 &&
			     pm_engine_remove(e, old, &err) < 0)) {
				if (o->cidfile)
					unlink(o->cidfile);
				return pm_cli_error(err);
			}
		}
	}
	int r = pm_engine_create(e, cfg, ret, &err);
	if (r == -ENOENT && lazy) {
		/* pulled when the image is missing; when it is stored, something else was not
		 * found and the engine's error stands */
		int st = run_pull(cli, cfg, o, policy, &po, &pulled);
		if (st) {
			if (o->cidfile)
				unlink(o->cidfile);
			return st;
		}
		if (pulled) {
			pm_error_free(TAKE_PTR(err));
			r = pm_engine_create(e, cfg, ret, &err);
		}
	}
	if (r < 0) {
		if (o->cidfile)
			unlink(o->cidfile);
		return pm_cli_error(err);
	}
	if (cidfd >= 0) {
		const char *id = (*ret)->id;
		if (write(cidfd, id, strlen(id)) != (ssize_t)strlen(id)) {
			int saved = errno;
			pm_engine_remove(e, *ret, NULL);
			*ret = pm_container_free(*ret);
			unlink(o->cidfile);
			return pm_cli_errorf("writing cidfile '%s': %s", o->cidfile,
					     strerror(saved));
		}
	}
	return 0;
}

int cmd_run_create(struct pm_cli *cli, const struct pm_engine *e, struct pm_container_config *cfg,
		   struct cmd_run_opts *o, struct pm_container **ret)
{
	int st = run_create(cli, e, cfg, o, ret);
	pm_cli_pull_flags_free(&o->pullf);
	return st;
}

/* --rmi, after a foreground run: the image goes unless a container still uses it (podman
 * 4.3: by the name given, which untags it when it has others; a failure is logged, the exit
 * status stays the container's) */
static void run_rmi(struct pm_cli *cli, const char *ref)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	struct pm_image_record rec = {0};
	if (pm_cli_open_store(cli, &s, &err) < 0 || pm_image_resolve(s, ref, &rec, &err) < 0) {
		pm_log(PM_LOG_ERROR, "%s", err->msg);
		return;
	}
	_cleanup_strv_ char **cands = pm_reference_candidates(ref);
	const char *named = NULL;
	for (char **c = cands; c && *c && !named && pm_strv_length(rec.names) > 1; c++)
		if (pm_strv_contains(rec.names, *c))
			named = *c;
	int r = named ? pm_image_untag(s, rec.id, named, &err)
		      : pm_image_remove(s, rec.id, false, &err);
	if (r < 0)
		pm_log(PM_LOG_ERROR, "%s", err->msg);
	else if (named)
		pm_event_emit(cli->paths.runroot, "image", "untag", rec.id, named, NULL);
	else
		pm_event_emit(cli->paths.runroot, "image", "remove", rec.id, NULL, NULL);
	pm_image_record_free(&rec);
}

int cmd_run(struct pm_cli *cli, int argc, char **argv)
{
	struct pm_container_config cfg = {0};
	struct cmd_run_opts o = {.pod_lock = -1};
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *c = NULL;
	_cleanup_strv_ char **made = NULL;
	int status = PM_EXIT_ERROR;
	/* zeroed before the first goto out: out frees its early network helper */
	struct pm_engine engine = {0};

	if (cmd_run_parse(cli, argc, argv, &cfg, &o, &status) < 0)
		goto out;
	if (cfg.tty && cfg.interactive && !isatty(STDIN_FILENO)) /* podman's warning */
		pm_log_warn("The input device is not a TTY. The --tty and --interactive flags "
			    "might not work properly");
	engine.paths = &cli->paths;
	engine.storage_driver = cli->storage_driver;
	engine.preserve_fds = o.preserve_fds;
	engine.sync_later = o.detach;
	/* the volumes this run makes: a failed run leaves none of them behind */
	made = pm_engine_volumes_missing(&engine, &cfg);
	bool detachable = cfg.tty && cfg.interactive && !(o.detach_keys && !*o.detach_keys) &&
			  isatty(STDIN_FILENO);
	/* a foreground run's slirp4netns comes up while the container is created (issue #20) */
	if (!o.detach && !detachable)
		engine.early_net = pm_engine_net_launch_first(&engine, &cfg);
	status = cmd_run_create(cli, &engine, &cfg, &o, &c);
	if (status != 0) {
		pm_engine_volumes_drop_unused(&engine, made);
		cmd_run_pod_done(&engine, &o, true);
		goto out;
	}
	/* a member of a pod: its infra runs first */
	int r = pm_pod_ctr_prepare_start(&engine, c, &err);
	if (r < 0)
		goto failed;
	if (o.detach) {
		r = pm_engine_start(&engine, c, &err);
		if (r >= 0) {
			/* passthrough: stdout is the container's, no id mixed into it (podman) */
			if (!pm_log_driver_is_passthrough(cfg.log_driver))
				printf("%s\n", c->id);
			status = 0;
		}
	} else if (detachable) {
		/* the keys were checked by the flag's setter; "" means none: no detaching */
		/* detachable: a monitor of its own, this process attached (engine/run.h) */
		int code = 0;
		close_pod_lock(&o); /* not held while it runs */
		r = pm_engine_start_detachable(&engine, c, o.detach_keys, &code, &err);
		status = r == 1 ? 0 : code;
	} else {
		int code = 0;
		close_pod_lock(&o); /* not held while it runs */
		r = cfg.rm ? pm_engine_start_foreground_then_remove(&engine, c, &code, &err)
			   : pm_engine_start_foreground(&engine, c, &code, &err);
		status = code;
		if (r >= 0 && cfg.rm) {
			_cleanup_error_ pm_error *rmerr = NULL;
			/* the exit code first: the deletes go on in a detached process */
			if (pm_engine_remove_detached(&engine, c, true, &rmerr) < 0)
				pm_log_warn("%s", rmerr->msg);
		}
	}
	if (r >= 0 && o.rmi && !o.detach && !o.rootfs)
		run_rmi(cli, cfg.image);
failed:
	if (r < 0) {
		/* a failed run leaves no container */
		status = pm_cli_error(err);
		pm_engine_remove_volumes(&engine, c, true, NULL);
		pm_engine_volumes_drop_unused(&engine, made);
		if (o.cidfile)
			unlink(o.cidfile);
	}
	cmd_run_pod_done(&engine, &o, r < 0);
out:
	pm_engine_net_first_free(engine.early_net);
	pm_spec_config_clear(&cfg);
	fflush(stdout);
	return status;
}
