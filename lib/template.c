/* STUB: replaced by the template helper. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/template.h"
struct pm_template { char *s; };
int pm_template_parse(const char *fmt, pm_template **ret, bool *ret_table, pm_error **err)
{
	return pm_error_set(err, ENOTSUP, "templates not implemented");
}
int pm_template_render(const pm_template *t, const json_t *data, char **ret, pm_error **err)
{
	return pm_error_set(err, ENOTSUP, "templates not implemented");
}
pm_template *pm_template_free(pm_template *t)
{
	free(t);
	return NULL;
}
int pm_template_header(const pm_template *t, const char *const *headers, char **ret, pm_error **err)
{
	return pm_error_set(err, ENOTSUP, "templates not implemented");
}
pm_table *pm_table_new(void)
{
	return NULL;
}
void pm_table_add_row(pm_table *t, const char *tab_separated)
{
}
void pm_table_print(pm_table *t, FILE *f)
{
}
pm_table *pm_table_free(pm_table *t)
{
	return NULL;
}
