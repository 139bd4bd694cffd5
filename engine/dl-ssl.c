/* dl-ssl.c: the libssl symbol table and its loader (see dl-ssl.h). */
#include "engine/dl-ssl.h"

PM_DLSYM_PROTOTYPE(TLS_client_method) = NULL;
PM_DLSYM_PROTOTYPE(SSL_CTX_new) = NULL;
PM_DLSYM_PROTOTYPE(SSL_new) = NULL;
PM_DLSYM_PROTOTYPE(SSL_set_fd) = NULL;
PM_DLSYM_PROTOTYPE(SSL_ctrl) = NULL;
PM_DLSYM_PROTOTYPE(SSL_connect) = NULL;
PM_DLSYM_PROTOTYPE(SSL_write) = NULL;
PM_DLSYM_PROTOTYPE(SSL_read) = NULL;

int pm_dl_ssl(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(&dl, "libssl.so.3", "libssl3", err,
				  PM_DLSYM_ARG(TLS_client_method), PM_DLSYM_ARG(SSL_CTX_new),
				  PM_DLSYM_ARG(SSL_new), PM_DLSYM_ARG(SSL_set_fd),
				  PM_DLSYM_ARG(SSL_ctrl), PM_DLSYM_ARG(SSL_connect),
				  PM_DLSYM_ARG(SSL_write), PM_DLSYM_ARG(SSL_read), (void **)NULL);
}
