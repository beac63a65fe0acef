// The flag list model against a real local server over HTTP, through the real client: paging,
// filters, server-side sorting, a query replaced while it loads, and every operation on flags,
// with the answers the server gives, refusals included. A QAbstractItemModelTester watches every
// test for broken model signals.
#include "client.h"
#include "flag_list_model.h"
#include "flag_summary.h"
#include "test_server.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::models::FlagListModel;

namespace {

constexpr int kTimeout = 15000;

QJsonObject rollout(double percentage)
{
    return QJsonObject{
        {u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray()},
                                             {u"rollout_percentage"_s, percentage}}}}};
}

// A condition that holds while the flag with this id evaluates to true.
QJsonObject dependingOn(qint64 id)
{
    const QJsonObject property{{u"key"_s, QString::number(id)},
                               {u"type"_s, u"flag"_s},
                               {u"value"_s, true},
                               {u"operator"_s, u"flag_evaluates_to"_s}};
    return QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{property}},
                                                            {u"rollout_percentage"_s, 100}}}}};
}

// The answer a callback got, once it came.
template<typename T> struct Outcome
{
    std::shared_ptr<std::optional<api::Result<T>>> value =
        std::make_shared<std::optional<api::Result<T>>>();
    std::function<void(const api::Result<T> &)> callback() const
    {
        return [value = value](const api::Result<T> &r) { value->emplace(r); };
    }
    bool arrived() const { return value->has_value(); }
    const api::Result<T> &result() const { return **value; }
};

// QVERIFY2 reads its message whatever the outcome: only a failed call has an error to show.
template<typename T> QString failure(const api::Result<T> &result)
{
    return result.ok() ? QString() : result.error().message();
}

} // namespace

class TestFlagListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void firstPageLoads();
    void columnsShowTheFlag();
    void pagesLoadWhereTheViewLooks();
    void searchNarrowsAndCountUpdates();
    void queryChangeDuringLoadNeverShowsOldRows();
    void failedLoadKeepsRows();
    void sortByKeyFollowsTheServer();
    void sortOnOtherColumns();
    void createFlagInsertsAtTop();
    void createFlagRefusedInsertsNothing();
    void setActiveToggles();
    void setActiveRefusedForADependency();
    void deleteOneFlag();
    void deleteOneRefused();
    void deleteSeveralWithARefusal();
    void restoreFlagPutsItBack();
    void updateTagsAddRemoveSet();
    void updateFlagReplacesARow();
    void withoutClient();

private:
    qint64 create(const QString &key, const QJsonObject &filters = rollout(100),
                  const QJsonObject &extra = {});
    void connectModel();
    bool waitLoaded();
    // Shows every row not loaded until all are.
    bool loadAll();
    QStringList modelKeys() const;
    QStringList serverKeys(const QString &query);
    QJsonObject serverFlag(qint64 id);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<api::Client> m_client;
    std::unique_ptr<FlagListModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestFlagListModel::init()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<api::Client>(
        api::Endpoint{QUrl(u"http://127.0.0.1:%1"_s.arg(m_server->port())),
                      QString::number(m_server->projectId()), m_server->ownerKey()});
    m_model = std::make_unique<FlagListModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestFlagListModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_client.reset();
    m_server.reset();
}

qint64 TestFlagListModel::create(const QString &key, const QJsonObject &filters,
                                 const QJsonObject &extra)
{
    QJsonObject body{{u"key"_s, key}, {u"name"_s, u"Name of "_s + key}, {u"filters"_s, filters}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    const qint64 id = m_server->createFlag(body).value(u"id"_s).toInteger();
    if (id == 0)
        qWarning("flag %s was not created", qPrintable(key));
    return id;
}

void TestFlagListModel::connectModel()
{
    m_model->setClient(m_client.get());
}

bool TestFlagListModel::waitLoaded()
{
    return QTest::qWaitFor([this] { return !m_model->isLoading(); }, kTimeout);
}

bool TestFlagListModel::loadAll()
{
    // As a view would: shows the rows missing, then lets the pause before requests pass (a view
    // asking again meanwhile would be scrolling on), and waits for the answers.
    for (int round = 0; round < 20; ++round) {
        bool all = true;
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (!m_model->isRowLoaded(row)) {
                all = false;
                m_model->index(row, FlagListModel::KeyColumn).data();
            }
        if (all)
            return true;
        if (!QTest::qWaitFor([this] { return !m_model->pagesWaiting(); }, kTimeout) ||
            !waitLoaded())
            return false;
    }
    return false;
}

QStringList TestFlagListModel::modelKeys() const
{
    QStringList keys;
    for (int row = 0; row < m_model->rowCount(); ++row)
        keys.append(m_model->index(row, FlagListModel::KeyColumn).data().toString());
    return keys;
}

QStringList TestFlagListModel::serverKeys(const QString &query)
{
    const TestServer::Reply reply = m_server->get(m_server->flags(u"?limit=1000&"_s + query));
    QStringList keys;
    for (const QJsonValue &flag : reply.object().value(u"results"_s).toArray())
        keys.append(flag.toObject().value(u"key"_s).toString());
    return keys;
}

QJsonObject TestFlagListModel::serverFlag(qint64 id)
{
    return m_server->get(m_server->flags(QString::number(id) + u'/')).object();
}

void TestFlagListModel::firstPageLoads()
{
    for (int i = 0; i < 5; ++i)
        create(u"flag-%1"_s.arg(i));
    QSignalSpy loading(m_model.get(), &FlagListModel::loadingChanged);
    QSignalSpy counted(m_model.get(), &FlagListModel::totalCountChanged);
    connectModel();
    QVERIFY(m_model->isLoading());
    QVERIFY(!m_model->canFetchMore({}));
    QVERIFY(waitLoaded());

    QCOMPARE(loading.size(), 2);
    QCOMPARE(loading.at(0).at(0).toBool(), true);
    QCOMPARE(loading.at(1).at(0).toBool(), false);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(counted.at(0).at(0).toInt(), 5);
    QCOMPARE(m_model->totalCount(), 5);
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->columnCount(), int(FlagListModel::ColumnCount));
    QCOMPARE(modelKeys(), serverKeys({}));
    QVERIFY(!m_model->canFetchMore({}));
}

void TestFlagListModel::columnsShowTheFlag()
{
    const qint64 id = create(u"new-checkout"_s, rollout(30),
                             QJsonObject{{u"name"_s, u"New checkout\nSecond line"_s},
                                         {u"tags"_s, QJsonArray{u"beta"_s, u"checkout"_s}}});
    connectModel();
    QVERIFY(waitLoaded());
    QCOMPARE(m_model->rowCount(), 1);
    const QJsonObject json = serverFlag(id);
    const FeatureFlag flag = FeatureFlag::fromJson(json);
    QCOMPARE(m_model->flagAt(0), models::FlagRow::fromFlag(flag));
    QCOMPARE(m_model->rowOfFlag(id), 0);
    QCOMPARE(m_model->rowOfFlag(id + 1000), -1);

    const auto cell = [this](int column, int role = Qt::DisplayRole) {
        return m_model->index(0, column).data(role);
    };
    QCOMPARE(cell(FlagListModel::KeyColumn).toString(), u"new-checkout"_s);
    QCOMPARE(cell(FlagListModel::NameColumn).toString(), u"New checkout …"_s);
    QCOMPARE(cell(FlagListModel::NameColumn, Qt::ToolTipRole).toString(),
             u"New checkout\nSecond line"_s);
    QCOMPARE(cell(FlagListModel::TypeColumn).toString(), u"Boolean"_s);
    QCOMPARE(cell(FlagListModel::StatusColumn).toString(), u"Active"_s);
    QCOMPARE(cell(FlagListModel::RolloutColumn).toString(), u"30% of users"_s);
    QCOMPARE(cell(FlagListModel::RolloutColumn, Qt::ToolTipRole).toString(),
             u"Condition 1: 30% of users"_s);
    QCOMPARE(cell(FlagListModel::TagsColumn).toString(), u"beta, checkout"_s);
    QVERIFY(!cell(FlagListModel::CreatedByColumn).toString().isEmpty());
    QCOMPARE(cell(FlagListModel::CreatedByColumn).toString(), models::createdByText(flag));
    // Just written, so a moment ago; the tooltip holds the exact time.
    QCOMPARE(cell(FlagListModel::UpdatedColumn).toString(), u"just now"_s);
    QCOMPARE(cell(FlagListModel::UpdatedColumn, Qt::ToolTipRole).toString(),
             models::exactTimeText(json.value(u"updated_at"_s).toString()));
    QCOMPARE(cell(FlagListModel::UpdatedColumn, FlagListModel::TimestampRole).toDateTime(),
             parseTimestamp(json.value(u"updated_at"_s).toString()));
    QCOMPARE(cell(FlagListModel::LastCalledColumn).toString(), QString());
    QCOMPARE(cell(FlagListModel::LastCalledColumn, Qt::ToolTipRole).toString(),
             u"No call recorded"_s);

    for (int column = 0; column < FlagListModel::ColumnCount; ++column) {
        QCOMPARE(cell(column, FlagListModel::FlagIdRole).toLongLong(), id);
        QCOMPARE(cell(column, FlagListModel::FlagKeyRole).toString(), u"new-checkout"_s);
        QCOMPARE(cell(column, FlagListModel::ActiveRole).toBool(), true);
        QCOMPARE(cell(column, FlagListModel::TagsRole).toStringList(),
                 (QStringList{u"beta"_s, u"checkout"_s}));
    }

    const QStringList headers{u"Key"_s,        u"Name"_s,    u"Type"_s,
                              u"Status"_s,     u"Rollout"_s, u"Tags"_s,
                              u"Created by"_s, u"Updated"_s, u"Last called"_s};
    for (int column = 0; column < FlagListModel::ColumnCount; ++column)
        QCOMPARE(m_model->headerData(column, Qt::Horizontal).toString(), headers.at(column));
    QVERIFY(m_model->flags(m_model->index(0, 0)).testFlag(Qt::ItemIsSelectable));
    QVERIFY(!m_model->flags(m_model->index(0, 0)).testFlag(Qt::ItemIsEditable));
}

void TestFlagListModel::pagesLoadWhereTheViewLooks()
{
    for (int i = 0; i < 250; ++i)
        create(u"flag-%1"_s.arg(i, 3, 10, QChar(u'0')));
    m_model->setPageSize(100);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy loading(m_model.get(), &FlagListModel::loadingChanged);
    connectModel();
    QVERIFY(waitLoaded());

    // The first page tells the count: every row is there at once, the first hundred loaded.
    QCOMPARE(m_model->rowCount(), 250);
    QCOMPARE(m_model->totalCount(), 250);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(loading.size(), 2);
    QVERIFY(m_model->isRowLoaded(99));
    QVERIFY(!m_model->isRowLoaded(100));
    QVERIFY(!m_model->canFetchMore({}));

    // Showing the last row asks for its page, and for no page on the way there.
    const QStringList all = serverKeys({});
    QCOMPARE(all.size(), 250);
    QCOMPARE(m_model->index(249, FlagListModel::KeyColumn).data().toString(), u"Loading…"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->isRowLoaded(249), kTimeout);
    QVERIFY(waitLoaded());
    QVERIFY(m_model->isRowLoaded(200));
    QVERIFY(!m_model->isRowLoaded(150));
    QCOMPARE(m_model->index(249, FlagListModel::KeyColumn).data().toString(), all.at(249));
    QCOMPARE(m_model->rowOfFlag(m_model->flagAt(200).id), 200);

    QVERIFY(loadAll());
    const QStringList keys = modelKeys();
    QCOMPARE(keys, all);
    QCOMPARE(QSet<QString>(keys.begin(), keys.end()).size(), 250);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(reset.size(), 1);

    // A smaller page size pages the same list in more steps.
    m_model->setPageSize(60);
    m_model->reload();
    QVERIFY(waitLoaded());
    QCOMPARE(m_model->rowCount(), 250);
    QVERIFY(m_model->isRowLoaded(59));
    QVERIFY(!m_model->isRowLoaded(60));
    QVERIFY(loadAll());
    QCOMPARE(modelKeys(), keys);
}

void TestFlagListModel::searchNarrowsAndCountUpdates()
{
    create(u"checkout-button"_s);
    create(u"checkout-flow"_s);
    create(u"billing"_s);
    connectModel();
    QVERIFY(waitLoaded());
    QCOMPARE(m_model->totalCount(), 3);

    QSignalSpy counted(m_model.get(), &FlagListModel::totalCountChanged);
    api::FlagListQuery query;
    query.search = u"CHECKOUT"_s;
    m_model->setQuery(query);
    QCOMPARE(m_model->query(), query);
    QVERIFY(waitLoaded());
    QCOMPARE(counted.size(), 1);
    QCOMPARE(counted.at(0).at(0).toInt(), 2);
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(modelKeys(), serverKeys(u"search=CHECKOUT"_s));

    query.search = u"nothing-like-this"_s;
    m_model->setQuery(query);
    QVERIFY(waitLoaded());
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->totalCount(), 0);
}

void TestFlagListModel::queryChangeDuringLoadNeverShowsOldRows()
{
    for (int i = 0; i < 3; ++i)
        create(u"alpha-%1"_s.arg(i));
    for (int i = 0; i < 2; ++i)
        create(u"beta-%1"_s.arg(i));

    QStringList shown;
    const auto record = [&] { shown.append(modelKeys()); };
    connect(m_model.get(), &QAbstractItemModel::modelReset, this, record);
    connect(m_model.get(), &QAbstractItemModel::rowsInserted, this, record);
    QSignalSpy loading(m_model.get(), &FlagListModel::loadingChanged);
    QSignalSpy failed(m_model.get(), &FlagListModel::loadFailed);

    connectModel(); // everything
    api::FlagListQuery query;
    query.search = u"alpha"_s;
    m_model->setQuery(query);
    query.search = u"beta"_s;
    m_model->setQuery(query);
    QVERIFY(waitLoaded());

    QCOMPARE(modelKeys(), serverKeys(u"search=beta"_s));
    QCOMPARE(m_model->totalCount(), 2);
    for (const QString &key : shown)
        QVERIFY2(key.startsWith("beta-"_L1), qPrintable(key));
    // One load as far as a view can tell, and canceled loads are no failures.
    QCOMPARE(loading.size(), 2);
    QCOMPARE(failed.size(), 0);
    // Nothing of the older queries arrives later either.
    QTest::qWait(200);
    QCOMPARE(modelKeys(), serverKeys(u"search=beta"_s));
}

void TestFlagListModel::failedLoadKeepsRows()
{
    create(u"one"_s);
    create(u"two"_s);
    connectModel();
    QVERIFY(waitLoaded());
    const QStringList before = modelKeys();

    QSignalSpy failed(m_model.get(), &FlagListModel::loadFailed);
    api::FlagListQuery query;
    query.order = u"colour"_s; // no field the server orders by
    m_model->setQuery(query);
    QVERIFY(waitLoaded());
    QCOMPARE(failed.size(), 1);
    const auto error = failed.at(0).at(0).value<api::ApiError>();
    QCOMPARE(error.status, 400);
    QVERIFY2(error.message().contains("colour"_L1), qPrintable(error.message()));
    QCOMPARE(modelKeys(), before);
    QCOMPARE(m_model->totalCount(), 2);
}

void TestFlagListModel::sortByKeyFollowsTheServer()
{
    for (const QString &key : {u"mango"_s, u"apple"_s, u"kiwi"_s, u"banana"_s, u"cherry"_s})
        create(key);
    connectModel();
    QVERIFY(waitLoaded());

    m_model->sort(FlagListModel::KeyColumn, Qt::AscendingOrder);
    QVERIFY(m_model->isLoading());
    QCOMPARE(m_model->query().order, u"key"_s);
    QVERIFY(waitLoaded());
    QCOMPARE(modelKeys(),
             (QStringList{u"apple"_s, u"banana"_s, u"cherry"_s, u"kiwi"_s, u"mango"_s}));
    QCOMPARE(modelKeys(), serverKeys(u"order=key"_s));

    m_model->sort(FlagListModel::KeyColumn, Qt::DescendingOrder);
    QCOMPARE(m_model->query().order, u"-key"_s);
    QVERIFY(waitLoaded());
    QCOMPARE(modelKeys(),
             (QStringList{u"mango"_s, u"kiwi"_s, u"cherry"_s, u"banana"_s, u"apple"_s}));
    QCOMPARE(modelKeys(), serverKeys(u"order=-key"_s));

    // The same order again asks the server nothing.
    m_model->sort(FlagListModel::KeyColumn, Qt::DescendingOrder);
    QVERIFY(!m_model->isLoading());

    // Back to the server's own order.
    m_model->sort(-1, Qt::AscendingOrder);
    QCOMPARE(m_model->query().order, QString());
    QVERIFY(waitLoaded());
    QCOMPARE(modelKeys(), serverKeys({}));
}

void TestFlagListModel::sortOnOtherColumns()
{
    create(u"a"_s, rollout(100), QJsonObject{{u"active"_s, false}});
    create(u"b"_s);
    create(u"c"_s, rollout(100), QJsonObject{{u"active"_s, false}});
    connectModel();
    QVERIFY(waitLoaded());

    m_model->sort(FlagListModel::StatusColumn, Qt::AscendingOrder);
    QCOMPARE(m_model->query().order, u"active"_s);
    QVERIFY(waitLoaded());
    QCOMPARE(modelKeys(), serverKeys(u"order=active"_s));
    QCOMPARE(m_model->index(2, FlagListModel::KeyColumn).data().toString(), u"b"_s);

    m_model->sort(FlagListModel::UpdatedColumn, Qt::DescendingOrder);
    QCOMPARE(m_model->query().order, u"-updated_at"_s);
    QVERIFY(waitLoaded());
    QCOMPARE(modelKeys(), serverKeys(u"order=-updated_at"_s));

    // Columns the server cannot order by leave the list as it is.
    for (const int column :
         {FlagListModel::TypeColumn, FlagListModel::RolloutColumn, FlagListModel::TagsColumn}) {
        QCOMPARE(FlagListModel::orderField(column), QString());
        m_model->sort(column, Qt::AscendingOrder);
        QVERIFY(!m_model->isLoading());
        QCOMPARE(m_model->query().order, u"-updated_at"_s);
    }
    QCOMPARE(FlagListModel::orderField(FlagListModel::NameColumn), u"name"_s);
    QCOMPARE(FlagListModel::orderField(FlagListModel::CreatedByColumn), u"created_by_id"_s);
    QCOMPARE(FlagListModel::orderField(FlagListModel::LastCalledColumn), u"last_called_at"_s);

    // Every order the model asks for is one the server knows.
    for (int column = 0; column < FlagListModel::ColumnCount; ++column) {
        const QString field = FlagListModel::orderField(column);
        if (field.isEmpty())
            continue;
        m_model->sort(column, Qt::AscendingOrder);
        QSignalSpy failed(m_model.get(), &FlagListModel::loadFailed);
        QVERIFY(waitLoaded());
        QCOMPARE(failed.size(), 0);
        QCOMPARE(modelKeys(), serverKeys(u"order="_s + field));
    }
}

void TestFlagListModel::createFlagInsertsAtTop()
{
    create(u"old-1"_s);
    create(u"old-2"_s);
    connectModel();
    QVERIFY(waitLoaded());

    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy counted(m_model.get(), &FlagListModel::totalCountChanged);
    Outcome<FeatureFlag> outcome;
    m_model->createFlag(u"fresh-flag"_s, u"A fresh flag"_s, outcome.callback());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.arrived(), kTimeout);
    QVERIFY2(outcome.result().ok(), qPrintable(failure(outcome.result())));
    QCOMPARE(outcome.result()->key, u"fresh-flag"_s);

    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->index(0, FlagListModel::KeyColumn).data().toString(), u"fresh-flag"_s);
    QCOMPARE(m_model->flagAt(0).id, outcome.result()->id);
    QCOMPARE(m_model->totalCount(), 3);
    QCOMPARE(counted.size(), 1);

    // A new flag reaches no one: switched off, its one condition (no filters) at 0 %.
    const QJsonObject stored = serverFlag(outcome.result()->id);
    QCOMPARE(stored.value(u"name"_s).toString(), u"A fresh flag"_s);
    QCOMPARE(stored.value(u"active"_s).toBool(), false);
    const QJsonArray groups = stored.value(u"filters"_s).toObject().value(u"groups"_s).toArray();
    QCOMPARE(groups.size(), 1);
    QCOMPARE(groups.at(0).toObject().value(u"properties"_s).toArray().size(), 0);
    QCOMPARE(groups.at(0).toObject().value(u"rollout_percentage"_s).toDouble(-1), 0.0);
    QCOMPARE(m_model->index(0, FlagListModel::RolloutColumn).data().toString(), u"Off"_s);

    // Or switched on at 0 %, when the user asks for that.
    Outcome<FeatureFlag> on;
    m_model->setNewFlagStart(FlagListModel::NewFlagStart::ZeroPercent);
    m_model->createFlag(u"fresh-on"_s, u"On at 0%"_s, on.callback());
    QTRY_VERIFY_WITH_TIMEOUT(on.arrived(), kTimeout);
    QVERIFY2(on.result().ok(), qPrintable(failure(on.result())));
    const QJsonObject storedOn = serverFlag(on.result()->id);
    QCOMPARE(storedOn.value(u"active"_s).toBool(), true);
    QCOMPARE(storedOn["filters"_L1]["groups"_L1][0]["rollout_percentage"_L1].toDouble(-1), 0.0);
}

void TestFlagListModel::createFlagRefusedInsertsNothing()
{
    create(u"taken"_s);
    connectModel();
    QVERIFY(waitLoaded());

    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    Outcome<FeatureFlag> outcome;
    m_model->createFlag(u"taken"_s, u"Again"_s, outcome.callback());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.arrived(), kTimeout);
    QVERIFY(!outcome.result().ok());
    QCOMPARE(outcome.result().error().status, 400);
    QCOMPARE(outcome.result().error().attr, u"key"_s);
    QVERIFY(!outcome.result().error().detail.isEmpty());
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->totalCount(), 1);
}

void TestFlagListModel::setActiveToggles()
{
    const qint64 id = create(u"toggle-me"_s);
    create(u"bystander"_s);
    connectModel();
    QVERIFY(waitLoaded());
    const int row = m_model->rowOfFlag(id);
    QVERIFY(row >= 0);

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    Outcome<FeatureFlag> off;
    m_model->setActive(id, false, off.callback());
    QTRY_VERIFY_WITH_TIMEOUT(off.arrived(), kTimeout);
    QVERIFY2(off.result().ok(), qPrintable(failure(off.result())));
    QCOMPARE(off.result()->active, false);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), row);
    QCOMPARE(m_model->index(row, 0).data(FlagListModel::ActiveRole).toBool(), false);
    QCOMPARE(m_model->index(row, FlagListModel::StatusColumn).data().toString(), u"Inactive"_s);
    QCOMPARE(m_model->index(row, FlagListModel::RolloutColumn).data().toString(), u"Off"_s);
    QCOMPARE(m_model->flagAt(row).version, 2);
    QCOMPARE(serverFlag(id).value(u"active"_s).toBool(), false);

    Outcome<FeatureFlag> on;
    m_model->setActive(id, true, on.callback());
    QTRY_VERIFY_WITH_TIMEOUT(on.arrived(), kTimeout);
    QVERIFY(on.result().ok());
    QCOMPARE(m_model->index(row, 0).data(FlagListModel::ActiveRole).toBool(), true);
    QCOMPARE(m_model->index(row, FlagListModel::StatusColumn).data().toString(), u"Active"_s);
    QCOMPARE(serverFlag(id).value(u"active"_s).toBool(), true);
}

void TestFlagListModel::setActiveRefusedForADependency()
{
    const qint64 a = create(u"flag-a"_s);
    create(u"flag-b"_s, dependingOn(a));
    connectModel();
    QVERIFY(waitLoaded());

    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    Outcome<FeatureFlag> outcome;
    m_model->setActive(a, false, outcome.callback());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.arrived(), kTimeout);
    QVERIFY(!outcome.result().ok());
    const api::ApiError &error = outcome.result().error();
    QCOMPARE(error.status, 400);
    QVERIFY2(error.detail.contains("other flags depend on it"_L1), qPrintable(error.detail));
    QVERIFY2(error.detail.contains("flag-b"_L1), qPrintable(error.detail));
    QCOMPARE(error.message(), error.detail);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(m_model->index(m_model->rowOfFlag(a), 0).data(FlagListModel::ActiveRole).toBool(),
             true);
    QCOMPARE(serverFlag(a).value(u"active"_s).toBool(), true);
}

void TestFlagListModel::deleteOneFlag()
{
    const qint64 id = create(u"doomed"_s);
    create(u"survivor"_s);
    connectModel();
    QVERIFY(waitLoaded());
    QCOMPARE(m_model->totalCount(), 2);

    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    Outcome<api::BulkDeleteResult> outcome;
    m_model->deleteFlags({id}, outcome.callback());
    QCOMPARE(m_model->rowCount(), 2); // only once the server agreed
    QTRY_VERIFY_WITH_TIMEOUT(outcome.arrived(), kTimeout);
    QVERIFY2(outcome.result().ok(), qPrintable(failure(outcome.result())));
    QCOMPARE(outcome.result()->deleted.size(), 1);
    QCOMPARE(outcome.result()->deleted.first().id, id);
    QCOMPARE(outcome.result()->deleted.first().key, u"doomed"_s);
    QVERIFY(outcome.result()->refused.isEmpty());
    QCOMPARE(removed.size(), 1);
    QCOMPARE(m_model->rowOfFlag(id), -1);
    QCOMPARE(modelKeys(), QStringList{u"survivor"_s});
    QCOMPARE(m_model->totalCount(), 1);
    QCOMPARE(serverKeys({}), QStringList{u"survivor"_s});
}

void TestFlagListModel::deleteOneRefused()
{
    const qint64 a = create(u"needed"_s);
    create(u"needs-it"_s, dependingOn(a));
    connectModel();
    QVERIFY(waitLoaded());

    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    Outcome<api::BulkDeleteResult> outcome;
    m_model->deleteFlags({a}, outcome.callback());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.arrived(), kTimeout);
    QVERIFY2(outcome.result().ok(), qPrintable(failure(outcome.result())));
    QVERIFY(outcome.result()->deleted.isEmpty());
    QCOMPARE(outcome.result()->refused.size(), 1);
    const api::BulkDeleteResult::Refused &refused = outcome.result()->refused.first();
    QCOMPARE(refused.id, a);
    QCOMPARE(refused.key, u"needed"_s);
    QVERIFY2(refused.reason.contains("needs-it"_L1), qPrintable(refused.reason));
    QCOMPARE(removed.size(), 0);
    QVERIFY(m_model->rowOfFlag(a) >= 0);
    QCOMPARE(m_model->totalCount(), 2);
    QCOMPARE(serverFlag(a).value(u"deleted"_s).toBool(), false);
}

void TestFlagListModel::deleteSeveralWithARefusal()
{
    const qint64 a = create(u"needed"_s);
    const qint64 one = create(u"one"_s);
    const qint64 two = create(u"two"_s);
    create(u"needs-it"_s, dependingOn(a));
    connectModel();
    QVERIFY(waitLoaded());
    QCOMPARE(m_model->totalCount(), 4);

    Outcome<api::BulkDeleteResult> outcome;
    m_model->deleteFlags({one, a, two}, outcome.callback());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.arrived(), kTimeout);
    QVERIFY2(outcome.result().ok(), qPrintable(failure(outcome.result())));
    QList<qint64> deleted;
    for (const api::FlagRef &ref : outcome.result()->deleted)
        deleted.append(ref.id);
    std::sort(deleted.begin(), deleted.end());
    QCOMPARE(deleted, (QList<qint64>{one, two}));
    QCOMPARE(outcome.result()->refused.size(), 1);
    QCOMPARE(outcome.result()->refused.first().id, a);
    QVERIFY(outcome.result()->refused.first().reason.contains("depend"_L1));

    QCOMPARE(m_model->rowOfFlag(one), -1);
    QCOMPARE(m_model->rowOfFlag(two), -1);
    QVERIFY(m_model->rowOfFlag(a) >= 0);
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->totalCount(), 2);
    QCOMPARE(modelKeys(), serverKeys({}));

    // Nothing to delete is answered at once, and nothing changes.
    Outcome<api::BulkDeleteResult> none;
    m_model->deleteFlags({}, none.callback());
    QVERIFY(none.arrived());
    QVERIFY(none.result().ok());
    QVERIFY(none.result()->deleted.isEmpty());
    QCOMPARE(m_model->rowCount(), 2);
}

void TestFlagListModel::restoreFlagPutsItBack()
{
    const qint64 id = create(u"undo-me"_s);
    create(u"other"_s);
    connectModel();
    QVERIFY(waitLoaded());
    const QStringList before = modelKeys();

    Outcome<api::BulkDeleteResult> deleted;
    m_model->deleteFlags({id}, deleted.callback());
    QTRY_VERIFY_WITH_TIMEOUT(deleted.arrived(), kTimeout);
    QCOMPARE(m_model->rowOfFlag(id), -1);

    Outcome<FeatureFlag> restored;
    m_model->restoreFlag(id, restored.callback());
    QTRY_VERIFY_WITH_TIMEOUT(restored.arrived(), kTimeout);
    QVERIFY2(restored.result().ok(), qPrintable(failure(restored.result())));
    QCOMPARE(restored.result()->deleted, false);
    QVERIFY(waitLoaded());
    QVERIFY(m_model->rowOfFlag(id) >= 0);
    QCOMPARE(modelKeys(), before); // in its place in the server's order
    QCOMPARE(m_model->totalCount(), 2);
    QCOMPARE(serverFlag(id).value(u"deleted"_s).toBool(), false);
}

void TestFlagListModel::updateTagsAddRemoveSet()
{
    const qint64 one =
        create(u"one"_s, rollout(100), QJsonObject{{u"tags"_s, QJsonArray{u"old"_s}}});
    const qint64 two = create(u"two"_s);
    const qint64 untouched =
        create(u"three"_s, rollout(100), QJsonObject{{u"tags"_s, QJsonArray{u"keep"_s}}});
    connectModel();
    QVERIFY(waitLoaded());
    const auto tagsOf = [this](qint64 id) {
        return m_model->index(m_model->rowOfFlag(id), FlagListModel::TagsColumn)
            .data(FlagListModel::TagsRole)
            .toStringList();
    };

    Outcome<api::BulkTagsResult> added;
    m_model->updateTags({one, two}, api::Client::TagAction::Add, {u"Beta "_s}, added.callback());
    QTRY_VERIFY_WITH_TIMEOUT(added.arrived(), kTimeout);
    QVERIFY2(added.result().ok(), qPrintable(failure(added.result())));
    QCOMPARE(added.result()->updated.size(), 2);
    // The rows carry the tags as the server stored them, normalized.
    QCOMPARE(tagsOf(one), (QStringList{u"beta"_s, u"old"_s}));
    QCOMPARE(tagsOf(two), QStringList{u"beta"_s});
    QCOMPARE(tagsOf(untouched), QStringList{u"keep"_s});
    QCOMPARE(m_model->index(m_model->rowOfFlag(one), FlagListModel::TagsColumn).data().toString(),
             u"beta, old"_s);
    QCOMPARE(m_model->flagAt(m_model->rowOfFlag(one)).version,
             serverFlag(one).value(u"version"_s).toInt());

    Outcome<api::BulkTagsResult> removed;
    m_model->updateTags({one, two}, api::Client::TagAction::Remove, {u"old"_s}, removed.callback());
    QTRY_VERIFY_WITH_TIMEOUT(removed.arrived(), kTimeout);
    QVERIFY(removed.result().ok());
    QCOMPARE(tagsOf(one), QStringList{u"beta"_s});
    QCOMPARE(tagsOf(two), QStringList{u"beta"_s});

    Outcome<api::BulkTagsResult> set;
    m_model->updateTags({one, untouched}, api::Client::TagAction::Set, {u"y"_s, u"x"_s},
                        set.callback());
    QTRY_VERIFY_WITH_TIMEOUT(set.arrived(), kTimeout);
    QVERIFY(set.result().ok());
    QCOMPARE(tagsOf(one), (QStringList{u"x"_s, u"y"_s}));
    QCOMPARE(tagsOf(untouched), (QStringList{u"x"_s, u"y"_s}));
    QCOMPARE(tagsOf(two), QStringList{u"beta"_s});
    for (const qint64 id : {one, two, untouched}) {
        QStringList stored;
        for (const QJsonValue &tag : serverFlag(id).value(u"tags"_s).toArray())
            stored.append(tag.toString());
        QCOMPARE(tagsOf(id), stored);
    }

    // A refused request reaches the caller and changes no row.
    Outcome<api::BulkTagsResult> refused;
    m_model->updateTags({one}, api::Client::TagAction::Add, {}, refused.callback());
    QTRY_VERIFY_WITH_TIMEOUT(refused.arrived(), kTimeout);
    QVERIFY(!refused.result().ok());
    QCOMPARE(refused.result().error().status, 400);
    QCOMPARE(refused.result().error().attr, u"tags"_s);
    QCOMPARE(tagsOf(one), (QStringList{u"x"_s, u"y"_s}));
}

void TestFlagListModel::updateFlagReplacesARow()
{
    const qint64 id = create(u"edited"_s);
    create(u"other"_s);
    connectModel();
    QVERIFY(waitLoaded());

    FeatureFlag flag;
    flag.id = id;
    flag.key = m_model->flagAt(m_model->rowOfFlag(id)).key;
    flag.name = u"Changed in an editor"_s;
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->updateFlag(flag);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_model->index(m_model->rowOfFlag(id), FlagListModel::NameColumn).data().toString(),
             u"Changed in an editor"_s);

    // A flag this list does not show stays out of it.
    FeatureFlag stranger = flag;
    stranger.id = id + 1000;
    m_model->updateFlag(stranger);
    QCOMPARE(m_model->rowCount(), 2);

    flag.deleted = true;
    m_model->updateFlag(flag);
    QCOMPARE(m_model->rowOfFlag(id), -1);
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->totalCount(), 1);
}

void TestFlagListModel::withoutClient()
{
    create(u"somewhere"_s);
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(!m_model->canFetchMore({}));
    m_model->reload();
    QVERIFY(!m_model->isLoading());

    Outcome<FeatureFlag> created;
    m_model->createFlag(u"x"_s, u"x"_s, created.callback());
    QVERIFY(created.arrived());
    QVERIFY(!created.result().ok());
    QCOMPARE(created.result().error().kind, api::ApiError::Kind::Unreachable);

    // Connected, then disconnected: the rows of the connection go with it.
    connectModel();
    QVERIFY(waitLoaded());
    QCOMPARE(m_model->rowCount(), 1);
    m_model->setClient(nullptr);
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->totalCount(), 0);
    QVERIFY(!m_model->isLoading());
}

QTEST_MAIN(TestFlagListModel)
#include "tst_flag_list_model.moc"
