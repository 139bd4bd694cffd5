/* events.c: container events for the engine (see events.h). Reads the container's labels
 * from its config; writes through lib/events.h. Called by engine/run.c, ctr-state.c,
 * monitor.c, exec.c, pause.c and the cli for the actions the engine has no verb for. */
#include "engine/events.h"
#include "engine/config-json.h"
#include "engine/spec.h"
#include "lib/events.h"
#include "lib/jscan.h"
#include "lib/strutil.h"

/* The labels of c's config ("Labels", a list of "k=v"; NULL for none), read with jscan:
 * no jansson tree and no conversion of the whole config per event (rm -f writes four,
 * issue #20); jansson's reader when jscan refuses the text. */
static char **labels_of(const struct pm_container *c)
{
	const char *text = c->config_json;
	if (!text)
		return NULL;
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	int r = pm_jscan_object(&s, text, strlen(text));
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &v)) > 0) {
		if (!pm_jscan_key_is(&k, "Labels"))
			continue;
		char **labels = NULL;
		if (v.type == PM_JSCAN_NULL)
			return NULL;
		if (pm_jscan_strv(&v, &labels) < 0)
			break;
		if (!labels[0])
			labels = (pm_strv_free(labels), NULL);
		return labels;
	}
	if (r == 0)
		return NULL; /* no labels */
	struct pm_container_config cfg = {0};
	if (pm_config_from_json(text, &cfg, NULL) < 0)
		return NULL;
	char **labels = TAKE_PTR(cfg.labels);
	pm_spec_config_clear(&cfg);
	return labels;
}

/* Fill ev for c (its labels malloc'd: the caller frees ev->attrs). */
static bool fill(const struct pm_engine *e, const struct pm_container *c, const char *status,
		 bool died, int exit_code, struct pm_event *ev)
{
	if (!e || !e->paths || !e->paths->runroot || !c)
		return false;
	*ev = (struct pm_event){
		.type = (char *)"container",
		.status = (char *)status,
		.id = c->id,
		.name = c->name,
		.image = c->image_name,
		/* podman leaves the pod out of "died" and "exec_died" */
		.pod_id = died ? NULL : c->pod_id,
		.has_exit_code = died,
		.exit_code = died ? exit_code : 0,
		.attrs = labels_of(c),
	};
	return true;
}

static void emit(const struct pm_engine *e, const struct pm_container *c, const char *status,
		 bool died, int exit_code)
{
	struct pm_event ev;
	if (!fill(e, c, status, died, exit_code, &ev))
		return;
	pm_event_write(e->paths->runroot, &ev);
	pm_strv_free(ev.attrs);
}

void pm_engine_event(const struct pm_engine *e, const struct pm_container *c, const char *status)
{
	emit(e, c, status, false, 0);
}

void pm_engine_event_died(const struct pm_engine *e, const struct pm_container *c)
{
	emit(e, c, "died", true, c->state.exit_code);
}

void pm_engine_event_exec_died(const struct pm_engine *e, const struct pm_container *c,
			       int exit_code)
{
	emit(e, c, "exec_died", true, exit_code);
}

char *pm_engine_event_exec_died_template(const struct pm_engine *e, const struct pm_container *c)
{
	struct pm_event ev;
	if (!fill(e, c, "exec_died", true, 0, &ev))
		return NULL;
	char *t = pm_event_template(e->paths->runroot, &ev);
	pm_strv_free(ev.attrs);
	return t;
}
