/* fuzz-reference.c: libFuzzer target for the image reference parser (storage/reference.c):
 * parse the input in both modes (localhost/ and docker.io short names), format it back,
 * parse that again; split it as a stored name; list the lookup candidates; check the case.
 *
 * Invariants checked: no crash or leak; a failure is -EINVAL or -ENAMETOOLONG, the error
 * carries the same code and a message of one line (unless the input itself holds a
 * newline: the cli escapes control characters when it prints); a success has a domain, a
 * path and a tag or digest, the name as given is at most PM_REFERENCE_NAME_MAX, and the
 * formatted reference parses again to the same fields (or, when normalising made the name
 * longer than PM_REFERENCE_NAME_MAX, is refused with -ENAMETOOLONG).
 * tests/unit/test-reference-fuzz.c includes this file and replays
 * tests/fuzz/corpus-reference/ in `make unit`. `make fuzz` builds and runs it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "storage/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_fail(int r, pm_error *err, const struct pm_reference *ref, const char *input)
{
	if ((r != -EINVAL && r != -ENAMETOOLONG) || !err || err->code != -r || !err->msg ||
	    !err->msg[0])
		abort();
	if (strchr(err->msg, '\n') && !strchr(input, '\n'))
		abort();
	if (ref->domain || ref->path || ref->tag || ref->digest)
		abort();
}

static bool fuzz_streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The name as given: the input without "@digest" and without ":tag" after the last '/'. */
static size_t fuzz_name_len(const char *s)
{
	size_t end = strcspn(s, "@");
	const char *slash = memrchr(s, '/', end);
	const char *from = slash ? slash : s;
	const char *colon = memchr(from, ':', end - (size_t)(from - s));
	return colon ? (size_t)(colon - s) : end;
}

static void fuzz_one(const char *s, enum pm_ref_mode mode)
{
	struct pm_reference ref = {0};
	pm_error *err = NULL;
	int r = pm_reference_parse(s, mode, &ref, &err);
	if (r < 0) {
		fuzz_check_fail(r, err, &ref, s);
		pm_error_free(err);
		return;
	}
	if (r != 0 || err || !ref.domain || !ref.path || (!ref.tag && !ref.digest) ||
	    !ref.domain[0] || !ref.path[0])
		abort();
	if (fuzz_name_len(s) > PM_REFERENCE_NAME_MAX)
		abort();

	char *str = pm_reference_string(&ref);
	char *repo = pm_reference_repo(&ref);
	struct pm_reference again = {0};
	r = pm_reference_parse(str, mode, &again, &err);
	if (strlen(repo) > PM_REFERENCE_NAME_MAX) {
		if (r != -ENAMETOOLONG)
			abort();
		fuzz_check_fail(r, err, &again, str);
		pm_error_free(err);
	} else {
		if (r != 0 || err || again.short_name)
			abort();
		if (!fuzz_streq(ref.domain, again.domain) || !fuzz_streq(ref.path, again.path) ||
		    !fuzz_streq(ref.tag, again.tag) || !fuzz_streq(ref.digest, again.digest))
			abort();
		char *str2 = pm_reference_string(&again);
		if (strcmp(str, str2) != 0)
			abort();
		free(str2);
	}

	char *rp = NULL, *tag = NULL;
	pm_reference_split_name(str, &rp, &tag);
	if (!ref.digest && (strcmp(rp, repo) != 0 || !fuzz_streq(tag, ref.tag)))
		abort();
	free(rp);
	free(tag);
	pm_reference_free(&again);
	free(repo);
	free(str);
	pm_reference_free(&ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096 || memchr(data, 0, size))
		return 0;
	char *s = pm_xstrndup((const char *)data, size);
	fuzz_one(s, PM_REF_LOCAL);
	fuzz_one(s, PM_REF_DOCKER);

	char **cand = pm_reference_candidates(s);
	pm_strv_free(cand);
	pm_error *err = NULL;
	int r = pm_reference_check_case(s, &err);
	if (r < 0 && (r != -EINVAL || !err))
		abort();
	pm_error_free(err);
	char *rp = NULL, *tag = NULL;
	pm_reference_split_name(s, &rp, &tag);
	free(rp);
	free(tag);
	free(s);
	return 0;
}
