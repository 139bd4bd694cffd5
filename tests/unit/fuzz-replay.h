/* fuzz-replay.h: the body of every tests/unit/test-NAME-fuzz.c: replay each file of
 * tests/fuzz/corpus-NAME/ through the LLVMFuzzerTestOneInput of tests/fuzz/fuzz-NAME.c
 * (which the test includes first), so `make unit` checks the fuzz invariants on the seed
 * corpus and on every input the fuzzer once found. The corpus must hold at least
 * min_count files (a corpus emptied by mistake fails). Include after <cmocka.h>. */
#pragma once

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>

static void fuzz_replay_corpus(const char *name, size_t min_count)
{
	static const char *const prefixes[] = {"tests/fuzz", "../fuzz", "../../tests/fuzz"};
	char dir[256];
	DIR *d = NULL;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && !d; i++) {
		snprintf(dir, sizeof(dir), "%s/corpus-%s", prefixes[i], name);
		d = opendir(dir);
	}
	if (!d)
		fail_msg("corpus tests/fuzz/corpus-%s not found (run from the repo root)", name);
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
	assert_true(count >= min_count);
}
