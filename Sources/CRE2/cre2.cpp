#include "cre2.h"
extern "C" int terrace_re2_placeholder(void) { return 0; }
