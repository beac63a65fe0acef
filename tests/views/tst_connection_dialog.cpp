// The connection dialog driven as a person would: typing into its fields, pressing "Test
// connection" against a real server, reading the verdict it shows.
#include "connection_dialog.h"
#include "test_server.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTcpServer>
#include <QTest>
#include <QToolButton>
#include <memory>

using namespace Qt::StringLiterals;
using bunting::api::ConnectionProfile;
using bunting::api::HostPreset;
using bunting::views::ConnectionDialog;

class TestConnectionDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        m_dialog = std::make_unique<ConnectionDialog>();
        m_dialog->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
    }
    void cleanup()
    {
        m_dialog.reset();
        m_server.reset();
    }

    void okOnlyWhenTheFieldsAreValid()
    {
        QVERIFY(!ok()->isEnabled());
        QVERIFY(!testButton()->isEnabled());
        chooseHost(HostPreset::Id::Custom);
        QVERIFY(child<QLineEdit>(u"customUrl"_s)->isVisible());
        QTest::keyClicks(child<QLineEdit>(u"customUrl"_s), serverUrl());
        QVERIFY(!ok()->isEnabled());
        QTest::keyClicks(child<QLineEdit>(u"projectId"_s), u"12x"_s);
        QTest::keyClicks(child<QLineEdit>(u"apiKey"_s), m_server->ownerKey());
        QVERIFY(!ok()->isEnabled()); // the project id is not a number
        child<QLineEdit>(u"projectId"_s)->clear();
        QTest::keyClicks(child<QLineEdit>(u"projectId"_s), projectId());
        QVERIFY(ok()->isEnabled());
        QVERIFY(testButton()->isEnabled());

        child<QLineEdit>(u"customUrl"_s)->clear();
        QTest::keyClicks(child<QLineEdit>(u"customUrl"_s), u"ftp://example.com"_s);
        QVERIFY(!ok()->isEnabled());
        // A preset host needs no URL.
        chooseHost(HostPreset::Id::PostHogEu);
        QVERIFY(!child<QLineEdit>(u"customUrl"_s)->isVisible());
        QVERIFY(ok()->isEnabled());

        child<QLineEdit>(u"apiKey"_s)->clear();
        QVERIFY(!ok()->isEnabled());
    }

    void projectTokenIsRefused()
    {
        fill(m_server->projectToken());
        QVERIFY(!ok()->isEnabled());
        QLabel *problem = child<QLabel>(u"keyProblem"_s);
        QVERIFY(problem->isVisible());
        QVERIFY2(problem->text().contains(u"personal API key (phx_…)"_s),
                 qPrintable(problem->text()));
        child<QLineEdit>(u"apiKey"_s)->clear();
        QTest::keyClicks(child<QLineEdit>(u"apiKey"_s), m_server->ownerKey());
        QVERIFY(!problem->isVisible());
        QVERIFY(ok()->isEnabled());
    }

    void testConnection()
    {
        m_server->createFlag({{u"key"_s, u"checkout"_s}});
        fill(m_server->ownerKey());
        QTest::mouseClick(testButton(), Qt::LeftButton);
        QTRY_COMPARE(verdict(), u"Connected to 127.0.0.1:%1: project %2 has 1 feature flag."_s
                                    .arg(m_server->port())
                                    .arg(projectId()));
        QVERIFY(!child<QLabel>(u"verdictIcon"_s)->pixmap().isNull());
        QVERIFY(!child<QProgressBar>(u"busy"_s)->isVisible());
        QCOMPARE(testButton()->text(), u"&Test connection"_s);

        // Editing the key makes the verdict stale.
        QLineEdit *key = child<QLineEdit>(u"apiKey"_s);
        key->clear();
        QVERIFY(verdict().isEmpty());
        QTest::keyClicks(key, u"phx_wrong"_s);
        QTest::mouseClick(testButton(), Qt::LeftButton);
        QTRY_VERIFY(verdict().startsWith(
            u"The key was refused (401). Check that it is a personal API key (phx_…)"_s));
        // A failed test does not hold the profile back: PostHog may be down for a while.
        QVERIFY(ok()->isEnabled());
    }

    void missingScope()
    {
        fill(m_server->keyWithScopes({u"person:read"_s}));
        QTest::mouseClick(testButton(), Qt::LeftButton);
        QTRY_VERIFY(verdict().startsWith(u"The key lacks the feature_flag:read scope."_s));
    }

    void cancelATest()
    {
        QTcpServer silent; // accepts and never answers
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        chooseHost(HostPreset::Id::Custom);
        QTest::keyClicks(child<QLineEdit>(u"customUrl"_s),
                         u"http://127.0.0.1:%1"_s.arg(silent.serverPort()));
        QTest::keyClicks(child<QLineEdit>(u"projectId"_s), u"1"_s);
        QTest::keyClicks(child<QLineEdit>(u"apiKey"_s), u"phx_x"_s);
        QTest::mouseClick(testButton(), Qt::LeftButton);
        QVERIFY(child<QProgressBar>(u"busy"_s)->isVisible());
        QCOMPARE(testButton()->text(), u"Cancel &test"_s);
        QCOMPARE(verdict(), u"Testing the connection…"_s);
        QTest::mouseClick(testButton(), Qt::LeftButton);
        QVERIFY(!child<QProgressBar>(u"busy"_s)->isVisible());
        QCOMPARE(testButton()->text(), u"&Test connection"_s);
        QCOMPARE(verdict(), u"Test canceled."_s);
        QVERIFY(!m_dialog->connectionCheck()->isRunning());
    }

    void showKey()
    {
        QLineEdit *key = child<QLineEdit>(u"apiKey"_s);
        QCOMPARE(key->echoMode(), QLineEdit::Password);
        QTest::mouseClick(child<QToolButton>(u"showKey"_s), Qt::LeftButton);
        QCOMPARE(key->echoMode(), QLineEdit::Normal);
        QTest::mouseClick(child<QToolButton>(u"showKey"_s), Qt::LeftButton);
        QCOMPARE(key->echoMode(), QLineEdit::Password);
    }

    void returnsTheProfileAndKey()
    {
        QTest::keyClicks(child<QLineEdit>(u"name"_s), u"  Staging  "_s);
        fill(m_server->ownerKey());
        QTest::mouseClick(ok(), Qt::LeftButton);
        QCOMPARE(m_dialog->result(), int(QDialog::Accepted));
        const ConnectionProfile p = m_dialog->profile();
        QCOMPARE(p.name, u"Staging"_s);
        QCOMPARE(p.kind, ConnectionProfile::Kind::Remote);
        QCOMPARE(p.host, QUrl(serverUrl()));
        QCOMPARE(p.projectId, projectId());
        QVERIFY(p.id.isEmpty()); // a new profile: the store gives it its id
        QCOMPARE(m_dialog->apiKey(), m_server->ownerKey());
    }

    void editsAProfile()
    {
        ConnectionProfile existing;
        existing.id = u"abc"_s;
        existing.name = u"Prod"_s;
        existing.host = QUrl(u"https://eu.posthog.com"_s);
        existing.projectId = u"42"_s;
        m_dialog->setProfile(existing, u"phx_saved"_s);
        QCOMPARE(child<QComboBox>(u"host"_s)->currentText(), u"PostHog EU"_s);
        QVERIFY(!child<QLineEdit>(u"customUrl"_s)->isVisible());
        QCOMPARE(child<QLineEdit>(u"apiKey"_s)->text(), u"phx_saved"_s);
        QVERIFY(ok()->isEnabled());
        QCOMPARE(m_dialog->profile(), existing);

        ConnectionProfile selfHosted = existing;
        selfHosted.host = QUrl(u"https://ph.example.com/base"_s);
        m_dialog->setProfile(selfHosted, u"phx_saved"_s);
        QCOMPARE(child<QComboBox>(u"host"_s)->currentText(), u"Custom…"_s);
        QCOMPARE(child<QLineEdit>(u"customUrl"_s)->text(), u"https://ph.example.com/base"_s);
        QCOMPARE(m_dialog->profile(), selfHosted);
    }

    void unnamedProfilesAreDescribed()
    {
        fill(m_server->ownerKey());
        QCOMPARE(child<QLineEdit>(u"name"_s)->placeholderText(),
                 u"127.0.0.1:%1 · project %2"_s.arg(m_server->port()).arg(projectId()));
    }

    // A form label with a mnemonic but no buddy shows its "&" to the reader.
    void labelsShowNoAmpersand()
    {
        for (QLabel *label : m_dialog->findChildren<QLabel *>()) {
            if (!label->isVisible() || !label->text().contains(u'&') ||
                label->textFormat() == Qt::RichText)
                continue;
            QVERIFY2(label->buddy(), qPrintable(label->text()));
        }
    }

    void marksAProfileAsProduction()
    {
        fill(m_server->ownerKey());
        QVERIFY(!m_dialog->profile().production);
        auto *production = child<QCheckBox>(u"production"_s);
        QVERIFY(production->isVisible());
        QTest::mouseClick(production, Qt::LeftButton);
        QVERIFY(m_dialog->profile().production);

        ConnectionProfile existing;
        existing.id = u"abc"_s;
        existing.host = QUrl(u"https://eu.posthog.com"_s);
        existing.projectId = u"42"_s;
        existing.production = false;
        m_dialog->setProfile(existing, u"phx_saved"_s);
        QVERIFY(!production->isChecked());
        existing.production = true;
        m_dialog->setProfile(existing, u"phx_saved"_s);
        QCOMPARE(m_dialog->profile(), existing);
    }

private:
    template<typename T> T *child(const QString &name)
    {
        T *widget = m_dialog->findChild<T *>(name);
        if (!widget)
            qFatal("no child %s", qPrintable(name));
        return widget;
    }
    QPushButton *ok() { return child<QDialogButtonBox>({})->button(QDialogButtonBox::Ok); }
    QPushButton *testButton() { return child<QPushButton>(u"testConnection"_s); }
    QString verdict() { return child<QLabel>(u"verdictText"_s)->text(); }
    QString serverUrl() const { return u"http://127.0.0.1:%1"_s.arg(m_server->port()); }
    QString projectId() const { return QString::number(m_server->projectId()); }

    void chooseHost(HostPreset::Id id)
    {
        auto *host = child<QComboBox>(u"host"_s);
        host->setCurrentIndex(host->findData(int(id)));
    }
    void fill(const QString &key)
    {
        chooseHost(HostPreset::Id::Custom);
        QTest::keyClicks(child<QLineEdit>(u"customUrl"_s), serverUrl());
        QTest::keyClicks(child<QLineEdit>(u"projectId"_s), projectId());
        QTest::keyClicks(child<QLineEdit>(u"apiKey"_s), key);
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ConnectionDialog> m_dialog;
};

QTEST_MAIN(TestConnectionDialog)
#include "tst_connection_dialog.moc"
