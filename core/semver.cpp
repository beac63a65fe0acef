#include "semver.h"

#include <QList>

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

} // namespace

std::optional<SemverTuple> parseSemver(QStringView text)
{
    text = stripPrefix(text);
    const qsizetype suffix = [&] {
        for (qsizetype i = 0; i < text.size(); ++i)
            if (text[i] == u'-' || text[i] == u'+')
                return i;
        return text.size();
    }();
    return parseCore(text.left(suffix));
}

std::optional<SemverRange> tildeRange(QStringView text)
{
    const auto v = parseSemver(text);
    if (!v)
        return std::nullopt;
    return SemverRange{*v, {(*v)[0], (*v)[1] + 1, 0}};
}

std::optional<SemverRange> caretRange(QStringView text)
{
    const auto v = parseSemver(text);
    if (!v)
        return std::nullopt;
    const auto [major, minor, patch] = *v;
    if (major > 0)
        return SemverRange{*v, {major + 1, 0, 0}};
    if (minor > 0)
        return SemverRange{*v, {0, minor + 1, 0}};
    return SemverRange{*v, {0, 0, patch + 1}};
}

std::optional<SemverRange> wildcardRange(QStringView text)
{
    text = stripPrefix(text);
    while (text.endsWith(u".*") || text.endsWith(u".x") || text.endsWith(u".X"))
        text.chop(2);
    if (text.endsWith(u'*'))
        text.chop(1);
    const auto core = parseCore(text);
    if (!core)
        return std::nullopt;
    const auto [major, minor, patch] = *core;
    Q_UNUSED(patch);
    if (!text.contains(u'.'))
        return SemverRange{{major, 0, 0}, {major + 1, 0, 0}};
    return SemverRange{{major, minor, 0}, {major, minor + 1, 0}};
}

} // namespace bunting
