#include "local_session.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLoggingCategory>
#include <QSettings>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    // The embedded server logs each request at info level, which suits bunting-server's log but
    // would flood the app's terminal; QT_LOGGING_RULES still overrides this.
    QLoggingCategory::setFilterRules(u"bunting.server.http.info=false"_s);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Bunting"_s);
    QApplication::setApplicationName(u"bunting"_s);
    QApplication::setApplicationDisplayName(u"Bunting"_s);
    QApplication::setApplicationVersion(QStringLiteral(BUNTING_VERSION));
    QApplication::setDesktopFileName(u"dev.bunting.Bunting"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Manage PostHog feature flags, on PostHog or on a local server."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption database(
        u"db"_s,
        u"The local profile's SQLite file (default: %1)."_s.arg(
            QDir::toNativeSeparators(bunting::desktop::LocalSession::defaultDatabasePath())),
        u"file"_s);
    parser.addOption(database);
    parser.process(app);

    QSettings settings;
    bunting::desktop::MainWindowSetup setup;
    setup.settings = &settings;
    setup.localDatabasePath = parser.isSet(database)
                                  ? parser.value(database)
                                  : bunting::desktop::LocalSession::defaultDatabasePath();
    setup.keyDirectory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (qEnvironmentVariable(bunting::api::SecretStore::forceFileVariable) == "file"_L1)
        setup.keyMode = bunting::api::SecretStore::Mode::FallbackOnly;

    bunting::desktop::MainWindow window(setup);
    window.show();
    return QApplication::exec();
}
