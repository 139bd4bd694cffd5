/* test-cgroup-flags.c: unit tests for run/create's cgroup, block-device and static-network
 * flags (engine/cgroup-flags.h): the value parsers with podman 4.3's messages, the config
 * check of the static addresses against the network mode, the --cgroup-conf controller and
 * the device values' split. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cgroup-flags.h"
#include "engine/spec.h"
#include "lib/strutil.h"

#define assert_einval(call, want)                                                                  \
	do {                                                                                       \
		_cleanup_error_ pm_error *err = NULL;                                              \
		pm_error **errp = &err;                                                            \
		assert_int_equal((call), -EINVAL);                                                 \
		assert_non_null(err);                                                              \
		assert_string_equal(err->msg, (want));                                             \
	} while (0)

static void test_swappiness(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_config_set_cgroup_flag(&c, "memory-swappiness", "60", NULL), 0);
	assert_true(c.memory_swappiness_set);
	assert_int_equal(c.memory_swappiness, 60);
	assert_int_equal(pm_config_set_cgroup_flag(&c, "memory-swappiness", "-1", NULL), 0);
	assert_false(c.memory_swappiness_set);
	assert_int_equal(pm_config_set_cgroup_flag(&c, "memory-swappiness", "0", NULL), 0);
	assert_true(c.memory_swappiness_set);
	assert_einval(pm_config_set_cgroup_flag(&c, "memory-swappiness", "101", errp),
		      "invalid --memory-swappiness '101': valid memory swappiness range is 0-100");
	assert_einval(pm_config_set_cgroup_flag(&c, "memory-swappiness", "x", errp),
		      "invalid argument \"x\" for \"--memory-swappiness\" flag: "
		      "strconv.ParseInt: parsing \"x\": invalid syntax");
	assert_int_equal(c.memory_swappiness, 0); /* a refused value changes nothing */
	pm_spec_config_clear(&c);
}

static void test_cgroupns(void **state)
{
	struct pm_container_config c = {0};
	const char *good[] = {"host", "private", "container:abc", "ns:/proc/1/ns/cgroup", "", NULL};
	for (const char **g = good; *g; g++)
		assert_int_equal(pm_config_set_cgroup_flag(&c, "cgroupns", *g, NULL), 0);
	assert_einval(pm_config_set_cgroup_flag(&c, "cgroupns", "bad", errp),
		      "unrecognized namespace mode bad passed");
	assert_einval(pm_config_set_cgroup_flag(&c, "cgroupns", "container:", errp),
		      "invalid config provided: namespace mode container requires a value");
	assert_einval(pm_config_set_cgroup_flag(&c, "cgroupns", "ns:", errp),
		      "invalid config provided: namespace mode path requires a value");
	assert_int_equal(pm_config_set_cgroup_flag(&c, "cgroupns", "private", NULL), 0);
	assert_string_equal(pm_config_cgroupns_mode(&c), "private");
	pm_spec_config_clear(&c);
}

static void test_device_values(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_config_set_cgroup_flag(&c, "device-read-bps", "/dev/sda:1mb", NULL), 0);
	assert_int_equal(pm_config_set_cgroup_flag(&c, "device-write-iops", "/dev/sda:10", NULL),
			 0);
	assert_int_equal(pm_config_set_cgroup_flag(&c, "blkio-weight-device", "/dev/sda:0", NULL),
			 0);
	assert_true(pm_config_has_io_limits(&c));
	assert_einval(pm_config_set_cgroup_flag(&c, "device-read-bps", "/dev/sda", errp),
		      "bad format: /dev/sda");
	assert_einval(pm_config_set_cgroup_flag(&c, "device-read-bps", "sda:1", errp),
		      "bad format for device path: sda:1");
	assert_einval(pm_config_set_cgroup_flag(&c, "device-write-iops", "/dev/sda:1k", errp),
		      "invalid rate for device: /dev/sda:1k. The correct format is "
		      "<device-path>:<number>. Number must be a positive integer");
	assert_einval(pm_config_set_cgroup_flag(&c, "blkio-weight-device", "/dev/sda:9", errp),
		      "invalid weight for device: /dev/sda:9");
	char *path = NULL;
	uint64_t n = 0;
	assert_int_equal(pm_config_device_limit('b', "/dev/sda:1mb", &path, &n), 0);
	assert_string_equal(path, "/dev/sda");
	assert_int_equal(n, 1048576);
	free(path);
	assert_int_equal(pm_strv_length(c.device_read_bps), 1);
	pm_spec_config_clear(&c);
}

static void test_device_cgroup_rule(void **state)
{
	struct pm_container_config c = {0};
	const char *good[] = {"c 1:3 rwm", "b 7:* rw", "a *:* m", "c 1 rwm", "c 1:3 ", NULL};
	for (const char **g = good; *g; g++)
		assert_int_equal(pm_config_set_cgroup_flag(&c, "device-cgroup-rule", *g, NULL), 0);
	assert_einval(pm_config_set_cgroup_flag(&c, "device-cgroup-rule", "c  1:3 rwm", errp),
		      "invalid device cgroup rule requires type, major:Minor, and access rules: "
		      "\"c  1:3 rwm\"");
	assert_einval(pm_config_set_cgroup_flag(&c, "device-cgroup-rule", "x 1:3 r", errp),
		      "invalid device type in device-access-add: x");
	assert_einval(pm_config_set_cgroup_flag(&c, "device-cgroup-rule", "c -1:3 r", errp),
		      "strconv.ParseUint: parsing \"-1\": invalid syntax");
	assert_einval(pm_config_set_cgroup_flag(&c, "device-cgroup-rule", "c 1:3 rq", errp),
		      "invalid device access in device-access-add: q");
	pm_spec_config_clear(&c);
}

static void test_cgroup_conf(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_config_set_cgroup_flag(&c, "cgroup-conf", "memory.high=1", NULL), 0);
	assert_einval(pm_config_set_cgroup_flag(&c, "cgroup-conf", "memory.high", errp),
		      "--cgroup-conf must be formatted KEY=VALUE");
	assert_einval(pm_config_set_cgroup_flag(&c, "cgroup-conf", "a/b.c=1", errp),
		      "invalid --cgroup-conf 'a/b.c=1': the key must be a cgroup v2 file name, "
		      "CONTROLLER.NAME (memory.high)");
	char *ctl = pm_config_cgroup_conf_controller("memory.high=1");
	assert_string_equal(ctl, "memory");
	free(ctl);
	assert_null(pm_config_cgroup_conf_controller("cgroup.max.depth=2"));
	pm_spec_config_clear(&c);
}

static void test_static_net(void **state)
{
	struct pm_container_config c = {0};
	assert_einval(pm_config_set_cgroup_flag(&c, "ip", "1.2.3", errp),
		      "\"1.2.3\" is not an ip address");
	assert_einval(pm_config_set_cgroup_flag(&c, "ip", "01.2.3.4", errp),
		      "\"01.2.3.4\" is not an ip address");
	assert_einval(pm_config_set_cgroup_flag(&c, "mac-address", "92:d0:c6:0a:29", errp),
		      "address 92:d0:c6:0a:29: invalid MAC address");
	const char *macs[] = {"92:d0:c6:0a:29:33", "92-D0-C6-0A-29-33", "0000.5e00.5301",
			      "02:00:5e:10:00:00:00:01", NULL};
	for (const char **m = macs; *m; m++)
		assert_int_equal(pm_config_set_cgroup_flag(&c, "mac-address", *m, NULL), 0);
	assert_int_equal(pm_config_cgroup_flags_check(&(struct pm_container_config){0}, NULL), 0);
	assert_einval(pm_config_cgroup_flags_check(&c, errp),
		      "invalid config provided: networks and static ip/mac address can only be "
		      "used with Bridge mode networking");
	c.network = pm_xstrdup("none");
	assert_int_equal(pm_config_set_cgroup_flag(&c, "ip6", "fd00::1", NULL), 0);
	assert_einval(pm_config_cgroup_flags_check(&c, errp),
		      "--ip6 can only be set when the network mode is bridge: invalid argument");
	free(c.network);
	c.network = NULL;
	pm_spec_config_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swappiness),    cmocka_unit_test(test_cgroupns),
		cmocka_unit_test(test_device_values), cmocka_unit_test(test_device_cgroup_rule),
		cmocka_unit_test(test_cgroup_conf),   cmocka_unit_test(test_static_net),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
