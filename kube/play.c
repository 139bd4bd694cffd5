/* play.c: `play kube` and `kube down` (see play.h). A pod object becomes `pod create` (its
 * name, labels, hostname, hostAliases, the containers' hostPorts, hostNetwork) and one
 * `create --pod` per container (POD-CONTAINER, command/args as Kubernetes defines them over
 * the image's entrypoint and cmd, env from values, ConfigMaps and Secrets of the file or of
 * --configmap files, volumes as -v/--tmpfs), init containers run to completion first; then
 * `pod start`. The files of emptyDir, configMap and secret volumes live in the pod's data
 * directory, in data/emptyDir/NAME, data/configMap/NAME, data/secret/NAME (generate kube
 * reads the type back from there), and go with the pod. A PersistentVolumeClaim is a named
 * volume, made (or reused) before the pods. On any failure the pods and volumes made so far
 * are removed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "builder/build.h"
#include "engine/auto-update.h"
#include "engine/container.h"
#include "engine/health-probe.h"
#include "engine/ctr-volumes.h"
#include "engine/inspect.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "engine/validate.h"
#include "kube/play.h"
#include "kube/spec.h"
#include "kube/yaml.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "netslirp/net.h"
#include "pods/lifecycle.h"
#include "pods/pod.h"
#include "engine/limits.h"
#include "storage/container.h"
#include "storage/image.h"
#include "storage/reference.h"
#include "storage/secret.h"
#include "storage/store.h"
#include "storage/volume.h"

void pm_kube_report_clear(struct pm_kube_report *r)
{
	for (size_t i = 0; r->pods && r->pods[i]; i++)
		pm_strv_free(r->containers[i]);
	free(r->containers);
	pm_strv_free(r->pods);
	pm_strv_free(r->stopped);
	pm_strv_free(r->volumes);
	pm_strv_free(r->warnings);
	*r = (struct pm_kube_report){0};
}

/* All objects of data plus those of the --configmap files (ConfigMaps only). */
struct objects {
	struct pm_kube_object *v;
	size_t n;
	struct pm_kube_object *extra; /* from --configmap */
	size_t n_extra;
};

static void objects_clear(struct objects *o)
{
	pm_kube_objects_free(o->v, o->n);
	pm_kube_objects_free(o->extra, o->n_extra);
	*o = (struct objects){0};
}

static int read_yaml(const char *data, size_t len, struct pm_kube_object **ret, size_t *ret_n,
		     char ***warnings, pm_error **err)
{
	struct pm_ynode **docs = NULL;
	size_t ndocs = 0;
	int r = pm_yaml_parse(data, len, &docs, &ndocs, err);
	if (r < 0)
		return r;
	r = pm_kube_read(docs, ndocs, ret, ret_n, warnings, err);
	pm_ynode_list_free(docs, ndocs);
	return r;
}

static const struct pm_kube_kv *find_kv(const struct objects *o, enum pm_kube_kind kind,
					const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].kind == kind && !strcmp(o->v[i].kv.name, name))
			return &o->v[i].kv;
	for (size_t i = 0; i < o->n_extra; i++)
		if (o->extra[i].kind == kind && !strcmp(o->extra[i].kv.name, name))
			return &o->extra[i].kv;
	return NULL;
}

static const char *kv_get(const struct pm_kube_kv *kv, const char *key)
{
	for (size_t i = 0; kv && i < kv->n; i++)
		if (!strcmp(kv->keys[i], key))
			return kv->values[i];
	return NULL;
}

/* ---- quantities ----------------------------------------------------------------------- */

/* A memory quantity ("64Mi", "1G", "1048576", "1e6") in bytes. */
static int memory_bytes(const char *q, uint64_t *ret)
{
	static const struct {
		const char *suffix;
		double mult;
	} units[] = {
		{"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
		{"k", 1e3},	{"K", 1e3},	   {"M", 1e6},		 {"G", 1e9},
		{"T", 1e12},	{"", 1.0},
	};
	char *end;
	double v = strtod(q, &end);
	if (end == q || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].suffix)) {
			*ret = (uint64_t)(v * units[i].mult);
			return 0;
		}
	return -EINVAL;
}

/* A CPU quantity ("500m", "1.5", "2") in CPUs. */
static int cpu_count(const char *q, double *ret)
{
	char *end;
	double v = strtod(q, &end);
	if (end == q || v <= 0)
		return -EINVAL;
	if (!strcmp(end, "m"))
		v /= 1000.0;
	else if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* ---- one pod -------------------------------------------------------------------------- */

struct play {
	const struct pm_engine *e;
	const struct pm_kube_play_opts *o;
	const struct objects *objs;
	struct pm_kube_report *rep;
	pm_error **err;
	char **made_volumes; /* named volumes this play made: removed on failure */
	char **tmp_secrets;  /* store secrets handing Secret values to a container create */
};

/* The container has its copies: the store secrets that carried them go. */
static void tmp_secrets_drop(struct play *p)
{
	for (char **n = p->tmp_secrets; n && *n; n++)
		pm_secret_remove(p->e->paths->root, *n, NULL, NULL);
	pm_strv_free(p->tmp_secrets);
	p->tmp_secrets = NULL;
}

/* A warning, or under --strict an error. */
static int not_applied(struct play *p, char *msg)
{
	if (p->o->strict) {
		int r = pm_error_set(p->err, EINVAL, "%s (--strict)", msg);
		free(msg);
		return r;
	}
	pm_strv_consume(&p->rep->warnings, msg);
	return 0;
}

/* A Secret's value for VAR: put in a secret of the store of its own (pm_secret), handed to
 * the container as `--secret NAME,type=env,target=VAR` (create copies it into the
 * container's record), so the value is never in the container's config or in inspect. The
 * store secret goes once the container is made (p->tmp_secrets). */
static int secret_env(struct play *p, struct pm_container_config *cfg, const char *var,
		      const char *value, size_t len)
{
	_cleanup_free_ char *rnd = pm_random_id();
	char name[40];
	snprintf(name, sizeof(name), "pm-kube-%.24s", rnd);
	const struct pm_secret_create_opts so = {.name = name};
	int r = pm_secret_create(p->e->paths->root, &so, value, len, NULL, p->err);
	if (r < 0)
		return r;
	pm_strv_push(&p->tmp_secrets, name);
	pm_strv_consume(&cfg->secrets, pm_xasprintf("%s,type=env,target=%s", name, var));
	return 0;
}

static size_t kv_len(const struct pm_kube_kv *kv, const char *key)
{
	for (size_t i = 0; kv && i < kv->n; i++)
		if (!strcmp(kv->keys[i], key))
			return kv->lens[i];
	return 0;
}

static int env_of(struct play *p, const struct pm_kube_pod *pod, const struct pm_kube_container *c,
		  const char *path, struct pm_container_config *cfg)
{
	char ***env = &cfg->env;
	for (size_t i = 0; i < c->n_env_from; i++) {
		const struct pm_kube_env_from *f = &c->env_from[i];
		bool secret = f->sec_name != NULL;
		const char *name = secret ? f->sec_name : f->cm_name;
		const struct pm_kube_kv *kv =
			name ? find_kv(p->objs, secret ? PM_KUBE_SECRET : PM_KUBE_CONFIGMAP, name)
			     : NULL;
		if (!kv && name && !f->optional)
			return pm_error_set(p->err, ENOENT,
					    "%s.envFrom[%zu]: %s \"%s\" not found (give it in the "
					    "file%s)",
					    path, i, secret ? "Secret" : "ConfigMap", name,
					    secret ? ", or as a pm secret holding it"
						   : " or with --configmap");
		for (size_t k = 0; kv && k < kv->n; k++) {
			_cleanup_free_ char *var =
				pm_xasprintf("%s%s", f->prefix ? f->prefix : "", kv->keys[k]);
			if (secret) {
				int r = secret_env(p, cfg, var, kv->values[k], kv->lens[k]);
				if (r < 0)
					return r;
				continue;
			}
			pm_strv_consume(env, pm_xasprintf("%s=%s", var, kv->values[k]));
		}
	}
	for (size_t i = 0; i < c->n_env; i++) {
		const struct pm_kube_env *v = &c->env[i];
		const char *value = v->value ? v->value : "";
		if (v->cm_key || v->sec_key) {
			bool secret = v->sec_key != NULL;
			const char *name = secret ? v->sec_name : v->cm_name;
			const char *key = secret ? v->sec_key : v->cm_key;
			const struct pm_kube_kv *kv =
				find_kv(p->objs, secret ? PM_KUBE_SECRET : PM_KUBE_CONFIGMAP,
					name ? name : "");
			value = kv_get(kv, key);
			if (!value && v->optional)
				continue;
			if (!value)
				return pm_error_set(
					p->err, ENOENT,
					"%s.env[%zu] (%s): %s \"%s\" has no key \"%s\"%s", path, i,
					v->name, secret ? "Secret" : "ConfigMap", name ? name : "",
					key,
					kv	 ? ""
					: secret ? " (it is neither in the file nor a pm secret "
						   "holding a "
						   "Secret)"
						 : " (it is not in the file nor a --configmap "
						   "file)");
			if (secret) {
				int r = secret_env(p, cfg, v->name, value, kv_len(kv, key));
				if (r < 0)
					return r;
				continue;
			}
		} else if (v->field_path) {
			if (!strcmp(v->field_path, "metadata.name"))
				value = pod->name;
			else if (!strcmp(v->field_path, "metadata.namespace"))
				value = "default";
			else
				return pm_error_set(
					p->err, EINVAL,
					"%s.env[%zu].valueFrom.fieldRef.fieldPath: \"%s\" is "
					"not supported (metadata.name, metadata.namespace)",
					path, i, v->field_path);
		}
		_cleanup_free_ char *kv = pm_xasprintf("%s=%s", v->name, value);
		pm_strv_set_kv(env, kv);
	}
	return 0;
}

/* The host side of each pod volume, made ready: hostPath checked or created by its type,
 * emptyDir/configMap/secret files in the pod's data directory. srcs[i]: a host path, or
 * NULL for a tmpfs (emptyDir medium Memory) or a named volume (persistentVolumeClaim). */
static int hostpath_check(struct play *p, const struct pm_kube_volume *v, const char *path)
{
	const char *t = v->path_type ? v->path_type : "";
	struct stat st;
	bool exists = stat(v->path, &st) == 0;
	if (!strcmp(t, "DirectoryOrCreate") && !exists)
		return pm_mkdir_p(v->path, 0755, p->err);
	if (!strcmp(t, "FileOrCreate") && !exists) {
		int fd = open(v->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return pm_error_set_errno(p->err, errno, "%s.hostPath: creating '%s'", path,
						  v->path);
		close(fd);
		return 0;
	}
	static const struct {
		const char *type;
		mode_t fmt;
	} want[] = {
		{"Directory", S_IFDIR},	   {"DirectoryOrCreate", S_IFDIR}, {"File", S_IFREG},
		{"FileOrCreate", S_IFREG}, {"Socket", S_IFSOCK},	   {"CharDevice", S_IFCHR},
		{"BlockDevice", S_IFBLK},
	};
	if (!*t)
		return 0;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strcmp(t, want[i].type))
			continue;
		if (!exists)
			return pm_error_set(p->err, ENOENT,
					    "%s.hostPath: '%s' does not exist (type %s)", path,
					    v->path, t);
		if ((st.st_mode & S_IFMT) != want[i].fmt)
			return pm_error_set(p->err, EINVAL, "%s.hostPath: '%s' is not a %s", path,
					    v->path, t);
		return 0;
	}
	return pm_error_set(p->err, EINVAL,
			    "%s.hostPath.type: \"%s\" is not Directory, DirectoryOrCreate, File, "
			    "FileOrCreate, Socket, CharDevice or BlockDevice",
			    path, t);
}

/* The files of a configMap or secret volume: every key, or the items' keys at their paths. */
static int kv_files(struct play *p, const struct pm_kube_volume *v, const char *path,
		    const char *dir)
{
	bool secret = v->type == PM_KUBE_VOL_SECRET;
	const struct pm_kube_kv *kv =
		find_kv(p->objs, secret ? PM_KUBE_SECRET : PM_KUBE_CONFIGMAP, v->source);
	if (!kv && !v->optional)
		return pm_error_set(p->err, ENOENT,
				    "%s: %s \"%s\" not found (give it in the file or with "
				    "--configmap)",
				    path, secret ? "Secret" : "ConfigMap", v->source);
	mode_t dmode = v->default_mode >= 0 ? (mode_t)v->default_mode : 0644;
	for (size_t i = 0; kv && i < (v->n_items ? v->n_items : kv->n); i++) {
		const char *key = v->n_items ? v->items[i].key : kv->keys[i];
		const char *rel = v->n_items ? v->items[i].path : kv->keys[i];
		mode_t mode =
			v->n_items && v->items[i].mode >= 0 ? (mode_t)v->items[i].mode : dmode;
		size_t k;
		for (k = 0; k < kv->n && strcmp(kv->keys[k], key); k++)
			;
		if (k == kv->n)
			return pm_error_set(p->err, ENOENT,
					    "%s.items[%zu]: %s \"%s\" has no key \"%s\"", path, i,
					    secret ? "Secret" : "ConfigMap", v->source, key);
		if (rel[0] == '/' || strstr(rel, "..")) {
			return pm_error_set(p->err, EINVAL,
					    "%s.items[%zu].path: \"%s\" must be relative "
					    "and without ..",
					    path, i, rel);
		}
		_cleanup_free_ char *f = pm_path_join(dir, rel);
		_cleanup_free_ char *fdir = pm_xstrdup(f);
		*strrchr(fdir, '/') = 0;
		int r = pm_mkdir_p(fdir, 0755, p->err);
		if (r < 0 || (r = pm_write_file_atomic(f, kv->values[k], kv->lens[k], mode & 07777,
						       p->err)) < 0)
			return r;
	}
	return 0;
}

static int volumes_prepare(struct play *p, const struct pm_kube_pod *kp, const struct pm_pod *pod,
			   const char *path, char **srcs)
{
	_cleanup_free_ char *data = pm_pod_data_dir(pod);
	for (size_t i = 0; i < kp->n_volumes; i++) {
		const struct pm_kube_volume *v = &kp->volumes[i];
		_cleanup_free_ char *vp = pm_xasprintf("%s.spec.volumes[%zu]", path, i);
		int r = 0;
		switch (v->type) {
		case PM_KUBE_VOL_HOSTPATH:
			if (v->path[0] != '/')
				return pm_error_set(p->err, EINVAL,
						    "%s.hostPath.path: \"%s\" is not absolute", vp,
						    v->path);
			r = hostpath_check(p, v, vp);
			srcs[i] = pm_xstrdup(v->path);
			break;
		case PM_KUBE_VOL_EMPTYDIR: {
			uint64_t size;
			if (v->size_limit && memory_bytes(v->size_limit, &size) < 0)
				return pm_error_set(
					p->err, EINVAL,
					"%s.emptyDir.sizeLimit: \"%s\" is not a quantity", vp,
					v->size_limit);
			if (v->medium && !strcmp(v->medium, "Memory"))
				break;
			if (v->medium && *v->medium)
				return pm_error_set(
					p->err, EINVAL,
					"%s.emptyDir.medium: \"%s\" is not \"\" or Memory", vp,
					v->medium);
			srcs[i] = pm_xasprintf("%s/emptyDir/%s", data, v->name);
			r = pm_mkdir_p(srcs[i], 0777, p->err);
			if (r >= 0 && v->size_limit)
				r = not_applied(p, pm_xasprintf("%s.emptyDir.sizeLimit: applies to "
								"medium Memory only, ignored",
								vp));
			break;
		}
		case PM_KUBE_VOL_CONFIGMAP:
		case PM_KUBE_VOL_SECRET:
			/* data/configMap/NAME or data/secret/NAME: generate kube tells them apart
			 */
			srcs[i] = pm_xasprintf(
				"%s/%s/%s", data,
				v->type == PM_KUBE_VOL_SECRET ? "secret" : "configMap", v->name);
			r = pm_mkdir_p(srcs[i], 0755, p->err);
			if (r >= 0)
				r = kv_files(p, v, vp, srcs[i]);
			if (r >= 0 && v->type == PM_KUBE_VOL_SECRET) {
				/* the Secret's name, for generate kube (its values stay here) */
				_cleanup_free_ char *f = pm_xasprintf("%s.source", srcs[i]);
				r = pm_write_file_atomic(f, v->source, strlen(v->source), 0600,
							 p->err);
			}
			break;
		case PM_KUBE_VOL_PVC:
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The container's -v / --tmpfs for its volumeMounts. */
static int mounts_of(struct play *p, const struct pm_kube_pod *kp, char *const *srcs,
		     const struct pm_kube_container *c, const char *path,
		     struct pm_container_config *cfg)
{
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct pm_kube_mount *m = &c->mounts[i];
		size_t v;
		for (v = 0; strcmp(kp->volumes[v].name, m->name); v++)
			;
		const struct pm_kube_volume *vol = &kp->volumes[v];
		const char *ro = m->read_only || (vol->type == PM_KUBE_VOL_PVC && vol->read_only) ||
						 vol->type == PM_KUBE_VOL_CONFIGMAP ||
						 vol->type == PM_KUBE_VOL_SECRET
					 ? ":ro"
					 : "";
		if (m->mount_path[0] != '/')
			return pm_error_set(
				p->err, EINVAL,
				"%s.volumeMounts[%zu].mountPath: \"%s\" is not absolute", path, i,
				m->mount_path);
		if (m->sub_path && (m->sub_path[0] == '/' || strstr(m->sub_path, "..")))
			return pm_error_set(p->err, EINVAL,
					    "%s.volumeMounts[%zu].subPath: \"%s\" must be relative "
					    "and without ..",
					    path, i, m->sub_path);
		if (!srcs[v] && m->sub_path)
			return pm_error_set(p->err, EOPNOTSUPP,
					    "%s.volumeMounts[%zu].subPath: not supported on a %s "
					    "volume",
					    path, i,
					    vol->type == PM_KUBE_VOL_PVC ? "persistentVolumeClaim"
									 : "Memory emptyDir");
		if (vol->type == PM_KUBE_VOL_PVC) {
			pm_strv_consume(&cfg->volumes,
					pm_xasprintf("%s:%s%s", vol->source, m->mount_path, ro));
			continue;
		}
		if (!srcs[v]) {
			uint64_t size = 0; /* (checked by volumes_prepare) */
			if (vol->size_limit && memory_bytes(vol->size_limit, &size) < 0)
				size = 0;
			pm_strv_consume(&cfg->tmpfs,
					size ? pm_xasprintf("%s:size=%llu", m->mount_path,
							    (unsigned long long)size)
					     : pm_xstrdup(m->mount_path));
			continue;
		}
		_cleanup_free_ char *src =
			m->sub_path ? pm_path_join(srcs[v], m->sub_path) : pm_xstrdup(srcs[v]);
		if (m->sub_path && access(src, F_OK) < 0 && vol->type == PM_KUBE_VOL_EMPTYDIR) {
			int r = pm_mkdir_p(src, 0777, p->err);
			if (r < 0)
				return r;
		}
		pm_strv_consume(&cfg->volumes, pm_xasprintf("%s:%s%s", src, m->mount_path, ro));
	}
	return 0;
}

/* The test of probe pr (at PATH.WHICH) into *ret: exec runs its command in the container;
 * httpGet and tcpSocket become pm's own HTTP-GET and TCP-SOCKET checks
 * (engine/health-probe.h), done by pm from the pod's network namespace, so the image needs
 * no curl or nc. *ret stays NULL for a handler pm cannot run (named as not applied). */
static int probe_test(struct play *p, const struct pm_kube_probe *pr, const char *path,
		      const char *which, char ***ret)
{
	*ret = NULL;
	const char *host = pr->host && *pr->host ? pr->host : "localhost";
	if (strcmp(pr->kind, "exec") == 0) {
		pm_strv_push(ret, "CMD");
		for (char **a = pr->exec; a && *a; a++)
			pm_strv_push(ret, *a);
	} else if (strcmp(pr->kind, "httpGet") == 0) {
		bool https = pr->scheme && strcmp(pr->scheme, "HTTPS") == 0;
		pm_strv_push(ret, PM_PROBE_HTTP_TEST);
		pm_strv_consume(ret, pm_probe_url(https, host, (unsigned)pr->port,
						  pr->path ? pr->path : "/"));
		for (char **h = pr->headers; h && *h; h++)
			pm_strv_push(ret, *h);
	} else if (strcmp(pr->kind, "tcpSocket") == 0) {
		pm_strv_push(ret, PM_PROBE_TCP_TEST);
		pm_strv_consume(ret, pm_probe_hostport(host, (unsigned)pr->port));
	} else {
		return not_applied(
			p, pm_xasprintf("%s.%s.%s: not supported, ignored", path, which, pr->kind));
	}
	return 0;
}

/* The container's probes as its health checks, run by its monitor: a livenessProbe restarts
 * it when it fails (Kubernetes' kubelet does), a readinessProbe only marks it unhealthy. One
 * check per container: a liveness probe wins over a readiness probe. A startupProbe is the
 * startup check (--health-startup-*) run before it: its failureThreshold failures in a row
 * restart the container. */
static int health_of(struct play *p, const struct pm_kube_container *c, const char *path,
		     struct pm_container_config *cfg)
{
	const struct pm_kube_probe *pr = c->liveness.set ? &c->liveness : &c->readiness;
	const char *which = c->liveness.set ? "livenessProbe" : "readinessProbe";
	const int64_t s = 1000000000LL;
	int r = 0;
	if (c->liveness.set && c->readiness.set)
		r = not_applied(p, pm_xasprintf("%s.readinessProbe: one health check per "
						"container: the livenessProbe runs, not this",
						path));
	if (r >= 0 && pr->set)
		r = probe_test(p, pr, path, which, &cfg->health.test);
	if (r < 0)
		return r;
	if (cfg->health.test) {
		cfg->health.interval = pr->period * s;
		cfg->health.timeout = pr->timeout * s;
		cfg->health.start_period = pr->initial_delay * s;
		cfg->health.retries = pr->failure_threshold;
		if (c->liveness.set)
			cfg->health.on_failure = pm_xstrdup("restart");
	}
	if (!c->startup.set)
		return 0;
	if (!cfg->health.test)
		return not_applied(p, pm_xasprintf("%s.startupProbe: runs only before a "
						   "livenessProbe or readinessProbe, ignored",
						   path));
	if (c->startup.initial_delay > 0 &&
	    (r = not_applied(p, pm_xasprintf("%s.startupProbe.initialDelaySeconds: not "
					     "supported, ignored",
					     path))) < 0)
		return r;
	if ((r = probe_test(p, &c->startup, path, "startupProbe", &cfg->startup_health.test)) < 0)
		return r;
	cfg->startup_health.interval = c->startup.period * s;
	cfg->startup_health.timeout = c->startup.timeout * s;
	cfg->startup_health.retries = c->startup.failure_threshold;
	cfg->startup_health.successes = c->startup.success_threshold;
	return 0;
}

static char *json_argv(char *const *v)
{
	_cleanup_json_ json_t *a = json_array();
	for (char *const *s = v; s && *s; s++)
		json_array_append_new(a, json_string(*s));
	return json_dumps(a, JSON_COMPACT);
}

/* The Containerfile (else Dockerfile) of <context>/<last element of image>/, malloc'd, or
 * NULL (podman 4.3's getBuildFile). */
static char *build_file(const char *context, const char *image)
{
	const char *base = strrchr(image, '/') ? strrchr(image, '/') + 1 : image;
	static const char *const names[] = {"Containerfile", "Dockerfile"};
	for (size_t i = 0; i < 2; i++) {
		char *f = pm_xasprintf("%s/%s/%s", context, base, names[i]);
		struct stat st;
		if (stat(f, &st) == 0 && S_ISREG(st.st_mode))
			return f;
		free(f);
	}
	return NULL;
}

/* --build: the container's image built from its directory's Containerfile when podman 4.3
 * would (always with --build, when not stored without the flag, never with --build=false),
 * tagged with the image's name. *built: whether it was. */
static int build_image(struct play *p, const struct pm_kube_container *c, bool *built)
{
	*built = false;
	if (p->o->build == 0)
		return 0;
	const char *context = p->o->context_dir ? p->o->context_dir : ".";
	_cleanup_free_ char *file = build_file(context, c->image);
	if (!file)
		return 0;
	_cleanup_store_ struct pm_store *s = NULL;
	int r = pm_store_open(p->e->paths, p->e->storage_driver, &s, p->err);
	if (r < 0)
		return r;
	struct pm_image_record rec = {0};
	if (p->o->build < 0 && pm_image_resolve(s, c->image, &rec, NULL) == 0) {
		pm_image_record_free(&rec); /* stored: podman builds it only with --build */
		return 0;
	}
	struct pm_reference ref = {0};
	if ((r = pm_reference_parse(c->image, PM_REF_LOCAL, &ref, p->err)) < 0)
		return pm_error_prefix(p->err, "building image \"%s\"", c->image);
	_cleanup_strv_ char **tags = NULL, **shown = NULL;
	pm_strv_consume(&tags, pm_reference_string(&ref));
	pm_reference_free(&ref);
	pm_strv_push(&shown, c->image);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if ((r = pm_read_file(file, 1 << 20, &data, &len, p->err)) < 0)
		return r;
	_cleanup_free_ char *dir = pm_xstrdup(file);
	*strrchr(dir, '/') = '\0';
	struct pm_build_opts bo = {
		.context = dir,
		.file_name = file,
		.file_data = data,
		.file_len = len,
		.tags = tags,
		.tags_shown = shown,
		.layers = true,
		.pull = PM_PULL_MISSING,
		.pull_opts = p->o->pull,
		.say = p->o->say,
		.userdata = p->o->say_data,
	};
	_cleanup_free_ char *id = NULL;
	if ((r = pm_build(p->e, &bo, &id, p->err)) < 0)
		return pm_error_prefix(p->err, "building image \"%s\" from %s", c->image, file);
	if (p->o->say)
		p->o->say(p->o->say_data, id);
	*built = true;
	return 0;
}

/* The container's image, pulled as imagePullPolicy says (Always: pulled, Never: the local one
 * only, else pulled when missing) when the caller can reach registries; cfg->image becomes the
 * pulled image's id when its name would not find it (an index pulled by digest). */
static int pull_image(struct play *p, const struct pm_kube_container *c,
		      struct pm_container_config *cfg)
{
	if (!p->o->pull)
		return 0;
	enum pm_pull_policy policy = PM_PULL_MISSING;
	if (c->pull_policy && !strcmp(c->pull_policy, "Always"))
		policy = PM_PULL_ALWAYS;
	else if (c->pull_policy && !strcmp(c->pull_policy, "Never"))
		policy = PM_PULL_NEVER;
	_cleanup_store_ struct pm_store *s = NULL;
	int r = pm_store_open(p->e->paths, p->e->storage_driver, &s, p->err);
	if (r < 0)
		return r;
	struct pm_image_record rec = {0};
	if (policy != PM_PULL_ALWAYS && pm_image_resolve(s, cfg->image, &rec, NULL) == 0) {
		pm_image_record_free(&rec); /* stored: no registry asked */
		return 0;
	}
	_cleanup_free_ char *id = NULL;
	r = pm_pull_for_container(s, cfg->image, policy, p->o->pull, &id, p->err);
	if (r < 0)
		return r;
	bool same = pm_image_resolve(s, cfg->image, &rec, NULL) == 0 && !strcmp(rec.id, id);
	pm_image_record_free(&rec);
	if (!same) {
		free(cfg->image);
		cfg->image = TAKE_PTR(id);
	}
	return 0;
}

/* podman's: the annotation KEY/CONTAINER, else KEY, among the container's annotations
 * becomes its label KEY (io.containers.autoupdate and .authfile, for auto-update) */
static void autoupdate_label(struct pm_container_config *cfg, const char *key, const char *ctr)
{
	_cleanup_free_ char *specific = pm_xasprintf("%s/%s", key, ctr);
	const char *v = NULL;
	size_t kl = strlen(key), sl = strlen(specific);
	for (char **a = cfg->annotations; a && *a; a++)
		if (!strncmp(*a, specific, sl) && (*a)[sl] == '=')
			v = *a + sl + 1;
	for (char **a = cfg->annotations; !v && a && *a; a++)
		if (!strncmp(*a, key, kl) && (*a)[kl] == '=' && (*a)[kl + 1])
			v = *a + kl + 1;
	if (v) {
		_cleanup_free_ char *kv = pm_xasprintf("%s=%s", key, v);
		pm_strv_set_kv(&cfg->labels, kv);
	}
}

static int container_config(struct play *p, const struct pm_kube_pod *kp, char *const *srcs,
			    const struct pm_pod *pod, const struct pm_kube_container *c,
			    const char *path, bool init, struct pm_container_config *cfg)
{
	*cfg = (struct pm_container_config){0};
	cfg->read_only_tmpfs = true;
	cfg->name = pm_xasprintf("%s-%s", kp->name, c->name);
	cfg->image = pm_xstrdup(c->image);
	cfg->pod = pm_xstrdup(pod->id);
	/* command replaces the image's entrypoint (and its cmd), args its cmd */
	if (c->command_set) {
		cfg->entrypoint = json_argv(c->command);
		cfg->entrypoint_set = true;
	}
	if (c->args_set && c->args[0])
		cfg->command = pm_strv_copy(c->args);
	cfg->workdir = c->working_dir ? pm_xstrdup(c->working_dir) : NULL;
	cfg->tty = c->tty;
	if (p->o->log_none)
		cfg->log_driver = pm_xstrdup("none");
	/* podman's: the pod's annotations, --annotation's over them, on every container */
	for (char **a = kp->annotations; a && *a; a++)
		pm_strv_set_kv(&cfg->annotations, *a);
	for (char **a = p->o->annotations; a && *a; a++)
		pm_strv_set_kv(&cfg->annotations, *a);
	autoupdate_label(cfg, PM_AUTOUPDATE_LABEL, c->name);
	autoupdate_label(cfg, PM_AUTOUPDATE_AUTHFILE_LABEL, c->name);
	if (p->o->systemd_unit) {
		_cleanup_free_ char *kv =
			pm_xasprintf("%s=%s", PM_SYSTEMD_UNIT_LABEL, p->o->systemd_unit);
		pm_strv_set_kv(&cfg->labels, kv);
	}
	cfg->interactive = c->stdin_open;
	cfg->privileged = c->privileged;
	cfg->read_only = c->read_only_root;
	cfg->cap_add = pm_strv_copy(c->cap_add);
	cfg->cap_drop = pm_strv_copy(c->cap_drop);
	cfg->no_new_privs = c->allow_privilege_escalation == 0;
	if (c->run_as_non_root && c->run_as_user == 0)
		return pm_error_set(p->err, EINVAL,
				    "%s.securityContext: runAsNonRoot is true and runAsUser is 0",
				    path);
	if (c->run_as_user >= 0)
		cfg->user = c->run_as_group >= 0
				    ? pm_xasprintf("%lld:%lld", (long long)c->run_as_user,
						   (long long)c->run_as_group)
				    : pm_xasprintf("%lld", (long long)c->run_as_user);
	else if (c->run_as_group >= 0)
		return pm_error_set(p->err, EINVAL,
				    "%s.securityContext.runAsGroup: needs runAsUser too", path);
	const char *rp = kp->restart_policy ? kp->restart_policy : "Always";
	cfg->restart = pm_xstrdup(init			     ? "no"
				  : !strcmp(rp, "Always")    ? "always"
				  : !strcmp(rp, "OnFailure") ? "on-failure"
							     : "no");
	if (kp->grace_period >= 0) {
		cfg->stop_timeout = kp->grace_period;
		cfg->stop_timeout_set = true;
	}
	for (char **o = p->o->log_opts; o && *o; o++) {
		int lr = pm_config_set_log_opt(cfg, *o, p->err);
		if (lr < 0)
			return lr;
	}
	bool built = false;
	int pr = build_image(p, c, &built);
	if (pr >= 0 && !built)
		pr = pull_image(p, c, cfg);
	if (pr < 0)
		return pr;
	const char *lim[] = {c->limit_memory, c->limit_cpu};
	const char *lname[] = {"memory", "cpu"};
	for (size_t i = 0; i < 2; i++) {
		if (!lim[i])
			continue;
		_cleanup_free_ char *lp = pm_xasprintf("%s.resources.limits.%s", path, lname[i]);
		int r = i == 0 ? memory_bytes(lim[i], &cfg->memory) : cpu_count(lim[i], &cfg->cpus);
		if (r < 0)
			return pm_error_set(p->err, EINVAL, "%s: \"%s\" is not a quantity", lp,
					    lim[i]);
		_cleanup_error_ pm_error *why = NULL;
		if (pm_engine_limit_require(lp, lname[i], &why) < 0) {
			if (i == 0)
				cfg->memory = 0;
			else
				cfg->cpus = 0;
			r = not_applied(p, pm_xasprintf("%s: not enforced: %s", lp, why->msg));
			if (r < 0)
				return r;
		}
	}
	int r = env_of(p, kp, c, path, cfg);
	if (r >= 0)
		r = mounts_of(p, kp, srcs, c, path, cfg);
	if (r >= 0 && !init)
		r = health_of(p, c, path, cfg);
	return r;
}

/* runAsNonRoot without runAsUser: the image's user must not be root (the kubelet's rule). */
static int non_root_check(struct play *p, const struct pm_container *ctr, const char *path)
{
	_cleanup_image_cache_ pm_image_cache *ic = pm_image_cache_new(p->e);
	const struct pm_image *img = pm_image_cache_get(ic, ctr->image_id);
	const char *user = img && img->user ? img->user : "";
	size_t n = strcspn(user, ":");
	bool root = n == 0 || (n == 1 && user[0] == '0') || (n == 4 && !strncmp(user, "root", 4));
	if (!root)
		return 0;
	return pm_error_set(p->err, EINVAL,
			    "%s.securityContext.runAsNonRoot: the image %s runs as root (user "
			    "\"%s\"): set runAsUser",
			    path, ctr->image_name ? ctr->image_name : ctr->image_id, user);
}

/* Create (not start) one container of the pod; its id into *ids. */
static int container_create(struct play *p, struct pm_container_config *cfg,
			    struct pm_container **ret)
{
	char **missing = pm_engine_volumes_missing(p->e, cfg);
	for (char **m = missing; m && *m; m++)
		pm_strv_push(&p->made_volumes, *m);
	pm_strv_free(missing);
	int lock = -1;
	char *made_pod = NULL;
	/* podman 4.3's kube play sets no rlimits (inspect's Ulimits []): as --ulimit host */
	if (!cfg->ulimits)
		pm_strv_push(&cfg->ulimits, "host");
	int r = pm_pod_member_prepare(p->e, cfg, &lock, &made_pod, p->err);
	if (r >= 0)
		r = pm_container_config_validate(cfg, p->err);
	if (r >= 0)
		r = pm_engine_create(p->e, cfg, ret, p->err);
	if (lock >= 0)
		close(lock);
	free(made_pod);
	return r;
}

/* Whether a --publish spec maps container port ctr of proto (TCP, UDP, SCTP). */
static bool published(char *const *specs, int64_t ctr, const char *proto)
{
	int want = !strcmp(proto, "UDP")    ? PM_NET_UDP
		   : !strcmp(proto, "SCTP") ? PM_NET_SCTP
					    : PM_NET_TCP;
	for (char *const *s = specs; s && *s; s++) {
		struct pm_net_port *ports = NULL;
		size_t n = 0;
		if (pm_net_parse_publish(*s, &ports, &n, NULL) < 0)
			continue;
		bool hit = false;
		for (size_t i = 0; i < n; i++)
			hit |= ports[i].proto == want && ctr >= ports[i].ctr_port &&
			       ctr < (int64_t)ports[i].ctr_port + ports[i].range;
		free(ports);
		if (hit)
			return true;
	}
	return false;
}

static int pod_config(struct play *p, const struct pm_kube_pod *kp, size_t index,
		      struct pm_pod_config *pc)
{
	*pc = (struct pm_pod_config){0};
	pc->name = pm_xstrdup(kp->name);
	/* --ip/--mac-address: the Nth for the Nth pod; --userns for every pod (podman's) */
	if (index < pm_strv_length(p->o->ips))
		pm_strv_consume(&pc->limits, pm_xasprintf("ip=%s", p->o->ips[index]));
	if (index < pm_strv_length(p->o->macs))
		pm_strv_consume(&pc->limits, pm_xasprintf("mac-address=%s", p->o->macs[index]));
	pc->userns = p->o->userns ? pm_xstrdup(p->o->userns) : NULL;
	pc->labels = pm_strv_copy(kp->labels);
	pc->infra = true;
	pc->hostname = kp->hostname ? pm_xstrdup(kp->hostname) : NULL;
	pm_strv_push(&pc->share, "ipc");
	pm_strv_push(&pc->share, "net");
	pm_strv_push(&pc->share, "uts");
	if (kp->share_pid)
		pm_strv_push(&pc->share, "pid");
	pc->no_hosts = p->o->no_hosts;
	if (kp->host_network)
		pc->network = pm_xstrdup("host");
	else if (p->o->network)
		pc->network = pm_xstrdup(p->o->network);
	for (size_t i = 0; i < kp->n_host_aliases; i++)
		for (char **h = kp->host_aliases[i].hostnames; h && *h; h++)
			pm_strv_consume(&pc->add_hosts,
					pm_xasprintf("%s:%s", *h, kp->host_aliases[i].ip));
	/* --publish first; a hostPort of a container port and protocol it covers is
	 * overridden (podman's mergePublishPorts) */
	for (char **s = p->o->publish; s && *s; s++)
		pm_strv_push(&pc->publish, *s);
	for (size_t i = 0; i < kp->n_containers; i++)
		for (size_t j = 0; j < kp->containers[i].n_ports; j++) {
			const struct pm_kube_port *pt = &kp->containers[i].ports[j];
			if (!pt->host_port)
				continue;
			const char *proto = pt->protocol ? pt->protocol : "TCP";
			if (published(p->o->publish, pt->container_port, proto))
				continue;
			pm_strv_consume(
				&pc->publish,
				pm_xasprintf("%s%s%lld:%lld%s", pt->host_ip ? pt->host_ip : "",
					     pt->host_ip ? ":" : "", (long long)pt->host_port,
					     (long long)pt->container_port,
					     !strcmp(proto, "UDP")    ? "/udp"
					     : !strcmp(proto, "SCTP") ? "/sctp"
								      : ""));
		}
	return 0;
}

/* Run the init containers in order, each to a zero exit, then remove it. */
static int run_inits(struct play *p, struct pm_container **inits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = pm_pod_ctr_prepare_start(p->e, inits[i], p->err);
		if (r >= 0)
			r = pm_engine_start(p->e, inits[i], p->err);
		int code = 0;
		if (r >= 0)
			r = pm_engine_wait(p->e, inits[i], 1u << PM_CTR_STOPPED, &code, p->err);
		if (r < 0)
			return r;
		if (code != 0)
			return pm_error_set(
				p->err, EIO,
				"init container %s exited with %d: the pod is not started",
				inits[i]->name, code);
		r = pm_engine_remove(p->e, inits[i], p->err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int play_pod(struct play *p, const struct pm_kube_pod *kp, size_t index)
{
	_cleanup_free_ char *path = pm_xasprintf("pod \"%s\"", kp->name);
	if (p->o->replace) {
		_cleanup_pod_ struct pm_pod *old = NULL;
		if (pm_pod_lookup(p->e->paths, kp->name, &old, NULL) == 0) {
			int r = pm_pod_remove(p->e, old, true, 0, p->err);
			if (r < 0)
				return r;
			pm_strv_push(&p->rep->stopped, old->id);
		}
	}
	struct pm_pod_config pc;
	pod_config(p, kp, index, &pc);
	_cleanup_pod_ struct pm_pod *pod = NULL;
	int r = pm_pod_create(p->e, &pc, &pod, p->err);
	pm_pod_config_clear(&pc);
	if (r < 0)
		return r;
	pm_strv_push(&p->rep->pods, pod->id);
	p->rep->containers = pm_xrealloc(p->rep->containers, (index + 2) * sizeof(char **));
	p->rep->containers[index] = NULL;
	p->rep->containers[index + 1] = NULL;

	char **srcs = pm_xcalloc(kp->n_volumes + 1, sizeof(char *));
	size_t ninit = p->o->start ? kp->n_init_containers : 0;
	struct pm_container **inits = pm_xcalloc(ninit + 1, sizeof(*inits));
	r = volumes_prepare(p, kp, pod, path, srcs);
	if (kp->n_init_containers && !p->o->start && r >= 0)
		r = not_applied(p, pm_xasprintf("%s: initContainers are run only when the pod "
						"starts, not with --start=false",
						path));
	for (size_t i = 0; r >= 0 && i < ninit + kp->n_containers; i++) {
		bool init = i < ninit;
		const struct pm_kube_container *c =
			init ? &kp->init_containers[i] : &kp->containers[i - ninit];
		_cleanup_free_ char *cp =
			pm_xasprintf("%s.spec.%s[%zu]", path,
				     init ? "initContainers" : "containers", init ? i : i - ninit);
		struct pm_container_config cfg;
		r = container_config(p, kp, srcs, pod, c, cp, init, &cfg);
		struct pm_container *ctr = NULL;
		if (r >= 0)
			r = container_create(p, &cfg, &ctr);
		if (r >= 0 && c->run_as_non_root && c->run_as_user < 0)
			r = non_root_check(p, ctr, cp);
		tmp_secrets_drop(p);
		pm_spec_config_clear(&cfg);
		if (r < 0) {
			pm_container_free(ctr); /* (its record goes with the pod) */
			break;
		}
		if (init)
			inits[i] = ctr;
		else {
			pm_strv_push(&p->rep->containers[index], ctr->id);
			pm_container_free(ctr);
		}
	}
	if (r >= 0 && p->o->start)
		r = run_inits(p, inits, ninit);
	if (r >= 0 && p->o->start)
		r = pm_pod_start(p->e, pod, p->err);
	for (size_t i = 0; i < ninit; i++)
		pm_container_free(inits[i]);
	free(inits);
	pm_strv_free(srcs);
	return r;
}

/* Remove the pods of the report (a failed play): nothing it made is left. */
static void undo(struct play *p)
{
	for (char **id = p->rep->pods; id && *id; id++) {
		_cleanup_pod_ struct pm_pod *pod = NULL;
		if (pm_pod_lookup(p->e->paths, *id, &pod, NULL) == 0)
			pm_pod_remove(p->e, pod, true, 0, NULL);
	}
	pm_engine_volumes_drop_unused(p->e, p->made_volumes);
}

static int configmap_files(const struct pm_kube_play_opts *o, struct objects *objs,
			   char ***warnings, pm_error **err)
{
	for (char **f = o->configmaps; f && *f; f++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int r = pm_read_file(*f, 64 << 20, &data, &len, err);
		if (r < 0)
			return r;
		struct pm_kube_object *v = NULL;
		size_t n = 0;
		r = read_yaml(data, len, &v, &n, warnings, err);
		for (size_t i = 0; r >= 0 && i < n; i++)
			if (v[i].kind != PM_KUBE_CONFIGMAP)
				r = pm_error_set(err, EINVAL,
						 "--configmap '%s': holds a %s, not only "
						 "ConfigMaps",
						 *f,
						 v[i].kind == PM_KUBE_SECRET ? "Secret" : "Pod");
		if (r < 0) {
			pm_kube_objects_free(v, n);
			pm_error_prefix(err, "--configmap '%s'", *f);
			return r;
		}
		objs->extra = pm_xrealloc(objs->extra, (objs->n_extra + n) * sizeof(*v));
		memcpy(objs->extra + objs->n_extra, v, n * sizeof(*v));
		objs->n_extra += n;
		free(v);
	}
	return 0;
}

/* A Secret the pods name that the file does not hold: a pm secret of that name whose value
 * is a Kubernetes Secret (as podman reads one), read into objs->extra. */
static int store_secret(const struct pm_engine *e, struct objects *objs, const char *name,
			pm_error **err)
{
	if (!name || find_kv(objs, PM_KUBE_SECRET, name))
		return 0;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (pm_secret_read_data(e->paths->root, name, &data, &len, NULL) < 0)
		return 0; /* not there either: the reader of the value says so */
	struct pm_kube_object *v = NULL;
	size_t n = 0;
	_cleanup_strv_ char **warnings = NULL;
	_cleanup_error_ pm_error *perr = NULL;
	if (read_yaml(data, len, &v, &n, &warnings, &perr) < 0 || n != 1 ||
	    v[0].kind != PM_KUBE_SECRET) {
		pm_kube_objects_free(v, n);
		return pm_error_set(err, EINVAL,
				    "secret \"%s\": its value is not one Kubernetes Secret", name);
	}
	free(v[0].kv.name);
	v[0].kv.name = pm_xstrdup(name);
	objs->extra = pm_xrealloc(objs->extra, (objs->n_extra + 1) * sizeof(*v));
	objs->extra[objs->n_extra++] = v[0];
	free(v);
	return 0;
}

static int store_secrets(const struct pm_engine *e, struct objects *objs, pm_error **err)
{
	int r = 0;
	for (size_t i = 0; r >= 0 && i < objs->n; i++) {
		const struct pm_kube_pod *kp = &objs->v[i].pod;
		for (size_t j = 0; r >= 0 && j < kp->n_containers + kp->n_init_containers; j++) {
			const struct pm_kube_container *c =
				j < kp->n_containers ? &kp->containers[j]
						     : &kp->init_containers[j - kp->n_containers];
			for (size_t k = 0; r >= 0 && k < c->n_env; k++)
				r = store_secret(e, objs, c->env[k].sec_name, err);
			for (size_t k = 0; r >= 0 && k < c->n_env_from; k++)
				r = store_secret(e, objs, c->env_from[k].sec_name, err);
		}
		for (size_t j = 0; r >= 0 && j < kp->n_volumes; j++)
			if (kp->volumes[j].type == PM_KUBE_VOL_SECRET)
				r = store_secret(e, objs, kp->volumes[j].source, err);
	}
	return r;
}

/* A PersistentVolumeClaim's volume: made with its labels and the options its annotations
 * give (as `volume create` would), or reused as it is when it exists (podman 5). A volume
 * made here goes again when the play fails (p->made_volumes). */
static int play_pvc(struct play *p, const struct pm_kube_pvc *v)
{
	_cleanup_strv_ char **options = NULL;
	_cleanup_free_ char *o = v->mount_options ? pm_xstrdup(v->mount_options) : NULL;
	const char *ids[] = {"uid", "gid"};
	const char *vals[] = {v->uid, v->gid};
	for (size_t i = 0; i < 2; i++) {
		if (!vals[i])
			continue;
		_cleanup_free_ char *kv = pm_xasprintf("%s=", ids[i]);
		bool given = false;
		_cleanup_strv_ char **parts = o ? pm_strv_split(o, ",") : NULL;
		for (char **q = parts; q && *q; q++)
			given |= !strncmp(*q, kv, strlen(kv));
		if (given)
			continue;
		char *n = pm_xasprintf("%s%s%s%s", o ? o : "", o ? "," : "", kv, vals[i]);
		free(o);
		o = n;
	}
	if (v->type)
		pm_strv_consume(&options, pm_xasprintf("type=%s", v->type));
	if (v->device)
		pm_strv_consume(&options, pm_xasprintf("device=%s", v->device));
	if (o)
		pm_strv_consume(&options, pm_xasprintf("o=%s", o));
	const struct pm_volume_create_opts vo = {
		.name = v->name,
		.driver = v->driver,
		.labels = v->labels,
		.options = options,
		.ignore_exists = true,
	};
	int r = pm_volume_check_opts(&vo, p->err);
	if (r < 0) {
		pm_error_prefix(p->err, "PersistentVolumeClaim \"%s\"", v->name);
		return r;
	}
	bool existed = pm_volume_exists(p->e->paths->root, v->name);
	r = pm_volume_create(p->e->paths->root, &vo, NULL, p->err);
	if (r < 0) {
		pm_error_prefix(p->err, "PersistentVolumeClaim \"%s\"", v->name);
		return r;
	}
	if (!existed)
		pm_strv_push(&p->made_volumes, v->name);
	pm_strv_push(&p->rep->volumes, v->name);
	return 0;
}

int pm_kube_play(const struct pm_engine *e, const char *data, size_t len,
		 const struct pm_kube_play_opts *opts, struct pm_kube_report *ret, pm_error **err)
{
	*ret = (struct pm_kube_report){0};
	struct objects objs = {0};
	int r = read_yaml(data, len, &objs.v, &objs.n, &ret->warnings, err);
	if (r >= 0)
		r = configmap_files(opts, &objs, &ret->warnings, err);
	if (r >= 0)
		r = store_secrets(e, &objs, err);
	if (r >= 0 && opts->strict && ret->warnings)
		r = pm_error_set(err, EINVAL, "%s (--strict)", ret->warnings[0]);
	for (char **s = opts->publish; r >= 0 && s && *s; s++) {
		struct pm_net_port *ports = NULL;
		size_t n = 0;
		r = pm_net_parse_publish(*s, &ports, &n, err);
		free(ports);
		if (r < 0)
			pm_error_prefix(err, "--publish '%s'", *s);
	}
	size_t nplayed = 0;
	for (size_t i = 0; r >= 0 && i < objs.n; i++)
		nplayed += pm_kube_is_pod(objs.v[i].kind) || objs.v[i].kind == PM_KUBE_PVC;
	if (r >= 0 && !nplayed)
		r = pm_error_set(err, EINVAL,
				 "the YAML holds no Pod, Deployment, DaemonSet, Job or "
				 "PersistentVolumeClaim to play");
	struct play p = {.e = e, .o = opts, .objs = &objs, .rep = ret, .err = err};
	/* the volumes first, as podman: the pods may claim them */
	for (size_t i = 0; r >= 0 && i < objs.n; i++)
		if (objs.v[i].kind == PM_KUBE_PVC)
			r = play_pvc(&p, &objs.v[i].pvc);
	for (size_t i = 0, k = 0; r >= 0 && i < objs.n; i++) {
		if (!pm_kube_is_pod(objs.v[i].kind))
			continue;
		r = play_pod(&p, &objs.v[i].pod, k++);
	}
	pm_kube_one_line(r < 0 ? err : NULL, ret->warnings);
	if (r < 0) {
		undo(&p);
		pm_strv_free(p.made_volumes);
		objects_clear(&objs);
		_cleanup_strv_ char **warnings = TAKE_PTR(ret->warnings);
		pm_kube_report_clear(ret);
		ret->warnings = TAKE_PTR(warnings);
		return r;
	}
	pm_strv_free(p.made_volumes);
	objects_clear(&objs);
	return 0;
}

/* down --force: a volume named by a PersistentVolumeClaim or a pod's claim, once. */
static void push_volume(char ***names, const char *name)
{
	for (char **n = *names; n && *n; n++)
		if (!strcmp(*n, name))
			return;
	pm_strv_push(names, name);
}

int pm_kube_down(const struct pm_engine *e, const char *data, size_t len, bool force,
		 struct pm_kube_report *ret, pm_error **err)
{
	*ret = (struct pm_kube_report){0};
	struct pm_kube_object *v = NULL;
	size_t n = 0;
	_cleanup_strv_ char **warnings = NULL;
	_cleanup_strv_ char **volumes = NULL;
	int r = read_yaml(data, len, &v, &n, &warnings, err);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		if (v[i].kind == PM_KUBE_PVC)
			push_volume(&volumes, v[i].pvc.name);
		if (!pm_kube_is_pod(v[i].kind))
			continue;
		for (size_t j = 0; j < v[i].pod.n_volumes; j++)
			if (v[i].pod.volumes[j].type == PM_KUBE_VOL_PVC)
				push_volume(&volumes, v[i].pod.volumes[j].source);
		_cleanup_pod_ struct pm_pod *pod = NULL;
		r = pm_pod_lookup(e->paths, v[i].pod.name, &pod, err);
		if (r >= 0)
			r = pm_pod_remove(e, pod, true, -1, err);
		if (r >= 0)
			pm_strv_push(&ret->stopped, pod->id);
	}
	/* podman ignores a volume that is not there; one still in use is refused */
	for (char **name = volumes; r >= 0 && force && name && *name; name++) {
		if (!pm_volume_exists(e->paths->root, *name))
			continue;
		r = pm_volume_remove(e->paths->root, *name, false, err);
		if (r >= 0)
			pm_strv_push(&ret->volumes, *name);
	}
	pm_kube_objects_free(v, n);
	pm_kube_one_line(r < 0 ? err : NULL, NULL);
	return r;
}
