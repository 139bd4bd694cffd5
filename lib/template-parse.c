/* template-parse.c: the lexer and parser of the Go text/template subset behind every
 * --format (text, actions, pipelines, if/else if/else, range, with, break/continue,
 * variables, comments, trim markers) into the syntax tree of template-internal.h, and
 * freeing it. The executor is template-exec.c, the functions template-funcs.c, the
 * tabwriter template-table.c; lib/template.h is the one public header.
 * Must not print. Called by cli/output.c and the tests.
 * Limits: format <= 64 KiB, nesting <= 100. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/strutil.h"
#include "lib/template-internal.h"

/* ---- freeing the syntax tree ------------------------------------------------------------- */

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
		free(t->name);
		free(t->text);
		free(t);
	}
	return NULL;
}

bool pm_template_is_empty(const pm_template *t)
{
	return !t || t->empty;
}

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
	const pm_template *t; /* its name and col0 for messages */
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

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = one_line_vmsg(fmt, ap);
	va_end(ap);
	int r;
	if (p->t->name) {
		/* Go's "template: NAME:LINE: msg", LINE that of the token at hand */
		struct token *t = p->tpos < p->ntoks ? &p->toks[p->tpos] : NULL;
		size_t at = t ? t->start : p->pos;
		_cleanup_free_ char *loc = pm_template_location(p->t, at, false);
		r = pm_error_set(p->err, EINVAL, "template: %s: %s", loc, m ? m : "parse error");
	} else {
		r = pm_error_set(p->err, EINVAL, "template: %s", m ? m : "parse error");
	}
	free(m);
	return r;
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
		/* Go's lexer: a word must end at a blank, '.', ',', '|', ':', '(', ')' or "}}" */
		if (t->type == T_DOT || t->type == T_FIELD || t->type == T_VAR ||
		    t->type == T_IDENT) {
			char e = p->pos < p->n ? p->s[p->pos] : ' ';
			if (!is_space(e) && !strchr(".,|:()", e) &&
			    !(e == '}' && p->pos + 1 < p->n && p->s[p->pos + 1] == '}')) {
				free(t->text);
				int rune;
				pm_utf8_decode(p->s + p->pos, p->n - p->pos, &rune);
				if (rune < 0x20 || rune == 0x7f)
					return perr(p, "bad character U+%04X", (unsigned)rune);
				return perr(p, "bad character U+%04X '%.*s'", (unsigned)rune,
					    rune < 0x80 ? 1 : 0, p->s + p->pos);
			}
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
			a->fn = pm_template_func_lookup(t->text, strlen(t->text));
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
	a->pos = p->toks[first].start;
	if (a->type == A_FIELD && a->nchain > 1)
		a->pos = p->toks[first + 1].start;
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
	c->pos = p->toks[first].start;
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

char *pm_template_location(const pm_template *t, size_t pos, bool with_col)
{
	size_t line = 1, col = pos;
	const char *text = t->text ? t->text : "";
	size_t n = strlen(text);
	for (size_t i = 0; i < pos && i < n; i++)
		if (text[i] == '\n') {
			line++;
			col = pos - i - 1;
		}
	if (line == 1)
		col += t->col0;
	return with_col ? pm_xasprintf("%s:%zu:%zu", t->name ? t->name : "", line, col)
			: pm_xasprintf("%s:%zu", t->name ? t->name : "", line);
}

int pm_template_parse(const char *fmt, pm_template **ret, bool *ret_table, pm_error **err)
{
	return pm_template_parse_named(fmt, NULL, 0, ret, ret_table, err);
}

int pm_template_parse_named(const char *fmt, const char *name, size_t col0, pm_template **ret,
			    bool *ret_table, pm_error **err)
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
	if (name) {
		t->name = pm_xstrdup(name);
		t->text = xstrndup(fmt, len);
		t->col0 = col0;
	}
	struct parser p = {.t = t, .s = fmt, .n = len, .table = table, .err = err};
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

/* ---- the fields a template names on its data --------------------------------------------- */

struct fields {
	char ***ret;
	bool all;
};

static void fields_list(struct fields *f, const struct list *l, bool at_root);

static void fields_add(struct fields *f, const char *name)
{
	for (char **s = *f->ret; s && *s; s++)
		if (!strcasecmp(*s, name))
			return;
	pm_strv_push(f->ret, name);
}

static void fields_pipe(struct fields *f, const struct pipe *pp, bool at_root)
{
	if (!pp)
		return;
	if (pp->ndecl) /* a variable may hold the data: every field */
		f->all = true;
	for (size_t i = 0; i < pp->ncmds; i++)
		for (size_t j = 0; j < pp->cmds[i]->nargs; j++) {
			const struct arg *a = pp->cmds[i]->args[j];
			bool root = (a->type == A_FIELD || a->type == A_DOT) ? at_root
				    : a->type == A_VAR ? strcmp(a->name, "$") == 0
						       : false;
			if (a->type == A_PIPE)
				fields_pipe(f, a->pipe, at_root);
			else if (root && a->nchain)
				fields_add(f, a->chain[0]);
			else if (root)
				f->all = true;
		}
}

static void fields_list(struct fields *f, const struct list *l, bool at_root)
{
	for (size_t i = 0; i < l->n && !f->all; i++) {
		const struct node *nd = l->v[i];
		fields_pipe(f, nd->pipe, at_root);
		/* range and with move the dot in their body, not in their else */
		fields_list(f, &nd->body, at_root && nd->type == N_IF);
		fields_list(f, &nd->else_body, at_root);
	}
}

bool pm_template_root_fields(const pm_template *t, char ***ret)
{
	*ret = NULL;
	struct fields f = {.ret = ret};
	if (t)
		fields_list(&f, &t->root, true);
	if (f.all)
		*ret = pm_strv_free(*ret);
	return f.all;
}
