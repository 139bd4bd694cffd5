/* fuzz-toml.c: libFuzzer target for the TOML subset parser (lib/toml.c) and the
 * registries.conf reader on top of it (registry/conf.c).
 *
 * Invariants checked: no crash or leak; a parse either gives a JSON object and no error, or
 * -EINVAL and one message "fuzz.conf:LINE: ..." whose LINE is within the text; the
 * registries.conf reader fails only with -EINVAL and a message naming the file (that one, or
 * 'loading registries configuration "fuzz.conf": ...'), and when it
 * accepts the text, its answers (sources of a few names, short-name candidates, insecure)
 * are well formed: every source has a host and a repository, a blocked registry is -EPERM.
 * Any disagreement abort()s. tests/unit/test-toml-fuzz.c includes this file and replays
 * tests/fuzz/corpus-toml/ in `make unit`. `make fuzz` builds and runs it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/cleanup.h"
#include "lib/error.h"
#include "lib/toml.h"
#include "registry/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_toml_check_error(int r, pm_error *err, const char *text, size_t size,
				  bool with_line)
{
	if (r != -EINVAL || !err || !err->msg)
		abort();
	if (!with_line) {
		/* a syntax error (lib/toml's) or what the keys say (podman's words) */
		if (strncmp(err->msg, "fuzz.conf:", 10) != 0 &&
		    strncmp(err->msg, "loading registries configuration \"fuzz.conf\": ", 46) != 0)
			abort();
		return;
	}
	if (strncmp(err->msg, "fuzz.conf:", 10) != 0)
		abort();
	char *end = NULL;
	unsigned long line = strtoul(err->msg + 10, &end, 10);
	if (end == err->msg + 10 || *end != ':' || line < 1)
		abort();
	unsigned long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	if (line > lines)
		abort();
}

static void fuzz_toml_sources(const struct pm_registries_conf *c, const char *host,
			      const char *repo)
{
	struct pm_registry_source *v = NULL;
	size_t n = 0;
	pm_error *err = NULL;
	int r = pm_registries_sources(c, host, repo, &v, &n, &err);
	if (r < 0) {
		if ((r != -EPERM && r != -EINVAL) || !err || v)
			abort();
		pm_error_free(err);
		return;
	}
	if (n == 0 || err)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!v[i].host || !*v[i].host || !v[i].repo || !*v[i].repo)
			abort();
	pm_registry_sources_free(v, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	const char *text = (const char *)data;
	json_t *j = NULL;
	pm_error *err = NULL;
	int r = pm_toml_parse(text, size, "fuzz.conf", &j, &err);
	if (r < 0) {
		if (j)
			abort();
		fuzz_toml_check_error(r, err, text, size, true);
		pm_error_free(err);
	} else {
		if (r != 0 || err || !json_is_object(j))
			abort();
		json_decref(j);
	}

	/* the registries.conf reader, on the text up to its first NUL */
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	struct pm_registries_conf *c = pm_registries_conf_new();
	err = NULL;
	r = pm_registries_conf_parse(c, s, "fuzz.conf", &err);
	if (r < 0) {
		fuzz_toml_check_error(r, err, s, strlen(s), false);
		pm_error_free(err);
	} else {
		fuzz_toml_sources(c, "docker.io", "library/busybox");
		fuzz_toml_sources(c, "a.example.com:5000", "ns/img");
		fuzz_toml_sources(c, "quay.io", "x");
		(void)pm_registries_insecure(c, "example.com");
		const char *mode = pm_registries_short_name_mode(c);
		if (strcmp(mode, "enforcing") && strcmp(mode, "permissive") &&
		    strcmp(mode, "disabled"))
			abort();
		char **cands = NULL;
		bool alias = false;
		err = NULL;
		r = pm_registries_short_name(c, "busybox:1", &cands, &alias, &err);
		if (r < 0) {
			if (r != -ENOENT || !err || cands)
				abort();
			pm_error_free(err);
		} else {
			if (!cands || !cands[0] || (alias && cands[1]))
				abort();
			pm_strv_free(cands);
		}
	}
	pm_registries_conf_free(c);
	free(s);
	return 0;
}
