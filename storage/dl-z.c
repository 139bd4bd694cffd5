/* dl-z.c: the zlib and libzstd symbol tables and their loaders (dl-z.h). Owns nothing but
 * the sym_ pointers; never prints. Called by storage/tar-read.c. */
#include "storage/dl-z.h"

PM_DLSYM_PROTOTYPE(inflateInit2_) = NULL;
PM_DLSYM_PROTOTYPE(inflate) = NULL;
PM_DLSYM_PROTOTYPE(inflateEnd) = NULL;
PM_DLSYM_PROTOTYPE(inflateReset) = NULL;
PM_DLSYM_PROTOTYPE(ZSTD_createDStream) = NULL;
PM_DLSYM_PROTOTYPE(ZSTD_freeDStream) = NULL;
PM_DLSYM_PROTOTYPE(ZSTD_initDStream) = NULL;
PM_DLSYM_PROTOTYPE(ZSTD_decompressStream) = NULL;
PM_DLSYM_PROTOTYPE(ZSTD_isError) = NULL;
PM_DLSYM_PROTOTYPE(ZSTD_getErrorName) = NULL;

int pm_dl_zlib(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(&dl, "libz.so.1", "zlib1g", err, PM_DLSYM_ARG(inflateInit2_),
				  PM_DLSYM_ARG(inflate), PM_DLSYM_ARG(inflateEnd),
				  PM_DLSYM_ARG(inflateReset), (void **)NULL);
}

int pm_dl_zstd(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(&dl, "libzstd.so.1", "libzstd1", err,
				  PM_DLSYM_ARG(ZSTD_createDStream), PM_DLSYM_ARG(ZSTD_freeDStream),
				  PM_DLSYM_ARG(ZSTD_initDStream),
				  PM_DLSYM_ARG(ZSTD_decompressStream), PM_DLSYM_ARG(ZSTD_isError),
				  PM_DLSYM_ARG(ZSTD_getErrorName), (void **)NULL);
}
