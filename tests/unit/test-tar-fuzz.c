/* test-tar-fuzz.c: replays every file of tests/fuzz/corpus-tar/ through the fuzz target of
 * the tar reader and extractor (storage/tar-read.c, storage/layer.c), so `make unit` checks
 * the fuzz invariants on the seed corpus and on every input the fuzzer once found (`make
 * fuzz` runs the fuzzer itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../fuzz/fuzz-tar.c"
#include "fuzz-replay.h"

static void test_fuzz_corpus(void **state)
{
	fuzz_replay_corpus("tar", 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
