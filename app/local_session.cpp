#include "local_session.h"

#include "local_server.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

Q_LOGGING_CATEGORY(lcSession, "bunting.app")

LocalSession::LocalSession(QString databasePath) : m_databasePath(std::move(databasePath))
{
}

LocalSession::~LocalSession()
{
    if (!m_thread.isRunning())
        return;
    onServerThread([this] {
        if (m_server && m_keyId != 0)
            m_server->auth().revokeKey(m_keyId);
        // The server's sockets and database connections belong to this thread.
        m_server.reset();
        delete m_threadContext;
    });
    m_thread.quit();
    m_thread.wait();
}

void LocalSession::onServerThread(const std::function<void()> &work)
{
    QMetaObject::invokeMethod(m_threadContext, work, Qt::BlockingQueuedConnection);
}

void LocalSession::post(std::function<void(server::LocalServer &)> work, QObject *context,
                        std::function<void()> done)
{
    QMetaObject::invokeMethod(
        m_threadContext,
        [this, work = std::move(work), target = QPointer<QObject>(context),
         done = std::move(done)] {
            work(*m_server);
            // Back on the main thread, where `target` lives and may be checked.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [target, done] {
                    if (target)
                        done();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

QString LocalSession::defaultDatabasePath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(u"bunting.sqlite"_s);
}

QString LocalSession::sessionKeyLabel()
{
    return u"Bunting desktop session"_s;
}

bool LocalSession::start(QString *error)
{
    if (!m_thread.isRunning()) {
        m_thread.setObjectName(u"bunting-local-server"_s);
        m_threadContext = new QObject;
        m_threadContext->moveToThread(&m_thread);
        m_thread.start();
    }
    bool started = false;
    onServerThread([&] { started = startOnServerThread(error); });
    return started;
}

bool LocalSession::startOnServerThread(QString *error)
{
    server::makePrivateDirectory(QFileInfo(m_databasePath).absolutePath());
    auto server =
        std::make_unique<server::LocalServer>(server::DatabaseLocation::parse(m_databasePath));
    try {
        server->open();
    } catch (const server::DatabaseInUse &e) {
        const QString holder = e.program.isEmpty() ? u"another bunting-server"_s : e.program;
        *error = u"The local database %1 is already being served by %2%3. Quit it, or start "
                 "Bunting with another database (--db FILE)."_s.arg(
                     QDir::toNativeSeparators(m_databasePath), holder,
                     e.pid > 0 ? u" (pid %1)"_s.arg(e.pid) : QString());
        return false;
    } catch (const server::DatabaseError &e) {
        *error = u"The local database %1 cannot be opened: %2"_s.arg(
            QDir::toNativeSeparators(m_databasePath), QString::fromUtf8(e.what()));
        return false;
    }

    server::AuthService &auth = server->auth();
    // A session that ended without revoking its key (a crash) left it behind; nobody else
    // knows its value, so it only ever gets in the way.
    for (const QJsonValue &key : auth.listKeys()) {
        const QJsonObject object = key.toObject();
        if (object.value("label"_L1).toString() == sessionKeyLabel() &&
            !object.value("revoked"_L1).toBool())
            auth.revokeKey(object.value("id"_L1).toInteger());
    }
    const std::optional<QVariant> project =
        server->database().scalar(u"SELECT MIN(id) FROM projects"_s);
    if (!project || project->isNull()) {
        *error = u"The local database %1 has no project."_s.arg(m_databasePath);
        return false;
    }
    const server::CreatedKey key = auth.createKey(auth.ownerUserId(), sessionKeyLabel(),
                                                  server::AuthService::knownScopes(), {});

    const quint16 port = server->listen(QHostAddress::LocalHost, 0);
    if (port == 0) {
        auth.revokeKey(key.id);
        *error = u"The local server found no free port on this computer."_s;
        return false;
    }
    m_server = std::move(server);
    m_keyId = key.id;
    m_endpoint = api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(port)),
                               QString::number(project->toLongLong()), key.value};
    qCInfo(lcSession) << "local server on port" << port << "over" << m_databasePath;
    return true;
}

} // namespace bunting::desktop
