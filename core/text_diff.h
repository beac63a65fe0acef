#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace bunting {

// One run of lines a line diff keeps, removes or adds. Line numbers are 0-based. An Equal run
// covers `count` lines on both sides; a Delete run lines of the old text at `oldStart` (and
// `newStart` is where they would have been in the new one); an Insert run the reverse.
struct DiffOp
{
    enum class Kind { Equal, Delete, Insert };
    Kind kind = Kind::Equal;
    int oldStart = 0;
    int newStart = 0;
    int count = 0;

    friend bool operator==(const DiffOp &, const DiffOp &) = default;
};

// A shortest edit script from `before` to `after` (Myers' algorithm, in linear space so that
// thousands of entirely different lines stay cheap): runs in order, adjacent runs of the same
// kind merged, and between two Equal runs the Delete run before the Insert run.
QList<DiffOp> diffLines(const QStringList &before, const QStringList &after);

// How many lines the script removes and adds.
struct DiffCounts
{
    int deleted = 0;
    int inserted = 0;
};
DiffCounts countChanges(const QList<DiffOp> &ops);

} // namespace bunting
