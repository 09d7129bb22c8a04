#ifndef TERRACE_CZLIB_SHIM_H
#define TERRACE_CZLIB_SHIM_H
#include <zlib.h>
/* deflateInit2/inflateInit2 are macros over the versioned functions. */
static inline int terrace_deflate_init_gzip(z_streamp s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int terrace_inflate_init_gzip(z_streamp s) { return inflateInit2(s, 15 + 32); }
#endif
