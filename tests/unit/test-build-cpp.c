/* test-build-cpp.c: unit tests for builder/cpp.c (pm_build_preprocess): cpp's output with
 * #include from the file's directory, --cpp-flag and $BUILDAH_CPPFLAGS (quoted words), a
 * failing cpp that wrote something (a warning), one that wrote nothing (one-line error).
 * Runs the host's cpp; skips when it is not installed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder/build.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

static char dir[] = "/tmp/pm-test-cpp.XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	_cleanup_free_ char *h = pm_path_join(dir, "base.h");
	FILE *f = fopen(h, "w");
	if (!f)
		return -1;
	fputs("FROM base\n", f);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	_cleanup_free_ char *h = pm_path_join(dir, "base.h");
	unlink(h);
	rmdir(dir);
	return 0;
}

static bool have_cpp(void)
{
	_cleanup_free_ char *p = pm_find_executable("cpp");
	return p != NULL;
}

static void test_include_and_flags(void **state)
{
	(void)state;
	if (!have_cpp())
		skip();
	static const char text[] = "#include \"base.h\"\nRUN echo A B\n";
	char *flags[] = {"-DB=flag", NULL};
	setenv("BUILDAH_CPPFLAGS", "'-DA=from env' -DB=env", 1);
	_cleanup_free_ char *out = NULL, *warning = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_build_preprocess("x.in", text, strlen(text), dir, "/nonexistent", flags,
					     &out, &n, &warning, &err),
			 0);
	unsetenv("BUILDAH_CPPFLAGS");
	assert_null(warning);
	assert_int_equal(n, strlen(out));
	assert_non_null(strstr(out, "FROM base\n"));
	/* the later -D wins (cpp warns of the redefinition, on stderr) */
	assert_non_null(strstr(out, "RUN echo from env flag\n"));
}

static void test_failures(void **state)
{
	(void)state;
	if (!have_cpp())
		skip();
	static const char text[] = "FROM base\n# a comment\nRUN true\n";
	_cleanup_free_ char *out = NULL, *warning = NULL;
	size_t n = 0;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_build_preprocess("x.in", text, strlen(text), NULL, dir, NULL, &out, &n,
					     &warning, &err),
			 0);
	assert_non_null(warning);
	assert_true(pm_str_startswith(warning, "Ignoring <stdin>:2: error: invalid preprocessing "
					       "directive #a"));
	assert_non_null(strstr(out, "RUN true"));

	char *bad[] = {"-Wbogus-cpp-flag", NULL};
	free(out);
	out = NULL;
	free(warning);
	warning = NULL;
	assert_true(pm_build_preprocess("x.in", text, strlen(text), NULL, dir, bad, &out, &n,
					&warning, &err) < 0);
	assert_true(pm_str_startswith(err->msg, "preprocessing x.in: preprocessor produced no "
						"output: exit status 1: "));
	assert_null(strchr(err->msg, '\n'));

	pm_error_free(err);
	err = NULL;
	setenv("BUILDAH_CPPFLAGS", "'-DA", 1);
	assert_int_equal(pm_build_preprocess("x.in", text, strlen(text), NULL, dir, NULL, &out, &n,
					     &warning, &err),
			 -EINVAL);
	unsetenv("BUILDAH_CPPFLAGS");
	assert_string_equal(err->msg, "parsing BUILDAH_CPPFLAGS ''-DA': an unterminated quote");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_include_and_flags),
		cmocka_unit_test(test_failures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
