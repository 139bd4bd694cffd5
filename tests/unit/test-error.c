/* test-error.c: unit tests for lib/error (pm_error values, context prefixes, exit statuses)
 * and lib/log (level parsing, output format and filtering). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/log.h"

static void test_set(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_error_set(&err, ENOENT, "container '%s' not found", "web"), -ENOENT);
	assert_non_null(err);
	assert_int_equal(err->code, ENOENT);
	assert_int_equal(err->status, 0);
	assert_string_equal(err->msg, "container 'web' not found");
	assert_int_equal(pm_error_exit_status(err), PM_EXIT_ERROR);
}

static void test_set_keeps_first(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	pm_error_set(&err, EINVAL, "first");
	/* A second error does not replace the first (the root cause wins). */
	assert_int_equal(pm_error_set(&err, ENOENT, "second"), -ENOENT);
	assert_int_equal(err->code, EINVAL);
	assert_string_equal(err->msg, "first");
	assert_int_equal(pm_error_set_status(&err, 127, ENOENT, "third"), -ENOENT);
	assert_int_equal(err->status, 0);
	assert_string_equal(err->msg, "first");
}

static void test_set_null_and_bad_code(void **state)
{
	assert_int_equal(pm_error_set(NULL, EPERM, "x"), -EPERM);
	assert_int_equal(pm_error_set_errno(NULL, EPERM, "x"), -EPERM);
	assert_int_equal(pm_error_set_status(NULL, 126, EACCES, "x"), -EACCES);
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_error_set(&err, 0, "zero"), -EIO);
	assert_int_equal(err->code, EIO);
	_cleanup_error_ pm_error *err2 = NULL;
	assert_int_equal(pm_error_set(&err2, -5, "negative"), -EIO);
	_cleanup_error_ pm_error *err3 = NULL;
	assert_int_equal(pm_error_set_errno(&err3, 0, "zero"), -EIO);
	assert_string_equal(err3->msg, "zero: Input/output error");
}

static void test_set_errno(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_error_set_errno(&err, EACCES, "opening '%s'", "/x"), -EACCES);
	assert_string_equal(err->msg, "opening '/x': Permission denied");
	assert_int_equal(err->code, EACCES);
}

static void test_set_status(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_error_set_status(&err, PM_EXIT_NOT_FOUND, ENOENT,
					     "executable '%s' not found", "foo"),
			 -ENOENT);
	assert_int_equal(err->status, 127);
	assert_int_equal(pm_error_exit_status(err), 127);
	assert_string_equal(err->msg, "executable 'foo' not found");
	_cleanup_error_ pm_error *e2 = NULL;
	pm_error_set_status(&e2, PM_EXIT_CANNOT_INVOKE, EACCES, "x");
	assert_int_equal(pm_error_exit_status(e2), 126);
	assert_int_equal(pm_error_exit_status(NULL), 125);
}

static void test_prefix(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_error_prefix(&err, "ctx"), -EIO); /* nothing to prefix */
	assert_null(err);
	assert_int_equal(pm_error_prefix(NULL, "ctx"), -EIO);
	pm_error_set_errno(&err, ENOSPC, "writing '%s'", "/a");
	assert_int_equal(pm_error_prefix(&err, "creating container '%s'", "c1"), -ENOSPC);
	assert_string_equal(err->msg,
			    "creating container 'c1': writing '/a': No space left on device");
	pm_error_prefix(&err, "run");
	assert_string_equal(err->msg,
			    "run: creating container 'c1': writing '/a': No space left on device");
	assert_int_equal(err->code, ENOSPC);
}

static void test_error_free(void **state)
{
	assert_null(pm_error_free(NULL));
	pm_error *err = NULL;
	pm_error_set(&err, EIO, "x");
	assert_null(pm_error_free(err));
}

static int set_v(pm_error **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int set_v(pm_error **err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = pm_error_setv(err, code, fmt, ap);
	va_end(ap);
	return r;
}

static void test_setv(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(set_v(&err, E2BIG, "%d-%s", 7, "x"), -E2BIG);
	assert_string_equal(err->msg, "7-x");
}

static void test_log_parse_level(void **state)
{
	assert_int_equal(pm_log_parse_level("trace"), PM_LOG_TRACE);
	assert_int_equal(pm_log_parse_level("debug"), PM_LOG_DEBUG);
	assert_int_equal(pm_log_parse_level("info"), PM_LOG_INFO);
	assert_int_equal(pm_log_parse_level("warn"), PM_LOG_WARN);
	assert_int_equal(pm_log_parse_level("warning"), PM_LOG_WARN);
	assert_int_equal(pm_log_parse_level("error"), PM_LOG_ERROR);
	assert_int_equal(pm_log_parse_level("fatal"), PM_LOG_ERROR);
	assert_int_equal(pm_log_parse_level("panic"), PM_LOG_ERROR);
	assert_int_equal(pm_log_parse_level("DEBUG"), -EINVAL);
	assert_int_equal(pm_log_parse_level(""), -EINVAL);
	assert_int_equal(pm_log_parse_level("verbose"), -EINVAL);
	assert_int_equal(pm_log_parse_level(NULL), -EINVAL);
}

/* Run pm_log with stderr redirected to a temp file; return what was written. */
static char *capture_log(int level, const char *text)
{
	char path[] = "/tmp/pm-test-log-XXXXXX";
	int fd = mkostemp(path, O_CLOEXEC);
	assert_true(fd >= 0);
	unlink(path);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	errno = ENOTTY;
	pm_log(level, "%s", text);
	assert_int_equal(errno, ENOTTY); /* pm_log preserves errno */
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char *buf = calloc(1, 4096);
	assert_non_null(buf);
	assert_true(pread(fd, buf, 4095, 0) >= 0);
	close(fd);
	return buf;
}

static void test_log_output(void **state)
{
	int old = pm_log_level;
	pm_log_level = PM_LOG_WARN;
	_cleanup_free_ char *w = capture_log(PM_LOG_WARN, "disk almost full");
	assert_string_equal(w, "WARN[0000] disk almost full\n");
	_cleanup_free_ char *e = capture_log(PM_LOG_ERROR, "bad");
	assert_string_equal(e, "ERRO[0000] bad\n");
	_cleanup_free_ char *d = capture_log(PM_LOG_DEBUG, "hidden");
	assert_string_equal(d, ""); /* filtered at warn level */
	pm_log_level = PM_LOG_DEBUG;
	_cleanup_free_ char *d2 = capture_log(PM_LOG_DEBUG, "shown");
	assert_string_equal(d2, "DEBU[0000] shown\n");
	_cleanup_free_ char *i = capture_log(PM_LOG_INFO, "info");
	assert_string_equal(i, "INFO[0000] info\n");
	pm_log_level = PM_LOG_TRACE;
	_cleanup_free_ char *t = capture_log(PM_LOG_TRACE, "trace");
	assert_string_equal(t, "TRAC[0000] trace\n");
	pm_log_level = old;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_keeps_first),
		cmocka_unit_test(test_set_null_and_bad_code),
		cmocka_unit_test(test_set_errno),
		cmocka_unit_test(test_set_status),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_error_free),
		cmocka_unit_test(test_setv),
		cmocka_unit_test(test_log_parse_level),
		cmocka_unit_test(test_log_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
