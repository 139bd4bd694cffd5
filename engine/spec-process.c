/* spec-process.c: the process flags of a container into its runtime spec (declared in
 * spec.h; the parsers are engine/run-process.h): --personality, --oom-score-adj,
 * --chrootdirs, --init-path, --seccomp-policy=image's profile, and podman's /etc/passwd and
 * /etc/group entries for a numeric -u the image lacks (--passwd, the default, and
 * --passwd-entry). Never prints. Called by engine/spec.c, engine/validate.c and
 * cli/cmd-run.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "engine/run-process.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

void pm_spec_process_clear(struct pm_container_config *c)
{
	free(c->pidfile);
	free(c->conmon_pidfile);
	pm_strv_free(c->requires);
	free(c->passwd_entry);
	free(c->init_path);
	free(c->personality);
	pm_strv_free(c->chrootdirs);
	free(c->subuidname);
	free(c->subgidname);
	free(c->seccomp_policy);
	free(c->seccomp_image_profile);
}

int pm_spec_process_check(const struct pm_container_config *c, pm_error **err)
{
	unsigned long p;
	int64_t oom;
	int r = 0;
	_cleanup_free_ char *oomv =
		c->oom_score_adj_set ? pm_xasprintf("%lld", (long long)c->oom_score_adj) : NULL;
	if (c->personality)
		r = pm_config_parse_personality(c->personality, &p, err);
	if (r >= 0 && oomv)
		r = pm_config_parse_oom_score_adj(oomv, &oom, err);
	if (r >= 0 && c->seccomp_policy)
		r = pm_config_check_seccomp_policy(c->seccomp_policy, err);
	if (r >= 0 && c->init && c->init_path && *c->init_path)
		r = pm_config_check_init_path(c->init_path, err);
	for (char **d = c->requires; r >= 0 && d && *d; d++)
		if (!**d)
			r = pm_error_set(err, EINVAL, "--requires: an empty container name");
	return r;
}

int pm_spec_subid_expand(struct pm_container_config *c, pm_error **err)
{
	/* podman: one name stands for both */
	const char *un = c->subuidname ? c->subuidname : c->subgidname;
	const char *gn = c->subgidname ? c->subgidname : c->subuidname;
	if (!un)
		return 0;
	_cleanup_strv_ char **um = NULL, **gm = NULL;
	int r = pm_config_subid_maps(un, false, c->subuidname ? "--subuidname" : "--subgidname",
				     &um, err);
	if (r >= 0)
		r = pm_config_subid_maps(gn, true, c->subgidname ? "--subgidname" : "--subuidname",
					 &gm, err);
	if (r < 0)
		return r;
	/* first, then the --uidmap/--gidmap given (podman's order) */
	for (char **m = c->uidmap; m && *m; m++)
		pm_strv_push(&um, *m);
	for (char **m = c->gidmap ? c->gidmap : c->uidmap; m && *m; m++)
		pm_strv_push(&gm, *m);
	pm_strv_free(c->uidmap);
	pm_strv_free(c->gidmap);
	c->uidmap = TAKE_PTR(um);
	c->gidmap = TAKE_PTR(gm);
	return 0;
}

/* Go's strconv.ParseUint(s, 10, 32) */
static bool parse_id(const char *s, unsigned *ret)
{
	if (!*s || strlen(s) > 10 || strspn(s, "0123456789") != strlen(s))
		return false;
	unsigned long long v = strtoull(s, NULL, 10);
	if (v > UINT32_MAX)
		return false;
	*ret = (unsigned)v;
	return true;
}

/* Does text (passwd or group) have a line whose name is name or whose id (field 3) is id? */
static bool has_entry(const char *text, const char *name, unsigned id, unsigned *ret_id)
{
	_cleanup_strv_ char **lines = pm_strv_split(text ? text : "", "\n");
	for (char **l = lines; l && *l; l++) {
		_cleanup_strv_ char **f = pm_strv_split(*l, ":");
		if (pm_strv_length(f) < 3)
			continue;
		unsigned fid;
		bool numeric = parse_id(f[2], &fid);
		if ((name && !strcmp(f[0], name)) || (numeric && fid == id)) {
			if (ret_id)
				*ret_id = numeric ? fid : 0;
			return true;
		}
	}
	return false;
}

static char *replace_all(const char *s, const char *what, const char *with)
{
	char *out = pm_xstrdup(s);
	size_t wl = strlen(what);
	for (char *p = strstr(out, what); p; p = strstr(p, what)) {
		size_t at = (size_t)(p - out);
		char *n = pm_xasprintf("%.*s%s%s", (int)at, out, with, p + wl);
		free(out);
		out = n;
		p = out + at + strlen(with);
	}
	return out;
}

/* base + line, with a newline between when base lacks one */
static char *append_line(const char *base, const char *line)
{
	size_t len = strlen(base);
	return pm_xasprintf("%s%s%s", base, len && base[len - 1] != '\n' ? "\n" : "", line);
}

int pm_spec_passwd_entries(const char *user, const char *workdir, const char *entry,
			   const char *passwd, const char *group, char **ret_passwd,
			   char **ret_group, pm_error **err)
{
	*ret_passwd = *ret_group = NULL;
	if (!user || !*user)
		return 0;
	_cleanup_free_ char *u = pm_xstrdup(user);
	char *g = strchr(u, ':');
	if (g)
		*g++ = '\0';
	unsigned uid, gid = 0;
	/* podman 4.3's generateUserPasswdEntry: a numeric user the image's passwd lacks */
	if (passwd && parse_id(u, &uid) && !has_entry(passwd, u, uid, NULL)) {
		if (g && !parse_id(g, &gid) && !has_entry(group, g, UINT32_MAX, &gid))
			return pm_error_set(err, ENOENT,
					    "unable to get gid %s from group file: no matching "
					    "entries in group file",
					    g);
		_cleanup_free_ char *us = pm_xasprintf("%u", uid);
		_cleanup_free_ char *gs = pm_xasprintf("%u", gid);
		_cleanup_free_ char *line = NULL;
		if (entry && *entry) {
			/* $USERNAME $UID $GID $NAME $HOME, in podman's order */
			_cleanup_free_ char *a = replace_all(entry, "$USERNAME", us);
			_cleanup_free_ char *b = replace_all(a, "$UID", us);
			_cleanup_free_ char *c = replace_all(b, "$GID", gs);
			_cleanup_free_ char *d = replace_all(c, "$NAME", "container user");
			_cleanup_free_ char *e = replace_all(d, "$HOME", workdir);
			line = pm_xasprintf("%s\n", e);
		} else {
			line = pm_xasprintf("%u:*:%u:%u:container user:%s:/bin/sh\n", uid, uid, gid,
					    workdir);
		}
		*ret_passwd = append_line(passwd, line);
	}
	/* generateUserGroupEntry: the numeric group (the user part when none) the image's
	 * group lacks, "GID:x:GID:USER" */
	const char *gspec = g ? g : u;
	unsigned ggid;
	if (group && parse_id(gspec, &ggid) && !has_entry(group, gspec, ggid, NULL)) {
		_cleanup_free_ char *line = pm_xasprintf("%u:x:%u:%s\n", ggid, ggid, u);
		*ret_group = append_line(group, line);
	}
	return 0;
}

int pm_spec_etc_override(struct pm_runtime_spec *s, const char *userdata, const char *name,
			 const char *text, pm_error **err)
{
	_cleanup_free_ char *path = pm_path_join(userdata, name);
	int r = pm_mkdir_p(userdata, 0700, err);
	if (r >= 0)
		r = pm_write_file_atomic_flags(path, text, strlen(text), 0644, PM_WRITE_NOSYNC,
					       err);
	if (r < 0)
		return r;
	s->mounts = pm_xrealloc(s->mounts, sizeof(*s->mounts) * (s->nmounts + 1));
	s->mounts[s->nmounts++] = (struct pm_runtime_mount){
		.type = PM_RUNTIME_MOUNT_BIND,
		.source = TAKE_PTR(path),
		.destination = pm_xasprintf("/etc/%s", name),
	};
	return 0;
}

char *pm_spec_image_seccomp_path(const struct pm_container_config *c, const char *userdata)
{
	/* unconfined and --privileged still win (podman's) */
	bool unconfined = c->seccomp && !strcmp(c->seccomp, "unconfined");
	if (!c->seccomp_image_profile || c->privileged || unconfined)
		return NULL;
	return pm_path_join(userdata, "seccomp-image.json");
}

int pm_spec_process_apply(const struct pm_container_config *c, const char *userdata,
			  struct pm_runtime_spec *s, pm_error **err)
{
	int r;
	if (c->personality) {
		if ((r = pm_config_parse_personality(c->personality, &s->personality, err)) < 0)
			return r;
		s->personality_set = true;
	}
	if (c->oom_score_adj_set) {
		s->oom_score_adj_set = true;
		s->oom_score_adj = (int)c->oom_score_adj;
	}
	for (char **d = c->chrootdirs; d && *d; d++)
		pm_strv_consume(&s->chrootdirs,
				(*d)[0] == '/' ? pm_xstrdup(*d) : pm_xasprintf("/%s", *d));
	/* --init-path: that binary, read-only at podman's place, runs the command after "--"
	 * (catatonit's and tini's form) instead of pm's own init */
	if (s->init && c->init_path && *c->init_path) {
		if ((r = pm_config_check_init_path(c->init_path, err)) < 0)
			return r;
		s->init = false;
		char **args = NULL;
		pm_strv_push(&args, PM_INIT_PATH_IN_CTR);
		pm_strv_push(&args, "--");
		for (char **a = s->args; a && *a; a++)
			pm_strv_push(&args, *a);
		pm_strv_free(s->args);
		s->args = args;
		s->mounts = pm_xrealloc(s->mounts, sizeof(*s->mounts) * (s->nmounts + 1));
		s->mounts[s->nmounts++] = (struct pm_runtime_mount){
			.type = PM_RUNTIME_MOUNT_BIND,
			.source = pm_xstrdup(c->init_path),
			.destination = pm_xstrdup(PM_INIT_PATH_IN_CTR),
			.flags = MS_RDONLY,
		};
	}
	/* --seccomp-policy=image: the profile taken from the image at create */
	_cleanup_free_ char *path = userdata ? pm_spec_image_seccomp_path(c, userdata) : NULL;
	if (path) {
		const char *p = c->seccomp_image_profile;
		if ((r = pm_mkdir_p(userdata, 0700, err)) < 0 ||
		    (r = pm_write_file_atomic_flags(path, p, strlen(p), 0600, PM_WRITE_NOSYNC,
						    err)) < 0)
			return r;
		free(s->seccomp);
		s->seccomp = TAKE_PTR(path);
	}
	return 0;
}
