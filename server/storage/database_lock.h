#pragma once

#include "storage/database.h"

#include <QString>

namespace bunting::server {

// Refused: another process serves this SQLite file. Two servers on one file fight over SQLite's
// write lock ("database is locked") and race each other's checks (a key's uniqueness), so a
// server claims the file for itself.
class DatabaseInUse : public DatabaseError
{
public:
    DatabaseInUse(const QString &path, qint64 pid, const QString &program);

    QString path;
    qint64 pid = 0;  // 0 when the holder has not yet written its pid
    QString program; // the holder's application name, such as bunting-server
};

// The claim of one serving process on a SQLite file: an exclusive flock() on "<file>.lock" beside
// it, held for this object's life. Not fcntl() on the database itself: POSIX record locks belong
// to the process and all vanish when any descriptor of the file closes, which SQLite does as
// connections come and go, and SQLite keeps its own record locks on that file, which ours must
// not touch. A flock() belongs to its open file, so a second claim in the same process fails too,
// and the kernel drops it when the process ends, however it ends (kill -9 included). The lock
// file holds the holder's pid and name, for the refusal's message; it is left in place, because
// removing it would let two processes hold locks on two different files of one name.
class DatabaseLock
{
public:
    // Throws DatabaseInUse when another holds the file, DatabaseError when the lock file cannot
    // be created.
    explicit DatabaseLock(const QString &sqlitePath);
    ~DatabaseLock();
    DatabaseLock(const DatabaseLock &) = delete;
    DatabaseLock &operator=(const DatabaseLock &) = delete;

    // Where the lock of `sqlitePath` lives: next to the file that path resolves to, so two names
    // of one database (a symbolic link, a relative path) share one lock.
    static QString lockPathFor(const QString &sqlitePath);

private:
    int m_fd = -1;
};

} // namespace bunting::server
