/* jscan.h: a small, strict reader of JSON objects for hot read paths (ps over thousands of
 * records), without building a tree: it walks the members of one object and hands out each
 * value as a span of the buffer, decoded only when the caller asks. Values nested in a member
 * are validated and skipped whole.
 *
 * It accepts a subset of what jansson accepts (RFC 8259 text; no NUL in strings; integers
 * that fit int64_t and reals that do not overflow a double, as jansson; nesting up to 64
 * levels), so a caller can take the fast path and fall back to jansson on any error:
 * the two never disagree on a text both accept. Pure, never prints; unit tested in
 * tests/unit/test-jscan.c. Used by engine/container.c and engine/ps.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum pm_jscan_type {
	PM_JSCAN_STRING,
	PM_JSCAN_NUMBER,
	PM_JSCAN_TRUE,
	PM_JSCAN_FALSE,
	PM_JSCAN_NULL,
	PM_JSCAN_ARRAY,
	PM_JSCAN_OBJECT,
};

/* One value: for a string, the bytes between the quotes (escapes not decoded, escaped tells
 * whether there are any); for anything else, its whole text. */
struct pm_jscan_val {
	enum pm_jscan_type type;
	const char *p;
	size_t len;
	bool escaped;
};

struct pm_jscan {
	const char *p, *end;
	bool first; /* no member read yet */
	bool done;  /* the closing brace was read */
};

/* Start reading the object that is the whole of buf[0..len) (whitespace around it allowed).
 * 0, or -EBADMSG when it does not start with '{'. */
int pm_jscan_object(struct pm_jscan *s, const char *buf, size_t len);

/* The next member: 1 with key (a string value) and val filled, 0 after the last one (and
 * nothing but whitespace follows the object), -EBADMSG on a syntax error. */
int pm_jscan_member(struct pm_jscan *s, struct pm_jscan_val *key, struct pm_jscan_val *val);

/* Is the key exactly name? (A key holding escapes never matches: the caller treats it as
 * unknown.) */
static inline bool pm_jscan_key_is(const struct pm_jscan_val *key, const char *name)
{
	/* inline: strlen of a literal folds to a constant */
	return !key->escaped && key->len == strlen(name) && memcmp(key->p, name, key->len) == 0;
}

/* A string value decoded into a malloc'd C string. -EBADMSG for another type or a string
 * that cannot be a C string. */
int pm_jscan_string(const struct pm_jscan_val *v, char **ret);

/* An integer value (no fraction, no exponent) that fits int64_t; -EBADMSG otherwise. */
int pm_jscan_int(const struct pm_jscan_val *v, int64_t *ret);

/* true or false; -EBADMSG otherwise. */
int pm_jscan_bool(const struct pm_jscan_val *v, bool *ret);

/* An array of strings as a NULL-terminated strv (never NULL; empty for []). Other element
 * types: -EBADMSG. */
int pm_jscan_strv(const struct pm_jscan_val *v, char ***ret);
