/* test-ctr-state.c: the one "mark exited" step (engine/ctr-state.h) on real records: a
 * running container whose monitor is gone becomes exited with the monitor's exit file;
 * a live monitor leaves it alone; the step waits for the container's lock and writes
 * nothing while another process holds it, nor when the lock cannot be taken at all; the
 * exit cleanup refuses a container whose init still runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/config-json.h"
#include "engine/container.h"
#include "engine/ctr-paths.h"
#include "engine/ctr-state.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "monitor/rundir.h"

struct fixture {
	char dir[64];
	struct pm_paths paths;
	struct pm_engine e;
	struct pm_container *c;
	char *rundir;
};

/* A container "running" under a monitor that is gone (no pids file), with --rootfs (no
 * storage to unmount) and an exit file saying 3 at time 12345. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/pm-test-state-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->paths.root = pm_path_join(f->dir, "root");
	f->paths.runroot = pm_path_join(f->dir, "run");
	f->e.paths = &f->paths;
	struct pm_container_config cfg = {.rootfs = "/"};
	_cleanup_free_ char *json = pm_config_to_json(&cfg);
	assert_int_equal(pm_container_create(&f->paths, "st", "", "", json, &f->c, NULL), 0);
	f->c->state.status = PM_CTR_RUNNING;
	f->c->state.pid = 999999;
	f->c->state.monitor_pid = 999998;
	assert_int_equal(pm_container_save_state(&f->paths, f->c, NULL), 0);
	f->rundir = pm_ctr_run_dir(&f->e, f->c->id);
	assert_int_equal(pm_mkdir_p(f->rundir, 0700, NULL), 0);
	_cleanup_free_ char *exitf = pm_path_join(f->rundir, PM_MON_EXIT);
	assert_int_equal(pm_write_file_atomic(exitf, "3 12345\n", 8, 0600, NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	pm_rm_rf(f->dir, NULL);
	pm_container_free(f->c);
	free(f->rundir);
	pm_paths_free(&f->paths);
	free(f);
	return 0;
}

/* The state on disk, read through a fresh record. */
static enum pm_ctr_status disk_status(struct fixture *f)
{
	_cleanup_container_ struct pm_container *c = NULL;
	assert_int_equal(pm_container_lookup(&f->paths, f->c->id, &c, NULL), 0);
	return c->state.status;
}

static void test_refresh_marks_exited(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(pm_engine_refresh(&f->e, f->c), 1);
	_cleanup_container_ struct pm_container *c = NULL;
	assert_int_equal(pm_container_lookup(&f->paths, f->c->id, &c, NULL), 0);
	assert_int_equal(c->state.status, PM_CTR_STOPPED);
	assert_int_equal(c->state.exit_code, 3);
	assert_int_equal(c->state.finished_ns, 12345);
	assert_int_equal(c->state.pid, 0);
	assert_int_equal(c->state.monitor_pid, 0);
	assert_false(pm_path_exists(f->rundir));
	/* a second refresh has nothing to do */
	assert_int_equal(pm_engine_refresh(&f->e, c), 0);
}

static void test_refresh_live_monitor(void **state)
{
	struct fixture *f = *state;
	/* we are the monitor (our start time recorded), the init is gone */
	pm_mon_write_pids(f->rundir, getpid(), 999999);
	assert_int_equal(pm_engine_refresh(&f->e, f->c), 0);
	assert_int_equal(disk_status(f), PM_CTR_RUNNING);
	assert_true(pm_path_exists(f->rundir));
}

/* Another process holds the lock: refresh waits for it, and writes nothing meanwhile. The
 * holder checks the state on disk just before it lets go. */
static void test_refresh_waits_for_lock(void **state)
{
	struct fixture *f = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		int lock = pm_container_lock(&f->paths, f->c->id, NULL);
		if (lock < 0 || write(p[1], "x", 1) != 1)
			_exit(2);
		usleep(300 * 1000);
		_exit(disk_status(f) == PM_CTR_RUNNING ? 0 : 1);
	}
	close(p[1]);
	char ch;
	assert_int_equal(read(p[0], &ch, 1), 1);
	close(p[0]);
	assert_int_equal(pm_engine_refresh(&f->e, f->c), 1);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0); /* nothing written while the lock was held */
	assert_int_equal(disk_status(f), PM_CTR_STOPPED);
}

/* The lock cannot be taken (its path is a directory): nothing is written. */
static void test_refresh_no_lock_no_write(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *name = pm_xasprintf("locks/%s.lock", f->c->id);
	_cleanup_free_ char *lockpath = pm_path_join(f->paths.runroot, name);
	unlink(lockpath); /* made by the create */
	assert_int_equal(pm_mkdir_p(lockpath, 0700, NULL), 0);
	assert_int_equal(pm_engine_refresh(&f->e, f->c), 0);
	assert_int_equal(disk_status(f), PM_CTR_RUNNING);
	assert_true(pm_path_exists(f->rundir));
	_cleanup_error_ pm_error *err = NULL;
	assert_true(pm_engine_mark_exited(&f->e, f->c, PM_EXITED_CLEANUP, NULL, &err) < 0);
	assert_non_null(strstr(err->msg, "lock"));
	assert_int_equal(disk_status(f), PM_CTR_RUNNING);
}

/* The exit cleanup refuses a container whose init still runs (here: this process). */
static void test_cleanup_refuses_live_init(void **state)
{
	struct fixture *f = *state;
	pm_mon_write_pids(f->rundir, 999998, getpid());
	_cleanup_error_ pm_error *err = NULL;
	bool stopped = true;
	assert_int_equal(pm_engine_mark_exited(&f->e, f->c, PM_EXITED_CLEANUP, &stopped, &err),
			 -EBUSY);
	assert_non_null(strstr(err->msg, "refusing to clean up"));
	assert_int_equal(disk_status(f), PM_CTR_RUNNING);
	/* once it is gone (a stop marker left by `pm stop`), the same step records the exit */
	pm_mon_write_pids(f->rundir, 999998, 999999);
	pm_mon_mark_stopped(f->rundir);
	assert_int_equal(pm_engine_mark_exited(&f->e, f->c, PM_EXITED_CLEANUP, &stopped, NULL), 1);
	assert_true(stopped);
	assert_int_equal(disk_status(f), PM_CTR_STOPPED);
	assert_int_equal(f->c->state.exit_code, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refresh_marks_exited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_live_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_waits_for_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_no_lock_no_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_refuses_live_init, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
