/* test-containerfile.c: unit tests for builder/containerfile: every instruction in its forms,
 * flags, continuations, directives, heredocs, meta ARGs and stages, the word expansion
 * (pm_cf_expand) and splitting, and each error with its file:line message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder/containerfile.h"
#include "lib/error.h"
#include "lib/strutil.h"

static struct pm_containerfile *parse_ok(const char *text)
{
	struct pm_containerfile *cf = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_containerfile_parse(text, strlen(text), "Containerfile", &cf, &err);
	if (r < 0)
		fail_msg("parse failed: %s", err ? err->msg : "?");
	assert_int_equal(r, 0);
	assert_non_null(cf);
	return cf;
}

/* The text fails with exactly this message. */
static void parse_fails(const char *text, const char *msg)
{
	struct pm_containerfile *cf = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_containerfile_parse(text, strlen(text), "Containerfile", &cf, &err);
	assert_int_equal(r, -EINVAL);
	assert_null(cf);
	assert_non_null(err);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("expected '%s', got '%s'", msg, err->msg);
	assert_null(strchr(err->msg, '\n'));
}

static const struct pm_cf_instr *instr(const struct pm_containerfile *cf, size_t i)
{
	assert_true(i < cf->n_instrs);
	return &cf->instrs[i];
}

static const char *flag(const struct pm_cf_instr *in, const char *name)
{
	for (size_t i = 0; i < in->n_flags; i++)
		if (strcmp(in->flags[i].name, name) == 0)
			return in->flags[i].value ? in->flags[i].value : "(none)";
	return NULL;
}

static void test_kind_names(void **state)
{
	assert_string_equal(pm_cf_kind_name(PM_CF_FROM), "FROM");
	assert_string_equal(pm_cf_kind_name(PM_CF_HEALTHCHECK), "HEALTHCHECK");
	assert_string_equal(pm_cf_kind_name(PM_CF_MAINTAINER), "MAINTAINER");
	assert_string_equal(pm_cf_kind_name(PM_CF_ENTRYPOINT), "ENTRYPOINT");
}

static void test_every_instruction(void **state)
{
	struct pm_containerfile *cf = parse_ok("FROM alpine:3.18\n"
					       "RUN apk add x && make\n"
					       "COPY a b /dst/\n"
					       "ADD x.tar /\n"
					       "ENV A=1 B=\"two words\"\n"
					       "ARG V=1\n"
					       "WORKDIR /app\n"
					       "USER 1000:1000\n"
					       "CMD echo hi\n"
					       "ENTRYPOINT [\"/bin/sh\", \"-c\"]\n"
					       "EXPOSE 80/tcp 443\n"
					       "LABEL a=b\n"
					       "VOLUME /data /cache\n"
					       "STOPSIGNAL SIGTERM\n"
					       "HEALTHCHECK --interval=5s CMD curl -f x\n"
					       "SHELL [\"/bin/bash\", \"-c\"]\n"
					       "ONBUILD RUN echo trigger\n"
					       "MAINTAINER me <me@x>\n");
	assert_int_equal(cf->n_instrs, 18);
	assert_int_equal(cf->n_stages, 1);
	assert_int_equal(cf->stages[0].first, 0);
	assert_int_equal(cf->stages[0].n, 18);
	assert_int_equal(cf->escape, '\\');
	enum pm_cf_kind kinds[] = {PM_CF_FROM,	  PM_CF_RUN,	    PM_CF_COPY,	       PM_CF_ADD,
				   PM_CF_ENV,	  PM_CF_ARG,	    PM_CF_WORKDIR,     PM_CF_USER,
				   PM_CF_CMD,	  PM_CF_ENTRYPOINT, PM_CF_EXPOSE,      PM_CF_LABEL,
				   PM_CF_VOLUME,  PM_CF_STOPSIGNAL, PM_CF_HEALTHCHECK, PM_CF_SHELL,
				   PM_CF_ONBUILD, PM_CF_MAINTAINER};
	for (size_t i = 0; i < 18; i++) {
		assert_int_equal(instr(cf, i)->kind, kinds[i]);
		assert_int_equal(instr(cf, i)->line, i + 1);
	}
	const struct pm_cf_instr *in = instr(cf, 0);
	assert_int_equal(in->n_args, 1);
	assert_string_equal(in->args[0], "alpine:3.18");
	assert_null(in->stage_name);

	in = instr(cf, 1);
	assert_false(in->json);
	assert_int_equal(in->n_args, 1);
	assert_string_equal(in->args[0], "apk add x && make");
	assert_string_equal(in->original, "RUN apk add x && make");

	in = instr(cf, 2);
	assert_int_equal(in->n_args, 3);
	assert_string_equal(in->args[0], "a");
	assert_string_equal(in->args[2], "/dst/");
	assert_null(in->args[3]);

	in = instr(cf, 4);
	assert_int_equal(in->n_kvs, 2);
	assert_string_equal(in->kvs[0].key, "A");
	assert_string_equal(in->kvs[0].value, "1");
	assert_string_equal(in->kvs[1].key, "B");
	assert_string_equal(in->kvs[1].value, "\"two words\"");

	in = instr(cf, 5);
	assert_int_equal(in->n_kvs, 1);
	assert_string_equal(in->kvs[0].key, "V");
	assert_string_equal(in->kvs[0].value, "1");

	assert_string_equal(instr(cf, 6)->args[0], "/app");
	assert_string_equal(instr(cf, 7)->args[0], "1000:1000");

	in = instr(cf, 8);
	assert_false(in->json);
	assert_string_equal(in->args[0], "echo hi");

	in = instr(cf, 9);
	assert_true(in->json);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "/bin/sh");
	assert_string_equal(in->args[1], "-c");

	in = instr(cf, 10);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "80/tcp");
	assert_string_equal(in->args[1], "443");

	in = instr(cf, 12);
	assert_false(in->json);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[1], "/cache");

	assert_string_equal(instr(cf, 13)->args[0], "SIGTERM");

	in = instr(cf, 14);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "CMD");
	assert_string_equal(in->args[1], "curl -f x");
	assert_false(in->json);
	assert_string_equal(flag(in, "interval"), "5s");

	in = instr(cf, 15);
	assert_true(in->json);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "/bin/bash");

	in = instr(cf, 16);
	assert_int_equal(in->n_args, 0);
	assert_non_null(in->onbuild);
	assert_int_equal(in->onbuild->kind, PM_CF_RUN);
	assert_string_equal(in->onbuild->args[0], "echo trigger");
	assert_string_equal(in->onbuild->original, "RUN echo trigger");
	assert_string_equal(in->original, "ONBUILD RUN echo trigger");

	assert_string_equal(instr(cf, 17)->args[0], "me <me@x>");
	pm_containerfile_free(cf);
}

static void test_exec_forms(void **state)
{
	struct pm_containerfile *cf = parse_ok("FROM x\n"
					       "RUN [\"echo\", \"a b\", \"\\u00e9\"]\n"
					       "CMD [ \"x\" ]  \n"
					       "COPY [\"a b\", \"/c d/\"]\n"
					       "VOLUME [\"/v\"]\n"
					       "HEALTHCHECK CMD [\"true\"]\n"
					       "HEALTHCHECK NONE\n"
					       "ENTRYPOINT []\n"
					       "CMD\n");
	const struct pm_cf_instr *in = instr(cf, 1);
	assert_true(in->json);
	assert_int_equal(in->n_args, 3);
	assert_string_equal(in->args[1], "a b");
	assert_string_equal(in->args[2], "\xc3\xa9");
	in = instr(cf, 2);
	assert_true(in->json);
	assert_int_equal(in->n_args, 1);
	in = instr(cf, 3);
	assert_true(in->json);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "a b");
	assert_string_equal(in->args[1], "/c d/");
	assert_true(instr(cf, 4)->json);
	in = instr(cf, 5);
	assert_true(in->json);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "CMD");
	assert_string_equal(in->args[1], "true");
	in = instr(cf, 6);
	assert_int_equal(in->n_args, 1);
	assert_string_equal(in->args[0], "NONE");
	in = instr(cf, 7);
	assert_true(in->json);
	assert_int_equal(in->n_args, 0);
	in = instr(cf, 8);
	assert_true(in->json);
	assert_int_equal(in->n_args, 0);
	pm_containerfile_free(cf);
}

/* A malformed JSON array is the shell form, as Docker reads it. */
static void test_bad_json_is_shell_form(void **state)
{
	struct pm_containerfile *cf = parse_ok("FROM x\n"
					       "RUN [\"echo\", 'single']\n"
					       "CMD [echo hi]\n"
					       "COPY [\"a\" /b\n"
					       "ENTRYPOINT [\"a\"] trailing\n");
	const struct pm_cf_instr *in = instr(cf, 1);
	assert_false(in->json);
	assert_string_equal(in->args[0], "[\"echo\", 'single']");
	in = instr(cf, 2);
	assert_false(in->json);
	assert_string_equal(in->args[0], "[echo hi]");
	in = instr(cf, 3);
	assert_false(in->json);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "[\"a\"");
	assert_false(instr(cf, 4)->json);
	pm_containerfile_free(cf);
}

static void test_flags(void **state)
{
	struct pm_containerfile *cf =
		parse_ok("FROM --platform=linux/amd64 alpine AS base\n"
			 "COPY --from=base --chown=1:2 --chmod=0644 --link a /b\n"
			 "RUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t make\n"
			 "ADD --checksum=sha256:00 --keep-git-dir=true x /y\n"
			 "COPY --chown=\"a b\" x y\n"
			 "COPY -- --x y\n"
			 "HEALTHCHECK --interval=1s --timeout=2s --start-period=3s --retries=4 "
			 "CMD true\n");
	const struct pm_cf_instr *in = instr(cf, 0);
	assert_string_equal(flag(in, "platform"), "linux/amd64");
	assert_string_equal(in->stage_name, "base");
	assert_int_equal(in->n_args, 1);
	assert_string_equal(in->args[0], "alpine");
	in = instr(cf, 1);
	assert_int_equal(in->n_flags, 4);
	assert_string_equal(flag(in, "from"), "base");
	assert_string_equal(flag(in, "chown"), "1:2");
	assert_string_equal(flag(in, "chmod"), "0644");
	assert_string_equal(flag(in, "link"), "(none)");
	assert_null(in->flags[3].value);
	assert_int_equal(in->n_args, 2);
	in = instr(cf, 2);
	assert_int_equal(in->n_flags, 2);
	assert_string_equal(in->flags[0].name, "mount");
	assert_string_equal(in->flags[0].value, "type=cache,target=/c");
	assert_string_equal(in->flags[1].value, "type=tmpfs,target=/t");
	assert_string_equal(in->args[0], "make");
	in = instr(cf, 3);
	assert_string_equal(flag(in, "keep-git-dir"), "true");
	assert_string_equal(flag(in, "checksum"), "sha256:00");
	assert_string_equal(flag(instr(cf, 4), "chown"), "a b");
	in = instr(cf, 5);
	assert_int_equal(in->n_flags, 0);
	assert_string_equal(in->args[0], "--x");
	in = instr(cf, 6);
	assert_int_equal(in->n_flags, 4);
	assert_string_equal(flag(in, "retries"), "4");
	assert_string_equal(in->args[1], "true");
	pm_containerfile_free(cf);
}

static void test_continuations(void **state)
{
	struct pm_containerfile *cf = parse_ok("FROM x\n"
					       "RUN apk add \\\n"
					       "# a comment inside\n"
					       "    curl \\   \n"
					       "\n"
					       "  # indented comment\n"
					       "    git\n"
					       "ENV A=1 \\\n"
					       "    B=2\n"
					       "  run   echo   indented  \n");
	const struct pm_cf_instr *in = instr(cf, 1);
	assert_int_equal(in->line, 2);
	assert_string_equal(in->args[0], "apk add     curl     git");
	assert_string_equal(in->original, "RUN apk add     curl     git");
	in = instr(cf, 2);
	assert_int_equal(in->line, 8);
	assert_int_equal(in->n_kvs, 2);
	assert_string_equal(in->kvs[1].key, "B");
	in = instr(cf, 3);
	assert_int_equal(in->line, 10);
	assert_int_equal(in->kind, PM_CF_RUN);
	assert_string_equal(in->args[0], "echo   indented");
	pm_containerfile_free(cf);

	/* an escaped escape at the end does not continue; a lone escape does */
	cf = parse_ok("FROM x\nRUN echo \\\\\nRUN a\n\\\nRUN b\n");
	assert_int_equal(cf->n_instrs, 4);
	assert_string_equal(instr(cf, 1)->args[0], "echo \\\\");
	assert_string_equal(instr(cf, 3)->args[0], "b");
	assert_int_equal(instr(cf, 3)->line, 4);
	pm_containerfile_free(cf);

	/* CRLF line ends, a BOM, a continuation at the end of the file */
	cf = parse_ok("\xef\xbb\xbf"
		      "FROM x\r\nRUN a \\\r\n b\r\nRUN c \\");
	assert_int_equal(cf->n_instrs, 3);
	assert_string_equal(instr(cf, 0)->args[0], "x");
	assert_string_equal(instr(cf, 1)->args[0], "a  b");
	assert_string_equal(instr(cf, 2)->args[0], "c");
	pm_containerfile_free(cf);
}

static void test_escape_directive(void **state)
{
	struct pm_containerfile *cf = parse_ok("# syntax=docker/dockerfile:1\n"
					       "# escape=`\n"
					       "\n"
					       "FROM mcr/windows\n"
					       "RUN dir c:\\ `\n"
					       "    && echo done\n"
					       "ENV P=c:\\x\n");
	assert_int_equal(cf->escape, '`');
	assert_string_equal(instr(cf, 1)->args[0], "dir c:\\     && echo done");
	assert_string_equal(instr(cf, 2)->kvs[0].value, "c:\\x");
	pm_containerfile_free(cf);

	/* a directive after an instruction or comment is a comment */
	cf = parse_ok("# hello\n# escape=`\nFROM x\nRUN a \\\n b\n");
	assert_int_equal(cf->escape, '\\');
	assert_int_equal(cf->n_instrs, 2);
	pm_containerfile_free(cf);
	cf = parse_ok("FROM x\n# escape=`\nRUN a \\\n b\n");
	assert_int_equal(cf->escape, '\\');
	pm_containerfile_free(cf);
	/* unknown directives are comments */
	cf = parse_ok("#ESCAPE = `\nFROM x\n");
	assert_int_equal(cf->escape, '`');
	pm_containerfile_free(cf);
	/* an unknown directive ends them, as a comment does */
	cf = parse_ok("# foo=bar\n# escape=`\nFROM x\n");
	assert_int_equal(cf->escape, '\\');
	pm_containerfile_free(cf);
	cf = parse_ok("# syntax=x\n# check=skip=all\n#\tescape\t=\t`\t\nFROM x\n");
	assert_int_equal(cf->escape, '`');
	pm_containerfile_free(cf);

	parse_fails("# escape=x\nFROM x\n",
		    "Containerfile:1: invalid escape token 'x' does not match ` or \\");
	parse_fails("# escape=`\n# escape=\\\nFROM x\n",
		    "Containerfile:2: only one 'escape' parser directive can be used");
}

static void test_heredocs(void **state)
{
	struct pm_containerfile *cf = parse_ok("FROM x\n"
					       "RUN <<EOF\n"
					       "echo $HOME\n"
					       "  EOF\n"
					       "EOF\n"
					       "RUN cat <<'A' <<-\"B\" > /out\n"
					       "literal $X\n"
					       "A\n"
					       "\tindented\n"
					       "\t\tB\n"
					       "COPY <<conf.txt /etc/\n"
					       "# not a comment\n"
					       "conf.txt\n"
					       "RUN 3<<EOF cat <&3\n"
					       "\n"
					       "EOF\n"
					       "RUN echo '<<EOF' x<<Y\n"
					       "CMD <<EOF\n");
	const struct pm_cf_instr *in = instr(cf, 1);
	assert_int_equal(in->n_heredocs, 1);
	assert_string_equal(in->args[0], "<<EOF");
	assert_string_equal(in->original, "RUN <<EOF");
	assert_string_equal(in->heredocs[0].name, "EOF");
	assert_string_equal(in->heredocs[0].body, "echo $HOME\n  EOF\n");
	assert_true(in->heredocs[0].expand);
	assert_false(in->heredocs[0].strip_tabs);

	in = instr(cf, 2);
	assert_int_equal(in->line, 6);
	assert_string_equal(in->args[0], "cat <<'A' <<-\"B\" > /out");
	assert_int_equal(in->n_heredocs, 2);
	assert_string_equal(in->heredocs[0].name, "A");
	assert_false(in->heredocs[0].expand);
	assert_string_equal(in->heredocs[0].body, "literal $X\n");
	assert_string_equal(in->heredocs[1].name, "B");
	assert_false(in->heredocs[1].expand);
	assert_true(in->heredocs[1].strip_tabs);
	assert_string_equal(in->heredocs[1].body, "indented\n");

	in = instr(cf, 3);
	assert_int_equal(in->line, 11);
	assert_int_equal(in->n_args, 2);
	assert_string_equal(in->args[0], "<<conf.txt");
	assert_string_equal(in->heredocs[0].name, "conf.txt");
	assert_string_equal(in->heredocs[0].body, "# not a comment\n");

	in = instr(cf, 4);
	assert_int_equal(in->n_heredocs, 1);
	assert_string_equal(in->heredocs[0].body, "\n");

	/* '<<EOF' quoted and x<<Y are not heredocs (BuildKit's words) */
	in = instr(cf, 5);
	assert_int_equal(in->line, 17);
	assert_int_equal(in->n_heredocs, 0);
	/* CMD takes none */
	assert_int_equal(instr(cf, 6)->n_heredocs, 0);
	pm_containerfile_free(cf);

	/* CRLF: the body keeps its line ends, the delimiter matches without them */
	cf = parse_ok("FROM x\r\nRUN <<-EOF\r\n\ta\r\n\tEOF\r\n");
	assert_string_equal(instr(cf, 1)->heredocs[0].body, "a\r\n");
	pm_containerfile_free(cf);

	/* ONBUILD's trigger takes its heredoc */
	cf = parse_ok("FROM x\nONBUILD RUN <<EOF\nx\nEOF\nRUN y\n");
	assert_int_equal(cf->n_instrs, 3);
	assert_int_equal(instr(cf, 1)->onbuild->n_heredocs, 1);
	assert_string_equal(instr(cf, 1)->onbuild->heredocs[0].body, "x\n");
	pm_containerfile_free(cf);

	/* exec form: no heredoc */
	cf = parse_ok("FROM x\nRUN [\"<<EOF\"]\nRUN y\n");
	assert_int_equal(cf->n_instrs, 3);
	pm_containerfile_free(cf);

	parse_fails("FROM x\nRUN <<EOF\nabc\nEOF2\n",
		    "Containerfile:2: unterminated heredoc 'EOF' (no line 'EOF' follows)");
	parse_fails("FROM x\nRUN <<A <<B\nA\nb\n",
		    "Containerfile:2: unterminated heredoc 'B' (no line 'B' follows)");
}

static void test_meta_args_and_stages(void **state)
{
	struct pm_containerfile *cf = parse_ok("ARG BASE=alpine VERSION\n"
					       "ARG X=\"a b\"\n"
					       "FROM $BASE AS Builder\n"
					       "ARG VERSION\n"
					       "RUN make\n"
					       "from scratch as final\n"
					       "copy --from=builder /out /\n");
	assert_int_equal(cf->n_meta_args, 3);
	assert_string_equal(cf->meta_args[0].key, "BASE");
	assert_string_equal(cf->meta_args[0].value, "alpine");
	assert_string_equal(cf->meta_args[1].key, "VERSION");
	assert_null(cf->meta_args[1].value);
	assert_string_equal(cf->meta_args[2].value, "\"a b\"");
	assert_int_equal(cf->n_instrs, 5);
	assert_int_equal(cf->n_stages, 2);
	assert_int_equal(cf->stages[0].first, 0);
	assert_int_equal(cf->stages[0].n, 3);
	assert_int_equal(cf->stages[1].first, 3);
	assert_int_equal(cf->stages[1].n, 2);
	const struct pm_cf_instr *in = instr(cf, 0);
	assert_string_equal(in->args[0], "$BASE");
	assert_string_equal(in->stage_name, "builder");
	assert_int_equal(in->line, 3);
	assert_string_equal(instr(cf, 3)->stage_name, "final");
	assert_string_equal(instr(cf, 3)->args[0], "scratch");
	assert_string_equal(flag(instr(cf, 4), "from"), "builder");
	pm_containerfile_free(cf);
}

static void test_env_label_forms(void **state)
{
	struct pm_containerfile *cf = parse_ok("FROM x\n"
					       "ENV PATH /usr/bin:$PATH with  spaces\n"
					       "LABEL \"com.x\"=\"y z\" k=v\\ w\n"
					       "ENV E=\n"
					       "ARG a b=\n");
	const struct pm_cf_instr *in = instr(cf, 1);
	assert_int_equal(in->n_kvs, 1);
	assert_string_equal(in->kvs[0].key, "PATH");
	assert_string_equal(in->kvs[0].value, "/usr/bin:$PATH with  spaces");
	in = instr(cf, 2);
	assert_int_equal(in->n_kvs, 2);
	assert_string_equal(in->kvs[0].key, "\"com.x\"");
	assert_string_equal(in->kvs[0].value, "\"y z\"");
	assert_string_equal(in->kvs[1].value, "v\\ w");
	assert_string_equal(instr(cf, 3)->kvs[0].value, "");
	in = instr(cf, 4);
	assert_null(in->kvs[0].value);
	assert_string_equal(in->kvs[1].value, "");
	pm_containerfile_free(cf);
}

static void test_comments_and_blank(void **state)
{
	struct pm_containerfile *cf = parse_ok("\n\n   # comment\n#\nFROM x\n"
					       "\t\n  RUN echo '#x' # kept\n");
	assert_int_equal(cf->n_instrs, 2);
	assert_int_equal(instr(cf, 0)->line, 5);
	assert_int_equal(instr(cf, 1)->line, 7);
	/* a '#' after the start of a line is no comment */
	assert_string_equal(instr(cf, 1)->args[0], "echo '#x' # kept");
	pm_containerfile_free(cf);
	parse_fails("FROM x # comment?\n", "Containerfile:1: FROM requires either one or three "
					   "arguments (FROM image [AS name]): 'x # comment?'");
}

static void test_errors(void **state)
{
	parse_fails("FROM x\nFORM y\n", "Containerfile:2: unknown instruction: FORM");
	parse_fails("", "Containerfile: file with no instructions");
	parse_fails("# just a comment\n\n", "Containerfile: file with no instructions");
	parse_fails("ARG A=1\n",
		    "Containerfile:1: no FROM instruction: a build stage starts with FROM");
	parse_fails(
		"RUN x\nFROM y\n",
		"Containerfile:1: no build stage in current context: RUN before the first FROM");
	parse_fails("FROM\n", "Containerfile:1: FROM requires either one or three arguments "
			      "(FROM image [AS name]): ''");
	parse_fails("FROM a b\n", "Containerfile:1: FROM requires either one or three arguments "
				  "(FROM image [AS name]): 'a b'");
	parse_fails("FROM a IS b\n", "Containerfile:1: FROM requires either one or three arguments "
				     "(FROM image [AS name]): 'a IS b'");
	parse_fails("FROM a AS 1st\n",
		    "Containerfile:1: invalid name for build stage: '1st', name can't start with a "
		    "number or contain symbols");
	parse_fails("FROM a AS b!\n",
		    "Containerfile:1: invalid name for build stage: 'b!', name can't start with a "
		    "number or contain symbols");
	parse_fails("FROM a AS b\nFROM c AS B\n", "Containerfile:2: duplicate stage name 'b'");
	parse_fails("FROM x\nONBUILD FROM y\n",
		    "Containerfile:2: FROM isn't allowed as an ONBUILD trigger");
	parse_fails("FROM x\nONBUILD maintainer y\n",
		    "Containerfile:2: maintainer isn't allowed as an ONBUILD trigger");
	parse_fails("FROM x\nONBUILD ONBUILD RUN y\n",
		    "Containerfile:2: chaining ONBUILD via 'ONBUILD ONBUILD' isn't allowed");
	parse_fails("FROM x\nONBUILD\n", "Containerfile:2: ONBUILD requires at least one argument");
	parse_fails("FROM x\nONBUILD FOO\n", "Containerfile:2: unknown instruction: FOO");
	parse_fails("FROM x\nRUN\n", "Containerfile:2: RUN requires at least one argument");
	parse_fails("FROM x\nCOPY a\n", "Containerfile:2: COPY requires at least two arguments "
					"(sources and a destination): 'a'");
	parse_fails("FROM x\nADD [\"a\"]\n", "Containerfile:2: ADD requires at least two arguments "
					     "(sources and a destination): '[\"a\"]'");
	parse_fails("FROM x\nRUN [\"a\", 1]\n",
		    "Containerfile:2: RUN: when using JSON array syntax, arrays must be comprised "
		    "of strings only: '[\"a\", 1]'");
	parse_fails(
		"FROM x\nSHELL /bin/sh -c\n",
		"Containerfile:2: SHELL requires the arguments to be in JSON form: '/bin/sh -c'");
	parse_fails("FROM x\nSHELL []\n", "Containerfile:2: SHELL requires at least one argument");
	parse_fails("FROM x\nENV\n", "Containerfile:2: ENV requires at least one argument");
	parse_fails("FROM x\nENV A\n", "Containerfile:2: ENV must have two arguments: 'A'");
	parse_fails("FROM x\nLABEL a=b c\n",
		    "Containerfile:2: LABEL: syntax error - can't find = in 'c'. Must be of the "
		    "form: name=value");
	parse_fails("FROM x\nENV =x\n", "Containerfile:2: ENV names can not be blank: '=x'");
	parse_fails("FROM x\nARG\n", "Containerfile:2: ARG requires at least one argument");
	parse_fails("FROM x\nARG =1\n", "Containerfile:2: ARG names can not be blank: '=1'");
	parse_fails("FROM x\nWORKDIR\n", "Containerfile:2: WORKDIR requires exactly one argument");
	parse_fails("FROM x\nUSER  \n", "Containerfile:2: USER requires exactly one argument");
	parse_fails("FROM x\nEXPOSE\n", "Containerfile:2: EXPOSE requires at least one argument");
	parse_fails("FROM x\nVOLUME\n", "Containerfile:2: VOLUME requires at least one argument");
	parse_fails("FROM x\nVOLUME [\"\"]\n",
		    "Containerfile:2: VOLUME specified can not be an empty string");
	parse_fails("FROM x\nHEALTHCHECK\n",
		    "Containerfile:2: HEALTHCHECK requires an argument (NONE or CMD)");
	parse_fails("FROM x\nHEALTHCHECK NONE x\n",
		    "Containerfile:2: HEALTHCHECK NONE takes no arguments: 'x'");
	parse_fails("FROM x\nHEALTHCHECK CMD\n",
		    "Containerfile:2: missing command after HEALTHCHECK CMD");
	parse_fails("FROM x\nHEALTHCHECK RUN x\n",
		    "Containerfile:2: unknown type 'RUN' in HEALTHCHECK (try CMD)");
	parse_fails("FROM x\nCOPY --frm=a b c\n", "Containerfile:2: COPY: unknown flag: '--frm'");
	parse_fails("FROM x\nCMD --help\n", "Containerfile:2: CMD: unknown flag: '--help'");
	parse_fails("FROM x\nCOPY --from a b\n",
		    "Containerfile:2: COPY: missing a value on flag: '--from'");
	parse_fails("FROM x\nCOPY --from=a --from=b c d\n",
		    "Containerfile:2: COPY: duplicate flag specified: '--from'");
	parse_fails(
		"FROM x\nCOPY --link=maybe a b\n",
		"Containerfile:2: COPY: expecting boolean value for flag '--link', not: 'maybe'");
}

static void test_nul_byte(void **state)
{
	const char text[] = "FROM x\nRUN a\0b\n";
	struct pm_containerfile *cf = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_containerfile_parse(text, sizeof(text) - 1, "Dockerfile", &cf, &err),
			 -EINVAL);
	assert_string_equal(err->msg, "Dockerfile:2: NUL byte in the line");
}

static void test_limits(void **state)
{
	/* a line over 64 KiB */
	size_t n = 70 * 1024;
	char *text = pm_xmalloc(n + 32);
	strcpy(text, "FROM x\nRUN ");
	memset(text + 11, 'a', n);
	strcpy(text + 11 + n, "\n");
	struct pm_containerfile *cf = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_containerfile_parse(text, strlen(text), "Containerfile", &cf, &err),
			 -EINVAL);
	assert_string_equal(err->msg, "Containerfile:2: line longer than 64 KiB (71684 bytes)");
	free(text);

	/* 10000 instructions pass, 10001 do not */
	struct {
		char *p;
		size_t n;
	} b = {pm_xmalloc(10002 * 8 + 16), 0};
	b.n = (size_t)sprintf(b.p, "FROM x\n");
	for (int i = 1; i < 10000; i++)
		b.n += (size_t)sprintf(b.p + b.n, "RUN %d\n", i % 10);
	cf = NULL;
	pm_error *e2 = NULL;
	assert_int_equal(pm_containerfile_parse(b.p, b.n, "Containerfile", &cf, &e2), 0);
	assert_int_equal(cf->n_instrs, 10000);
	pm_containerfile_free(cf);
	b.n += (size_t)sprintf(b.p + b.n, "RUN x\n");
	cf = NULL;
	assert_int_equal(pm_containerfile_parse(b.p, b.n, "Containerfile", &cf, &e2), -EINVAL);
	assert_string_equal(e2->msg, "Containerfile:10001: more than 10000 instructions");
	pm_error_free(e2);
	free(b.p);

	/* a file over 1 MiB */
	e2 = NULL;
	char *big = pm_xcalloc(1024 * 1024 + 1, 1);
	assert_int_equal(pm_containerfile_parse(big, 1024 * 1024 + 1, "C", &cf, &e2), -EINVAL);
	assert_string_equal(e2->msg, "C: larger than 1 MiB (1048577 bytes)");
	pm_error_free(e2);
	free(big);
}

/* ---- expansion ---- */

static const char *lookup(const char *name, void *userdata)
{
	static const char *const env[][2] = {
		{"A", "aval"}, {"EMPTY", ""}, {"SP", "a b"}, {"PATH", "/bin"}, {"F", "file.tar.gz"},
	};
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if (strcmp(env[i][0], name) == 0)
			return env[i][1];
	return NULL;
}

static void expands(const char *word, char escape, const char *want)
{
	char *got = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_cf_expand(word, escape, lookup, NULL, &got, &err);
	if (r < 0)
		fail_msg("expanding '%s' failed: %s", word, err ? err->msg : "?");
	if (strcmp(got, want) != 0)
		fail_msg("expanding '%s': want '%s', got '%s'", word, want, got);
	free(got);
}

static void expand_fails(const char *word, const char *msg)
{
	char *got = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_cf_expand(word, '\\', lookup, NULL, &got, &err), -EINVAL);
	assert_null(got);
	if (strcmp(err->msg, msg) != 0)
		fail_msg("expanding '%s': want error '%s', got '%s'", word, msg, err->msg);
}

static void test_expand(void **state)
{
	expands("plain", '\\', "plain");
	expands("", '\\', "");
	expands("$A", '\\', "aval");
	expands("${A}", '\\', "aval");
	expands("x${A}y", '\\', "xavaly");
	expands("$A.b", '\\', "aval.b");
	expands("$UNSET", '\\', "");
	expands("${UNSET}x", '\\', "x");
	expands("$", '\\', "$");
	expands("a$ b", '\\', "a$ b");
	expands("$1x", '\\', "x");
	expands("${A:-x}", '\\', "aval");
	expands("${UNSET:-x}", '\\', "x");
	expands("${EMPTY:-x}", '\\', "x");
	expands("${EMPTY-x}", '\\', "");
	expands("${UNSET-x}", '\\', "x");
	expands("${A:+x}", '\\', "x");
	expands("${EMPTY:+x}", '\\', "");
	expands("${EMPTY+x}", '\\', "x");
	expands("${UNSET+x}", '\\', "");
	expands("${UNSET:-${A}}", '\\', "aval");
	expands("${UNSET:-'q $A'}", '\\', "q $A");
	expands("${A:?must}", '\\', "aval");
	expands("${F%.*}", '\\', "file.tar");
	expands("${F%%.*}", '\\', "file");
	expands("${F#*.}", '\\', "tar.gz");
	expands("${F##*.}", '\\', "gz");
	expands("${F%.[a-z]z}", '\\', "file.tar.gz"); /* no [classes], as BuildKit */
	expands("${F%.??}", '\\', "file.tar");
	expands("${F/tar/zip}", '\\', "file.zip.gz");
	expands("${F//./-}", '\\', "file-tar-gz");
	expands("${F/*./X}", '\\', "Xgz");
	expands("${F/\\*/x}", '\\', "file.tar.gz");
	expands("${F/nothing/x}", '\\', "file.tar.gz");
	expands("${UNSET/a/b}", '\\', "");
	expands("${F%\\}}", '\\', "file.tar.gz");
	expands("${F#[!f]}", '\\', "file.tar.gz");
	expands("${F#?}", '\\', "ile.tar.gz");
	expands("${F%x}", '\\', "file.tar.gz");
	expands("${F##*}", '\\', "");
	expands("${UNSET%x}", '\\', "");
	expands("'$A'", '\\', "$A");
	expands("\"$A\"", '\\', "aval");
	expands("\"$SP\"", '\\', "a b");
	expands("\"a\\\"b\"", '\\', "a\"b");
	expands("\"a\\nb\"", '\\', "a\\nb");
	expands("\\$A", '\\', "$A");
	expands("a\\ b", '\\', "a b");
	expands("\\\\", '\\', "\\");
	expands("a\\", '\\', "a");
	expands("'it'\"'\"'s'", '\\', "it's");
	expands("`$A", '`', "$A");
	expands("c:\\x", '`', "c:\\x");
	expands("\"`\"\"", '`', "\"");
	expands("$PATH:/usr/bin", '\\', "/bin:/usr/bin");
}

static void test_expand_errors(void **state)
{
	expand_fails("${A", "'${A': syntax error: missing '}'");
	expand_fails("${", "'${': syntax error: missing '}'");
	expand_fails("${}", "'${}': syntax error: bad substitution");
	expand_fails("${:x}", "'${:x}': syntax error: bad substitution");
	expand_fails("${A:-x", "'${A:-x': syntax error: missing '}'");
	expand_fails("${A:x}", "'${A:x}': unsupported modifier (:x) in substitution");
	expand_fails("${A:%x}", "'${A:%x}': unsupported modifier (:%) in substitution");
	expand_fails("${F%\\.gz}", "'${F%\\.gz}': invalid pattern (\\.gz) in substitution");
	expand_fails("${F/x}", "'${F/x}': syntax error: missing '/' in ${}");
	expand_fails("${F/x/y", "'${F/x/y': syntax error: missing '}'");
	expand_fails("${A^}", "'${A^}': unsupported modifier (^) in substitution");
	expand_fails("${UNSET:?}", "'${UNSET:?}': UNSET: is not allowed to be unset");
	expand_fails("${UNSET?set it}", "'${UNSET?set it}': UNSET: set it");
	expand_fails("${EMPTY:?}", "'${EMPTY:?}': EMPTY: is not allowed to be empty");
	expand_fails("'abc", "''abc': unexpected end of statement while looking for matching "
			     "single-quote");
	expand_fails("\"abc", "'\"abc': unexpected end of statement while looking for matching "
			      "double-quote");
	/* deep nesting is refused, not a stack overflow */
	char deep[400] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "${X:-");
	for (int i = 0; i < 40; i++)
		strcat(deep, "}");
	char *got = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_cf_expand(deep, '\\', lookup, NULL, &got, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "nested too deep"));
}

static const char *lookup_big(const char *name, void *userdata)
{
	return userdata;
}

static void test_expand_limit(void **state)
{
	char *v = pm_xmalloc(600 * 1024);
	memset(v, 'v', 600 * 1024 - 1);
	v[600 * 1024 - 1] = 0;
	char *got = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_cf_expand("$A", '\\', lookup_big, v, &got, &err), 0);
	free(got);
	assert_int_equal(pm_cf_expand("$A$A", '\\', lookup_big, v, &got, &err), -EINVAL);
	assert_string_equal(err->msg, "'$A$A': expands to more than 1 MiB");
	pm_error *e2 = NULL;
	assert_int_equal(pm_cf_expand("${A%v}", '\\', lookup_big, v, &got, &e2), -EINVAL);
	assert_string_equal(e2->msg, "'${A%v}': A is too long for a pattern substitution (a value "
				     "of at most 4096 bytes, a pattern of at most 64)");
	pm_error_free(e2);
	free(v);
}

static void test_split_words(void **state)
{
	char **w = NULL;
	size_t n = 0;
	assert_int_equal(
		pm_cf_split_words("  a 'b c'  \"d \\\" e\" f\\ g ''  ", '\\', &w, &n, NULL), 0);
	assert_int_equal(n, 5);
	assert_string_equal(w[0], "a");
	assert_string_equal(w[1], "'b c'");
	assert_string_equal(w[2], "\"d \\\" e\"");
	assert_string_equal(w[3], "f\\ g");
	assert_string_equal(w[4], "''");
	assert_null(w[5]);
	pm_strv_free(w);
	assert_int_equal(pm_cf_split_words("", '\\', &w, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(w[0]);
	pm_strv_free(w);
	assert_int_equal(pm_cf_split_words("a` b c", '`', &w, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(w[0], "a` b");
	pm_strv_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_every_instruction),
		cmocka_unit_test(test_exec_forms),
		cmocka_unit_test(test_bad_json_is_shell_form),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_escape_directive),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_meta_args_and_stages),
		cmocka_unit_test(test_env_label_forms),
		cmocka_unit_test(test_comments_and_blank),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_errors),
		cmocka_unit_test(test_expand_limit),
		cmocka_unit_test(test_split_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
