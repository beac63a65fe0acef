// The JSON types of `filters` as sent: every field, every wrong JSON type, refused with the path
// and the type PostHog's filters guard names ("groups[0].rollout_percentage must be a number or
// null, got str"); the right types pass. Parsing first would read a wrong rollout as none, that
// is as 100 %.
#include "filters_shape.h"
#include "filters_shape_cases.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using bunting::filtersShapeErrors;

using namespace filters_shape_cases;

class TestFiltersShape : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validFiltersPass();
    void everyFieldEveryType_data();
    void everyFieldEveryType();
    void aFlagDependencyMayNameItsIdAsANumber();
    void onlyTheSentObjectIsChecked();
};

void TestFiltersShape::validFiltersPass()
{
    const auto errors = filtersShapeErrors(validFilters());
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().detail));
}

void TestFiltersShape::everyFieldEveryType_data()
{
    QTest::addColumn<QList<QVariant>>("path");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("accepted");
    for (const Field &field : fields())
        for (const auto &[kind, value] : samples())
            QTest::addRow(
                "%s = %s", qPrintable(field.name),
                QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).constData())
                << field.path << value << field.name << field.accepted.contains(kind);
}

void TestFiltersShape::everyFieldEveryType()
{
    QFETCH(QList<QVariant>, path);
    QFETCH(QJsonValue, value);
    QFETCH(QString, name);
    QFETCH(bool, accepted);
    const auto errors = filtersShapeErrors(replaced(validFilters(), path, value));
    if (accepted) {
        QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().detail));
        return;
    }
    QVERIFY(!errors.isEmpty());
    for (const auto &error : errors) {
        QCOMPARE(error.code, u"invalid_input"_s);
        QCOMPARE(error.attr, u"filters"_s);
        QVERIFY2(error.detail.startsWith(name), qPrintable(error.detail));
    }
}

void TestFiltersShape::aFlagDependencyMayNameItsIdAsANumber()
{
    const QJsonObject dependency{{u"key"_s, 12},
                                 {u"type"_s, u"flag"_s},
                                 {u"operator"_s, u"flag_evaluates_to"_s},
                                 {u"value"_s, true}};
    const QJsonObject filters{
        {u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{dependency}}}}}};
    QVERIFY(filtersShapeErrors(filters).isEmpty());
    QJsonObject person = dependency;
    person.insert(u"type"_s, u"person"_s);
    const auto errors = filtersShapeErrors(
        QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"properties"_s, QJsonArray{person}}}}}});
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().detail, u"groups[0].properties[0].key must be a string, got int"_s);
}

void TestFiltersShape::onlyTheSentObjectIsChecked()
{
    // A PATCH may send only some keys; absent ones are the stored filters' business.
    QVERIFY(filtersShapeErrors(QJsonObject{{u"payloads"_s, QJsonObject()}}).isEmpty());
    QVERIFY(filtersShapeErrors(QJsonValue::Undefined).isEmpty());
    QCOMPARE(
        filtersShapeErrors(
            QJsonObject{{u"groups"_s, QJsonArray{QJsonObject{{u"rollout_percentage"_s, u"0"_s}}}}})
            .first()
            .detail,
        u"groups[0].rollout_percentage must be a number or null, got str"_s);
}

QTEST_GUILESS_MAIN(TestFiltersShape)
#include "tst_filters_shape.moc"
