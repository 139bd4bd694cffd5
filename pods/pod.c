/* pod.c: pod records on disk (see pod.h). Owns the layout of <root>/db/pods/<id>/pod.json
 * and <root>/db/pod-names/. Never prints. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/container.h"
#include "lib/fileutil.h"
#include "lib/jscan.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "pods/pod.h"

#define POD_RECORD_MAX (1024 * 1024)

void pm_pod_config_clear(struct pm_pod_config *c)
{
	free(c->name);
	free(c->hostname);
	pm_strv_free(c->labels);
	pm_strv_free(c->share);
	free(c->exit_policy);
	free(c->userns);
	free(c->network);
	pm_strv_free(c->publish);
	pm_strv_free(c->dns);
	pm_strv_free(c->dns_search);
	pm_strv_free(c->dns_options);
	pm_strv_free(c->add_hosts);
	free(c->infra_name);
	pm_strv_free(c->volumes);
	pm_strv_free(c->volumes_from);
	pm_strv_free(c->devices);
	pm_strv_free(c->security_opts);
	pm_strv_free(c->sysctls);
	pm_strv_free(c->limits);
	free(c->infra_image);
	free(c->infra_command);
	free(c->infra_conmon_pidfile);
	free(c->pid);
	free(c->uts);
	free(c->cgroup_parent);
	pm_strv_free(c->uidmap);
	pm_strv_free(c->gidmap);
	free(c->subuidname);
	free(c->subgidname);
	pm_strv_free(c->create_command);
	*c = (struct pm_pod_config){0};
}

struct pm_pod *pm_pod_free(struct pm_pod *p)
{
	if (!p)
		return NULL;
	free(p->id);
	free(p->name);
	pm_pod_config_clear(&p->cfg);
	free(p->infra_id);
	free(p->dir);
	free(p);
	return NULL;
}

void pm_pod_list_free(struct pm_pod **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		pm_pod_free(list[i]);
	free(list);
}

static char *pods_dir(const struct pm_paths *p)
{
	return pm_path_join(p->root, "db/pods");
}

static char *names_dir(const struct pm_paths *p)
{
	return pm_path_join(p->root, "db/pod-names");
}

int pm_pod_lock(const struct pm_paths *p, const char *id, int op, pm_error **err)
{
	_cleanup_free_ char *dir = pm_path_join(p->runroot, "locks");
	if (pm_mkdir_p(dir, 0700, err) < 0)
		return -EIO;
	_cleanup_free_ char *name = pm_xasprintf("pod-%s.lock", id);
	_cleanup_free_ char *path = pm_path_join(dir, name);
	return pm_lock_path(path, op, err);
}

/* ---- pod.json ---------------------------------------------------------------------------- */

static void set_strv(json_t *o, const char *key, char *const *v)
{
	if (v && v[0])
		json_object_set_new(o, key, pm_json_from_strv(v));
}

static json_t *pod_to_json(const struct pm_pod *pod)
{
	const struct pm_pod_config *c = &pod->cfg;
	json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:b, s:s, s:s}", "Id", pod->id, "Name",
			      pod->name, "Created", (json_int_t)pod->created_ns, "Hostname",
			      c->hostname ? c->hostname : "", "Infra", c->infra, "InfraID",
			      pod->infra_id ? pod->infra_id : "", "ExitPolicy",
			      c->exit_policy ? c->exit_policy : "continue");
	if (!o)
		return NULL;
	set_strv(o, "Labels", c->labels);
	set_strv(o, "Share", c->share);
	if (c->network)
		json_object_set_new(o, "Network", json_string(c->network));
	set_strv(o, "Publish", c->publish);
	set_strv(o, "DNS", c->dns);
	set_strv(o, "DNSSearch", c->dns_search);
	set_strv(o, "DNSOptions", c->dns_options);
	set_strv(o, "AddHosts", c->add_hosts);
	if (c->no_hosts)
		json_object_set_new(o, "NoHosts", json_true());
	if (c->userns && c->userns[0])
		json_object_set_new(o, "Userns", json_string(c->userns));
	set_strv(o, "Volumes", c->volumes);
	set_strv(o, "VolumesFrom", c->volumes_from);
	set_strv(o, "Devices", c->devices);
	set_strv(o, "SecurityOpts", c->security_opts);
	set_strv(o, "Sysctls", c->sysctls);
	if (c->shm_size)
		json_object_set_new(o, "ShmSize", json_integer((json_int_t)c->shm_size));
	set_strv(o, "Limits", c->limits);
	const struct {
		const char *key, *v;
	} strs[] = {{"InfraImage", c->infra_image},
		    {"InfraCommand", c->infra_command},
		    {"InfraConmonPidFile", c->infra_conmon_pidfile},
		    {"PidNS", c->pid},
		    {"UtsNS", c->uts},
		    {"CgroupParent", c->cgroup_parent}};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strs[i].v)
			json_object_set_new(o, strs[i].key, json_string(strs[i].v));
	if (c->no_share_parent)
		json_object_set_new(o, "NoShareParent", json_true());
	set_strv(o, "UIDMap", c->uidmap);
	set_strv(o, "GIDMap", c->gidmap);
	set_strv(o, "CreateCommand", c->create_command);
	return o;
}

static char *dup_or_null(const json_t *o, const char *key)
{
	const char *s = pm_json_string(o, key);
	return s ? pm_xstrdup(s) : NULL;
}

static int pod_from_json(const json_t *o, struct pm_pod *pod)
{
	struct pm_pod_config *c = &pod->cfg;
	const char *id = pm_json_string(o, "Id"), *name = pm_json_string(o, "Name");
	if (!id || !name)
		return -EBADMSG;
	pod->id = pm_xstrdup(id);
	pod->name = pm_xstrdup(name);
	c->name = pm_xstrdup(name);
	pod->created_ns = pm_json_int(o, "Created", 0);
	c->hostname = dup_or_null(o, "Hostname");
	if (c->hostname && !c->hostname[0]) { /* none given: the containers get the name */
		free(c->hostname);
		c->hostname = NULL;
	}
	c->infra = pm_json_bool(o, "Infra", true);
	pod->infra_id =
		pm_xstrdup(pm_json_string(o, "InfraID") ? pm_json_string(o, "InfraID") : "");
	c->exit_policy = dup_or_null(o, "ExitPolicy");
	c->labels = pm_json_to_strv(json_object_get(o, "Labels"));
	c->share = pm_json_to_strv(json_object_get(o, "Share"));
	c->network = dup_or_null(o, "Network");
	c->publish = pm_json_to_strv(json_object_get(o, "Publish"));
	c->dns = pm_json_to_strv(json_object_get(o, "DNS"));
	c->dns_search = pm_json_to_strv(json_object_get(o, "DNSSearch"));
	c->dns_options = pm_json_to_strv(json_object_get(o, "DNSOptions"));
	c->add_hosts = pm_json_to_strv(json_object_get(o, "AddHosts"));
	c->no_hosts = pm_json_bool(o, "NoHosts", false);
	c->userns = dup_or_null(o, "Userns");
	c->volumes = pm_json_to_strv(json_object_get(o, "Volumes"));
	c->volumes_from = pm_json_to_strv(json_object_get(o, "VolumesFrom"));
	c->devices = pm_json_to_strv(json_object_get(o, "Devices"));
	c->security_opts = pm_json_to_strv(json_object_get(o, "SecurityOpts"));
	c->sysctls = pm_json_to_strv(json_object_get(o, "Sysctls"));
	c->shm_size = (uint64_t)pm_json_int(o, "ShmSize", 0);
	c->limits = pm_json_to_strv(json_object_get(o, "Limits"));
	c->infra_image = dup_or_null(o, "InfraImage");
	c->infra_command = dup_or_null(o, "InfraCommand");
	c->infra_conmon_pidfile = dup_or_null(o, "InfraConmonPidFile");
	c->pid = dup_or_null(o, "PidNS");
	c->uts = dup_or_null(o, "UtsNS");
	c->cgroup_parent = dup_or_null(o, "CgroupParent");
	c->no_share_parent = pm_json_bool(o, "NoShareParent", false);
	c->uidmap = pm_json_to_strv(json_object_get(o, "UIDMap"));
	c->gidmap = pm_json_to_strv(json_object_get(o, "GIDMap"));
	c->create_command = pm_json_to_strv(json_object_get(o, "CreateCommand"));
	return 0;
}

/* pod.json read with lib/jscan into what pod_from_json makes from jansson's tree (pod ps of
 * many pods). -EBADMSG for anything it does not read as jansson does (an escaped or repeated
 * key, a member of another type): the caller takes the jansson path. */
static int pod_from_text(const char *text, size_t len, struct pm_pod *pod)
{
	static const char *const keys[] = {
		"Id",	      "Name",	    "Created",	"Hostname", "Infra",   "InfraID",
		"ExitPolicy", "Labels",	    "Share",	"Network",  "Publish", "DNS",
		"DNSSearch",  "DNSOptions", "AddHosts", "NoHosts",  "Userns",  "CreateCommand",
	};
	struct pm_pod_config *c = &pod->cfg;
	char **strs[] = {&pod->id,	 &pod->name,	  NULL, &c->hostname, NULL,
			 &pod->infra_id, &c->exit_policy, NULL, NULL,	      &c->network};
	char ***strvs[] = {&c->labels,	   &c->share,	    NULL,	  &c->publish, &c->dns,
			   &c->dns_search, &c->dns_options, &c->add_hosts};
	unsigned seen = 0;
	c->infra = true;
	struct pm_jscan sc;
	struct pm_jscan_val k, v;
	int r = pm_jscan_object(&sc, text, len);
	while (r >= 0 && (r = pm_jscan_member(&sc, &k, &v)) > 0) {
		if (k.escaped)
			return -EBADMSG;
		size_t i = 0;
		while (i < sizeof(keys) / sizeof(keys[0]) && !pm_jscan_key_is(&k, keys[i]))
			i++;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			/* the run flags a pod was given (rare): jansson reads them */
			static const char *const more[] = {"Volumes",	   "VolumesFrom",
							   "Devices",	   "SecurityOpts",
							   "Sysctls",	   "ShmSize",
							   "Limits",	   "InfraImage",
							   "InfraCommand", "InfraConmonPidFile",
							   "PidNS",	   "UtsNS",
							   "CgroupParent", "NoShareParent",
							   "UIDMap",	   "GIDMap"};
			for (size_t m = 0; m < sizeof(more) / sizeof(more[0]); m++)
				if (pm_jscan_key_is(&k, more[m]))
					return -EBADMSG;
			continue;
		}
		if (seen & (1u << i))
			return -EBADMSG; /* twice: jansson keeps the last */
		seen |= 1u << i;
		if (i == 2)
			r = pm_jscan_int(&v, &pod->created_ns);
		else if (i == 16)
			r = pm_jscan_string(&v, &c->userns);
		else if (i == 17)
			r = pm_jscan_strv(&v, &c->create_command);
		else if (i == 4 || i == 15)
			r = pm_jscan_bool(&v, i == 4 ? &c->infra : &c->no_hosts);
		else if (i < 10 && strs[i])
			r = pm_jscan_string(&v, strs[i]);
		else if (i >= 7 && strvs[i - 7])
			r = pm_jscan_strv(&v, strvs[i - 7]);
	}
	if (r < 0 || !pod->id || !pod->name)
		return -EBADMSG;
	c->name = pm_xstrdup(pod->name);
	if (c->hostname && !c->hostname[0]) { /* none given: the containers get the name */
		free(c->hostname);
		c->hostname = NULL;
	}
	if (!pod->infra_id)
		pod->infra_id = pm_xstrdup("");
	for (size_t i = 0; i < sizeof(strvs) / sizeof(strvs[0]); i++)
		if (strvs[i] && !*strvs[i])
			*strvs[i] = pm_xcalloc(1, sizeof(char *));
	return 0;
}

int pm_pod_save(const struct pm_paths *p, const struct pm_pod *pod, pm_error **err)
{
	(void)p;
	_cleanup_json_ json_t *j = pod_to_json(pod);
	if (!j)
		return pm_error_set(err, ENOMEM, "pod %s: cannot encode its record", pod->id);
	_cleanup_free_ char *path = pm_path_join(pod->dir, "pod.json");
	return pm_json_write_file_atomic(path, j, 0600, err);
}

static int load_pod(const struct pm_paths *p, const char *id, struct pm_pod **ret, pm_error **err)
{
	_cleanup_free_ char *pdir = pods_dir(p);
	_cleanup_free_ char *dir = pm_path_join(pdir, id);
	_cleanup_free_ char *path = pm_path_join(dir, "pod.json");
	_cleanup_json_ json_t *j = NULL;
	int r = pm_json_load_file(path, POD_RECORD_MAX, &j, err);
	if (r < 0)
		return r;
	_cleanup_pod_ struct pm_pod *pod = pm_xcalloc(1, sizeof(*pod));
	if (!json_is_object(j) || pod_from_json(j, pod) < 0)
		return pm_error_set(err, EBADMSG, "pod record '%s' is damaged", path);
	pod->dir = TAKE_PTR(dir);
	*ret = TAKE_PTR(pod);
	return 0;
}

/* load_pod for an id read from the pods directory (open as pdfd): pod.json read with one
 * openat + read and lib/jscan; load_pod when that does not read it (too big, an error,
 * anything jscan leaves to jansson). */
static int load_pod_at(const struct pm_paths *p, const char *pdir, int pdfd, const char *id,
		       struct pm_pod **ret, pm_error **err)
{
	char buf[16384];
	char rel[64 + sizeof("/pod.json")];
	if (strlen(id) == 64) {
		snprintf(rel, sizeof(rel), "%s/pod.json", id);
		ssize_t n = pm_read_small_at(pdfd, rel, buf, sizeof(buf));
		_cleanup_pod_ struct pm_pod *pod = pm_xcalloc(1, sizeof(*pod));
		if (n >= 0 && pod_from_text(buf, (size_t)n, pod) == 0) {
			pod->dir = pm_path_join(pdir, id); /* as load_pod */
			*ret = TAKE_PTR(pod);
			return 0;
		}
	}
	return load_pod(p, id, ret, err);
}

bool pm_pod_exists(const struct pm_paths *p, const struct pm_pod *pod)
{
	_cleanup_free_ char *path = pm_path_join(pod->dir, "pod.json");
	(void)p;
	return pm_path_exists(path);
}

/* ---- names ------------------------------------------------------------------------------- */

static int reserve_name(const struct pm_paths *p, const char *name, const char *id, pm_error **err)
{
	_cleanup_free_ char *dir = names_dir(p);
	_cleanup_free_ char *pdir = pods_dir(p);
	int r = pm_name_reserve(dir, pdir, name, id, "pod", NULL, err);
	if (r != -EEXIST)
		return r;
	return pm_error_set(err, EEXIST,
			    "adding pod to state: name \"%s\" is in use: pod already exists", name);
}

static void release_name(const struct pm_paths *p, const char *name, const char *id)
{
	_cleanup_free_ char *dir = names_dir(p);
	pm_name_release(dir, name, id);
}

/* ---- create, lookup, list, remove --------------------------------------------------------- */

int pm_pod_record_create(const struct pm_paths *p, const struct pm_pod_config *cfg,
			 struct pm_pod **ret, int *ret_lock, pm_error **err)
{
	if (cfg->name && !pm_container_name_valid(cfg->name))
		return pm_error_set(err, EINVAL,
				    "pod name \"%s\" is invalid: names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
				    cfg->name);
	_cleanup_pod_ struct pm_pod *pod = pm_xcalloc(1, sizeof(*pod));
	pod->id = pm_random_id();
	pod->created_ns = pm_time_now_ns();
	pod->infra_id = pm_xstrdup("");
	_cleanup_free_ char *pdir = pods_dir(p);
	pod->dir = pm_path_join(pdir, pod->id);

	_cleanup_close_ int lock = pm_pod_lock(p, pod->id, LOCK_EX, err);
	if (lock < 0)
		return lock;
	if (pm_mkdir_p(pdir, 0700, err) < 0)
		return -EIO;
	if (mkdir(pod->dir, 0700) < 0)
		return pm_error_set_errno(err, errno, "creating '%s'", pod->dir);
	int r;
	if (cfg->name) {
		pod->name = pm_xstrdup(cfg->name);
		r = reserve_name(p, pod->name, pod->id, err);
	} else {
		for (int tries = 0;; tries++) {
			pod->name = pm_container_generate_name(tries);
			_cleanup_error_ pm_error *e = NULL;
			r = reserve_name(p, pod->name, pod->id, &e);
			if (r == 0)
				break;
			free(pod->name);
			pod->name = NULL;
			if (tries > 50 || e->code != EEXIST) {
				r = pm_error_set(err, e->code, "%s", e->msg);
				break;
			}
		}
	}
	if (r < 0) {
		pm_rm_rf(pod->dir, NULL);
		return r;
	}
	/* the config, owned by the pod: a deep copy */
	struct pm_pod_config *c = &pod->cfg;
	c->name = pm_xstrdup(pod->name);
	c->hostname = cfg->hostname && cfg->hostname[0] ? pm_xstrdup(cfg->hostname) : NULL;
	c->labels = pm_strv_copy(cfg->labels);
	c->share = pm_strv_copy(cfg->share);
	c->infra = cfg->infra;
	c->exit_policy = pm_xstrdup(cfg->exit_policy ? cfg->exit_policy : "continue");
	c->network = cfg->network ? pm_xstrdup(cfg->network) : NULL;
	c->publish = pm_strv_copy(cfg->publish);
	c->dns = pm_strv_copy(cfg->dns);
	c->dns_search = pm_strv_copy(cfg->dns_search);
	c->dns_options = pm_strv_copy(cfg->dns_options);
	c->add_hosts = pm_strv_copy(cfg->add_hosts);
	c->no_hosts = cfg->no_hosts;
	c->userns = cfg->userns && cfg->userns[0] ? pm_xstrdup(cfg->userns) : NULL;
	c->volumes = pm_strv_copy(cfg->volumes);
	c->volumes_from = pm_strv_copy(cfg->volumes_from);
	c->devices = pm_strv_copy(cfg->devices);
	c->security_opts = pm_strv_copy(cfg->security_opts);
	c->sysctls = pm_strv_copy(cfg->sysctls);
	c->shm_size = cfg->shm_size;
	c->limits = pm_strv_copy(cfg->limits);
	const struct {
		char **dst;
		const char *src;
	} strs[] = {{&c->infra_image, cfg->infra_image},
		    {&c->infra_command, cfg->infra_command},
		    {&c->infra_conmon_pidfile, cfg->infra_conmon_pidfile},
		    {&c->pid, cfg->pid},
		    {&c->uts, cfg->uts},
		    {&c->cgroup_parent, cfg->cgroup_parent}};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		*strs[i].dst = strs[i].src ? pm_xstrdup(strs[i].src) : NULL;
	c->no_share_parent = cfg->no_share_parent;
	c->uidmap = pm_strv_copy(cfg->uidmap);
	c->gidmap = pm_strv_copy(cfg->gidmap);
	c->create_command = pm_strv_copy(cfg->create_command);
	*ret_lock = TAKE_FD(lock);
	*ret = TAKE_PTR(pod);
	return 0;
}

static bool is_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

int pm_pod_lookup(const struct pm_paths *p, const char *ref, struct pm_pod **ret, pm_error **err)
{
	if (ref && ref[0] && !strchr(ref, '/') && strcmp(ref, ".") && strcmp(ref, "..")) {
		_cleanup_free_ char *ndir = names_dir(p);
		_cleanup_free_ char *link = pm_path_join(ndir, ref);
		char target[PATH_MAX];
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			if (load_pod(p, target, ret, NULL) == 0)
				return 0;
		}
		if (is_hex(ref)) {
			_cleanup_free_ char *pdir = pods_dir(p);
			_cleanup_closedir_ DIR *d = opendir(pdir);
			_cleanup_free_ char *match = NULL;
			size_t len = strlen(ref);
			int matches = 0;
			struct dirent *de;
			while (d && (de = readdir(d))) {
				if (strlen(de->d_name) != 64 || strncmp(de->d_name, ref, len) != 0)
					continue;
				if (len == 64) {
					free(match);
					match = pm_xstrdup(de->d_name);
					matches = 1;
					break;
				}
				if (matches++ == 0)
					match = pm_xstrdup(de->d_name);
			}
			if (matches > 1)
				return pm_error_set(err, EINVAL,
						    "more than one result for pod ID '%s': "
						    "ambiguous ID prefix",
						    ref);
			if (matches == 1 && load_pod(p, match, ret, NULL) == 0)
				return 0;
		}
	}
	return pm_error_set(err, ENOENT, "no pod with name or ID %s found: no such pod",
			    ref ? ref : "");
}

static int cmp_created(const void *a, const void *b)
{
	const struct pm_pod *x = *(struct pm_pod *const *)a;
	const struct pm_pod *y = *(struct pm_pod *const *)b;
	return x->created_ns < y->created_ns ? 1 : x->created_ns > y->created_ns ? -1 : 0;
}

int pm_pod_list(const struct pm_paths *p, struct pm_pod ***ret, size_t *ret_n, pm_error **err)
{
	*ret = NULL;
	*ret_n = 0;
	_cleanup_free_ char *pdir = pods_dir(p);
	_cleanup_closedir_ DIR *d = opendir(pdir);
	if (!d)
		return errno == ENOENT ? 0 : pm_error_set_errno(err, errno, "reading '%s'", pdir);
	struct pm_pod **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len == 67 && strcmp(de->d_name + 64, ".rm") == 0) {
			_cleanup_free_ char *aside = pm_path_join(pdir, de->d_name);
			pm_rm_rf(aside, NULL);
			continue;
		}
		if (len != 64 || !is_hex(de->d_name))
			continue;
		struct pm_pod *pod = NULL;
		if (load_pod_at(p, pdir, dirfd(d), de->d_name, &pod, NULL) < 0) {
			/* no pod.json: a create under way, or one that died (its lock is free) */
			_cleanup_close_ int lock =
				pm_pod_lock(p, de->d_name, LOCK_EX | LOCK_NB, NULL);
			_cleanup_free_ char *dir = pm_path_join(pdir, de->d_name);
			_cleanup_free_ char *json = pm_path_join(dir, "pod.json");
			if (lock >= 0 && !pm_path_exists(json))
				pm_rm_rf(dir, NULL);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			list = pm_xrealloc(list, cap * sizeof(*list));
		}
		list[n++] = pod;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_created);
	*ret = list;
	*ret_n = n;
	return 0;
}

char *pm_pod_data_dir(const struct pm_pod *pod)
{
	return pm_path_join(pod->dir, "data");
}

int pm_pod_remove_record(const struct pm_paths *p, const struct pm_pod *pod, pm_error **err)
{
	release_name(p, pod->name, pod->id);
	_cleanup_free_ char *aside = pm_xasprintf("%s.rm", pod->dir);
	int r = rename(pod->dir, aside) == 0 ? pm_rm_rf(aside, err) : pm_rm_rf(pod->dir, err);
	_cleanup_free_ char *ldir = pm_path_join(p->runroot, "locks");
	_cleanup_free_ char *lname = pm_xasprintf("pod-%s.lock", pod->id);
	_cleanup_free_ char *lpath = pm_path_join(ldir, lname);
	unlink(lpath);
	return r;
}
