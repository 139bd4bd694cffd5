/* fuzz-seccomp-profile.c: libFuzzer target for the seccomp profile parser and compiler
 * (runtime/seccomp.c: JSON -> typed profile -> libseccomp -> BPF).
 *
 * Invariants checked: no crash or leak; success gives a non-empty program; failure gives a
 * message naming the profile. tests/unit/test-seccomp.c includes this file and replays
 * tests/fuzz/corpus-seccomp/ in `make unit`. To fuzz (from the repo root, after `make`):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -D_GNU_SOURCE \
 *       tests/fuzz/fuzz-seccomp-profile.c runtime/seccomp.c runtime/seccomp-default.c \
 *       build/liblib.a $(pkg-config --cflags --libs jansson libseccomp) -o /tmp/fuzz-seccomp
 *   /tmp/fuzz-seccomp -max_len=4096 /tmp/corpus-copy tests/fuzz/corpus-seccomp
 *
 * libseccomp 2.5.4 itself leaks a few hundred bytes for some overlapping conditional rules
 * (once per compile, in the short-lived parent); leaks inside it are suppressed below. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/capability.h>

#include "runtime/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PM_FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(PM_FUZZ_ASAN)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libseccomp.so.2\n";
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "seccomp profile 'fuzz': ";
	/* podman's default capabilities, so cap-conditional rules go both ways. */
	const uint64_t caps = (1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) |
			      (1ULL << CAP_FOWNER) | (1ULL << CAP_SYS_CHROOT) | (1ULL << CAP_KILL);
	struct pm_seccomp *s = NULL;
	pm_error *err = NULL;
	int r = pm_seccomp_compile_data("fuzz", (const char *)data, size, caps, &s, &err);
	if (r < 0) {
		if (!err || !err->msg || strncmp(err->msg, prefix, sizeof(prefix) - 1) != 0 ||
		    err->code != -r || s)
			abort();
	} else {
		size_t n = 0;
		if (r != 0 || err || !s || !pm_seccomp_bpf(s, &n, NULL) || n == 0)
			abort();
	}
	pm_seccomp_free(s);
	pm_error_free(err);
	return 0;
}
