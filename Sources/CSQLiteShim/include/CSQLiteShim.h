#ifndef CSQLITESHIM_H
#define CSQLITESHIM_H

// SQLite's C API for the History module, plus the one thing Swift cannot express:
// SQLITE_TRANSIENT is a macro casting -1 to a destructor pointer.

#include <sqlite3.h>

/// sqlite3_bind_text64 (UTF-8) with SQLITE_TRANSIENT: SQLite copies the bytes before
/// returning; a length past its limit is SQLITE_TOOBIG, never a truncated count.
int ccs_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, sqlite3_uint64 length);
/// sqlite3_bind_blob64 with SQLITE_TRANSIENT.
int ccs_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, sqlite3_uint64 length);

#endif
