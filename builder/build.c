/* build.c: the build loop (builder/build.h): stages in order up to --target, each
 * instruction one step: its cache key, a cache hit or the work (a RUN container, a COPY into
 * a mounted root, a config change), a new image with one more history entry. Never prints
 * (progress through opts->say); called by cli/cmd-build.c. */
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/build-internal.h"
#include "builder/build.h"
#include "builder/cache.h"
#include "builder/containerfile.h"
#include "builder/copy.h"
#include "builder/ignore.h"
#include "builder/squash.h"
#include "engine/container.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "lib/fileutil.h"
#include "lib/sha256.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "registry/fetch.h"
#include "storage/container.h"
#include "storage/image.h"
#include "storage/layer.h"
#include "storage/store.h"
#include "storage/tar-tree.h"
static void say(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct build *b, const char *fmt, ...)
{
	if (!b->o->say)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *line = NULL;
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (b->n_build > 1) {
		char *l2 = pm_xasprintf("[%zu/%zu] %s", b->cur + 1, b->n_build, line);
		free(line);
		line = l2;
	}
	b->o->say(b->o->userdata, line);
	free(line);
}

static void warn(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const struct build *b, const char *fmt, ...)
{
	if (!b->o->warn)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *line = NULL;
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	b->o->warn(b->o->userdata, line);
	free(line);
}

static void say_plain(const struct build *b, const char *line)
{
	if (b->o->say)
		b->o->say(b->o->userdata, line);
}

const char *pm_bld_kv_get(char *const *v, const char *key)
{
	size_t kl = strlen(key);
	for (; v && *v; v++)
		if (!strncmp(*v, key, kl) && (*v)[kl] == '=')
			return *v + kl + 1;
	return NULL;
}

static const char *meta_lookup(const char *name, void *userdata)
{
	const struct build *b = userdata;
	return pm_bld_kv_get(b->meta, name);
}

const char *pm_bld_stage_lookup(const char *name, void *userdata)
{
	const struct stage *st = userdata;
	const char *v = pm_bld_kv_get(st->cfg.config.env, name);
	return v ? v : pm_bld_kv_get(st->args, name);
}

static void stage_clear(struct stage *st)
{
	free(st->name);
	free(st->image_id);
	free(st->parent_ref);
	pm_image_config_free(&st->cfg);
	pm_strv_free(st->args);
	pm_strv_free(st->shell);
	pm_strv_free(st->onbuild);
	*st = (struct stage){0};
}

/* podman's words after the file and line, as a parse error has them ("Containerfile:3: ");
 * the synthetic --label step has no line */
static int step_error(const struct build *b, const struct pm_cf_instr *in, pm_error **err)
{
	if (!in->line)
		return pm_error_prefix(err, "building at STEP \"%s\"", in->original);
	return pm_error_prefix(err, "%s:%u: building at STEP \"%s\"", b->o->file_name, in->line,
			       in->original);
}

/* --timestamp's seconds as an image's created date. */
static char *time_rfc3339(long long secs)
{
	char buf[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339_utc((int64_t)secs * 1000000000, false, buf);
	return pm_xstrdup(buf);
}

/* Load image id's config into the stage. */
static int load_image(struct build *b, const char *id, pm_error **err)
{
	struct pm_image_record rec = {0};
	int r = pm_image_resolve(b->s, id, &rec, err);
	if (r < 0)
		return r;
	struct pm_image_config cfg = {0};
	r = pm_image_read_config(b->s, &rec, &cfg, NULL, err);
	if (r >= 0) {
		pm_image_config_free(&b->st->cfg);
		b->st->cfg = cfg;
		free(b->st->image_id);
		b->st->image_id = pm_xstrdup(rec.id);
	}
	pm_image_record_free(&rec);
	return r;
}

/* --cache-ttl: was image id made less than the ttl ago (by its record's date)? */
static bool young_enough(const struct build *b, const char *id)
{
	struct pm_image_record rec = {0};
	int64_t created = 0;
	bool ok = pm_image_resolve(b->s, id, &rec, NULL) >= 0 && rec.created &&
		  pm_time_parse_rfc3339(rec.created, strlen(rec.created), &created, NULL) >= 0 &&
		  pm_time_now_ns() - created < b->o->cache_ttl_ns;
	pm_image_record_free(&rec);
	return ok;
}

/* --cache-ttl: *id (freed when not) made less than the ttl ago; true without a ttl. */
static bool fresh(const struct build *b, char **id)
{
	if (b->o->cache_ttl_ns <= 0 || young_enough(b, *id))
		return true;
	free(*id);
	*id = NULL;
	return false;
}

/* A step's cached image (--layers without --no-cache): the local cache's, else the one
 * --cache-from's repository has (*ret_remote, then recorded locally too); true with
 * *ret_id, said as podman does ("--> Using cache ID"); the caller loads it. */
static bool cache_hit(struct build *b, const char *key, char **ret_id, bool *ret_remote)
{
	*ret_remote = false;
	if (b->o->no_cache || !b->o->layers)
		return false;
	if (pm_build_cache_get(b->s, key, ret_id) != 1 || !fresh(b, ret_id)) {
		if (pm_bld_remote_get(b, key, ret_id) != 1 || !fresh(b, ret_id))
			return false;
		*ret_remote = true;
		pm_build_cache_put(b->s, key, *ret_id, NULL);
	}
	_cleanup_free_ char *l = pm_xasprintf("--> Using cache %s", *ret_id);
	say_plain(b, l);
	return true;
}

/* The stage moves on to a step's new image id, cached under key with --layers. */
static void step_image(struct build *b, const char *key, const char *id)
{
	free(b->st->image_id);
	b->st->image_id = pm_xstrdup(id);
	if (b->o->layers)
		pm_build_cache_put(b->s, key, id, NULL);
}

/* Append a history entry to the stage's config and make the image (with a new layer when
 * diff_id). */
static int commit_image(struct build *b, const char *created_by, const char *diff_id, char **ret_id,
			pm_error **err)
{
	struct pm_image_config *c = &b->st->cfg;
	free(c->created);
	c->created = b->o->timestamp_set ? time_rfc3339(b->o->timestamp) : pm_image_now_rfc3339();
	if (diff_id) {
		c->diff_ids = pm_xrealloc(c->diff_ids, (c->n_diff_ids + 2) * sizeof(char *));
		c->diff_ids[c->n_diff_ids++] = pm_xstrdup(diff_id);
		c->diff_ids[c->n_diff_ids] = NULL;
	}
	c->history = pm_xrealloc(c->history, (c->n_history + 1) * sizeof(*c->history));
	c->history[c->n_history++] = (struct pm_history){
		.created = pm_xstrdup(c->created),
		.created_by = pm_xstrdup(created_by),
		.comment = pm_xasprintf("FROM %s", b->st->parent_ref),
		.empty_layer = !diff_id,
	};
	if (!c->os)
		c->os = pm_xstrdup("linux");
	if (!c->architecture)
		c->architecture = pm_xstrdup("amd64");
	if (!b->o->docker_format) {
		/* OCI configs have no such fields (a Docker-format base's go, as buildah's) */
		free(c->config.healthcheck);
		c->config.healthcheck = NULL;
		pm_strv_free(c->config.shell);
		c->config.shell = NULL;
		pm_strv_free(c->config.onbuild);
		c->config.onbuild = NULL;
	}
	int r = pm_image_create_from_config_fmt(b->s, c, b->o->docker_format, NULL, NULL, ret_id,
						err);
	if (r < 0)
		return r;
	pm_strv_push(&b->made, *ret_id);
	if (b->o->docker_format)
		return 0;
	/* as buildah's commit in OCI format (podman's default), warned at every commit */
	for (char **t = b->st->onbuild; t && *t; t++)
		warn(b,
		     "ONBUILD is not supported for OCI image format, %s will be ignored. Must use "
		     "`docker` format",
		     *t);
	if (b->st->healthcheck)
		warn(b, "HEALTHCHECK is not supported for OCI image format and will be ignored. "
			"Must use `docker` format");
	return 0;
}

/* The container's changes as a layer and the image on it. */
int pm_bld_commit_ctr(struct build *b, const char *ctr_id, const char *created_by, char **ret_id,
		      pm_error **err)
{
	_cleanup_close_ int lock = pm_store_lock(b->s, "layers", LOCK_SH, err);
	if (lock < 0)
		return lock;
	struct pm_layer_info li = {0};
	int r = pm_storage_ctr_commit_layer_at(
		b->s, ctr_id, b->o->timestamp_set ? b->o->timestamp : -1, &li, err);
	if (r >= 0)
		r = commit_image(b, created_by, li.diff_id, ret_id, err);
	pm_layer_info_free(&li);
	return r;
}

static int commit_meta(struct build *b, const char *created_by, char **ret_id, pm_error **err)
{
	_cleanup_close_ int lock = pm_store_lock(b->s, "layers", LOCK_SH, err);
	if (lock < 0)
		return lock;
	return commit_image(b, created_by, NULL, ret_id, err);
}

/* ---- COPY / ADD ------------------------------------------------------------------------- */

void pm_bld_mounted_release(const struct build *b, struct mounted *m)
{
	if (m->rootfd >= 0)
		close(m->rootfd);
	m->rootfd = -1;
	if (m->ctr_id) {
		pm_storage_ctr_delete(b->s, m->ctr_id, NULL);
		free(m->ctr_id);
		m->ctr_id = NULL;
	}
	free(m->path);
	m->path = NULL;
}

/* A storage-only container of image_id (NULL: empty), mounted: its root as an fd. */
int pm_bld_mount_image(const struct build *b, const char *image_id, struct mounted *m,
		       pm_error **err)
{
	*m = (struct mounted){.ctr_id = pm_random_id(), .rootfd = -1};
	int r = pm_storage_ctr_create(b->s, m->ctr_id, image_id, err);
	if (r < 0) {
		free(m->ctr_id);
		m->ctr_id = NULL;
		return r;
	}
	r = pm_storage_ctr_mount(b->s, m->ctr_id, &m->path, err);
	if (r >= 0) {
		m->rootfd = open(m->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (m->rootfd < 0)
			r = pm_error_set_errno(err, errno, "opening '%s'", m->path);
	}
	if (r < 0)
		pm_bld_mounted_release(b, m);
	return r;
}

static const char *flag_value(const struct pm_cf_instr *in, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < in->n_flags; i++)
		if (!strcmp(in->flags[i].name, name))
			v = in->flags[i].value ? in->flags[i].value : "";
	return v;
}

/* The stage (by name or number) or image a --from names: its image id. */
int pm_bld_from_image(struct build *b, const char *from, char **ret_id, pm_error **err)
{
	for (size_t i = 0; i < b->cur; i++) {
		char num[24];
		snprintf(num, sizeof(num), "%zu", i);
		if (!strcasecmp(b->names[i], from) || !strcmp(num, from)) {
			if (!b->stage_ids[i][0])
				return pm_error_set(err, EINVAL, "stage '%s' has no content", from);
			*ret_id = pm_xstrdup(b->stage_ids[i]);
			return 0;
		}
	}
	struct pm_image_record rec = {0};
	int r = pm_image_resolve(b->s, from, &rec, err);
	if (r < 0)
		return r;
	*ret_id = TAKE_PTR(rec.id);
	pm_image_record_free(&rec);
	return 0;
}

static bool id_word(const char *w, uint32_t *ret)
{
	if (!strcmp(w, "root")) {
		*ret = 0;
		return true;
	}
	return pm_parse_uint32(w, ret) == 0;
}

/* --chown=USER[:GROUP] in numbers (or root): 1, or 0 when a name must be looked up in the
 * image's /etc/passwd and /etc/group (resolve_chown). A user alone: the group is the same
 * number, as Docker's. */
static int parse_chown(const char *v, uid_t *uid, gid_t *gid, pm_error **err)
{
	if (!v[0] || v[0] == ':')
		return pm_error_set(err, EINVAL, "--chown: invalid user '%s'", v);
	_cleanup_free_ char *u = pm_xstrndup(v, strcspn(v, ":"));
	const char *g = strchr(v, ':');
	uint32_t nu, ng;
	if (!id_word(u, &nu))
		return 0;
	if (g && !id_word(g + 1, &ng))
		return 0;
	*uid = nu;
	*gid = g ? ng : nu;
	return 1;
}

/* A --chown with names, resolved in the image mounted at root. */
static int resolve_chown(const char *root, const char *v, uid_t *uid, gid_t *gid, pm_error **err)
{
	_cleanup_free_ char *passwd = NULL, *group = NULL, *home = NULL;
	_cleanup_free_ gid_t *groups = NULL;
	size_t ngroups = 0;
	int r = pm_read_file_in_root(root, "/etc/passwd", 1u << 20, &passwd, err);
	if (r >= 0)
		r = pm_read_file_in_root(root, "/etc/group", 1u << 20, &group, err);
	if (r < 0)
		return r;
	_cleanup_error_ pm_error *rerr = NULL;
	r = pm_spec_resolve_user(passwd, group, v, NULL, uid, gid, &groups, &ngroups, &home, &rerr);
	if (r < 0)
		return pm_error_set(err, -r, "looking up UID/GID for \"%s\": %s", v, rerr->msg);
	return 0;
}

char *pm_bld_abs_path(const struct stage *st, const char *p)
{
	if (p[0] == '/')
		return pm_xstrdup(p);
	const char *wd = st->cfg.config.working_dir && st->cfg.config.working_dir[0]
				 ? st->cfg.config.working_dir
				 : "/";
	return pm_path_join(wd, p);
}

struct copy_step {
	struct pm_build_copy c;
	struct pm_ignore *ignore;
	struct pm_copy_plan *plan;
	struct mounted src;
	int ctxfd;
	char **srcs;
	char *dest;
	const char *chown_names; /* --chown with names, looked up in the image so far */
	char *heredoc_dir;	 /* COPY <<EOF: the bodies as files, the sources' root */
	char digest[65];
};

static void copy_step_clear(const struct build *b, struct copy_step *cs)
{
	pm_copy_plan_free(cs->plan);
	pm_ignore_free(cs->ignore);
	pm_bld_mounted_release(b, &cs->src);
	if (cs->ctxfd >= 0)
		close(cs->ctxfd);
	pm_strv_free(cs->srcs);
	free(cs->dest);
	if (cs->heredoc_dir)
		pm_rm_rf(cs->heredoc_dir, NULL);
	free(cs->heredoc_dir);
}

/* COPY/ADD <<EOF: each heredoc source a file named as its delimiter, mode 0644, in a
 * temporary directory that becomes the sources' root (the bodies are copied as written:
 * no expansion). Heredoc and file sources in one instruction are not supported. */
static int heredoc_sources(struct build *b, const struct pm_cf_instr *in, struct copy_step *cs,
			   pm_error **err)
{
	size_t nh = 0;
	for (size_t i = 0; i + 1 < in->n_args; i++)
		if (!strncmp(in->args[i], "<<", 2))
			nh++;
	if (nh != in->n_args - 1 || nh > in->n_heredocs)
		return pm_error_set(err, EOPNOTSUPP,
				    "heredoc and file sources in one %s are not supported",
				    pm_cf_kind_name(in->kind));
	if (flag_value(in, "from"))
		return pm_error_set(err, EINVAL, "--from with a heredoc source");
	cs->heredoc_dir = pm_path_join(b->e->paths->runroot, "build-heredoc-XXXXXX");
	if (!mkdtemp(cs->heredoc_dir)) {
		int r = pm_error_set_errno(err, errno, "creating '%s'", cs->heredoc_dir);
		free(cs->heredoc_dir);
		cs->heredoc_dir = NULL;
		return r;
	}
	for (size_t i = 0; i < nh; i++) {
		const struct pm_cf_heredoc *h = &in->heredocs[i];
		if (!h->name[0] || strchr(h->name, '/') || !strcmp(h->name, ".") ||
		    !strcmp(h->name, ".."))
			return pm_error_set(err, EINVAL, "heredoc name '%s' is not a file name",
					    h->name);
		_cleanup_free_ char *path = pm_path_join(cs->heredoc_dir, h->name);
		_cleanup_close_ int fd =
			open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "creating '%s'", path);
		fchmod(fd, 0644);
		size_t len = strlen(h->body);
		if (write(fd, h->body, len) != (ssize_t)len)
			return pm_error_set_errno(err, errno ? errno : EIO, "writing '%s'", path);
		pm_strv_push(&cs->srcs, h->name);
	}
	return 0;
}

/* The context's .containerignore (else .dockerignore), or NULL. */
static int read_ignore(const struct build *b, struct pm_ignore **ret, pm_error **err)
{
	static const char *const names[] = {".containerignore", ".dockerignore"};
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *path = b->o->ignorefile
						    ? pm_xstrdup(b->o->ignorefile)
						    : pm_path_join(b->o->context, names[i]);
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		_cleanup_error_ pm_error *rerr = NULL;
		int r = pm_read_file(path, 1u << 20, &data, &len, &rerr);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			pm_error_propagate(err, TAKE_PTR(rerr));
			return r;
		}
		return pm_ignore_parse(data, len, b->o->ignorefile ? b->o->ignorefile : names[i],
				       ret, err);
	}
	*ret = NULL;
	return 0;
}

#define ADD_URL_MAX (1ull << 32)

static bool is_url(const char *w)
{
	return pm_str_startswith(w, "http://") || pm_str_startswith(w, "https://");
}

/* ADD <url>...: each fetched (registry/fetch.h) into a temporary directory under the
 * runroot, as a file named for the URL path's last part, mode 0600 as Docker's; that
 * directory is the step's source root. Never unpacked. URL and file sources are not
 * mixed. */
static int url_sources(struct build *b, const struct pm_cf_instr *in, char **words,
		       struct copy_step *cs, pm_error **err)
{
	for (char **w = words; w && *w; w++)
		if (!is_url(*w))
			return pm_error_set(err, EOPNOTSUPP,
					    "URL and file sources in one ADD are not supported");
	cs->heredoc_dir = pm_path_join(b->e->paths->runroot, "build-url-XXXXXX");
	if (!mkdtemp(cs->heredoc_dir)) {
		int r = pm_error_set_errno(err, errno, "creating '%s'", cs->heredoc_dir);
		free(cs->heredoc_dir);
		cs->heredoc_dir = NULL;
		return r;
	}
	bool verify = !b->o->pull_opts || b->o->pull_opts->reg.tls_verify != 0;
	for (char **w = words; w && *w; w++) {
		const char *path = strchr(strstr(*w, "://") + 3, '/');
		_cleanup_free_ char *p =
			pm_xstrndup(path ? path : "", path ? strcspn(path, "?#") : 0);
		const char *base = strrchr(p, '/');
		base = base ? base + 1 : p;
		if (!base[0] || !strcmp(base, ".") || !strcmp(base, ".."))
			base = "index.html";
		_cleanup_free_ char *file = pm_path_join(cs->heredoc_dir, base);
		_cleanup_close_ int fd =
			open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return pm_error_set_errno(err, errno, "creating '%s'", file);
		int r = pm_http_fetch(*w, fd, ADD_URL_MAX, verify, err);
		if (r < 0)
			return r;
		fchmod(fd, 0600);
		pm_strv_push(&cs->srcs, base);
	}
	return 0;
}

static int copy_prepare(struct build *b, const struct pm_cf_instr *in, struct copy_step *cs,
			pm_error **err)
{
	*cs = (struct copy_step){.ctxfd = -1, .src = {.rootfd = -1}};
	_cleanup_strv_ char **urls = NULL;
	if (in->n_args < 2)
		return pm_error_set(err, EINVAL, "%s requires at least two arguments",
				    pm_cf_kind_name(in->kind));
	if (in->n_heredocs) {
		int r = heredoc_sources(b, in, cs, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < in->n_args; i++) {
		char *w = NULL;
		if (!strncmp(in->args[i], "<<", 2) && i + 1 < in->n_args)
			continue;
		int r = pm_cf_expand(in->args[i], b->cf->escape, pm_bld_stage_lookup, b->st, &w,
				     err);
		if (r < 0)
			return r;
		if (i + 1 < in->n_args) {
			if (in->kind == PM_CF_ADD && is_url(w))
				pm_strv_consume(&urls, w);
			else if (strstr(w, "://")) {
				free(w);
				return pm_error_set(err, EOPNOTSUPP,
						    "%s of '%s': only http and https URLs are "
						    "supported, by ADD",
						    pm_cf_kind_name(in->kind), in->args[i]);
			} else
				pm_strv_consume(&cs->srcs, w);
		} else {
			cs->dest = pm_bld_abs_path(b->st, w);
			if (pm_str_endswith(w, "/") && !pm_str_endswith(cs->dest, "/")) {
				char *d2 = pm_xasprintf("%s/", cs->dest);
				free(cs->dest);
				cs->dest = d2;
			}
			free(w);
		}
	}
	if (urls) {
		if (cs->srcs || cs->heredoc_dir)
			return pm_error_set(err, EOPNOTSUPP,
					    "URL and file sources in one ADD are not supported");
		int r = url_sources(b, in, urls, cs, err);
		if (r < 0)
			return r;
	}
	const char *from = flag_value(in, "from");
	const char *chown = flag_value(in, "chown");
	const char *chmod = flag_value(in, "chmod");
	cs->c = (struct pm_build_copy){
		.srcs = cs->srcs, .dest = cs->dest, .extract = in->kind == PM_CF_ADD};
	if (chown) {
		int r = parse_chown(chown, &cs->c.uid, &cs->c.gid, err);
		if (r < 0)
			return r;
		cs->c.chown = true;
		if (r == 0)
			cs->chown_names = chown;
	}
	if (chmod) {
		char *end = NULL;
		unsigned long m = strtoul(chmod, &end, 8);
		if (!chmod[0] || *end || m > 07777)
			return pm_error_set(err, EINVAL, "--chmod: invalid mode '%s'", chmod);
		cs->c.chmod = true;
		cs->c.mode = (mode_t)m;
	}
	int r;
	if (cs->heredoc_dir) {
		cs->ctxfd = open(cs->heredoc_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cs->ctxfd < 0)
			return pm_error_set_errno(err, errno, "opening '%s'", cs->heredoc_dir);
		cs->c.src_root = cs->ctxfd;
		cs->c.src_name = cs->heredoc_dir;
		cs->c.extract = false;
	} else if (from && pm_bld_kv_get(b->o->contexts, from)) {
		/* --build-context name=path: a directory read as the context is */
		const char *dir = pm_bld_kv_get(b->o->contexts, from);
		cs->ctxfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cs->ctxfd < 0)
			return pm_error_set_errno(err, errno, "opening build context '%s'", dir);
		cs->c.src_root = cs->ctxfd;
		cs->c.src_name = dir;
	} else if (from) {
		_cleanup_free_ char *id = NULL;
		r = pm_bld_from_image(b, from, &id, err);
		if (r < 0)
			return r;
		r = pm_bld_mount_image(b, id, &cs->src, err);
		if (r < 0)
			return r;
		cs->c.src_root = cs->src.rootfd;
		cs->c.src_name = from;
	} else {
		cs->ctxfd = open(b->o->context, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cs->ctxfd < 0)
			return pm_error_set_errno(err, errno, "opening context '%s'",
						  b->o->context);
		cs->c.src_root = cs->ctxfd;
		cs->c.src_name = b->o->context;
		r = read_ignore(b, &cs->ignore, err);
		if (r < 0)
			return r;
		cs->c.ignore = cs->ignore;
	}
	return pm_build_copy_plan(&cs->c, &cs->plan, cs->digest, err);
}

static int do_copy(struct build *b, struct copy_step *cs, const char *created_by, char **ret_id,
		   pm_error **err)
{
	struct mounted m; /* on FROM scratch (no image yet): an empty root */
	int r = pm_bld_mount_image(b, b->st->image_id, &m, err);
	if (r < 0)
		return r;
	if (cs->chown_names) {
		uid_t uid;
		gid_t gid;
		r = resolve_chown(m.path, cs->chown_names, &uid, &gid, err);
		if (r >= 0)
			pm_build_copy_set_owner(cs->plan, uid, gid);
	}
	if (r >= 0)
		r = pm_build_copy_apply(cs->plan, m.rootfd, err);
	if (r >= 0) {
		close(m.rootfd);
		m.rootfd = -1;
		pm_storage_ctr_unmount(b->s, m.ctr_id, NULL);
		r = pm_bld_commit_ctr(b, m.ctr_id, created_by, ret_id, err);
	}
	pm_bld_mounted_release(b, &m);
	return r;
}

/* ---- config instructions ------------------------------------------------------------------ */

/* CMD/ENTRYPOINT's args: the exec form's words, or the shell + the line. */
static char **command_of(const struct build *b, const struct pm_cf_instr *in)
{
	char **v = pm_xcalloc(1, sizeof(char *));
	if (in->json) {
		for (size_t i = 0; i < in->n_args; i++)
			pm_strv_push(&v, in->args[i]);
		return v;
	}
	for (char **s = b->st->shell; s && *s; s++)
		pm_strv_push(&v, *s);
	pm_strv_push(&v, in->n_args ? in->args[0] : "");
	return v;
}

/* Expand the instruction's words (args, or KEY=VALUE pairs) for config instructions. */
static int expand_words(const struct build *b, const struct pm_cf_instr *in, char ***ret,
			pm_error **err)
{
	char **v = NULL;
	int r = 0;
	for (size_t i = 0; r >= 0 && i < in->n_kvs; i++) {
		char *k = NULL, *val = NULL;
		r = pm_cf_expand(in->kvs[i].key, b->cf->escape, pm_bld_stage_lookup, b->st, &k,
				 err);
		if (r >= 0 && in->kvs[i].value)
			r = pm_cf_expand(in->kvs[i].value, b->cf->escape, pm_bld_stage_lookup,
					 b->st, &val, err);
		if (r >= 0)
			pm_strv_consume(&v, in->kvs[i].value ? pm_xasprintf("%s=%s", k, val)
							     : pm_xstrdup(k));
		free(k);
		free(val);
	}
	for (size_t i = 0; r >= 0 && i < in->n_args; i++) {
		char *w = NULL;
		r = pm_cf_expand(in->args[i], b->cf->escape, pm_bld_stage_lookup, b->st, &w, err);
		if (r >= 0)
			pm_strv_consume(&v, w);
	}
	if (r < 0) {
		pm_strv_free(v);
		return r;
	}
	*ret = v;
	return 0;
}

static void strv_add_unique(char ***v, const char *s)
{
	if (!pm_strv_contains(*v, s))
		pm_strv_push(v, s);
}

/* Apply a config instruction (words expanded) to the stage's config. */
static int apply_config(struct build *b, const struct pm_cf_instr *in, char **words, pm_error **err)
{
	struct pm_image_runconfig *rc = &b->st->cfg.config;
	switch (in->kind) {
	case PM_CF_ENV:
		for (char **w = words; w && *w; w++)
			pm_strv_set_kv(&rc->env, *w);
		break;
	case PM_CF_LABEL:
		for (char **w = words; w && *w; w++)
			pm_strv_set_kv(&rc->labels, *w);
		break;
	case PM_CF_WORKDIR: {
		char *wd = pm_bld_abs_path(b->st, words && words[0] ? words[0] : "/");
		free(rc->working_dir);
		rc->working_dir = wd;
		break;
	}
	case PM_CF_USER:
		free(rc->user);
		rc->user = pm_xstrdup(words && words[0] ? words[0] : "");
		break;
	case PM_CF_STOPSIGNAL:
		free(rc->stop_signal);
		rc->stop_signal = pm_xstrdup(words && words[0] ? words[0] : "");
		break;
	case PM_CF_MAINTAINER:
		free(b->st->cfg.author);
		b->st->cfg.author = pm_xstrdup(words && words[0] ? words[0] : "");
		break;
	case PM_CF_EXPOSE:
		for (char **w = words; w && *w; w++) {
			_cleanup_free_ char *p =
				strchr(*w, '/') ? pm_xstrdup(*w) : pm_xasprintf("%s/tcp", *w);
			strv_add_unique(&rc->exposed_ports, p);
		}
		break;
	case PM_CF_VOLUME:
		for (char **w = words; w && *w; w++)
			strv_add_unique(&rc->volumes, *w);
		break;
	case PM_CF_CMD:
		pm_strv_free(rc->cmd);
		rc->cmd = command_of(b, in);
		rc->has_cmd = true;
		b->st->cmd_set = true;
		break;
	case PM_CF_ENTRYPOINT:
		pm_strv_free(rc->entrypoint);
		rc->entrypoint = command_of(b, in);
		rc->has_entrypoint = true;
		if (!b->st->cmd_set) {
			pm_strv_free(rc->cmd);
			rc->cmd = NULL;
		}
		break;
	default:
		break; /* ARG, SHELL, HEALTHCHECK, ONBUILD: history only */
	}
	return 0;
}

/* Stage-local effects, applied on a cache hit too: ARG declares, SHELL sets the shell. */
/* --format docker: HEALTHCHECK as the config's Healthcheck (Docker's: Test, and the
 * durations in nanoseconds and Retries when given). */
static int healthcheck_config(struct build *b, const struct pm_cf_instr *in, pm_error **err)
{
	json_t *hc = json_object();
	json_t *test = json_array();
	if (in->n_args && !strcmp(in->args[0], "NONE")) {
		json_array_append_new(test, json_string("NONE"));
	} else if (in->json) {
		json_array_append_new(test, json_string("CMD"));
		for (size_t i = 1; i < in->n_args; i++)
			json_array_append_new(test, json_string(in->args[i]));
	} else {
		json_array_append_new(test, json_string("CMD-SHELL"));
		json_array_append_new(test, json_string(in->n_args > 1 ? in->args[1] : ""));
	}
	json_object_set_new(hc, "Test", test);
	static const struct {
		const char *flag, *key;
	} durations[] = {
		{"interval", "Interval"}, {"timeout", "Timeout"}, {"start-period", "StartPeriod"}};
	int r = 0;
	for (size_t i = 0; r >= 0 && i < in->n_flags; i++) {
		const char *v = in->flags[i].value ? in->flags[i].value : "";
		for (size_t k = 0; k < sizeof(durations) / sizeof(durations[0]); k++) {
			int64_t ns;
			if (strcmp(in->flags[i].name, durations[k].flag))
				continue;
			if (pm_time_parse_duration(v, &ns) < 0 || ns < 0)
				r = pm_error_set(err, EINVAL,
						 "HEALTHCHECK --%s: invalid duration '%s'",
						 durations[k].flag, v);
			else if (ns)
				json_object_set_new(hc, durations[k].key, json_integer(ns));
		}
		if (!strcmp(in->flags[i].name, "retries")) {
			char *end = NULL;
			long n = strtol(v, &end, 10);
			if (!v[0] || *end || n < 0)
				r = pm_error_set(err, EINVAL,
						 "HEALTHCHECK --retries: invalid number '%s'", v);
			else if (n)
				json_object_set_new(hc, "Retries", json_integer(n));
		}
	}
	if (r >= 0) {
		free(b->st->cfg.config.healthcheck);
		b->st->cfg.config.healthcheck = json_dumps(hc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	}
	json_decref(hc);
	return r;
}

static int apply_local(struct build *b, const struct pm_cf_instr *in, char ***ret_arg_names,
		       pm_error **err)
{
	if (in->kind == PM_CF_HEALTHCHECK) {
		b->st->healthcheck = true; /* NONE too, as buildah */
		return b->o->docker_format ? healthcheck_config(b, in, err) : 0;
	}
	if (in->kind == PM_CF_ONBUILD) {
		const char *t = in->original + strcspn(in->original, " \t");
		pm_strv_push(&b->st->onbuild, t + strspn(t, " \t"));
		if (b->o->docker_format)
			pm_strv_push(&b->st->cfg.config.onbuild, t + strspn(t, " \t"));
		return 0;
	}
	if (in->kind == PM_CF_SHELL) {
		char **sh = in->json ? NULL : NULL;
		if (in->json)
			for (size_t i = 0; i < in->n_args; i++)
				pm_strv_push(&sh, in->args[i]);
		if (!sh || !sh[0]) {
			pm_strv_free(sh);
			return pm_error_set(err, EINVAL, "SHELL requires a JSON array of strings");
		}
		pm_strv_free(b->st->shell);
		b->st->shell = sh;
		if (b->o->docker_format) {
			pm_strv_free(b->st->cfg.config.shell);
			b->st->cfg.config.shell = pm_strv_copy(sh);
		}
		return 0;
	}
	if (in->kind != PM_CF_ARG)
		return 0;
	for (size_t i = 0; i < in->n_kvs; i++) {
		const char *key = in->kvs[i].key;
		pm_strv_push(ret_arg_names, key);
		const char *given = pm_bld_kv_get(b->o->build_args, key);
		_cleanup_free_ char *val = NULL;
		if (given) {
			val = pm_xstrdup(given);
		} else if (in->kvs[i].value) {
			int r = pm_cf_expand(in->kvs[i].value, b->cf->escape, pm_bld_stage_lookup,
					     b->st, &val, err);
			if (r < 0)
				return r;
		} else if (pm_bld_kv_get(b->meta, key)) {
			val = pm_xstrdup(pm_bld_kv_get(b->meta, key));
		}
		if (val) {
			_cleanup_free_ char *kv = pm_xasprintf("%s=%s", key, val);
			pm_strv_set_kv(&b->st->args, kv);
		}
	}
	return 0;
}

static bool squashing(const struct build *b)
{
	return b->o->squash || b->o->squash_all;
}

/* ---- one step ------------------------------------------------------------------------------ */

/* A step's cache key: its parent, its text and detail, and the build flags that change what
 * every step makes (--env, --timestamp: b->salt, "" without them). */
static char *hex_key(const struct build *b, const char *parent, const char *text,
		     const char *detail)
{
	_cleanup_free_ char *all = pm_xasprintf("pm-build-1\n%s\n%s\n%s%s", parent, text, detail,
						b->salt ? b->salt : "");
	char *hex = pm_xmalloc(2 * PM_SHA256_SIZE + 1);
	pm_sha256_hex(all, strlen(all), hex);
	return hex;
}

static int run_step(struct build *b, const struct pm_cf_instr *in, bool last, pm_error **err)
{
	_cleanup_strv_ char **arg_names = NULL, **words = NULL, **argv = NULL, **env = NULL;
	_cleanup_free_ char *created_by = NULL, *detail = NULL, *key = NULL, *id = NULL;
	_cleanup_free_ char *done_line = NULL;
	struct copy_step cs = {.ctxfd = -1, .src = {.rootfd = -1}};
	int r = apply_local(b, in, &arg_names, err);
	if (r < 0)
		goto out;
	switch (in->kind) {
	case PM_CF_RUN: {
		pm_bld_run_argv(b, in, &argv);
		env = pm_bld_run_args_env(b);
		_cleanup_free_ char *cmd = pm_strv_join(argv, " ");
		_cleanup_free_ char *envs = env ? pm_strv_join(env, " ") : NULL;
		created_by = env ? pm_xasprintf("|%zu %s %s", pm_strv_length(env), envs, cmd)
				 : pm_xstrdup(cmd);
		detail = pm_xstrdup(created_by);
		for (size_t i = 0; i < in->n_flags; i++)
			if (!strcmp(in->flags[i].name, "mount")) {
				char *d2 =
					pm_xasprintf("%s\n--mount=%s", detail,
						     in->flags[i].value ? in->flags[i].value : "");
				free(detail);
				detail = d2;
			}
		break;
	}
	case PM_CF_COPY:
	case PM_CF_ADD:
		r = copy_prepare(b, in, &cs, err);
		if (r < 0)
			goto out;
		created_by =
			pm_xasprintf("/bin/sh -c #(nop) %s %s:%s in %s ", pm_cf_kind_name(in->kind),
				     pm_build_copy_kind(cs.plan), cs.digest, cs.dest);
		detail = pm_xasprintf("%s\n%s\n%s\n%s", created_by,
				      flag_value(in, "chown") ? flag_value(in, "chown") : "",
				      flag_value(in, "chmod") ? flag_value(in, "chmod") : "",
				      flag_value(in, "from") ? flag_value(in, "from") : "");
		break;
	case PM_CF_ARG: {
		_cleanup_free_ char *names = pm_strv_join(arg_names, " ");
		created_by = pm_xasprintf("/bin/sh -c #(nop) ARG %s", names);
		_cleanup_free_ char *vals = b->st->args ? pm_strv_join(b->st->args, "\n") : NULL;
		detail = pm_xasprintf("%s\n%s", created_by, vals ? vals : "");
		break;
	}
	default:
		if (in->kind != PM_CF_CMD && in->kind != PM_CF_ENTRYPOINT &&
		    in->kind != PM_CF_SHELL && in->kind != PM_CF_HEALTHCHECK &&
		    in->kind != PM_CF_ONBUILD) {
			r = expand_words(b, in, &words, err);
			if (r < 0)
				goto out;
		}
		created_by = pm_xasprintf("/bin/sh -c #(nop) %s", in->original);
		_cleanup_free_ char *w = words ? pm_strv_join(words, "\n") : NULL;
		_cleanup_free_ char *sh = b->st->shell ? pm_strv_join(b->st->shell, " ") : NULL;
		detail = pm_xasprintf("%s\n%s\n%s", created_by, w ? w : "", sh ? sh : "");
		break;
	}
	key = hex_key(b, b->st->image_id ? b->st->image_id : "scratch", in->original, detail);
	bool remote = false;
	if (cache_hit(b, key, &id, &remote)) {
		r = load_image(b, id, err);
	} else {
		switch (in->kind) {
		case PM_CF_RUN:
			if (!b->st->image_id)
				r = pm_error_set(err, EINVAL, "RUN on an empty scratch image");
			else
				r = pm_bld_do_run(b, in, created_by, &id, err);
			break;
		case PM_CF_COPY:
		case PM_CF_ADD:
			r = do_copy(b, &cs, created_by, &id, err);
			break;
		default:
			r = apply_config(b, in, words, err);
			if (r >= 0)
				r = commit_meta(b, created_by, &id, err);
			break;
		}
		if (r >= 0)
			step_image(b, key, id);
	}
	if (r >= 0 && !remote && b->o->layers) /* --cache-to: built or a local hit */
		r = pm_bld_remote_put(b, key, id, err);
	if (r < 0)
		goto out;
	free(b->st->parent_ref);
	b->st->parent_ref = pm_xstrndup(id, 12);
	if (last)
		say(b, "COMMIT%s%s", b->o->tags_shown ? " " : "",
		    b->o->tags_shown ? b->o->tags_shown[0] : "");
	if (!last || !squashing(b)) {
		done_line = pm_xasprintf("--> %.11s", id);
		say_plain(b, done_line);
	}
out:
	copy_step_clear(b, &cs);
	if (r < 0)
		step_error(b, in, err);
	return r;
}

/* ---- stages -------------------------------------------------------------------------------- */

/* The synthetic last step of --label: LABEL "k"="v" ... */
static int label_step(struct build *b, pm_error **err)
{
	char **parts = NULL;
	for (char **l = b->o->labels; l && *l; l++) {
		size_t kl = strcspn(*l, "=");
		const char *v = (*l)[kl] ? *l + kl + 1 : "";
		pm_strv_consume(&parts, pm_xasprintf("\"%.*s\"=\"%s\"", (int)kl, *l, v));
	}
	_cleanup_free_ char *joined = pm_strv_join(parts, " ");
	pm_strv_free(parts);
	_cleanup_free_ char *text = pm_xasprintf("LABEL %s", joined);
	struct pm_cf_instr in = {.kind = PM_CF_LABEL, .original = text};
	say(b, "STEP %zu/%zu: %s", b->step, b->n_steps, text);
	_cleanup_free_ char *created_by = pm_xasprintf("/bin/sh -c #(nop) %s", text);
	_cleanup_free_ char *key =
		hex_key(b, b->st->image_id ? b->st->image_id : "scratch", text, "");
	_cleanup_free_ char *id = NULL;
	bool remote = false;
	int r;
	if (cache_hit(b, key, &id, &remote)) {
		r = load_image(b, id, err);
	} else {
		for (char **l = b->o->labels; l && *l; l++)
			pm_strv_set_kv(&b->st->cfg.config.labels, *l);
		r = commit_meta(b, created_by, &id, err);
		if (r >= 0)
			step_image(b, key, id);
	}
	if (r >= 0 && !remote && b->o->layers)
		r = pm_bld_remote_put(b, key, id, err);
	if (r < 0)
		return step_error(b, &in, err);
	say(b, "COMMIT%s%s", b->o->tags_shown ? " " : "",
	    b->o->tags_shown ? b->o->tags_shown[0] : "");
	if (!squashing(b)) {
		_cleanup_free_ char *l = pm_xasprintf("--> %.11s", id);
		say_plain(b, l);
	}
	return 0;
}

static int from_step(struct build *b, const struct pm_cf_instr *in, pm_error **err)
{
	_cleanup_free_ char *ref = NULL;
	int r = pm_cf_expand(in->n_args ? in->args[0] : "", b->cf->escape, meta_lookup, b, &ref,
			     err);
	if (r < 0)
		return step_error(b, in, err);
	if (b->o->from && b->cur == 0) {
		/* --from: the first FROM's image replaced */
		free(ref);
		ref = pm_xstrdup(b->o->from);
	}
	b->st->shell = pm_strv_split("/bin/sh -c", " ");
	b->st->name = in->stage_name ? pm_xstrdup(in->stage_name) : NULL;
	_cleanup_free_ char *id = NULL;
	for (size_t i = 0; i < b->cur; i++)
		if (b->names[i][0] && !strcasecmp(b->names[i], ref))
			id = pm_xstrdup(b->stage_ids[i]);
	const char *as = in->stage_name ? " AS " : "";
	const char *asn = in->stage_name ? in->stage_name : "";
	if (id) {
		say(b, "STEP %zu/%zu: FROM %s%s%s", b->step, b->n_steps, id, as, asn);
		b->st->parent_ref = pm_xstrdup(id[0] ? id : "scratch");
		if (!id[0])
			return 0;
		r = load_image(b, id, err);
	} else if (!strcasecmp(ref, "scratch")) {
		say(b, "STEP %zu/%zu: FROM %s%s%s", b->step, b->n_steps, ref, as, asn);
		b->st->parent_ref = pm_xstrdup("scratch");
		return 0;
	} else {
		say(b, "STEP %zu/%zu: FROM %s%s%s", b->step, b->n_steps, ref, as, asn);
		struct pm_image_record rec = {0};
		_cleanup_free_ char *pulled = NULL;
		if (b->o->pull_opts && b->o->pull != PM_PULL_NEVER) {
			/* --pull: the registry's code decides (missing: local first) */
			r = pm_pull_for_container(b->s, ref, b->o->pull, b->o->pull_opts, &pulled,
						  err);
			if (r >= 0)
				r = pm_image_resolve(b->s, pulled, &rec, err);
		} else {
			r = pm_image_resolve(b->s, ref, &rec, err);
		}
		if (r >= 0) {
			b->st->parent_ref =
				pm_xstrdup(rec.names && rec.names[0] ? rec.names[0] : ref);
			r = load_image(b, rec.id, err);
		}
		pm_image_record_free(&rec);
		if (r < 0)
			return pm_error_prefix(err, "creating build container");
	}
	return r < 0 ? step_error(b, in, err) : 0;
}

/* --squash-all: the built image's whole tree as a tar in tmp (the mount released after). */
static int squash_all_tar(struct build *b, const char *tmp, int *ret_fd, pm_error **err)
{
	struct mounted m;
	int r = pm_bld_mount_image(b, b->st->image_id, &m, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tarp = pm_path_join(tmp, "layer.tar");
	_cleanup_close_ int fd = open(tarp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0)
		r = pm_error_set_errno(err, errno, "creating '%s'", tarp);
	else if (fstat(m.rootfd, &st) < 0)
		r = pm_error_set_errno(err, errno, "stat '%s'", m.path);
	else
		r = pm_tar_write_tree(m.rootfd, &st, "", fd, err);
	pm_bld_mounted_release(b, &m);
	if (r >= 0) {
		lseek(fd, 0, SEEK_SET);
		*ret_fd = TAKE_FD(fd);
	}
	return r;
}

/* --squash: a container of the base made equal to the built tree (its diff is what the
 * steps changed), left unmounted in *mb for the commit. */
static int squash_sync(struct build *b, struct mounted *mb, pm_error **err)
{
	struct mounted mf;
	int r = pm_bld_mount_image(b, b->base_id, mb, err);
	if (r < 0)
		return r;
	r = pm_bld_mount_image(b, b->st->image_id, &mf, err);
	if (r >= 0) {
		r = pm_squash_sync(mb->path, mf.path, err);
		pm_bld_mounted_release(b, &mf);
	}
	close(mb->rootfd);
	mb->rootfd = -1;
	pm_storage_ctr_unmount(b->s, mb->ctr_id, NULL);
	if (r < 0)
		pm_bld_mounted_release(b, mb);
	return r;
}

/* The final config with one layer for the steps (and, with all, the base); as buildah, the
 * steps' history entries stay, empty but the last. The caller holds layers.lock. */
static int squash_commit(struct build *b, bool all, char *diff_id, char **ret_id, pm_error **err)
{
	struct pm_image_config *c = &b->st->cfg;
	size_t keep_diff = all ? 0 : b->base_n_diff, drop_hist = all ? b->base_n_hist : 0;
	for (size_t i = keep_diff; i < c->n_diff_ids; i++)
		free(c->diff_ids[i]);
	c->diff_ids = pm_xrealloc(c->diff_ids, (keep_diff + 2) * sizeof(char *));
	c->diff_ids[keep_diff] = diff_id;
	c->diff_ids[keep_diff + 1] = NULL;
	c->n_diff_ids = keep_diff + 1;
	if (drop_hist > c->n_history)
		drop_hist = c->n_history;
	for (size_t i = 0; i < drop_hist; i++) {
		free(c->history[i].created);
		free(c->history[i].created_by);
		free(c->history[i].author);
		free(c->history[i].comment);
	}
	if (drop_hist) {
		memmove(c->history, c->history + drop_hist,
			(c->n_history - drop_hist) * sizeof(*c->history));
		c->n_history -= drop_hist;
	}
	for (size_t i = all ? 0 : b->base_n_hist; i < c->n_history; i++)
		c->history[i].empty_layer = i + 1 < c->n_history;
	return pm_image_create_from_config_fmt(b->s, c, b->o->docker_format, NULL, NULL, ret_id,
					       err);
}

/* --squash/--squash-all: the final image again with one new layer. */
static int squash(struct build *b, pm_error **err)
{
	bool all = b->o->squash_all || !b->base_id;
	_cleanup_free_ char *tmp = NULL, *id = NULL;
	_cleanup_close_ int fd = -1;
	struct mounted mb = {.rootfd = -1};
	int r = all ? pm_store_mkdtemp(b->s, "squash", &tmp, err) : 0;
	if (r >= 0)
		r = all ? squash_all_tar(b, tmp, &fd, err) : squash_sync(b, &mb, err);
	if (r >= 0) {
		_cleanup_close_ int lock = pm_store_lock(b->s, "layers", LOCK_SH, err);
		struct pm_layer_info li = {0};
		r = lock;
		if (r >= 0)
			r = all ? pm_layer_ingest(b->s, pm_layer_read_fd, &fd, NULL, NULL, &li, err)
				: pm_storage_ctr_commit_layer_at(
					  b->s, mb.ctr_id,
					  b->o->timestamp_set ? b->o->timestamp : -1, &li, err);
		if (r >= 0)
			r = squash_commit(b, all, TAKE_PTR(li.diff_id), &id, err);
		pm_layer_info_free(&li);
	}
	if (!all)
		pm_bld_mounted_release(b, &mb);
	if (tmp)
		pm_rm_rf(tmp, NULL);
	if (r < 0)
		return pm_error_prefix(err, "squashing");
	pm_strv_push(&b->made, id);
	free(b->st->image_id);
	b->st->image_id = TAKE_PTR(id);
	return 0;
}

/* --env, --unsetenv, --omit-history, --annotation, --os-*: the final image's config and
 * manifest as those flags want them (the same image when they already are). */
static int finalize(struct build *b, pm_error **err)
{
	struct pm_image_config *c = &b->st->cfg;
	for (char **u = b->o->unsetenv; u && *u; u++) {
		char **kept = NULL;
		for (char **e = c->config.env; e && *e; e++)
			if (strncmp(*e, *u, strlen(*u)) ||
			    ((*e)[strlen(*u)] != '=' && (*e)[strlen(*u)]))
				pm_strv_push(&kept, *e);
		pm_strv_free(c->config.env);
		c->config.env = kept;
	}
	if (b->o->omit_history) {
		for (size_t i = 0; i < c->n_history; i++) {
			free(c->history[i].created);
			free(c->history[i].created_by);
			free(c->history[i].author);
			free(c->history[i].comment);
		}
		free(c->history);
		c->history = NULL;
		c->n_history = 0;
	}
	if (!c->os)
		c->os = pm_xstrdup("linux");
	if (!c->architecture)
		c->architecture = pm_xstrdup("amd64");
	_cleanup_free_ char *id = NULL;
	_cleanup_close_ int lock = pm_store_lock(b->s, "layers", LOCK_SH, err);
	if (lock < 0)
		return lock;
	int r = pm_image_create_from_config_fmt(b->s, c, b->o->docker_format, b->o->annotations,
						NULL, &id, err);
	if (r < 0)
		return pm_error_prefix(err, "committing the final image");
	pm_strv_push(&b->made, id);
	free(b->st->image_id);
	b->st->image_id = TAKE_PTR(id);
	return 0;
}

/* --os-version, --os-feature: as buildah, on every stage from its FROM on */
static void set_os(struct pm_image_config *c, const struct pm_build_opts *o)
{
	if (o->os_version && o->os_version[0]) {
		free(c->os_version);
		c->os_version = pm_xstrdup(o->os_version);
	}
	for (char **f = o->os_features; f && *f; f++) {
		size_t n = strlen(*f);
		if (n && (*f)[n - 1] == '-') {
			char **w = c->os_features;
			for (char **r = c->os_features; r && *r; r++)
				if (strlen(*r) == n - 1 && !strncmp(*r, *f, n - 1))
					free(*r);
				else
					*w++ = *r;
			if (w)
				*w = NULL;
		} else if (!pm_strv_contains(c->os_features, *f)) {
			pm_strv_push(&c->os_features, *f);
		}
	}
}

static int build_stage(struct build *b, const struct pm_cf_stage *sg, bool final, pm_error **err)
{
	bool labels = final && b->o->labels && b->o->labels[0];
	b->n_steps = sg->n + (labels ? 1 : 0);
	b->step = 1;
	int r = from_step(b, &b->cf->instrs[sg->first], err);
	for (char **e = b->o->env; r >= 0 && e && *e; e++)
		pm_strv_set_kv(&b->st->cfg.config.env, *e); /* --env: as buildah, from FROM on */
	if (r >= 0)
		set_os(&b->st->cfg, b->o);
	if (r >= 0 && final) {
		b->base_id = b->st->image_id ? pm_xstrdup(b->st->image_id) : NULL;
		b->base_n_diff = b->st->cfg.n_diff_ids;
		b->base_n_hist = b->st->cfg.n_history;
	}
	for (size_t i = 1; r >= 0 && i < sg->n; i++) {
		const struct pm_cf_instr *in = &b->cf->instrs[sg->first + i];
		b->step = i + 1;
		say(b, "STEP %zu/%zu: %s", b->step, b->n_steps, in->original);
		r = run_step(b, in, final && !labels && i + 1 == sg->n, err);
	}
	if (r >= 0 && labels) {
		b->step = b->n_steps;
		r = label_step(b, err);
	}
	if (r >= 0 && final && b->n_steps == 1) {
		/* FROM alone: the base is the result */
		if (!b->st->image_id)
			return pm_error_set(err, EINVAL, "no image to commit: the stage is empty");
		say(b, "COMMIT%s%s", b->o->tags_shown ? " " : "",
		    b->o->tags_shown ? b->o->tags_shown[0] : "");
		if (!squashing(b)) {
			_cleanup_free_ char *l = pm_xasprintf("--> %.11s", b->st->image_id);
			say_plain(b, l);
		}
	}
	if (r >= 0 && final && squashing(b)) {
		r = squash(b, err);
		if (r >= 0) {
			_cleanup_free_ char *l = pm_xasprintf("--> %.11s", b->st->image_id);
			say_plain(b, l);
		}
	}
	if (r >= 0 && final && b->st->image_id &&
	    (b->o->env || b->o->unsetenv || b->o->omit_history || b->o->annotations ||
	     b->o->os_version || b->o->os_features))
		r = finalize(b, err);
	return r;
}

static int resolve_meta(struct build *b, pm_error **err)
{
	for (size_t i = 0; i < b->cf->n_meta_args; i++) {
		const struct pm_cf_kv *kv = &b->cf->meta_args[i];
		const char *given = pm_bld_kv_get(b->o->build_args, kv->key);
		_cleanup_free_ char *val = NULL;
		if (given) {
			val = pm_xstrdup(given);
		} else if (kv->value) {
			int r = pm_cf_expand(kv->value, b->cf->escape, meta_lookup, b, &val, err);
			if (r < 0)
				return r;
		}
		if (val) {
			_cleanup_free_ char *s = pm_xasprintf("%s=%s", kv->key, val);
			pm_strv_set_kv(&b->meta, s);
		}
	}
	return 0;
}

int pm_build(const struct pm_engine *e, const struct pm_build_opts *o, char **ret_id,
	     pm_error **err)
{
	struct build b = {.e = e, .o = o};
	_cleanup_free_ bool *need = NULL;
	int r = pm_containerfile_parse(o->file_data, o->file_len, o->file_name, &b.cf, err);
	if (r < 0)
		return r;
	b.n_build = b.cf->n_stages;
	if (o->target) {
		size_t t = b.cf->n_stages;
		for (size_t i = 0; i < b.cf->n_stages; i++) {
			const char *n = b.cf->instrs[b.cf->stages[i].first].stage_name;
			if (n && !strcasecmp(n, o->target))
				t = i;
		}
		if (t == b.cf->n_stages) {
			r = pm_error_set(err, EINVAL,
					 "The target \"%s\" was not found in the provided "
					 "Dockerfile",
					 o->target);
			goto out;
		}
		b.n_build = t + 1;
	}
	r = pm_store_open(e->paths, e->storage_driver, &b.s, err);
	if (r < 0)
		goto out;
	pm_bld_clean_stale(&b);
	if (o->env || o->timestamp_set || o->docker_format || o->os_version || o->os_features) {
		_cleanup_free_ char *env = pm_strv_join(o->env, "\n");
		_cleanup_free_ char *feat = pm_strv_join(o->os_features, "\n");
		_cleanup_free_ char *os =
			o->os_version || o->os_features
				? pm_xasprintf("\nos.version=%s\nos.features=%s",
					       o->os_version ? o->os_version : "", feat ? feat : "")
				: NULL;
		b.salt = pm_xasprintf("\nenv=%s\ntimestamp=%lld%s%s", env ? env : "",
				      o->timestamp_set ? o->timestamp : -1,
				      o->docker_format ? "\ndocker" : "", os ? os : "");
	}

	r = resolve_meta(&b, err);
	need = pm_bld_needed_stages(&b);
	for (size_t i = 0; r >= 0 && i < b.n_build; i++) {
		struct stage st = {0};
		if (!need[i]) {
			/* --skip-unused-stages: nothing of it is built */
			const char *n = b.cf->instrs[b.cf->stages[i].first].stage_name;
			pm_strv_push(&b.names, n ? n : "");
			pm_strv_push(&b.stage_ids, "");
			continue;
		}
		b.cur = i;
		b.st = &st;
		r = build_stage(&b, &b.cf->stages[i], i + 1 == b.n_build, err);
		pm_strv_push(&b.names, st.name ? st.name : "");
		pm_strv_push(&b.stage_ids, st.image_id ? st.image_id : "");
		stage_clear(&st);
		b.st = NULL;
	}
	if (r < 0)
		goto out;
	const char *final = b.stage_ids[b.n_build - 1];
	if (o->output_dest) {
		r = pm_bld_export_output(&b, final, err);
		if (r < 0)
			goto out;
	}
	for (char **t = o->tags; t && *t; t++) {
		r = pm_image_tag(b.s, final, *t, err);
		if (r < 0)
			goto out;
	}
	for (char **t = o->tags; t && *t; t++) {
		_cleanup_free_ char *l = pm_xasprintf("Successfully tagged %s", *t);
		say_plain(&b, l);
	}
	if (!o->layers) {
		/* --layers=false: the steps' images are not kept */
		for (char **m = b.made; m && *m; m++)
			if (strcmp(*m, final) && !pm_strv_contains(b.stage_ids, *m))
				pm_image_remove(b.s, *m, false, NULL);
	}
	*ret_id = pm_xstrdup(final);
out:
	pm_strv_free(b.meta);
	pm_strv_free(b.names);
	pm_strv_free(b.stage_ids);
	pm_strv_free(b.made);
	free(b.base_id);
	free(b.salt);
	pm_store_close(b.s);
	pm_containerfile_free(b.cf);
	return r;
}
