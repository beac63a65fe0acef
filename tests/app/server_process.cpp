#include "server_process.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>
#include <csignal>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

using namespace Qt::StringLiterals;

namespace server_process {

QJsonObject Reply::object() const
{
    return QJsonDocument::fromJson(body).object();
}

Reply request(const QByteArray &method, const QString &url, const QByteArray &body,
              const QString &key)
{
    static QNetworkAccessManager network;
    QNetworkRequest req{QUrl(url)};
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    if (!key.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    req.setTransferTimeout(20000);
    QNetworkReply *reply = network.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.retryAfter = reply->rawHeader("Retry-After");
    reply->deleteLater();
    return r;
}

Bootstrap parseBootstrap(const QString &out)
{
    static const QRegularExpression token(u"project token (phc_\\w+)"_s);
    static const QRegularExpression key(u"\\n  (phx_\\w+)"_s);
    return {token.match(out).captured(1), key.match(out).captured(1)};
}

ServerProcess::ServerProcess(const QString &home, const QStringList &arguments,
                             const QHash<QString, QString> &environment)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, home);
    env.insert(u"XDG_DATA_HOME"_s, home + u"/data"_s);
    env.remove(u"QT_LOGGING_RULES"_s);
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        env.insert(it.key(), it.value());
    m_process.setProcessEnvironment(env);
    m_process.setProgram(QStringLiteral(BUNTING_SERVER_EXECUTABLE));
    m_process.setArguments(arguments);
#ifdef Q_OS_LINUX
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
#endif
}

ServerProcess::~ServerProcess()
{
    stop();
}

void ServerProcess::start()
{
    m_base.clear();
    m_process.start();
}

void ServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(30000))
        m_process.kill();
}

bool ServerProcess::waitUntilReady(int timeoutMs)
{
    static const QRegularExpression listening(u"listening on (http://127\\.0\\.0\\.1:\\d+)"_s);
    QDeadlineTimer deadline(timeoutMs);
    while (m_base.isEmpty() && !deadline.hasExpired()) {
        if (!m_process.waitForReadyRead(100) && m_process.state() == QProcess::NotRunning)
            break;
        m_out += QString::fromUtf8(m_process.readAllStandardOutput());
        if (const auto match = listening.match(m_out); match.hasMatch())
            m_base = match.captured(1);
    }
    if (m_base.isEmpty()) {
        qWarning().noquote() << "bunting-server did not start:" << m_out
                             << m_process.readAllStandardError();
        return false;
    }
    while (!deadline.hasExpired()) {
        if (get(u"/_ready"_s).status == 200)
            return true;
        QTest::qWait(20);
    }
    return false;
}

QString ServerProcess::out()
{
    return m_out += QString::fromUtf8(m_process.readAllStandardOutput());
}

Reply ServerProcess::get(const QString &path, const QString &key)
{
    return request("GET", m_base + path, {}, key);
}

Reply ServerProcess::send(const QByteArray &method, const QString &path, const QJsonObject &body,
                          const QString &key)
{
    return request(method, m_base + path, QJsonDocument(body).toJson(QJsonDocument::Compact), key);
}

QJsonValue ServerProcess::flagFor(const QString &token, const QString &flagKey,
                                  const QString &distinctId)
{
    const Reply reply =
        request("POST", m_base + u"/flags?v=2"_s,
                QJsonDocument(QJsonObject{{u"token"_s, token}, {u"distinct_id"_s, distinctId}})
                    .toJson(QJsonDocument::Compact));
    if (reply.status != 200)
        return QJsonValue(u"status %1"_s.arg(reply.status));
    const QJsonValue flag = reply.object().value("flags"_L1).toObject().value(flagKey);
    return flag.isUndefined() ? QJsonValue() : flag.toObject().value("enabled"_L1);
}

double ServerProcess::metric(const QString &name)
{
    const QString text = QString::fromUtf8(get(u"/metrics"_s).body);
    const QRegularExpression line(u"^"_s + QRegularExpression::escape(name) + u" (\\S+)$"_s,
                                  QRegularExpression::MultilineOption);
    const auto match = line.match(text);
    return match.hasMatch() ? match.captured(1).toDouble() : -1;
}

} // namespace server_process
