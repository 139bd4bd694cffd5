/* jwrite.h: a streaming JSON writer into one growing buffer, for lists too long to build as
 * jansson trees first (ps --format json over thousands of containers). Its bytes are those
 * json_dumps() gives with JSON_COMPACT or JSON_INDENT(n) (keys in the order written);
 * a string that is not UTF-8 is written with its non-ASCII bytes as '?' (lib/json.c's
 * string_lossy). No state but the buffer: never prints, never fails (allocation aborts). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pm_jw {
	char *buf;
	size_t len, cap;
	unsigned indent; /* 0: compact */
	unsigned depth;
	bool first;	/* nothing written yet in the open array/object */
	bool after_key; /* a key was written: its value comes next */
};

/* indent 0: JSON_COMPACT; n > 0: JSON_INDENT(n). */
void pm_jw_init(struct pm_jw *w, unsigned indent);
void pm_jw_begin_object(struct pm_jw *w);
void pm_jw_end_object(struct pm_jw *w);
void pm_jw_begin_array(struct pm_jw *w);
void pm_jw_end_array(struct pm_jw *w);
void pm_jw_key(struct pm_jw *w, const char *key);
void pm_jw_string(struct pm_jw *w, const char *s); /* NULL: "" */
void pm_jw_stringn(struct pm_jw *w, const char *s, size_t n);
void pm_jw_int(struct pm_jw *w, int64_t v);
void pm_jw_bool(struct pm_jw *w, bool v);
void pm_jw_null(struct pm_jw *w);
/* A member: the key, then its value. */
void pm_jw_kstr(struct pm_jw *w, const char *key, const char *s);
void pm_jw_kint(struct pm_jw *w, const char *key, int64_t v);
void pm_jw_kbool(struct pm_jw *w, const char *key, bool v);
/* An array of strings (NULL v: []). */
void pm_jw_strv(struct pm_jw *w, char *const *v);
/* "KEY=VALUE" entries as an object, keys sorted, a repeated key's last value; no entries:
 * null when null_if_empty, else {} (pm_json_object_from_kv's output). */
void pm_jw_kv_object(struct pm_jw *w, char *const *kv, bool null_if_empty);
/* The text (NUL-terminated, caller frees); the writer is empty after. */
char *pm_jw_take(struct pm_jw *w);
void pm_jw_clear(struct pm_jw *w);
