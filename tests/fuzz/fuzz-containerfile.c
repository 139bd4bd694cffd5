/* fuzz-containerfile.c: libFuzzer target for the Containerfile parser
 * (builder/containerfile.c), its word expansion and splitting (builder/cf-words.c) and the
 * .containerignore reader (builder/ignore.c).
 *
 * Invariants checked: no crash or leak; a parse either gives a well-formed file (stages that
 * start with FROM and cover every instruction in order, NULL-terminated args of the counted
 * length, COPY/ADD with two args or more, ONBUILD with a trigger that is no FROM, ONBUILD or
 * MAINTAINER, a body for every heredoc) and no error, or -EINVAL and one line
 * "fuzz:LINE: ..." whose LINE is within the text ("fuzz: ..." for a file with no
 * instruction); every raw word expands to a string or fails with -EINVAL and a message
 * naming it; the ignore reader fails only with -EINVAL and "fuzz:LINE: ...". Any
 * disagreement abort()s. tests/unit/test-containerfile-fuzz.c includes this file and
 * replays tests/fuzz/corpus-containerfile/ in `make unit`. `make fuzz` builds and runs it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builder/containerfile.h"
#include "builder/ignore.h"
#include "lib/cleanup.h"
#include "lib/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_cf_check_error(int r, pm_error *err, const char *text, size_t size)
{
	if (r != -EINVAL || !err || !err->msg || strchr(err->msg, '\n'))
		abort();
	if (strncmp(err->msg, "fuzz: ", 6) == 0)
		return;
	if (strncmp(err->msg, "fuzz:", 5) != 0)
		abort();
	char *end = NULL;
	unsigned long line = strtoul(err->msg + 5, &end, 10);
	if (end == err->msg + 5 || *end != ':' || line < 1)
		abort();
	unsigned long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	if (line > lines)
		abort();
}

static const char *fuzz_cf_lookup(const char *name, void *userdata)
{
	if (strcmp(name, "A") == 0)
		return "a value";
	if (strcmp(name, "E") == 0)
		return "";
	if (strcmp(name, "X") == 0)
		return "$A ${A} 'q'";
	return NULL;
}

static void fuzz_cf_expand(const char *word, char escape)
{
	if (!word)
		return;
	char *out = NULL;
	pm_error *err = NULL;
	int r = pm_cf_expand(word, escape, fuzz_cf_lookup, NULL, &out, &err);
	if (r < 0) {
		if (r != -EINVAL || !err || out || err->msg[0] != '\'')
			abort();
		pm_error_free(err);
	} else {
		if (r != 0 || err || !out)
			abort();
		free(out);
	}
	char **words = NULL;
	size_t n = 0;
	if (pm_cf_split_words(word, escape, &words, &n, NULL) != 0 || !words || words[n])
		abort();
	for (size_t i = 0; i < n; i++)
		if (!words[i])
			abort();
	pm_strv_free(words);
}

static void fuzz_cf_instr(const struct pm_cf_instr *in, char escape, bool trigger)
{
	if ((unsigned)in->kind > PM_CF_MAINTAINER || !in->original || in->line < 1)
		abort();
	if (strcmp(pm_cf_kind_name(in->kind), "UNKNOWN") == 0)
		abort();
	if (in->n_args && (!in->args || in->args[in->n_args]))
		abort();
	for (size_t i = 0; i < in->n_args; i++) {
		if (!in->args[i])
			abort();
		fuzz_cf_expand(in->args[i], escape);
	}
	for (size_t i = 0; i < in->n_flags; i++)
		if (!in->flags[i].name || !*in->flags[i].name)
			abort();
	for (size_t i = 0; i < in->n_kvs; i++) {
		if (!in->kvs[i].key || !*in->kvs[i].key)
			abort();
		fuzz_cf_expand(in->kvs[i].key, escape);
		fuzz_cf_expand(in->kvs[i].value, escape);
	}
	for (size_t i = 0; i < in->n_heredocs; i++)
		if (!in->heredocs[i].name || !*in->heredocs[i].name || !in->heredocs[i].body)
			abort();
	switch (in->kind) {
	case PM_CF_COPY:
	case PM_CF_ADD:
		if (in->n_args < 2)
			abort();
		break;
	case PM_CF_FROM:
		if (trigger || in->n_args != 1)
			abort();
		break;
	case PM_CF_ONBUILD:
		if (trigger || !in->onbuild)
			abort();
		if (in->onbuild->kind == PM_CF_FROM || in->onbuild->kind == PM_CF_ONBUILD ||
		    in->onbuild->kind == PM_CF_MAINTAINER)
			abort();
		fuzz_cf_instr(in->onbuild, escape, true);
		break;
	case PM_CF_ENV:
	case PM_CF_LABEL:
	case PM_CF_ARG:
		if (in->n_kvs == 0 || in->n_args)
			abort();
		break;
	case PM_CF_HEALTHCHECK:
		if (in->n_args < 1 ||
		    (strcmp(in->args[0], "NONE") != 0 && strcmp(in->args[0], "CMD") != 0))
			abort();
		break;
	default:
		break;
	}
	if (in->kind != PM_CF_ONBUILD && in->onbuild)
		abort();
}

static void fuzz_cf_ignore(const char *text, size_t size)
{
	struct pm_ignore *ig = NULL;
	pm_error *err = NULL;
	int r = pm_ignore_parse(text, size, "fuzz", &ig, &err);
	if (r < 0) {
		fuzz_cf_check_error(r, err, text, size);
		if (ig)
			abort();
		pm_error_free(err);
		return;
	}
	static const char *const paths[] = {"a",	   "a/b",	    "a/b/c.o",	 "src/x.c",
					    ".git/config", "dir/keep/file", "README.md", "x"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		(void)pm_ignore_match(ig, paths[i], false);
		(void)pm_ignore_may_reinclude(ig, paths[i]);
	}
	pm_ignore_free(ig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	const char *text = (const char *)data;
	struct pm_containerfile *cf = NULL;
	pm_error *err = NULL;
	int r = pm_containerfile_parse(text, size, "fuzz", &cf, &err);
	if (r < 0) {
		if (cf)
			abort();
		fuzz_cf_check_error(r, err, text, size);
		pm_error_free(err);
	} else {
		if (r != 0 || err || !cf || cf->n_stages < 1 || cf->n_instrs < 1)
			abort();
		if (cf->escape != '\\' && cf->escape != '`')
			abort();
		size_t next = 0;
		for (size_t s = 0; s < cf->n_stages; s++) {
			if (cf->stages[s].first != next || cf->stages[s].n < 1)
				abort();
			if (cf->instrs[next].kind != PM_CF_FROM)
				abort();
			for (size_t i = 1; i < cf->stages[s].n; i++)
				if (cf->instrs[next + i].kind == PM_CF_FROM)
					abort();
			next += cf->stages[s].n;
		}
		if (next != cf->n_instrs)
			abort();
		unsigned last = 0;
		for (size_t i = 0; i < cf->n_instrs; i++) {
			if (cf->instrs[i].line <= last)
				abort();
			last = cf->instrs[i].line;
			fuzz_cf_instr(&cf->instrs[i], cf->escape, false);
		}
		for (size_t i = 0; i < cf->n_meta_args; i++)
			if (!cf->meta_args[i].key)
				abort();
		pm_containerfile_free(cf);
	}
	fuzz_cf_ignore(text, size);
	return 0;
}
