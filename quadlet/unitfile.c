/* unitfile.c: the systemd unit file syntax (systemd.syntax(7), systemd's conf-parser.c and
 * extract_first_word()) for Quadlet files: groups, entries with their lines, continuation
 * lines (a trailing backslash becomes a space; comment lines inside are skipped), '#' and
 * ';' comments; systemd's word splitting with quotes and C escapes, and the quoting back.
 * Pure: never prints. Called by quadlet/convert*.c and the unit tests. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "quadlet/unitfile.h"

struct pm_unit_file *pm_unit_file_free(struct pm_unit_file *f)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->n_groups; i++) {
		struct pm_unit_group *g = &f->groups[i];
		for (size_t j = 0; j < g->n_entries; j++) {
			free(g->entries[j].key);
			free(g->entries[j].value);
		}
		free(g->entries);
		free(g->name);
	}
	free(f->groups);
	free(f->path);
	free(f);
	return NULL;
}

const struct pm_unit_group *pm_unit_file_group(const struct pm_unit_file *f, const char *name)
{
	for (size_t i = 0; f && i < f->n_groups; i++)
		if (!strcmp(f->groups[i].name, name))
			return &f->groups[i];
	return NULL;
}

const struct pm_unit_entry *pm_unit_group_last(const struct pm_unit_group *g, const char *key)
{
	for (size_t i = g ? g->n_entries : 0; i > 0; i--)
		if (!strcmp(g->entries[i - 1].key, key))
			return &g->entries[i - 1];
	return NULL;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* s with leading and trailing whitespace removed, in place. */
static char *strip(char *s)
{
	while (is_ws(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_ws(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int group_add(struct pm_unit_file *f, const char *name, unsigned line)
{
	for (size_t i = 0; i < f->n_groups; i++)
		if (!strcmp(f->groups[i].name, name))
			return (int)i;
	f->groups = pm_xrealloc(f->groups, (f->n_groups + 1) * sizeof(*f->groups));
	f->groups[f->n_groups] = (struct pm_unit_group){.name = pm_xstrdup(name), .line = line};
	return (int)f->n_groups++;
}

static void entry_add(struct pm_unit_group *g, const char *key, const char *value, unsigned line)
{
	g->entries = pm_xrealloc(g->entries, (g->n_entries + 1) * sizeof(*g->entries));
	g->entries[g->n_entries++] = (struct pm_unit_entry){
		.key = pm_xstrdup(key), .value = pm_xstrdup(value), .line = line};
}

/* One logical line (continuations joined). *group is the index of the current group or -1. */
static int parse_line(struct pm_unit_file *f, int *group, char *raw, unsigned line, pm_error **err)
{
	char *l = strip(raw);
	if (!*l || *l == '#' || *l == ';')
		return 0;
	if (*l == '[') {
		size_t n = strlen(l);
		if (n < 3 || l[n - 1] != ']')
			return pm_error_set(err, EINVAL, "%s:%u: invalid section header '%s'",
					    f->path, line, l);
		l[n - 1] = '\0';
		for (const char *c = l + 1; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '[' || *c == ']')
				return pm_error_set(err, EINVAL,
						    "%s:%u: invalid section header '%s]'", f->path,
						    line, l);
		*group = group_add(f, l + 1, line);
		return 0;
	}
	char *eq = strchr(l, '=');
	if (!eq)
		return pm_error_set(err, EINVAL, "%s:%u: missing '=' in '%s'", f->path, line, l);
	if (*group < 0)
		return pm_error_set(err, EINVAL, "%s:%u: assignment outside of a section", f->path,
				    line);
	*eq = '\0';
	char *key = strip(l), *value = strip(eq + 1);
	if (!*key)
		return pm_error_set(err, EINVAL, "%s:%u: missing key name before '='", f->path,
				    line);
	for (const char *c = key; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
			return pm_error_set(err, EINVAL, "%s:%u: invalid key name '%s'", f->path,
					    line, key);
	entry_add(&f->groups[*group], key, value, line);
	return 0;
}

/* Does line end in a backslash that is not itself escaped? */
static bool continues(const char *line)
{
	bool escaped = false;
	for (const char *c = line; *c; c++)
		escaped = !escaped && *c == '\\';
	return escaped;
}

int pm_unit_file_parse(const char *path, const char *text, struct pm_unit_file **ret,
		       pm_error **err)
{
	_cleanup_unit_file_ struct pm_unit_file *f = pm_xcalloc(1, sizeof(*f));
	_cleanup_free_ char *cont = NULL;
	unsigned lineno = 0, cont_line = 0;
	int group = -1;
	f->path = pm_xstrdup(path);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		_cleanup_free_ char *line = pm_xstrndup(p, len);
		p += len + (nl ? 1 : 0);
		lineno++;
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (cont) {
			const char *s = line;
			while (is_ws(*s))
				s++;
			if (*s == '#' || *s == ';')
				continue;
		}
		if (continues(line)) {
			line[len - 1] = ' ';
			if (!cont)
				cont_line = lineno;
			char *joined = pm_xasprintf("%s%s", cont ? cont : "", line);
			free(cont);
			cont = joined;
			continue;
		}
		int r;
		if (cont) {
			_cleanup_free_ char *joined = pm_xasprintf("%s%s", cont, line);
			free(cont);
			cont = NULL;
			r = parse_line(f, &group, joined, cont_line, err);
		} else {
			r = parse_line(f, &group, line, lineno, err);
		}
		if (r < 0)
			return r;
	}
	if (cont) {
		int r = parse_line(f, &group, cont, cont_line, err);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(f);
	return 0;
}

int pm_unit_file_load(const char *path, struct pm_unit_file **ret, pm_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = pm_read_file(path, PM_UNIT_FILE_MAX, &data, &len, err);
	if (r < 0)
		return r;
	if (memchr(data, '\0', len))
		return pm_error_set(err, EINVAL, "%s: not a text file (holds a NUL byte)", path);
	return pm_unit_file_parse(path, data, ret, err);
}

/* ---- words ---------------------------------------------------------------------------- */

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

static void put_bytes(char **buf, size_t *n, size_t *cap, const char *b, size_t k)
{
	if (*n + k + 1 > *cap) {
		*cap = (*n + k + 1) * 2;
		*buf = pm_xrealloc(*buf, *cap);
	}
	memcpy(*buf + *n, b, k);
	*n += k;
}

static void put_utf8(char **buf, size_t *n, size_t *cap, uint32_t c)
{
	char tmp[4];
	size_t k;
	if (c < 0x80) {
		tmp[0] = (char)c;
		k = 1;
	} else if (c < 0x800) {
		tmp[0] = (char)(0xc0 | (c >> 6));
		tmp[1] = (char)(0x80 | (c & 0x3f));
		k = 2;
	} else if (c < 0x10000) {
		tmp[0] = (char)(0xe0 | (c >> 12));
		tmp[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (c & 0x3f));
		k = 3;
	} else {
		tmp[0] = (char)(0xf0 | (c >> 18));
		tmp[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (c & 0x3f));
		k = 4;
	}
	put_bytes(buf, n, cap, tmp, k);
}

/* One C escape after the backslash at s (systemd's cunescape_one): the number of characters
 * it takes, *ret the code point (a raw byte for \x and octal: *raw set), or -EINVAL. */
static int unescape_one(const char *s, uint32_t *ret, bool *raw)
{
	static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''s ";
	*raw = false;
	for (size_t i = 0; simple[i]; i += 2)
		if (*s == simple[i]) {
			*ret = (unsigned char)simple[i + 1];
			return 1;
		}
	if (*s == 'x') {
		int a = hexval(s[1]), b = a < 0 ? -1 : hexval(s[2]);
		if (a < 0 || b < 0 || (a == 0 && b == 0))
			return -EINVAL;
		*ret = (uint32_t)(a << 4 | b);
		*raw = true;
		return 3;
	}
	if (*s == 'u' || *s == 'U') {
		int digits = *s == 'u' ? 4 : 8;
		uint32_t c = 0;
		for (int i = 1; i <= digits; i++) {
			int h = hexval(s[i]);
			if (h < 0)
				return -EINVAL;
			c = c << 4 | (uint32_t)h;
		}
		if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return -EINVAL;
		*ret = c;
		return digits + 1;
	}
	if (*s >= '0' && *s <= '7') {
		if (s[1] < '0' || s[1] > '7' || s[2] < '0' || s[2] > '7')
			return -EINVAL;
		uint32_t c = (uint32_t)((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
		if (c == 0 || c > 0xff)
			return -EINVAL;
		*ret = c;
		*raw = true;
		return 3;
	}
	return -EINVAL;
}

int pm_unit_split_words(const char *s, char ***ret, const char **ret_why)
{
	_cleanup_strv_ char **words = pm_xcalloc(1, sizeof(char *));
	const char *p = s;
	for (;;) {
		while (is_ws(*p))
			p++;
		if (!*p)
			break;
		size_t n = 0, cap = 16;
		_cleanup_free_ char *w = pm_xmalloc(cap);
		char quote = 0;
		while (*p && (quote || !is_ws(*p))) {
			char c = *p;
			if (quote && c == quote) {
				quote = 0;
				p++;
				continue;
			}
			if (!quote && (c == '\'' || c == '"')) {
				quote = c;
				p++;
				continue;
			}
			if (c == '\\') {
				uint32_t u;
				bool raw;
				if (!p[1]) {
					*ret_why = "a backslash at the end";
					return -EINVAL;
				}
				if (is_ws(p[1])) {
					/* an escaped separator (EXTRACT_UNESCAPE_SEPARATORS) */
					put_bytes(&w, &n, &cap, p + 1, 1);
					p += 2;
					continue;
				}
				int k = unescape_one(p + 1, &u, &raw);
				if (k < 0) {
					*ret_why = "an invalid escape sequence";
					return -EINVAL;
				}
				if (raw) {
					char b = (char)u;
					put_bytes(&w, &n, &cap, &b, 1);
				} else {
					put_utf8(&w, &n, &cap, u);
				}
				p += 1 + k;
				continue;
			}
			put_bytes(&w, &n, &cap, &c, 1);
			p++;
		}
		if (quote) {
			*ret_why = "an unfinished quote";
			return -EINVAL;
		}
		w[n] = '\0';
		pm_strv_consume(&words, TAKE_PTR(w));
	}
	*ret = TAKE_PTR(words);
	return 0;
}

char *pm_unit_quote_word(const char *word)
{
	bool need = !*word || !strcmp(word, ";");
	for (const unsigned char *c = (const unsigned char *)word; *c && !need; c++)
		need = *c <= 0x20 || *c == 0x7f || *c == '"' || *c == '\'' || *c == '\\';
	if (!need)
		return pm_xstrdup(word);
	size_t cap = strlen(word) * 4 + 3, n = 0;
	char *out = pm_xmalloc(cap);
	out[n++] = '"';
	for (const unsigned char *c = (const unsigned char *)word; *c; c++) {
		switch (*c) {
		case '"':
		case '\\':
			out[n++] = '\\';
			out[n++] = (char)*c;
			break;
		case '\n':
			out[n++] = '\\';
			out[n++] = 'n';
			break;
		case '\t':
			out[n++] = '\\';
			out[n++] = 't';
			break;
		case '\r':
			out[n++] = '\\';
			out[n++] = 'r';
			break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				n += (size_t)snprintf(out + n, cap - n, "\\x%02x", *c);
			else
				out[n++] = (char)*c;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
	return out;
}

int pm_unit_parse_bool(const char *s)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
	static const char *const no[] = {"0", "no", "n", "false", "f", "off"};
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -EINVAL;
}
