/* test-cg-limits.c: unit tests for the pure parts of resource limits: the cpuset parser
 * (systemd/limits.h, AllowedCPUs' bitmask), the shares and blkio weight conversions, the
 * --cgroups mode, containers.conf's cgroup_manager (lib/containers-conf.h), and the
 * resource flags' parsers and cross checks (engine/validate.h) with their messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/spec.h"
#include "engine/validate.h"
#include "lib/containers-conf.h"
#include "lib/strutil.h"
#include "systemd/limits.h"

static void test_cpuset(void **state)
{
	uint8_t *mask = NULL;
	size_t n = 0;
	assert_int_equal(pm_cg_parse_cpuset("0", &mask, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mask[0], 0x01);
	free(mask);
	assert_int_equal(pm_cg_parse_cpuset("0-3,5,8-9", &mask, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(mask[0], 0x2f);
	assert_int_equal(mask[1], 0x03);
	free(mask);
	assert_int_equal(pm_cg_parse_cpuset("8191", NULL, NULL), 0);
	const char *bad[] = {"", "0-", "a", "3-1", "1,", ",1", "1-2-3", "8192", "-1", "1 ", NULL};
	for (const char **b = bad; *b; b++) {
		mask = (uint8_t *)0x1;
		assert_int_equal(pm_cg_parse_cpuset(*b, &mask, &n), -EINVAL);
		assert_null(mask);
	}
	assert_int_equal(pm_cg_parse_cpuset(NULL, NULL, NULL), -EINVAL);
}

static void test_weights(void **state)
{
	assert_int_equal(pm_cg_shares_to_weight(0), 0);
	assert_int_equal(pm_cg_shares_to_weight(2), 1);
	assert_int_equal(pm_cg_shares_to_weight(1024), 39);
	assert_int_equal(pm_cg_shares_to_weight(512), 20);
	assert_int_equal(pm_cg_shares_to_weight(262144), 10000);
	assert_int_equal(pm_cg_blkio_to_io_weight(0), 0);
	assert_int_equal(pm_cg_blkio_to_io_weight(10), 1);
	assert_int_equal(pm_cg_blkio_to_io_weight(1000), 10000);
	assert_int_equal(pm_cg_blkio_to_io_weight(500), 4950);
}

static void test_mode(void **state)
{
	enum pm_cg_mode m;
	assert_int_equal(pm_cg_mode_parse(NULL, &m, NULL), 0);
	assert_int_equal(m, PM_CG_ENABLED);
	assert_int_equal(pm_cg_mode_parse("split", &m, NULL), 0);
	assert_int_equal(m, PM_CG_SPLIT);
	assert_int_equal(pm_cg_mode_parse("no-conmon", &m, NULL), 0);
	assert_int_equal(m, PM_CG_NO_CONMON);
	assert_int_equal(pm_cg_mode_parse("disabled", &m, NULL), 0);
	assert_int_equal(m, PM_CG_DISABLED);
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_cg_mode_parse("foo", &m, &err), -EINVAL);
	assert_string_equal(err->msg, "invalid cgroup mode \"foo\": invalid argument (use enabled, "
				      "disabled, no-conmon or split)");
}

static void test_conf(void **state)
{
	char *v = pm_conf_parse_cgroup_manager("[engine]\ncgroup_manager = \"cgroupfs\"\n");
	assert_string_equal(v, "cgroupfs");
	free(v);
	v = pm_conf_parse_cgroup_manager(
		"# c\n[containers]\ncgroup_manager = \"x\"\n[engine]\n"
		"  cgroup_manager='systemd'  # comment\n[engine.runtimes]\n"
		"cgroup_manager = \"y\"\n");
	assert_string_equal(v, "systemd");
	free(v);
	assert_null(pm_conf_parse_cgroup_manager("[engine]\n#cgroup_manager = \"systemd\"\n"));
	assert_null(pm_conf_parse_cgroup_manager(""));
	assert_null(pm_conf_parse_cgroup_manager(NULL));
	assert_true(pm_conf_cgroup_manager_valid("systemd"));
	assert_true(pm_conf_cgroup_manager_valid("cgroupfs"));
	assert_false(pm_conf_cgroup_manager_valid("upstart"));
	assert_false(pm_conf_cgroup_manager_valid(NULL));
	/* [containers] keys: quoted, bare, the last one wins, other tables ignored */
	const char *t = "[engine]\numask = \"0700\"\n[containers]\ncgroupns = \"host\"\n"
			"pids_limit = 0 # none\n#tz = \"x\"\numask='0077'\numask = \"0007\"\n";
	v = pm_conf_parse_value(t, "containers", "cgroupns");
	assert_string_equal(v, "host");
	free(v);
	v = pm_conf_parse_value(t, "containers", "pids_limit");
	assert_string_equal(v, "0");
	free(v);
	v = pm_conf_parse_value(t, "containers", "umask");
	assert_string_equal(v, "0007");
	free(v);
	assert_null(pm_conf_parse_value(t, "containers", "tz"));
	assert_null(pm_conf_parse_value(NULL, "containers", "tz"));
	/* all of them in one pass: the same answers */
	const char *keys[] = {"umask", "tz", "cgroupns", "pids_limit"};
	char *vals[4];
	pm_conf_parse_values(t, "containers", keys, 4, vals);
	assert_string_equal(vals[0], "0007");
	assert_null(vals[1]);
	assert_string_equal(vals[2], "host");
	assert_string_equal(vals[3], "0");
	for (size_t i = 0; i < 4; i++)
		free(vals[i]);
}

#define assert_einval(call, want)                                                                  \
	do {                                                                                       \
		_cleanup_error_ pm_error *err = NULL;                                              \
		pm_error **errp = &err;                                                            \
		assert_int_equal((call), -EINVAL);                                                 \
		assert_non_null(err);                                                              \
		assert_string_equal(err->msg, (want));                                             \
	} while (0)

static void test_resource_flags(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_config_set_resource(&c, "memory-swap", "-1", NULL), 0);
	assert_int_equal(c.memory_swap, -1);
	assert_int_equal(pm_config_set_resource(&c, "memory-swap", "128m", NULL), 0);
	assert_int_equal(c.memory_swap, 128 << 20);
	assert_int_equal(pm_config_set_resource(&c, "memory-reservation", "1g", NULL), 0);
	assert_int_equal(c.memory_reservation, 1 << 30);
	assert_int_equal(pm_config_set_resource(&c, "cpu-quota", "50000", NULL), 0);
	assert_int_equal(c.cpu_quota, 50000);
	assert_int_equal(pm_config_set_resource(&c, "cpu-period", "100000", NULL), 0);
	assert_int_equal(pm_config_set_resource(&c, "cpuset-cpus", "0-1", NULL), 0);
	assert_string_equal(c.cpuset_cpus, "0-1");
	assert_int_equal(pm_config_set_resource(&c, "blkio-weight", "500", NULL), 0);
	assert_int_equal(c.blkio_weight, 500);
	assert_einval(
		pm_config_set_resource(&c, "memory-reservation", "12q", errp),
		"invalid --memory-reservation '12q': use <number>[<unit>], where unit = b, k, "
		"m or g");
	assert_einval(pm_config_set_resource(&c, "cpuset-cpus", "0-", errp),
		      "invalid value 0- for cpuset cpus");
	assert_einval(pm_config_set_resource(&c, "cpuset-mems", "a", errp),
		      "invalid value a for cpuset mems");
	assert_einval(
		pm_config_set_resource(&c, "cpu-quota", "100", errp),
		"invalid --cpu-quota '100': CPU cfs quota cannot be less than 1ms (i.e. 1000)");
	assert_einval(pm_config_set_resource(&c, "blkio-weight", "5", errp),
		      "invalid --blkio-weight '5': must be between 10 and 1000");
	assert_einval(pm_config_set_resource(&c, "cpu-shares", "-1", errp),
		      "invalid argument \"-1\" for \"-c, --cpu-shares\" flag: strconv.ParseUint: "
		      "parsing \"-1\": invalid syntax");
	assert_int_equal(c.blkio_weight, 500); /* a refused value changes nothing */
	pm_spec_config_clear(&c);

	uint64_t m;
	assert_einval(pm_config_parse_memory("4m", &m, errp),
		      "invalid --memory '4m': minimum memory limit allowed is 6MB");
	assert_int_equal(pm_config_parse_memory("6m", &m, NULL), 0);
}

static void test_resource_checks(void **state)
{
	struct pm_container_config c = {.memory = 64 << 20, .memory_swap = 32 << 20};
	assert_einval(pm_config_check_resources(&c, errp),
		      "--memory-swap '33554432': minimum memoryswap limit should be larger than "
		      "memory limit, see usage");
	c = (struct pm_container_config){.memory_swap = 32 << 20};
	assert_einval(pm_config_check_resources(&c, errp),
		      "--memory-swap '33554432': you should always set a memory limit when using "
		      "a memoryswap limit, see usage");
	c = (struct pm_container_config){.cpus = 0.5, .cpu_quota = 1000};
	assert_einval(pm_config_check_resources(&c, errp),
		      "--cpu-quota and --cpus cannot be set together");
	c = (struct pm_container_config){.cpus = 100000};
	{
		_cleanup_error_ pm_error *err = NULL;
		assert_int_equal(pm_config_check_resources(&c, &err), -EINVAL);
		assert_non_null(
			strstr(err->msg, "invalid --cpus '100000': range of CPUs is from 0.01"));
	}
	c = (struct pm_container_config){.memory = 64 << 20, .memory_swap = -1, .cpus = 0.5};
	assert_int_equal(pm_config_check_resources(&c, NULL), 0);
}

/* containers.conf's [containers] default_ulimits, as podman reads it */
static void test_conf_ulimits(void **state)
{
	bool set;
	char **v = pm_conf_parse_default_ulimits(
		"[containers]\ndefault_ulimits = [\"nofile=300:400\", 'core=0']\n", &set);
	assert_true(set);
	assert_int_equal(pm_strv_length(v), 2);
	assert_string_equal(v[0], "nofile=300:400");
	assert_string_equal(v[1], "core=0");
	pm_strv_free(v);
	/* over lines, with comments; the last one wins; other tables' keys are not it */
	v = pm_conf_parse_default_ulimits("[containers]\ndefault_ulimits = [\"a=1\"]\n"
					  "default_ulimits = [\n  # one\n  \"nproc=5:6\",\n"
					  "  \"nofile=7\", # two\n]\nx = 1\n"
					  "[engine]\ndefault_ulimits = [\"no=1\"]\n",
					  &set);
	assert_true(set);
	assert_int_equal(pm_strv_length(v), 2);
	assert_string_equal(v[0], "nproc=5:6");
	assert_string_equal(v[1], "nofile=7");
	pm_strv_free(v);
	/* empty: set, no values; commented out or malformed: not set */
	assert_null(pm_conf_parse_default_ulimits("[containers]\ndefault_ulimits = []\n", &set));
	assert_true(set);
	assert_null(pm_conf_parse_default_ulimits(
		"[containers]\n#default_ulimits = [\"nofile=1\"]\n", &set));
	assert_false(set);
	assert_null(pm_conf_parse_default_ulimits("[containers]\ndefault_ulimits = [\"a\n", &set));
	assert_false(set);
	assert_null(pm_conf_parse_default_ulimits("[containers]\ndefault_ulimits = \"x\"\n", &set));
	assert_false(set);
	assert_null(pm_conf_parse_default_ulimits(NULL, &set));
	assert_false(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuset),	       cmocka_unit_test(test_weights),
		cmocka_unit_test(test_mode),	       cmocka_unit_test(test_conf),
		cmocka_unit_test(test_resource_flags), cmocka_unit_test(test_resource_checks),
		cmocka_unit_test(test_conf_ulimits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
