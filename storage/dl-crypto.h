/* dl-crypto.h: libcrypto (OpenSSL 3), opened with dlopen() on first use (lib/dlopen.h).
 * Used only to hash layers and other big blobs (SHA-NI makes it ~6x faster than the
 * built-in lib/sha256.c); mapping and initialising it costs ~3.3 MiB of resident memory and
 * some milliseconds, which commands that hash nothing big (run, ps, version) do not pay. */
#pragma once

#include <openssl/evp.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(EVP_MD_CTX_new);
extern PM_DLSYM_PROTOTYPE(EVP_MD_CTX_free);
extern PM_DLSYM_PROTOTYPE(EVP_DigestInit_ex);
extern PM_DLSYM_PROTOTYPE(EVP_DigestUpdate);
extern PM_DLSYM_PROTOTYPE(EVP_DigestFinal_ex);
extern PM_DLSYM_PROTOTYPE(EVP_sha256);

/* Open libcrypto.so.3 once; 0 (or 1 when opened now) or -EOPNOTSUPP with err naming the
 * Debian package (libssl3). */
int pm_dl_crypto(pm_error **err);
