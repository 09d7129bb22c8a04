#ifndef TERRACE_UNNEST_H
#define TERRACE_UNNEST_H

#include <sqlite3.h>

/*
 * Registers the table-valued function bq_unnest(json, 'key1,key2,...') on `db`.
 *
 * It walks a JSON array as json_each(json) does (columns `key`, the element's index, and
 * `value`, the element as json_each gives it) and also gives, in columns f0, f1, ..., the
 * members `key1`, `key2`, ... of each element, each as json_extract(value, '$."keyN"') would
 * (SQL types, JSON text of objects and arrays with the JSON subtype, NULL when missing).
 * The array is scanned once per call and each element once, instead of every json_extract
 * parsing the element again. Keys are [A-Za-z0-9_]+, at most TERRACE_UNNEST_MAX_FIELDS.
 * A NULL json gives no rows; malformed JSON fails the statement with "malformed JSON".
 *
 * Returns an SQLite result code.
 */
#define TERRACE_UNNEST_MAX_FIELDS 64
int terrace_register_unnest(sqlite3 *db);

#endif
