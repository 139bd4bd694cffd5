/* reference.c: parse and normalise image references (distribution/reference rules, podman
 * short-name handling for local images). Pure string code, unit tested in
 * tests/unit/test-reference.c. Must not touch the store. Called by image.c and the cli. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/reference.h"

void pm_reference_free(struct pm_reference *r)
{
	if (!r)
		return;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

static bool is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path component: [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)* */
static bool component_valid(const char *s, size_t n)
{
	if (n == 0 || !is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (is_alnum_lower(c))
			continue;
		if (c == '-')
			continue;
		if (c == '.' || c == '_') {
			/* one '.', one or two '_', never mixed with others */
			if (!is_alnum_lower(s[i - 1]) &&
			    !(c == '_' && s[i - 1] == '_' && i >= 2 && is_alnum_lower(s[i - 2])))
				return false;
			continue;
		}
		return false;
	}
	return true;
}

static bool domain_valid(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(isalnum((unsigned char)c) || c == '.' || c == '-' || c == ':' || c == '[' ||
		      c == ']'))
			return false;
	}
	return true;
}

static bool tag_valid(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128)
		return false;
	if (!(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
			return false;
	return true;
}

int pm_reference_parse(const char *s, enum pm_ref_mode mode, struct pm_reference *ret,
		       pm_error **err)
{
	struct pm_reference r = {0};
	int r_fail_code = -EINVAL;
	if (!s || !*s)
		return pm_error_set(err, EINVAL, "invalid reference format: empty name");
	/* No cap on the whole: each part has its own (the name PM_REFERENCE_NAME_MAX, the tag
	 * 128, the digest sha256:HEX), so a longer input is refused for the part that is too
	 * long, in that part's words (a name too long is -ENAMETOOLONG, whatever follows it). */
	_cleanup_free_ char *work = pm_xstrdup(s);

	char *at = strchr(work, '@');
	if (at) {
		*at = 0;
		if (!pm_digest_valid(at + 1)) {
			pm_error_set(err, EINVAL, "invalid reference format: bad digest in '%s'",
				     s);
			goto fail;
		}
		r.digest = pm_xstrdup(at + 1);
	}
	/* tag: after the last ':' that comes after the last '/' */
	char *slash = strrchr(work, '/');
	char *colon = strrchr(slash ? slash : work, ':');
	if (colon) {
		*colon = 0;
		if (!tag_valid(colon + 1)) {
			pm_error_set(err, EINVAL, "invalid reference format: bad tag in '%s'", s);
			goto fail;
		}
		r.tag = pm_xstrdup(colon + 1);
	}
	if (strlen(work) > PM_REFERENCE_NAME_MAX) {
		pm_error_set(err, ENAMETOOLONG,
			     "repository name must not be more than %d characters",
			     PM_REFERENCE_NAME_MAX);
		r_fail_code = -ENAMETOOLONG;
		goto fail;
	}
	/* domain: first component when it has '.' or ':' or is localhost, or is uppercase-free
	 * but contains a port */
	char *first_slash = strchr(work, '/');
	const char *path = work;
	if (first_slash) {
		size_t n = (size_t)(first_slash - work);
		bool is_domain = memchr(work, '.', n) || memchr(work, ':', n) ||
				 (n == 9 && strncmp(work, "localhost", 9) == 0);
		for (size_t i = 0; !is_domain && i < n; i++)
			if (isupper((unsigned char)work[i]))
				is_domain = true;
		if (is_domain) {
			if (!domain_valid(work, n)) {
				pm_error_set(err, EINVAL,
					     "invalid reference format: bad domain in '%s'", s);
				goto fail;
			}
			r.domain = pm_xstrndup(work, n);
			path = first_slash + 1;
		}
	}
	/* path components */
	for (const char *p = path;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		for (size_t i = 0; i < n; i++)
			if (isupper((unsigned char)p[i])) {
				pm_error_set(err, EINVAL,
					     "invalid reference format: repository name must be "
					     "lowercase: '%s'",
					     s);
				goto fail;
			}
		if (!component_valid(p, n)) {
			pm_error_set(err, EINVAL, "invalid reference format: '%s'", s);
			goto fail;
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (!r.domain) {
		r.short_name = true;
		if (mode == PM_REF_DOCKER) {
			r.domain = pm_xstrdup("docker.io");
			r.path = strchr(path, '/') ? pm_xstrdup(path)
						   : pm_xasprintf("library/%s", path);
		} else {
			r.domain = pm_xstrdup("localhost");
			r.path = pm_xstrdup(path);
		}
	} else if (strcmp(r.domain, "docker.io") == 0 && !strchr(path, '/')) {
		r.path = pm_xasprintf("library/%s", path);
	} else {
		r.path = pm_xstrdup(path);
	}
	if (!r.tag && !r.digest)
		r.tag = pm_xstrdup("latest");
	*ret = r;
	return 0;
fail:
	pm_reference_free(&r);
	return r_fail_code;
}

int pm_reference_check_case(const char *s, pm_error **err)
{
	size_t end = strcspn(s, "@"); /* the digest is not the name */
	const char *last_slash = memrchr(s, '/', end);
	const char *colon = memchr(last_slash ? last_slash : s, ':',
				   end - (size_t)((last_slash ? last_slash : s) - s));
	if (colon)
		end = (size_t)(colon - s); /* nor the tag */
	const char *path = s;
	const char *first_slash = memchr(s, '/', end);
	if (first_slash) {
		/* a domain has '.' or ':', is localhost or has a capital (docker's rule, as
		 * pm_reference_parse decides) */
		size_t n = (size_t)(first_slash - s);
		bool domain = memchr(s, '.', n) || memchr(s, ':', n) ||
			      (n == 9 && strncmp(s, "localhost", 9) == 0);
		for (size_t i = 0; !domain && i < n; i++)
			domain = isupper((unsigned char)s[i]);
		if (domain)
			path = first_slash + 1;
	}
	for (const char *p = path; p < s + end; p++)
		if (isupper((unsigned char)*p))
			return pm_error_set(err, EINVAL, "repository name must be lowercase");
	return 0;
}

int pm_reference_missing_hint(int r, pm_error **err)
{
	if (r != -ENOENT || !err || !*err)
		return r;
	_cleanup_error_ pm_error *old = TAKE_PTR(*err);
	pm_error_set(err, ENOENT,
		     "%s: pm found no such local image: get one with 'pm pull IMAGE', "
		     "'pm load -i ARCHIVE' (a docker or OCI archive, e.g. from 'podman save') or "
		     "'pm import TARBALL NAME' (a root filesystem tarball)",
		     old->msg);
	return r;
}

char *pm_reference_repo(const struct pm_reference *r)
{
	return pm_xasprintf("%s/%s", r->domain, r->path);
}

char *pm_reference_string(const struct pm_reference *r)
{
	return pm_xasprintf("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "",
			    r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
}

char **pm_reference_candidates(const char *s)
{
	struct pm_reference a = {0}, b = {0};
	char **v = NULL;
	if (pm_reference_parse(s, PM_REF_LOCAL, &a, NULL) < 0)
		return NULL;
	pm_strv_consume(&v, pm_reference_string(&a));
	if (a.short_name && pm_reference_parse(s, PM_REF_DOCKER, &b, NULL) >= 0)
		pm_strv_consume(&v, pm_reference_string(&b));
	pm_reference_free(&a);
	pm_reference_free(&b);
	return v;
}

void pm_reference_split_name(const char *name, char **ret_repo, char **ret_tag)
{
	if (!name) {
		*ret_repo = pm_xstrdup("<none>");
		*ret_tag = pm_xstrdup("<none>");
		return;
	}
	const char *at = strchr(name, '@');
	size_t end = at ? (size_t)(at - name) : strlen(name);
	const char *slash = memrchr(name, '/', end);
	const char *colon =
		memrchr(slash ? slash : name, ':', end - (size_t)((slash ? slash : name) - name));
	if (colon) {
		*ret_repo = pm_xstrndup(name, (size_t)(colon - name));
		*ret_tag = pm_xstrndup(colon + 1, end - (size_t)(colon + 1 - name));
	} else {
		*ret_repo = pm_xstrndup(name, end);
		*ret_tag = pm_xstrdup("<none>");
	}
}

const char *const pm_reference_other_transports[] = {
	"containers-storage",
	"dir",
	"docker-archive",
	"docker-daemon",
	"oci",
	"oci-archive",
	"ostree",
	"sif",
	"tarball",
	NULL,
};
