/* spec.c: the container configuration and its conversion into a runtime spec: image config
 * merge (Env, Cmd, Entrypoint, WorkingDir, User), -e/--env-file (with host globbing),
 * -v/--mount/--tmpfs parsing, user and group resolution in the container's /etc/passwd and
 * /etc/group, capabilities, namespaces, keep-id mappings. Pure parsers are separate and
 * unit tested (tests/unit/test-spec.c). Never prints. Called by cli/cmd-run.c (and create). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/idmap.h"
#include "engine/image-mount.h"
#include "engine/run-flags.h"
#include "engine/spec.h"
#include "engine/systemd-mode.h"
#include "engine/time-offset.h"
#include "engine/volume-chown.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "runtime/caps.h"
#include "runtime/mounts.h"
#include "systemd/notify.h"
#include "storage/volume.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define ENV_FILE_MAX (1u << 20)
#define ETC_FILE_MAX (4u << 20)

bool pm_log_driver_is_passthrough(const char *driver)
{
	return driver && (!strcmp(driver, "passthrough") || !strcmp(driver, "passthrough-tty"));
}

void pm_spec_config_clear(struct pm_container_config *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->restart);
	free(c->stop_signal);
	free(c->log_driver);
	pm_strv_free(c->health.test);
	free(c->health.on_failure);
	pm_strv_free(c->startup_health.test);
	pm_strv_free(c->env);
	pm_strv_free(c->env_files);
	pm_strv_free(c->unsetenv);
	pm_strv_free(c->env_merge);
	free(c->entrypoint);
	free(c->workdir);
	free(c->umask);
	free(c->user);
	pm_strv_free(c->group_add);
	free(c->hostname);
	free(c->time_offset);
	free(c->systemd);
	pm_strv_free(c->ulimits);
	pm_strv_free(c->sysctls);
	pm_strv_free(c->devices);
	pm_strv_free(c->expose);
	pm_strv_free(c->volumes_from);
	free(c->tz);
	pm_strv_free(c->attach);
	pm_strv_free(c->hostusers);
	pm_strv_free(c->uidmap);
	pm_strv_free(c->gidmap);
	free(c->cgroupns);
	pm_strv_free(c->cgroup_conf);
	pm_strv_free(c->device_read_bps);
	pm_strv_free(c->device_write_bps);
	pm_strv_free(c->device_read_iops);
	pm_strv_free(c->device_write_iops);
	pm_strv_free(c->blkio_weight_device);
	pm_strv_free(c->device_cgroup_rules);
	free(c->ip);
	free(c->ip6);
	free(c->mac_address);
	pm_strv_free(c->network_aliases);
	pm_strv_free(c->extra_networks);
	pm_spec_process_clear(c);
	pm_strv_free(c->labels);
	pm_strv_free(c->annotations);
	pm_strv_free(c->volumes);
	pm_strv_free(c->mounts);
	pm_strv_free(c->tmpfs);
	pm_strv_free(c->anon_volumes);
	pm_strv_free(c->secrets);
	pm_strv_free(c->secret_ids);
	free(c->userns);
	pm_strv_free(c->cap_add);
	pm_strv_free(c->cap_drop);
	free(c->seccomp);
	free(c->pid);
	free(c->ipc);
	free(c->uts);
	free(c->network);
	free(c->pod);
	free(c->cgroup_parent);
	free(c->sdnotify);
	free(c->image_volume);
	pm_strv_free(c->create_command);
	free(c->cpuset_cpus);
	free(c->cpuset_mems);
	free(c->cgroups);
	free(c->cgroup_manager);
	free(c->rootfs);
	free(c->image);
	pm_strv_free(c->command);
	pm_strv_free(c->publish);
	pm_strv_free(c->dns);
	pm_strv_free(c->dns_search);
	pm_strv_free(c->dns_options);
	pm_strv_free(c->add_hosts);
	memset(c, 0, sizeof(*c));
}

/* ---- mounts --------------------------------------------------------------------------- */

static int check_dest(const char *flag, const char *dest, pm_error **err)
{
	if (!dest || dest[0] != '/')
		return pm_error_set(err, EINVAL,
				    "%s: invalid container path '%s', must be an absolute path",
				    flag, dest ? dest : "");
	return 0;
}

/* Whether an absolute path names "/" once cleaned ("//", "/.", "/x/.."). */
static bool dest_is_root(const char *dest)
{
	int depth = 0;
	for (const char *p = dest; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 2 && !strncmp(p, "..", 2))
			depth = depth > 0 ? depth - 1 : 0;
		else if (n > 0 && !(n == 1 && *p == '.'))
			depth++;
		p += n;
	}
	return depth == 0;
}

/* -v's options by podman's groups (containers/common ValidateVolumeOpts): at most one
 * of each; what a second one of a group says. */
static const struct {
	const char *names[9];
	const char *what;
} volume_opt_groups[] = {
	{{"ro", "rw"}, "1 'rw' or 'ro' option"},
	{{"nosuid", "suid"}, "1 'nosuid' or 'suid' option"},
	{{"nodev", "dev"}, "1 'nodev' or 'dev' option"},
	{{"noexec", "exec"}, "1 'noexec' or 'exec' option"},
	{{"bind", "rbind"}, "1 '[r]bind' option"},
	{{"z", "Z", "O"}, "1 'z', 'Z', or 'O' option"},
	{{"private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable",
	  "runbindable"},
	 "1 '[r]shared', '[r]private', '[r]slave' or '[r]unbindable' option"},
	{{"copy", "nocopy"}, "1 'copy' or 'nocopy' option"},
};

/* The index of opt's group in volume_opt_groups, or -1 when it has none. */
static int volume_opt_group(const char *opt)
{
	for (size_t g = 0; g < sizeof(volume_opt_groups) / sizeof(volume_opt_groups[0]); g++)
		for (size_t i = 0; volume_opt_groups[g].names[i]; i++)
			if (!strcmp(opt, volume_opt_groups[g].names[i]))
				return (int)g;
	return -1;
}

/* A named volume's mount in the container is nosuid,nodev unless the options say suid/dev
 * (or name nosuid/nodev themselves), as podman 4.3's (ProcessOptions with no bind source:
 * nosuid and nodev on, noexec off), whatever the volume's kind (plain, tmpfs, o=bind). A
 * host directory's bind (-v /dir:/dst) keeps its plain flags. */
static unsigned long volume_default_flags(bool suid_given, bool dev_given)
{
	return (suid_given ? 0 : MS_NOSUID) | (dev_given ? 0 : MS_NODEV);
}

int pm_spec_parse_volume(const char *spec, struct pm_runtime_mount *ret, char **ret_volume,
			 pm_error **err)
{
	memset(ret, 0, sizeof(*ret));
	*ret_volume = NULL;
	_cleanup_strv_ char **parts = NULL;
	/* Split on ':' keeping empty fields. */
	const char *p = spec;
	for (;;) {
		const char *c = strchr(p, ':');
		pm_strv_consume(&parts, c ? pm_xstrndup(p, (size_t)(c - p)) : pm_xstrdup(p));
		if (!c)
			break;
		p = c + 1;
	}
	size_t n = pm_strv_length(parts);
	if (n == 1 && parts[0][0] == '/') {
		/* -v /data: an anonymous volume (pm_engine_create gives it a name) */
		if (dest_is_root(parts[0]))
			return pm_error_set(err, EINVAL,
					    "-v '%s': invalid container path '%s': cannot mount "
					    "over the container's root directory",
					    spec, parts[0]);
		ret->type = PM_RUNTIME_MOUNT_BIND;
		ret->destination = pm_xstrdup(parts[0]);
		ret->recursive = true;
		ret->flags = volume_default_flags(false, false);
		*ret_volume = pm_xstrdup("");
		return 0;
	}
	if (n < 2 || n > 3 || !parts[0][0])
		return pm_error_set(err, EINVAL,
				    "-v: incorrect volume format '%s', should be "
				    "HOST-DIR:CONTAINER-DIR[:OPTIONS]",
				    spec);
	int r = check_dest("-v", parts[1], err);
	if (r < 0)
		return r;
	if (dest_is_root(parts[1]))
		return pm_error_set(err, EINVAL,
				    "-v '%s': invalid container path '%s': cannot mount over the "
				    "container's root directory",
				    spec, parts[1]);
	unsigned long flags = 0;
	bool recursive = true;
	bool seen[sizeof(volume_opt_groups) / sizeof(volume_opt_groups[0])] = {false};
	if (n == 3) {
		_cleanup_strv_ char **opts = pm_strv_split(parts[2], ",");
		for (char **o = opts; o && *o; o++) {
			int g = volume_opt_group(*o);
			if (g >= 0 && seen[g]) {
				_cleanup_free_ char *list = pm_strv_join(opts, ", ");
				return pm_error_set(err, EINVAL,
						    "invalid options \"%s\", can only specify %s",
						    list, volume_opt_groups[g].what);
			}
			if (g >= 0)
				seen[g] = true;
			if (strcmp(*o, "bind") == 0)
				recursive = false;
			else if (strcmp(*o, "rbind") == 0)
				recursive = true;
			else if (!strcmp(*o, "ro") || !strcmp(*o, "rw") || !strcmp(*o, "nosuid") ||
				 !strcmp(*o, "suid") || !strcmp(*o, "nodev") ||
				 !strcmp(*o, "dev") || !strcmp(*o, "noexec") ||
				 !strcmp(*o, "exec")) {
				_cleanup_free_ char *d = NULL;
				pm_mounts_parse_options(*o, &flags, &d);
			} else if (!strcmp(*o, "z") || !strcmp(*o, "Z") || !strcmp(*o, "private") ||
				   !strcmp(*o, "rprivate") || !strcmp(*o, "shared") ||
				   !strcmp(*o, "rshared") || !strcmp(*o, "slave") ||
				   !strcmp(*o, "rslave") || !strcmp(*o, "U") || !strcmp(*o, "O") ||
				   !strcmp(*o, "copy") || !strcmp(*o, "nocopy")) {
				continue; /* U, O, nocopy: at start (pm_spec_wants_chown, ...) */
			} else if (!strcmp(*o, "idmap") || pm_str_startswith(*o, "idmap=")) {
				return pm_error_set(err, ENOTSUP,
						    "-v '%s': idmapped mounts ('%s') are not "
						    "supported by pm",
						    spec, *o);
			} else {
				return pm_error_set(err, EINVAL, "invalid option type \"%s\"",
						    *o); /* podman's words */
			}
		}
	}
	ret->type = PM_RUNTIME_MOUNT_BIND;
	ret->destination = pm_xstrdup(parts[1]);
	ret->flags = flags;
	ret->recursive = recursive;
	if (parts[0][0] == '/') {
		ret->source = pm_xstrdup(parts[0]);
	} else {
		*ret_volume = pm_xstrdup(parts[0]);
		ret->flags |= volume_default_flags(seen[volume_opt_group("suid")],
						   seen[volume_opt_group("dev")]);
	}
	return 0;
}

static bool parse_bool_opt(const char *v, bool *ret)
{
	if (!v || !strcmp(v, "true") || !strcmp(v, "1")) {
		*ret = true;
		return true;
	}
	if (!strcmp(v, "false") || !strcmp(v, "0")) {
		*ret = false;
		return true;
	}
	return false;
}

/* --mount's options that may be given once (podman's getBindMount/getTmpfsMount): the keys
 * of a group, and what podman's refusal of a second one names. */
static const struct {
	const char *keys[4];
	const char *what;
} mount_opt_groups[] = {
	{{"readonly", "ro", "rw"}, "'readonly', 'ro', or 'rw' options"},
	{{"nosuid", "suid"}, "'nosuid' and 'suid' options"},
	{{"nodev", "dev"}, "'nodev' and 'dev' options"},
	{{"noexec", "exec"}, "'noexec' and 'exec' options"},
	{{"bind-propagation"}, "'bind-propagation' option"},
};

/* The index of key's group in mount_opt_groups, or -1 when it has none. */
static int mount_opt_group(const char *key)
{
	for (size_t g = 0; g < sizeof(mount_opt_groups) / sizeof(mount_opt_groups[0]); g++)
		for (size_t i = 0; mount_opt_groups[g].keys[i]; i++)
			if (!strcmp(key, mount_opt_groups[g].keys[i]))
				return (int)g;
	return -1;
}

int pm_spec_parse_mount(const char *spec, struct pm_runtime_mount *ret, char **ret_volume,
			pm_error **err)
{
	memset(ret, 0, sizeof(*ret));
	*ret_volume = NULL;
	_cleanup_strv_ char **kvs = pm_strv_split_csv(spec);
	if (pm_image_mount_is(kvs))
		return pm_image_mount_parse(kvs, ret, err);
	_cleanup_free_ char *type = NULL, *src = NULL, *dst = NULL;
	_cleanup_strv_ char **data = NULL, **devpts = NULL;
	unsigned long flags = 0;
	bool recursive = true, copy_up = true; /* tmpfs: tmpcopyup, podman's default */
	bool seen[sizeof(mount_opt_groups) / sizeof(mount_opt_groups[0])] = {false};
	for (char **kv = kvs; kv && *kv; kv++) {
		char *eq = strchr(*kv, '=');
		_cleanup_free_ char *k =
			eq ? pm_xstrndup(*kv, (size_t)(eq - *kv)) : pm_xstrdup(*kv);
		const char *v = eq ? eq + 1 : NULL;
		bool b;
		int g = mount_opt_group(k);
		if (g >= 0 && seen[g])
			return pm_error_set(err, EINVAL,
					    "--mount '%s': cannot pass %s more than once", spec,
					    mount_opt_groups[g].what);
		if (g >= 0)
			seen[g] = true;
		if (!strcmp(k, "type") && v) {
			free(type);
			type = pm_xstrdup(v);
		} else if ((!strcmp(k, "source") || !strcmp(k, "src")) && v) {
			free(src);
			src = pm_xstrdup(v);
		} else if ((!strcmp(k, "target") || !strcmp(k, "destination") ||
			    !strcmp(k, "dst") || !strcmp(k, "dest")) &&
			   v) {
			free(dst);
			dst = pm_xstrdup(v);
		} else if ((!strcmp(k, "ro") || !strcmp(k, "readonly")) && parse_bool_opt(v, &b)) {
			flags = b ? flags | MS_RDONLY : flags & ~(unsigned long)MS_RDONLY;
		} else if (!strcmp(k, "rw") && parse_bool_opt(v, &b)) {
			flags = b ? flags & ~(unsigned long)MS_RDONLY : flags | MS_RDONLY;
		} else if (!strcmp(k, "bind-nonrecursive") && parse_bool_opt(v, &b)) {
			recursive = !b;
		} else if ((!strcmp(k, "tmpcopyup") || !strcmp(k, "notmpcopyup")) && !v) {
			copy_up = !strcmp(k, "tmpcopyup");
		} else if (!strcmp(k, "tmpfs-size") && v) {
			pm_strv_consume(&data, pm_xasprintf("size=%s", v));
		} else if (!strcmp(k, "tmpfs-mode") && v) {
			pm_strv_consume(&data, pm_xasprintf("mode=%s", v));
		} else if ((!strcmp(k, "uid") || !strcmp(k, "gid") || !strcmp(k, "mode") ||
			    !strcmp(k, "max")) &&
			   v && v[0] && strspn(v, "0123456789") == strlen(v)) {
			/* devpts's options (checked against the type below) */
			pm_strv_consume(&devpts, pm_xasprintf("%s=%s", k, v));
		} else if (!strcmp(k, "bind-propagation") || !strcmp(k, "relabel") ||
			   !strcmp(k, "consistency") || !strcmp(k, "volume-nocopy") ||
			   !strcmp(k, "z") || !strcmp(k, "Z")) {
			continue;
		} else if ((!strcmp(k, "U") || !strcmp(k, "chown")) && parse_bool_opt(v, &b)) {
			continue; /* chowned at start (pm_spec_wants_chown) */
		} else if (!strcmp(k, "idmap")) {
			return pm_error_set(
				err, ENOTSUP,
				"--mount '%s': idmapped mounts ('%s') are not supported "
				"by pm",
				spec, *kv);
		} else if (!strcmp(k, "nosuid") || !strcmp(k, "suid") || !strcmp(k, "nodev") ||
			   !strcmp(k, "dev") || !strcmp(k, "noexec") || !strcmp(k, "exec")) {
			_cleanup_free_ char *d = NULL;
			pm_mounts_parse_options(k, &flags, &d);
		} else { /* podman's words: the key alone */
			return pm_error_set(err, EINVAL, "%s: invalid mount option", k);
		}
	}
	if (!type)
		return pm_error_set(err, EINVAL, "--mount '%s': type must be specified", spec);
	if (devpts && strcmp(type, "devpts")) {
		size_t kl = strcspn(devpts[0], "=");
		return pm_error_set(err, EINVAL, "%.*s: invalid mount option", (int)kl, devpts[0]);
	}
	int r = check_dest("--mount", dst, err);
	if (r < 0)
		return r;
	if (!strcmp(type, "bind")) {
		if (!src || src[0] != '/')
			return pm_error_set(err, EINVAL,
					    "--mount '%s': a bind mount needs an absolute source",
					    spec);
		ret->type = PM_RUNTIME_MOUNT_BIND;
		ret->source = TAKE_PTR(src);
	} else if (!strcmp(type, "volume")) {
		/* no source: an anonymous volume (pm_engine_create gives it a name) */
		ret->type = PM_RUNTIME_MOUNT_BIND;
		*ret_volume = src ? TAKE_PTR(src) : pm_xstrdup("");
		flags |= volume_default_flags(seen[mount_opt_group("suid")],
					      seen[mount_opt_group("dev")]);
	} else if (!strcmp(type, "tmpfs")) {
		ret->type = PM_RUNTIME_MOUNT_TMPFS;
		flags |= MS_NOSUID | MS_NODEV;
		ret->data = data ? pm_strv_join(data, ",") : NULL;
		ret->copy_up = copy_up;
	} else if (!strcmp(type, "devpts")) {
		/* a new instance of its own with the options given, as podman's */
		ret->type = PM_RUNTIME_MOUNT_DEVPTS;
		ret->data = devpts ? pm_strv_join(devpts, ",") : NULL;
	} else {
		return pm_error_set(err, EINVAL,
				    "--mount '%s': invalid type '%s' (use bind, volume, tmpfs, "
				    "devpts or image)",
				    spec, type);
	}
	ret->destination = TAKE_PTR(dst);
	ret->flags = flags;
	ret->recursive = recursive;
	return 0;
}

/* A boolean option of a -v spec (in the options after the second ':') or of a --mount spec
 * (one of keys, bare or KEY=BOOL; the last one counts) */
static bool spec_option_on(const char *spec, bool is_mount, const char *const *keys,
			   const char *v_opt)
{
	if (is_mount) {
		_cleanup_strv_ char **kvs = pm_strv_split_csv(spec);
		bool on = false;
		for (char **kv = kvs; kv && *kv; kv++) {
			const char *eq = strchr(*kv, '=');
			size_t kl = eq ? (size_t)(eq - *kv) : strlen(*kv);
			for (const char *const *k = keys; *k; k++)
				if (strlen(*k) == kl && !strncmp(*kv, *k, kl))
					parse_bool_opt(eq ? eq + 1 : NULL, &on);
		}
		return on;
	}
	const char *c = strchr(spec, ':');
	c = c ? strchr(c + 1, ':') : NULL;
	if (!c)
		return false;
	_cleanup_strv_ char **opts = pm_strv_split(c + 1, ",");
	return pm_strv_contains(opts, v_opt);
}

bool pm_spec_wants_chown(const char *spec, bool is_mount)
{
	static const char *const keys[] = {"U", "chown", NULL};
	return spec_option_on(spec, is_mount, keys, "U");
}

bool pm_spec_wants_nocopy(const char *spec, bool is_mount)
{
	static const char *const keys[] = {"volume-nocopy", NULL};
	return spec_option_on(spec, is_mount, keys, "nocopy");
}

bool pm_spec_wants_overlay(const char *spec)
{
	const char *c = strchr(spec, ':');
	c = c ? strchr(c + 1, ':') : NULL;
	if (!c)
		return false;
	_cleanup_strv_ char **opts = pm_strv_split(c + 1, ",");
	return pm_strv_contains(opts, "O");
}

char *pm_spec_name_anonymous(const char *spec, bool is_mount, const char *name)
{
	return is_mount ? pm_xasprintf("%s,src=%s", spec, name) : pm_xasprintf("%s:%s", name, spec);
}

int pm_spec_parse_tmpfs(const char *spec, struct pm_runtime_mount *ret, pm_error **err)
{
	memset(ret, 0, sizeof(*ret));
	const char *colon = strchr(spec, ':');
	_cleanup_free_ char *dst =
		colon ? pm_xstrndup(spec, (size_t)(colon - spec)) : pm_xstrdup(spec);
	int r = check_dest("--tmpfs", dst, err);
	if (r < 0)
		return r;
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char *data = NULL;
	if (pm_mounts_parse_options(colon ? colon + 1 : "", &flags, &data) < 0) {
		/* podman's words, naming the first option refused */
		_cleanup_strv_ char **bad = colon ? pm_strv_split(colon + 1, ",") : NULL;
		const char *name = bad && bad[0] ? bad[0] : "";
		for (char **o = bad; o && *o; o++) {
			unsigned long f = 0;
			_cleanup_free_ char *d = NULL;
			if (pm_mounts_parse_options(*o, &f, &d) < 0) {
				name = *o;
				break;
			}
		}
		return pm_error_set(err, EINVAL,
				    "unknown mount option \"%s\": invalid mount option", name);
	}
	ret->type = PM_RUNTIME_MOUNT_TMPFS;
	ret->destination = TAKE_PTR(dst);
	ret->flags = flags;
	ret->data = data;
	ret->copy_up = true; /* podman's default; notmpcopyup turns it off */
	_cleanup_strv_ char **opts = colon ? pm_strv_split(colon + 1, ",") : NULL;
	for (char **o = opts; o && *o; o++)
		if (!strcmp(*o, "tmpcopyup") || !strcmp(*o, "notmpcopyup"))
			ret->copy_up = !strcmp(*o, "tmpcopyup");
	return 0;
}

/* ---- users and groups ------------------------------------------------------------------- */

struct ent {
	char *f[7];
	size_t n;
};

/* Find the line of an /etc/passwd- or /etc/group-like file whose field 0 equals name, or
 * (name NULL) whose field 2 equals id. Fields are copied into a malloc'd line buffer. */
static char *find_entry(const char *data, const char *name, unsigned long id, struct ent *e)
{
	_cleanup_strv_ char **lines = pm_strv_split(data ? data : "", "\n");
	for (char **l = lines; l && *l; l++) {
		if ((*l)[0] == '#')
			continue;
		char *line = pm_xstrdup(*l);
		memset(e, 0, sizeof(*e));
		char *s = line;
		while (e->n < 7) {
			e->f[e->n++] = s;
			char *c = strchr(s, ':');
			if (!c)
				break;
			*c = '\0';
			s = c + 1;
		}
		bool match = false;
		if (name)
			match = strcmp(e->f[0], name) == 0;
		else if (e->n > 2) {
			uint64_t v;
			match = pm_parse_uint64(e->f[2], &v) == 0 && v == id;
		}
		if (match && e->n >= 3)
			return line;
		free(line);
	}
	return NULL;
}

static bool is_number(const char *s, uint32_t *ret)
{
	return s && *s && pm_parse_uint32(s, ret) == 0;
}

static int lookup_group(const char *group, const char *name, gid_t *ret, pm_error **err)
{
	uint32_t v;
	if (is_number(name, &v)) {
		*ret = v;
		return 0;
	}
	struct ent e;
	_cleanup_free_ char *line = find_entry(group, name, 0, &e);
	if (!line || pm_parse_uint32(e.f[2], &v) < 0)
		return pm_error_set(err, ENOENT,
				    "unable to find group '%s': no matching entries in group file",
				    name);
	*ret = v;
	return 0;
}

static void add_gid(gid_t **v, size_t *n, gid_t g)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == g)
			return;
	*v = pm_xrealloc(*v, sizeof(gid_t) * (*n + 1));
	(*v)[(*n)++] = g;
}

int pm_spec_resolve_user(const char *passwd, const char *group, const char *user,
			 char *const *group_add, uid_t *ret_uid, gid_t *ret_gid, gid_t **ret_groups,
			 size_t *ret_ngroups, char **ret_home, pm_error **err)
{
	const char *colon = user ? strchr(user, ':') : NULL;
	_cleanup_free_ char *u = colon ? pm_xstrndup(user, (size_t)(colon - user))
				       : pm_xstrdup(user && *user ? user : "0");
	const char *g = colon ? colon + 1 : NULL;
	if (!*u) {
		free(u);
		u = pm_xstrdup("0");
	}
	uint32_t uid = 0, gid = 0, v;
	_cleanup_free_ char *uname = NULL, *home = NULL;
	struct ent e;
	if (is_number(u, &uid)) {
		_cleanup_free_ char *line = find_entry(passwd, NULL, uid, &e);
		if (line && e.n >= 4 && pm_parse_uint32(e.f[3], &v) == 0) {
			gid = v;
			uname = pm_xstrdup(e.f[0]);
			home = e.n >= 6 && e.f[5][0] ? pm_xstrdup(e.f[5]) : NULL;
		}
	} else {
		_cleanup_free_ char *line = find_entry(passwd, u, 0, &e);
		if (!line || e.n < 4 || pm_parse_uint32(e.f[2], &uid) < 0 ||
		    pm_parse_uint32(e.f[3], &gid) < 0)
			return pm_error_set(err, ENOENT,
					    "unable to find user '%s': no matching entries in "
					    "passwd file",
					    u);
		uname = pm_xstrdup(e.f[0]);
		home = e.n >= 6 && e.f[5][0] ? pm_xstrdup(e.f[5]) : NULL;
	}

	_cleanup_free_ gid_t *groups = NULL;
	size_t ngroups = 0;
	if (g && *g) {
		gid_t gg;
		int r = lookup_group(group, g, &gg, err);
		if (r < 0)
			return r;
		gid = gg;
	} else if (uname && group) {
		/* Supplementary groups: every group listing the user. */
		_cleanup_strv_ char **lines = pm_strv_split(group, "\n");
		for (char **l = lines; l && *l; l++) {
			_cleanup_strv_ char **f = NULL;
			const char *p = *l;
			for (int i = 0; i < 4; i++) {
				const char *c = strchr(p, ':');
				pm_strv_consume(&f, c ? pm_xstrndup(p, (size_t)(c - p))
						      : pm_xstrdup(p));
				if (!c)
					break;
				p = c + 1;
			}
			if (pm_strv_length(f) < 4 || pm_parse_uint32(f[2], &v) < 0)
				continue;
			_cleanup_strv_ char **members = pm_strv_split(f[3], ",");
			if (pm_strv_contains(members, uname))
				add_gid(&groups, &ngroups, v);
		}
	}
	for (char *const *a = group_add; a && *a; a++) {
		if (!strcmp(*a, "keep-groups"))
			continue;
		gid_t gg;
		int r = lookup_group(group, *a, &gg, err);
		if (r < 0)
			return pm_error_prefix(err, "--group-add");
		add_gid(&groups, &ngroups, gg);
	}
	*ret_uid = uid;
	*ret_gid = gid;
	*ret_groups = TAKE_PTR(groups);
	*ret_ngroups = ngroups;
	if (ret_home)
		*ret_home = home ? TAKE_PTR(home) : pm_xstrdup("/");
	return 0;
}

/* ---- args ------------------------------------------------------------------------------- */

int pm_spec_args(const struct pm_container_config *c, const struct pm_spec_image *img, char ***ret,
		 pm_error **err)
{
	_cleanup_strv_ char **args = NULL;
	if (c->entrypoint_set) {
		const char *ep = c->entrypoint ? c->entrypoint : "";
		if (ep[0] == '[') {
			json_error_t je;
			json_t *j = json_loads(ep, 0, &je);
			if (!j || !json_is_array(j)) {
				if (j)
					json_decref(j);
				return pm_error_set(err, EINVAL,
						    "--entrypoint: invalid JSON array '%s'", ep);
			}
			size_t i;
			json_t *el;
			json_array_foreach(j, i, el) {
				if (json_is_string(el))
					pm_strv_push(&args, json_string_value(el));
			}
			json_decref(j);
		} else if (ep[0]) {
			pm_strv_push(&args, ep);
		}
	} else if (img) {
		for (char **i = img->entrypoint; i && *i; i++)
			pm_strv_push(&args, *i);
	}
	if (c->command && c->command[0]) {
		for (char **i = c->command; *i; i++)
			pm_strv_push(&args, *i);
	} else if (!c->entrypoint_set && img) {
		for (char **i = img->cmd; i && *i; i++)
			pm_strv_push(&args, *i);
	}
	if (!args || !args[0])
		return pm_error_set(err, EINVAL,
				    "no command or entrypoint provided, and no CMD or ENTRYPOINT "
				    "from image");
	*ret = TAKE_PTR(args);
	return 0;
}

/* ---- namespaces and validation -------------------------------------------------------- */

static int check_ns_mode(const char *flag, const char *v, pm_error **err)
{
	if (!v || !strcmp(v, "host") || !strcmp(v, "private"))
		return 0;
	if (pm_str_startswith(v, "container:")) {
		if (!v[10])
			return pm_error_set(err, EINVAL,
					    "invalid config provided: namespace mode container "
					    "requires a value");
		return 0;
	}
	return pm_error_set(err, EINVAL,
			    "%s: invalid namespace mode '%s' (use host, private or container:ID)",
			    flag, v);
}

/* ---- network flags (netslirp/net.h) ----------------------------------------------------- */

static int add_checked(char ***dst, char *const *src, int (*check)(const char *, pm_error **),
		       pm_error **err)
{
	for (char *const *v = src; v && *v; v++) {
		int r = check(*v, err);
		if (r < 0)
			return r;
		pm_strv_push(dst, *v);
	}
	return 0;
}

static int check_add_host(const char *spec, pm_error **err)
{
	return pm_net_parse_add_host(spec, NULL, NULL, err);
}

int pm_engine_net_config(const struct pm_container_config *c, char *const *expose,
			 struct pm_net_config *ret, pm_error **err)
{
	pm_net_config_init(ret);
	int r = pm_net_parse_mode(ret, c->network, err);
	/* more user-defined networks: each one a bridge too */
	size_t nx = pm_strv_length(c->extra_networks);
	if (r >= 0 && nx) {
		ret->bridge_extra = pm_xcalloc(nx, sizeof(*ret->bridge_extra));
		for (size_t i = 0; i < nx; i++)
			pm_net_config_init(&ret->bridge_extra[i]);
		ret->nbridge_extra = nx;
	}
	for (size_t i = 0; r >= 0 && i < nx; i++) {
		struct pm_net_config *x = &ret->bridge_extra[i];
		r = pm_net_parse_mode(x, c->extra_networks[i], err);
		const struct pm_net_config *bad = ret->mode != PM_NET_BRIDGE ? ret
						  : x->mode != PM_NET_BRIDGE ? x
									     : NULL;
		if (r >= 0 && bad)
			r = pm_error_set(
				err, EINVAL,
				"cannot set multiple networks without bridge network mode, "
				"selected mode %s: invalid argument",
				pm_net_mode_name(bad));
		if (r >= 0 && strcmp(x->bridge_net, ret->bridge_net) == 0)
			r = pm_error_set(err, EINVAL, "network %s given twice", x->bridge_net);
		for (size_t j = 0; r >= 0 && j < i; j++)
			if (strcmp(x->bridge_net, ret->bridge_extra[j].bridge_net) == 0)
				r = pm_error_set(err, EINVAL, "network %s given twice",
						 x->bridge_net);
		if (r >= 0)
			x->bridge_ifname = pm_xasprintf("eth%zu", i + 1);
	}
	for (char **p = c->publish; r >= 0 && p && *p; p++)
		r = pm_net_parse_publish(*p, &ret->ports, &ret->nports, err);
	if (r >= 0 && c->publish_all && c->expose)
		r = pm_net_publish_expose(c->expose, &ret->ports, &ret->nports, err);
	if (r >= 0 && c->publish_all && expose)
		r = pm_net_publish_expose(expose, &ret->ports, &ret->nports, err);
	if (r >= 0)
		r = add_checked(&ret->dns_servers, c->dns, pm_net_validate_dns, err);
	if (r >= 0)
		r = add_checked(&ret->dns_search, c->dns_search, pm_net_validate_dns_search, err);
	if (r >= 0)
		r = add_checked(&ret->dns_options, c->dns_options, pm_net_validate_dns_option, err);
	if (r >= 0)
		r = add_checked(&ret->add_hosts, c->add_hosts, check_add_host, err);
	ret->no_hosts = c->no_hosts;
	if (r >= 0)
		r = pm_net_config_check(ret, err);
	if (r < 0)
		pm_net_config_clear(ret);
	return r;
}

int pm_spec_validate(const struct pm_container_config *c, pm_error **err)
{
	int r;
	if ((r = check_ns_mode("--pid", c->pid, err)) < 0 ||
	    (r = check_ns_mode("--ipc", c->ipc, err)) < 0 ||
	    (r = check_ns_mode("--uts", c->uts, err)) < 0)
		return r;
	struct pm_net_config net;
	if ((r = pm_engine_net_config(c, NULL, &net, err)) < 0)
		return r;
	pm_net_config_clear(&net);
	struct pm_spec_userns un;
	if ((r = pm_spec_parse_userns(c->userns, &un, err)) < 0)
		return r;
	if (c->cgroup_parent && (!pm_str_endswith(c->cgroup_parent, ".slice") ||
				 strchr(c->cgroup_parent, '/') || strlen(c->cgroup_parent) > 255))
		return pm_error_set(
			err, EINVAL,
			"--cgroup-parent '%s': did not receive a slice as cgroup parent "
			"when using systemd to manage cgroups: invalid argument",
			c->cgroup_parent);
	if (c->workdir && c->workdir[0] != '/')
		return pm_error_set(
			err, EINVAL,
			"--workdir '%s': the working directory must be an absolute path",
			c->workdir);
	struct pm_runtime_caps caps;
	if ((r = pm_caps_compute(c->cap_add, c->cap_drop, c->privileged, true, &caps, err)) < 0)
		return r;
	for (char **v = c->volumes; v && *v; v++) {
		struct pm_runtime_mount m;
		_cleanup_free_ char *vol = NULL;
		r = pm_spec_parse_volume(*v, &m, &vol, err);
		pm_runtime_mount_clear(&m);
		if (r < 0)
			return r;
	}
	for (char **v = c->mounts; v && *v; v++) {
		struct pm_runtime_mount m;
		_cleanup_free_ char *vol = NULL;
		r = pm_spec_parse_mount(*v, &m, &vol, err);
		pm_runtime_mount_clear(&m);
		if (r < 0)
			return r;
	}
	for (char **v = c->tmpfs; v && *v; v++) {
		struct pm_runtime_mount m;
		r = pm_spec_parse_tmpfs(*v, &m, err);
		pm_runtime_mount_clear(&m);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- keep-id ---------------------------------------------------------------------------- */

int pm_spec_parse_userns(const char *v, struct pm_spec_userns *ret, pm_error **err)
{
	*ret = (struct pm_spec_userns){.mode = PM_USERNS_DEFAULT};
	if (!v || !v[0])
		return 0;
	if (!strcmp(v, "host")) {
		ret->mode = PM_USERNS_HOST;
		return 0;
	}
	if (!strcmp(v, "nomap")) {
		ret->mode = PM_USERNS_NOMAP;
		return 0;
	}
	if (pm_str_startswith(v, "ns:") || pm_str_startswith(v, "container:")) {
		ret->mode = v[0] == 'n' ? PM_USERNS_NS : PM_USERNS_CONTAINER;
		ret->ref = strchr(v, ':') + 1;
		if (!ret->ref[0] || (ret->mode == PM_USERNS_NS && ret->ref[0] != '/'))
			return pm_error_set(err, EINVAL, "invalid user namespace '%s'", v);
		return 0;
	}
	if (!strcmp(v, "auto") || pm_str_startswith(v, "auto:")) {
		ret->mode = PM_USERNS_AUTO;
		return pm_config_parse_userns_auto(v, &ret->a, err);
	}
	if (strcmp(v, "keep-id") && !pm_str_startswith(v, "keep-id:"))
		return pm_error_set(err, EINVAL, "unrecognized namespace mode %s passed", v);
	ret->mode = PM_USERNS_KEEP_ID;
	_cleanup_strv_ char **opts = v[7] ? pm_strv_split(v + 8, ",") : NULL;
	for (char **o = opts; o && *o; o++) {
		uint32_t n;
		if (pm_str_startswith(*o, "uid=") && pm_parse_uint32(*o + 4, &n) == 0) {
			ret->uid = n;
			ret->uid_set = true;
		} else if (pm_str_startswith(*o, "gid=") && pm_parse_uint32(*o + 4, &n) == 0) {
			ret->gid = n;
			ret->gid_set = true;
		} else {
			/* podman's words: the key alone */
			size_t kl = strcspn(*o, "=");
			return pm_error_set(err, EINVAL, "unknown option specified: \"%.*s\"",
					    (int)kl, *o);
		}
	}
	return 0;
}

int pm_spec_keepid_map(const char *map_text, uint32_t id, struct pm_runtime_idmap **ret,
		       size_t *ret_n, pm_error **err)
{
	/* The extents of this namespace's own map (namespace ids [first, first+count)). A
	 * container extent must map into ONE of them, so the result is split at their edges. */
	struct pm_idmap_extent pe[64];
	size_t npe = pm_idmap_extents_parse(map_text, pe, ARRAY_SIZE(pe));
	uint64_t total = 0;
	for (size_t j = 0; j < npe; j++)
		total += pe[j].count;
	if (total < 2 || total > UINT32_MAX)
		return pm_error_set(
			err, EINVAL,
			"--userns=keep-id: needs subordinate ids (the user namespace maps "
			"only %llu ids)",
			(unsigned long long)total);
	struct pm_runtime_idmap logical[3];
	size_t nl = pm_spec_keepid_logical(total, id, logical);
	pm_idmap_split(logical, nl, pe, npe, ret, ret_n);
	return 0;
}

size_t pm_spec_keepid_logical(uint64_t total, uint32_t id, struct pm_runtime_idmap ret[3])
{
	/* Logical layout: container [0, below) -> ns [1, 1+below); id -> 0; the rest 1:1.
	 * nomap (id UINT32_MAX): container [0, total-1) -> ns [1, total), the caller unmapped. */
	size_t nl = 0;
	if (total < 2 || total > UINT32_MAX)
		return 0;
	uint32_t below = id < total - 1 ? id : (uint32_t)(total - 1);
	if (id == UINT32_MAX)
		ret[nl++] = (struct pm_runtime_idmap){.ctr = 0, .host = 1, .size = below};
	else if (below)
		ret[nl++] = (struct pm_runtime_idmap){.ctr = 0, .host = 1, .size = below};
	if (id != UINT32_MAX)
		ret[nl++] = (struct pm_runtime_idmap){.ctr = id, .host = 0, .size = 1};
	if (id != UINT32_MAX && (uint64_t)id + 1 < total)
		ret[nl++] = (struct pm_runtime_idmap){
			.ctr = id + 1, .host = id + 1, .size = (uint32_t)(total - id - 1)};
	return nl;
}

/* The id of the user outside: the host id that namespace id 0 maps to. */
static int outer_id(const char *map_text, uint32_t *ret)
{
	unsigned long a, b, n;
	if (!map_text || sscanf(map_text, "%lu %lu %lu", &a, &b, &n) != 3 || a != 0)
		return -EINVAL;
	if (b == 0 && n == 4294967295UL)
		return -EPERM; /* the initial namespace: not rootless */
	*ret = (uint32_t)b;
	return 0;
}

/* Read a small file of the container by a path inside it (symlinks resolved in the
 * rootfs); a missing file gives NULL and 0. */
static int add_mount(struct pm_runtime_spec *s, struct pm_runtime_mount *m, char *volume,
		     const char *volume_root, pm_error **err)
{
	_cleanup_free_ char *vol = volume;
	if (vol) {
		if (!volume_root) {
			pm_runtime_mount_clear(m);
			return pm_error_set(err, ENOTSUP, "named volume '%s': no volume storage",
					    vol);
		}
		int r = pm_volume_lookup_or_create(volume_root, vol, &m->source, err);
		if (r < 0) {
			pm_runtime_mount_clear(m);
			return r;
		}
	}
	s->mounts = pm_xrealloc(s->mounts, sizeof(*s->mounts) * (s->nmounts + 1));
	s->mounts[s->nmounts++] = *m;
	return 0;
}

/* keep-id: the caller's passwd entry (and a group for its gid) in the container's
 * /etc/passwd and /etc/group when the image has none for those ids, in podman 4.3's form:
 * "NAME:*:UID:GID::WORKDIR:/bin/sh" and "NAME:x:GID:NAME" for the caller's own ids,
 * "UID:*:UID:GID:container user:WORKDIR:/bin/sh" and "GID:x:GID:UID" for uid=/gid= ones; HOME
 * is the home of the entry. Copies in userdata bind-mounted over the image's (exec, userdata
 * NULL, only learns the home). */
static int keepid_entries(struct pm_runtime_spec *s, const char *userdata, uint32_t host_uid,
			  uint32_t host_gid, const char *workdir, const char *passwd,
			  const char *group, char **ret_home, pm_error **err)
{
	struct passwd *pw = getpwuid(host_uid);
	const char *env_user = getenv("USER");
	bool own_uid = s->uid == host_uid, own_gid = s->gid == host_gid;
	_cleanup_free_ char *name = !own_uid ? pm_xasprintf("%u", (unsigned)s->uid)
				    : pw     ? pm_xstrdup(pw->pw_name)
					 : pm_xstrdup(env_user && *env_user ? env_user : "user");
	_cleanup_free_ char *gname = own_gid && own_uid ? pm_xstrdup(name)
				     : own_gid		? pm_xstrdup(pw ? pw->pw_name : name)
							: pm_xasprintf("%u", (unsigned)s->gid);
	struct ent e;
	_cleanup_free_ char *pline = find_entry(passwd, NULL, s->uid, &e);
	*ret_home = pm_xstrdup(pline && e.n >= 6 && e.f[5][0] ? e.f[5] : workdir);
	_cleanup_free_ char *gline = find_entry(group, NULL, s->gid, &e);
	if (!userdata)
		return 0;
	const struct {
		const char *file, *dest, *old;
		char *add;
	} files[] = {
		{"passwd", "/etc/passwd", passwd,
		 pline ? NULL
		       : pm_xasprintf("%s:*:%u:%u:%s:%s:/bin/sh\n", name, (unsigned)s->uid,
				      (unsigned)s->gid, own_uid ? "" : "container user", workdir)},
		{"group", "/etc/group", group,
		 gline ? NULL : pm_xasprintf("%s:x:%u:%s\n", gname, (unsigned)s->gid, name)},
	};
	int r = files[0].add || files[1].add ? pm_mkdir_p(userdata, 0700, err) : 0;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *add = files[i].add;
		if (!add || r < 0)
			continue;
		const char *old = files[i].old ? files[i].old : "";
		size_t len = strlen(old);
		_cleanup_free_ char *text =
			pm_xasprintf("%s%s%s", old, len && old[len - 1] != '\n' ? "\n" : "", add);
		_cleanup_free_ char *path = pm_path_join(userdata, files[i].file);
		r = pm_write_file_atomic(path, text, strlen(text), 0644, err);
		if (r < 0)
			continue;
		s->mounts = pm_xrealloc(s->mounts, sizeof(*s->mounts) * (s->nmounts + 1));
		s->mounts[s->nmounts++] = (struct pm_runtime_mount){
			.type = PM_RUNTIME_MOUNT_BIND,
			.source = TAKE_PTR(path),
			.destination = pm_xstrdup(files[i].dest),
		};
	}
	return r;
}

/* -v's O: the mount becomes an overlay with the source as its lower layer and a fresh
 * upper layer in userdata (the last run's changes go at each start; rm removes userdata). */
static int overlay_volume(struct pm_runtime_mount *m, const char *userdata, ptrdiff_t i,
			  pm_error **err)
{
	if (strpbrk(m->source, ",:"))
		return pm_error_set(err, EINVAL,
				    "-v '%s': O: the source may not contain ',' or ':'", m->source);
	_cleanup_free_ char *dir = pm_xasprintf("%s/overlay-volumes/%td", userdata, i);
	_cleanup_free_ char *upper = pm_path_join(dir, "upper");
	_cleanup_free_ char *work = pm_path_join(dir, "work");
	int r = pm_rm_rf(dir, err);
	if (r >= 0)
		r = pm_mkdir_p(upper, 0755, err);
	if (r >= 0)
		r = pm_mkdir_p(work, 0700, err);
	if (r < 0)
		return pm_error_prefix(err, "-v '%s': O", m->source);
	m->type = PM_RUNTIME_MOUNT_OVERLAY;
	free(m->data);
	m->data = pm_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", m->source, upper, work);
	return 0;
}

/* --uidmap/--gidmap: the extents, split at the edges of this namespace's own map */
static int idmaps_from(char *const *specs, const char *kind, struct pm_runtime_idmap **ret,
		       size_t *ret_n, pm_error **err)
{
	_cleanup_free_ char *text = NULL;
	int r = pm_read_file(strcmp(kind, "UID") ? "/proc/self/gid_map" : "/proc/self/uid_map",
			     65536, &text, NULL, err);
	if (r < 0)
		return r;
	for (char *const *v = specs; v && *v; v++) {
		struct pm_runtime_idmap m, *split = NULL;
		size_t nsplit = 0;
		if ((r = pm_config_parse_idmap(*v, kind, &m, err)) < 0 ||
		    (r = pm_config_idmap_split(text, &m, 1, *v, &split, &nsplit, err)) < 0)
			return r;
		*ret = pm_xrealloc(*ret, sizeof(**ret) * (*ret_n + nsplit));
		memcpy(*ret + *ret_n, split, sizeof(*split) * nsplit);
		*ret_n += nsplit;
		free(split);
	}
	return 0;
}

/* --device (rootless: the host's node bind-mounted, as podman does) and --tz (the zone file
 * read-only at /etc/localtime) */
static int add_run_flag_mounts(const struct pm_container_config *c, struct pm_runtime_spec *s,
			       pm_error **err)
{
	int r;
	for (char **v = c->devices; v && *v; v++) {
		struct pm_runtime_mount m = {.type = PM_RUNTIME_MOUNT_BIND};
		if ((r = pm_config_parse_device(*v, &m.source, &m.destination, NULL, err)) < 0 ||
		    (r = add_mount(s, &m, NULL, NULL, err)) < 0)
			return r;
	}
	if (c->tz) {
		struct pm_runtime_mount m = {.type = PM_RUNTIME_MOUNT_BIND, .flags = MS_RDONLY};
		if ((r = pm_config_tz_file(c->tz, &m.source, err)) < 0)
			return r;
		m.destination = pm_xstrdup("/etc/localtime");
		if ((r = add_mount(s, &m, NULL, NULL, err)) < 0)
			return r;
	}
	if (c->systemd_mode)
		pm_spec_systemd_mounts(s);
	return 0;
}

/* Does the map leave out the caller (namespace id 0)? */
static bool leaves_out_caller(const struct pm_runtime_idmap *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].host == 0)
			return false;
	return n > 0;
}

static char *fuse_mapping(const struct pm_runtime_idmap *m, size_t n)
{
	_cleanup_strv_ char **v = NULL;
	for (size_t i = 0; i < n; i++)
		pm_strv_consume(&v, pm_xasprintf("%u:%u:%u", m[i].ctr, m[i].host, m[i].size));
	return pm_strv_join(v, ":");
}

int pm_spec_shifted_maps(const struct pm_container_config *c, char **ret_uidmapping,
			 char **ret_gidmapping, pm_error **err)
{
	*ret_uidmapping = *ret_gidmapping = NULL;
	struct pm_spec_userns un;
	int r = pm_spec_parse_userns(c->userns, &un, err);
	if (r < 0)
		return r;
	struct pm_runtime_idmap *um = NULL, *gm = NULL;
	size_t nu = 0, ng = 0;
	if (un.mode == PM_USERNS_NOMAP) {
		_cleanup_free_ char *ut = NULL, *gt = NULL;
		if ((r = pm_read_file("/proc/self/uid_map", 65536, &ut, NULL, err)) >= 0 &&
		    (r = pm_read_file("/proc/self/gid_map", 65536, &gt, NULL, err)) >= 0 &&
		    (r = pm_spec_keepid_map(ut, UINT32_MAX, &um, &nu, err)) >= 0)
			r = pm_spec_keepid_map(gt, UINT32_MAX, &gm, &ng, err);
	} else if (c->uidmap || c->gidmap) {
		if ((r = idmaps_from(c->uidmap ? c->uidmap : c->gidmap, "UID", &um, &nu, err)) >= 0)
			r = idmaps_from(c->gidmap ? c->gidmap : c->uidmap, "GID", &gm, &ng, err);
		if (r >= 0 && !leaves_out_caller(um, nu))
			nu = ng = 0; /* maps the caller: the image's owners as they are */
	}
	if (r >= 0 && nu && ng) {
		*ret_uidmapping = fuse_mapping(um, nu);
		*ret_gidmapping = fuse_mapping(gm, ng);
	}
	free(um);
	free(gm);
	return r < 0 ? r : 0;
}

int pm_spec_to_runtime(const struct pm_container_config *c, const struct pm_spec_image *img,
		       const char *rootfs, const char *userdata, const char *id,
		       const char *volume_root, struct pm_runtime_spec *ret, pm_error **err)
{
	struct pm_runtime_spec s = {0};
	/* (declared before the first goto: the cleanup runs at fail too) */
	_cleanup_free_ char *home = NULL, *passwd = NULL, *group = NULL, *hostpw = NULL;
	_cleanup_free_ char *grpover = NULL;	 /* --passwd's /etc/group */
	_cleanup_strv_ char **merge_base = NULL; /* --env-merge expands against it */
	int r;

	if ((r = pm_spec_validate(c, err)) < 0)
		return r;
	s.id = pm_xstrdup(id);
	s.name = c->name ? pm_xstrdup(c->name) : NULL;
	s.rootfs = realpath(rootfs, NULL);
	if (!s.rootfs) {
		r = pm_error_set_errno(err, errno, "rootfs '%s'", rootfs);
		goto fail;
	}
	s.userdata = userdata ? pm_xstrdup(userdata) : NULL;
	if ((r = pm_spec_args(c, img, &s.args, err)) < 0) {
		goto fail;
	}

	/* User. */
	struct pm_spec_userns un;
	if ((r = pm_spec_parse_userns(c->userns, &un, err)) < 0)
		goto fail;
	bool keep_id = un.mode == PM_USERNS_KEEP_ID;
	const char *user = c->user ? c->user : img && img->user && img->user[0] ? img->user : NULL;
	if ((r = pm_read_file_in_root(s.rootfs, "/etc/passwd", ETC_FILE_MAX, &passwd, err)) < 0 ||
	    (r = pm_read_file_in_root(s.rootfs, "/etc/group", ETC_FILE_MAX, &group, err)) < 0)
		goto fail;
	if (keep_id || un.mode == PM_USERNS_NOMAP) {
		_cleanup_free_ char *um = NULL, *gm = NULL;
		uint32_t ou, og;
		const char *mode = keep_id ? "keep-id" : "nomap";
		if (pm_read_file("/proc/self/uid_map", 65536, &um, NULL, err) < 0 ||
		    pm_read_file("/proc/self/gid_map", 65536, &gm, NULL, err) < 0) {
			r = -EIO;
			goto fail;
		}
		if (outer_id(um, &ou) < 0 || outer_id(gm, &og) < 0) {
			r = pm_error_set(err, EINVAL,
					 "--userns=%s is only supported in rootless mode", mode);
			goto fail;
		}
		uint32_t cu = !keep_id ? UINT32_MAX : un.uid_set ? un.uid : ou;
		uint32_t cg = !keep_id ? UINT32_MAX : un.gid_set ? un.gid : og;
		if ((r = pm_spec_keepid_map(um, cu, &s.uidmap, &s.nuidmap, err)) < 0 ||
		    (r = pm_spec_keepid_map(gm, cg, &s.gidmap, &s.ngidmap, err)) < 0) {
			r = pm_error_prefix(err, "--userns=%s", mode);
			goto fail;
		}
		if (keep_id) {
			s.uid = cu;
			s.gid = cg;
			const char *wd = c->workdir ? c->workdir
					 : img && img->workdir && img->workdir[0] == '/'
						 ? img->workdir
						 : "/";
			if ((r = keepid_entries(&s, userdata, ou, og, wd, passwd, group, &home,
						err)) < 0)
				goto fail;
		}
	}
	/* --hostuser: the container's passwd with the host's users, for -u and mounted at
	 * /etc/passwd below */
	if (c->hostusers) {
		if ((r = pm_config_hostuser_passwd(passwd, c->hostusers, s.rootfs, &hostpw, err)) <
		    0)
			goto fail;
	}
	/* --passwd (podman's default), --passwd-entry: entries for a numeric -u the image lacks */
	if (!keep_id && !c->no_passwd && userdata) {
		const char *wd = c->workdir					 ? c->workdir
				 : img && img->workdir && img->workdir[0] == '/' ? img->workdir
										 : "/";
		char *pw = NULL;
		if ((r = pm_spec_passwd_entries(user, wd, c->passwd_entry, hostpw ? hostpw : passwd,
						group, &pw, &grpover, err)) < 0)
			goto fail;
		if (pw) {
			free(hostpw);
			hostpw = pw;
		}
	}
	if (c->uidmap || c->gidmap) {
		/* --uidmap/--gidmap: the container's own user namespace */
		if ((r = idmaps_from(c->uidmap ? c->uidmap : c->gidmap, "UID", &s.uidmap,
				     &s.nuidmap, err)) < 0 ||
		    (r = idmaps_from(c->gidmap ? c->gidmap : c->uidmap, "GID", &s.gidmap,
				     &s.ngidmap, err)) < 0)
			goto fail;
	}
	/* maps that leave out the caller: its root (pm_spec_shifted_maps) shows the image's
	 * files shifted, and the user namespace comes after the mounts */
	s.late_userns = un.mode == PM_USERNS_NOMAP || leaves_out_caller(s.uidmap, s.nuidmap);
	if (!keep_id || user) {
		free(home);
		home = NULL;
		if (hostpw) {
			free(passwd);
			passwd = pm_xstrdup(hostpw);
		}
		if ((r = pm_spec_resolve_user(passwd, group, user, c->group_add, &s.uid, &s.gid,
					      &s.groups, &s.ngroups, &home, err)) < 0) {
			goto fail;
		}
	}

	/* Environment: defaults, image, env files, -e. */
	pm_strv_push(&s.env, DEFAULT_PATH);
	pm_strv_push(&s.env, "container=pm");
	pm_strv_push(&s.env, "TERM=xterm");
	for (char **e = img ? img->env : NULL; e && *e; e++)
		pm_spec_env_set(&s.env, *e);
	/* --env-merge: expanded against pm's defaults and the image's env, then set; --env-file
	 * and -e come later and win (podman 4.3's order) */
	merge_base = c->env_merge ? pm_strv_copy(s.env) : NULL;
	for (char **e = c->env_merge; e && *e; e++) {
		_cleanup_free_ char *kv = pm_spec_env_expand(*e, merge_base);
		pm_spec_env_set(&s.env, kv);
	}
	/* --unsetenv(-all): the defaults and the image's go, --env-file's and -e's stay */
	if (c->unsetenv_all)
		s.env = pm_strv_free(s.env);
	for (char **u = c->unsetenv; u && *u; u++)
		pm_strv_unset_env(s.env, *u);
	extern char **environ;
	for (char **f = c->env_files; f && *f; f++) {
		_cleanup_free_ char *data = NULL;
		if ((r = pm_spec_env_file_read(*f, ENV_FILE_MAX, &data, err)) < 0)
			goto fail;
		if ((r = pm_spec_env_file_parse(*f, data, environ, &s.env, err)) < 0) {
			goto fail;
		}
	}
	for (char **e = c->env; e && *e; e++)
		if ((r = pm_spec_env_add(&s.env, *e, environ, err)) < 0) {
			r = pm_error_prefix(err, "--env");
			goto fail;
		}

	s.hostname = pm_xstrdup(c->hostname && c->hostname[0] ? c->hostname : id);
	if (!c->hostname && strlen(s.hostname) > 12)
		s.hostname[12] = '\0';
	bool has_home = false, has_hostname = false;
	for (char **e = s.env; e && *e; e++) {
		has_home |= pm_str_startswith(*e, "HOME=");
		has_hostname |= pm_str_startswith(*e, "HOSTNAME=");
	}
	if (!has_hostname) {
		_cleanup_free_ char *kv = pm_xasprintf("HOSTNAME=%s", s.hostname);
		pm_spec_env_set(&s.env, kv);
	}
	if (!has_home) {
		_cleanup_free_ char *kv = pm_xasprintf("HOME=%s", home ? home : "/");
		pm_spec_env_set(&s.env, kv);
	}

	if (c->systemd_mode) {
		_cleanup_free_ char *kv = pm_xasprintf("container_uuid=%.32s", id);
		pm_spec_env_set(&s.env, kv);
	}

	s.cwd = pm_xstrdup(c->workdir					   ? c->workdir
			   : img && img->workdir && img->workdir[0] == '/' ? img->workdir
									   : "/");

	/* Mounts, in the order given: -v, --mount, --tmpfs. */
	for (char **v = c->volumes; v && *v; v++) {
		struct pm_runtime_mount m;
		char *vol = NULL;
		if ((r = pm_spec_parse_volume(*v, &m, &vol, err)) < 0)
			goto fail;
		_cleanup_free_ char *vname = vol ? pm_xstrdup(vol) : NULL;
		if ((r = add_mount(&s, &m, vol, volume_root, err)) < 0)
			goto fail;
		if (userdata && (r = pm_spec_chown_added_mount(
					 &s, volume_root, vname, pm_spec_wants_chown(*v, false),
					 pm_spec_wants_nocopy(*v, false), err)) < 0)
			goto fail;
		if (userdata && pm_spec_wants_overlay(*v) &&
		    (r = overlay_volume(&s.mounts[s.nmounts - 1], userdata, v - c->volumes, err)) <
			    0)
			goto fail;
	}
	for (char **v = c->mounts; v && *v; v++) {
		struct pm_runtime_mount m;
		char *vol = NULL;
		if ((r = pm_spec_parse_mount(*v, &m, &vol, err)) < 0)
			goto fail;
		_cleanup_free_ char *vname = vol ? pm_xstrdup(vol) : NULL;
		if ((r = add_mount(&s, &m, vol, volume_root, err)) < 0)
			goto fail;
		if (userdata && (r = pm_spec_chown_added_mount(
					 &s, volume_root, vname, pm_spec_wants_chown(*v, true),
					 pm_spec_wants_nocopy(*v, true), err)) < 0)
			goto fail;
	}
	for (char **v = c->tmpfs; v && *v; v++) {
		struct pm_runtime_mount m;
		if ((r = pm_spec_parse_tmpfs(*v, &m, err)) < 0 ||
		    (r = add_mount(&s, &m, NULL, volume_root, err)) < 0) {
			goto fail;
		}
	}
	/* --sdnotify=container: the unit's notify socket (a path; an abstract one cannot cross
	 * the network namespace) is the container's, at podman's place */
	const char *notify = getenv("NOTIFY_SOCKET");
	if (c->sdnotify && !strcmp(c->sdnotify, PM_SDNOTIFY_CONTAINER) && notify &&
	    notify[0] == '/') {
		_cleanup_free_ char *v = pm_xasprintf("%s:%s", notify, PM_SDNOTIFY_CTR_SOCKET);
		struct pm_runtime_mount m;
		char *vol = NULL;
		if ((r = pm_spec_parse_volume(v, &m, &vol, err)) < 0 ||
		    (r = add_mount(&s, &m, vol, volume_root, err)) < 0)
			goto fail;
		pm_spec_env_set(&s.env, "NOTIFY_SOCKET=" PM_SDNOTIFY_CTR_SOCKET);
	}
	if ((r = add_run_flag_mounts(c, &s, err)) < 0)
		goto fail;
	if ((hostpw && userdata &&
	     (r = pm_spec_etc_override(&s, userdata, "passwd", hostpw, err)) < 0) ||
	    (grpover && (r = pm_spec_etc_override(&s, userdata, "group", grpover, err)) < 0))
		goto fail;
	for (size_t i = 0; i < s.nmounts; i++)
		if (s.mounts[i].source && access(s.mounts[i].source, F_OK) < 0) {
			r = pm_error_set_errno(err, errno, "bind mount source '%s'",
					       s.mounts[i].source);
			goto fail;
		}

	if ((r = pm_caps_compute(c->cap_add, c->cap_drop, c->privileged, s.uid == 0, &s.caps,
				 err)) < 0) {
		goto fail;
	}
	s.host_pid = c->pid && !strcmp(c->pid, "host");
	s.host_ipc = c->ipc && !strcmp(c->ipc, "host");
	s.host_uts = c->uts && !strcmp(c->uts, "host");
	s.host_net = c->network && !strcmp(c->network, "host");
	s.readonly_rootfs = c->read_only;
	s.readonly_tmpfs = c->read_only_tmpfs;
	s.shm_size = c->shm_size;
	s.umask = c->umask ? (int)strtol(c->umask, NULL, 8) : -1;
	s.privileged = c->privileged;
	s.bare = c->infra; /* a pod's pause: no /proc, /dev, /sys or /etc of its own */
	s.no_new_privs = c->no_new_privs;
	s.seccomp = c->seccomp ? pm_xstrdup(c->seccomp) : NULL;
	s.tty = c->tty;
	/* passthrough: the caller's stdin with or without -i, as podman (conmon leaves it) */
	s.stdin_open = c->interactive || pm_log_driver_is_passthrough(c->log_driver);
	s.init = c->init;
	struct pm_time_offsets to;
	if ((r = pm_time_offset_parse(c->time_offset, &to, err)) < 0)
		goto fail;
	s.timens = to.set;
	if ((r = pm_config_rlimits(c->ulimits, &s.rlimits, &s.nrlimits, err)) < 0)
		goto fail;
	for (char **v = c->sysctls; v && *v; v++) {
		if ((r = pm_config_check_sysctl(c->network, c->ipc, *v, err)) < 0)
			goto fail;
		pm_strv_push(&s.sysctls, *v);
	}
	s.time_monotonic = to.monotonic;
	s.time_boottime = to.boottime;
	if ((r = pm_spec_process_apply(c, userdata, &s, err)) < 0)
		goto fail;
	*ret = s;
	return 0;

fail:
	pm_runtime_spec_clear(&s);
	return r;
}
