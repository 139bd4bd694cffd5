/* containerfile.c: a Containerfile read into instructions as BuildKit's dockerfile parser
 * (frontend/dockerfile/parser) and its instruction checks (frontend/dockerfile/instructions)
 * read it: directives, comments, continuations, heredocs, flags, the exec (JSON) form. The
 * word handling is in cf-words.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "builder/cf-internal.h"
#include "builder/containerfile.h"
#include "lib/strutil.h"

#define CF_MAX_FILE   (1024 * 1024)
#define CF_MAX_LINE   (64 * 1024)
#define CF_MAX_INSTRS 10000

static const char *const kind_names[] = {
	[PM_CF_FROM] = "FROM",
	[PM_CF_RUN] = "RUN",
	[PM_CF_COPY] = "COPY",
	[PM_CF_ADD] = "ADD",
	[PM_CF_ENV] = "ENV",
	[PM_CF_ARG] = "ARG",
	[PM_CF_WORKDIR] = "WORKDIR",
	[PM_CF_USER] = "USER",
	[PM_CF_CMD] = "CMD",
	[PM_CF_ENTRYPOINT] = "ENTRYPOINT",
	[PM_CF_EXPOSE] = "EXPOSE",
	[PM_CF_LABEL] = "LABEL",
	[PM_CF_VOLUME] = "VOLUME",
	[PM_CF_STOPSIGNAL] = "STOPSIGNAL",
	[PM_CF_HEALTHCHECK] = "HEALTHCHECK",
	[PM_CF_SHELL] = "SHELL",
	[PM_CF_ONBUILD] = "ONBUILD",
	[PM_CF_MAINTAINER] = "MAINTAINER",
};

#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *pm_cf_kind_name(enum pm_cf_kind kind)
{
	if ((size_t)kind < N_KINDS && kind_names[kind])
		return kind_names[kind];
	return "UNKNOWN";
}

/* ---- flags each instruction takes (BuildKit's BFlags per instruction) ---- */

enum { F_STRING, F_BOOL };

struct flag_spec {
	enum pm_cf_kind kind;
	const char *name;
	int type;
	bool repeat;
};

static const struct flag_spec flag_specs[] = {
	{PM_CF_FROM, "platform", F_STRING, false},
	{PM_CF_RUN, "mount", F_STRING, true},
	{PM_CF_RUN, "network", F_STRING, false},
	{PM_CF_RUN, "security", F_STRING, false},
	{PM_CF_COPY, "from", F_STRING, false},
	{PM_CF_COPY, "chown", F_STRING, false},
	{PM_CF_COPY, "chmod", F_STRING, false},
	{PM_CF_COPY, "link", F_BOOL, false},
	{PM_CF_COPY, "parents", F_BOOL, false},
	{PM_CF_COPY, "exclude", F_STRING, true},
	{PM_CF_ADD, "chown", F_STRING, false},
	{PM_CF_ADD, "chmod", F_STRING, false},
	{PM_CF_ADD, "link", F_BOOL, false},
	{PM_CF_ADD, "keep-git-dir", F_BOOL, false},
	{PM_CF_ADD, "checksum", F_STRING, false},
	{PM_CF_ADD, "exclude", F_STRING, true},
	{PM_CF_HEALTHCHECK, "interval", F_STRING, false},
	{PM_CF_HEALTHCHECK, "timeout", F_STRING, false},
	{PM_CF_HEALTHCHECK, "start-period", F_STRING, false},
	{PM_CF_HEALTHCHECK, "start-interval", F_STRING, false},
	{PM_CF_HEALTHCHECK, "retries", F_STRING, false},
};

/* ---- the reader ---- */

struct parser {
	const char *buf;
	size_t len, pos;
	unsigned lineno; /* lines read so far */
	size_t raw_n;	 /* the last line's length with its '\r's */
	const char *filename;
	char escape;
	bool directives_done;
	bool seen_syntax, seen_escape, seen_check;
	pm_error **err;
};

static int perr(struct parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	int r = pm_error_set(p->err, EINVAL, "%s:%u: %s", p->filename, line,
			     msg ? msg : "syntax error");
	free(msg);
	return r;
}

/* The next physical line, without its '\n' and the '\r's before it (p->raw_n counts them).
 * 1, 0 at the end, or < 0. */
static int next_line(struct parser *p, const char **ret, size_t *ret_n)
{
	if (p->pos >= p->len)
		return 0;
	const char *s = p->buf + p->pos;
	const char *nl = memchr(s, '\n', p->len - p->pos);
	size_t n = nl ? (size_t)(nl - s) : p->len - p->pos;
	p->pos += n + (nl ? 1 : 0);
	p->lineno++;
	if (n > CF_MAX_LINE)
		return perr(p, p->lineno, "line longer than 64 KiB (%zu bytes)", n);
	if (memchr(s, 0, n))
		return perr(p, p->lineno, "NUL byte in the line");
	if (p->lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	p->raw_n = n;
	while (n > 0 && s[n - 1] == '\r')
		n--;
	*ret = s;
	*ret_n = n;
	return 1;
}

static void ltrim(const char **s, size_t *n)
{
	while (*n > 0 && pm_cf_is_space(**s)) {
		(*s)++;
		(*n)--;
	}
}

static bool is_comment(const char *s, size_t n)
{
	ltrim(&s, &n);
	return n > 0 && s[0] == '#';
}

static bool is_hspace(char c)
{
	return c == ' ' || c == '\t';
}

/* `# name=value` before anything else: ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$; the first
 * line that is no known directive ends them (BuildKit's DirectiveParser). */
static int directive(struct parser *p, const char *s, size_t n)
{
	if (p->directives_done)
		return 0;
	size_t i = 1, name_at, name_end, val_at, val_end = n;
	if (n == 0 || s[0] != '#')
		goto done;
	while (i < n && pm_cf_is_space(s[i]))
		i++;
	name_at = i;
	if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		goto done;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			 (s[i] >= '0' && s[i] <= '9')))
		i++;
	name_end = i;
	while (i < n && pm_cf_is_space(s[i]))
		i++;
	if (i >= n || s[i] != '=')
		goto done;
	i++;
	while (i < n && pm_cf_is_space(s[i]))
		i++;
	val_at = i;
	while (val_end > val_at && pm_cf_is_space(s[val_end - 1]))
		val_end--;
	if (val_end == val_at)
		goto done;

	size_t nl = name_end - name_at, vl = val_end - val_at;
	const char *name = s + name_at, *val = s + val_at;
	bool *seen = NULL;
	if (nl == 6 && strncasecmp(name, "escape", 6) == 0)
		seen = &p->seen_escape;
	else if (nl == 6 && strncasecmp(name, "syntax", 6) == 0)
		seen = &p->seen_syntax;
	else if (nl == 5 && strncasecmp(name, "check", 5) == 0)
		seen = &p->seen_check;
	else
		goto done; /* an unknown directive is a comment, and ends the directives */
	if (*seen)
		return perr(p, p->lineno, "only one '%.*s' parser directive can be used", (int)nl,
			    name);
	*seen = true;
	if (seen == &p->seen_escape) {
		if (vl != 1 || (val[0] != '\\' && val[0] != '`'))
			return perr(p, p->lineno,
				    "invalid escape token '%.*s' does not match ` or \\", (int)vl,
				    val);
		p->escape = val[0];
	}
	return 0;
done:
	p->directives_done = true;
	return 0;
}

/* Drop a trailing escape (and blanks after it) from the segment b[from..]: true when the
 * line continues. BuildKit's ([^\\])\\[ \t]*$|^\\[ \t]*$: an escaped escape at the end
 * ("echo \\\\") does not continue. */
static bool trim_continuation(const struct parser *p, struct pm_cf_buf *b, size_t from)
{
	size_t n = b->n;
	while (n > from && is_hspace(b->p[n - 1]))
		n--;
	if (n > from && b->p[n - 1] == p->escape && (n - 1 == from || b->p[n - 2] != p->escape)) {
		b->n = n - 1;
		b->p[b->n] = 0;
		return true;
	}
	return false;
}

/* ---- arrays ---- */

/* Room for one more element of an array grown one at a time from 0. */
static void *grow(void *v, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		v = pm_xrealloc(v, (n ? 2 * n : 1) * size);
	return v;
}

static void push_arg(struct pm_cf_instr *in, char *s)
{
	pm_cf_strv_add(&in->args, &in->n_args, s);
}

static void push_kv(struct pm_cf_instr *in, char *key, char *value)
{
	in->kvs = grow(in->kvs, in->n_kvs, sizeof(*in->kvs));
	in->kvs[in->n_kvs++] = (struct pm_cf_kv){key, value};
}

static void instr_clear(struct pm_cf_instr *in)
{
	if (!in)
		return;
	free(in->original);
	for (size_t i = 0; i < in->n_flags; i++) {
		free(in->flags[i].name);
		free(in->flags[i].value);
	}
	free(in->flags);
	for (size_t i = 0; i < in->n_args; i++)
		free(in->args[i]);
	free(in->args);
	for (size_t i = 0; i < in->n_kvs; i++) {
		free(in->kvs[i].key);
		free(in->kvs[i].value);
	}
	free(in->kvs);
	for (size_t i = 0; i < in->n_heredocs; i++) {
		free(in->heredocs[i].name);
		free(in->heredocs[i].body);
	}
	free(in->heredocs);
	free(in->stage_name);
	if (in->onbuild) {
		instr_clear(in->onbuild);
		free(in->onbuild);
	}
	*in = (struct pm_cf_instr){0};
}

struct pm_containerfile *pm_containerfile_free(struct pm_containerfile *cf)
{
	if (!cf)
		return NULL;
	for (size_t i = 0; i < cf->n_meta_args; i++) {
		free(cf->meta_args[i].key);
		free(cf->meta_args[i].value);
	}
	free(cf->meta_args);
	for (size_t i = 0; i < cf->n_instrs; i++)
		instr_clear(&cf->instrs[i]);
	free(cf->instrs);
	free(cf->stages);
	free(cf);
	return NULL;
}

/* ---- one instruction's text ---- */

/* BuildKit's extractBuilderFlags: the leading `--name[=value]` words (quotes and '\\'
 * applied); *ret_rest points at the first word that is not a flag. */
static void extract_flags(const char *line, char ***ret_words, const char **ret_rest)
{
	enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
	char **words = NULL;
	size_t n = 0;
	struct pm_cf_buf w = {0};
	bool blank_ok = false;
	char quote = 0;
	size_t len = strlen(line);
	*ret_rest = line + len;
	for (size_t pos = 0; pos <= len; pos++) {
		char ch = pos < len ? line[pos] : 0;
		if (phase == IN_SPACES) {
			if (pos == len)
				break;
			if (pm_cf_is_space(ch))
				continue;
			if (ch != '-' || pos + 1 == len || line[pos + 1] != '-') {
				*ret_rest = line + pos;
				break;
			}
			phase = IN_WORD;
		}
		if (pos == len) {
			if ((blank_ok || w.n > 0) && !(w.n == 2 && strcmp(w.p, "--") == 0))
				pm_cf_strv_add(&words, &n, pm_cf_buf_take(&w));
			break;
		}
		if (phase == IN_WORD) {
			if (pm_cf_is_space(ch)) {
				phase = IN_SPACES;
				if (w.n == 2 && strcmp(w.p, "--") == 0) {
					*ret_rest = line + pos;
					break;
				}
				if (blank_ok || w.n > 0)
					pm_cf_strv_add(&words, &n, pm_cf_buf_take(&w));
				free(w.p);
				w = (struct pm_cf_buf){0};
				blank_ok = false;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = true;
				phase = IN_QUOTE;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == len)
					continue;
				ch = line[++pos];
			}
			pm_cf_buf_addc(&w, ch);
			continue;
		}
		if (ch == quote) {
			phase = IN_WORD;
			continue;
		}
		if (ch == '\\') {
			if (pos + 1 == len) {
				phase = IN_WORD;
				continue;
			}
			ch = line[++pos];
		}
		pm_cf_buf_addc(&w, ch);
	}
	free(w.p);
	if (!words)
		words = pm_xcalloc(1, sizeof(char *));
	*ret_words = words;
}

static int set_flags(struct parser *p, struct pm_cf_instr *in, char **words)
{
	const char *name = pm_cf_kind_name(in->kind);
	for (char **w = words; *w; w++) {
		const char *f = *w + 2; /* after "--" */
		const char *eq = strchr(f, '=');
		size_t nl = eq ? (size_t)(eq - f) : strlen(f);
		const struct flag_spec *spec = NULL;
		for (size_t i = 0; i < sizeof(flag_specs) / sizeof(flag_specs[0]); i++)
			if (flag_specs[i].kind == in->kind && strlen(flag_specs[i].name) == nl &&
			    strncmp(flag_specs[i].name, f, nl) == 0)
				spec = &flag_specs[i];
		if (!spec)
			return perr(p, in->line, "%s: unknown flag: '--%.*s'", name, (int)nl, f);
		if (!spec->repeat)
			for (size_t i = 0; i < in->n_flags; i++)
				if (strcmp(in->flags[i].name, spec->name) == 0)
					return perr(p, in->line,
						    "%s: duplicate flag specified: '--%s'", name,
						    spec->name);
		if (spec->type == F_STRING && !eq)
			return perr(p, in->line, "%s: missing a value on flag: '--%s'", name,
				    spec->name);
		if (spec->type == F_BOOL && eq && strcasecmp(eq + 1, "true") != 0 &&
		    strcasecmp(eq + 1, "false") != 0)
			return perr(p, in->line,
				    "%s: expecting boolean value for flag '--%s', not: '%s'", name,
				    spec->name, eq + 1);
		in->flags = grow(in->flags, in->n_flags, sizeof(*in->flags));
		in->flags[in->n_flags++] = (struct pm_cf_flag){
			.name = pm_xstrdup(spec->name),
			.value = eq ? pm_xstrdup(eq + 1) : NULL,
		};
	}
	return 0;
}

/* The JSON (exec) form: 1 and the strings, 0 when rest is not a JSON array (then it is the
 * shell form, as Docker reads it), -EINVAL for an array of something else than strings. */
static int parse_json(struct parser *p, struct pm_cf_instr *in, const char *rest, size_t skip)
{
	while (pm_cf_is_space(*rest))
		rest++;
	if (*rest != '[')
		return 0;
	json_error_t jerr;
	json_t *j = json_loads(rest, 0, &jerr);
	if (!j)
		return 0;
	if (!json_is_array(j)) {
		json_decref(j);
		return 0;
	}
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v) {
		if (!json_is_string(v)) {
			json_decref(j);
			return perr(p, in->line,
				    "%s: when using JSON array syntax, arrays must be comprised of "
				    "strings only: '%s'",
				    pm_cf_kind_name(in->kind), rest);
		}
	}
	json_array_foreach(j, i, v) {
		if (i >= skip)
			push_arg(in, pm_xstrdup(json_string_value(v)));
	}
	json_decref(j);
	in->json = true;
	return 1;
}

/* Split on runs of blanks, no quoting (BuildKit's parseStringsWhitespaceDelimited). */
static void split_blanks(struct pm_cf_instr *in, const char *rest)
{
	const char *s = rest;
	for (;;) {
		while (*s && pm_cf_is_space(*s))
			s++;
		if (!*s)
			break;
		const char *e = s;
		while (*e && !pm_cf_is_space(*e))
			e++;
		push_arg(in, pm_xstrndup(s, (size_t)(e - s)));
		s = e;
	}
}

static int parse_maybe_json(struct parser *p, struct pm_cf_instr *in, const char *rest, bool list)
{
	int r = parse_json(p, in, rest, 0);
	if (r != 0)
		return r < 0 ? r : 0;
	if (list)
		split_blanks(in, rest);
	else if (*rest)
		push_arg(in, pm_xstrdup(rest));
	return 0;
}

/* ENV, LABEL: `name=value ...` or the legacy `name value with blanks`. */
static int parse_name_val(struct parser *p, struct pm_cf_instr *in, const char *rest)
{
	const char *name = pm_cf_kind_name(in->kind);
	_cleanup_strv_ char **words = NULL;
	size_t n = 0;
	pm_cf_split_words(rest, p->escape, &words, &n, NULL);
	if (n == 0)
		return perr(p, in->line, "%s requires at least one argument", name);
	if (!strchr(words[0], '=')) {
		const char *s = rest;
		while (*s && !pm_cf_is_space(*s))
			s++;
		const char *v = s;
		while (*v && pm_cf_is_space(*v))
			v++;
		if (!*v)
			return perr(p, in->line, "%s must have two arguments: '%s'", name, rest);
		push_kv(in, pm_xstrndup(rest, (size_t)(s - rest)), pm_xstrdup(v));
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(words[i], '=');
		if (!eq)
			return perr(p, in->line,
				    "%s: syntax error - can't find = in '%s'. Must be of the form: "
				    "name=value",
				    name, words[i]);
		if (eq == words[i])
			return perr(p, in->line, "%s names can not be blank: '%s'", name, words[i]);
		push_kv(in, pm_xstrndup(words[i], (size_t)(eq - words[i])), pm_xstrdup(eq + 1));
	}
	return 0;
}

static int parse_arg(struct parser *p, struct pm_cf_instr *in, const char *rest)
{
	_cleanup_strv_ char **words = NULL;
	size_t n = 0;
	pm_cf_split_words(rest, p->escape, &words, &n, NULL);
	if (n == 0)
		return perr(p, in->line, "ARG requires at least one argument");
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(words[i], '=');
		if (eq == words[i])
			return perr(p, in->line, "ARG names can not be blank: '%s'", words[i]);
		if (eq)
			push_kv(in, pm_xstrndup(words[i], (size_t)(eq - words[i])),
				pm_xstrdup(eq + 1));
		else
			push_kv(in, pm_xstrdup(words[i]), NULL);
	}
	return 0;
}

static bool valid_stage_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return false;
	return true;
}

static int parse_from(struct parser *p, struct pm_cf_instr *in, const char *rest)
{
	split_blanks(in, rest);
	if (in->n_args == 3 && strcasecmp(in->args[1], "as") == 0) {
		char *name = pm_xstrdup(in->args[2]);
		for (char *c = name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (!valid_stage_name(name)) {
			free(name);
			return perr(p, in->line,
				    "invalid name for build stage: '%s', name can't start with a "
				    "number or contain symbols",
				    in->args[2]);
		}
		in->stage_name = name;
		free(in->args[1]);
		free(in->args[2]);
		in->args[1] = NULL;
		in->n_args = 1;
		return 0;
	}
	if (in->n_args != 1)
		return perr(p, in->line,
			    "FROM requires either one or three arguments "
			    "(FROM image [AS name]): '%s'",
			    rest);
	return 0;
}

static int parse_healthcheck(struct parser *p, struct pm_cf_instr *in, const char *rest)
{
	const char *e = rest;
	while (*e && !pm_cf_is_space(*e))
		e++;
	if (e == rest)
		return perr(p, in->line, "HEALTHCHECK requires an argument (NONE or CMD)");
	const char *cmd = e;
	while (*cmd && pm_cf_is_space(*cmd))
		cmd++;
	size_t tl = (size_t)(e - rest);
	if (tl == 4 && strncasecmp(rest, "NONE", 4) == 0) {
		if (*cmd)
			return perr(p, in->line, "HEALTHCHECK NONE takes no arguments: '%s'", cmd);
		push_arg(in, pm_xstrdup("NONE"));
		return 0;
	}
	if (tl != 3 || strncasecmp(rest, "CMD", 3) != 0)
		return perr(p, in->line, "unknown type '%.*s' in HEALTHCHECK (try CMD)", (int)tl,
			    rest);
	push_arg(in, pm_xstrdup("CMD"));
	int r = parse_maybe_json(p, in, cmd, false);
	if (r < 0)
		return r;
	if (in->n_args < 2)
		return perr(p, in->line, "missing command after HEALTHCHECK CMD");
	return 0;
}

static int parse_instr(struct parser *p, const char *line, unsigned lineno, bool in_onbuild,
		       struct pm_cf_instr *in);

static int parse_onbuild(struct parser *p, struct pm_cf_instr *in, const char *rest)
{
	if (!*rest)
		return perr(p, in->line, "ONBUILD requires at least one argument");
	in->onbuild = pm_xcalloc(1, sizeof(*in->onbuild));
	return parse_instr(p, rest, in->line, true, in->onbuild);
}

static int kind_lookup(const char *s, size_t n, enum pm_cf_kind *ret)
{
	for (size_t k = 0; k < N_KINDS; k++)
		if (strlen(kind_names[k]) == n && strncasecmp(kind_names[k], s, n) == 0) {
			*ret = (enum pm_cf_kind)k;
			return 0;
		}
	return -ENOENT;
}

/* BuildKit's newNodeFromLine plus the checks of its instruction parser. */
static int parse_instr(struct parser *p, const char *line, unsigned lineno, bool in_onbuild,
		       struct pm_cf_instr *in)
{
	int r;
	while (*line && pm_cf_is_space(*line))
		line++;
	size_t ll = strlen(line);
	while (ll > 0 && pm_cf_is_space(line[ll - 1]))
		ll--;
	_cleanup_free_ char *trimmed = pm_xstrndup(line, ll);
	in->line = lineno;

	const char *c = trimmed;
	while (*c && !pm_cf_is_space(*c))
		c++;
	size_t cl = (size_t)(c - trimmed);
	if (kind_lookup(trimmed, cl, &in->kind) < 0)
		return perr(p, lineno, "unknown instruction: %.*s", (int)cl, trimmed);
	if (in_onbuild) {
		if (in->kind == PM_CF_ONBUILD)
			return perr(p, lineno,
				    "chaining ONBUILD via 'ONBUILD ONBUILD' isn't allowed");
		if (in->kind == PM_CF_FROM || in->kind == PM_CF_MAINTAINER)
			return perr(p, lineno, "%.*s isn't allowed as an ONBUILD trigger", (int)cl,
				    trimmed);
	}
	in->original = pm_xstrdup(line);
	while (*c && pm_cf_is_space(*c))
		c++;

	_cleanup_strv_ char **flag_words = NULL;
	const char *after = NULL;
	extract_flags(c, &flag_words, &after);
	if ((r = set_flags(p, in, flag_words)) < 0)
		return r;
	while (*after && pm_cf_is_space(*after))
		after++;
	_cleanup_free_ char *rest = pm_xstrdup(after);
	const char *name = pm_cf_kind_name(in->kind);

	switch (in->kind) {
	case PM_CF_FROM:
		return parse_from(p, in, rest);
	case PM_CF_RUN:
		if (!*rest)
			return perr(p, lineno, "RUN requires at least one argument");
		return parse_maybe_json(p, in, rest, false);
	case PM_CF_CMD:
	case PM_CF_ENTRYPOINT:
		r = parse_maybe_json(p, in, rest, false);
		if (r >= 0 && in->n_args == 0)
			in->json = true; /* nothing: as `CMD []` */
		return r;
	case PM_CF_SHELL:
		r = parse_json(p, in, rest, 0);
		if (r < 0)
			return r;
		if (r == 0)
			return perr(p, lineno,
				    "SHELL requires the arguments to be in JSON form: '%s'", rest);
		if (in->n_args == 0)
			return perr(p, lineno, "SHELL requires at least one argument");
		return 0;
	case PM_CF_COPY:
	case PM_CF_ADD:
		if ((r = parse_maybe_json(p, in, rest, true)) < 0)
			return r;
		if (in->n_args < 2)
			return perr(
				p, lineno,
				"%s requires at least two arguments (sources and a destination): "
				"'%s'",
				name, rest);
		return 0;
	case PM_CF_VOLUME:
		if ((r = parse_maybe_json(p, in, rest, true)) < 0)
			return r;
		if (in->n_args == 0)
			return perr(p, lineno, "VOLUME requires at least one argument");
		for (size_t i = 0; i < in->n_args; i++)
			if (!*in->args[i])
				return perr(p, lineno,
					    "VOLUME specified can not be an empty string");
		return 0;
	case PM_CF_EXPOSE:
		split_blanks(in, rest);
		if (in->n_args == 0)
			return perr(p, lineno, "EXPOSE requires at least one argument");
		return 0;
	case PM_CF_ENV:
	case PM_CF_LABEL:
		return parse_name_val(p, in, rest);
	case PM_CF_ARG:
		return parse_arg(p, in, rest);
	case PM_CF_WORKDIR:
	case PM_CF_USER:
	case PM_CF_STOPSIGNAL:
	case PM_CF_MAINTAINER:
		if (!*rest)
			return perr(p, lineno, "%s requires exactly one argument", name);
		push_arg(in, pm_xstrdup(rest));
		return 0;
	case PM_CF_HEALTHCHECK:
		return parse_healthcheck(p, in, rest);
	case PM_CF_ONBUILD:
		return parse_onbuild(p, in, rest);
	}
	return perr(p, lineno, "unknown instruction: %s", name);
}

/* ---- heredocs ---- */

/* The heredocs a line opens: words matching ^[0-9]*<<(-?)([^<]*)$ (BuildKit's reHeredoc). */
static void find_heredocs(const char *line, struct pm_cf_instr *in)
{
	_cleanup_strv_ char **words = NULL;
	pm_cf_split_words(line, '\\', &words, NULL, NULL);
	for (char **w = words; *w; w++) {
		const char *s = *w;
		while (*s >= '0' && *s <= '9')
			s++;
		if (strncmp(s, "<<", 2) != 0)
			continue;
		s += 2;
		bool chomp = *s == '-';
		if (chomp)
			s++;
		if (!*s || strchr(s, '<'))
			continue;
		bool quoted = false;
		char *name = pm_cf_unquote(s, '\\', &quoted);
		if (!*name) {
			free(name);
			continue;
		}
		in->heredocs = grow(in->heredocs, in->n_heredocs, sizeof(*in->heredocs));
		in->heredocs[in->n_heredocs++] = (struct pm_cf_heredoc){
			.name = name,
			.expand = !quoted,
			.strip_tabs = chomp,
		};
	}
}

static int read_heredocs(struct parser *p, struct pm_cf_instr *in, unsigned start)
{
	for (size_t i = 0; i < in->n_heredocs; i++) {
		struct pm_cf_heredoc *h = &in->heredocs[i];
		struct pm_cf_buf body = {0};
		size_t nl = strlen(h->name);
		bool done = false;
		const char *s;
		size_t n;
		int r;
		while ((r = next_line(p, &s, &n)) > 0) {
			size_t raw = p->raw_n;
			if (h->strip_tabs)
				while (n > 0 && *s == '\t') {
					s++;
					n--;
					raw--;
				}
			if (n == nl && memcmp(s, h->name, n) == 0) {
				done = true;
				break;
			}
			/* the line as it is, a '\r' before its '\n' kept (BuildKit's scanLines) */
			pm_cf_buf_add(&body, s, raw);
			pm_cf_buf_addc(&body, '\n');
		}
		if (r < 0) {
			free(body.p);
			return r;
		}
		if (!done) {
			free(body.p);
			return perr(p, start, "unterminated heredoc '%s' (no line '%s' follows)",
				    h->name, h->name);
		}
		h->body = pm_cf_buf_take(&body);
	}
	return 0;
}

/* ---- the file ---- */

static int add_instr(struct parser *p, struct pm_containerfile *cf, struct pm_cf_instr *in)
{
	if (cf->n_stages == 0 && in->kind != PM_CF_FROM) {
		if (in->kind != PM_CF_ARG)
			return perr(p, in->line,
				    "no build stage in current context: %s before the first FROM",
				    pm_cf_kind_name(in->kind));
		for (size_t i = 0; i < in->n_kvs; i++) {
			cf->meta_args =
				grow(cf->meta_args, cf->n_meta_args, sizeof(*cf->meta_args));
			cf->meta_args[cf->n_meta_args++] = in->kvs[i];
		}
		in->n_kvs = 0;
		instr_clear(in);
		return 0;
	}
	if (in->kind == PM_CF_FROM) {
		if (in->stage_name)
			for (size_t i = 0; i < cf->n_stages; i++) {
				const char *other = cf->instrs[cf->stages[i].first].stage_name;
				if (other && strcmp(other, in->stage_name) == 0)
					return perr(p, in->line, "duplicate stage name '%s'",
						    in->stage_name);
			}
		cf->stages = grow(cf->stages, cf->n_stages, sizeof(*cf->stages));
		cf->stages[cf->n_stages++] = (struct pm_cf_stage){.first = cf->n_instrs, .n = 0};
	}
	cf->instrs = grow(cf->instrs, cf->n_instrs, sizeof(*cf->instrs));
	cf->instrs[cf->n_instrs++] = *in;
	cf->stages[cf->n_stages - 1].n++;
	*in = (struct pm_cf_instr){0};
	return 0;
}

static int parse_all(struct parser *p, struct pm_containerfile *cf)
{
	const char *s;
	size_t n, count = 0;
	unsigned first_line = 0;
	int r;
	while ((r = next_line(p, &s, &n)) > 0) {
		ltrim(&s, &n);
		if ((r = directive(p, s, n)) < 0)
			return r;
		if (is_comment(s, n))
			continue;
		unsigned start = p->lineno;
		struct pm_cf_buf line = {0};
		pm_cf_buf_add(&line, s, n);
		bool more = trim_continuation(p, &line, 0);
		if (!more && line.n == 0) {
			free(line.p);
			continue;
		}
		while (more) {
			if ((r = next_line(p, &s, &n)) <= 0)
				break;
			if (is_comment(s, n))
				continue;
			const char *t = s;
			size_t tn = n;
			ltrim(&t, &tn);
			if (tn == 0)
				continue;
			size_t from = line.n;
			pm_cf_buf_add(&line, s, n);
			more = trim_continuation(p, &line, from);
		}
		if (r < 0) {
			free(line.p);
			return r;
		}
		_cleanup_free_ char *text = pm_cf_buf_take(&line);
		const char *t = text;
		while (*t && pm_cf_is_space(*t))
			t++;
		if (!*t)
			continue;
		if (++count > CF_MAX_INSTRS)
			return perr(p, start, "more than %d instructions", CF_MAX_INSTRS);
		if (!first_line)
			first_line = start;

		struct pm_cf_instr in = {0};
		r = parse_instr(p, text, start, false, &in);
		if (r >= 0) {
			struct pm_cf_instr *target = in.kind == PM_CF_ONBUILD ? in.onbuild : &in;
			if ((target->kind == PM_CF_RUN || target->kind == PM_CF_COPY ||
			     target->kind == PM_CF_ADD) &&
			    !target->json && strstr(text, "<<")) {
				find_heredocs(text, target);
				r = read_heredocs(p, target, start);
			}
		}
		if (r >= 0)
			r = add_instr(p, cf, &in);
		instr_clear(&in);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (cf->n_stages == 0) {
		if (count == 0)
			return pm_error_set(p->err, EINVAL, "%s: file with no instructions",
					    p->filename);
		return perr(p, first_line, "no FROM instruction: a build stage starts with FROM");
	}
	return 0;
}

int pm_containerfile_parse(const char *buf, size_t len, const char *filename,
			   struct pm_containerfile **ret, pm_error **err)
{
	if (!filename)
		filename = "Containerfile";
	if (len > CF_MAX_FILE)
		return pm_error_set(err, EINVAL, "%s: larger than 1 MiB (%zu bytes)", filename,
				    len);
	struct parser p = {
		.buf = buf,
		.len = len,
		.filename = filename,
		.escape = '\\',
		.err = err,
	};
	struct pm_containerfile *cf = pm_xcalloc(1, sizeof(*cf));
	int r = parse_all(&p, cf);
	if (r < 0) {
		pm_containerfile_free(cf);
		return r;
	}
	cf->escape = p.escape;
	*ret = cf;
	return 0;
}
