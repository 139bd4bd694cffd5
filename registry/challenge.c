/* challenge.c: WWW-Authenticate parsing and the Basic credential's base64. Pure functions,
 * no I/O; called by client-auth.c, tested by tests/unit/test-registry-auth.c. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lib/strutil.h"
#include "registry/challenge.h"

void pm_auth_challenge_done(struct pm_auth_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	*c = (struct pm_auth_challenge){0};
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("!#$%&'*+-.^_`|~", c);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A token at p: its length (0 when none). */
static size_t token_len(const char *p)
{
	size_t n = 0;
	while (p[n] && is_tchar(p[n]))
		n++;
	return n;
}

int pm_auth_challenge_parse(const char *value, struct pm_auth_challenge *ret)
{
	struct pm_auth_challenge best = {0};
	const char *p = value;
	bool any = false;

	*ret = (struct pm_auth_challenge){0};
	for (;;) {
		p = skip_ws(p);
		while (*p == ',')
			p = skip_ws(p + 1);
		if (!*p)
			break;
		size_t n = token_len(p);
		if (!n)
			goto fail;
		enum pm_auth_scheme scheme = PM_AUTH_NONE;
		if (n == 5 && !strncasecmp(p, "basic", 5))
			scheme = PM_AUTH_BASIC;
		else if (n == 6 && !strncasecmp(p, "bearer", 6))
			scheme = PM_AUTH_BEARER;
		p = skip_ws(p + n);
		struct pm_auth_challenge c = {.scheme = scheme};
		/* auth-params: name=value or name="quoted", comma separated, until a token that
		 * is not followed by '=' (the next challenge's scheme) */
		for (;;) {
			const char *q = skip_ws(p);
			while (*q == ',')
				q = skip_ws(q + 1);
			size_t kn = token_len(q);
			if (!kn)
				break;
			const char *eq = skip_ws(q + kn);
			if (*eq != '=')
				break; /* the next challenge */
			const char *v = skip_ws(eq + 1);
			char *val;
			if (*v == '"') {
				v++;
				char *b = pm_xmalloc(strlen(v) + 1);
				size_t o = 0;
				while (*v && *v != '"') {
					if (*v == '\\' && v[1])
						v++;
					b[o++] = *v++;
				}
				b[o] = 0;
				if (*v != '"') {
					free(b);
					pm_auth_challenge_done(&c);
					goto fail;
				}
				v++;
				val = b;
			} else {
				/* a token by the RFC; taken up to the next ',' or blank so that
				 * an unquoted URL survives */
				size_t vn = strcspn(v, ", \t");
				val = pm_xstrndup(v, vn);
				v += vn;
			}
			char **slot = NULL;
			if (kn == 5 && !strncasecmp(q, "realm", 5))
				slot = &c.realm;
			else if (kn == 7 && !strncasecmp(q, "service", 7))
				slot = &c.service;
			else if (kn == 5 && !strncasecmp(q, "scope", 5))
				slot = &c.scope;
			if (slot) {
				free(*slot);
				*slot = val;
			} else
				free(val);
			p = v;
		}
		if (c.scheme != PM_AUTH_NONE) {
			any = true;
			if (best.scheme == PM_AUTH_NONE ||
			    (best.scheme == PM_AUTH_BASIC && c.scheme == PM_AUTH_BEARER)) {
				pm_auth_challenge_done(&best);
				best = c;
				continue;
			}
		}
		pm_auth_challenge_done(&c);
	}
	if (!any)
		return -EINVAL;
	if (best.scheme == PM_AUTH_BEARER && (!best.realm || !*best.realm)) {
		pm_auth_challenge_done(&best);
		return -EBADMSG;
	}
	*ret = best;
	return 0;
fail:
	pm_auth_challenge_done(&best);
	return -EINVAL;
}

char *pm_auth_basic_encode(const char *user, const char *pass)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	_cleanup_free_ char *in = pm_xasprintf("%s:%s", user, pass ? pass : "");
	size_t n = strlen(in);
	char *out = pm_xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	const unsigned char *s = (const unsigned char *)in;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		*o++ = alphabet[(v >> 18) & 63];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? alphabet[v & 63] : '=';
	}
	*o = 0;
	return out;
}
