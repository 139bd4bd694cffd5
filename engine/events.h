/* events.h: the engine's events (lib/events.h) for a container: one call per action, made
 * where the action succeeded, so that each hook in the engine is one line. The event carries
 * the container's id, name, image, pod and labels (podman's Attributes). Never fails. */
#pragma once

#include "engine/container.h"
#include "engine/engine.h"

/* status: create, init, start, stop, kill, pause, unpause, remove, cleanup, exec, commit,
 * rename, restart, attach, ... */
void pm_engine_event(const struct pm_engine *e, const struct pm_container *c, const char *status);

/* "died", with the exit code the record holds. */
void pm_engine_event_died(const struct pm_engine *e, const struct pm_container *c);

/* "exec_died" of an exec session that ended with exit_code (podman's: no pod, the exit code
 * in ContainerExitCode). */
void pm_engine_event_exec_died(const struct pm_engine *e, const struct pm_container *c,
			       int exit_code);

/* The same as a template (lib/events.h pm_event_template) for the session's monitor to
 * write when the process ends; NULL when events are off. */
char *pm_engine_event_exec_died_template(const struct pm_engine *e, const struct pm_container *c);
