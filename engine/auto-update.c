/* auto-update.c: podman auto-update (see auto-update.h): the candidates from the running
 * containers' labels, one task per unit, the registry or local check, the pull, the unit's
 * restart and the rollback. The registry's HEAD is registry/pull.c's, the restart
 * systemd/restart.c's. Holds no lock while a unit restarts: its ExecStop and ExecStart run
 * pm. Never prints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/auto-update.h"
#include "engine/config-json.h"
#include "engine/ps.h"
#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "storage/image.h"
#include "storage/reference.h"
#include "systemd/restart.h"

int pm_autoupdate_policy_parse(const char *s, enum pm_autoupdate_policy *ret, pm_error **err)
{
	if (!*s || !strcmp(s, "disabled"))
		*ret = PM_AUTOUPDATE_DISABLED;
	else if (!strcmp(s, "registry") || !strcmp(s, "image"))
		*ret = PM_AUTOUPDATE_REGISTRY;
	else if (!strcmp(s, "local"))
		*ret = PM_AUTOUPDATE_LOCAL;
	else
		return pm_error_set(err, EINVAL,
				    "invalid auto-update policy \"%s\": valid policies are "
				    "[\"disabled\" \"image\" \"local\" \"registry\"]",
				    s);
	return 0;
}

bool pm_autoupdate_name_qualified(const char *name)
{
	const char *slash = strchr(name, '/');
	if (!slash)
		return false;
	size_t n = (size_t)(slash - name);
	return memchr(name, '.', n) || memchr(name, ':', n) ||
	       (n == 9 && !strncmp(name, "localhost", 9));
}

void pm_autoupdate_reports_free(struct pm_autoupdate_report *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].unit);
		free(v[i].ctr_id);
		free(v[i].ctr_name);
		free(v[i].image);
	}
	free(v);
}

/* the last value of key among "k=v" labels (the container's come after its image's) */
static const char *label_get(char *const *labels, const char *key)
{
	const char *val = NULL;
	size_t kl = strlen(key);
	for (char *const *l = labels; l && *l; l++)
		if (!strncmp(*l, key, kl) && ((*l)[kl] == '=' || !(*l)[kl]))
			val = (*l)[kl] ? *l + kl + 1 : "";
	return val;
}

struct task {
	char *unit, *raw, *authfile;
	struct pm_container *c; /* borrowed from the ps rows */
	enum pm_autoupdate_policy policy;
	int count; /* tasks of this unit */
};

static int task_cmp(const void *a, const void *b)
{
	return strcmp(((const struct task *)a)->unit, ((const struct task *)b)->unit);
}

/* an error's text, also when a lower layer returned one without setting it */
static const char *msg_of(const pm_error *e)
{
	return e && e->msg ? e->msg : "unknown error";
}

static void errors_add(char ***errors, pm_error **e)
{
	pm_strv_push(errors, msg_of(*e));
	*e = pm_error_free(*e);
}

/* The unit's restart; with rollback, when it fails: the old image gets raw back and the
 * unit restarts once more. Sets rep->updated. */
static int restart(const struct pm_autoupdate_opts *o, const struct task *t, const char *old_id,
		   struct pm_autoupdate_report *rep, pm_error **err)
{
	_cleanup_error_ pm_error *rerr = NULL;
	if (pm_systemd_unit_restart(t->unit, &rerr) >= 0) {
		rep->updated = "true";
		return 0;
	}
	if (!o->rollback)
		return pm_error_set(
			err, EIO,
			"auto-updating container \"%s\": restarting systemd unit \"%s\" "
			"failed: %s",
			t->c->id, t->unit, msg_of(rerr));
	struct pm_reference ref = {0};
	_cleanup_free_ char *name = NULL;
	if (pm_reference_parse(t->raw, PM_REF_LOCAL, &ref, NULL) >= 0) {
		name = pm_reference_string(&ref);
		pm_reference_free(&ref);
	}
	_cleanup_error_ pm_error *terr = NULL;
	if (pm_image_tag(o->store, old_id, name ? name : t->raw, &terr) < 0)
		return pm_error_set(err, EIO, "falling back to previous image: %s", msg_of(terr));
	pm_error_free(TAKE_PTR(rerr));
	if (pm_systemd_unit_restart(t->unit, &rerr) < 0)
		return pm_error_set(
			err, EIO,
			"restarting unit with old image during fallback: "
			"auto-updating container \"%s\": restarting systemd unit \"%s\" "
			"failed: %s",
			t->c->id, t->unit, msg_of(rerr));
	rep->updated = "rolled back";
	return 0;
}

static int update_registry(const struct pm_autoupdate_opts *o, const struct task *t, char ***pulled,
			   struct pm_autoupdate_report *rep, pm_error **err)
{
	const char *cid = t->c->id;
	struct pm_pull_opts po = *o->pull;
	if (t->authfile)
		po.reg.authfile = t->authfile;
	po.event = NULL;
	po.all_tags = false;
	if (!o->dry_run && pm_strv_contains(*pulled, t->raw)) /* another unit pulled it */
		return restart(o, t, t->c->image_id, rep, err);
	struct pm_image_record rec = {0};
	_cleanup_error_ pm_error *lerr = NULL;
	int r = pm_image_resolve(o->store, t->c->image_id, &rec, &lerr);
	bool newer = false;
	if (r >= 0)
		r = pm_pull_check_newer(t->raw, &rec, &po, &newer, &lerr);
	pm_image_record_free(&rec);
	if (r < 0)
		return pm_error_set(
			err, -r,
			"registry auto-updating container \"%s\": image check for \"%s\" "
			"failed: %s",
			cid, t->raw, msg_of(lerr));
	if (!newer) {
		rep->updated = "false";
		return 0;
	}
	if (o->dry_run) {
		rep->updated = "pending";
		return 0;
	}
	_cleanup_strv_ char **ids = NULL;
	r = pm_pull(o->store, t->raw, &po, &ids, &lerr);
	if (r < 0)
		return pm_error_set(
			err, -r,
			"registry auto-updating container \"%s\": image update for \"%s\" "
			"failed: %s",
			cid, t->raw, msg_of(lerr));
	pm_strv_push(pulled, t->raw);
	return restart(o, t, t->c->image_id, rep, err);
}

static int update_local(const struct pm_autoupdate_opts *o, const struct task *t,
			struct pm_autoupdate_report *rep, pm_error **err)
{
	struct pm_image_record rec = {0};
	_cleanup_error_ pm_error *lerr = NULL;
	int r = pm_image_resolve(o->store, t->raw, &rec, &lerr);
	if (r < 0)
		return pm_error_set(
			err, -r,
			"locally auto-updating container \"%s\": image check for \"%s\" "
			"failed: %s",
			t->c->id, t->raw, msg_of(lerr));
	bool newer = strcmp(rec.id, t->c->image_id) != 0;
	pm_image_record_free(&rec);
	if (!newer) {
		rep->updated = "false";
		return 0;
	}
	if (o->dry_run) {
		rep->updated = "pending";
		return 0;
	}
	return restart(o, t, t->c->image_id, rep, err);
}

/* the name the container was made from, as typed (its record's image_name is the image's
 * first name) */
static char *raw_image_name(const struct pm_container *c)
{
	struct pm_container_config cfg = {0};
	char *raw = NULL;
	if (c->config_json && pm_config_from_json(c->config_json, &cfg, NULL) >= 0 && cfg.image)
		raw = pm_xstrdup(cfg.image);
	pm_spec_config_clear(&cfg);
	return raw ? raw : pm_xstrdup(c->image_name ? c->image_name : "");
}

int pm_engine_auto_update(const struct pm_engine *e, const struct pm_autoupdate_opts *o,
			  struct pm_autoupdate_report **ret, size_t *ret_n, char ***ret_errors,
			  pm_error **err)
{
	struct pm_ps_opts po = {.last = -1};
	struct pm_ps_row *rows = NULL;
	size_t nrows = 0;
	int r = pm_engine_ps_rows(e, &po, &rows, &nrows, err);
	if (r < 0)
		return r;
	char **errors = NULL;
	struct task *tasks = pm_xcalloc(nrows + 1, sizeof(*tasks));
	size_t nt = 0;
	for (size_t i = 0; i < nrows; i++) {
		struct pm_container *c = rows[i].c;
		if (!pm_ctr_is_running(c))
			continue;
		const char *val = label_get(rows[i].labels, PM_AUTOUPDATE_LABEL);
		if (!val)
			continue;
		enum pm_autoupdate_policy pol;
		_cleanup_error_ pm_error *perr = NULL;
		if (pm_autoupdate_policy_parse(val, &pol, &perr) < 0) {
			errors_add(&errors, &perr);
			continue;
		}
		if (pol == PM_AUTOUPDATE_DISABLED)
			continue;
		const char *unit = label_get(rows[i].labels, PM_SYSTEMD_UNIT_LABEL);
		if (!unit) {
			pm_strv_consume(&errors,
					pm_xasprintf("auto-updating container \"%s\": no %s label "
						     "found",
						     c->id, PM_SYSTEMD_UNIT_LABEL));
			continue;
		}
		const char *af = label_get(rows[i].labels, PM_AUTOUPDATE_AUTHFILE_LABEL);
		tasks[nt++] = (struct task){
			.unit = pm_xstrdup(unit),
			.raw = raw_image_name(c),
			.authfile = af && *af ? pm_xstrdup(af) : NULL,
			.c = c,
			.policy = pol,
		};
	}
	qsort(tasks, nt, sizeof(*tasks), task_cmp);
	struct pm_autoupdate_report *reps = pm_xcalloc(nt + 1, sizeof(*reps));
	size_t nr = 0;
	_cleanup_strv_ char **pulled = NULL;
	for (size_t i = 0; i < nt; i++) {
		struct task *t = &tasks[i];
		size_t same = 1;
		while (i + same < nt && !strcmp(tasks[i + same].unit, t->unit))
			same++;
		if (same > 1) { /* podman's: one container per unit */
			pm_strv_consume(
				&errors,
				pm_xasprintf("only 1 task per unit supported but unit %s has "
					     "%zu",
					     t->unit, same));
			i += same - 1;
			continue;
		}
		if (!*t->raw) {
			pm_strv_consume(&errors,
					pm_xasprintf("%s auto-updating container \"%s\": "
						     "raw-image name is empty",
						     t->policy == PM_AUTOUPDATE_LOCAL ? "locally"
										      : "registry",
						     t->c->id));
			continue;
		}
		struct pm_autoupdate_report *rep = &reps[nr++];
		*rep = (struct pm_autoupdate_report){
			.unit = pm_xstrdup(t->unit),
			.ctr_id = pm_xstrdup(t->c->id),
			.ctr_name = pm_xstrdup(t->c->name),
			.image = pm_xstrdup(t->raw),
			.policy = t->policy == PM_AUTOUPDATE_LOCAL ? "local" : "registry",
			.updated = "failed",
		};
		_cleanup_error_ pm_error *terr = NULL;
		int tr = t->policy == PM_AUTOUPDATE_LOCAL
				 ? update_local(o, t, rep, &terr)
				 : update_registry(o, t, &pulled, rep, &terr);
		if (tr < 0)
			errors_add(&errors, &terr);
	}
	for (size_t i = 0; i < nt; i++) {
		free(tasks[i].unit);
		free(tasks[i].raw);
		free(tasks[i].authfile);
	}
	free(tasks);
	pm_ps_rows_free(rows, nrows);
	*ret = reps;
	*ret_n = nr;
	*ret_errors = errors;
	return 0;
}
