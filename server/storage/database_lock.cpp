#include "storage/database_lock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

QString inUseMessage(const QString &path, qint64 pid, const QString &program)
{
    const QString holder = program.isEmpty() ? u"bunting-server"_s : program;
    return pid > 0
               ? u"%1 is already being served by another %2 (pid %3)"_s.arg(path, holder).arg(pid)
               : u"%1 is already being served by another %2"_s.arg(path, holder);
}

QByteArray readAll(int fd)
{
    QByteArray content;
    char buffer[256];
    for (off_t at = 0;;) {
        const ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
        if (n <= 0)
            return content;
        content.append(buffer, n);
        at += n;
    }
}

// "<pid> <program>\n" as the holder wrote it; the holder writes it just after taking the lock,
// so a claim that comes in between reads it empty and looks again for a moment.
std::pair<qint64, QString> holderOf(int fd)
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        const QByteArray content = readAll(fd).trimmed();
        const qsizetype space = content.indexOf(' ');
        bool ok = false;
        const qint64 pid = content.left(space < 0 ? content.size() : space).toLongLong(&ok);
        if (ok && pid > 0)
            return {pid, space < 0 ? QString() : QString::fromUtf8(content.mid(space + 1))};
        QThread::msleep(10);
    }
    return {0, QString()};
}

} // namespace

DatabaseInUse::DatabaseInUse(const QString &path, qint64 pid, const QString &program)
    : DatabaseError(inUseMessage(path, pid, program).toStdString()), path(path), pid(pid),
      program(program)
{
}

QString DatabaseLock::lockPathFor(const QString &sqlitePath)
{
    const QFileInfo file(sqlitePath);
    QString resolved = file.canonicalFilePath();
    if (resolved.isEmpty()) { // not created yet: its folder may still have another name
        const QString dir = file.absoluteDir().canonicalPath();
        resolved = dir.isEmpty() ? file.absoluteFilePath() : QDir(dir).filePath(file.fileName());
    }
    return resolved + u".lock"_s;
}

DatabaseLock::DatabaseLock(const QString &sqlitePath)
{
    // A folder is no database, and Database::open() says so; its lock would be a stray file
    // beside it.
    if (QFileInfo(sqlitePath).isDir())
        return;
    const QString lockPath = lockPathFor(sqlitePath);
    // O_CLOEXEC: a process this one starts must not inherit the claim and outlive it.
    m_fd = ::open(QFile::encodeName(lockPath).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        const int error = errno;
        throw DatabaseError(
            u"cannot open the database sqlite:%1: cannot create its lock file "
            "%2: %3"_s.arg(sqlitePath, lockPath, QString::fromLocal8Bit(std::strerror(error)))
                .toStdString());
    }
    int locked = 0;
    do {
        locked = ::flock(m_fd, LOCK_EX | LOCK_NB);
    } while (locked != 0 && errno == EINTR);
    if (locked != 0) {
        const int error = errno;
        if (error == EWOULDBLOCK) {
            const auto [pid, program] = holderOf(m_fd);
            ::close(m_fd);
            m_fd = -1;
            throw DatabaseInUse(sqlitePath, pid, program);
        }
        ::close(m_fd);
        m_fd = -1;
        throw DatabaseError(
            u"cannot open the database sqlite:%1: cannot lock %2: %3"_s
                .arg(sqlitePath, lockPath, QString::fromLocal8Bit(std::strerror(error)))
                .toStdString());
    }
    const QByteArray holder = QByteArray::number(qint64(::getpid())) + ' ' +
                              QCoreApplication::applicationName().toUtf8() + '\n';
    // Whatever a previous holder left is replaced. A failure costs only the pid in another
    // process's refusal, not the claim.
    [[maybe_unused]] const bool written =
        ::ftruncate(m_fd, 0) == 0 &&
        ::pwrite(m_fd, holder.constData(), size_t(holder.size()), 0) == ssize_t(holder.size());
}

DatabaseLock::~DatabaseLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

} // namespace bunting::server
