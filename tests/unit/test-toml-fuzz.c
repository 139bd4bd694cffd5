/* test-toml-fuzz.c: replays every file of tests/fuzz/corpus-toml/ through the fuzz
 * target of the TOML parser (lib/toml.c) and the registries.conf reader, so `make unit` checks the
 * fuzz invariants on the seed corpus and on every input the fuzzer once found (`make fuzz`
 * runs the fuzzer itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../fuzz/fuzz-toml.c"
#include "fuzz-replay.h"

static void test_fuzz_corpus(void **state)
{
	fuzz_replay_corpus("toml", 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
