/* dl-z.h: zlib and libzstd, opened with dlopen() on first use (lib/dlopen.h), for the tar
 * reader's gzip and zstd layers (storage/tar-read.c). libcurl maps both already, so a pull
 * pays nothing more for them; commands that read no layer do not map them at all. */
#pragma once

#include <zlib.h>
#include <zstd.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(inflateInit2_);
extern PM_DLSYM_PROTOTYPE(inflate);
extern PM_DLSYM_PROTOTYPE(inflateEnd);
extern PM_DLSYM_PROTOTYPE(inflateReset);
extern PM_DLSYM_PROTOTYPE(ZSTD_createDStream);
extern PM_DLSYM_PROTOTYPE(ZSTD_freeDStream);
extern PM_DLSYM_PROTOTYPE(ZSTD_initDStream);
extern PM_DLSYM_PROTOTYPE(ZSTD_decompressStream);
extern PM_DLSYM_PROTOTYPE(ZSTD_isError);
extern PM_DLSYM_PROTOTYPE(ZSTD_getErrorName);

/* Open libz.so.1 (once): 0/1 or -EOPNOTSUPP with err naming the package. */
int pm_dl_zlib(pm_error **err);
/* Open libzstd.so.1 (once): 0/1 or -EOPNOTSUPP with err naming the package. */
int pm_dl_zstd(pm_error **err);
