/* events.c: container events for the engine (see events.h). Reads the container's labels
 * from its config; writes through lib/events.h. Called by engine/run.c, ctr-state.c,
 * monitor.c, exec.c, pause.c and the cli for the actions the engine has no verb for. */
#include "engine/events.h"
#include "engine/config-json.h"
#include "engine/spec.h"
#include "lib/events.h"

/* Fill ev for c (the labels from cfg, which the caller clears when *have). */
static bool fill(const struct pm_engine *e, const struct pm_container *c, const char *status,
		 bool died, int exit_code, struct pm_container_config *cfg, bool *have,
		 struct pm_event *ev)
{
	if (!e || !e->paths || !e->paths->runroot || !c)
		return false;
	*have = c->config_json && pm_config_from_json(c->config_json, cfg, NULL) == 0;
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
		.attrs = *have ? cfg->labels : NULL,
	};
	return true;
}

static void emit(const struct pm_engine *e, const struct pm_container *c, const char *status,
		 bool died, int exit_code)
{
	struct pm_container_config cfg = {0};
	struct pm_event ev;
	bool have = false;
	if (!fill(e, c, status, died, exit_code, &cfg, &have, &ev))
		return;
	pm_event_write(e->paths->runroot, &ev);
	if (have)
		pm_spec_config_clear(&cfg);
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
	struct pm_container_config cfg = {0};
	struct pm_event ev;
	bool have = false;
	if (!fill(e, c, "exec_died", true, 0, &cfg, &have, &ev))
		return NULL;
	char *t = pm_event_template(e->paths->runroot, &ev);
	if (have)
		pm_spec_config_clear(&cfg);
	return t;
}
