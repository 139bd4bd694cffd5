/* test-quadlet-fuzz.c: replays every file of tests/fuzz/corpus-quadlet/ through the fuzz
 * target of the Quadlet reader and converter (quadlet/unitfile.c, quadlet/convert.c), so
 * `make unit` checks the fuzz invariants on the seed corpus (`make fuzz` runs the fuzzer
 * itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../fuzz/fuzz-quadlet.c"
#include "fuzz-replay.h"

static void test_fuzz_corpus(void **state)
{
	fuzz_replay_corpus("quadlet", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
