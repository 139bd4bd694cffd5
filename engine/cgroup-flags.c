/* cgroup-flags.c: run/create's cgroup, block-device and static-network flags (see
 * cgroup-flags.h). Messages are podman 4.3's where it has one; pm's own say so in the test.
 * Never prints. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "engine/cgroup-flags.h"
#include "engine/ctr-networks.h"
#include "engine/spec.h"
#include "lib/strutil.h"
#include "systemd/limits.h"

#define BPS_FORMAT                                                                                 \
	"The correct format is <device-path>:<number>[<unit>]. Number must be a positive "         \
	"integer. Unit is optional and can be kb, mb, or gb"
#define IOPS_FORMAT                                                                                \
	"The correct format is <device-path>:<number>. Number must be a positive integer"

/* ---- the values ------------------------------------------------------------------------- */

/* Go's strconv.ParseInt(s, 10, 64) */
static int parse_i64(const char *s, int64_t *ret)
{
	const char *d = s + (*s == '+' || *s == '-');
	if (!*d || strspn(d, "0123456789") != strlen(d))
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno)
		return -ERANGE;
	*ret = v;
	return 0;
}

static int parse_swappiness(const char *v, int64_t *ret, pm_error **err)
{
	int64_t n;
	if (parse_i64(v, &n) < 0)
		return pm_error_set(err, EINVAL,
				    "invalid argument \"%s\" for \"--memory-swappiness\" flag: "
				    "strconv.ParseInt: parsing \"%s\": invalid syntax",
				    v, v);
	if (n < -1 || n > 100)
		return pm_error_set(err, EINVAL,
				    "invalid --memory-swappiness '%s': valid memory swappiness "
				    "range is 0-100",
				    v);
	*ret = n;
	return 0;
}

static int check_cgroupns(const char *v, pm_error **err)
{
	if (!*v || !strcmp(v, "host") || !strcmp(v, "private"))
		return 0;
	if (pm_str_startswith(v, "container:") || pm_str_startswith(v, "ns:")) {
		bool ctr = v[0] == 'c';
		if (!strchr(v, ':')[1])
			return pm_error_set(err, EINVAL,
					    "invalid config provided: namespace mode %s requires a "
					    "value",
					    ctr ? "container" : "path");
		return 0;
	}
	return pm_error_set(err, EINVAL, "unrecognized namespace mode %s passed", v);
}

static int check_cgroup_conf(const char *v, pm_error **err)
{
	const char *eq = strchr(v, '=');
	if (!eq)
		return pm_error_set(err, EINVAL, "--cgroup-conf must be formatted KEY=VALUE");
	/* pm's own: the key is a file of the container's cgroup, nothing else */
	const char *dot = memchr(v, '.', (size_t)(eq - v));
	if (eq == v || !dot || dot == v || dot + 1 == eq || memchr(v, '/', (size_t)(eq - v)))
		return pm_error_set(err, EINVAL,
				    "invalid --cgroup-conf '%s': the key must be a cgroup v2 file "
				    "name, CONTROLLER.NAME (memory.high)",
				    v);
	return 0;
}

/* PATH:VALUE of a device flag: the split and podman's two format checks */
static int device_split(const char *v, char **ret_path, const char **ret_value, pm_error **err)
{
	const char *colon = strchr(v, ':');
	if (!colon)
		return pm_error_set(err, EINVAL, "bad format: %s", v);
	if (!pm_str_startswith(v, "/dev/"))
		return pm_error_set(err, EINVAL, "bad format for device path: %s", v);
	*ret_path = pm_xstrndup(v, (size_t)(colon - v));
	*ret_value = colon + 1;
	return 0;
}

/* kind: 'b' bps, 'i' iops, 'w' weight */
static int parse_device_value(char kind, const char *v, char **ret_path, uint64_t *ret,
			      pm_error **err)
{
	_cleanup_free_ char *path = NULL;
	const char *val = NULL;
	int r = device_split(v, &path, &val, err);
	if (r < 0)
		return r;
	uint64_t n;
	if (kind == 'b' && pm_parse_size(val, &n) < 0)
		return pm_error_set(err, EINVAL, "invalid rate for device: %s. " BPS_FORMAT, v);
	if (kind == 'i' && pm_parse_uint64(val, &n) < 0)
		return pm_error_set(err, EINVAL, "invalid rate for device: %s. " IOPS_FORMAT, v);
	if (kind == 'w' && (pm_parse_uint64(val, &n) < 0 || (n > 0 && (n < 10 || n > 1000))))
		return pm_error_set(err, EINVAL, "invalid weight for device: %s", v);
	if (ret_path)
		*ret_path = TAKE_PTR(path);
	if (ret)
		*ret = n;
	return 0;
}

/* Go's strconv.ParseUint(s, 10, 64)'s failure, as podman prints it */
static int check_dev_number(const char *s, pm_error **err)
{
	uint64_t n;
	if (pm_parse_uint64(s, &n) < 0)
		return pm_error_set(err, EINVAL,
				    "strconv.ParseUint: parsing \"%s\": invalid syntax", s);
	return 0;
}

/* --device-cgroup-rule 'TYPE MAJOR:MINOR ACCESS' (podman 4.3's parser: Go's strings.Split on
 * one blank, so empty fields count) */
static int check_device_cgroup_rule(const char *v, pm_error **err)
{
	const char *sp1 = strchr(v, ' ');
	const char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp2 || strchr(sp2 + 1, ' '))
		return pm_error_set(err, EINVAL,
				    "invalid device cgroup rule requires type, major:Minor, and "
				    "access rules: \"%s\"",
				    v);
	_cleanup_free_ char *type = pm_xstrndup(v, (size_t)(sp1 - v));
	_cleanup_free_ char *num = pm_xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	const char *access = sp2 + 1;
	if (strcmp(type, "a") && strcmp(type, "b") && strcmp(type, "c"))
		return pm_error_set(err, EINVAL, "invalid device type in device-access-add: %s",
				    type);
	char *minor = strchr(num, ':');
	if (minor)
		*minor++ = '\0';
	int r;
	if (strcmp(num, "*") && (r = check_dev_number(num, err)) < 0)
		return r;
	if (minor && strcmp(minor, "*") && (r = check_dev_number(minor, err)) < 0)
		return r;
	for (const char *a = access; *a; a++)
		if (!strchr("rwm", *a))
			return pm_error_set(err, EINVAL,
					    "invalid device access in device-access-add: %c", *a);
	return 0;
}

static bool parse_ip(const char *v)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Go's net.ParseMAC: 6, 8 or 20 octets as xx:xx:.., xx-xx-.. or xxxx.xxxx.xxxx */
static bool parse_mac(const char *s)
{
	size_t n = strlen(s);
	if (n < 14)
		return false;
	size_t groups;
	if (s[2] == ':' || s[2] == '-') {
		if ((n + 1) % 3 != 0)
			return false;
		groups = (n + 1) / 3;
		for (size_t i = 0; i < groups; i++) {
			const char *g = s + i * 3;
			if (hexval(g[0]) < 0 || hexval(g[1]) < 0 ||
			    (i + 1 < groups && g[2] != s[2]))
				return false;
		}
	} else if (s[4] == '.') {
		if ((n + 1) % 5 != 0)
			return false;
		groups = (n + 1) / 5 * 2;
		for (size_t i = 0; i < (n + 1) / 5; i++) {
			const char *g = s + i * 5;
			for (int k = 0; k < 4; k++)
				if (hexval(g[k]) < 0)
					return false;
			if (i + 1 < (n + 1) / 5 && g[4] != '.')
				return false;
		}
	} else {
		return false;
	}
	return groups == 6 || groups == 8 || groups == 20;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = pm_xstrdup(v);
}

int pm_config_set_cgroup_flag(struct pm_container_config *c, const char *flag, const char *v,
			      pm_error **err)
{
	int r;
	if (!v)
		v = "";
	if (!strcmp(flag, "memory-swappiness")) {
		int64_t n = -1;
		if ((r = parse_swappiness(v, &n, err)) < 0)
			return r;
		c->memory_swappiness = n < 0 ? 0 : n;
		c->memory_swappiness_set = n >= 0;
		return 0;
	}
	if (!strcmp(flag, "cgroupns")) {
		if ((r = check_cgroupns(v, err)) < 0)
			return r;
		set_str(&c->cgroupns, v);
		return 0;
	}
	if (!strcmp(flag, "cgroup-conf")) {
		if ((r = check_cgroup_conf(v, err)) < 0)
			return r;
		pm_strv_push(&c->cgroup_conf, v);
		return 0;
	}
	static const struct {
		const char *name;
		char kind;
		size_t off;
	} devs[] = {
		{"device-read-bps", 'b', offsetof(struct pm_container_config, device_read_bps)},
		{"device-write-bps", 'b', offsetof(struct pm_container_config, device_write_bps)},
		{"device-read-iops", 'i', offsetof(struct pm_container_config, device_read_iops)},
		{"device-write-iops", 'i', offsetof(struct pm_container_config, device_write_iops)},
		{"blkio-weight-device", 'w',
		 offsetof(struct pm_container_config, blkio_weight_device)},
	};
	for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
		if (strcmp(flag, devs[i].name) != 0)
			continue;
		if ((r = parse_device_value(devs[i].kind, v, NULL, NULL, err)) < 0)
			return r;
		pm_strv_push((char ***)(void *)((char *)c + devs[i].off), v);
		return 0;
	}
	if (!strcmp(flag, "device-cgroup-rule")) {
		if ((r = check_device_cgroup_rule(v, err)) < 0)
			return r;
		pm_strv_push(&c->device_cgroup_rules, v);
		return 0;
	}
	if (!strcmp(flag, "ip") || !strcmp(flag, "ip6")) {
		if (*v && !parse_ip(v))
			return pm_error_set(err, EINVAL, "\"%s\" is not an ip address", v);
		set_str(flag[2] ? &c->ip6 : &c->ip, v);
		return 0;
	}
	if (!strcmp(flag, "mac-address")) {
		if (*v && !parse_mac(v))
			return pm_error_set(err, EINVAL, "address %s: invalid MAC address", v);
		set_str(&c->mac_address, v);
		return 0;
	}
	if (!strcmp(flag, "network-alias")) {
		/* podman's string slice: comma-separated; "" is a flag given with no alias */
		_cleanup_strv_ char **parts = pm_strv_split(v, ",");
		if (!c->network_aliases)
			c->network_aliases = pm_xcalloc(1, sizeof(char *));
		for (char **p = parts; p && *p; p++)
			if (**p)
				pm_strv_push(&c->network_aliases, *p);
		return 0;
	}
	return pm_error_set(err, EINVAL, "unknown flag --%s", flag);
}

/* ---- the whole configuration ------------------------------------------------------------- */

/* The block device of a device flag's value: its st_rdev. what: podman's words for a
 * missing one. */
static int device_rdev(const char *flag, const char *v, char kind, dev_t *ret, pm_error **err)
{
	_cleanup_free_ char *path = NULL;
	uint64_t n;
	int r = parse_device_value(kind, v, &path, &n, err);
	if (r < 0)
		return r;
	struct stat st;
	char buf[128];
	if (stat(path, &st) < 0) {
		int e = errno;
		if (kind == 'w')
			return pm_error_set(err, e, "failed to inspect '%s' in --%s: %s", path,
					    flag, pm_go_strerror(e, buf, sizeof(buf)));
		return pm_error_set(err, e, "could not parse throttle device at %s: %s", path,
				    pm_go_strerror(e, buf, sizeof(buf)));
	}
	if (!S_ISBLK(st.st_mode))
		return pm_error_set(err, EINVAL, "--%s '%s': '%s' is not a block device", flag, v,
				    path);
	*ret = st.st_rdev;
	return 0;
}

static const struct {
	const char *flag, *key; /* key: io.max's */
	char kind;
	size_t off;
} io_flags[] = {
	{"device-read-bps", "rbps", 'b', offsetof(struct pm_container_config, device_read_bps)},
	{"device-write-bps", "wbps", 'b', offsetof(struct pm_container_config, device_write_bps)},
	{"device-read-iops", "riops", 'i', offsetof(struct pm_container_config, device_read_iops)},
	{"device-write-iops", "wiops", 'i',
	 offsetof(struct pm_container_config, device_write_iops)},
	{"blkio-weight-device", NULL, 'w',
	 offsetof(struct pm_container_config, blkio_weight_device)},
};

static char **io_flag_values(const struct pm_container_config *c, size_t i)
{
	return *(char **const *)(const void *)((const char *)c + io_flags[i].off);
}

static int check_static_net(const struct pm_container_config *c, pm_error **err)
{
	bool any = c->ip || c->ip6 || c->mac_address || c->network_aliases;
	if (!any)
		return 0;
	/* a user-defined network (engine/ctr-networks.h): --ip and --mac-address are its */
	_cleanup_free_ char *usernet = pm_engine_network_of(c->network);
	if (usernet) {
		for (char **a = c->network_aliases; a && *a; a++)
			if (!**a || strpbrk(*a, " \t\n,"))
				return pm_error_set(err, EINVAL,
						    "--network-alias: invalid alias \"%s\"", *a);
		return 0;
	}
	/* a --network given (not a pod's): podman names the first flag; the default network
	 * (slirp4netns) and a pod's get its general refusal */
	if (c->network && *c->network && !(c->pod && !c->infra)) {
		const struct {
			bool set;
			const char *flag;
		} given[] = {
			{c->ip && *c->ip, "--ip"},
			{c->ip6 && *c->ip6, "--ip6"},
			{c->mac_address && *c->mac_address, "--mac-address"},
			{c->network_aliases && c->network_aliases[0], "--network-alias"},
		};
		for (size_t i = 0; i < ARRAY_SIZE(given); i++)
			if (given[i].set)
				return pm_error_set(err, EINVAL,
						    "%s can only be set when the network mode is "
						    "bridge: invalid argument",
						    given[i].flag);
	}
	return pm_error_set(err, EINVAL,
			    "invalid config provided: networks and static ip/mac address can "
			    "only be used with Bridge mode networking");
}

int pm_config_cgroup_flags_check(const struct pm_container_config *c, pm_error **err)
{
	int r;
	for (size_t i = 0; i < ARRAY_SIZE(io_flags); i++)
		for (char **v = io_flag_values(c, i); v && *v; v++) {
			dev_t rdev;
			if ((r = device_rdev(io_flags[i].flag, *v, io_flags[i].kind, &rdev, err)) <
			    0)
				return r;
		}
	if (c->cgroupns && pm_str_startswith(c->cgroupns, "ns:")) {
		struct stat st;
		char buf[128];
		const char *path = c->cgroupns + 3;
		if (stat(path, &st) < 0) {
			int e = errno;
			return pm_error_set(
				err, e, "cannot find specified cgroup namespace path: stat %s: %s",
				path, pm_go_strerror(e, buf, sizeof(buf)));
		}
	}
	return check_static_net(c, err);
}

int pm_config_device_limit(char kind, const char *v, char **ret_path, uint64_t *ret)
{
	return parse_device_value(kind, v, ret_path, ret, NULL);
}

const char *pm_config_cgroupns_mode(const struct pm_container_config *c)
{
	if (c->cgroupns && *c->cgroupns)
		return c->cgroupns;
	return pm_cg_unified() ? "private" : "host";
}

bool pm_config_has_io_limits(const struct pm_container_config *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(io_flags); i++)
		if (io_flag_values(c, i) && io_flag_values(c, i)[0])
			return true;
	return false;
}

int pm_config_io_lines(const struct pm_container_config *c, char ***ret_io_max,
		       char ***ret_io_weight, pm_error **err)
{
	_cleanup_strv_ char **max = NULL, **weight = NULL;
	*ret_io_max = *ret_io_weight = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(io_flags); i++)
		for (char **v = io_flag_values(c, i); v && *v; v++) {
			dev_t rdev;
			int r = device_rdev(io_flags[i].flag, *v, io_flags[i].kind, &rdev, err);
			if (r < 0)
				return r;
			uint64_t n;
			parse_device_value(io_flags[i].kind, *v, NULL, &n, NULL);
			if (!io_flags[i].key) {
				if (n) /* 0: no weight of its own */
					pm_strv_consume(&weight,
							pm_xasprintf("%u:%u %" PRIu64, major(rdev),
								     minor(rdev), n));
				continue;
			}
			pm_strv_consume(&max, pm_xasprintf("%u:%u %s=%" PRIu64, major(rdev),
							   minor(rdev), io_flags[i].key, n));
		}
	*ret_io_max = TAKE_PTR(max);
	*ret_io_weight = TAKE_PTR(weight);
	return 0;
}

char *pm_config_cgroup_conf_controller(const char *kv)
{
	const char *dot = strchr(kv, '.');
	if (!dot || !strncmp(kv, "cgroup.", strlen("cgroup.")))
		return NULL;
	return pm_xstrndup(kv, (size_t)(dot - kv));
}
