/* hosts.c: --add-host validation and the container's /etc/hosts content, as podman 4.3
 * (containers/common etchosts) writes it. Pure, except pm_net_host_ip() which asks the
 * kernel for the host's addresses. Unit tested in tests/unit/test-net-files.c. Called by
 * cli/engine. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "netslirp/net.h"
#include "netslirp/relay.h"

#define HOST_INTERNAL "host.containers.internal"
#define NL_DUMP_BUF   32768 /* the kernel sends at most a page-sized batch; room to spare */

static bool is_ip(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int pm_net_parse_add_host(const char *spec, char **ret_host, char **ret_ip, pm_error **err)
{
	const char *colon = spec ? strchr(spec, ':') : NULL;
	if (!colon || colon == spec || !colon[1] || strlen(spec) > 1024)
		return pm_error_set(err, EINVAL, "bad format for add-host: '%s'", spec ? spec : "");
	for (const char *c = spec; c < colon; c++)
		if (*c <= ' ' || *c == '#')
			return pm_error_set(err, EINVAL, "bad format for add-host: '%s'", spec);
	if (!is_ip(colon + 1))
		return pm_error_set(err, EINVAL, "invalid IP address in add-host: '%s'", colon + 1);
	if (ret_host)
		*ret_host = pm_xstrndup(spec, (size_t)(colon - spec));
	if (ret_ip)
		*ret_ip = pm_xstrdup(colon + 1);
	return 0;
}

struct entry {
	char *ip;
	char **names;
};

struct table {
	struct entry *e;
	size_t n;
};

static void table_add(struct table *t, const char *ip, char **names /* taken */)
{
	t->e = pm_xrealloc(t->e, (t->n + 1) * sizeof(*t->e));
	t->e[t->n++] = (struct entry){.ip = pm_xstrdup(ip), .names = names};
}

static void table_clear(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].ip);
		pm_strv_free(t->e[i].names);
	}
	free(t->e);
}

static bool table_has(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (pm_strv_contains(t->e[i].names, name))
			return true;
	return false;
}

/* hosts(5) lines: IP name..., '#' starts a comment; lines without a name are skipped. */
static void parse_hosts(const char *text, struct table *t)
{
	_cleanup_strv_ char **lines = pm_strv_split(text, "\n");
	for (char **l = lines; *l; l++) {
		char *hash = strchr(*l, '#');
		if (hash)
			*hash = '\0';
		_cleanup_strv_ char **f = pm_strv_split(*l, " \t\r");
		if (!f[0] || !f[1])
			continue;
		table_add(t, f[0], pm_strv_copy(f + 1));
	}
}

int pm_net_hosts_file(const struct pm_net_config *cfg, const char *hostname, const char *name,
		      const char *base_hosts, const char *host_ip, char **ret, pm_error **err)
{
	*ret = NULL;
	struct table t = {0};
	for (char **a = cfg->add_hosts; a && *a; a++) {
		char *h, *ip;
		if (pm_net_parse_add_host(*a, &h, &ip, err) < 0) {
			table_clear(&t);
			return -EINVAL;
		}
		char **names = NULL;
		pm_strv_consume(&names, h);
		table_add(&t, ip, names);
		free(ip);
	}
	size_t nbase = t.n;
	parse_hosts(base_hosts ? base_hosts : "", &t);
	if (t.n == nbase) {
		char **lo4 = NULL, **lo6 = NULL;
		pm_strv_push(&lo4, "localhost");
		pm_strv_push(&lo6, "localhost");
		table_add(&t, "127.0.0.1", lo4);
		table_add(&t, "::1", lo6);
	}
	if (host_ip && *host_ip && !table_has(&t, HOST_INTERNAL)) {
		char **names = NULL;
		pm_strv_push(&names, HOST_INTERNAL);
		table_add(&t, host_ip, names);
	}

	/* the container's own address */
	char ctr_ip[46] = "";
	switch (cfg->mode) {
	case PM_NET_SLIRP4NETNS:
		if (pm_net_slirp_addrs(cfg, ctr_ip, NULL, NULL, err) < 0) {
			table_clear(&t);
			return -EINVAL;
		}
		break;
	case PM_NET_NONE:
		snprintf(ctr_ip, sizeof(ctr_ip), "127.0.0.1");
		break;
	case PM_NET_PASTA:
		snprintf(ctr_ip, sizeof(ctr_ip), "%s", host_ip ? host_ip : "");
		break;
	case PM_NET_BRIDGE:
		/* a network with only an IPv6 subnet: that address */
		snprintf(ctr_ip, sizeof(ctr_ip), "%s",
			 cfg->bridge_ip	   ? cfg->bridge_ip
			 : cfg->bridge_ip6 ? cfg->bridge_ip6
					   : "");
		break;
	default:
		break;
	}
	if (ctr_ip[0]) {
		char **names = NULL;
		const char *cand[2] = {hostname, name};
		for (int i = 0; i < 2; i++)
			if (cand[i] && *cand[i] && !table_has(&t, cand[i]) &&
			    !pm_strv_contains(names, cand[i]))
				pm_strv_push(&names, cand[i]);
		if (names)
			table_add(&t, ctr_ip, names);
	}

	char *out = pm_xstrdup("");
	for (size_t i = 0; i < t.n; i++) {
		_cleanup_free_ char *j = pm_strv_join(t.e[i].names, " ");
		char *line = pm_xasprintf("%s%s\t%s\n", out, t.e[i].ip, j);
		free(out);
		out = line;
	}
	table_clear(&t);
	*ret = out;
	return 0;
}

/* The address of one RTM_NEWADDR message as getifaddrs' ifa_addr (IFA_LOCAL, else
 * IFA_ADDRESS) in text; false for other messages, the loopback device's and a short one. */
static bool newaddr_text(const struct nlmsghdr *nh, int *family, char *out, size_t len)
{
	if (nh->nlmsg_type != RTM_NEWADDR || nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return false;
	const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	/* the loopback device is always index 1 in its namespace (LOOPBACK_IFINDEX) */
	if (ifa->ifa_index == 1 || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return false;
	size_t alen = ifa->ifa_family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
	const void *local = NULL, *address = NULL;
	int rem = (int)IFA_PAYLOAD(nh);
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, rem); rta = RTA_NEXT(rta, rem)) {
		if (RTA_PAYLOAD(rta) < alen)
			continue;
		if (rta->rta_type == IFA_LOCAL)
			local = RTA_DATA(rta);
		else if (rta->rta_type == IFA_ADDRESS)
			address = RTA_DATA(rta);
	}
	const void *a = local ? local : address;
	*family = ifa->ifa_family;
	return a && inet_ntop(ifa->ifa_family, a, out, (socklen_t)len);
}

int pm_net_host_ip_parse(const void *buf, size_t len, char *v4, size_t v4len, char *v6,
			 size_t v6len)
{
	int rem = len > INT_MAX ? INT_MAX : (int)len;
	for (const struct nlmsghdr *nh = buf; NLMSG_OK(nh, rem); nh = NLMSG_NEXT(nh, rem)) {
		if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR)
			return 1;
		char text[INET6_ADDRSTRLEN];
		int family = 0;
		if (!newaddr_text(nh, &family, text, sizeof(text)))
			continue;
		if (family == AF_INET && !v4[0])
			snprintf(v4, v4len, "%s", text);
		else if (family == AF_INET6 && !v6[0])
			snprintf(v6, v6len, "%s", text);
	}
	return 0;
}

/* One RTM_GETADDR dump (getifaddrs would dump the links first: twice the work, issue #20). */
void pm_net_host_ip(char *buf, size_t len)
{
	char v6[INET6_ADDRSTRLEN] = "";
	buf[0] = '\0';
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return;
	if (pm_relay_addr_dump_request(fd, AF_UNSPEC, 0) < 0)
		return;
	_cleanup_free_ char *msg = pm_xmalloc(NL_DUMP_BUF);
	for (int done = 0; !done;) {
		ssize_t n = recv(fd, msg, NL_DUMP_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done = pm_net_host_ip_parse(msg, (size_t)n, buf, len, v6, sizeof(v6));
	}
	if (!buf[0])
		snprintf(buf, len, "%s", v6);
}
