/* gofmt.c: Go's fmt (%v, printf verbs, Sprint) and encoding/json output for JSON values,
 * so that pm's --format output matches podman byte for byte. Owns float formatting
 * (shortest round-trip digits), strconv.Quote and the JSON encoder used by {{json}}.
 * Must not print or allocate anything the caller does not free. Called by lib/template-*.c. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/gofmt.h"

/* ---- buffer ------------------------------------------------------------------------------ */

static void gobuf_grow(struct pm_gobuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			abort();
		cap *= 2;
	}
	char *s = realloc(b->s, cap);
	if (!s)
		abort();
	b->s = s;
	b->cap = cap;
}

void pm_gobuf_add(struct pm_gobuf *b, const char *s, size_t n)
{
	gobuf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void pm_gobuf_adds(struct pm_gobuf *b, const char *s)
{
	pm_gobuf_add(b, s, strlen(s));
}

void pm_gobuf_addc(struct pm_gobuf *b, char c)
{
	pm_gobuf_add(b, &c, 1);
}

void pm_gobuf_addf(struct pm_gobuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		pm_gobuf_add(b, small, (size_t)n);
		return;
	}
	gobuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *pm_gobuf_take(struct pm_gobuf *b)
{
	gobuf_grow(b, 0);
	b->s[b->len] = 0;
	char *s = b->s;
	*b = (struct pm_gobuf){0};
	return s;
}

void pm_gobuf_done(struct pm_gobuf *b)
{
	free(b->s);
	*b = (struct pm_gobuf){0};
}

static void add_repeat(struct pm_gobuf *b, char c, size_t n)
{
	gobuf_grow(b, n);
	memset(b->s + b->len, c, n);
	b->len += n;
	b->s[b->len] = 0;
}

/* ---- UTF-8 ------------------------------------------------------------------------------- */

size_t pm_utf8_decode(const char *str, size_t n, int *ret_rune)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];
	if (c < 0x80) {
		*ret_rune = (int)c;
		return 1;
	}
	size_t len;
	unsigned min, r;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, r = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, r = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, r = c & 0x07, min = 0x10000;
	} else {
		*ret_rune = -1;
		return 1;
	}
	if (n < len) {
		*ret_rune = -1;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*ret_rune = -1;
			return 1;
		}
		r = (r << 6) | (s[i] & 0x3f);
	}
	if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) {
		*ret_rune = -1;
		return 1;
	}
	*ret_rune = (int)r;
	return len;
}

size_t pm_utf8_count(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; count++) {
		int r;
		i += pm_utf8_decode(s + i, n - i, &r);
	}
	return count;
}

void pm_utf8_encode(struct pm_gobuf *b, int r)
{
	char u[4];
	if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		r = 0xfffd;
	if (r < 0x80) {
		pm_gobuf_addc(b, (char)r);
	} else if (r < 0x800) {
		u[0] = (char)(0xc0 | (r >> 6));
		u[1] = (char)(0x80 | (r & 0x3f));
		pm_gobuf_add(b, u, 2);
	} else if (r < 0x10000) {
		u[0] = (char)(0xe0 | (r >> 12));
		u[1] = (char)(0x80 | ((r >> 6) & 0x3f));
		u[2] = (char)(0x80 | (r & 0x3f));
		pm_gobuf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (r >> 18));
		u[1] = (char)(0x80 | ((r >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((r >> 6) & 0x3f));
		u[3] = (char)(0x80 | (r & 0x3f));
		pm_gobuf_add(b, u, 4);
	}
}

/* ---- floats ------------------------------------------------------------------------------ */

/* Shortest decimal digits that read back as v (v finite, non-zero, positive): digits in d
 * (NUL-terminated, no leading or trailing zeros), v = 0.d * 10^dp. */
static void shortest_digits(double v, char d[32], int *dp)
{
	char tmp[48];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	size_t nd = 0;
	const char *p = tmp;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			d[nd++] = *p;
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	d[nd] = 0;
	*dp = (*p == 'e' ? atoi(p + 1) : 0) + 1;
}

/* strconv.FormatFloat(v, fmt, -1, 64) for fmt 'e', 'f' or 'g' (shortest). */
static void format_float_shortest(struct pm_gobuf *b, double v, char fmt, bool upper)
{
	if (isnan(v)) {
		pm_gobuf_adds(b, "NaN");
		return;
	}
	if (isinf(v)) {
		pm_gobuf_adds(b, v < 0 ? "-Inf" : "+Inf");
		return;
	}
	if (signbit(v)) {
		pm_gobuf_addc(b, '-');
		v = -v;
	}
	char d[32];
	int dp;
	if (v == 0) {
		strcpy(d, "0");
		dp = 1;
	} else {
		shortest_digits(v, d, &dp);
	}
	int nd = (int)strlen(d);
	int exp = dp - 1;
	if (fmt == 'g')
		fmt = (exp < -4 || exp >= 6) ? 'e' : 'f';
	if (fmt == 'e') {
		pm_gobuf_addc(b, d[0]);
		if (nd > 1) {
			pm_gobuf_addc(b, '.');
			pm_gobuf_add(b, d + 1, (size_t)nd - 1);
		}
		if (v == 0)
			exp = 0;
		pm_gobuf_addf(b, "%c%c%02d", upper ? 'E' : 'e', exp < 0 ? '-' : '+', abs(exp));
		return;
	}
	if (dp <= 0) {
		pm_gobuf_adds(b, "0.");
		add_repeat(b, '0', (size_t)-dp);
		pm_gobuf_add(b, d, (size_t)nd);
	} else if (dp >= nd) {
		pm_gobuf_add(b, d, (size_t)nd);
		add_repeat(b, '0', (size_t)(dp - nd));
	} else {
		pm_gobuf_add(b, d, (size_t)dp);
		pm_gobuf_addc(b, '.');
		pm_gobuf_add(b, d + dp, (size_t)(nd - dp));
	}
}

/* ---- type names and %v ------------------------------------------------------------------- */

const char *pm_gofmt_typename(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "int";
	case JSON_REAL:
		return "float64";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	case JSON_ARRAY:
		return "[]interface {}";
	case JSON_OBJECT:
		return "map[string]interface {}";
	default:
		return "<nil>";
	}
}

struct spec {
	bool minus, plus, sharp, space, zero;
	bool has_width, has_prec;
	int width, prec;
};

static void fmt_arg(struct pm_gobuf *b, const json_t *v, int verb, const struct spec *sp,
		    const char *field);

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Object keys sorted bytewise, as fmt prints maps. Returns a malloc'd array. */
static const char **sorted_keys(const json_t *obj, size_t *ret_n)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		abort();
	const char *k;
	json_t *val;
	json_object_foreach((json_t *)obj, k, val)
		keys[i++] = k;
	qsort(keys, i, sizeof(*keys), cmp_keys);
	*ret_n = i;
	return keys;
}

void pm_gofmt_value(struct pm_gobuf *b, const json_t *v, bool top)
{
	pm_gofmt_value_field(b, v, top, NULL);
}

void pm_gofmt_value_field(struct pm_gobuf *b, const json_t *v, bool top, const char *field)
{
	if (top && (!v || json_is_null(v))) {
		/* podman's nil pointer, map and slices its templates name (inspect's SizeRw
		 * without --size, HostConfig's CgroupConf and Blkio* lists) */
		const char *s = "<no value>";
		if (field && !strcmp(field, "SizeRw"))
			s = "<nil>";
		else if (field && !strcmp(field, "CgroupConf"))
			s = "map[]";
		else if (field && (!strcmp(field, "BlkioWeightDevice") ||
				   !strncmp(field, "BlkioDevice", 11)))
			s = "[]";
		pm_gobuf_adds(b, s);
		return;
	}
	static const struct spec none;
	fmt_arg(b, v, 'v', &none, field);
}

/* ---- padding ----------------------------------------------------------------------------- */

/* Pad s to the width in runes, spaces (or zeros with the 0 flag) on the left, or spaces on
 * the right with the - flag. */
static void pad(struct pm_gobuf *b, const char *s, size_t n, const struct spec *sp)
{
	size_t w = sp->has_width ? pm_utf8_count(s, n) : 0;
	if (!sp->has_width || w >= (size_t)sp->width) {
		pm_gobuf_add(b, s, n);
		return;
	}
	size_t fill = (size_t)sp->width - w;
	if (sp->minus) {
		pm_gobuf_add(b, s, n);
		add_repeat(b, ' ', fill);
	} else {
		add_repeat(b, sp->zero ? '0' : ' ', fill);
		pm_gobuf_add(b, s, n);
	}
}

/* Pad a formatted number: the 0 flag puts zeros between the sign and the digits. */
static void pad_number(struct pm_gobuf *b, const char *s, size_t n, const struct spec *sp)
{
	if (sp->zero && !sp->minus && sp->has_width && n < (size_t)sp->width) {
		size_t sign = (n && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) ? 1 : 0;
		pm_gobuf_add(b, s, sign);
		add_repeat(b, '0', (size_t)sp->width - n);
		pm_gobuf_add(b, s + sign, n - sign);
		return;
	}
	struct spec nz = *sp;
	nz.zero = false;
	pad(b, s, n, &nz);
}

/* ---- quoting ----------------------------------------------------------------------------- */

/* Runes strconv.IsPrint rejects among those a terminal could show: C1 controls and a few
 * format/separator characters. */
static bool rune_printable(int r)
{
	if (r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0xa0) || r == 0xad)
		return false;
	if ((r >= 0x200b && r <= 0x200f) || (r >= 0x2028 && r <= 0x202e) ||
	    (r >= 0x2060 && r <= 0x206f) || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb))
		return false;
	if (r >= 0xe000 && r <= 0xf8ff)
		return false;
	return true;
}

static void quote_rune_body(struct pm_gobuf *b, int r, size_t len, const char *raw, char quote,
			    bool ascii)
{
	static const char hex[] = "0123456789abcdef";
	if (r < 0 && !raw)
		r = 0xfffd;
	if (r < 0 && raw) {
		pm_gobuf_addf(b, "\\x%c%c", hex[(unsigned char)raw[0] >> 4],
			      hex[(unsigned char)raw[0] & 15]);
		return;
	}
	if (r == quote || r == '\\') {
		pm_gobuf_addc(b, '\\');
		pm_gobuf_addc(b, (char)r);
		return;
	}
	if (rune_printable(r) && !(ascii && r >= 0x80)) {
		if (raw)
			pm_gobuf_add(b, raw, len);
		else
			pm_utf8_encode(b, r);
		return;
	}
	switch (r) {
	case '\a':
		pm_gobuf_adds(b, "\\a");
		return;
	case '\b':
		pm_gobuf_adds(b, "\\b");
		return;
	case '\f':
		pm_gobuf_adds(b, "\\f");
		return;
	case '\n':
		pm_gobuf_adds(b, "\\n");
		return;
	case '\r':
		pm_gobuf_adds(b, "\\r");
		return;
	case '\t':
		pm_gobuf_adds(b, "\\t");
		return;
	case '\v':
		pm_gobuf_adds(b, "\\v");
		return;
	default:
		break;
	}
	if (r < 0x20 || r == 0x7f)
		pm_gobuf_addf(b, "\\x%02x", (unsigned)r);
	else if (r < 0x10000)
		pm_gobuf_addf(b, "\\u%04x", (unsigned)r);
	else
		pm_gobuf_addf(b, "\\U%08x", (unsigned)r);
}

static void quote_string(struct pm_gobuf *b, const char *s, size_t n, bool ascii)
{
	pm_gobuf_addc(b, '"');
	for (size_t i = 0; i < n;) {
		int r;
		size_t len = pm_utf8_decode(s + i, n - i, &r);
		quote_rune_body(b, r, len, s + i, '"', ascii);
		i += len;
	}
	pm_gobuf_addc(b, '"');
}

void pm_gofmt_quote(struct pm_gobuf *b, const char *s, size_t n)
{
	quote_string(b, s, n, false);
}

/* ---- printf verbs ------------------------------------------------------------------------ */

static void bad_verb(struct pm_gobuf *b, const json_t *v, int verb)
{
	pm_gobuf_adds(b, "%!");
	pm_utf8_encode(b, verb);
	pm_gobuf_addc(b, '(');
	if (!v || json_is_null(v)) {
		pm_gobuf_adds(b, "<nil>");
	} else {
		pm_gobuf_adds(b, pm_gofmt_typename(v));
		pm_gobuf_addc(b, '=');
		pm_gofmt_value(b, v, false);
	}
	pm_gobuf_addc(b, ')');
}

static void fmt_integer(struct pm_gobuf *b, long long v, int verb, const struct spec *sp)
{
	struct pm_gobuf t = {0};
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int base = 10;
	const char *digits = "0123456789abcdefx";
	switch (verb) {
	case 'b':
		base = 2;
		break;
	case 'o':
	case 'O':
		base = 8;
		break;
	case 'x':
		base = 16;
		break;
	case 'X':
		base = 16;
		digits = "0123456789ABCDEFX";
		break;
	default:
		break;
	}
	char tmp[80];
	int n = 0;
	do {
		tmp[n++] = digits[u % (unsigned)base];
		u /= (unsigned)base;
	} while (u);
	/* Precision is the minimum number of digits; the 0 flag makes the width one. */
	int prec = -1;
	bool signed_out = v < 0 || sp->plus || sp->space;
	if (sp->has_prec) {
		prec = sp->prec;
		if (prec == 0 && v == 0) {
			n = 0;
		}
	} else if (sp->zero && sp->has_width && !sp->minus) {
		prec = sp->width - (signed_out ? 1 : 0);
	}
	while (n < prec && n < (int)sizeof(tmp) - 4)
		tmp[n++] = '0';
	if (sp->sharp || verb == 'O') {
		if (base == 8 && (verb == 'O' || n == 0 || tmp[n - 1] != '0')) {
			if (verb == 'O') {
				tmp[n++] = 'o';
			}
			tmp[n++] = '0';
		} else if (base == 16) {
			tmp[n++] = digits[16];
			tmp[n++] = '0';
		} else if (base == 2) {
			tmp[n++] = 'b';
			tmp[n++] = '0';
		}
	}
	if (v < 0)
		tmp[n++] = '-';
	else if (sp->plus)
		tmp[n++] = '+';
	else if (sp->space)
		tmp[n++] = ' ';
	for (int i = n - 1; i >= 0; i--)
		pm_gobuf_addc(&t, tmp[i]);
	struct spec nz = *sp;
	nz.zero = false;
	pad(b, t.s ? t.s : "", t.len, &nz);
	pm_gobuf_done(&t);
}

static void fmt_float(struct pm_gobuf *b, double v, int verb, const struct spec *sp)
{
	struct pm_gobuf t = {0};
	if (sp->plus && !signbit(v))
		pm_gobuf_addc(&t, '+');
	else if (sp->space && !signbit(v))
		pm_gobuf_addc(&t, ' ');
	int lower = verb | 0x20;
	if (!sp->has_prec && (verb == 'v' || lower == 'g')) {
		format_float_shortest(&t, v, 'g', verb == 'G');
	} else if (!isfinite(v)) {
		format_float_shortest(&t, v, 'f', false);
	} else {
		int prec = sp->has_prec ? (sp->prec > 1000 ? 1000 : sp->prec) : 6;
		bool sh = sp->sharp;
		switch (verb) {
		case 'e':
			pm_gobuf_addf(&t, sh ? "%#.*e" : "%.*e", prec, v);
			break;
		case 'E':
			pm_gobuf_addf(&t, sh ? "%#.*E" : "%.*E", prec, v);
			break;
		case 'f':
		case 'F':
			pm_gobuf_addf(&t, sh ? "%#.*f" : "%.*f", prec, v);
			break;
		case 'G':
			pm_gobuf_addf(&t, sh ? "%#.*G" : "%.*G", prec, v);
			break;
		default:
			pm_gobuf_addf(&t, sh ? "%#.*g" : "%.*g", prec, v);
			break;
		}
	}
	/* Go prints "+Inf" only with the + flag, and never zero-pads infinities or NaN. */
	if (isinf(v) && !sp->plus && t.len && t.s[0] == '+' && !sp->space)
		memmove(t.s, t.s + 1, t.len--);
	if (!isfinite(v)) {
		struct spec nz = *sp;
		nz.zero = false;
		pad(b, t.s, t.len, &nz);
	} else {
		pad_number(b, t.s, t.len, sp);
	}
	pm_gobuf_done(&t);
}

static void fmt_string(struct pm_gobuf *b, const char *s, size_t n, int verb, const struct spec *sp)
{
	struct pm_gobuf t = {0};
	switch (verb) {
	case 'v':
	case 's':
		if (sp->has_prec) {
			/* Precision truncates to that many runes. */
			size_t i = 0;
			for (int k = 0; k < sp->prec && i < n; k++) {
				int r;
				i += pm_utf8_decode(s + i, n - i, &r);
			}
			n = i;
		}
		pad(b, s, n, sp);
		return;
	case 'q':
		quote_string(&t, s, n, sp->plus);
		break;
	case 'x':
	case 'X': {
		const char *hex = verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
		for (size_t i = 0; i < n; i++) {
			if (sp->space && i > 0)
				pm_gobuf_addc(&t, ' ');
			if (sp->sharp && (i == 0 || sp->space))
				pm_gobuf_adds(&t, verb == 'x' ? "0x" : "0X");
			pm_gobuf_addc(&t, hex[(unsigned char)s[i] >> 4]);
			pm_gobuf_addc(&t, hex[(unsigned char)s[i] & 15]);
		}
		break;
	}
	default:
		return;
	}
	pad(b, t.s ? t.s : "", t.len, sp);
	pm_gobuf_done(&t);
}

static bool verb_ok(const json_t *v, int verb)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return strchr("vsqxX", verb) != NULL;
	case JSON_INTEGER:
		return strchr("vdbcoOqxXU", verb) != NULL;
	case JSON_REAL:
		return strchr("veEfFgG", verb) != NULL;
	case JSON_TRUE:
	case JSON_FALSE:
		return verb == 'v' || verb == 't';
	default:
		return true;
	}
}

/* Does a JSON object stand for a Go struct (printed "{v1 v2}") rather than a map ("map[k:v]")?
 * podman's inspect and list data are structs whose maps sit in fields of known names
 * (Labels, Annotations, PortBindings, ...); any other object whose keys are all exported Go
 * names (an upper-case letter, then letters and digits) is taken as a struct. */
static bool is_struct(const json_t *v, const char *field)
{
	static const char *const maps[] = {
		"Labels",	"Annotations", "PortBindings", "Ports",	   "Tmpfs",
		"Sysctls",	"Options",     "Data",	       "Networks", "DriverOpts",
		"ExposedPorts", "Volumes",     "StorageOpt",   "Sysctl",   "Opts",
	};
	if (field)
		for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
			if (!strcmp(field, maps[i]))
				return false;
	if (json_object_size(v) == 0)
		return false;
	const char *k;
	json_t *e;
	json_object_foreach((json_t *)v, k, e) {
		if (!(k[0] >= 'A' && k[0] <= 'Z'))
			return false;
		for (const char *c = k; *c; c++)
			if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			      (*c >= '0' && *c <= '9')))
				return false;
	}
	return true;
}

static void fmt_arg(struct pm_gobuf *b, const json_t *v, int verb, const struct spec *sp,
		    const char *field)
{
	if (!v || json_is_null(v)) {
		if (verb == 'v')
			pad(b, "<nil>", 5, sp);
		else
			bad_verb(b, v, verb);
		return;
	}
	if (!json_is_array(v) && !json_is_object(v) && (verb > 0x7f || !verb_ok(v, verb))) {
		bad_verb(b, v, verb);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		fmt_string(b, json_string_value(v), json_string_length(v), verb, sp);
		return;
	case JSON_INTEGER: {
		long long i = json_integer_value(v);
		struct pm_gobuf t = {0};
		if (verb == 'c') {
			pm_utf8_encode(&t, (i < 0 || i > 0x10ffff) ? 0xfffd : (int)i);
			pad(b, t.s, t.len, sp);
		} else if (verb == 'q') {
			int r = (i < 0 || i > 0x10ffff) ? 0xfffd : (int)i;
			pm_gobuf_addc(&t, '\'');
			quote_rune_body(&t, r, 0, NULL, '\'', sp->plus);
			pm_gobuf_addc(&t, '\'');
			pad(b, t.s, t.len, sp);
		} else if (verb == 'U') {
			pm_gobuf_addf(&t, "U+%04llX", (unsigned long long)i);
			pad(b, t.s, t.len, sp);
		} else {
			fmt_integer(b, i, verb == 'v' ? 'd' : verb, sp);
		}
		pm_gobuf_done(&t);
		return;
	}
	case JSON_REAL:
		fmt_float(b, json_real_value(v), verb, sp);
		return;
	case JSON_TRUE:
	case JSON_FALSE:
		pad(b, json_is_true(v) ? "true" : "false", json_is_true(v) ? 4 : 5, sp);
		return;
	case JSON_ARRAY: {
		size_t i;
		json_t *e;
		pm_gobuf_addc(b, '[');
		json_array_foreach((json_t *)v, i, e) {
			if (i > 0)
				pm_gobuf_addc(b, ' ');
			fmt_arg(b, e, verb, sp, NULL);
		}
		pm_gobuf_addc(b, ']');
		return;
	}
	case JSON_OBJECT: {
		if (is_struct(v, field)) {
			/* a Go struct: its fields' values in order, "{a b}" */
			const char *k;
			json_t *e;
			bool first = true;
			pm_gobuf_addc(b, '{');
			json_object_foreach((json_t *)v, k, e) {
				if (!first)
					pm_gobuf_addc(b, ' ');
				first = false;
				fmt_arg(b, e, verb, sp, k);
			}
			pm_gobuf_addc(b, '}');
			return;
		}
		size_t n;
		const char **keys = sorted_keys(v, &n);
		pm_gobuf_adds(b, "map[");
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				pm_gobuf_addc(b, ' ');
			json_t *k = json_string_nocheck(keys[i]);
			fmt_arg(b, k, verb, sp, NULL);
			json_decref(k);
			pm_gobuf_addc(b, ':');
			fmt_arg(b, json_object_get(v, keys[i]), verb, sp, NULL);
		}
		pm_gobuf_addc(b, ']');
		free(keys);
		return;
	}
	default:
		return;
	}
}

void pm_gofmt_printf(struct pm_gobuf *b, const char *fmt, size_t end, json_t *const *args,
		     size_t nargs)
{
	size_t argi = 0;
	for (size_t i = 0; i < end;) {
		const char *pct = memchr(fmt + i, '%', end - i);
		size_t lit = pct ? (size_t)(pct - fmt) : end;
		pm_gobuf_add(b, fmt + i, lit - i);
		if (!pct)
			break;
		i = lit + 1;
		struct spec sp = {0};
		for (; i < end; i++) {
			char c = fmt[i];
			if (c == '#')
				sp.sharp = true;
			else if (c == '0')
				sp.zero = !sp.minus;
			else if (c == '+')
				sp.plus = true;
			else if (c == '-')
				sp.minus = true, sp.zero = false;
			else if (c == ' ')
				sp.space = true;
			else
				break;
		}
		if (i < end && fmt[i] == '*') {
			i++;
			if (argi < nargs && json_is_integer(args[argi]) &&
			    llabs(json_integer_value(args[argi])) <= 1000000) {
				long long w = json_integer_value(args[argi++]);
				sp.has_width = true;
				if (w < 0) {
					sp.minus = true, sp.zero = false;
					w = -w;
				}
				sp.width = (int)w;
			} else {
				if (argi < nargs)
					argi++;
				pm_gobuf_adds(b, "%!(BADWIDTH)");
			}
		} else {
			while (i < end && fmt[i] >= '0' && fmt[i] <= '9') {
				sp.has_width = true;
				if (sp.width < 1000000)
					sp.width = sp.width * 10 + (fmt[i] - '0');
				i++;
			}
		}
		if (i < end && fmt[i] == '.') {
			i++;
			sp.has_prec = true;
			if (i < end && fmt[i] == '*') {
				i++;
				if (argi < nargs && json_is_integer(args[argi]) &&
				    json_integer_value(args[argi]) >= 0 &&
				    json_integer_value(args[argi]) <= 1000000) {
					sp.prec = (int)json_integer_value(args[argi++]);
				} else {
					if (argi < nargs)
						argi++;
					sp.has_prec = false;
					pm_gobuf_adds(b, "%!(BADPREC)");
				}
			} else {
				while (i < end && fmt[i] >= '0' && fmt[i] <= '9') {
					if (sp.prec < 1000000)
						sp.prec = sp.prec * 10 + (fmt[i] - '0');
					i++;
				}
			}
		}
		if (i >= end) {
			pm_gobuf_adds(b, "%!(NOVERB)");
			break;
		}
		int verb;
		i += pm_utf8_decode(fmt + i, end - i, &verb);
		if (verb < 0)
			verb = 0xfffd;
		if (verb == '%') {
			pm_gobuf_addc(b, '%');
			continue;
		}
		/* %+v and %#v are Go's struct/syntax forms: the flag is not a sign here. */
		if (verb == 'v')
			sp.plus = false;
		if (argi >= nargs) {
			pm_gobuf_adds(b, "%!");
			pm_utf8_encode(b, verb);
			pm_gobuf_adds(b, "(MISSING)");
			continue;
		}
		fmt_arg(b, args[argi++], verb, &sp, NULL);
	}
	if (argi < nargs) {
		pm_gobuf_adds(b, "%!(EXTRA ");
		for (size_t k = argi; k < nargs; k++) {
			if (k > argi)
				pm_gobuf_adds(b, ", ");
			if (!args[k] || json_is_null(args[k])) {
				pm_gobuf_adds(b, "<nil>");
				continue;
			}
			pm_gobuf_adds(b, pm_gofmt_typename(args[k]));
			pm_gobuf_addc(b, '=');
			pm_gofmt_value(b, args[k], false);
		}
		pm_gobuf_addc(b, ')');
	}
}

void pm_gofmt_sprint(struct pm_gobuf *b, json_t *const *args, size_t nargs, bool ln)
{
	for (size_t i = 0; i < nargs; i++) {
		bool is_str = args[i] && json_is_string(args[i]);
		if (i > 0 && (ln || (!is_str && !(args[i - 1] && json_is_string(args[i - 1])))))
			pm_gobuf_addc(b, ' ');
		pm_gofmt_value(b, args[i], false);
	}
	if (ln)
		pm_gobuf_addc(b, '\n');
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void json_string_out(struct pm_gobuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	pm_gobuf_addc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (c == '"' || c == '\\') {
				pm_gobuf_addc(b, '\\');
				pm_gobuf_addc(b, (char)c);
			} else if (c == '\n') {
				pm_gobuf_adds(b, "\\n");
			} else if (c == '\r') {
				pm_gobuf_adds(b, "\\r");
			} else if (c == '\t') {
				pm_gobuf_adds(b, "\\t");
			} else if (c < 0x20) {
				pm_gobuf_addf(b, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			} else {
				pm_gobuf_addc(b, (char)c);
			}
			i++;
			continue;
		}
		int r;
		size_t len = pm_utf8_decode(s + i, n - i, &r);
		if (r < 0)
			pm_gobuf_adds(b, "\\ufffd");
		else if (r == 0x2028 || r == 0x2029)
			pm_gobuf_addf(b, "\\u%04x", (unsigned)r);
		else
			pm_gobuf_add(b, s + i, len);
		i += len;
	}
	pm_gobuf_addc(b, '"');
}

static void json_float_out(struct pm_gobuf *b, double v)
{
	if (!isfinite(v)) {
		pm_gobuf_adds(b, "null");
		return;
	}
	double a = fabs(v);
	bool e = a != 0 && (a < 1e-6 || a >= 1e21);
	size_t start = b->len;
	format_float_shortest(b, v, e ? 'e' : 'f', false);
	/* Go cleans e-09 to e-9. */
	size_t n = b->len - start;
	char *p = b->s + start;
	if (e && n >= 4 && p[n - 4] == 'e' && p[n - 3] == '-' && p[n - 2] == '0') {
		p[n - 2] = p[n - 1];
		b->len--;
		b->s[b->len] = 0;
	}
}

void pm_gofmt_json(struct pm_gobuf *b, const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT: {
		const char *k;
		json_t *val;
		bool first = true;
		pm_gobuf_addc(b, '{');
		json_object_foreach((json_t *)v, k, val) {
			if (!first)
				pm_gobuf_addc(b, ',');
			first = false;
			json_string_out(b, k, strlen(k));
			pm_gobuf_addc(b, ':');
			pm_gofmt_json(b, val);
		}
		pm_gobuf_addc(b, '}');
		return;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *e;
		pm_gobuf_addc(b, '[');
		json_array_foreach((json_t *)v, i, e) {
			if (i > 0)
				pm_gobuf_addc(b, ',');
			pm_gofmt_json(b, e);
		}
		pm_gobuf_addc(b, ']');
		return;
	}
	case JSON_STRING:
		json_string_out(b, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		pm_gobuf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return;
	case JSON_REAL:
		json_float_out(b, json_real_value(v));
		return;
	case JSON_TRUE:
		pm_gobuf_adds(b, "true");
		return;
	case JSON_FALSE:
		pm_gobuf_adds(b, "false");
		return;
	default:
		pm_gobuf_adds(b, "null");
		return;
	}
}
