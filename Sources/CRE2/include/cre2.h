#ifndef TERRACE_CRE2_H
#define TERRACE_CRE2_H
#ifdef __cplusplus
extern "C" {
#endif
/* Placeholder: the C shim over RE2 lands with the regular-expression functions. */
int terrace_re2_placeholder(void);
#ifdef __cplusplus
}
#endif
#endif
