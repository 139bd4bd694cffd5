/* template-internal.h: what the pieces of lib/template (template-parse.c: lexer and
 * parser; template-exec.c: the executor and "table" headers; template-funcs.c: the function
 * table; template-table.c: the tabwriter) share: limits, allocation helpers, the syntax
 * tree, the executor's state and the function table's entry. Private to lib/template*.c;
 * everyone else uses lib/template.h. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/gofmt.h"
#include "lib/template.h"

#define MAX_NESTING 100
#define MAX_OUTPUT  (16u * 1024 * 1024)
#define MAX_STEPS   (20u * 1000 * 1000)

/* Abort on OOM, like pm_xmalloc; jansson constructors return NULL only then. */
static inline void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		abort();
	return p;
}

static inline char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		abort();
	return p;
}

static inline json_t *xj(json_t *j)
{
	if (!j)
		abort();
	return j;
}

static inline json_t *jstr(const char *s, size_t n)
{
	return xj(json_stringn_nocheck(s, n));
}

static inline void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	size_t c = *cap ? *cap * 2 : 8;
	void *p = realloc(v, c * size);
	if (!p)
		abort();
	*cap = c;
	return p;
}

/* ---- syntax tree ------------------------------------------------------------------------- */

struct pipe;

enum arg_type { A_DOT, A_FIELD, A_VAR, A_FUNC, A_CONST, A_NIL, A_PIPE };

struct func;

struct arg {
	enum arg_type type;
	char *src;  /* source text, for messages */
	char *name; /* variable name ("$x") */
	json_t *value;
	struct pipe *pipe;
	const struct func *fn;
	char **chain; /* field names applied after the base */
	size_t nchain;
	size_t pos; /* Go's position of the node: its first token, a field chain's second */
};

struct cmd {
	struct arg **args;
	size_t nargs;
	char *src;
	size_t pos;
};

struct pipe {
	char *decl[2];
	size_t ndecl;
	bool assign; /* "=" rather than ":=" */
	struct cmd **cmds;
	size_t ncmds;
};

enum node_type { N_TEXT, N_ACTION, N_IF, N_RANGE, N_WITH, N_BREAK, N_CONTINUE };

struct node;

struct list {
	struct node **v;
	size_t n, cap;
};

struct node {
	enum node_type type;
	char *text;
	size_t text_len;
	struct pipe *pipe;
	struct list body, else_body;
};

struct pm_template {
	struct list root;
	bool empty;
	/* pm_template_parse_named: Go's name, the text parsed (for line:column) and the column
	 * its first line starts at */
	char *name;
	char *text;
	size_t col0;
};

/* "NAME:LINE:COL" of byte pos of t's text, as Go's ErrorContext (malloc'd). */
char *pm_template_location(const pm_template *t, size_t pos, bool with_col);

/* ---- functions (template-funcs.c) -------------------------------------------------------- */

struct exec;
typedef int (*func_fn)(struct exec *x, json_t **args, size_t n, json_t **ret, char **msg);

struct func {
	const char *name;
	int min, max; /* max < 0: variadic */
	func_fn fn;
};

/* The function called name[0..len), or NULL (template-funcs.c). */
const struct func *pm_template_func_lookup(const char *name, size_t len);

/* ---- shared by the lexer, the executor and the functions --------------------------------- */

/* Messages are one line: control characters from the format become spaces. */
static inline void one_line(char *m)
{
	for (; m && *m; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			*m = ' ';
}

/* The message of fmt and ap on one line (NULL when out of memory). */
static inline char *one_line_vmsg(const char *fmt, va_list ap)
{
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	one_line(m);
	return m;
}

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (unsigned char)c >= 0x80;
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- the executor's state (template-exec.c) ---------------------------------------------- */

struct var {
	const char *name;
	json_t *val; /* NULL: the header-mode dot */
};

struct exec {
	struct pm_gobuf out;
	pm_error **err;
	bool header;
	const char *const *headers;
	const json_t *root; /* the data: podman's is a struct (or a list of them) */
	const pm_template *t;
	struct var *vars;
	size_t nvars, vcap;
	enum { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE } flow;
	unsigned long steps;
};

static inline bool truth(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	default:
		return false;
	}
}
