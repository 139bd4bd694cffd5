/* fuzz-jscan.c: libFuzzer target for the tree-less JSON object reader (lib/jscan.c) against
 * jansson, the parser it stands in for on the listing path.
 *
 * The input is read as the record readers of engine/container.c read a record: walk every
 * member, decode the key, and decode the value as a string, an integer, a bool or a strv
 * when it is one. Invariants checked: no crash or leak; jscan accepts only what jansson
 * accepts: when jscan walks the whole object, json_loadb accepts the same text, and every
 * member agrees with jansson's (the last of duplicate keys, as jansson keeps it): strings
 * byte for byte, integers, reals, literals, string arrays, and nested values span for span.
 * Any disagreement abort()s. tests/unit/test-jscan-fuzz.c includes this file and replays
 * tests/fuzz/corpus-jscan/ in `make unit`. `make fuzz` builds and runs it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/cleanup.h"
#include "lib/jscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_JSCAN_MAX_MEMBERS 256

/* One member as jscan decoded it, turned into a jansson value to compare. */
static json_t *fuzz_jscan_value(const struct pm_jscan_val *v)
{
	switch (v->type) {
	case PM_JSCAN_STRING: {
		char *s = NULL;
		if (pm_jscan_string(v, &s) < 0)
			abort(); /* scanned, so it decodes (no NUL escapes pass the scan) */
		if (strlen(s) > v->len)
			abort();
		json_t *j = json_string(s); /* NULL when not UTF-8: then jansson differs too */
		if (!j)
			abort();
		free(s);
		return j;
	}
	case PM_JSCAN_NUMBER: {
		int64_t i;
		if (pm_jscan_int(v, &i) >= 0)
			return json_integer(i);
		/* a real: its text, as jansson converts it */
		char buf[512];
		if (v->len >= sizeof(buf))
			return json_loadb(v->p, v->len, JSON_DECODE_ANY, NULL);
		memcpy(buf, v->p, v->len);
		buf[v->len] = 0;
		if (!memchr(buf, '.', v->len) && !memchr(buf, 'e', v->len) &&
		    !memchr(buf, 'E', v->len))
			abort(); /* an integer jscan scanned but cannot read */
		return json_real(strtod(buf, NULL));
	}
	case PM_JSCAN_TRUE:
	case PM_JSCAN_FALSE: {
		bool b;
		if (pm_jscan_bool(v, &b) < 0)
			abort();
		return json_boolean(b);
	}
	case PM_JSCAN_NULL:
		return json_null();
	case PM_JSCAN_ARRAY: {
		char **strv = NULL;
		json_t *whole = json_loadb(v->p, v->len, JSON_DECODE_ANY, NULL);
		if (!whole || !json_is_array(whole))
			abort(); /* the span is not the array jscan scanned */
		if (pm_jscan_strv(v, &strv) >= 0) {
			size_t n = 0;
			for (; strv[n]; n++) {
				json_t *e = json_array_get(whole, n);
				if (!json_is_string(e) ||
				    strcmp(json_string_value(e), strv[n]) != 0)
					abort();
			}
			if (n != json_array_size(whole))
				abort();
			pm_strv_free(strv);
		} else {
			/* refused as a strv: some element is not a string */
			size_t i;
			json_t *e;
			bool other = false;
			json_array_foreach(whole, i, e)
				other = other || !json_is_string(e);
			if (!other)
				abort();
		}
		return whole;
	}
	case PM_JSCAN_OBJECT: {
		json_t *whole = json_loadb(v->p, v->len, JSON_DECODE_ANY, NULL);
		if (!whole || !json_is_object(whole))
			abort();
		return whole;
	}
	}
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	const char *text = (const char *)data;
	struct pm_jscan s;
	struct pm_jscan_val k, v;
	json_t *mine = json_object();
	int n = 0;
	int r = pm_jscan_object(&s, text, size);
	while (r >= 0 && (r = pm_jscan_member(&s, &k, &v)) > 0) {
		char *key = NULL;
		if (pm_jscan_string(&k, &key) < 0)
			abort();
		if (k.type != PM_JSCAN_STRING || (!k.escaped && strlen(key) != k.len))
			abort();
		/* as jansson keeps it: the last of duplicate keys */
		if (json_object_set_new(mine, key, fuzz_jscan_value(&v)) < 0)
			abort();
		free(key);
		if (++n > FUZZ_JSCAN_MAX_MEMBERS * 64)
			abort();
	}
	if (r < 0) {
		/* refusing more than jansson is allowed (the callers fall back to it) */
		if (r != -EBADMSG)
			abort();
		json_decref(mine);
		return 0;
	}
	json_error_t jerr;
	json_t *theirs = json_loadb(text, size, 0, &jerr);
	if (!theirs || !json_is_object(theirs) || !json_equal(mine, theirs))
		abort();
	json_decref(theirs);
	json_decref(mine);
	return 0;
}
