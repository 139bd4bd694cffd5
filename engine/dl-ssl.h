/* dl-ssl.h: libssl, opened on first use (lib/dlopen.h), for the HTTPS health checks of
 * engine/health-probe.c. Never prints. */
#pragma once

#include <openssl/ssl.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(TLS_client_method);
extern PM_DLSYM_PROTOTYPE(SSL_CTX_new);
extern PM_DLSYM_PROTOTYPE(SSL_new);
extern PM_DLSYM_PROTOTYPE(SSL_set_fd);
extern PM_DLSYM_PROTOTYPE(SSL_ctrl);
extern PM_DLSYM_PROTOTYPE(SSL_connect);
extern PM_DLSYM_PROTOTYPE(SSL_write);
extern PM_DLSYM_PROTOTYPE(SSL_read);

/* Open libssl.so.3 and resolve the symbols above (once); -EOPNOTSUPP with err naming the
 * package when it is missing. */
int pm_dl_ssl(pm_error **err);
