/* strutil.c: string helpers: aborting allocation, strv arrays, strict number parsing,
 * podman-compatible size parsing/printing (go-units RAMInBytes, HumanSize) and relative
 * times (go-units HumanDuration), random ids.
 * Must not print or touch files. Called from every module. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/strutil.h"

static void oom(void)
{
	static const char m[] = "pm: out of memory\n";
	ssize_t r = write(STDERR_FILENO, m, sizeof(m) - 1);
	(void)r;
	abort();
}

void *pm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *pm_xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

void *pm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *pm_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *pm_xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *pm_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return s;
}

size_t pm_strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

void pm_strv_consume(char ***v, char *s)
{
	size_t n = pm_strv_length(*v);
	if (n > SIZE_MAX / sizeof(char *) - 2)
		oom();
	char **nv = pm_xrealloc(*v, (n + 2) * sizeof(char *));
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
}

void pm_strv_push(char ***v, const char *s)
{
	pm_strv_consume(v, pm_xstrdup(s));
}

char **pm_strv_copy(char *const *v)
{
	if (!v)
		return NULL;
	size_t n = pm_strv_length(v);
	char **c = pm_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		c[i] = pm_xstrdup(v[i]);
	return c;
}

bool pm_strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && s && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

char **pm_strv_split(const char *s, const char *sep)
{
	/* counted first: one allocation, where appending one by one is quadratic (a 24 KB
	 * containers.conf is ~700 lines) */
	size_t n = 0;
	for (const char *p = s ? s + strspn(s, sep) : NULL; p && *p;) {
		n++;
		p += strcspn(p, sep);
		p += strspn(p, sep);
	}
	char **v = pm_xcalloc(n + 1, sizeof(char *));
	size_t i = 0;
	for (const char *p = s ? s + strspn(s, sep) : NULL; p && *p && i < n;) {
		size_t len = strcspn(p, sep);
		v[i++] = pm_xstrndup(p, len);
		p += len;
		p += strspn(p, sep);
	}
	return v;
}

char **pm_strv_split_csv(const char *s)
{
	char **v = pm_xcalloc(1, sizeof(char *));
	while (s && *s) {
		if (*s == ',') {
			s++;
			continue;
		}
		char *f = pm_xmalloc(strlen(s) + 1), *o = f;
		if (*s == '"') {
			for (s++; *s; s++) {
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				*o++ = *s;
			}
			if (*s == '"')
				s++;
		}
		while (*s && *s != ',')
			*o++ = *s++;
		*o = '\0';
		pm_strv_consume(&v, f);
	}
	return v;
}

char *pm_csv_quote(const char *field)
{
	if (!strpbrk(field, ",\""))
		return pm_xstrdup(field);
	char *q = pm_xmalloc(2 * strlen(field) + 3), *o = q;
	*o++ = '"';
	for (const char *c = field; *c; c++) {
		if (*c == '"')
			*o++ = '"';
		*o++ = *c;
	}
	*o++ = '"';
	*o = '\0';
	return q;
}

char *pm_strv_join(char *const *v, const char *sep)
{
	size_t seplen = strlen(sep), total = 1;
	for (size_t i = 0; v && v[i]; i++)
		total += strlen(v[i]) + (i ? seplen : 0);
	char *out = pm_xmalloc(total), *p = out;
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			p = stpcpy(p, sep);
		p = stpcpy(p, v[i]);
	}
	*p = '\0';
	return out;
}

bool pm_str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool pm_str_endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* Digits only, at least one; accumulate with overflow check. */
static int parse_digits(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int pm_parse_uint64(const char *s, uint64_t *ret)
{
	uint64_t v;
	int r = parse_digits(s, &v);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

int pm_parse_uint32(const char *s, uint32_t *ret)
{
	uint64_t v;
	int r = parse_digits(s, &v);
	if (r < 0)
		return r;
	if (v > UINT32_MAX)
		return -ERANGE;
	*ret = (uint32_t)v;
	return 0;
}

int pm_parse_int(const char *s, int *ret)
{
	bool neg = false;
	uint64_t v;
	if (s && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	int r = parse_digits(s, &v);
	if (r < 0)
		return r;
	if (neg ? v > (uint64_t)INT_MAX + 1 : v > INT_MAX)
		return -ERANGE;
	*ret = neg ? (int)(-(int64_t)v) : (int)v;
	return 0;
}

/* go-units parseSize with the binary map: "<number>[ ][k|m|g|t|p][i][b]", the number with an
 * optional fraction; the result is truncated toward zero like Go's int64(float). Computed
 * with integers so "1.5g" is exact. Values above INT64_MAX (podman stores int64) are
 * -ERANGE. */
static int parse_size_base(const char *s, uint64_t base, uint64_t *ret);

int pm_parse_size(const char *s, uint64_t *ret)
{
	return parse_size_base(s, 1024, ret);
}

int pm_parse_size_decimal(const char *s, uint64_t *ret)
{
	return parse_size_base(s, 1000, ret);
}

/* go-units' parseSize over base's powers (RAMInBytes: 1024, FromHumanSize: 1000) */
static int parse_size_base(const char *s, uint64_t base, uint64_t *ret)
{
	if (!s)
		return -EINVAL;
	const char *p = s;
	size_t nint = strspn(p, "0123456789");
	if (nint == 0)
		return -EINVAL;
	_cleanup_free_ char *intpart = pm_xstrndup(p, nint);
	uint64_t ip;
	int r = parse_digits(intpart, &ip);
	if (r < 0)
		return r;
	p += nint;

	/* Fraction: keep up to 18 digits (more cannot change a truncated 64-bit result
	 * by more than the rounding of the 19th digit, which Go's float64 loses anyway). */
	uint64_t frac = 0, fscale = 1;
	if (*p == '.') {
		p++;
		size_t nfrac = strspn(p, "0123456789");
		if (nfrac == 0)
			return -EINVAL;
		for (size_t i = 0; i < nfrac && i < 18; i++) {
			frac = frac * 10 + (uint64_t)(p[i] - '0');
			fscale *= 10;
		}
		p += nfrac;
	}
	if (*p == ' ')
		p++;

	uint64_t mul = 1;
	size_t sfx = strlen(p);
	if (sfx > 3)
		return -EINVAL;
	if (sfx > 0) {
		char u = (char)(*p | 0x20);
		if (u == 'b') {
			if (sfx != 1)
				return -EINVAL;
		} else {
			static const char units[] = "kmgtp";
			const char *at = memchr(units, u, sizeof(units) - 1);
			if (!at || !*p)
				return -EINVAL;
			for (long i = 0; i <= at - units; i++)
				mul *= base;
			if (sfx == 2 && (p[1] | 0x20) != 'b')
				return -EINVAL;
			if (sfx == 3 && ((p[1] | 0x20) != 'i' || (p[2] | 0x20) != 'b'))
				return -EINVAL;
		}
	}

	unsigned __int128 v = (unsigned __int128)ip * mul + (unsigned __int128)frac * mul / fscale;
	if (v > (unsigned __int128)INT64_MAX)
		return -ERANGE;
	*ret = (uint64_t)v;
	return 0;
}

/* go-units HumanSizeWithPrecision: fmt "%.*g%s" over decimal units. */
char *pm_format_size_prec(uint64_t bytes, int precision)
{
	static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
	double size = (double)bytes;
	size_t i = 0;
	while (size >= 1000.0 && i < ARRAY_SIZE(units) - 1) {
		size /= 1000.0;
		i++;
	}
	return pm_xasprintf("%.*g%s", precision, size, units[i]);
}

int pm_base64_decode(const char *in, char **ret, size_t *ret_len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in);
	char *out = pm_xmalloc(n / 4 * 3 + 4);
	size_t o = 0, pad = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			continue;
		if (*p == '=') {
			pad++;
			continue;
		}
		const char *at = strchr(alphabet, *p);
		if (!at || pad) {
			free(out);
			return -EINVAL;
		}
		acc = acc << 6 | (uint32_t)(at - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	/* leftover bits: 0 (complete), 2 (one = due) or 4 (two = due); never 6 */
	if (bits >= 6 || pad > 2 || (pad && pad != bits / 2)) {
		free(out);
		return -EINVAL;
	}
	out[o] = 0;
	*ret = out;
	*ret_len = o;
	return 0;
}

char *pm_format_bytes_iec(uint64_t bytes)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
	double size = (double)bytes;
	size_t i = 0;
	while (size >= 1024.0 && i < ARRAY_SIZE(units) - 1) {
		size /= 1024.0;
		i++;
	}
	return pm_xasprintf("%.4g%s", size, units[i]);
}

char *pm_format_size(uint64_t bytes)
{
	return pm_format_size_prec(bytes, 3);
}

/* go-units HumanDuration, + " ago". */
char *pm_format_ago(int64_t seconds)
{
	if (seconds < 1)
		return pm_xstrdup("Less than a second ago");
	if (seconds == 1)
		return pm_xstrdup("1 second ago");
	if (seconds < 60)
		return pm_xasprintf("%lld seconds ago", (long long)seconds);
	int64_t minutes = seconds / 60;
	if (minutes == 1)
		return pm_xstrdup("About a minute ago");
	if (minutes < 60)
		return pm_xasprintf("%lld minutes ago", (long long)minutes);
	/* hours := int(d.Hours() + 0.5) */
	int64_t hours = (seconds + 1800) / 3600;
	if (hours == 1)
		return pm_xstrdup("About an hour ago");
	if (hours < 48)
		return pm_xasprintf("%lld hours ago", (long long)hours);
	if (hours < 24 * 7 * 2)
		return pm_xasprintf("%lld days ago", (long long)(hours / 24));
	if (hours < 24 * 30 * 2)
		return pm_xasprintf("%lld weeks ago", (long long)(hours / 24 / 7));
	if (hours < 24 * 365 * 2)
		return pm_xasprintf("%lld months ago", (long long)(hours / 24 / 30));
	/* int(d.Hours()) / 24 / 365: truncated hours here */
	return pm_xasprintf("%lld years ago", (long long)(seconds / 3600 / 24 / 365));
}

char *pm_random_id(void)
{
	unsigned char b[32];
	size_t got = 0;
	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			abort(); /* getrandom cannot fail on a kernel pm supports */
		}
		got += (size_t)n;
	}
	char *id = pm_xmalloc(2 * sizeof(b) + 1);
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	return id;
}

bool pm_strv_kv_match(char *const *strv, const char *want)
{
	const char *eq = strchr(want, '=');
	size_t kl = eq ? (size_t)(eq - want) : strlen(want);
	for (char *const *l = strv; l && *l; l++) {
		const char *e = *l;
		if (strncmp(e, want, kl) != 0 || (e[kl] != '=' && e[kl] != '\0'))
			continue;
		if (!eq || strcmp(e[kl] ? e + kl + 1 : "", eq + 1) == 0)
			return true;
	}
	return false;
}

void pm_strv_set_kv(char ***strv, const char *kv)
{
	size_t kl = strcspn(kv, "=");
	for (char **l = *strv; l && *l; l++)
		if (strncmp(*l, kv, kl) == 0 && ((*l)[kl] == '=' || (*l)[kl] == 0)) {
			free(*l);
			*l = pm_xstrdup(kv);
			return;
		}
	pm_strv_push(strv, kv);
}

/* The rune of the valid UTF-8 sequence at s[0..n) and its length in *len; -1 (len 1) for a
 * byte that does not start one. (gofmt.c has the same decoder; the monitor links strutil
 * without gofmt's jansson.) */
static int utf8_rune(const unsigned char *s, size_t n, size_t *len)
{
	unsigned c = s[0], min, r;
	*len = 1;
	if (c < 0x80)
		return (int)c;
	size_t l;
	if (c >= 0xc2 && c <= 0xdf)
		l = 2, r = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		l = 3, r = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		l = 4, r = c & 0x07, min = 0x10000;
	else
		return -1;
	if (n < l)
		return -1;
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		r = (r << 6) | (s[i] & 0x3f);
	}
	if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		return -1;
	*len = l;
	return (int)r;
}

char *pm_str_escape_controls(const char *s)
{
	size_t n = strlen(s);
	/* the longest escape, \u00NN, is 6 bytes for 2 */
	char *out = pm_xmalloc(n * 4 + 1), *o = out;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len;
		int r = utf8_rune((const unsigned char *)s + i, n - i, &len);
		const char *named = NULL;
		switch (c) {
		case '\a':
			named = "\\a";
			break;
		case '\b':
			named = "\\b";
			break;
		case '\f':
			named = "\\f";
			break;
		case '\n':
			named = "\\n";
			break;
		case '\r':
			named = "\\r";
			break;
		case '\t':
			named = "\\t";
			break;
		case '\v':
			named = "\\v";
			break;
		default:
			break;
		}
		if (named) {
			*o++ = named[0];
			*o++ = named[1];
		} else if (c < 0x20 || c == 0x7f || r < 0) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
			len = 1;
		} else if (r >= 0x80 && r <= 0x9f) {
			memcpy(o, "\\u00", 4);
			o += 4;
			*o++ = hex[r >> 4];
			*o++ = hex[r & 15];
		} else {
			memcpy(o, s + i, len);
			o += len;
		}
		i += len;
	}
	*o = 0;
	return out;
}

void pm_strv_unset_env(char **v, const char *key)
{
	size_t kl = strlen(key), j = 0;
	for (size_t i = 0; v && v[i]; i++) {
		if (!strncmp(v[i], key, kl) && v[i][kl] == '=')
			free(v[i]);
		else
			v[j++] = v[i];
	}
	if (v)
		v[j] = NULL;
}
