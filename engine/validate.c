/* validate.c: the validation of a container configuration (engine/validate.h): the parsers
 * of the string values users give and the one check of a whole configuration that every
 * caller (cli/cmd-run.c and create, later play kube, build and the API) runs before it
 * creates anything. Pure apart from pm_spec_validate's look at the host's cgroups. Never
 * prints. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cgroup-flags.h"
#include "engine/health-parse.h"
#include "engine/limits.h"
#include "engine/run-flags.h"
#include "engine/spec.h"
#include "engine/systemd-mode.h"
#include "engine/time-offset.h"
#include "engine/validate.h"
#include "engine/volumes-from.h"
#include "systemd/limits.h"
#include "lib/strutil.h"

/* ---- restart policy, signal names, detach keys ---------------------------------------- */

int pm_monitor_parse_restart(const char *s, struct pm_restart_policy *ret, pm_error **err)
{
	*ret = (struct pm_restart_policy){0};
	if (!s || !*s || !strcmp(s, "no"))
		return 0;
	if (!strcmp(s, "always")) {
		ret->kind = PM_RESTART_ALWAYS;
		return 0;
	}
	if (!strcmp(s, "unless-stopped")) {
		ret->kind = PM_RESTART_UNLESS_STOPPED;
		return 0;
	}
	if (!strcmp(s, "on-failure")) {
		ret->kind = PM_RESTART_ON_FAILURE;
		return 0;
	}
	if (pm_str_startswith(s, "on-failure:")) {
		const char *n = s + strlen("on-failure:");
		int v;
		if (pm_parse_int(n, &v) < 0)
			return pm_error_set(err, EINVAL,
					    "parsing restart policy retry count: strconv.Atoi: "
					    "parsing \"%s\": invalid syntax",
					    n);
		if (v < 0)
			return pm_error_set(err, EINVAL,
					    "must specify restart policy retry count as a number "
					    "greater than 0");
		ret->kind = PM_RESTART_ON_FAILURE;
		ret->max_retries = (unsigned)v;
		return 0;
	}
	if (strchr(s, ':') && (pm_str_startswith(s, "always:") || pm_str_startswith(s, "no:") ||
			       pm_str_startswith(s, "unless-stopped:")))
		return pm_error_set(err, EINVAL,
				    "restart policy retries can only be specified with on-failure");
	return pm_error_set(err, EINVAL, "\"%s\" is not a valid restart policy", s);
}

int pm_engine_parse_signal(const char *s, int *ret)
{
	if (!s || !*s)
		return -EINVAL;
	int v;
	if (pm_parse_int(s, &v) == 0) {
		if (v < 1 || v > 64)
			return -EINVAL;
		*ret = v;
		return 0;
	}
	const char *name = s;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (int i = 1; i < 32; i++) {
		const char *abbrev = sigabbrev_np(i);
		if (abbrev && !strcasecmp(abbrev, name)) {
			*ret = i;
			return 0;
		}
	}
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		bool min = !strncasecmp(name, "RTMIN", 5);
		int off = 0;
		if (name[5] && (name[5] != (min ? '+' : '-') || pm_parse_int(name + 6, &off) < 0))
			return -EINVAL;
		int n = min ? SIGRTMIN + off : SIGRTMAX - off;
		if (n < SIGRTMIN || n > SIGRTMAX)
			return -EINVAL;
		*ret = n;
		return 0;
	}
	return -EINVAL;
}

int pm_attach_parse_keys(const char *s, unsigned char *ret, size_t *ret_n, pm_error **err)
{
	*ret_n = 0;
	if (!s)
		s = "ctrl-p,ctrl-q";
	if (!*s)
		return 0;
	_cleanup_strv_ char **parts = pm_strv_split(s, ",");
	for (char **p = parts; p && *p; p++) {
		if (*ret_n >= 8)
			return pm_error_set(err, EINVAL, "invalid detach keys '%s': too long", s);
		const char *k = *p;
		if (strlen(k) == 1) {
			ret[(*ret_n)++] = (unsigned char)k[0];
			continue;
		}
		if (!strncmp(k, "ctrl-", 5) && strlen(k) == 6) {
			char ch = k[5];
			if (ch >= 'a' && ch <= 'z') {
				ret[(*ret_n)++] = (unsigned char)(ch - 'a' + 1);
				continue;
			}
			if (ch == '@' || ch == '[' || ch == '\\' || ch == ']' || ch == '^' ||
			    ch == '_') {
				ret[(*ret_n)++] = (unsigned char)(ch == '@' ? 0 : ch - '@');
				continue;
			}
		}
		return pm_error_set(err, EINVAL, "invalid detach keys: Unknown character: '%s'", k);
	}
	return 0;
}

int pm_config_parse_memory(const char *v, uint64_t *ret, pm_error **err)
{
	uint64_t n;
	if (!v || pm_parse_size(v, &n) < 0 || n == 0)
		return pm_error_set(err, EINVAL,
				    "invalid --memory '%s': use <number>[<unit>], where unit = b, "
				    "k, m or g",
				    v ? v : "");
	if (n < PM_MIN_MEMORY)
		return pm_error_set(err, EINVAL,
				    "invalid --memory '%s': minimum memory limit allowed is 6MB",
				    v);
	*ret = n;
	return 0;
}

int pm_config_parse_cpus(const char *v, double *ret, pm_error **err)
{
	char *end = NULL;
	errno = 0;
	double d = v ? strtod(v, &end) : 0;
	if (!v || errno || !end || end == v || *end || !(d > 0) || !isfinite(d))
		return pm_error_set(err, EINVAL, "invalid --cpus '%s': must be a positive number",
				    v ? v : "");
	*ret = d;
	return 0;
}

static int size_flag(const char *flag, const char *v, uint64_t *ret, pm_error **err)
{
	uint64_t n;
	if (pm_parse_size(v, &n) < 0)
		return pm_error_set(err, EINVAL,
				    "invalid --%s '%s': use <number>[<unit>], where unit = b, k, m "
				    "or g",
				    flag, v);
	*ret = n;
	return 0;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = pm_xstrdup(v);
}

int pm_config_set_resource(struct pm_container_config *c, const char *flag, const char *v,
			   pm_error **err)
{
	uint64_t n;
	int r;
	if (!v)
		v = "";
	if (!strcmp(flag, "memory-swap")) {
		if (!strcmp(v, "-1")) {
			c->memory_swap = -1;
			return 0;
		}
		if ((r = size_flag(flag, v, &n, err)) < 0)
			return r;
		if (n > INT64_MAX)
			return pm_error_set(err, ERANGE, "invalid --memory-swap '%s': too large",
					    v);
		c->memory_swap = (int64_t)n;
		return 0;
	}
	if (!strcmp(flag, "memory-reservation"))
		return size_flag(flag, v, &c->memory_reservation, err);
	if (!strcmp(flag, "cpu-shares")) {
		if (pm_parse_uint64(v, &n) < 0)
			return pm_error_set(
				err, EINVAL,
				"invalid argument \"%s\" for \"-c, --cpu-shares\" flag: "
				"strconv.ParseUint: parsing \"%s\": invalid syntax",
				v, v);
		if (n > 262144)
			return pm_error_set(
				err, EINVAL,
				"invalid --cpu-shares '%s': must be between 2 and 262144", v);
		c->cpu_shares = n;
		return 0;
	}
	if (!strcmp(flag, "cpu-quota")) {
		int q;
		if (pm_parse_int(v, &q) < 0)
			return pm_error_set(err, EINVAL,
					    "invalid argument \"%s\" for \"--cpu-quota\" flag: "
					    "strconv.ParseInt: parsing \"%s\": invalid syntax",
					    v, v);
		if (q != 0 && q != -1 && q < 1000)
			return pm_error_set(
				err, EINVAL,
				"invalid --cpu-quota '%s': CPU cfs quota cannot be less "
				"than 1ms (i.e. 1000)",
				v);
		c->cpu_quota = q;
		return 0;
	}
	if (!strcmp(flag, "cpu-period")) {
		if (pm_parse_uint64(v, &n) < 0)
			return pm_error_set(err, EINVAL,
					    "invalid argument \"%s\" for \"--cpu-period\" flag: "
					    "strconv.ParseUint: parsing \"%s\": invalid syntax",
					    v, v);
		if (n != 0 && (n < 1000 || n > 1000000))
			return pm_error_set(
				err, EINVAL,
				"invalid --cpu-period '%s': CPU cfs period cannot be less "
				"than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
				v);
		c->cpu_period = n;
		return 0;
	}
	if (!strcmp(flag, "cpuset-cpus") || !strcmp(flag, "cpuset-mems")) {
		bool cpus = !strcmp(flag, "cpuset-cpus");
		if (*v && pm_cg_parse_cpuset(v, NULL, NULL) < 0)
			return pm_error_set(err, EINVAL, "invalid value %s for cpuset %s", v,
					    cpus ? "cpus" : "mems");
		set_str(cpus ? &c->cpuset_cpus : &c->cpuset_mems, v);
		return 0;
	}
	if (!strcmp(flag, "blkio-weight")) {
		if (pm_parse_uint64(v, &n) < 0 || (n != 0 && (n < 10 || n > 1000)))
			return pm_error_set(
				err, EINVAL,
				"invalid --blkio-weight '%s': must be between 10 and 1000", v);
		c->blkio_weight = n;
		return 0;
	}
	if (!strcmp(flag, "cgroups")) {
		enum pm_cg_mode mode;
		if ((r = pm_cg_mode_parse(v, &mode, err)) < 0)
			return r;
		set_str(&c->cgroups, v);
		return 0;
	}
	return pm_error_set(err, EINVAL, "unknown resource flag --%s", flag);
}

int pm_config_check_resources(const struct pm_container_config *c, pm_error **err)
{
	if (c->memory && c->memory < PM_MIN_MEMORY)
		return pm_error_set(err, EINVAL,
				    "invalid --memory '%llu': minimum memory limit allowed is 6MB",
				    (unsigned long long)c->memory);
	if (c->memory_swap && !c->memory)
		return pm_error_set(
			err, EINVAL,
			"--memory-swap '%lld': you should always set a memory limit when "
			"using a memoryswap limit, see usage",
			(long long)c->memory_swap);
	if (c->memory_swap > 0 && (uint64_t)c->memory_swap < c->memory)
		return pm_error_set(
			err, EINVAL,
			"--memory-swap '%lld': minimum memoryswap limit should be larger "
			"than memory limit, see usage",
			(long long)c->memory_swap);
	if (c->memory && c->memory_reservation > c->memory)
		return pm_error_set(err, EINVAL,
				    "--memory-reservation '%llu': minimum memory limit can not be "
				    "less than memory reservation limit, see usage",
				    (unsigned long long)c->memory_reservation);
	if (c->cpus > 0 && c->cpu_quota)
		return pm_error_set(err, EINVAL, "--cpu-quota and --cpus cannot be set together");
	if (c->cpus > 0 && c->cpu_period)
		return pm_error_set(err, EINVAL, "--cpu-period and --cpus cannot be set together");
	/* read only for --cpus (a file read per call, and validation runs twice a start) */
	long ncpu = c->cpus > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 0;
	if (c->cpus > 0 && ncpu > 0 && c->cpus > (double)ncpu)
		return pm_error_set(err, EINVAL,
				    "invalid --cpus '%g': range of CPUs is from 0.01 to %ld.00, as "
				    "there are only %ld CPUs available",
				    c->cpus, ncpu, ncpu);
	if (c->cpus > 0 && c->cpus < 0.01)
		return pm_error_set(err, EINVAL,
				    "invalid --cpus '%g': range of CPUs is from 0.01 to %ld.00",
				    c->cpus, ncpu > 0 ? ncpu : 1);
	return 0;
}

int pm_config_parse_pids_limit(const char *v, int64_t *ret, pm_error **err)
{
	int n;
	if (!v || pm_parse_int(v, &n) < 0 || n < -1)
		return pm_error_set(
			err, EINVAL,
			"invalid --pids-limit '%s': must be a number (-1 for unlimited)",
			v ? v : "");
	*ret = n;
	return 0;
}

int pm_config_parse_stop_timeout(const char *v, int64_t *ret, pm_error **err)
{
	uint64_t n;
	if (!v || pm_parse_uint64(v, &n) < 0 || n > INT32_MAX)
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--stop-timeout\" flag: "
				    "strconv.ParseUint: parsing \"%s\": invalid syntax",
				    v ? v : "", v ? v : "");
	*ret = (int64_t)n;
	return 0;
}

int pm_config_check_stop_signal(const char *v, pm_error **err)
{
	int sig;
	if (!v || pm_engine_parse_signal(v, &sig) < 0)
		return pm_error_set(err, EINVAL, "invalid signal: %s", v ? v : "");
	return 0;
}

int pm_config_check_restart(const char *v, pm_error **err)
{
	struct pm_restart_policy pol;
	return pm_monitor_parse_restart(v, &pol, err);
}

int pm_config_check_detach_keys(const char *v, pm_error **err)
{
	unsigned char keys[8];
	size_t n;
	return pm_attach_parse_keys(v, keys, &n, err);
}

int pm_config_set_log_opt(struct pm_container_config *c, const char *v, pm_error **err)
{
	if (pm_str_startswith(v, "max-size=")) {
		const char *size = v + strlen("max-size=");
		uint64_t n;
		/* podman 4.3: go-units FromHumanSize, decimal units */
		if (pm_parse_size_decimal(size, &n) < 0)
			return pm_error_set(err, EINVAL, "invalid size: '%s'", size);
		c->log_max_size = n;
		return 0;
	}
	/* podman accepts and ignores other keys (tag=, path= ...) for k8s-file */
	if (!strchr(v, '='))
		return pm_error_set(err, EINVAL, "invalid logging option '%s': use KEY=VALUE", v);
	return 0;
}

int pm_config_set_log_driver(struct pm_container_config *c, const char *v, pm_error **err)
{
	if (!strcmp(v, "k8s-file") || !strcmp(v, "json-file")) {
		free(c->log_driver);
		c->log_driver = NULL;
		return 0;
	}
	if (!strcmp(v, "none") || pm_log_driver_is_passthrough(v)) {
		free(c->log_driver);
		c->log_driver = pm_xstrdup(v);
		return 0;
	}
	if (!strcmp(v, "journald"))
		return pm_error_set(err, EINVAL,
				    "--log-driver '%s': not supported: pm's containers log to a "
				    "k8s-file, not at all (none) or to the caller's streams "
				    "(passthrough)",
				    v);
	return pm_error_set(err, EINVAL, "--log-driver '%s': invalid log driver: invalid argument",
			    v);
}

int pm_config_set_security_opt(struct pm_container_config *c, const char *v, pm_error **err)
{
	if (pm_str_startswith(v, "seccomp=") || pm_str_startswith(v, "seccomp:")) {
		free(c->seccomp);
		c->seccomp = pm_xstrdup(v + strlen("seccomp="));
		return 0;
	}
	if (!strcmp(v, "no-new-privileges") || !strcmp(v, "no-new-privileges=true") ||
	    !strcmp(v, "no-new-privileges:true")) {
		c->no_new_privs = true;
		return 0;
	}
	if (!strcmp(v, "no-new-privileges=false") || !strcmp(v, "no-new-privileges:false")) {
		c->no_new_privs = false;
		return 0;
	}
	if (pm_str_startswith(v, "label=") || pm_str_startswith(v, "label:") ||
	    pm_str_startswith(v, "apparmor=") || pm_str_startswith(v, "mask=") ||
	    pm_str_startswith(v, "unmask="))
		return 0; /* accepted, no effect on this host (no SELinux/AppArmor) */
	return pm_error_set(err, EINVAL, "invalid --security-opt '%s'", v);
}

/* --ulimit, --sysctl (against the namespaces the container has), --device, --tz, --expose
 * (engine/run-flags.h) */
static int run_flags_check(const struct pm_container_config *c, pm_error **err)
{
	int r = 0;
	struct pm_ulimit ul;
	for (char **v = c->ulimits; r >= 0 && v && *v; v++)
		r = pm_config_parse_ulimit(*v, &ul, err);
	for (char **v = c->sysctls; r >= 0 && v && *v; v++)
		r = pm_config_check_sysctl(c->network, c->ipc, *v, err);
	for (char **v = c->devices; r >= 0 && v && *v; v++) {
		_cleanup_free_ char *src = NULL, *dst = NULL;
		r = pm_config_parse_device(*v, &src, &dst, NULL, err);
	}
	for (char **v = c->expose; r >= 0 && v && *v; v++)
		r = pm_config_check_expose(*v, err);
	for (char **v = c->volumes_from; r >= 0 && v && *v; v++)
		r = pm_volumes_from_check(*v, err);
	for (char **v = c->attach; r >= 0 && v && *v; v++)
		r = pm_config_check_attach(*v, err);
	/* passthrough: the container's streams are the caller's own, nothing to attach to */
	if (r >= 0 && c->attach && pm_log_driver_is_passthrough(c->log_driver))
		r = pm_error_set(err, EINVAL,
				 "cannot specify --attach with --log-driver=passthrough: invalid "
				 "argument");
	if (r >= 0 && c->tty && pm_log_driver_is_passthrough(c->log_driver))
		r = pm_error_set(err, EINVAL,
				 "--log-driver '%s' cannot be used with --tty: the container's "
				 "streams are the caller's own, a pseudo-TTY would reach nobody",
				 c->log_driver);
	for (char **v = c->hostusers; r >= 0 && v && *v; v++)
		r = pm_config_check_hostuser(*v, err);
	struct pm_runtime_idmap m;
	for (char **v = c->uidmap; r >= 0 && v && *v; v++)
		r = pm_config_parse_idmap(*v, "UID", &m, err);
	for (char **v = c->gidmap; r >= 0 && v && *v; v++)
		r = pm_config_parse_idmap(*v, "GID", &m, err);
	if (r >= 0 && (c->uidmap || c->gidmap) && c->userns && c->userns[0])
		r = pm_error_set(err, EINVAL,
				 "--userns and --uidmap/--gidmap/--subuidname/--subgidname are "
				 "mutually exclusive");
	/* podman: a pod's members share its user namespace (pod create --userns) */
	if (r >= 0 && c->userns && c->pod && !c->infra && !pm_str_startswith(c->pod, "new:") &&
	    !pm_str_startswith(c->userns, "container:")) /* (the infra's: pm_pod_member_prepare) */
		r = pm_error_set(err, EINVAL, "--userns and --pod cannot be set together");
	if (r >= 0 && (c->uidmap || c->gidmap) && c->pod && !c->infra)
		r = pm_error_set(err, EINVAL,
				 "--uidmap/--gidmap cannot be set on a container in a pod");
	if (r >= 0 && c->tz) {
		_cleanup_free_ char *tzf = NULL;
		r = pm_config_tz_file(c->tz, &tzf, err);
	}
	return r;
}

int pm_container_config_validate(const struct pm_container_config *c, pm_error **err)
{
	int r;
	if (c->rm && c->restart && *c->restart && strcmp(c->restart, "no") != 0)
		return pm_error_set(err, EINVAL,
				    "the --rm option conflicts with --restart, when the "
				    "restartPolicy is not \"\" and \"no\"");
	if (c->restart && (r = pm_config_check_restart(c->restart, err)) < 0)
		return r;
	if (c->stop_signal && (r = pm_config_check_stop_signal(c->stop_signal, err)) < 0)
		return r;
	if (c->systemd && (r = pm_config_check_systemd(c->systemd, err)) < 0)
		return r;
	if (c->cpus != 0 && !(c->cpus > 0 && isfinite(c->cpus)))
		return pm_error_set(err, EINVAL, "invalid --cpus '%g': must be a positive number",
				    c->cpus);
	if ((r = pm_config_check_resources(c, err)) < 0)
		return r;
	if (c->pids_limit_set && c->pids_limit < -1)
		return pm_error_set(err, EINVAL,
				    "invalid --pids-limit '%lld': must be a number (-1 for "
				    "unlimited)",
				    (long long)c->pids_limit);
	if (c->stop_timeout_set && (c->stop_timeout < 0 || c->stop_timeout > INT32_MAX))
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%lld\" for \"--stop-timeout\" flag: "
				    "strconv.ParseUint: parsing \"%lld\": invalid syntax",
				    (long long)c->stop_timeout, (long long)c->stop_timeout);
	if ((r = pm_health_validate(&c->health, err)) < 0 ||
	    (r = pm_health_startup_validate(&c->startup_health, &c->health, err)) < 0)
		return r;
	if ((r = pm_spec_validate(c, err)) < 0)
		return r;
	struct pm_time_offsets to;
	if ((r = pm_time_offset_parse(c->time_offset, &to, err)) < 0)
		return r;
	if ((r = run_flags_check(c, err)) < 0 || (r = pm_spec_process_check(c, err)) < 0)
		return r;
	if ((r = pm_config_cgroup_flags_check(c, err)) < 0)
		return r;
	return pm_engine_limits_check(c, err);
}

int pm_config_refuse_cpu_rt(const char *flag, const char *v, pm_error **err)
{
	bool is_unsigned = !strcmp(flag, "cpu-rt-period");
	char *end = NULL;
	errno = 0;
	if (is_unsigned && *v != '-' && *v != '+')
		(void)strtoull(v, &end, 10);
	else if (!is_unsigned)
		(void)strtoll(v, &end, 10);
	if (!*v || !end || *end || errno)
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--%s\" flag: strconv.Parse%s: "
				    "parsing \"%s\": %s",
				    v, flag, is_unsigned ? "Uint" : "Int", v,
				    errno == ERANGE ? "value out of range" : "invalid syntax");
	return pm_error_set(err, EOPNOTSUPP,
			    "--%s: cannot enforce the limit: Realtime %s not supported on cgroups "
			    "V2 systems (pm's limits need cgroup v2): drop --%s",
			    flag, is_unsigned ? "period" : "runtime", flag);
}
