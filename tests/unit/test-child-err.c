/* test-child-err.c: unit tests for runtime/child-err: the child's error record
 * (pm_child_fail) and how a dying child reports it to its parent (pm_child_die), across a
 * real fork() and sync socket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/sync.h"
#include "runtime/child-err.h"

static void test_fail_formats_step_and_cause(void **state)
{
	struct pm_child_err e = {0};
	assert_int_equal(pm_child_fail(&e, ENOENT, "opening '%s'", "/dev/ptmx"), -ENOENT);
	assert_string_equal(e.msg, "opening '/dev/ptmx': No such file or directory");
	assert_int_equal(e.status, 0);
	/* no errno: still a failure, never "Success" */
	assert_int_equal(pm_child_fail(&e, 0, "setsid"), -EIO);
	assert_string_equal(e.msg, "setsid: Input/output error");
}

/* Fork a child that dies with e (through pm_child_die); return what the parent reads. */
static void die_in_child(const struct pm_child_err *e, int r, struct pm_sync_msg *msg,
			 int *ret_wstatus)
{
	int sv[2];
	assert_int_equal(pm_sync_pair(sv, NULL), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		pm_child_die(sv[1], r, e, "the fallback");
	}
	close(sv[1]);
	assert_int_equal(pm_sync_recv(sv[0], msg), 0);
	assert_int_equal(waitpid(pid, ret_wstatus, 0), pid);
	close(sv[0]);
}

static void test_die_sends_error_and_exits_with_status(void **state)
{
	struct pm_child_err e = {0};
	e.status = PM_EXIT_NOT_FOUND;
	int r = pm_child_fail(&e, ENOENT, "executable file '%s' not found", "nope");
	struct pm_sync_msg msg;
	int ws;
	die_in_child(&e, r, &msg, &ws);
	assert_int_equal(msg.type, PM_SYNC_ERROR);
	assert_int_equal(msg.err, ENOENT);
	assert_int_equal(msg.status, PM_EXIT_NOT_FOUND);
	assert_string_equal(msg.payload,
			    "executable file 'nope' not found: No such file or directory");
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), PM_EXIT_NOT_FOUND);
}

static void test_die_without_message_uses_fallback_and_125(void **state)
{
	struct pm_child_err e = {0};
	struct pm_sync_msg msg;
	int ws;
	die_in_child(&e, 0, &msg, &ws);
	assert_int_equal(msg.type, PM_SYNC_ERROR);
	assert_int_equal(msg.err, EIO);
	assert_int_equal(msg.status, PM_EXIT_ERROR);
	assert_string_equal(msg.payload, "the fallback");
	assert_int_equal(WEXITSTATUS(ws), PM_EXIT_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_formats_step_and_cause),
		cmocka_unit_test(test_die_sends_error_and_exits_with_status),
		cmocka_unit_test(test_die_without_message_uses_fallback_and_125),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
