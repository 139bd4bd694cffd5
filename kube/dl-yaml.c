/* dl-yaml.c: the libyaml symbol table and its loader. Owns nothing but the sym_yaml_*
 * pointers; never prints. Called by kube/yaml.c and kube/generate.c before they parse or
 * emit. */
#include "kube/dl-yaml.h"

PM_DLSYM_PROTOTYPE(yaml_document_end_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_document_start_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_emitter_delete) = NULL;
PM_DLSYM_PROTOTYPE(yaml_emitter_emit) = NULL;
PM_DLSYM_PROTOTYPE(yaml_emitter_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_emitter_set_output) = NULL;
PM_DLSYM_PROTOTYPE(yaml_emitter_set_unicode) = NULL;
PM_DLSYM_PROTOTYPE(yaml_emitter_set_width) = NULL;
PM_DLSYM_PROTOTYPE(yaml_event_delete) = NULL;
PM_DLSYM_PROTOTYPE(yaml_mapping_end_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_mapping_start_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_parser_delete) = NULL;
PM_DLSYM_PROTOTYPE(yaml_parser_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_parser_parse) = NULL;
PM_DLSYM_PROTOTYPE(yaml_parser_set_input_string) = NULL;
PM_DLSYM_PROTOTYPE(yaml_scalar_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_sequence_end_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_sequence_start_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_stream_end_event_initialize) = NULL;
PM_DLSYM_PROTOTYPE(yaml_stream_start_event_initialize) = NULL;

int pm_dl_yaml(pm_error **err)
{
	static void *dl;
	return pm_dlopen_many_sym(
		&dl, "libyaml-0.so.2", "libyaml-0-2", err,
		PM_DLSYM_ARG(yaml_document_end_event_initialize),
		PM_DLSYM_ARG(yaml_document_start_event_initialize),
		PM_DLSYM_ARG(yaml_emitter_delete), PM_DLSYM_ARG(yaml_emitter_emit),
		PM_DLSYM_ARG(yaml_emitter_initialize), PM_DLSYM_ARG(yaml_emitter_set_output),
		PM_DLSYM_ARG(yaml_emitter_set_unicode), PM_DLSYM_ARG(yaml_emitter_set_width),
		PM_DLSYM_ARG(yaml_event_delete), PM_DLSYM_ARG(yaml_mapping_end_event_initialize),
		PM_DLSYM_ARG(yaml_mapping_start_event_initialize), PM_DLSYM_ARG(yaml_parser_delete),
		PM_DLSYM_ARG(yaml_parser_initialize), PM_DLSYM_ARG(yaml_parser_parse),
		PM_DLSYM_ARG(yaml_parser_set_input_string),
		PM_DLSYM_ARG(yaml_scalar_event_initialize),
		PM_DLSYM_ARG(yaml_sequence_end_event_initialize),
		PM_DLSYM_ARG(yaml_sequence_start_event_initialize),
		PM_DLSYM_ARG(yaml_stream_end_event_initialize),
		PM_DLSYM_ARG(yaml_stream_start_event_initialize), (void **)NULL);
}
