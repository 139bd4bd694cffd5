/* fuzz-template.c: libFuzzer target for the --format template engine (lib/template*.c,
 * lib/gofmt.c): parse the input as a format, render it against a fixed document shaped like
 * pm's listings, render its table header and run the rows through the tabwriter.
 *
 * Invariants checked: no crash or leak; every failure is -EINVAL with a one-line message
 * starting "template: "; success gives a string. tests/unit/test-template.c includes this
 * file and replays tests/fuzz/corpus-template/ in `make unit`; `make fuzz` runs it. By hand:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -D_GNU_SOURCE \
 *       tests/fuzz/fuzz-template.c lib/template-*.c lib/gofmt.c lib/error.c lib/strutil.c \
 *       $(pkg-config --cflags --libs jansson) -lm -o /tmp/fuzz-template
 *   /tmp/fuzz-template -max_len=4096 /tmp/corpus-copy tests/fuzz/corpus-template
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_doc[] =
	"{\"Id\":\"2f66832c26918289779f0eb00a21bcba3aea71f838e0a462b41b7ae9541dbd4f\","
	"\"Names\":[\"web\",\"db\"],\"Image\":\"localhost/busybox:latest\",\"Pid\":4242,"
	"\"Ratio\":0.25,\"Big\":1e21,\"Running\":true,\"Paused\":false,\"Exited\":null,"
	"\"Labels\":{\"app\":\"web\",\"tier\":\"front end\",\"empty\":\"\"},\"Ports\":[],"
	"\"Mounts\":[{\"Source\":\"/a\",\"Destination\":\"/b\",\"RW\":true}],"
	"\"State\":{\"Status\":\"running\",\"ExitCode\":0,\"StartedAt\":\"2024-01-01\"},"
	"\"Command\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\\t<&>\"],\"Size\":-12345,"
	"\"Unicode\":\"h\\u00e9llo \\u2028 w\\u00f6rld\"}";

static int fuzz_check_error(int r, pm_error *err)
{
	if (r != -EINVAL || !err || !err->msg || strncmp(err->msg, "template: ", 10) != 0 ||
	    strchr(err->msg, '\n'))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *doc;
	if (!doc) {
		doc = json_loads(fuzz_doc, 0, NULL);
		if (!doc)
			abort();
	}
	if (size > PM_TEMPLATE_MAX_LEN + 16)
		return 0;
	char *fmt = malloc(size + 1);
	if (!fmt)
		return 0;
	memcpy(fmt, data, size);
	fmt[size] = 0;

	pm_template *t = NULL;
	pm_error *err = NULL;
	bool table = false;
	/* odd sizes: as the CLI parses (Go's NAME:LINE:COL in messages) */
	int r = size % 2 ? pm_template_parse_named(fmt, "fuzz", 11, &t, &table, &err)
			 : pm_template_parse(fmt, &t, &table, &err);
	if (r < 0) {
		fuzz_check_error(r, err);
		if (t)
			abort();
		goto out;
	}
	if (r != 0 || err || !t)
		abort();

	char **fields = NULL;
	if (pm_template_root_fields(t, &fields) && fields)
		abort();
	for (char **f = fields; f && *f; f++)
		if (!**f)
			abort();
	for (char **f = fields; f && *f; f++)
		free(*f);
	free(fields);

	char *out = NULL;
	r = pm_template_render(t, doc, &out, &err);
	if (r < 0) {
		fuzz_check_error(r, err);
		pm_error_free(err);
		err = NULL;
	} else if (!out) {
		abort();
	}

	char *hdr = NULL;
	int rh = pm_template_header(t, NULL, &hdr, &err);
	if (rh < 0)
		fuzz_check_error(rh, err);
	else if (!hdr)
		abort();

	if (table) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (f) {
			pm_table *tab = pm_table_new();
			if (hdr)
				pm_table_add_row(tab, hdr);
			if (out) {
				pm_table_add_row(tab, out);
				pm_table_add_row(tab, out);
			}
			pm_table_print(tab, f);
			pm_table_free(tab);
			fclose(f);
			free(buf);
		}
	}
	free(out);
	free(hdr);
out:
	pm_error_free(err);
	pm_template_free(t);
	free(fmt);
	return 0;
}
