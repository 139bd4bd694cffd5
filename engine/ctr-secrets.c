/* ctr-secrets.c: a container's --secret values: resolved and copied at create, bound and
 * put in the environment at start (see ctr-secrets.h). Never prints, never logs a value.
 * Called by engine/run.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/ctr-secrets.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/secret.h"

PM_DEFINE_CLEANUP_VALUE(struct pm_secret_use, pm_secret_use_clear)

int pm_engine_secrets_resolve(const struct pm_engine *e, const struct pm_container_config *cfg,
			      char ***ret_ids, pm_error **err)
{
	_cleanup_strv_ char **ids = NULL;
	for (char **s = cfg->secrets; s && *s; s++) {
		_cleanup_(pm_secret_use_clearp) struct pm_secret_use u = {0};
		int r = pm_secret_use_parse(*s, &u, err);
		if (r < 0)
			return r;
		_cleanup_secret_ struct pm_secret *sec = NULL;
		r = pm_secret_lookup(e->paths->root, u.source, &sec, err);
		if (r < 0)
			return r;
		pm_strv_push(&ids, sec->id);
	}
	*ret_ids = TAKE_PTR(ids);
	return 0;
}

static char *secret_file(const char *ctr_dir, size_t i)
{
	return pm_xasprintf("%s/secrets/%zu", ctr_dir, i);
}

int pm_engine_secrets_copy(const struct pm_engine *e, const struct pm_container_config *cfg,
			   const char *ctr_dir, pm_error **err)
{
	if (!cfg->secrets || !cfg->secrets[0])
		return 0;
	_cleanup_free_ char *dir = pm_path_join(ctr_dir, "secrets");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return pm_error_set_errno(err, errno, "creating '%s'", dir);
	for (size_t i = 0; cfg->secrets[i]; i++) {
		_cleanup_(pm_secret_use_clearp) struct pm_secret_use u = {0};
		int r = pm_secret_use_parse(cfg->secrets[i], &u, err);
		if (r < 0)
			return r;
		/* by id: the secret create resolved, even if renamed meanwhile */
		const char *ref =
			pm_strv_length(cfg->secret_ids) > i ? cfg->secret_ids[i] : u.source;
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		r = pm_secret_read_data(e->paths->root, ref, &data, &len, err);
		if (r < 0)
			return r;
		_cleanup_free_ char *path = secret_file(ctr_dir, i);
		r = pm_write_file_atomic(path, data, len, 0600, err);
		explicit_bzero(data, len);
		if (r < 0)
			return r;
		if (u.type != PM_SECRET_MOUNT)
			continue;
		if ((u.uid || u.gid) && chown(path, u.uid, u.gid) < 0)
			return pm_error_set_errno(err, errno,
						  "secret %s: cannot give it to uid %u gid %u",
						  u.source, u.uid, u.gid);
		if (chmod(path, u.mode & 07777) < 0)
			return pm_error_set_errno(err, errno, "secret %s: mode %o", u.source,
						  u.mode);
	}
	return 0;
}

int pm_engine_secrets_env(const struct pm_container_config *cfg, const char *ctr_dir, char ***env,
			  pm_error **err)
{
	for (size_t i = 0; cfg->secrets && cfg->secrets[i]; i++) {
		_cleanup_(pm_secret_use_clearp) struct pm_secret_use u = {0};
		int r = pm_secret_use_parse(cfg->secrets[i], &u, err);
		if (r < 0)
			return r;
		if (u.type != PM_SECRET_ENV)
			continue;
		_cleanup_free_ char *path = secret_file(ctr_dir, i);
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		r = pm_read_file(path, PM_SECRET_MAX_SIZE, &data, &len, err);
		if (r < 0)
			return pm_error_prefix(err, "secret %s", u.source);
		_cleanup_free_ char *kv = pm_xasprintf("%s=%s", u.target, data);
		pm_spec_env_set(env, kv);
		explicit_bzero(kv, strlen(kv));
		explicit_bzero(data, len);
	}
	return 0;
}

int pm_engine_secrets_apply(const struct pm_container_config *cfg, const char *ctr_dir,
			    struct pm_runtime_spec *spec, pm_error **err)
{
	for (size_t i = 0; cfg->secrets && cfg->secrets[i]; i++) {
		_cleanup_(pm_secret_use_clearp) struct pm_secret_use u = {0};
		int r = pm_secret_use_parse(cfg->secrets[i], &u, err);
		if (r < 0)
			return r;
		if (u.type != PM_SECRET_MOUNT)
			continue;
		_cleanup_free_ char *path = secret_file(ctr_dir, i);
		if (access(path, F_OK) < 0)
			return pm_error_set_errno(err, errno, "secret %s: its copy '%s'", u.source,
						  path);
		spec->mounts =
			pm_xrealloc(spec->mounts, (spec->nmounts + 1) * sizeof(*spec->mounts));
		spec->mounts[spec->nmounts++] = (struct pm_runtime_mount){
			.type = PM_RUNTIME_MOUNT_BIND,
			.source = TAKE_PTR(path),
			.destination = pm_xstrdup(u.target),
			.flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		};
	}
	return pm_engine_secrets_env(cfg, ctr_dir, &spec->env, err);
}
