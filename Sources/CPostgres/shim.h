#ifndef TERRACE_CPOSTGRES_SHIM_H
#define TERRACE_CPOSTGRES_SHIM_H
#include <libpq-fe.h>
#endif
