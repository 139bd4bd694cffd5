/* test-run-flags.c: unit tests for engine/run-flags (--ulimit, --sysctl, --device, --tz,
 * --expose) and engine/volumes-from's mode rewriting. Messages are podman 4.3's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "engine/run-flags.h"
#include "engine/volumes-from.h"
#include "lib/strutil.h"

static void expect_msg(pm_error *e, const char *msg)
{
	assert_non_null(e);
	assert_string_equal(e->msg, msg);
	pm_error_free(e);
}

static void test_ulimit(void **state)
{
	struct pm_ulimit u;
	assert_int_equal(pm_config_parse_ulimit("nofile=100:200", &u, NULL), 0);
	assert_int_equal(u.resource, RLIMIT_NOFILE);
	assert_string_equal(u.name, "RLIMIT_NOFILE");
	assert_int_equal(u.soft, 100);
	assert_int_equal(u.hard, 200);
	assert_int_equal(pm_config_parse_ulimit("core=-1", &u, NULL), 0);
	assert_int_equal(u.soft, -1);
	assert_int_equal(u.hard, -1);
	assert_int_equal(pm_config_parse_ulimit("nproc=5", &u, NULL), 0);
	assert_int_equal(u.hard, 5);
	const struct {
		const char *in, *msg;
	} bad[] = {
		{"bogus=1",
		 "ulimit option \"bogus=1\" requires name=SOFT:HARD, failed to be parsed: "
		 "invalid ulimit type: bogus"},
		{"nofile", "ulimit option \"nofile\" requires name=SOFT:HARD, failed to be parsed: "
			   "invalid ulimit argument: nofile"},
		{"nofile=x", "ulimit option \"nofile=x\" requires name=SOFT:HARD, failed to be "
			     "parsed: strconv.ParseInt: parsing \"x\": invalid syntax"},
		{"nofile=10:5", "ulimit option \"nofile=10:5\" requires name=SOFT:HARD, failed to "
				"be parsed: ulimit soft limit must be less than or equal to hard "
				"limit: 10 > 5"},
		{"nofile=1:2:3",
		 "ulimit option \"nofile=1:2:3\" requires name=SOFT:HARD, failed to "
		 "be parsed: too many limit value arguments - 1:2:3, can only have "
		 "up to two, `soft[:hard]`"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pm_error *e = NULL;
		assert_int_equal(pm_config_parse_ulimit(bad[i].in, &u, &e), -EINVAL);
		expect_msg(e, bad[i].msg);
	}
}

static void test_sysctl(void **state)
{
	assert_int_equal(pm_config_check_sysctl(NULL, NULL, "net.ipv4.ip_forward=1", NULL), 0);
	assert_int_equal(pm_config_check_sysctl(NULL, NULL, "kernel.sem=250 32000 32 128", NULL),
			 0);
	assert_int_equal(pm_config_check_sysctl(NULL, NULL, "fs.mqueue.msg_max=20", NULL), 0);
	pm_error *e = NULL;
	assert_int_equal(pm_config_check_sysctl(NULL, NULL, "vm.swappiness=1", &e), -EINVAL);
	expect_msg(e, "sysctl 'vm.swappiness' is not allowed");
	e = NULL;
	assert_int_equal(pm_config_check_sysctl(NULL, NULL, "foo", &e), -EINVAL);
	expect_msg(e, "foo is invalid, sysctl values must be in the form of KEY=VALUE");
	e = NULL;
	assert_int_equal(pm_config_check_sysctl(NULL, NULL, "net.a = 1", &e), -EINVAL);
	expect_msg(e, "'net.a = 1' is invalid, extra spaces found");
	e = NULL;
	assert_int_equal(pm_config_check_sysctl("host", "host", "net.ipv4.ip_forward=1", &e),
			 -EINVAL);
	expect_msg(e, "sysctl net.ipv4.ip_forward=1 can't be set since Network Namespace set to "
		      "host: invalid argument");
	e = NULL;
	assert_int_equal(pm_config_check_sysctl("host", "host", "kernel.shmmax=1", &e), -EINVAL);
	expect_msg(e, "sysctl kernel.shmmax=1 can't be set since IPC Namespace set to host: "
		      "invalid argument");
}

static void test_device(void **state)
{
	char *src = NULL, *dst = NULL, *perms = NULL;
	assert_int_equal(pm_config_parse_device("/dev/null", &src, &dst, &perms, NULL), 0);
	assert_string_equal(src, "/dev/null");
	assert_string_equal(dst, "/dev/null");
	assert_string_equal(perms, "rwm");
	free(src), free(dst), free(perms);
	assert_int_equal(pm_config_parse_device("/dev/null:/dev/n:r", &src, &dst, &perms, NULL), 0);
	assert_string_equal(dst, "/dev/n");
	assert_string_equal(perms, "r");
	free(src), free(dst), free(perms);
	assert_int_equal(pm_config_parse_device("/dev/null:rw", &src, &dst, &perms, NULL), 0);
	assert_string_equal(dst, "/dev/null");
	assert_string_equal(perms, "rw");
	free(src), free(dst), free(perms);
	pm_error *e = NULL;
	assert_int_equal(pm_config_parse_device("/dev/null:/dev/n:xyz", &src, &dst, NULL, &e),
			 -EINVAL);
	expect_msg(e, "invalid device mode: xyz");
	e = NULL;
	assert_int_equal(pm_config_parse_device("/dev/null:dev/n", &src, &dst, NULL, &e), -EINVAL);
	expect_msg(e, "invalid device mode: dev/n");
	e = NULL;
	assert_int_equal(pm_config_parse_device("/dev/nonexist", &src, &dst, NULL, &e), -ENOENT);
	expect_msg(e, "stat /dev/nonexist: no such file or directory");
}

static void test_expose(void **state)
{
	assert_int_equal(pm_config_check_expose("80", NULL), 0);
	assert_int_equal(pm_config_check_expose("53/udp", NULL), 0);
	assert_int_equal(pm_config_check_expose("8000-8010/tcp", NULL), 0);
	pm_error *e = NULL;
	assert_int_equal(pm_config_check_expose("80x", &e), -EINVAL);
	expect_msg(e, "invalid range format for --expose: 80x: strconv.ParseUint: parsing \"80x\": "
		      "invalid syntax");
	char *in[] = {"8000-8002/udp", "80", "bad", NULL};
	char **keys = pm_config_expose_keys(in);
	assert_non_null(keys);
	assert_string_equal(keys[0], "8000/udp");
	assert_string_equal(keys[2], "8002/udp");
	assert_string_equal(keys[3], "80/tcp");
	assert_null(keys[4]);
	for (char **k = keys; *k; k++)
		free(*k);
	free(keys);
	e = NULL;
	assert_int_equal(pm_config_check_expose("80/xyz", &e), -EINVAL);
	expect_msg(e, "validating protocols for exposed port 80: unrecognized protocol \"xyz\" in "
		      "port mapping");
}

static void test_tz(void **state)
{
	char *p = NULL;
	pm_error *e = NULL;
	assert_int_equal(pm_config_tz_file("../etc/passwd", &p, &e), -EINVAL);
	pm_error_free(e);
	e = NULL;
	assert_int_equal(pm_config_tz_file("Bogus/Zone", &p, &e), -ENOENT);
	expect_msg(e, "running container create option: stat /usr/share/zoneinfo/Bogus/Zone: no "
		      "such file or directory");
}

static void test_volumes_from_mode(void **state)
{
	const struct {
		const char *in;
		bool volume;
		const char *mode, *out;
	} cases[] = {
		{"/a:/b", true, "ro", "/a:/b:ro"},
		{"/a:/b:ro,z", true, "rw", "/a:/b:z,rw"},
		{"vol:/b:rw", true, NULL, "vol:/b:rw"},
		{"/data", true, "ro", "/data"},
		{"type=bind,src=/a,dst=/b,ro", false, "rw", "type=bind,src=/a,dst=/b"},
		{"type=volume,src=v,dst=/b", false, "ro", "type=volume,src=v,dst=/b,ro"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = pm_volumes_from_apply_mode(cases[i].in, cases[i].volume, cases[i].mode);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	pm_error *e = NULL;
	assert_int_equal(pm_volumes_from_check("c:xyz", &e), -EINVAL);
	expect_msg(e, "invalid option \"xyz\" specified - volumes from another container can only "
		      "use z,ro,rw options");
	e = NULL;
	assert_int_equal(pm_volumes_from_check("c:ro,rw", &e), -EINVAL);
	expect_msg(e, "cannot set ro or rw options more than once");
	assert_int_equal(pm_volumes_from_check("c:z,ro", NULL), 0);
}

static void test_idmap(void **state)
{
	struct pm_runtime_idmap m;
	assert_int_equal(pm_config_parse_idmap("0:1:1000", "UID", &m, NULL), 0);
	assert_int_equal(m.ctr, 0);
	assert_int_equal(m.host, 1);
	assert_int_equal(m.size, 1000);
	pm_error *e = NULL;
	assert_int_equal(pm_config_parse_idmap("0:1:x", "UID", &m, &e), -EINVAL);
	expect_msg(e, "initializing ID mappings: UID setting is malformed expected "
		      "[\"uint32:uint32:uint32\"]: [\"0:1:x\"]");
	e = NULL;
	assert_int_equal(pm_config_parse_idmap("0:1", "GID", &m, &e), -EINVAL);
	pm_error_free(e);
	/* the rootless namespace: the caller at 0, 65536 subordinate ids from 1 */
	const char *ns = "         0       1001          1\n         1     100000      65536\n";
	struct pm_runtime_idmap in = {.ctr = 0, .host = 0, .size = 1000}, *out = NULL;
	size_t n = 0;
	assert_int_equal(pm_config_idmap_split(ns, &in, 1, "0:0:1000", &out, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].ctr, 0);
	assert_int_equal(out[0].host, 0);
	assert_int_equal(out[0].size, 1);
	assert_int_equal(out[1].ctr, 1);
	assert_int_equal(out[1].host, 1);
	assert_int_equal(out[1].size, 999);
	free(out);
	in = (struct pm_runtime_idmap){.ctr = 0, .host = 65000, .size = 1000};
	e = NULL;
	assert_int_equal(pm_config_idmap_split(ns, &in, 1, "0:65000:1000", &out, &n, &e), -EINVAL);
	expect_msg(e, "0:65000:1000: ids 65000-65999 are beyond the rootless user namespace");
}

/* resolve(given, base) joined with spaces ("-" for none) */
static char *resolved(const char *given, const struct pm_ulimit_base *b)
{
	char **g = given ? pm_strv_split(given, " ") : NULL;
	char **l = pm_config_ulimits_resolve(g, b);
	char *s = l ? pm_strv_join(l, " ") : pm_xstrdup("-");
	pm_strv_free(g);
	pm_strv_free(l);
	return s;
}

#define ASSERT_RESOLVED(given, base, want)                                                         \
	do {                                                                                       \
		char *got_ = resolved(given, base);                                                \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

/* podman 4.3's default rlimits (pkg/specgen/generate/oci.go addRlimits and containers.conf's
 * default nproc), the figures of the machine the system tests ran on */
static void test_ulimits_resolve(void **state)
{
	const uint64_t inf = RLIM_INFINITY;
	struct pm_ulimit_base b = {
		.nofile_hard = 20000, .nproc_soft = 96367, .nproc_hard = 96367, .pid_max = 32768};
	ASSERT_RESOLVED(NULL, &b, "nofile=20000:20000 nproc=32768:32768");
	ASSERT_RESOLVED("nofile=100:200", &b, "nofile=100:200 nproc=32768:32768");
	ASSERT_RESOLVED("nproc=500:600 core=0", &b, "nofile=20000:20000 nproc=500:600 core=0");
	/* a repeated name replaces the earlier in place */
	ASSERT_RESOLVED("core=0 nofile=5 core=1:2 nofile=7", &b,
			"nofile=7 core=1:2 nproc=32768:32768");
	/* host anywhere: nothing set */
	ASSERT_RESOLVED("nofile=100:200 host", &b, "host");
	ASSERT_RESOLVED("host nofile=100:200", &b, "host");
	/* the default nproc needs pid_max within the hard limit, else 1048576 within it */
	b.pid_max = 4194304;
	ASSERT_RESOLVED(NULL, &b, "-");
	ASSERT_RESOLVED("core=0", &b, "nofile=20000:20000 core=0 nproc=96367:96367");
	b.nproc_soft = 1000;
	ASSERT_RESOLVED("core=0", &b, "nofile=20000:20000 core=0 nproc=1000:96367");
	b.nproc_hard = inf;
	ASSERT_RESOLVED(NULL, &b, "nofile=20000:20000 nproc=4194304:4194304");
	ASSERT_RESOLVED("core=0", &b, "nofile=20000:20000 core=0 nproc=1048576:1048576");
	b = (struct pm_ulimit_base){
		.nofile_hard = inf, .nproc_soft = 2000000, .nproc_hard = 2000000, .pid_max = 0};
	ASSERT_RESOLVED(NULL, &b, "nofile=1048576:1048576 nproc=1048576:1048576");
	/* root: 1048576 each, its own limits not asked */
	b = (struct pm_ulimit_base){.root = true,
				    .nofile_hard = 1024,
				    .nproc_soft = 10,
				    .nproc_hard = 10,
				    .pid_max = 32768};
	ASSERT_RESOLVED(NULL, &b, "nofile=1048576:1048576 nproc=32768:32768");
	ASSERT_RESOLVED("core=0", &b, "nofile=1048576:1048576 core=0 nproc=1048576:1048576");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ulimit), cmocka_unit_test(test_ulimits_resolve),
		cmocka_unit_test(test_sysctl), cmocka_unit_test(test_device),
		cmocka_unit_test(test_expose), cmocka_unit_test(test_tz),
		cmocka_unit_test(test_idmap),  cmocka_unit_test(test_volumes_from_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
