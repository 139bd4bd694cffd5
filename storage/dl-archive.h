/* dl-archive.h: libarchive, opened with dlopen() on first use (lib/dlopen.h).
 * Only image load/save/pull, layer unpacking and container diff/export/commit need it; every
 * other command runs without mapping libarchive and the libraries it pulls in (libxml2, ICU,
 * libstdc++, nettle, acl, lzma, zstd, lz4, bz2). Call pm_dl_archive() at the entry point,
 * then call sym_archive_*(). */
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(archive_entry_copy_stat);
extern PM_DLSYM_PROTOTYPE(archive_entry_filetype);
extern PM_DLSYM_PROTOTYPE(archive_entry_free);
extern PM_DLSYM_PROTOTYPE(archive_entry_gid);
extern PM_DLSYM_PROTOTYPE(archive_entry_hardlink);
extern PM_DLSYM_PROTOTYPE(archive_entry_mtime);
extern PM_DLSYM_PROTOTYPE(archive_entry_mtime_nsec);
extern PM_DLSYM_PROTOTYPE(archive_entry_new);
extern PM_DLSYM_PROTOTYPE(archive_entry_pathname);
extern PM_DLSYM_PROTOTYPE(archive_entry_perm);
extern PM_DLSYM_PROTOTYPE(archive_entry_set_filetype);
extern PM_DLSYM_PROTOTYPE(archive_entry_set_hardlink);
extern PM_DLSYM_PROTOTYPE(archive_entry_set_mtime);
extern PM_DLSYM_PROTOTYPE(archive_entry_set_pathname);
extern PM_DLSYM_PROTOTYPE(archive_entry_set_perm);
extern PM_DLSYM_PROTOTYPE(archive_entry_set_size);
extern PM_DLSYM_PROTOTYPE(archive_entry_set_symlink);
extern PM_DLSYM_PROTOTYPE(archive_entry_size);
extern PM_DLSYM_PROTOTYPE(archive_entry_symlink);
extern PM_DLSYM_PROTOTYPE(archive_entry_uid);
extern PM_DLSYM_PROTOTYPE(archive_entry_xattr_next);
extern PM_DLSYM_PROTOTYPE(archive_entry_xattr_reset);
extern PM_DLSYM_PROTOTYPE(archive_error_string);
extern PM_DLSYM_PROTOTYPE(archive_filter_count);
extern PM_DLSYM_PROTOTYPE(archive_read_data);
extern PM_DLSYM_PROTOTYPE(archive_read_data_block);
extern PM_DLSYM_PROTOTYPE(archive_read_data_skip);
extern PM_DLSYM_PROTOTYPE(archive_read_free);
extern PM_DLSYM_PROTOTYPE(archive_read_new);
extern PM_DLSYM_PROTOTYPE(archive_read_next_header);
extern PM_DLSYM_PROTOTYPE(archive_read_open);
extern PM_DLSYM_PROTOTYPE(archive_read_open_filename);
extern PM_DLSYM_PROTOTYPE(archive_read_support_filter_all);
extern PM_DLSYM_PROTOTYPE(archive_read_support_filter_bzip2);
extern PM_DLSYM_PROTOTYPE(archive_read_support_filter_gzip);
extern PM_DLSYM_PROTOTYPE(archive_read_support_filter_xz);
extern PM_DLSYM_PROTOTYPE(archive_read_support_filter_zstd);
extern PM_DLSYM_PROTOTYPE(archive_read_support_format_empty);
extern PM_DLSYM_PROTOTYPE(archive_read_support_format_raw);
extern PM_DLSYM_PROTOTYPE(archive_read_support_format_tar);
extern PM_DLSYM_PROTOTYPE(archive_set_error);
extern PM_DLSYM_PROTOTYPE(archive_write_close);
extern PM_DLSYM_PROTOTYPE(archive_write_data);
extern PM_DLSYM_PROTOTYPE(archive_write_free);
extern PM_DLSYM_PROTOTYPE(archive_write_header);
extern PM_DLSYM_PROTOTYPE(archive_write_new);
extern PM_DLSYM_PROTOTYPE(archive_write_open_fd);
extern PM_DLSYM_PROTOTYPE(archive_write_open_filename);
extern PM_DLSYM_PROTOTYPE(archive_write_set_format_pax_restricted);

/* Open libarchive.so.13 once; 0 (or 1 when opened now) or -EOPNOTSUPP with err saying which
 * Debian package to install. */
int pm_dl_archive(pm_error **err);
