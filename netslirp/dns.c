/* dns.c: --dns/--dns-search/--dns-option validation and the container's /etc/resolv.conf
 * content, as podman 4.3 (containers/common resolvconf) builds it. Pure, except
 * pm_net_read_host_resolv() which reads the host's file. Unit tested in
 * tests/unit/test-net-files.c. Called by cli/engine. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "netslirp/net.h"

#define MAX_RESOLV (64 * 1024)

static int ip_family(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return AF_INET6;
	return 0;
}

int pm_net_validate_dns(const char *server, pm_error **err)
{
	if (!server || !ip_family(server))
		return pm_error_set(err, EINVAL, "'%s' is not an ip address", server ? server : "");
	return 0;
}

/* One label: alnum, inner '-' allowed. */
static bool valid_label(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

int pm_net_validate_dns_search(const char *domain, pm_error **err)
{
	if (domain && strcmp(domain, ".") == 0)
		return 0;
	size_t len = domain ? strlen(domain) : 0;
	bool ok = len > 0 && len <= 255;
	if (ok && domain[len - 1] == '.')
		len--; /* one trailing dot is fine */
	for (size_t i = 0; ok && i <= len; i++) {
		size_t n = strcspn(domain + i, ".");
		if (i + n > len)
			n = len - i;
		ok = valid_label(domain + i, n);
		i += n;
	}
	if (!ok)
		return pm_error_set(err, EINVAL, "'%s' is not a valid domain",
				    domain ? domain : "");
	return 0;
}

int pm_net_validate_dns_option(const char *opt, pm_error **err)
{
	if (!opt || !*opt || strlen(opt) > 256)
		return pm_error_set(err, EINVAL, "invalid DNS option '%s'", opt ? opt : "");
	for (const char *c = opt; *c; c++)
		if (isspace((unsigned char)*c) || !isprint((unsigned char)*c))
			return pm_error_set(err, EINVAL,
					    "invalid DNS option '%s': blank or control "
					    "character",
					    opt);
	return 0;
}

/* The parts of a resolv.conf: every nameserver; the last search and options lines win. */
struct resolv {
	char **servers;
	char **search;
	char **options;
};

static void resolv_clear(struct resolv *r)
{
	pm_strv_free(r->servers);
	pm_strv_free(r->search);
	pm_strv_free(r->options);
}

static void resolv_parse(const char *text, struct resolv *r)
{
	_cleanup_strv_ char **lines = pm_strv_split(text ? text : "", "\n");
	for (char **l = lines; *l; l++) {
		char *hash = strpbrk(*l, "#;");
		if (hash)
			*hash = '\0';
		_cleanup_strv_ char **f = pm_strv_split(*l, " \t\r");
		if (!f[0])
			continue;
		if (strcmp(f[0], "nameserver") == 0 && f[1]) {
			pm_strv_push(&r->servers, f[1]);
		} else if (strcmp(f[0], "search") == 0 || strcmp(f[0], "domain") == 0) {
			pm_strv_free(r->search);
			r->search = pm_strv_copy(f + 1);
		} else if (strcmp(f[0], "options") == 0) {
			pm_strv_free(r->options);
			r->options = pm_strv_copy(f + 1);
		}
	}
}

static bool is_localhost(const char *ip)
{
	return pm_str_startswith(ip, "127.") || strcmp(ip, "::1") == 0;
}

/* podman's filterResolvDNS: drop loopback servers (and IPv6 ones without IPv6); when none
 * are left use Google's. */
static void filter_servers(struct resolv *r, bool ipv6)
{
	char **kept = pm_xcalloc(1, sizeof(char *));
	for (char **s = r->servers; s && *s; s++) {
		if (is_localhost(*s) || (!ipv6 && ip_family(*s) == AF_INET6))
			continue;
		pm_strv_push(&kept, *s);
	}
	if (!kept[0]) {
		pm_strv_push(&kept, "8.8.8.8");
		pm_strv_push(&kept, "8.8.4.4");
		if (ipv6) {
			pm_strv_push(&kept, "2001:4860:4860::8888");
			pm_strv_push(&kept, "2001:4860:4860::8844");
		}
	}
	pm_strv_free(r->servers);
	r->servers = kept;
}

static void append(char **buf, const char *s)
{
	size_t a = strlen(*buf), b = strlen(s);
	*buf = pm_xrealloc(*buf, a + b + 1);
	memcpy(*buf + a, s, b + 1);
}

int pm_net_resolv_conf(const struct pm_net_config *cfg, const char *host_resolv, char **ret,
		       pm_error **err)
{
	*ret = NULL;
	if (cfg->mode == PM_NET_CONTAINER)
		return pm_error_set(err, EINVAL,
				    "container:%s network: the joined container's resolv.conf is "
				    "used",
				    cfg->container ? cfg->container : "");
	if (cfg->mode == PM_NET_NONE) {
		*ret = pm_xstrdup("");
		return 0;
	}

	struct resolv host = {0};
	resolv_parse(host_resolv, &host);
	if (cfg->mode != PM_NET_HOST)
		filter_servers(&host, cfg->mode == PM_NET_PASTA || cfg->enable_ipv6);

	_cleanup_strv_ char **servers = NULL;
	if (cfg->dns_servers) {
		servers = pm_strv_copy(cfg->dns_servers);
	} else {
		if (cfg->mode == PM_NET_SLIRP4NETNS) {
			char dns[16];
			if (pm_net_slirp_addrs(cfg, NULL, NULL, dns, err) < 0) {
				resolv_clear(&host);
				return -EINVAL;
			}
			pm_strv_push(&servers, dns);
		}
		for (char **s = host.servers; s && *s; s++)
			pm_strv_push(&servers, *s);
	}
	char *const *search = cfg->dns_search ? cfg->dns_search : host.search;
	char *const *options = cfg->dns_options ? cfg->dns_options : host.options;

	char *out = pm_xstrdup("");
	if (search && search[0]) {
		_cleanup_free_ char *j = pm_strv_join(search, " ");
		if (strcmp(j, ".") != 0) {
			append(&out, "search ");
			append(&out, j);
			append(&out, "\n");
		}
	}
	for (char **s = servers; s && *s; s++) {
		append(&out, "nameserver ");
		append(&out, *s);
		append(&out, "\n");
	}
	if (options && options[0]) {
		_cleanup_free_ char *j = pm_strv_join(options, " ");
		append(&out, "options ");
		append(&out, j);
		append(&out, "\n");
	}
	resolv_clear(&host);
	*ret = out;
	return 0;
}

int pm_net_read_host_resolv(char **ret, pm_error **err)
{
	char *data = NULL;
	int r = pm_read_file("/etc/resolv.conf", MAX_RESOLV, &data, NULL, NULL);
	if (r == -ENOENT) {
		*ret = pm_xstrdup("");
		return 0;
	}
	if (r < 0)
		return pm_error_set_errno(err, -r, "reading '/etc/resolv.conf'");
	/* systemd-resolved's stub only: use the real upstream list, as podman */
	struct resolv p = {0};
	resolv_parse(data, &p);
	bool stub = p.servers && p.servers[0];
	for (char **s = p.servers; s && *s; s++)
		stub = stub && strcmp(*s, "127.0.0.53") == 0;
	resolv_clear(&p);
	char *alt = NULL;
	if (stub &&
	    pm_read_file("/run/systemd/resolve/resolv.conf", MAX_RESOLV, &alt, NULL, NULL) >= 0) {
		free(data);
		data = alt;
	}
	*ret = data;
	return 0;
}

static void append_servers(char **out, char *const *servers)
{
	for (char *const *s = servers; s && *s; s++) {
		append(out, "nameserver ");
		append(out, *s);
		append(out, "\n");
	}
}

int pm_net_resolv_add_network(const char *resolv, char *const *servers, bool user_search,
			      const char *host_resolv, char **ret)
{
	/* the search line: "dns.podman" before the host's domains; after the user's
	 * --dns-search the host's domains (podman 4.3 with netavark's DNS) */
	_cleanup_free_ char *words = NULL;
	if (user_search) {
		struct resolv host = {0};
		resolv_parse(host_resolv, &host);
		if (host.search && host.search[0])
			words = pm_strv_join(host.search, " ");
		resolv_clear(&host);
	}
	char *out = pm_xstrdup("");
	bool searched = user_search && !words, served = false;
	_cleanup_free_ char *text = pm_xstrdup(resolv ? resolv : "");
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!searched && strncmp(line, "search", 6) == 0 && (line[6] == ' ' || !line[6])) {
			append(&out, user_search ? line : "search dns.podman");
			append(&out, user_search ? " " : line + 6);
			append(&out, user_search ? words : "");
			append(&out, "\n");
			searched = true;
			continue;
		}
		if (!served && strncmp(line, "nameserver", 10) == 0) {
			if (!searched && !user_search)
				append(&out, "search dns.podman\n");
			searched = true;
			append_servers(&out, servers);
			served = true;
		}
		append(&out, line);
		append(&out, "\n");
	}
	if (!searched && !user_search)
		append(&out, "search dns.podman\n");
	if (!served)
		append_servers(&out, servers);
	*ret = out;
	return 0;
}
