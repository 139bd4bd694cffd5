/* template.c: the Go text/template subset behind every --format: lexer and parser (text,
 * actions, pipelines, if/else if/else, range, with, break/continue, variables, comments,
 * trim markers), the executor over a json_t, the function table (Go builtins and podman's
 * join/json/lower/upper/title/truncate/pad/split), "table" headers, and the tabwriter
 * (podman's report writer: minwidth 12, padding 2).
 * Must not print; value formatting is lib/gofmt.c. Called by cli/output.c and the tests.
 * Limits: format <= 64 KiB, nesting <= 100, output <= 16 MiB, bounded execution steps. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <wctype.h>

#include "lib/gofmt.h"
#include "lib/template.h"

#define MAX_NESTING 100
#define MAX_OUTPUT  (16u * 1024 * 1024)
#define MAX_STEPS   (20u * 1000 * 1000)

/* Abort on OOM, like pm_xmalloc; jansson constructors return NULL only then. */
static void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		abort();
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		abort();
	return p;
}

static json_t *xj(json_t *j)
{
	if (!j)
		abort();
	return j;
}

static json_t *jstr(const char *s, size_t n)
{
	return xj(json_stringn_nocheck(s, n));
}

static void *grow(void *v, size_t *cap, size_t n, size_t size)
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
};

struct cmd {
	struct arg **args;
	size_t nargs;
	char *src;
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
};

static void pipe_free(struct pipe *p);

static void arg_free(struct arg *a)
{
	if (!a)
		return;
	free(a->src);
	free(a->name);
	if (a->value)
		json_decref(a->value);
	pipe_free(a->pipe);
	for (size_t i = 0; i < a->nchain; i++)
		free(a->chain[i]);
	free(a->chain);
	free(a);
}

static void cmd_free(struct cmd *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nargs; i++)
		arg_free(c->args[i]);
	free(c->args);
	free(c->src);
	free(c);
}

static void pipe_free(struct pipe *p)
{
	if (!p)
		return;
	free(p->decl[0]);
	free(p->decl[1]);
	for (size_t i = 0; i < p->ncmds; i++)
		cmd_free(p->cmds[i]);
	free(p->cmds);
	free(p);
}

static void list_free(struct list *l);

static void node_free(struct node *n)
{
	if (!n)
		return;
	free(n->text);
	pipe_free(n->pipe);
	list_free(&n->body);
	list_free(&n->else_body);
	free(n);
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		node_free(l->v[i]);
	free(l->v);
	*l = (struct list){0};
}

static void list_add(struct list *l, struct node *n)
{
	l->v = grow(l->v, &l->cap, l->n, sizeof(*l->v));
	l->v[l->n++] = n;
}

pm_template *pm_template_free(pm_template *t)
{
	if (t) {
		list_free(&t->root);
		free(t);
	}
	return NULL;
}

bool pm_template_is_empty(const pm_template *t)
{
	return !t || t->empty;
}

/* ---- functions (declared here, defined with the executor) -------------------------------- */

struct exec;
typedef int (*func_fn)(struct exec *x, json_t **args, size_t n, json_t **ret, char **msg);

struct func {
	const char *name;
	int min, max; /* max < 0: variadic */
	func_fn fn;
};

static const struct func *func_lookup(const char *name, size_t len);

/* ---- lexer ------------------------------------------------------------------------------- */

enum tok_type {
	T_FIELD,
	T_DOT,
	T_VAR,
	T_IDENT,
	T_STRING,
	T_NUMBER,
	T_PIPE,
	T_LPAREN,
	T_RPAREN,
	T_DECLARE,
	T_ASSIGN,
	T_COMMA,
};

struct token {
	enum tok_type type;
	bool space; /* whitespace before it */
	size_t start, end;
	char *text; /* field/ident/var name, or decoded string */
	size_t text_len;
	json_t *num;
};

struct parser {
	const char *s;
	size_t n, pos;
	bool table;
	pm_error **err;
	int depth;
	int range_depth;
	char **vars;
	size_t nvars, vcap;
	bool rtrim;
	struct token *toks;
	size_t ntoks, tcap, tpos;
};

static void toks_clear(struct parser *p)
{
	for (size_t i = 0; i < p->ntoks; i++) {
		free(p->toks[i].text);
		if (p->toks[i].num)
			json_decref(p->toks[i].num);
	}
	p->ntoks = p->tpos = 0;
}

/* Messages are one line: control characters from the format become spaces. */
static void one_line(char *m)
{
	for (; m && *m; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			*m = ' ';
}

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	one_line(m);
	int r = pm_error_set(p->err, EINVAL, "template: %s", m ? m : "parse error");
	free(m);
	return r;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (unsigned char)c >= 0x80;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash at s[*i] (the char after '\\'), Go's strconv.Unquote rules.
 * Appends the decoded bytes. Returns false if invalid. */
static bool decode_escape(const char *s, size_t n, size_t *i, char quote, struct pm_gobuf *b)
{
	char c = s[*i];
	(*i)++;
	switch (c) {
	case 'a':
		pm_gobuf_addc(b, '\a');
		return true;
	case 'b':
		pm_gobuf_addc(b, '\b');
		return true;
	case 'f':
		pm_gobuf_addc(b, '\f');
		return true;
	case 'n':
		pm_gobuf_addc(b, '\n');
		return true;
	case 'r':
		pm_gobuf_addc(b, '\r');
		return true;
	case 't':
		pm_gobuf_addc(b, '\t');
		return true;
	case 'v':
		pm_gobuf_addc(b, '\v');
		return true;
	case '\\':
		pm_gobuf_addc(b, '\\');
		return true;
	case '"':
	case '\'':
		if (c != quote)
			return false;
		pm_gobuf_addc(b, c);
		return true;
	case 'x':
	case 'u':
	case 'U': {
		size_t len = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (*i + len > n)
			return false;
		long v = 0;
		for (size_t k = 0; k < len; k++) {
			int h = hexval(s[*i + k]);
			if (h < 0)
				return false;
			v = v * 16 + h;
		}
		*i += len;
		if (c == 'x') {
			pm_gobuf_addc(b, (char)v);
			return true;
		}
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return false;
		pm_utf8_encode(b, (int)v);
		return true;
	}
	default:
		if (c >= '0' && c <= '7') {
			if (*i + 2 > n)
				return false;
			int v = c - '0';
			for (size_t k = 0; k < 2; k++) {
				char d = s[*i + k];
				if (d < '0' || d > '7')
					return false;
				v = v * 8 + (d - '0');
			}
			if (v > 255)
				return false;
			*i += 2;
			pm_gobuf_addc(b, (char)v);
			return true;
		}
		return false;
	}
}

static int lex_number(struct parser *p, struct token *t)
{
	size_t i = p->pos, start = i;
	if (p->s[i] == '+' || p->s[i] == '-')
		i++;
	bool hex = i + 1 < p->n && p->s[i] == '0' && (p->s[i + 1] == 'x' || p->s[i + 1] == 'X');
	while (i < p->n) {
		char c = p->s[i];
		if (is_ident(c) || c == '.') {
			i++;
		} else if ((c == '+' || c == '-') && i > start &&
			   ((!hex && (p->s[i - 1] == 'e' || p->s[i - 1] == 'E')) ||
			    (hex && (p->s[i - 1] == 'p' || p->s[i - 1] == 'P')))) {
			i++;
		} else {
			break;
		}
	}
	t->start = start;
	t->end = i;
	p->pos = i;
	/* Go accepts underscores between digits. */
	char buf[128];
	size_t k = 0;
	for (size_t j = start; j < i; j++) {
		if (p->s[j] == '_')
			continue;
		if (k + 1 >= sizeof(buf))
			return perr(p, "bad number syntax: %.*s", (int)(i - start), p->s + start);
		buf[k++] = p->s[j];
	}
	buf[k] = 0;
	const char *d = buf + (buf[0] == '+' || buf[0] == '-');
	bool neg = buf[0] == '-';
	char *end = NULL;
	errno = 0;
	int base = 0;
	const char *digits = d;
	if (d[0] == '0' && (d[1] == 'b' || d[1] == 'B'))
		base = 2, digits = d + 2;
	else if (d[0] == '0' && (d[1] == 'o' || d[1] == 'O'))
		base = 8, digits = d + 2;
	bool is_float = !hex && base == 0 && strpbrk(d, ".eE");
	if (hex && strpbrk(d, ".pP"))
		is_float = true;
	if (is_float) {
		double v = strtod(buf, &end);
		if (!*digits || *end || errno == ERANGE)
			return perr(p, "bad number syntax: %s", buf);
		t->num = xj(json_real(v));
	} else {
		if (!*digits)
			return perr(p, "bad number syntax: %s", buf);
		unsigned long long u = strtoull(digits, &end, base);
		if (*end || errno == ERANGE || u > (unsigned long long)INT64_MAX + (neg ? 1 : 0) ||
		    (base == 0 && digits[0] == '0' && !hex && strpbrk(digits, "89")))
			return perr(p, "bad number syntax: %s", buf);
		long long v = neg ? (long long)(0ULL - u) : (long long)u;
		t->num = xj(json_integer(v));
	}
	t->type = T_NUMBER;
	return 0;
}

/* Lex the inside of an action starting at p->pos (after "{{" and a trim marker) up to and
 * including "}}". Sets p->rtrim for " -}}". */
static int lex_action(struct parser *p)
{
	toks_clear(p);
	for (;;) {
		bool space = false;
		while (p->pos < p->n && is_space(p->s[p->pos])) {
			space = true;
			p->pos++;
		}
		if (p->pos + 1 < p->n && p->s[p->pos] == '}' && p->s[p->pos + 1] == '}') {
			p->pos += 2;
			p->rtrim = false;
			return 0;
		}
		if (space && p->pos + 2 < p->n && p->s[p->pos] == '-' && p->s[p->pos + 1] == '}' &&
		    p->s[p->pos + 2] == '}') {
			p->pos += 3;
			p->rtrim = true;
			return 0;
		}
		if (p->pos >= p->n)
			return perr(p, "unclosed action");
		p->toks = grow(p->toks, &p->tcap, p->ntoks, sizeof(*p->toks));
		struct token *t = &p->toks[p->ntoks];
		*t = (struct token){.space = space, .start = p->pos};
		char c = p->s[p->pos];
		char next = p->pos + 1 < p->n ? p->s[p->pos + 1] : 0;
		int r = 0;
		if (c == '"' || c == '\'') {
			struct pm_gobuf b = {0};
			size_t i = p->pos + 1;
			for (;;) {
				if (i >= p->n || p->s[i] == '\n') {
					pm_gobuf_done(&b);
					return perr(p, c == '"'
							       ? "unterminated quoted string"
							       : "unterminated character constant");
				}
				char ch = p->s[i];
				if (ch == c)
					break;
				if (ch == '\\') {
					i++;
					if (i >= p->n || p->s[i] == '\n' ||
					    !decode_escape(p->s, p->n, &i, c, &b)) {
						pm_gobuf_done(&b);
						return perr(p, "invalid syntax in %s '%.*s'",
							    c == '"' ? "quoted string"
								     : "character constant",
							    (int)(i < p->n ? i - p->pos
									   : p->n - p->pos),
							    p->s + p->pos);
					}
					continue;
				}
				/* podman's "table " turns every space into a tab, even in strings.
				 */
				pm_gobuf_addc(&b, p->table && ch == ' ' ? '\t' : ch);
				i++;
			}
			p->pos = i + 1;
			if (c == '\'') {
				int rune = -1;
				size_t len = b.len ? pm_utf8_decode(b.s, b.len, &rune) : 0;
				if (b.len == 0 || len != b.len) {
					pm_gobuf_done(&b);
					return perr(p, "malformed character constant");
				}
				pm_gobuf_done(&b);
				t->type = T_NUMBER;
				t->num = xj(json_integer(rune));
			} else {
				t->type = T_STRING;
				t->text_len = b.len;
				t->text = b.s ? pm_gobuf_take(&b) : xstrndup("", 0);
			}
		} else if (c == '`') {
			const char *e = memchr(p->s + p->pos + 1, '`', p->n - p->pos - 1);
			if (!e)
				return perr(p, "unterminated raw quoted string");
			t->type = T_STRING;
			t->text_len = (size_t)(e - (p->s + p->pos + 1));
			t->text = xstrndup(p->s + p->pos + 1, t->text_len);
			for (size_t k = 0; p->table && k < t->text_len; k++)
				if (t->text[k] == ' ')
					t->text[k] = '\t';
			p->pos = (size_t)(e - p->s) + 1;
		} else if (c == '.' && is_digit(next)) {
			r = lex_number(p, t);
		} else if (c == '.') {
			size_t i = p->pos + 1;
			while (i < p->n && is_ident(p->s[i]))
				i++;
			t->type = i == p->pos + 1 ? T_DOT : T_FIELD;
			t->text = xstrndup(p->s + p->pos + 1, i - p->pos - 1);
			p->pos = i;
		} else if (c == '$') {
			size_t i = p->pos + 1;
			while (i < p->n && is_ident(p->s[i]))
				i++;
			t->type = T_VAR;
			t->text = xstrndup(p->s + p->pos, i - p->pos);
			p->pos = i;
		} else if (is_digit(c) || ((c == '+' || c == '-') &&
					   (is_digit(next) || (next == '.' && p->pos + 2 < p->n &&
							       is_digit(p->s[p->pos + 2]))))) {
			r = lex_number(p, t);
		} else if (is_ident(c)) {
			size_t i = p->pos;
			while (i < p->n && is_ident(p->s[i]))
				i++;
			t->type = T_IDENT;
			t->text = xstrndup(p->s + p->pos, i - p->pos);
			p->pos = i;
		} else if (c == '|') {
			t->type = T_PIPE;
			p->pos++;
		} else if (c == '(') {
			t->type = T_LPAREN;
			p->pos++;
		} else if (c == ')') {
			t->type = T_RPAREN;
			p->pos++;
		} else if (c == ':' && next == '=') {
			t->type = T_DECLARE;
			p->pos += 2;
		} else if (c == '=') {
			t->type = T_ASSIGN;
			p->pos++;
		} else if (c == ',') {
			t->type = T_COMMA;
			p->pos++;
		} else {
			int rune;
			pm_utf8_decode(p->s + p->pos, p->n - p->pos, &rune);
			if (rune < 0x20 || rune == 0x7f)
				return perr(p, "unrecognized character in action: U+%04X",
					    (unsigned)rune);
			return perr(p, "unrecognized character in action: U+%04X '%.*s'",
				    (unsigned)rune, rune < 0x80 ? 1 : 0, p->s + p->pos);
		}
		if (r < 0) {
			if (t->num)
				json_decref(t->num);
			return r;
		}
		t->end = p->pos;
		p->ntoks++;
	}
}

/* ---- parser ------------------------------------------------------------------------------ */

static struct token *peek(struct parser *p)
{
	return p->tpos < p->ntoks ? &p->toks[p->tpos] : NULL;
}

static char *tok_src(struct parser *p, size_t first, size_t last)
{
	if (first >= p->ntoks || last < first)
		return xstrndup("", 0);
	size_t s = p->toks[first].start, e = p->toks[last].end;
	return xstrndup(p->s + s, e - s);
}

static const char *tok_desc(struct parser *p, const struct token *t)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "%.*s", (int)(t->end - t->start > 40 ? 40 : t->end - t->start),
		 p->s + t->start);
	return buf;
}

static bool var_known(struct parser *p, const char *name)
{
	for (size_t i = p->nvars; i > 0; i--)
		if (strcmp(p->vars[i - 1], name) == 0)
			return true;
	return false;
}

static void var_push(struct parser *p, const char *name)
{
	p->vars = grow(p->vars, &p->vcap, p->nvars, sizeof(*p->vars));
	p->vars[p->nvars++] = xstrndup(name, strlen(name));
}

static void vars_pop(struct parser *p, size_t mark)
{
	while (p->nvars > mark)
		free(p->vars[--p->nvars]);
}

static bool is_keyword(const char *s)
{
	static const char *const kw[] = {"if",	   "else",     "end",	"range", "with",
					 "define", "template", "block", "break", "continue"};
	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strcmp(s, kw[i]) == 0)
			return true;
	return false;
}

static int parse_pipe(struct parser *p, const char *ctx, size_t max_decl, bool in_paren,
		      struct pipe **ret);

/* Fields written right after a term ($x.A, (pipe).B). */
static void parse_chain(struct parser *p, struct arg *a)
{
	struct token *t;
	while ((t = peek(p)) && t->type == T_FIELD && !t->space) {
		a->chain = realloc(a->chain, (a->nchain + 1) * sizeof(*a->chain));
		if (!a->chain)
			abort();
		a->chain[a->nchain++] = xstrndup(t->text, strlen(t->text));
		p->tpos++;
	}
}

/* One operand. *ret NULL (and 0) when the next token cannot start one. */
static int parse_operand(struct parser *p, struct arg **ret)
{
	*ret = NULL;
	struct token *t = peek(p);
	if (!t)
		return 0;
	size_t first = p->tpos;
	struct arg *a = xcalloc(1, sizeof(*a));
	int r = 0;
	switch (t->type) {
	case T_FIELD:
		a->type = A_FIELD;
		a->chain = xcalloc(1, sizeof(*a->chain));
		a->chain[0] = xstrndup(t->text, strlen(t->text));
		a->nchain = 1;
		p->tpos++;
		parse_chain(p, a);
		break;
	case T_DOT:
		a->type = A_DOT;
		p->tpos++;
		break;
	case T_VAR:
		if (!var_known(p, t->text)) {
			r = perr(p, "undefined variable \"%s\"", t->text);
			break;
		}
		a->type = A_VAR;
		a->name = xstrndup(t->text, strlen(t->text));
		p->tpos++;
		parse_chain(p, a);
		break;
	case T_IDENT:
		if (strcmp(t->text, "true") == 0 || strcmp(t->text, "false") == 0) {
			a->type = A_CONST;
			a->value = xj(json_boolean(t->text[0] == 't'));
		} else if (strcmp(t->text, "nil") == 0) {
			a->type = A_NIL;
		} else if (is_keyword(t->text)) {
			r = perr(p, "unexpected <%s> in command", t->text);
			break;
		} else {
			a->type = A_FUNC;
			a->fn = func_lookup(t->text, strlen(t->text));
			if (!a->fn) {
				r = perr(p, "function \"%s\" not defined", t->text);
				break;
			}
		}
		p->tpos++;
		break;
	case T_STRING:
		a->type = A_CONST;
		a->value = jstr(t->text, t->text_len);
		p->tpos++;
		break;
	case T_NUMBER:
		a->type = A_CONST;
		a->value = json_incref(t->num);
		p->tpos++;
		break;
	case T_LPAREN:
		if (++p->depth > MAX_NESTING) {
			r = perr(p, "nesting too deep (limit %d)", MAX_NESTING);
			break;
		}
		p->tpos++;
		a->type = A_PIPE;
		r = parse_pipe(p, "parenthesized pipeline", 0, true, &a->pipe);
		p->depth--;
		if (r < 0)
			break;
		parse_chain(p, a);
		break;
	default:
		free(a);
		return 0;
	}
	if (r < 0) {
		arg_free(a);
		return r;
	}
	struct token *n = peek(p);
	if (n && n->type == T_FIELD && !n->space) {
		arg_free(a);
		return perr(p, "unexpected %s after term", tok_desc(p, n));
	}
	a->src = tok_src(p, first, p->tpos - 1);
	*ret = a;
	return 0;
}

static int parse_command(struct parser *p, struct cmd **ret)
{
	struct cmd *c = xcalloc(1, sizeof(*c));
	size_t first = p->tpos;
	for (;;) {
		struct token *t = peek(p);
		if (!t || t->type == T_PIPE || t->type == T_RPAREN)
			break;
		struct arg *a = NULL;
		int r = parse_operand(p, &a);
		if (r == 0 && !a)
			r = perr(p, "unexpected \"%s\" in command", tok_desc(p, t));
		if (r < 0) {
			cmd_free(c);
			return r;
		}
		c->args = realloc(c->args, (c->nargs + 1) * sizeof(*c->args));
		if (!c->args)
			abort();
		c->args[c->nargs++] = a;
	}
	if (c->nargs == 0) {
		cmd_free(c);
		return perr(p, "missing value for command");
	}
	c->src = tok_src(p, first, p->tpos - 1);
	*ret = c;
	return 0;
}

static int parse_pipe(struct parser *p, const char *ctx, size_t max_decl, bool in_paren,
		      struct pipe **ret)
{
	struct pipe *pp = xcalloc(1, sizeof(*pp));
	int r = 0;
	/* Declarations: $x := / $x = / $i, $e := (range). */
	size_t i = p->tpos;
	if (i + 1 < p->ntoks && p->toks[i].type == T_VAR &&
	    (p->toks[i + 1].type == T_DECLARE || p->toks[i + 1].type == T_ASSIGN ||
	     p->toks[i + 1].type == T_COMMA)) {
		size_t nd = 1;
		if (p->toks[i + 1].type == T_COMMA) {
			if (i + 3 >= p->ntoks || p->toks[i + 2].type != T_VAR ||
			    p->toks[i + 3].type != T_DECLARE) {
				pipe_free(pp);
				return perr(p, "bad declaration in %s", ctx);
			}
			nd = 2;
		}
		if (nd > max_decl) {
			pipe_free(pp);
			return perr(p, "too many declarations in %s", ctx);
		}
		pp->assign = p->toks[i + 1].type == T_ASSIGN;
		if (pp->assign && !var_known(p, p->toks[i].text)) {
			r = perr(p, "undefined variable \"%s\"", p->toks[i].text);
			pipe_free(pp);
			return r;
		}
		for (size_t k = 0; k < nd; k++) {
			const char *name = p->toks[i + 2 * k].text;
			pp->decl[k] = xstrndup(name, strlen(name));
			pp->ndecl++;
		}
		p->tpos = i + 2 * nd;
	}
	for (;;) {
		struct token *t = peek(p);
		if (!t || (in_paren && t->type == T_RPAREN)) {
			r = pp->ncmds == 0 ? perr(p, "missing value for %s", ctx) : 0;
			if (r == 0 && pp->ndecl > 0 && pp->ncmds == 0)
				r = perr(p, "missing value for %s", ctx);
			break;
		}
		if (t->type == T_RPAREN) {
			r = perr(p, "unexpected right paren");
			break;
		}
		struct cmd *c = NULL;
		r = parse_command(p, &c);
		if (r < 0)
			break;
		pp->cmds = realloc(pp->cmds, (pp->ncmds + 1) * sizeof(*pp->cmds));
		if (!pp->cmds)
			abort();
		pp->cmds[pp->ncmds++] = c;
		if (pp->ncmds > 1) {
			enum arg_type at = c->args[0]->type;
			if (at == A_CONST || at == A_NIL || at == A_DOT) {
				r = perr(p, "non executable command in pipeline stage %zu",
					 pp->ncmds);
				break;
			}
		}
		t = peek(p);
		if (t && t->type == T_PIPE) {
			p->tpos++;
			if (!peek(p) || peek(p)->type == T_RPAREN || peek(p)->type == T_PIPE) {
				r = perr(p, "missing command after '|' in %s", ctx);
				break;
			}
		}
	}
	if (r == 0 && in_paren) {
		struct token *t = peek(p);
		if (!t || t->type != T_RPAREN)
			r = perr(p, "unclosed left paren");
		else
			p->tpos++;
	}
	if (r < 0) {
		pipe_free(pp);
		return r;
	}
	/* Declared variables are in scope from here to the end of the enclosing block. */
	for (size_t k = 0; k < pp->ndecl && !pp->assign; k++)
		var_push(p, pp->decl[k]);
	*ret = pp;
	return 0;
}

enum term { TERM_EOF, TERM_END, TERM_ELSE };

/* Append text with the user's "\t"/"\n" escapes replaced (and spaces as tabs in table
 * mode), trimmed as the markers around it say. */
static void add_text(struct parser *p, struct list *l, size_t start, size_t end, bool ltrim)
{
	struct pm_gobuf b = {0};
	for (size_t i = start; i < end; i++) {
		char c = p->s[i];
		if (c == '\\' && i + 1 < end && (p->s[i + 1] == 't' || p->s[i + 1] == 'n')) {
			pm_gobuf_addc(&b, p->s[i + 1] == 't' ? '\t' : '\n');
			i++;
		} else {
			pm_gobuf_addc(&b, p->table && c == ' ' ? '\t' : c);
		}
	}
	size_t s = 0, e = b.len;
	if (p->rtrim)
		while (s < e && is_space(b.s[s]))
			s++;
	if (ltrim)
		while (e > s && is_space(b.s[e - 1]))
			e--;
	p->rtrim = false;
	if (e > s) {
		struct node *n = xcalloc(1, sizeof(*n));
		n->type = N_TEXT;
		n->text = xstrndup(b.s + s, e - s);
		n->text_len = e - s;
		list_add(l, n);
	}
	pm_gobuf_done(&b);
}

static int parse_list(struct parser *p, struct list *l, enum term *ret);

static int expect_no_more(struct parser *p, const char *what)
{
	struct token *t = peek(p);
	if (t)
		return perr(p, "unexpected \"%s\" in %s", tok_desc(p, t), what);
	return 0;
}

/* if/range/with after the keyword; handles {{else}} and {{else if ...}}. */
static int parse_control(struct parser *p, enum node_type type, struct node **ret)
{
	static const char *const names[] = {[N_IF] = "if", [N_RANGE] = "range", [N_WITH] = "with"};
	const char *ctx = names[type];
	if (++p->depth > MAX_NESTING) {
		p->depth--;
		return perr(p, "nesting too deep (limit %d)", MAX_NESTING);
	}
	size_t mark = p->nvars;
	struct node *n = xcalloc(1, sizeof(*n));
	n->type = type;
	enum term term;
	int r = parse_pipe(p, ctx, type == N_RANGE ? 2 : 1, false, &n->pipe);
	if (r < 0)
		goto fail;
	if (type == N_RANGE)
		p->range_depth++;
	r = parse_list(p, &n->body, &term);
	if (type == N_RANGE)
		p->range_depth--;
	if (r < 0)
		goto fail;
	if (term == TERM_EOF) {
		r = perr(p, "unexpected EOF");
		goto fail;
	}
	if (term == TERM_ELSE) {
		struct token *t = peek(p);
		if (type == N_IF && t && t->type == T_IDENT && strcmp(t->text, "if") == 0) {
			/* {{else if X}} is {{else}}{{if X}}...{{end}} sharing one {{end}}. */
			p->tpos++;
			struct node *inner = NULL;
			r = parse_control(p, N_IF, &inner);
			if (r < 0)
				goto fail;
			list_add(&n->else_body, inner);
		} else {
			r = expect_no_more(p, "else");
			if (r < 0)
				goto fail;
			r = parse_list(p, &n->else_body, &term);
			if (r < 0)
				goto fail;
			if (term == TERM_EOF) {
				r = perr(p, "unexpected EOF");
				goto fail;
			}
			if (term == TERM_ELSE) {
				r = perr(p, "expected end; found {{else}}");
				goto fail;
			}
		}
	}
	vars_pop(p, mark);
	p->depth--;
	*ret = n;
	return 0;
fail:
	vars_pop(p, mark);
	p->depth--;
	node_free(n);
	return r;
}

static int parse_list(struct parser *p, struct list *l, enum term *ret)
{
	for (;;) {
		const char *open = memmem(p->s + p->pos, p->n - p->pos, "{{", 2);
		size_t tend = open ? (size_t)(open - p->s) : p->n;
		bool ltrim = open && tend + 3 < p->n && p->s[tend + 2] == '-' &&
			     is_space(p->s[tend + 3]);
		add_text(p, l, p->pos, tend, ltrim);
		if (!open) {
			p->pos = p->n;
			*ret = TERM_EOF;
			return 0;
		}
		p->pos = tend + 2 + (ltrim ? 2 : 0);
		/* Comments: "{{/\*" to "*\/}}", with optional trim markers. */
		size_t c = p->pos;
		if (c + 1 < p->n && p->s[c] == '/' && p->s[c + 1] == '*') {
			const char *e = memmem(p->s + c + 2, p->n - c - 2, "*/", 2);
			if (!e)
				return perr(p, "unclosed comment");
			size_t k = (size_t)(e - p->s) + 2;
			if (k + 1 < p->n && p->s[k] == '}' && p->s[k + 1] == '}') {
				p->rtrim = false;
				p->pos = k + 2;
			} else if (k + 3 < p->n && is_space(p->s[k]) && p->s[k + 1] == '-' &&
				   p->s[k + 2] == '}' && p->s[k + 3] == '}') {
				p->rtrim = true;
				p->pos = k + 4;
			} else {
				return perr(p, "comment ends before closing delimiter");
			}
			continue;
		}
		int r = lex_action(p);
		if (r < 0)
			return r;
		struct token *t = peek(p);
		if (!t)
			return perr(p, "missing value for command");
		if (t->type == T_IDENT && is_keyword(t->text)) {
			const char *kw = t->text;
			p->tpos++;
			struct node *n = NULL;
			if (strcmp(kw, "end") == 0) {
				r = expect_no_more(p, "end");
				if (r < 0)
					return r;
				*ret = TERM_END;
				return 0;
			}
			if (strcmp(kw, "else") == 0) {
				*ret = TERM_ELSE;
				return 0;
			}
			if (strcmp(kw, "if") == 0)
				r = parse_control(p, N_IF, &n);
			else if (strcmp(kw, "range") == 0)
				r = parse_control(p, N_RANGE, &n);
			else if (strcmp(kw, "with") == 0)
				r = parse_control(p, N_WITH, &n);
			else if (strcmp(kw, "break") == 0 || strcmp(kw, "continue") == 0) {
				if (p->range_depth == 0)
					return perr(p, "{{%s}} outside {{range}}", kw);
				r = expect_no_more(p, kw);
				if (r < 0)
					return r;
				n = xcalloc(1, sizeof(*n));
				n->type = kw[0] == 'b' ? N_BREAK : N_CONTINUE;
			} else {
				return perr(p, "{{%s}} is not supported", kw);
			}
			if (r < 0)
				return r;
			list_add(l, n);
			continue;
		}
		struct node *n = xcalloc(1, sizeof(*n));
		n->type = N_ACTION;
		r = parse_pipe(p, "command", 1, false, &n->pipe);
		if (r < 0) {
			node_free(n);
			return r;
		}
		list_add(l, n);
	}
}

int pm_template_parse(const char *fmt, pm_template **ret, bool *ret_table, pm_error **err)
{
	if (!fmt)
		fmt = "";
	size_t len = strlen(fmt);
	if (len > PM_TEMPLATE_MAX_LEN)
		return pm_error_set(err, EINVAL, "template: format too long (%zu bytes, limit %d)",
				    len, PM_TEMPLATE_MAX_LEN);
	bool table = false;
	pm_template *t = xcalloc(1, sizeof(*t));
	if (strncmp(fmt, "table", 5) == 0 && (fmt[5] == ' ' || fmt[5] == 0)) {
		table = true;
		fmt += fmt[5] ? 6 : 5;
		len -= len > 5 ? 6 : 5;
		/* "table" alone: the caller's default format. */
		size_t k = 0;
		while (k < len && is_space(fmt[k]))
			k++;
		if (k == len) {
			t->empty = true;
			if (ret_table)
				*ret_table = true;
			*ret = t;
			return 0;
		}
	}
	struct parser p = {.s = fmt, .n = len, .table = table, .err = err};
	var_push(&p, "$");
	enum term term;
	int r = parse_list(&p, &t->root, &term);
	if (r == 0 && term == TERM_END)
		r = perr(&p, "unexpected {{end}}");
	if (r == 0 && term == TERM_ELSE)
		r = perr(&p, "unexpected {{else}}");
	toks_clear(&p);
	free(p.toks);
	vars_pop(&p, 0);
	free(p.vars);
	if (r < 0) {
		pm_template_free(t);
		return r;
	}
	if (ret_table)
		*ret_table = table;
	*ret = t;
	return 0;
}

/* ---- executor ---------------------------------------------------------------------------- */

struct var {
	const char *name;
	json_t *val; /* NULL: the header-mode dot */
};

struct exec {
	struct pm_gobuf out;
	pm_error **err;
	bool header;
	const char *const *headers;
	struct var *vars;
	size_t nvars, vcap;
	enum { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE } flow;
	unsigned long steps;
};

static int xerr(struct exec *x, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int xerr(struct exec *x, const char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	one_line(m);
	/* The action's source, shortened to keep the message readable. */
	size_t al = strlen(at);
	char *a = xstrndup(at, al > 80 ? 77 : al);
	one_line(a);
	int r = pm_error_set(x->err, EINVAL, "template: executing at <%s%s>: %s", a,
			     al > 80 ? "..." : "", m ? m : "error");
	free(a);
	free(m);
	return r;
}

static void xvar_push(struct exec *x, const char *name, json_t *val)
{
	x->vars = grow(x->vars, &x->vcap, x->nvars, sizeof(*x->vars));
	x->vars[x->nvars++] = (struct var){name, val ? json_incref(val) : NULL};
}

static void xvars_pop(struct exec *x, size_t mark)
{
	while (x->nvars > mark) {
		struct var *v = &x->vars[--x->nvars];
		if (v->val)
			json_decref(v->val);
	}
}

static struct var *xvar_find(struct exec *x, const char *name)
{
	for (size_t i = x->nvars; i > 0; i--)
		if (strcmp(x->vars[i - 1].name, name) == 0)
			return &x->vars[i - 1];
	return NULL;
}

static bool truth(const json_t *v)
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

/* podman's header for a field: camel-case words upper-cased and joined with spaces
 * (fatih/camelcase), unless overridden by "Field=HEADER". */
static char *header_name(const char *field, const char *const *headers)
{
	size_t fl = strlen(field);
	for (int pass = 0; pass < 2 && headers; pass++)
		for (const char *const *h = headers; *h; h++) {
			const char *eq = strchr(*h, '=');
			if (!eq || (size_t)(eq - *h) != fl)
				continue;
			if (pass == 0 ? strncmp(*h, field, fl) != 0
				      : strncasecmp(*h, field, fl) != 0)
				continue;
			char *s = xstrndup(eq + 1, strlen(eq + 1));
			for (char *c = s; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 'a' + 'A');
			return s;
		}
	/* Split into runs of lower, upper, digit, other; then move the last upper letter of
	 * an upper run to a following lower run ("IDName" -> "ID Name"). */
	size_t n = fl;
	int *cls = xcalloc(n, sizeof(int));
	for (size_t i = 0; i < n; i++) {
		char c = field[i];
		cls[i] = (c >= 'a' && c <= 'z')	  ? 1
			 : (c >= 'A' && c <= 'Z') ? 2
			 : is_digit(c)		  ? 3
						  : 4;
	}
	/* run boundaries: start[i] true when a new run begins at i */
	bool *start = xcalloc(n + 1, sizeof(bool));
	for (size_t i = 0; i < n; i++)
		start[i] = i == 0 || cls[i] != cls[i - 1];
	for (size_t i = 1; i < n; i++) {
		/* a lower run takes the last letter of the upper run before it */
		if (start[i] && cls[i] == 1 && cls[i - 1] == 2) {
			start[i] = false;
			start[i - 1] = true;
		}
	}
	struct pm_gobuf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (start[i] && i > 0)
			pm_gobuf_addc(&b, ' ');
		char c = field[i];
		pm_gobuf_addc(&b, (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c);
	}
	free(cls);
	free(start);
	return b.s ? pm_gobuf_take(&b) : xstrndup("", 0);
}

/* Field lookup: exact key first, then case-insensitive. */
static int eval_field(struct exec *x, json_t *recv, const char *name, const char *at, json_t **ret)
{
	if (json_is_object(recv)) {
		json_t *v = json_object_get(recv, name);
		if (!v) {
			const char *k;
			json_t *e;
			json_object_foreach(recv, k, e) {
				if (strcasecmp(k, name) == 0) {
					v = e;
					break;
				}
			}
		}
		if (!v)
			return xerr(x, at, "can't evaluate field %s", name);
		*ret = json_incref(v);
		return 0;
	}
	if (!recv || json_is_null(recv))
		return xerr(x, at, "nil pointer evaluating interface {}.%s", name);
	return xerr(x, at, "can't evaluate field %s in type %s", name, pm_gofmt_typename(recv));
}

/* Apply a's field chain to base (borrowed). base NULL is the header-mode dot: the result
 * is the header for the chain's last field. */
static int eval_chain(struct exec *x, json_t *base, const struct arg *a, json_t **ret)
{
	if (!base && x->header) {
		if (a->nchain == 0) {
			*ret = jstr("", 0);
			return 0;
		}
		char *h = header_name(a->chain[a->nchain - 1], x->headers);
		*ret = jstr(h, strlen(h));
		free(h);
		return 0;
	}
	json_t *cur = base ? json_incref(base) : json_null();
	for (size_t i = 0; i < a->nchain; i++) {
		json_t *next = NULL;
		int r = eval_field(x, cur, a->chain[i], a->src, &next);
		json_decref(cur);
		if (r < 0)
			return r;
		cur = next;
	}
	*ret = cur;
	return 0;
}

static int eval_pipe(struct exec *x, const struct pipe *pp, json_t *dot, bool declare,
		     json_t **ret);
static int call_func(struct exec *x, const struct cmd *c, json_t *dot, json_t *final, json_t **ret);

static int eval_arg(struct exec *x, const struct arg *a, json_t *dot, json_t **ret)
{
	switch (a->type) {
	case A_DOT:
		*ret = dot ? json_incref(dot) : jstr("", 0);
		return 0;
	case A_FIELD:
		return eval_chain(x, dot, a, ret);
	case A_VAR: {
		struct var *v = xvar_find(x, a->name);
		if (!v)
			return xerr(x, a->src, "undefined variable \"%s\"", a->name);
		if (!v->val && a->nchain == 0) {
			*ret = jstr("", 0);
			return 0;
		}
		return eval_chain(x, v->val, a, ret);
	}
	case A_PIPE: {
		json_t *v = NULL;
		int r = eval_pipe(x, a->pipe, dot, false, &v);
		if (r < 0)
			return r;
		if (a->nchain == 0) {
			*ret = v;
			return 0;
		}
		r = eval_chain(x, v, a, ret);
		json_decref(v);
		return r;
	}
	case A_CONST:
		*ret = json_incref(a->value);
		return 0;
	case A_NIL:
		*ret = json_null();
		return 0;
	case A_FUNC: {
		/* A function name as an argument is a call without arguments. */
		struct cmd c = {.args = (struct arg **)&a, .nargs = 1, .src = a->src};
		return call_func(x, &c, dot, NULL, ret);
	}
	}
	return -EINVAL;
}

static int eval_cmd(struct exec *x, const struct cmd *c, json_t *dot, json_t *final, json_t **ret)
{
	const struct arg *a0 = c->args[0];
	if (a0->type == A_FUNC)
		return call_func(x, c, dot, final, ret);
	if (a0->type == A_NIL)
		return xerr(x, c->src, "nil is not a command");
	if (c->nargs > 1 || final)
		return xerr(x, c->src, "can't give argument to non-function %s", a0->src);
	return eval_arg(x, a0, dot, ret);
}

static int eval_pipe(struct exec *x, const struct pipe *pp, json_t *dot, bool declare, json_t **ret)
{
	json_t *final = NULL;
	for (size_t i = 0; i < pp->ncmds; i++) {
		json_t *v = NULL;
		int r = eval_cmd(x, pp->cmds[i], dot, final, &v);
		if (final)
			json_decref(final);
		if (r < 0)
			return r;
		final = v;
	}
	if (declare && pp->ndecl == 1) {
		if (pp->assign) {
			struct var *v = xvar_find(x, pp->decl[0]);
			if (!v) {
				json_decref(final);
				return xerr(x, pp->decl[0], "undefined variable");
			}
			if (v->val)
				json_decref(v->val);
			v->val = json_incref(final);
		} else {
			xvar_push(x, pp->decl[0], final);
		}
	}
	*ret = final;
	return 0;
}

static int call_func(struct exec *x, const struct cmd *c, json_t *dot, json_t *final, json_t **ret)
{
	const struct func *fn = c->args[0]->fn;
	size_t n = c->nargs - 1 + (final ? 1 : 0);
	if ((int)n < fn->min || (fn->max >= 0 && (int)n > fn->max)) {
		if (fn->max < 0)
			return xerr(x, c->args[0]->src,
				    "wrong number of args for %s: want at least %d got %zu",
				    fn->name, fn->min, n);
		return xerr(x, c->args[0]->src, "wrong number of args for %s: want %d got %zu",
			    fn->name, fn->min, n);
	}
	/* and/or evaluate lazily and return the deciding argument. */
	if (!fn->fn) {
		bool is_and = fn->name[0] == 'a';
		json_t *v = NULL;
		for (size_t i = 0; i < n; i++) {
			if (v)
				json_decref(v);
			v = NULL;
			if (i < c->nargs - 1) {
				int r = eval_arg(x, c->args[i + 1], dot, &v);
				if (r < 0)
					return r;
			} else {
				v = json_incref(final);
			}
			if (truth(v) != is_and)
				break;
		}
		*ret = v;
		return 0;
	}
	json_t **args = xcalloc(n, sizeof(*args));
	int r = 0;
	for (size_t i = 0; i < c->nargs - 1; i++) {
		r = eval_arg(x, c->args[i + 1], dot, &args[i]);
		if (r < 0)
			goto out;
	}
	if (final)
		args[n - 1] = json_incref(final);
	char *msg = NULL;
	r = fn->fn(x, args, n, ret, &msg);
	if (r < 0) {
		r = xerr(x, c->src, "%s", msg ? msg : "error");
		free(msg);
	}
out:
	for (size_t i = 0; i < n; i++)
		if (args[i])
			json_decref(args[i]);
	free(args);
	return r;
}

static int walk(struct exec *x, const struct list *l, json_t *dot);

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int walk_range(struct exec *x, const struct node *nd, json_t *dot)
{
	json_t *v = NULL;
	int r = eval_pipe(x, nd->pipe, dot, false, &v);
	if (r < 0)
		return r;
	size_t mark = x->nvars;
	const struct pipe *pp = nd->pipe;
	size_t count = 0;
	if (json_is_array(v) || json_is_object(v) || (x->header && json_is_string(v))) {
		const char **keys = NULL;
		if (json_is_array(v))
			count = json_array_size(v);
		else if (json_is_object(v))
			count = json_object_size(v);
		else
			count = 1;
		if (json_is_object(v)) {
			/* Go ranges over a map in sorted key order. */
			keys = xcalloc(count, sizeof(*keys));
			size_t i = 0;
			const char *k;
			json_t *e;
			json_object_foreach(v, k, e)
				keys[i++] = k;
			count = i;
			qsort(keys, count, sizeof(*keys), cmp_keys);
		}
		for (size_t i = 0; i < count && r >= 0; i++) {
			if (++x->steps > MAX_STEPS) {
				r = pm_error_set(x->err, EINVAL, "template: execution too long");
				break;
			}
			json_t *elem;
			if (json_is_array(v))
				elem = json_array_get(v, i);
			else if (keys)
				elem = json_object_get(v, keys[i]);
			else
				elem = v;
			if (pp->ndecl == 2) {
				json_t *key = keys ? jstr(keys[i], strlen(keys[i]))
						   : xj(json_integer((json_int_t)i));
				xvar_push(x, pp->decl[0], key);
				json_decref(key);
			}
			if (pp->ndecl >= 1)
				xvar_push(x, pp->decl[pp->ndecl - 1], elem);
			r = walk(x, &nd->body, elem);
			xvars_pop(x, mark);
			if (x->flow == FLOW_BREAK) {
				x->flow = FLOW_NONE;
				break;
			}
			x->flow = FLOW_NONE;
		}
		free(keys);
	} else if (v && !json_is_null(v)) {
		struct pm_gobuf b = {0};
		pm_gofmt_value(&b, v, false);
		r = xerr(x, "range", "range can't iterate over %s", b.s ? b.s : "");
		pm_gobuf_done(&b);
	}
	if (r >= 0 && count == 0)
		r = walk(x, &nd->else_body, dot);
	xvars_pop(x, mark);
	json_decref(v);
	return r;
}

static int walk(struct exec *x, const struct list *l, json_t *dot)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct node *nd = l->v[i];
		int r = 0;
		if (++x->steps > MAX_STEPS)
			return pm_error_set(x->err, EINVAL, "template: execution too long");
		switch (nd->type) {
		case N_TEXT:
			pm_gobuf_add(&x->out, nd->text, nd->text_len);
			break;
		case N_ACTION: {
			json_t *v = NULL;
			r = eval_pipe(x, nd->pipe, dot, true, &v);
			if (r < 0)
				return r;
			if (nd->pipe->ndecl == 0)
				pm_gofmt_value(&x->out, v, true);
			json_decref(v);
			break;
		}
		case N_IF:
		case N_WITH: {
			size_t mark = x->nvars;
			json_t *v = NULL;
			r = eval_pipe(x, nd->pipe, dot, true, &v);
			if (r < 0)
				return r;
			if (truth(v))
				r = walk(x, &nd->body, nd->type == N_IF ? dot : v);
			else
				r = walk(x, &nd->else_body, dot);
			json_decref(v);
			xvars_pop(x, mark);
			break;
		}
		case N_RANGE:
			r = walk_range(x, nd, dot);
			break;
		case N_BREAK:
			x->flow = FLOW_BREAK;
			return 0;
		case N_CONTINUE:
			x->flow = FLOW_CONTINUE;
			return 0;
		}
		if (r < 0)
			return r;
		if (x->flow != FLOW_NONE)
			return 0;
		if (x->out.len > MAX_OUTPUT)
			return pm_error_set(x->err, EINVAL,
					    "template: output too large (limit %u bytes)",
					    MAX_OUTPUT);
	}
	return 0;
}

static int execute(const pm_template *t, json_t *data, bool header, const char *const *headers,
		   char **ret, pm_error **err)
{
	struct exec x = {.err = err, .header = header, .headers = headers};
	xvar_push(&x, "$", data);
	int r = t ? walk(&x, &t->root, data) : 0;
	xvars_pop(&x, 0);
	free(x.vars);
	if (r < 0) {
		pm_gobuf_done(&x.out);
		return r;
	}
	*ret = pm_gobuf_take(&x.out);
	return 0;
}

int pm_template_render(const pm_template *t, const json_t *data, char **ret, pm_error **err)
{
	/* The data is only read; references are taken to share values while executing. */
	json_t *d = (json_t *)data;
	if (!d)
		d = json_null();
	return execute(t, d, false, NULL, ret, err);
}

int pm_template_header(const pm_template *t, const char *const *headers, char **ret, pm_error **err)
{
	return execute(t, NULL, true, headers, ret, err);
}

/* ---- functions --------------------------------------------------------------------------- */

static int fail(char **msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **msg, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(msg, fmt, ap) < 0)
		*msg = NULL;
	va_end(ap);
	return -EINVAL;
}

static int want_string(json_t *v, char **msg)
{
	if (json_is_string(v))
		return 0;
	return fail(msg, "wrong type for value; expected string; got %s", pm_gofmt_typename(v));
}

static int want_int(json_t *v, char **msg)
{
	if (json_is_integer(v))
		return 0;
	return fail(msg, "wrong type for value; expected int; got %s", pm_gofmt_typename(v));
}

static int f_not(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	*ret = xj(json_boolean(!truth(a[0])));
	return 0;
}

static int f_len(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	size_t len;
	if (json_is_string(a[0]))
		len = json_string_length(a[0]);
	else if (json_is_array(a[0]))
		len = json_array_size(a[0]);
	else if (json_is_object(a[0]))
		len = json_object_size(a[0]);
	else if (json_is_null(a[0]))
		return fail(msg, "error calling len: len of nil pointer");
	else
		return fail(msg, "error calling len: len of type %s", pm_gofmt_typename(a[0]));
	*ret = xj(json_integer((json_int_t)len));
	return 0;
}

static int f_index(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	json_t *cur = json_incref(a[0]);
	for (size_t i = 1; i < n; i++) {
		json_t *k = a[i], *next = NULL;
		if (x->header && json_is_string(cur)) {
			/* A header cell stays the field's header. */
			continue;
		}
		if (json_is_array(cur) || json_is_string(cur)) {
			if (!json_is_integer(k)) {
				json_decref(cur);
				return fail(msg,
					    "error calling index: cannot index slice/array with "
					    "type %s",
					    pm_gofmt_typename(k));
			}
			json_int_t idx = json_integer_value(k);
			size_t len =
				json_is_array(cur) ? json_array_size(cur) : json_string_length(cur);
			if (idx < 0 || (size_t)idx >= len) {
				json_decref(cur);
				return fail(msg, "error calling index: index out of range: %lld",
					    (long long)idx);
			}
			if (json_is_array(cur))
				next = json_incref(json_array_get(cur, (size_t)idx));
			else
				next = xj(json_integer((unsigned char)json_string_value(cur)[idx]));
		} else if (json_is_object(cur)) {
			if (!json_is_string(k)) {
				json_decref(cur);
				return fail(
					msg,
					"error calling index: value has type %s; should be string",
					pm_gofmt_typename(k));
			}
			json_t *v =
				json_object_getn(cur, json_string_value(k), json_string_length(k));
			/* A missing key gives the zero value (podman's maps hold strings). */
			next = v ? json_incref(v) : jstr("", 0);
		} else if (json_is_null(cur)) {
			json_decref(cur);
			return fail(msg, "error calling index: index of untyped nil");
		} else {
			const char *tn = pm_gofmt_typename(cur);
			json_decref(cur);
			return fail(msg, "error calling index: can't index item of type %s", tn);
		}
		json_decref(cur);
		cur = next;
	}
	*ret = cur;
	return 0;
}

static int f_slice(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	json_t *v = a[0];
	size_t len;
	if (json_is_string(v))
		len = json_string_length(v);
	else if (json_is_array(v))
		len = json_array_size(v);
	else
		return fail(msg, "error calling slice: can't slice item of type %s",
			    pm_gofmt_typename(v));
	if (n > 3 && json_is_string(v))
		return fail(msg, "error calling slice: cannot 3-index slice a string");
	if (n > 4)
		return fail(msg, "error calling slice: too many slice indexes: %zu", n - 1);
	long long idx[3] = {0, (long long)len, (long long)len};
	for (size_t i = 1; i < n; i++) {
		if (!json_is_integer(a[i]))
			return fail(msg,
				    "error calling slice: cannot index slice/array with type %s",
				    pm_gofmt_typename(a[i]));
		idx[i - 1] = json_integer_value(a[i]);
		if (idx[i - 1] < 0 || idx[i - 1] > (long long)len)
			return fail(msg, "error calling slice: index out of range: %lld",
				    idx[i - 1]);
	}
	if (n == 2)
		idx[1] = (long long)len;
	if (idx[0] > idx[1] || (n == 4 && idx[1] > idx[2]))
		return fail(msg, "error calling slice: invalid slice index: %lld > %lld", idx[0],
			    idx[1]);
	if (json_is_string(v)) {
		*ret = jstr(json_string_value(v) + idx[0], (size_t)(idx[1] - idx[0]));
		return 0;
	}
	json_t *arr = xj(json_array());
	for (long long i = idx[0]; i < idx[1]; i++)
		json_array_append(arr, json_array_get(v, (size_t)i));
	*ret = arr;
	return 0;
}

static int f_print(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf b = {0};
	pm_gofmt_sprint(&b, a, n, false);
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_println(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf b = {0};
	pm_gofmt_sprint(&b, a, n, true);
	*ret = jstr(b.s, b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_printf(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0)
		return -EINVAL;
	struct pm_gobuf b = {0};
	pm_gofmt_printf(&b, json_string_value(a[0]), json_string_length(a[0]), a + 1, n - 1);
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_html(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf in = {0}, b = {0};
	if (n == 1 && json_is_string(a[0]))
		pm_gobuf_add(&in, json_string_value(a[0]), json_string_length(a[0]));
	else
		pm_gofmt_sprint(&in, a, n, false);
	for (size_t i = 0; i < in.len; i++) {
		switch (in.s[i]) {
		case '<':
			pm_gobuf_adds(&b, "&lt;");
			break;
		case '>':
			pm_gobuf_adds(&b, "&gt;");
			break;
		case '&':
			pm_gobuf_adds(&b, "&amp;");
			break;
		case '\'':
			pm_gobuf_adds(&b, "&#39;");
			break;
		case '"':
			pm_gobuf_adds(&b, "&#34;");
			break;
		case 0:
			pm_gobuf_adds(&b, "\xef\xbf\xbd");
			break;
		default:
			pm_gobuf_addc(&b, in.s[i]);
		}
	}
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&in);
	pm_gobuf_done(&b);
	return 0;
}

/* eq/ne/lt/le/gt/ge over basic kinds. Returns <0, 0, >0, or sets *msg. */
static int compare(json_t *a, json_t *b, bool order, int *res, char **msg)
{
	if (json_is_null(a) || json_is_null(b)) {
		if (order)
			return fail(msg, "error calling compare: invalid type for comparison");
		*res = json_is_null(a) && json_is_null(b) ? 0 : 1;
		return 0;
	}
	if (json_is_array(a) || json_is_object(a) || json_is_array(b) || json_is_object(b))
		return fail(msg, "error calling compare: non-comparable type %s",
			    pm_gofmt_typename(json_is_array(a) || json_is_object(a) ? a : b));
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b)) {
			json_int_t x = json_integer_value(a), y = json_integer_value(b);
			*res = x < y ? -1 : x > y;
		} else {
			double x = json_number_value(a), y = json_number_value(b);
			*res = x < y ? -1 : x > y;
		}
		return 0;
	}
	if (json_is_string(a) && json_is_string(b)) {
		size_t la = json_string_length(a), lb = json_string_length(b);
		int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);
		*res = c ? c : (la < lb ? -1 : la > lb);
		return 0;
	}
	if (json_is_boolean(a) && json_is_boolean(b)) {
		if (order)
			return fail(msg, "error calling compare: invalid type for comparison");
		*res = json_is_true(a) != json_is_true(b);
		return 0;
	}
	return fail(msg, "error calling compare: incompatible types for comparison");
}

static int f_eq(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	bool eq = false;
	for (size_t i = 1; i < n && !eq; i++) {
		int c;
		if (compare(a[0], a[i], false, &c, msg) < 0)
			return -EINVAL;
		eq = c == 0;
	}
	*ret = xj(json_boolean(eq));
	return 0;
}

static int f_ne(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	int c;
	if (compare(a[0], a[1], false, &c, msg) < 0)
		return -EINVAL;
	*ret = xj(json_boolean(c != 0));
	return 0;
}

#define ORDER_FUNC(name, expr)                                                                     \
	static int name(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)            \
	{                                                                                          \
		int c;                                                                             \
		if (compare(a[0], a[1], true, &c, msg) < 0)                                        \
			return -EINVAL;                                                            \
		*ret = xj(json_boolean(expr));                                                     \
		return 0;                                                                          \
	}
ORDER_FUNC(f_lt, c < 0)
ORDER_FUNC(f_le, c <= 0)
ORDER_FUNC(f_gt, c > 0)
ORDER_FUNC(f_ge, c >= 0)

static int f_join(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[1], msg) < 0)
		return -EINVAL;
	if (x->header && json_is_string(a[0])) {
		*ret = json_incref(a[0]);
		return 0;
	}
	if (!json_is_array(a[0]) && !json_is_null(a[0]))
		return fail(msg, "wrong type for value; expected []string; got %s",
			    pm_gofmt_typename(a[0]));
	struct pm_gobuf b = {0};
	size_t i;
	json_t *e;
	json_array_foreach(a[0], i, e) {
		if (i > 0)
			pm_gobuf_add(&b, json_string_value(a[1]), json_string_length(a[1]));
		if (json_is_string(e))
			pm_gobuf_add(&b, json_string_value(e), json_string_length(e));
		else
			pm_gofmt_value(&b, e, false);
	}
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_json(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	struct pm_gobuf b = {0};
	pm_gofmt_json(&b, a[0]);
	*ret = jstr(b.s, b.len);
	pm_gobuf_done(&b);
	return 0;
}

/* Unicode simple case mapping (Go's unicode.ToUpper/ToLower) from glibc's C.UTF-8 tables;
 * ASCII only if that locale is missing. */
static locale_t utf8_locale(void)
{
	static locale_t loc;
	static bool tried;
	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

static int map_rune(int r, int mode)
{
	locale_t loc = utf8_locale();
	if (r < 0x80 || !loc) {
		if (mode == 'l')
			return r >= 'A' && r <= 'Z' ? r - 'A' + 'a' : r;
		return r >= 'a' && r <= 'z' ? r - 'a' + 'A' : r;
	}
	return (int)(mode == 'l' ? towlower_l((wint_t)r, loc) : towupper_l((wint_t)r, loc));
}

static int map_string(json_t *v, int mode, json_t **ret, char **msg)
{
	if (want_string(v, msg) < 0)
		return -EINVAL;
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	struct pm_gobuf b = {0};
	bool sep = true;
	for (size_t i = 0; i < len;) {
		int r;
		size_t l = pm_utf8_decode(s + i, len - i, &r);
		if (r < 0) {
			pm_utf8_encode(&b,
				       0xfffd); /* strings.Map turns invalid bytes into U+FFFD */
			i += l;
			sep = false;
			continue;
		}
		if (mode == 't') {
			/* strings.Title: upper-case letters that follow a separator. */
			pm_utf8_encode(&b, sep ? map_rune(r, 'u') : r);
			if (r < 0x80)
				sep = !(is_ident((char)r) || r == '_');
			else
				sep = utf8_locale() && iswspace_l((wint_t)r, utf8_locale());
		} else {
			pm_utf8_encode(&b, map_rune(r, mode));
		}
		i += l;
	}
	*ret = jstr(b.s ? b.s : "", b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_upper(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	return map_string(a[0], 'u', ret, msg);
}

static int f_lower(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	return map_string(a[0], 'l', ret, msg);
}

static int f_title(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	return map_string(a[0], 't', ret, msg);
}

static int f_truncate(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0 || want_int(a[1], msg) < 0)
		return -EINVAL;
	json_int_t l = json_integer_value(a[1]);
	size_t len = json_string_length(a[0]);
	if ((json_int_t)len < l) {
		*ret = json_incref(a[0]);
		return 0;
	}
	if (l < 0)
		return fail(msg, "error calling truncate: slice bounds out of range [:%lld]",
			    (long long)l);
	*ret = jstr(json_string_value(a[0]), (size_t)l);
	return 0;
}

static int f_pad(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0 || want_int(a[1], msg) < 0 || want_int(a[2], msg) < 0)
		return -EINVAL;
	json_int_t pre = json_integer_value(a[1]), post = json_integer_value(a[2]);
	if (pre < 0 || post < 0)
		return fail(msg, "error calling pad: negative Repeat count");
	if (pre > 4096 || post > 4096)
		return fail(msg, "error calling pad: padding too large");
	size_t len = json_string_length(a[0]);
	if (len == 0) {
		*ret = json_incref(a[0]);
		return 0;
	}
	struct pm_gobuf b = {0};
	for (json_int_t i = 0; i < pre; i++)
		pm_gobuf_addc(&b, ' ');
	pm_gobuf_add(&b, json_string_value(a[0]), len);
	for (json_int_t i = 0; i < post; i++)
		pm_gobuf_addc(&b, ' ');
	*ret = jstr(b.s, b.len);
	pm_gobuf_done(&b);
	return 0;
}

static int f_split(struct exec *x, json_t **a, size_t n, json_t **ret, char **msg)
{
	if (want_string(a[0], msg) < 0 || want_string(a[1], msg) < 0)
		return -EINVAL;
	const char *s = json_string_value(a[0]), *sep = json_string_value(a[1]);
	size_t len = json_string_length(a[0]), slen = json_string_length(a[1]);
	json_t *arr = xj(json_array());
	if (slen == 0) {
		/* strings.Split with "" splits after each UTF-8 sequence. */
		for (size_t i = 0; i < len;) {
			int r;
			size_t l = pm_utf8_decode(s + i, len - i, &r);
			json_array_append_new(arr, jstr(s + i, l));
			i += l;
		}
	} else {
		size_t start = 0;
		for (size_t i = 0; i + slen <= len;) {
			if (memcmp(s + i, sep, slen) == 0) {
				json_array_append_new(arr, jstr(s + start, i - start));
				i += slen;
				start = i;
			} else {
				i++;
			}
		}
		json_array_append_new(arr, jstr(s + start, len - start));
	}
	*ret = arr;
	return 0;
}

static const struct func funcs[] = {
	{"and", 1, -1, NULL},
	{"eq", 2, -1, f_eq},
	{"ge", 2, 2, f_ge},
	{"gt", 2, 2, f_gt},
	{"html", 0, -1, f_html},
	{"index", 1, -1, f_index},
	{"join", 2, 2, f_join},
	{"json", 1, 1, f_json},
	{"le", 2, 2, f_le},
	{"len", 1, 1, f_len},
	{"lower", 1, 1, f_lower},
	{"lt", 2, 2, f_lt},
	{"ne", 2, 2, f_ne},
	{"not", 1, 1, f_not},
	{"or", 1, -1, NULL},
	{"pad", 3, 3, f_pad},
	{"print", 0, -1, f_print},
	{"printf", 1, -1, f_printf},
	{"println", 0, -1, f_println},
	{"slice", 1, -1, f_slice},
	{"split", 2, 2, f_split},
	{"title", 1, 1, f_title},
	{"truncate", 2, 2, f_truncate},
	{"upper", 1, 1, f_upper},
};

static const struct func *func_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (strlen(funcs[i].name) == len && memcmp(funcs[i].name, name, len) == 0)
			return &funcs[i];
	return NULL;
}

/* ---- tabwriter --------------------------------------------------------------------------- */

/* podman's report writer: text/tabwriter with minwidth 12, tabwidth 2, padding 2, ' '. */
#define TAB_MINWIDTH 12
#define TAB_PADDING  2

struct pm_table {
	struct pm_gobuf text;
};

pm_table *pm_table_new(void)
{
	return xcalloc(1, sizeof(pm_table));
}

void pm_table_add_row(pm_table *t, const char *row)
{
	if (!t || !row)
		return;
	size_t n = strlen(row);
	pm_gobuf_add(&t->text, row, n);
	if (n == 0 || row[n - 1] != '\n')
		pm_gobuf_addc(&t->text, '\n');
}

struct tcell {
	size_t start, len, width, colw;
};

struct tline {
	size_t first, n; /* cells[first .. first+n) */
};

/* Go's tabwriter assigns a column width per block of consecutive lines that all have a
 * cell in that column (the last cell of a line is not in a column). Computed in one pass:
 * run[j] is the first line of the open block of column j. */
void pm_table_print(pm_table *t, FILE *f)
{
	if (!t || !t->text.len)
		return;
	const char *s = t->text.s;
	size_t len = t->text.len;
	struct tcell *cells = NULL;
	struct tline *lines = NULL;
	size_t ncells = 0, ccap = 0, nlines = 0, lcap = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		lines = grow(lines, &lcap, nlines, sizeof(*lines));
		lines[nlines] = (struct tline){ncells, 0};
		size_t cs = i;
		for (size_t k = i; k <= end; k++) {
			if (k == end || s[k] == '\t') {
				cells = grow(cells, &ccap, ncells, sizeof(*cells));
				cells[ncells++] = (struct tcell){cs, k - cs,
								 pm_utf8_count(s + cs, k - cs), 0};
				lines[nlines].n++;
				cs = k + 1;
			}
		}
		nlines++;
		i = end + 1;
	}
	size_t maxcols = 0;
	for (size_t l = 0; l < nlines; l++)
		if (lines[l].n - 1 > maxcols)
			maxcols = lines[l].n - 1;
	size_t *run = xcalloc(maxcols + 1, sizeof(size_t));
	size_t *runw = xcalloc(maxcols + 1, sizeof(size_t));
	size_t active = 0;
	for (size_t l = 0; l <= nlines; l++) {
		size_t cols = l < nlines ? lines[l].n - 1 : 0;
		/* close blocks of columns this line does not have */
		for (size_t j = cols; j < active; j++)
			for (size_t k = run[j]; k < l; k++)
				cells[lines[k].first + j].colw = runw[j];
		for (size_t j = active; j < cols; j++) {
			run[j] = l;
			runw[j] = TAB_MINWIDTH;
		}
		for (size_t j = 0; j < cols; j++)
			if (cells[lines[l].first + j].width + TAB_PADDING > runw[j])
				runw[j] = cells[lines[l].first + j].width + TAB_PADDING;
		active = cols;
	}
	free(run);
	free(runw);
	for (size_t l = 0; l < nlines; l++) {
		for (size_t j = 0; j < lines[l].n; j++) {
			const struct tcell *c = &cells[lines[l].first + j];
			fwrite(s + c->start, 1, c->len, f);
			if (j + 1 < lines[l].n)
				for (size_t k = c->width; k < c->colw; k++)
					fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(cells);
	free(lines);
}

pm_table *pm_table_free(pm_table *t)
{
	if (t) {
		pm_gobuf_done(&t->text);
		free(t);
	}
	return NULL;
}
