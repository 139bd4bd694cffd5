/* test-spawn.c: unit tests for lib/spawn: output and status captured, the size cap, stdin
 * /dev/null, no inherited fds, an exec failure's message, the timeout killing a hanging
 * helper, stdin and stderr from and to given fds. Runs /bin/sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/spawn.h"
#include "lib/strutil.h"

static void test_output_and_status(void **state)
{
	(void)state;
	char *const argv[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
	_cleanup_free_ char *out = NULL;
	int status = 0;
	assert_int_equal(pm_run_capture(NULL, argv, 4096, 10000, &out, &status), 0);
	assert_string_equal(out, "out\nerr\n");
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
}

static void test_cap(void **state)
{
	(void)state;
	/* 100000 bytes: more than a pipe holds, so the helper only finishes if the rest is
	 * drained */
	char *const argv[] = {"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x; exit 0",
			      NULL};
	_cleanup_free_ char *out = NULL;
	int status = -1;
	assert_int_equal(pm_run_capture(NULL, argv, 10, 10000, &out, &status), 0);
	assert_string_equal(out, "xxxxxxxxxx");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_stdin_and_fds(void **state)
{
	(void)state;
	/* an fd without O_CLOEXEC must not reach the helper */
	int leak = open("/dev/null", O_RDONLY);
	assert_true(leak >= 3);
	_cleanup_free_ char *script = pm_xasprintf(
		"cat; if [ -e /proc/self/fd/%d ]; then echo leaked; fi; echo done", leak);
	char *const argv[] = {"/bin/sh", "-c", script, NULL};
	_cleanup_free_ char *out = NULL;
	int status = -1;
	assert_int_equal(pm_run_capture(NULL, argv, 4096, 10000, &out, &status), 0);
	close(leak);
	assert_string_equal(out, "done\n");
}

static void test_exec_failure(void **state)
{
	(void)state;
	char *const argv[] = {"/nonexistent/tool", "--version", NULL};
	_cleanup_free_ char *out = NULL;
	int status = 0;
	assert_int_equal(pm_run_capture(NULL, argv, 4096, 10000, &out, &status), 0);
	assert_string_equal(out, "cannot execute '/nonexistent/tool': No such file or directory");
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 127);
}

static void test_timeout(void **state)
{
	(void)state;
	char *const argv[] = {"/bin/sh", "-c", "echo started; exec sleep 60", NULL};
	_cleanup_free_ char *out = NULL;
	int status = 0;
	assert_int_equal(pm_run_capture(NULL, argv, 4096, 200, &out, &status), -ETIMEDOUT);
	assert_string_equal(out, "started\n");
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* pm_run_capture_fds: stdin from an fd, stderr kept apart in another */
static void test_fds(void **state)
{
	(void)state;
	int in = memfd_create("in", MFD_CLOEXEC), err = memfd_create("err", MFD_CLOEXEC);
	assert_true(in >= 3 && err >= 3);
	assert_int_equal(write(in, "fed\n", 4), 4);
	assert_int_equal(lseek(in, 0, SEEK_SET), 0);
	char *const argv[] = {"/bin/sh", "-c", "cat; echo oops >&2", NULL};
	_cleanup_free_ char *out = NULL;
	int status = -1;
	assert_int_equal(pm_run_capture_fds(NULL, argv, in, err, 4096, 10000, &out, &status), 0);
	assert_string_equal(out, "fed\n");
	char buf[16] = {0};
	assert_int_equal(pread(err, buf, sizeof(buf) - 1, 0), 5);
	assert_string_equal(buf, "oops\n");
	close(in);
	close(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_status), cmocka_unit_test(test_cap),
		cmocka_unit_test(test_stdin_and_fds),	  cmocka_unit_test(test_exec_failure),
		cmocka_unit_test(test_timeout),		  cmocka_unit_test(test_fds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
