/* gofmt.h: Go's fmt and encoding/json output for JSON values, the way podman's --format
 * templates print them: %v of strings, numbers, arrays ("[a b]") and objects
 * ("map[k:v]"), printf verbs and flags, Sprint/Sprintln spacing, strconv.Quote, and
 * json.Marshal with SetEscapeHTML(false). Used by lib/template-*.c. Pure functions. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* A growable byte buffer; aborts on OOM like pm_xmalloc. s is NUL-terminated when set. */
struct pm_gobuf {
	char *s;
	size_t len, cap;
};

void pm_gobuf_add(struct pm_gobuf *b, const char *s, size_t n);
void pm_gobuf_adds(struct pm_gobuf *b, const char *s);
void pm_gobuf_addc(struct pm_gobuf *b, char c);
void pm_gobuf_addf(struct pm_gobuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the string out (never NULL) and reset the buffer. */
char *pm_gobuf_take(struct pm_gobuf *b);
void pm_gobuf_done(struct pm_gobuf *b);

/* Go's type name for a JSON value in messages: string, int, float64, bool,
 * []interface {}, map[string]interface {}, <nil>. */
const char *pm_gofmt_typename(const json_t *v);

/* %v. top: a null prints as "<no value>" (a template action), else "<nil>". */
void pm_gofmt_value(struct pm_gobuf *b, const json_t *v, bool top);
/* The same for the value of a field named field (may be NULL): an object prints as a Go
 * struct ("{a b}") unless field names one of podman's maps (Labels, PortBindings, ...) or a
 * key is not an exported Go name. */
void pm_gofmt_value_field(struct pm_gobuf *b, const json_t *v, bool top, const char *field);

/* fmt.Sprintf(fmt, args...) with Go's verbs, flags, width and precision, including
 * Go's error notes (%!d(string=x), %!s(MISSING), %!(EXTRA ...)). */
void pm_gofmt_printf(struct pm_gobuf *b, const char *fmt, size_t fmtlen, json_t *const *args,
		     size_t nargs);

/* fmt.Sprint (ln false) or fmt.Sprintln (ln true). */
void pm_gofmt_sprint(struct pm_gobuf *b, json_t *const *args, size_t nargs, bool ln);

/* strconv.Quote. */
void pm_gofmt_quote(struct pm_gobuf *b, const char *s, size_t n);

/* encoding/json with SetEscapeHTML(false), compact, object keys in insertion order. */
void pm_gofmt_json(struct pm_gobuf *b, const json_t *v);

/* Decode one UTF-8 sequence from s (n > 0 bytes): returns its length (1 for an invalid
 * byte, with *ret_rune = -1). */
size_t pm_utf8_decode(const char *s, size_t n, int *ret_rune);
/* Number of runes (invalid bytes count one each), as Go's utf8.RuneCount. */
size_t pm_utf8_count(const char *s, size_t n);
/* Append rune r encoded as UTF-8 (invalid values as U+FFFD). */
void pm_utf8_encode(struct pm_gobuf *b, int r);
