/* ports.c: -p/--publish and -P parsing into struct pm_net_port, and the port texts of
 * inspect (JSON), ps and `pm port`. Pure functions, no I/O; unit tested in
 * tests/unit/test-net-ports.c. Called by cli/engine (parsing, output) and lifetime.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/json.h"
#include "lib/strutil.h"
#include "netslirp/net.h"

static const char *const proto_names[] = {"tcp", "udp", "sctp"};

static const char *proto_name(int proto)
{
	return proto >= 0 && proto < (int)ARRAY_SIZE(proto_names) ? proto_names[proto] : "tcp";
}

static int parse_proto(const char *s, int *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++)
		if (strcasecmp(s, proto_names[i]) == 0) {
			*ret = (int)i;
			return 0;
		}
	return -EINVAL;
}

/* One port number as podman checks it; what = "host" or "container". */
static int parse_one_port(const char *s, const char *what, uint16_t *ret, pm_error **err)
{
	if (*s == '-')
		return pm_error_set(err, EINVAL, "parsing %s port: port numbers cannot be negative",
				    what);
	uint64_t v;
	if (pm_parse_uint64(s, &v) < 0)
		return pm_error_set(err, EINVAL, "parsing %s port: invalid port number '%s'", what,
				    s);
	if (v < 1 || v > 65535)
		return pm_error_set(err, EINVAL,
				    "parsing %s port: port numbers must be between 1 and 65535 "
				    "(inclusive), got %llu",
				    what, (unsigned long long)v);
	*ret = (uint16_t)v;
	return 0;
}

/* "A" or "A-B" -> start and length. */
static int parse_range(const char *s, const char *what, uint16_t *ret_start, uint16_t *ret_len,
		       pm_error **err)
{
	if (*s == '-')
		return parse_one_port(s, what, ret_start, err);
	const char *dash = strchr(s, '-');
	if (!dash) {
		if (parse_one_port(s, what, ret_start, err) < 0)
			return -EINVAL;
		*ret_len = 1;
		return 0;
	}
	_cleanup_free_ char *a = pm_xstrndup(s, (size_t)(dash - s));
	if (!dash[1])
		return pm_error_set(err, EINVAL,
				    "parsing %s port: must provide ending number for port range",
				    what);
	uint16_t start, end;
	if (parse_one_port(a, what, &start, err) < 0 ||
	    parse_one_port(dash + 1, what, &end, err) < 0)
		return -EINVAL;
	if (end <= start)
		return pm_error_set(err, EINVAL,
				    "parsing %s port: the end port of a range must be higher than "
				    "the start port - %u is not higher than %u",
				    what, end, start);
	*ret_start = start;
	*ret_len = (uint16_t)(end - start + 1);
	return 0;
}

static bool is_ip(const char *s, int *ret_family)
{
	unsigned char buf[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, s, buf) == 1) {
		if (ret_family)
			*ret_family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		if (ret_family)
			*ret_family = AF_INET6;
		return true;
	}
	return false;
}

static void push_port(struct pm_net_port **ports, size_t *n, const struct pm_net_port *p)
{
	*ports = pm_xrealloc(*ports, (*n + 1) * sizeof(**ports));
	(*ports)[(*n)++] = *p;
}

int pm_net_parse_publish(const char *spec, struct pm_net_port **ports, size_t *nports,
			 pm_error **err)
{
	static const char format_msg[] =
		"invalid port format '%s' - format is [[hostIP:]hostPort:]containerPort";
	struct pm_net_port p = {.range = 1, .proto = PM_NET_TCP};

	if (!spec || !*spec)
		return pm_error_set(err, EINVAL, "must provide a non-empty port to publish");
	if (strlen(spec) > 256)
		return pm_error_set(err, EINVAL, "invalid port format: too long");
	_cleanup_free_ char *s = pm_xstrdup(spec);

	/* protocol */
	char *slash = strchr(s, '/');
	if (slash) {
		*slash = '\0';
		const char *proto = slash + 1;
		if (strchr(proto, '/'))
			return pm_error_set(err, EINVAL,
					    "invalid port format '%s' - protocol can only be "
					    "specified once",
					    spec);
		if (parse_proto(proto, &p.proto) < 0)
			return pm_error_set(err, EINVAL,
					    "unrecognized protocol '%s' in port mapping '%s'",
					    proto, spec);
	}

	/* host IP: "[v6]:" prefix, or an IPv4 when there are two colons */
	char *rest = s;
	if (*rest == '[') {
		char *close = strchr(rest, ']');
		if (!close || close[1] != ':')
			return pm_error_set(err, EINVAL, format_msg, spec);
		*close = '\0';
		int family;
		if (!is_ip(rest + 1, &family) || family != AF_INET6)
			return pm_error_set(err, EINVAL, "cannot parse '%s' as an IP address",
					    rest + 1);
		snprintf(p.host_ip, sizeof(p.host_ip), "%s", rest + 1);
		rest = close + 2;
		if (!strchr(rest, ':'))
			return pm_error_set(err, EINVAL, format_msg, spec);
	} else {
		size_t colons = 0;
		for (const char *c = rest; *c; c++)
			colons += *c == ':';
		if (colons > 2)
			return pm_error_set(err, EINVAL, format_msg, spec);
		if (colons == 2) {
			char *c = strchr(rest, ':');
			*c = '\0';
			if (*rest) {
				int family;
				if (!is_ip(rest, &family) || family != AF_INET)
					return pm_error_set(err, EINVAL,
							    "cannot parse '%s' as an IP address",
							    rest);
				snprintf(p.host_ip, sizeof(p.host_ip), "%s", rest);
			}
			rest = c + 1;
		}
	}
	/* 0.0.0.0 and :: are "all addresses" */
	if (strcmp(p.host_ip, "0.0.0.0") == 0)
		p.host_ip[0] = '\0';

	/* [HOSTPORT:]CTRPORT */
	char *hostpart = NULL, *ctrpart = rest;
	char *colon = strchr(rest, ':');
	if (colon) {
		*colon = '\0';
		hostpart = rest;
		ctrpart = colon + 1;
	}
	if (!*ctrpart)
		return pm_error_set(err, EINVAL,
				    "must provide a non-empty container port to publish in '%s'",
				    spec);
	uint16_t ctr_len = 1, host_len = 1;
	if (parse_range(ctrpart, "container", &p.ctr_port, &ctr_len, err) < 0)
		return pm_error_prefix(err, "publishing '%s'", spec);
	if (hostpart && *hostpart && strcmp(hostpart, "0") != 0) {
		if (parse_range(hostpart, "host", &p.host_port, &host_len, err) < 0)
			return pm_error_prefix(err, "publishing '%s'", spec);
		if (host_len != ctr_len)
			return pm_error_set(
				err, EINVAL,
				"host and container port ranges have different lengths: "
				"%u vs %u in '%s'",
				host_len, ctr_len, spec);
		if ((unsigned)p.host_port + host_len - 1 > 65535)
			return pm_error_set(err, EINVAL, "port range too large in '%s'", spec);
	}
	if ((unsigned)p.ctr_port + ctr_len - 1 > 65535)
		return pm_error_set(err, EINVAL, "port range too large in '%s'", spec);
	p.range = ctr_len;
	push_port(ports, nports, &p);
	return 0;
}

static bool is_published(const struct pm_net_port *ports, size_t n, uint16_t port, int proto)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i].proto == proto && port >= ports[i].ctr_port &&
		    port < ports[i].ctr_port + ports[i].range)
			return true;
	return false;
}

int pm_net_publish_expose(char *const *expose, struct pm_net_port **ports, size_t *nports,
			  pm_error **err)
{
	size_t given = *nports;
	for (size_t i = 0; expose && expose[i]; i++) {
		_cleanup_free_ char *s = pm_xstrdup(expose[i]);
		int proto = PM_NET_TCP;
		char *slash = strchr(s, '/');
		if (slash) {
			*slash = '\0';
			if (parse_proto(slash + 1, &proto) < 0)
				return pm_error_set(
					err, EINVAL,
					"unrecognized protocol '%s' in exposed port '%s'",
					slash + 1, expose[i]);
		}
		uint16_t start, len = 1;
		if (parse_range(s, "exposed", &start, &len, err) < 0)
			return pm_error_prefix(err, "image EXPOSE '%s'", expose[i]);
		for (uint32_t port = start; port < (uint32_t)start + len; port++) {
			if (is_published(*ports, given, (uint16_t)port, proto) ||
			    is_published(*ports + given, *nports - given, (uint16_t)port, proto))
				continue;
			struct pm_net_port p = {
				.ctr_port = (uint16_t)port, .range = 1, .proto = proto};
			push_port(ports, nports, &p);
		}
	}
	return 0;
}

char *pm_net_port_format(const struct pm_net_port *p)
{
	char ip[64] = "";
	if (p->host_ip[0])
		snprintf(ip, sizeof(ip), strchr(p->host_ip, ':') ? "[%s]:" : "%s:", p->host_ip);
	if (p->range > 1) {
		if (p->host_port)
			return pm_xasprintf("%s%u-%u:%u-%u/%s", ip, p->host_port,
					    p->host_port + p->range - 1, p->ctr_port,
					    p->ctr_port + p->range - 1, proto_name(p->proto));
		return pm_xasprintf("%s0:%u-%u/%s", ip, p->ctr_port, p->ctr_port + p->range - 1,
				    proto_name(p->proto));
	}
	return pm_xasprintf("%s%u:%u/%s", ip, p->host_port, p->ctr_port, proto_name(p->proto));
}

/* ---- output ---- */

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *pm_net_ports_json(const struct pm_net_port *ports, size_t n)
{
	_cleanup_json_ json_t *tmp = json_object();
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < ports[i].range; k++) {
			char key[32], hp[8];
			snprintf(key, sizeof(key), "%u/%s", ports[i].ctr_port + k,
				 proto_name(ports[i].proto));
			snprintf(hp, sizeof(hp), "%u",
				 ports[i].host_port ? ports[i].host_port + k : 0);
			json_t *arr = json_object_get(tmp, key);
			if (!arr) {
				arr = json_array();
				json_object_set_new(tmp, key, arr);
			}
			json_array_append_new(arr, json_pack("{s:s, s:s}", "HostIp",
							     ports[i].host_ip, "HostPort", hp));
		}
	/* Go sorts map keys bytewise: rebuild in that order (insertion order is kept). */
	size_t nkeys = json_object_size(tmp), j = 0;
	_cleanup_free_ const char **keys = pm_xcalloc(nkeys + 1, sizeof(char *));
	const char *key;
	json_t *val;
	json_object_foreach(tmp, key, val)
		keys[j++] = key;
	qsort(keys, nkeys, sizeof(char *), key_cmp);
	_cleanup_json_ json_t *out = json_object();
	for (j = 0; j < nkeys; j++)
		json_object_set(out, keys[j], json_object_get(tmp, keys[j]));
	char *s = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s)
		abort();
	return s;
}

static const char *display_ip(const struct pm_net_port *p)
{
	return p->host_ip[0] ? p->host_ip : "0.0.0.0";
}

char *pm_net_ports_ps(const struct pm_net_port *ports, size_t n)
{
	_cleanup_strv_ char **parts = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct pm_net_port *p = &ports[i];
		if (p->range > 1)
			pm_strv_consume(&parts,
					pm_xasprintf("%s:%u-%u->%u-%u/%s", display_ip(p),
						     p->host_port, p->host_port + p->range - 1,
						     p->ctr_port, p->ctr_port + p->range - 1,
						     proto_name(p->proto)));
		else
			pm_strv_consume(&parts,
					pm_xasprintf("%s:%u->%u/%s", display_ip(p), p->host_port,
						     p->ctr_port, proto_name(p->proto)));
	}
	return parts ? pm_strv_join(parts, ", ") : pm_xstrdup("");
}

int pm_net_port_lines(const struct pm_net_port *ports, size_t n, const char *filter, char **ret,
		      pm_error **err)
{
	uint16_t want = 0;
	int want_proto = PM_NET_TCP;
	*ret = NULL;
	if (filter) {
		_cleanup_free_ char *f = pm_xstrdup(filter);
		char *slash = strchr(f, '/');
		if (slash) {
			*slash = '\0';
			if (parse_proto(slash + 1, &want_proto) < 0)
				return pm_error_set(err, EINVAL,
						    "unrecognized protocol '%s' in '%s'", slash + 1,
						    filter);
		}
		uint64_t v;
		if (pm_parse_uint64(f, &v) < 0 || v < 1 || v > 65535)
			return pm_error_set(err, EINVAL, "invalid port '%s'", filter);
		want = (uint16_t)v;
	}
	size_t cap = 1, len = 0;
	char *out = pm_xcalloc(1, 1);
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < ports[i].range; k++) {
			const struct pm_net_port *p = &ports[i];
			unsigned ctr = p->ctr_port + k, host = p->host_port ? p->host_port + k : 0;
			if (filter && (ctr != want || p->proto != want_proto))
				continue;
			_cleanup_free_ char *line =
				filter ? pm_xasprintf("%s:%u\n", display_ip(p), host)
				       : pm_xasprintf("%u/%s -> %s:%u\n", ctr, proto_name(p->proto),
						      display_ip(p), host);
			size_t l = strlen(line);
			if (len + l + 1 > cap) {
				cap = (len + l + 1) * 2;
				out = pm_xrealloc(out, cap);
			}
			memcpy(out + len, line, l + 1);
			len += l;
		}
	if (filter && len == 0) {
		free(out);
		return pm_error_set(err, ENOENT, "failed to find published port '%s'", filter);
	}
	*ret = out;
	return 0;
}
