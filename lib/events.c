/* events.c: the event log's line format, its human form, --filter matching, and the one
 * append (see events.h). Owns <runroot or --tmpdir>/events/events.log; never prints, and a failed
 * write is only logged at debug level: an event never fails the action it records.
 * Called by engine/, pods/, cli/ (writers) and cli/cmd-events.c (the reader). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/cleanup.h"
#include "lib/events.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"

void pm_event_clear(struct pm_event *ev)
{
	free(ev->type);
	free(ev->status);
	free(ev->id);
	free(ev->name);
	free(ev->image);
	free(ev->pod_id);
	pm_strv_free(ev->attrs);
	*ev = (struct pm_event){0};
}

char *pm_event_log_path(const char *runroot)
{
	const char *tmpdir = getenv(PM_TMPDIR_ENV); /* pm --tmpdir DIR */
	return pm_xasprintf("%s/events/events.log", tmpdir && *tmpdir ? tmpdir : runroot);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static char *encode(const struct pm_event *ev, bool with_attrs)
{
	_cleanup_json_ json_t *o = json_object();
	if (ev->has_exit_code && ev->exit_code) /* Go's omitempty */
		json_object_set_new(o, "ContainerExitCode", json_integer(ev->exit_code));
	set_str(o, "ID", ev->id);
	set_str(o, "Image", ev->image);
	set_str(o, "Name", ev->name);
	json_object_set_new(o, "Status", json_string(ev->status ? ev->status : ""));
	char t[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_utc(ev->time_ns, t);
	json_object_set_new(o, "Time", json_string(t));
	json_object_set_new(o, "Type", json_string(ev->type ? ev->type : ""));
	set_str(o, "PodID", ev->pod_id);
	json_object_set_new(o, "Attributes",
			    with_attrs && ev->attrs && ev->attrs[0]
				    ? pm_json_object_from_kv(ev->attrs, true)
				    : json_null());
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n + 1 >= PM_EVENT_LINE_MAX) {
		free(s);
		return NULL;
	}
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

char *pm_event_encode(const struct pm_event *ev)
{
	char *s = encode(ev, true);
	return s ? s : encode(ev, false);
}

static char *dup_field(const json_t *o, const char *key)
{
	const char *s = pm_json_string(o, key);
	return s ? pm_xstrdup(s) : NULL;
}

int pm_event_decode(const char *line, size_t len, struct pm_event *ret)
{
	*ret = (struct pm_event){0};
	_cleanup_json_ json_t *o = json_loadb(line, len, JSON_DISABLE_EOF_CHECK, NULL);
	if (!o || !json_is_object(o))
		return -EINVAL;
	const char *type = pm_json_string(o, "Type"), *status = pm_json_string(o, "Status"),
		   *t = pm_json_string(o, "Time");
	int64_t ns;
	if (!type || !status || !t || pm_time_parse_rfc3339(t, strlen(t), &ns, NULL) < 0)
		return -EINVAL;
	ret->type = pm_xstrdup(type);
	ret->status = pm_xstrdup(status);
	ret->time_ns = ns;
	ret->id = dup_field(o, "ID");
	ret->name = dup_field(o, "Name");
	ret->image = dup_field(o, "Image");
	ret->pod_id = dup_field(o, "PodID");
	json_t *code = json_object_get(o, "ContainerExitCode");
	if (json_is_integer(code)) {
		ret->has_exit_code = true;
		ret->exit_code = (int)json_integer_value(code);
	}
	json_t *attrs = json_object_get(o, "Attributes");
	if (json_is_object(attrs)) {
		const char *k;
		json_t *v;
		json_object_foreach(attrs, k, v) {
			if (json_is_string(v))
				pm_strv_consume(&ret->attrs,
						pm_xasprintf("%s=%s", k, json_string_value(v)));
		}
	}
	return 0;
}

/* The log stays open for this process's next events (rm -f writes four): its descriptor,
 * the path it is of and the process that opened it (a forked child, which may have closed
 * it, opens its own). */
static struct {
	int fd;
	pid_t pid;
	char *path;
} log_open = {.fd = -1};

static int open_log(const char *path)
{
	pid_t self = getpid();
	if (log_open.fd >= 0 && log_open.pid == self && !strcmp(log_open.path, path))
		return log_open.fd;
	/* <runroot or --tmpdir>/events made when the open says it is missing (issue #20) */
	const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
	int fd = open(path, flags, 0600);
	if (fd < 0 && errno == ENOENT) {
		_cleanup_free_ char *dir = pm_xstrdup(path);
		*strrchr(dir, '/') = '\0';
		pm_mkdir_p(dir, 0700, NULL);
		fd = open(path, flags, 0600);
	}
	if (fd < 3) /* on a closed stdio slot: not kept (stdio may be replaced) */
		return fd;
	if (log_open.fd >= 0 && log_open.pid == self)
		close(log_open.fd);
	free(log_open.path);
	log_open.fd = fd;
	log_open.pid = self;
	log_open.path = pm_xstrdup(path);
	return fd;
}

void pm_event_write(const char *runroot, const struct pm_event *ev)
{
	const char *backend = getenv(PM_EVENTS_BACKEND_ENV);
	if (backend && !strcmp(backend, "none"))
		return;
	struct pm_event copy = *ev;
	if (!copy.time_ns)
		copy.time_ns = pm_time_now_ns();
	_cleanup_free_ char *line = pm_event_encode(&copy);
	_cleanup_free_ char *path = pm_event_log_path(runroot);
	if (!line) {
		pm_log_debug("event %s %s: too long, not logged", ev->type, ev->status);
		return;
	}
	int fd = open_log(path);
	size_t n = strlen(line);
	if (fd < 0 || write(fd, line, n) != (ssize_t)n)
		pm_log_debug("writing event to %s: %s", path, strerror(errno));
	if (fd >= 0 && fd < 3)
		close(fd);
}

void pm_event_emit(const char *runroot, const char *type, const char *status, const char *id,
		   const char *name, const char *image)
{
	struct pm_event ev = {.type = (char *)type,
			      .status = (char *)status,
			      .id = (char *)id,
			      .name = (char *)name,
			      .image = (char *)image};
	pm_event_write(runroot, &ev);
}

char *pm_event_template(const char *runroot, const struct pm_event *ev)
{
	const char *backend = getenv(PM_EVENTS_BACKEND_ENV);
	if (backend && !strcmp(backend, "none"))
		return NULL;
	struct pm_event copy = *ev;
	copy.time_ns = 0;
	copy.has_exit_code = false;
	/* room for the exit code and the time's fraction */
	_cleanup_free_ char *line = encode(&copy, true);
	if (line && strlen(line) + 64 >= PM_EVENT_LINE_MAX) {
		free(line);
		line = NULL;
	}
	if (!line && !(line = encode(&copy, false)))
		return NULL;
	_cleanup_free_ char *path = pm_event_log_path(runroot);
	return pm_xasprintf("%s\n%s", path, line);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

char *pm_event_human(const struct pm_event *ev, bool trunc)
{
	char t[PM_TIME_BUF_LEN];
	pm_time_format_go_string(ev->time_ns, t);
	_cleanup_free_ char *id = pm_xstrdup(nz(ev->id));
	if (trunc && strlen(id) > 12)
		id[12] = '\0';
	const char *type = nz(ev->type), *status = nz(ev->status);
	if (!strcmp(type, "image"))
		return pm_xasprintf("%s %s %s %s %s", t, type, status, id, nz(ev->name));
	if (strcmp(type, "container") && strcmp(type, "pod")) {
		if (!ev->name || !*ev->name)
			return pm_xasprintf("%s %s %s", t, type, status);
		return pm_xasprintf("%s %s %s %s", t, type, status, ev->name);
	}
	char *s = pm_xasprintf("%s %s %s %s (image=%s, name=%s", t, type, status, id, nz(ev->image),
			       nz(ev->name));
	if (ev->pod_id && *ev->pod_id) {
		char *n = pm_xasprintf("%s, pod_id=%s", s, ev->pod_id);
		free(s);
		s = n;
	}
	_cleanup_strv_ char **attrs = pm_strv_copy(ev->attrs);
	size_t na = pm_strv_length(attrs);
	if (na)
		qsort(attrs, na, sizeof(*attrs), cmp_str);
	for (size_t i = 0; i < na; i++) {
		char *n = pm_xasprintf("%s, %s", s, attrs[i]);
		free(s);
		s = n;
	}
	char *n = pm_xasprintf("%s)", s);
	free(s);
	return n;
}

static const char *const filter_keys[] = {"container", "event",	 "image", "label",
					  "pod",       "status", "type",  "volume"};

int pm_event_filters_add(struct pm_event_filters *f, const char *kv, pm_error **err)
{
	const char *eq = strchr(kv, '=');
	if (!eq)
		return pm_error_set(err, EINVAL, "invalid filter %s: filters must be key=value",
				    kv);
	_cleanup_free_ char *key = pm_xstrndup(kv, (size_t)(eq - kv));
	bool known = false;
	for (size_t i = 0; i < sizeof(filter_keys) / sizeof(*filter_keys); i++)
		known |= !strcmp(key, filter_keys[i]);
	if (!known)
		return pm_error_set(err, EINVAL, "%s is an invalid filter", key);
	if (f->n >= PM_EVENT_FILTERS_MAX)
		return pm_error_set(err, E2BIG, "too many filters (at most %d)",
				    PM_EVENT_FILTERS_MAX);
	if (!strcmp(key, "status")) {
		free(key);
		key = pm_xstrdup("event");
	}
	f->key[f->n] = TAKE_PTR(key);
	f->value[f->n] = pm_xstrdup(eq + 1);
	f->n++;
	return 0;
}

void pm_event_filters_clear(struct pm_event_filters *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->key[i]);
		free(f->value[i]);
	}
	f->n = 0;
}

static bool id_or_name(const struct pm_event *ev, const char *v)
{
	if (ev->name && !strcmp(ev->name, v))
		return true;
	return ev->id && *v && pm_str_startswith(ev->id, v);
}

static bool match_one(const char *key, const char *v, const struct pm_event *ev)
{
	const char *type = nz(ev->type);
	if (!strcmp(key, "container"))
		return !strcmp(type, "container") && id_or_name(ev, v);
	if (!strcmp(key, "pod"))
		return (!strcmp(type, "pod") && id_or_name(ev, v)) ||
		       (ev->pod_id && *v && pm_str_startswith(ev->pod_id, v));
	if (!strcmp(key, "volume"))
		return !strcmp(type, "volume") && id_or_name(ev, v);
	if (!strcmp(key, "event"))
		return !strcmp(nz(ev->status), v);
	if (!strcmp(key, "type"))
		return !strcmp(type, v);
	if (!strcmp(key, "image")) {
		if (!strcmp(type, "image"))
			return id_or_name(ev, v);
		return ev->image && !strcmp(ev->image, v);
	}
	if (!strcmp(key, "label")) {
		/* KEY or KEY=VALUE */
		size_t kl = strcspn(v, "=");
		for (char **a = ev->attrs; a && *a; a++) {
			size_t al = strcspn(*a, "=");
			if (al != kl || strncmp(*a, v, kl))
				continue;
			if (!v[kl] || !strcmp(*a + al + ((*a)[al] ? 1 : 0), v + kl + 1))
				return true;
		}
		return false;
	}
	return false;
}

bool pm_event_match(const struct pm_event_filters *f, const struct pm_event *ev)
{
	for (size_t i = 0; i < f->n; i++) {
		/* the first filter of its key decides for every value of that key */
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(f->key[j], f->key[i]))
				first = false;
		if (!first)
			continue;
		bool any = false;
		for (size_t j = i; j < f->n && !any; j++)
			if (!strcmp(f->key[j], f->key[i]))
				any = match_one(f->key[j], f->value[j], ev);
		if (!any)
			return false;
	}
	return true;
}
