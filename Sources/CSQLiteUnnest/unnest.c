/*
 * bq_unnest(json, 'key1,key2,...'): json_each over a JSON array with the named members of each
 * element already extracted (see terrace_unnest.h). Values follow SQLite 3's json_each and
 * json_extract exactly: strings unescaped, integers as INTEGER (beyond int64 as REAL), other
 * numbers as REAL, true/false as 1/0, null as NULL, objects and arrays as minified JSON text
 * with the JSON subtype.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "terrace_unnest.h"

#define JSON_SUBTYPE 74 /* 'J', as SQLite's JSON functions mark JSON text */
#define MAX_DEPTH 2000  /* SQLite's JSON nesting limit */

enum { COLUMN_KEY = 0, COLUMN_VALUE = 1, COLUMN_FIRST_FIELD = 2 };
#define COLUMN_JSON (COLUMN_FIRST_FIELD + TERRACE_UNNEST_MAX_FIELDS)
#define COLUMN_FIELDS (COLUMN_JSON + 1)

typedef struct {
    const char *start; /* NULL: no such member */
    int length;
} Span;

typedef struct {
    sqlite3_vtab_cursor base;
    char *text;          /* the array's JSON text, owned */
    int textLength;
    int textCapacity;
    const char *position; /* just after the current element */
    int eof;
    sqlite3_int64 index;  /* the current element's index */
    Span element;
    char *spec;           /* the keys as given, owned */
    int fieldCount;
    const char *keys[TERRACE_UNNEST_MAX_FIELDS];
    int keyLengths[TERRACE_UNNEST_MAX_FIELDS];
    char *keyStorage;
    Span fields[TERRACE_UNNEST_MAX_FIELDS];
    int scalarTopLevel;   /* the JSON was not an array: one row, key NULL */
} Cursor;

/* ---- JSON scanning ---- */

static const char *skipSpace(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static int isDigit(char c) { return c >= '0' && c <= '9'; }

static int isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* The end of the string starting at the quote `p`, or NULL when malformed. */
static const char *skipString(const char *p, const char *end) {
    p++;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') return p + 1;
        if (c < 0x20) return NULL;
        if (c == '\\') {
            if (p + 1 >= end) return NULL;
            char e = p[1];
            if (e == 'u') {
                if (p + 5 >= end || !isHex(p[2]) || !isHex(p[3]) || !isHex(p[4]) || !isHex(p[5])) return NULL;
                p += 6;
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return NULL;
            p += 2;
            continue;
        }
        p++;
    }
    return NULL;
}

static const char *skipNumber(const char *p, const char *end) {
    if (p < end && *p == '-') p++;
    if (p >= end || !isDigit(*p)) return NULL;
    if (*p == '0' && p + 1 < end && isDigit(p[1])) return NULL;
    while (p < end && isDigit(*p)) p++;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !isDigit(*p)) return NULL;
        while (p < end && isDigit(*p)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || !isDigit(*p)) return NULL;
        while (p < end && isDigit(*p)) p++;
    }
    return p;
}

static const char *skipValue(const char *p, const char *end, int depth);

static const char *skipContainer(const char *p, const char *end, int depth, char close, int members) {
    if (depth > MAX_DEPTH) return NULL;
    p = skipSpace(p + 1, end);
    if (p < end && *p == close) return p + 1;
    while (p < end) {
        if (members) {
            if (*p != '"') return NULL;
            p = skipString(p, end);
            if (p == NULL) return NULL;
            p = skipSpace(p, end);
            if (p >= end || *p != ':') return NULL;
            p = skipSpace(p + 1, end);
        }
        p = skipValue(p, end, depth + 1);
        if (p == NULL) return NULL;
        p = skipSpace(p, end);
        if (p >= end) return NULL;
        if (*p == close) return p + 1;
        if (*p != ',') return NULL;
        p = skipSpace(p + 1, end);
    }
    return NULL;
}

/* The end of the value starting at `p` (no leading space), or NULL when malformed. */
static const char *skipValue(const char *p, const char *end, int depth) {
    if (p >= end) return NULL;
    switch (*p) {
    case '"': return skipString(p, end);
    case '{': return skipContainer(p, end, depth, '}', 1);
    case '[': return skipContainer(p, end, depth, ']', 0);
    case 't': return (end - p >= 4 && memcmp(p, "true", 4) == 0) ? p + 4 : NULL;
    case 'f': return (end - p >= 5 && memcmp(p, "false", 5) == 0) ? p + 5 : NULL;
    case 'n': return (end - p >= 4 && memcmp(p, "null", 4) == 0) ? p + 4 : NULL;
    default: return skipNumber(p, end);
    }
}

/* ---- values as SQLite's JSON functions return them ---- */

static int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

static unsigned readHex4(const char *p) {
    return (unsigned)(hexValue(p[0]) << 12 | hexValue(p[1]) << 8 | hexValue(p[2]) << 4 | hexValue(p[3]));
}

/* A string token (quotes included) as unescaped UTF-8 text. */
static void resultString(sqlite3_context *context, const char *start, int length) {
    const char *p = start + 1, *end = start + length - 1;
    if (memchr(p, '\\', (size_t)(end - p)) == NULL) {
        sqlite3_result_text(context, p, (int)(end - p), SQLITE_TRANSIENT);
        return;
    }
    char *out = sqlite3_malloc(length + 1);
    if (out == NULL) {
        sqlite3_result_error_nomem(context);
        return;
    }
    int n = 0;
    while (p < end) {
        char c = *p;
        if (c != '\\') {
            out[n++] = c;
            p++;
            continue;
        }
        char e = p[1];
        p += 2;
        switch (e) {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned v = readHex4(p);
            p += 4;
            if (v == 0) { /* as SQLite 3: the text ends at a \u0000 */
                p = end;
                break;
            }
            if ((v & 0xfc00) == 0xd800 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                unsigned low = readHex4(p + 2);
                if ((low & 0xfc00) == 0xdc00) {
                    v = ((v & 0x3ff) << 10) + (low & 0x3ff) + 0x10000;
                    p += 6;
                }
            }
            if (v <= 0x7f) {
                out[n++] = (char)v;
            } else if (v <= 0x7ff) {
                out[n++] = (char)(0xc0 | (v >> 6));
                out[n++] = (char)(0x80 | (v & 0x3f));
            } else if (v <= 0xffff) {
                out[n++] = (char)(0xe0 | (v >> 12));
                out[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
                out[n++] = (char)(0x80 | (v & 0x3f));
            } else {
                out[n++] = (char)(0xf0 | (v >> 18));
                out[n++] = (char)(0x80 | ((v >> 12) & 0x3f));
                out[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
                out[n++] = (char)(0x80 | (v & 0x3f));
            }
            break;
        }
        default: out[n++] = e; break; /* \" \\ \/ */
        }
    }
    sqlite3_result_text(context, out, n, sqlite3_free);
}

/* A number token: INTEGER when it has no fraction or exponent and fits, else REAL. */
static void resultNumber(sqlite3_context *context, const char *start, int length) {
    int integral = 1;
    for (int i = 0; i < length; i++) {
        if (start[i] == '.' || start[i] == 'e' || start[i] == 'E') {
            integral = 0;
            break;
        }
    }
    if (integral) {
        const char *z = start, *end = start + length;
        int negative = *z == '-';
        if (negative) z++;
        sqlite3_int64 i = 0;
        const sqlite3_int64 largest = (sqlite3_int64)(((sqlite3_uint64)1 << 63) - 1);
        int asReal = 0;
        while (z < end && isDigit(*z)) {
            unsigned v = (unsigned)(*(z++) - '0');
            if (i >= largest / 10) {
                if (i > largest / 10 || (z < end && isDigit(*z)) || v == 9) {
                    asReal = 1;
                    break;
                }
                if (v == 8) {
                    if (negative) {
                        sqlite3_result_int64(context, (sqlite3_int64)((sqlite3_uint64)1 << 63));
                        return;
                    }
                    asReal = 1;
                    break;
                }
            }
            i = i * 10 + v;
        }
        if (!asReal) {
            sqlite3_result_int64(context, negative ? -i : i);
            return;
        }
    }
    char buffer[64];
    char *text = length < (int)sizeof(buffer) ? buffer : sqlite3_malloc(length + 1);
    if (text == NULL) {
        sqlite3_result_error_nomem(context);
        return;
    }
    memcpy(text, start, (size_t)length);
    text[length] = 0;
    sqlite3_result_double(context, strtod(text, NULL));
    if (text != buffer) sqlite3_free(text);
}

/* An object or array token as minified JSON text (strings and numbers as written). */
static void resultJSON(sqlite3_context *context, const char *start, int length) {
    char *out = sqlite3_malloc(length + 1);
    if (out == NULL) {
        sqlite3_result_error_nomem(context);
        return;
    }
    int n = 0;
    const char *p = start, *end = start + length;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            const char *close = skipString(p, end);
            memcpy(out + n, p, (size_t)(close - p));
            n += (int)(close - p);
            p = close;
        } else {
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out[n++] = c;
            p++;
        }
    }
    sqlite3_result_text(context, out, n, sqlite3_free);
    sqlite3_result_subtype(context, JSON_SUBTYPE);
}

static void resultValue(sqlite3_context *context, Span span) {
    if (span.start == NULL) return; /* NULL */
    switch (span.start[0]) {
    case '"': resultString(context, span.start, span.length); break;
    case '{':
    case '[': resultJSON(context, span.start, span.length); break;
    case 't': sqlite3_result_int(context, 1); break;
    case 'f': sqlite3_result_int(context, 0); break;
    case 'n': break;
    default: resultNumber(context, span.start, span.length); break;
    }
}

/* ---- the cursor ---- */

/* Records the members of the element at `cursor->element` that the keys name (first wins). */
static void findFields(Cursor *cursor) {
    for (int i = 0; i < cursor->fieldCount; i++) cursor->fields[i].start = NULL;
    const char *p = cursor->element.start, *end = p + cursor->element.length;
    if (p[0] != '{') return;
    p = skipSpace(p + 1, end);
    int found = 0;
    while (p < end && *p == '"') {
        const char *keyEnd = skipString(p, end);
        const char *key = p + 1;
        int keyLength = (int)(keyEnd - p) - 2;
        p = skipSpace(skipSpace(keyEnd, end) + 1, end); /* past the colon */
        const char *valueEnd = skipValue(p, end, 1);
        for (int i = 0; i < cursor->fieldCount; i++) {
            if (cursor->fields[i].start == NULL && cursor->keyLengths[i] == keyLength
                && memcmp(cursor->keys[i], key, (size_t)keyLength) == 0) {
                cursor->fields[i].start = p;
                cursor->fields[i].length = (int)(valueEnd - p);
                found++;
            }
        }
        if (found == cursor->fieldCount) return;
        p = skipSpace(valueEnd, end);
        if (p < end && *p == ',') p = skipSpace(p + 1, end);
    }
}

/* Moves to the element starting at `p` (after any space); sets eof at the closing bracket. */
static int readElement(Cursor *cursor, const char *p) {
    const char *end = cursor->text + cursor->textLength;
    p = skipSpace(p, end);
    if (p < end && *p == ']') {
        cursor->eof = 1;
        return SQLITE_OK;
    }
    const char *valueEnd = skipValue(p, end, 1);
    if (valueEnd == NULL) return SQLITE_ERROR;
    cursor->element.start = p;
    cursor->element.length = (int)(valueEnd - p);
    findFields(cursor);
    p = skipSpace(valueEnd, end);
    if (p >= end) return SQLITE_ERROR;
    if (*p == ',') {
        const char *next = skipSpace(p + 1, end);
        if (next >= end || *next == ']') return SQLITE_ERROR;
        cursor->position = next;
    } else if (*p == ']') {
        cursor->position = p;
    } else {
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

static int parseSpec(Cursor *cursor, const char *spec) {
    if (cursor->spec != NULL && strcmp(cursor->spec, spec) == 0) return SQLITE_OK;
    sqlite3_free(cursor->spec);
    sqlite3_free(cursor->keyStorage);
    cursor->spec = sqlite3_mprintf("%s", spec);
    cursor->keyStorage = sqlite3_mprintf("%s", spec);
    if (cursor->spec == NULL || cursor->keyStorage == NULL) return SQLITE_NOMEM;
    cursor->fieldCount = 0;
    char *p = cursor->keyStorage;
    while (*p) {
        if (cursor->fieldCount == TERRACE_UNNEST_MAX_FIELDS) return SQLITE_ERROR;
        char *comma = strchr(p, ',');
        int length = comma ? (int)(comma - p) : (int)strlen(p);
        cursor->keys[cursor->fieldCount] = p;
        cursor->keyLengths[cursor->fieldCount] = length;
        cursor->fieldCount++;
        if (!comma) break;
        p = comma + 1;
    }
    return SQLITE_OK;
}

/* ---- the virtual table ---- */

static int unnestConnect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **table, char **error) {
    (void)aux; (void)argc; (void)argv; (void)error;
    char schema[1024] = "CREATE TABLE x(key,value";
    size_t n = strlen(schema);
    for (int i = 0; i < TERRACE_UNNEST_MAX_FIELDS; i++) n += (size_t)snprintf(schema + n, sizeof(schema) - n, ",f%d", i);
    snprintf(schema + n, sizeof(schema) - n, ",json HIDDEN,fields HIDDEN)");
    int rc = sqlite3_declare_vtab(db, schema);
    if (rc != SQLITE_OK) return rc;
    sqlite3_vtab *vtab = sqlite3_malloc(sizeof(sqlite3_vtab));
    if (vtab == NULL) return SQLITE_NOMEM;
    memset(vtab, 0, sizeof(*vtab));
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    *table = vtab;
    return SQLITE_OK;
}

static int unnestDisconnect(sqlite3_vtab *table) {
    sqlite3_free(table);
    return SQLITE_OK;
}

/* Both hidden arguments must be given by equality (they are the function's arguments). */
static int unnestBestIndex(sqlite3_vtab *table, sqlite3_index_info *info) {
    (void)table;
    int json = -1, fields = -1;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (c->iColumn == COLUMN_JSON) {
            if (!c->usable) return SQLITE_CONSTRAINT;
            json = i;
        } else if (c->iColumn == COLUMN_FIELDS) {
            if (!c->usable) return SQLITE_CONSTRAINT;
            fields = i;
        }
    }
    if (json < 0 || fields < 0) return SQLITE_CONSTRAINT;
    info->aConstraintUsage[json].argvIndex = 1;
    info->aConstraintUsage[json].omit = 1;
    info->aConstraintUsage[fields].argvIndex = 2;
    info->aConstraintUsage[fields].omit = 1;
    info->estimatedCost = 1.0;
    info->estimatedRows = 25;
    return SQLITE_OK;
}

static int unnestOpen(sqlite3_vtab *table, sqlite3_vtab_cursor **result) {
    (void)table;
    Cursor *cursor = sqlite3_malloc(sizeof(Cursor));
    if (cursor == NULL) return SQLITE_NOMEM;
    memset(cursor, 0, sizeof(*cursor));
    cursor->eof = 1;
    *result = &cursor->base;
    return SQLITE_OK;
}

static int unnestClose(sqlite3_vtab_cursor *base) {
    Cursor *cursor = (Cursor *)base;
    sqlite3_free(cursor->text);
    sqlite3_free(cursor->spec);
    sqlite3_free(cursor->keyStorage);
    sqlite3_free(cursor);
    return SQLITE_OK;
}

static int fail(Cursor *cursor, const char *message) {
    sqlite3_free(cursor->base.pVtab->zErrMsg);
    cursor->base.pVtab->zErrMsg = sqlite3_mprintf("%s", message);
    cursor->eof = 1;
    return SQLITE_ERROR;
}

static int unnestFilter(sqlite3_vtab_cursor *base, int idxNum, const char *idxStr, int argc, sqlite3_value **argv) {
    (void)idxNum; (void)idxStr;
    Cursor *cursor = (Cursor *)base;
    cursor->eof = 1;
    cursor->index = 0;
    cursor->scalarTopLevel = 0;
    if (argc != 2) return fail(cursor, "bq_unnest needs a JSON array and its keys");
    const char *spec = (const char *)sqlite3_value_text(argv[1]);
    int rc = parseSpec(cursor, spec ? spec : "");
    if (rc == SQLITE_NOMEM) return rc;
    if (rc != SQLITE_OK) return fail(cursor, "bq_unnest: too many keys");
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return SQLITE_OK;
    const char *json = (const char *)sqlite3_value_text(argv[0]);
    int length = sqlite3_value_bytes(argv[0]);
    if (json == NULL) return SQLITE_NOMEM;
    if (length + 1 > cursor->textCapacity) {
        char *grown = sqlite3_realloc(cursor->text, length + 1);
        if (grown == NULL) return SQLITE_NOMEM;
        cursor->text = grown;
        cursor->textCapacity = length + 1;
    }
    memcpy(cursor->text, json, (size_t)length);
    cursor->text[length] = 0;
    cursor->textLength = length;

    const char *end = cursor->text + length;
    const char *p = skipSpace(cursor->text, end);
    /* The whole text must be one JSON value. */
    const char *valueEnd = skipValue(p, end, 0);
    if (valueEnd == NULL || skipSpace(valueEnd, end) != end) return fail(cursor, "malformed JSON");
    cursor->eof = 0;
    if (*p != '[') {
        /* json_each of a scalar: one row, its key NULL. */
        cursor->scalarTopLevel = 1;
        cursor->element.start = p;
        cursor->element.length = (int)(valueEnd - p);
        cursor->position = valueEnd;
        findFields(cursor);
        return SQLITE_OK;
    }
    if (readElement(cursor, p + 1) != SQLITE_OK) return fail(cursor, "malformed JSON");
    return SQLITE_OK;
}

static int unnestNext(sqlite3_vtab_cursor *base) {
    Cursor *cursor = (Cursor *)base;
    if (cursor->scalarTopLevel) {
        cursor->eof = 1;
        return SQLITE_OK;
    }
    cursor->index++;
    if (readElement(cursor, cursor->position) != SQLITE_OK) return fail(cursor, "malformed JSON");
    return SQLITE_OK;
}

static int unnestEof(sqlite3_vtab_cursor *base) { return ((Cursor *)base)->eof; }

static int unnestColumn(sqlite3_vtab_cursor *base, sqlite3_context *context, int column) {
    Cursor *cursor = (Cursor *)base;
    if (column == COLUMN_KEY) {
        if (!cursor->scalarTopLevel) sqlite3_result_int64(context, cursor->index);
    } else if (column == COLUMN_VALUE) {
        resultValue(context, cursor->element);
    } else if (column >= COLUMN_FIRST_FIELD && column < COLUMN_FIRST_FIELD + cursor->fieldCount) {
        resultValue(context, cursor->fields[column - COLUMN_FIRST_FIELD]);
    }
    return SQLITE_OK;
}

static int unnestRowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid) {
    *rowid = ((Cursor *)base)->index;
    return SQLITE_OK;
}

static sqlite3_module unnestModule = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: used as a table-valued function */
    .xConnect = unnestConnect,
    .xBestIndex = unnestBestIndex,
    .xDisconnect = unnestDisconnect,
    .xDestroy = NULL,
    .xOpen = unnestOpen,
    .xClose = unnestClose,
    .xFilter = unnestFilter,
    .xNext = unnestNext,
    .xEof = unnestEof,
    .xColumn = unnestColumn,
    .xRowid = unnestRowid,
};

int terrace_register_unnest(sqlite3 *db) {
    return sqlite3_create_module(db, "bq_unnest", &unnestModule, NULL);
}
