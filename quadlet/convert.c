/* convert.c: one Quadlet file to one systemd service unit (podman-systemd.unit(5)):
 * [Container] -> NAME.service running `pm run`, [Pod] -> NAME-pod.service around `pm pod
 * create/start`, [Volume] -> NAME-volume.service running `pm volume create`, [Kube] ->
 * NAME.service running `pm kube play`. Each section's keys are a table (key -> pm flag,
 * with a check of the value); an unknown key, a key pm cannot honour or a bad value is an
 * error naming the file and line, and the unit is not made. [Unit], [Service], [Install]
 * and any other group are copied through; [Install] also gives the links a generator must
 * make itself. Pure: builds text, touches no file. Called by generator.c and unit tests. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/strutil.h"
#include "quadlet/quadlet.h"

static const char *const kind_ext[] = {
	[PM_QUADLET_CONTAINER] = ".container",
	[PM_QUADLET_POD] = ".pod",
	[PM_QUADLET_VOLUME] = ".volume",
	[PM_QUADLET_KUBE] = ".kube",
};
static const char *const kind_group[] = {
	[PM_QUADLET_CONTAINER] = "Container",
	[PM_QUADLET_POD] = "Pod",
	[PM_QUADLET_VOLUME] = "Volume",
	[PM_QUADLET_KUBE] = "Kube",
};

int pm_quadlet_kind_of(const char *filename)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_ext); i++) {
		size_t n = strlen(filename), e = strlen(kind_ext[i]);
		if (n > e && !strcmp(filename + n - e, kind_ext[i]))
			return (int)i;
	}
	return -EINVAL;
}

int pm_quadlet_set_add(struct pm_quadlet_set *set, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	int kind = pm_quadlet_kind_of(base);
	if (kind < 0)
		return kind;
	size_t stem = strlen(base) - strlen(kind_ext[kind]);
	static const char *const suffix[] = {
		[PM_QUADLET_CONTAINER] = "",
		[PM_QUADLET_POD] = "-pod",
		[PM_QUADLET_VOLUME] = "-volume",
		[PM_QUADLET_KUBE] = "",
	};
	set->units = pm_xrealloc(set->units, (set->n + 1) * sizeof(*set->units));
	struct pm_quadlet_unit *u = &set->units[set->n++];
	*u = (struct pm_quadlet_unit){.path = pm_xstrdup(path),
				      .name = pm_xstrndup(base, stem),
				      .kind = (enum pm_quadlet_kind)kind};
	u->service = pm_xasprintf("%s%s.service", u->name, suffix[kind]);
	return 0;
}

const struct pm_quadlet_unit *pm_quadlet_set_find(const struct pm_quadlet_set *set,
						  const char *filename)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct pm_quadlet_unit *u = &set->units[i];
		size_t n = strlen(u->name);
		if (!strncmp(filename, u->name, n) && !strcmp(filename + n, kind_ext[u->kind]))
			return u;
	}
	return NULL;
}

void pm_quadlet_set_clear(struct pm_quadlet_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->units[i].path);
		free(set->units[i].name);
		free(set->units[i].service);
		pm_unit_file_free(set->units[i].file);
	}
	free(set->units);
	*set = (struct pm_quadlet_set){0};
}

/* ---- value checks: NULL when fine, else why not ------------------------------------- */

static bool port_ok(const char *s, size_t n)
{
	unsigned v = 0;
	if (!n || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* "P" or "P-Q" */
static bool port_range_ok(const char *s, size_t n)
{
	const char *dash = memchr(s, '-', n);
	if (!dash)
		return port_ok(s, n);
	return port_ok(s, (size_t)(dash - s)) && port_ok(dash + 1, n - (size_t)(dash - s) - 1);
}

/* [[IP:][HOSTPORT]:]CONTAINERPORT[/PROTOCOL], IPv6 in brackets */
static const char *check_port(const char *v)
{
	_cleanup_free_ char *s = pm_xstrdup(v);
	char *slash = strchr(s, '/');
	if (slash) {
		*slash = '\0';
		if (strcmp(slash + 1, "tcp") && strcmp(slash + 1, "udp") &&
		    strcmp(slash + 1, "sctp"))
			return "the protocol must be tcp, udp or sctp";
	}
	char *rest = s;
	bool ip = false;
	if (*rest == '[') {
		char *close = strchr(rest, ']');
		if (!close || close[1] != ':')
			return "an IPv6 address in [] must be followed by ':'";
		rest = close + 2;
		ip = true;
	}
	char *c1 = strrchr(rest, ':');
	if (!c1)
		return ip ? "no container port"
		       : port_range_ok(rest, strlen(rest))
			       ? NULL
			       : "not a port or range of ports (1-65535)";
	if (!port_range_ok(c1 + 1, strlen(c1 + 1)))
		return "not a port or range of ports (1-65535)";
	*c1 = '\0';
	char *c2 = strrchr(rest, ':');
	const char *host = c2 ? c2 + 1 : rest;
	if (c2 && ip)
		return "too many ':'";
	if (c2 && (c2 == rest || memchr(rest, ':', (size_t)(c2 - rest))))
		return "too many ':' (write an IPv6 address in [])";
	if (*host && !port_range_ok(host, strlen(host)))
		return "not a port or range of ports (1-65535)";
	if (!*host && !c2 && !ip)
		return "an empty host port";
	return NULL;
}

static const char *check_int(const char *v)
{
	int i;
	return pm_parse_int(v, &i) < 0 ? "not an integer" : NULL;
}

static const char *check_uint(const char *v)
{
	uint64_t u;
	return pm_parse_uint64(v, &u) < 0 ? "not a non-negative integer" : NULL;
}

static const char *check_size(const char *v)
{
	uint64_t u;
	return pm_parse_size(v, &u) < 0 ? "not a size (such as 512m or 1g)" : NULL;
}

static const char *check_network(const char *v)
{
	return pm_str_endswith(v, ".network") ? "Quadlet .network files are not supported by pm"
					      : NULL;
}

static const char *check_env_word(const char *w)
{
	const char *eq = strchr(w, '=');
	if (!eq || eq == w)
		return "not NAME=VALUE";
	for (const char *c = w; c < eq; c++)
		if (!(*c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (c > w && *c >= '0' && *c <= '9')))
			return "not a valid variable name before '='";
	return NULL;
}

static const char *check_label_word(const char *w)
{
	const char *eq = strchr(w, '=');
	return !eq || eq == w ? "not KEY=VALUE" : NULL;
}

static const char *check_notify(const char *v)
{
	if (!strcmp(v, "healthy"))
		return "'healthy' is not supported by pm (yes or no)";
	return pm_unit_parse_bool(v) < 0 ? "not yes or no" : NULL;
}

/* ---- the key tables ------------------------------------------------------------------ */

enum key_kind {
	K_STR,	 /* last value wins: FLAG VALUE (empty: unset) */
	K_BOOL,	 /* last value wins: FLAG when true */
	K_LIST,	 /* each value: FLAG VALUE; an empty value resets the list */
	K_WORDS, /* each word of each value (systemd quoting): FLAG WORD; empty resets */
	K_SPECIAL,
	K_NOT_PM, /* a podman key pm has no flag for: an error naming the flag */
};

struct key {
	const char *key;
	enum key_kind kind;
	const char *flag; /* K_NOT_PM: podman's flag, for the message */
	const char *(*check)(const char *value_or_word);
};

static const struct key container_keys[] = {
	{"Image", K_SPECIAL, NULL, NULL},
	{"Exec", K_SPECIAL, NULL, NULL},
	{"ContainerName", K_SPECIAL, NULL, NULL},
	{"Pod", K_SPECIAL, NULL, NULL},
	{"Volume", K_SPECIAL, NULL, NULL},
	{"User", K_SPECIAL, NULL, NULL},
	{"Group", K_SPECIAL, NULL, NULL},
	{"Notify", K_SPECIAL, NULL, check_notify},
	{"PodmanArgs", K_SPECIAL, NULL, NULL},
	{"GlobalArgs", K_SPECIAL, NULL, NULL},
	{"HostName", K_STR, "--hostname", NULL},
	{"WorkingDir", K_STR, "--workdir", NULL},
	{"Entrypoint", K_STR, "--entrypoint", NULL},
	{"Environment", K_WORDS, "--env", check_env_word},
	{"EnvironmentFile", K_LIST, "--env-file", NULL},
	{"Label", K_WORDS, "--label", check_label_word},
	{"PublishPort", K_LIST, "--publish", check_port},
	{"Network", K_LIST, "--network", check_network},
	{"DNS", K_LIST, "--dns", NULL},
	{"DNSSearch", K_LIST, "--dns-search", NULL},
	{"DNSOption", K_LIST, "--dns-option", NULL},
	{"AddHost", K_LIST, "--add-host", NULL},
	{"Mount", K_LIST, "--mount", NULL},
	{"Tmpfs", K_LIST, "--tmpfs", NULL},
	{"ReadOnly", K_BOOL, "--read-only", NULL},
	{"ReadOnlyTmpfs", K_BOOL, "--read-only-tmpfs", NULL},
	{"RunInit", K_BOOL, "--init", NULL},
	{"NoNewPrivileges", K_BOOL, "--security-opt=no-new-privileges", NULL},
	{"SecurityLabelDisable", K_BOOL, "--security-opt=label=disable", NULL},
	{"SeccompProfile", K_STR, "--security-opt=seccomp", NULL},
	{"DropCapability", K_WORDS, "--cap-drop", NULL},
	{"AddCapability", K_WORDS, "--cap-add", NULL},
	{"UserNS", K_STR, "--userns", NULL},
	{"GroupAdd", K_LIST, "--group-add", NULL},
	{"Memory", K_STR, "--memory", check_size},
	{"PidsLimit", K_STR, "--pids-limit", check_int},
	{"Secret", K_LIST, "--secret", NULL},
	{"StopTimeout", K_STR, "--stop-timeout", check_uint},
	{"StopSignal", K_STR, "--stop-signal", NULL},
	{"LogDriver", K_STR, "--log-driver", NULL},
	{"LogOpt", K_LIST, "--log-opt", NULL},
	{"HealthCmd", K_STR, "--health-cmd", NULL},
	{"HealthInterval", K_STR, "--health-interval", NULL},
	{"HealthRetries", K_STR, "--health-retries", check_uint},
	{"HealthTimeout", K_STR, "--health-timeout", NULL},
	{"HealthStartPeriod", K_STR, "--health-start-period", NULL},
	{"HealthOnFailure", K_STR, "--health-on-failure", NULL},
	{"HealthStartupCmd", K_STR, "--health-startup-cmd", NULL},
	{"HealthStartupInterval", K_STR, "--health-startup-interval", NULL},
	{"HealthStartupRetries", K_STR, "--health-startup-retries", check_uint},
	{"HealthStartupSuccess", K_STR, "--health-startup-success", check_uint},
	{"HealthStartupTimeout", K_STR, "--health-startup-timeout", NULL},
	{"Annotation", K_NOT_PM, "--annotation", NULL},
	{"EnvironmentHost", K_NOT_PM, "--env-host", NULL},
	/* podman's: the policy label pm auto-update reads ("--label=KEY=VALUE") */
	{"AutoUpdate", K_STR, "--label=io.containers.autoupdate", NULL},
	{"Timezone", K_NOT_PM, "--tz", NULL},
	{"Ulimit", K_NOT_PM, "--ulimit", NULL},
	{"ShmSize", K_NOT_PM, "--shm-size", NULL},
	{"Sysctl", K_NOT_PM, "--sysctl", NULL},
	{"IP", K_NOT_PM, "--ip", NULL},
	{"IP6", K_NOT_PM, "--ip6", NULL},
	{"Rootfs", K_NOT_PM, "--rootfs", NULL},
};

static const struct key pod_keys[] = {
	{"PodName", K_SPECIAL, NULL, NULL},
	{"PodmanArgs", K_SPECIAL, NULL, NULL},
	{"GlobalArgs", K_SPECIAL, NULL, NULL},
	{"PublishPort", K_LIST, "--publish", check_port},
	{"Network", K_LIST, "--network", check_network},
	{"AddHost", K_LIST, "--add-host", NULL},
	{"DNS", K_LIST, "--dns", NULL},
	{"DNSSearch", K_LIST, "--dns-search", NULL},
	{"DNSOption", K_LIST, "--dns-option", NULL},
	{"HostName", K_STR, "--hostname", NULL},
	{"Label", K_WORDS, "--label", check_label_word},
	{"Volume", K_NOT_PM, "pod create --volume", NULL},
	{"ServiceName", K_NOT_PM, "ServiceName", NULL},
};

static const struct key volume_keys[] = {
	{"VolumeName", K_SPECIAL, NULL, NULL},
	{"Driver", K_SPECIAL, NULL, NULL},
	{"Options", K_SPECIAL, NULL, NULL},
	{"Type", K_SPECIAL, NULL, NULL},
	{"Device", K_SPECIAL, NULL, NULL},
	{"PodmanArgs", K_SPECIAL, NULL, NULL},
	{"GlobalArgs", K_SPECIAL, NULL, NULL},
	{"Label", K_WORDS, "--label", check_label_word},
	{"Image", K_NOT_PM, "--driver image", NULL},
	{"Copy", K_NOT_PM, "--opt copy", NULL},
	{"User", K_NOT_PM, "--opt uid", NULL},
	{"Group", K_NOT_PM, "--opt gid", NULL},
};

static const struct key kube_keys[] = {
	{"Yaml", K_SPECIAL, NULL, NULL},
	{"PodmanArgs", K_SPECIAL, NULL, NULL},
	{"GlobalArgs", K_SPECIAL, NULL, NULL},
	{"PublishPort", K_LIST, "--publish", check_port},
	{"Network", K_LIST, "--network", check_network},
	{"ConfigMap", K_LIST, "--configmap", NULL},
	{"LogDriver", K_STR, "--log-driver", NULL},
	{"AutoUpdate", K_SPECIAL, NULL, NULL},
	{"UserNS", K_NOT_PM, "kube play --userns", NULL},
	{"SetWorkingDirectory", K_NOT_PM, "SetWorkingDirectory", NULL},
};

struct conv {
	const struct pm_quadlet_set *set;
	const struct pm_quadlet_unit *u;
	const struct pm_unit_group *g; /* the Quadlet group */
	const struct pm_quadlet_opts *o;
	char **unit_extra;    /* lines added to [Unit] */
	char **service_extra; /* lines added to [Service] after the user's */
};

static void conv_free(struct conv *c)
{
	pm_strv_free(c->unit_extra);
	pm_strv_free(c->service_extra);
}

static int bad(const struct conv *c, unsigned line, pm_error **err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(const struct conv *c, unsigned line, pm_error **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	return pm_error_set(err, EINVAL, "%s:%u: %s", c->u->path, line, m ? m : "error");
}

static const struct key *key_find(const struct key *tab, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(tab[i].key, key))
			return &tab[i];
	return NULL;
}

static int split(const struct conv *c, const struct pm_unit_entry *e, char ***ret, pm_error **err)
{
	const char *why = NULL;
	if (pm_unit_split_words(e->value, ret, &why) < 0)
		return bad(c, e->line, err, "invalid value for key '%s': %s", e->key, why);
	return 0;
}

/* Every entry of the group: a key of the table, and a good value. */
static int check_group(const struct conv *c, const struct key *tab, size_t n, pm_error **err)
{
	for (size_t i = 0; i < c->g->n_entries; i++) {
		const struct pm_unit_entry *e = &c->g->entries[i];
		const struct key *k = key_find(tab, n, e->key);
		if (!k)
			return bad(c, e->line, err, "unsupported key '%s' in group '%s'", e->key,
				   c->g->name);
		if (k->kind == K_NOT_PM)
			return bad(c, e->line, err,
				   "key '%s' in group '%s' is not supported by pm (podman's %s)",
				   e->key, c->g->name, k->flag);
		if (k->kind == K_BOOL && *e->value && pm_unit_parse_bool(e->value) < 0)
			return bad(c, e->line, err,
				   "invalid value '%s' for key '%s': not a boolean", e->value,
				   e->key);
		if (!k->check || !*e->value)
			continue;
		if (k->kind == K_WORDS) {
			_cleanup_strv_ char **w = NULL;
			int r = split(c, e, &w, err);
			if (r < 0)
				return r;
			for (char **p = w; *p; p++) {
				const char *why = k->check(*p);
				if (why)
					return bad(c, e->line, err,
						   "invalid value '%s' for key '%s': %s", *p,
						   e->key, why);
			}
		} else {
			const char *why = k->check(e->value);
			if (why)
				return bad(c, e->line, err, "invalid value '%s' for key '%s': %s",
					   e->value, e->key, why);
		}
	}
	return 0;
}

/* The values of a list key in order, an empty value resetting the list. */
static char **list_values(const struct pm_unit_group *g, const char *key)
{
	char **v = NULL;
	for (size_t i = 0; i < g->n_entries; i++) {
		if (strcmp(g->entries[i].key, key))
			continue;
		if (!*g->entries[i].value)
			v = pm_strv_free(v);
		else
			pm_strv_push(&v, g->entries[i].value);
	}
	return v;
}

/* The words of every value of key, an empty value resetting them. */
static int list_words(const struct conv *c, const char *key, char ***ret, pm_error **err)
{
	_cleanup_strv_ char **all = NULL;
	for (size_t i = 0; i < c->g->n_entries; i++) {
		const struct pm_unit_entry *e = &c->g->entries[i];
		if (strcmp(e->key, key))
			continue;
		if (!*e->value) {
			all = pm_strv_free(all);
			continue;
		}
		_cleanup_strv_ char **w = NULL;
		int r = split(c, e, &w, err);
		if (r < 0)
			return r;
		for (char **p = w; *p; p++)
			pm_strv_push(&all, *p);
	}
	*ret = TAKE_PTR(all);
	return 0;
}

/* The flags of the table's plain keys, in table order. */
static int table_args(const struct conv *c, const struct key *tab, size_t n, char ***args,
		      pm_error **err)
{
	for (size_t i = 0; i < n; i++) {
		const struct key *k = &tab[i];
		const struct pm_unit_entry *e = pm_unit_group_last(c->g, k->key);
		switch (k->kind) {
		case K_STR:
			if (e && *e->value) {
				if (strchr(k->flag, '=')) {
					pm_strv_consume(args,
							pm_xasprintf("%s=%s", k->flag, e->value));
				} else {
					pm_strv_push(args, k->flag);
					pm_strv_push(args, e->value);
				}
			}
			break;
		case K_BOOL:
			if (e && *e->value && pm_unit_parse_bool(e->value) == 1)
				pm_strv_push(args, k->flag);
			break;
		case K_LIST: {
			_cleanup_strv_ char **v = list_values(c->g, k->key);
			for (char **p = v; p && *p; p++) {
				pm_strv_push(args, k->flag);
				pm_strv_push(args, *p);
			}
			break;
		}
		case K_WORDS: {
			_cleanup_strv_ char **w = NULL;
			int r = list_words(c, k->key, &w, err);
			if (r < 0)
				return r;
			for (char **p = w; p && *p; p++) {
				pm_strv_push(args, k->flag);
				pm_strv_push(args, *p);
			}
			break;
		}
		case K_SPECIAL:
		case K_NOT_PM:
			break;
		}
	}
	return 0;
}

static const char *last_value(const struct pm_unit_group *g, const char *key)
{
	const struct pm_unit_entry *e = pm_unit_group_last(g, key);
	return e && *e->value ? e->value : NULL;
}

/* "pm [GlobalArgs...] VERB..." as the first words of a command */
static int command_start(const struct conv *c, char ***args, pm_error **err)
{
	_cleanup_strv_ char **global = NULL;
	int r = list_words(c, "GlobalArgs", &global, err);
	if (r < 0)
		return r;
	pm_strv_push(args, c->o->pm);
	for (char **p = global; p && *p; p++)
		pm_strv_push(args, *p);
	return 0;
}

static char *exec_line(char *const *words)
{
	_cleanup_strv_ char **q = NULL;
	for (char *const *p = words; p && *p; p++)
		pm_strv_consume(&q, pm_unit_quote_word(*p));
	return pm_strv_join(q, " ");
}

/* A command: the common start, then the words of the NULL-terminated list. */
static int command(const struct conv *c, char **ret, pm_error **err, const char *const *words)
{
	_cleanup_strv_ char **w = NULL;
	int r = command_start(c, &w, err);
	if (r < 0)
		return r;
	for (const char *const *s = words; *s; s++)
		pm_strv_push(&w, *s);
	*ret = exec_line(w);
	return 0;
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The member file a key names (Pod=x.pod, Volume=x.volume:...), loaded. */
static int referenced(const struct conv *c, const struct pm_unit_entry *e, const char *filename,
		      const struct pm_quadlet_unit **ret, pm_error **err)
{
	const struct pm_quadlet_unit *r = pm_quadlet_set_find(c->set, filename);
	if (!r)
		return bad(c, e->line, err, "%s=%s: there is no Quadlet file '%s'", e->key,
			   e->value, filename);
	if (!r->file)
		return bad(c, e->line, err, "%s=%s: '%s' has errors", e->key, e->value, r->path);
	*ret = r;
	return 0;
}

static char *pod_name(const struct pm_quadlet_unit *pod)
{
	const char *n = last_value(pm_unit_file_group(pod->file, "Pod"), "PodName");
	return n ? pm_xstrdup(n) : pm_xasprintf("systemd-%s", pod->name);
}

static char *volume_name(const struct pm_quadlet_unit *vol)
{
	const char *n = last_value(pm_unit_file_group(vol->file, "Volume"), "VolumeName");
	return n ? pm_xstrdup(n) : pm_xasprintf("systemd-%s", vol->name);
}

/* Volume=SRC:DST[:OPTS] (or DST): a SRC naming a .volume file becomes its volume's name,
 * and the unit requires that volume's service. */
static int volume_args(struct conv *c, char ***args, pm_error **err)
{
	const struct pm_unit_entry *first = NULL;
	_cleanup_strv_ char **vals = list_values(c->g, "Volume");
	for (size_t i = 0; i < c->g->n_entries && !first; i++)
		if (!strcmp(c->g->entries[i].key, "Volume"))
			first = &c->g->entries[i];
	for (char **p = vals; p && *p; p++) {
		const struct pm_unit_entry *e = first;
		for (size_t i = 0; i < c->g->n_entries; i++)
			if (!strcmp(c->g->entries[i].key, "Volume") &&
			    !strcmp(c->g->entries[i].value, *p))
				e = &c->g->entries[i];
		const char *colon = strchr(*p, ':');
		if (colon == *p || !strcmp(*p, ":"))
			return bad(c, e->line, err,
				   "invalid value '%s' for key 'Volume': no source before ':'", *p);
		if (colon && !colon[1])
			return bad(c, e->line, err,
				   "invalid value '%s' for key 'Volume': no destination after ':'",
				   *p);
		_cleanup_free_ char *src = colon ? pm_xstrndup(*p, (size_t)(colon - *p)) : NULL;
		if (src && pm_str_endswith(src, ".volume")) {
			const struct pm_quadlet_unit *vol = NULL;
			int r = referenced(c, e, src, &vol, err);
			if (r < 0)
				return r;
			_cleanup_free_ char *name = volume_name(vol);
			pm_strv_push(args, "--volume");
			pm_strv_consume(args, pm_xasprintf("%s%s", name, colon));
			pm_strv_consume(&c->unit_extra, pm_xasprintf("Requires=%s", vol->service));
			pm_strv_consume(&c->unit_extra, pm_xasprintf("After=%s", vol->service));
		} else {
			pm_strv_push(args, "--volume");
			pm_strv_push(args, *p);
		}
	}
	return 0;
}

static int convert_container(struct conv *c, pm_error **err)
{
	int r = check_group(c, container_keys, ARRAY_SIZE(container_keys), err);
	if (r < 0)
		return r;
	const char *image = last_value(c->g, "Image");
	if (!image)
		return bad(c, c->g->line, err, "no Image key in group 'Container'");
	if (pm_str_endswith(image, ".image") || pm_str_endswith(image, ".build"))
		return bad(c, pm_unit_group_last(c->g, "Image")->line, err,
			   "Image=%s: Quadlet .image and .build files are not supported by pm",
			   image);
	const char *name = last_value(c->g, "ContainerName");
	const char *notify = last_value(c->g, "Notify");
	bool notify_container = notify && pm_unit_parse_bool(notify) == 1;

	_cleanup_strv_ char **w = NULL;
	r = command_start(c, &w, err);
	if (r < 0)
		return r;
	pm_strv_push(&w, "run");
	pm_strv_push(&w, "--cidfile=%t/%N.cid");
	pm_strv_push(&w, "--cgroups=split");
	pm_strv_push(&w, notify_container ? "--sdnotify=container" : "--sdnotify=conmon");
	pm_strv_push(&w, "-d");
	pm_strv_push(&w, "--replace");
	pm_strv_push(&w, "--rm");
	pm_strv_push(&w, "--name");
	pm_strv_push(&w, name ? name : "systemd-%N");

	const struct pm_unit_entry *pe = pm_unit_group_last(c->g, "Pod");
	if (pe && *pe->value) {
		if (!pm_str_endswith(pe->value, ".pod"))
			return bad(c, pe->line, err,
				   "invalid value '%s' for key 'Pod': not the name of a .pod file",
				   pe->value);
		const struct pm_quadlet_unit *pod = NULL;
		r = referenced(c, pe, pe->value, &pod, err);
		if (r < 0)
			return r;
		pm_strv_push(&w, "--pod");
		pm_strv_consume(&w, pod_name(pod));
		pm_strv_consume(&c->unit_extra, pm_xasprintf("BindsTo=%s", pod->service));
		pm_strv_consume(&c->unit_extra, pm_xasprintf("After=%s", pod->service));
	}
	const char *user = last_value(c->g, "User"), *group = last_value(c->g, "Group");
	if (group && !user)
		return bad(c, pm_unit_group_last(c->g, "Group")->line, err,
			   "Group=%s needs a User= too", group);
	if (user) {
		pm_strv_push(&w, "--user");
		pm_strv_consume(&w, group ? pm_xasprintf("%s:%s", user, group) : pm_xstrdup(user));
	}
	r = table_args(c, container_keys, ARRAY_SIZE(container_keys), &w, err);
	if (r < 0)
		return r;
	r = volume_args(c, &w, err);
	if (r < 0)
		return r;
	_cleanup_strv_ char **extra = NULL, **exec = NULL;
	r = list_words(c, "PodmanArgs", &extra, err);
	if (r < 0)
		return r;
	for (char **p = extra; p && *p; p++)
		pm_strv_push(&w, *p);
	pm_strv_push(&w, image);
	const struct pm_unit_entry *ee = pm_unit_group_last(c->g, "Exec");
	if (ee && (r = split(c, ee, &exec, err)) < 0)
		return r;
	for (char **p = exec; p && *p; p++)
		pm_strv_push(&w, *p);

	_cleanup_free_ char *stop = NULL;
	r = command(c, &stop, err,
		    WORDS("rm", "-v", "-f", "--ignore", "-t", "10", "--cidfile=%t/%N.cid"));
	if (r < 0)
		return r;
	pm_strv_push(&c->service_extra, "Environment=PODMAN_SYSTEMD_UNIT=%n");
	pm_strv_push(&c->service_extra, "?KillMode=mixed");
	pm_strv_push(&c->service_extra, "Delegate=yes");
	pm_strv_push(&c->service_extra, "?Type=notify");
	pm_strv_push(&c->service_extra, "?NotifyAccess=all");
	pm_strv_push(&c->service_extra, "?SyslogIdentifier=%N");
	pm_strv_push(&c->service_extra, "?TimeoutStopSec=70");
	_cleanup_free_ char *start = exec_line(w);
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStart=%s", start));
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStop=%s", stop));
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStopPost=-%s", stop));
	return 0;
}

static int convert_pod(struct conv *c, pm_error **err)
{
	int r = check_group(c, pod_keys, ARRAY_SIZE(pod_keys), err);
	if (r < 0)
		return r;
	_cleanup_free_ char *name = pod_name(c->u);
	_cleanup_strv_ char **w = NULL, **extra = NULL;
	r = command_start(c, &w, err);
	if (r < 0)
		return r;
	pm_strv_push(&w, "pod");
	pm_strv_push(&w, "create");
	pm_strv_push(&w, "--pod-id-file=%t/%N.pod-id");
	pm_strv_push(&w, "--replace");
	pm_strv_push(&w, "--name");
	pm_strv_push(&w, name);
	r = table_args(c, pod_keys, ARRAY_SIZE(pod_keys), &w, err);
	if (r < 0)
		return r;
	r = list_words(c, "PodmanArgs", &extra, err);
	if (r < 0)
		return r;
	for (char **p = extra; p && *p; p++)
		pm_strv_push(&w, *p);

	/* the containers that join this pod: started with it */
	_cleanup_free_ char *self = pm_xasprintf("%s.pod", c->u->name);
	for (size_t i = 0; i < c->set->n; i++) {
		const struct pm_quadlet_unit *m = &c->set->units[i];
		if (m->kind != PM_QUADLET_CONTAINER || !m->file)
			continue;
		const char *p = last_value(pm_unit_file_group(m->file, "Container"), "Pod");
		if (p && !strcmp(p, self)) {
			pm_strv_consume(&c->unit_extra, pm_xasprintf("Wants=%s", m->service));
			pm_strv_consume(&c->unit_extra, pm_xasprintf("Before=%s", m->service));
		}
	}
	_cleanup_free_ char *create = exec_line(w), *start = NULL, *stop = NULL, *rm = NULL;
	if ((r = command(c, &start, err, WORDS("pod", "start", "--pod-id-file=%t/%N.pod-id"))) <
		    0 ||
	    (r = command(c, &stop, err,
			 WORDS("pod", "stop", "--ignore", "-t", "10",
			       "--pod-id-file=%t/%N.pod-id"))) < 0 ||
	    (r = command(c, &rm, err,
			 WORDS("pod", "rm", "-f", "--ignore", "--pod-id-file=%t/%N.pod-id"))) < 0)
		return r;
	pm_strv_push(&c->service_extra, "Environment=PODMAN_SYSTEMD_UNIT=%n");
	pm_strv_push(&c->service_extra, "?Type=oneshot");
	pm_strv_push(&c->service_extra, "?RemainAfterExit=yes");
	pm_strv_push(&c->service_extra, "?SyslogIdentifier=%N");
	pm_strv_push(&c->service_extra, "?TimeoutStopSec=70");
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStartPre=%s", create));
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStart=%s", start));
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStop=%s", stop));
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStopPost=-%s", rm));
	return 0;
}

static int convert_volume(struct conv *c, pm_error **err)
{
	int r = check_group(c, volume_keys, ARRAY_SIZE(volume_keys), err);
	if (r < 0)
		return r;
	const struct pm_unit_entry *de = pm_unit_group_last(c->g, "Driver");
	if (de && *de->value && strcmp(de->value, "local"))
		return bad(c, de->line, err,
			   "invalid value '%s' for key 'Driver': pm has the 'local' driver only",
			   de->value);
	_cleanup_free_ char *name = volume_name(c->u);
	_cleanup_strv_ char **w = NULL, **extra = NULL;
	r = command_start(c, &w, err);
	if (r < 0)
		return r;
	pm_strv_push(&w, "volume");
	pm_strv_push(&w, "create");
	pm_strv_push(&w, "--ignore");
	r = table_args(c, volume_keys, ARRAY_SIZE(volume_keys), &w, err);
	if (r < 0)
		return r;
	static const char *const opts[][2] = {
		{"Type", "type"}, {"Device", "device"}, {"Options", "o"}};
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		const char *v = last_value(c->g, opts[i][0]);
		if (v) {
			pm_strv_push(&w, "--opt");
			pm_strv_consume(&w, pm_xasprintf("%s=%s", opts[i][1], v));
		}
	}
	r = list_words(c, "PodmanArgs", &extra, err);
	if (r < 0)
		return r;
	for (char **p = extra; p && *p; p++)
		pm_strv_push(&w, *p);
	pm_strv_push(&w, name);
	_cleanup_free_ char *create = exec_line(w);
	pm_strv_push(&c->service_extra, "?Type=oneshot");
	pm_strv_push(&c->service_extra, "?RemainAfterExit=yes");
	pm_strv_push(&c->service_extra, "?SyslogIdentifier=%N");
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStart=%s", create));
	return 0;
}

static int convert_kube(struct conv *c, pm_error **err)
{
	int r = check_group(c, kube_keys, ARRAY_SIZE(kube_keys), err);
	if (r < 0)
		return r;
	const char *yaml = last_value(c->g, "Yaml");
	if (!yaml)
		return bad(c, c->g->line, err, "no Yaml key in group 'Kube'");
	_cleanup_free_ char *path = NULL;
	if (*yaml == '/') {
		path = pm_xstrdup(yaml);
	} else {
		const char *slash = strrchr(c->u->path, '/');
		path = slash ? pm_xasprintf("%.*s/%s", (int)(slash - c->u->path), c->u->path, yaml)
			     : pm_xstrdup(yaml);
	}
	_cleanup_strv_ char **w = NULL, **extra = NULL;
	r = command_start(c, &w, err);
	if (r < 0)
		return r;
	pm_strv_push(&w, "kube");
	pm_strv_push(&w, "play");
	pm_strv_push(&w, "--replace");
	r = table_args(c, kube_keys, ARRAY_SIZE(kube_keys), &w, err);
	if (r < 0)
		return r;
	/* AutoUpdate=POLICY or CONTAINER/POLICY (repeatable, words): podman's Quadlet makes
	 * each the pods' annotation, which kube play turns into the containers' label */
	_cleanup_strv_ char **au = NULL;
	r = list_words(c, "AutoUpdate", &au, err);
	if (r < 0)
		return r;
	for (char **p = au; p && *p; p++) {
		const char *slash = strchr(*p, '/');
		pm_strv_consume(
			&w, slash ? pm_xasprintf("--annotation=io.containers.autoupdate/"
						 "%.*s=%s",
						 (int)(slash - *p), *p, slash + 1)
				  : pm_xasprintf("--annotation=io.containers.autoupdate=%s", *p));
	}
	r = list_words(c, "PodmanArgs", &extra, err);
	if (r < 0)
		return r;
	for (char **p = extra; p && *p; p++)
		pm_strv_push(&w, *p);
	pm_strv_push(&w, path);
	_cleanup_free_ char *play = exec_line(w), *down = NULL;
	r = command(c, &down, err, WORDS("kube", "down", path));
	if (r < 0)
		return r;
	pm_strv_push(&c->service_extra, "Environment=PODMAN_SYSTEMD_UNIT=%n");
	pm_strv_push(&c->service_extra, "?Type=oneshot");
	pm_strv_push(&c->service_extra, "?RemainAfterExit=yes");
	pm_strv_push(&c->service_extra, "?SyslogIdentifier=%N");
	pm_strv_push(&c->service_extra, "?TimeoutStopSec=70");
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStart=%s", play));
	pm_strv_consume(&c->service_extra, pm_xasprintf("ExecStopPost=%s", down));
	return 0;
}

static void write_entries(FILE *f, const struct pm_unit_group *g)
{
	for (size_t i = 0; g && i < g->n_entries; i++)
		fprintf(f, "%s=%s\n", g->entries[i].key, g->entries[i].value);
}

/* [Service] as written: the user's lines may set Type= and the like ("?" lines are
 * defaults), never the commands Quadlet makes. */
static int check_service(const struct conv *c, const struct pm_unit_group *svc, pm_error **err)
{
	static const char *const made[] = {"ExecStart", "ExecStop", "ExecStopPost"};
	for (size_t i = 0; svc && i < svc->n_entries; i++) {
		const struct pm_unit_entry *e = &svc->entries[i];
		for (size_t j = 0; j < ARRAY_SIZE(made); j++)
			if (!strcmp(e->key, made[j]))
				return bad(c, e->line, err,
					   "key '%s' in group 'Service' is made by Quadlet from "
					   "group '%s' (remove it)",
					   e->key, c->g->name);
		if (!strcmp(e->key, "KillMode") && c->u->kind == PM_QUADLET_CONTAINER &&
		    strcmp(e->value, "mixed") && strcmp(e->value, "control-group"))
			return bad(c, e->line, err,
				   "invalid value '%s' for key 'KillMode': mixed or control-group",
				   e->value);
	}
	return 0;
}

/* [Install] WantedBy=/RequiredBy=/UpheldBy=/Alias= as generator links. */
static int install_links(const struct conv *c, char ***ret, pm_error **err)
{
	const struct pm_unit_group *ig = pm_unit_file_group(c->u->file, "Install");
	static const char *const kinds[][2] = {{"WantedBy", ".wants"},
					       {"RequiredBy", ".requires"},
					       {"UpheldBy", ".upholds"},
					       {"Alias", NULL}};
	for (size_t i = 0; ig && i < ig->n_entries; i++) {
		const struct pm_unit_entry *e = &ig->entries[i];
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			if (strcmp(e->key, kinds[k][0]))
				continue;
			_cleanup_strv_ char **w = NULL;
			int r = split(c, e, &w, err);
			if (r < 0)
				return r;
			for (char **p = w; *p; p++) {
				if (strchr(*p, '/') || !strchr(*p, '.') || **p == '.')
					return bad(c, e->line, err,
						   "invalid value '%s' for key '%s': not a unit "
						   "name",
						   *p, e->key);
				pm_strv_consume(ret, kinds[k][1] ? pm_xasprintf("%s%s/%s", *p,
										kinds[k][1],
										c->u->service)
								 : pm_xstrdup(*p));
			}
		}
	}
	return 0;
}

int pm_quadlet_convert(const struct pm_quadlet_set *set, const struct pm_quadlet_unit *u,
		       const struct pm_quadlet_opts *o, char **ret_text, char ***ret_links,
		       pm_error **err)
{
	static int (*const conv_fn[])(struct conv *, pm_error **) = {
		[PM_QUADLET_CONTAINER] = convert_container,
		[PM_QUADLET_POD] = convert_pod,
		[PM_QUADLET_VOLUME] = convert_volume,
		[PM_QUADLET_KUBE] = convert_kube,
	};
	const char *gname = kind_group[u->kind];
	struct conv c = {.set = set, .u = u, .o = o, .g = pm_unit_file_group(u->file, gname)};
	_cleanup_strv_ char **links = NULL;
	int r;
	if (!c.g) {
		r = pm_error_set(err, EINVAL, "%s: no [%s] group", u->path, gname);
		goto out;
	}
	const struct pm_unit_group *svc = pm_unit_file_group(u->file, "Service");
	if ((r = conv_fn[u->kind](&c, err)) < 0 || (r = check_service(&c, svc, err)) < 0 ||
	    (r = install_links(&c, &links, err)) < 0)
		goto out;

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		abort();
	fprintf(f, "# Made by pm-user-generator from %s\n# Do not edit: edit the source file.\n",
		u->path);
	fputs("[Unit]\n", f);
	write_entries(f, pm_unit_file_group(u->file, "Unit"));
	fprintf(f, "SourcePath=%s\n", u->path);
	for (char **p = c.unit_extra; p && *p; p++)
		fprintf(f, "%s\n", *p);
	fprintf(f, "\n[X-%s]\n", gname);
	write_entries(f, c.g);
	fputs("\n[Service]\n", f);
	write_entries(f, svc);
	for (char **p = c.service_extra; p && *p; p++) {
		if (**p == '?') {
			/* a default: only where the user's [Service] does not set it */
			const char *eq = strchr(*p, '=');
			_cleanup_free_ char *key = pm_xstrndup(*p + 1, (size_t)(eq - *p - 1));
			if (!pm_unit_group_last(svc, key))
				fprintf(f, "%s\n", *p + 1);
		} else {
			fprintf(f, "%s\n", *p);
		}
	}
	for (size_t i = 0; i < u->file->n_groups; i++) {
		const struct pm_unit_group *g = &u->file->groups[i];
		if (g == c.g || !strcmp(g->name, "Unit") || !strcmp(g->name, "Service"))
			continue;
		fprintf(f, "\n[%s]\n", g->name);
		write_entries(f, g);
	}
	fclose(f);
	*ret_text = text;
	*ret_links = TAKE_PTR(links);
	r = 0;
out:
	conv_free(&c);
	return r;
}
