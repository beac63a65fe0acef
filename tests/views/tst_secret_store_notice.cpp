// The status bar notice appears once the secret store has settled on its file, with the store's
// sentence as tooltip, and stays away before that.
#include "secret_store.h"
#include "secret_store_notice.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::api::SecretStore;
using bunting::views::SecretStoreNotice;

class TestSecretStoreNotice : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void appearsWithTheFallback()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SecretStore store(dir.path(), SecretStore::Mode::FallbackOnly);
        QWidget window;
        auto *notice = new SecretStoreNotice(&store, &window);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!notice->isVisible());
        QVERIFY(notice->toolTip().isEmpty());

        bool done = false;
        store.readKey(u"p"_s, nullptr, [&done](const SecretStore::Result &) { done = true; });
        QTRY_VERIFY(done);
        QVERIFY(notice->isVisible());
        QCOMPARE(notice->text(), u"API keys kept in a file"_s);
        QCOMPARE(notice->toolTip(), store.fallbackReason());
        QVERIFY(notice->toolTip().contains(u"readable only by you"_s));
    }

    void knowsAnEarlierDecision()
    {
        QTemporaryDir dir;
        SecretStore store(dir.path(), SecretStore::Mode::FallbackOnly);
        bool done = false;
        store.readKey(u"p"_s, nullptr, [&done](const SecretStore::Result &) { done = true; });
        QTRY_VERIFY(done);
        QWidget window;
        auto *notice = new SecretStoreNotice(&store, &window);
        QVERIFY(!notice->isHidden());
        QCOMPARE(notice->toolTip(), store.fallbackReason());
    }
};

QTEST_MAIN(TestSecretStoreNotice)
#include "tst_secret_store_notice.moc"
