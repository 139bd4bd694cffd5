/* test-net-ports.c: -p/--publish and -P parsing (podman's accepted forms and messages),
 * the canonical spec round trip, and the inspect JSON / ps / `pm port` texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netslirp/net.h"

struct plist {
	struct pm_net_port *p;
	size_t n;
};

static struct pm_net_port parse_ok(const char *spec)
{
	struct pm_net_port *p = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_net_parse_publish(spec, &p, &n, &err);
	if (r < 0)
		fail_msg("'%s': %s", spec, err ? err->msg : "?");
	assert_int_equal(n, 1);
	struct pm_net_port out = p[0];
	free(p);
	return out;
}

static void parse_bad(const char *spec, const char *msg)
{
	struct pm_net_port *p = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_net_parse_publish(spec, &p, &n, &err), -EINVAL);
	assert_int_equal(n, 0);
	assert_null(p);
	assert_non_null(err);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("'%s': got '%s', want '%s'", spec, err->msg, msg);
}

static void test_publish_forms(void **state)
{
	struct pm_net_port p = parse_ok("80");
	assert_string_equal(p.host_ip, "");
	assert_int_equal(p.host_port, 0);
	assert_int_equal(p.ctr_port, 80);
	assert_int_equal(p.range, 1);
	assert_int_equal(p.proto, PM_NET_TCP);

	p = parse_ok("8080:80");
	assert_int_equal(p.host_port, 8080);
	assert_int_equal(p.ctr_port, 80);

	p = parse_ok("8080:80/udp");
	assert_int_equal(p.proto, PM_NET_UDP);
	p = parse_ok("80/TCP");
	assert_int_equal(p.proto, PM_NET_TCP);
	p = parse_ok("8080:80/sctp");
	assert_int_equal(p.proto, PM_NET_SCTP);

	p = parse_ok("127.0.0.1:8080:80");
	assert_string_equal(p.host_ip, "127.0.0.1");
	assert_int_equal(p.host_port, 8080);

	p = parse_ok("1.2.3.4::80");
	assert_string_equal(p.host_ip, "1.2.3.4");
	assert_int_equal(p.host_port, 0);
	assert_int_equal(p.ctr_port, 80);

	p = parse_ok(":80");
	assert_int_equal(p.host_port, 0);
	p = parse_ok("0.0.0.0:8080:80");
	assert_string_equal(p.host_ip, "");

	p = parse_ok("[::1]:8080:80/udp");
	assert_string_equal(p.host_ip, "::1");
	assert_int_equal(p.host_port, 8080);
	assert_int_equal(p.proto, PM_NET_UDP);
	p = parse_ok("[2001:db8::5]::443");
	assert_string_equal(p.host_ip, "2001:db8::5");
	assert_int_equal(p.host_port, 0);

	p = parse_ok("8080-8082:80-82");
	assert_int_equal(p.host_port, 8080);
	assert_int_equal(p.ctr_port, 80);
	assert_int_equal(p.range, 3);
	p = parse_ok("90-91/udp");
	assert_int_equal(p.host_port, 0);
	assert_int_equal(p.range, 2);
	p = parse_ok("65535:65535");
	assert_int_equal(p.host_port, 65535);
}

static void test_publish_errors(void **state)
{
	parse_bad("", "must provide a non-empty port to publish");
	parse_bad("abc", "publishing 'abc': parsing container port: invalid port number 'abc'");
	parse_bad("8080:80/foo", "unrecognized protocol 'foo' in port mapping '8080:80/foo'");
	parse_bad("99999:80", "publishing '99999:80': parsing host port: port numbers must be "
			      "between 1 and 65535 (inclusive), got 99999");
	parse_bad("8080:0", "publishing '8080:0': parsing container port: port numbers must be "
			    "between 1 and 65535 (inclusive), got 0");
	parse_bad(
		"8080-8081:80",
		"host and container port ranges have different lengths: 2 vs 1 in '8080-8081:80'");
	parse_bad("8080-8082:80-81", "host and container port ranges have different lengths: 3 vs "
				     "2 in '8080-8082:80-81'");
	parse_bad("8082-8080:80-82", "publishing '8082-8080:80-82': parsing host port: the end "
				     "port of a range must be higher than the start port - 8080 is "
				     "not higher than 8082");
	parse_bad("::1:8080:80", "invalid port format '::1:8080:80' - format is "
				 "[[hostIP:]hostPort:]containerPort");
	parse_bad("a:b:c:d",
		  "invalid port format 'a:b:c:d' - format is [[hostIP:]hostPort:]containerPort");
	parse_bad("300.1.1.1:80:80", "cannot parse '300.1.1.1' as an IP address");
	parse_bad("localhost:80:80", "cannot parse 'localhost' as an IP address");
	parse_bad("[1.2.3.4]:80:80", "cannot parse '1.2.3.4' as an IP address");
	parse_bad("[::1]80", "invalid port format '[::1]80' - format is "
			     "[[hostIP:]hostPort:]containerPort");
	parse_bad("8080:", "must provide a non-empty container port to publish in '8080:'");
	parse_bad("8080:80/tcp/udp",
		  "invalid port format '8080:80/tcp/udp' - protocol can only be specified once");
	parse_bad("-1:80",
		  "publishing '-1:80': parsing host port: port numbers cannot be negative");
	parse_bad("8080-:80", "publishing '8080-:80': parsing host port: must provide ending "
			      "number for port range");
	parse_bad("80-", "publishing '80-': parsing container port: must provide ending number "
			 "for port range");
	parse_bad("65535-65536:1-2", "publishing '65535-65536:1-2': parsing host port: port "
				     "numbers must be between 1 and 65535 (inclusive), got 65536");
}

static void test_format_roundtrip(void **state)
{
	static const char *const specs[][2] = {
		{"8080:80", "8080:80/tcp"},
		{"127.0.0.1:8080-8081:80-81/udp", "127.0.0.1:8080-8081:80-81/udp"},
		{"[::1]:8080:80", "[::1]:8080:80/tcp"},
		{"80", "0:80/tcp"},
		{"90-92/udp", "0:90-92/udp"},
		{"1.2.3.4::80", "1.2.3.4:0:80/tcp"},
		{"[::1]::80", "[::1]:0:80/tcp"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		struct pm_net_port p = parse_ok(specs[i][0]);
		_cleanup_free_ char *s = pm_net_port_format(&p);
		assert_string_equal(s, specs[i][1]);
		struct pm_net_port q = parse_ok(s);
		assert_memory_equal(&p, &q, sizeof(p));
	}
}

static void test_expose(void **state)
{
	struct pm_net_port *p = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_net_parse_publish("8080:80", &p, &n, &err), 0);
	char *expose[] = {"80/tcp", "53/udp", "8000-8001", "80/udp", NULL};
	assert_int_equal(pm_net_publish_expose(expose, &p, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(p[0].host_port, 8080); /* -p wins over -P for 80/tcp */
	assert_int_equal(p[1].ctr_port, 53);
	assert_int_equal(p[1].proto, PM_NET_UDP);
	assert_int_equal(p[1].host_port, 0);
	assert_int_equal(p[2].ctr_port, 8000);
	assert_int_equal(p[3].ctr_port, 8001);
	assert_int_equal(p[4].ctr_port, 80);
	assert_int_equal(p[4].proto, PM_NET_UDP);
	char *bad[] = {"80/xyz", NULL};
	assert_int_equal(pm_net_publish_expose(bad, &p, &n, &err), -EINVAL);
	assert_string_equal(err->msg, "unrecognized protocol 'xyz' in exposed port '80/xyz'");
	free(p);
}

static struct plist sample(void)
{
	struct plist l = {0};
	const char *specs[] = {"127.0.0.1:18080:80", "18090-18091:90-91/udp", "45487:70",
			       "[::1]:18095:95",     "18096:96/udp",	      "18096:96/tcp"};
	for (size_t i = 0; i < ARRAY_SIZE(specs); i++)
		assert_int_equal(pm_net_parse_publish(specs[i], &l.p, &l.n, NULL), 0);
	return l;
}

static void test_json(void **state)
{
	struct plist l = sample();
	_cleanup_free_ char *j = pm_net_ports_json(l.p, l.n);
	/* the exact text podman 4.3 printed for the same mappings */
	assert_string_equal(
		j, "{\"70/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"45487\"}],\"80/tcp\":[{\"HostIp\":"
		   "\"127.0.0.1\",\"HostPort\":\"18080\"}],\"90/udp\":[{\"HostIp\":\"\","
		   "\"HostPort\":\"18090\"}],\"91/udp\":[{\"HostIp\":\"\",\"HostPort\":\"18091\"}],"
		   "\"95/tcp\":[{\"HostIp\":\"::1\",\"HostPort\":\"18095\"}],\"96/tcp\":[{"
		   "\"HostIp\":\"\",\"HostPort\":\"18096\"}],\"96/udp\":[{\"HostIp\":\"\","
		   "\"HostPort\":\"18096\"}]}");
	_cleanup_free_ char *e = pm_net_ports_json(NULL, 0);
	assert_string_equal(e, "{}");
	free(l.p);
}

static void test_ps(void **state)
{
	struct plist l = sample();
	_cleanup_free_ char *s = pm_net_ports_ps(l.p, l.n);
	assert_string_equal(s, "127.0.0.1:18080->80/tcp, 0.0.0.0:18090-18091->90-91/udp, "
			       "0.0.0.0:45487->70/tcp, ::1:18095->95/tcp, 0.0.0.0:18096->96/udp, "
			       "0.0.0.0:18096->96/tcp");
	_cleanup_free_ char *e = pm_net_ports_ps(NULL, 0);
	assert_string_equal(e, "");
	free(l.p);
}

static void test_port_lines(void **state)
{
	struct plist l = sample();
	_cleanup_free_ char *all = NULL, *one = NULL, *udp = NULL, *none = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_net_port_lines(l.p, l.n, NULL, &all, NULL), 0);
	assert_string_equal(all, "80/tcp -> 127.0.0.1:18080\n"
				 "90/udp -> 0.0.0.0:18090\n"
				 "91/udp -> 0.0.0.0:18091\n"
				 "70/tcp -> 0.0.0.0:45487\n"
				 "95/tcp -> ::1:18095\n"
				 "96/udp -> 0.0.0.0:18096\n"
				 "96/tcp -> 0.0.0.0:18096\n");
	assert_int_equal(pm_net_port_lines(l.p, l.n, "96", &one, NULL), 0);
	assert_string_equal(one, "0.0.0.0:18096\n");
	assert_int_equal(pm_net_port_lines(l.p, l.n, "91/udp", &udp, NULL), 0);
	assert_string_equal(udp, "0.0.0.0:18091\n");
	assert_int_equal(pm_net_port_lines(l.p, l.n, "99", &none, &err), -ENOENT);
	assert_null(none);
	assert_string_equal(err->msg, "failed to find published port '99'");
	pm_error *e2 = NULL;
	assert_int_equal(pm_net_port_lines(l.p, l.n, "abc", &none, &e2), -EINVAL);
	assert_string_equal(e2->msg, "invalid port 'abc'");
	pm_error_free(e2);
	free(l.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_publish_forms),
		cmocka_unit_test(test_publish_errors),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_expose),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_ps),
		cmocka_unit_test(test_port_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
