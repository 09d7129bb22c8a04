#include "cre2.h"

#include <re2/re2.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

struct cre2_regexp {
  re2::RE2 *re;
};

static char *copy_string(const std::string &s) {
  char *out = static_cast<char *>(std::malloc(s.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

static re2::StringPiece piece(const char *data, size_t len) {
  return re2::StringPiece(data == nullptr ? "" : data, len);
}

extern "C" cre2_regexp *cre2_compile(const char *pattern, size_t pattern_len,
                                     int encoding, char **error_out) {
  if (error_out != nullptr) *error_out = nullptr;
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(encoding == CRE2_LATIN1 ? re2::RE2::Options::EncodingLatin1
                                               : re2::RE2::Options::EncodingUTF8);
  re2::RE2 *re = new (std::nothrow) re2::RE2(piece(pattern, pattern_len), options);
  if (re == nullptr) {
    if (error_out != nullptr) *error_out = copy_string("out of memory");
    return nullptr;
  }
  if (!re->ok()) {
    if (error_out != nullptr) *error_out = copy_string(re->error());
    delete re;
    return nullptr;
  }
  cre2_regexp *handle = new (std::nothrow) cre2_regexp;
  if (handle == nullptr) {
    delete re;
    if (error_out != nullptr) *error_out = copy_string("out of memory");
    return nullptr;
  }
  handle->re = re;
  return handle;
}

extern "C" void cre2_free(cre2_regexp *re) {
  if (re == nullptr) return;
  delete re->re;
  delete re;
}

extern "C" void cre2_free_string(char *s) { std::free(s); }

extern "C" int cre2_num_groups(const cre2_regexp *re) {
  return re->re->NumberOfCapturingGroups();
}

extern "C" int cre2_full_match(const cre2_regexp *re, const char *text,
                               size_t text_len) {
  return re2::RE2::FullMatch(piece(text, text_len), *re->re) ? 1 : 0;
}

extern "C" int cre2_partial_match(const cre2_regexp *re, const char *text,
                                  size_t text_len) {
  return re2::RE2::PartialMatch(piece(text, text_len), *re->re) ? 1 : 0;
}

extern "C" int cre2_match(const cre2_regexp *re, const char *text,
                          size_t text_len, size_t startpos, size_t endpos,
                          int anchor, cre2_span *spans, int nspans) {
  if (startpos > endpos || endpos > text_len || nspans < 0) return 0;
  re2::StringPiece input = piece(text, text_len);
  std::vector<re2::StringPiece> groups(nspans > 0 ? nspans : 0);
  re2::RE2::Anchor a = anchor == CRE2_ANCHOR_BOTH    ? re2::RE2::ANCHOR_BOTH
                       : anchor == CRE2_ANCHOR_START ? re2::RE2::ANCHOR_START
                                                     : re2::RE2::UNANCHORED;
  if (!re->re->Match(input, startpos, endpos, a, groups.data(), nspans)) {
    return 0;
  }
  for (int i = 0; i < nspans; ++i) {
    if (groups[i].data() == nullptr) {
      spans[i].start = -1;
      spans[i].end = -1;
    } else {
      spans[i].start = static_cast<int64_t>(groups[i].data() - input.data());
      spans[i].end = spans[i].start + static_cast<int64_t>(groups[i].size());
    }
  }
  return 1;
}

extern "C" int cre2_check_rewrite(const cre2_regexp *re, const char *rewrite,
                                  size_t rewrite_len, char **error_out) {
  if (error_out != nullptr) *error_out = nullptr;
  std::string error;
  if (re->re->CheckRewriteString(piece(rewrite, rewrite_len), &error)) return 1;
  if (error_out != nullptr) *error_out = copy_string(error);
  return 0;
}

extern "C" char *cre2_global_replace(const cre2_regexp *re, const char *text,
                                     size_t text_len, const char *rewrite,
                                     size_t rewrite_len, size_t *out_len,
                                     int *count) {
  std::string s(text == nullptr ? "" : text, text_len);
  int n = re2::RE2::GlobalReplace(&s, *re->re, piece(rewrite, rewrite_len));
  if (count != nullptr) *count = n;
  if (out_len != nullptr) *out_len = s.size();
  return copy_string(s);
}
