/* containerfile.h: a Containerfile (Dockerfile) read into instructions, and the word
 * expansion the build applies to them, as buildah/BuildKit read them.
 *
 * Usage (builder/build.c):
 *
 *   struct pm_containerfile *cf;
 *   pm_containerfile_parse(buf, len, "Containerfile", &cf, &err);  // syntax only
 *   for each cf->stages[i]: its FROM is cf->instrs[stage.first]; its instructions run to
 *   stage.first + stage.n; meta ARGs (before the first FROM) are cf->meta_args.
 *   char *w; pm_cf_expand(raw_word, cf->escape, lookup, userdata, &w, &err);  // $VAR, ${..}
 *   pm_containerfile_free(cf);
 *
 * The parser handles what the file's syntax says and nothing the build context decides:
 * the `# syntax=`/`# escape=` directives (escape is '\\' or '`'), comments, empty lines,
 * line continuations (a comment line inside a continuation is dropped), heredocs
 * (`RUN <<EOF`, `<<-EOF` strips leading tabs, a quoted name `<<"EOF"` disables expansion;
 * several per line), instruction flags (`--from=x`, `--chown=u:g`, `--mount=...`, repeated
 * --mount/--exclude kept in order; a flag the instruction does not take, a duplicate or a
 * missing value is an error, as BuildKit's), the JSON (exec) form (a text that is no JSON
 * array is the shell form, as Docker reads it), and `FROM image [AS name]`. Instruction
 * names are case-insensitive. Errors name the file, the line ("Containerfile:7: unknown
 * instruction: FORM"; a file without any: "Containerfile: file with no instructions") and
 * return -EINVAL; nothing is partly returned. A file over 1 MiB, a line over 64 KiB, a NUL
 * byte or more than 10000 instructions is refused. Never prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

enum pm_cf_kind {
	PM_CF_FROM,
	PM_CF_RUN,
	PM_CF_COPY,
	PM_CF_ADD,
	PM_CF_ENV,
	PM_CF_ARG,
	PM_CF_WORKDIR,
	PM_CF_USER,
	PM_CF_CMD,
	PM_CF_ENTRYPOINT,
	PM_CF_EXPOSE,
	PM_CF_LABEL,
	PM_CF_VOLUME,
	PM_CF_STOPSIGNAL,
	PM_CF_HEALTHCHECK,
	PM_CF_SHELL,
	PM_CF_ONBUILD,
	PM_CF_MAINTAINER,
};

/* The instruction's name as podman prints it in "STEP n/m: NAME ...": "FROM", "RUN", ... */
const char *pm_cf_kind_name(enum pm_cf_kind kind);

struct pm_cf_flag {
	char *name;  /* "from", "chown", "chmod", "mount", "platform", "link", "interval", ... */
	char *value; /* the text after '=' (quotes and '\\' removed as BuildKit's flag words are),
		      * NULL for a flag without one (`--link`) */
};

/* key=value pairs of ENV, LABEL, ARG; raw: quotes and $ references kept for pm_cf_expand
 * (which removes the quotes, as the shell would). ARG name without a default: value NULL.
 * The legacy `ENV key value with spaces` form gives one pair whose value is the rest. */
struct pm_cf_kv {
	char *key;
	char *value;
};

struct pm_cf_heredoc {
	char *name;	 /* the delimiter word, "EOF" */
	char *body;	 /* the lines between, each ending in '\n' (a "\r\n" kept as it is);
			  * leading tabs stripped for <<- */
	bool expand;	 /* false when the delimiter was quoted */
	bool strip_tabs; /* <<- */
};

struct pm_cf_instr {
	enum pm_cf_kind kind;
	unsigned line;	/* 1-based line where the instruction starts */
	char *original; /* the instruction as written, leading blanks dropped, continuation
			 * lines joined as BuildKit joins them (the escape removed, the blanks
			 * around it kept), heredoc bodies left out: "RUN apk add x && make"
			 * (for STEP lines and the image history's created_by) */
	struct pm_cf_flag *flags;
	size_t n_flags;
	bool json; /* exec form: args are the JSON array's strings */
	/* The arguments after the flags, raw (unexpanded, quotes kept):
	 *  - RUN, CMD, ENTRYPOINT in shell form: one arg, the rest of the line (heredoc
	 *    markers kept as written: "<<EOF" or "cat <<EOF > /x"); an empty CMD or
	 *    ENTRYPOINT is json with no args (as `CMD []`);
	 *  - FROM: the image (args[0]); the stage name is stage_name;
	 *  - COPY, ADD: sources then destination (>= 2 args; a heredoc source is "<<EOF");
	 *    in shell form FROM, COPY, ADD, EXPOSE, VOLUME are split on blanks only, quotes
	 *    not considered (BuildKit's parseStringsWhitespaceDelimited);
	 *  - WORKDIR, USER, STOPSIGNAL, MAINTAINER: one arg, the rest of the line;
	 *  - EXPOSE, VOLUME (shell form): the words; VOLUME and SHELL may be JSON;
	 *  - HEALTHCHECK: args[0] "NONE", or "CMD" (uppercased) followed by the command (json
	 *    says which form), its flags (--interval, ...) in flags, values unchecked;
	 *  - ENV, LABEL, ARG: no args, see kvs;
	 *  - ONBUILD: no args, the trigger in onbuild (a heredoc of `ONBUILD RUN <<EOF` is
	 *    the trigger's). */
	char **args;
	size_t n_args;
	struct pm_cf_kv *kvs;
	size_t n_kvs;
	struct pm_cf_heredoc *heredocs;
	size_t n_heredocs;
	char *stage_name;	     /* FROM ... AS name (lowercased), else NULL */
	struct pm_cf_instr *onbuild; /* ONBUILD's instruction (never FROM/ONBUILD/MAINTAINER) */
};

struct pm_cf_stage {
	size_t first; /* index in instrs of its FROM */
	size_t n;     /* instructions including the FROM */
};

struct pm_containerfile {
	char escape;		    /* '\\' or '`' */
	struct pm_cf_kv *meta_args; /* ARGs before the first FROM (raw values) */
	size_t n_meta_args;
	struct pm_cf_instr *instrs; /* every instruction after the meta ARGs, in file order */
	size_t n_instrs;
	struct pm_cf_stage *stages; /* >= 1; a file with no FROM is an error */
	size_t n_stages;
};

int pm_containerfile_parse(const char *buf, size_t len, const char *filename,
			   struct pm_containerfile **ret, pm_error **err);
struct pm_containerfile *pm_containerfile_free(struct pm_containerfile *cf);

/* Look name up for pm_cf_expand: the value (owned by the caller of expand's lookup, valid
 * until expand returns) or NULL when unset. */
typedef const char *(*pm_cf_lookup_fn)(const char *name, void *userdata);

/* Expand one raw word as BuildKit's shell lexer does for ENV, LABEL, ARG, COPY, ADD,
 * WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, FROM, ONBUILD: $NAME, ${NAME},
 * ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}, ${NAME:?msg} (an error naming
 * NAME), ${NAME%pat}, ${NAME%%pat}, ${NAME#pat}, ${NAME##pat}, ${NAME/pat/s},
 * ${NAME//pat/s} (patterns of '*', '?', "\\*": no [classes], as BuildKit), the escape
 * character (outside quotes it makes any next character literal; inside double quotes only
 * before $, " and itself), single quotes (literal) and double quotes (expanded), quotes removed.
 * An unset name expands to "". -EINVAL with an error naming the word ("'${A': syntax
 * error: missing '}'") for a bad ${...}, an unterminated quote, a result over 1 MiB,
 * substitutions nested over 32 deep, or a pattern on a value over 4 KiB (a pattern over
 * 64 bytes). */
int pm_cf_expand(const char *word, char escape, pm_cf_lookup_fn lookup, void *userdata, char **ret,
		 pm_error **err);

/* Split a raw shell-form argument into words as pm_cf_expand would see them (for COPY's
 * sources after expansion of each word, EXPOSE, VOLUME): unquoted whitespace separates,
 * quotes and escapes kept (BuildKit's parseWords). NULL-terminated; *ret_n words (ret_n may
 * be NULL). Never fails (err unused, kept for the interface). */
int pm_cf_split_words(const char *text, char escape, char ***ret, size_t *ret_n, pm_error **err);
