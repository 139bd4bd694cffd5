/* fetch.c: pm_http_fetch (registry/fetch.h): one blocking curl easy transfer into a file
 * descriptor, capped. Called by builder/build.c for ADD of a URL. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "registry/dl-curl.h"
#include "registry/fetch.h"

#define FETCH_CONNECT_TIMEOUT_S 30L

struct sink {
	int fd;
	uint64_t n, max;
	int err; /* errno of a failed write, EFBIG past max */
};

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t len = size * nmemb;
	if (s->n + len > s->max) {
		s->err = EFBIG;
		return 0;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(s->fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->err = w < 0 ? errno : EIO;
			return 0;
		}
		done += (size_t)w;
	}
	s->n += len;
	return len;
}

int pm_http_fetch(const char *url, int out, uint64_t max, bool tls_verify, pm_error **err)
{
	int r = pm_dl_curl(err);
	if (r < 0)
		return r;
	CURL *e = sym_curl_easy_init();
	if (!e)
		return pm_error_set(err, ENOMEM, "fetching '%s': curl_easy_init failed", url);
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink s = {.fd = out, .max = max};
	sym_curl_easy_setopt(e, CURLOPT_URL, url);
	sym_curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	sym_curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_TIMEOUT_S);
	sym_curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	sym_curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	sym_curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	sym_curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	sym_curl_easy_setopt(e, CURLOPT_USERAGENT, "pm/" PM_VERSION);
	sym_curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	sym_curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
	sym_curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	sym_curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
	if (!tls_verify) {
		sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	CURLcode c = sym_curl_easy_perform(e);
	long status = 0;
	sym_curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	sym_curl_easy_cleanup(e);
	if (s.err == EFBIG)
		return pm_error_set(err, EFBIG, "fetching '%s': larger than %llu bytes", url,
				    (unsigned long long)max);
	if (s.err)
		return pm_error_set_errno(err, s.err, "fetching '%s': writing", url);
	if (c != CURLE_OK)
		return pm_error_set(err, EIO, "fetching '%s': %s", url,
				    errbuf[0] ? errbuf : sym_curl_easy_strerror(c));
	if (status >= 400)
		return pm_error_set(err, EIO, "fetching '%s': HTTP status %ld", url, status);
	return 0;
}
