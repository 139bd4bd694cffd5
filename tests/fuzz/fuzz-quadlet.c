/* fuzz-quadlet.c: libFuzzer target for the Quadlet file reader and converter
 * (quadlet/unitfile.c, quadlet/convert.c).
 *
 * The input is parsed as a unit file; when it parses, every value is split into words the
 * systemd way, and each word quoted back must split to that same single word; then the
 * file is converted as each of the four kinds (with a pod and a volume file beside it for
 * Pod= and Volume=), and a generated unit must parse again. Any disagreement abort()s.
 * tests/unit/test-quadlet-fuzz.c includes this file and replays tests/fuzz/corpus-quadlet/
 * in `make unit`; `make fuzz FUZZ_TARGETS=quadlet` runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "quadlet/quadlet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_quadlet_words(const char *value)
{
	_cleanup_strv_ char **w = NULL;
	const char *why = NULL;
	if (pm_unit_split_words(value, &w, &why) < 0)
		return;
	for (char **p = w; *p; p++) {
		_cleanup_free_ char *q = pm_unit_quote_word(*p);
		_cleanup_strv_ char **back = NULL;
		if (pm_unit_split_words(q, &back, &why) < 0 || !back[0] || back[1] ||
		    strcmp(back[0], *p))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384 || memchr(data, '\0', size))
		return 0;
	_cleanup_free_ char *text = pm_xstrndup((const char *)data, size);
	static const char *const names[] = {"/q/f.container", "/q/f.pod", "/q/f.volume",
					    "/q/f.kube"};
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct pm_quadlet_set set = {0};
		pm_quadlet_set_add(&set, names[k]);
		if (pm_unit_file_parse(names[k], text, &set.units[0].file, NULL) < 0) {
			pm_quadlet_set_clear(&set);
			return 0;
		}
		if (k == 0)
			for (size_t g = 0; g < set.units[0].file->n_groups; g++)
				for (size_t e = 0; e < set.units[0].file->groups[g].n_entries; e++)
					fuzz_quadlet_words(
						set.units[0].file->groups[g].entries[e].value);
		pm_quadlet_set_add(&set, "/q/p.pod");
		pm_unit_file_parse("/q/p.pod", "[Pod]\n", &set.units[1].file, NULL);
		pm_quadlet_set_add(&set, "/q/v.volume");
		pm_unit_file_parse("/q/v.volume", "[Volume]\n", &set.units[2].file, NULL);
		struct pm_quadlet_opts o = {.pm = "/usr/bin/pm"};
		_cleanup_free_ char *unit = NULL;
		_cleanup_strv_ char **links = NULL;
		pm_error *err = NULL;
		if (pm_quadlet_convert(&set, &set.units[0], &o, &unit, &links, &err) == 0) {
			_cleanup_unit_file_ struct pm_unit_file *again = NULL;
			if (pm_unit_file_parse("/out.service", unit, &again, NULL) < 0 ||
			    !pm_unit_file_group(again, "Service"))
				abort();
		} else if (!err || !err->msg || strncmp(err->msg, names[k], strlen(names[k]))) {
			abort(); /* every error names the file */
		}
		pm_error_free(err);
		pm_quadlet_set_clear(&set);
	}
	return 0;
}
