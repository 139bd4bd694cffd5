/* generate.c: `generate kube` (see generate.h). What is read back is each container's
 * recorded config (the user's flags, engine/spec.h) and its pod's: the entrypoint becomes
 * command, the command args, -e env, -p the first container's ports (hostPort), -v a
 * hostPath (an absolute source), a persistentVolumeClaim (a named volume) or an emptyDir
 * (the pod's own data directory, where play keeps emptyDir, configMap and secret files),
 * --tmpfs an emptyDir of medium Memory, --user runAsUser/runAsGroup, --read-only,
 * --privileged, --cap-add/--cap-drop, no-new-privileges, --restart the restartPolicy, the
 * health check a livenessProbe (with --health-on-failure restart) or a readinessProbe, the
 * startup check a startupProbe.
 * Containers of a pod are named without the "POD-" prefix play gives them, so a round
 * trip keeps their names. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/health-parse.h"
#include "engine/health-probe.h"
#include "engine/spec.h"
#include "kube/dl-yaml.h"
#include "kube/generate.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "netslirp/net.h"
#include "pods/lifecycle.h"
#include "pods/pod.h"
#include "storage/volume.h"

/* ---- the emitter ----------------------------------------------------------------------- */

struct out {
	yaml_emitter_t em;
	int docs; /* documents so far: the next starts with "---" */
	char *buf;
	size_t len, cap;
	bool failed;
};

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
	struct out *o = data;
	if (o->len + size + 1 > o->cap) {
		o->cap = (o->len + size + 1) * 2;
		o->buf = pm_xrealloc(o->buf, o->cap);
	}
	memcpy(o->buf + o->len, buffer, size);
	o->len += size;
	o->buf[o->len] = 0;
	return 1;
}

static void emit(struct out *o, yaml_event_t *ev, int ok)
{
	if (o->failed)
		return;
	if (!ok || !sym_yaml_emitter_emit(&o->em, ev))
		o->failed = true;
}

static void map_start(struct out *o)
{
	yaml_event_t ev;
	emit(o, &ev,
	     sym_yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct out *o)
{
	yaml_event_t ev;
	emit(o, &ev, sym_yaml_mapping_end_event_initialize(&ev));
}

static void seq_start(struct out *o)
{
	yaml_event_t ev;
	emit(o, &ev,
	     sym_yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						      YAML_BLOCK_SEQUENCE_STYLE));
}

static void seq_end(struct out *o)
{
	yaml_event_t ev;
	emit(o, &ev, sym_yaml_sequence_end_event_initialize(&ev));
}

/* Would a plain scalar be read back as something else than this string (a number, a
 * boolean, null, or YAML syntax)? Then it is quoted. */
static bool needs_quotes(const char *s)
{
	static const char *const words[] = {"true", "false", "yes",  "no", "on", "off",
					    "y",    "n",     "null", "~",  ""};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	char *end;
	(void)strtod(s, &end);
	if (*s && !*end)
		return true;
	/* numbers in other notations, timestamps (2024-01-01T00:00:00Z), sexagesimals */
	return strchr("0123456789+.", s[0]) || (s[0] == '-' && s[1] >= '0' && s[1] <= '9');
}

static void scalar(struct out *o, const char *s, bool plain)
{
	yaml_event_t ev;
	yaml_scalar_style_t style =
		plain || !needs_quotes(s) ? YAML_ANY_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (!plain && strchr(s, '\n'))
		style = YAML_LITERAL_SCALAR_STYLE; /* a file's text as a block (libyaml quotes it
						    * where a block cannot hold it) */
	emit(o, &ev,
	     sym_yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1,
					      1, style));
}

static void str(struct out *o, const char *s)
{
	scalar(o, s, false);
}

static void key(struct out *o, const char *k)
{
	scalar(o, k, true);
}

static void kv(struct out *o, const char *k, const char *v)
{
	key(o, k);
	str(o, v);
}

static void kv_int(struct out *o, const char *k, long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", v);
	key(o, k);
	scalar(o, buf, true);
}

static void kv_bool(struct out *o, const char *k, bool v)
{
	key(o, k);
	scalar(o, v ? "true" : "false", true);
}

static void strv(struct out *o, const char *k, char *const *v)
{
	key(o, k);
	seq_start(o);
	for (char *const *s = v; s && *s; s++)
		str(o, *s);
	seq_end(o);
}

/* ---- one pod ----------------------------------------------------------------------------- */

struct vol {
	char *name;
	char *kind; /* hostPath, persistentVolumeClaim, emptyDir, tmpfs */
	char *source;
};

struct gpod {
	const char *name;
	char **labels;
	const char *hostname;
	char *const *add_hosts;
	char *const *publish;
	bool host_network; /* the pod's network is the host's */
	bool share_pid;	   /* the pod shares its pid namespace */
	struct pm_container_config *cfgs;
	const char **ctr_names;
	size_t n;
	const char *data_dir; /* the pod's data directory, or NULL */
	struct vol *vols;
	size_t nvols;
};

static char *dns_label(const char *s)
{
	char *l = pm_xstrdup(*s ? s : "v");
	for (char *p = l; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p = '-';
	}
	return l;
}

/* A tmpfs size= value as a Kubernetes quantity (its k, m, g are KiB, MiB, GiB), or NULL
 * when it has none (a percentage of memory). */
static char *tmpfs_quantity(const char *v)
{
	size_t n = strcspn(v, ",");
	size_t digits = strspn(v, "0123456789");
	if (!digits || digits + 1 < n)
		return NULL;
	if (digits == n)
		return pm_xstrndup(v, n);
	const char *unit = v[digits] == 'k' || v[digits] == 'K'	  ? "Ki"
			   : v[digits] == 'm' || v[digits] == 'M' ? "Mi"
			   : v[digits] == 'g' || v[digits] == 'G' ? "Gi"
								  : NULL;
	return unit ? pm_xasprintf("%.*s%s", (int)digits, v, unit) : NULL;
}

/* The pod's volume for a -v source or a tmpfs destination: found or added. source: the host
 * path, the named volume, or (emptyDir, configMap, secret) the directory in the pod's data
 * directory. */
static const char *vol_for(struct gpod *g, const char *kind, const char *source,
			   const char *name_hint)
{
	for (size_t i = 0; i < g->nvols; i++)
		if (!strcmp(g->vols[i].kind, kind) && !strcmp(g->vols[i].source, source))
			return g->vols[i].name;
	/* (a tmpfs's source is DST[:OPTIONS]: its name comes from DST) */
	_cleanup_free_ char *path =
		pm_xstrndup(source, strcmp(kind, "tmpfs") ? strlen(source) : strcspn(source, ":"));
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	_cleanup_free_ char *label = dns_label(name_hint ? name_hint : base);
	char *name;
	if (name_hint)
		name = pm_xstrdup(label);
	else if (!strcmp(kind, "persistentVolumeClaim"))
		name = pm_xasprintf("%s-pvc", label);
	else
		name = pm_xasprintf("%s-%s-%zu", label, !strcmp(kind, "tmpfs") ? "tmpfs" : "host",
				    g->nvols);
	g->vols = pm_xrealloc(g->vols, (g->nvols + 1) * sizeof(*g->vols));
	g->vols[g->nvols++] = (struct vol){name, pm_xstrdup(kind), pm_xstrdup(source)};
	return name;
}

/* A -v spec's volume: *kind, the volume's name, and the subPath inside it (or NULL). */
struct mount_of {
	const char *name;
	char *sub_path;
	char *dst;
	bool ro;
};

static bool spec_mount(struct gpod *g, const char *spec, struct mount_of *m)
{
	*m = (struct mount_of){0};
	_cleanup_strv_ char **parts = pm_strv_split(spec, ":");
	size_t n = pm_strv_length(parts);
	if (n < 2)
		return false;
	const char *src = parts[0];
	m->dst = pm_xstrdup(parts[1]);
	if (n > 2) {
		_cleanup_strv_ char **opts = pm_strv_split(parts[2], ",");
		m->ro = pm_strv_contains(opts, "ro");
	}
	size_t dl = g->data_dir ? strlen(g->data_dir) : 0;
	if (src[0] != '/') {
		m->name = vol_for(g, "persistentVolumeClaim", src, NULL);
	} else if (dl && !strncmp(src, g->data_dir, dl) && src[dl] == '/') {
		/* data/TYPE/NAME[/SUBPATH], as play made it */
		_cleanup_strv_ char **rel = pm_strv_split(src + dl + 1, "/");
		if (pm_strv_length(rel) < 2)
			return false;
		_cleanup_free_ char *dir = pm_xasprintf("%s/%s/%s", g->data_dir, rel[0], rel[1]);
		m->name = vol_for(g, rel[0], dir, rel[1]);
		if (rel[2]) {
			_cleanup_strv_ char **rest = pm_strv_copy(rel + 2);
			m->sub_path = pm_strv_join(rest, "/");
		}
		if (strcmp(rel[0], "emptyDir"))
			m->ro = false; /* configMap and secret volumes are read-only anyway */
	} else {
		m->name = vol_for(g, "hostPath", src, NULL);
	}
	return true;
}

/* Every volume of the pod, named, before anything is written (ConfigMaps come first). */
static void collect_volumes(struct gpod *g)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct pm_container_config *c = &g->cfgs[i];
		for (char **v = c->volumes; v && *v; v++) {
			struct mount_of m;
			if (spec_mount(g, *v, &m)) {
				free(m.sub_path);
				free(m.dst);
			}
		}
		for (char **t = c->tmpfs; t && *t; t++)
			vol_for(g, "tmpfs", *t, NULL);
	}
}

static void volume_mounts(struct out *o, struct gpod *g, const struct pm_container_config *c)
{
	if (!c->volumes && !c->tmpfs)
		return;
	key(o, "volumeMounts");
	seq_start(o);
	for (char **v = c->volumes; v && *v; v++) {
		struct mount_of m;
		if (!spec_mount(g, *v, &m))
			continue;
		map_start(o);
		kv(o, "mountPath", m.dst);
		kv(o, "name", m.name);
		if (m.ro)
			kv_bool(o, "readOnly", true);
		if (m.sub_path)
			kv(o, "subPath", m.sub_path);
		map_end(o);
		free(m.sub_path);
		free(m.dst);
	}
	for (char **t = c->tmpfs; t && *t; t++) {
		_cleanup_free_ char *dst = pm_xstrdup(*t);
		char *colon = strchr(dst, ':');
		if (colon)
			*colon = 0;
		map_start(o);
		kv(o, "mountPath", dst);
		kv(o, "name", vol_for(g, "tmpfs", *t, NULL));
		map_end(o);
	}
	seq_end(o);
}

static void security_context(struct out *o, const struct pm_container_config *c)
{
	long long uid = -1, gid = -1;
	if (c->user) {
		char *end;
		uid = strtoll(c->user, &end, 10);
		if (end == c->user || (*end && *end != ':'))
			uid = -1;
		else if (*end == ':')
			gid = strtoll(end + 1, NULL, 10);
	}
	if (!c->read_only && !c->privileged && !c->cap_add && !c->cap_drop && !c->no_new_privs &&
	    uid < 0)
		return;
	key(o, "securityContext");
	map_start(o);
	if (c->no_new_privs)
		kv_bool(o, "allowPrivilegeEscalation", false);
	if (c->cap_add || c->cap_drop) {
		key(o, "capabilities");
		map_start(o);
		if (c->cap_add)
			strv(o, "add", c->cap_add);
		if (c->cap_drop)
			strv(o, "drop", c->cap_drop);
		map_end(o);
	}
	if (c->privileged)
		kv_bool(o, "privileged", true);
	if (c->read_only)
		kv_bool(o, "readOnlyRootFilesystem", true);
	if (gid >= 0)
		kv_int(o, "runAsGroup", gid);
	if (uid >= 0)
		kv_int(o, "runAsUser", uid);
	map_end(o);
}

/* The container's health check (or startup check) as a probe (play kube's mapping
 * backwards): CMD and CMD-SHELL as exec, HTTP-GET as httpGet, TCP-SOCKET as tcpSocket. */
static void probe(struct out *o, const struct pm_healthcheck *hc, bool startup)
{
	const int64_t s = 1000000000LL;
	struct pm_probe p;
	if (pm_probe_parse(hc->test, &p) < 0)
		return;
	map_start(o);
	if (p.kind == PM_PROBE_NONE) {
		_cleanup_strv_ char **argv = pm_health_argv(hc);
		key(o, "exec");
		map_start(o);
		strv(o, "command", argv);
		map_end(o);
	}
	if (hc->retries > 0 || !startup)
		kv_int(o, "failureThreshold", hc->retries > 0 ? hc->retries : 3);
	if (p.kind == PM_PROBE_HTTP) {
		key(o, "httpGet");
		map_start(o);
		if (strcmp(p.host, "localhost") != 0)
			kv(o, "host", p.host);
		if (p.headers) {
			key(o, "httpHeaders");
			seq_start(o);
			for (char **h = p.headers; *h; h++) {
				const char *colon = strchr(*h, ':');
				_cleanup_free_ char *name = pm_xstrndup(*h, (size_t)(colon - *h));
				map_start(o);
				kv(o, "name", name);
				kv(o, "value", colon[1] == ' ' ? colon + 2 : colon + 1);
				map_end(o);
			}
			seq_end(o);
		}
		kv(o, "path", p.path);
		kv_int(o, "port", p.port);
		kv(o, "scheme", p.https ? "HTTPS" : "HTTP");
		map_end(o);
	}
	if (hc->start_period >= s)
		kv_int(o, "initialDelaySeconds", hc->start_period / s);
	kv_int(o, "periodSeconds", hc->interval >= s ? hc->interval / s : 1);
	if (p.kind == PM_PROBE_TCP) {
		key(o, "tcpSocket");
		map_start(o);
		if (strcmp(p.host, "localhost") != 0)
			kv(o, "host", p.host);
		kv_int(o, "port", p.port);
		map_end(o);
	}
	kv_int(o, "timeoutSeconds", hc->timeout >= s ? hc->timeout / s : 1);
	map_end(o);
	pm_probe_clear(&p);
}

static void container(struct out *o, struct gpod *g, size_t i)
{
	const struct pm_container_config *c = &g->cfgs[i];
	map_start(o);
	if (c->command)
		strv(o, "args", c->command);
	if (c->entrypoint_set) {
		_cleanup_json_ json_t *ep = json_loads(c->entrypoint ? c->entrypoint : "", 0, NULL);
		_cleanup_strv_ char **cmd = NULL;
		if (json_is_array(ep)) {
			size_t k;
			json_t *v;
			json_array_foreach(ep, k, v)
				pm_strv_push(&cmd,
					     json_string_value(v) ? json_string_value(v) : "");
		} else if (c->entrypoint && *c->entrypoint) {
			pm_strv_push(&cmd, c->entrypoint);
		}
		strv(o, "command", cmd);
	}
	if (c->env) {
		key(o, "env");
		seq_start(o);
		for (char **e = c->env; *e; e++) {
			const char *eq = strchr(*e, '=');
			if (!eq)
				continue; /* a host variable passed by name: not portable */
			_cleanup_free_ char *name = pm_xstrndup(*e, (size_t)(eq - *e));
			map_start(o);
			kv(o, "name", name);
			kv(o, "value", eq + 1);
			map_end(o);
		}
		seq_end(o);
	}
	kv(o, "image", c->image ? c->image : "");
	/* a check that restarts the container is a liveness probe, else a readiness one */
	bool check = pm_health_enabled(&c->health);
	bool live = check && c->health.on_failure && !strcmp(c->health.on_failure, "restart");
	if (live) {
		key(o, "livenessProbe");
		probe(o, &c->health, false);
	}
	kv(o, "name", g->ctr_names[i]);
	if (i == 0 && g->publish && g->publish[0]) {
		key(o, "ports");
		seq_start(o);
		struct pm_net_port *ports = NULL;
		size_t np = 0;
		for (char *const *p = g->publish; *p; p++)
			pm_net_parse_publish(*p, &ports, &np, NULL);
		for (size_t k = 0; k < np; k++)
			for (uint16_t r = 0; r < ports[k].range; r++) {
				map_start(o);
				kv_int(o, "containerPort", ports[k].ctr_port + r);
				if (ports[k].host_ip[0])
					kv(o, "hostIP", ports[k].host_ip);
				if (ports[k].host_port)
					kv_int(o, "hostPort", ports[k].host_port + r);
				if (ports[k].proto == PM_NET_UDP)
					kv(o, "protocol", "UDP");
				map_end(o);
			}
		free(ports);
		seq_end(o);
	}
	if (check && !live) {
		key(o, "readinessProbe");
		probe(o, &c->health, false);
	}
	if (c->memory || c->cpus > 0) {
		key(o, "resources");
		map_start(o);
		key(o, "limits");
		map_start(o);
		if (c->cpus > 0) {
			char buf[32];
			snprintf(buf, sizeof(buf), "%lldm", (long long)(c->cpus * 1000 + 0.5));
			kv(o, "cpu", buf);
		}
		if (c->memory) {
			char buf[32];
			snprintf(buf, sizeof(buf), "%" PRIu64, c->memory);
			kv(o, "memory", buf);
		}
		map_end(o);
		map_end(o);
	}
	security_context(o, c);
	if (check && pm_health_enabled(&c->startup_health)) {
		key(o, "startupProbe");
		probe(o, &c->startup_health, true);
	}
	if (c->interactive)
		kv_bool(o, "stdin", true);
	if (c->tty)
		kv_bool(o, "tty", true);
	volume_mounts(o, g, c);
	if (c->workdir)
		kv(o, "workingDir", c->workdir);
	map_end(o);
}

static const char *restart_policy(const struct gpod *g)
{
	const char *r = g->n ? g->cfgs[0].restart : NULL;
	if (!r || !strcmp(r, "no") || !*r)
		return "Never";
	if (!strcmp(r, "always") || !strcmp(r, "unless-stopped"))
		return "Always";
	return "OnFailure";
}

static const char *app_label(const struct gpod *g)
{
	for (char **l = g->labels; l && *l; l++)
		if (!strncmp(*l, "app=", 4))
			return *l + 4;
	return g->name;
}

static void timestamp(struct out *o, int64_t created_ns)
{
	char ts[32];
	time_t t = (time_t)(created_ns / 1000000000);
	struct tm tm;
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	kv(o, "creationTimestamp", ts);
}

/* A document of kind: "apiVersion: v1", "kind: KIND" and "metadata:" opened (NULL kind:
 * only the document's map and its apiVersion). */
static void doc_start(struct out *o, const char *kind)
{
	yaml_event_t ev;
	emit(o, &ev,
	     sym_yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, o->docs++ == 0));
	map_start(o);
	kv(o, "apiVersion", "v1");
	if (!kind)
		return;
	kv(o, "kind", kind);
	key(o, "metadata");
	map_start(o);
}

/* A configMap volume's files (as play wrote them) back into a ConfigMap of their own. */
static void emit_configmaps(struct out *o, const struct gpod *g, int64_t created_ns)
{
	for (size_t i = 0; i < g->nvols; i++) {
		const struct vol *v = &g->vols[i];
		if (strcmp(v->kind, "configMap"))
			continue;
		yaml_event_t ev;
		doc_start(o, NULL);
		key(o, "data");
		map_start(o);
		DIR *d = opendir(v->source);
		struct dirent **names = NULL;
		int n = d ? scandir(v->source, &names, NULL, alphasort) : 0;
		if (d)
			closedir(d);
		for (int k = 0; k < n; k++) {
			_cleanup_free_ char *f = pm_path_join(v->source, names[k]->d_name);
			_cleanup_free_ char *text = NULL;
			struct stat st;
			if (names[k]->d_name[0] != '.' && stat(f, &st) == 0 &&
			    S_ISREG(st.st_mode) && pm_read_file(f, 1 << 20, &text, NULL, NULL) == 0)
				kv(o, names[k]->d_name, text);
			free(names[k]);
		}
		free(names);
		map_end(o);
		kv(o, "kind", "ConfigMap");
		key(o, "metadata");
		map_start(o);
		timestamp(o, created_ns);
		_cleanup_free_ char *name = pm_xasprintf("%s-%s", g->name, v->name);
		kv(o, "name", name);
		map_end(o);
		map_end(o);
		emit(o, &ev, sym_yaml_document_end_event_initialize(&ev, 1));
	}
}

static void emit_pod(struct out *o, struct gpod *g, int64_t created_ns)
{
	yaml_event_t ev;
	doc_start(o, "Pod");
	timestamp(o, created_ns);
	key(o, "labels");
	map_start(o);
	bool app = false;
	for (char **l = g->labels; l && *l; l++) {
		const char *eq = strchr(*l, '=');
		_cleanup_free_ char *k = eq ? pm_xstrndup(*l, (size_t)(eq - *l)) : pm_xstrdup(*l);
		app |= !strcmp(k, "app");
		kv(o, k, eq ? eq + 1 : "");
	}
	if (!app)
		kv(o, "app", g->name);
	map_end(o);
	kv(o, "name", g->name);
	map_end(o);
	key(o, "spec");
	map_start(o);
	key(o, "containers");
	seq_start(o);
	for (size_t i = 0; i < g->n; i++)
		container(o, g, i);
	seq_end(o);
	bool aliases = false;
	for (char *const *h = g->add_hosts; h && *h; h++)
		aliases |= strchr(*h, ':') != NULL;
	if (aliases) {
		key(o, "hostAliases");
		seq_start(o);
		for (char *const *h = g->add_hosts; *h; h++) {
			const char *colon = strchr(*h, ':');
			if (!colon)
				continue;
			_cleanup_free_ char *name = pm_xstrndup(*h, (size_t)(colon - *h));
			map_start(o);
			char *names[] = {name, NULL};
			strv(o, "hostnames", names);
			kv(o, "ip", colon + 1);
			map_end(o);
		}
		seq_end(o);
	}
	if (g->hostname)
		kv(o, "hostname", g->hostname);
	/* a lone container on the host's network is a pod on it */
	if (g->host_network || (!g->data_dir && g->n == 1 && g->cfgs[0].network &&
				!strcmp(g->cfgs[0].network, "host")))
		kv_bool(o, "hostNetwork", true);
	kv(o, "restartPolicy", restart_policy(g));
	if (g->share_pid)
		kv_bool(o, "shareProcessNamespace", true);
	if (g->nvols) {
		key(o, "volumes");
		seq_start(o);
		for (size_t i = 0; i < g->nvols; i++) {
			const struct vol *v = &g->vols[i];
			map_start(o);
			if (!strcmp(v->kind, "persistentVolumeClaim")) {
				kv(o, "name", v->name);
				key(o, "persistentVolumeClaim");
				map_start(o);
				kv(o, "claimName", v->source);
				map_end(o);
			} else if (!strcmp(v->kind, "hostPath")) {
				struct stat st;
				kv(o, "name", v->name);
				key(o, "hostPath");
				map_start(o);
				kv(o, "path", v->source);
				kv(o, "type",
				   stat(v->source, &st) == 0 && !S_ISDIR(st.st_mode) ? "File"
										     : "Directory");
				map_end(o);
			} else if (!strcmp(v->kind, "configMap")) {
				key(o, "configMap");
				map_start(o);
				_cleanup_free_ char *cm = pm_xasprintf("%s-%s", g->name, v->name);
				kv(o, "name", cm);
				map_end(o);
				kv(o, "name", v->name);
			} else if (!strcmp(v->kind, "secret")) {
				/* the values stay out of the YAML: the Secret is the user's to give
				 */
				kv(o, "name", v->name);
				key(o, "secret");
				map_start(o);
				_cleanup_free_ char *f = pm_xasprintf("%s.source", v->source);
				_cleanup_free_ char *secret = NULL;
				if (pm_read_file(f, 256, &secret, NULL, NULL) < 0)
					secret = NULL;
				kv(o, "secretName", secret && *secret ? secret : v->name);
				map_end(o);
			} else {
				key(o, "emptyDir");
				map_start(o);
				if (!strcmp(v->kind, "tmpfs")) {
					kv(o, "medium", "Memory");
					const char *size = strstr(v->source, "size=");
					if (size) {
						_cleanup_free_ char *q = tmpfs_quantity(size + 5);
						if (q)
							kv(o, "sizeLimit", q);
					}
				}
				map_end(o);
				kv(o, "name", v->name);
			}
			map_end(o);
		}
		seq_end(o);
	}
	map_end(o);
	map_end(o);
	emit(o, &ev, sym_yaml_document_end_event_initialize(&ev, 1));
}

static void emit_service(struct out *o, const struct gpod *g, int64_t created_ns)
{
	struct pm_net_port *ports = NULL;
	size_t np = 0;
	for (char *const *p = g->publish; p && *p; p++)
		pm_net_parse_publish(*p, &ports, &np, NULL);
	if (!np)
		return;
	yaml_event_t ev;
	doc_start(o, "Service");
	timestamp(o, created_ns);
	key(o, "labels");
	map_start(o);
	kv(o, "app", app_label(g));
	map_end(o);
	kv(o, "name", g->name);
	map_end(o);
	key(o, "spec");
	map_start(o);
	key(o, "ports");
	seq_start(o);
	for (size_t k = 0; k < np; k++)
		for (uint16_t r = 0; r < ports[k].range; r++) {
			char name[16];
			snprintf(name, sizeof(name), "%d", ports[k].ctr_port + r);
			map_start(o);
			kv(o, "name", name);
			/* a cluster takes a nodePort only in its range (30000-32767 by default):
			 * the host port where it fits, else one derived from it (stable) */
			if (ports[k].host_port) {
				int hp = ports[k].host_port + r;
				kv_int(o, "nodePort",
				       hp >= 30000 && hp <= 32767 ? hp : 30000 + hp % 2768);
			}
			kv_int(o, "port", ports[k].ctr_port + r);
			kv(o, "protocol", ports[k].proto == PM_NET_UDP ? "UDP" : "TCP");
			kv_int(o, "targetPort", ports[k].ctr_port + r);
			map_end(o);
		}
	seq_end(o);
	key(o, "selector");
	map_start(o);
	kv(o, "app", app_label(g));
	map_end(o);
	kv(o, "type", "NodePort");
	map_end(o);
	map_end(o);
	emit(o, &ev, sym_yaml_document_end_event_initialize(&ev, 1));
	free(ports);
}

/* A named volume as podman writes it: a PersistentVolumeClaim of its name, its labels, the
 * options `volume create` took as volume.podman.io/ annotations (play applies them), and a
 * claim a cluster accepts (ReadWriteOnce, 1Gi: a pm volume has no size). */
static void emit_pvc(struct out *o, const struct pm_volume *v)
{
	yaml_event_t ev;
	doc_start(o, "PersistentVolumeClaim");
	key(o, "annotations");
	map_start(o);
	/* sorted by key, as podman (a Go map) writes them */
	const char *opt_of[] = {"device", NULL, NULL, "o", "type", NULL};
	static const char *const names[] = {
		"volume.podman.io/device",	  "volume.podman.io/driver", "volume.podman.io/gid",
		"volume.podman.io/mount-options", "volume.podman.io/type",   "volume.podman.io/uid",
	};
	_cleanup_free_ char *gid = v->gid >= 0 ? pm_xasprintf("%" PRId64, v->gid) : NULL;
	_cleanup_free_ char *uid = v->uid >= 0 ? pm_xasprintf("%" PRId64, v->uid) : NULL;
	const char *fixed[] = {NULL, v->driver ? v->driver : "local", gid, NULL, NULL, uid};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *val = fixed[i];
		size_t l = opt_of[i] ? strlen(opt_of[i]) : 0;
		for (char **opt = v->options; opt_of[i] && opt && *opt; opt++)
			if (!strncmp(*opt, opt_of[i], l) && (*opt)[l] == '=')
				val = *opt + l + 1;
		if (val)
			kv(o, names[i], val);
	}
	map_end(o);
	timestamp(o, v->created_sec * 1000000000LL);
	if (v->labels && *v->labels) {
		key(o, "labels");
		map_start(o);
		for (char **l = v->labels; *l; l++) {
			char *eq = strchr(*l, '=');
			_cleanup_free_ char *k =
				eq ? pm_xstrndup(*l, (size_t)(eq - *l)) : pm_xstrdup(*l);
			kv(o, k, eq ? eq + 1 : "");
		}
		map_end(o);
	}
	kv(o, "name", v->name);
	map_end(o);
	key(o, "spec");
	map_start(o);
	key(o, "accessModes");
	seq_start(o);
	str(o, "ReadWriteOnce");
	seq_end(o);
	key(o, "resources");
	map_start(o);
	key(o, "requests");
	map_start(o);
	key(o, "storage");
	scalar(o, "1Gi", true); /* a quantity, plain as podman writes it */
	map_end(o);
	map_end(o);
	map_end(o);
	map_end(o);
	emit(o, &ev, sym_yaml_document_end_event_initialize(&ev, 1));
}

static void gpod_clear(struct gpod *g)
{
	for (size_t i = 0; i < g->n; i++)
		pm_spec_config_clear(&g->cfgs[i]);
	free(g->cfgs);
	free(g->ctr_names);
	for (size_t i = 0; i < g->nvols; i++) {
		free(g->vols[i].name);
		free(g->vols[i].kind);
		free(g->vols[i].source);
	}
	free(g->vols);
}

/* The containers' configs into g (the infra left out); names without "POD-". */
static int add_ctrs(struct gpod *g, struct pm_container **ctrs, size_t n, pm_error **err)
{
	g->cfgs = pm_xcalloc(n + 1, sizeof(*g->cfgs));
	g->ctr_names = pm_xcalloc(n + 1, sizeof(*g->ctr_names));
	for (size_t i = 0; i < n; i++) {
		if (ctrs[i]->infra)
			continue;
		int r = pm_config_from_json(ctrs[i]->config_json, &g->cfgs[g->n], err);
		if (r < 0)
			return r;
		const char *name = ctrs[i]->name;
		size_t pl = strlen(g->name);
		if (ctrs[i]->pod_id && *ctrs[i]->pod_id && !strncmp(name, g->name, pl) &&
		    name[pl] == '-' && name[pl + 1])
			name += pl + 1;
		g->ctr_names[g->n++] = name;
	}
	return 0;
}

int pm_kube_generate(const struct pm_engine *e, char *const *refs, bool service, char **ret,
		     pm_error **err)
{
	int r = pm_dl_yaml(err);
	if (r < 0)
		return r;
	r = 0;
	struct out o = {0};
	sym_yaml_emitter_initialize(&o.em);
	sym_yaml_emitter_set_output(&o.em, write_cb, &o);
	sym_yaml_emitter_set_unicode(&o.em, 1);
	sym_yaml_emitter_set_width(&o.em, 4096);
	yaml_event_t ev;
	emit(&o, &ev, sym_yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	/* the volumes first, as podman: a cluster makes the claims before the pods use them */
	for (char *const *ref = refs; *ref && r >= 0 && !o.failed; ref++) {
		_cleanup_pod_ struct pm_pod *pod = NULL;
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_volume_ struct pm_volume *v = NULL;
		if (pm_pod_lookup(e->paths, *ref, &pod, NULL) == 0 ||
		    pm_container_lookup(e->paths, *ref, &c, NULL) == 0 ||
		    pm_volume_load(e->paths->root, *ref, &v, NULL) < 0)
			continue;
		emit_pvc(&o, v);
	}
	for (char *const *ref = refs; *ref && r >= 0 && !o.failed; ref++) {
		struct gpod g = {0};
		_cleanup_pod_ struct pm_pod *pod = NULL;
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_free_ char *data = NULL, *podname = NULL;
		struct pm_container **ctrs = NULL;
		size_t n = 0;
		int64_t created = 0;
		if (pm_pod_lookup(e->paths, *ref, &pod, NULL) == 0) {
			r = pm_pod_containers(e, pod, &ctrs, &n, err);
			if (r < 0)
				break;
			g.name = pod->name;
			g.labels = pod->cfg.labels;
			g.hostname = pod->cfg.hostname ? pod->cfg.hostname : pod->name;
			g.add_hosts = pod->cfg.add_hosts;
			g.publish = pod->cfg.publish;
			g.host_network = pod->cfg.network && !strcmp(pod->cfg.network, "host");
			g.share_pid = pm_strv_contains(pod->cfg.share, "pid");
			data = pm_pod_data_dir(pod);
			g.data_dir = data;
			created = pod->created_ns;
		} else if (pm_container_lookup(e->paths, *ref, &c, NULL) == 0) {
			if (c->pod_id && *c->pod_id) {
				r = pm_error_set(err, EINVAL,
						 "%s is in a pod: generate the pod instead", *ref);
				break;
			}
			podname = pm_xasprintf("%s-pod", c->name);
			g.name = podname;
			ctrs = pm_xcalloc(2, sizeof(*ctrs));
			ctrs[0] = TAKE_PTR(c);
			n = 1;
			created = ctrs[0]->created_ns;
		} else if (pm_volume_exists(e->paths->root, *ref)) {
			continue; /* written above */
		} else {
			/* podman 4.3's words */
			r = pm_error_set(err, ENOENT, "name or ID \"%s\" not found", *ref);
			break;
		}
		r = add_ctrs(&g, ctrs, n, err);
		if (r >= 0 && !pod && g.n == 1)
			g.publish = g.cfgs[0].publish; /* a container's own -p */
		if (r >= 0 && !g.n)
			r = pm_error_set(err, EINVAL, "pod %s has no containers but its infra",
					 g.name);
		if (r >= 0) {
			collect_volumes(&g);
			if (service) /* first, as podman writes it */
				emit_service(&o, &g, created);
			emit_configmaps(&o, &g, created);
			emit_pod(&o, &g, created);
		}
		pm_container_list_free(ctrs, n);
		gpod_clear(&g);
	}
	emit(&o, &ev, sym_yaml_stream_end_event_initialize(&ev));
	if (r >= 0 && o.failed)
		r = pm_error_set(err, EIO, "generating YAML: %s",
				 o.em.problem ? o.em.problem : "emitter error");
	sym_yaml_emitter_delete(&o.em);
	if (r < 0) {
		free(o.buf);
		return r;
	}
	*ret = o.buf ? o.buf : pm_xstrdup("");
	return 0;
}
