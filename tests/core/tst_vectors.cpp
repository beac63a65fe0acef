// PostHog's cross-SDK consistency cases: an engine compatible with PostHog reproduces each one,
// from whole flags and from the part of each that the server's snapshot keeps (evaluatedPart()).
#include "engine.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

class TestVectors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectors_data();
    void vectors();
};

void TestVectors::vectors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("evaluatedPartsOnly");
    const QDir dir(QStringLiteral(BUNTING_TEST_DATA_DIR "/vectors"));
    const QStringList files = dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 2, qPrintable(u"no vectors in "_s + dir.path()));
    for (const QString &file : files) {
        QTest::newRow(qPrintable(file)) << dir.filePath(file) << false;
        QTest::newRow(qPrintable(file + u", evaluated parts"_s)) << dir.filePath(file) << true;
    }
}

void TestVectors::vectors()
{
    QFETCH(QString, path);
    QFETCH(bool, evaluatedPartsOnly);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();

    ProjectDefinitions definitions;
    for (const QJsonValue &flag : root.value("flags"_L1).toArray()) {
        const FeatureFlag whole = FeatureFlag::fromJson(flag.toObject());
        definitions.flags.append(evaluatedPartsOnly ? evaluatedPart(whole) : whole);
    }
    const auto project = CompiledProject::compile(definitions);

    const QJsonArray cases = root.value("cases"_L1).toArray();
    QVERIFY(cases.size() >= 1000);
    int checked = 0;
    for (const QJsonValue &item : cases) {
        const QJsonObject c = item.toObject();
        EvaluationContext context;
        context.distinctId = c.value("distinct_id"_L1).toString();
        context.personProperties = PropertyMap(c.value("person_properties"_L1).toObject());
        const QJsonObject expected = c.value("expected"_L1).toObject();
        const QJsonObject payloads = c.value("expected_payloads"_L1).toObject();
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const auto result = project->evaluate(it.key(), context);
            QVERIFY2(result, qPrintable(it.key()));
            QVERIFY2(
                result->value.toJson() == it.value(),
                qPrintable(u"%1 for %2: got %3, expected %4"_s.arg(
                    it.key(), context.distinctId,
                    QString::fromUtf8(QJsonDocument(QJsonArray{result->value.toJson()})
                                          .toJson(QJsonDocument::Compact)),
                    QString::fromUtf8(
                        QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact)))));
            const QJsonValue payload = result->parsedPayload();
            if (payloads.contains(it.key()))
                QCOMPARE(payload, payloads.value(it.key()));
            else
                QVERIFY(payload.isUndefined());
            ++checked;
        }
    }
    QCOMPARE(checked, cases.size());
}

QTEST_GUILESS_MAIN(TestVectors)
#include "tst_vectors.moc"
