/* cf-internal.h: helpers the Containerfile parser's files share (not for other modules). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A growing NUL-terminated string (aborts on OOM). */
struct pm_cf_buf {
	char *p;
	size_t n, cap;
};

void pm_cf_buf_add(struct pm_cf_buf *b, const char *s, size_t n);
void pm_cf_buf_addc(struct pm_cf_buf *b, char c);
/* The string (never NULL; "" when empty); b is reset. */
char *pm_cf_buf_take(struct pm_cf_buf *b);

bool pm_cf_is_space(char c);

/* Append s (taken) to the NULL-terminated array *v of *n strings, growing it by doubling
 * (a line of 1 MiB may hold 500000 words). */
void pm_cf_strv_add(char ***v, size_t *n, char *s);

/* The word with its quotes removed and escapes applied, no $ expansion (a heredoc's
 * delimiter); *ret_quoted: a quote was removed. */
char *pm_cf_unquote(const char *word, char escape, bool *ret_quoted);
