// The line diff: crafted scripts for the usual shapes, and on random texts a script that rebuilds
// both sides and is as short as the longest common subsequence allows.
#include "text_diff.h"

#include <QRandomGenerator>
#include <QTest>
#include <vector>

using namespace Qt::StringLiterals;
using namespace bunting;

namespace {

using Kind = DiffOp::Kind;

QStringList lines(const QString &letters)
{
    QStringList result;
    for (QChar c : letters)
        result.append(QString(c));
    return result;
}

// Replays the script: every Equal line must match on both sides, and the runs must cover both
// texts in order.
bool rebuilds(const QStringList &before, const QStringList &after, const QList<DiffOp> &ops)
{
    QStringList fromOld, fromNew;
    int i = 0, j = 0;
    for (const DiffOp &op : ops) {
        if (op.count <= 0 || op.oldStart != i || op.newStart != j)
            return false;
        for (int n = 0; n < op.count; ++n) {
            if (op.kind == Kind::Equal) {
                if (before.value(i) != after.value(j))
                    return false;
                fromOld.append(before.value(i++));
                fromNew.append(after.value(j++));
            } else if (op.kind == Kind::Delete) {
                fromOld.append(before.value(i++));
            } else {
                fromNew.append(after.value(j++));
            }
        }
    }
    return fromOld == before && fromNew == after;
}

int lcsLength(const QStringList &a, const QStringList &b)
{
    std::vector<std::vector<int>> t(size_t(a.size() + 1), std::vector<int>(size_t(b.size() + 1)));
    for (qsizetype i = a.size() - 1; i >= 0; --i)
        for (qsizetype j = b.size() - 1; j >= 0; --j)
            t[size_t(i)][size_t(j)] =
                a[i] == b[j] ? t[size_t(i + 1)][size_t(j + 1)] + 1
                             : std::max(t[size_t(i + 1)][size_t(j)], t[size_t(i)][size_t(j + 1)]);
    return t[0][0];
}

} // namespace

class TestTextDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void crafted_data();
    void crafted();
    void randomTextsGiveShortestScripts();
    void thousandsOfDifferentLines();
};

void TestTextDiff::crafted_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QList<DiffOp>>("expected");

    QTest::newRow("both empty") << u""_s << u""_s << QList<DiffOp>{};
    QTest::newRow("all added") << u""_s << u"abc"_s << QList<DiffOp>{{Kind::Insert, 0, 0, 3}};
    QTest::newRow("all removed") << u"abc"_s << u""_s << QList<DiffOp>{{Kind::Delete, 0, 0, 3}};
    QTest::newRow("identical") << u"abcd"_s << u"abcd"_s << QList<DiffOp>{{Kind::Equal, 0, 0, 4}};
    QTest::newRow("all different")
        << u"abc"_s << u"xyz"_s << QList<DiffOp>{{Kind::Delete, 0, 0, 3}, {Kind::Insert, 3, 0, 3}};
    QTest::newRow("insert in the middle")
        << u"abcd"_s << u"abxycd"_s
        << QList<DiffOp>{{Kind::Equal, 0, 0, 2}, {Kind::Insert, 2, 2, 2}, {Kind::Equal, 2, 4, 2}};
    QTest::newRow("delete at the end")
        << u"abcd"_s << u"ab"_s << QList<DiffOp>{{Kind::Equal, 0, 0, 2}, {Kind::Delete, 2, 2, 2}};
    QTest::newRow("one line replaced") << u"abcd"_s << u"abXd"_s
                                       << QList<DiffOp>{{Kind::Equal, 0, 0, 2},
                                                        {Kind::Delete, 2, 2, 1},
                                                        {Kind::Insert, 3, 2, 1},
                                                        {Kind::Equal, 3, 3, 1}};
    QTest::newRow("first line moved to the end")
        << u"abcd"_s << u"bcda"_s
        << QList<DiffOp>{{Kind::Delete, 0, 0, 1}, {Kind::Equal, 1, 0, 3}, {Kind::Insert, 4, 3, 1}};
    QTest::newRow("last line moved to the front")
        << u"abcd"_s << u"dabc"_s
        << QList<DiffOp>{{Kind::Insert, 0, 0, 1}, {Kind::Equal, 0, 1, 3}, {Kind::Delete, 3, 4, 1}};
}

void TestTextDiff::crafted()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(QList<DiffOp>, expected);
    const QList<DiffOp> ops = diffLines(lines(before), lines(after));
    QVERIFY(rebuilds(lines(before), lines(after), ops));
    // Moves have two shortest scripts; either is right as long as it is minimal.
    if (QByteArray(QTest::currentDataTag()).contains(" moved ")) {
        const DiffCounts counts = countChanges(ops);
        QCOMPARE(counts.deleted, 1);
        QCOMPARE(counts.inserted, 1);
        return;
    }
    QCOMPARE(ops, expected);
}

void TestTextDiff::randomTextsGiveShortestScripts()
{
    QRandomGenerator random(7);
    for (int round = 0; round < 500; ++round) {
        const auto text = [&random] {
            QString letters;
            const int length = random.bounded(0, 25);
            for (int i = 0; i < length; ++i)
                letters.append(QChar(u'a' + random.bounded(0, 4)));
            return lines(letters);
        };
        const QStringList a = text(), b = text();
        const QList<DiffOp> ops = diffLines(a, b);
        QVERIFY2(rebuilds(a, b, ops),
                 qPrintable(a.join(QString()) + u" -> "_s + b.join(QString())));
        const DiffCounts counts = countChanges(ops);
        const int common = lcsLength(a, b);
        QCOMPARE(counts.deleted, a.size() - common);
        QCOMPARE(counts.inserted, b.size() - common);
        for (qsizetype i = 1; i < ops.size(); ++i)
            QVERIFY(ops[i].kind != ops[i - 1].kind);
    }
}

void TestTextDiff::thousandsOfDifferentLines()
{
    QStringList a, b;
    for (int i = 0; i < 4000; ++i) {
        a.append(u"old %1"_s.arg(i));
        b.append(i % 10 == 0 ? u"old %1"_s.arg(i) : u"new %1"_s.arg(i));
    }
    const QList<DiffOp> ops = diffLines(a, b);
    QVERIFY(rebuilds(a, b, ops));
    QCOMPARE(countChanges(ops).deleted, 3600);
    QCOMPARE(countChanges(ops).inserted, 3600);
}

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_text_diff.moc"
