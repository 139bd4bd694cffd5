/* fetch.h: one plain HTTP(S) GET of a URL into a file descriptor with the registry's libcurl
 * (dlopen'ed, registry/dl-curl.h): ADD <url> of pm build. No auth, redirects followed,
 * http and https only. Never prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"

/* GET url and write the body to out; at most max bytes (-EFBIG past it). An HTTP status >=
 * 400 is -EIO naming the URL and the status, a connection failure names curl's cause.
 * tls_verify false: certificates are not checked. */
int pm_http_fetch(const char *url, int out, uint64_t max, bool tls_verify, pm_error **err);
