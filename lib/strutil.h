/* strutil.h: string helpers: allocation that aborts on OOM, strv arrays, number and size
 * parsing. Pure functions, unit tested. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cleanup.h"

/* Allocation that never returns NULL (abort on OOM, like systemd's xmalloc users). */
void *pm_xmalloc(size_t n);
void *pm_xcalloc(size_t n, size_t m);
void *pm_xrealloc(void *p, size_t n);
char *pm_xstrdup(const char *s);
char *pm_xstrndup(const char *s, size_t n);
char *pm_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* NULL-terminated string arrays. */
size_t pm_strv_length(char *const *v);
/* Append a copy of s; *v may be NULL. */
void pm_strv_push(char ***v, const char *s);
/* Append, taking ownership of s. */
void pm_strv_consume(char ***v, char *s);
char **pm_strv_copy(char *const *v);
bool pm_strv_contains(char *const *v, const char *s);
/* Split on any of sep characters, dropping empty pieces. */
char **pm_strv_split(const char *s, const char *sep);
/* Split s at ',' as a CSV record (Go's encoding/csv, what podman's --mount parser uses): a
 * field that starts with '"' runs to the next lone '"' ("" in it is one '"'), so it may hold
 * ','. Empty fields are dropped, as pm_strv_split's. Never NULL. */
char **pm_strv_split_csv(const char *s);
/* field as one CSV field: as it is, or in quotes ('"' doubled) when it holds ',' or '"'. */
char *pm_csv_quote(const char *field);
char *pm_strv_join(char *const *v, const char *sep);
/* Remove KEY's "KEY=..." entries from an environment list, in place (v may be NULL). */
void pm_strv_unset_env(char **v, const char *key);

bool pm_str_startswith(const char *s, const char *prefix);
bool pm_str_endswith(const char *s, const char *suffix);

/* Strict decimal parsing: whole string, no sign for unsigned, range checked. 0 or -EINVAL/-ERANGE.
 */
int pm_parse_uint64(const char *s, uint64_t *ret);
int pm_parse_int(const char *s, int *ret);
int pm_parse_uint32(const char *s, uint32_t *ret);

/* Sizes as podman takes them: "512", "512b", "10k", "10kb", "64m", "1g", "1.5g" (binary
 * units, case-insensitive). 0 or -EINVAL/-ERANGE. */
int pm_parse_size(const char *s, uint64_t *ret);

/* The same in decimal units (go-units FromHumanSize: "10mb" and "10MiB" are 10000000), as
 * podman takes --log-opt max-size. */
int pm_parse_size_decimal(const char *s, uint64_t *ret);

/* Human size as podman prints it (go-units HumanSize: "1.23MB", "4.1kB", "512B"). */
char *pm_format_size(uint64_t bytes);
/* The same with an explicit number of significant digits (go-units HumanSizeWithPrecision;
 * HumanSize is precision 4, podman images uses 3 = pm_format_size). */
char *pm_format_size_prec(uint64_t bytes, int precision);
/* Standard base64 (RFC 4648, padding optional, whitespace skipped) into *ret (NUL-terminated,
 * *ret_len bytes without the NUL). -EINVAL on any other character or a bad length. */
int pm_base64_decode(const char *in, char **ret, size_t *ret_len);

/* Binary size as podman prints it (go-units BytesSize: "1.5KiB", "3.092MiB", "512B"). */
char *pm_format_bytes_iec(uint64_t bytes);

/* "About a minute ago", "3 hours ago", as podman's units.HumanDuration + " ago". */
char *pm_format_ago(int64_t seconds);

/* Random lowercase hex id of 64 chars. */
char *pm_random_id(void);

/* Set "KEY=VALUE" (or "KEY") in a strv of such entries: replace the entry with the same
 * key, else append. */
void pm_strv_set_kv(char ***strv, const char *kv);

/* A `label=` filter against "KEY=VALUE" entries (a bare "KEY" has the value ""), as podman
 * matches them: want "KEY" matches any entry with that key, "KEY=VALUE" the entry with that
 * key and exactly that value ("KEY=" an empty value). */
bool pm_strv_kv_match(char *const *strv, const char *want);

/* s with its control characters escaped the way Go's %q writes them, for messages that
 * carry user input to a terminal: \a \b \f \n \r \t \v, other C0 bytes and DEL as \xNN,
 * C1 controls (U+0080..U+009F) as \u00NN, bytes that are not valid UTF-8 as \xNN. Valid
 * UTF-8 and everything printable (quotes and backslashes too) are kept as they are.
 * Never NULL (malloc'd). */
char *pm_str_escape_controls(const char *s);
