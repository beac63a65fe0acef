#pragma once

// What the suites that drive the app's real windows share: synchronous calls to set up what a
// test needs, modal dialogs answered from a timer, screenshots for a person to look at, and the
// dark palette they can be taken in.
#include "client.h"
#include "main_window.h"

#include <QApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPalette>
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

// With BUNTING_SCREENSHOTS=<dir>, the window as the test leaves it goes to <dir>/<name>.png, to
// be looked at by a person.
inline void saveScreenshot(QWidget *window, const QString &name)
{
    const QString dir = qEnvironmentVariable("BUNTING_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QCoreApplication::processEvents();
    window->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

// BUNTING_SCREENSHOTS_DARK=1: how the windows look when the system palette is dark.
inline void useDarkPaletteWhenAsked()
{
    if (!qEnvironmentVariableIsSet("BUNTING_SCREENSHOTS_DARK"))
        return;
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Highlight, QColor(0x2a, 0x7f, 0xd4));
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x70));
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x70));
    QApplication::setStyle(QStringLiteral("Fusion"));
    QApplication::setPalette(dark);
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

// A condition set for everyone in `percentage`, with these property filters.
inline QJsonObject condition(int percentage, const QJsonArray &properties = {})
{
    return QJsonObject{{QStringLiteral("properties"), properties},
                       {QStringLiteral("rollout_percentage"), percentage}};
}

} // namespace window_test
