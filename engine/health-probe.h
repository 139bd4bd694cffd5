/* health-probe.h: the health checks pm runs itself rather than in the container (so an
 * image needs no curl or nc): an HTTP GET and a TCP connect, done by a child of pm that
 * joins the container's network namespace. Kubernetes' httpGet and tcpSocket probes
 * (kube/play.c) become these. In the container config's health test they are pm's own
 * forms beside CMD and CMD-SHELL:
 *
 *   {"HTTP-GET", "http://HOST:PORT/PATH", "Name: value"...}   200..399 passes
 *   {"TCP-SOCKET", "HOST:PORT"}                               a connection passes
 *
 * HOST "localhost" is 127.0.0.1 in the container's network namespace; an IPv6 address is
 * written in brackets. The parsers and the request are pure (tests/unit/test-health.c);
 * pm_probe_run forks. Never prints. Called by engine/health.c, engine/health-parse.c and
 * kube/ (play and generate). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PM_PROBE_HTTP_TEST "HTTP-GET"
#define PM_PROBE_TCP_TEST  "TCP-SOCKET"

enum pm_probe_kind {
	PM_PROBE_NONE,
	PM_PROBE_HTTP,
	PM_PROBE_TCP,
};

/* A parsed check; strings owned (pm_probe_clear). */
struct pm_probe {
	enum pm_probe_kind kind;
	bool https;
	char *host; /* without brackets */
	unsigned port;
	char *path;	/* HTTP: starts with '/' */
	char **headers; /* HTTP: "Name: value" */
};

void pm_probe_clear(struct pm_probe *p);

/* The kind test's first word names (PM_PROBE_NONE for CMD, CMD-SHELL, NONE, ...). */
enum pm_probe_kind pm_probe_kind_of(char *const *test);

/* test -> *ret: 0 and kind PM_PROBE_NONE when test is not a probe, 1 when it is one,
 * -EINVAL when it names one but is malformed (bad URL, port not 1-65535, header without
 * a colon). */
int pm_probe_parse(char *const *test, struct pm_probe *ret);

/* "http://HOST:PORT/PATH" (https with https; HOST bracketed when it has a colon). */
char *pm_probe_url(bool https, const char *host, unsigned port, const char *path);

/* "HOST:PORT" (HOST bracketed when it has a colon). */
char *pm_probe_hostport(const char *host, unsigned port);

/* The request an HTTP probe sends: GET PATH HTTP/1.1 with Host (unless a header sets it),
 * User-Agent and Accept as Kubernetes' prober, Connection: close, then its headers. */
char *pm_probe_http_request(const struct pm_probe *p);

/* The status code of an HTTP response's first n bytes ("HTTP/1.1 200 OK\r\n..."):
 * 0 and *ret_code, -EAGAIN when the status line is not complete yet, -EBADMSG when it is
 * not an HTTP status line. */
int pm_probe_http_status(const char *buf, size_t n, int *ret_code);

/* Run p from inside the network namespace of the process pid (a child of pm does; it is
 * killed at timeout_ns). *ret_result: 0 passed, 1 failed, -1 timed out; *ret_output says
 * what happened ("HTTP 200", "HTTP 404", "connect 127.0.0.1:8080: Connection refused").
 * Negative errno when the child could not be made. */
int pm_probe_run(pid_t pid, const struct pm_probe *p, int64_t timeout_ns, int *ret_result,
		 char **ret_output);
