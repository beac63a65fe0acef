// Properties of the engine that product managers rely on when they move a slider: raising a
// rollout only adds people, shares come out as configured, and a person's bucket never changes.
// The ids are fixed, so these statistical checks are deterministic; the 1-point bounds sit more
// than six standard deviations away from the expected shares at 100,000 ids.
#include "engine.h"

#include <QCryptographicHash>
#include <QHash>
#include <QTest>
#include <thread>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

constexpr int monotonicIds = 20'000;
constexpr int statisticalIds = 100'000;

FeatureFlag booleanFlag(const QString &key, double rollout)
{
    FeatureFlag flag;
    flag.id = 1;
    flag.key = key;
    Condition condition;
    condition.hasProperties = true;
    condition.rolloutPercentage = rollout;
    flag.filters.groups = {condition};
    return flag;
}

QString variantKey(qsizetype index)
{
    return u"variant-%1"_s.arg(index);
}

FeatureFlag multivariateFlag(const QString &key, double rollout, const QList<double> &shares)
{
    FeatureFlag flag = booleanFlag(key, rollout);
    QList<Variant> variants;
    for (qsizetype i = 0; i < shares.size(); ++i) {
        Variant v;
        v.key = variantKey(i);
        v.rolloutPercentage = shares[i];
        variants.append(v);
    }
    flag.filters.variants = variants;
    return flag;
}

// Evaluates one flag for many people, reusing one context: only the distinct id changes.
class Evaluator
{
public:
    explicit Evaluator(const FeatureFlag &flag)
        : m_project(CompiledProject::compile(ProjectDefinitions{{flag}, {}, {}}))
    {
    }

    FlagValue operator()(const QString &distinctId)
    {
        m_context.distinctId = distinctId;
        return m_project->evaluate(0, m_context).value;
    }

private:
    std::shared_ptr<const CompiledProject> m_project;
    EvaluationContext m_context;
};

// PostHog's bucket, computed the way its SDKs write it rather than the way the engine does:
// hex digest, first 15 hex digits parsed as a number, over 0xFFFFFFFFFFFFFFF.
double referenceHash(const QByteArray &text)
{
    const QByteArray hex = QCryptographicHash::hash(text, QCryptographicHash::Sha1).toHex();
    bool ok = false;
    const qulonglong value = hex.left(15).toULongLong(&ok, 16);
    Q_ASSERT(ok);
    return double(value) / double(0xFFFFFFFFFFFFFFFULL);
}

QString percent(double share)
{
    return QString::number(share, 'f', 3) + u'%';
}

} // namespace

class TestInvariants : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rolloutIsMonotonic_data();
    void rolloutIsMonotonic();
    void multivariateRolloutIsMonotonic_data();
    void multivariateRolloutIsMonotonic();
    void variantShares_data();
    void variantShares();
    void rolloutShare_data();
    void rolloutShare();
    void bucketHashKnownValues_data();
    void bucketHashKnownValues();
    void bucketHashRangeAndDeterminism();
    void bucketHashAcrossThreads();

private:
    QStringList m_ids;
};

void TestInvariants::initTestCase()
{
    m_ids.reserve(statisticalIds);
    for (int i = 0; i < statisticalIds; ++i)
        m_ids.append(u"user-"_s + QString::number(i));
}

void TestInvariants::rolloutIsMonotonic_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("lower");
    QTest::addColumn<double>("higher");

    QTest::newRow("10 -> 20") << u"checkout-redesign"_s << 10.0 << 20.0;
    QTest::newRow("33.33 -> 33.34") << u"checkout-redesign"_s << 33.33 << 33.34;
    QTest::newRow("0 -> 0.5") << u"pricing-page"_s << 0.0 << 0.5;
    QTest::newRow("49.99 -> 50") << u"pricing-page"_s << 49.99 << 50.0;
    QTest::newRow("1.5 -> 98.5") << u"dark-mode"_s << 1.5 << 98.5;
    QTest::newRow("99.9 -> 100") << u"dark-mode"_s << 99.9 << 100.0;
    QTest::newRow("12.5 -> 12.75") << u"search-v2"_s << 12.5 << 12.75;
}

void TestInvariants::rolloutIsMonotonic()
{
    QFETCH(QString, key);
    QFETCH(double, lower);
    QFETCH(double, higher);

    Evaluator low(booleanFlag(key, lower));
    Evaluator high(booleanFlag(key, higher));
    int enabledLow = 0;
    int enabledHigh = 0;
    for (int i = 0; i < monotonicIds; ++i) {
        const QString &id = m_ids.at(i);
        const bool a = low(id).enabled;
        const bool b = high(id).enabled;
        if (a && !b)
            QFAIL(qPrintable(
                u"%1 is in at %2 but out at %3"_s.arg(id, percent(lower), percent(higher))));
        enabledLow += a;
        enabledHigh += b;
    }
    // Not vacuous: the rollouts did let people in, in about the configured numbers.
    const double shareLow = 100.0 * enabledLow / monotonicIds;
    const double shareHigh = 100.0 * enabledHigh / monotonicIds;
    QVERIFY2(qAbs(shareLow - lower) < 2.0, qPrintable(percent(shareLow)));
    QVERIFY2(qAbs(shareHigh - higher) < 2.0, qPrintable(percent(shareHigh)));
    if (higher >= 0.5)
        QVERIFY(enabledHigh > 0);
}

void TestInvariants::multivariateRolloutIsMonotonic_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QList<double>>("shares");
    QTest::addColumn<double>("lower");
    QTest::addColumn<double>("higher");

    QTest::newRow("50/50, 10 -> 60")
        << u"checkout-experiment"_s << QList<double>{50, 50} << 10.0 << 60.0;
    QTest::newRow("50/20/20/5/5, 33.33 -> 66.67")
        << u"pricing-experiment"_s << QList<double>{50, 20, 20, 5, 5} << 33.33 << 66.67;
    QTest::newRow("33/33/34, 0.5 -> 100")
        << u"onboarding-experiment"_s << QList<double>{33, 33, 34} << 0.5 << 100.0;
}

void TestInvariants::multivariateRolloutIsMonotonic()
{
    QFETCH(QString, key);
    QFETCH(QList<double>, shares);
    QFETCH(double, lower);
    QFETCH(double, higher);

    Evaluator low(multivariateFlag(key, lower, shares));
    Evaluator high(multivariateFlag(key, higher, shares));
    int enabledLow = 0;
    for (int i = 0; i < monotonicIds; ++i) {
        const QString &id = m_ids.at(i);
        const FlagValue a = low(id);
        const FlagValue b = high(id);
        if (b.enabled && b.variant.isEmpty())
            QFAIL(qPrintable(id + u" is in without a variant"_s));
        if (!a.enabled)
            continue;
        ++enabledLow;
        if (!b.enabled)
            QFAIL(qPrintable(
                u"%1 is in at %2 but out at %3"_s.arg(id, percent(lower), percent(higher))));
        // Growing the rollout must not reshuffle the people already in the experiment.
        if (a.variant != b.variant)
            QFAIL(qPrintable(u"%1 moved from %2 to %3"_s.arg(id, a.variant, b.variant)));
    }
    QVERIFY(enabledLow > 0);
}

void TestInvariants::variantShares_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QList<double>>("shares");

    QTest::newRow("50/50") << u"button-color"_s << QList<double>{50, 50};
    QTest::newRow("50/20/20/5/5") << u"pricing-experiment"_s << QList<double>{50, 20, 20, 5, 5};
    QTest::newRow("33/33/34") << u"onboarding-experiment"_s << QList<double>{33, 33, 34};
    QTest::newRow("10/90") << u"new-search"_s << QList<double>{10, 90};
}

void TestInvariants::variantShares()
{
    QFETCH(QString, key);
    QFETCH(QList<double>, shares);

    Evaluator evaluate(multivariateFlag(key, 100, shares));
    QHash<QString, int> counts;
    for (const QString &id : std::as_const(m_ids)) {
        const FlagValue value = evaluate(id);
        if (!value.enabled || value.variant.isEmpty())
            QFAIL(qPrintable(id + u" got no variant at a 100% rollout"_s));
        ++counts[value.variant];
    }
    QCOMPARE(counts.size(), shares.size());
    for (qsizetype i = 0; i < shares.size(); ++i) {
        const double actual = 100.0 * counts.value(variantKey(i)) / statisticalIds;
        QVERIFY2(qAbs(actual - shares[i]) <= 1.0,
                 qPrintable(u"%1: %2 instead of %3"_s.arg(variantKey(i), percent(actual),
                                                          percent(shares[i]))));
    }
}

void TestInvariants::rolloutShare_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<double>("rollout");

    QTest::newRow("5%") << u"canary-release"_s << 5.0;
    QTest::newRow("25%") << u"new-editor"_s << 25.0;
    QTest::newRow("50%") << u"checkout-redesign"_s << 50.0;
    QTest::newRow("75%") << u"dark-mode"_s << 75.0;
}

void TestInvariants::rolloutShare()
{
    QFETCH(QString, key);
    QFETCH(double, rollout);

    Evaluator evaluate(booleanFlag(key, rollout));
    int enabled = 0;
    for (const QString &id : std::as_const(m_ids))
        enabled += evaluate(id).enabled;
    const double actual = 100.0 * enabled / statisticalIds;
    QVERIFY2(qAbs(actual - rollout) <= 1.0,
             qPrintable(u"%1 instead of %2"_s.arg(percent(actual), percent(rollout))));
}

void TestInvariants::bucketHashKnownValues_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("identifier");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<double>("expected");

    // The first cases of PostHog's cross-SDK consistency vectors (tests/data/vectors): at a 45 %
    // rollout distinct_id_0 is out (0.78 > 0.45) and distinct_id_1 is in; for the 50/20/20/5/5
    // flag distinct_id_0 gets the second variant (0.50 <= 0.62 < 0.70).
    QTest::newRow("simple-flag, distinct_id_0")
        << "simple-flag."_ba
        << "distinct_id_0"_ba << QByteArray() << 0.7836963764220432;
    QTest::newRow("simple-flag, distinct_id_1")
        << "simple-flag."_ba
        << "distinct_id_1"_ba << QByteArray() << 0.3397069926995401;
    QTest::newRow("multivariate-flag variant, distinct_id_0") << "multivariate-flag."_ba
                                                              << "distinct_id_0"_ba
                                                              << "variant"_ba << 0.6186454537930379;
}

void TestInvariants::bucketHashKnownValues()
{
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, identifier);
    QFETCH(QByteArray, salt);
    QFETCH(double, expected);

    const double reference = referenceHash(prefix + identifier + salt);
    QCOMPARE(reference, expected);
    const double actual = bucketHash(prefix, identifier, salt);
    // Both divide the same 60-bit integer by the same constant: equal to the last bit.
    QVERIFY2(actual == reference,
             qPrintable(u"%1 != %2"_s.arg(actual, 0, 'g', 17).arg(reference, 0, 'g', 17)));
}

void TestInvariants::bucketHashRangeAndDeterminism()
{
    QList<QByteArray> identifiers;
    for (int i = 0; i < monotonicIds; ++i)
        identifiers.append(m_ids.at(i).toUtf8());
    identifiers.append(QByteArray());
    identifiers.append(u"Zoë-日本-🚀"_s.toUtf8());
    identifiers.append(QByteArray(10'000, 'x'));
    identifiers.append(QByteArray("with\0nul", 8));

    const QList<std::pair<QByteArray, QByteArray>> saltedPrefixes{
        {"simple-flag."_ba, {}}, {"multivariate-flag."_ba, "variant"_ba}, {"holdout-"_ba, {}}};
    double lowest = 1;
    double highest = 0;
    for (const auto &[prefix, salt] : saltedPrefixes) {
        for (const QByteArray &identifier : std::as_const(identifiers)) {
            const double h = bucketHash(prefix, identifier, salt);
            if (!(h >= 0.0 && h <= 1.0))
                QFAIL(qPrintable(u"%1 out of [0, 1] for %2"_s.arg(h).arg(
                    QString::fromUtf8(prefix + identifier.left(40) + salt))));
            if (h != bucketHash(prefix, identifier, salt) ||
                h != referenceHash(prefix + identifier + salt))
                QFAIL(qPrintable(QString::fromUtf8(prefix + identifier.left(40) + salt)));
            lowest = std::min(lowest, h);
            highest = std::max(highest, h);
        }
    }
    // The buckets spread over the whole interval, not a corner of it.
    QVERIFY2(lowest < 0.001 && highest > 0.999, qPrintable(u"%1 .. %2"_s.arg(lowest).arg(highest)));
}

void TestInvariants::bucketHashAcrossThreads()
{
    // bucketHash keeps one hasher per thread; a stale state would show up as a different value.
    constexpr int count = 2'000;
    std::vector<double> here(count);
    std::vector<double> there(count);
    const auto fill = [this](std::vector<double> &out) {
        for (int i = 0; i < count; ++i)
            out[i] = bucketHash("thread-flag.", m_ids.at(i).toUtf8(), "variant");
    };
    std::thread worker(fill, std::ref(there));
    fill(here);
    worker.join();
    QVERIFY(here == there);
}

QTEST_GUILESS_MAIN(TestInvariants)
#include "tst_invariants.moc"
