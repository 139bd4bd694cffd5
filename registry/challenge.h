/* challenge.h: the registry's WWW-Authenticate challenge (RFC 7235), parsed. Internal to the
 * registry module (client-auth.c); a pure function with unit tests. */
#pragma once

enum pm_auth_scheme {
	PM_AUTH_NONE = 0,
	PM_AUTH_BASIC,
	PM_AUTH_BEARER,
};

struct pm_auth_challenge {
	enum pm_auth_scheme scheme;
	char *realm;   /* Bearer: the token server's URL */
	char *service; /* Bearer: its service= parameter (may be NULL) */
	char *scope;   /* the scope the registry asked for (may be NULL) */
};

void pm_auth_challenge_done(struct pm_auth_challenge *c);

/* Parse one WWW-Authenticate value, which may hold several challenges
 * ('Bearer realm="...",service="...", Basic realm="..."'): the first Bearer wins, else
 * the first Basic. -EINVAL when it names neither or does not parse; -EBADMSG for a Bearer
 * challenge without a realm. */
int pm_auth_challenge_parse(const char *value, struct pm_auth_challenge *ret);

/* "USER:PASS" as a Basic credential (base64), malloc'd. */
char *pm_auth_basic_encode(const char *user, const char *pass);
