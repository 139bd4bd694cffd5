/* dl-yaml.h: libyaml, opened with dlopen() on first use (lib/dlopen.h). Only `play kube`
 * (kube/yaml.c's parser) and `generate kube` (kube/generate.c's emitter) need it; every
 * other command does not map it. Call pm_dl_yaml() before the first sym_yaml_*() call. */
#pragma once

#include <yaml.h>

#include "lib/dlopen.h"

extern PM_DLSYM_PROTOTYPE(yaml_document_end_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_document_start_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_emitter_delete);
extern PM_DLSYM_PROTOTYPE(yaml_emitter_emit);
extern PM_DLSYM_PROTOTYPE(yaml_emitter_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_emitter_set_output);
extern PM_DLSYM_PROTOTYPE(yaml_emitter_set_unicode);
extern PM_DLSYM_PROTOTYPE(yaml_emitter_set_width);
extern PM_DLSYM_PROTOTYPE(yaml_event_delete);
extern PM_DLSYM_PROTOTYPE(yaml_mapping_end_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_mapping_start_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_parser_delete);
extern PM_DLSYM_PROTOTYPE(yaml_parser_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_parser_parse);
extern PM_DLSYM_PROTOTYPE(yaml_parser_set_input_string);
extern PM_DLSYM_PROTOTYPE(yaml_scalar_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_sequence_end_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_sequence_start_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_stream_end_event_initialize);
extern PM_DLSYM_PROTOTYPE(yaml_stream_start_event_initialize);

/* Open libyaml-0.so.2 once; 0 (or 1 when opened now) or -EOPNOTSUPP with err naming the
 * Debian package (libyaml-0-2). */
int pm_dl_yaml(pm_error **err);
