#include "storage/peer_listener.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSemaphore>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPeers, "bunting.server.peers")

namespace bunting::server {

class PeerListener::Thread : public QThread
{
public:
    Thread(PeerListener &owner, const QList<qint64> &projectIds) : m_owner(owner)
    {
        for (const qint64 projectId : projectIds)
            m_channels.insert(Database::peerChannel(projectId), projectId);
    }

    QSemaphore started;

protected:
    void run() override
    {
        QTimer timer;
        // How soon a lost connection is noticed, and so how long a change may go unheard.
        timer.setInterval(1000);
        QObject::connect(&timer, &QTimer::timeout, [this] { check(); });
        check();
        started.release();
        timer.start();
        exec();
        disconnect();
        m_owner.m_db.closeThreadConnection();
    }

private:
    void check()
    {
        if (!m_listening.isOpen()) {
            listen();
        } else {
            bool alive = false;
            {
                QSqlQuery ping(m_listening);
                alive = ping.exec(u"SELECT 1"_s);
            }
            if (!alive) {
                qCWarning(lcPeers) << "lost the connection that hears other servers' changes;"
                                   << "connecting again";
                disconnect();
                listen();
            } else {
                // A message that arrived while the ping ran sits in libpq's buffer, where the
                // driver's socket notifier will not see it: hand it over now.
                QMetaObject::invokeMethod(m_listening.driver(), "_q_handleNotification");
                listenToNewProjects();
            }
        }
        if (m_listening.isOpen() && m_resyncDue)
            resync();
    }

    void listen()
    {
        // A name of its own each time: a connection the server cut may linger in the driver.
        const QString name =
            u"bunting-peer-listener-%1-%2"_s.arg(quintptr(this), 0, 16).arg(++m_attempts);
        try {
            m_listening = QSqlDatabase::cloneDatabase(m_owner.m_db.connection(), name);
        } catch (const DatabaseError &error) {
            reportOnce(QString::fromUtf8(error.what()));
            return;
        }
        // Told apart from the server's other connections in pg_stat_activity.
        QStringList options = m_listening.connectOptions().split(u';', Qt::SkipEmptyParts);
        options.removeIf([](const QString &option) {
            return option.trimmed().startsWith("application_name="_L1);
        });
        options.append(u"application_name=bunting-peer-listener"_s);
        m_listening.setConnectOptions(options.join(u';'));
        if (!m_listening.open()) {
            reportOnce(m_listening.lastError().text());
            disconnect();
            return;
        }
        QSqlDriver *driver = m_listening.driver();
        for (auto channel = m_channels.cbegin(); channel != m_channels.cend(); ++channel) {
            if (!driver->subscribeToNotification(channel.key())) {
                reportOnce(driver->lastError().text());
                disconnect();
                return;
            }
        }
        QObject::connect(driver, &QSqlDriver::notification, driver,
                         [this](const QString &channel, QSqlDriver::NotificationSource,
                                const QVariant &payload) { hear(channel, payload); });
        m_reported = false;
        m_owner.m_connected = true;
        if (m_everListened) {
            ++m_owner.m_reconnects;
            m_resyncDue = true;
            qCInfo(lcPeers) << "hearing other servers' changes again; reading every project anew";
        }
        m_everListened = true;
    }

    // A project another process created since: its channel joins the others. What was said
    // on it before is read again, in case this server already answered for that project.
    void listenToNewProjects()
    {
        QSqlQuery projects(m_listening);
        if (!projects.exec(u"SELECT id FROM projects"_s))
            return; // the next ping finds out whether the connection is gone
        bool added = false;
        while (projects.next()) {
            const qint64 projectId = projects.value(0).toLongLong();
            const QString channel = Database::peerChannel(projectId);
            if (m_channels.contains(channel))
                continue;
            if (!m_listening.driver()->subscribeToNotification(channel))
                return;
            m_channels.insert(channel, projectId);
            added = true;
        }
        if (added)
            m_resyncDue = true;
    }

    void disconnect()
    {
        m_owner.m_connected = false;
        if (!m_listening.isValid())
            return;
        const QString name = m_listening.connectionName();
        m_listening.close();
        m_listening = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }

    void hear(const QString &channel, const QVariant &payload)
    {
        const auto project = m_channels.constFind(channel);
        if (project == m_channels.cend())
            return;
        const QByteArray text = payload.toString().toUtf8();
        const qsizetype space = text.indexOf(' ');
        if (space < 0 || text.first(space) == m_owner.m_db.peerTag())
            return;
        ++m_owner.m_received;
        try {
            m_owner.m_handlers.message(project.value(), text.mid(space + 1));
        } catch (const std::exception &error) {
            // Read again in full once the database answers.
            qCWarning(lcPeers) << "a change from another server was not applied:" << error.what();
            m_resyncDue = true;
        }
    }

    void resync()
    {
        m_resyncDue = false;
        try {
            m_owner.m_handlers.resync();
        } catch (const std::exception &error) {
            qCWarning(lcPeers) << "reading the projects anew failed, trying again:" << error.what();
            m_resyncDue = true;
        }
    }

    void reportOnce(const QString &why)
    {
        if (std::exchange(m_reported, true))
            return;
        qCWarning(lcPeers).noquote() << "cannot hear other servers' changes, trying again each "
                                        "second:"
                                     << why;
    }

    PeerListener &m_owner;
    QHash<QString, qint64> m_channels;
    QSqlDatabase m_listening;
    bool m_everListened = false;
    bool m_resyncDue = false;
    bool m_reported = false;
    quint64 m_attempts = 0;
};

PeerListener::PeerListener(const Database &db, Handlers handlers)
    : m_db(db), m_handlers(std::move(handlers))
{
}

PeerListener::~PeerListener()
{
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
}

void PeerListener::start(const QList<qint64> &projectIds)
{
    m_thread = std::make_unique<Thread>(*this, projectIds);
    m_thread->setObjectName(u"peer listener"_s);
    m_thread->start();
    m_thread->started.acquire();
}

} // namespace bunting::server
