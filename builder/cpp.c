/* cpp.c: a Containerfile.in through the C preprocessor, as buildah's build does it (see
 * build.h, pm_build_preprocess). Its one job: build cpp's argv, feed it the text, keep its
 * output and its messages apart (lib/spawn.h). Called by pm_build; never prints. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder/build.h"
#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/spawn.h"
#include "lib/strutil.h"

#define CPP_OUT_MAX    (1u << 20) /* as a Containerfile's own limit */
#define CPP_ERR_MAX    4096	  /* what of cpp's messages a warning or an error carries */
#define CPP_TIMEOUT_MS 60000

/* $BUILDAH_CPPFLAGS as words onto *argv, as go-shellwords splits them for buildah: blanks
 * separate, single and double quotes group (removed), a backslash makes the next character
 * literal (inside double quotes only before '"', '\' and '$'); nothing is expanded. */
static int env_flags(char ***argv, pm_error **err)
{
	const char *v = getenv("BUILDAH_CPPFLAGS");
	if (!v)
		return 0;
	_cleanup_free_ char *word = pm_xmalloc(strlen(v) + 1);
	size_t n = 0;
	bool in_word = false;
	char quote = 0;
	for (const char *p = v; *p; p++) {
		if (!quote && (*p == ' ' || *p == '\t' || *p == '\n')) {
			if (in_word) {
				word[n] = '\0';
				pm_strv_push(argv, word);
			}
			n = 0;
			in_word = false;
			continue;
		}
		in_word = true;
		if (*p == quote) {
			quote = 0;
		} else if (!quote && (*p == '\'' || *p == '"')) {
			quote = *p;
		} else if (*p == '\\' && quote != '\'' && p[1] &&
			   (!quote || p[1] == '"' || p[1] == '\\' || p[1] == '$')) {
			word[n++] = *++p;
		} else {
			word[n++] = *p;
		}
	}
	if (quote)
		return pm_error_set(err, EINVAL,
				    "parsing BUILDAH_CPPFLAGS '%s': an unterminated "
				    "quote",
				    v);
	if (in_word) {
		word[n] = '\0';
		pm_strv_push(argv, word);
	}
	return 0;
}

/* all of data into fd */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* fd's first bytes (cpp's messages), trailing newlines dropped; with one_line, the lines
 * joined by "; " (for an error's one line) */
static char *read_messages(int fd, bool one_line)
{
	char *buf = pm_xmalloc(CPP_ERR_MAX + 1);
	ssize_t n = pread(fd, buf, CPP_ERR_MAX, 0);
	n = n < 0 ? 0 : n;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	if (!one_line)
		return buf;
	_cleanup_strv_ char **lines = pm_strv_split(buf, "\n");
	free(buf);
	char **kept = NULL;
	for (char **l = lines; l && *l; l++)
		if (**l)
			pm_strv_push(&kept, *l);
	char *joined = kept ? pm_strv_join(kept, "; ") : pm_xstrdup("");
	pm_strv_free(kept);
	return joined;
}

int pm_build_preprocess(const char *path, const char *data, size_t len, const char *file_dir,
			const char *context, char *const *cpp_flags, char **ret, size_t *ret_len,
			char **ret_warning, pm_error **err)
{
	*ret_warning = NULL;
	_cleanup_free_ char *cpp = pm_find_executable("cpp");
	if (!cpp)
		return pm_error_set(err, ENOENT,
				    "preprocessing %s: .in support requires cpp to be installed "
				    "(Debian package cpp)",
				    path);
	/* buildah's: cpp -E -iquote CONTEXT -traditional -undef - $BUILDAH_CPPFLAGS FLAGS;
	 * the file's own directory first, so that #include "x" finds x beside the file */
	_cleanup_strv_ char **argv = NULL;
	pm_strv_push(&argv, "cpp");
	pm_strv_push(&argv, "-E");
	if (file_dir) {
		pm_strv_push(&argv, "-iquote");
		pm_strv_push(&argv, file_dir);
	}
	pm_strv_push(&argv, "-iquote");
	pm_strv_push(&argv, context);
	pm_strv_push(&argv, "-traditional");
	pm_strv_push(&argv, "-undef");
	pm_strv_push(&argv, "-");
	int r = env_flags(&argv, err);
	if (r < 0)
		return r;
	for (char *const *f = cpp_flags; f && *f; f++)
		pm_strv_push(&argv, *f);

	_cleanup_close_ int in = memfd_create("pm-cpp-in", MFD_CLOEXEC);
	_cleanup_close_ int msgs = memfd_create("pm-cpp-err", MFD_CLOEXEC);
	if (in < 0 || msgs < 0 || write_all(in, data, len) < 0 || lseek(in, 0, SEEK_SET) < 0)
		return pm_error_set(err, errno, "preprocessing %s: %s", path, strerror(errno));
	_cleanup_free_ char *out = NULL;
	int status = 0;
	r = pm_run_capture_fds(cpp, argv, in, msgs, CPP_OUT_MAX + 1, CPP_TIMEOUT_MS, &out, &status);
	if (r == -ETIMEDOUT)
		return pm_error_set(err, ETIMEDOUT, "preprocessing %s: cpp did not finish in %d s",
				    path, CPP_TIMEOUT_MS / 1000);
	if (r < 0)
		return pm_error_set(err, -r, "preprocessing %s: running cpp: %s", path,
				    strerror(-r));
	size_t n = strlen(out);
	if (n > CPP_OUT_MAX)
		return pm_error_set(err, EFBIG,
				    "preprocessing %s: cpp's output is larger than 1 MiB", path);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		_cleanup_free_ char *m = read_messages(msgs, !n);
		_cleanup_free_ char *how =
			WIFEXITED(status) ? pm_xasprintf("exit status %d", WEXITSTATUS(status))
					  : pm_xasprintf("signal %d", WTERMSIG(status));
		/* as buildah: cpp's complaints (a '#' comment is an "invalid preprocessing
		 * directive" to it) are a warning while it still wrote something */
		if (!n)
			return pm_error_set(
				err, EINVAL,
				"preprocessing %s: preprocessor produced no output: %s%s%s", path,
				how, m[0] ? ": " : "", m);
		*ret_warning = pm_xasprintf("Ignoring %s", m[0] ? m : how);
	}
	*ret_len = n;
	*ret = TAKE_PTR(out);
	return 0;
}
