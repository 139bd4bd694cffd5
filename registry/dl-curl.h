/* dl-curl.h: libcurl, opened with dlopen() on first use (lib/dlopen.h), as storage/dl-archive.h
 * does for libarchive. Only the commands that speak to a registry (pull, push, login, search)
 * map libcurl and the TLS, HTTP/2, IDN and LDAP libraries it drags in. Call pm_dl_curl() at
 * the entry point, then call sym_curl_*(). */
#pragma once

#include <curl/curl.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(curl_easy_cleanup);
extern PM_DLSYM_PROTOTYPE(curl_easy_getinfo);
extern PM_DLSYM_PROTOTYPE(curl_easy_init);
extern PM_DLSYM_PROTOTYPE(curl_easy_pause);
extern PM_DLSYM_PROTOTYPE(curl_easy_perform);
extern PM_DLSYM_PROTOTYPE(curl_easy_setopt);
extern PM_DLSYM_PROTOTYPE(curl_easy_strerror);
extern PM_DLSYM_PROTOTYPE(curl_global_init);
extern PM_DLSYM_PROTOTYPE(curl_multi_add_handle);
extern PM_DLSYM_PROTOTYPE(curl_multi_cleanup);
extern PM_DLSYM_PROTOTYPE(curl_multi_info_read);
extern PM_DLSYM_PROTOTYPE(curl_multi_init);
extern PM_DLSYM_PROTOTYPE(curl_multi_perform);
extern PM_DLSYM_PROTOTYPE(curl_multi_poll);
extern PM_DLSYM_PROTOTYPE(curl_multi_remove_handle);
extern PM_DLSYM_PROTOTYPE(curl_share_cleanup);
extern PM_DLSYM_PROTOTYPE(curl_share_init);
extern PM_DLSYM_PROTOTYPE(curl_share_setopt);
extern PM_DLSYM_PROTOTYPE(curl_slist_append);
extern PM_DLSYM_PROTOTYPE(curl_slist_free_all);

/* Open libcurl.so.4 once and run curl_global_init (thread-safe: the first caller does it);
 * 0 or -EOPNOTSUPP with err naming the Debian package (libcurl4). */
int pm_dl_curl(pm_error **err);
