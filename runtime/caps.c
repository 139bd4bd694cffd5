/* caps.c: capability names, podman's default set and its --cap-add/--cap-drop rules, and
 * applying a set in the container init (capset(2) itself: no libcap for every pm command
 * to map and initialise). Pure parts are unit tested (tests/unit/test-caps.c). Must not print.
 * Called by engine/spec.c (compute) and runtime/init.c (prepare/apply). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "lib/strutil.h"
#include "runtime/caps.h"

static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

#define PM_CAPS_KNOWN ((int)ARRAY_SIZE(cap_names))

int pm_caps_last_cap(void)
{
	static int last = -1;
	if (last >= 0)
		return last;
	last = PM_CAPS_KNOWN - 1;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f) {
		int v;
		if (fscanf(f, "%d", &v) == 1 && v >= 0 && v < 64)
			last = v;
		fclose(f);
	}
	return last;
}

uint64_t pm_caps_all(void)
{
	int last = pm_caps_last_cap();
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

int pm_caps_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	const char *n = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
	for (int i = 0; i < PM_CAPS_KNOWN; i++)
		if (strcasecmp(cap_names[i] + 4, n) == 0)
			return i;
	return -EINVAL;
}

const char *pm_caps_to_name(int cap)
{
	return cap >= 0 && cap < PM_CAPS_KNOWN ? cap_names[cap] : NULL;
}

static bool is_all(const char *s)
{
	return strcasecmp(s, "ALL") == 0 || strcasecmp(s, "CAP_ALL") == 0;
}

/* Parse a list into a mask; *has_all when it contains ALL. */
static int parse_list(char *const *v, const char *flag, uint64_t *mask, bool *has_all,
		      pm_error **err)
{
	*mask = 0;
	*has_all = false;
	for (char *const *i = v; i && *i; i++) {
		if (is_all(*i)) {
			*has_all = true;
			continue;
		}
		int c = pm_caps_from_name(*i);
		if (c < 0)
			return pm_error_set(err, EINVAL, "%s: unknown capability '%s'", flag, *i);
		*mask |= 1ULL << c;
	}
	return 0;
}

int pm_caps_compute(char *const *add, char *const *drop, bool privileged, bool root_user,
		    struct pm_runtime_caps *ret, pm_error **err)
{
	uint64_t madd, mdrop;
	bool add_all, drop_all;
	int r = parse_list(add, "--cap-add", &madd, &add_all, err);
	if (r < 0)
		return r;
	r = parse_list(drop, "--cap-drop", &mdrop, &drop_all, err);
	if (r < 0)
		return r;

	uint64_t all = pm_caps_all();
	uint64_t set = privileged ? all : PM_CAPS_DEFAULT;
	uint64_t added = 0;
	if (drop_all) {
		if (add_all)
			return pm_error_set(err, EINVAL,
					    "adding all caps and removing all caps not allowed");
		set = madd;
		added = madd;
	} else {
		if (add_all) {
			set = all;
			added = all;
			madd = 0;
		}
		uint64_t both = madd & mdrop;
		if (both) {
			int c = __builtin_ctzll(both);
			return pm_error_set(err, EINVAL,
					    "capability '%s' cannot be dropped and added",
					    pm_caps_to_name(c));
		}
		set = (set & ~mdrop) | madd;
		added |= madd;
	}
	set &= all;
	added &= set;

	memset(ret, 0, sizeof(*ret));
	ret->bounding = set;
	if (root_user) {
		ret->effective = ret->permitted = set;
	} else {
		ret->effective = ret->permitted = ret->inheritable = ret->ambient = added;
	}
	return 0;
}

int pm_caps_prepare(const struct pm_runtime_caps *caps)
{
	int last = pm_caps_last_cap();
	for (int c = 0; c <= last; c++) {
		if (caps->bounding & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int pm_caps_apply(const struct pm_runtime_caps *caps)
{
	/* capset(2) itself, as libcap's cap_set_proc makes it (version 3: two 32-bit words
	 * per set), the bits above the kernel's last capability cleared */
	int last = pm_caps_last_cap();
	uint64_t valid = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
	for (int w = 0; w < _LINUX_CAPABILITY_U32S_3; w++) {
		data[w].effective = (uint32_t)((caps->effective & valid) >> (32 * w));
		data[w].permitted = (uint32_t)((caps->permitted & valid) >> (32 * w));
		data[w].inheritable = (uint32_t)((caps->inheritable & valid) >> (32 * w));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	for (int i = 0; i <= last; i++)
		if ((caps->ambient & (1ULL << i)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
			return -errno;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}
