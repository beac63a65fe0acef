#include "text_diff.h"

#include <QHash>
#include <vector>

namespace bunting {

namespace {

// Lines compared as small integers, so the search never compares strings.
struct Sequences
{
    std::vector<int> a;
    std::vector<int> b;
};

Sequences numbered(const QStringList &before, const QStringList &after)
{
    QHash<QString, int> ids;
    const auto id = [&ids](const QString &line) {
        return *ids.insert(line, ids.value(line, int(ids.size())));
    };
    Sequences s;
    s.a.reserve(size_t(before.size()));
    s.b.reserve(size_t(after.size()));
    for (const QString &line : before)
        s.a.push_back(id(line));
    for (const QString &line : after)
        s.b.push_back(id(line));
    return s;
}

struct Snake
{
    int x0, y0, x1, y1; // absolute positions: the diagonal run from (x0, y0) to (x1, y1)
};

// Finds the pairs of equal lines of a longest common subsequence by divide and conquer on the
// middle snake (Myers 1986, section 4b), which needs memory linear in the input.
class Matcher
{
public:
    explicit Matcher(const Sequences &s) : m_a(s.a), m_b(s.b) {}

    std::vector<std::pair<int, int>> matches()
    {
        match(0, int(m_a.size()), 0, int(m_b.size()));
        return std::move(m_matches);
    }

private:
    void match(int aLo, int aHi, int bLo, int bHi)
    {
        while (aLo < aHi && bLo < bHi && m_a[size_t(aLo)] == m_b[size_t(bLo)])
            m_matches.emplace_back(aLo++, bLo++);
        int suffix = 0;
        while (aHi - suffix > aLo && bHi - suffix > bLo &&
               m_a[size_t(aHi - suffix - 1)] == m_b[size_t(bHi - suffix - 1)])
            ++suffix;
        aHi -= suffix;
        bHi -= suffix;
        // With both ends trimmed and both sides non-empty, at least two edits remain, and each
        // half of the split needs fewer: the recursion ends.
        if (aLo < aHi && bLo < bHi) {
            const Snake snake = middleSnake(aLo, aHi, bLo, bHi);
            match(aLo, snake.x0, bLo, snake.y0);
            for (int x = snake.x0, y = snake.y0; x < snake.x1; ++x, ++y)
                m_matches.emplace_back(x, y);
            match(snake.x1, aHi, snake.y1, bHi);
        }
        for (int i = 0; i < suffix; ++i)
            m_matches.emplace_back(aHi + i, bHi + i);
    }

    Snake middleSnake(int aLo, int aHi, int bLo, int bHi)
    {
        const int n = aHi - aLo, m = bHi - bLo, delta = n - m;
        const bool odd = (delta & 1) != 0;
        const int max = (n + m + 1) / 2;
        const int offset = max + 1;
        // Furthest x reached on each diagonal k = x - y, forwards from the start and (on the
        // reversed sequences) backwards from the end.
        std::vector<int> forward(size_t(2 * max + 3), 0), backward(size_t(2 * max + 3), 0);
        const auto at = [offset](std::vector<int> &v, int k) -> int & {
            return v[size_t(k + offset)];
        };
        const auto a = [&](int i) { return m_a[size_t(aLo + i)]; };
        const auto b = [&](int j) { return m_b[size_t(bLo + j)]; };

        for (int d = 0; d <= max; ++d) {
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && at(forward, k - 1) < at(forward, k + 1)))
                            ? at(forward, k + 1)
                            : at(forward, k - 1) + 1;
                int y = x - k;
                const int x0 = x, y0 = y;
                while (x < n && y < m && a(x) == b(y)) {
                    ++x;
                    ++y;
                }
                at(forward, k) = x;
                const int reversed = delta - k;
                if (odd && reversed >= -(d - 1) && reversed <= d - 1 &&
                    x + at(backward, reversed) >= n)
                    return {aLo + x0, bLo + y0, aLo + x, bLo + y};
            }
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && at(backward, k - 1) < at(backward, k + 1)))
                            ? at(backward, k + 1)
                            : at(backward, k - 1) + 1;
                int y = x - k;
                const int x0 = x, y0 = y;
                while (x < n && y < m && a(n - 1 - x) == b(m - 1 - y)) {
                    ++x;
                    ++y;
                }
                at(backward, k) = x;
                const int straight = delta - k;
                if (!odd && straight >= -d && straight <= d && x + at(forward, straight) >= n)
                    return {aLo + n - x, bLo + m - y, aLo + n - x0, bLo + m - y0};
            }
        }
        // Unreachable: the two searches meet by d = max. Treat everything as replaced.
        return {aHi, bLo, aHi, bLo};
    }

    const std::vector<int> &m_a;
    const std::vector<int> &m_b;
    std::vector<std::pair<int, int>> m_matches;
};

void append(QList<DiffOp> &ops, DiffOp::Kind kind, int oldStart, int newStart, int count)
{
    if (count <= 0)
        return;
    if (!ops.isEmpty() && ops.last().kind == kind) {
        ops.last().count += count;
        return;
    }
    ops.append({kind, oldStart, newStart, count});
}

} // namespace

QList<DiffOp> diffLines(const QStringList &before, const QStringList &after)
{
    const Sequences sequences = numbered(before, after);
    const auto matches = Matcher(sequences).matches();
    QList<DiffOp> ops;
    int i = 0, j = 0;
    const auto advanceTo = [&](int x, int y) {
        append(ops, DiffOp::Kind::Delete, i, j, x - i);
        append(ops, DiffOp::Kind::Insert, x, j, y - j);
        i = x;
        j = y;
    };
    for (const auto &[x, y] : matches) {
        advanceTo(x, y);
        append(ops, DiffOp::Kind::Equal, i, j, 1);
        ++i;
        ++j;
    }
    advanceTo(int(before.size()), int(after.size()));
    return ops;
}

DiffCounts countChanges(const QList<DiffOp> &ops)
{
    DiffCounts counts;
    for (const DiffOp &op : ops) {
        if (op.kind == DiffOp::Kind::Delete)
            counts.deleted += op.count;
        else if (op.kind == DiffOp::Kind::Insert)
            counts.inserted += op.count;
    }
    return counts;
}

} // namespace bunting
