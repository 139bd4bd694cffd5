/* network.c: the network configs of `pm network` (see network.h): validation and subnet
 * allocation with podman's messages, the files under <root>/networks, the JSON shapes and
 * the ls filters. Never prints. Called by cli/cmd-network.c and the engine (run --network). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <jansson.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/sha256.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"
#include "storage/network.h"

#define NET_FILE_MAX (1u << 20)

/* ---- addresses ------------------------------------------------------------------------- */

struct cidr {
	int family; /* AF_INET / AF_INET6 */
	uint8_t a[16];
	unsigned prefix;
};

static unsigned addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void cidr_mask(struct cidr *c)
{
	unsigned n = addr_len(c->family);
	for (unsigned i = 0; i < n; i++) {
		unsigned bits = c->prefix > i * 8 ? c->prefix - i * 8 : 0;
		if (bits < 8)
			c->a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static int parse_addr(const char *s, int *family, uint8_t a[16])
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

/* "A/N" -> c (host bits cleared). */
static int parse_cidr(const char *s, struct cidr *c)
{
	const char *slash = strchr(s, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	_cleanup_free_ char *addr = pm_xstrndup(s, (size_t)(slash - s));
	if (parse_addr(addr, &c->family, c->a) < 0)
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long p = strtoul(slash + 1, &end, 10);
	if (errno || *end || slash[1] < '0' || slash[1] > '9' || p > addr_len(c->family) * 8)
		return -EINVAL;
	c->prefix = (unsigned)p;
	cidr_mask(c);
	return 0;
}

static char *addr_str(int family, const uint8_t a[16])
{
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(family, a, buf, sizeof(buf));
	return pm_xstrdup(buf);
}

static char *cidr_str(const struct cidr *c)
{
	_cleanup_free_ char *a = addr_str(c->family, c->a);
	return pm_xasprintf("%s/%u", a, c->prefix);
}

static bool cidr_contains(const struct cidr *c, int family, const uint8_t a[16])
{
	if (family != c->family)
		return false;
	struct cidr x = {.family = family, .prefix = c->prefix};
	memcpy(x.a, a, 16);
	cidr_mask(&x);
	return memcmp(x.a, c->a, 16) == 0;
}

static bool cidr_overlap(const struct cidr *x, const struct cidr *y)
{
	if (x->family != y->family)
		return false;
	return x->prefix <= y->prefix ? cidr_contains(x, y->family, y->a)
				      : cidr_contains(y, x->family, x->a);
}

/* a + n (n small), in place. */
static void addr_add(uint8_t a[16], unsigned len, uint32_t n)
{
	for (int i = (int)len - 1; i >= 0 && n; i--) {
		uint32_t v = a[i] + (n & 0xff);
		a[i] = (uint8_t)v;
		n = (n >> 8) + (v >> 8);
	}
}

/* The last address of c. */
static void cidr_last(const struct cidr *c, uint8_t out[16])
{
	memcpy(out, c->a, 16);
	unsigned n = addr_len(c->family);
	for (unsigned i = 0; i < n; i++) {
		unsigned bits = c->prefix > i * 8 ? c->prefix - i * 8 : 0;
		if (bits < 8)
			out[i] |= (uint8_t)(0xffu >> bits);
	}
}

/* ---- the network object ------------------------------------------------------------------- */

bool pm_network_name_valid(const char *name)
{
	if (!name || !name[0] || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++) {
		char ch = *p;
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');
		if (!alnum && (p == name || (ch != '_' && ch != '.' && ch != '-')))
			return false;
	}
	return true;
}

struct pm_network *pm_network_free(struct pm_network *n)
{
	if (!n)
		return NULL;
	free(n->name);
	free(n->id);
	free(n->driver);
	free(n->interface);
	free(n->created);
	for (size_t i = 0; i < n->nsubnets; i++) {
		free(n->subnets[i].subnet);
		free(n->subnets[i].gateway);
		free(n->subnets[i].lease_start);
		free(n->subnets[i].lease_end);
	}
	free(n->subnets);
	pm_strv_free(n->labels);
	pm_strv_free(n->options);
	free(n->ipam_driver);
	free(n);
	return NULL;
}

struct pm_network **pm_network_list_free(struct pm_network **v)
{
	for (size_t i = 0; v && v[i]; i++)
		pm_network_free(v[i]);
	free(v);
	return NULL;
}

static void set_created(struct pm_network *n, int64_t ns)
{
	char buf[PM_TIME_BUF_LEN];
	pm_time_format_rfc3339nano_local(ns, buf);
	free(n->created);
	n->created = pm_xstrdup(buf);
	n->created_ns = ns;
}

static struct pm_network *default_network(void)
{
	struct pm_network *n = pm_xcalloc(1, sizeof(*n));
	n->name = pm_xstrdup(PM_NETWORK_DEFAULT);
	char hex[2 * PM_SHA256_SIZE + 1];
	pm_sha256_hex(PM_NETWORK_DEFAULT, strlen(PM_NETWORK_DEFAULT), hex);
	n->id = pm_xstrdup(hex);
	n->driver = pm_xstrdup("bridge");
	n->interface = pm_xstrdup("podman0");
	set_created(n, pm_time_now_ns());
	n->subnets = pm_xcalloc(1, sizeof(*n->subnets));
	n->nsubnets = 1;
	n->subnets[0].subnet = pm_xstrdup("10.88.0.0/16");
	n->subnets[0].gateway = pm_xstrdup("10.88.0.1");
	n->ipam_driver = pm_xstrdup("host-local");
	return n;
}

static json_t *kv_object(char *const *kv)
{
	json_t *o = json_object();
	for (size_t i = 0; kv && kv[i]; i++) {
		size_t kl = strcspn(kv[i], "=");
		_cleanup_free_ char *k = pm_xstrndup(kv[i], kl);
		json_object_set_new(o, k, json_string(kv[i][kl] ? kv[i] + kl + 1 : ""));
	}
	return o;
}

static json_t *str_or_empty(const char *s)
{
	json_t *j = json_string(s ? s : "");
	return j ? j : json_string("");
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static json_t *network_json(const struct pm_network *n, enum pm_network_json_kind kind)
{
	json_t *o = json_object();
	bool insp = kind == PM_NETWORK_JSON_INSPECT;
	json_object_set_new(o, insp ? "name" : "Name", str_or_empty(n->name));
	json_object_set_new(o, insp ? "id" : "ID", str_or_empty(n->id));
	json_object_set_new(o, insp ? "driver" : "Driver", str_or_empty(n->driver));
	json_object_set_new(o, insp ? "network_interface" : "NetworkInterface",
			    str_or_empty(n->interface));
	if (insp) {
		json_object_set_new(o, "created", str_or_empty(n->created));
	} else {
		char buf[PM_TIME_BUF_LEN];
		pm_time_format_go_string(n->created_ns, buf);
		json_object_set_new(o, "Created", json_string(buf));
	}
	json_t *subs = json_array();
	for (size_t i = 0; i < n->nsubnets; i++) {
		const struct pm_network_subnet *s = &n->subnets[i];
		json_t *so = json_object();
		json_object_set_new(so, insp ? "subnet" : "Subnet", str_or_empty(s->subnet));
		if (s->gateway || !insp)
			json_object_set_new(so, insp ? "gateway" : "Gateway",
					    str_or_empty(s->gateway));
		if (s->lease_start) {
			json_t *lr = json_object();
			json_object_set_new(lr, insp ? "start_ip" : "StartIP",
					    str_or_empty(s->lease_start));
			json_object_set_new(lr, insp ? "end_ip" : "EndIP",
					    str_or_empty(s->lease_end));
			json_object_set_new(so, insp ? "lease_range" : "LeaseRange", lr);
		}
		json_array_append_new(subs, so);
	}
	json_object_set_new(o, insp ? "subnets" : "Subnets", subs);
	json_object_set_new(o, insp ? "ipv6_enabled" : "IPv6Enabled", json_boolean(n->ipv6));
	json_object_set_new(o, insp ? "internal" : "Internal", json_boolean(n->internal));
	json_object_set_new(o, insp ? "dns_enabled" : "DNSEnabled", json_boolean(n->dns));
	if (insp) {
		if (n->labels && n->labels[0])
			json_object_set_new(o, "labels", kv_object(n->labels));
		if (n->options && n->options[0])
			json_object_set_new(o, "options", kv_object(n->options));
		json_t *ipam = json_object();
		json_object_set_new(ipam, "driver", str_or_empty(n->ipam_driver));
		json_object_set_new(o, "ipam_options", ipam);
	} else {
		if (kind == PM_NETWORK_JSON_LS) {
			/* ls's Labels(): key=value joined by commas, keys sorted */
			_cleanup_strv_ char **sorted = pm_strv_copy(n->labels);
			size_t ln = pm_strv_length(sorted);
			if (ln)
				qsort(sorted, ln, sizeof(char *), cmp_strp);
			_cleanup_strv_ char **full = NULL;
			for (size_t i = 0; i < ln; i++)
				pm_strv_consume(&full, strchr(sorted[i], '=')
							       ? pm_xstrdup(sorted[i])
							       : pm_xasprintf("%s=", sorted[i]));
			_cleanup_free_ char *joined =
				full ? pm_strv_join(full, ",") : pm_xstrdup("");
			json_object_set_new(o, "Labels", str_or_empty(joined));
		} else {
			json_object_set_new(o, "Labels", kv_object(n->labels));
		}
		json_object_set_new(o, "Options", kv_object(n->options));
		json_t *ipam = json_object();
		json_object_set_new(ipam, "driver", str_or_empty(n->ipam_driver));
		json_object_set_new(o, "IPAMOptions", ipam);
	}
	return o;
}

char *pm_network_list_json(struct pm_network *const *nets, enum pm_network_json_kind kind,
			   unsigned indent)
{
	_cleanup_json_ json_t *arr = json_array();
	for (size_t i = 0; nets && nets[i]; i++)
		json_array_append_new(arr, network_json(nets[i], kind));
	char *s = json_dumps(arr, indent ? JSON_INDENT(indent) | JSON_PRESERVE_ORDER
					 : JSON_COMPACT | JSON_PRESERVE_ORDER);
	return s ? s : pm_xstrdup("[]");
}

static char **kv_from_object(const json_t *o)
{
	char **v = NULL;
	const char *k;
	json_t *val;
	json_object_foreach((json_t *)o, k, val) {
		pm_strv_consume(&v,
				pm_xasprintf("%s=%s", k,
					     json_is_string(val) ? json_string_value(val) : ""));
	}
	return v;
}

static int network_from_json(const json_t *j, struct pm_network **ret)
{
	const char *name = pm_json_string(j, "name"), *id = pm_json_string(j, "id");
	if (!name || !id)
		return -EINVAL;
	struct pm_network *n = pm_xcalloc(1, sizeof(*n));
	n->name = pm_xstrdup(name);
	n->id = pm_xstrdup(id);
	n->driver =
		pm_xstrdup(pm_json_string(j, "driver") ? pm_json_string(j, "driver") : "bridge");
	n->interface = pm_xstrdup(pm_json_string(j, "network_interface")
					  ? pm_json_string(j, "network_interface")
					  : "");
	const char *created = pm_json_string(j, "created");
	n->created = pm_xstrdup(created ? created : "");
	int64_t ns = 0;
	int off = 0;
	if (created && pm_time_parse_rfc3339(created, strlen(created), &ns, &off) == 0)
		n->created_ns = ns;
	json_t *subs = json_object_get(j, "subnets");
	size_t i;
	json_t *s;
	n->subnets = pm_xcalloc(json_array_size(subs) + 1, sizeof(*n->subnets));
	json_array_foreach(subs, i, s) {
		struct pm_network_subnet *d = &n->subnets[n->nsubnets++];
		const char *v = pm_json_string(s, "subnet");
		d->subnet = pm_xstrdup(v ? v : "");
		if ((v = pm_json_string(s, "gateway")))
			d->gateway = pm_xstrdup(v);
		json_t *lr = json_object_get(s, "lease_range");
		if (lr && pm_json_string(lr, "start_ip") && pm_json_string(lr, "end_ip")) {
			d->lease_start = pm_xstrdup(pm_json_string(lr, "start_ip"));
			d->lease_end = pm_xstrdup(pm_json_string(lr, "end_ip"));
		}
	}
	n->ipv6 = pm_json_bool(j, "ipv6_enabled", false);
	n->internal = pm_json_bool(j, "internal", false);
	n->dns = pm_json_bool(j, "dns_enabled", false);
	n->labels = kv_from_object(json_object_get(j, "labels"));
	n->options = kv_from_object(json_object_get(j, "options"));
	const char *ipam = pm_json_string(json_object_get(j, "ipam_options"), "driver");
	n->ipam_driver = pm_xstrdup(ipam ? ipam : "host-local");
	*ret = n;
	return 0;
}

/* ---- files ---------------------------------------------------------------------------------- */

static char *networks_dir(const char *root)
{
	const char *env = getenv(PM_NETWORK_CONFIG_DIR_ENV); /* pm --network-config-dir */
	if (env && *env)
		return pm_xstrdup(env);
	return pm_path_join(root, "networks");
}

static int load_file(const char *path, struct pm_network **ret)
{
	_cleanup_json_ json_t *j = NULL;
	_cleanup_error_ pm_error *e = NULL;
	if (pm_json_load_file(path, NET_FILE_MAX, &j, &e) < 0)
		return -ENOENT;
	return network_from_json(j, ret);
}

/* The stored networks (not the default), unsorted; NULL-terminated. */
static struct pm_network **stored_networks(const char *root)
{
	_cleanup_free_ char *dir = networks_dir(root);
	struct pm_network **v = pm_xcalloc(1, sizeof(*v));
	size_t n = 0;
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return v;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		_cleanup_free_ char *path = pm_path_join(dir, de->d_name);
		struct pm_network *net = NULL;
		if (load_file(path, &net) < 0)
			continue;
		v = pm_xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = net;
		v[n] = NULL;
	}
	return v;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((*(struct pm_network *const *)a)->name,
		      (*(struct pm_network *const *)b)->name);
}

int pm_network_list(const char *root, struct pm_network ***ret, pm_error **err)
{
	(void)err;
	struct pm_network **v = stored_networks(root);
	size_t n = 0;
	bool has_default = false;
	for (; v[n]; n++)
		has_default |= strcmp(v[n]->name, PM_NETWORK_DEFAULT) == 0;
	if (!has_default) {
		v = pm_xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = default_network();
		v[n] = NULL;
	}
	qsort(v, n, sizeof(*v), cmp_name);
	*ret = v;
	return 0;
}

int pm_network_load(const char *root, const char *ref, struct pm_network **ret, pm_error **err)
{
	if (ref && pm_network_name_valid(ref)) {
		_cleanup_free_ char *dir = networks_dir(root);
		_cleanup_free_ char *file = pm_xasprintf("%s/%s.json", dir, ref);
		if (load_file(file, ret) == 0)
			return 0;
		if (strcmp(ref, PM_NETWORK_DEFAULT) == 0) {
			*ret = default_network();
			return 0;
		}
	}
	/* a full id or a unique id prefix */
	_cleanup_network_list_ struct pm_network **all = NULL;
	pm_network_list(root, &all, NULL);
	struct pm_network *found = NULL;
	size_t len = ref ? strlen(ref) : 0;
	for (size_t i = 0; len && all[i]; i++) {
		if (strncmp(all[i]->id, ref, len) != 0)
			continue;
		if (found && strlen(ref) < 64)
			return pm_error_set(err, EINVAL, "more than one result for network ID %s",
					    ref);
		found = all[i];
	}
	if (!found)
		return pm_error_set(err, ENOENT,
				    "unable to find network with name or ID %s: network not found",
				    ref ? ref : "");
	for (size_t i = 0; all[i]; i++)
		if (all[i] == found) {
			/* take it out of the list */
			for (size_t k = i; all[k]; k++)
				all[k] = all[k + 1];
			break;
		}
	*ret = found;
	return 0;
}

bool pm_network_exists(const char *root, const char *ref)
{
	_cleanup_network_ struct pm_network *n = NULL;
	return pm_network_load(root, ref, &n, NULL) == 0;
}

int pm_network_remove(const char *root, const char *name, pm_error **err)
{
	if (strcmp(name, PM_NETWORK_DEFAULT) == 0)
		return pm_error_set(err, EPERM, "default network %s cannot be removed", name);
	_cleanup_free_ char *dir = networks_dir(root);
	_cleanup_free_ char *lock = pm_path_join(dir, "netavark.lock");
	_cleanup_close_ int lfd = pm_lock_path(lock, LOCK_EX, NULL);
	_cleanup_free_ char *file = pm_xasprintf("%s/%s.json", dir, name);
	if (unlink(file) < 0) {
		if (errno == ENOENT)
			return pm_error_set(
				err, ENOENT,
				"unable to find network with name or ID %s: network not found",
				name);
		return pm_error_set_errno(err, errno, "removing network %s", name);
	}
	return 0;
}

/* ---- create ------------------------------------------------------------------------------- */

/* podman's default_subnet_pools: base and the size of each subnet taken from it. */
static const struct {
	const char *base;
	unsigned size;
} default_pools[] = {
	{"10.89.0.0/16", 24}, {"10.90.0.0/15", 24}, {"10.92.0.0/14", 24},
	{"10.96.0.0/11", 24}, {"10.128.0.0/9", 24},
};

/* Subnets in use: other networks' and the host's (interface addresses). */
static struct cidr *used_subnets(struct pm_network *const *nets, size_t *ret_n)
{
	struct cidr *v = NULL;
	size_t n = 0;
	for (size_t i = 0; nets && nets[i]; i++)
		for (size_t k = 0; k < nets[i]->nsubnets; k++) {
			struct cidr c;
			if (parse_cidr(nets[i]->subnets[k].subnet, &c) < 0)
				continue;
			v = pm_xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = c;
		}
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) == 0) {
		for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
			if (!p->ifa_addr || !p->ifa_netmask)
				continue;
			int fam = p->ifa_addr->sa_family;
			if (fam != AF_INET && fam != AF_INET6)
				continue;
			struct cidr c = {.family = fam};
			const uint8_t *a, *m;
			if (fam == AF_INET) {
				a = (const uint8_t *)&((struct sockaddr_in *)p->ifa_addr)->sin_addr;
				m = (const uint8_t *)&((struct sockaddr_in *)p->ifa_netmask)
					    ->sin_addr;
			} else {
				a = (const uint8_t *)&((struct sockaddr_in6 *)p->ifa_addr)
					    ->sin6_addr;
				m = (const uint8_t *)&((struct sockaddr_in6 *)p->ifa_netmask)
					    ->sin6_addr;
			}
			memcpy(c.a, a, addr_len(fam));
			for (unsigned i = 0; i < addr_len(fam); i++)
				c.prefix += (unsigned)__builtin_popcount(m[i]);
			if (fam == AF_INET && c.a[0] == 127)
				continue;
			if (fam == AF_INET6 && c.a[0] == 0xfe && (c.a[1] & 0xc0) == 0x80)
				continue; /* link-local */
			cidr_mask(&c);
			v = pm_xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = c;
		}
		freeifaddrs(ifa);
	}
	*ret_n = n;
	return v;
}

static bool overlaps_any(const struct cidr *c, const struct cidr *used, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cidr_overlap(c, &used[i]))
			return true;
	return false;
}

static int free_v4_subnet(const struct cidr *used, size_t nused, struct cidr *ret)
{
	for (size_t p = 0; p < sizeof(default_pools) / sizeof(default_pools[0]); p++) {
		struct cidr pool;
		parse_cidr(default_pools[p].base, &pool);
		unsigned size = default_pools[p].size;
		uint32_t count = 1u << (size - pool.prefix);
		for (uint32_t i = 0; i < count; i++) {
			struct cidr c = pool;
			c.prefix = size;
			addr_add(c.a, 4, i << (32 - size));
			if (!overlaps_any(&c, used, nused)) {
				*ret = c;
				return 0;
			}
		}
	}
	return -ENOSPC;
}

static int random_v6_subnet(const struct cidr *used, size_t nused, struct cidr *ret)
{
	for (int tries = 0; tries < 100; tries++) {
		struct cidr c = {.family = AF_INET6, .prefix = 64};
		c.a[0] = 0xfd;
		if (getrandom(c.a + 1, 7, 0) != 7)
			return -EIO;
		if (!overlaps_any(&c, used, nused)) {
			*ret = c;
			return 0;
		}
	}
	return -ENOSPC;
}

static int check_options(char *const *options, pm_error **err)
{
	for (size_t i = 0; options && options[i]; i++) {
		size_t kl = strcspn(options[i], "=");
		_cleanup_free_ char *k = pm_xstrndup(options[i], kl);
		const char *v = options[i][kl] ? options[i] + kl + 1 : "";
		if (strcmp(k, "mtu") == 0 || strcmp(k, "vlan") == 0) {
			int x;
			if (pm_parse_int(v, &x) < 0)
				return pm_error_set(err, EINVAL,
						    "strconv.Atoi: parsing \"%s\": invalid syntax",
						    v);
			if (x < 0)
				return pm_error_set(err, EINVAL, "%s %d is less than 0", k, x);
		} else if (strcmp(k, "isolate") == 0) {
			if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") &&
			    strcmp(v, "0"))
				return pm_error_set(
					err, EINVAL,
					"strconv.ParseBool: parsing \"%s\": invalid syntax", v);
		} else {
			return pm_error_set(err, EINVAL, "unsupported bridge network option %s", k);
		}
	}
	return 0;
}

/* The checked subnets of opts (no disk): subnets with gateway and lease range. */
static int build_subnets(const struct pm_network_create_opts *o, struct pm_network *n,
			 pm_error **err)
{
	size_t ns = pm_strv_length(o->subnets), ng = pm_strv_length(o->gateways),
	       nr = pm_strv_length(o->ip_ranges);
	if (ns == 0 && (ng || nr))
		return pm_error_set(err, EINVAL, "cannot set gateway or range without subnet");
	if (ng > ns)
		return pm_error_set(err, EINVAL, "cannot set more gateways than subnets");
	if (nr > ns)
		return pm_error_set(err, EINVAL, "cannot set more ranges than subnets");
	n->subnets = pm_xcalloc(ns + 2, sizeof(*n->subnets));
	for (size_t i = 0; i < ns; i++) {
		struct cidr c;
		if (parse_cidr(o->subnets[i], &c) < 0)
			return pm_error_set(err, EINVAL, "invalid CIDR address: %s", o->subnets[i]);
		struct pm_network_subnet *s = &n->subnets[n->nsubnets++];
		s->subnet = cidr_str(&c);
		uint8_t g[16];
		int gf;
		if (i < ng) {
			if (parse_addr(o->gateways[i], &gf, g) < 0)
				return pm_error_set(err, EINVAL,
						    "invalid argument \"%s\" for "
						    "\"--gateway\" flag: invalid string being "
						    "converted to IP address: %s",
						    o->gateways[i], o->gateways[i]);
			if (!cidr_contains(&c, gf, g))
				return pm_error_set(err, EINVAL, "gateway %s not in subnet %s",
						    o->gateways[i], s->subnet);
		} else {
			memcpy(g, c.a, 16);
			addr_add(g, addr_len(c.family), 1);
			gf = c.family;
		}
		s->gateway = addr_str(gf, g);
		if (i < nr) {
			struct cidr r;
			if (parse_cidr(o->ip_ranges[i], &r) < 0)
				return pm_error_set(err, EINVAL, "invalid CIDR address: %s",
						    o->ip_ranges[i]);
			uint8_t first[16], last[16];
			memcpy(first, r.a, 16);
			addr_add(first, addr_len(r.family), 1);
			cidr_last(&r, last);
			_cleanup_free_ char *fs = addr_str(r.family, first);
			_cleanup_free_ char *ls = addr_str(r.family, last);
			if (!cidr_contains(&c, r.family, first))
				return pm_error_set(err, EINVAL,
						    "lease range start ip %s not in subnet %s", fs,
						    s->subnet);
			if (!cidr_contains(&c, r.family, last))
				return pm_error_set(err, EINVAL,
						    "lease range end ip %s not in subnet %s", ls,
						    s->subnet);
			s->lease_start = TAKE_PTR(fs);
			s->lease_end = TAKE_PTR(ls);
		}
		if (c.family == AF_INET6)
			n->ipv6 = true;
	}
	return 0;
}

static char *free_name(struct pm_network *const *nets, const char *prefix, bool iface)
{
	for (unsigned i = iface ? 0 : 1;; i++) {
		_cleanup_free_ char *cand = pm_xasprintf("%s%u", prefix, i);
		bool taken = false;
		for (size_t k = 0; nets[k] && !taken; k++)
			taken = strcmp(iface ? nets[k]->interface : nets[k]->name, cand) == 0;
		if (!taken)
			return TAKE_PTR(cand);
	}
}

int pm_network_create(const char *root, const struct pm_network_create_opts *o,
		      struct pm_network **ret, pm_error **err)
{
	const char *driver = o->driver && o->driver[0] ? o->driver : "bridge";
	if (strcmp(driver, "macvlan") == 0 || strcmp(driver, "ipvlan") == 0)
		return pm_error_set(err, EOPNOTSUPP,
				    "driver %s is not supported by pm: rootless pm networks use "
				    "the bridge driver",
				    driver);
	if (strcmp(driver, "bridge") != 0)
		return pm_error_set(err, EINVAL, "unsupported driver %s: invalid argument", driver);
	if (o->name && o->name[0] && !pm_network_name_valid(o->name))
		return pm_error_set(err, EINVAL,
				    "network name %s invalid: names must match "
				    "[a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument",
				    o->name);
	if (o->ipam_driver && o->ipam_driver[0] && strcmp(o->ipam_driver, "host-local") &&
	    strcmp(o->ipam_driver, "none")) {
		if (strcmp(o->ipam_driver, "dhcp") == 0)
			return pm_error_set(err, EINVAL,
					    "dhcp ipam driver is not yet supported with netavark");
		return pm_error_set(err, EINVAL, "unsupported ipam driver \"%s\"", o->ipam_driver);
	}
	if (check_options(o->options, err) < 0)
		return -EINVAL;
	_cleanup_network_ struct pm_network *n = pm_xcalloc(1, sizeof(*n));
	if (build_subnets(o, n, err) < 0)
		return -EINVAL;
	n->driver = pm_xstrdup(driver);
	n->internal = o->internal;
	n->dns = !o->disable_dns;
	n->ipv6 = n->ipv6 || o->ipv6;
	for (size_t i = 0; o->labels && o->labels[i]; i++)
		pm_strv_set_kv(&n->labels, o->labels[i]);
	for (size_t i = 0; o->options && o->options[i]; i++)
		pm_strv_set_kv(&n->options, o->options[i]);
	n->ipam_driver =
		pm_xstrdup(o->ipam_driver && o->ipam_driver[0] ? o->ipam_driver : "host-local");

	_cleanup_free_ char *dir = networks_dir(root);
	if (pm_mkdir_p(dir, 0700, err) < 0)
		return -errno;
	_cleanup_free_ char *lock = pm_path_join(dir, "netavark.lock");
	_cleanup_close_ int lfd = pm_lock_path(lock, LOCK_EX, err);
	if (lfd < 0)
		return lfd;
	_cleanup_network_list_ struct pm_network **all = NULL;
	pm_network_list(root, &all, NULL);
	if (o->name && o->name[0]) {
		for (size_t i = 0; all[i]; i++) {
			if (strcmp(all[i]->name, o->name) != 0)
				continue;
			if (o->ignore_exists) {
				if (ret) {
					*ret = all[i];
					for (size_t k = i; all[k]; k++)
						all[k] = all[k + 1];
				}
				return 0;
			}
			return pm_error_set(err, EEXIST,
					    "network name %s already used: network already exists",
					    o->name);
		}
		n->name = pm_xstrdup(o->name);
	} else {
		n->name = free_name(all, "podman", false);
	}

	size_t nused = 0;
	_cleanup_free_ struct cidr *used = used_subnets(all, &nused);
	bool have_v4 = false, have_v6 = false;
	for (size_t i = 0; i < n->nsubnets; i++) {
		struct cidr c;
		parse_cidr(n->subnets[i].subnet, &c);
		if (overlaps_any(&c, used, nused))
			return pm_error_set(err, EEXIST,
					    "subnet %s is already used on the host or by another "
					    "config",
					    n->subnets[i].subnet);
		have_v4 |= c.family == AF_INET;
		have_v6 |= c.family == AF_INET6;
	}
	/* an IPv6 --subnet alone is an IPv6-only network; with --ipv6 it gets an IPv4 one
	 * too (podman 4.3) */
	if (!have_v4 && (!have_v6 || o->ipv6)) {
		struct cidr c;
		if (free_v4_subnet(used, nused, &c) < 0)
			return pm_error_set(err, ENOSPC,
					    "could not find free subnet from subnet pools");
		struct pm_network_subnet *s = &n->subnets[n->nsubnets++];
		s->subnet = cidr_str(&c);
		addr_add(c.a, 4, 1);
		s->gateway = addr_str(AF_INET, c.a);
	}
	if (n->ipv6 && !have_v6) {
		struct cidr c;
		if (random_v6_subnet(used, nused, &c) < 0)
			return pm_error_set(err, ENOSPC, "could not find free IPv6 subnet");
		struct pm_network_subnet *s = &n->subnets[n->nsubnets++];
		s->subnet = cidr_str(&c);
		addr_add(c.a, 16, 1);
		s->gateway = addr_str(AF_INET6, c.a);
	}
	n->id = pm_random_id();
	n->interface = free_name(all, "podman", true);
	set_created(n, pm_time_now_ns());

	json_t *one = network_json(n, PM_NETWORK_JSON_INSPECT);
	char *text = json_dumps(one, JSON_INDENT(5) | JSON_PRESERVE_ORDER);
	json_decref(one);
	_cleanup_free_ char *body = pm_xasprintf("%s\n", text ? text : "{}");
	free(text);
	_cleanup_free_ char *file = pm_xasprintf("%s/%s.json", dir, n->name);
	_cleanup_free_ char *tmp = pm_xasprintf("%s/.tmp-%s.json", dir, n->name);
	if (pm_write_file_atomic(tmp, body, strlen(body), 0600, err) < 0)
		return -EIO;
	if (link(tmp, file) < 0) {
		int e = errno;
		unlink(tmp);
		if (e == EEXIST)
			return pm_error_set(err, EEXIST,
					    "network name %s already used: network already exists",
					    n->name);
		return pm_error_set_errno(err, e, "writing network %s", n->name);
	}
	unlink(tmp);
	if (ret)
		*ret = TAKE_PTR(n);
	return 0;
}

/* ---- filters ------------------------------------------------------------------------------ */

struct pm_network_filters {
	regex_t *names;
	size_t nnames;
	char **ids, **drivers, **labels, **nlabels;
	int dangling; /* -1 unset */
	int64_t until_ns;
	bool until;
};

struct pm_network_filters *pm_network_filters_free(struct pm_network_filters *fs)
{
	if (!fs)
		return NULL;
	for (size_t i = 0; i < fs->nnames; i++)
		regfree(&fs->names[i]);
	free(fs->names);
	pm_strv_free(fs->ids);
	pm_strv_free(fs->drivers);
	pm_strv_free(fs->labels);
	pm_strv_free(fs->nlabels);
	free(fs);
	return NULL;
}

int pm_network_filters_parse(char *const *args, bool prune, struct pm_network_filters **ret,
			     pm_error **err)
{
	struct pm_network_filters *fs = pm_xcalloc(1, sizeof(*fs));
	fs->dangling = -1;
	for (size_t i = 0; args && args[i]; i++) {
		const char *a = args[i];
		size_t kl = strcspn(a, "=");
		_cleanup_free_ char *k = pm_xstrndup(a, kl);
		const char *v = a[kl] ? a + kl + 1 : NULL;
		if (!v) {
			pm_network_filters_free(fs);
			return pm_error_set(err, EINVAL, "invalid filter \"%s\"", a);
		}
		bool ok = true;
		if (strcmp(k, "label") == 0) {
			pm_strv_push(&fs->labels, v);
		} else if (strcmp(k, "label!") == 0) {
			pm_strv_push(&fs->nlabels, v);
		} else if (strcmp(k, "until") == 0) {
			int64_t ns = 0, d = 0;
			if (pm_time_parse_duration(v, &d) == 0) {
				ns = pm_time_now_ns() - d;
			} else {
				char *end;
				errno = 0;
				long long s = strtoll(v, &end, 10);
				int off = 0;
				if (!errno && !*end && end != v)
					ns = s * 1000000000LL;
				else if (pm_time_parse_rfc3339(v, strlen(v), &ns, &off) < 0) {
					pm_network_filters_free(fs);
					return pm_error_set(err, EINVAL, "invalid timestamp \"%s\"",
							    v);
				}
			}
			fs->until = true;
			fs->until_ns = ns;
		} else if (prune) {
			ok = false;
		} else if (strcmp(k, "name") == 0) {
			fs->names = pm_xrealloc(fs->names, (fs->nnames + 1) * sizeof(regex_t));
			if (regcomp(&fs->names[fs->nnames], v, REG_EXTENDED | REG_NOSUB) != 0) {
				pm_network_filters_free(fs);
				return pm_error_set(err, EINVAL, "invalid name filter \"%s\"", v);
			}
			fs->nnames++;
		} else if (strcmp(k, "id") == 0) {
			pm_strv_push(&fs->ids, v);
		} else if (strcmp(k, "driver") == 0) {
			pm_strv_push(&fs->drivers, v);
		} else if (strcmp(k, "dangling") == 0) {
			if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
				fs->dangling = 1;
			else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
				fs->dangling = 0;
			else {
				pm_network_filters_free(fs);
				return pm_error_set(err, EINVAL,
						    "invalid dangling filter value \"%s\"", v);
			}
		} else {
			ok = false;
		}
		if (!ok) {
			pm_network_filters_free(fs);
			return pm_error_set(err, EINVAL, "invalid filter \"%s\"", k);
		}
	}
	*ret = fs;
	return 0;
}

bool pm_network_filters_match(const struct pm_network_filters *fs, const struct pm_network *n,
			      bool in_use)
{
	if (!fs)
		return true;
	if (fs->nnames) {
		bool any = false;
		for (size_t i = 0; i < fs->nnames && !any; i++)
			any = regexec(&fs->names[i], n->name, 0, NULL, 0) == 0;
		if (!any)
			return false;
	}
	if (fs->ids) {
		bool any = false;
		for (size_t i = 0; fs->ids[i] && !any; i++)
			any = pm_str_startswith(n->id, fs->ids[i]);
		if (!any)
			return false;
	}
	if (fs->drivers && !pm_strv_contains(fs->drivers, n->driver))
		return false;
	for (size_t i = 0; fs->labels && fs->labels[i]; i++)
		if (!pm_strv_kv_match(n->labels, fs->labels[i]))
			return false;
	for (size_t i = 0; fs->nlabels && fs->nlabels[i]; i++)
		if (pm_strv_kv_match(n->labels, fs->nlabels[i]))
			return false;
	if (fs->dangling >= 0 && (fs->dangling == 1) == in_use)
		return false;
	if (fs->until && n->created_ns > fs->until_ns)
		return false;
	return true;
}

/* ---- addresses for containers ---------------------------------------------------------------- */

int pm_network_pick_addr(const struct pm_network *n, int family, const char *want,
			 char *const *used, char **ret, unsigned *ret_prefix, char **ret_gateway,
			 pm_error **err)
{
	const struct pm_network_subnet *s = NULL;
	struct cidr c;
	for (size_t i = 0; i < n->nsubnets; i++)
		if (parse_cidr(n->subnets[i].subnet, &c) == 0 && c.family == family) {
			s = &n->subnets[i];
			break;
		}
	unsigned len = addr_len(family);
	if (want) {
		uint8_t a[16];
		int f;
		if (parse_addr(want, &f, a) < 0)
			return pm_error_set(err, EINVAL, "invalid IP address '%s'", want);
		/* podman's words for an address of no subnet, the other family's included */
		if (!s || !cidr_contains(&c, f, a))
			return pm_error_set(
				err, EINVAL,
				"requested static ip %s not in any subnet on network %s", want,
				n->name);
	} else if (!s) {
		return pm_error_set(err, EINVAL, "network %s has no %s subnet", n->name,
				    family == AF_INET ? "IPv4" : "IPv6");
	}
	uint8_t gw[16] = {0};
	int gf = family;
	if (s->gateway)
		parse_addr(s->gateway, &gf, gw);
	if (want) {
		uint8_t a[16];
		int f;
		parse_addr(want, &f, a);
		_cleanup_free_ char *canon = addr_str(f, a); /* "fd00::05" is "fd00::5" */
		if (pm_strv_contains(used, canon) || (s->gateway && memcmp(a, gw, len) == 0))
			return pm_error_set(err, EADDRINUSE,
					    "requested ip address %s is already allocated to "
					    "another container on network %s",
					    want, n->name);
		*ret = TAKE_PTR(canon);
	} else {
		uint8_t a[16], last[16];
		memcpy(a, c.a, 16);
		cidr_last(&c, last);
		if (s->lease_start && s->lease_end) {
			int f;
			parse_addr(s->lease_start, &f, a);
			parse_addr(s->lease_end, &f, last);
			/* start one before: the loop adds first */
			for (int i = (int)len - 1; i >= 0; i--) {
				if (a[i]--)
					break;
			}
		}
		*ret = NULL;
		/* the first free one (a used list is short: the loop ends soon even in a /64) */
		for (;;) {
			addr_add(a, len, 1);
			if (memcmp(a, last, len) >= 0)
				break; /* the broadcast address (IPv4) stays free, as podman's */
			if (s->gateway && memcmp(a, gw, len) == 0)
				continue;
			_cleanup_free_ char *cand = addr_str(family, a);
			if (!pm_strv_contains(used, cand)) {
				*ret = TAKE_PTR(cand);
				break;
			}
		}
		if (!*ret)
			return pm_error_set(err, ENOSPC,
					    "IPAM error: failed to find free IP in range: %s",
					    s->subnet);
	}
	if (ret_prefix)
		*ret_prefix = c.prefix;
	if (ret_gateway)
		*ret_gateway = s->gateway ? pm_xstrdup(s->gateway) : NULL;
	return 0;
}

int pm_network_pick_ip(const struct pm_network *n, const char *want, char *const *used, char **ret,
		       unsigned *ret_prefix, char **ret_gateway, pm_error **err)
{
	return pm_network_pick_addr(n, AF_INET, want, used, ret, ret_prefix, ret_gateway, err);
}

bool pm_network_has_family(const struct pm_network *n, int family)
{
	for (size_t i = 0; i < n->nsubnets; i++) {
		struct cidr c;
		if (parse_cidr(n->subnets[i].subnet, &c) == 0 && c.family == family)
			return true;
	}
	return false;
}
