/* ctr-secrets.h: a container's secrets (`run/create --secret NAME[,type=mount|env,...]`).
 *
 * At create the secrets are resolved (an unknown one fails before anything is made) and
 * their values copied into the container's own record dir, <record>/secrets/<i> (the i-th
 * --secret), so that removing a secret later does not break the container: a mount secret
 * with its mode (default 0444) and uid/gid, an env secret 0600. The config keeps only the
 * --secret values and the secrets' ids (SecretIds), never a value. At start the mount
 * secrets are bound read-only at their targets and the env secrets become variables of
 * the container's process and of its exec sessions (not of its config: inspect does not
 * show them). */
#pragma once

#include "engine/engine.h"
#include "engine/spec.h"
#include "lib/error.h"
#include "runtime/runtime.h"

/* Parse every --secret of cfg and look the secrets up: *ret_ids gets their ids, in order
 * (NULL when there are none). -EINVAL naming a bad value, -ENOENT naming a missing secret. */
int pm_engine_secrets_resolve(const struct pm_engine *e, const struct pm_container_config *cfg,
			      char ***ret_ids, pm_error **err);

/* Copy the values of cfg's secrets into ctr_dir/secrets/ (by the resolved ids). */
int pm_engine_secrets_copy(const struct pm_engine *e, const struct pm_container_config *cfg,
			   const char *ctr_dir, pm_error **err);

/* Set cfg's env secrets in *env (a KEY=VALUE list): the start's and exec's processes. */
int pm_engine_secrets_env(const struct pm_container_config *cfg, const char *ctr_dir, char ***env,
			  pm_error **err);

/* Add cfg's secrets to the runtime spec: read-only binds and environment variables. */
int pm_engine_secrets_apply(const struct pm_container_config *cfg, const char *ctr_dir,
			    struct pm_runtime_spec *spec, pm_error **err);
