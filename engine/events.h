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
