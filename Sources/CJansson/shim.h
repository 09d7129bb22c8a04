#ifndef TERRACE_CJANSSON_SHIM_H
#define TERRACE_CJANSSON_SHIM_H
#include <jansson.h>

/* jansson's json_decref/json_incref and type checks are macros or inline functions over
   fields; these give Swift plain functions to call. */
static inline void terrace_json_decref(json_t *j) { json_decref(j); }
static inline json_t *terrace_json_incref(json_t *j) { return json_incref(j); }
static inline int terrace_json_typeof(const json_t *j) { return (int)json_typeof(j); }
#endif
