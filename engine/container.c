/* container.c: container records on disk (see container.h). Owns the layout of
 * <root>/containers/<id>/{config.json,state.json} and <root>/names/. Never prints.
 * Called by cli/ and pods/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/container.h"
#include "lib/fileutil.h"
#include "lib/jscan.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"

#define RECORD_MAX (4 * 1024 * 1024)

static const char *status_names[] = {
	[PM_CTR_CONFIGURED] = "created", [PM_CTR_RUNNING] = "running",	 [PM_CTR_PAUSED] = "paused",
	[PM_CTR_STOPPED] = "exited",	 [PM_CTR_REMOVING] = "removing",
};

const char *pm_ctr_status_string(enum pm_ctr_status s)
{
	if ((unsigned)s >= ARRAY_SIZE(status_names))
		return "unknown";
	return status_names[s];
}

bool pm_ctr_is_running(const struct pm_container *c)
{
	return c->state.status == PM_CTR_RUNNING || c->state.status == PM_CTR_PAUSED;
}

static int status_parse(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(status_names); i++)
		if (strcmp(s, status_names[i]) == 0)
			return (int)i;
	return PM_CTR_STOPPED;
}

bool pm_container_name_valid(const char *name)
{
	if (!name || !name[0] || strlen(name) > 253)
		return false;
	for (const char *c = name; *c; c++) {
		bool alnum = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     (*c >= '0' && *c <= '9');
		if (c == name ? !alnum : !(alnum || *c == '_' || *c == '.' || *c == '-'))
			return false;
	}
	return true;
}

static void state_clear(struct pm_ctr_state *s)
{
	free(s->mountpoint);
	pm_strv_free(s->ports);
	free(s->boot_id);
	free(s->error);
	free(s->cgroup_path);
	*s = (struct pm_ctr_state){0};
}

struct pm_container *pm_container_free(struct pm_container *c)
{
	if (!c)
		return NULL;
	free(c->id);
	free(c->name);
	free(c->image_name);
	free(c->image_id);
	free(c->config_json);
	free(c->pod_id);
	state_clear(&c->state);
	free(c->dir);
	free(c->broken);
	if (c->killed && c->killed_pidfd >= 0)
		close(c->killed_pidfd);
	if (c->killed && c->killed_mntns >= 0)
		close(c->killed_mntns);
	free(c);
	return NULL;
}

void pm_container_list_free(struct pm_container **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		pm_container_free(list[i]);
	free(list);
}

static char *containers_dir(const struct pm_paths *p)
{
	return pm_path_join(p->root, "db/containers");
}

/* The records of ephemeral (--rm) containers: under the runroot (tmpfs), where their roots
 * are too (storage/store.h): nothing of them reaches the disk, a reboot wipes them, and the
 * name in db/names that points at one is stale then. */
static char *eph_containers_dir(const struct pm_paths *p)
{
	return pm_path_join(p->runroot, "ephemeral/records");
}

/* The records directory that holds id: the root's, else the runroot's when id is there */
static char *record_parent(const struct pm_paths *p, const char *id)
{
	char *cdir = containers_dir(p);
	_cleanup_free_ char *dir = pm_path_join(cdir, id);
	if (pm_path_exists(dir))
		return cdir;
	char *edir = eph_containers_dir(p);
	_cleanup_free_ char *edir_id = pm_path_join(edir, id);
	if (pm_path_exists(edir_id)) {
		free(cdir);
		return edir;
	}
	free(edir);
	return cdir;
}

static char *names_dir(const struct pm_paths *p)
{
	return pm_path_join(p->root, "db/names");
}

/* adjective_scientist, as docker and podman name containers; once a few have collided (a
 * busy store), a number is added, so the space never runs out. */
char *pm_container_generate_name(int tries)
{
	static const char *adj[] = {"admiring", "brave",   "clever",   "dazzling",    "eager",
				    "festive",	"gifted",  "happy",    "inspiring",   "jolly",
				    "keen",	"loving",  "modest",   "nifty",	      "optimistic",
				    "peaceful", "quirky",  "relaxed",  "serene",      "trusting",
				    "upbeat",	"vibrant", "wizardly", "xenodochial", "youthful",
				    "zealous"};
	static const char *noun[] = {"albattani", "bardeen",  "curie",	 "darwin",   "euclid",
				     "fermi",	  "galileo",  "hopper",	 "ishango",  "jepsen",
				     "kepler",	  "lovelace", "mayer",	 "noether",  "ohm",
				     "pascal",	  "raman",    "shannon", "tesla",    "turing",
				     "volta",	  "wright",   "yalow",	 "zhukovsky"};
	uint32_t r[3] = {0};
	if (getrandom(r, sizeof(r), 0) < 0)
		r[0] = (uint32_t)getpid(), r[1] = (uint32_t)time(NULL), r[2] = r[0] ^ r[1];
	const char *a = adj[r[0] % ARRAY_SIZE(adj)], *n = noun[r[1] % ARRAY_SIZE(noun)];
	if (tries < 3)
		return pm_xasprintf("%s_%s", a, n);
	return pm_xasprintf("%s_%s%u", a, n, r[2] % (tries < 10 ? 10 : 100000));
}

/* <runroot>/locks/<id>.lock, the directory made only when the open says it is missing (a
 * run takes the lock several times: no stat each time, issue #20) */
static int lock_ctr(const struct pm_paths *p, const char *id, int op, pm_error **err)
{
	_cleanup_free_ char *dir = pm_path_join(p->runroot, "locks");
	_cleanup_free_ char *name = pm_xasprintf("%s.lock", id);
	_cleanup_free_ char *path = pm_path_join(dir, name);
	int r = pm_lock_path(path, op, NULL);
	if (r != -ENOENT)
		return r >= 0 || !err ? r
				      : pm_lock_path(path, op, err); /* again, for the message */
	if (pm_mkdir_p(dir, 0700, err) < 0)
		return -errno;
	return pm_lock_path(path, op, err);
}

int pm_container_lock(const struct pm_paths *p, const char *id, pm_error **err)
{
	return lock_ctr(p, id, LOCK_EX, err);
}

int pm_container_trylock(const struct pm_paths *p, const char *id)
{
	return lock_ctr(p, id, LOCK_EX | LOCK_NB, NULL);
}

/* state.json opens with "Gen" and closes with "GenEnd", the same number (the write's
 * CLOCK_REALTIME ns: a vDSO read, no syscall): a read that got the head of one version
 * and the tail of another (a lock-free reader's file rewritten under it, the spare's
 * in-place write: lib/fileutil.h PM_WRITE_SWAP) has two numbers and is refused as
 * damaged (state_scan), even when the two versions have one length. A file without
 * either (older pm, a hand edit that dropped them) is read as it is. */
static json_t *state_to_json(const struct pm_ctr_state *s)
{
	json_int_t gen = (json_int_t)pm_time_clock_ns(CLOCK_REALTIME);
	json_t *j =
		json_pack("{s:I, s:s, s:i, s:i, s:i, s:I, s:I, s:b, s:s?}", "Gen", gen, "Status",
			  pm_ctr_status_string(s->status), "Pid", (int)s->pid, "MonitorPid",
			  (int)s->monitor_pid, "ExitCode", s->exit_code, "StartedAt",
			  (json_int_t)s->started_ns, "FinishedAt", (json_int_t)s->finished_ns,
			  "OOMKilled", s->oom_killed, "Mountpoint", s->mountpoint);
	if (j && s->ports && s->ports[0])
		json_object_set_new(j, "Ports", pm_json_from_strv(s->ports));
	if (j && s->restart_count)
		json_object_set_new(j, "RestartCount", json_integer(s->restart_count));
	if (j && s->starting)
		json_object_set_new(j, "Starting", json_true());
	if (j && s->pid_start)
		json_object_set_new(j, "PidStart", json_integer((json_int_t)s->pid_start));
	if (j && s->monitor_start)
		json_object_set_new(j, "MonitorStart", json_integer((json_int_t)s->monitor_start));
	if (j && s->boot_id)
		json_object_set_new(j, "BootID", json_string(s->boot_id));
	if (j && s->error)
		json_object_set_new(j, "Error", json_string(s->error));
	if (j && s->cgroup_path)
		json_object_set_new(j, "CgroupPath", json_string(s->cgroup_path));
	if (j && s->oom_base)
		json_object_set_new(j, "OomBase", json_integer((json_int_t)s->oom_base));
	if (j)
		json_object_set_new(j, "GenEnd", json_integer(gen));
	return j;
}

static void state_from_json(const json_t *j, struct pm_ctr_state *s)
{
	state_clear(s);
	const char *mp = pm_json_string(j, "Mountpoint");
	const char *boot = pm_json_string(j, "BootID"), *error = pm_json_string(j, "Error");
	const char *cg = pm_json_string(j, "CgroupPath");
	*s = (struct pm_ctr_state){
		.status = status_parse(pm_json_string(j, "Status")),
		.pid = (pid_t)pm_json_int(j, "Pid", 0),
		.monitor_pid = (pid_t)pm_json_int(j, "MonitorPid", 0),
		.exit_code = (int)pm_json_int(j, "ExitCode", 0),
		.started_ns = pm_json_int(j, "StartedAt", 0),
		.finished_ns = pm_json_int(j, "FinishedAt", 0),
		.oom_killed = pm_json_bool(j, "OOMKilled", false),
		.mountpoint = mp ? pm_xstrdup(mp) : NULL,
		.ports = pm_json_to_strv(json_object_get(j, "Ports")),
		.restart_count = (unsigned)pm_json_int(j, "RestartCount", 0),
		.starting = pm_json_bool(j, "Starting", false),
		.pid_start = (unsigned long long)pm_json_int(j, "PidStart", 0),
		.monitor_start = (unsigned long long)pm_json_int(j, "MonitorStart", 0),
		.boot_id = boot ? pm_xstrdup(boot) : NULL,
		.error = error ? pm_xstrdup(error) : NULL,
		.cgroup_path = cg ? pm_xstrdup(cg) : NULL,
		.oom_base = (uint64_t)pm_json_int(j, "OomBase", 0),
	};
}

int pm_container_save_state(const struct pm_paths *p, const struct pm_container *c, pm_error **err)
{
	_cleanup_free_ char *path = pm_path_join(c->dir, "state.json");
	_cleanup_json_ json_t *j = state_to_json(&c->state);
	/* No fsync: the state is rewritten at every start and exit, and a state.json left
	 * empty by a power loss reads as "exited" (pm_container_reload). Swapped with its
	 * spare, not renamed over: no new inode per transition (lib/fileutil.h). */
	return pm_json_write_file_atomic_flags(path, j, 0600, PM_WRITE_NOSYNC | PM_WRITE_SWAP, err);
}

/* Reserve the name (lib/fileutil.h pm_name_reserve), with podman's message when taken. */
static int reserve_name(const struct pm_paths *p, const char *name, const char *id, pm_error **err)
{
	_cleanup_free_ char *dir = names_dir(p);
	_cleanup_free_ char *cdir = containers_dir(p);
	_cleanup_free_ char *edir = eph_containers_dir(p);
	const char *const rdirs[] = {cdir, edir, NULL};
	char other[PATH_MAX];
	int r = pm_name_reserve_in(dir, rdirs, name, id, "container", other, err);
	if (r != -EEXIST)
		return r;
	return pm_error_set(
		err, EEXIST,
		"the container name \"%s\" is already in use by %s. You have to remove "
		"that container to be able to reuse that name: that name is already in use",
		name, other);
}

static void release_name(const struct pm_paths *p, const char *name, const char *id)
{
	_cleanup_free_ char *dir = names_dir(p);
	pm_name_release(dir, name, id);
}

/* config.json holds two JSON documents, one per line: the identity (Id, Name, Image,
 * ImageID, Created), then the spec as the engine serialised it. The spec is kept as text,
 * so listing many containers reads one file and parses one small document each for it
 * (`jq . config.json` shows both). Written with fsync: it is what a record is; but not for
 * a --rm container (flags PM_WRITE_NOSYNC): a crash leaves it for removal, a torn record is
 * listed as broken and removed by rm -f, and the sync cost a run (issue #20). */
static int write_config_flags(const struct pm_container *c, unsigned flags, pm_error **err)
{
	_cleanup_json_ json_t *id = json_pack("{s:s, s:s, s:s, s:s, s:I}", "Id", c->id, "Name",
					      c->name, "Image", c->image_name, "ImageID",
					      c->image_id, "Created", (json_int_t)c->created_ns);
	if (id && c->pod_id && c->pod_id[0])
		json_object_set_new(id, "Pod", json_string(c->pod_id));
	if (id && c->infra)
		json_object_set_new(id, "Infra", json_true());
	_cleanup_free_ char *head = json_dumps(id, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!head)
		return pm_error_set(err, ENOMEM, "container %s: cannot encode its record", c->id);
	_cleanup_free_ char *data = pm_xasprintf("%s\n%s\n", head, c->config_json);
	_cleanup_free_ char *path = pm_path_join(c->dir, "config.json");
	return pm_write_file_atomic_flags(path, data, strlen(data), 0600, flags, err);
}

static int write_config(const struct pm_container *c, pm_error **err)
{
	return write_config_flags(c, 0, err);
}

int pm_container_save_config(const struct pm_container *c, pm_error **err)
{
	return write_config(c, err);
}

int pm_container_create(const struct pm_paths *p, const char *name, const char *image_name,
			const char *image_id, const char *config_json, struct pm_container **ret,
			pm_error **err)
{
	return pm_container_create_in_pod(p, name, image_name, image_id, config_json, NULL, false,
					  0, ret, err);
}

int pm_container_create_in_pod(const struct pm_paths *p, const char *name, const char *image_name,
			       const char *image_id, const char *config_json, const char *pod_id,
			       bool infra, unsigned flags, struct pm_container **ret,
			       pm_error **err)
{
	if (name && !pm_container_name_valid(name))
		return pm_error_set(err, EINVAL,
				    "container name '%s' is invalid: names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
				    name);
	_cleanup_container_ struct pm_container *c = pm_xcalloc(1, sizeof(*c));
	c->id = pm_random_id();
	c->created_ns = pm_time_now_ns();
	c->image_name = pm_xstrdup(image_name ? image_name : "");
	c->image_id = pm_xstrdup(image_id ? image_id : "");
	c->config_json = pm_xstrdup(config_json ? config_json : "{}");
	c->pod_id = pm_xstrdup(pod_id ? pod_id : "");
	c->infra = infra;
	int r;
	_cleanup_json_ json_t *spec = json_loads(c->config_json, 0, NULL);
	if (!spec)
		return pm_error_set(err, EINVAL, "internal error: container spec is not JSON");
	/* a --rm container's record is under the runroot, with its root (issue #20) */
	bool ephemeral = json_is_true(json_object_get(spec, "Rm"));
	_cleanup_free_ char *cdir = ephemeral && (flags & PM_CTR_CREATE_RUNROOT)
					    ? eph_containers_dir(p)
					    : containers_dir(p);
	c->dir = pm_path_join(cdir, c->id);
	/* The record dir first, then the name: a name always points at an existing dir while
	 * its container lives, which is what tells a stale name from a fresh one. All under
	 * the container's lock: a record without a readable config.json whose lock is free
	 * is damaged, not being made (load_record). */
	_cleanup_close_ int lock = pm_container_lock(p, c->id, err);
	if (lock < 0)
		return lock;
	/* each record dir in a block group of its own (lib/fileutil.h pm_dir_spread) */
	if (pm_mkdir_p_spread(cdir, 0700, err) < 0)
		return -EIO;
	if (mkdir(c->dir, 0700) < 0)
		return pm_error_set_errno(err, errno, "creating '%s'", c->dir);

	if (name) {
		c->name = pm_xstrdup(name);
		r = reserve_name(p, name, c->id, err);
		if (r < 0)
			goto undo_dir_only;
	} else {
		for (int tries = 0;; tries++) {
			c->name = pm_container_generate_name(tries);
			_cleanup_error_ pm_error *e = NULL;
			if (reserve_name(p, c->name, c->id, &e) == 0)
				break;
			free(c->name);
			c->name = NULL;
			if (tries > 50 || e->code != EEXIST) {
				r = pm_error_set(err, e->code, "%s", e->msg);
				goto undo_dir_only;
			}
		}
	}

	/* state first: a record is complete (listed) once config.json exists */
	r = pm_container_save_state(p, c, err);
	if (r < 0)
		goto undo_dir;
	r = write_config_flags(c, ephemeral || (flags & PM_CTR_CREATE_NOSYNC) ? PM_WRITE_NOSYNC : 0,
			       err);
	if (r < 0)
		goto undo_dir;
	*ret = TAKE_PTR(c);
	return 0;

undo_dir:
	release_name(p, c->name, c->id);
undo_dir_only:
	pm_rm_rf(c->dir, NULL);
	return r;
}

char **pm_container_sync_paths(const struct pm_paths *p, const struct pm_container *c)
{
	char **v = NULL;
	pm_strv_consume(&v, pm_path_join(c->dir, "config.json"));
	pm_strv_push(&v, c->dir);
	pm_strv_consume(&v, containers_dir(p));
	pm_strv_consume(&v, names_dir(p));
	return v;
}

static int reload_at(int dfd, const char *path, struct pm_container *c);

/* The name that points at id in the names dir, or NULL. */
static char *name_of(const struct pm_paths *p, const char *id)
{
	_cleanup_free_ char *ndir = names_dir(p);
	_cleanup_closedir_ DIR *d = opendir(ndir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (n > 0 && (target[n] = 0, strcmp(target, id) == 0))
			return pm_xstrdup(de->d_name);
	}
	return NULL;
}

/* A record whose config.json cannot be read. While its lock is held it is being made (or
 * removed): -EBUSY. Else it is damaged: what is known of it (id, the name that points at
 * it, its state) with c->broken saying why, so that ps shows it and rm -f removes it. */
static int load_broken(const struct pm_paths *p, const char *id, char *dir, const char *why,
		       struct pm_container **ret, pm_error **err)
{
	_cleanup_free_ char *d = dir;
	_cleanup_close_ int lock = pm_container_trylock(p, id);
	if (lock < 0 || !pm_path_exists(d))
		return pm_error_set(err, EBUSY, "container '%s' is being created or removed", id);
	_cleanup_container_ struct pm_container *c = pm_xcalloc(1, sizeof(*c));
	c->id = pm_xstrdup(id);
	c->name = name_of(p, id);
	if (!c->name)
		c->name = pm_xstrdup("");
	c->image_name = pm_xstrdup("");
	c->image_id = pm_xstrdup("");
	c->pod_id = pm_xstrdup("");
	c->config_json = pm_xstrdup("{}");
	c->broken = pm_xasprintf("its record '%s/config.json' is damaged (%s)", d, why);
	c->dir = TAKE_PTR(d);
	pm_container_reload(p, c, NULL);
	*ret = TAKE_PTR(c);
	return 0;
}

/* Read a record file relative to dfd (AT_FDCWD: path as is): openat and one read() for the
 * small files records are (no fstat: a short read of a regular file is its end), growing
 * the buffer only for a bigger one. ps reads two of these per container. */
static int read_record_file(int dfd, const char *path, char **ret, size_t *ret_len, pm_error **err)
{
	_cleanup_close_ int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "reading '%s'", path);
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = pm_xmalloc(cap + 1);
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pm_error_set_errno(err, errno, "reading '%s'", path);
		}
		len += (size_t)n;
		if (n == 0 || len < cap)
			break;
		if (cap >= RECORD_MAX)
			return pm_error_set(err, EFBIG,
					    "reading '%s': file is larger than %d bytes", path,
					    RECORD_MAX);
		cap *= 2;
		buf = pm_xrealloc(buf, cap + 1);
	}
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* The identity line without a tree (lib/jscan): 0, or < 0 when it holds anything this
 * reader does not know, and jansson reads it instead. */
static int identity_scan(const char *text, size_t len, struct pm_container *c)
{
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	int r = pm_jscan_object(&s, text, len);
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &v)) > 0) {
		char **dst = pm_jscan_key_is(&k, "Id")	      ? &c->id
			     : pm_jscan_key_is(&k, "Name")    ? &c->name
			     : pm_jscan_key_is(&k, "Image")   ? &c->image_name
			     : pm_jscan_key_is(&k, "ImageID") ? &c->image_id
			     : pm_jscan_key_is(&k, "Pod")     ? &c->pod_id
							      : NULL;
		if (dst) {
			free(*dst);
			*dst = NULL;
			r = pm_jscan_string(&v, dst);
		} else if (pm_jscan_key_is(&k, "Created")) {
			r = pm_jscan_int(&v, &c->created_ns);
		} else if (pm_jscan_key_is(&k, "Infra")) {
			r = pm_jscan_bool(&v, &c->infra);
		} else {
			r = -EBADMSG;
		}
	}
	return r;
}

static int identity_json(const char *text, size_t len, struct pm_container *c)
{
	json_error_t je;
	_cleanup_json_ json_t *cfg = json_loadb(text, len, 0, &je);
	if (!json_is_object(cfg))
		return -EBADMSG;
	const char *s;
	c->id = (s = pm_json_string(cfg, "Id")) ? pm_xstrdup(s) : NULL;
	c->name = (s = pm_json_string(cfg, "Name")) ? pm_xstrdup(s) : NULL;
	c->image_name = (s = pm_json_string(cfg, "Image")) ? pm_xstrdup(s) : NULL;
	c->image_id = (s = pm_json_string(cfg, "ImageID")) ? pm_xstrdup(s) : NULL;
	c->pod_id = (s = pm_json_string(cfg, "Pod")) ? pm_xstrdup(s) : NULL;
	c->infra = json_is_true(json_object_get(cfg, "Infra"));
	c->created_ns = pm_json_int(cfg, "Created", 0);
	return 0;
}

static void identity_clear(struct pm_container *c)
{
	free(c->id);
	free(c->name);
	free(c->image_name);
	free(c->image_id);
	free(c->pod_id);
	c->id = c->name = c->image_name = c->image_id = c->pod_id = NULL;
	c->infra = false;
	c->created_ns = 0;
}

/* dfd: the open containers directory when listing many (relative opens skip the walk of
 * the long path each time) and cdir its path, or -1 and NULL. */
static int load_record(const struct pm_paths *p, const char *cdir, int dfd, const char *id,
		       struct pm_container **ret, pm_error **err)
{
	_cleanup_free_ char *own_cdir = cdir ? NULL : record_parent(p, id);
	_cleanup_free_ char *dir = pm_path_join(cdir ? cdir : own_cdir, id);
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	char rel[PATH_MAX];
	if (snprintf(rel, sizeof(rel), "%s/config.json", dfd >= 0 ? id : dir) >= (int)sizeof(rel))
		return pm_error_set(err, ENAMETOOLONG, "container '%s': path too long", id);
	_cleanup_error_ pm_error *rerr = NULL;
	int r = read_record_file(dfd >= 0 ? dfd : AT_FDCWD, rel, &data, &len, &rerr);
	if (r < 0 && !pm_path_exists(dir))
		return pm_error_set(err, ENOENT, "container '%s' was removed", id);
	/* line 1: the identity; the rest: the spec, kept as text (see write_config) */
	char *nl = r < 0 ? NULL : memchr(data, '\n', len);
	_cleanup_container_ struct pm_container *c = pm_xcalloc(1, sizeof(*c));
	if (!nl || identity_scan(data, (size_t)(nl - data), c) < 0) {
		identity_clear(c);
		if (!nl || identity_json(data, (size_t)(nl - data), c) < 0)
			return load_broken(p, id, TAKE_PTR(dir),
					   rerr ? rerr->msg : "not a container record", ret, err);
	}
	if (!c->id)
		c->id = pm_xstrdup(id);
	if (!c->name)
		c->name = pm_xstrdup("");
	if (!c->image_name)
		c->image_name = pm_xstrdup("");
	if (!c->image_id)
		c->image_id = pm_xstrdup("");
	if (!c->pod_id)
		c->pod_id = pm_xstrdup("");
	char *spec = nl + 1;
	size_t slen = len - (size_t)(spec - data);
	while (slen > 0 && spec[slen - 1] == '\n')
		slen--;
	c->config_json = slen ? pm_xstrndup(spec, slen) : pm_xstrdup("{}");
	c->dir = TAKE_PTR(dir);
	if (dfd >= 0) {
		snprintf(rel, sizeof(rel), "%s/state.json", id);
		r = reload_at(dfd, rel, c);
	} else {
		r = pm_container_reload(p, c, err);
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

/* state.json without a tree (lib/jscan), into s (zeroed by the caller): 0, -ESTALE when its
 * Gen and GenEnd differ (or one is missing: a torn read, state_to_json), or another < 0
 * when it holds anything this reader does not know (then jansson reads it:
 * state_from_json). */
static int state_scan(const char *text, size_t len, struct pm_ctr_state *s)
{
	struct pm_jscan sc;
	struct pm_jscan_val k, v;
	int64_t i = 0, gen = 0, gen_end = 0;
	bool seen_status = false, seen_gen = false, seen_end = false;
	int r = pm_jscan_object(&sc, text, len);
	while (r >= 0 && (r = pm_jscan_member(&sc, &k, &v)) > 0) {
		if (pm_jscan_key_is(&k, "Status")) {
			_cleanup_free_ char *st = NULL;
			r = pm_jscan_string(&v, &st);
			if (r >= 0)
				s->status = (enum pm_ctr_status)status_parse(st);
			seen_status = true;
		} else if (pm_jscan_key_is(&k, "Pid")) {
			if ((r = pm_jscan_int(&v, &i)) >= 0)
				s->pid = (pid_t)i;
		} else if (pm_jscan_key_is(&k, "MonitorPid")) {
			if ((r = pm_jscan_int(&v, &i)) >= 0)
				s->monitor_pid = (pid_t)i;
		} else if (pm_jscan_key_is(&k, "ExitCode")) {
			if ((r = pm_jscan_int(&v, &i)) >= 0)
				s->exit_code = (int)i;
		} else if (pm_jscan_key_is(&k, "StartedAt")) {
			r = pm_jscan_int(&v, &s->started_ns);
		} else if (pm_jscan_key_is(&k, "FinishedAt")) {
			r = pm_jscan_int(&v, &s->finished_ns);
		} else if (pm_jscan_key_is(&k, "OOMKilled")) {
			r = pm_jscan_bool(&v, &s->oom_killed);
		} else if (pm_jscan_key_is(&k, "RestartCount")) {
			if ((r = pm_jscan_int(&v, &i)) >= 0)
				s->restart_count = (unsigned)i;
		} else if (pm_jscan_key_is(&k, "Mountpoint")) {
			free(s->mountpoint);
			s->mountpoint = NULL;
			if (v.type != PM_JSCAN_NULL)
				r = pm_jscan_string(&v, &s->mountpoint);
		} else if (pm_jscan_key_is(&k, "Ports")) {
			s->ports = pm_strv_free(s->ports);
			r = pm_jscan_strv(&v, &s->ports);
		} else if (pm_jscan_key_is(&k, "Starting")) {
			r = pm_jscan_bool(&v, &s->starting);
		} else if (pm_jscan_key_is(&k, "PidStart")) {
			if ((r = pm_jscan_int(&v, &i)) >= 0)
				s->pid_start = (unsigned long long)i;
		} else if (pm_jscan_key_is(&k, "MonitorStart")) {
			if ((r = pm_jscan_int(&v, &i)) >= 0)
				s->monitor_start = (unsigned long long)i;
		} else if (pm_jscan_key_is(&k, "BootID")) {
			free(s->boot_id);
			s->boot_id = NULL;
			r = pm_jscan_string(&v, &s->boot_id);
		} else if (pm_jscan_key_is(&k, "Error")) {
			free(s->error);
			s->error = NULL;
			r = pm_jscan_string(&v, &s->error);
		} else if (pm_jscan_key_is(&k, "CgroupPath")) {
			free(s->cgroup_path);
			s->cgroup_path = NULL;
			r = pm_jscan_string(&v, &s->cgroup_path);
		} else if (pm_jscan_key_is(&k, "OomBase")) {
			if ((r = pm_jscan_int(&v, &i)) >= 0)
				s->oom_base = (uint64_t)i;
		} else if (pm_jscan_key_is(&k, "Gen")) {
			r = pm_jscan_int(&v, &gen);
			seen_gen = true;
		} else if (pm_jscan_key_is(&k, "GenEnd")) {
			r = pm_jscan_int(&v, &gen_end);
			seen_end = true;
		} else {
			r = -EBADMSG; /* a field this reader does not know yet: jansson's turn */
		}
	}
	if (r >= 0 && (seen_gen || seen_end) && !(seen_gen && seen_end && gen == gen_end))
		return -ESTALE;
	if (r >= 0 && !seen_status)
		s->status = PM_CTR_STOPPED;
	if (r >= 0 && !s->ports)
		s->ports = pm_xcalloc(1, sizeof(char *));
	return r;
}

/* Read state.json (dfd and path, as openat takes them) into c. A missing, empty or torn
 * file (a crash before the data reached the disk, a full disk, a hand edit) is "damaged":
 * it reads as exited until pm_engine_refresh (engine/ctr-state.h) has asked the processes,
 * whose word wins over a damaged record. */
static int reload_at(int dfd, const char *path, struct pm_container *c)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	_cleanup_error_ pm_error *e = NULL;
	bool torn = false;
	if (read_record_file(dfd, path, &data, &len, &e) >= 0) {
		struct pm_ctr_state s = {0};
		int r = state_scan(data, len, &s);
		if (r >= 0) {
			state_clear(&c->state);
			c->state = s;
			return 0;
		}
		state_clear(&s);
		torn = r == -ESTALE;
	}
	_cleanup_json_ json_t *st = data && !torn ? json_loadb(data, len, 0, NULL) : NULL;
	bool damaged = !json_is_object(st);
	if (damaged) {
		pm_log_debug("container %s: %s: damaged, the processes will tell", c->id,
			     e	    ? e->msg
			     : torn ? "state.json is torn (its Gen and GenEnd differ)"
				    : "state.json is not a JSON object");
		json_decref(st);
		st = json_pack("{s:s}", "Status", "exited");
	}
	state_from_json(st, &c->state);
	c->state.damaged = damaged;
	return 0;
}

int pm_container_reload(const struct pm_paths *p, struct pm_container *c, pm_error **err)
{
	_cleanup_free_ char *path = pm_path_join(c->dir, "state.json");
	return reload_at(AT_FDCWD, path, c);
}

static bool is_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static bool prefix_scan(DIR *d, const char *ref, size_t len, char **match, int *matches);

static int lookup_prefix(const struct pm_paths *p, const char *ref, char **ret, pm_error **err)
{
	_cleanup_free_ char *cdir = containers_dir(p);
	_cleanup_free_ char *edir = eph_containers_dir(p);
	_cleanup_free_ char *match = NULL;
	size_t len = strlen(ref);
	int matches = 0;
	bool full = false;
	for (int i = 0; i < 2 && !full; i++) {
		_cleanup_closedir_ DIR *d = opendir(i == 0 ? cdir : edir);
		if (d)
			full = prefix_scan(d, ref, len, &match, &matches);
	}
	if (matches > 1)
		return pm_error_set(
			err, EINVAL,
			"more than one result for container ID '%s': ambiguous ID prefix", ref);
	if (matches == 0)
		return -ENOENT;
	*ret = TAKE_PTR(match);
	return 0;
}

/* One records directory's part of lookup_prefix: true when a full id matched. */
static bool prefix_scan(DIR *d, const char *ref, size_t len, char **match, int *matches)
{
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, ref, len) != 0)
			continue;
		if (strlen(de->d_name) == len) { /* a full id wins */
			free(*match);
			*match = pm_xstrdup(de->d_name);
			*matches = 1;
			return true;
		}
		if ((*matches)++ == 0)
			*match = pm_xstrdup(de->d_name);
	}
	return false;
}

int pm_container_lookup(const struct pm_paths *p, const char *ref, struct pm_container **ret,
			pm_error **err)
{
	if (ref && ref[0] && !strchr(ref, '/')) {
		/* A name first (podman: exact name or full id, then id prefix). */
		_cleanup_free_ char *ndir = names_dir(p);
		_cleanup_free_ char *link = pm_path_join(ndir, ref);
		char target[PATH_MAX];
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			if (load_record(p, NULL, -1, target, ret, NULL) == 0)
				return 0;
		}
		/* a full id is its record's name: no scan of the containers dirs */
		if (strlen(ref) == 64 && is_hex(ref) &&
		    load_record(p, NULL, -1, ref, ret, NULL) == 0)
			return 0;
		if (is_hex(ref)) {
			_cleanup_free_ char *id = NULL;
			int r = lookup_prefix(p, ref, &id, err);
			if (r == 0)
				return load_record(p, NULL, -1, id, ret, err);
			if (r != -ENOENT)
				return r;
		}
	}
	return pm_error_set(err, ENOENT,
			    "no container with name or ID \"%s\" found: no such container",
			    ref ? ref : "");
}

/* The name's link, when it is still c's, moved into c's record, which is deleted with it:
 * a rename instead of an unlink on the remover's path (the unlink frees the link's inode,
 * 0.25-0.5 ms on the test machines' ext4 without a journal, issue #20). A crash before the
 * record is moved aside leaves it without its name link, as the unlink did. */
static void release_name_into_record(const struct pm_paths *p, const struct pm_container *c)
{
	if (!c->name || !*c->name || strchr(c->name, '/'))
		return;
	_cleanup_free_ char *dir = names_dir(p);
	_cleanup_free_ char *link = pm_path_join(dir, c->name);
	char target[PATH_MAX] = "";
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = 0;
	if (strcmp(target, c->id) != 0)
		return;
	_cleanup_free_ char *dst = pm_path_join(c->dir, ".name");
	if (rename(link, dst) < 0)
		unlink(link);
}

char *pm_container_hide_record(const struct pm_paths *p, const struct pm_container *c)
{
	release_name_into_record(p, c);
	/* moved aside first: a record is there whole or not at all (a half-deleted one would
	 * read as damaged); the list skips the ".rm" name, a later remove finishes it */
	char *aside = pm_xasprintf("%s.rm", c->dir);
	if (rename(c->dir, aside) == 0)
		return aside;
	free(aside);
	return pm_xstrdup(c->dir);
}

int pm_container_drop_record(const struct pm_paths *p, const char *id, const char *aside,
			     pm_error **err)
{
	int r = pm_rm_rf(aside, err);
	_cleanup_free_ char *ldir = pm_path_join(p->runroot, "locks");
	_cleanup_free_ char *lname = pm_xasprintf("%s.lock", id);
	_cleanup_free_ char *lpath = pm_path_join(ldir, lname);
	unlink(lpath);
	return r;
}

int pm_container_remove_record(const struct pm_paths *p, const struct pm_container *c,
			       pm_error **err)
{
	_cleanup_free_ char *aside = pm_container_hide_record(p, c);
	return pm_container_drop_record(p, c->id, aside, err);
}

static int cmp_created(const void *a, const void *b)
{
	const struct pm_container *x = *(struct pm_container *const *)a;
	const struct pm_container *y = *(struct pm_container *const *)b;
	return x->created_ns < y->created_ns ? 1 : x->created_ns > y->created_ns ? -1 : 0;
}

/* The records in cdir appended to *list (ENOENT: none). */
static int list_dir(const struct pm_paths *p, const char *cdir, struct pm_container ***list,
		    size_t *n, size_t *cap, pm_error **err)
{
	_cleanup_closedir_ DIR *d = opendir(cdir);
	if (!d)
		return errno == ENOENT ? 0 : pm_error_set_errno(err, errno, "reading '%s'", cdir);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len == 67 && strcmp(de->d_name + 64, ".rm") == 0) {
			/* a remove killed half-way: its record is gone already, finish it */
			_cleanup_free_ char *aside = pm_path_join(cdir, de->d_name);
			pm_rm_rf(aside, NULL);
			continue;
		}
		if (de->d_name[0] == '.' || len != 64)
			continue;
		struct pm_container *c = NULL;
		if (load_record(p, cdir, dirfd(d), de->d_name, &c, NULL) < 0)
			continue; /* being created or removed right now */
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*list = pm_xrealloc(*list, *cap * sizeof(**list));
		}
		(*list)[(*n)++] = c;
	}
	return 0;
}

int pm_container_list(const struct pm_paths *p, struct pm_container ***ret, size_t *ret_n,
		      pm_error **err)
{
	*ret = NULL;
	*ret_n = 0;
	_cleanup_free_ char *cdir = containers_dir(p);
	_cleanup_free_ char *edir = eph_containers_dir(p);
	struct pm_container **list = NULL;
	size_t n = 0, cap = 0;
	int r = list_dir(p, cdir, &list, &n, &cap, err);
	if (r >= 0)
		r = list_dir(p, edir, &list, &n, &cap, err);
	if (r < 0) {
		pm_container_list_free(list, n);
		return r;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_created);
	*ret = list;
	*ret_n = n;
	return 0;
}

char **pm_container_ids_config_has(const struct pm_paths *p, const char *skip, const char *needle,
				   const char *needle2)
{
	char **ids = NULL;
	_cleanup_free_ char *cdir = containers_dir(p);
	_cleanup_free_ char *edir = eph_containers_dir(p);
	const char *const dirs[] = {cdir, edir};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_closedir_ DIR *d = opendir(dirs[i]);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' || strlen(de->d_name) != 64 ||
			    (skip && strcmp(de->d_name, skip) == 0))
				continue;
			char rel[sizeof(de->d_name) + 16];
			snprintf(rel, sizeof(rel), "%s/config.json", de->d_name);
			_cleanup_free_ char *data = NULL;
			size_t len;
			if (read_record_file(dirfd(d), rel, &data, &len, NULL) >= 0 &&
			    (strstr(data, needle) || (needle2 && strstr(data, needle2))))
				pm_strv_push(&ids, de->d_name);
		}
	}
	return ids;
}

char *pm_containers_dir(const struct pm_paths *p)
{
	return containers_dir(p);
}

int pm_container_load_at(const struct pm_paths *p, const char *cdir, int dfd, const char *id,
			 struct pm_container **ret)
{
	return load_record(p, cdir, dfd, id, ret, NULL);
}

int pm_container_rename(const struct pm_paths *p, struct pm_container *c, const char *newname,
			pm_error **err)
{
	if (c->broken)
		return pm_error_set(err, EBADMSG, "container %s: %s: remove it with 'pm rm -f %s'",
				    c->id, c->broken, c->id);
	if (!pm_container_name_valid(newname))
		return pm_error_set(err, EINVAL,
				    "container name '%s' is invalid: names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*",
				    newname);
	int r = reserve_name(p, newname, c->id, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *oldname = c->name;
	c->name = pm_xstrdup(newname);
	r = write_config(c, err);
	free(c->name);
	c->name = TAKE_PTR(oldname);
	if (r < 0) {
		release_name(p, newname, c->id);
		return r;
	}
	release_name(p, c->name, c->id);
	free(c->name);
	c->name = pm_xstrdup(newname);
	return 0;
}
