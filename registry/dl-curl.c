/* dl-curl.c: the libcurl symbol table and its loader. Owns nothing but the sym_curl_*
 * pointers and the one curl_global_init; never prints. Called by registry/client*.c before
 * their first libcurl call. */
#include <errno.h>
#include <pthread.h>

#include "registry/dl-curl.h"

PM_DLSYM_PROTOTYPE(curl_easy_cleanup) = NULL;
PM_DLSYM_PROTOTYPE(curl_easy_getinfo) = NULL;
PM_DLSYM_PROTOTYPE(curl_easy_init) = NULL;
PM_DLSYM_PROTOTYPE(curl_easy_pause) = NULL;
PM_DLSYM_PROTOTYPE(curl_easy_perform) = NULL;
PM_DLSYM_PROTOTYPE(curl_easy_setopt) = NULL;
PM_DLSYM_PROTOTYPE(curl_easy_strerror) = NULL;
PM_DLSYM_PROTOTYPE(curl_global_init) = NULL;
PM_DLSYM_PROTOTYPE(curl_multi_add_handle) = NULL;
PM_DLSYM_PROTOTYPE(curl_multi_cleanup) = NULL;
PM_DLSYM_PROTOTYPE(curl_multi_info_read) = NULL;
PM_DLSYM_PROTOTYPE(curl_multi_init) = NULL;
PM_DLSYM_PROTOTYPE(curl_multi_perform) = NULL;
PM_DLSYM_PROTOTYPE(curl_multi_poll) = NULL;
PM_DLSYM_PROTOTYPE(curl_multi_remove_handle) = NULL;
PM_DLSYM_PROTOTYPE(curl_share_cleanup) = NULL;
PM_DLSYM_PROTOTYPE(curl_share_init) = NULL;
PM_DLSYM_PROTOTYPE(curl_share_setopt) = NULL;
PM_DLSYM_PROTOTYPE(curl_slist_append) = NULL;
PM_DLSYM_PROTOTYPE(curl_slist_free_all) = NULL;

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

int pm_dl_curl(pm_error **err)
{
	static void *dl;
	static bool initialised;
	int r;

	pthread_mutex_lock(&dl_lock);
	r = pm_dlopen_many_sym(
		&dl, "libcurl.so.4", "libcurl4", err, PM_DLSYM_ARG(curl_easy_cleanup),
		PM_DLSYM_ARG(curl_easy_getinfo), PM_DLSYM_ARG(curl_easy_init),
		PM_DLSYM_ARG(curl_easy_pause), PM_DLSYM_ARG(curl_easy_perform),
		PM_DLSYM_ARG(curl_easy_setopt), PM_DLSYM_ARG(curl_easy_strerror),
		PM_DLSYM_ARG(curl_global_init), PM_DLSYM_ARG(curl_multi_add_handle),
		PM_DLSYM_ARG(curl_multi_cleanup), PM_DLSYM_ARG(curl_multi_info_read),
		PM_DLSYM_ARG(curl_multi_init), PM_DLSYM_ARG(curl_multi_perform),
		PM_DLSYM_ARG(curl_multi_poll), PM_DLSYM_ARG(curl_multi_remove_handle),
		PM_DLSYM_ARG(curl_share_cleanup), PM_DLSYM_ARG(curl_share_init),
		PM_DLSYM_ARG(curl_share_setopt), PM_DLSYM_ARG(curl_slist_append),
		PM_DLSYM_ARG(curl_slist_free_all), (void **)NULL);
	if (r >= 0 && !initialised && dl != PM_DL_PRESET) {
		if (sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			pthread_mutex_unlock(&dl_lock);
			return pm_error_set(err, EIO, "initialising libcurl failed");
		}
		initialised = true;
	}
	pthread_mutex_unlock(&dl_lock);
	return r < 0 ? r : 0;
}
