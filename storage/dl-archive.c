/* dl-archive.c: the libarchive symbol table and its loader. Owns nothing but the sym_archive_*
 * pointers; never prints. Called by storage/archive.c, layer.c, layerstore.c and container.c
 * before their first libarchive call. */
#include "storage/dl-archive.h"

PM_DLSYM_PROTOTYPE(archive_entry_copy_stat) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_filetype) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_free) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_gid) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_hardlink) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_mtime) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_mtime_nsec) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_new) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_pathname) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_perm) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_set_filetype) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_set_mtime) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_set_pathname) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_set_perm) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_set_size) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_set_symlink) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_set_hardlink) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_size) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_symlink) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_uid) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_xattr_next) = NULL;
PM_DLSYM_PROTOTYPE(archive_entry_xattr_reset) = NULL;
PM_DLSYM_PROTOTYPE(archive_error_string) = NULL;
PM_DLSYM_PROTOTYPE(archive_filter_count) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_data) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_data_block) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_data_skip) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_free) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_new) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_next_header) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_open) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_open_filename) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_filter_all) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_filter_bzip2) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_filter_gzip) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_filter_xz) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_filter_zstd) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_format_empty) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_format_raw) = NULL;
PM_DLSYM_PROTOTYPE(archive_read_support_format_tar) = NULL;
PM_DLSYM_PROTOTYPE(archive_set_error) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_close) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_data) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_free) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_header) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_new) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_open_fd) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_open_filename) = NULL;
PM_DLSYM_PROTOTYPE(archive_write_set_format_pax_restricted) = NULL;

int pm_dl_archive(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(
		&dl, "libarchive.so.13", "libarchive13", err, PM_DLSYM_ARG(archive_entry_copy_stat),
		PM_DLSYM_ARG(archive_entry_filetype), PM_DLSYM_ARG(archive_entry_free),
		PM_DLSYM_ARG(archive_entry_gid), PM_DLSYM_ARG(archive_entry_hardlink),
		PM_DLSYM_ARG(archive_entry_mtime), PM_DLSYM_ARG(archive_entry_mtime_nsec),
		PM_DLSYM_ARG(archive_entry_new), PM_DLSYM_ARG(archive_entry_pathname),
		PM_DLSYM_ARG(archive_entry_perm), PM_DLSYM_ARG(archive_entry_set_filetype),
		PM_DLSYM_ARG(archive_entry_set_mtime), PM_DLSYM_ARG(archive_entry_set_pathname),
		PM_DLSYM_ARG(archive_entry_set_perm), PM_DLSYM_ARG(archive_entry_set_size),
		PM_DLSYM_ARG(archive_entry_set_symlink), PM_DLSYM_ARG(archive_entry_set_hardlink),
		PM_DLSYM_ARG(archive_entry_size), PM_DLSYM_ARG(archive_entry_symlink),
		PM_DLSYM_ARG(archive_entry_uid), PM_DLSYM_ARG(archive_entry_xattr_next),
		PM_DLSYM_ARG(archive_entry_xattr_reset), PM_DLSYM_ARG(archive_error_string),
		PM_DLSYM_ARG(archive_filter_count), PM_DLSYM_ARG(archive_read_data),
		PM_DLSYM_ARG(archive_read_data_block), PM_DLSYM_ARG(archive_read_data_skip),
		PM_DLSYM_ARG(archive_read_free), PM_DLSYM_ARG(archive_read_new),
		PM_DLSYM_ARG(archive_read_next_header), PM_DLSYM_ARG(archive_read_open),
		PM_DLSYM_ARG(archive_read_open_filename),
		PM_DLSYM_ARG(archive_read_support_filter_all),
		PM_DLSYM_ARG(archive_read_support_filter_bzip2),
		PM_DLSYM_ARG(archive_read_support_filter_gzip),
		PM_DLSYM_ARG(archive_read_support_filter_xz),
		PM_DLSYM_ARG(archive_read_support_filter_zstd),
		PM_DLSYM_ARG(archive_read_support_format_empty),
		PM_DLSYM_ARG(archive_read_support_format_raw),
		PM_DLSYM_ARG(archive_read_support_format_tar), PM_DLSYM_ARG(archive_set_error),
		PM_DLSYM_ARG(archive_write_close), PM_DLSYM_ARG(archive_write_data),
		PM_DLSYM_ARG(archive_write_free), PM_DLSYM_ARG(archive_write_header),
		PM_DLSYM_ARG(archive_write_new), PM_DLSYM_ARG(archive_write_open_fd),
		PM_DLSYM_ARG(archive_write_open_filename),
		PM_DLSYM_ARG(archive_write_set_format_pax_restricted), (void **)NULL);
}
