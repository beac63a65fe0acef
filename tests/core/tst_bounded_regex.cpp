// BoundedRegex: which engine runs a pattern, as fancy_regex in PostHog's flags service decides,
// and that no pattern or input can run past the step limit (spec/posthog/evaluation-behaviour.md
// §3.3: past 10,000 backtracks the match is an error, evaluated as false).
#include "bounded_regex.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace bunting;

class TestBoundedRegex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linearEngineTakesPlainPatterns()
    {
        // The pattern: minutes on a backtracking engine, found at once by a linear one,
        // as Rust's regex crate (which fancy_regex hands it to) finds it.
        const BoundedRegex regex(u"(.*a){25}"_s);
        QCOMPARE(regex.engineName(), u"re2"_s);
        QCOMPARE(regex.search(QString(25, u'a') + QString(10'000, u'b')), std::optional(true));
        QCOMPARE(regex.search(QString(24, u'a') + QString(10'000, u'b')), std::optional(false));
    }

    void backtrackingEngineTakesLookAroundAndBackreferences()
    {
        QCOMPARE(BoundedRegex(u"^(?=.*@)ada"_s).engineName(), u"pcre2"_s);
        QCOMPARE(BoundedRegex(u"(?<!x)ada"_s).engineName(), u"pcre2"_s);
        QCOMPARE(BoundedRegex(u"(da)\\1"_s).engineName(), u"pcre2"_s);
        QCOMPARE(BoundedRegex(u"(da)\\1"_s).search(u"dada"_s), std::optional(true));
        QCOMPARE(BoundedRegex(u"(da)\\1"_s).search(u"dadu"_s), std::optional(false));
    }

    void searchPastTheStepLimitIsAnError()
    {
        const BoundedRegex regex(u"^(a*)*\\1b"_s);
        QVERIFY(regex.isValid());
        QCOMPARE(regex.search(QString(30, u'a') + u"!b"_s), std::nullopt);
        // A short subject stays under the limit and gets its answer.
        QCOMPARE(regex.search(u"aab"_s), std::optional(true));
    }

    void patternCannotRaiseTheLimit()
    {
        const BoundedRegex regex(u"(*LIMIT_MATCH=100000000)^(a*)*\\1b"_s);
        QVERIFY(regex.isValid());
        QCOMPARE(regex.search(QString(30, u'a') + u"!b"_s), std::nullopt);
    }

    void invalidPatterns()
    {
        for (const QString &pattern : {u"(unclosed"_s, u"a{2,1}"_s, u"(?<=a+)b\\"_s}) {
            const BoundedRegex regex(pattern);
            QVERIFY2(!regex.isValid(), qPrintable(pattern));
            QCOMPARE(regex.search(u"a"_s), std::nullopt);
        }
        // Too large for a linear engine: Rust's refuses it as well, so no backtracking fallback.
        QVERIFY(!BoundedRegex(u"(a{1000}){1000}"_s).isValid());
        QVERIFY(!BoundedRegex().isValid());
    }

    void unicodeAndEmptyPatterns()
    {
        QCOMPARE(BoundedRegex(u"^é+$"_s).search(u"éé"_s), std::optional(true));
        QCOMPARE(BoundedRegex(u"^.$"_s).search(u"日"_s), std::optional(true));
        QCOMPARE(BoundedRegex(QString()).search(u"anything"_s), std::optional(true));
        // `$` ends the text, not a line before a final newline, as in Rust.
        QCOMPARE(BoundedRegex(u"a$"_s).search(u"a\n"_s), std::optional(false));
    }

    void onePatternIsCompiledOnce()
    {
        // A project of 100,000 flags repeats its patterns; each compiled copy costs kilobytes
        // (issue 21), so a pattern compiled while another of it is alive is shared.
        const BoundedRegex first(u"^user[0-9]+@example\\.com$"_s);
        const BoundedRegex second(u"^user[0-9]+@example\\.com$"_s);
        const BoundedRegex other(u"^admin@example\\.com$"_s);
        QVERIFY(first.sharesCompiledPattern(second));
        QVERIFY(!first.sharesCompiledPattern(other));
        QCOMPARE(second.search(u"user12@example.com"_s), std::optional(true));
        // A backtracking pattern is shared too, and keeps its limits.
        const BoundedRegex slow(u"^(a*)*\\1b"_s);
        const BoundedRegex slowAgain(u"^(a*)*\\1b"_s);
        QVERIFY(slow.sharesCompiledPattern(slowAgain));
        QCOMPARE(slowAgain.search(QString(30, u'a') + u"!b"_s), std::nullopt);
        // Invalid patterns share nothing.
        QVERIFY(!BoundedRegex(u"(unclosed"_s).sharesCompiledPattern(BoundedRegex(u"(unclosed"_s)));
    }
};

QTEST_GUILESS_MAIN(TestBoundedRegex)
#include "tst_bounded_regex.moc"
