#ifndef CSQLITESHIM_H
#define CSQLITESHIM_H

// SQLite's C API for the History module, plus the one thing Swift cannot express:
// SQLITE_TRANSIENT is a macro casting -1 to a destructor pointer.

#include <sqlite3.h>

/// sqlite3_bind_text with SQLITE_TRANSIENT: SQLite copies the bytes before returning.
int ccs_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int length);
/// sqlite3_bind_blob with SQLITE_TRANSIENT.
int ccs_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, int length);

#endif
