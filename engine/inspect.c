/* inspect.c: the podman-shaped view of a container (see inspect.h): inspect JSON, the ps
 * status words, Go's time formats, an image config cache for listings. Reads only: takes no
 * lock, starts no process, never prints. Called by cli/ and engine/ps.c. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "engine/ctr-networks.h"
#include "engine/time-offset.h"
#include "engine/cgroup-flags.h"
#include "engine/config-json.h"
#include "engine/exec-session.h"
#include "engine/health.h"
#include "engine/image-mount.h"
#include "engine/inspect.h"
#include "engine/run-flags.h"
#include "engine/limits.h"
#include "engine/net.h"
#include "engine/spec.h"
#include "engine/validate.h"
#include "engine/ctr-paths.h"
#include "engine/idmap.h"
#include "rootless/subid.h"
#include "lib/proc.h"
#include "monitor/rundir.h"
#include "lib/timeutil.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "runtime/caps.h"
#include "runtime/runtime.h"
#include "systemd/notify.h"
#include "storage/container.h"
#include "storage/secret.h"
#include "storage/volume.h"

#define GO_ZERO_UNIX (-62135596800LL)

/* The caller's own id and the size of the rootless user namespace (1 + its subordinate
 * ids), from inside it or from outside. */
static int rootless_span(bool gid, uint32_t *ret_id, uint64_t *ret_total)
{
	_cleanup_free_ char *map = NULL;
	if (pm_read_file(gid ? "/proc/self/gid_map" : "/proc/self/uid_map", 65536, &map, NULL,
			 NULL) < 0)
		return -EIO;
	unsigned long a, b, n;
	if (sscanf(map, "%lu %lu %lu", &a, &b, &n) != 3)
		return -EIO;
	if (a == 0 && b == 0 && n == 4294967295UL) { /* outside: the subordinate ids */
		struct pm_idmap *m = NULL;
		size_t nm = 0;
		if (pm_subid_mapping(gid, &m, &nm, NULL) < 0)
			return -ENOENT;
		*ret_total = pm_subid_total(m, nm);
		free(m);
		*ret_id = gid ? getgid() : getuid();
		return 0;
	}
	struct pm_idmap_extent pe[64];
	size_t npe = pm_idmap_extents_parse(map, pe, ARRAY_SIZE(pe));
	*ret_total = 0;
	for (size_t j = 0; j < npe; j++)
		*ret_total += pe[j].count;
	if (a != 0)
		return -EIO;
	*ret_id = (uint32_t)b;
	return 0;
}

/* --userns=keep-id and nomap (a pod member: its infra's): the maps podman shows, container
 * ids -> ids of the rootless user namespace, as "CTR:NS:LEN". */
static void keepid_mappings(const struct pm_container_config *cfg, json_t *hc)
{
	struct pm_spec_userns un;
	if (pm_spec_parse_userns(cfg->userns, &un, NULL) < 0 ||
	    (un.mode != PM_USERNS_KEEP_ID && un.mode != PM_USERNS_NOMAP))
		return;
	json_t *maps[2] = {NULL, NULL};
	for (int g = 0; g < 2; g++) {
		uint32_t own;
		uint64_t total;
		if (rootless_span(g, &own, &total) < 0)
			goto out;
		bool set = g ? un.gid_set : un.uid_set;
		uint32_t id = un.mode == PM_USERNS_NOMAP ? UINT32_MAX
			      : set			 ? (g ? un.gid : un.uid)
							 : own;
		struct pm_runtime_idmap l[3];
		size_t nl = pm_spec_keepid_logical(total, id, l);
		maps[g] = json_array();
		for (size_t i = 0; i < nl; i++) {
			_cleanup_free_ char *s =
				pm_xasprintf("%u:%u:%u", l[i].ctr, l[i].host, l[i].size);
			json_array_append_new(maps[g], json_string(s));
		}
	}
	json_object_set_new(hc, "IDMappings",
			    json_pack("{s:o, s:o}", "UidMap", maps[0], "GidMap", maps[1]));
	return;
out:
	json_decref(maps[0]);
	json_decref(maps[1]);
}

/* ---- Go time formats ------------------------------------------------------------------ */

/* The formatters are lib/timeutil.h's (the one place for times). */
int64_t pm_gotime_unix(int64_t ns)
{
	return ns ? ns / PM_NSEC_PER_SEC : GO_ZERO_UNIX;
}

char *pm_inspect_status_human(const struct pm_container *c, int64_t now_ns)
{
	switch (c->state.status) {
	case PM_CTR_RUNNING: {
		_cleanup_free_ char *ago =
			pm_format_ago((now_ns - c->state.started_ns) / PM_NSEC_PER_SEC);
		return pm_xasprintf("Up %s", ago);
	}
	case PM_CTR_PAUSED:
		return pm_xstrdup("Paused");
	case PM_CTR_STOPPED: {
		if (!c->state.finished_ns && !c->state.started_ns)
			return pm_xstrdup("Created");
		_cleanup_free_ char *ago =
			pm_format_ago((now_ns - c->state.finished_ns) / PM_NSEC_PER_SEC);
		return pm_xasprintf("Exited (%d) %s", c->state.exit_code, ago);
	}
	case PM_CTR_REMOVING:
		return pm_xstrdup("Removing");
	case PM_CTR_CONFIGURED:
	default:
		return pm_xstrdup("Created");
	}
}

/* ---- image cache ----------------------------------------------------------------------- */

struct cache_entry {
	char *ref;
	bool found;
	struct pm_image img;
};

struct pm_image_cache {
	struct pm_store *store; /* opened on first use */
	const struct pm_engine *engine;
	bool store_failed;
	struct cache_entry *v;
	size_t n;
};

pm_image_cache *pm_image_cache_new(const struct pm_engine *e)
{
	pm_image_cache *ic = pm_xcalloc(1, sizeof(*ic));
	ic->engine = e;
	return ic;
}

pm_image_cache *pm_image_cache_free(pm_image_cache *ic)
{
	if (!ic)
		return NULL;
	for (size_t i = 0; i < ic->n; i++) {
		free(ic->v[i].ref);
		pm_image_free(&ic->v[i].img);
	}
	free(ic->v);
	pm_store_close(ic->store);
	free(ic);
	return NULL;
}

const struct pm_image *pm_image_cache_get(pm_image_cache *ic, const char *image_id)
{
	if (!image_id || !image_id[0])
		return NULL;
	for (size_t i = 0; i < ic->n; i++)
		if (strcmp(ic->v[i].ref, image_id) == 0)
			return ic->v[i].found ? &ic->v[i].img : NULL;
	if (!ic->store && !ic->store_failed &&
	    pm_store_open(ic->engine->paths, ic->engine->storage_driver, &ic->store, NULL) < 0)
		ic->store_failed = true;
	ic->v = pm_xrealloc(ic->v, (ic->n + 1) * sizeof(*ic->v));
	struct cache_entry *ce = &ic->v[ic->n++];
	*ce = (struct cache_entry){.ref = pm_xstrdup(image_id)};
	if (ic->store)
		ce->found = pm_storage_image_lookup(ic->store, image_id, &ce->img, NULL) == 0;
	return ce->found ? &ce->img : NULL;
}

/* ---- the resolved view -------------------------------------------------------------------- */

void pm_ctr_view_clear(struct pm_ctr_view *v)
{
	pm_strv_free(v->args);
	pm_strv_free(v->cmd);
	pm_strv_free(v->entrypoint);
	pm_strv_free(v->labels);
	pm_strv_free(v->env);
	free(v->workdir);
	free(v->user);
	free(v->image_digest);
	*v = (struct pm_ctr_view){0};
}

/* podman's Config.Secrets: the mount secrets (env ones are not listed), by name and id, with
 * uid, gid and mode; NULL when there are none. Never a value. */
static json_t *secrets_json(const struct pm_container_config *cfg)
{
	json_t *arr = NULL;
	for (size_t i = 0; cfg->secrets && cfg->secrets[i]; i++) {
		struct pm_secret_use u;
		if (pm_secret_use_parse(cfg->secrets[i], &u, NULL) < 0)
			continue;
		if (u.type == PM_SECRET_MOUNT) {
			const char *id =
				pm_strv_length(cfg->secret_ids) > i ? cfg->secret_ids[i] : "";
			if (!arr)
				arr = json_array();
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:I, s:I, s:I}", "Name", u.source, "ID",
					       id, "UID", (json_int_t)u.uid, "GID",
					       (json_int_t)u.gid, "Mode", (json_int_t)u.mode));
		}
		pm_secret_use_clear(&u);
	}
	return arr;
}

static int view_from(const struct pm_container_config *cfg, const struct pm_image *img,
		     const struct pm_container *c, struct pm_ctr_view *v, pm_error **err)
{
	struct pm_spec_image simg = {0};
	if (img)
		simg = (struct pm_spec_image){.env = img->env,
					      .cmd = img->cmd,
					      .entrypoint = img->entrypoint,
					      .workdir = img->working_dir,
					      .user = img->user};
	if (pm_spec_args(cfg, img ? &simg : NULL, &v->args, NULL) < 0)
		v->args = NULL; /* an image gone since: show what was asked */
	/* Split args into the entrypoint and the command, as podman's Config shows them. */
	_cleanup_strv_ char **ep = NULL;
	if (cfg->entrypoint_set) {
		if (cfg->entrypoint && cfg->entrypoint[0] == '[') {
			json_error_t je;
			_cleanup_json_ json_t *a = json_loads(cfg->entrypoint, 0, &je);
			ep = a ? pm_json_to_strv(a) : NULL;
		} else if (cfg->entrypoint && cfg->entrypoint[0]) {
			pm_strv_push(&ep, cfg->entrypoint);
		}
	} else if (img && img->entrypoint) {
		ep = pm_strv_copy(img->entrypoint);
	}
	size_t nep = pm_strv_length(ep), nargs = pm_strv_length(v->args);
	v->entrypoint = nep ? TAKE_PTR(ep) : NULL;
	for (size_t i = nep; i < nargs; i++)
		pm_strv_push(&v->cmd, v->args[i]);
	if (!v->args && cfg->command)
		v->cmd = pm_strv_copy(cfg->command);

	for (char **l = img ? img->labels : NULL; l && *l; l++)
		pm_strv_set_kv(&v->labels, *l);
	for (char **l = cfg->labels; l && *l; l++)
		pm_strv_set_kv(&v->labels, *l);

	pm_strv_push(&v->env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	pm_strv_push(&v->env, "container=pm");
	pm_strv_push(&v->env, "TERM=xterm");
	for (char **e = img ? img->env : NULL; e && *e; e++)
		pm_spec_env_set(&v->env, *e);
	extern char **environ;
	for (char **e = cfg->env; e && *e; e++)
		pm_spec_env_add(&v->env, *e, environ, NULL);
	bool has_home = false, has_hostname = false;
	for (char **e = v->env; e && *e; e++) {
		has_home |= pm_str_startswith(*e, "HOME=");
		has_hostname |= pm_str_startswith(*e, "HOSTNAME=");
	}
	if (!has_hostname) {
		_cleanup_free_ char *kv = cfg->hostname && cfg->hostname[0]
						  ? pm_xasprintf("HOSTNAME=%s", cfg->hostname)
						  : pm_xasprintf("HOSTNAME=%.12s", c->id);
		pm_strv_consume(&v->env, TAKE_PTR(kv));
	}
	if (!has_home)
		pm_strv_push(&v->env, "HOME=/root");

	v->workdir = pm_xstrdup(cfg->workdir					 ? cfg->workdir
				: img && img->working_dir && img->working_dir[0] ? img->working_dir
										 : "/");
	v->user = pm_xstrdup(cfg->user ? cfg->user : img && img->user ? img->user : "");
	v->image_digest = pm_xstrdup(img && img->digest ? img->digest : "");
	return 0;
}

int pm_ctr_view_get(pm_image_cache *ic, const struct pm_container *c, struct pm_ctr_view *ret,
		    pm_error **err)
{
	struct pm_container_config cfg = {0};
	int r = pm_config_from_json(c->config_json, &cfg, err);
	if (r < 0)
		return r;
	*ret = (struct pm_ctr_view){0};
	r = view_from(&cfg, cfg.rootfs ? NULL : pm_image_cache_get(ic, c->image_id), c, ret, err);
	pm_spec_config_clear(&cfg);
	return r;
}

/* ---- inspect JSON ------------------------------------------------------------------------- */

static json_t *strv_or_empty(char *const *v)
{
	return v ? pm_json_from_strv(v) : json_array();
}

static json_t *labels_object(char *const *labels)
{
	json_t *o = json_object();
	for (char *const *l = labels; l && *l; l++) {
		const char *eq = strchr(*l, '=');
		_cleanup_free_ char *k = pm_xstrndup(*l, eq ? (size_t)(eq - *l) : strlen(*l));
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

static json_t *time_json(int64_t ns)
{
	char buf[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_local(ns, buf);
	return json_string(buf);
}

static const char *const default_caps[] = {
	"CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",	 "CAP_FSETID",
	"CAP_KILL",    "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",	 "CAP_SETGID",
	"CAP_SETPCAP", "CAP_SETUID",	       "CAP_SYS_CHROOT", NULL,
};

static char *cap_name(const char *s)
{
	_cleanup_free_ char *u = pm_str_startswith(s, "CAP_") || pm_str_startswith(s, "cap_")
					 ? pm_xstrdup(s)
					 : pm_xasprintf("CAP_%s", s);
	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return TAKE_PTR(u);
}

static json_t *caps_json(const struct pm_container_config *cfg)
{
	json_t *a = json_array();
	bool drop_all = false;
	for (char **d = cfg->cap_drop; d && *d; d++)
		drop_all |= strcasecmp(*d, "all") == 0;
	char **caps = NULL;
	if (!drop_all)
		for (const char *const *c = default_caps; *c; c++)
			pm_strv_push(&caps, *c);
	for (char **ad = cfg->cap_add; ad && *ad; ad++) {
		_cleanup_free_ char *n = cap_name(*ad);
		if (strcasecmp(*ad, "all") != 0 && !pm_strv_contains(caps, n))
			pm_strv_push(&caps, n);
	}
	for (char **c = caps; c && *c; c++) {
		bool dropped = false;
		for (char **d = cfg->cap_drop; d && *d && !dropped; d++) {
			_cleanup_free_ char *n = cap_name(*d);
			dropped = strcmp(n, *c) == 0;
		}
		if (!dropped)
			json_array_append_new(a, json_string(*c));
	}
	pm_strv_free(caps);
	return a;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* HostConfig.CapAdd / CapDrop as podman 4.3 shows them: the container's bounding set against
 * the OCI runtime's default set (the 11 of containers.conf and AUDIT_WRITE, MKNOD, NET_RAW),
 * sorted; both empty for --privileged. Falls back to the flags as given when they do not
 * parse (the create refused those). */
static void cap_add_drop_json(const struct pm_container_config *cfg, json_t **ret_add,
			      json_t **ret_drop)
{
	static const char *const oci_default[] = {
		"CAP_AUDIT_WRITE", "CAP_CHOWN",	     "CAP_DAC_OVERRIDE", "CAP_FOWNER",
		"CAP_FSETID",	   "CAP_KILL",	     "CAP_MKNOD",	 "CAP_NET_BIND_SERVICE",
		"CAP_NET_RAW",	   "CAP_SETFCAP",    "CAP_SETGID",	 "CAP_SETPCAP",
		"CAP_SETUID",	   "CAP_SYS_CHROOT",
	};
	json_t *add = json_array(), *drop = json_array();
	*ret_add = add;
	*ret_drop = drop;
	if (cfg->privileged)
		return;
	struct pm_runtime_caps caps = {0};
	if (pm_caps_compute(cfg->cap_add, cfg->cap_drop, false, true, &caps, NULL) < 0) {
		for (char **x = cfg->cap_add; x && *x; x++) {
			_cleanup_free_ char *n = cap_name(*x);
			json_array_append_new(add, json_string(n));
		}
		for (char **x = cfg->cap_drop; x && *x; x++) {
			_cleanup_free_ char *n = cap_name(*x);
			json_array_append_new(drop, json_string(n));
		}
		return;
	}
	const char *added[64] = {0}, *dropped[64] = {0};
	size_t na = 0, nd = 0;
	int last = pm_caps_last_cap();
	for (int cap = 0; cap <= last && cap < 64; cap++) {
		const char *name = pm_caps_to_name(cap);
		if (!name)
			continue;
		bool base = false;
		for (size_t i = 0; i < ARRAY_SIZE(oci_default) && !base; i++)
			base = !strcmp(oci_default[i], name);
		bool has = caps.bounding & (1ULL << cap);
		if (has && !base)
			added[na++] = name;
		else if (!has && base)
			dropped[nd++] = name;
	}
	qsort(added, na, sizeof(*added), cmp_str);
	qsort(dropped, nd, sizeof(*dropped), cmp_str);
	for (size_t i = 0; i < na; i++)
		json_array_append_new(add, json_string(added[i]));
	for (size_t i = 0; i < nd; i++)
		json_array_append_new(drop, json_string(dropped[i]));
}

/* A named volume's .Mounts Options as podman 4.3 shows them: the options given (-v's, or
 * --mount's suid/dev/exec keys) less ro/rw, z/Z and the propagation (its own field, *ret_prop,
 * default rprivate), then nosuid, nodev and rbind unless given. */
static json_t *volume_options_json(const char *spec, bool is_mount, char **ret_prop)
{
	static const char *const props[] = {"private", "rprivate", "shared",	 "rshared",
					    "slave",   "rslave",   "unbindable", "runbindable"};
	const char *c = is_mount ? NULL : strchr(spec, ':');
	c = c ? strchr(c + 1, ':') : NULL;
	_cleanup_strv_ char **given = pm_strv_split(is_mount ? spec : c ? c + 1 : "", ",");
	json_t *a = json_array();
	bool suid = false, dev = false, bind = false;
	*ret_prop = NULL;
	for (char **o = given; o && *o; o++) {
		if (is_mount)
			(*o)[strcspn(*o, "=")] = '\0'; /* a key's value (suid=true) */
		const char *k = *o;
		bool flag = !strcmp(k, "nosuid") || !strcmp(k, "suid") || !strcmp(k, "nodev") ||
			    !strcmp(k, "dev") || !strcmp(k, "noexec") || !strcmp(k, "exec");
		if (is_mount && !flag)
			continue;
		bool prop = false;
		for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
			prop |= !strcmp(k, props[i]);
		if (prop && !*ret_prop)
			*ret_prop = pm_xstrdup(k);
		if (prop || !strcmp(k, "ro") || !strcmp(k, "rw") || !strcmp(k, "z") ||
		    !strcmp(k, "Z"))
			continue;
		suid |= !strcmp(k, "nosuid") || !strcmp(k, "suid");
		dev |= !strcmp(k, "nodev") || !strcmp(k, "dev");
		bind |= !strcmp(k, "bind") || !strcmp(k, "rbind");
		json_array_append_new(a, json_string(k));
	}
	if (!suid)
		json_array_append_new(a, json_string("nosuid"));
	if (!dev)
		json_array_append_new(a, json_string("nodev"));
	if (!bind)
		json_array_append_new(a, json_string("rbind"));
	if (!*ret_prop)
		*ret_prop = pm_xstrdup("rprivate");
	return a;
}

static json_t *mount_json(const struct pm_engine *e, const struct pm_runtime_mount *m,
			  const char *volume, const char *spec, bool is_mount)
{
	json_t *o = json_object();
	bool ro = m->flags & 1 /* MS_RDONLY */;
	json_object_set_new(o, "Type", json_string(volume ? "volume" : "bind"));
	if (volume)
		json_object_set_new(o, "Name", json_string(volume));
	_cleanup_free_ char *vdir = volume ? pm_volumes_dir(e->paths->root) : NULL;
	_cleanup_free_ char *vsrc = volume ? pm_xasprintf("%s/%s/_data", vdir, volume) : NULL;
	json_object_set_new(o, "Source", json_string(volume ? vsrc : m->source ? m->source : ""));
	json_object_set_new(o, "Destination", json_string(m->destination ? m->destination : ""));
	json_object_set_new(o, "Driver", json_string(volume ? "local" : ""));
	json_object_set_new(o, "Mode", json_string(""));
	_cleanup_free_ char *prop = NULL;
	json_t *opts = volume ? volume_options_json(spec, is_mount, &prop) : json_array();
	if (!volume)
		json_array_append_new(opts, json_string(m->recursive ? "rbind" : "bind"));
	json_object_set_new(o, "Options", opts);
	json_object_set_new(o, "RW", json_boolean(!ro));
	json_object_set_new(o, "Propagation", json_string(prop ? prop : "rprivate"));
	return o;
}

/* podman 4.3's order (getInspectMounts): named volumes, then image mounts, then binds, each
 * -v before --mount here (podman's order within a kind comes from a Go map: random). */
static json_t *mounts_json(const struct pm_engine *e, const struct pm_container_config *cfg,
			   json_t *binds)
{
	json_t *vols = json_array(), *images = json_array(), *hostdirs = json_array();
	for (char **v = cfg->volumes; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		_cleanup_free_ char *name = NULL;
		if (pm_spec_parse_volume(*v, &m, &name, NULL) == 0) {
			json_array_append_new(name ? vols : hostdirs,
					      mount_json(e, &m, name, *v, false));
			json_array_append_new(binds, json_string(*v));
		}
		pm_runtime_mount_clear(&m);
	}
	for (char **v = cfg->mounts; v && *v; v++) {
		struct pm_runtime_mount m = {0};
		_cleanup_free_ char *name = NULL, *image = pm_image_mount_source(*v);
		int r = pm_spec_parse_mount(*v, &m, &name, NULL);
		if (r == 0 && image) /* podman's image volume entry */
			json_array_append_new(
				images,
				json_pack("{s:s, s:s, s:s, s:s, s:s, s:n, s:b, s:s}", "Type",
					  "image", "Source", image, "Destination", m.destination,
					  "Driver", "", "Mode", "", "Options", "RW",
					  !(m.flags & 1 /* MS_RDONLY */), "Propagation", ""));
		else if (r == 0 && (m.source || name))
			json_array_append_new(name ? vols : hostdirs,
					      mount_json(e, &m, name, *v, true));
		pm_runtime_mount_clear(&m);
	}
	json_array_extend(vols, images);
	json_array_extend(vols, hostdirs);
	json_decref(images);
	json_decref(hostdirs);
	return vols;
}

static const char *ns_mode(const char *v, const char *def)
{
	return v && v[0] ? v : def;
}

/* .State.Health: podman's {Status, FailingStreak, Log} ("" and null without a check). */
static json_t *health_json(const struct pm_container *c, const struct pm_container_config *cfg)
{
	struct pm_health_state hs;
	pm_health_state_get(c, &cfg->health, &hs);
	hs.started_ns = 0; /* pm's own bookkeeping, not podman's */
	hs.startup_passed = false;
	hs.startup_successes = hs.startup_failures = 0;
	_cleanup_free_ char *text = pm_health_state_to_json(&hs);
	pm_health_state_clear(&hs);
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	return j ? j : json_pack("{s:s, s:i, s:n}", "Status", "", "FailingStreak", 0, "Log");
}

/* .Config.Healthcheck as podman's (Go omitempty: zero durations and retries left out). */
static json_t *healthcheck_json(const struct pm_healthcheck *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "Test", pm_json_from_strv(h->test));
	if (h->start_period)
		json_object_set_new(o, "StartPeriod", json_integer(h->start_period));
	if (h->interval)
		json_object_set_new(o, "Interval", json_integer(h->interval));
	if (h->timeout)
		json_object_set_new(o, "Timeout", json_integer(h->timeout));
	if (h->retries)
		json_object_set_new(o, "Retries", json_integer(h->retries));
	return o;
}

static int stop_sig_of(const struct pm_container_config *cfg)
{
	int sig = SIGTERM;
	if (cfg->stop_signal && pm_engine_parse_signal(cfg->stop_signal, &sig) < 0)
		sig = SIGTERM;
	return sig;
}

/* The annotations podman puts on every container (Config.Annotations). */
static json_t *annotations_json(const struct pm_container *c, const struct pm_container_config *cfg,
				int stop_sig)
{
	char created[PM_TIME_BUF_LEN], sig[16];
	pm_time_format_rfc3339_utc(c->created_ns, true, created);
	snprintf(sig, sizeof(sig), "%d", stop_sig);
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "io.container.manager", "libpod",
		"io.kubernetes.cri-o.Created", created, "io.kubernetes.cri-o.TTY",
		cfg->tty ? "true" : "false", "io.podman.annotations.autoremove",
		cfg->rm ? "TRUE" : "FALSE", "io.podman.annotations.init",
		cfg->init ? "TRUE" : "FALSE", "io.podman.annotations.privileged",
		cfg->privileged ? "TRUE" : "FALSE", "io.podman.annotations.publish-all", "FALSE",
		"org.opencontainers.image.stopSignal", sig);
	/* --annotation KEY=VALUE, over podman's own as there */
	for (char **a = cfg->annotations; o && a && *a; a++) {
		const char *eq = strchr(*a, '=');
		_cleanup_free_ char *k = pm_xstrndup(*a, eq ? (size_t)(eq - *a) : strlen(*a));
		json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

/* A per-device flag's values as podman's inspect shows them: [{"Path": P, KEY: N}], null
 * when none. */
static json_t *device_limits(char *const *values, char kind, const char *key)
{
	if (!values || !values[0])
		return json_null();
	json_t *a = json_array();
	for (char *const *v = values; *v; v++) {
		_cleanup_free_ char *path = NULL;
		uint64_t n;
		if (pm_config_device_limit(kind, *v, &path, &n) == 0)
			json_array_append_new(
				a, json_pack("{s:s, s:I}", "Path", path, key, (json_int_t)n));
	}
	return a;
}

static json_t *build_inspect(const struct pm_engine *e, const struct pm_container *c,
			     const struct pm_container_config *cfg, const struct pm_ctr_view *v,
			     const char *log_path)
{
	const struct pm_ctr_state *s = &c->state;
	json_t *o = json_object();
	json_object_set_new(o, "Id", json_string(c->id));
	json_object_set_new(o, "Created", time_json(c->created_ns));
	json_object_set_new(o, "Path", json_string(v->args && v->args[0] ? v->args[0] : ""));
	json_object_set_new(o, "Args", strv_or_empty(v->args && v->args[0] ? v->args + 1 : NULL));

	bool running = s->status == PM_CTR_RUNNING || s->status == PM_CTR_PAUSED;
	json_t *st = json_object();
	json_object_set_new(st, "OciVersion", json_string("1.0.2-dev"));
	json_object_set_new(st, "Status", json_string(pm_ctr_status_string(s->status)));
	json_object_set_new(st, "Running", json_boolean(s->status == PM_CTR_RUNNING));
	json_object_set_new(st, "Paused", json_boolean(s->status == PM_CTR_PAUSED));
	json_object_set_new(st, "Restarting", json_false());
	json_object_set_new(st, "OOMKilled", json_boolean(s->oom_killed));
	json_object_set_new(st, "Dead", json_false());
	json_object_set_new(st, "Pid", json_integer(running ? s->pid : 0));
	json_object_set_new(st, "ConmonPid", json_integer(running ? s->monitor_pid : 0));
	json_object_set_new(st, "ExitCode", json_integer(s->exit_code));
	json_object_set_new(st, "Error", json_string(s->error ? s->error : ""));
	json_object_set_new(st, "StartedAt", time_json(s->started_ns));
	json_object_set_new(st, "FinishedAt", time_json(s->finished_ns));
	json_object_set_new(st, "Health", health_json(c, cfg));
	/* the cgroup its init is in (podman's, from the runtime); "" when not running */
	_cleanup_free_ char *cgpath = running && s->pid > 0 ? pm_proc_cgroup_read(s->pid) : NULL;
	json_object_set_new(st, "CgroupPath", json_string(cgpath ? cgpath : ""));
	json_object_set_new(st, "CheckpointedAt", time_json(0));
	json_object_set_new(st, "RestoredAt", time_json(0));
	json_object_set_new(o, "State", st);

	json_object_set_new(o, "Image", json_string(c->image_id));
	json_object_set_new(o, "ImageDigest", json_string(v->image_digest ? v->image_digest : ""));
	json_object_set_new(o, "ImageName", json_string(c->image_name));
	json_object_set_new(o, "Rootfs", json_string(cfg->rootfs ? cfg->rootfs : ""));
	json_object_set_new(o, "Pod", json_string(c->pod_id ? c->pod_id : ""));
	_cleanup_free_ char *userdata =
		pm_xasprintf("%s/containers/%s/userdata", e->paths->runroot, c->id);
	_cleanup_free_ char *rc = pm_path_join(userdata, "resolv.conf");
	_cleanup_free_ char *hn = pm_path_join(userdata, "hostname");
	_cleanup_free_ char *hs = pm_path_join(userdata, "hosts");
	json_object_set_new(o, "ResolvConfPath", json_string(rc));
	json_object_set_new(o, "HostnamePath", json_string(hn));
	json_object_set_new(o, "HostsPath", json_string(hs));
	json_object_set_new(o, "StaticDir", json_string(c->dir));
	/* pm's record stands for podman's OCI config.json; the monitor's pid file for conmon's */
	_cleanup_free_ char *ocicfg = pm_path_join(c->dir, "config.json");
	_cleanup_free_ char *monpid = pm_ctr_run_file(e, c->id, PM_MON_PIDFILE);
	json_object_set_new(o, "OCIConfigPath", json_string(ocicfg));
	json_object_set_new(o, "ConmonPidFile",
			    json_string(cfg->conmon_pidfile ? cfg->conmon_pidfile
					: monpid	    ? monpid
							    : ""));
	json_object_set_new(o, "PidFile", json_string(cfg->pidfile ? cfg->pidfile : ""));
	json_object_set_new(o, "OCIRuntime", json_string("pm"));
	json_object_set_new(o, "Name", json_string(c->name));
	json_object_set_new(o, "RestartCount", json_integer(c->state.restart_count));
	const char *driver = cfg->rootfs ? "" : e->storage_driver ? e->storage_driver : "overlay";
	json_object_set_new(o, "Driver", json_string(driver));
	json_object_set_new(o, "MountLabel", json_string(""));
	json_object_set_new(o, "ProcessLabel", json_string(""));
	json_object_set_new(o, "AppArmorProfile", json_string(""));
	json_t *caps = caps_json(cfg);
	json_object_set_new(o, "EffectiveCaps", json_deep_copy(caps));
	json_object_set_new(o, "BoundingCaps", caps);
	json_t *execs = json_array();
	_cleanup_strv_ char **exec_ids = pm_exec_session_ids(e, c);
	for (char **i = exec_ids; i && *i; i++)
		json_array_append_new(execs, json_string(*i));
	json_object_set_new(o, "ExecIDs", execs);
	json_t *gd = json_object();
	json_object_set_new(gd, "Name", json_string(driver));
	json_t *gdd = json_null();
	if (s->mountpoint) {
		gdd = json_object();
		json_object_set_new(gdd, "MergedDir", json_string(s->mountpoint));
	}
	json_object_set_new(gd, "Data", gdd);
	json_object_set_new(o, "GraphDriver", gd);
	json_t *binds = json_array();
	json_object_set_new(o, "Mounts", mounts_json(e, cfg, binds));
	json_object_set_new(o, "Dependencies", strv_or_empty(cfg->requires)); /* --requires */

	json_t *ns = json_object();
	json_object_set_new(ns, "EndpointID", json_string(""));
	json_object_set_new(ns, "Gateway", json_string(""));
	json_object_set_new(ns, "IPAddress", json_string(""));
	json_object_set_new(ns, "IPPrefixLen", json_integer(0));
	json_object_set_new(ns, "IPv6Gateway", json_string(""));
	json_object_set_new(ns, "GlobalIPv6Address", json_string(""));
	json_object_set_new(ns, "GlobalIPv6PrefixLen", json_integer(0));
	json_object_set_new(ns, "MacAddress", json_string(""));
	json_object_set_new(ns, "Bridge", json_string(""));
	json_object_set_new(ns, "SandboxID", json_string(""));
	json_object_set_new(ns, "HairpinMode", json_false());
	json_object_set_new(ns, "LinkLocalIPv6Address", json_string(""));
	json_object_set_new(ns, "LinkLocalIPv6PrefixLen", json_integer(0));
	_cleanup_free_ char *ports = pm_engine_ports_json(c);
	json_t *pj = ports ? json_loads(ports, 0, NULL) : NULL;
	if (!pj)
		pj = json_object();
	/* podman shows the same map as HostConfig.PortBindings */
	json_t *port_bindings = json_deep_copy(pj);
	/* --expose without a binding: podman's "PORT/PROTO": null */
	_cleanup_strv_ char **exposed_keys = pm_config_expose_keys(cfg->expose);
	for (char **k = exposed_keys; k && *k; k++)
		if (!json_object_get(pj, *k))
			json_object_set_new(pj, *k, json_null());
	json_object_set_new(ns, "Ports", pj);
	json_object_set_new(ns, "SandboxKey", json_string(""));
	/* a user-defined network: podman's Networks.NAME, the address while it runs */
	_cleanup_free_ char *primary_net = pm_engine_network_of(cfg->network);
	_cleanup_strv_ char **netnames =
		primary_net ? pm_strv_copy((char *[]){primary_net, NULL}) : NULL;
	for (char **x = cfg->extra_networks; x && *x; x++) {
		_cleanup_free_ char *xn = pm_engine_network_of(*x);
		if (xn && !pm_strv_contains(netnames, xn))
			pm_strv_push(&netnames, xn);
	}
	_cleanup_strv_ char **connected = pm_engine_network_connected(e, c->id);
	for (char **x = connected; x && *x; x++)
		if (!pm_strv_contains(netnames, *x))
			pm_strv_push(&netnames, *x);
	json_t *nets = netnames ? json_object() : NULL;
	for (char **x = netnames; x && *x; x++) {
		const char *netname = *x;
		struct pm_engine_net_addr a = {0};
		bool have =
			pm_ctr_is_running(c) && pm_engine_network_addr(e, netname, c->id, &a) == 0;
		json_t *nj = json_object();
		json_object_set_new(nj, "EndpointID", json_string(""));
		json_object_set_new(nj, "Gateway", json_string(have ? a.gateway : ""));
		json_object_set_new(nj, "IPAddress", json_string(have ? a.ip : ""));
		json_object_set_new(nj, "IPPrefixLen", json_integer(have ? a.prefix : 0));
		json_object_set_new(nj, "IPv6Gateway", json_string(have ? a.gateway6 : ""));
		json_object_set_new(nj, "GlobalIPv6Address", json_string(have ? a.ip6 : ""));
		json_object_set_new(nj, "GlobalIPv6PrefixLen", json_integer(have ? a.prefix6 : 0));
		json_object_set_new(nj, "MacAddress", json_string(have ? a.mac : ""));
		json_object_set_new(nj, "NetworkID", json_string(netname));
		json_object_set_new(nj, "DriverOpts", json_null());
		json_object_set_new(nj, "IPAMConfig", json_null());
		json_object_set_new(nj, "Links", json_null());
		json_t *aliases = json_array();
		for (char **al = have ? a.aliases : NULL; al && *al; al++)
			json_array_append_new(aliases, json_string(*al));
		_cleanup_free_ char *short_id = pm_xstrndup(c->id, 12);
		json_array_append_new(aliases, json_string(short_id));
		json_object_set_new(nj, "Aliases", aliases);
		json_object_set_new(nets, netname, nj);
		pm_engine_net_addr_clear(&a);
	}
	if (nets)
		json_object_set_new(ns, "Networks", nets);
	json_object_set_new(o, "NetworkSettings", ns);
	json_object_set_new(o, "Namespace", json_string(""));
	json_object_set_new(o, "IsInfra", json_boolean(c->infra));
	json_object_set_new(o, "IsService", json_false());

	json_t *cf = json_object();
	_cleanup_free_ char *hostname = cfg->hostname && cfg->hostname[0]
						? pm_xstrdup(cfg->hostname)
						: pm_xstrndup(c->id, 12);
	json_object_set_new(cf, "Hostname", json_string(hostname));
	json_object_set_new(cf, "Domainname", json_string(""));
	json_object_set_new(cf, "User", json_string(v->user ? v->user : ""));
	json_object_set_new(cf, "AttachStdin", json_false());
	json_object_set_new(cf, "AttachStdout", json_false());
	json_object_set_new(cf, "AttachStderr", json_false());
	json_object_set_new(cf, "Tty", json_boolean(cfg->tty));
	json_object_set_new(cf, "OpenStdin", json_boolean(cfg->interactive));
	json_object_set_new(cf, "StdinOnce", json_false());
	json_object_set_new(cf, "Env", strv_or_empty(v->env));
	json_object_set_new(cf, "Cmd", v->cmd ? pm_json_from_strv(v->cmd) : json_null());
	json_object_set_new(cf, "Image", json_string(c->image_name));
	json_object_set_new(cf, "Volumes", json_null());
	json_object_set_new(cf, "WorkingDir", json_string(v->workdir ? v->workdir : "/"));
	/* podman 4.3 shows the entrypoint as one string */
	_cleanup_free_ char *ep = v->entrypoint ? pm_strv_join(v->entrypoint, " ") : pm_xstrdup("");
	json_object_set_new(cf, "Entrypoint", json_string(ep));
	json_object_set_new(cf, "OnBuild", json_null());
	json_object_set_new(cf, "Labels", labels_object(v->labels));
	json_object_set_new(cf, "Annotations", annotations_json(c, cfg, stop_sig_of(cfg)));
	json_object_set_new(cf, "StopSignal", json_integer(stop_sig_of(cfg)));
	json_object_set_new(cf, "Umask", json_string(cfg->umask ? cfg->umask : "0022"));
	json_t *secrets = secrets_json(cfg);
	if (secrets)
		json_object_set_new(cf, "Secrets", secrets);
	json_object_set_new(cf, "Timeout", json_integer((json_int_t)cfg->timeout));
	if (cfg->tz)
		json_object_set_new(cf, "Timezone", json_string(cfg->tz));
	if (cfg->expose) {
		json_t *exposed = json_object();
		_cleanup_strv_ char **keys = pm_config_expose_keys(cfg->expose);
		for (char **k = keys; k && *k; k++)
			json_object_set_new(exposed, *k, json_object());
		json_object_set_new(cf, "ExposedPorts", exposed);
	}
	json_object_set_new(cf, "StopTimeout",
			    json_integer(cfg->stop_timeout_set ? cfg->stop_timeout : 10));
	/* podman omits a nil one; null here, so that {{.Config.Healthcheck}} works */
	json_object_set_new(cf, "Healthcheck",
			    cfg->health.test ? healthcheck_json(&cfg->health) : json_null());
	json_object_set_new(cf, "HealthcheckOnFailureAction",
			    json_string(cfg->health.on_failure ? cfg->health.on_failure : "none"));
	/* podman 5's StartupHealthCheck: the health check's fields and Successes */
	if (cfg->startup_health.test) {
		json_t *sh = healthcheck_json(&cfg->startup_health);
		if (cfg->startup_health.successes)
			json_object_set_new(sh, "Successes",
					    json_integer(cfg->startup_health.successes));
		json_object_set_new(cf, "StartupHealthCheck", sh);
	}
	json_object_set_new(cf, "CreateCommand", strv_or_empty(cfg->create_command));
	if (cfg->systemd_mode) /* podman omits it when false */
		json_object_set_new(cf, "SystemdMode", json_true());
	/* podman's json names: sdNotifyMode; Passwd (an /etc/passwd entry for the user) */
	json_object_set_new(cf, "Passwd", json_boolean(!cfg->no_passwd));
	if (cfg->chrootdirs)
		json_object_set_new(cf, "ChrootDirs", pm_json_from_strv(cfg->chrootdirs));
	json_object_set_new(cf, "sdNotifyMode",
			    json_string(cfg->sdnotify ? cfg->sdnotify : PM_SDNOTIFY_CONMON));
	json_object_set_new(o, "Config", cf);

	json_t *hc = json_object();
	json_object_set_new(hc, "Binds", binds);
	const char *mgr = NULL;
	if (pm_engine_cgroup_manager(cfg, &mgr, NULL) < 0)
		mgr = "cgroupfs";
	json_object_set_new(hc, "CgroupManager", json_string(mgr));
	json_object_set_new(hc, "CgroupMode", json_string(pm_config_cgroupns_mode(cfg)));
	json_object_set_new(hc, "ContainerIDFile", json_string(""));
	/* Size: --log-opt max-size as podman shows it (go-units HumanSize) */
	_cleanup_free_ char *log_size = pm_format_size_prec(cfg->log_max_size, 4);
	json_object_set_new(hc, "LogConfig",
			    json_pack("{s:s, s:n, s:s, s:s, s:s}", "Type",
				      cfg->log_driver ? cfg->log_driver : "k8s-file", "Config",
				      "Path", log_path && !cfg->log_driver ? log_path : "", "Tag",
				      "", "Size", log_size));
	_cleanup_free_ char *usernet = pm_engine_network_of(cfg->network);
	json_object_set_new(hc, "NetworkMode",
			    json_string(usernet ? "bridge" : ns_mode(cfg->network, "slirp4netns")));
	json_object_set_new(hc, "PortBindings", port_bindings);
	/* --restart NAME[:N], as podman shows it ("" for none given) */
	_cleanup_free_ char *rname = pm_xstrdup(cfg->restart ? cfg->restart : "");
	char *rcolon = strchr(rname, ':');
	int retries = rcolon ? atoi(rcolon + 1) : 0;
	if (rcolon)
		*rcolon = 0;
	json_object_set_new(hc, "RestartPolicy",
			    json_pack("{s:s, s:i}", "Name", rname, "MaximumRetryCount", retries));
	json_object_set_new(hc, "AutoRemove", json_boolean(cfg->rm));
	json_object_set_new(hc, "VolumeDriver", json_string(""));
	json_object_set_new(hc, "VolumesFrom",
			    cfg->volumes_from ? pm_json_from_strv(cfg->volumes_from) : json_null());
	json_t *capadd, *capdrop;
	cap_add_drop_json(cfg, &capadd, &capdrop);
	json_object_set_new(hc, "CapAdd", capadd);
	json_object_set_new(hc, "CapDrop", capdrop);
	json_object_set_new(hc, "Dns", json_array());
	json_object_set_new(hc, "DnsOptions", json_array());
	json_object_set_new(hc, "DnsSearch", json_array());
	json_object_set_new(hc, "ExtraHosts", json_array());
	json_object_set_new(hc, "GroupAdd", strv_or_empty(cfg->group_add));
	json_object_set_new(hc, "IpcMode", json_string(ns_mode(cfg->ipc, "private")));
	json_object_set_new(hc, "Cgroup", json_string(""));
	json_object_set_new(hc, "Cgroups",
			    json_string(cfg->cgroups && !strcmp(cfg->cgroups, "disabled")
						? "disabled"
						: "default"));
	json_object_set_new(hc, "Links", json_null());
	json_object_set_new(hc, "Init", json_boolean(cfg->init));
	json_object_set_new(hc, "OomScoreAdj",
			    json_integer(cfg->oom_score_adj_set ? cfg->oom_score_adj : 0));
	json_object_set_new(hc, "PidMode", json_string(ns_mode(cfg->pid, "private")));
	json_object_set_new(hc, "Privileged", json_boolean(cfg->privileged));
	json_object_set_new(hc, "PublishAllPorts", json_false());
	json_object_set_new(hc, "ReadonlyRootfs", json_boolean(cfg->read_only));
	json_t *secopt = json_array();
	if (cfg->seccomp) {
		_cleanup_free_ char *so = pm_xasprintf("seccomp=%s", cfg->seccomp);
		json_array_append_new(secopt, json_string(so));
	}
	if (cfg->no_new_privs)
		json_array_append_new(secopt, json_string("no-new-privileges"));
	json_object_set_new(hc, "SecurityOpt", secopt);
	json_t *tmpfs = json_object();
	for (char **t = cfg->tmpfs; t && *t; t++) {
		const char *colon = strchr(*t, ':');
		_cleanup_free_ char *dst =
			pm_xstrndup(*t, colon ? (size_t)(colon - *t) : strlen(*t));
		json_object_set_new(tmpfs, dst, json_string(colon ? colon + 1 : ""));
	}
	json_object_set_new(hc, "Tmpfs", tmpfs);
	json_object_set_new(hc, "UTSMode", json_string(ns_mode(cfg->uts, "private")));
	/* auto, keep-id, nomap: podman says "private" (the ranges are in IDMappings; podman
	 * 4.3 says "" for a pod's infra until it first started) */
	json_object_set_new(hc, "UsernsMode",
			    json_string(!cfg->userns ? ""
					: !strcmp(cfg->userns, "auto") ||
							pm_str_startswith(cfg->userns, "auto:") ||
							!strcmp(cfg->userns, "nomap") ||
							!strcmp(cfg->userns, "keep-id") ||
							pm_str_startswith(cfg->userns, "keep-id:")
						? "private"
						: cfg->userns));
	json_object_set_new(hc, "ShmSize",
			    json_integer(cfg->shm_size ? (json_int_t)cfg->shm_size : 65536000));
	json_object_set_new(hc, "Runtime", json_string("oci"));
	json_object_set_new(hc, "ConsoleSize", json_pack("[i, i]", 0, 0));
	json_object_set_new(hc, "Isolation", json_string(""));
	/* the limits as podman shows them: --cpus as NanoCpus and a 100 ms period's quota,
	 * --memory-swap twice --memory when only --memory was given */
	int64_t period = (int64_t)cfg->cpu_period, quota = cfg->cpu_quota;
	if (cfg->cpus > 0) {
		period = 100000;
		quota = (int64_t)(cfg->cpus * 100000 + 0.5);
	}
	int64_t swap = cfg->memory_swap ? cfg->memory_swap
		       : cfg->memory	? (int64_t)(2 * cfg->memory)
					: 0;
	json_object_set_new(hc, "CpuShares", json_integer((json_int_t)cfg->cpu_shares));
	json_object_set_new(hc, "Memory", json_integer((json_int_t)cfg->memory));
	json_object_set_new(hc, "NanoCpus", json_integer((json_int_t)(cfg->cpus * 1e9 + 0.5)));
	json_object_set_new(hc, "CgroupParent",
			    json_string(cfg->cgroup_parent ? cfg->cgroup_parent : ""));
	json_object_set_new(hc, "BlkioWeight", json_integer((json_int_t)cfg->blkio_weight));
	/* the per-device limits (podman's [{Path, Weight|Rate}], nil when none) and
	 * --cgroup-conf ({FILE: VALUE}) */
	json_object_set_new(hc, "BlkioWeightDevice",
			    device_limits(cfg->blkio_weight_device, 'w', "Weight"));
	json_object_set_new(hc, "BlkioDeviceReadBps",
			    device_limits(cfg->device_read_bps, 'b', "Rate"));
	json_object_set_new(hc, "BlkioDeviceWriteBps",
			    device_limits(cfg->device_write_bps, 'b', "Rate"));
	json_object_set_new(hc, "BlkioDeviceReadIOps",
			    device_limits(cfg->device_read_iops, 'i', "Rate"));
	json_object_set_new(hc, "BlkioDeviceWriteIOps",
			    device_limits(cfg->device_write_iops, 'i', "Rate"));
	json_t *conf = cfg->cgroup_conf ? json_object() : json_null();
	for (char **kv = cfg->cgroup_conf; kv && *kv; kv++) {
		const char *eq = strchr(*kv, '=');
		_cleanup_free_ char *k = pm_xstrndup(*kv, eq ? (size_t)(eq - *kv) : strlen(*kv));
		json_object_set_new(conf, k, json_string(eq ? eq + 1 : ""));
	}
	json_object_set_new(hc, "CgroupConf", conf);
	json_object_set_new(hc, "CpuPeriod", json_integer((json_int_t)period));
	json_object_set_new(hc, "CpuQuota", json_integer((json_int_t)quota));
	json_object_set_new(hc, "CpusetCpus",
			    json_string(cfg->cpuset_cpus ? cfg->cpuset_cpus : ""));
	json_object_set_new(hc, "CpusetMems",
			    json_string(cfg->cpuset_mems ? cfg->cpuset_mems : ""));
	json_object_set_new(hc, "Devices", json_array());
	json_object_set_new(hc, "MemoryReservation",
			    json_integer((json_int_t)cfg->memory_reservation));
	json_object_set_new(hc, "MemorySwap", json_integer((json_int_t)swap));
	json_object_set_new(hc, "OomKillDisable", json_false());
	/* podman's default 2048 when not given, where the pids controller is delegated */
	json_object_set_new(hc, "PidsLimit", json_integer((json_int_t)pm_engine_pids_limit(cfg)));
	json_t *ul = json_array();
	for (char **p = cfg->ulimits; p && *p; p++) {
		struct pm_ulimit u;
		if (pm_config_parse_ulimit(*p, &u, NULL) == 0 && u.resource >= 0)
			json_array_append_new(ul, json_pack("{s:s, s:I, s:I}", "Name", u.name,
							    "Soft", (json_int_t)u.soft, "Hard",
							    (json_int_t)u.hard));
	}
	json_object_set_new(hc, "Ulimits", ul);
	/* --uidmap/--gidmap (a missing one is the other's, as the container has it); a pod's
	 * member (--userns=container:INFRA) shows the infra's, as podman's */
	struct pm_container_config owner = {0}, eff = *cfg;
	if (pm_engine_userns_owner(e, cfg, &owner, &eff, NULL) < 0)
		eff = *cfg;
	if (eff.uidmap || eff.gidmap) {
		char **um = eff.uidmap ? eff.uidmap : eff.gidmap;
		char **gm = eff.gidmap ? eff.gidmap : eff.uidmap;
		json_object_set_new(hc, "IDMappings",
				    json_pack("{s:o, s:o}", "UidMap", pm_json_from_strv(um),
					      "GidMap", pm_json_from_strv(gm)));
	} else {
		keepid_mappings(&eff, hc);
	}
	pm_spec_config_clear(&owner);
	/* podman's fields for what it does not support rootless: always 0 */
	static const char *const zero[] = {
		"CpuCount",  "CpuPercent",	   "CpuRealtimePeriod", "CpuRealtimeRuntime",
		"DiskQuota", "IOMaximumBandwidth", "IOMaximumIOps",	"KernelMemory"};
	for (size_t i = 0; i < ARRAY_SIZE(zero); i++)
		json_object_set_new(hc, zero[i], json_integer(0));
	json_object_set_new(
		hc, "MemorySwappiness",
		json_integer(cfg->memory_swappiness_set ? (json_int_t)cfg->memory_swappiness : 0));
	/* pm's own (--time-offset): the container's time namespace offsets, in seconds */
	struct pm_time_offsets to;
	if (pm_time_offset_parse(cfg->time_offset, &to, NULL) == 0 && to.set)
		json_object_set_new(hc, "TimeOffsets",
				    json_pack("{s:I, s:I}", "boottime", (json_int_t)to.boottime,
					      "monotonic", (json_int_t)to.monotonic));
	else
		json_object_set_new(hc, "TimeOffsets", json_null());
	json_object_set_new(o, "HostConfig", hc);
	return o;
}

int pm_engine_inspect(const struct pm_engine *e, const struct pm_container *c, pm_image_cache *ic,
		      const char *log_path, char **ret_json, pm_error **err)
{
	_cleanup_image_cache_ pm_image_cache *own = ic ? NULL : pm_image_cache_new(e);
	if (!ic)
		ic = own;
	struct pm_container_config cfg = {0};
	int r = pm_config_from_json(c->config_json, &cfg, err);
	if (r < 0)
		return pm_error_prefix(err, "container %s", c->id);
	struct pm_ctr_view v = {0};
	view_from(&cfg, cfg.rootfs ? NULL : pm_image_cache_get(ic, c->image_id), c, &v, NULL);
	_cleanup_json_ json_t *o = build_inspect(e, c, &cfg, &v, log_path);
	*ret_json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	pm_ctr_view_clear(&v);
	pm_spec_config_clear(&cfg);
	return *ret_json ? 0 : pm_error_set(err, ENOMEM, "container %s: out of memory", c->id);
}
