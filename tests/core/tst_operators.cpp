// Every property operator with the edge cases PostHog's flags service defines: a missing
// property, null, numbers and booleans as strings, lists, relative dates, invalid patterns and
// the semver forms.
#include "property_matcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

// "missing" stands for a property the person does not have.
const QByteArray missing = "missing";

QJsonValue json(const QByteArray &text)
{
    return QJsonDocument::fromJson("[" + text + "]").array().first();
}

} // namespace

class TestOperators : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matches_data();
    void matches();
    void semverParsing_data();
    void semverParsing();
    void relativeDates_data();
    void relativeDates();
    void operatorNames();
};

void TestOperators::matches_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("actual");
    QTest::addColumn<bool>("expected");

    const auto row = [](const char *name, const char *op, const QByteArray &value,
                        const QByteArray &actual, bool expected) {
        QTest::newRow(name) << QString::fromLatin1(op) << value << actual << expected;
    };

    // exact / is_not: case-insensitive strings, lists mean "any of", booleans compare as such.
    row("exact string", "exact", R"("Ada@Example.com")", R"("ada@example.COM")", true);
    row("exact other string", "exact", R"("ada")", R"("bob")", false);
    row("exact list any", "exact", R"(["a", "b", "c"])", R"("B")", true);
    row("exact list none", "exact", R"(["a", "b"])", R"("d")", false);
    row("exact final sigma", "exact", R"("οδος")", R"("ΟΔΟΣ")", true);
    row("exact sigma inside a word", "exact", R"("σας")", R"("ΣΑΣ")", true);
    row("is_not final sigma", "is_not", R"(["οδος"])", R"("ΟΔΟΣ")", false);
    row("exact number vs string", "exact", R"("5")", "5", true);
    row("exact number list", "exact", "[1, 2, 3]", R"("2")", true);
    row("exact bool vs string", "exact", "true", R"("True")", true);
    row("exact string bool vs bool", "exact", R"("false")", "false", true);
    row("exact bool mismatch", "exact", "true", "false", false);
    row("exact bool vs other string", "exact", "true", R"("yes")", false);
    row("exact bool list", "exact", R"(["true", false])", "true", false);
    row("exact null property", "exact", R"("null")", "null", true);
    row("exact missing", "exact", R"("a")", missing, false);
    row("exact empty operator means exact", "", R"("a")", R"("A")", true);
    row("is_not string", "is_not", R"("ada")", R"("bob")", true);
    row("is_not same", "is_not", R"("ada")", R"("ADA")", false);
    row("is_not list", "is_not", R"(["a", "b"])", R"("a")", false);
    row("is_not missing", "is_not", R"("a")", missing, true);
    row("exact null filter value", "exact", "null", R"("a")", false);
    row("is_not null filter value", "is_not", "null", missing, false);

    // is_set / is_not_set look only at presence.
    row("is_set present", "is_set", R"("is_set")", R"("x")", true);
    row("is_set null value", "is_set", R"("is_set")", "null", true);
    row("is_set missing", "is_set", R"("is_set")", missing, false);
    row("is_not_set missing", "is_not_set", R"("is_not_set")", missing, true);
    row("is_not_set present", "is_not_set", R"("is_not_set")", R"("x")", false);

    // Substring, prefix and suffix: ASCII case folding only.
    row("icontains", "icontains", R"("EXAMPLE")", R"("ada@example.com")", true);
    row("icontains no", "icontains", R"("posthog")", R"("ada@example.com")", false);
    row("icontains number", "icontains", R"("23")", "1234", true);
    row("icontains non-ascii case", "icontains", R"("É")", R"("é")", false);
    row("icontains null as text", "icontains", R"("nul")", "null", true);
    row("icontains missing", "icontains", R"("a")", missing, false);
    row("not_icontains", "not_icontains", R"("posthog")", R"("ada@example.com")", true);
    row("not_icontains match", "not_icontains", R"("EXAMPLE")", R"("ada@example.com")", false);
    row("not_icontains missing", "not_icontains", R"("a")", missing, true);
    row("starts_with", "starts_with", R"("ADA")", R"("ada@example.com")", true);
    row("starts_with no", "starts_with", R"("bob")", R"("ada@example.com")", false);
    row("not_starts_with", "not_starts_with", R"("bob")", R"("ada")", true);
    row("not_starts_with missing", "not_starts_with", R"("bob")", missing, true);
    row("ends_with", "ends_with", R"(".COM")", R"("ada@example.com")", true);
    row("ends_with no", "ends_with", R"(".org")", R"("ada@example.com")", false);
    row("not_ends_with", "not_ends_with", R"(".org")", R"("ada@example.com")", true);
    row("not_ends_with missing", "not_ends_with", R"(".org")", missing, true);

    // Regex: unanchored search; an invalid pattern never matches, either way round.
    row("regex", "regex", R"("^ada@.*\\.com$")", R"("ada@example.com")", true);
    row("regex unanchored", "regex", R"("exam")", R"("ada@example.com")", true);
    row("regex no", "regex", R"("^bob")", R"("ada@example.com")", false);
    row("regex case-sensitive", "regex", R"("^ADA")", R"("ada")", false);
    row("regex number", "regex", R"("^1\\d+$")", "1234", true);
    row("regex invalid", "regex", R"("(unclosed")", R"("(unclosed")", false);
    row("not_regex invalid", "not_regex", R"("(unclosed")", R"("anything")", false);
    row("not_regex", "not_regex", R"("^bob")", R"("ada")", true);
    row("not_regex match", "not_regex", R"("^ada")", R"("ada")", false);
    row("regex missing", "regex", R"(".*")", missing, false);
    row("not_regex missing", "not_regex", R"(".*")", missing, true);
    // PostHog's flags service: look-around and backreferences run on a backtracking engine that
    // errs (false, either way round) past 10,000 backtracks; other patterns run in linear time.
    row("regex lookahead", "regex", R"("^(?=.*@)ada")", R"("ada@example.com")", true);
    row("regex backreference", "regex", R"("(da)\\1")", R"("dada")", true);
    row("regex past step limit", "regex", R"("^(a*)*\\1b")",
        R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!b")", false);
    row("not_regex past step limit", "not_regex", R"("^(a*)*\\1b")",
        R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!b")", false);

    // Ordering: numeric when both sides are numbers (or numeric strings); anything else is no
    // match, as PostHog's flags service has it (evaluation-behaviour.md §3.4; posthog-node
    // would compare the texts).
    row("gt number", "gt", "10", "11", true);
    row("gt equal", "gt", "10", "10", false);
    row("gt numeric strings", "gt", R"("10")", R"("9")", false);
    row("gt decimal string", "gt", R"("1.5")", R"("1.75")", true);
    row("gte equal", "gte", "10", "10.0", true);
    row("lt", "lt", "10", "-3", true);
    row("lt no", "lt", "10", "30", false);
    row("lte equal", "lte", R"("7")", "7", true);
    row("gt on texts", "gt", R"("abc")", R"("abd")", false);
    row("lt text vs number", "lt", R"("b")", "5", false);
    row("gt number vs text", "gt", "5", R"("six")", false);
    row("gt null", "gt", "1", "null", false);
    row("gt missing", "gt", "1", missing, false);
    row("lt bool", "lt", "10", "true", false);

    // Dates: absolute and relative (now is 2026-06-15T12:00:00Z in this test).
    row("date before", "is_date_before", R"("2026-01-01")", R"("2025-12-31T23:59:59Z")", true);
    row("date before no", "is_date_before", R"("2026-01-01")", R"("2026-01-02")", false);
    row("date after", "is_date_after", R"("2026-01-01T00:00:00Z")", R"("2026-01-01T00:00:01Z")",
        true);
    row("date after offset", "is_date_after", R"("2026-01-01T00:00:00Z")",
        R"("2026-01-01T00:30:00+01:00")", false);
    row("date after fraction", "is_date_after", R"("2026-01-01T00:00:00Z")",
        R"("2026-01-01T00:00:00.500Z")", true);
    row("date before relative days", "is_date_before", R"("-7d")", R"("2026-06-01")", true);
    row("date after relative days", "is_date_after", R"("-7d")", R"("2026-06-10")", true);
    row("date after relative hours", "is_date_after", R"("-2h")", R"("2026-06-15T10:30:00Z")",
        true);
    row("date before relative hours", "is_date_before", R"("-2h")", R"("2026-06-15T09:59:00Z")",
        true);
    row("date after relative weeks", "is_date_after", R"("-1w")", R"("2026-06-09")", true);
    row("date after relative months", "is_date_after", R"("-3m")", R"("2026-03-16")", true);
    row("date before relative years", "is_date_before", R"("-1y")", R"("2025-06-14")", true);
    row("date relative without minus", "is_date_after", R"("7d")", R"("2026-06-10")", true);
    row("date space separated", "is_date_before", R"("2026-01-01 10:00:00")",
        R"("2026-01-01 09:00:00")", true);
    row("date rfc 2822", "is_date_before", R"("Thu, 01 Jan 2026 00:00:00 +0000")",
        R"("2025-12-31")", true);
    row("date invalid filter", "is_date_before", R"("not a date")", R"("2020-01-01")", false);
    row("date invalid unit", "is_date_before", R"("-7q")", R"("2020-01-01")", false);
    row("date too far back", "is_date_before", R"("-10000d")", R"("2020-01-01")", false);
    row("date invalid property", "is_date_before", R"("2026-01-01")", R"("yesterday")", false);
    row("date bool property", "is_date_before", R"("2026-01-01")", "true", false);
    // A number, or numeric text, is Unix seconds (the flags service; posthog-node reads
    // milliseconds).
    row("date epoch seconds", "is_date_before", R"("2026-01-01")", "1700000000", true);
    row("date epoch seconds as text", "is_date_before", R"("2026-01-01")", R"("1700000000.5")",
        true);
    row("date epoch seconds after", "is_date_after", R"("2026-01-01")", "1800000000", true);
    row("date number filter", "is_date_before", "1800000000", R"("2020-01-01")", false);
    row("date missing", "is_date_after", R"("2026-01-01")", missing, false);
    row("date exact", "is_date_exact", R"("2026-01-01")", R"("2026-01-01T00:00:00Z")", true);

    // Semver: v prefixes, missing parts, ranges; pre-releases and build metadata ordered as the
    // flags service's semver crate orders them (evaluation-behaviour.md §3.6).
    row("semver_eq", "semver_eq", R"("1.2.3")", R"("1.2.3")", true);
    row("semver_eq v prefix", "semver_eq", R"("v1.2.3")", R"("1.2.3")", true);
    row("semver_eq short", "semver_eq", R"("1.2")", R"("1.2.0")", true);
    row("semver_eq leading zero", "semver_eq", R"("3.8.0")", R"("3.08")", true);
    row("semver_neq", "semver_neq", R"("1.2.3")", R"("1.2.4")", true);
    row("semver_gt", "semver_gt", R"("1.2.3")", R"("1.10.0")", true);
    row("semver_gt no", "semver_gt", R"("1.2.3")", R"("1.2.3")", false);
    row("semver_gte", "semver_gte", R"("1.2.3")", R"("1.2.3")", true);
    row("semver_lt", "semver_lt", R"("2.0.0")", R"("1.99.99")", true);
    row("semver_lte", "semver_lte", R"("2.0.0")", R"("2.0.1")", false);
    row("semver_tilde in", "semver_tilde", R"("1.2.3")", R"("1.2.9")", true);
    row("semver_tilde out", "semver_tilde", R"("1.2.3")", R"("1.3.0")", false);
    row("semver_tilde below", "semver_tilde", R"("1.2.3")", R"("1.2.2")", false);
    row("semver_caret in", "semver_caret", R"("1.2.3")", R"("1.9.0")", true);
    row("semver_caret out", "semver_caret", R"("1.2.3")", R"("2.0.0")", false);
    row("semver_caret zero major", "semver_caret", R"("0.2.3")", R"("0.3.0")", false);
    row("semver_caret zero minor", "semver_caret", R"("0.0.3")", R"("0.0.3")", true);
    row("semver_caret zero minor out", "semver_caret", R"("0.0.3")", R"("0.0.4")", false);
    row("semver_wildcard major", "semver_wildcard", R"("1.*")", R"("1.99.0")", true);
    row("semver_wildcard major out", "semver_wildcard", R"("1.*")", R"("2.0.0")", false);
    row("semver_wildcard minor", "semver_wildcard", R"("1.2.*")", R"("1.2.7")", true);
    row("semver_wildcard minor out", "semver_wildcard", R"("1.2.*")", R"("1.3.0")", false);
    row("semver_wildcard x form", "semver_wildcard", R"("1.x.x")", R"("1.4.0")", true);
    row("semver invalid property", "semver_gt", R"("1.0.0")", R"("banana")", false);
    row("semver invalid filter", "semver_gt", R"("banana")", R"("1.0.0")", false);
    row("semver four parts", "semver_eq", R"("1.2.3")", R"("1.2.3.4")", false);
    row("semver null", "semver_eq", R"("1.2.3")", "null", false);
    row("semver pre-release is not the release", "semver_eq", R"("1.2.3")", R"("1.2.3-beta")",
        false);
    row("semver pre-release below the release", "semver_lt", R"("1.2.3")", R"("1.2.3-beta")", true);
    row("semver pre-releases ordered", "semver_gt", R"("1.2.3-alpha.2")", R"("1.2.3-alpha.10")",
        true);
    row("semver numeric below alphanumeric", "semver_lt", R"("1.2.3-alpha")", R"("1.2.3-1")", true);
    row("semver longer pre-release above", "semver_gt", R"("1.2.3-alpha")", R"("1.2.3-alpha.1")",
        true);
    row("semver build metadata counts", "semver_eq", R"("1.2.3")", R"("1.2.3+build.5")", false);
    row("semver pre-release outside a range", "semver_tilde", R"("1.2.3")", R"("1.2.5-rc.1")",
        false);
    row("semver pre-release inside its own range", "semver_tilde", R"("1.2.3-beta")",
        R"("1.2.3-rc")", true);
    row("semver wildcard star", "semver_wildcard", R"("*")", R"("7.1.0")", true);
    row("semver invalid pre-release", "semver_eq", R"("1.2.3")", R"("1.2.3-01")", false);
    row("semver missing", "semver_eq", R"("1.2.3")", missing, false);

    // Operators that are not for person properties never match one.
    row("unknown operator", "between_friends", R"("a")", R"("a")", false);
    row("cohort operator on a property", "in", R"("a")", R"("a")", false);
}

void TestOperators::matches()
{
    QFETCH(QString, op);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, actual);
    QFETCH(bool, expected);

    PropertyFilter filter;
    filter.key = u"prop"_s;
    filter.type = u"person"_s;
    filter.op = op;
    filter.value = json(value);
    const PropertyMatcher matcher(filter);

    PropertyMap properties;
    if (actual != missing)
        properties.insert(u"prop"_s, json(actual));
    const QDateTime now(QDate(2026, 6, 15), QTime(12, 0), QTimeZone::utc());
    QCOMPARE(matcher.matches(properties.find(u"prop"_s), now), expected);
}

void TestOperators::semverParsing_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("major");
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<qint64>("patch");
    QTest::newRow("full") << u"1.2.3"_s << true << 1LL << 2LL << 3LL;
    QTest::newRow("prefix and spaces") << u"  V10.0.1 "_s << true << 10LL << 0LL << 1LL;
    QTest::newRow("pre-release") << u"1.2.3-beta.1"_s << true << 1LL << 2LL << 3LL;
    QTest::newRow("build") << u"1.2.3+build.7"_s << true << 1LL << 2LL << 3LL;
    QTest::newRow("major only") << u"7"_s << true << 7LL << 0LL << 0LL;
    QTest::newRow("empty") << QString() << false << 0LL << 0LL << 0LL;
    QTest::newRow("leading dot") << u".1.2"_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("empty part") << u"1..2"_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("letters") << u"1.a.2"_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("two parts") << u"4.12"_s << true << 4LL << 12LL << 0LL;
    QTest::newRow("four parts") << u"1.2.3.4"_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("trailing dot") << u"1.2."_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("three dots") << u"1.2.3."_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("only a dot") << u"."_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("empty pre-release") << u"1.2.3-"_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("empty identifier") << u"1.2.3-a..b"_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("pre-release with a space") << u"1.2.3-be ta"_s << false << 0LL << 0LL << 0LL;
    QTest::newRow("short with pre-release") << u"1.2-rc.1"_s << true << 1LL << 2LL << 0LL;
}

void TestOperators::semverParsing()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const auto parsed = parseSemver(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QFETCH(qint64, major);
        QFETCH(qint64, minor);
        QFETCH(qint64, patch);
        QCOMPARE(parsed->core, (SemverTuple{major, minor, patch}));
    }
}

void TestOperators::relativeDates_data()
{
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<int>("amount");
    QTest::addColumn<QChar>("unit");
    QTest::addColumn<QDateTime>("expected");
    const auto at = [](int y, int m, int d) {
        return QDateTime(QDate(y, m, d), QTime(8, 30), QTimeZone::utc());
    };
    QTest::newRow("one month from the 31st")
        << at(2026, 3, 31) << 1 << QChar(u'm') << at(2026, 2, 28);
    QTest::newRow("two months clamp step by step")
        << at(2026, 3, 31) << 2 << QChar(u'm') << at(2026, 1, 28);
    QTest::newRow("months across a year")
        << at(2026, 1, 15) << 3 << QChar(u'm') << at(2025, 10, 15);
    QTest::newRow("leap day minus a year")
        << at(2024, 2, 29) << 1 << QChar(u'y') << at(2023, 2, 28);
    QTest::newRow("weeks") << at(2026, 1, 10) << 2 << QChar(u'w') << at(2025, 12, 27);
    QTest::newRow("hours") << at(2026, 1, 1) << 10 << QChar(u'h')
                           << QDateTime(QDate(2025, 12, 31), QTime(22, 30), QTimeZone::utc());
}

void TestOperators::relativeDates()
{
    QFETCH(QDateTime, now);
    QFETCH(int, amount);
    QFETCH(QChar, unit);
    QFETCH(QDateTime, expected);
    QCOMPARE(subtractRelative(now, amount, unit.unicode()), expected);
}

void TestOperators::operatorNames()
{
    for (int i = 0; i < int(Operator::Unknown); ++i) {
        const auto op = Operator(i);
        QCOMPARE(operatorFromName(operatorName(op)), op);
    }
    QCOMPARE(operatorFromName(QString()), Operator::Exact);
    QCOMPARE(operatorFromName(u"no_such_operator"_s), Operator::Unknown);
}

QTEST_GUILESS_MAIN(TestOperators)
#include "tst_operators.moc"
