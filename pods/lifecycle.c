/* lifecycle.c: a pod's life (see lifecycle.h): its infra container, its members, the pod
 * commands on all of them. Never prints. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/ctr-paths.h"
#include "engine/ctr-pods.h"
#include "engine/ctr-state.h"
#include "engine/pause.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "lib/events.h"
#include "lib/crashpoint.h"
#include "lib/fileutil.h"
#include "lib/paths.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"
#include "engine/cgroup-flags.h"
#include "engine/limits.h"
#include "engine/run-flags.h"
#include "engine/validate.h"
#include "engine/volumes-from.h"

/* ---- configuration ----------------------------------------------------------------------- */

char *pm_pod_slice(const struct pm_pod *pod)
{
	return pm_xasprintf("pm_pod_%s.slice", pod->id);
}

static const char *const share_names[] = {"cgroup", "ipc", "net", "pid", "uts", NULL};

/* podman's --share: a comma list of namespaces, "none", or "+ns,..." added to the
 * default ipc,net,uts */
static int parse_share(char **in, bool user, char ***ret, pm_error **err)
{
	_cleanup_strv_ char **out = NULL;
	bool add = in && in[0] && in[0][0] == '+';
	if (!in || add) {
		pm_strv_push(&out, "ipc");
		pm_strv_push(&out, "net");
		pm_strv_push(&out, "uts");
	}
	for (char **v = in; v && *v; v++) {
		const char *ns = *v;
		if (v == in && add)
			ns++;
		if ((!strcmp(ns, "none") || !ns[0]) && !add && !in[1])
			continue;
		bool known = user && !strcmp(ns, "user"); /* --userns's, validated again */
		for (const char *const *k = share_names; *k; k++)
			known |= !strcmp(*k, ns);
		if (!known)
			return pm_error_set(err, EINVAL,
					    "invalid kernel namespace to share: %s. Options are: "
					    "cgroup, ipc, net, pid, uts or none",
					    ns);
		if (!pm_strv_contains(out, ns))
			pm_strv_push(&out, ns);
	}
	*ret = TAKE_PTR(out);
	return 0;
}

/* One pod-level limit or static network flag "flag=value" (pm_pod_config.limits) applied to
 * c with run's parser. */
static int pod_limit_apply(struct pm_container_config *c, const char *flag_value, pm_error **err)
{
	static const char *const resources[] = {"memory-swap", "cpu-shares", "cpuset-cpus",
						"cpuset-mems", "blkio-weight"};
	size_t k = strcspn(flag_value, "=");
	_cleanup_free_ char *flag = pm_xstrndup(flag_value, k);
	const char *v = flag_value[k] ? flag_value + k + 1 : "";
	for (size_t i = 0; i < ARRAY_SIZE(resources); i++)
		if (!strcmp(flag, resources[i]))
			return pm_config_set_resource(c, flag, v, err);
	return pm_config_set_cgroup_flag(c, flag, v, err);
}

/* The run flags the pod was given (-v, --volumes-from, --device, --security-opt, --sysctl,
 * --shm-size) added to a member's c: the member's own come first, a --shm-size of its own
 * wins. */
static int member_flags(const struct pm_pod_config *pc, struct pm_container_config *c,
			pm_error **err)
{
	for (char **v = pc->volumes; v && *v; v++)
		pm_strv_push(&c->volumes, *v);
	for (char **v = pc->volumes_from; v && *v; v++)
		pm_strv_push(&c->volumes_from, *v);
	for (char **v = pc->devices; v && *v; v++)
		pm_strv_push(&c->devices, *v);
	for (char **v = pc->sysctls; v && *v; v++)
		pm_strv_push(&c->sysctls, *v);
	if (!c->shm_size)
		c->shm_size = pc->shm_size;
	for (char **v = pc->security_opts; v && *v; v++) {
		int r = pm_config_set_security_opt(c, *v, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The pod's run flags checked as run checks them, on a stand-in member: one line naming
 * the bad value, before anything is made. */
static int check_member_flags(const struct pm_pod_config *pc, pm_error **err)
{
	struct pm_container_config c = {
		.pod = pm_xstrdup("pod"),
		.network = pc->network ? pm_xstrdup(pc->network) : NULL,
		.memory = pc->memory,
		.rootfs = pm_xstrdup("/"),
		.pid = pc->pid ? pm_xstrdup(pc->pid) : NULL, /* the infra's, checked as run's */
		.uts = pc->uts ? pm_xstrdup(pc->uts) : NULL,
	};
	int r = member_flags(pc, &c, err);
	/* a bind source must be there (podman's statfs at pod create; run's create leaves
	 * it to the start) */
	for (char **v = pc->volumes; r >= 0 && v && *v; v++) {
		struct pm_runtime_mount m = {0};
		_cleanup_free_ char *name = NULL;
		struct stat st;
		r = pm_spec_parse_volume(*v, &m, &name, err);
		if (r >= 0 && !name && m.source && stat(m.source, &st) < 0)
			r = pm_error_set(err, errno, "statfs %s: %s", m.source,
					 errno == ENOENT ? "no such file or directory"
							 : strerror(errno));
		pm_runtime_mount_clear(&m);
	}
	for (char **v = pc->limits; r >= 0 && v && *v; v++)
		r = pod_limit_apply(&c, *v, err);
	if (r >= 0)
		r = pm_container_config_validate(&c, err);
	pm_spec_config_clear(&c);
	return r;
}

/* The infra container's configuration: the pod's network, hostname, and the pause program
 * as its command in an empty root. */
static int infra_config(const struct pm_engine *e, const struct pm_pod *pod,
			struct pm_container_config *ic, pm_error **err)
{
	const struct pm_pod_config *c = &pod->cfg;
	_cleanup_free_ char *pause = pm_pause_program(err);
	if (!pause)
		return -ENOENT;
	_cleanup_free_ char *root = pm_path_join(e->paths->root, "infra-root");
	int r = pm_mkdir_p(root, 0755, err);
	if (r < 0)
		return r;
	*ic = (struct pm_container_config){0};
	ic->name = pm_xasprintf("%.12s-infra", pod->id);
	if (c->infra_image) { /* --infra-image: its root and (without --infra-command) command */
		ic->image = pm_xstrdup(c->infra_image);
	} else {
		ic->rootfs = TAKE_PTR(root);
		pm_strv_consume(&ic->volumes, pm_xasprintf("%s:/pause:ro", pause));
		pm_strv_push(&ic->command, "/pause");
	}
	if (c->infra_command) {
		pm_strv_free(ic->command);
		ic->command = pm_strv_split(c->infra_command, " ");
	}
	ic->conmon_pidfile = c->infra_conmon_pidfile ? pm_xstrdup(c->infra_conmon_pidfile) : NULL;
	ic->pid = c->pid ? pm_xstrdup(c->pid) : NULL;
	ic->uts = c->uts ? pm_xstrdup(c->uts) : NULL;
	ic->read_only = true;
	ic->hostname = pm_xstrdup(c->hostname ? c->hostname : pod->name);
	ic->network = c->network ? pm_xstrdup(c->network) : NULL;
	ic->publish = pm_strv_copy(c->publish);
	ic->dns = pm_strv_copy(c->dns);
	ic->dns_search = pm_strv_copy(c->dns_search);
	ic->dns_options = pm_strv_copy(c->dns_options);
	ic->add_hosts = pm_strv_copy(c->add_hosts);
	ic->no_hosts = c->no_hosts;
	if (pm_strv_contains(c->share, "user")) {
		ic->userns = c->userns ? pm_xstrdup(c->userns) : NULL;
		ic->uidmap = pm_strv_copy(c->uidmap);
		ic->gidmap = pm_strv_copy(c->gidmap);
	}
	ic->pod = pm_xstrdup(pod->id);
	ic->infra = true;
	ic->cgroup_parent = c->cgroup_parent ? pm_xstrdup(c->cgroup_parent) : pm_pod_slice(pod);
	return 0;
}

int pm_pod_config_validate(struct pm_pod_config *cfg, pm_error **err)
{
	if (cfg->name && !pm_container_name_valid(cfg->name))
		return pm_error_set(err, EINVAL,
				    "running pod create option: names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument (pod name '%s')",
				    cfg->name);
	int r;
	if (cfg->memory && (r = pm_engine_limit_require("--memory", "memory", err)) < 0)
		return r;
	if (cfg->cpus > 0 && (r = pm_engine_limit_require("--cpus", "cpu", err)) < 0)
		return r;
	if ((r = check_member_flags(cfg, err)) < 0)
		return r;
	if (cfg->exit_policy && strcmp(cfg->exit_policy, "continue") &&
	    strcmp(cfg->exit_policy, "stop"))
		return pm_error_set(err, EINVAL,
				    "running pod create option: invalid pod exit policy: \"%s\"",
				    cfg->exit_policy);
	/* --userns: the infra's, which the members join ("user" shared, as podman's) */
	struct pm_spec_userns un;
	if ((r = pm_spec_parse_userns(cfg->userns, &un, err)) < 0)
		return r;
	/* --uidmap/--gidmap/--subuidname/--subgidname: run's parsers and expansion, and run's
	 * refusal of them beside --userns */
	if (cfg->subuidname || cfg->subgidname) {
		/* the maps given move into sc and come back expanded; the names are spent */
		struct pm_container_config sc = {0};
		sc.subuidname = cfg->subuidname;
		sc.subgidname = cfg->subgidname;
		sc.uidmap = cfg->uidmap;
		sc.gidmap = cfg->gidmap;
		cfg->subuidname = cfg->subgidname = NULL;
		r = pm_spec_subid_expand(&sc, err);
		cfg->uidmap = sc.uidmap;
		cfg->gidmap = sc.gidmap;
		sc.uidmap = sc.gidmap = NULL;
		pm_spec_config_clear(&sc);
		if (r < 0)
			return r;
	}
	struct pm_runtime_idmap idm;
	for (char **v = cfg->uidmap; v && *v; v++)
		if ((r = pm_config_parse_idmap(*v, "UID", &idm, err)) < 0)
			return r;
	for (char **v = cfg->gidmap; v && *v; v++)
		if ((r = pm_config_parse_idmap(*v, "GID", &idm, err)) < 0)
			return r;
	bool maps = cfg->uidmap || cfg->gidmap;
	if (maps && un.mode != PM_USERNS_DEFAULT)
		return pm_error_set(err, EINVAL,
				    "--userns and --uidmap/--gidmap/--subuidname/--subgidname are "
				    "mutually exclusive");
	bool own_userns = maps || (un.mode != PM_USERNS_DEFAULT && un.mode != PM_USERNS_HOST);
	_cleanup_strv_ char **share = NULL;
	r = parse_share(cfg->share, own_userns, &share, err);
	if (r < 0)
		return r;
	if (un.mode == PM_USERNS_CONTAINER)
		return pm_error_set(err, EINVAL,
				    "--userns '%s': a pod cannot join a container's user namespace",
				    cfg->userns);
	if (own_userns && (!cfg->infra || (cfg->share && !share)))
		return pm_error_set(
			err, EINVAL, "%s '%s': the pod's user namespace needs an infra container",
			maps ? "--uidmap" : "--userns",
			maps ? (cfg->uidmap ? cfg->uidmap[0] : cfg->gidmap[0]) : cfg->userns);
	/* --share none (or ''): nothing to hold, no infra, as podman's */
	if (cfg->share && !share)
		cfg->infra = false;
	if (!cfg->infra) {
		if (cfg->share && share) {
			_cleanup_free_ char *list = pm_strv_join(share, ",");
			return pm_error_set(err, EINVAL,
					    "cannot set share(%s) namespaces without an infra "
					    "container",
					    list);
		}
		if (cfg->publish)
			return pm_error_set(err, EINVAL,
					    "you must have an infra container to publish port "
					    "bindings to the host");
		if (cfg->network || cfg->dns || cfg->dns_search || cfg->dns_options ||
		    cfg->add_hosts || cfg->no_hosts)
			return pm_error_set(err, EINVAL,
					    "you must have an infra container to configure the "
					    "pod's network");
		pm_strv_free(cfg->share);
		cfg->share = NULL;
		return 0;
	}
	pm_strv_free(cfg->share);
	cfg->share = TAKE_PTR(share);
	if (own_userns && !pm_strv_contains(cfg->share, "user"))
		pm_strv_push(&cfg->share, "user");
	/* the network flags as the infra container will be given them */
	struct pm_container_config ic = {
		.network = cfg->network,
		.publish = cfg->publish,
		.dns = cfg->dns,
		.dns_search = cfg->dns_search,
		.dns_options = cfg->dns_options,
		.add_hosts = cfg->add_hosts,
		.no_hosts = cfg->no_hosts,
		.hostname = cfg->hostname,
	};
	if (cfg->network && !strncmp(cfg->network, "container", 9))
		return pm_error_set(err, EINVAL,
				    "pods cannot join another container's network (--network "
				    "'%s')",
				    cfg->network);
	struct pm_net_config net;
	r = pm_engine_net_config(&ic, NULL, &net, err);
	if (r < 0)
		return r;
	pm_net_config_clear(&net);
	if (r == 1) /* ports a network without a helper cannot carry: a container warns */
		return pm_error_set(err, EINVAL,
				    "PortMappings can only be used with Bridge or slirp4netns "
				    "networking");
	return 0;
}

/* The pod's event (lib/events.h): podman's "pod STATUS ID (image=, name=NAME)". */
static void pod_event(const struct pm_engine *e, const struct pm_pod *pod, const char *status)
{
	pm_event_emit(e->paths->runroot, "pod", status, pod->id, pod->name, NULL);
}

/* ---- create ------------------------------------------------------------------------------ */

int pm_pod_create(const struct pm_engine *e, struct pm_pod_config *cfg, struct pm_pod **ret,
		  pm_error **err)
{
	int r = pm_pod_config_validate(cfg, err);
	if (r < 0)
		return r;
	if (cfg->volumes_from) { /* the containers named must exist, as for run */
		struct pm_container_config vc = {.volumes_from = cfg->volumes_from};
		_cleanup_strv_ char **vols = NULL, **mounts = NULL;
		if ((r = pm_engine_volumes_from(e, &vc, &vols, &mounts, err)) < 0)
			return r;
	}
	_cleanup_pod_ struct pm_pod *pod = NULL;
	_cleanup_close_ int lock = -1;
	r = pm_pod_record_create(e->paths, cfg, &pod, &lock, err);
	if (r < 0)
		return r;
	_cleanup_container_ struct pm_container *infra = NULL;
	if (cfg->infra) {
		struct pm_container_config ic;
		r = infra_config(e, pod, &ic, err);
		if (r >= 0) {
			/* the pod's limits, for its slice (the record keeps no copy) */
			ic.pod_memory = cfg->memory;
			ic.pod_cpus = cfg->cpus;
			for (char **v = cfg->limits; r >= 0 && v && *v; v++)
				r = pod_limit_apply(&ic, *v, err);
			if (cfg->infra_name) {
				free(ic.name);
				ic.name = pm_xstrdup(cfg->infra_name);
			}
			if (r >= 0)
				r = pm_engine_create(e, &ic, &infra, err);
			pm_spec_config_clear(&ic);
		}
		if (r >= 0) {
			free(pod->infra_id);
			pod->infra_id = pm_xstrdup(infra->id);
		}
	}
	/* pod.json last: the pod is there whole, or not at all (a create killed before this
	 * leaves a dir the list collects, and an infra container ps -a shows and rm removes) */
	pm_crash_point("pod-before-record");
	if (r >= 0)
		r = pm_pod_save(e->paths, pod, err);
	if (r < 0) {
		if (infra)
			pm_engine_remove(e, infra, NULL);
		pm_pod_remove_record(e->paths, pod, NULL);
		return r;
	}
	pod_event(e, pod, "create");
	*ret = TAKE_PTR(pod);
	return 0;
}

/* ---- the pod's containers ------------------------------------------------------------------ */

struct pm_container **pm_pod_containers_take(const struct pm_engine *e, const struct pm_pod *pod,
					     struct pm_container **all, size_t n, size_t *ret_n)
{
	struct pm_container **mine = pm_xcalloc(n + 1, sizeof(*mine));
	size_t k = 0;
	/* the list is newest first: walk it backwards for the start order */
	for (size_t i = n; i-- > 0;) {
		if (all[i] && all[i]->pod_id && !strcmp(all[i]->pod_id, pod->id)) {
			/* a --rm member whose run is gone is removed, not the pod's */
			if (pm_engine_refresh_autoremove(e, all[i]) == PM_REFRESH_REMOVED)
				all[i] = pm_container_free(all[i]);
			else
				mine[k++] = TAKE_PTR(all[i]);
		}
	}
	*ret_n = k;
	return mine;
}

int pm_pod_containers(const struct pm_engine *e, const struct pm_pod *pod,
		      struct pm_container ***ret, size_t *ret_n, pm_error **err)
{
	struct pm_container **all = NULL;
	size_t n = 0;
	int r = pm_container_list_pod_members(e->paths, &all, &n, err);
	if (r < 0)
		return r;
	*ret = pm_pod_containers_take(e, pod, all, n, ret_n);
	pm_container_list_free(all, n);
	return 0;
}

const char *pm_pod_status(struct pm_container *const *ctrs, size_t n)
{
	size_t running = 0, paused = 0, stopped = 0, created = 0;
	if (n == 0)
		return "Created";
	for (size_t i = 0; i < n; i++) {
		switch (ctrs[i]->state.status) {
		case PM_CTR_RUNNING:
			running++;
			break;
		case PM_CTR_PAUSED:
			paused++;
			break;
		case PM_CTR_STOPPED:
			stopped++;
			break;
		case PM_CTR_CONFIGURED:
			created++;
			break;
		default:
			break;
		}
	}
	if (running == n)
		return "Running";
	if (running > 0)
		return "Degraded";
	if (paused == n)
		return "Paused";
	if (stopped == n)
		return "Exited";
	if (stopped > 0)
		return "Stopped";
	if (created == n)
		return "Created";
	return "Error";
}

/* ---- start, stop, kill, pause ---------------------------------------------------------------- */

/* Start the members that are not running at once, each from a child of its own (podman
 * starts them in parallel too): their starts overlap (overlay mounts, monitors, execs). The
 * first error in the pod's order is the result; every member is tried. */
static int start_members(const struct pm_engine *e, struct pm_container **ctrs, size_t n,
			 pm_error **err)
{
	size_t todo = 0;
	for (size_t i = 0; i < n; i++)
		todo += !ctrs[i]->infra && !pm_ctr_is_running(ctrs[i]);
	pid_t *pids = pm_xcalloc(n + 1, sizeof(*pids));
	int *fds = pm_xcalloc(n + 1, sizeof(*fds));
	int first = 0;
	fflush(NULL);
	for (size_t i = 0; i < n; i++) {
		fds[i] = -1;
		if (ctrs[i]->infra || pm_ctr_is_running(ctrs[i]))
			continue;
		int p[2] = {-1, -1};
		pid_t pid = todo > 1 && pipe2(p, O_CLOEXEC) == 0 ? fork() : -1;
		if (pid == 0) {
			close(p[0]);
			_cleanup_error_ pm_error *e1 = NULL;
			int r = pm_engine_start(e, ctrs[i], &e1);
			if (r < 0 && e1 && e1->msg)
				(void)!write(p[1], e1->msg, strlen(e1->msg));
			_exit(r < 0 ? (-r & 0x7f ? -r & 0x7f : EIO) : 0);
		}
		if (pid < 0) {
			/* one member, or no fork: here */
			if (p[0] >= 0) {
				close(p[0]);
				close(p[1]);
			}
			_cleanup_error_ pm_error *e1 = NULL;
			int r = pm_engine_start(e, ctrs[i], &e1);
			if (r < 0 && !first) {
				first = r;
				pm_error_propagate(err, TAKE_PTR(e1));
			}
			continue;
		}
		close(p[1]);
		pids[i] = pid;
		fds[i] = p[0];
	}
	for (size_t i = 0; i < n; i++) {
		if (!pids[i])
			continue;
		char msg[2048];
		size_t len = 0;
		for (ssize_t k; len < sizeof(msg) - 1 &&
				(k = read(fds[i], msg + len, sizeof(msg) - 1 - len)) != 0;)
			if (k > 0)
				len += (size_t)k;
			else if (errno != EINTR)
				break;
		msg[len] = 0;
		close(fds[i]);
		int status = 0;
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
		if (code && !first)
			first = pm_error_set(err, code, "%s",
					     len ? msg : "starting a member of the pod failed");
	}
	free(pids);
	free(fds);
	return first;
}

int pm_pod_start(const struct pm_engine *e, const struct pm_pod *pod, pm_error **err)
{
	_cleanup_close_ int lock = pm_pod_lock(e->paths, pod->id, LOCK_SH, err);
	if (lock < 0)
		return lock;
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	int r = pm_pod_containers(e, pod, &ctrs, &n, err);
	if (r < 0)
		return r;
	if (n == 0) {
		pm_container_list_free(ctrs, n);
		return pm_error_set(err, ENOENT,
				    "no containers in pod %s have no dependencies, cannot start "
				    "pod: no such container",
				    pod->id);
	}
	/* the infra first: the others join its namespaces */
	for (size_t i = 0; i < n && r >= 0; i++)
		if (ctrs[i]->infra && !pm_ctr_is_running(ctrs[i]))
			r = pm_engine_start(e, ctrs[i], err);
	if (r >= 0)
		r = start_members(e, ctrs, n, err);
	pm_container_list_free(ctrs, n);
	if (r >= 0)
		pod_event(e, pod, "start");
	return r;
}

int pm_pod_stop(const struct pm_engine *e, const struct pm_pod *pod, int timeout, pm_error **err)
{
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	int r = pm_pod_containers(e, pod, &ctrs, &n, err);
	if (r < 0)
		return r;
	int first = 0;
	/* the members first (newest first, as podman), the infra last */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = n; i-- > 0;) {
			if (ctrs[i]->infra != (pass == 1) || !pm_ctr_is_running(ctrs[i]))
				continue;
			_cleanup_error_ pm_error *e1 = NULL;
			r = pm_engine_stop(e, ctrs[i], timeout, &e1);
			if (r < 0 && !first) {
				first = r;
				pm_error_propagate(err, TAKE_PTR(e1));
			}
		}
	pm_container_list_free(ctrs, n);
	if (first >= 0)
		pod_event(e, pod, "stop");
	return first;
}

int pm_pod_kill(const struct pm_engine *e, const struct pm_pod *pod, int sig, pm_error **err)
{
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	int r = pm_pod_containers(e, pod, &ctrs, &n, err);
	if (r < 0)
		return r;
	int first = 0;
	size_t sent = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pm_ctr_is_running(ctrs[i]))
			continue;
		_cleanup_error_ pm_error *e1 = NULL;
		r = pm_engine_kill(e, ctrs[i], sig, &e1);
		if (r < 0 && !first) {
			first = r;
			pm_error_propagate(err, TAKE_PTR(e1));
		} else if (r >= 0) {
			sent++;
		}
	}
	pm_container_list_free(ctrs, n);
	(void)sent; /* a pod with nothing running: nothing to do, as podman */
	if (first >= 0)
		pod_event(e, pod, "kill");
	return first;
}

int pm_pod_pause(const struct pm_engine *e, const struct pm_pod *pod, bool pause, pm_error **err)
{
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	int r = pm_pod_containers(e, pod, &ctrs, &n, err);
	if (r < 0)
		return r;
	int first = 0, changed = 0;
	for (size_t i = 0; i < n; i++) {
		enum pm_ctr_status want = pause ? PM_CTR_RUNNING : PM_CTR_PAUSED;
		if (ctrs[i]->state.status != want)
			continue;
		_cleanup_error_ pm_error *e1 = NULL;
		r = pm_engine_pause(e, ctrs[i], pause, &e1);
		if (r < 0 && !first) {
			first = r;
			pm_error_propagate(err, TAKE_PTR(e1));
		} else if (r >= 0) {
			changed++;
		}
	}
	pm_container_list_free(ctrs, n);
	if (first >= 0)
		pod_event(e, pod, pause ? "pause" : "unpause");
	return first < 0 ? first : changed;
}

/* ---- remove ------------------------------------------------------------------------------- */

static int remove_ctr(const struct pm_engine *e, struct pm_container *c, int timeout,
		      pm_error **err)
{
	if (pm_ctr_is_running(c)) {
		int r = pm_engine_stop(e, c, timeout, err);
		if (r < 0)
			return r;
		if (pm_container_reload(e->paths, c, NULL) < 0)
			return 0; /* a --rm container: its monitor removed it */
	}
	_cleanup_error_ pm_error *e1 = NULL;
	int r = pm_engine_remove(e, c, &e1);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		pm_error_propagate(err, TAKE_PTR(e1));
	return r;
}

static int cmp_ctr_id(const void *a, const void *b)
{
	const struct pm_container *x = *(struct pm_container *const *)a;
	const struct pm_container *y = *(struct pm_container *const *)b;
	if (x->infra != y->infra)
		return x->infra ? 1 : -1;
	return strcmp(x->id, y->id);
}

int pm_pod_remove(const struct pm_engine *e, const struct pm_pod *pod, bool force, int timeout,
		  pm_error **err)
{
	_cleanup_close_ int lock = pm_pod_lock(e->paths, pod->id, LOCK_EX, err);
	if (lock < 0)
		return lock;
	if (!pm_pod_exists(e->paths, pod))
		return pm_error_set(err, ENOENT, "no pod with name or ID %s found: no such pod",
				    pod->name);
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	int r = pm_pod_containers(e, pod, &ctrs, &n, err);
	if (r < 0)
		return r;
	if (!force) {
		/* podman 4.3's words: one error per container (go-multierror), each running
		 * member's in ID order and then the infra's, which the member still depends on;
		 * unlike podman, nothing is removed (its stopped members would be) */
		_cleanup_free_ char *msg = NULL;
		size_t nerr = 0;
		bool running = false;
		for (size_t i = 0; i < n; i++)
			running |= !ctrs[i]->infra && pm_ctr_is_running(ctrs[i]);
		if (running)
			qsort(ctrs, n, sizeof(*ctrs), cmp_ctr_id);
		for (size_t i = 0; running && i < n; i++) {
			char *m = NULL;
			if (ctrs[i]->infra)
				m = pm_xasprintf(
					"%s\t* removing container %s from pod %s: a container "
					"that depends on container %s still exists: "
					"dependency exists\n",
					msg ? msg : "", ctrs[i]->id, pod->id, ctrs[i]->id);
			else if (pm_ctr_is_running(ctrs[i]))
				m = pm_xasprintf(
					"%s\t* removing container %s from pod %s: cannot "
					"remove container %s as it is running - running or "
					"paused containers cannot be removed without force: "
					"container state improper\n",
					msg ? msg : "", ctrs[i]->id, pod->id, ctrs[i]->id);
			else
				continue;
			free(msg);
			msg = m;
			nerr++;
		}
		if (nerr) {
			r = pm_error_set(err, EBUSY, "%zu error%s occurred:\n%s\n", nerr,
					 nerr == 1 ? "" : "s", msg);
			goto out;
		}
	}
	/* members (newest first), the infra last: nothing may be left joined to it */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = n; i-- > 0;) {
			if (ctrs[i]->infra != (pass == 1))
				continue;
			r = remove_ctr(e, ctrs[i], timeout, err);
			if (r < 0)
				goto out;
		}
	r = pm_pod_remove_record(e->paths, pod, err);
	if (r >= 0)
		pod_event(e, pod, "remove");
out:
	pm_container_list_free(ctrs, n);
	return r;
}

/* ---- members -------------------------------------------------------------------------------- */

static void join_ns(char **mode, const char *infra_id)
{
	if (*mode && **mode && strcmp(*mode, "private"))
		return; /* what the user asked wins (host, or another container) */
	free(*mode);
	*mode = pm_xasprintf("container:%s", infra_id);
}

int pm_pod_member_prepare(const struct pm_engine *e, struct pm_container_config *cfg, int *ret_lock,
			  char **ret_made_pod, pm_error **err)
{
	*ret_lock = -1;
	*ret_made_pod = NULL;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	_cleanup_free_ char *made = NULL;
	int r;
	if (pm_str_startswith(cfg->pod, "new:")) {
		struct pm_pod_config pc = {.infra = true};
		if (!cfg->pod[4])
			return pm_error_set(err, EINVAL,
					    "new pod name must be at least one character");
		pc.name = pm_xstrdup(cfg->pod + 4);
		pc.create_command = pm_strv_copy(cfg->create_command); /* podman's: run's argv */
		r = pm_pod_create(e, &pc, &pod, err);
		pm_pod_config_clear(&pc);
		if (r < 0)
			return r;
		made = pm_xstrdup(pod->id);
	} else {
		r = pm_pod_lookup(e->paths, cfg->pod, &pod, err);
		if (r < 0)
			return r;
	}
	_cleanup_close_ int lock = pm_pod_lock(e->paths, pod->id, LOCK_SH, err);
	if (lock < 0)
		return lock;
	if (!pm_pod_exists(e->paths, pod))
		return pm_error_set(err, ENOENT, "no pod with name or ID %s found: no such pod",
				    cfg->pod);
	bool share_net = pm_strv_contains(pod->cfg.share, "net");
	if (share_net && (cfg->publish || cfg->publish_all))
		return pm_error_set(err, EINVAL,
				    "invalid config provided: published or exposed ports must be "
				    "defined when the pod is created: network cannot be "
				    "configured when it is shared with a pod");
	if (share_net && cfg->add_hosts)
		return pm_error_set(err, EINVAL,
				    "invalid config provided: extra host entries must be specified "
				    "on the pod: network cannot be configured when it is shared "
				    "with a pod");
	if (pm_strv_contains(pod->cfg.share, "uts") && cfg->hostname)
		return pm_error_set(err, EINVAL,
				    "invalid config provided: cannot set hostname when joining the "
				    "pod UTS namespace: invalid configuration");
	if (share_net && cfg->network)
		return pm_error_set(err, EINVAL,
				    "invalid config provided: networks must be defined when the "
				    "pod is created: network cannot be configured when it is "
				    "shared with a pod");
	bool share_user =
		pm_strv_contains(pod->cfg.share, "user") && pod->infra_id && pod->infra_id[0];
	if (share_user && ((cfg->userns && cfg->userns[0]) || cfg->uidmap || cfg->gidmap))
		return pm_error_set(err, EINVAL, "--userns and --pod cannot be set together");
	free(cfg->pod);
	cfg->pod = pm_xstrdup(pod->id);
	if (share_user) { /* the infra's user namespace, podman's container:ID */
		free(cfg->userns);
		cfg->userns = pm_xasprintf("container:%s", pod->infra_id);
	}
	if (!cfg->cgroup_parent && !pod->cfg.no_share_parent)
		cfg->cgroup_parent = pod->cfg.cgroup_parent ? pm_xstrdup(pod->cfg.cgroup_parent)
							    : pm_pod_slice(pod);
	if ((r = member_flags(&pod->cfg, cfg, err)) < 0)
		return r;
	if (pod->infra_id && pod->infra_id[0]) {
		if (share_net && pod->cfg.network && !strcmp(pod->cfg.network, "host")) {
			/* the host's namespace, not the infra's copy of it: a rootless process
			 * may not setns() into a namespace the host's user namespace owns */
			free(cfg->network);
			cfg->network = pm_xstrdup("host");
			cfg->no_hosts |= pod->cfg.no_hosts;
		} else if (share_net) {
			join_ns(&cfg->network, pod->infra_id);
			cfg->no_hosts |= pod->cfg.no_hosts; /* the image's own, as the pod's */
		}
		if (pm_strv_contains(pod->cfg.share, "ipc"))
			join_ns(&cfg->ipc, pod->infra_id);
		/* a pod's --pid/--uts host: the host's namespace itself, as --network host */
		bool pid_host = pod->cfg.pid && !strcmp(pod->cfg.pid, "host");
		bool uts_host = pod->cfg.uts && !strcmp(pod->cfg.uts, "host");
		if (pm_strv_contains(pod->cfg.share, "pid")) {
			if (pid_host) {
				free(cfg->pid);
				cfg->pid = pm_xstrdup("host");
			} else {
				join_ns(&cfg->pid, pod->infra_id);
			}
		}
		if (pm_strv_contains(pod->cfg.share, "uts") && uts_host) {
			free(cfg->uts);
			cfg->uts = pm_xstrdup("host");
			free(cfg->hostname);
			cfg->hostname = NULL;
		} else if (pm_strv_contains(pod->cfg.share, "uts")) {
			join_ns(&cfg->uts, pod->infra_id);
			free(cfg->hostname);
			cfg->hostname =
				pm_xstrdup(pod->cfg.hostname ? pod->cfg.hostname : pod->name);
		}
	}
	*ret_lock = TAKE_FD(lock);
	*ret_made_pod = TAKE_PTR(made);
	return 0;
}

int pm_pod_ctr_prepare_start(const struct pm_engine *e, const struct pm_container *c,
			     pm_error **err)
{
	if (!c->pod_id || !c->pod_id[0] || c->infra)
		return 0;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	if (pm_pod_lookup(e->paths, c->pod_id, &pod, NULL) < 0 || !pod->infra_id[0])
		return 0;
	_cleanup_container_ struct pm_container *infra = NULL;
	int r = pm_container_lookup(e->paths, pod->infra_id, &infra, err);
	if (r < 0)
		return r;
	pm_engine_refresh(e, infra);
	if (pm_ctr_is_running(infra))
		return 0;
	return pm_engine_start(e, infra, err);
}

void pm_pod_ctr_exited(const struct pm_engine *e, const struct pm_container *c)
{
	if (!c->pod_id || !c->pod_id[0] || c->infra)
		return;
	_cleanup_pod_ struct pm_pod *pod = NULL;
	if (pm_pod_lookup(e->paths, c->pod_id, &pod, NULL) < 0 || !pod->infra_id[0] ||
	    !pod->cfg.exit_policy || strcmp(pod->cfg.exit_policy, "stop"))
		return;
	struct pm_container **ctrs = NULL;
	size_t n = 0;
	if (pm_pod_containers(e, pod, &ctrs, &n, NULL) < 0)
		return;
	bool member_runs = false;
	struct pm_container *infra = NULL;
	for (size_t i = 0; i < n; i++) {
		if (ctrs[i]->infra)
			infra = ctrs[i];
		else if (pm_ctr_is_running(ctrs[i]))
			member_runs = true;
	}
	if (infra && !member_runs && pm_ctr_is_running(infra))
		pm_engine_stop(e, infra, -1, NULL);
	pm_container_list_free(ctrs, n);
}
