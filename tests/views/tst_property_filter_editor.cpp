// The property filter row of the rollout editor: what it shows for each type and operator, what
// each edit writes, and that a filter it only showed comes back unchanged.
#include "property_date_editor.h"
#include "property_filter_editor.h"
#include "property_value_editor.h"
#include "test_flags.h"

#include <QApplication>
#include <QComboBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QTest>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::views::PropertyDateEditor;
using bunting::views::PropertyFilterChoices;
using bunting::views::PropertyFilterEditor;
using bunting::views::PropertyValueEditor;

namespace {

QJsonObject parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad test data: %s in %s", qPrintable(error.errorString()), json.constData());
    return doc.object();
}

// Compact JSON text tells 5 from 5.0 from "5", which QJsonValue's == does not all do.
QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

PropertyFilter filterFrom(const QByteArray &json)
{
    return PropertyFilter::fromJson(parse(json));
}

PropertyFilterChoices choices()
{
    PropertyFilterChoices c;
    c.personPropertyKeys = {u"email"_s, u"plan"_s, u"country"_s, u"app_version"_s,
                            u"signup_date"_s};
    c.groupPropertyKeys.insert(0, {u"name"_s, u"industry"_s, u"seats"_s});
    c.groupPropertyKeys.insert(1, {u"region"_s});
    c.cohorts = {{7, u"Beta testers"_s}, {9, u"Paying customers"_s}};
    c.flags = {{12, u"new-checkout"_s, {u"control"_s, u"test"_s}}, {15, u"dark-mode"_s, {}}};
    c.groupTypes = {{0, u"company"_s}, {1, u"project"_s}};
    return c;
}

// Filters written by hand: every operator core knows, each value shape PostHog stores, and the
// fields the row does not show.
const QList<QByteArray> kHandWritten = {
    R"({"key": "plan", "type": "person", "value": ["free", "pro"], "operator": "exact"})",
    R"({"key": "plan", "type": "person", "value": "free", "operator": "exact"})",
    R"({"key": "seats", "type": "person", "value": 5, "operator": "exact"})",
    R"({"key": "beta", "type": "person", "value": true, "operator": "exact"})",
    R"({"key": "beta", "type": "person", "value": ["true", 1, 2.5, null]})",
    R"({"key": "plan", "value": "free"})",
    R"({"key": "plan", "type": "person", "value": ["free"], "operator": "is_not"})",
    R"({"key": "email", "type": "person", "value": "is_set", "operator": "is_set"})",
    R"({"key": "email", "type": "person", "operator": "is_set"})",
    R"({"key": "email", "type": "person", "value": null, "operator": "is_not_set"})",
    R"({"key": "email", "type": "person", "value": "@posthog.com", "operator": "icontains"})",
    R"({"key": "email", "type": "person", "value": "spam", "operator": "not_icontains"})",
    R"({"key": "email", "type": "person", "value": "admin", "operator": "starts_with"})",
    R"({"key": "email", "type": "person", "value": "test", "operator": "not_starts_with"})",
    R"({"key": "email", "type": "person", "value": ".com", "operator": "ends_with"})",
    R"({"key": "email", "type": "person", "value": ".ru", "operator": "not_ends_with"})",
    R"({"key": "email", "type": "person", "value": "^a.*z$", "operator": "regex"})",
    R"({"key": "email", "type": "person", "value": "[unclosed", "operator": "not_regex"})",
    R"({"key": "seats", "type": "person", "value": "10", "operator": "gt"})",
    R"({"key": "seats", "type": "person", "value": 3.5, "operator": "gte"})",
    R"({"key": "name", "type": "person", "value": "m", "operator": "lt"})",
    R"({"key": "seats", "type": "person", "value": 7, "operator": "lte"})",
    R"({"key": "signup_date", "type": "person", "value": "2024-01-31",
        "operator": "is_date_before"})",
    R"({"key": "signup_date", "type": "person", "value": "-7d", "operator": "is_date_after"})",
    R"({"key": "signup_date", "type": "person", "value": "2024-05-01T10:00:00Z",
        "operator": "is_date_exact"})",
    R"({"key": "signup_date", "type": "person", "value": 1700000000000,
        "operator": "is_date_before"})",
    R"({"key": "signup_date", "type": "person", "value": "yesterday",
        "operator": "is_date_after"})",
    R"({"key": "app_version", "type": "person", "value": "1.2.3", "operator": "semver_eq"})",
    R"({"key": "app_version", "type": "person", "value": "1.2.3", "operator": "semver_neq"})",
    R"({"key": "app_version", "type": "person", "value": "v2", "operator": "semver_gt"})",
    R"({"key": "app_version", "type": "person", "value": "2.0", "operator": "semver_gte"})",
    R"({"key": "app_version", "type": "person", "value": "3.0.0", "operator": "semver_lt"})",
    R"({"key": "app_version", "type": "person", "value": "3.1.0", "operator": "semver_lte"})",
    R"({"key": "app_version", "type": "person", "value": "1.2.0", "operator": "semver_tilde"})",
    R"({"key": "app_version", "type": "person", "value": "^1.2", "operator": "semver_caret"})",
    R"({"key": "app_version", "type": "person", "value": "1.*", "operator": "semver_wildcard"})",
    R"({"key": "id", "type": "cohort", "value": 7, "operator": "in"})",
    R"({"key": "id", "type": "cohort", "value": "9", "operator": "not_in"})",
    R"({"key": "id", "type": "cohort", "value": 7})",
    R"({"key": "id", "type": "cohort", "value": 99, "operator": "in", "negation": true})",
    R"({"key": "12", "type": "flag", "value": true, "operator": "flag_evaluates_to"})",
    R"({"key": "12", "type": "flag", "value": "test", "operator": "flag_evaluates_to"})",
    R"({"key": "15", "type": "flag", "value": false, "operator": "flag_evaluates_to"})",
    R"({"key": "new-checkout", "type": "flag", "value": "control", "operator": "flag_evaluates_to",
        "dependency_chain": ["new-checkout"]})",
    R"({"key": "404", "type": "flag", "value": "gone", "operator": "flag_evaluates_to"})",
    R"({"key": "industry", "type": "group", "value": ["saas"], "operator": "exact",
        "group_type_index": 0})",
    R"({"key": "seats", "type": "group", "value": "50", "operator": "gt", "group_type_index": 5})",
    R"({"key": "email", "type": "person", "value": ["a", "b"], "operator": "icontains_multi"})",
    R"({"key": "age", "type": "person", "value": 18, "operator": "min"})",
    R"({"key": "pageview", "type": "behavioral", "value": "performed_event", "time_value": 30,
        "time_interval": "day"})",
    R"({"key": "plan", "type": "person", "value": ["pro"], "operator": "exact",
        "label": "Plan", "negation": false, "cohort_name": null, "x-extra": {"a": [1]}})",
    R"({"key": "plan", "type": "person", "value": "", "operator": "exact"})",
    R"({"key": "", "type": "person"})",
};

QList<QJsonObject> conditionProperties(const QJsonObject &flag)
{
    QList<QJsonObject> properties;
    for (const QJsonValue &group : flag.value("filters"_L1).toObject().value("groups"_L1).toArray())
        for (const QJsonValue &property : group.toObject().value("properties"_L1).toArray())
            properties.append(property.toObject());
    return properties;
}

QStringList comboData(const QComboBox *combo)
{
    QStringList data;
    for (int i = 0; i < combo->count(); ++i)
        data.append(combo->itemData(i).toString());
    return data;
}

QStringList comboTexts(const QComboBox *combo)
{
    QStringList texts;
    for (int i = 0; i < combo->count(); ++i)
        texts.append(combo->itemText(i));
    return texts;
}

// A row with the test choices that remembers what it emitted last.
struct Row
{
    PropertyFilterEditor editor;
    QJsonObject lastEdit;
    int edits = 0;

    Row()
    {
        editor.setChoices(choices());
        QObject::connect(&editor, &PropertyFilterEditor::filterEdited,
                         [this](const PropertyFilter &f) {
                             lastEdit = f.toJson();
                             ++edits;
                         });
    }
    explicit Row(const QByteArray &json) : Row() { editor.setFilter(filterFrom(json)); }

    QComboBox *combo(const QString &name) const { return editor.findChild<QComboBox *>(name); }
    PropertyValueEditor *value() const { return editor.findChild<PropertyValueEditor *>(); }
    QLineEdit *keyEdit() const { return combo(u"keyCombo"_s)->lineEdit(); }
    QLabel *errorLabel() const { return editor.findChild<QLabel *>(u"errorLabel"_s); }
    void chooseOperator(const QString &name) const
    {
        QComboBox *op = combo(u"operatorCombo"_s);
        const int index = op->findData(name);
        QVERIFY2(index >= 0, qPrintable(name));
        op->setCurrentIndex(index);
    }
    void chooseType(const QString &name) const
    {
        QComboBox *type = combo(u"typeCombo"_s);
        type->setCurrentIndex(type->findData(name));
    }
    // The last edit emitted; a helper rather than a macro, which moc would expand and then trip
    // over the raw string literals.
    void expect(const char *json) const { QCOMPARE(compact(lastEdit), compact(parse(json))); }
    // Replaces the text of `edit` as typing would.
    static void retype(QLineEdit *edit, const QString &text)
    {
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Delete);
        QTest::keyClicks(edit, text);
    }
};

} // namespace

class TestPropertyFilterEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void handWrittenFiltersCoverEveryOperator();
    void operatorsPerType_data();
    void operatorsPerType();
    void valueEditorPerOperator_data();
    void valueEditorPerOperator();
    void newFilterTypedIn();
    void listKeepsTheLoadedShape();
    void operatorSwitchCarriesTheValue();
    void numbersKeepTheirShape();
    void isSetWritesThePlaceholder();
    void dateAbsoluteAndRelative();
    void regexErrorIsShown();
    void semverIsValidated();
    void groupTypeAndKeyCompletion();
    void cohortPickerStoresTheId();
    void cohortIdWrittenAsStringStaysAString();
    void flagPickerStoresTheIdAndOffersVariants();
    void flagNamedByKeyStaysNamedByKey();
    void typeChangeResetsWhatNoLongerFits();
    void unknownFieldsSurviveAnEdit();
    void unknownOperatorEditsAsJson();
    void errorFromValidationAndRemoveButton();
    void screenshot();
};

void TestPropertyFilterEditor::roundTrip_data()
{
    QTest::addColumn<QJsonObject>("json");
    const auto vectors = vectorFlags();
    QVERIFY(!vectors.isEmpty());
    for (const auto &[file, flag] : vectors) {
        const QList<QJsonObject> properties = conditionProperties(flag);
        for (qsizetype i = 0; i < properties.size(); ++i)
            QTest::addRow("%s %lld", qPrintable(file), qlonglong(i)) << properties[i];
    }
    QString error;
    const QList<QJsonObject> random = oracleRandomFlags(&error);
    QVERIFY2(random.size() >= 300, qPrintable(error));
    qsizetype count = 0;
    for (const QJsonObject &flag : random)
        for (const QJsonObject &property : conditionProperties(flag))
            QTest::addRow("random %lld %s %s", qlonglong(count++),
                          qPrintable(property.value("type"_L1).toString()),
                          qPrintable(property.value("operator"_L1).toString()))
                << property;
    QVERIFY(count >= 300);
    for (qsizetype i = 0; i < kHandWritten.size(); ++i)
        QTest::addRow("hand %lld", qlonglong(i)) << parse(kHandWritten[i]);
}

void TestPropertyFilterEditor::roundTrip()
{
    QFETCH(QJsonObject, json);
    const PropertyFilter original = PropertyFilter::fromJson(json);
    Row row;
    row.editor.setFilter(original);
    QCOMPARE(compact(row.editor.filter().toJson()), compact(json));
    QVERIFY(row.editor.filter() == original);
    // New choices (a project's keys arriving late) change what is offered, not the filter.
    row.editor.setChoices({});
    row.editor.setChoices(choices());
    QVERIFY(row.editor.filter() == original);
    QCOMPARE(row.edits, 0);
}

void TestPropertyFilterEditor::handWrittenFiltersCoverEveryOperator()
{
    QSet<Operator> covered;
    for (const QByteArray &json : kHandWritten)
        covered.insert(filterFrom(json).effectiveOperator());
    for (int op = 0; op <= int(Operator::Unknown); ++op)
        QVERIFY2(covered.contains(Operator(op)), qPrintable(operatorName(Operator(op))));
}

void TestPropertyFilterEditor::operatorsPerType_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("operators");
    const QStringList property = {u"exact"_s,
                                  u"is_not"_s,
                                  u"icontains"_s,
                                  u"not_icontains"_s,
                                  u"starts_with"_s,
                                  u"not_starts_with"_s,
                                  u"ends_with"_s,
                                  u"not_ends_with"_s,
                                  u"regex"_s,
                                  u"not_regex"_s,
                                  u"gt"_s,
                                  u"gte"_s,
                                  u"lt"_s,
                                  u"lte"_s,
                                  u"is_set"_s,
                                  u"is_not_set"_s,
                                  u"is_date_before"_s,
                                  u"is_date_after"_s,
                                  u"is_date_exact"_s,
                                  u"semver_eq"_s,
                                  u"semver_neq"_s,
                                  u"semver_gt"_s,
                                  u"semver_gte"_s,
                                  u"semver_lt"_s,
                                  u"semver_lte"_s,
                                  u"semver_tilde"_s,
                                  u"semver_caret"_s,
                                  u"semver_wildcard"_s};
    QTest::newRow("person") << QByteArray(R"({"key": "a", "type": "person"})") << property;
    QTest::newRow("group") << QByteArray(R"({"key": "a", "type": "group", "group_type_index": 0})")
                           << property;
    QTest::newRow("cohort") << QByteArray(R"({"key": "id", "type": "cohort", "value": 7})")
                            << QStringList{u"in"_s, u"not_in"_s};
    QTest::newRow("flag") << QByteArray(R"({"key": "12", "type": "flag", "value": true})")
                          << QStringList{u"flag_evaluates_to"_s};
    QStringList withUnknown = property;
    withUnknown.append(u"icontains_multi"_s);
    QTest::newRow("unknown operator kept as an extra choice")
        << QByteArray(R"({"key": "a", "type": "person", "operator": "icontains_multi"})")
        << withUnknown;
}

void TestPropertyFilterEditor::operatorsPerType()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, operators);
    Row row(json);
    QCOMPARE(comboData(row.combo(u"operatorCombo"_s)), operators);
    QVERIFY(!row.combo(u"operatorCombo"_s)->itemText(0).contains(u'_'));
}

void TestPropertyFilterEditor::valueEditorPerOperator_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("editor");
    QTest::addColumn<QString>("operatorLabel");
    const auto person = [](const char *op) {
        return QByteArray(R"({"key": "a", "type": "person", "operator": ")") + op + "\"}";
    };
    const QList<std::tuple<const char *, const char *, QString>> rows = {
        {"exact", "listEdit", u"equals"_s},
        {"is_not", "listEdit", u"doesn't equal"_s},
        {"is_set", "noValue", u"is set"_s},
        {"is_not_set", "noValue", u"is not set"_s},
        {"icontains", "textEdit", u"contains"_s},
        {"not_icontains", "textEdit", u"doesn't contain"_s},
        {"starts_with", "textEdit", u"starts with"_s},
        {"not_starts_with", "textEdit", u"doesn't start with"_s},
        {"ends_with", "textEdit", u"ends with"_s},
        {"not_ends_with", "textEdit", u"doesn't end with"_s},
        {"regex", "regexEdit", u"matches regex"_s},
        {"not_regex", "regexEdit", u"doesn't match regex"_s},
        {"gt", "numberEdit", u"greater than"_s},
        {"gte", "numberEdit", u"greater than or equal to"_s},
        {"lt", "numberEdit", u"less than"_s},
        {"lte", "numberEdit", u"less than or equal to"_s},
        {"is_date_before", "dateEditor", u"before"_s},
        {"is_date_after", "dateEditor", u"after"_s},
        {"is_date_exact", "dateEditor", u"on"_s},
        {"semver_eq", "semverEdit", u"semver ="_s},
        {"semver_neq", "semverEdit", u"semver ≠"_s},
        {"semver_gt", "semverEdit", u"semver >"_s},
        {"semver_gte", "semverEdit", u"semver ≥"_s},
        {"semver_lt", "semverEdit", u"semver <"_s},
        {"semver_lte", "semverEdit", u"semver ≤"_s},
        {"semver_tilde", "semverEdit", u"semver ~ (same minor)"_s},
        {"semver_caret", "semverEdit", u"semver ^ (compatible)"_s},
        {"semver_wildcard", "semverEdit", u"semver wildcard"_s},
        {"icontains_multi", "jsonEdit", u"icontains_multi"_s},
    };
    for (const auto &[op, editor, label] : rows)
        QTest::newRow(op) << person(op) << QString::fromLatin1(editor) << label;
    QTest::newRow("no operator") << QByteArray(R"({"key": "a", "type": "person", "value": 1})")
                                 << u"listEdit"_s << u"equals"_s;
    QTest::newRow("cohort in") << QByteArray(R"({"key": "id", "type": "cohort", "value": 7})")
                               << u"cohortCombo"_s << u"in"_s;
    QTest::newRow("cohort not_in")
        << QByteArray(R"({"key": "id", "type": "cohort", "value": 7, "operator": "not_in"})")
        << u"cohortCombo"_s << u"not in"_s;
    QTest::newRow("flag") << QByteArray(R"({"key": "12", "type": "flag", "value": true})")
                          << u"flagValueCombo"_s << u"evaluates to"_s;
}

void TestPropertyFilterEditor::valueEditorPerOperator()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, editor);
    QFETCH(QString, operatorLabel);
    Row row(json);
    QCOMPARE(row.value()->currentEditor()->objectName(), editor);
    QCOMPARE(row.combo(u"operatorCombo"_s)->currentText(), operatorLabel);
    // The picker types have no free-text key.
    const QString type = PropertyFilter::fromJson(parse(json)).type;
    QCOMPARE(row.combo(u"keyCombo"_s)->isVisibleTo(&row.editor), type == "person"_L1);
    QCOMPARE(row.combo(u"flagCombo"_s)->isVisibleTo(&row.editor), type == "flag"_L1);
    QCOMPARE(row.combo(u"groupTypeCombo"_s)->isVisibleTo(&row.editor), false);
}

void TestPropertyFilterEditor::newFilterTypedIn()
{
    Row row;
    QTest::keyClicks(row.keyEdit(), u"plan"_s);
    row.expect(R"({"key": "plan", "type": "person", "operator": "exact"})");
    QTest::keyClicks(row.value()->listEdit(), u"free, pro,, enterprise\\, EU "_s);
    row.expect(R"({"key": "plan", "type": "person", "operator": "exact",
                          "value": ["free", "pro", "enterprise, EU"]})");
    row.chooseOperator(u"is_not"_s);
    row.expect(R"({"key": "plan", "type": "person", "operator": "is_not",
                          "value": ["free", "pro", "enterprise, EU"]})");
    QVERIFY(row.editor.filter().toJson() == row.lastEdit);
}

void TestPropertyFilterEditor::listKeepsTheLoadedShape()
{
    Row single(R"({"key": "plan", "type": "person", "value": "free", "operator": "exact"})");
    QCOMPARE(single.value()->listEdit()->text(), u"free"_s);
    Row::retype(single.value()->listEdit(), u"pro"_s);
    single.expect(R"({"key": "plan", "type": "person", "value": "pro", "operator": "exact"})");
    QTest::keyClicks(single.value()->listEdit(), u", team"_s);
    single.expect(R"({"key": "plan", "type": "person", "value": ["pro", "team"],
                             "operator": "exact"})");

    // Entries typed as they were keep their JSON type; new ones are strings.
    Row mixed(R"({"key": "seats", "type": "person", "value": [5, true, "x"]})");
    QCOMPARE(mixed.value()->listEdit()->text(), u"5, true, x"_s);
    QTest::keyClicks(mixed.value()->listEdit(), u", 6"_s);
    mixed.expect(R"({"key": "seats", "type": "person", "value": [5, true, "x", "6"]})");
}

void TestPropertyFilterEditor::operatorSwitchCarriesTheValue()
{
    Row row(
        R"({"key": "email", "type": "person", "value": ["@posthog.com"], "operator": "exact"})");
    row.chooseOperator(u"icontains"_s);
    row.expect(R"({"key": "email", "type": "person", "value": "@posthog.com",
                          "operator": "icontains"})");
    QCOMPARE(row.value()->textEdit()->text(), u"@posthog.com"_s);
    row.chooseOperator(u"regex"_s);
    row.expect(R"({"key": "email", "type": "person", "value": "@posthog.com",
                          "operator": "regex"})");
    row.chooseOperator(u"exact"_s);
    row.expect(R"({"key": "email", "type": "person", "value": ["@posthog.com"],
                          "operator": "exact"})");
    // Not a date: dropped rather than kept to fail validation.
    row.chooseOperator(u"is_date_after"_s);
    row.expect(R"({"key": "email", "type": "person", "operator": "is_date_after"})");

    // Several values do not make one text.
    Row several(R"({"key": "plan", "type": "person", "value": ["a", "b"], "operator": "exact"})");
    several.chooseOperator(u"icontains"_s);
    several.expect(R"({"key": "plan", "type": "person", "operator": "icontains"})");
}

void TestPropertyFilterEditor::numbersKeepTheirShape()
{
    Row number(R"({"key": "seats", "type": "person", "value": 10, "operator": "gt"})");
    Row::retype(number.value()->numberEdit(), u"12.5"_s);
    number.expect(R"({"key": "seats", "type": "person", "value": 12.5, "operator": "gt"})");
    QVERIFY(number.errorLabel()->isHidden());
    Row::retype(number.value()->numberEdit(), u"lots"_s);
    number.expect(R"({"key": "seats", "type": "person", "value": "lots", "operator": "gt"})");
    QVERIFY(!number.errorLabel()->isHidden());
    QVERIFY(number.errorLabel()->text().contains(u"Not a number"_s));

    // PostHog's serializer wants a string for gt, gte, lt and lte: a new value is one.
    Row fresh(R"({"key": "seats", "type": "person", "operator": "exact"})");
    fresh.chooseOperator(u"gte"_s);
    QTest::keyClicks(fresh.value()->numberEdit(), u"3"_s);
    fresh.expect(R"({"key": "seats", "type": "person", "value": "3", "operator": "gte"})");

    Row exact(R"({"key": "seats", "type": "person", "value": 5, "operator": "exact"})");
    Row::retype(exact.value()->listEdit(), u"6"_s);
    exact.expect(R"({"key": "seats", "type": "person", "value": 6, "operator": "exact"})");
}

void TestPropertyFilterEditor::isSetWritesThePlaceholder()
{
    Row row(R"({"key": "email", "type": "person", "value": ["a"], "operator": "exact"})");
    row.chooseOperator(u"is_set"_s);
    row.expect(R"({"key": "email", "type": "person", "value": "is_set", "operator": "is_set"})");
    row.chooseOperator(u"is_not_set"_s);
    row.expect(R"({"key": "email", "type": "person", "value": "is_not_set",
                          "operator": "is_not_set"})");
    // The placeholder is not a value to compare with.
    row.chooseOperator(u"icontains"_s);
    row.expect(R"({"key": "email", "type": "person", "operator": "icontains"})");
}

void TestPropertyFilterEditor::dateAbsoluteAndRelative()
{
    Row row(R"({"key": "signup_date", "type": "person", "value": "-7d",
                "operator": "is_date_after"})");
    PropertyDateEditor *date = row.value()->dateEditor();
    QCOMPARE(date->mode(), PropertyDateEditor::Mode::Relative);
    QCOMPARE(date->relativeEdit()->text(), u"-7d"_s);
    Row::retype(date->relativeEdit(), u"-2w"_s);
    row.expect(R"({"key": "signup_date", "type": "person", "value": "-2w",
                          "operator": "is_date_after"})");
    QVERIFY(row.errorLabel()->isHidden());
    Row::retype(date->relativeEdit(), u"-2x"_s);
    QVERIFY(!row.errorLabel()->isHidden());
    QVERIFY(row.errorLabel()->text().contains(u"-7d"_s));

    date->modeCombo()->setCurrentIndex(date->modeCombo()->findData(0));
    QCOMPARE(date->mode(), PropertyDateEditor::Mode::Absolute);
    QVERIFY(row.errorLabel()->isHidden());
    QCOMPARE(row.lastEdit.value("value"_L1).toString(),
             date->dateEdit()->date().toString(u"yyyy-MM-dd"_s));
    date->dateEdit()->setDate(QDate(2024, 3, 1));
    row.expect(R"({"key": "signup_date", "type": "person", "value": "2024-03-01",
                          "operator": "is_date_after"})");

    Row withTime(R"({"key": "signup_date", "type": "person", "value": "2024-05-01T10:30:00+02:00",
                     "operator": "is_date_before"})");
    QDateTimeEdit *edit = withTime.value()->dateEditor()->dateEdit();
    QCOMPARE(edit->dateTime(), QDateTime(QDate(2024, 5, 1), QTime(8, 30)));
    edit->setDateTime(QDateTime(QDate(2024, 5, 2), QTime(8, 30)));
    withTime.expect(R"({"key": "signup_date", "type": "person",
                               "value": "2024-05-02 08:30:00", "operator": "is_date_before"})");

    Row unreadable(
        R"({"key": "d", "type": "person", "value": "soon", "operator": "is_date_after"})");
    QCOMPARE(unreadable.value()->dateEditor()->relativeEdit()->text(), u"soon"_s);
    QVERIFY(!unreadable.errorLabel()->isHidden());
}

void TestPropertyFilterEditor::regexErrorIsShown()
{
    Row row(R"({"key": "email", "type": "person", "operator": "regex"})");
    QVERIFY(row.errorLabel()->isHidden());
    QTest::keyClicks(row.value()->regexEdit(), u"^(a|b"_s);
    row.expect(R"({"key": "email", "type": "person", "value": "^(a|b", "operator": "regex"})");
    QVERIFY(!row.errorLabel()->isHidden());
    QVERIFY2(row.errorLabel()->text().startsWith(u"Invalid regex: "_s),
             qPrintable(row.errorLabel()->text()));
    QTest::keyClicks(row.value()->regexEdit(), u")$"_s);
    QVERIFY(row.errorLabel()->isHidden());

    Row loaded(R"({"key": "email", "type": "person", "value": "[x", "operator": "not_regex"})");
    QVERIFY(!loaded.errorLabel()->isHidden());
}

void TestPropertyFilterEditor::semverIsValidated()
{
    Row row(R"({"key": "app_version", "type": "person", "operator": "semver_gte"})");
    QTest::keyClicks(row.value()->semverEdit(), u"1.2.3"_s);
    row.expect(R"({"key": "app_version", "type": "person", "value": "1.2.3",
                          "operator": "semver_gte"})");
    QVERIFY(row.errorLabel()->isHidden());
    Row::retype(row.value()->semverEdit(), u"1.2.*"_s);
    QVERIFY(!row.errorLabel()->isHidden());
    QVERIFY(row.errorLabel()->text().startsWith(u"Not a version"_s));
    // The same text is right for the wildcard operator.
    row.chooseOperator(u"semver_wildcard"_s);
    row.expect(R"({"key": "app_version", "type": "person", "value": "1.2.*",
                          "operator": "semver_wildcard"})");
    QVERIFY(row.errorLabel()->isHidden());
    Row::retype(row.value()->semverEdit(), u"one"_s);
    QVERIFY(!row.errorLabel()->isHidden());
}

void TestPropertyFilterEditor::groupTypeAndKeyCompletion()
{
    Row row;
    QCOMPARE(comboTexts(row.combo(u"keyCombo"_s)), choices().personPropertyKeys);
    QTest::keyClicks(row.keyEdit(), u"seats"_s);
    row.chooseType(u"group"_s);
    row.expect(R"({"key": "seats", "type": "group", "operator": "exact",
                          "group_type_index": 0})");
    QVERIFY(row.combo(u"groupTypeCombo"_s)->isVisibleTo(&row.editor));
    QCOMPARE(row.combo(u"groupTypeCombo"_s)->currentText(), u"company"_s);
    QCOMPARE(comboTexts(row.combo(u"keyCombo"_s)),
             (QStringList{u"name"_s, u"industry"_s, u"seats"_s}));
    QCOMPARE(row.keyEdit()->text(), u"seats"_s);
    row.combo(u"groupTypeCombo"_s)->setCurrentIndex(1);
    row.expect(R"({"key": "seats", "type": "group", "operator": "exact",
                          "group_type_index": 1})");
    QCOMPARE(comboTexts(row.combo(u"keyCombo"_s)), QStringList{u"region"_s});
    // The completer offers keys containing what was typed.
    Row::retype(row.keyEdit(), u"gio"_s);
    QCompleter *completer = row.combo(u"keyCombo"_s)->completer();
    QCOMPARE(completer->completionCount(), 1);
    QCOMPARE(completer->currentCompletion(), u"region"_s);
    row.chooseType(u"person"_s);
    row.expect(R"({"key": "gio", "type": "person", "operator": "exact"})");
}

void TestPropertyFilterEditor::cohortPickerStoresTheId()
{
    Row row;
    row.chooseType(u"cohort"_s);
    row.expect(R"({"key": "id", "type": "cohort", "operator": "in"})");
    QComboBox *cohort = row.value()->cohortCombo();
    QCOMPARE(cohort->currentIndex(), -1);
    QCOMPARE(comboTexts(cohort), (QStringList{u"Beta testers"_s, u"Paying customers"_s}));
    cohort->setCurrentIndex(1);
    row.expect(R"({"key": "id", "type": "cohort", "value": 9, "operator": "in"})");
    row.chooseOperator(u"not_in"_s);
    row.expect(R"({"key": "id", "type": "cohort", "value": 9, "operator": "not_in"})");

    Row unknown(R"({"key": "id", "type": "cohort", "value": 99})");
    QCOMPARE(unknown.value()->cohortCombo()->currentText(), u"Cohort 99"_s);
    QCOMPARE(unknown.combo(u"operatorCombo"_s)->currentText(), u"in"_s);
}

void TestPropertyFilterEditor::cohortIdWrittenAsStringStaysAString()
{
    Row row(R"({"key": "id", "type": "cohort", "value": "9", "operator": "in"})");
    QCOMPARE(row.value()->cohortCombo()->currentText(), u"Paying customers"_s);
    row.value()->cohortCombo()->setCurrentIndex(0);
    row.expect(R"({"key": "id", "type": "cohort", "value": "7", "operator": "in"})");
}

void TestPropertyFilterEditor::flagPickerStoresTheIdAndOffersVariants()
{
    Row row;
    row.chooseType(u"flag"_s);
    row.expect(R"({"key": "", "type": "flag", "value": true,
                          "operator": "flag_evaluates_to"})");
    QComboBox *flag = row.combo(u"flagCombo"_s);
    QCOMPARE(comboTexts(flag), (QStringList{u"new-checkout"_s, u"dark-mode"_s}));
    flag->setCurrentIndex(0);
    row.expect(R"({"key": "12", "type": "flag", "value": true,
                          "operator": "flag_evaluates_to"})");
    QComboBox *value = row.value()->flagValueCombo();
    QCOMPARE(comboTexts(value), (QStringList{u"true"_s, u"false"_s, u"control"_s, u"test"_s}));
    value->setCurrentIndex(3);
    row.expect(R"({"key": "12", "type": "flag", "value": "test",
                          "operator": "flag_evaluates_to"})");
    value->setCurrentIndex(1);
    row.expect(R"({"key": "12", "type": "flag", "value": false,
                          "operator": "flag_evaluates_to"})");
    // A variant the other flag does not have falls back to true.
    value->setCurrentIndex(2);
    flag->setCurrentIndex(1);
    row.expect(R"({"key": "15", "type": "flag", "value": true,
                          "operator": "flag_evaluates_to"})");
    QCOMPARE(comboTexts(value), (QStringList{u"true"_s, u"false"_s}));
}

void TestPropertyFilterEditor::flagNamedByKeyStaysNamedByKey()
{
    Row row(R"({"key": "new-checkout", "type": "flag", "value": "control",
                "operator": "flag_evaluates_to", "dependency_chain": ["new-checkout"]})");
    QCOMPARE(row.combo(u"flagCombo"_s)->currentText(), u"new-checkout"_s);
    QCOMPARE(row.value()->flagValueCombo()->currentText(), u"control"_s);
    row.value()->flagValueCombo()->setCurrentIndex(0);
    row.expect(R"({"key": "new-checkout", "type": "flag", "value": true,
                          "operator": "flag_evaluates_to", "dependency_chain": ["new-checkout"]})");
    // Another flag: the stale chain goes, the server works out the new one.
    row.combo(u"flagCombo"_s)->setCurrentIndex(1);
    row.expect(R"({"key": "15", "type": "flag", "value": true,
                          "operator": "flag_evaluates_to"})");

    Row missing(
        R"({"key": "404", "type": "flag", "value": "gone", "operator": "flag_evaluates_to"})");
    QCOMPARE(missing.combo(u"flagCombo"_s)->currentText(), u"Flag 404"_s);
    QCOMPARE(missing.value()->flagValueCombo()->currentText(), u"gone"_s);
}

void TestPropertyFilterEditor::typeChangeResetsWhatNoLongerFits()
{
    Row row(R"({"key": "id", "type": "cohort", "value": 7, "operator": "not_in", "negation": true,
                "label": "Beta"})");
    row.chooseType(u"person"_s);
    row.expect(R"({"key": "", "type": "person", "operator": "exact"})");
    QCOMPARE(row.keyEdit()->text(), QString());
    QTest::keyClicks(row.keyEdit(), u"plan"_s);
    QTest::keyClicks(row.value()->listEdit(), u"pro"_s);
    row.chooseType(u"cohort"_s);
    row.expect(R"({"key": "id", "type": "cohort", "operator": "in"})");
    row.chooseType(u"group"_s);
    row.chooseType(u"flag"_s);
    row.expect(R"({"key": "", "type": "flag", "value": true,
                          "operator": "flag_evaluates_to"})");
    QVERIFY(!row.combo(u"operatorCombo"_s)->isEnabled());
}

void TestPropertyFilterEditor::unknownFieldsSurviveAnEdit()
{
    Row row(R"({"key": "plan", "type": "person", "value": ["pro"], "operator": "exact",
                "label": "Plan", "cohort_name": null, "x-extra": {"a": [1]}})");
    QTest::keyClicks(row.value()->listEdit(), u", team"_s);
    row.expect(R"({"key": "plan", "type": "person", "value": ["pro", "team"],
                          "operator": "exact", "label": "Plan", "cohort_name": null,
                          "x-extra": {"a": [1]}})");
    row.chooseOperator(u"icontains"_s);
    QCOMPARE(row.lastEdit.value("x-extra"_L1).toObject(), parse(R"({"a": [1]})"));
    QVERIFY(row.lastEdit.contains("cohort_name"_L1));

    Row behavioral(R"({"key": "pageview", "type": "behavioral", "value": "performed_event",
                       "time_value": 30})");
    QCOMPARE(behavioral.combo(u"typeCombo"_s)->currentText(), u"behavioral"_s);
    Row::retype(behavioral.keyEdit(), u"$pageview"_s);
    behavioral.expect(R"({"key": "$pageview", "type": "behavioral",
                                 "value": "performed_event", "time_value": 30})");
}

void TestPropertyFilterEditor::unknownOperatorEditsAsJson()
{
    Row row(R"({"key": "email", "type": "person", "value": ["a"], "operator": "icontains_multi"})");
    QLineEdit *json = row.value()->jsonEdit();
    QCOMPARE(json->text(), uR"(["a"])"_s);
    QTest::keyClick(json, Qt::Key_End);
    QTest::keyClick(json, Qt::Key_Backspace);
    QVERIFY(!row.errorLabel()->isHidden());
    QCOMPARE(row.edits, 0);
    QTest::keyClicks(json, uR"(,"b"])"_s);
    row.expect(R"({"key": "email", "type": "person", "value": ["a", "b"],
                          "operator": "icontains_multi"})");
    QVERIFY(row.errorLabel()->isHidden());
}

void TestPropertyFilterEditor::errorFromValidationAndRemoveButton()
{
    Row row(R"({"key": "email", "type": "person", "value": "x", "operator": "regex"})");
    row.editor.setError(u"Cohort with id 3 does not exist"_s);
    QVERIFY(!row.errorLabel()->isHidden());
    QCOMPARE(row.errorLabel()->text(), u"Cohort with id 3 does not exist"_s);
    // What the row sees for itself while typing comes first.
    Row::retype(row.value()->regexEdit(), u"("_s);
    QVERIFY(row.errorLabel()->text().startsWith(u"Invalid regex"_s));
    row.editor.setError({});
    Row::retype(row.value()->regexEdit(), u"(a)"_s);
    QVERIFY(row.errorLabel()->isHidden());

    int removals = 0;
    connect(&row.editor, &PropertyFilterEditor::removeRequested, this, [&] { ++removals; });
    QTest::mouseClick(row.editor.findChild<QToolButton *>(u"removeButton"_s), Qt::LeftButton);
    QCOMPARE(removals, 1);
}

// With BUNTING_SCREENSHOTS=<dir>, rows of each kind go to <dir>/property_rows.png, to be looked
// at by a person.
void TestPropertyFilterEditor::screenshot()
{
    const QString dir = qEnvironmentVariable("BUNTING_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("BUNTING_SCREENSHOTS is not set");
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    const QList<QByteArray> rows = {
        R"({"key": "plan", "type": "person", "value": ["pro", "enterprise"], "operator": "exact"})",
        R"({"key": "seats", "type": "group", "value": "50", "operator": "gte",
            "group_type_index": 0})",
        R"({"key": "id", "type": "cohort", "value": 9, "operator": "not_in"})",
        R"({"key": "12", "type": "flag", "value": "test", "operator": "flag_evaluates_to"})",
        R"({"key": "signup_date", "type": "person", "value": "-30d", "operator": "is_date_after"})",
        R"({"key": "email", "type": "person", "value": "^(admin|root", "operator": "regex"})",
        R"({"key": "app_version", "type": "person", "value": "2.4.0", "operator": "semver_gte"})",
    };
    for (const QByteArray &json : rows) {
        auto *row = new PropertyFilterEditor(&window);
        row->setChoices(choices());
        row->setFilter(filterFrom(json));
        layout->addWidget(row);
    }
    layout->addStretch();
    window.resize(900, window.sizeHint().height());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(window.grab().save(QDir(dir).filePath(u"property_rows.png"_s)));
}

QTEST_MAIN(TestPropertyFilterEditor)
#include "tst_property_filter_editor.moc"
