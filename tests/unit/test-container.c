/* test-container.c: container records: create, lookup by name/id/prefix, name races,
 * rename, state round trip, removal leaves nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

struct fixture {
	char dir[64];
	struct pm_paths paths;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/pm-test-ctr-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->paths.root = pm_path_join(f->dir, "root");
	f->paths.runroot = pm_path_join(f->dir, "run");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	pm_rm_rf(f->dir, NULL);
	pm_paths_free(&f->paths);
	free(f);
	return 0;
}

static void test_create_lookup(void **state)
{
	struct fixture *f = *state;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *c = NULL;
	assert_int_equal(pm_container_create(&f->paths, "web", "localhost/busybox:latest", "abc",
					     "{\"Cmd\":[\"true\"]}", &c, &err),
			 0);
	assert_int_equal(strlen(c->id), 64);
	assert_string_equal(c->name, "web");

	_cleanup_container_ struct pm_container *byname = NULL, *byid = NULL, *byprefix = NULL;
	assert_int_equal(pm_container_lookup(&f->paths, "web", &byname, &err), 0);
	assert_string_equal(byname->id, c->id);
	assert_string_equal(byname->config_json, "{\"Cmd\":[\"true\"]}");
	assert_int_equal(pm_container_lookup(&f->paths, c->id, &byid, &err), 0);
	char prefix[13];
	memcpy(prefix, c->id, 12);
	prefix[12] = 0;
	assert_int_equal(pm_container_lookup(&f->paths, prefix, &byprefix, &err), 0);
	assert_string_equal(byprefix->name, "web");
}

static void test_name_taken(void **state)
{
	struct fixture *f = *state;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *a = NULL, *b = NULL;
	assert_int_equal(pm_container_create(&f->paths, "x", "img", "id", "{}", &a, &err), 0);
	assert_int_equal(pm_container_create(&f->paths, "x", "img", "id", "{}", &b, &err), -EEXIST);
	assert_non_null(strstr(err->msg, "\"x\" is already in use"));
	/* nothing half-made: still exactly one record */
	struct pm_container **list = NULL;
	size_t n = 0;
	assert_int_equal(pm_container_list(&f->paths, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	pm_container_list_free(list, n);
}

static void test_bad_name(void **state)
{
	struct fixture *f = *state;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *c = NULL;
	assert_int_equal(pm_container_create(&f->paths, "-bad", "img", "id", "{}", &c, &err),
			 -EINVAL);
	assert_non_null(strstr(err->msg, "'-bad'"));
	assert_false(pm_container_name_valid("a/b"));
	assert_false(pm_container_name_valid(""));
	assert_true(pm_container_name_valid("a.b-c_1"));
}

static void test_not_found_and_ambiguous(void **state)
{
	struct fixture *f = *state;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *c = NULL;
	assert_int_equal(pm_container_lookup(&f->paths, "nosuch", &c, &err), -ENOENT);
	assert_string_equal(err->msg,
			    "no container with name or ID \"nosuch\" found: no such container");
	/* Create until two ids share a first hex digit, then look up by that digit. */
	char first[16] = {0};
	for (int i = 0; i < 40; i++) {
		_cleanup_container_ struct pm_container *x = NULL;
		assert_int_equal(pm_container_create(&f->paths, NULL, "img", "id", "{}", &x, NULL),
				 0);
		int d = x->id[0] >= 'a' ? x->id[0] - 'a' + 10 : x->id[0] - '0';
		if (first[d]++) {
			pm_error *e2 = NULL;
			struct pm_container *y = NULL;
			char p[2] = {x->id[0], 0};
			assert_int_equal(pm_container_lookup(&f->paths, p, &y, &e2), -EINVAL);
			assert_non_null(strstr(e2->msg, "ambiguous"));
			pm_error_free(e2);
			return;
		}
	}
	fail_msg("no two ids shared a first digit in 40 tries");
}

static void test_state_roundtrip_and_remove(void **state)
{
	struct fixture *f = *state;
	_cleanup_container_ struct pm_container *c = NULL, *again = NULL;
	assert_int_equal(pm_container_create(&f->paths, "s", "img", "id", "{}", &c, NULL), 0);
	c->state.status = PM_CTR_STOPPED;
	c->state.exit_code = 42;
	c->state.started_ns = 123;
	c->state.mountpoint = pm_xstrdup("/mnt/x");
	assert_int_equal(pm_container_save_state(&f->paths, c, NULL), 0);
	assert_int_equal(pm_container_lookup(&f->paths, "s", &again, NULL), 0);
	assert_int_equal(again->state.status, PM_CTR_STOPPED);
	assert_int_equal(again->state.exit_code, 42);
	assert_int_equal(again->state.started_ns, 123);
	assert_string_equal(again->state.mountpoint, "/mnt/x");
	assert_string_equal(pm_ctr_status_string(again->state.status), "exited");

	assert_int_equal(pm_container_remove_record(&f->paths, c, NULL), 0);
	assert_false(pm_path_exists(c->dir));
	_cleanup_free_ char *link = pm_xasprintf("%s/db/names/s", f->paths.root);
	assert_false(pm_path_exists(link));
	/* the name is free again */
	_cleanup_container_ struct pm_container *d = NULL;
	assert_int_equal(pm_container_create(&f->paths, "s", "img", "id", "{}", &d, NULL), 0);
}

/* Names are not hex so a lookup cannot fall back to an id prefix. */
static void test_rename(void **state)
{
	struct fixture *f = *state;
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_container_ struct pm_container *a = NULL, *b = NULL, *c = NULL;
	assert_int_equal(pm_container_create(&f->paths, "ga", "img", "id", "{}", &a, NULL), 0);
	assert_int_equal(pm_container_create(&f->paths, "gb", "img", "id", "{}", &b, NULL), 0);
	assert_int_equal(pm_container_rename(&f->paths, a, "gb", &err), -EEXIST);
	assert_int_equal(pm_container_rename(&f->paths, a, "gc", NULL), 0);
	assert_int_equal(pm_container_lookup(&f->paths, "gc", &c, NULL), 0);
	assert_string_equal(c->id, a->id);
	struct pm_container *gone = NULL;
	assert_int_equal(pm_container_lookup(&f->paths, "ga", &gone, NULL), -ENOENT);
}

/* Far more containers than adjective_name pairs: generated names never run out. */
static void test_many_generated_names(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 700; i++) {
		_cleanup_container_ struct pm_container *c = NULL;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_container_create(&f->paths, NULL, "img", "id", "{}", &c, &err) < 0)
			fail_msg("container %d: %s", i, err->msg);
		assert_true(pm_container_name_valid(c->name));
	}
}

/* A state.json left empty by a crash reads as exited, so the container can be removed. */
static void test_torn_state(void **state)
{
	struct fixture *f = *state;
	_cleanup_container_ struct pm_container *c = NULL, *again = NULL;
	assert_int_equal(pm_container_create(&f->paths, "torn", "img", "id", "{}", &c, NULL), 0);
	c->state.status = PM_CTR_RUNNING;
	assert_int_equal(pm_container_save_state(&f->paths, c, NULL), 0);
	_cleanup_free_ char *path = pm_path_join(c->dir, "state.json");
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(pm_container_lookup(&f->paths, "torn", &again, NULL), 0);
	assert_int_equal(again->state.status, PM_CTR_STOPPED);
	assert_int_equal(pm_container_remove_record(&f->paths, again, NULL), 0);
}

/* A read that got the head of one version and the tail of another of the same length (a
 * lock-free reader's file rewritten under it) is refused as damaged, not taken as a state:
 * here "created" at pid 1111 torn with "running" at pid 2222. A version read whole, and a
 * file without Gen/GenEnd (older pm, a hand edit), are read as they are. */
static void test_torn_same_length_state(void **state)
{
	struct fixture *f = *state;
	_cleanup_container_ struct pm_container *c = NULL, *again = NULL;
	assert_int_equal(pm_container_create(&f->paths, "tear", "img", "id", "{}", &c, NULL), 0);
	_cleanup_free_ char *path = pm_path_join(c->dir, "state.json");
	c->state.status = PM_CTR_CONFIGURED;
	c->state.pid = 1111;
	assert_int_equal(pm_container_save_state(&f->paths, c, NULL), 0);
	_cleanup_free_ char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	assert_int_equal(pm_read_file(path, 4096, &a, &la, NULL), 0);
	c->state.status = PM_CTR_RUNNING;
	c->state.pid = 2222;
	assert_int_equal(pm_container_save_state(&f->paths, c, NULL), 0);
	assert_int_equal(pm_read_file(path, 4096, &b, &lb, NULL), 0);
	assert_int_equal(la, lb);
	assert_non_null(strstr(a, "\"Gen\":"));
	assert_non_null(strstr(a, "\"GenEnd\":"));
	/* whole: read as written */
	assert_int_equal(pm_container_lookup(&f->paths, "tear", &again, NULL), 0);
	assert_int_equal(again->state.status, PM_CTR_RUNNING);
	assert_int_equal(again->state.pid, 2222);
	assert_false(again->state.damaged);
	pm_container_free(again);
	again = NULL;
	/* torn: b's head (its Gen, "running", pid 2222), a's tail (its GenEnd) */
	memcpy(b + lb / 2, a + la / 2, la - la / 2);
	assert_int_equal(pm_write_file_atomic(path, b, lb, 0600, NULL), 0);
	assert_int_equal(pm_container_lookup(&f->paths, "tear", &again, NULL), 0);
	assert_true(again->state.damaged);
	assert_int_equal(again->state.status, PM_CTR_STOPPED); /* "exited" */
	pm_container_free(again);
	again = NULL;
	/* no Gen/GenEnd at all: as it is */
	const char *old = "{\"Status\":\"running\",\"Pid\":3333}\n";
	assert_int_equal(pm_write_file_atomic(path, old, strlen(old), 0600, NULL), 0);
	assert_int_equal(pm_container_lookup(&f->paths, "tear", &again, NULL), 0);
	assert_false(again->state.damaged);
	assert_int_equal(again->state.pid, 3333);
	assert_int_equal(pm_container_remove_record(&f->paths, again, NULL), 0);
}

static void assert_same_record(const struct pm_container *a, const struct pm_container *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->image_name, b->image_name);
	assert_string_equal(a->image_id, b->image_id);
	assert_int_equal(a->created_ns, b->created_ns);
	assert_string_equal(a->config_json, b->config_json);
	assert_int_equal(a->state.status, b->state.status);
	assert_int_equal(a->state.pid, b->state.pid);
	assert_int_equal(a->state.monitor_pid, b->state.monitor_pid);
	assert_int_equal(a->state.exit_code, b->state.exit_code);
	assert_int_equal(a->state.started_ns, b->state.started_ns);
	assert_int_equal(a->state.finished_ns, b->state.finished_ns);
	assert_int_equal(a->state.oom_killed, b->state.oom_killed);
	assert_int_equal(a->state.restart_count, b->state.restart_count);
	if (a->state.mountpoint || b->state.mountpoint)
		assert_string_equal(a->state.mountpoint, b->state.mountpoint);
	assert_int_equal(pm_strv_length(a->state.ports), pm_strv_length(b->state.ports));
	for (size_t i = 0; i < pm_strv_length(a->state.ports); i++)
		assert_string_equal(a->state.ports[i], b->state.ports[i]);
}

/* The listing reads records with lib/jscan and falls back to jansson on anything it does not
 * know: both readers give the same container. */
static void test_list_fast_and_fallback_agree(void **state)
{
	struct fixture *f = *state;
	_cleanup_container_ struct pm_container *c = NULL, *slow = NULL;
	assert_int_equal(pm_container_create(
				 &f->paths, "rw", "localhost/i:1", "abc",
				 "{\"Command\":[\"sh\",\"-c\",\"echo \\\"\u00e9\\\"\"]}", &c, NULL),
			 0);
	c->state = (struct pm_ctr_state){
		.status = PM_CTR_RUNNING,
		.pid = 77,
		.monitor_pid = 76,
		.exit_code = 137,
		.started_ns = 1795405094351140569LL,
		.finished_ns = 1795405094422706367LL,
		.oom_killed = true,
		.restart_count = 3,
		.mountpoint = pm_xstrdup("/m/\"q\""),
		.ports = pm_strv_split("8080:80/tcp 9000-9001:90-91/udp", " ")};
	assert_int_equal(pm_container_save_state(&f->paths, c, NULL), 0);
	struct pm_container **list = NULL;
	size_t n = 0;
	assert_int_equal(pm_container_list(&f->paths, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_same_record(c, list[0]);
	pm_container_list_free(list, n);

	/* a key the fast reader does not know, escapes and spaces: jansson's turn, same result */
	_cleanup_free_ char *spath = pm_path_join(c->dir, "state.json");
	_cleanup_free_ char *st = NULL;
	assert_int_equal(pm_read_file(spath, 65536, &st, NULL, NULL), 0);
	_cleanup_free_ char *st2 = pm_xasprintf("{ \"Future\": {\"x\": [1]}, %s", st + 1);
	assert_int_equal(pm_write_file_atomic(spath, st2, strlen(st2), 0600, NULL), 0);
	_cleanup_free_ char *cpath = pm_path_join(c->dir, "config.json");
	_cleanup_free_ char *cfg = NULL;
	assert_int_equal(pm_read_file(cpath, 65536, &cfg, NULL, NULL), 0);
	_cleanup_free_ char *cfg2 = pm_xasprintf("{\"N\\u0061me\":\"rw\", %s", cfg + 1);
	assert_int_equal(pm_write_file_atomic(cpath, cfg2, strlen(cfg2), 0600, NULL), 0);
	assert_int_equal(pm_container_list(&f->paths, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_same_record(c, list[0]);
	pm_container_list_free(list, n);
	assert_int_equal(pm_container_lookup(&f->paths, "rw", &slow, NULL), 0);
	assert_same_record(c, slow);
}

/* 8 processes race for one name: exactly one wins. */
static void test_name_race(void **state)
{
	struct fixture *f = *state;
	pid_t pids[8];
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct pm_container *c = NULL;
			_exit(pm_container_create(&f->paths, "race", "img", "id", "{}", &c, NULL) ==
					      0
				      ? 0
				      : 1);
		}
	}
	int wins = 0;
	for (int i = 0; i < 8; i++) {
		int st;
		waitpid(pids[i], &st, 0);
		wins += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	assert_int_equal(wins, 1);
	struct pm_container **list = NULL;
	size_t n = 0;
	assert_int_equal(pm_container_list(&f->paths, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	pm_container_list_free(list, n);
}

static void test_is_running(void **state)
{
	(void)state;
	struct pm_container c = {0};
	const bool want[] = {[PM_CTR_CONFIGURED] = false,
			     [PM_CTR_RUNNING] = true,
			     [PM_CTR_PAUSED] = true,
			     [PM_CTR_STOPPED] = false,
			     [PM_CTR_REMOVING] = false};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		c.state.status = (enum pm_ctr_status)i;
		assert_int_equal(pm_ctr_is_running(&c), want[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found_and_ambiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_roundtrip_and_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_same_length_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_fast_and_fallback_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_generated_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_race, setup, teardown),
		cmocka_unit_test(test_is_running),
	};
	return cmocka_run_group_tests_name("container", tests, NULL, NULL);
}
