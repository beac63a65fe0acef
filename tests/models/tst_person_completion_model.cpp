// PersonCompletionModel against a real server's persons list.
#include "client.h"
#include "person_completion_model.h"
#include "test_builders.h"
#include "test_server.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using models::PersonCompletionModel;

class TestPersonCompletionModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void searchFindsByIdAndEmail();
    void emptySearchListsAtMostTheMaximum();
    void newerSearchDropsTheOlder();
    void failureIsReported();

private:
    void createPersons(int count);
    QStringList ids() const;

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<PersonCompletionModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestPersonCompletionModel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_model = std::make_unique<PersonCompletionModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setClient(m_client.get());
}

void TestPersonCompletionModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_server.reset();
}

void TestPersonCompletionModel::createPersons(int count)
{
    QList<test_builders::Person> persons;
    for (int i = 0; i < count; ++i) {
        QJsonObject properties{{u"plan"_s, u"free"_s}};
        if (i % 2 == 0)
            properties.insert(u"email"_s, u"user%1@acme.com"_s.arg(i));
        persons.append({u"user-%1"_s.arg(i), properties});
    }
    QVERIFY(m_server->addPersons(persons));
}

QStringList TestPersonCompletionModel::ids() const
{
    QStringList ids;
    for (int row = 0; row < m_model->rowCount(); ++row)
        ids.append(m_model->index(row).data(Qt::EditRole).toString());
    ids.sort();
    return ids;
}

void TestPersonCompletionModel::searchFindsByIdAndEmail()
{
    createPersons(12);
    QSignalSpy loaded(m_model.get(), &PersonCompletionModel::loaded);
    m_model->setSearch(u"user-3"_s);
    QVERIFY(m_model->isLoading());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
    QCOMPARE(ids(), QStringList{u"user-3"_s});
    QCOMPARE(m_model->index(0).data().toString(), u"user-3"_s); // no name, no email

    m_model->setSearch(u"user4@acme"_s);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 10000);
    QCOMPARE(ids(), QStringList{u"user-4"_s});
    QCOMPARE(m_model->index(0).data(PersonCompletionModel::NameRole).toString(),
             u"user4@acme.com"_s);
    QCOMPARE(m_model->index(0).data().toString(), u"user-4 — user4@acme.com"_s);
    QVERIFY(!m_model->index(0).data(PersonCompletionModel::PersonUuidRole).toString().isEmpty());

    m_model->setSearch(u"acme.com"_s);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 3, 10000);
    QCOMPARE(m_model->rowCount(), 6);
}

void TestPersonCompletionModel::emptySearchListsAtMostTheMaximum()
{
    createPersons(30);
    QSignalSpy loaded(m_model.get(), &PersonCompletionModel::loaded);
    m_model->setSearch(QString());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
    QCOMPARE(m_model->rowCount(), 20);
    m_model->setMaximumRows(5);
    m_model->setSearch(QString());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 10000);
    QCOMPARE(m_model->rowCount(), 5);
}

void TestPersonCompletionModel::newerSearchDropsTheOlder()
{
    createPersons(6);
    QSignalSpy loaded(m_model.get(), &PersonCompletionModel::loaded);
    m_model->setSearch(u"user-1"_s);
    m_model->setSearch(u"user-2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
    QTest::qWait(200);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(ids(), QStringList{u"user-2"_s});
    QCOMPARE(m_model->search(), u"user-2"_s);
}

void TestPersonCompletionModel::failureIsReported()
{
    api::Client client(m_server->endpoint(u"phx_wrong"_s));
    m_model->setClient(&client);
    QSignalSpy failed(m_model.get(), &PersonCompletionModel::failed);
    m_model->setSearch(u"x"_s);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    QVERIFY(failed.first().first().value<api::ApiError>().isAuthentication());
    QVERIFY(!m_model->isLoading());
    QCOMPARE(m_model->rowCount(), 0);
    m_model->setClient(nullptr);
}

QTEST_MAIN(TestPersonCompletionModel)
#include "tst_person_completion_model.moc"
