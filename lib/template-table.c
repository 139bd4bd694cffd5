/* template-table.c: the tabwriter of lib/template.h (podman's report writer, Go's
 * text/tabwriter with minwidth 12, padding 2): rows of '\t'-separated cells, aligned per
 * block of lines. Must not print except to the FILE it is given. Called by cli/. */
#include <stdlib.h>
#include <string.h>

#include "lib/template-internal.h"

/* ---- tabwriter --------------------------------------------------------------------------- */

/* podman's report writer: text/tabwriter with minwidth 12, tabwidth 2, padding 2, ' '. */
#define TAB_MINWIDTH 12
#define TAB_PADDING  2

struct pm_table {
	struct pm_gobuf text;
};

pm_table *pm_table_new(void)
{
	return xcalloc(1, sizeof(pm_table));
}

void pm_table_add_row(pm_table *t, const char *row)
{
	if (!t || !row)
		return;
	size_t n = strlen(row);
	pm_gobuf_add(&t->text, row, n);
	if (n == 0 || row[n - 1] != '\n')
		pm_gobuf_addc(&t->text, '\n');
}

struct tcell {
	size_t start, len, width, colw;
};

struct tline {
	size_t first, n; /* cells[first .. first+n) */
};

/* Go's tabwriter assigns a column width per block of consecutive lines that all have a
 * cell in that column (the last cell of a line is not in a column). Computed in one pass:
 * run[j] is the first line of the open block of column j. */
void pm_table_print(pm_table *t, FILE *f)
{
	if (!t || !t->text.len)
		return;
	const char *s = t->text.s;
	size_t len = t->text.len;
	struct tcell *cells = NULL;
	struct tline *lines = NULL;
	size_t ncells = 0, ccap = 0, nlines = 0, lcap = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		lines = grow(lines, &lcap, nlines, sizeof(*lines));
		lines[nlines] = (struct tline){ncells, 0};
		size_t cs = i;
		for (size_t k = i; k <= end; k++) {
			if (k == end || s[k] == '\t') {
				cells = grow(cells, &ccap, ncells, sizeof(*cells));
				cells[ncells++] = (struct tcell){cs, k - cs,
								 pm_utf8_count(s + cs, k - cs), 0};
				lines[nlines].n++;
				cs = k + 1;
			}
		}
		nlines++;
		i = end + 1;
	}
	size_t maxcols = 0;
	for (size_t l = 0; l < nlines; l++)
		if (lines[l].n - 1 > maxcols)
			maxcols = lines[l].n - 1;
	size_t *run = xcalloc(maxcols + 1, sizeof(size_t));
	size_t *runw = xcalloc(maxcols + 1, sizeof(size_t));
	size_t active = 0;
	for (size_t l = 0; l <= nlines; l++) {
		size_t cols = l < nlines ? lines[l].n - 1 : 0;
		/* close blocks of columns this line does not have */
		for (size_t j = cols; j < active; j++)
			for (size_t k = run[j]; k < l; k++)
				cells[lines[k].first + j].colw = runw[j];
		for (size_t j = active; j < cols; j++) {
			run[j] = l;
			runw[j] = TAB_MINWIDTH;
		}
		for (size_t j = 0; j < cols; j++)
			if (cells[lines[l].first + j].width + TAB_PADDING > runw[j])
				runw[j] = cells[lines[l].first + j].width + TAB_PADDING;
		active = cols;
	}
	free(run);
	free(runw);
	for (size_t l = 0; l < nlines; l++) {
		for (size_t j = 0; j < lines[l].n; j++) {
			const struct tcell *c = &cells[lines[l].first + j];
			fwrite(s + c->start, 1, c->len, f);
			if (j + 1 < lines[l].n)
				for (size_t k = c->width; k < c->colw; k++)
					fputc(' ', f);
		}
		fputc('\n', f);
	}
	free(cells);
	free(lines);
}

pm_table *pm_table_free(pm_table *t)
{
	if (t) {
		pm_gobuf_done(&t->text);
		free(t);
	}
	return NULL;
}
