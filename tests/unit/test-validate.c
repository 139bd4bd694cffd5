/* test-validate.c: unit tests for engine/validate: each parser of a user's string (memory,
 * cpus, pids-limit, stop-timeout, stop-signal, restart, detach keys, log-opt, log-driver,
 * security-opt) with a good and a bad value and podman's exact message, and the one
 * validation step of a whole configuration (what play kube, build and the API call as
 * run/create do). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "engine/validate.h"

/* Expect call (which may use errp) to fail with -EINVAL and exactly the message want. */
#define assert_einval(call, want)                                                                  \
	do {                                                                                       \
		_cleanup_error_ pm_error *err = NULL;                                              \
		pm_error **errp = &err;                                                            \
		assert_int_equal((call), -EINVAL);                                                 \
		assert_non_null(err);                                                              \
		assert_string_equal(err->msg, (want));                                             \
	} while (0)

static void test_memory(void **state)
{
	uint64_t m = 0;
	assert_int_equal(pm_config_parse_memory("64m", &m, NULL), 0);
	assert_int_equal(m, 64ull << 20);
	assert_int_equal(pm_config_parse_memory("1g", &m, NULL), 0);
	assert_int_equal(m, 1ull << 30);
	assert_einval(pm_config_parse_memory("lots", &m, errp),
		      "invalid --memory 'lots': use <number>[<unit>], where unit = b, k, m or g");
	assert_einval(pm_config_parse_memory("0", &m, errp),
		      "invalid --memory '0': use <number>[<unit>], where unit = b, k, m or g");
	assert_int_equal(m, 1ull << 30); /* untouched on failure */
}

static void test_cpus(void **state)
{
	double d = 0;
	assert_int_equal(pm_config_parse_cpus("1.5", &d, NULL), 0);
	assert_true(d == 1.5);
	assert_einval(pm_config_parse_cpus("-1", &d, errp),
		      "invalid --cpus '-1': must be a positive number");
	assert_einval(pm_config_parse_cpus("0", &d, errp),
		      "invalid --cpus '0': must be a positive number");
	assert_einval(pm_config_parse_cpus("inf", &d, errp),
		      "invalid --cpus 'inf': must be a positive number");
	assert_einval(pm_config_parse_cpus("2x", &d, errp),
		      "invalid --cpus '2x': must be a positive number");
	assert_einval(pm_config_parse_cpus("", &d, errp),
		      "invalid --cpus '': must be a positive number");
}

static void test_pids_limit(void **state)
{
	int64_t v = 0;
	assert_int_equal(pm_config_parse_pids_limit("-1", &v, NULL), 0);
	assert_int_equal(v, -1);
	assert_int_equal(pm_config_parse_pids_limit("100", &v, NULL), 0);
	assert_int_equal(v, 100);
	assert_einval(pm_config_parse_pids_limit("-2", &v, errp),
		      "invalid --pids-limit '-2': must be a number (-1 for unlimited)");
	assert_einval(pm_config_parse_pids_limit("many", &v, errp),
		      "invalid --pids-limit 'many': must be a number (-1 for unlimited)");
}

static void test_stop_timeout(void **state)
{
	int64_t v = 0;
	assert_int_equal(pm_config_parse_stop_timeout("0", &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pm_config_parse_stop_timeout("30", &v, NULL), 0);
	assert_int_equal(v, 30);
	assert_einval(pm_config_parse_stop_timeout("-1", &v, errp),
		      "invalid argument \"-1\" for \"--stop-timeout\" flag: strconv.ParseUint: "
		      "parsing \"-1\": invalid syntax");
	assert_einval(pm_config_parse_stop_timeout("99999999999", &v, errp),
		      "invalid argument \"99999999999\" for \"--stop-timeout\" flag: "
		      "strconv.ParseUint: parsing \"99999999999\": invalid syntax");
}

static void test_stop_signal(void **state)
{
	assert_int_equal(pm_config_check_stop_signal("SIGINT", NULL), 0);
	assert_int_equal(pm_config_check_stop_signal("term", NULL), 0);
	assert_int_equal(pm_config_check_stop_signal("9", NULL), 0);
	assert_einval(pm_config_check_stop_signal("SIGBOGUS", errp), "invalid signal: SIGBOGUS");
}

static void test_restart(void **state)
{
	assert_int_equal(pm_config_check_restart("always", NULL), 0);
	assert_int_equal(pm_config_check_restart("on-failure:3", NULL), 0);
	assert_int_equal(pm_config_check_restart(NULL, NULL), 0);
	assert_einval(pm_config_check_restart("sometimes", errp),
		      "\"sometimes\" is not a valid restart policy");
	assert_einval(pm_config_check_restart("on-failure:x", errp),
		      "parsing restart policy retry count: strconv.Atoi: parsing \"x\": invalid "
		      "syntax");
	assert_einval(pm_config_check_restart("always:3", errp),
		      "restart policy retries can only be specified with on-failure");
}

static void test_detach_keys(void **state)
{
	assert_int_equal(pm_config_check_detach_keys("ctrl-p,ctrl-q", NULL), 0);
	assert_int_equal(pm_config_check_detach_keys("", NULL), 0);
	assert_einval(pm_config_check_detach_keys("ctrl-1", errp),
		      "invalid detach keys: Unknown character: 'ctrl-1'");
}

static void test_log_opt(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_config_set_log_opt(&c, "max-size=1k", NULL), 0);
	assert_int_equal(c.log_max_size, 1000); /* podman's go-units FromHumanSize: decimal */
	assert_int_equal(pm_config_set_log_opt(&c, "max-size=10MiB", NULL), 0);
	assert_int_equal(c.log_max_size, 10000000);
	assert_int_equal(pm_config_set_log_opt(&c, "tag=x", NULL), 0);
	assert_einval(pm_config_set_log_opt(&c, "max-size=huge", errp), "invalid size: 'huge'");
	assert_einval(pm_config_set_log_opt(&c, "verbose", errp),
		      "invalid logging option 'verbose': use KEY=VALUE");
	assert_int_equal(c.log_max_size, 10000000); /* the bad ones left it as it was */
}

/* --log-driver: the names kept, passthrough's pairings refused by the whole step */
static void test_log_driver(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_config_set_log_driver(&c, "passthrough", NULL), 0);
	assert_string_equal(c.log_driver, "passthrough");
	assert_true(pm_log_driver_is_passthrough(c.log_driver));
	assert_int_equal(pm_config_set_log_driver(&c, "passthrough-tty", NULL), 0);
	assert_true(pm_log_driver_is_passthrough(c.log_driver));
	assert_int_equal(pm_config_set_log_driver(&c, "none", NULL), 0);
	assert_false(pm_log_driver_is_passthrough(c.log_driver));
	assert_int_equal(pm_config_set_log_driver(&c, "json-file", NULL), 0);
	assert_null(c.log_driver);
	assert_false(pm_log_driver_is_passthrough(NULL));
	assert_einval(pm_config_set_log_driver(&c, "passthroughx", errp),
		      "--log-driver 'passthroughx': invalid log driver: invalid argument");
	assert_einval(pm_config_set_log_driver(&c, "journald", errp),
		      "--log-driver 'journald': not supported: pm's containers log to a "
		      "k8s-file, not at all (none) or to the caller's streams (passthrough)");
	assert_null(c.log_driver);

	assert_int_equal(pm_config_set_log_driver(&c, "passthrough", NULL), 0);
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.tty = true;
	assert_einval(pm_container_config_validate(&c, errp),
		      "--log-driver 'passthrough' cannot be used with --tty: the container's "
		      "streams are the caller's own, a pseudo-TTY would reach nobody");
	c.tty = false;
	char *attach[] = {"stdout", NULL};
	c.attach = attach;
	assert_einval(pm_container_config_validate(&c, errp),
		      "cannot specify --attach with --log-driver=passthrough: invalid argument");
	c.attach = NULL;
	pm_spec_config_clear(&c);
}

static void test_security_opt(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_config_set_security_opt(&c, "seccomp=unconfined", NULL), 0);
	assert_string_equal(c.seccomp, "unconfined");
	assert_int_equal(pm_config_set_security_opt(&c, "no-new-privileges", NULL), 0);
	assert_true(c.no_new_privs);
	assert_int_equal(pm_config_set_security_opt(&c, "no-new-privileges:false", NULL), 0);
	assert_false(c.no_new_privs);
	assert_int_equal(pm_config_set_security_opt(&c, "label=disable", NULL), 0);
	assert_einval(pm_config_set_security_opt(&c, "selinux", errp),
		      "invalid --security-opt 'selinux'");
	pm_spec_config_clear(&c);
}

/* The whole step: each rule with a configuration as play kube or the API would fill it. */
static void test_config_validate(void **state)
{
	struct pm_container_config c = {0};
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);

	c.rm = true;
	c.restart = "always";
	assert_einval(pm_container_config_validate(&c, errp),
		      "the --rm option conflicts with --restart, when the restartPolicy is not "
		      "\"\" and \"no\"");
	c.restart = "no";
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.rm = false;
	c.restart = "whenever";
	assert_einval(pm_container_config_validate(&c, errp),
		      "\"whenever\" is not a valid restart policy");
	c.restart = "on-failure:2";
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.restart = NULL;

	c.stop_signal = "NOPE";
	assert_einval(pm_container_config_validate(&c, errp), "invalid signal: NOPE");
	c.stop_signal = "SIGKILL";
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.stop_signal = NULL;

	c.cpus = -0.5;
	assert_einval(pm_container_config_validate(&c, errp),
		      "invalid --cpus '-0.5': must be a positive number");
	c.cpus = NAN;
	assert_einval(pm_container_config_validate(&c, errp),
		      "invalid --cpus 'nan': must be a positive number");
	c.cpus = 0;

	c.pids_limit_set = true;
	c.pids_limit = -5;
	assert_einval(pm_container_config_validate(&c, errp),
		      "invalid --pids-limit '-5': must be a number (-1 for unlimited)");
	c.pids_limit = -1;
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.pids_limit_set = false;

	c.stop_timeout_set = true;
	c.stop_timeout = -3;
	assert_einval(pm_container_config_validate(&c, errp),
		      "invalid argument \"-3\" for \"--stop-timeout\" flag: strconv.ParseUint: "
		      "parsing \"-3\": invalid syntax");
	c.stop_timeout = 5;
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.stop_timeout_set = false;

	/* then the spec's own checks (engine/spec.c): namespaces, workdir, mounts, ports */
	c.uts = "shared";
	assert_einval(pm_container_config_validate(&c, errp),
		      "--uts: invalid namespace mode 'shared' (use host, private or container:ID)");
	c.uts = "host";
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.uts = NULL;
	c.workdir = "tmp";
	assert_einval(pm_container_config_validate(&c, errp),
		      "--workdir 'tmp': the working directory must be an absolute path");
	c.workdir = "/tmp";
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.workdir = NULL;
	c.userns = "bogus";
	assert_einval(pm_container_config_validate(&c, errp),
		      "unrecognized namespace mode bogus passed");
	c.userns = "keep-id";
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.userns = NULL;
	char *bad_tmpfs[] = {"relative", NULL}, *good_tmpfs[] = {"/scratch", NULL};
	c.tmpfs = bad_tmpfs;
	{
		_cleanup_error_ pm_error *err = NULL;
		assert_int_equal(pm_container_config_validate(&c, &err), -EINVAL);
		assert_non_null(strstr(err->msg, "'relative'"));
	}
	c.tmpfs = good_tmpfs;
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.tmpfs = NULL;
	char *bad_port[] = {"80:99999", NULL}, *good_port[] = {"8080:80", NULL};
	c.publish = bad_port;
	{
		_cleanup_error_ pm_error *err = NULL;
		assert_true(pm_container_config_validate(&c, &err) < 0);
		assert_non_null(strstr(err->msg, "99999"));
	}
	c.publish = good_port;
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.publish = NULL;
	char *bad_cap[] = {"CAP_BOGUS", NULL}, *good_cap[] = {"NET_ADMIN", NULL};
	c.cap_add = bad_cap;
	{
		_cleanup_error_ pm_error *err = NULL;
		assert_true(pm_container_config_validate(&c, &err) < 0);
		assert_non_null(strstr(err->msg, "BOGUS"));
	}
	c.cap_add = good_cap;
	assert_int_equal(pm_container_config_validate(&c, NULL), 0);
	c.cap_add = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory),		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_pids_limit),	cmocka_unit_test(test_stop_timeout),
		cmocka_unit_test(test_stop_signal),	cmocka_unit_test(test_restart),
		cmocka_unit_test(test_detach_keys),	cmocka_unit_test(test_log_opt),
		cmocka_unit_test(test_log_driver),	cmocka_unit_test(test_security_opt),
		cmocka_unit_test(test_config_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
