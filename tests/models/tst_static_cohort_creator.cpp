// StaticCohortCreator against a real server: the cohort created from a flag holds exactly the
// persons the flag is on for (computed here from the persons' properties), checked through the
// cohort's persons endpoint; CohortSummary reads PostHog's cohort object.
#include "client.h"
#include "static_cohort_creator.h"
#include "test_builders.h"
#include "test_server.h"

#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::CohortSummary;
using bunting::models::StaticCohortCreator;

namespace {

constexpr int kTimeout = 15000;
constexpr int kPersons = 9;

} // namespace

class TestStaticCohortCreator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void summaryOfACohort();
    void cohortHoldsThePersonsTheFlagIsOnFor();
    void oneAtATime();
    void failureIsReported();

private:
    // Persons user-0 … user-8; every third one has an @acme.com email.
    QStringList createPersons();

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<StaticCohortCreator> m_creator;
};

void TestStaticCohortCreator::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(m_server->endpoint());
    m_creator = std::make_unique<StaticCohortCreator>();
    m_creator->setClient(m_client.get());
}

void TestStaticCohortCreator::cleanup()
{
    m_creator.reset();
    m_client.reset();
    m_server.reset();
}

QStringList TestStaticCohortCreator::createPersons()
{
    QList<test_builders::Person> persons;
    QStringList acme;
    for (int i = 0; i < kPersons; ++i) {
        const QString id = u"user-%1"_s.arg(i);
        const QString email = i % 3 == 0 ? u"%1@acme.com"_s.arg(id) : u"%1@other.org"_s.arg(id);
        if (email.endsWith(u"@acme.com"_s))
            acme.append(id);
        persons.append({id, QJsonObject{{u"email"_s, email}}});
    }
    m_server->addPersons(persons);
    return acme;
}

void TestStaticCohortCreator::summaryOfACohort()
{
    const CohortSummary s = CohortSummary::fromJson(QJsonObject{{u"id"_s, 12},
                                                                {u"name"_s, u"Beta"_s},
                                                                {u"count"_s, 3},
                                                                {u"is_calculating"_s, false},
                                                                {u"is_static"_s, true}});
    QCOMPARE(s.id, 12);
    QCOMPARE(s.count, 3);
    QVERIFY(s.isStatic);
    QCOMPARE(s.text(), u"Beta (cohort 12, 3 persons)"_s);
    const CohortSummary calculating =
        CohortSummary::fromJson(QJsonObject{{u"id"_s, 4},
                                            {u"name"_s, u"X"_s},
                                            {u"count"_s, QJsonValue()},
                                            {u"is_calculating"_s, true}});
    QCOMPARE(calculating.count, -1);
    QCOMPARE(calculating.text(), u"X (cohort 4, persons still being counted)"_s);
}

void TestStaticCohortCreator::cohortHoldsThePersonsTheFlagIsOnFor()
{
    const QStringList acme = createPersons();
    QCOMPARE(acme.size(), 3);
    const QJsonObject emailFilter =
        test_builders::personProperty(u"email"_s, u"@acme.com"_s, u"icontains"_s);
    const qint64 flagId = m_server->createFlagId(
        u"acme-beta"_s, test_builders::flagFilters({test_builders::condition(100, {emailFilter})}));

    QSignalSpy created(m_creator.get(), &StaticCohortCreator::created);
    QSignalSpy busy(m_creator.get(), &StaticCohortCreator::busyChanged);
    QVERIFY(m_creator->create(flagId));
    QVERIFY(m_creator->isBusy());
    QVERIFY(created.wait(kTimeout));
    QVERIFY(!m_creator->isBusy());
    QCOMPARE(busy.size(), 2);

    const QJsonObject cohort = created.first().first().toJsonObject();
    QCOMPARE(cohort, m_creator->cohort());
    const CohortSummary summary = CohortSummary::fromJson(cohort);
    QVERIFY(summary.id > 0);
    QVERIFY(summary.isStatic);
    QVERIFY2(summary.name.contains(u"acme-beta"_s), qPrintable(summary.name));
    QCOMPARE(summary.count, 3);

    const auto members =
        m_server
            ->get(u"/api/projects/%1/cohorts/%2/persons/"_s.arg(m_server->projectId())
                      .arg(summary.id))
            .object();
    QStringList ids;
    for (const QJsonValue &p : members.value(u"results"_s).toArray())
        ids += p.toObject().value(u"distinct_ids"_s).toVariant().toStringList();
    ids.sort();
    QCOMPARE(ids, acme);
}

void TestStaticCohortCreator::oneAtATime()
{
    const qint64 flagId =
        m_server->createFlag(QJsonObject{{u"key"_s, u"f"_s}}).value(u"id"_s).toInteger();
    QSignalSpy created(m_creator.get(), &StaticCohortCreator::created);
    QVERIFY(m_creator->create(flagId));
    QVERIFY(!m_creator->create(flagId));
    QVERIFY(created.wait(kTimeout));
    QTest::qWait(100);
    QCOMPARE(created.size(), 1);
}

void TestStaticCohortCreator::failureIsReported()
{
    QSignalSpy failed(m_creator.get(), &StaticCohortCreator::failed);
    QVERIFY(m_creator->create(424242));
    QVERIFY(failed.wait(kTimeout));
    QCOMPARE(failed.first().first().value<api::ApiError>().status, 404);
    QVERIFY(!m_creator->isBusy());
    QVERIFY(m_creator->cohort().isEmpty());
}

QTEST_MAIN(TestStaticCohortCreator)
#include "tst_static_cohort_creator.moc"
