#ifndef TERRACE_CRE2_H
#define TERRACE_CRE2_H

/*
 * A small C shim over RE2 (re2::RE2) so Swift can use the same regular
 * expression dialect as BigQuery. Texts are byte buffers with explicit
 * lengths (they may contain NUL bytes). Offsets are byte offsets.
 * Nothing here logs: compile errors are returned as text.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cre2_regexp cre2_regexp;

/* A matched span [start, end) in bytes; both are -1 when the group did not
 * participate in the match. */
typedef struct cre2_span {
  int64_t start;
  int64_t end;
} cre2_span;

enum cre2_encoding { CRE2_UTF8 = 0, CRE2_LATIN1 = 1 };
enum cre2_anchor { CRE2_UNANCHORED = 0, CRE2_ANCHOR_START = 1, CRE2_ANCHOR_BOTH = 2 };

/* Compiles a pattern. On success returns a handle (free with cre2_free) and
 * leaves *error_out NULL. On failure returns NULL and sets *error_out to a
 * malloc'ed NUL-terminated copy of RE2's error text (free with
 * cre2_free_string). */
cre2_regexp *cre2_compile(const char *pattern, size_t pattern_len, int encoding,
                          char **error_out);
void cre2_free(cre2_regexp *re);
void cre2_free_string(char *s);

/* Number of capturing groups in the pattern. */
int cre2_num_groups(const cre2_regexp *re);

/* RE2::FullMatch / RE2::PartialMatch. Return 1 on match, 0 otherwise. */
int cre2_full_match(const cre2_regexp *re, const char *text, size_t text_len);
int cre2_partial_match(const cre2_regexp *re, const char *text, size_t text_len);

/* RE2::Match over text[startpos, endpos) (text before startpos is context, so
 * '^' does not match at startpos > 0). On a match fills spans[0 ..< nspans]
 * (span 0 is the whole match, span i is group i) with offsets relative to the
 * start of text and returns 1; returns 0 when there is no match. */
int cre2_match(const cre2_regexp *re, const char *text, size_t text_len,
               size_t startpos, size_t endpos, int anchor, cre2_span *spans,
               int nspans);

/* RE2::CheckRewriteString. Returns 1 when the rewrite is valid for this
 * pattern; otherwise returns 0 and sets *error_out (free with
 * cre2_free_string). */
int cre2_check_rewrite(const cre2_regexp *re, const char *rewrite,
                       size_t rewrite_len, char **error_out);

/* RE2::GlobalReplace semantics (\0..\9 and \\ in the rewrite). Returns a
 * malloc'ed buffer (free with cre2_free_string) holding the result, its
 * length in *out_len and the number of replacements in *count; returns NULL
 * only when memory is exhausted. */
char *cre2_global_replace(const cre2_regexp *re, const char *text,
                          size_t text_len, const char *rewrite,
                          size_t rewrite_len, size_t *out_len, int *count);

#ifdef __cplusplus
}
#endif

#endif
