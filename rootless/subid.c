/* subid.c: the user's subordinate uid/gid ranges, read through libsubid (so nsswitch "subid"
 * plugins work as for newuidmap), and the id mappings pm builds from them.
 * Must not print (one pm_log_warn for a range smaller than 65536) nor touch namespaces.
 * Called by rootless/userns.c; the pure builders are unit tested (tests/unit/test-subid.c). */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/strutil.h"
#include "rootless/dl-subid.h"
#include "rootless/subid.h"

uint64_t pm_subid_total(const struct pm_idmap *ranges, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += ranges[i].size;
	return total;
}

int pm_subid_build_mapping(uint32_t id, const struct pm_idmap *ranges, size_t n,
			   struct pm_idmap **ret, size_t *ret_n, pm_error **err)
{
	_cleanup_free_ struct pm_idmap *map = pm_xcalloc(n + 1, sizeof(*map));
	size_t m = 0;
	uint64_t next = 1;

	map[m++] = (struct pm_idmap){.container_id = 0, .host_id = id, .size = 1};
	for (size_t i = 0; i < n; i++) {
		if (ranges[i].size == 0)
			continue;
		if ((uint64_t)ranges[i].host_id + ranges[i].size > UINT32_MAX ||
		    next + ranges[i].size > UINT32_MAX)
			return pm_error_set(err, ERANGE,
					    "subordinate id range '%" PRIu32 ":%" PRIu32
					    "' does not fit in 32-bit ids",
					    ranges[i].host_id, ranges[i].size);
		map[m++] = (struct pm_idmap){
			.container_id = (uint32_t)next,
			.host_id = ranges[i].host_id,
			.size = ranges[i].size,
		};
		next += ranges[i].size;
	}
	*ret = TAKE_PTR(map);
	*ret_n = m;
	return 0;
}

char **pm_subid_map_argv(const char *prog, pid_t pid, const struct pm_idmap *map, size_t n)
{
	char **argv = NULL;
	pm_strv_push(&argv, prog);
	pm_strv_consume(&argv, pm_xasprintf("%d", (int)pid));
	for (size_t i = 0; i < n; i++) {
		pm_strv_consume(&argv, pm_xasprintf("%" PRIu32, map[i].container_id));
		pm_strv_consume(&argv, pm_xasprintf("%" PRIu32, map[i].host_id));
		pm_strv_consume(&argv, pm_xasprintf("%" PRIu32, map[i].size));
	}
	return argv;
}

/* libsubid reports problems on stderr unless told otherwise: send them to /dev/null. */
static void subid_quiet(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	FILE *f = fopen("/dev/null", "we");
	if (f)
		sym_subid_init("pm", f); /* keeps f for the life of the process */
}

/* Ranges of one owner string; 0 with *ret_n == 0 when there are none. */
static int lookup(const char *owner, bool gid, struct pm_idmap **ret, size_t *ret_n)
{
	struct subid_range *r = NULL;
	int n = gid ? sym_subid_get_gid_ranges(owner, &r) : sym_subid_get_uid_ranges(owner, &r);
	if (n < 0) {
		free(r);
		return -EIO;
	}
	_cleanup_free_ struct pm_idmap *out = pm_xcalloc((size_t)n + 1, sizeof(*out));
	size_t m = 0;
	for (int i = 0; i < n; i++) {
		if (r[i].count == 0 || r[i].start > UINT32_MAX || r[i].count > UINT32_MAX ||
		    r[i].start + r[i].count > UINT32_MAX) {
			pm_log_debug("ignoring subordinate range '%lu:%lu' of '%s'", r[i].start,
				     r[i].count, owner);
			continue;
		}
		out[m++] = (struct pm_idmap){
			.host_id = (uint32_t)r[i].start,
			.size = (uint32_t)r[i].count,
		};
	}
	free(r);
	*ret = TAKE_PTR(out);
	*ret_n = m;
	return 0;
}

int pm_subid_ranges(const char *user, uid_t uid, bool gid, struct pm_idmap **ret, size_t *ret_n,
		    pm_error **err)
{
	const char *file = gid ? "/etc/subgid" : "/etc/subuid";
	const char *kind = gid ? "GID" : "UID";
	char uidstr[16];
	snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)uid);
	const char *name = user ? user : uidstr;

	int dl = pm_dl_subid(err);
	if (dl < 0)
		return dl;
	subid_quiet();
	/* podman looks the user up by name, then by the numeric uid. */
	const char *owners[] = {user, uidstr};
	for (size_t i = 0; i < ARRAY_SIZE(owners); i++) {
		if (!owners[i])
			continue;
		struct pm_idmap *r = NULL;
		size_t n = 0;
		if (lookup(owners[i], gid, &r, &n) < 0)
			return pm_error_set(err, EIO,
					    "cannot read the subordinate %s ranges of '%s' from %s",
					    kind, owners[i], file);
		if (n > 0) {
			*ret = r;
			*ret_n = n;
			return 0;
		}
		free(r);
	}
	return pm_error_set(
		err, ENOENT,
		"no subordinate %s range for user '%s' in %s: add a line like "
		"'%s:<start>:65536' (e.g. usermod --add-sub%ss 100000-165535 %s), then run "
		"'pm system migrate'",
		kind, name, file, name, gid ? "gid" : "uid", name);
}

int pm_subid_ranges_named(const char *name, bool gid, struct pm_idmap **ret, size_t *ret_n,
			  pm_error **err)
{
	int dl = pm_dl_subid(err);
	if (dl < 0)
		return dl;
	subid_quiet();
	struct pm_idmap *r = NULL;
	size_t n = 0;
	if (lookup(name, gid, &r, &n) < 0 || n == 0) {
		free(r);
		return pm_error_set(err, ENOENT, "no %s ranges found for %s \"%s\" in %s",
				    gid ? "subgid" : "subuid", gid ? "group" : "user", name,
				    gid ? "/etc/subgid" : "/etc/subuid");
	}
	*ret = r;
	*ret_n = n;
	return 0;
}

int pm_subid_mapping(bool gid, struct pm_idmap **ret, size_t *ret_n, pm_error **err)
{
	uid_t uid = getuid();
	struct passwd *pw = getpwuid(uid);
	_cleanup_free_ char *user = pw ? pm_xstrdup(pw->pw_name) : NULL;
	_cleanup_free_ struct pm_idmap *ranges = NULL;
	size_t n = 0;

	int r = pm_subid_ranges(user, uid, gid, &ranges, &n, err);
	if (r < 0)
		return r;
	uint64_t total = pm_subid_total(ranges, n);
	if (total < PM_SUBID_RECOMMENDED) {
		char uidstr[16];
		snprintf(uidstr, sizeof(uidstr), "%u", (unsigned)uid);
		pm_log_warn("%s gives user '%s' only %" PRIu64
			    " subordinate %s%s (%d recommended): "
			    "images that use higher ids will fail",
			    gid ? "/etc/subgid" : "/etc/subuid", user ? user : uidstr, total,
			    gid ? "GID" : "UID", total == 1 ? "" : "s", PM_SUBID_RECOMMENDED);
	}
	return pm_subid_build_mapping(gid ? (uint32_t)getgid() : (uint32_t)uid, ranges, n, ret,
				      ret_n, err);
}
