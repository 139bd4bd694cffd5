/* test-containerfile-fuzz.c: replays every file of tests/fuzz/corpus-containerfile/
 * through the fuzz target of the Containerfile parser (builder/containerfile.c) and the
 * .containerignore reader, so `make unit` checks the fuzz invariants on the seed corpus and
 * on every input the fuzzer once found (`make fuzz` runs the fuzzer itself). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../fuzz/fuzz-containerfile.c"

static void test_fuzz_corpus(void **state)
{
	const char *dirs[] = {"tests/fuzz/corpus-containerfile", "../fuzz/corpus-containerfile",
			      "../../tests/fuzz/corpus-containerfile"};
	DIR *d = NULL;
	const char *dir = NULL;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !d; i++) {
		d = opendir(dirs[i]);
		dir = dirs[i];
	}
	if (!d)
		fail_msg("corpus tests/fuzz/corpus-containerfile not found (run from the repo "
			 "root)");
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "re");
		assert_non_null(f);
		static char buf[65536];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
		count++;
	}
	closedir(d);
	assert_true(count >= 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
