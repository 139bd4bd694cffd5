/* build-run.c: RUN steps of the build loop (builder/build-internal.h): the command line,
 * the ARGs as environment, --mount (builder/run-mount.h) as the container's mounts, the
 * container named and locked so a later build can remove it if this one dies. Never prints;
 * called by builder/build.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/build-internal.h"
#include "builder/run-mount.h"
#include "engine/container.h"
#include "engine/ctr-state.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/sha256.h"
#include "lib/strutil.h"
#include "storage/container.h"

/* ---- RUN ---------------------------------------------------------------------------------- */

/* RUN's args and the history's created_by. */
void pm_bld_run_argv(const struct build *b, const struct pm_cf_instr *in, char ***ret_argv)
{
	char **argv = NULL;
	if (in->json) {
		for (size_t i = 0; i < in->n_args; i++)
			pm_strv_push(&argv, in->args[i]);
		*ret_argv = argv;
		return;
	}
	const char *cmd = in->n_args ? in->args[0] : "";
	_cleanup_free_ char *script = NULL;
	if (in->n_heredocs) {
		const char *t = cmd;
		while (*t == ' ' || *t == '\t')
			t++;
		const struct pm_cf_heredoc *h = &in->heredocs[0];
		if (!strncmp(t, "<<", 2) && !strchr(t, ' ') && in->n_heredocs == 1) {
			script = pm_xstrdup(h->body); /* RUN <<EOF: the body is the script */
		} else {
			/* the shell reads the here-documents itself */
			script = pm_xstrdup(cmd);
			for (size_t i = 0; i < in->n_heredocs; i++) {
				char *s2 = pm_xasprintf("%s\n%s%s", script, in->heredocs[i].body,
							in->heredocs[i].name);
				free(script);
				script = s2;
			}
		}
	}
	for (char **s = b->st->shell; s && *s; s++)
		pm_strv_push(&argv, *s);
	pm_strv_push(&argv, script ? script : cmd);
	*ret_argv = argv;
}

/* The ARGs a RUN sees as its environment (ENV wins): KEY=VALUE. */
char **pm_bld_run_args_env(const struct build *b)
{
	char **v = NULL;
	for (char **a = b->st->args; a && *a; a++) {
		_cleanup_free_ char *k = pm_xstrndup(*a, strcspn(*a, "="));
		if (!pm_bld_kv_get(b->st->cfg.config.env, k))
			pm_strv_push(&v, *a);
	}
	return v;
}

/* RUN containers are named BUILD_CTR_PREFIX + 12 hex and hidden from ps (as podman hides
 * buildah's); the build holds <runroot>/build-locks/<name> locked while one exists, so a
 * later build removes those whose build died (SIGKILL) and no one else's. */
#define BUILD_CTR_PREFIX "pm-build-"

static char *build_lock_path(const struct build *b, const char *name)
{
	return pm_xasprintf("%s/build-locks/%s", b->e->paths->runroot, name);
}

/* Take the lock of a new build container's name: the fd, or -errno. */
static int build_lock(const struct build *b, const char *name, pm_error **err)
{
	_cleanup_free_ char *dir = pm_xasprintf("%s/build-locks", b->e->paths->runroot);
	int r = pm_mkdir_p(dir, 0700, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *path = build_lock_path(b, name);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", path);
	if (flock(fd, LOCK_EX) < 0) {
		r = pm_error_set_errno(err, errno, "locking '%s'", path);
		close(fd);
		return r;
	}
	return fd;
}

static void build_unlock(const struct build *b, const char *name, int fd)
{
	_cleanup_free_ char *path = build_lock_path(b, name);
	unlink(path);
	close(fd);
}

/* Remove the RUN containers of builds that died: their lock is free. */
void pm_bld_clean_stale(const struct build *b)
{
	struct pm_container **list = NULL;
	size_t n = 0;
	if (pm_container_list(b->e->paths, &list, &n, NULL) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct pm_container *c = list[i];
		if (!c->name || !pm_str_startswith(c->name, BUILD_CTR_PREFIX))
			continue;
		_cleanup_free_ char *path = build_lock_path(b, c->name);
		_cleanup_close_ int fd =
			open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue; /* its build runs */
		pm_engine_refresh(b->e, c);
		if (pm_ctr_is_running(c))
			pm_engine_stop(b->e, c, 0, NULL);
		pm_engine_remove(b->e, c, NULL);
		unlink(path); /* no build holds it */
	}
	pm_container_list_free(list, n);
}

/* ---- RUN --mount ----------------------------------------------------------------------- */

/* A path under root without ".." components: the joined path, or NULL. */
static char *join_inside(const char *root, const char *rel)
{
	_cleanup_strv_ char **parts = pm_strv_split(rel, "/");
	for (char **p = parts; p && *p; p++)
		if (!strcmp(*p, ".."))
			return NULL;
	return pm_path_join(root, rel);
}

/* A RUN --mount's target in the container; an ssh mount's default is BuildKit's
 * /run/buildkit/ssh_agent.N, N counting the RUN's ssh mounts (*n_ssh, advanced). */
static char *mount_target(const struct build *b, const struct pm_run_mount *m, unsigned *n_ssh)
{
	if (m->type == PM_RUN_MOUNT_SSH && !m->target)
		return pm_xasprintf("/run/buildkit/ssh_agent.%u", (*n_ssh)++);
	if (m->type == PM_RUN_MOUNT_SSH)
		(*n_ssh)++;
	return pm_bld_abs_path(b->st, m->target);
}

/* The --mount flags of a RUN as --mount specs of its container (and the images mounted
 * for bind mounts with from=, released by the caller); an ssh mount sets SSH_AUTH_SOCK in
 * env. */
static int run_mounts(struct build *b, const struct pm_cf_instr *in, char ***ret_specs, char ***env,
		      struct mounted **ret_mounted, size_t *ret_nm, pm_error **err)
{
	int r = 0;
	unsigned n_ssh = 0;
	bool first_ssh = true;
	for (size_t i = 0; r >= 0 && i < in->n_flags; i++) {
		if (strcmp(in->flags[i].name, "mount"))
			continue;
		_cleanup_free_ char *val = NULL;
		r = pm_cf_expand(in->flags[i].value ? in->flags[i].value : "", b->cf->escape,
				 pm_bld_stage_lookup, b->st, &val, err);
		if (r < 0)
			break;
		struct pm_run_mount m;
		r = pm_run_mount_parse(val, &m, err);
		if (r < 0)
			break;
		_cleanup_free_ char *target = mount_target(b, &m, &n_ssh);
		_cleanup_free_ char *src = NULL;
		const char *ro = m.ro ? ",ro" : "";
		switch (m.type) {
		case PM_RUN_MOUNT_TMPFS:
			pm_strv_consume(
				ret_specs,
				m.size ? pm_xasprintf("type=tmpfs,target=%s,tmpfs-size=%llu",
						      target, m.size)
				       : pm_xasprintf("type=tmpfs,target=%s", target));
			break;
		case PM_RUN_MOUNT_CACHE: {
			if (m.from) {
				r = pm_error_set(err, EOPNOTSUPP,
						 "--mount=%s: from= on a cache "
						 "mount is not supported",
						 val);
				break;
			}
			char hex[2 * PM_SHA256_SIZE + 1];
			pm_sha256_hex(m.id, strlen(m.id), hex);
			src = pm_xasprintf("%s/build-cache-mounts/%.32s", b->e->paths->root, hex);
			r = pm_mkdir_p(src, 0700, err);
			if (r < 0)
				break;
			/* made once, shared by every build that names this id */
			struct stat st;
			if (stat(src, &st) == 0 && st.st_nlink == 2 &&
			    (st.st_mode & 07777) == 0700) {
				if (chmod(src, m.mode) < 0 || lchown(src, m.uid, m.gid) < 0) {
					r = pm_error_set_errno(err, errno, "preparing '%s'", src);
					break;
				}
			}
			pm_strv_consume(ret_specs, pm_xasprintf("type=bind,source=%s,target=%s%s",
								src, target, ro));
			break;
		}
		case PM_RUN_MOUNT_SECRET: {
			const char *path = pm_bld_kv_get(b->o->secrets, m.id);
			if (!path) {
				if (m.required)
					r = pm_error_set(err, ENOENT,
							 "secret '%s' is required: pass --secret "
							 "id=%s,src=FILE",
							 m.id, m.id);
				break;
			}
			pm_strv_consume(ret_specs, pm_xasprintf("type=bind,source=%s,target=%s,ro",
								path, target));
			break;
		}
		case PM_RUN_MOUNT_SSH: {
			/* BuildKit's: the agent's socket at /run/buildkit/ssh_agent.N (N counts
			 * the RUN's ssh mounts), SSH_AUTH_SOCK naming the first one */
			const char *sock = pm_bld_kv_get(b->o->ssh, m.id);
			if (!sock) {
				r = pm_error_set(
					err, ENOENT,
					"--mount=%s: no SSH agent '%s' was given: pass --ssh "
					"%s[=SOCKET|KEY]",
					val, m.id, m.id);
				break;
			}
			if (first_ssh) {
				first_ssh = false;
				_cleanup_free_ char *kv = pm_xasprintf("SSH_AUTH_SOCK=%s", target);
				pm_strv_set_kv(env, kv);
			}
			pm_strv_consume(ret_specs, pm_xasprintf("type=bind,source=%s,target=%s",
								sock, target));
			break;
		}
		case PM_RUN_MOUNT_BIND: {
			if (!m.ro) {
				r = pm_error_set(
					err, EOPNOTSUPP,
					"--mount=%s: a writable bind mount is not supported", val);
				break;
			}
			const char *root = b->o->context;
			if (m.from && pm_bld_kv_get(b->o->contexts, m.from)) {
				root = pm_bld_kv_get(b->o->contexts, m.from);
			} else if (m.from) {
				_cleanup_free_ char *id = NULL;
				r = pm_bld_from_image(b, m.from, &id, err);
				if (r < 0)
					break;
				*ret_mounted = pm_xrealloc(*ret_mounted,
							   (*ret_nm + 1) * sizeof(**ret_mounted));
				r = pm_bld_mount_image(b, id, &(*ret_mounted)[*ret_nm], err);
				if (r < 0)
					break;
				root = (*ret_mounted)[(*ret_nm)++].path;
			}
			src = join_inside(root, m.source ? m.source : ".");
			_cleanup_free_ char *real = src ? realpath(src, NULL) : NULL;
			_cleanup_free_ char *rroot = realpath(root, NULL);
			size_t rl = rroot ? strlen(rroot) : 0;
			if (!real || !rroot || strncmp(real, rroot, rl) ||
			    (real[rl] && real[rl] != '/' && strcmp(rroot, "/"))) {
				r = pm_error_set(
					err, ENOENT, "--mount=%s: source '%s' not found in %s", val,
					m.source ? m.source : ".", m.from ? m.from : "the context");
				break;
			}
			pm_strv_consume(ret_specs, pm_xasprintf("type=bind,source=%s,target=%s,ro",
								real, target));
			break;
		}
		}
		if (r >= 0 && src && strchr(src, ','))
			r = pm_error_set(err, EINVAL, "--mount=%s: a ',' in the path '%s'", val,
					 src);
		pm_run_mount_clear(&m);
	}
	return r;
}

/* The mount points the runtime made for the RUN's --mount targets stay out of its layer, as
 * buildah's (an empty /run/secrets/id, a cache dir the image did not have). */
static void drop_mount_stubs(const struct build *b, const struct pm_cf_instr *in,
			     const char *ctr_id)
{
	unsigned n_ssh = 0;
	for (size_t i = 0; i < in->n_flags; i++) {
		_cleanup_free_ char *val = NULL;
		struct pm_run_mount m;
		/* as run_mounts made them (it succeeded on the same words) */
		if (strcmp(in->flags[i].name, "mount") ||
		    pm_cf_expand(in->flags[i].value ? in->flags[i].value : "", b->cf->escape,
				 pm_bld_stage_lookup, b->st, &val, NULL) < 0 ||
		    pm_run_mount_parse(val, &m, NULL) < 0)
			continue;
		_cleanup_free_ char *target = mount_target(b, &m, &n_ssh);
		pm_storage_ctr_drop_stub(b->s, ctr_id, target);
		pm_run_mount_clear(&m);
	}
}

int pm_bld_do_run(struct build *b, const struct pm_cf_instr *in, const char *created_by,
		  char **ret_id, pm_error **err)
{
	_cleanup_free_ char *rnd = pm_random_id();
	_cleanup_free_ char *name = pm_xasprintf(BUILD_CTR_PREFIX "%.12s", rnd);
	int lock = build_lock(b, name, err);
	if (lock < 0)
		return lock;
	struct pm_container_config cfg = {
		.name = pm_xstrdup(name),
		.image = pm_xstrdup(b->st->image_id),
		.entrypoint_set = true,
		.read_only_tmpfs = true,
		.network = pm_xstrdup(b->o->network ? b->o->network : "host"),
		.image_volume = pm_xstrdup("ignore"), /* a step writes the image's VOLUME paths */
		/* buildah adds no /etc/passwd line for a numeric USER: the step's own writes to
		 * /etc/passwd must reach its layer, not a copy mounted over it */
		.no_passwd = true,
	};
	pm_bld_run_argv(b, in, &cfg.command);
	cfg.env = pm_bld_run_args_env(b);
	/* buildah's RUN: the OCI default spec's nofile 1024:1024 (pm_engine_create adds the
	 * default nproc, as containers.conf's) */
	pm_strv_push(&cfg.ulimits, "nofile=1024:1024");
	struct mounted *mounted = NULL;
	size_t nm = 0;
	_cleanup_container_ struct pm_container *c = NULL;
	int r = b->o->run_config ? b->o->run_config(b->o->run_config_data, &cfg, err) : 0;
	if (r >= 0)
		r = run_mounts(b, in, &cfg.mounts, &cfg.env, &mounted, &nm, err);
	if (r >= 0)
		r = pm_engine_create(b->e, &cfg, &c, err);
	pm_spec_config_clear(&cfg);
	if (r < 0) {
		for (size_t i = 0; i < nm; i++)
			pm_bld_mounted_release(b, &mounted[i]);
		free(mounted);
		build_unlock(b, name, lock);
		return r;
	}
	int status = 0;
	r = pm_engine_start_foreground(b->e, c, &status, err);
	if (r >= 0 && status != 0)
		r = pm_error_set_status(err, status, EIO, "while running runtime: exit status %d",
					status);
	if (r >= 0) {
		drop_mount_stubs(b, in, c->id);
		r = pm_bld_commit_ctr(b, c->id, created_by, ret_id, err);
	}
	pm_engine_remove(b->e, c, NULL);
	for (size_t i = 0; i < nm; i++)
		pm_bld_mounted_release(b, &mounted[i]);
	free(mounted);
	build_unlock(b, name, lock);
	return r;
}
