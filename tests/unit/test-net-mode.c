/* test-net-mode.c: --network parsing and options, cross-flag checks, --dns/--dns-search/
 * --dns-option/--add-host validation, slirp4netns address plan, pasta's command line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "netslirp/net.h"
#include "netslirp/pasta.h"

static void mode_bad(const char *value, int code, const char *msg)
{
	struct pm_net_config c;
	pm_net_config_init(&c);
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_net_parse_mode(&c, value, &err), -code);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("'%s': got '%s', want '%s'", value, err->msg, msg);
	pm_net_config_clear(&c);
}

static void test_defaults(void **state)
{
	const char *defaults[] = {NULL, "", "private", "slirp4netns"};
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		struct pm_net_config c;
		pm_net_config_init(&c);
		assert_int_equal(pm_net_parse_mode(&c, defaults[i], NULL), 0);
		assert_int_equal(c.mode, PM_NET_SLIRP4NETNS);
		assert_int_equal(c.mtu, 65520);
		assert_true(c.enable_ipv6);
		assert_false(c.allow_host_loopback);
		assert_null(c.cidr);
		assert_string_equal(pm_net_mode_name(&c), "slirp4netns");
		pm_net_config_clear(&c);
	}
}

static void test_slirp_options(void **state)
{
	struct pm_net_config c;
	pm_net_config_init(&c);
	assert_int_equal(
		pm_net_parse_mode(&c,
				  "slirp4netns:allow_host_loopback=true,mtu=1500,"
				  "port_handler=rootlesskit,enable_ipv6=false,cidr=10.5.0.0/"
				  "16,outbound_addr=eth0,outbound_addr6=::1",
				  NULL),
		0);
	assert_true(c.allow_host_loopback);
	assert_int_equal(c.mtu, 1500);
	assert_int_equal(c.port_handler, PM_NET_PORT_HANDLER_ROOTLESSKIT);
	assert_false(c.enable_ipv6);
	assert_string_equal(c.cidr, "10.5.0.0/16");
	assert_string_equal(c.outbound_addr, "eth0");
	assert_string_equal(c.outbound_addr6, "::1");
	char ctr[16], gw[16], dns[16];
	assert_int_equal(pm_net_slirp_addrs(&c, ctr, gw, dns, NULL), 0);
	assert_string_equal(ctr, "10.5.0.100");
	assert_string_equal(gw, "10.5.0.2");
	assert_string_equal(dns, "10.5.0.3");
	/* a later --network replaces everything */
	assert_int_equal(pm_net_parse_mode(&c, "slirp4netns", NULL), 0);
	assert_null(c.cidr);
	assert_false(c.allow_host_loopback);
	assert_int_equal(c.mtu, 65520);
	assert_int_equal(pm_net_slirp_addrs(&c, ctr, gw, dns, NULL), 0);
	assert_string_equal(ctr, "10.0.2.100");
	assert_string_equal(gw, "10.0.2.2");
	assert_string_equal(dns, "10.0.2.3");
	/* cidr host bits are masked */
	assert_int_equal(pm_net_parse_mode(&c, "slirp4netns:cidr=192.168.7.9/24", NULL), 0);
	assert_int_equal(pm_net_slirp_addrs(&c, ctr, NULL, NULL, NULL), 0);
	assert_string_equal(ctr, "192.168.7.100");
	pm_net_config_clear(&c);
}

static void test_user_network(void **state)
{
	(void)state;
	struct pm_net_config c;
	pm_net_config_init(&c);
	assert_int_equal(pm_net_parse_mode(&c, "web", NULL), 0);
	assert_int_equal(c.mode, PM_NET_BRIDGE);
	assert_string_equal(c.bridge_net, "web");
	assert_null(c.bridge_ip_req);
	assert_string_equal(pm_net_mode_name(&c), "web");
	assert_int_equal(pm_net_parse_mode(&c, "web:ip=10.89.0.5,mac=02:00:00:00:00:01", NULL), 0);
	assert_string_equal(c.bridge_ip_req, "10.89.0.5");
	assert_string_equal(c.bridge_mac_req, "02:00:00:00:00:01");
	assert_null(c.bridge_ip6_req);
	/* ip6= with ip=: both kept */
	assert_int_equal(pm_net_parse_mode(&c, "web:ip6=fd00:1::5,ip=10.89.0.6", NULL), 0);
	assert_string_equal(c.bridge_ip6_req, "fd00:1::5");
	assert_string_equal(c.bridge_ip_req, "10.89.0.6");
	/* TCP and UDP ports go through the port relay; sctp is refused */
	assert_int_equal(pm_net_parse_publish("8080:80", &c.ports, &c.nports, NULL), 0);
	assert_int_equal(pm_net_config_check(&c, NULL), 0);
	assert_int_equal(pm_net_parse_publish("5353:53/udp", &c.ports, &c.nports, NULL), 0);
	assert_int_equal(pm_net_config_check(&c, NULL), 0);
	assert_int_equal(pm_net_parse_publish("9999:99/sctp", &c.ports, &c.nports, NULL), 0);
	pm_error *err = NULL;
	assert_int_equal(pm_net_config_check(&c, &err), -EOPNOTSUPP);
	assert_string_equal(err->msg, "publishing port 99/sctp: sctp is not supported by "
				      "rootless networking (web)");
	pm_error_free(err);
	/* alias= adds a name */
	assert_int_equal(pm_net_parse_mode(&c, "web:alias=a,alias=b", NULL), 0);
	assert_int_equal(pm_strv_length(c.bridge_aliases), 2);
	pm_net_config_clear(&c);
}

static void test_other_modes(void **state)
{
	struct pm_net_config c;
	pm_net_config_init(&c);
	assert_int_equal(pm_net_parse_mode(&c, "none", NULL), 0);
	assert_int_equal(c.mode, PM_NET_NONE);
	assert_int_equal(pm_net_parse_mode(&c, "host", NULL), 0);
	assert_int_equal(c.mode, PM_NET_HOST);
	assert_int_equal(pm_net_parse_mode(&c, "container:web", NULL), 0);
	assert_int_equal(c.mode, PM_NET_CONTAINER);
	assert_string_equal(c.container, "web");
	assert_int_equal(pm_net_parse_mode(&c, "pasta", NULL), 0);
	assert_int_equal(c.mode, PM_NET_PASTA);
	assert_null(c.container);
	assert_null(c.pasta_args[0]);
	assert_int_equal(pm_net_parse_mode(&c, "pasta:-t,8080,--mtu,1500", NULL), 0);
	assert_string_equal(c.pasta_args[0], "-t");
	assert_string_equal(c.pasta_args[1], "8080");
	assert_string_equal(c.pasta_args[3], "1500");
	assert_null(c.pasta_args[4]);
	pm_net_config_clear(&c);
}

static void test_mode_errors(void **state)
{
	mode_bad("f@o", ENOENT, "unable to find network with name or ID f@o: network not found");
	mode_bad("web:ip=1.2.3", EINVAL, "invalid IP address '1.2.3' for network web");
	mode_bad("web:ip6=zz", EINVAL, "invalid option for network web: invalid ip address \"zz\"");
	mode_bad("web:ip6=fd00::1::2", EINVAL,
		 "invalid option for network web: invalid ip address \"fd00::1::2\"");
	mode_bad("web:bogus=1", EINVAL, "unknown bridge network option 'bogus=1'");
	mode_bad("bridge", EOPNOTSUPP,
		 "network mode 'bridge' is not supported by pm (use slirp4netns, pasta, none, "
		 "host or container:ID)");
	mode_bad("none:x", EINVAL, "invalid option for network none: 'x'");
	mode_bad("host:x", EINVAL, "invalid option for network host: 'x'");
	mode_bad("container:", EINVAL,
		 "invalid config provided: namespace mode container requires a value");
	mode_bad("slirp4netns:bogus=1", EINVAL, "slirp4netns option 'bogus' is not supported");
	mode_bad("slirp4netns:mtu", EINVAL, "invalid option for slirp4netns: 'mtu' (KEY=VALUE)");
	mode_bad("slirp4netns:mtu=abc", EINVAL,
		 "invalid value of mtu for slirp4netns: 'abc' (68 to 65521)");
	mode_bad("slirp4netns:mtu=70000", EINVAL,
		 "invalid value of mtu for slirp4netns: '70000' (68 to 65521)");
	mode_bad("slirp4netns:allow_host_loopback=yes", EINVAL,
		 "invalid value of allow_host_loopback for slirp4netns: 'yes' (true or false)");
	mode_bad("slirp4netns:enable_ipv6=1", EINVAL,
		 "invalid value of enable_ipv6 for slirp4netns: '1' (true or false)");
	mode_bad("slirp4netns:port_handler=x", EINVAL,
		 "unknown port_handler for slirp4netns: 'x' (slirp4netns or rootlesskit)");
	mode_bad("slirp4netns:cidr=10.0.3.0/26", EINVAL,
		 "invalid value of cidr for slirp4netns: '10.0.3.0/26' (an IPv4 network A.B.C.D/N "
		 "with N at most 25)");
	mode_bad("slirp4netns:cidr=fd00::/64", EINVAL,
		 "invalid value of cidr for slirp4netns: 'fd00::/64' (an IPv4 network A.B.C.D/N "
		 "with N at most 25)");
	mode_bad("slirp4netns:outbound_addr=1.2.3.4.5", EINVAL,
		 "invalid value of outbound_addr for slirp4netns: '1.2.3.4.5' (an IPv4 address or "
		 "an interface name)");
}

static void test_config_check(void **state)
{
	struct pm_net_config c;
	pm_net_config_init(&c);
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
	assert_int_equal(pm_net_parse_mode(&c, "none", NULL), 0);
	pm_strv_push(&c.dns_search, "example.com");
	assert_int_equal(pm_net_config_check(&c, &e1), -EINVAL);
	assert_string_equal(e1->msg, "conflicting options: dns and the network mode: none");
	assert_int_equal(pm_net_parse_mode(&c, "container:x", NULL), 0);
	assert_int_equal(pm_net_config_check(&c, &e2), -EINVAL);
	assert_string_equal(e2->msg, "conflicting options: dns and the network mode: container");
	assert_int_equal(pm_net_parse_mode(&c, "host", NULL), 0);
	assert_int_equal(pm_net_config_check(&c, NULL), 0);

	/* ports with host: dropped, caller warns */
	assert_int_equal(pm_net_parse_publish("8080:80", &c.ports, &c.nports, NULL), 0);
	assert_int_equal(pm_net_config_check(&c, NULL), 1);
	assert_int_equal(c.nports, 0);
	assert_null(c.ports);

	assert_int_equal(pm_net_parse_mode(&c, "slirp4netns", NULL), 0);
	assert_int_equal(pm_net_parse_publish("8080:80/sctp", &c.ports, &c.nports, NULL), 0);
	assert_int_equal(pm_net_config_check(&c, &e3), -EOPNOTSUPP);
	assert_string_equal(e3->msg, "publishing port 80/sctp: sctp is not supported by rootless "
				     "networking (slirp4netns)");
	pm_net_config_clear(&c);

	pm_net_config_init(&c);
	c.no_hosts = true;
	pm_strv_push(&c.add_hosts, "a:1.1.1.1");
	assert_int_equal(pm_net_config_check(&c, &e4), -EINVAL);
	assert_string_equal(e4->msg, "--no-hosts and --add-host cannot be set together");
	pm_net_config_clear(&c);
}

static void test_validators(void **state)
{
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL,
				 *e6 = NULL, *e7 = NULL;
	assert_int_equal(pm_net_validate_dns("9.9.9.9", NULL), 0);
	assert_int_equal(pm_net_validate_dns("2001:db8::1", NULL), 0);
	assert_int_equal(pm_net_validate_dns("foo", &e1), -EINVAL);
	assert_string_equal(e1->msg, "'foo' is not an ip address");
	assert_int_equal(pm_net_validate_dns("1.2.3.4.5", NULL), -EINVAL);

	const char *good[] = {"example.com", "a", "a-b.c1.", ".", "x.y.z"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (pm_net_validate_dns_search(good[i], NULL) < 0)
			fail_msg("'%s' refused", good[i]);
	const char *bad[] = {"bad..x", "", "-a.com", "a-.com", ".a", "a b", "a_b.com", ".."};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (pm_net_validate_dns_search(bad[i], NULL) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(pm_net_validate_dns_search("bad..x", &e2), -EINVAL);
	assert_string_equal(e2->msg, "'bad..x' is not a valid domain");

	assert_int_equal(pm_net_validate_dns_option("ndots:3", NULL), 0);
	assert_int_equal(pm_net_validate_dns_option("bad opt", &e3), -EINVAL);
	assert_string_equal(e3->msg, "invalid DNS option 'bad opt': blank or control character");
	assert_int_equal(pm_net_validate_dns_option("", NULL), -EINVAL);

	_cleanup_free_ char *h = NULL, *ip = NULL, *h6 = NULL, *ip6 = NULL;
	assert_int_equal(pm_net_parse_add_host("foo:1.2.3.4", &h, &ip, NULL), 0);
	assert_string_equal(h, "foo");
	assert_string_equal(ip, "1.2.3.4");
	assert_int_equal(pm_net_parse_add_host("a:2001:db8::5", &h6, &ip6, NULL), 0);
	assert_string_equal(h6, "a");
	assert_string_equal(ip6, "2001:db8::5");
	assert_int_equal(pm_net_parse_add_host("foo_bar:1.2.3.4", NULL, NULL, NULL), 0);
	assert_int_equal(pm_net_parse_add_host("foo", NULL, NULL, &e4), -EINVAL);
	assert_string_equal(e4->msg, "bad format for add-host: 'foo'");
	assert_int_equal(pm_net_parse_add_host(":1.2.3.4", NULL, NULL, &e5), -EINVAL);
	assert_string_equal(e5->msg, "bad format for add-host: ':1.2.3.4'");
	assert_int_equal(pm_net_parse_add_host("foo:bar", NULL, NULL, &e6), -EINVAL);
	assert_string_equal(e6->msg, "invalid IP address in add-host: 'bar'");
	assert_int_equal(pm_net_parse_add_host("b:[::6]", NULL, NULL, &e7), -EINVAL);
	assert_string_equal(e7->msg, "invalid IP address in add-host: '[::6]'");
}

static void test_pasta_argv(void **state)
{
	struct pm_net_config c;
	pm_net_config_init(&c);
	assert_int_equal(pm_net_parse_mode(&c, "pasta", NULL), 0);
	_cleanup_strv_ char **a0 = pm_net_pasta_argv("/usr/bin/pasta", &c, NULL, 0, 0, "/p");
	_cleanup_free_ char *s0 = pm_strv_join(a0, " ");
	assert_string_equal(s0, "/usr/bin/pasta --config-net -t none -u none -T none -U none "
				"--no-map-gw -f -q -P /p --netns /proc/self/fd/3");

	assert_int_equal(pm_net_parse_publish("8080:80", &c.ports, &c.nports, NULL), 0);
	assert_int_equal(
		pm_net_parse_publish("127.0.0.1:9000-9001:90-91/udp", &c.ports, &c.nports, NULL),
		0);
	assert_int_equal(pm_net_parse_mode(&c, "pasta:--map-gw,-T,auto", NULL), 0);
	_cleanup_strv_ char **a1 =
		pm_net_pasta_argv("/usr/bin/pasta", &c, c.ports, c.nports, 42, "/p");
	_cleanup_free_ char *s1 = pm_strv_join(a1, " ");
	assert_string_equal(s1, "/usr/bin/pasta --config-net -t 8080-8080:80-80 -u "
				"127.0.0.1/9000-9001:90-91 -T auto -U none -f -q -P /p --netns "
				"/proc/42/ns/net");
	pm_net_config_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),    cmocka_unit_test(test_slirp_options),
		cmocka_unit_test(test_other_modes), cmocka_unit_test(test_user_network),
		cmocka_unit_test(test_mode_errors), cmocka_unit_test(test_config_check),
		cmocka_unit_test(test_validators),  cmocka_unit_test(test_pasta_argv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
