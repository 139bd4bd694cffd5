/* test-containerfile-fuzz.c: replays every file of tests/fuzz/corpus-containerfile/
 * through the fuzz target of the Containerfile parser (builder/containerfile.c) and the
 * .containerignore reader, so `make unit` checks the fuzz invariants on the seed corpus and
 * on every input the fuzzer once found (`make fuzz` runs the fuzzer itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../fuzz/fuzz-containerfile.c"
#include "fuzz-replay.h"

static void test_fuzz_corpus(void **state)
{
	fuzz_replay_corpus("containerfile", 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
