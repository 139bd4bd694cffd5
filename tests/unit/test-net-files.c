/* test-net-files.c: /etc/resolv.conf and /etc/hosts content. Every expected text below is
 * what podman 4.3.1 (--runtime runc, rootless) wrote for the same host files and flags on
 * the build machine (host /etc/resolv.conf and /etc/hosts bind-mounted for the check). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "netslirp/net.h"

static const char host_resolv[] = "search example.org corp.example\n"
				  "nameserver 127.0.0.53\n"
				  "nameserver 10.255.255.53\n"
				  "nameserver 2001:db8::1\n"
				  "options ndots:2 timeout:1\n";
static const char host_resolv_lo[] = "nameserver 127.0.0.1\nnameserver ::1\n";
static const char host_hosts[] = "# comment\n"
				 "127.0.0.1 localhost\n"
				 "::1 localhost ip6-localhost\n"
				 "10.1.1.1 other\n";

static char *resolv(const char *mode, const char *host, char **dns, char **search, char **opts)
{
	struct pm_net_config c;
	pm_net_config_init(&c);
	assert_int_equal(pm_net_parse_mode(&c, mode, NULL), 0);
	c.dns_servers = pm_strv_copy(dns);
	c.dns_search = pm_strv_copy(search);
	c.dns_options = pm_strv_copy(opts);
	char *out = NULL;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_net_resolv_conf(&c, host, &out, &err) < 0)
		fail_msg("%s", err->msg);
	pm_net_config_clear(&c);
	return out;
}

static void test_resolv_slirp(void **state)
{
	_cleanup_free_ char *a = resolv(NULL, host_resolv, NULL, NULL, NULL);
	assert_string_equal(a, "search example.org corp.example\n"
			       "nameserver 10.0.2.3\n"
			       "nameserver 10.255.255.53\n"
			       "nameserver 2001:db8::1\n"
			       "options ndots:2 timeout:1\n");
	/* only loopback servers on the host: Google's, after slirp's */
	_cleanup_free_ char *b = resolv(NULL, host_resolv_lo, NULL, NULL, NULL);
	assert_string_equal(b, "nameserver 10.0.2.3\n"
			       "nameserver 8.8.8.8\n"
			       "nameserver 8.8.4.4\n"
			       "nameserver 2001:4860:4860::8888\n"
			       "nameserver 2001:4860:4860::8844\n");
	/* this machine's own file */
	_cleanup_free_ char *c = resolv(NULL, "nameserver 10.255.255.53\n", NULL, NULL, NULL);
	assert_string_equal(c, "nameserver 10.0.2.3\nnameserver 10.255.255.53\n");
	/* IPv6 off: IPv6 servers dropped */
	_cleanup_free_ char *d = resolv("slirp4netns:enable_ipv6=false,cidr=10.9.0.0/16",
					host_resolv_lo, NULL, NULL, NULL);
	assert_string_equal(d, "nameserver 10.9.0.3\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
}

static void test_resolv_flags(void **state)
{
	char *dns[] = {"9.9.9.9", NULL}, *search[] = {"ex.com", NULL}, *opts[] = {"ndots:3", NULL};
	_cleanup_free_ char *a = resolv(NULL, host_resolv, dns, search, opts);
	assert_string_equal(a, "search ex.com\nnameserver 9.9.9.9\noptions ndots:3\n");
	/* --dns-search . removes the search line */
	char *dot[] = {".", NULL};
	_cleanup_free_ char *b = resolv(NULL, host_resolv, NULL, dot, NULL);
	assert_string_equal(b, "nameserver 10.0.2.3\n"
			       "nameserver 10.255.255.53\n"
			       "nameserver 2001:db8::1\n"
			       "options ndots:2 timeout:1\n");
}

static void test_resolv_modes(void **state)
{
	/* host: the host's servers as they are (loopback included) */
	_cleanup_free_ char *a = resolv("host", host_resolv, NULL, NULL, NULL);
	assert_string_equal(a, "search example.org corp.example\n"
			       "nameserver 127.0.0.53\n"
			       "nameserver 10.255.255.53\n"
			       "nameserver 2001:db8::1\n"
			       "options ndots:2 timeout:1\n");
	_cleanup_free_ char *b = resolv("none", host_resolv, NULL, NULL, NULL);
	assert_string_equal(b, "");
	/* pasta: host servers filtered, no slirp DNS */
	_cleanup_free_ char *c = resolv("pasta", host_resolv, NULL, NULL, NULL);
	assert_string_equal(c, "search example.org corp.example\n"
			       "nameserver 10.255.255.53\n"
			       "nameserver 2001:db8::1\n"
			       "options ndots:2 timeout:1\n");
	/* no host file at all */
	_cleanup_free_ char *d = resolv(NULL, NULL, NULL, NULL, NULL);
	assert_string_equal(d,
			    "nameserver 10.0.2.3\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n"
			    "nameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844\n");

	struct pm_net_config cfg;
	pm_net_config_init(&cfg);
	assert_int_equal(pm_net_parse_mode(&cfg, "container:x", NULL), 0);
	char *out = NULL;
	assert_int_equal(pm_net_resolv_conf(&cfg, host_resolv, &out, NULL), -EINVAL);
	assert_null(out);
	pm_net_config_clear(&cfg);
}

/* A user-defined network with DNS on: what podman 4.3.1 wrote with a host file of
 * "search example.org corp.example", "nameserver 10.255.255.53", "options ndots:2". */
static void test_resolv_dns_network(void **state)
{
	static const char host[] = "search example.org corp.example\n"
				   "nameserver 10.255.255.53\n"
				   "options ndots:2\n";
	char *one[] = {"10.89.0.1", NULL}, *two[] = {"10.89.0.1", "10.89.1.1", NULL};
	_cleanup_free_ char *base = resolv("d1", host, NULL, NULL, NULL);
	_cleanup_free_ char *a = NULL;
	assert_int_equal(pm_net_resolv_add_network(base, one, false, host, &a), 0);
	assert_string_equal(a, "search dns.podman example.org corp.example\n"
			       "nameserver 10.89.0.1\n"
			       "nameserver 10.255.255.53\n"
			       "options ndots:2\n");
	/* two networks (podman 4.3 repeats dns.podman: once here) */
	_cleanup_free_ char *b = NULL;
	assert_int_equal(pm_net_resolv_add_network(base, two, false, host, &b), 0);
	assert_string_equal(b, "search dns.podman example.org corp.example\n"
			       "nameserver 10.89.0.1\n"
			       "nameserver 10.89.1.1\n"
			       "nameserver 10.255.255.53\n"
			       "options ndots:2\n");
	/* --dns-search: the host's domains after the user's */
	char *search[] = {"foo.com", NULL};
	_cleanup_free_ char *ubase = resolv("d1", host, NULL, search, NULL);
	_cleanup_free_ char *c = NULL;
	assert_int_equal(pm_net_resolv_add_network(ubase, one, true, host, &c), 0);
	assert_string_equal(c, "search foo.com example.org corp.example\n"
			       "nameserver 10.89.0.1\n"
			       "nameserver 10.255.255.53\n"
			       "options ndots:2\n");
	/* this machine's file: no search line of the host's */
	static const char plain[] = "nameserver 10.255.255.53\n";
	_cleanup_free_ char *pbase = resolv("d1", plain, NULL, NULL, NULL);
	_cleanup_free_ char *d = NULL;
	assert_int_equal(pm_net_resolv_add_network(pbase, one, false, plain, &d), 0);
	assert_string_equal(d,
			    "search dns.podman\nnameserver 10.89.0.1\nnameserver 10.255.255.53\n");
	_cleanup_free_ char *ubase2 = resolv("d1", plain, NULL, search, NULL);
	_cleanup_free_ char *e = NULL;
	assert_int_equal(pm_net_resolv_add_network(ubase2, one, true, plain, &e), 0);
	assert_string_equal(e, "search foo.com\nnameserver 10.89.0.1\nnameserver 10.255.255.53\n");
}

static char *hosts(const char *mode, char **add, const char *hostname, const char *name,
		   const char *base, const char *host_ip)
{
	struct pm_net_config c;
	pm_net_config_init(&c);
	assert_int_equal(pm_net_parse_mode(&c, mode, NULL), 0);
	c.add_hosts = pm_strv_copy(add);
	char *out = NULL;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_net_hosts_file(&c, hostname, name, base, host_ip, &out, &err) < 0)
		fail_msg("%s", err->msg);
	pm_net_config_clear(&c);
	return out;
}

static void test_hosts_slirp(void **state)
{
	_cleanup_free_ char *a = hosts(NULL, NULL, "81a8a32d78a6", "c1", host_hosts, "192.0.2.2");
	assert_string_equal(a, "127.0.0.1\tlocalhost\n"
			       "::1\tlocalhost ip6-localhost\n"
			       "10.1.1.1\tother\n"
			       "192.0.2.2\thost.containers.internal\n"
			       "10.0.2.100\t81a8a32d78a6 c1\n");
	/* --add-host first; --hostname */
	char *add[] = {"foo:1.2.3.4", NULL};
	_cleanup_free_ char *b =
		hosts(NULL, add, "hh", "busy_edison",
		      "127.0.0.1 localhost\n127.0.0.1 runsc\n127.0.0.1 vm\n", "192.0.2.2");
	assert_string_equal(b, "1.2.3.4\tfoo\n"
			       "127.0.0.1\tlocalhost\n"
			       "127.0.0.1\trunsc\n"
			       "127.0.0.1\tvm\n"
			       "192.0.2.2\thost.containers.internal\n"
			       "10.0.2.100\thh busy_edison\n");
	/* empty base file: podman's two localhost lines */
	_cleanup_free_ char *c = hosts(NULL, NULL, "e31f79b46ba5", "c1", "", "192.0.2.2");
	assert_string_equal(c, "127.0.0.1\tlocalhost\n"
			       "::1\tlocalhost\n"
			       "192.0.2.2\thost.containers.internal\n"
			       "10.0.2.100\te31f79b46ba5 c1\n");
}

static void test_hosts_existing_names(void **state)
{
	/* names already present are not repeated; host.containers.internal from --add-host;
	 * comments, inline comments and name-less lines dropped */
	char *add[] = {"host.containers.internal:1.1.1.1", "a:2001:db8::5", NULL};
	_cleanup_free_ char *a = hosts(NULL, add, "7230ccc6c417", "c1",
				       "127.0.0.1 localhost # inline\n10.9.9.9 c1 c1alias\n  \n"
				       "10.8.8.8\n",
				       "192.0.2.2");
	assert_string_equal(a, "1.1.1.1\thost.containers.internal\n"
			       "2001:db8::5\ta\n"
			       "127.0.0.1\tlocalhost\n"
			       "10.9.9.9\tc1 c1alias\n"
			       "10.0.2.100\t7230ccc6c417\n");
	/* every name known: no container line */
	_cleanup_free_ char *b = hosts(NULL, NULL, "c1", "c1alias", "10.9.9.9 c1 c1alias\n", NULL);
	assert_string_equal(b, "10.9.9.9\tc1 c1alias\n");
}

static void test_hosts_modes(void **state)
{
	_cleanup_free_ char *a = hosts("none", NULL, "0fa92a64d997", "bold_elgamal",
				       "127.0.0.1 localhost\n", "192.0.2.2");
	assert_string_equal(a, "127.0.0.1\tlocalhost\n"
			       "192.0.2.2\thost.containers.internal\n"
			       "127.0.0.1\t0fa92a64d997 bold_elgamal\n");
	_cleanup_free_ char *b = hosts("host", NULL, "vm", "c1", host_hosts, "192.0.2.2");
	assert_string_equal(b, "127.0.0.1\tlocalhost\n"
			       "::1\tlocalhost ip6-localhost\n"
			       "10.1.1.1\tother\n"
			       "192.0.2.2\thost.containers.internal\n");
	_cleanup_free_ char *c = hosts("pasta", NULL, "abc", "c1", "", "192.0.2.2");
	assert_string_equal(c, "127.0.0.1\tlocalhost\n"
			       "::1\tlocalhost\n"
			       "192.0.2.2\thost.containers.internal\n"
			       "192.0.2.2\tabc c1\n");
	_cleanup_free_ char *d = hosts("slirp4netns:cidr=10.7.0.0/16", NULL, "abc", NULL, NULL, "");
	assert_string_equal(d, "127.0.0.1\tlocalhost\n::1\tlocalhost\n10.7.0.100\tabc\n");
}

/* append one RTM_NEWADDR (family, index, IFA_ADDRESS and optionally IFA_LOCAL) to buf */
static size_t put_addr(char *buf, size_t off, int family, unsigned index, const char *address,
		       const char *local)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)(buf + off);
	memset(nh, 0, NLMSG_SPACE(sizeof(struct ifaddrmsg)));
	nh->nlmsg_type = RTM_NEWADDR;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_index = index;
	const char *vals[2] = {address, local};
	unsigned short types[2] = {IFA_ADDRESS, IFA_LOCAL};
	for (int i = 0; i < 2; i++) {
		if (!vals[i])
			continue;
		struct rtattr *rta =
			(struct rtattr *)(void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
		size_t alen = family == AF_INET ? 4 : 16;
		rta->rta_type = types[i];
		rta->rta_len = (unsigned short)RTA_LENGTH(alen);
		assert_int_equal(inet_pton(family, vals[i], RTA_DATA(rta)), 1);
		nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	}
	return off + NLMSG_ALIGN(nh->nlmsg_len);
}

static void test_host_ip_parse(void **state)
{
	(void)state;
	_Alignas(struct nlmsghdr) char buf[1024] = {0};
	size_t n = put_addr(buf, 0, AF_INET, 1, "127.0.0.1", "127.0.0.1");
	n = put_addr(buf, n, AF_INET6, 2, "fd00::5", NULL);
	char v4[64] = "", v6[64] = "";
	/* no IPv4 yet, the batch does not end the dump */
	assert_int_equal(pm_net_host_ip_parse(buf, n, v4, sizeof(v4), v6, sizeof(v6)), 0);
	assert_string_equal(v4, "");
	assert_string_equal(v6, "fd00::5");
	/* a point-to-point address: IFA_LOCAL is ours, IFA_ADDRESS the peer's (as getifaddrs) */
	n = put_addr(buf, 0, AF_INET, 3, "10.0.0.1", "10.0.0.2");
	n = put_addr(buf, n, AF_INET, 2, "192.0.2.9", NULL);
	struct nlmsghdr *done = (struct nlmsghdr *)(void *)(buf + n);
	*done = (struct nlmsghdr){.nlmsg_len = NLMSG_LENGTH(0), .nlmsg_type = NLMSG_DONE};
	n += NLMSG_ALIGN(done->nlmsg_len);
	assert_int_equal(pm_net_host_ip_parse(buf, n, v4, sizeof(v4), v6, sizeof(v6)), 1);
	assert_string_equal(v4, "10.0.0.2");
	assert_string_equal(v6, "fd00::5");
	/* a short message is skipped, not read past */
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *s = (struct nlmsghdr *)(void *)buf;
	*s = (struct nlmsghdr){.nlmsg_len = NLMSG_LENGTH(2), .nlmsg_type = RTM_NEWADDR};
	v4[0] = v6[0] = '\0';
	assert_int_equal(pm_net_host_ip_parse(buf, NLMSG_ALIGN(s->nlmsg_len), v4, sizeof(v4), v6,
					      sizeof(v6)),
			 0);
	assert_string_equal(v4, "");
}

/* what podman 4.3 takes (getifaddrs: the first non-loopback IPv4, else IPv6) */
static void getifaddrs_host_ip(char *buf, size_t len)
{
	struct ifaddrs *ifa = NULL;
	char v6[INET6_ADDRSTRLEN] = "";
	buf[0] = '\0';
	assert_int_equal(getifaddrs(&ifa), 0);
	for (struct ifaddrs *i = ifa; i && !buf[0]; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
				  buf, (socklen_t)len);
		else if (i->ifa_addr->sa_family == AF_INET6 && !v6[0])
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, v6,
				  sizeof(v6));
	}
	if (!buf[0])
		snprintf(buf, len, "%s", v6);
	freeifaddrs(ifa);
}

static void test_host_facts(void **state)
{
	char ip[64], want[64];
	pm_net_host_ip(ip, sizeof(ip));
	assert_true(strcmp(ip, "127.0.0.1") != 0);
	/* the one-dump lookup agrees with getifaddrs on this machine */
	getifaddrs_host_ip(want, sizeof(want));
	assert_string_equal(ip, want);
	_cleanup_free_ char *r = NULL;
	assert_int_equal(pm_net_read_host_resolv(&r, NULL), 0);
	assert_non_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolv_slirp),	     cmocka_unit_test(test_resolv_flags),
		cmocka_unit_test(test_resolv_modes),	     cmocka_unit_test(test_hosts_slirp),
		cmocka_unit_test(test_hosts_existing_names), cmocka_unit_test(test_hosts_modes),
		cmocka_unit_test(test_host_ip_parse),	     cmocka_unit_test(test_host_facts),
		cmocka_unit_test(test_resolv_dns_network),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
