/* dl-crypto.c: the libcrypto symbol table and its loader. Owns nothing but the sym_EVP_*
 * pointers; never prints. Called by storage/digest.c when it starts a streaming digest. */
#include "storage/dl-crypto.h"

PM_DLSYM_PROTOTYPE(EVP_MD_CTX_new) = NULL;
PM_DLSYM_PROTOTYPE(EVP_MD_CTX_free) = NULL;
PM_DLSYM_PROTOTYPE(EVP_DigestInit_ex) = NULL;
PM_DLSYM_PROTOTYPE(EVP_DigestUpdate) = NULL;
PM_DLSYM_PROTOTYPE(EVP_DigestFinal_ex) = NULL;
PM_DLSYM_PROTOTYPE(EVP_sha256) = NULL;

int pm_dl_crypto(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(&dl, "libcrypto.so.3", "libssl3", err,
				  PM_DLSYM_ARG(EVP_MD_CTX_new), PM_DLSYM_ARG(EVP_MD_CTX_free),
				  PM_DLSYM_ARG(EVP_DigestInit_ex), PM_DLSYM_ARG(EVP_DigestUpdate),
				  PM_DLSYM_ARG(EVP_DigestFinal_ex), PM_DLSYM_ARG(EVP_sha256),
				  (void **)NULL);
}
