#ifndef TERRACE_CSQLITE_SHIM_H
#define TERRACE_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift cannot import. */
static inline int terrace_sqlite3_bind_text(sqlite3_stmt *s, int i, const char *v, int n) {
    return sqlite3_bind_text(s, i, v, n, SQLITE_TRANSIENT);
}
static inline int terrace_sqlite3_bind_blob(sqlite3_stmt *s, int i, const void *v, int n) {
    return sqlite3_bind_blob(s, i, v, n, SQLITE_TRANSIENT);
}
static inline void terrace_sqlite3_result_text(sqlite3_context *c, const char *v, int n) {
    sqlite3_result_text(c, v, n, SQLITE_TRANSIENT);
}
static inline void terrace_sqlite3_result_blob(sqlite3_context *c, const void *v, int n) {
    sqlite3_result_blob(c, v, n, SQLITE_TRANSIENT);
}
/* sqlite3_config is variadic, which Swift cannot call. Memory statistics take a global mutex
   on every allocation; nothing here reads them. Must run before SQLite initialises. */
static inline int terrace_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
