/* ps.c: the container listing (see ps.h). Reads each record once, and of its spec only the
 * fields a row shows (lib/jscan; jansson when that reader declines); refreshes running
 * states with kill(0); resolves commands and labels through one image lookup per image.
 * Never prints, never starts a process. Called by cli/cmd-ps.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "engine/config-json.h"
#include "engine/health.h"
#include "engine/inspect.h"
#include "engine/net.h"
#include "engine/ps.h"
#include "engine/run.h"
#include "engine/spec.h"
#include "lib/timeutil.h"
#include "lib/fileutil.h"
#include "lib/jscan.h"
#include "lib/jwrite.h"
#include "lib/proc.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "storage/container.h"
#include "storage/image.h"
#include "storage/store.h"

static const char *const filter_keys[] = {"name",   "id",      "status", "label", "ancestor",
					  "exited", "pod",     "health", "since", "before",
					  "volume", "network", NULL};
static const char *const states[] = {"created",	 "running",    "paused",  "exited",  "removing",
				     "stopping", "configured", "unknown", "stopped", NULL};

const char *const pm_ps_ns_keys[7] = {"Mnt", "Cgroup", "Ipc", "Net", "Pidns", "Uts", "User"};
const char *const pm_ps_ns_names[7] = {"mnt", "cgroup", "ipc", "net", "pid", "uts", "user"};
const char *const pm_ps_ns_fields[7] = {"MNT", "Cgroup", "IPC", "NET", "PIDNS", "UTS", "User"};

int pm_ps_filters_check(char *const *filters, pm_error **err)
{
	for (char *const *f = filters; f && *f; f++) {
		const char *eq = strchr(*f, '=');
		size_t kl = eq ? (size_t)(eq - *f) : strlen(*f);
		bool known = false;
		for (const char *const *k = filter_keys; *k && !known; k++)
			known = strlen(*k) == kl && strncmp(*k, *f, kl) == 0;
		if (!known || !eq)
			return pm_error_set(err, EINVAL, "%.*s is an invalid filter", (int)kl, *f);
		const char *v = eq + 1;
		if (kl == 6 && strncmp(*f, "status", 6) == 0) {
			bool ok = false;
			for (const char *const *s = states; *s && !ok; s++)
				ok = strcmp(*s, v) == 0;
			if (!ok)
				return pm_error_set(err, EINVAL,
						    "unknown container state: %s: invalid argument",
						    v);
		}
		if (kl == 6 && strncmp(*f, "exited", 6) == 0) {
			int code;
			if (pm_parse_int(v, &code) < 0)
				return pm_error_set(
					err, EINVAL,
					"exited code out of range \"%s\": invalid argument", v);
		}
		if (kl == 4 && strncmp(*f, "name", 4) == 0) {
			regex_t re;
			if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB) != 0)
				return pm_error_set(err, EINVAL,
						    "invalid name filter '%s': not a regular "
						    "expression",
						    v);
			regfree(&re);
		}
	}
	return 0;
}

static bool regex_match(const char *pattern, const char *s)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool m = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static bool ancestor_match(const char *want, const struct pm_container *c, char *const *names)
{
	const char *id = pm_str_startswith(want, "sha256:") ? want + 7 : want;
	if (c->image_id[0] && pm_str_startswith(c->image_id, id) && strlen(id) >= 3)
		return true;
	_cleanup_strv_ char **all = NULL;
	pm_strv_push(&all, c->image_name);
	for (char *const *n = names; n && *n; n++)
		pm_strv_push(&all, *n);
	for (char **n = all; n && *n; n++) {
		const char *s = *n;
		if (!s[0])
			continue;
		if (strcmp(s, want) == 0)
			return true;
		const char *fam = pm_str_startswith(s, "localhost/") ? s + 10 : s;
		if (strcmp(fam, want) == 0)
			return true;
		/* without the tag */
		const char *colon = strrchr(s, ':');
		const char *slash = strrchr(s, '/');
		if (colon && (!slash || colon > slash)) {
			_cleanup_free_ char *repo = pm_xstrndup(s, (size_t)(colon - s));
			const char *frepo =
				pm_str_startswith(repo, "localhost/") ? repo + 10 : repo;
			if (strcmp(repo, want) == 0 || strcmp(frepo, want) == 0)
				return true;
		}
	}
	return false;
}

bool pm_ps_filter_match(char *const *filters, const struct pm_container *c, char *const *labels,
			char *const *image_names)
{
	for (const char *const *k = filter_keys; *k; k++) {
		size_t kl = strlen(*k);
		bool any = false, matched = false;
		for (char *const *f = filters; f && *f; f++) {
			if (strncmp(*f, *k, kl) != 0 || (*f)[kl] != '=')
				continue;
			any = true;
			const char *v = *f + kl + 1;
			bool m = false;
			if (strcmp(*k, "name") == 0)
				m = regex_match(v, c->name);
			else if (strcmp(*k, "id") == 0)
				m = pm_str_startswith(c->id, v) || regex_match(v, c->id);
			else if (strcmp(*k, "status") == 0) {
				const char *st = pm_ctr_status_string(c->state.status);
				/* podman: configured is created, stopped is exited */
				m = strcmp(st, v) == 0 ||
				    (strcmp(v, "configured") == 0 && strcmp(st, "created") == 0) ||
				    (strcmp(v, "stopped") == 0 && strcmp(st, "exited") == 0);
			} else if (strcmp(*k, "label") == 0)
				m = pm_strv_kv_match(labels, v);
			else if (strcmp(*k, "ancestor") == 0)
				m = ancestor_match(v, c, image_names);
			else if (strcmp(*k, "pod") == 0)
				/* the cli resolved pod names to ids (engine knows no pods) */
				m = c->pod_id && c->pod_id[0] && pm_str_startswith(c->pod_id, v);
			else if (strcmp(*k, "health") == 0 || strcmp(*k, "volume") == 0)
				m = true; /* the row's: pm_ps_health_match, volume_match */
			else if (strcmp(*k, "network") == 0)
				m = false; /* pm has no named networks: none is joined */
			else if (strcmp(*k, "since") == 0 || strcmp(*k, "before") == 0) {
				/* resolved to "@CREATED_NS" by pm_engine_ps_rows */
				uint64_t ns;
				m = v[0] == '@' && pm_parse_uint64(v + 1, &ns) == 0 &&
				    (**k == 's' ? c->created_ns > (int64_t)ns
						: c->created_ns < (int64_t)ns);
			} else if (strcmp(*k, "exited") == 0) {
				int code = 0;
				m = c->state.status == PM_CTR_STOPPED &&
				    pm_parse_int(v, &code) == 0 && code == c->state.exit_code;
			}
			matched |= m;
		}
		if (any && !matched)
			return false;
	}
	return true;
}

bool pm_ps_health_match(char *const *filters, const char *health)
{
	bool any = false;
	for (char *const *f = filters; f && *f; f++) {
		if (!pm_str_startswith(*f, "health="))
			continue;
		any = true;
		const char *v = *f + 7;
		if (strcmp(v, health) == 0 || (strcmp(v, "none") == 0 && !health[0]))
			return true;
	}
	return !any;
}

/* Bytes under dir, not crossing mounts (du -s --apparent-size of files). */
static uint64_t dir_size(int dirfd)
{
	uint64_t total = 0;
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd, de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				total += dir_size(fd);
		} else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			total += (uint64_t)st.st_size;
		}
	}
	closedir(d);
	return total;
}

static uint64_t path_size(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? 0 : dir_size(fd);
}

void pm_engine_ctr_size(const struct pm_engine *e, struct pm_store *store,
			const struct pm_container *c, uint64_t *ret_rw, uint64_t *ret_rootfs)
{
	/* an ephemeral root is under the runroot (storage/store.h) */
	_cleanup_free_ char *upper =
		pm_xasprintf("%s/ephemeral/containers/%s/diff", e->paths->runroot, c->id);
	if (!pm_path_exists(upper)) {
		free(upper);
		upper = pm_xasprintf("%s/containers/%s/diff", e->paths->root, c->id);
	}
	*ret_rw = path_size(upper);
	*ret_rootfs = *ret_rw;
	struct pm_image_record ir = {0};
	if (store && c->image_id[0] && pm_image_resolve(store, c->image_id, &ir, NULL) == 0) {
		*ret_rootfs += ir.size;
		pm_image_record_free(&ir);
	}
}

/* podman's ps "Ports": [{host_ip, container_port, host_port, range, protocol}] or null */
char *pm_ps_status(const struct pm_ps_row *row, int64_t now_ns)
{
	char *s = pm_inspect_status_human(row->c, now_ns);
	if (!row->health[0] || row->c->state.status != PM_CTR_RUNNING)
		return s;
	char *r = pm_xasprintf("%s (%s)", s, row->health);
	free(s);
	return r;
}

/* One row as podman's ps --format json has it, written straight out (no jansson tree: a
 * thousand rows' trees cost more than reading the records). */
static void row_json(struct pm_jw *w, const struct pm_ps_row *row, int64_t now)
{
	static const char *const protos[] = {"tcp", "udp", "sctp"};
	const struct pm_container *c = row->c;
	const struct pm_ctr_state *s = &c->state;
	bool running = s->status == PM_CTR_RUNNING || s->status == PM_CTR_PAUSED;
	pm_jw_begin_object(w);
	pm_jw_kbool(w, "AutoRemove", row->rm);
	pm_jw_key(w, "Command");
	if (row->args)
		pm_jw_strv(w, row->args);
	else
		pm_jw_null(w);
	_cleanup_free_ char *created = pm_format_ago((now - c->created_ns) / PM_NSEC_PER_SEC);
	pm_jw_kstr(w, "CreatedAt", created);
	pm_jw_kbool(w, "Exited", s->status == PM_CTR_STOPPED);
	pm_jw_kint(w, "ExitedAt", pm_gotime_unix(s->finished_ns));
	pm_jw_kint(w, "ExitCode", s->exit_code);
	pm_jw_kstr(w, "Id", c->id);
	pm_jw_kstr(w, "Image", c->image_name);
	pm_jw_kstr(w, "ImageID", c->image_id);
	pm_jw_kbool(w, "IsInfra", c->infra);
	pm_jw_key(w, "Labels");
	pm_jw_kv_object(w, row->labels, true);
	pm_jw_key(w, "Mounts");
	pm_jw_begin_array(w);
	for (char **m = row->mounts; m && *m; m++)
		pm_jw_string(w, *m);
	pm_jw_end_array(w);
	pm_jw_key(w, "Names");
	pm_jw_begin_array(w);
	pm_jw_string(w, c->name);
	pm_jw_end_array(w);
	pm_jw_key(w, "Namespaces");
	pm_jw_begin_object(w);
	for (size_t k = 0; row->has_ns && k < ARRAY_SIZE(row->ns); k++) {
		char ino[32];
		snprintf(ino, sizeof(ino), "%llu", row->ns[k]);
		pm_jw_key(w, pm_ps_ns_keys[k]);
		pm_jw_string(w, row->ns[k] ? ino : "");
	}
	pm_jw_end_object(w);
	pm_jw_key(w, "Networks");
	pm_jw_begin_array(w);
	pm_jw_end_array(w);
	pm_jw_kint(w, "Pid", running ? s->pid : 0);
	pm_jw_kstr(w, "Pod", c->pod_id);
	pm_jw_kstr(w, "PodName", row->pod_name);
	pm_jw_key(w, "Ports");
	if (row->nports) {
		pm_jw_begin_array(w);
		for (size_t i = 0; i < row->nports; i++) {
			const struct pm_net_port *p = &row->ports[i];
			pm_jw_begin_object(w);
			pm_jw_kstr(w, "host_ip", p->host_ip);
			pm_jw_kint(w, "container_port", p->ctr_port);
			pm_jw_kint(w, "host_port", p->host_port);
			pm_jw_kint(w, "range", p->range);
			pm_jw_kstr(w, "protocol",
				   protos[p->proto >= 0 && p->proto <= 2 ? p->proto : 0]);
			pm_jw_end_object(w);
		}
		pm_jw_end_array(w);
	} else {
		pm_jw_null(w);
	}
	pm_jw_key(w, "Size");
	if (row->has_size) {
		pm_jw_begin_object(w);
		pm_jw_kint(w, "rwSize", row->rw_size);
		pm_jw_kint(w, "rootFsSize", row->rootfs_size);
		pm_jw_end_object(w);
	} else {
		pm_jw_null(w);
	}
	pm_jw_kint(w, "StartedAt", pm_gotime_unix(s->started_ns));
	pm_jw_kstr(w, "State", pm_ctr_status_string(s->status));
	_cleanup_free_ char *status = pm_ps_status(row, now);
	pm_jw_kstr(w, "Status", status);
	pm_jw_kint(w, "Created", c->created_ns / PM_NSEC_PER_SEC);
	pm_jw_end_object(w);
}

/* ---- what a row needs of a spec ------------------------------------------------------- */

static int scan_str(const struct pm_jscan_val *v, char **dst)
{
	free(*dst);
	*dst = NULL;
	return pm_jscan_string(v, dst);
}

static int scan_strv(const struct pm_jscan_val *v, char ***dst)
{
	*dst = pm_strv_free(*dst);
	return pm_jscan_strv(v, dst);
}

/* The spec fields a row shows (engine/config-json.c's names: the command, labels, --rm and
 * what the published ports depend on), read with lib/jscan and the rest of the spec skipped;
 * the whole spec through jansson when the fast reader declines. */
static int row_config(const char *text, struct pm_container_config *cfg)
{
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	*cfg = (struct pm_container_config){0};
	int r = pm_jscan_object(&s, text, strlen(text));
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &v)) > 0) {
		if (pm_jscan_key_is(&k, "Rm"))
			r = pm_jscan_bool(&v, &cfg->rm);
		else if (pm_jscan_key_is(&k, "Entrypoint"))
			r = scan_str(&v, &cfg->entrypoint);
		else if (pm_jscan_key_is(&k, "EntrypointSet"))
			r = pm_jscan_bool(&v, &cfg->entrypoint_set);
		else if (pm_jscan_key_is(&k, "Command"))
			r = scan_strv(&v, &cfg->command);
		else if (pm_jscan_key_is(&k, "Labels"))
			r = scan_strv(&v, &cfg->labels);
		else if (pm_jscan_key_is(&k, "Rootfs"))
			r = scan_str(&v, &cfg->rootfs);
		else if (pm_jscan_key_is(&k, "NetworkMode"))
			r = scan_str(&v, &cfg->network);
		else if (pm_jscan_key_is(&k, "Publish"))
			r = scan_strv(&v, &cfg->publish);
		else if (pm_jscan_key_is(&k, "PublishAll"))
			r = pm_jscan_bool(&v, &cfg->publish_all);
		else if (pm_jscan_key_is(&k, "Dns"))
			r = scan_strv(&v, &cfg->dns);
		else if (pm_jscan_key_is(&k, "DnsSearch"))
			r = scan_strv(&v, &cfg->dns_search);
		else if (pm_jscan_key_is(&k, "DnsOptions"))
			r = scan_strv(&v, &cfg->dns_options);
		else if (pm_jscan_key_is(&k, "AddHost"))
			r = scan_strv(&v, &cfg->add_hosts);
		else if (pm_jscan_key_is(&k, "NoHosts"))
			r = pm_jscan_bool(&v, &cfg->no_hosts);
		else if (pm_jscan_key_is(&k, "Volumes"))
			r = scan_strv(&v, &cfg->volumes);
		else if (pm_jscan_key_is(&k, "Mounts"))
			r = scan_strv(&v, &cfg->mounts);
		else if (pm_jscan_key_is(&k, "Tmpfs"))
			r = scan_strv(&v, &cfg->tmpfs);
		else if (pm_jscan_key_is(&k, "HealthTest"))
			r = scan_strv(&v, &cfg->health.test);
		else if (k.escaped)
			r = -EBADMSG; /* might spell one of the above */
	}
	if (r >= 0)
		return 0;
	pm_spec_config_clear(cfg);
	return pm_config_from_json(text, cfg, NULL);
}

/* podman's ps Mounts (its UserVolumes): the destinations of --mount, --tmpfs, then -v, as
 * given (-v SRC:DST[:OPTS] or -v DST; --mount's destination=, dst= or target=). */
static char **user_mount_dests(const struct pm_container_config *cfg)
{
	char **dests = NULL;
	for (char **m = cfg->mounts; m && *m; m++) {
		_cleanup_strv_ char **kv = pm_strv_split_csv(*m);
		for (char **f = kv; f && *f; f++) {
			const char *eq = strchr(*f, '=');
			if (eq && (!strncmp(*f, "destination=", 12) || !strncmp(*f, "dst=", 4) ||
				   !strncmp(*f, "target=", 7)))
				pm_strv_push(&dests, eq + 1);
		}
	}
	for (char **t = cfg->tmpfs; t && *t; t++) {
		const char *colon = strchr(*t, ':');
		_cleanup_free_ char *d = colon ? pm_xstrndup(*t, (size_t)(colon - *t)) : NULL;
		pm_strv_push(&dests, d ? d : *t);
	}
	for (char **vol = cfg->volumes; vol && *vol; vol++) {
		_cleanup_strv_ char **parts = pm_strv_split(*vol, ":");
		size_t np = pm_strv_length(parts);
		if (np == 1)
			pm_strv_push(&dests, parts[0]);
		else if (np > 1)
			pm_strv_push(&dests, parts[1]);
	}
	return dests;
}

/* podman's volume= filter's pairs: "SOURCE\nDEST" of each -v (a named volume's name, an
 * anonymous one's generated name, or a host path) and --mount with a source. */
static char **volume_pairs(const struct pm_container_config *cfg)
{
	char **pairs = NULL;
	for (char **vol = cfg->volumes; vol && *vol; vol++) {
		_cleanup_strv_ char **parts = pm_strv_split(*vol, ":");
		if (pm_strv_length(parts) >= 2) {
			_cleanup_free_ char *p = pm_xasprintf("%s\n%s", parts[0], parts[1]);
			pm_strv_push(&pairs, p);
		}
	}
	for (char **m = cfg->mounts; m && *m; m++) {
		_cleanup_strv_ char **kv = pm_strv_split_csv(*m);
		const char *src = NULL, *dst = NULL;
		for (char **f = kv; f && *f; f++) {
			const char *eq = strchr(*f, '=');
			if (!eq)
				continue;
			if (!strncmp(*f, "source=", 7) || !strncmp(*f, "src=", 4))
				src = eq + 1;
			else if (!strncmp(*f, "destination=", 12) || !strncmp(*f, "dst=", 4) ||
				 !strncmp(*f, "target=", 7))
				dst = eq + 1;
		}
		if (src && dst) {
			_cleanup_free_ char *p = pm_xasprintf("%s\n%s", src, dst);
			pm_strv_push(&pairs, p);
		}
	}
	return pairs;
}

/* volume=SOURCE[:DEST] (podman's): any value names one of the row's pairs. */
static bool volume_match(char *const *filters, char *const *pairs)
{
	bool any = false;
	for (char *const *f = filters; f && *f; f++) {
		if (!pm_str_startswith(*f, "volume="))
			continue;
		any = true;
		const char *v = *f + 7, *colon = strchr(v, ':');
		size_t sl = colon ? (size_t)(colon - v) : strlen(v);
		for (char *const *p = pairs; p && *p; p++) {
			const char *nl = strchr(*p, '\n');
			if ((size_t)(nl - *p) == sl && !strncmp(*p, v, sl) &&
			    (!colon || !strcmp(nl + 1, colon + 1)))
				return true;
		}
	}
	return !any;
}

/* Command, labels, --rm and ports of a row: what engine/inspect.c's pm_ctr_view_get and
 * engine/net.c's pm_engine_ports give, from the few spec fields they depend on. A container
 * in another's network namespace ("container:ID", a pod's members) gets that one's ports,
 * as podman shows them: *ret_net_from is its id. */
static void row_fill(pm_image_cache *ic, struct pm_ps_row *row, char **ret_net_from)
{
	const struct pm_container *c = row->c;
	struct pm_container_config cfg = {0};
	if (row_config(c->config_json ? c->config_json : "{}", &cfg) < 0)
		return;
	const struct pm_image *img = cfg.rootfs ? NULL : pm_image_cache_get(ic, c->image_id);
	struct pm_spec_image simg = {0};
	if (img)
		simg = (struct pm_spec_image){.env = img->env,
					      .cmd = img->cmd,
					      .entrypoint = img->entrypoint,
					      .workdir = img->working_dir,
					      .user = img->user};
	if (pm_spec_args(&cfg, img ? &simg : NULL, &row->args, NULL) < 0)
		row->args = NULL; /* an image gone since: show what was asked */
	for (char **l = img ? img->labels : NULL; l && *l; l++)
		pm_strv_set_kv(&row->labels, *l);
	for (char **l = cfg.labels; l && *l; l++)
		pm_strv_set_kv(&row->labels, *l);
	row->rm = cfg.rm;
	row->mounts = c->infra ? NULL : user_mount_dests(&cfg); /* pm-pause's bind is pm's */
	row->volumes = volume_pairs(&cfg);
	if (cfg.network && pm_str_startswith(cfg.network, "container:"))
		*ret_net_from = pm_xstrdup(cfg.network + strlen("container:"));
	struct pm_health_state hs;
	pm_health_state_get(c, &cfg.health, &hs);
	snprintf(row->health, sizeof(row->health), "%s", hs.status);
	pm_health_state_clear(&hs);
	if (c->state.ports && c->state.ports[0]) {
		for (char **p = c->state.ports; *p; p++)
			pm_net_parse_publish(*p, &row->ports, &row->nports, NULL);
	} else if ((cfg.publish && cfg.publish[0]) || cfg.publish_all) {
		struct pm_net_config net;
		if (pm_engine_net_config(&cfg, NULL, &net, NULL) >= 0) {
			if (net.mode == PM_NET_SLIRP4NETNS || net.mode == PM_NET_PASTA) {
				row->ports = TAKE_PTR(net.ports);
				row->nports = net.nports;
				net.nports = 0;
			}
			pm_net_config_clear(&net);
		}
	}
	pm_spec_config_clear(&cfg);
}

static void row_clear(struct pm_ps_row *row)
{
	pm_container_free(row->c);
	pm_strv_free(row->args);
	pm_strv_free(row->labels);
	pm_strv_free(row->mounts);
	pm_strv_free(row->volumes);
	free(row->ports);
	free(row->pod_name);
	*row = (struct pm_ps_row){0};
}

void pm_ps_rows_free(struct pm_ps_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		row_clear(&rows[i]);
	free(rows);
}

/* since=CTR / before=CTR: the container named (name, id or id prefix) found in list, the
 * filter rewritten as "since=@CREATED_NS"; podman's error for an unknown one. */
static int resolve_time_filters(char **filters, struct pm_container *const *list, size_t n,
				pm_error **err)
{
	for (char **f = filters; f && *f; f++) {
		bool since = pm_str_startswith(*f, "since=");
		if (!since && !pm_str_startswith(*f, "before="))
			continue;
		const char *ref = *f + (since ? 6 : 7);
		const struct pm_container *hit = NULL;
		for (size_t i = 0; i < n && !hit; i++)
			if (list[i] && ((list[i]->name && !strcmp(list[i]->name, ref)) ||
					!strcmp(list[i]->id, ref)))
				hit = list[i];
		for (size_t i = 0; i < n && !hit && strlen(ref) >= 1; i++)
			if (list[i] && pm_str_startswith(list[i]->id, ref))
				hit = list[i];
		if (!hit)
			return pm_error_set(err, ENOENT,
					    "no container with name or ID \"%s\" found: no such "
					    "container",
					    ref);
		char *nf = pm_xasprintf(
			"%s=@%llu", since ? "since" : "before",
			(unsigned long long)(hit->created_ns > 0 ? hit->created_ns : 0));
		free(*f);
		*f = nf;
	}
	return 0;
}

int pm_engine_ps_rows(const struct pm_engine *e, const struct pm_ps_opts *o, struct pm_ps_row **ret,
		      size_t *ret_n, pm_error **err)
{
	int r = pm_ps_filters_check(o->filters, err);
	if (r < 0)
		return r;
	struct pm_container **list = NULL;
	size_t n = 0;
	r = pm_container_list(e->paths, &list, &n, err);
	if (r < 0)
		return r;
	_cleanup_strv_ char **filters = pm_strv_copy(o->filters);
	if ((r = resolve_time_filters(filters, list, n, err)) < 0) {
		pm_container_list_free(list, n);
		return r;
	}
	bool all = o->all || o->latest || o->last >= 0;
	size_t limit = o->latest ? 1 : o->last >= 0 ? (size_t)o->last : n;
	bool label_filter = false;
	for (char *const *f = o->filters; f && *f; f++)
		label_filter |= pm_str_startswith(*f, "label=") ||
				pm_str_startswith(*f, "health=") ||
				pm_str_startswith(*f, "volume=");
	bool fill = !o->ids_only || label_filter;
	pm_image_cache *ic = pm_image_cache_new(e);
	_cleanup_store_ struct pm_store *store = NULL;
	if (o->size)
		pm_store_open(e->paths, e->storage_driver, &store, NULL);
	struct pm_ps_row *rows = pm_xcalloc(n ? n : 1, sizeof(*rows));
	char **net_from = pm_xcalloc(n ? n : 1, sizeof(char *)); /* by row, may have holes */
	_cleanup_free_ struct pm_container **every = pm_xcalloc(n ? n : 1, sizeof(*every));
	if (n)
		memcpy(every, list, n * sizeof(*every));
	size_t nr = 0;
	/* the list is newest first: -l / -n take from its head, before filters, as podman */
	for (size_t i = 0; i < n && i < limit; i++) {
		struct pm_container *c = list[i];
		if (c->name && pm_str_startswith(c->name, "pm-build-"))
			continue; /* a build's RUN container (builder/build.c), hidden as podman's
				   */
		if (pm_engine_refresh_autoremove(e, c) == PM_REFRESH_REMOVED)
			continue; /* a --rm container whose pm died: gone now */
		if (!all && c->state.status != PM_CTR_RUNNING && c->state.status != PM_CTR_PAUSED)
			continue;
		struct pm_ps_row *row = &rows[nr];
		*row = (struct pm_ps_row){.c = c};
		if (fill)
			row_fill(ic, row, &net_from[nr]);
		if (filters && (!pm_ps_filter_match(filters, c, row->labels, NULL) ||
				!pm_ps_health_match(filters, row->health) ||
				!volume_match(filters, row->volumes))) {
			row->c = NULL; /* still the list's */
			row_clear(row);
			free(net_from[nr]);
			net_from[nr] = NULL;
			continue;
		}
		list[i] = NULL;
		nr++;
		if (o->ns && pm_ctr_is_running(c) && c->state.pid > 0) {
			row->has_ns = true;
			for (size_t k = 0; k < ARRAY_SIZE(row->ns); k++)
				row->ns[k] = pm_proc_ns_inode(c->state.pid, pm_ps_ns_names[k]);
		}
		if (o->size) {
			row->has_size = true;
			pm_engine_ctr_size(e, store, row->c, &row->rw_size, &row->rootfs_size);
		}
	}
	for (size_t i = 0; i < nr; i++)
		for (size_t j = 0; net_from[i] && !rows[i].nports && j < n; j++)
			if (!strcmp(every[j]->id, net_from[i]))
				pm_engine_ports(every[j], &rows[i].ports, &rows[i].nports);
	for (size_t i = 0; i < n; i++)
		free(net_from[i]);
	free(net_from);
	pm_image_cache_free(ic);
	pm_container_list_free(list, n);
	/* podman prints the oldest first */
	for (size_t i = 0; i < nr / 2; i++) {
		struct pm_ps_row t = rows[i];
		rows[i] = rows[nr - 1 - i];
		rows[nr - 1 - i] = t;
	}
	*ret = rows;
	*ret_n = nr;
	return 0;
}

char *pm_ps_rows_json(const struct pm_ps_row *rows, size_t n, int64_t now_ns, bool pretty)
{
	struct pm_jw w;
	pm_jw_init(&w, pretty ? 2 : 0);
	pm_jw_begin_array(&w);
	for (size_t i = 0; i < n; i++)
		row_json(&w, &rows[i], now_ns);
	pm_jw_end_array(&w);
	return pm_jw_take(&w);
}

int pm_engine_ps(const struct pm_engine *e, const struct pm_ps_opts *o, char **ret_json,
		 pm_error **err)
{
	struct pm_ps_row *rows = NULL;
	size_t n = 0;
	int r = pm_engine_ps_rows(e, o, &rows, &n, err);
	if (r < 0)
		return r;
	*ret_json = pm_ps_rows_json(rows, n, o->now_ns ? o->now_ns : pm_time_now_ns(), false);
	pm_ps_rows_free(rows, n);
	return 0;
}
