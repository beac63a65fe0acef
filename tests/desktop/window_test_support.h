#pragma once

// What the suites that drive the app's real windows share: synchronous calls to set up what a
// test needs, modal dialogs answered from a timer, and the app's main window on a temporary
// directory. Screenshots and the dark palette are those of every widget suite.
#include "client.h"
#include "main_window.h"
#include "widget_test_support.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <functional>
#include <memory>

namespace window_test {

// A synchronous call to a server: `path` is under the project's feature_flags/ unless it starts
// with "/", when it is taken from the host's root.
inline QJsonObject call(const bunting::api::Endpoint &endpoint, const QByteArray &method,
                        const QString &path, const QJsonObject &body = {})
{
    static QNetworkAccessManager network;
    QUrl url = endpoint.host;
    const qsizetype question = path.indexOf(u'?');
    const QString route = path.left(question);
    url.setPath(
        route.startsWith(u'/')
            ? route
            : QStringLiteral("/api/projects/%1/feature_flags/%2").arg(endpoint.projectId, route));
    if (question >= 0)
        url.setQuery(path.mid(question + 1));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + endpoint.apiKey.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(
        request, method, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(20000);
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

// Runs `step` on the modal dialog the next action opens (exec() blocks the test otherwise).
template<typename Dialog> void whenModalOpens(std::function<void(Dialog *)> step)
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, step] {
        if (auto *dialog = qobject_cast<Dialog *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            step(dialog);
        }
    });
    timer->start();
}

// The app's main window on its own local database, settings and key file in `dir`, shown.
inline std::unique_ptr<bunting::desktop::MainWindow> makeMainWindow(const QTemporaryDir &dir,
                                                                    QSettings *settings)
{
    bunting::desktop::MainWindowSetup setup;
    setup.settings = settings;
    setup.localDatabasePath = dir.filePath(QStringLiteral("local.sqlite"));
    setup.keyDirectory = dir.filePath(QStringLiteral("keys"));
    setup.keyMode = bunting::api::SecretStore::Mode::FallbackOnly;
    auto window = std::make_unique<bunting::desktop::MainWindow>(setup);
    window->show();
    return window;
}

} // namespace window_test
