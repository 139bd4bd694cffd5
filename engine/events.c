/* events.c: container events for the engine (see events.h). Reads the container's labels
 * from its config; writes through lib/events.h. Called by engine/run.c, ctr-state.c,
 * monitor.c, exec.c, pause.c and the cli for the actions the engine has no verb for. */
#include "engine/events.h"
#include "engine/config-json.h"
#include "engine/spec.h"
#include "lib/events.h"

static void emit(const struct pm_engine *e, const struct pm_container *c, const char *status,
		 bool died)
{
	if (!e || !e->paths || !e->paths->runroot || !c)
		return;
	struct pm_container_config cfg = {0};
	bool have = c->config_json && pm_config_from_json(c->config_json, &cfg, NULL) == 0;
	struct pm_event ev = {
		.type = (char *)"container",
		.status = (char *)status,
		.id = c->id,
		.name = c->name,
		.image = c->image_name,
		/* podman leaves the pod out of "died" */
		.pod_id = died ? NULL : c->pod_id,
		.has_exit_code = died,
		.exit_code = died ? c->state.exit_code : 0,
		.attrs = have ? cfg.labels : NULL,
	};
	pm_event_write(e->paths->runroot, &ev);
	if (have)
		pm_spec_config_clear(&cfg);
}

void pm_engine_event(const struct pm_engine *e, const struct pm_container *c, const char *status)
{
	emit(e, c, status, false);
}

void pm_engine_event_died(const struct pm_engine *e, const struct pm_container *c)
{
	emit(e, c, "died", true);
}
