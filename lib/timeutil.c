/* timeutil.c: RFC 3339 timestamps, Go's time formats, Go durations and podman's
 * --since/--until values (see timeutil.h). The one place pm parses and formats times: owns the
 * conversions and the clock reads, no I/O, never prints. Called by engine/ (log timestamps,
 * inspect), storage/ (image and volume times) and cli/ (logs --since/--until). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/gofmt.h"
#include "lib/strutil.h"
#include "lib/timeutil.h"

int64_t pm_time_now_ns(void)
{
	return pm_time_clock_ns(CLOCK_REALTIME);
}

int64_t pm_time_clock_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * PM_NSEC_PER_SEC + ts.tv_nsec;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* n decimal digits at *p; advances. */
static bool digits(const char **p, const char *end, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (*p >= end || **p < '0' || **p > '9')
			return false;
		v = v * 10 + (*(*p)++ - '0');
	}
	*ret = v;
	return true;
}

static bool lit(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

/* "Z", "+07:00" or "-07:00". */
static bool parse_zone(const char **p, const char *end, int *ret_off)
{
	if (lit(p, end, 'Z')) {
		*ret_off = 0;
		return true;
	}
	if (*p >= end || (**p != '+' && **p != '-'))
		return false;
	int sign = *(*p)++ == '-' ? -1 : 1, hh, mm;
	if (!digits(p, end, 2, &hh) || !lit(p, end, ':') || !digits(p, end, 2, &mm))
		return false;
	if (hh > 24 || mm > 60) /* Go's range checks */
		return false;
	*ret_off = sign * (hh * 3600 + mm * 60);
	return true;
}

/* Saturating seconds + nanoseconds -> ns. */
static int64_t to_ns(int64_t sec, int64_t nsec)
{
	if (sec > INT64_MAX / PM_NSEC_PER_SEC - 1)
		return INT64_MAX;
	if (sec < INT64_MIN / PM_NSEC_PER_SEC + 1)
		return INT64_MIN;
	return sec * PM_NSEC_PER_SEC + nsec;
}

enum zone_rule { ZONE_REQUIRED, ZONE_FORBIDDEN, ZONE_OPTIONAL };

/* "2006-01-02" [ "T15:04:05" [ "." digits ] ] [ zone ]. time: the clock fields there must
 * be: 0 none, 1 "T15", 2 "T15:04", 3 "T15:04:05" with an optional fraction; zone: the zone
 * rule. Whole string must match. */
static int parse_layout(const char *s, size_t len, int time, enum zone_rule zone, int64_t *ret_ns,
			int *ret_off)
{
	const char *p = s, *end = s + len;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	int64_t frac = 0;

	if (!digits(&p, end, 4, &y) || !lit(&p, end, '-') || !digits(&p, end, 2, &mo) ||
	    !lit(&p, end, '-') || !digits(&p, end, 2, &d))
		return -EINVAL;
	if (time) {
		if (!lit(&p, end, 'T') || !digits(&p, end, 2, &h))
			return -EINVAL;
		if (time >= 2 && (!lit(&p, end, ':') || !digits(&p, end, 2, &mi)))
			return -EINVAL;
		if (time >= 3 && (!lit(&p, end, ':') || !digits(&p, end, 2, &sec)))
			return -EINVAL;
		if (time >= 3 && p + 1 < end && (*p == '.' || *p == ',') && p[1] >= '0' &&
		    p[1] <= '9') {
			int n = 0;
			for (p++; p < end && *p >= '0' && *p <= '9'; p++, n++)
				if (n < 9)
					frac = frac * 10 + (*p - '0');
			for (; n < 9; n++)
				frac *= 10;
		}
	}
	if (p < end) {
		if (zone == ZONE_FORBIDDEN || !parse_zone(&p, end, &off))
			return -EINVAL;
	} else if (zone == ZONE_REQUIRED) {
		return -EINVAL;
	}
	if (p != end)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo) || h > 23 ||
	    mi > 59 || sec > 59)
		return -EINVAL;

	int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
		       sec - off;
	*ret_ns = to_ns(secs, frac);
	if (ret_off)
		*ret_off = off;
	return 0;
}

int pm_time_parse_rfc3339(const char *s, size_t len, int64_t *ret_ns, int *ret_off)
{
	return parse_layout(s, len, 3, ZONE_REQUIRED, ret_ns, ret_off);
}

/* Go's time.ParseDuration. */
int pm_time_parse_duration(const char *s, int64_t *ret_ns)
{
	static const struct {
		const char *name;
		uint64_t mult;
	} units[] = {
		{"ns", 1ULL},
		{"us", 1000ULL},
		{"\xc2\xb5s", 1000ULL}, /* U+00B5 micro sign */
		{"\xce\xbcs", 1000ULL}, /* U+03BC Greek mu */
		{"ms", 1000000ULL},
		{"s", 1000000000ULL},
		{"m", 60ULL * 1000000000ULL},
		{"h", 3600ULL * 1000000000ULL},
	};
	const uint64_t lim = 1ULL << 63;
	uint64_t d = 0;
	bool neg = false;

	if (!s)
		return -EINVAL;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ret_ns = 0;
		return 0;
	}
	if (!*s)
		return -EINVAL;
	while (*s) {
		uint64_t v = 0, f = 0;
		double scale = 1;
		bool pre = false, post = false, overflow_frac = false;

		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++, pre = true) {
			if (v > (lim - 1) / 10) /* Go's leadingInt overflow */
				return -ERANGE;
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > lim - 1)
				return -ERANGE;
		}
		if (*s == '.') {
			for (s++; *s >= '0' && *s <= '9'; s++, post = true) {
				if (overflow_frac)
					continue;
				if (f > (lim - 1) / 10) {
					overflow_frac = true;
					continue;
				}
				uint64_t y = f * 10 + (uint64_t)(*s - '0');
				if (y > lim) {
					overflow_frac = true;
					continue;
				}
				f = y;
				scale *= 10;
			}
		}
		if (!pre && !post)
			return -EINVAL;
		size_t ulen = 0;
		while (s[ulen] && s[ulen] != '.' && !(s[ulen] >= '0' && s[ulen] <= '9'))
			ulen++;
		if (ulen == 0)
			return -EINVAL; /* missing unit */
		uint64_t mult = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++)
			if (strlen(units[i].name) == ulen && memcmp(units[i].name, s, ulen) == 0)
				mult = units[i].mult;
		if (!mult)
			return -EINVAL; /* unknown unit */
		s += ulen;
		if (v > lim / mult)
			return -ERANGE;
		v *= mult;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)mult / scale));
			if (v > lim)
				return -ERANGE;
		}
		d += v;
		if (d > lim)
			return -ERANGE;
	}
	if (neg) {
		*ret_ns = d == lim ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > lim - 1)
		return -ERANGE;
	*ret_ns = (int64_t)d;
	return 0;
}

/* Go's strconv.ParseFloat syntax, decimal only: [+-] digits [. digits] [e [+-] digits],
 * '_' allowed between digits. Writes the number without underscores to buf. */
static bool float_syntax(const char *s, char *buf, size_t bufsz)
{
	size_t n = 0;
	bool mant = false;
	const char *p = s;

#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (n + 1 >= bufsz)                                                                \
			return false;                                                              \
		buf[n++] = (c);                                                                    \
	} while (0)

	if (*p == '+' || *p == '-')
		PUT(*p++);
	for (int part = 0; part < 2; part++) {
		if (part == 1) {
			if (*p != '.')
				break;
			PUT(*p++);
		}
		for (; (*p >= '0' && *p <= '9') || *p == '_'; p++) {
			if (*p == '_') {
				bool between = p > s && p[-1] >= '0' && p[-1] <= '9' &&
					       p[1] >= '0' && p[1] <= '9';
				if (!between)
					return false;
				continue;
			}
			mant = true;
			PUT(*p);
		}
	}
	if (!mant)
		return false;
	if (*p == 'e' || *p == 'E') {
		PUT(*p++);
		if (*p == '+' || *p == '-')
			PUT(*p++);
		if (!(*p >= '0' && *p <= '9'))
			return false;
		for (; *p >= '0' && *p <= '9'; p++)
			PUT(*p);
	}
#undef PUT
	buf[n] = '\0';
	return *p == '\0';
}

int pm_time_parse_input(const char *flag, const char *value, bool since, int64_t now_ns,
			int64_t *ret_ns, pm_error **err)
{
	size_t len = value ? strlen(value) : 0;
	char num[128];
	int64_t ns, d;

	if (value) {
		/* RFC3339Nano, RFC3339, then the two zone-less clock layouts (UTC). */
		if (parse_layout(value, len, 3, ZONE_OPTIONAL, &ns, NULL) == 0 ||
		    /* "2006-01-02Z07:00", "2006-01-02" */
		    parse_layout(value, len, 0, ZONE_OPTIONAL, &ns, NULL) == 0) {
			*ret_ns = ns;
			return 0;
		}
		if (float_syntax(value, num, sizeof(num))) {
			/* time.Unix(int64(iPart), int64(fPart*1e9)) of math.Modf */
			double v = strtod(num, NULL);
			if (v >= 9.2e18 || v <= -9.2e18) {
				ns = v > 0 ? INT64_MAX : INT64_MIN;
			} else {
				int64_t ip = (int64_t)v;
				ns = to_ns(ip, (int64_t)((v - (double)ip) * 1e9));
			}
			*ret_ns = ns;
			return 0;
		}
		if (pm_time_parse_duration(value, &d) == 0) {
			/* time.Time.Add saturates only at its own range; ns clamps here. */
			if (since)
				ns = (d > 0 && now_ns < INT64_MIN + d)	 ? INT64_MIN
				     : (d < 0 && now_ns > INT64_MAX + d) ? INT64_MAX
									 : now_ns - d;
			else
				ns = (d > 0 && now_ns > INT64_MAX - d)	 ? INT64_MAX
				     : (d < 0 && now_ns < INT64_MIN - d) ? INT64_MIN
									 : now_ns + d;
			*ret_ns = ns;
			return 0;
		}
	}
	struct pm_gobuf q = {0};
	pm_gofmt_quote(&q, value ? value : "", len);
	_cleanup_free_ char *quoted = pm_gobuf_take(&q);
	return pm_error_set(err, EINVAL, "parsing %s %s: unable to interpret time value", flag,
			    quoted);
}

/* docker's parseTimestamp: "SECONDS[.FRACTION]", digits only after an optional '+'. */
static int parse_unix(const char *s, int64_t *ret_ns)
{
	const char *p = s + (*s == '+');
	const char *dot = strchr(p, '.');
	size_t il = dot ? (size_t)(dot - p) : strlen(p);
	if (il == 0 || il > 18 || strspn(p, "0123456789") != il)
		return -EINVAL;
	int64_t sec = 0, nsec = 0;
	for (size_t i = 0; i < il; i++)
		sec = sec * 10 + (p[i] - '0');
	if (dot) {
		size_t fl = strlen(dot + 1);
		if (fl == 0 || strspn(dot + 1, "0123456789") != fl)
			return -EINVAL;
		for (size_t i = 0; i < 9; i++)
			nsec = nsec * 10 + (i < fl ? dot[1 + i] - '0' : 0);
	}
	*ret_ns = to_ns(sec, nsec);
	return 0;
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

int pm_time_parse_timestamp(const char *value, int64_t now_ns, int64_t *ret_ns)
{
	int64_t d;
	if (!value || !*value)
		return -EINVAL;
	if (strcmp(value, "0") != 0 && pm_time_parse_duration(value, &d) == 0) {
		/* reference.Add(-d).Unix(): whole seconds, rounded down */
		int64_t t = (d > 0 && now_ns < INT64_MIN + d)	? INT64_MIN
			    : (d < 0 && now_ns > INT64_MAX + d) ? INT64_MAX
								: now_ns - d;
		*ret_ns = to_ns(pm_time_sec_floor(t, NULL), 0);
		return 0;
	}
	/* a zone ("Z", "+hh:mm", or a third '-') means Parse, else ParseInLocation in the
	 * fixed zone now has */
	bool local = !(strpbrk(value, "zZ+") || count_char(value, '-') == 3);
	int fields;
	if (strchr(value, '.')) {
		fields = 3;
	} else if (strchr(value, 'T')) {
		size_t colons = count_char(value, ':');
		if (!local && !strpbrk(value, "zZ") && colons > 0)
			colons--; /* the zone offset's */
		fields = colons == 0 ? 1 : colons == 1 ? 2 : 3;
	} else {
		fields = 0;
	}
	int64_t ns;
	if (parse_layout(value, strlen(value), fields, local ? ZONE_FORBIDDEN : ZONE_REQUIRED, &ns,
			 NULL) == 0) {
		if (local) {
			time_t t = (time_t)pm_time_sec_floor(now_ns, NULL);
			struct tm tm;
			localtime_r(&t, &tm);
			long nsec;
			int64_t sec = pm_time_sec_floor(ns, &nsec);
			ns = to_ns(sec - tm.tm_gmtoff, nsec);
		}
		*ret_ns = ns;
		return 0;
	}
	/* a '-': it was meant as a date and is wrong; else a Unix timestamp */
	if (strchr(value, '-'))
		return -EINVAL;
	return parse_unix(value, ret_ns);
}

int64_t pm_time_sec_floor(int64_t ns, long *ret_nsec)
{
	int64_t sec = ns / PM_NSEC_PER_SEC, nsec = ns % PM_NSEC_PER_SEC;
	if (nsec < 0) {
		nsec += PM_NSEC_PER_SEC;
		sec--;
	}
	if (ret_nsec)
		*ret_nsec = (long)nsec;
	return sec;
}

void pm_time_format_log(int64_t ns, int off, char buf[PM_TIME_LOG_LEN])
{
	int64_t sec = ns / PM_NSEC_PER_SEC, nsec = ns % PM_NSEC_PER_SEC;
	if (nsec < 0) {
		nsec += PM_NSEC_PER_SEC;
		sec--;
	}
	int64_t local = sec + off, days = local / 86400, rem = local % 86400, y;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	char zone[8] = "Z";
	if (off != 0) {
		int a = off < 0 ? -off : off;
		snprintf(zone, sizeof(zone), "%c%02d:%02d", off < 0 ? '-' : '+', (a / 3600) % 100,
			 (a % 3600) / 60);
	}
	char tmp[96];
	int n = snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02d:%02d:%02d.%09d%s", (int)(y % 10000),
			 m, d, (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60),
			 (int)nsec, zone);
	size_t len = n < 0 ? 0 : (size_t)n < PM_TIME_LOG_LEN ? (size_t)n : PM_TIME_LOG_LEN - 1;
	memcpy(buf, tmp, len);
	buf[len] = '\0';
}

/* ---- Go's time formats ------------------------------------------------------------------ */

static void local_tm(int64_t ns, struct tm *tm, long *frac)
{
	time_t t = (time_t)(ns / PM_NSEC_PER_SEC);
	*frac = (long)(ns % PM_NSEC_PER_SEC);
	if (*frac < 0) {
		*frac += PM_NSEC_PER_SEC;
		t--;
	}
	localtime_r(&t, tm);
}

/* v in width decimal digits, zero-padded (v < 10^width): a listing formats a time a row,
 * and snprintf costs most of one. Returns the end. */
static char *put_digits(char *p, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* ".123456789" without trailing zeros, "" for 0 (Go's .999999999). */
static void frac_trimmed(long frac, char out[12])
{
	out[0] = 0;
	if (frac <= 0 || frac >= PM_NSEC_PER_SEC)
		return;
	out[0] = '.';
	size_t n = (size_t)(put_digits(out + 1, (unsigned long)frac, 9) - out);
	while (n > 1 && out[n - 1] == '0')
		n--;
	out[n] = 0;
}

void pm_time_format_rfc3339nano_local(int64_t ns, char buf[PM_TIME_BUF_LEN])
{
	if (ns == 0) {
		snprintf(buf, PM_TIME_BUF_LEN, "0001-01-01T00:00:00Z");
		return;
	}
	struct tm tm;
	long frac;
	local_tm(ns, &tm, &frac);
	char f[12];
	frac_trimmed(frac, f);
	long off = tm.tm_gmtoff;
	int year = tm.tm_year + 1900;
	if (year < 0 || year > 9999 || labs(off) / 3600 > 99) { /* not in a record: snprintf's */
		char zone[24] = "Z";
		if (off)
			snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
				 labs(off) / 3600, labs(off) % 3600 / 60);
		snprintf(buf, PM_TIME_BUF_LEN, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", year,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f, zone);
		return;
	}
	/* "%04d-%02d-%02dT%02d:%02d:%02d" FRAC ("Z" | "%c%02ld:%02ld") */
	char *p = put_digits(buf, (unsigned long)year, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned long)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned long)tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned long)tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)tm.tm_sec, 2);
	size_t fl = strlen(f);
	memcpy(p, f, fl);
	p += fl;
	if (off == 0) {
		*p++ = 'Z';
	} else {
		*p++ = off < 0 ? '-' : '+';
		p = put_digits(p, (unsigned long)(labs(off) / 3600), 2);
		*p++ = ':';
		p = put_digits(p, (unsigned long)(labs(off) % 3600 / 60), 2);
	}
	*p = '\0';
}

void pm_time_format_go_string(int64_t ns, char buf[PM_TIME_BUF_LEN])
{
	if (ns == 0) {
		snprintf(buf, PM_TIME_BUF_LEN, "0001-01-01 00:00:00 +0000 UTC");
		return;
	}
	struct tm tm;
	long frac;
	local_tm(ns, &tm, &frac);
	char f[12];
	frac_trimmed(frac, f);
	long off = tm.tm_gmtoff;
	snprintf(buf, PM_TIME_BUF_LEN, "%04d-%02d-%02d %02d:%02d:%02d%s %c%02ld%02ld %s",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f,
		 off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60,
		 tm.tm_zone ? tm.tm_zone : "UTC");
}

void pm_time_format_rfc3339_utc(int64_t ns, bool nano, char buf[PM_TIME_BUF_LEN])
{
	char log[PM_TIME_LOG_LEN];
	pm_time_format_log(ns, 0, log);
	if (nano)
		snprintf(buf, PM_TIME_BUF_LEN, "%s", log);
	else
		snprintf(buf, PM_TIME_BUF_LEN, "%.19sZ", log);
}

void pm_time_format_rfc3339nano_utc(int64_t ns, char buf[PM_TIME_BUF_LEN])
{
	pm_time_format_rfc3339_utc(ns, true, buf);
	char *dot = strchr(buf, '.'), *z = strchr(buf, 'Z');
	if (dot && z) {
		char *e = z;
		while (e > dot + 1 && e[-1] == '0')
			e--;
		if (e == dot + 1)
			e = dot;
		memmove(e, z, strlen(z) + 1);
	}
}

int pm_time_parse_rfc3339_utc_default(const char *s, int64_t *ret_ns)
{
	if (!s)
		return -EINVAL;
	return parse_layout(s, strlen(s), 3, ZONE_OPTIONAL, ret_ns, NULL);
}

int pm_time_parse_date_local(const char *s, int64_t *ret_ns)
{
	int64_t utc_ns;
	if (!s || parse_layout(s, strlen(s), 0, ZONE_FORBIDDEN, &utc_ns, NULL) < 0)
		return -EINVAL;
	int64_t days = utc_ns / PM_NSEC_PER_SEC / 86400, y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	struct tm tm = {.tm_year = (int)(y - 1900),
			.tm_mon = (int)m - 1,
			.tm_mday = (int)d,
			.tm_isdst = -1};
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*ret_ns = to_ns((int64_t)t, 0);
	return 0;
}
