// The app's own writes, told to every window of the same connection: who hears what, and how
// the author of a version is named.
#include "client.h"
#include "flag_change_notifier.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::FlagChangeNotifier;

class TestFlagChangeNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneNotifierPerClient();
    void namesTheAuthorOfAVersion();
};

namespace {

api::Endpoint endpoint()
{
    return {QUrl(u"http://127.0.0.1:9"_s), u"1"_s, u"phx_key"_s};
}

FeatureFlag flag(int version, qint64 authorId, const QString &firstName)
{
    FeatureFlag f;
    f.id = 7;
    f.key = u"checkout"_s;
    f.version = version;
    UserBasic author;
    author.id = authorId;
    author.firstName = firstName;
    f.lastModifiedBy = author;
    return f;
}

} // namespace

void TestFlagChangeNotifier::oneNotifierPerClient()
{
    api::Client first(endpoint()), second(endpoint());
    QCOMPARE(FlagChangeNotifier::of(&first), FlagChangeNotifier::of(&first));
    QVERIFY(FlagChangeNotifier::of(&first) != FlagChangeNotifier::of(&second));
    QCOMPARE(FlagChangeNotifier::of(nullptr), nullptr);

    QSignalSpy heard(FlagChangeNotifier::of(&first), &FlagChangeNotifier::flagChanged);
    QSignalSpy notHeard(FlagChangeNotifier::of(&second), &FlagChangeNotifier::flagChanged);
    QObject window;
    FlagChangeNotifier::of(&first)->announce(flag(2, 1, u"Ada"_s), &window, u"saved"_s);
    QCOMPARE(heard.size(), 1);
    QCOMPARE(heard.first().at(0).value<FeatureFlag>().version, 2);
    QCOMPARE(heard.first().at(1).value<const QObject *>(), &window);
    QCOMPARE(notHeard.size(), 0);
}

void TestFlagChangeNotifier::namesTheAuthorOfAVersion()
{
    api::Client client(endpoint());
    FlagChangeNotifier *notifier = FlagChangeNotifier::of(&client);
    // Before the app wrote anything, the server's name for the author, or "Someone".
    QCOMPARE(notifier->authorOf(flag(2, 1, u"Ada"_s)), u"Ada"_s);
    QCOMPARE(notifier->authorOf(FeatureFlag()), u"Someone"_s);

    QObject window;
    notifier->announce(flag(2, 1, u"Ada"_s), &window, u"saved"_s);
    QVERIFY(notifier->isOwnVersion(7, 2));
    QCOMPARE(notifier->authorOf(flag(2, 1, u"Ada"_s)), u"You (in another window)"_s);
    // The same user, in a version this app did not write: the user elsewhere.
    QCOMPARE(notifier->authorOf(flag(3, 1, u"Ada"_s)), u"You (elsewhere)"_s);
    QCOMPARE(notifier->authorOf(flag(4, 2, u"Grace"_s)), u"Grace"_s);
}

QTEST_GUILESS_MAIN(TestFlagChangeNotifier)
#include "tst_flag_change_notifier.moc"
