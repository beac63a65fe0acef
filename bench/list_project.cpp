#include "list_project.h"

#include "local_server.h"
#include "storage/flag_repository.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTextStream>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::bench {

QJsonObject flagJson(int i)
{
    static const QStringList words{u"checkout"_s, u"search"_s, u"billing"_s, u"onboarding"_s,
                                   u"pricing"_s,  u"export"_s, u"mobile"_s,  u"dashboard"_s};
    const QString word = words.at(i % words.size());
    QJsonArray groups{
        QJsonObject{{u"properties"_s, QJsonArray()}, {u"rollout_percentage"_s, (i * 7) % 101}}};
    if (i % 3 == 0)
        groups.prepend(
            QJsonObject{{u"properties"_s, QJsonArray{QJsonObject{{u"key"_s, u"email"_s},
                                                                 {u"type"_s, u"person"_s},
                                                                 {u"operator"_s, u"icontains"_s},
                                                                 {u"value"_s, u"@example.com"_s}}}},
                        {u"rollout_percentage"_s, 100}});
    QJsonObject filters{{u"groups"_s, groups}};
    if (i % 5 == 0)
        filters.insert(
            u"multivariate"_s,
            QJsonObject{
                {u"variants"_s,
                 QJsonArray{QJsonObject{{u"key"_s, u"control"_s}, {u"rollout_percentage"_s, 50}},
                            QJsonObject{{u"key"_s, u"test"_s}, {u"rollout_percentage"_s, 50}}}}});
    return QJsonObject{{u"key"_s, u"%1-%2"_s.arg(word).arg(i, 6, 10, QChar(u'0'))},
                       {u"name"_s, u"%1 experiment number %2"_s.arg(word).arg(i)},
                       {u"filters"_s, filters},
                       {u"active"_s, i % 4 != 0},
                       {u"tags"_s, QJsonArray{word}},
                       {u"version"_s, 1}};
}

void seed(const QString &path, int count)
{
    server::LocalServer server(server::DatabaseLocation::parse(path));
    server.open();
    const qint64 project =
        server.database().scalar(u"SELECT MIN(id) FROM projects"_s)->toLongLong();
    const qint64 have = server.database()
                            .scalar(u"SELECT COUNT(*) FROM feature_flags WHERE deleted = 0"_s)
                            ->toLongLong();
    if (have >= count)
        return;
    QElapsedTimer timer;
    timer.start();
    server::FlagRepository flags(server.database());
    const qint64 user = server.auth().ownerUserId();
    const QString now = formatTimestamp(QDateTime::currentDateTimeUtc());
    for (int start = int(have); start < count; start += 5000) {
        server.database().transaction([&] {
            for (int i = start; i < std::min(count, start + 5000); ++i) {
                FeatureFlag flag = FeatureFlag::fromJson(flagJson(i));
                flag.createdAt = now;
                flag.updatedAt = now;
                flags.insert(project, flag, user);
            }
        });
    }
    QTextStream(stdout) << "seeded " << count - have << " flags in " << timer.elapsed() << " ms\n";
}

qint64 rssKiB(const char *field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Waits, serving events, until `done` or `timeoutMs`; returns the elapsed ms.
double waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return timer.nsecsElapsed() / 1e6;
}

QString preparedDatabase(const QString &dbPath, const QTemporaryDir &dir, int count)
{
    const QString db = dbPath.isEmpty() ? dir.filePath(u"bench.sqlite"_s) : dbPath;
    seed(db, count);
    QTextStream(stdout) << "flags: " << count
                        << "  RSS before the window: " << rssKiB("VmRSS:") / 1024 << " MiB\n";
    return db;
}

desktop::MainWindowSetup windowSetup(const QTemporaryDir &dir, const QString &db,
                                     QSettings &settings)
{
    desktop::MainWindowSetup setup;
    setup.settings = &settings;
    setup.localDatabasePath = db;
    setup.keyDirectory = dir.filePath(u"keys"_s);
    setup.keyMode = api::SecretStore::Mode::FallbackOnly;
    return setup;
}

} // namespace bunting::bench
