/* generate.h: `generate kube`: pods and containers as Kubernetes YAML (a Pod per pod or
 * container, a Service with -s) written with libyaml's emitter, so that `play kube` of it
 * makes the same pods again (command, args, env, ports, volumes, working dir, restart
 * policy, security context) and a cluster accepts it. Never prints. */
#pragma once

#include <stdbool.h>

#include "engine/engine.h"
#include "lib/error.h"

/* The YAML of refs (pod or container names or ids; a name is looked up as a pod first) in
 * *ret. service: a NodePort Service per pod with published ports. Unknown ref: -ENOENT,
 * podman's message. */
int pm_kube_generate(const struct pm_engine *e, char *const *refs, bool service, char **ret,
		     pm_error **err);
