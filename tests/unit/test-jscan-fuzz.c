/* test-jscan-fuzz.c: replays every file of tests/fuzz/corpus-jscan/ through the fuzz
 * target of the JSON object reader (lib/jscan.c) against jansson, so `make unit` checks the
 * fuzz invariants on the seed corpus and on every input the fuzzer once found (`make fuzz`
 * runs the fuzzer itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../fuzz/fuzz-jscan.c"
#include "fuzz-replay.h"

static void test_fuzz_corpus(void **state)
{
	fuzz_replay_corpus("jscan", 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
