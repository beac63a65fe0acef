#include "semver.h"

#include <QList>
#include <limits>

namespace bunting {

namespace {

std::optional<qint64> parseNumber(QStringView part)
{
    if (part.isEmpty() || part.size() > 18)
        return std::nullopt;
    qint64 n = 0;
    for (QChar c : part) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        n = n * 10 + (c.unicode() - u'0');
    }
    return n;
}

QStringView stripPrefix(QStringView text)
{
    text = text.trimmed();
    if (!text.isEmpty() && (text.front() == u'v' || text.front() == u'V'))
        text = text.mid(1).trimmed();
    return text;
}

// Reads up to three dot-separated numbers; missing trailing parts are zero.
std::optional<SemverTuple> parseCore(QStringView core)
{
    if (core.isEmpty())
        return std::nullopt;
    // Walked part by part rather than split into a list: /flags parses a person's version once
    // per semver flag, and the list's allocation cost more than the parsing.
    SemverTuple tuple{0, 0, 0};
    qsizetype start = 0;
    for (std::size_t i = 0;; ++i) {
        if (i == tuple.size())
            return std::nullopt; // more than three parts
        const qsizetype dot = core.indexOf(u'.', start);
        const auto n = parseNumber(core.sliced(start, (dot < 0 ? core.size() : dot) - start));
        if (!n)
            return std::nullopt;
        tuple[i] = *n;
        if (dot < 0)
            return tuple;
        start = dot + 1;
    }
}

// A pre-release or build identifier list: dot-separated, each non-empty of [0-9A-Za-z-]; in a
// pre-release a numeric identifier has no leading zero.
bool validIdentifiers(QStringView text, bool pre)
{
    if (text.isEmpty())
        return false;
    qsizetype start = 0;
    while (true) {
        const qsizetype dot = text.indexOf(u'.', start);
        const QStringView part = text.sliced(start, (dot < 0 ? text.size() : dot) - start);
        if (part.isEmpty())
            return false;
        bool digits = true;
        for (QChar c : part) {
            const bool digit = c >= u'0' && c <= u'9';
            const bool letter = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'-';
            if (!digit && !letter)
                return false;
            digits = digits && digit;
        }
        if (pre && digits && part.size() > 1 && part.front() == u'0')
            return false;
        if (dot < 0)
            return true;
        start = dot + 1;
    }
}

// SemVer's precedence of identifier lists: numeric identifiers by value and below alphanumeric
// ones, others in ASCII order, a longer list above its own prefix.
std::strong_ordering compareIdentifiers(QStringView a, QStringView b)
{
    if (a == b)
        return std::strong_ordering::equal;
    const QList<QStringView> x = a.split(u'.'), y = b.split(u'.');
    for (qsizetype i = 0; i < x.size() && i < y.size(); ++i) {
        const auto nx = parseNumber(x[i]), ny = parseNumber(y[i]);
        std::strong_ordering order = std::strong_ordering::equal;
        if (nx && ny)
            order = *nx <=> *ny;
        else if (nx || ny)
            order = nx ? std::strong_ordering::less : std::strong_ordering::greater;
        else
            order = x[i].compare(y[i]) <=> 0;
        if (order != 0)
            return order;
    }
    return x.size() <=> y.size();
}

} // namespace

std::strong_ordering Semver::operator<=>(const Semver &other) const
{
    if (const auto order = core <=> other.core; order != 0)
        return order;
    // A release is above its pre-releases.
    if (pre.isEmpty() != other.pre.isEmpty())
        return pre.isEmpty() ? std::strong_ordering::greater : std::strong_ordering::less;
    if (const auto order = compareIdentifiers(pre, other.pre); order != 0)
        return order;
    // The crate orders build metadata too (none first), so that order agrees with equality.
    if (build.isEmpty() != other.build.isEmpty())
        return build.isEmpty() ? std::strong_ordering::less : std::strong_ordering::greater;
    return compareIdentifiers(build, other.build);
}

bool SemverRange::contains(const Semver &v) const
{
    if (v.core < lower || v.core >= upper)
        return false;
    if (v.pre.isEmpty())
        return !prereleaseFloor || v >= *prereleaseFloor;
    return prereleaseFloor && v.core == prereleaseFloor->core && v >= *prereleaseFloor;
}

std::optional<Semver> parseSemver(QStringView text)
{
    text = stripPrefix(text);
    const qsizetype plus = text.indexOf(u'+');
    const QStringView build = plus < 0 ? QStringView() : text.sliced(plus + 1);
    const QStringView beforeBuild = plus < 0 ? text : text.left(plus);
    const qsizetype dash = beforeBuild.indexOf(u'-');
    const QStringView pre = dash < 0 ? QStringView() : beforeBuild.sliced(dash + 1);
    const auto core = parseCore(dash < 0 ? beforeBuild : beforeBuild.left(dash));
    if (!core || (dash >= 0 && !validIdentifiers(pre, true)) ||
        (plus >= 0 && !validIdentifiers(build, false)))
        return std::nullopt;
    return Semver{*core, pre.toString(), build.toString()};
}

// The floor of a range written with a pre-release: only then are pre-releases in it.
std::optional<Semver> prereleaseFloor(const Semver &v)
{
    return v.pre.isEmpty() ? std::nullopt : std::optional(v);
}

std::optional<SemverRange> tildeRange(QStringView text)
{
    const auto v = parseSemver(text);
    if (!v)
        return std::nullopt;
    const auto [major, minor, patch] = v->core;
    Q_UNUSED(patch);
    return SemverRange{v->core, {major, minor + 1, 0}, prereleaseFloor(*v)};
}

std::optional<SemverRange> caretRange(QStringView text)
{
    const auto v = parseSemver(text);
    if (!v)
        return std::nullopt;
    const auto [major, minor, patch] = v->core;
    const SemverTuple upper = major > 0   ? SemverTuple{major + 1, 0, 0}
                              : minor > 0 ? SemverTuple{0, minor + 1, 0}
                                          : SemverTuple{0, 0, patch + 1};
    return SemverRange{v->core, upper, prereleaseFloor(*v)};
}

std::optional<SemverRange> wildcardRange(QStringView text)
{
    text = stripPrefix(text);
    while (text.endsWith(u".*") || text.endsWith(u".x") || text.endsWith(u".X"))
        text.chop(2);
    if (text.endsWith(u'*'))
        text.chop(1);
    if (text.isEmpty()) // "*": any release
        return SemverRange{{0, 0, 0}, {std::numeric_limits<qint64>::max(), 0, 0}, std::nullopt};
    const auto core = parseCore(text);
    if (!core)
        return std::nullopt;
    const auto [major, minor, patch] = *core;
    Q_UNUSED(patch);
    if (!text.contains(u'.'))
        return SemverRange{{major, 0, 0}, {major + 1, 0, 0}, std::nullopt};
    return SemverRange{{major, minor, 0}, {major, minor + 1, 0}, std::nullopt};
}

} // namespace bunting
