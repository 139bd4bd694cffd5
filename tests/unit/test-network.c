/* test-network.c: storage/network.c (create with its checks and allocation, load by name and
 * id prefix, list with the default network, remove, filters, address picking) in a temporary
 * root, and engine/ctr-networks.c's pm_engine_network_of. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/ctr-networks.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/network.h"

static char *make_root(void)
{
	char tmpl[] = "/tmp/pm-test-network-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return pm_xstrdup(tmpl);
}

static void drop_root(char *root)
{
	pm_rm_rf(root, NULL);
	free(root);
}

static void test_name_valid(void **state)
{
	(void)state;
	assert_true(pm_network_name_valid("a"));
	assert_true(pm_network_name_valid("a1_b.c-d"));
	assert_false(pm_network_name_valid(""));
	assert_false(pm_network_name_valid("-a"));
	assert_false(pm_network_name_valid("b@d"));
	assert_false(pm_network_name_valid(NULL));
}

static void test_network_of(void **state)
{
	(void)state;
	char *n = pm_engine_network_of("n1:ip=10.89.0.5,mac=02:00:00:00:00:01");
	assert_string_equal(n, "n1");
	free(n);
	n = pm_engine_network_of("web");
	assert_string_equal(n, "web");
	free(n);
	assert_null(pm_engine_network_of("slirp4netns:allow_host_loopback=true"));
	assert_null(pm_engine_network_of("container:abc"));
	assert_null(pm_engine_network_of("host"));
	assert_null(pm_engine_network_of("none"));
	assert_null(pm_engine_network_of("pasta"));
	assert_null(pm_engine_network_of(""));
	assert_null(pm_engine_network_of(NULL));
}

static void test_create_defaults_and_allocation(void **state)
{
	(void)state;
	char *root = make_root();
	struct pm_network_create_opts o = {0};
	struct pm_network *a = NULL, *b = NULL;
	pm_error *err = NULL;
	assert_int_equal(pm_network_create(root, &o, &a, &err), 0);
	assert_string_equal(a->name, "podman1");
	assert_string_equal(a->driver, "bridge");
	assert_true(a->dns);
	assert_int_equal(a->nsubnets, 1);
	assert_int_equal(strlen(a->id), 64);
	assert_int_equal(pm_network_create(root, &o, &b, &err), 0);
	assert_string_equal(b->name, "podman2");
	assert_string_not_equal(a->subnets[0].subnet, b->subnets[0].subnet);
	assert_string_not_equal(a->interface, b->interface);

	/* load by name and by id prefix; the default one always there */
	struct pm_network *l = NULL;
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%.7s", b->id);
	assert_int_equal(pm_network_load(root, prefix, &l, &err), 0);
	assert_string_equal(l->name, "podman2");
	pm_network_free(l);
	assert_int_equal(pm_network_load(root, "podman", &l, &err), 0);
	assert_string_equal(l->id,
			    "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9");
	assert_string_equal(l->subnets[0].subnet, "10.88.0.0/16");
	pm_network_free(l);
	assert_int_equal(pm_network_load(root, "nope", &l, &err), -ENOENT);
	assert_string_equal(err->msg,
			    "unable to find network with name or ID nope: network not found");
	err = pm_error_free(err);

	struct pm_network **all = NULL;
	assert_int_equal(pm_network_list(root, &all, &err), 0);
	assert_string_equal(all[0]->name, "podman");
	assert_string_equal(all[1]->name, "podman1");
	assert_string_equal(all[2]->name, "podman2");
	assert_null(all[3]);
	pm_network_list_free(all);

	assert_int_equal(pm_network_remove(root, "podman", &err), -EPERM);
	err = pm_error_free(err);
	assert_int_equal(pm_network_remove(root, "podman1", &err), 0);
	assert_false(pm_network_exists(root, "podman1"));
	assert_int_equal(pm_network_remove(root, "podman1", &err), -ENOENT);
	err = pm_error_free(err);
	pm_network_free(a);
	pm_network_free(b);
	drop_root(root);
}

static void expect_create_error(const char *root, const struct pm_network_create_opts *o, int code,
				const char *msg)
{
	pm_error *err = NULL;
	assert_int_equal(pm_network_create(root, o, NULL, &err), -code);
	assert_string_equal(err->msg, msg);
	pm_error_free(err);
}

static void test_create_errors(void **state)
{
	(void)state;
	char *root = make_root();
	char *bad[] = {"10.1.2.3", NULL};
	char *sub[] = {"10.1.2.0/24", NULL};
	char *gw_out[] = {"10.9.9.9", NULL};
	char *range_out[] = {"10.3.0.0/24", NULL};
	char *opt_bad[] = {"foo=bar", NULL};
	struct pm_network_create_opts o = {.name = "x", .subnets = bad};
	expect_create_error(root, &o, EINVAL, "invalid CIDR address: 10.1.2.3");
	o = (struct pm_network_create_opts){.name = "x", .subnets = sub, .gateways = gw_out};
	expect_create_error(root, &o, EINVAL, "gateway 10.9.9.9 not in subnet 10.1.2.0/24");
	o = (struct pm_network_create_opts){.name = "x", .subnets = sub, .ip_ranges = range_out};
	expect_create_error(root, &o, EINVAL,
			    "lease range start ip 10.3.0.1 not in subnet 10.1.2.0/24");
	o = (struct pm_network_create_opts){.name = "x", .gateways = gw_out};
	expect_create_error(root, &o, EINVAL, "cannot set gateway or range without subnet");
	o = (struct pm_network_create_opts){.name = "x", .driver = "foo"};
	expect_create_error(root, &o, EINVAL, "unsupported driver foo: invalid argument");
	o = (struct pm_network_create_opts){.name = "x", .options = opt_bad};
	expect_create_error(root, &o, EINVAL, "unsupported bridge network option foo");
	/* nothing was written */
	struct pm_network **all = NULL;
	assert_int_equal(pm_network_list(root, &all, NULL), 0);
	assert_null(all[1]);
	pm_network_list_free(all);
	/* a duplicate name, a used subnet */
	o = (struct pm_network_create_opts){.name = "x", .subnets = sub};
	assert_int_equal(pm_network_create(root, &o, NULL, NULL), 0);
	expect_create_error(root, &o, EEXIST,
			    "network name x already used: network already exists");
	o.name = "y";
	expect_create_error(root, &o, EEXIST,
			    "subnet 10.1.2.0/24 is already used on the host or by another config");
	/* --ignore returns the existing one */
	struct pm_network *n = NULL;
	o = (struct pm_network_create_opts){.name = "x", .ignore_exists = true};
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	assert_string_equal(n->subnets[0].subnet, "10.1.2.0/24");
	pm_network_free(n);
	drop_root(root);
}

static void test_pick_ip(void **state)
{
	(void)state;
	char *root = make_root();
	char *sub[] = {"10.77.0.0/29", NULL};
	struct pm_network_create_opts o = {.name = "p", .subnets = sub};
	struct pm_network *n = NULL;
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	char *ip = NULL, *gw = NULL;
	unsigned prefix = 0;
	assert_int_equal(pm_network_pick_ip(n, NULL, NULL, &ip, &prefix, &gw, NULL), 0);
	assert_string_equal(ip, "10.77.0.2");
	assert_string_equal(gw, "10.77.0.1");
	assert_int_equal(prefix, 29);
	char *used[] = {"10.77.0.2", "10.77.0.3", NULL};
	free(ip);
	free(gw);
	assert_int_equal(pm_network_pick_ip(n, NULL, used, &ip, NULL, NULL, NULL), 0);
	assert_string_equal(ip, "10.77.0.4");
	free(ip);
	pm_error *err = NULL;
	assert_int_equal(pm_network_pick_ip(n, "10.77.0.3", used, &ip, NULL, NULL, &err),
			 -EADDRINUSE);
	err = pm_error_free(err);
	assert_int_equal(pm_network_pick_ip(n, "10.78.0.3", used, &ip, NULL, NULL, &err), -EINVAL);
	err = pm_error_free(err);
	char *full[] = {"10.77.0.2", "10.77.0.3", "10.77.0.4", "10.77.0.5", "10.77.0.6", NULL};
	assert_int_equal(pm_network_pick_ip(n, NULL, full, &ip, NULL, NULL, &err), -ENOSPC);
	err = pm_error_free(err);
	pm_network_free(n);
	drop_root(root);
}

static void test_create_ipv6(void **state)
{
	(void)state;
	char *root = make_root();
	/* --ipv6 alone: a v4 subnet from the pools and a random ULA /64 */
	struct pm_network_create_opts o = {.name = "r", .ipv6 = true};
	struct pm_network *n = NULL;
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	assert_true(n->ipv6);
	assert_int_equal(n->nsubnets, 2);
	assert_non_null(strchr(n->subnets[0].subnet, '.'));
	const char *v6 = n->subnets[1].subnet;
	assert_true(strncmp(v6, "fd", 2) == 0);
	assert_true(strlen(v6) > 5 && strcmp(v6 + strlen(v6) - 5, "::/64") == 0);
	char *gw = pm_xasprintf("%.*s1", (int)(strlen(v6) - 3), v6);
	assert_string_equal(n->subnets[1].gateway, gw);
	free(gw);
	assert_true(pm_network_has_family(n, AF_INET6));
	pm_network_free(n);
	/* an IPv6 --subnet alone: IPv6 only, host bits cleared, gateway ::1 */
	char *sub[] = {"fd00:1:2:3::7/64", NULL};
	o = (struct pm_network_create_opts){.name = "s", .subnets = sub};
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	assert_true(n->ipv6);
	assert_int_equal(n->nsubnets, 1);
	assert_string_equal(n->subnets[0].subnet, "fd00:1:2:3::/64");
	assert_string_equal(n->subnets[0].gateway, "fd00:1:2:3::1");
	assert_false(pm_network_has_family(n, AF_INET));
	pm_network_free(n);
	/* an IPv6 --subnet with --ipv6: an IPv4 subnet from the pools after it (podman 4.3) */
	char *sub3[] = {"fd00:1:2:4::/64", NULL};
	o = (struct pm_network_create_opts){.name = "t", .subnets = sub3, .ipv6 = true};
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	assert_int_equal(n->nsubnets, 2);
	assert_string_equal(n->subnets[0].subnet, "fd00:1:2:4::/64");
	assert_non_null(strchr(n->subnets[1].subnet, '.'));
	pm_network_free(n);
	/* bad ones, and one overlapping s */
	static const struct {
		const char *subnet, *msg;
	} bad[] = {
		{"fd00::zz/64", "invalid CIDR address: fd00::zz/64"},
		{"fd00:1::/129", "invalid CIDR address: fd00:1::/129"},
		{"fd00:1::", "invalid CIDR address: fd00:1::"},
		{"fd00:1:2:3::/80",
		 "subnet fd00:1:2:3::/80 is already used on the host or by another config"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *b[] = {(char *)bad[i].subnet, NULL};
		pm_error *err = NULL;
		o = (struct pm_network_create_opts){.name = "bad", .subnets = b};
		assert_true(pm_network_create(root, &o, NULL, &err) < 0);
		assert_string_equal(err->msg, bad[i].msg);
		pm_error_free(err);
		assert_false(pm_network_exists(root, "bad"));
	}
	/* a v6 gateway outside the subnet */
	char *sub2[] = {"fd00:9::/64", NULL}, *gws[] = {"fd00:8::1", NULL};
	pm_error *err = NULL;
	o = (struct pm_network_create_opts){.name = "bad", .subnets = sub2, .gateways = gws};
	assert_int_equal(pm_network_create(root, &o, NULL, &err), -EINVAL);
	assert_string_equal(err->msg, "gateway fd00:8::1 not in subnet fd00:9::/64");
	pm_error_free(err);
	drop_root(root);
}

static void test_pick_ip6(void **state)
{
	(void)state;
	char *root = make_root();
	char *sub[] = {"10.79.0.0/24", "fd00:7::/64", NULL};
	struct pm_network_create_opts o = {.name = "p6", .subnets = sub};
	struct pm_network *n = NULL;
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	char *ip = NULL, *gw = NULL;
	unsigned prefix = 0;
	assert_int_equal(pm_network_pick_addr(n, AF_INET6, NULL, NULL, &ip, &prefix, &gw, NULL), 0);
	assert_string_equal(ip, "fd00:7::2");
	assert_string_equal(gw, "fd00:7::1");
	assert_int_equal(prefix, 64);
	free(ip);
	free(gw);
	char *used[] = {"fd00:7::2", "fd00:7::3", NULL};
	assert_int_equal(pm_network_pick_addr(n, AF_INET6, NULL, used, &ip, NULL, NULL, NULL), 0);
	assert_string_equal(ip, "fd00:7::4");
	free(ip);
	/* static: canonical text back; in use, the gateway, outside, the other family */
	assert_int_equal(
		pm_network_pick_addr(n, AF_INET6, "fd00:7:0::0050", used, &ip, NULL, NULL, NULL),
		0);
	assert_string_equal(ip, "fd00:7::50");
	free(ip);
	pm_error *err = NULL;
	assert_int_equal(
		pm_network_pick_addr(n, AF_INET6, "fd00:7::3", used, &ip, NULL, NULL, &err),
		-EADDRINUSE);
	err = pm_error_free(err);
	assert_int_equal(
		pm_network_pick_addr(n, AF_INET6, "fd00:7::1", used, &ip, NULL, NULL, &err),
		-EADDRINUSE);
	err = pm_error_free(err);
	assert_int_equal(
		pm_network_pick_addr(n, AF_INET6, "fd00:8::3", used, &ip, NULL, NULL, &err),
		-EINVAL);
	assert_string_equal(err->msg,
			    "requested static ip fd00:8::3 not in any subnet on network p6");
	err = pm_error_free(err);
	assert_int_equal(
		pm_network_pick_addr(n, AF_INET6, "10.79.0.5", used, &ip, NULL, NULL, &err),
		-EINVAL);
	err = pm_error_free(err);
	assert_int_equal(pm_network_pick_addr(n, AF_INET6, "zz", used, &ip, NULL, NULL, &err),
			 -EINVAL);
	assert_string_equal(err->msg, "invalid IP address 'zz'");
	err = pm_error_free(err);
	/* the IPv4 pick is not disturbed by the IPv6 subnet */
	assert_int_equal(pm_network_pick_ip(n, NULL, NULL, &ip, &prefix, NULL, NULL), 0);
	assert_string_equal(ip, "10.79.0.2");
	free(ip);
	pm_network_free(n);
	/* a network without IPv6: podman's words for a static one, -EINVAL for a pick */
	char *sub4[] = {"10.80.0.0/24", NULL};
	o = (struct pm_network_create_opts){.name = "p4", .subnets = sub4};
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	assert_int_equal(
		pm_network_pick_addr(n, AF_INET6, "fd00:7::9", NULL, &ip, NULL, NULL, &err),
		-EINVAL);
	assert_string_equal(err->msg,
			    "requested static ip fd00:7::9 not in any subnet on network p4");
	err = pm_error_free(err);
	assert_int_equal(pm_network_pick_addr(n, AF_INET6, NULL, NULL, &ip, NULL, NULL, &err),
			 -EINVAL);
	err = pm_error_free(err);
	pm_network_free(n);
	drop_root(root);
}

static void test_filters(void **state)
{
	(void)state;
	char *root = make_root();
	char *labels[] = {"a=b", "c", NULL};
	struct pm_network_create_opts o = {.name = "web1", .labels = labels};
	struct pm_network *n = NULL;
	assert_int_equal(pm_network_create(root, &o, &n, NULL), 0);
	struct pm_network_filters *fs = NULL;
	char *f1[] = {"name=^web", "label=a=b", "label=c", NULL};
	assert_int_equal(pm_network_filters_parse(f1, false, &fs, NULL), 0);
	assert_true(pm_network_filters_match(fs, n, false));
	pm_network_filters_free(fs);
	char *f2[] = {"label!=a", NULL};
	assert_int_equal(pm_network_filters_parse(f2, false, &fs, NULL), 0);
	assert_false(pm_network_filters_match(fs, n, false));
	pm_network_filters_free(fs);
	char *f3[] = {"dangling=true", NULL};
	assert_int_equal(pm_network_filters_parse(f3, false, &fs, NULL), 0);
	assert_true(pm_network_filters_match(fs, n, false));
	assert_false(pm_network_filters_match(fs, n, true));
	pm_network_filters_free(fs);
	pm_error *err = NULL;
	char *f4[] = {"name=x", NULL};
	assert_int_equal(pm_network_filters_parse(f4, true, &fs, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid filter \"name\"");
	pm_error_free(err);
	pm_network_free(n);
	drop_root(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_network_of),
		cmocka_unit_test(test_create_defaults_and_allocation),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_pick_ip),
		cmocka_unit_test(test_create_ipv6),
		cmocka_unit_test(test_pick_ip6),
		cmocka_unit_test(test_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
