/* spec.c: the YAML tree into the typed objects of spec.h. Each reader takes the keys it
 * knows from a mapping (marking them used), checks their types as Kubernetes' JSON decoding
 * would (a quoted number is not an integer, a plain number is not a string), and names every
 * key left unused as a warning with its path. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kube/spec.h"
#include "lib/cleanup.h"
#include "lib/strutil.h"

struct rd {
	char ***warn;
	pm_error **err;
};

static char *at(const char *path, const char *key)
{
	return *path ? pm_xasprintf("%s.%s", path, key) : pm_xstrdup(key);
}

static char *idx(const char *path, size_t i)
{
	return pm_xasprintf("%s[%zu]", path, i);
}

static int type_error(struct rd *r, const char *path, const struct pm_ynode *n, const char *want)
{
	/* a long value is cut: the line and column say where it is */
	if (n->kind == PM_Y_SCALAR && strlen(n->value) > 64)
		return pm_error_set(r->err, EINVAL,
				    "%s: expected %s, got \"%.64s...\" (line %u, column %u)", path,
				    want, n->value, n->line, n->col);
	const char *got = n->kind == PM_Y_MAP ? "a mapping" : n->kind == PM_Y_SEQ ? "a list" : NULL;
	if (got)
		return pm_error_set(r->err, EINVAL, "%s: expected %s, got %s (line %u, column %u)",
				    path, want, got, n->line, n->col);
	return pm_error_set(r->err, EINVAL, "%s: expected %s, got \"%s\" (line %u, column %u)",
			    path, want, n->value, n->line, n->col);
}

/* The value of key in map (marked used), or NULL. */
static struct pm_ynode *get(struct pm_ynode *map, const char *key)
{
	if (!map || map->kind != PM_Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key)) {
			map->used[i] = true;
			return pm_ynode_is_null(map->items[i]) ? NULL : map->items[i];
		}
	return NULL;
}

/* Every key of map no reader took: "PATH.KEY: not supported, ignored". */
static void unused(struct rd *r, const struct pm_ynode *map, const char *path)
{
	if (!map || map->kind != PM_Y_MAP)
		return;
	for (size_t i = 0; i < map->n; i++)
		if (!map->used[i]) {
			_cleanup_free_ char *p = at(path, map->keys[i]);
			pm_strv_consume(r->warn, pm_xasprintf("%s: not supported, ignored", p));
		}
}

static bool plain_bool(const char *v, bool *ret)
{
	static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes",
					"YES",	"on",	"On",	"ON"};
	static const char *const f[] = {"false", "False", "FALSE", "no", "No",
					"NO",	 "off",	  "Off",   "OFF"};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(v, t[i])) {
			*ret = true;
			return true;
		}
		if (!strcmp(v, f[i])) {
			*ret = false;
			return true;
		}
	}
	return false;
}

static bool plain_int(const char *v, int64_t *ret)
{
	if (!*v)
		return false;
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 0);
	if (errno || *end)
		return false;
	*ret = x;
	return true;
}

static bool plain_number(const char *v)
{
	int64_t i;
	if (plain_int(v, &i))
		return true;
	char *end;
	strtod(v, &end);
	return *v && !*end && strspn(v, "0123456789+-.eE") == strlen(v);
}

static int want_map(struct rd *r, const struct pm_ynode *n, const char *path)
{
	return n->kind == PM_Y_MAP ? 0 : type_error(r, path, n, "a mapping");
}

/* A string: any scalar but a plain number or boolean (Kubernetes would refuse those). */
static int as_str(struct rd *r, const struct pm_ynode *n, const char *path, char **out)
{
	bool b;
	if (n->kind != PM_Y_SCALAR ||
	    (n->plain && (plain_number(n->value) || plain_bool(n->value, &b))))
		return type_error(r, path, n, "a string");
	free(*out);
	*out = pm_xstrdup(n->value);
	return 0;
}

static int rd_str(struct rd *r, struct pm_ynode *map, const char *key, const char *path, char **out)
{
	struct pm_ynode *n = get(map, key);
	if (!n)
		return 0;
	_cleanup_free_ char *p = at(path, key);
	return as_str(r, n, p, out);
}

static int rd_int(struct rd *r, struct pm_ynode *map, const char *key, const char *path,
		  int64_t *out)
{
	struct pm_ynode *n = get(map, key);
	if (!n)
		return 0;
	_cleanup_free_ char *p = at(path, key);
	if (n->kind != PM_Y_SCALAR || !n->plain || !plain_int(n->value, out))
		return type_error(r, p, n, "an integer");
	return 0;
}

static int rd_bool(struct rd *r, struct pm_ynode *map, const char *key, const char *path, bool *out)
{
	struct pm_ynode *n = get(map, key);
	if (!n)
		return 0;
	_cleanup_free_ char *p = at(path, key);
	if (n->kind != PM_Y_SCALAR || !n->plain || !plain_bool(n->value, out))
		return type_error(r, p, n, "true or false");
	return 0;
}

/* A list of strings; *set tells whether the key was there (an empty list counts). */
static int rd_strv(struct rd *r, struct pm_ynode *map, const char *key, const char *path,
		   char ***out, bool *set)
{
	struct pm_ynode *n = get(map, key);
	if (!n)
		return 0;
	_cleanup_free_ char *p = at(path, key);
	if (n->kind != PM_Y_SEQ)
		return type_error(r, p, n, "a list of strings");
	if (set)
		*set = true;
	for (size_t i = 0; i < n->n; i++) {
		_cleanup_free_ char *pi = idx(p, i);
		_cleanup_free_ char *s = NULL;
		int k = as_str(r, n->items[i], pi, &s);
		if (k < 0)
			return k;
		pm_strv_consume(out, TAKE_PTR(s));
	}
	if (!*out)
		*out = pm_xcalloc(1, sizeof(char *));
	return 0;
}

/* A mapping of strings into KEY=VAL (labels). */
static int rd_kv_strv(struct rd *r, struct pm_ynode *map, const char *key, const char *path,
		      char ***out)
{
	struct pm_ynode *n = get(map, key);
	if (!n)
		return 0;
	_cleanup_free_ char *p = at(path, key);
	int k = want_map(r, n, p);
	for (size_t i = 0; k >= 0 && i < n->n; i++) {
		n->used[i] = true;
		_cleanup_free_ char *pi = at(p, n->keys[i]);
		_cleanup_free_ char *v = NULL;
		if (!pm_ynode_is_null(n->items[i]) && (k = as_str(r, n->items[i], pi, &v)) < 0)
			break;
		pm_strv_consume(out, pm_xasprintf("%s=%s", n->keys[i], v ? v : ""));
	}
	return k;
}

/* For each item of the list at key: fn(r, item, path "key[i]", i). */
typedef int (*item_fn)(struct rd *r, struct pm_ynode *item, const char *path, void *data, size_t i);
static int each(struct rd *r, struct pm_ynode *map, const char *key, const char *path,
		size_t *count, item_fn fn, void *data)
{
	struct pm_ynode *n = get(map, key);
	if (!n)
		return 0;
	_cleanup_free_ char *p = at(path, key);
	if (n->kind != PM_Y_SEQ)
		return type_error(r, p, n, "a list");
	*count = n->n;
	for (size_t i = 0; i < n->n; i++) {
		_cleanup_free_ char *pi = idx(p, i);
		int k = want_map(r, n->items[i], pi);
		if (k >= 0)
			k = fn(r, n->items[i], pi, data, i);
		if (k < 0)
			return k;
		unused(r, n->items[i], pi);
	}
	return 0;
}

/* The mapping at key (NULL when absent): checked to be one, its path in *ret_path. */
static int sub(struct rd *r, struct pm_ynode *map, const char *key, const char *path,
	       struct pm_ynode **ret, char **ret_path)
{
	*ret = get(map, key);
	*ret_path = at(path, key);
	return *ret ? want_map(r, *ret, *ret_path) : 0;
}

static int required(struct rd *r, const char *v, const char *path, const char *key)
{
	if (v && *v)
		return 0;
	_cleanup_free_ char *p = at(path, key);
	return pm_error_set(r->err, EINVAL, "%s: required", p);
}

/* A list key of it read by each() into a calloc'd array of its length. */
#define READ_LIST(r, it, key, path, arr, count, fn)                                                \
	({                                                                                         \
		struct pm_ynode *l_ = get(it, key);                                                \
		if (l_ && l_->kind == PM_Y_SEQ)                                                    \
			arr = pm_xcalloc(l_->n + 1, sizeof(*(arr)));                               \
		for (size_t j_ = 0; j_ < (it)->n; j_++)                                            \
			if (!strcmp((it)->keys[j_], key))                                          \
				(it)->used[j_] = false;                                            \
		each(r, it, key, path, &(count), fn, arr);                                         \
	})

/* ---- containers ----------------------------------------------------------------------- */

static int env_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_env *e = &((struct pm_kube_env *)data)[i];
	int k;
	if ((k = rd_str(r, it, "name", path, &e->name)) < 0 ||
	    (k = required(r, e->name, path, "name")) < 0)
		return k;
	struct pm_ynode *vn = get(it, "value");
	if (vn) {
		_cleanup_free_ char *p = at(path, "value");
		if ((k = as_str(r, vn, p, &e->value)) < 0)
			return k;
	}
	struct pm_ynode *from;
	_cleanup_free_ char *fp = NULL;
	if ((k = sub(r, it, "valueFrom", path, &from, &fp)) < 0 || !from)
		return k;
	struct pm_ynode *ref;
	_cleanup_free_ char *rp = NULL;
	if ((k = sub(r, from, "configMapKeyRef", fp, &ref, &rp)) < 0)
		return k;
	if (ref) {
		if ((k = rd_str(r, ref, "name", rp, &e->cm_name)) < 0 ||
		    (k = rd_str(r, ref, "key", rp, &e->cm_key)) < 0 ||
		    (k = rd_bool(r, ref, "optional", rp, &e->optional)) < 0 ||
		    (k = required(r, e->cm_key, rp, "key")) < 0)
			return k;
		unused(r, ref, rp);
	}
	free(rp);
	rp = NULL;
	if ((k = sub(r, from, "secretKeyRef", fp, &ref, &rp)) < 0)
		return k;
	if (ref) {
		if ((k = rd_str(r, ref, "name", rp, &e->sec_name)) < 0 ||
		    (k = rd_str(r, ref, "key", rp, &e->sec_key)) < 0 ||
		    (k = rd_bool(r, ref, "optional", rp, &e->optional)) < 0 ||
		    (k = required(r, e->sec_key, rp, "key")) < 0)
			return k;
		unused(r, ref, rp);
	}
	free(rp);
	rp = NULL;
	if ((k = sub(r, from, "fieldRef", fp, &ref, &rp)) < 0)
		return k;
	if (ref) {
		if ((k = rd_str(r, ref, "fieldPath", rp, &e->field_path)) < 0 ||
		    (k = required(r, e->field_path, rp, "fieldPath")) < 0)
			return k;
		get(ref, "apiVersion");
		unused(r, ref, rp);
	}
	unused(r, from, fp);
	return 0;
}

static int env_from_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_env_from *e = &((struct pm_kube_env_from *)data)[i];
	int k = rd_str(r, it, "prefix", path, &e->prefix);
	const char *refs[] = {"configMapRef", "secretRef"};
	char **names[] = {&e->cm_name, &e->sec_name};
	for (size_t j = 0; k >= 0 && j < 2; j++) {
		struct pm_ynode *ref;
		_cleanup_free_ char *rp = NULL;
		if ((k = sub(r, it, refs[j], path, &ref, &rp)) < 0 || !ref)
			continue;
		if ((k = rd_str(r, ref, "name", rp, names[j])) < 0 ||
		    (k = rd_bool(r, ref, "optional", rp, &e->optional)) < 0 ||
		    (k = required(r, *names[j], rp, "name")) < 0)
			break;
		unused(r, ref, rp);
	}
	return k;
}

static int port_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_port *p = &((struct pm_kube_port *)data)[i];
	int k;
	if ((k = rd_int(r, it, "containerPort", path, &p->container_port)) < 0 ||
	    (k = rd_int(r, it, "hostPort", path, &p->host_port)) < 0 ||
	    (k = rd_str(r, it, "hostIP", path, &p->host_ip)) < 0 ||
	    (k = rd_str(r, it, "protocol", path, &p->protocol)) < 0)
		return k;
	if ((k = rd_str(r, it, "name", path, &p->name)) < 0)
		return k;
	_cleanup_free_ char *cp = at(path, "containerPort");
	if (p->container_port < 1 || p->container_port > 65535)
		return pm_error_set(r->err, EINVAL, "%s: %lld is not a port (1-65535)", cp,
				    (long long)p->container_port);
	if (p->host_port < 0 || p->host_port > 65535) {
		_cleanup_free_ char *hp = at(path, "hostPort");
		return pm_error_set(r->err, EINVAL, "%s: %lld is not a port (1-65535)", hp,
				    (long long)p->host_port);
	}
	if (p->protocol && strcmp(p->protocol, "TCP") && strcmp(p->protocol, "UDP") &&
	    strcmp(p->protocol, "SCTP")) {
		_cleanup_free_ char *pp = at(path, "protocol");
		return pm_error_set(r->err, EINVAL, "%s: \"%s\" is not TCP, UDP or SCTP", pp,
				    p->protocol);
	}
	return 0;
}

static int mount_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_mount *m = &((struct pm_kube_mount *)data)[i];
	int k;
	if ((k = rd_str(r, it, "name", path, &m->name)) < 0 ||
	    (k = rd_str(r, it, "mountPath", path, &m->mount_path)) < 0 ||
	    (k = rd_str(r, it, "subPath", path, &m->sub_path)) < 0 ||
	    (k = rd_bool(r, it, "readOnly", path, &m->read_only)) < 0 ||
	    (k = required(r, m->name, path, "name")) < 0 ||
	    (k = required(r, m->mount_path, path, "mountPath")) < 0)
		return k;
	return 0;
}

static int security(struct rd *r, struct pm_ynode *it, const char *path,
		    struct pm_kube_container *c)
{
	struct pm_ynode *sc;
	_cleanup_free_ char *sp = NULL;
	int k = sub(r, it, "securityContext", path, &sc, &sp);
	if (k < 0 || !sc)
		return k;
	bool ape = false;
	struct pm_ynode *apen = NULL;
	if ((k = rd_int(r, sc, "runAsUser", sp, &c->run_as_user)) < 0 ||
	    (k = rd_int(r, sc, "runAsGroup", sp, &c->run_as_group)) < 0 ||
	    (k = rd_bool(r, sc, "runAsNonRoot", sp, &c->run_as_non_root)) < 0 ||
	    (k = rd_bool(r, sc, "readOnlyRootFilesystem", sp, &c->read_only_root)) < 0 ||
	    (k = rd_bool(r, sc, "privileged", sp, &c->privileged)) < 0)
		return k;
	for (size_t i = 0; i < sc->n; i++)
		if (!strcmp(sc->keys[i], "allowPrivilegeEscalation"))
			apen = sc->items[i];
	if (apen) {
		if ((k = rd_bool(r, sc, "allowPrivilegeEscalation", sp, &ape)) < 0)
			return k;
		c->allow_privilege_escalation = ape;
	}
	struct pm_ynode *caps;
	_cleanup_free_ char *cp = NULL;
	if ((k = sub(r, sc, "capabilities", sp, &caps, &cp)) < 0)
		return k;
	if (caps) {
		if ((k = rd_strv(r, caps, "add", cp, &c->cap_add, NULL)) < 0 ||
		    (k = rd_strv(r, caps, "drop", cp, &c->cap_drop, NULL)) < 0)
			return k;
		unused(r, caps, cp);
	}
	unused(r, sc, sp);
	return 0;
}

static int resources(struct rd *r, struct pm_ynode *it, const char *path,
		     struct pm_kube_container *c)
{
	struct pm_ynode *res, *lim;
	_cleanup_free_ char *rp = NULL, *lp = NULL;
	int k = sub(r, it, "resources", path, &res, &rp);
	if (k < 0 || !res)
		return k;
	if ((k = sub(r, res, "limits", rp, &lim, &lp)) < 0)
		return k;
	if (lim) {
		/* quantities: "64Mi", "0.5", or a plain number */
		const char *keys[] = {"memory", "cpu"};
		char **outs[] = {&c->limit_memory, &c->limit_cpu};
		for (size_t i = 0; i < 2; i++) {
			struct pm_ynode *q = get(lim, keys[i]);
			if (!q)
				continue;
			_cleanup_free_ char *qp = at(lp, keys[i]);
			if (q->kind != PM_Y_SCALAR)
				return type_error(r, qp, q, "a quantity");
			*outs[i] = pm_xstrdup(q->value);
		}
		unused(r, lim, lp);
	}
	unused(r, res, rp);
	return 0;
}

/* A probe's port: a number, or the name of one of the container's ports. */
static int probe_port(struct rd *r, struct pm_ynode *h, const char *hp,
		      const struct pm_kube_container *c, struct pm_kube_probe *pr)
{
	struct pm_ynode *n = get(h, "port");
	_cleanup_free_ char *pp = at(hp, "port");
	if (!n)
		return pm_error_set(r->err, EINVAL, "%s: required", pp);
	if (n->kind != PM_Y_SCALAR)
		return type_error(r, pp, n, "a port number or name");
	if (n->plain && plain_int(n->value, &pr->port)) {
		if (pr->port < 1 || pr->port > 65535)
			return pm_error_set(r->err, EINVAL, "%s: %lld is not a port (1-65535)", pp,
					    (long long)pr->port);
		return 0;
	}
	for (size_t i = 0; i < c->n_ports; i++)
		if (c->ports[i].name && !strcmp(c->ports[i].name, n->value)) {
			pr->port = c->ports[i].container_port;
			return 0;
		}
	return pm_error_set(r->err, EINVAL, "%s: the container has no port named \"%s\"", pp,
			    n->value);
}

static int http_get(struct rd *r, struct pm_ynode *h, const char *hp,
		    const struct pm_kube_container *c, struct pm_kube_probe *pr)
{
	int k;
	if ((k = probe_port(r, h, hp, c, pr)) < 0 ||
	    (k = rd_str(r, h, "path", hp, &pr->path)) < 0 ||
	    (k = rd_str(r, h, "host", hp, &pr->host)) < 0 ||
	    (k = rd_str(r, h, "scheme", hp, &pr->scheme)) < 0)
		return k;
	if (pr->path && pr->path[0] != '/') {
		/* Kubernetes' prober puts the slash in front */
		char *p = pm_xasprintf("/%s", pr->path);
		free(pr->path);
		pr->path = p;
	}
	if (pr->path && strpbrk(pr->path, " \r\n")) {
		_cleanup_free_ char *pp = at(hp, "path");
		return pm_error_set(r->err, EINVAL, "%s: \"%s\" is not a URL path", pp, pr->path);
	}
	if (pr->scheme && strcmp(pr->scheme, "HTTP") && strcmp(pr->scheme, "HTTPS")) {
		_cleanup_free_ char *sp = at(hp, "scheme");
		return pm_error_set(r->err, EINVAL, "%s: \"%s\" is not HTTP or HTTPS", sp,
				    pr->scheme);
	}
	struct pm_ynode *hs = get(h, "httpHeaders");
	_cleanup_free_ char *hsp = at(hp, "httpHeaders");
	if (hs && hs->kind != PM_Y_SEQ)
		return type_error(r, hsp, hs, "a list of name and value");
	for (size_t i = 0; hs && i < hs->n; i++) {
		_cleanup_free_ char *ip = idx(hsp, i);
		_cleanup_free_ char *name = NULL, *value = NULL;
		if ((k = want_map(r, hs->items[i], ip)) < 0 ||
		    (k = rd_str(r, hs->items[i], "name", ip, &name)) < 0 ||
		    (k = required(r, name, ip, "name")) < 0 ||
		    (k = rd_str(r, hs->items[i], "value", ip, &value)) < 0)
			return k;
		if (!*name || strpbrk(name, ": \t\r\n") || (value && strpbrk(value, "\r\n")))
			return pm_error_set(r->err, EINVAL, "%s: \"%s\" is not an HTTP header", ip,
					    name);
		pm_strv_consume(&pr->headers, pm_xasprintf("%s: %s", name, value ? value : ""));
		unused(r, hs->items[i], ip);
	}
	unused(r, h, hp);
	return 0;
}

static int probe(struct rd *r, struct pm_ynode *it, const char *key, const char *path,
		 const struct pm_kube_container *c, struct pm_kube_probe *pr)
{
	struct pm_ynode *n;
	_cleanup_free_ char *pp = NULL;
	int k = sub(r, it, key, path, &n, &pp);
	if (k < 0 || !n)
		return k;
	*pr = (struct pm_kube_probe){.set = true,
				     .period = 10,
				     .timeout = 1,
				     .failure_threshold = 3,
				     .success_threshold = 1};
	if ((k = rd_int(r, n, "initialDelaySeconds", pp, &pr->initial_delay)) < 0 ||
	    (k = rd_int(r, n, "periodSeconds", pp, &pr->period)) < 0 ||
	    (k = rd_int(r, n, "timeoutSeconds", pp, &pr->timeout)) < 0 ||
	    (k = rd_int(r, n, "failureThreshold", pp, &pr->failure_threshold)) < 0 ||
	    (k = rd_int(r, n, "successThreshold", pp, &pr->success_threshold)) < 0)
		return k;
	if (pr->period < 1 || pr->timeout < 1 || pr->failure_threshold < 1 ||
	    pr->initial_delay < 0 || pr->success_threshold < 1)
		return pm_error_set(
			r->err, EINVAL,
			"%s: periodSeconds, timeoutSeconds, successThreshold and failureThreshold "
			"must be at least 1, initialDelaySeconds at least 0",
			pp);
	static const char *const kinds[] = {"exec", "httpGet", "tcpSocket", "grpc"};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct pm_ynode *h;
		_cleanup_free_ char *hp = NULL;
		if ((k = sub(r, n, kinds[i], pp, &h, &hp)) < 0)
			return k;
		if (!h)
			continue;
		if (pr->kind)
			return pm_error_set(r->err, EINVAL, "%s: one handler per probe (%s or %s)",
					    pp, pr->kind, kinds[i]);
		pr->kind = kinds[i];
		if (i == 0) {
			if ((k = rd_strv(r, h, "command", hp, &pr->exec, NULL)) < 0)
				return k;
			if (!pr->exec || !pr->exec[0])
				return pm_error_set(r->err, EINVAL, "%s.command: required", hp);
			unused(r, h, hp);
		} else if (i == 1) {
			if ((k = http_get(r, h, hp, c, pr)) < 0)
				return k;
		} else if (i == 2) {
			if ((k = probe_port(r, h, hp, c, pr)) < 0 ||
			    (k = rd_str(r, h, "host", hp, &pr->host)) < 0)
				return k;
			unused(r, h, hp);
		}
		/* grpc: kube/play.c names it as not run */
	}
	if (!pr->kind)
		return pm_error_set(r->err, EINVAL,
				    "%s: a probe needs a handler (exec, httpGet or tcpSocket)", pp);
	unused(r, n, pp);
	return 0;
}

static int container_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_container *c = &((struct pm_kube_container *)data)[i];
	c->run_as_user = c->run_as_group = -1;
	c->allow_privilege_escalation = -1;
	int k;
	if ((k = rd_str(r, it, "name", path, &c->name)) < 0 ||
	    (k = required(r, c->name, path, "name")) < 0 ||
	    (k = rd_str(r, it, "image", path, &c->image)) < 0 ||
	    (k = required(r, c->image, path, "image")) < 0 ||
	    (k = rd_strv(r, it, "command", path, &c->command, &c->command_set)) < 0 ||
	    (k = rd_strv(r, it, "args", path, &c->args, &c->args_set)) < 0 ||
	    (k = rd_str(r, it, "workingDir", path, &c->working_dir)) < 0 ||
	    (k = rd_bool(r, it, "stdin", path, &c->stdin_open)) < 0 ||
	    (k = rd_bool(r, it, "tty", path, &c->tty)) < 0 ||
	    (k = rd_str(r, it, "imagePullPolicy", path, &c->pull_policy)) < 0)
		return k;
	if ((k = READ_LIST(r, it, "env", path, c->env, c->n_env, env_item)) < 0 ||
	    (k = READ_LIST(r, it, "envFrom", path, c->env_from, c->n_env_from, env_from_item)) <
		    0 ||
	    (k = READ_LIST(r, it, "ports", path, c->ports, c->n_ports, port_item)) < 0 ||
	    (k = READ_LIST(r, it, "volumeMounts", path, c->mounts, c->n_mounts, mount_item)) < 0)
		return k;
	if ((k = security(r, it, path, c)) < 0 || (k = resources(r, it, path, c)) < 0 ||
	    (k = probe(r, it, "livenessProbe", path, c, &c->liveness)) < 0 ||
	    (k = probe(r, it, "readinessProbe", path, c, &c->readiness)) < 0 ||
	    (k = probe(r, it, "startupProbe", path, c, &c->startup)) < 0)
		return k;
	if (c->pull_policy && strcmp(c->pull_policy, "Always") &&
	    strcmp(c->pull_policy, "IfNotPresent") && strcmp(c->pull_policy, "Never")) {
		_cleanup_free_ char *pp = at(path, "imagePullPolicy");
		return pm_error_set(r->err, EINVAL,
				    "%s: \"%s\" is not Always, IfNotPresent or Never", pp,
				    c->pull_policy);
	}
	return 0;
}

/* ---- volumes -------------------------------------------------------------------------- */

static int key_path_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_key_path *kp = &((struct pm_kube_key_path *)data)[i];
	kp->mode = -1;
	int k;
	if ((k = rd_str(r, it, "key", path, &kp->key)) < 0 ||
	    (k = rd_str(r, it, "path", path, &kp->path)) < 0 ||
	    (k = rd_int(r, it, "mode", path, &kp->mode)) < 0 ||
	    (k = required(r, kp->key, path, "key")) < 0 ||
	    (k = required(r, kp->path, path, "path")) < 0)
		return k;
	return 0;
}

static int volume_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_volume *v = &((struct pm_kube_volume *)data)[i];
	v->default_mode = -1;
	int k;
	if ((k = rd_str(r, it, "name", path, &v->name)) < 0 ||
	    (k = required(r, v->name, path, "name")) < 0)
		return k;
	static const struct {
		const char *key;
		enum pm_kube_volume_type type;
	} types[] = {
		{"hostPath", PM_KUBE_VOL_HOSTPATH},	    {"emptyDir", PM_KUBE_VOL_EMPTYDIR},
		{"configMap", PM_KUBE_VOL_CONFIGMAP},	    {"secret", PM_KUBE_VOL_SECRET},
		{"persistentVolumeClaim", PM_KUBE_VOL_PVC},
	};
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		bool present = false;
		for (size_t j = 0; j < it->n; j++)
			present |= !strcmp(it->keys[j], types[t].key);
		if (!present)
			continue;
		struct pm_ynode *s = get(it, types[t].key);
		_cleanup_free_ char *sp = at(path, types[t].key);
		if (v->type)
			return pm_error_set(r->err, EINVAL, "%s: a volume has one type", sp);
		v->type = types[t].type;
		if (s && (k = want_map(r, s, sp)) < 0)
			return k;
		switch (v->type) {
		case PM_KUBE_VOL_HOSTPATH:
			if ((k = rd_str(r, s, "path", sp, &v->path)) < 0 ||
			    (k = rd_str(r, s, "type", sp, &v->path_type)) < 0 ||
			    (k = required(r, v->path, sp, "path")) < 0)
				return k;
			break;
		case PM_KUBE_VOL_EMPTYDIR:
			if ((k = rd_str(r, s, "medium", sp, &v->medium)) < 0)
				return k;
			struct pm_ynode *q = s ? get(s, "sizeLimit") : NULL;
			if (q) {
				_cleanup_free_ char *qp = at(sp, "sizeLimit");
				if (q->kind != PM_Y_SCALAR)
					return type_error(r, qp, q, "a quantity");
				v->size_limit = pm_xstrdup(q->value);
			}
			break;
		case PM_KUBE_VOL_CONFIGMAP:
		case PM_KUBE_VOL_SECRET: {
			const char *nk = v->type == PM_KUBE_VOL_SECRET ? "secretName" : "name";
			struct pm_ynode *items = s ? get(s, "items") : NULL;
			if (items && items->kind == PM_Y_SEQ)
				v->items = pm_xcalloc(items->n + 1, sizeof(*v->items));
			for (size_t j = 0; s && j < s->n; j++)
				if (!strcmp(s->keys[j], "items"))
					s->used[j] = false;
			if ((k = rd_str(r, s, nk, sp, &v->source)) < 0 ||
			    (k = required(r, v->source, sp, nk)) < 0 ||
			    (k = rd_int(r, s, "defaultMode", sp, &v->default_mode)) < 0 ||
			    (k = rd_bool(r, s, "optional", sp, &v->optional)) < 0 ||
			    (k = each(r, s, "items", sp, &v->n_items, key_path_item, v->items)) < 0)
				return k;
			break;
		}
		case PM_KUBE_VOL_PVC:
			if ((k = rd_str(r, s, "claimName", sp, &v->source)) < 0 ||
			    (k = required(r, v->source, sp, "claimName")) < 0 ||
			    (k = rd_bool(r, s, "readOnly", sp, &v->read_only)) < 0)
				return k;
			break;
		}
		unused(r, s, sp);
	}
	if (!v->type) {
		/* the other types are named by unused() */
		bool other = false;
		for (size_t j = 0; j < it->n; j++)
			other |= !it->used[j];
		if (!other)
			return pm_error_set(r->err, EINVAL, "%s: a volume needs a type", path);
	}
	return 0;
}

static int alias_item(struct rd *r, struct pm_ynode *it, const char *path, void *data, size_t i)
{
	struct pm_kube_host_alias *a = &((struct pm_kube_host_alias *)data)[i];
	int k;
	if ((k = rd_str(r, it, "ip", path, &a->ip)) < 0 ||
	    (k = required(r, a->ip, path, "ip")) < 0 ||
	    (k = rd_strv(r, it, "hostnames", path, &a->hostnames, NULL)) < 0)
		return k;
	return 0;
}

static int pod_spec(struct rd *r, struct pm_ynode *spec, const char *path, struct pm_kube_pod *p)
{
	p->grace_period = -1;
	int k;
	if ((k = READ_LIST(r, spec, "containers", path, p->containers, p->n_containers,
			   container_item)) < 0 ||
	    (k = READ_LIST(r, spec, "initContainers", path, p->init_containers,
			   p->n_init_containers, container_item)) < 0 ||
	    (k = READ_LIST(r, spec, "volumes", path, p->volumes, p->n_volumes, volume_item)) < 0 ||
	    (k = READ_LIST(r, spec, "hostAliases", path, p->host_aliases, p->n_host_aliases,
			   alias_item)) < 0 ||
	    (k = rd_str(r, spec, "restartPolicy", path, &p->restart_policy)) < 0 ||
	    (k = rd_bool(r, spec, "hostNetwork", path, &p->host_network)) < 0 ||
	    (k = rd_str(r, spec, "hostname", path, &p->hostname)) < 0 ||
	    (k = rd_bool(r, spec, "shareProcessNamespace", path, &p->share_pid)) < 0 ||
	    (k = rd_int(r, spec, "terminationGracePeriodSeconds", path, &p->grace_period)) < 0)
		return k;
	if (!p->n_containers) {
		_cleanup_free_ char *cp = at(path, "containers");
		return pm_error_set(r->err, EINVAL, "%s: a pod needs at least one container", cp);
	}
	if (p->restart_policy && strcmp(p->restart_policy, "Always") &&
	    strcmp(p->restart_policy, "OnFailure") && strcmp(p->restart_policy, "Never")) {
		_cleanup_free_ char *rp = at(path, "restartPolicy");
		return pm_error_set(r->err, EINVAL, "%s: \"%s\" is not Always, OnFailure or Never",
				    rp, p->restart_policy);
	}
	/* names: unique in the pod, and every volumeMount names a volume */
	for (size_t i = 0; i < p->n_containers + p->n_init_containers; i++) {
		const struct pm_kube_container *c =
			i < p->n_containers ? &p->containers[i]
					    : &p->init_containers[i - p->n_containers];
		for (size_t j = 0; j < i; j++) {
			const struct pm_kube_container *o =
				j < p->n_containers ? &p->containers[j]
						    : &p->init_containers[j - p->n_containers];
			if (!strcmp(o->name, c->name))
				return pm_error_set(r->err, EINVAL,
						    "%s: two containers are named \"%s\"", path,
						    c->name);
		}
		for (size_t m = 0; m < c->n_mounts; m++) {
			bool found = false;
			for (size_t v = 0; v < p->n_volumes; v++)
				found |= !strcmp(p->volumes[v].name, c->mounts[m].name);
			if (!found)
				return pm_error_set(r->err, EINVAL,
						    "%s: container \"%s\" mounts volume \"%s\", "
						    "which the pod does not define",
						    path, c->name, c->mounts[m].name);
		}
	}
	unused(r, spec, path);
	return 0;
}

/* ---- objects -------------------------------------------------------------------------- */

static int metadata(struct rd *r, struct pm_ynode *obj, const char *path, char **name,
		    char ***labels, char ***annotations)
{
	struct pm_ynode *md;
	_cleanup_free_ char *mp = NULL;
	int k = sub(r, obj, "metadata", path, &md, &mp);
	if (k < 0)
		return k;
	if (!md || (k = rd_str(r, md, "name", mp, name)) < 0 ||
	    (k = required(r, *name, mp, "name")) < 0)
		return k < 0 ? k : pm_error_set(r->err, EINVAL, "%s.name: required", mp);
	if (labels && (k = rd_kv_strv(r, md, "labels", mp, labels)) < 0)
		return k;
	if (annotations && (k = rd_kv_strv(r, md, "annotations", mp, annotations)) < 0)
		return k;
	get(md, "creationTimestamp"); /* set by the server (or generate kube): nothing to apply */
	unused(r, md, mp);
	return 0;
}

static int read_pod(struct rd *r, struct pm_ynode *obj, const char *path, struct pm_kube_object *o)
{
	o->kind = PM_KUBE_POD;
	int k = metadata(r, obj, path, &o->pod.name, &o->pod.labels, &o->pod.annotations);
	struct pm_ynode *spec;
	_cleanup_free_ char *sp = NULL;
	if (k < 0 || (k = sub(r, obj, "spec", path, &spec, &sp)) < 0)
		return k;
	if (!spec)
		return pm_error_set(r->err, EINVAL, "%s: required", sp);
	return pod_spec(r, spec, sp, &o->pod);
}

/* A Deployment, DaemonSet or Job is played as one pod of its template, named as podman names
 * it: NAME-pod-0 for a Deployment (podman 4), NAME-pod for a DaemonSet and a Job (podman 5,
 * the first to play them). A Job's pod runs to completion: Kubernetes requires its
 * restartPolicy to be OnFailure or Never. */
static int read_workload(struct rd *r, struct pm_ynode *obj, const char *path,
			 struct pm_kube_object *o, enum pm_kube_kind kind)
{
	o->kind = kind;
	_cleanup_free_ char *name = NULL;
	int k = metadata(r, obj, path, &name, &o->pod.labels, &o->pod.annotations);
	struct pm_ynode *spec, *tpl, *tspec;
	_cleanup_free_ char *sp = NULL, *tp = NULL, *tsp = NULL;
	if (k < 0 || (k = sub(r, obj, "spec", path, &spec, &sp)) < 0)
		return k;
	if (!spec)
		return pm_error_set(r->err, EINVAL, "%s: required", sp);
	if (kind == PM_KUBE_DEPLOYMENT) {
		int64_t replicas = 1;
		if ((k = rd_int(r, spec, "replicas", sp, &replicas)) < 0)
			return k;
		if (replicas != 1)
			pm_strv_consume(r->warn,
					pm_xasprintf("%s.replicas: %lld, but pm plays one pod "
						     "(as podman)",
						     sp, (long long)replicas));
	}
	if (kind != PM_KUBE_JOB)
		get(spec,
		    "selector"); /* matches the template's labels: nothing to do for one pod */
	if ((k = sub(r, spec, "template", sp, &tpl, &tp)) < 0)
		return k;
	if (!tpl)
		return pm_error_set(r->err, EINVAL, "%s: required", tp);
	struct pm_ynode *tmd;
	_cleanup_free_ char *tmp = NULL;
	if ((k = sub(r, tpl, "metadata", tp, &tmd, &tmp)) < 0)
		return k;
	if (tmd) {
		_cleanup_strv_ char **tl = NULL;
		if ((k = rd_kv_strv(r, tmd, "labels", tmp, &tl)) < 0)
			return k;
		for (char **l = tl; l && *l; l++)
			pm_strv_set_kv(&o->pod.labels, *l);
		get(tmd, "name");
		unused(r, tmd, tmp);
	}
	if ((k = sub(r, tpl, "spec", tp, &tspec, &tsp)) < 0)
		return k;
	if (!tspec)
		return pm_error_set(r->err, EINVAL, "%s: required", tsp);
	o->pod.name = pm_xasprintf("%s-pod%s", name, kind == PM_KUBE_DEPLOYMENT ? "-0" : "");
	if ((k = pod_spec(r, tspec, tsp, &o->pod)) < 0)
		return k;
	if (kind == PM_KUBE_JOB) {
		const char *rp = o->pod.restart_policy;
		_cleanup_free_ char *rpp = at(tsp, "restartPolicy");
		if (!rp)
			return pm_error_set(r->err, EINVAL,
					    "%s: required for a Job: OnFailure or Never", rpp);
		if (!strcmp(rp, "Always"))
			return pm_error_set(r->err, EINVAL,
					    "%s: \"%s\": a Job runs to completion: OnFailure or "
					    "Never",
					    rpp, rp);
	}
	unused(r, tpl, tp);
	unused(r, spec, sp);
	return 0;
}

/* The volume.podman.io/ annotations pm's `volume create` can apply; the others are named. */
static int pvc_annotations(struct rd *r, struct pm_kube_pvc *v, char **ann, const char *path)
{
	static const char prefix[] = "volume.podman.io/";
	for (char **a = ann; a && *a; a++) {
		char *eq = strchr(*a, '=');
		_cleanup_free_ char *key = pm_xstrndup(*a, (size_t)(eq - *a));
		const char *val = eq + 1;
		const char *k =
			!strncmp(key, prefix, sizeof(prefix) - 1) ? key + sizeof(prefix) - 1 : "";
		char **out = !strcmp(k, "driver")	   ? &v->driver
			     : !strcmp(k, "device")	   ? &v->device
			     : !strcmp(k, "type")	   ? &v->type
			     : !strcmp(k, "uid")	   ? &v->uid
			     : !strcmp(k, "gid")	   ? &v->gid
			     : !strcmp(k, "mount-options") ? &v->mount_options
							   : NULL;
		_cleanup_free_ char *p = pm_xasprintf("%s.metadata.annotations.%s", path, key);
		if (!out) {
			pm_strv_consume(r->warn, pm_xasprintf("%s: not supported, ignored",
							      *path ? p : p + 1));
			continue;
		}
		int64_t id;
		if ((out == &v->uid || out == &v->gid) && (!plain_int(val, &id) || id < 0))
			return pm_error_set(r->err, EINVAL, "%s: \"%s\" is not a number",
					    *path ? p : p + 1, val);
		free(*out);
		*out = pm_xstrdup(val);
	}
	return 0;
}

/* A PersistentVolumeClaim: a named volume of its name. Its spec says what a cluster provides;
 * a pm volume is a directory of this host, shared by every container that mounts it (any
 * access mode holds) and without a size: what pm cannot apply is named. */
static int read_pvc(struct rd *r, struct pm_ynode *obj, const char *path, struct pm_kube_object *o)
{
	o->kind = PM_KUBE_PVC;
	_cleanup_strv_ char **ann = NULL;
	int k = metadata(r, obj, path, &o->pvc.name, &o->pvc.labels, &ann);
	if (k < 0 || (k = pvc_annotations(r, &o->pvc, ann, path)) < 0)
		return k;
	struct pm_ynode *spec;
	_cleanup_free_ char *sp = NULL;
	get(obj, "status"); /* set by the server (generate kube writes {}): nothing to apply */
	if ((k = sub(r, obj, "spec", path, &spec, &sp)) < 0 || !spec)
		return k;
	_cleanup_strv_ char **modes = NULL;
	if ((k = rd_strv(r, spec, "accessModes", sp, &modes, NULL)) < 0)
		return k;
	for (size_t i = 0; modes && modes[i]; i++)
		if (strcmp(modes[i], "ReadWriteOnce") && strcmp(modes[i], "ReadOnlyMany") &&
		    strcmp(modes[i], "ReadWriteMany") && strcmp(modes[i], "ReadWriteOncePod")) {
			_cleanup_free_ char *mp = at(sp, "accessModes");
			return pm_error_set(r->err, EINVAL,
					    "%s[%zu]: \"%s\" is not ReadWriteOnce, ReadOnlyMany, "
					    "ReadWriteMany or ReadWriteOncePod",
					    mp, i, modes[i]);
		}
	struct pm_ynode *res, *req;
	_cleanup_free_ char *rp = NULL, *qp = NULL;
	if ((k = sub(r, spec, "resources", sp, &res, &rp)) < 0)
		return k;
	if (res && (k = sub(r, res, "requests", rp, &req, &qp)) < 0)
		return k;
	if (res && req) {
		struct pm_ynode *st = get(req, "storage");
		_cleanup_free_ char *stp = at(qp, "storage");
		if (st && st->kind != PM_Y_SCALAR)
			return type_error(r, stp, st, "a quantity");
		if (st)
			pm_strv_consume(r->warn,
					pm_xasprintf("%s: %s: a pm volume has no size, not applied",
						     stp, st->value));
		unused(r, req, qp);
	}
	if (res)
		unused(r, res, rp);
	unused(r, spec, sp);
	return 0;
}

static int read_kv(struct rd *r, struct pm_ynode *obj, const char *path, struct pm_kube_object *o,
		   bool secret)
{
	o->kind = secret ? PM_KUBE_SECRET : PM_KUBE_CONFIGMAP;
	int k = metadata(r, obj, path, &o->kv.name, NULL, NULL);
	if (k < 0)
		return k;
	const char *keys[] = {"data", "stringData"};
	for (size_t t = 0; t < (secret ? 2u : 1u); t++) {
		struct pm_ynode *d;
		_cleanup_free_ char *dp = NULL;
		if ((k = sub(r, obj, keys[t], path, &d, &dp)) < 0)
			return k;
		for (size_t i = 0; d && i < d->n; i++) {
			d->used[i] = true;
			_cleanup_free_ char *ip = at(dp, d->keys[i]);
			_cleanup_free_ char *v = NULL;
			const struct pm_ynode *vn = d->items[i];
			/* a ConfigMap's values are strings (a plain number too, as kubectl would
			 * refuse; quote it) */
			if (!pm_ynode_is_null(vn) && (k = as_str(r, vn, ip, &v)) < 0)
				return k;
			size_t len = v ? strlen(v) : 0;
			if (secret && t == 0 && v) {
				_cleanup_free_ char *dec = NULL;
				if (pm_base64_decode(v, &dec, &len) < 0)
					return pm_error_set(r->err, EINVAL,
							    "%s: not base64 (line %u, column %u)",
							    ip, vn->line, vn->col);
				free(v);
				v = TAKE_PTR(dec);
			}
			size_t n = o->kv.n;
			o->kv.keys = pm_xrealloc(o->kv.keys, (n + 1) * sizeof(char *));
			o->kv.values = pm_xrealloc(o->kv.values, (n + 1) * sizeof(char *));
			o->kv.lens = pm_xrealloc(o->kv.lens, (n + 1) * sizeof(size_t));
			o->kv.keys[n] = pm_xstrdup(d->keys[i]);
			o->kv.values[n] = v ? TAKE_PTR(v) : pm_xstrdup("");
			o->kv.lens[n] = len;
			o->kv.n = n + 1;
		}
	}
	if (secret)
		get(obj, "type");
	return 0;
}

static int read_object(struct rd *r, struct pm_ynode *obj, const char *path,
		       struct pm_kube_object **objs, size_t *n);

static int read_list(struct rd *r, struct pm_ynode *obj, const char *path,
		     struct pm_kube_object **objs, size_t *n)
{
	struct pm_ynode *items = get(obj, "items");
	_cleanup_free_ char *ip = at(path, "items");
	if (!items)
		return 0;
	if (items->kind != PM_Y_SEQ)
		return type_error(r, ip, items, "a list");
	for (size_t i = 0; i < items->n; i++) {
		_cleanup_free_ char *pi = idx(ip, i);
		int k = want_map(r, items->items[i], pi);
		if (k >= 0)
			k = read_object(r, items->items[i], pi, objs, n);
		if (k < 0)
			return k;
	}
	return 0;
}

static int read_object(struct rd *r, struct pm_ynode *obj, const char *path,
		       struct pm_kube_object **objs, size_t *n)
{
	_cleanup_free_ char *kind = NULL, *api = NULL;
	int k = rd_str(r, obj, "kind", path, &kind);
	if (k < 0 || (k = rd_str(r, obj, "apiVersion", path, &api)) < 0)
		return k;
	if (!kind)
		return pm_error_set(r->err, EINVAL, "%s%skind: required (line %u)", path,
				    *path ? "." : "", obj->line);
	if (!strcmp(kind, "List") || !strcmp(kind, "PodList") || !strcmp(kind, "DeploymentList")) {
		k = read_list(r, obj, path, objs, n);
		if (k >= 0) {
			get(obj, "metadata");
			unused(r, obj, path);
		}
		return k;
	}
	if (!strcmp(kind, "Service")) {
		/* generate kube -s writes one; the pod's hostPorts are what publishes here */
		pm_strv_consume(r->warn,
				pm_xasprintf("%s%skind: Service: not applied, ignored (the "
					     "pod's hostPorts publish its ports)",
					     path, *path ? "." : ""));
		for (size_t i = 0; i < obj->n; i++)
			obj->used[i] = true;
		return 0;
	}
	static const char *const known[] = {
		"Pod",	     "Deployment", "DaemonSet", "Job", "PersistentVolumeClaim",
		"ConfigMap", "Secret"};
	bool ok = false;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		ok |= !strcmp(kind, known[i]);
	if (!ok)
		return pm_error_set(r->err, EINVAL,
				    "%s%skind: \"%s\" is not a kind pm plays (Pod, Deployment, "
				    "DaemonSet, Job, PersistentVolumeClaim, ConfigMap, Secret, "
				    "List)",
				    path, *path ? "." : "", kind);
	*objs = pm_xrealloc(*objs, (*n + 1) * sizeof(**objs));
	struct pm_kube_object *o = &(*objs)[(*n)++];
	*o = (struct pm_kube_object){0};
	if (!strcmp(kind, "Pod"))
		k = read_pod(r, obj, path, o);
	else if (!strcmp(kind, "Deployment"))
		k = read_workload(r, obj, path, o, PM_KUBE_DEPLOYMENT);
	else if (!strcmp(kind, "DaemonSet"))
		k = read_workload(r, obj, path, o, PM_KUBE_DAEMONSET);
	else if (!strcmp(kind, "Job"))
		k = read_workload(r, obj, path, o, PM_KUBE_JOB);
	else if (!strcmp(kind, "PersistentVolumeClaim"))
		k = read_pvc(r, obj, path, o);
	else
		k = read_kv(r, obj, path, o, !strcmp(kind, "Secret"));
	if (k >= 0)
		unused(r, obj, path);
	return k;
}

bool pm_kube_is_pod(enum pm_kube_kind kind)
{
	return kind == PM_KUBE_POD || kind == PM_KUBE_DEPLOYMENT || kind == PM_KUBE_DAEMONSET ||
	       kind == PM_KUBE_JOB;
}

void pm_kube_one_line(pm_error **err, char **warnings)
{
	if (err && *err && (*err)->msg) {
		char *m = pm_str_escape_controls((*err)->msg);
		free((*err)->msg);
		(*err)->msg = m;
	}
	for (char **w = warnings; w && *w; w++) {
		char *m = pm_str_escape_controls(*w);
		free(*w);
		*w = m;
	}
}

int pm_kube_read(struct pm_ynode *const *docs, size_t ndocs, struct pm_kube_object **ret,
		 size_t *ret_n, char ***warnings, pm_error **err)
{
	struct rd r = {.warn = warnings, .err = err};
	struct pm_kube_object *objs = NULL;
	size_t n = 0;
	int k = 0;
	for (size_t i = 0; i < ndocs && k >= 0; i++) {
		_cleanup_free_ char *p = ndocs > 1 ? pm_xasprintf("document %zu: ", i + 1) : NULL;
		k = want_map(&r, docs[i], p ? p : "the document");
		if (k >= 0)
			k = read_object(&r, docs[i], "", &objs, &n);
		if (k < 0 && p)
			pm_error_prefix(err, "document %zu", i + 1);
	}
	pm_kube_one_line(k < 0 ? err : NULL, *warnings);
	if (k < 0) {
		pm_kube_objects_free(objs, n);
		return k;
	}
	*ret = objs;
	*ret_n = n;
	return 0;
}

/* ---- freeing -------------------------------------------------------------------------- */

static void probe_clear(struct pm_kube_probe *p)
{
	pm_strv_free(p->exec);
	free(p->host);
	free(p->path);
	free(p->scheme);
	pm_strv_free(p->headers);
	*p = (struct pm_kube_probe){0};
}

static void container_clear(struct pm_kube_container *c)
{
	free(c->name);
	free(c->image);
	pm_strv_free(c->command);
	pm_strv_free(c->args);
	free(c->working_dir);
	for (size_t i = 0; i < c->n_env; i++) {
		free(c->env[i].name);
		free(c->env[i].value);
		free(c->env[i].cm_name);
		free(c->env[i].cm_key);
		free(c->env[i].sec_name);
		free(c->env[i].sec_key);
		free(c->env[i].field_path);
	}
	free(c->env);
	for (size_t i = 0; i < c->n_env_from; i++) {
		free(c->env_from[i].cm_name);
		free(c->env_from[i].sec_name);
		free(c->env_from[i].prefix);
	}
	free(c->env_from);
	for (size_t i = 0; i < c->n_ports; i++) {
		free(c->ports[i].name);
		free(c->ports[i].host_ip);
		free(c->ports[i].protocol);
	}
	free(c->ports);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].name);
		free(c->mounts[i].mount_path);
		free(c->mounts[i].sub_path);
	}
	free(c->mounts);
	pm_strv_free(c->cap_add);
	pm_strv_free(c->cap_drop);
	free(c->pull_policy);
	free(c->limit_memory);
	free(c->limit_cpu);
	probe_clear(&c->liveness);
	probe_clear(&c->readiness);
	probe_clear(&c->startup);
}

static void pod_clear(struct pm_kube_pod *p)
{
	free(p->name);
	pm_strv_free(p->labels);
	pm_strv_free(p->annotations);
	for (size_t i = 0; i < p->n_containers; i++)
		container_clear(&p->containers[i]);
	free(p->containers);
	for (size_t i = 0; i < p->n_init_containers; i++)
		container_clear(&p->init_containers[i]);
	free(p->init_containers);
	for (size_t i = 0; i < p->n_volumes; i++) {
		struct pm_kube_volume *v = &p->volumes[i];
		free(v->name);
		free(v->path);
		free(v->path_type);
		free(v->medium);
		free(v->size_limit);
		free(v->source);
		for (size_t j = 0; j < v->n_items; j++) {
			free(v->items[j].key);
			free(v->items[j].path);
		}
		free(v->items);
	}
	free(p->volumes);
	free(p->restart_policy);
	free(p->hostname);
	for (size_t i = 0; i < p->n_host_aliases; i++) {
		free(p->host_aliases[i].ip);
		pm_strv_free(p->host_aliases[i].hostnames);
	}
	free(p->host_aliases);
}

void pm_kube_objects_free(struct pm_kube_object *objs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pod_clear(&objs[i].pod);
		free(objs[i].kv.name);
		for (size_t j = 0; j < objs[i].kv.n; j++) {
			free(objs[i].kv.keys[j]);
			free(objs[i].kv.values[j]);
		}
		free(objs[i].kv.keys);
		free(objs[i].kv.values);
		free(objs[i].kv.lens);
		struct pm_kube_pvc *v = &objs[i].pvc;
		free(v->name);
		pm_strv_free(v->labels);
		free(v->driver);
		free(v->device);
		free(v->type);
		free(v->uid);
		free(v->gid);
		free(v->mount_options);
	}
	free(objs);
}
