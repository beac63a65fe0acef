// API keys by profile id. The keychain cannot be relied on in tests, so most cases force the file
// fallback; one case lets the store find out for itself and checks that it decides once.
#include "secret_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using bunting::api::SecretStore;

namespace {

using Status = SecretStore::Result::Status;

// Permissions that let anyone but the owner near the file.
constexpr QFile::Permissions notOwner = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                        QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;

// The outcome of one operation, waited for.
struct Waiter
{
    std::optional<SecretStore::Result> result;
    SecretStore::Callback callback()
    {
        return [this](const SecretStore::Result &r) { result = r; };
    }
};

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        // Not created yet: the store makes it, for its owner only.
        m_keys = m_dir->filePath(u"data/Bunting"_s);
    }
    void cleanup() { m_dir.reset(); }

    void roundTrip()
    {
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        QVERIFY(!store.usesFallback());
        QCOMPARE(store.backend(), SecretStore::Backend::Undecided);

        Waiter write;
        store.writeKey(u"p1"_s, u"phx_secret"_s, this, write.callback());
        QVERIFY(!write.result); // always asynchronous
        QTRY_VERIFY(write.result);
        QVERIFY2(write.result->ok(), qPrintable(write.result->error));
        QVERIFY(store.usesFallback());

        Waiter read;
        store.readKey(u"p1"_s, this, read.callback());
        QTRY_VERIFY(read.result);
        QCOMPARE(read.result->status, Status::Ok);
        QCOMPARE(read.result->key, u"phx_secret"_s);

        // Another store (the next start of the app) finds it.
        SecretStore again(m_keys, SecretStore::Mode::FallbackOnly);
        Waiter reread;
        again.readKey(u"p1"_s, this, reread.callback());
        QTRY_VERIFY(reread.result);
        QCOMPARE(reread.result->key, u"phx_secret"_s);
    }

    void fileIsReadableOnlyByItsOwner()
    {
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        Waiter write;
        store.writeKey(u"p1"_s, u"phx_1"_s, this, write.callback());
        QTRY_VERIFY(write.result);
        QVERIFY(write.result->ok());

        const QFileInfo file(store.fallbackFilePath());
        QVERIFY(file.exists());
        QCOMPARE(file.absolutePath(), QFileInfo(m_keys).absoluteFilePath());
        QCOMPARE(file.permissions() & notOwner, QFile::Permissions());
        QCOMPARE(file.permissions() & (QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner),
                 QFile::ReadOwner | QFile::WriteOwner);
        const QFileInfo dir(m_keys);
        QCOMPARE(dir.permissions() & notOwner, QFile::Permissions());
        QCOMPARE(dir.permissions() & (QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner),
                 QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

        // Rewriting keeps them, and tightens them again when someone loosened them.
        QVERIFY(QFile::setPermissions(file.filePath(), QFile::ReadOwner | QFile::WriteOwner |
                                                           QFile::ReadGroup | QFile::ReadOther));
        Waiter second;
        store.writeKey(u"p2"_s, u"phx_2"_s, this, second.callback());
        QTRY_VERIFY(second.result);
        QVERIFY(second.result->ok());
        QCOMPARE(QFileInfo(file.filePath()).permissions() & notOwner, QFile::Permissions());
    }

    void keysAreKeptApart()
    {
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        Waiter a, b, readA, readB;
        store.writeKey(u"a"_s, u"phx_a"_s, this, a.callback());
        store.writeKey(u"b"_s, u"phx_b"_s, this, b.callback());
        store.readKey(u"a"_s, this, readA.callback());
        store.readKey(u"b"_s, this, readB.callback());
        QTRY_VERIFY(readB.result);
        QCOMPARE(readA.result->key, u"phx_a"_s);
        QCOMPARE(readB.result->key, u"phx_b"_s);

        Waiter overwrite, reread;
        store.writeKey(u"a"_s, u"phx_a2"_s, this, overwrite.callback());
        store.readKey(u"a"_s, this, reread.callback());
        QTRY_VERIFY(reread.result);
        QCOMPARE(reread.result->key, u"phx_a2"_s);
    }

    void remove()
    {
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        Waiter write, other, removed, read, kept;
        store.writeKey(u"p1"_s, u"phx_1"_s, this, write.callback());
        store.writeKey(u"p2"_s, u"phx_2"_s, this, other.callback());
        store.removeKey(u"p1"_s, this, removed.callback());
        store.readKey(u"p1"_s, this, read.callback());
        store.readKey(u"p2"_s, this, kept.callback());
        QTRY_VERIFY(kept.result);
        QVERIFY(removed.result->ok());
        QCOMPARE(read.result->status, Status::NotFound);
        QVERIFY(read.result->key.isEmpty());
        QCOMPARE(kept.result->key, u"phx_2"_s);

        // Removing what is not there is not an error.
        Waiter again;
        store.removeKey(u"p1"_s, this, again.callback());
        QTRY_VERIFY(again.result);
        QCOMPARE(again.result->status, Status::Ok);
    }

    void readingBeforeAnyWriteFindsNothing()
    {
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        Waiter read;
        store.readKey(u"p1"_s, this, read.callback());
        QTRY_VERIFY(read.result);
        QCOMPARE(read.result->status, Status::NotFound);
        // Reading creates nothing.
        QVERIFY(!QFileInfo::exists(m_keys));
    }

    void fallbackReason()
    {
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        QVERIFY(store.fallbackReason().isEmpty());
        QSignalSpy decided(&store, &SecretStore::backendDecided);
        Waiter read;
        store.readKey(u"p1"_s, this, read.callback());
        QTRY_VERIFY(read.result);
        QCOMPARE(decided.count(), 1);
        QCOMPARE(decided.first().first().toBool(), true);
        const QString reason = store.fallbackReason();
        QVERIFY2(reason.contains(QDir::toNativeSeparators(store.fallbackFilePath())),
                 qPrintable(reason));
        QVERIFY2(reason.endsWith(u"readable only by you."_s), qPrintable(reason));

        Waiter second;
        store.readKey(u"p2"_s, this, second.callback());
        QTRY_VERIFY(second.result);
        QCOMPARE(decided.count(), 1);
    }

    void environmentForcesTheFile()
    {
        qputenv(SecretStore::forceFileVariable, "file");
        SecretStore store(m_keys);
        qunsetenv(SecretStore::forceFileVariable);
        Waiter read;
        store.readKey(u"p1"_s, this, read.callback());
        QTRY_VERIFY(read.result);
        QVERIFY(store.usesFallback());
    }

    void aGoneContextGetsNoCallback()
    {
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        auto context = std::make_unique<QObject>();
        bool called = false;
        store.writeKey(u"p1"_s, u"phx_1"_s, context.get(),
                       [&called](const SecretStore::Result &) { called = true; });
        context.reset();
        // Written all the same, and the next operation's answer comes after where the first's
        // would have.
        Waiter read;
        store.readKey(u"p1"_s, nullptr, read.callback());
        QTRY_VERIFY(read.result);
        QCOMPARE(read.result->key, u"phx_1"_s);
        QVERIFY(!called);
    }

    void aDamagedFileIsReportedNotOverwritten()
    {
        QVERIFY(QDir().mkpath(m_keys));
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        QFile file(store.fallbackFilePath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not json");
        file.close();

        Waiter read, write;
        store.readKey(u"p1"_s, this, read.callback());
        store.writeKey(u"p1"_s, u"phx_1"_s, this, write.callback());
        QTRY_VERIFY(write.result);
        QCOMPARE(read.result->status, Status::Failed);
        QVERIFY2(read.result->error.contains(u"damaged"_s), qPrintable(read.result->error));
        QCOMPARE(write.result->status, Status::Failed);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), "not json");
    }

    void unwritableDirectoryIsReported()
    {
        // A file where the directory should be.
        QFile blocker(m_keys);
        QVERIFY(QDir().mkpath(QFileInfo(m_keys).absolutePath()));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        SecretStore store(m_keys, SecretStore::Mode::FallbackOnly);
        Waiter write;
        store.writeKey(u"p1"_s, u"phx_1"_s, this, write.callback());
        QTRY_VERIFY(write.result);
        QCOMPARE(write.result->status, Status::Failed);
        QVERIFY(!write.result->error.isEmpty());
    }

    void automaticModeDecidesOnce()
    {
        // Whatever this machine has: a keychain (then nothing is written to it here) or none.
        SecretStore store(m_keys);
        QSignalSpy decided(&store, &SecretStore::backendDecided);
        const QString id = u"bunting-test-%1"_s.arg(QCoreApplication::applicationPid());
        Waiter first, second;
        store.readKey(id, this, first.callback());
        store.readKey(id, this, second.callback());
        QTRY_VERIFY_WITH_TIMEOUT(second.result, 60000);
        QVERIFY(first.result);
        QCOMPARE(decided.count(), 1);
        QVERIFY(store.backend() != SecretStore::Backend::Undecided);
        QCOMPARE(first.result->status, Status::NotFound);
        QCOMPARE(second.result->status, Status::NotFound);
        if (store.usesFallback())
            QVERIFY2(store.fallbackReason().startsWith(u"No system keychain is running"_s),
                     qPrintable(store.fallbackReason()));
        else
            QVERIFY(store.fallbackReason().isEmpty());
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_keys;
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secret_store.moc"
