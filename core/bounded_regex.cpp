#include "bounded_regex.h"

#include <QHash>
#include <QMutex>
#include <algorithm>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>

namespace bunting {

namespace {

// Depth and heap bounds keep a PCRE2 search small even below the step limit.
constexpr uint32_t depthLimit = 10'000;
constexpr uint32_t heapLimitKiB = 20 * 1024;

struct PcreCodeDeleter
{
    void operator()(pcre2_code *code) const { pcre2_code_free(code); }
};
struct PcreContextDeleter
{
    void operator()(pcre2_match_context *context) const { pcre2_match_context_free(context); }
};
struct PcreDataDeleter
{
    void operator()(pcre2_match_data *data) const { pcre2_match_data_free(data); }
};

// RE2 refuses these for the pattern's size, not its syntax: Rust's engine has the same kind of
// limit, so PCRE2 must not take them over.
bool refusedForSize(RE2::ErrorCode code)
{
    return code == RE2::ErrorPatternTooLarge || code == RE2::ErrorRepeatSize;
}

} // namespace

struct BoundedRegex::Compiled
{
    std::unique_ptr<RE2> re2;
    std::unique_ptr<pcre2_code, PcreCodeDeleter> pcre;
    std::unique_ptr<pcre2_match_context, PcreContextDeleter> context;
};

BoundedRegex::BoundedRegex(const QString &pattern)
{
    // Compiled patterns alive somewhere, by pattern; entries whose pattern is gone are swept
    // once the table has doubled since the last sweep.
    static QMutex mutex;
    static QHash<QString, std::weak_ptr<const Compiled>> alive;
    static qsizetype sweepAt = 1024;
    QMutexLocker lock(&mutex);
    if (const auto found = alive.constFind(pattern); found != alive.cend())
        if ((m_compiled = found->lock()))
            return;
    lock.unlock();
    m_compiled = compile(pattern.toUtf8());
    if (!m_compiled)
        return;
    lock.relock();
    alive.insert(pattern, m_compiled);
    if (alive.size() >= sweepAt) {
        alive.removeIf([](const auto &entry) { return entry.value().expired(); });
        sweepAt = std::max<qsizetype>(1024, 2 * alive.size());
    }
}

std::shared_ptr<const BoundedRegex::Compiled> BoundedRegex::compile(const QByteArray &utf8)
{
    auto compiled = std::make_shared<Compiled>();

    RE2::Options options;
    options.set_log_errors(false);
    auto re2 =
        std::make_unique<RE2>(re2::StringPiece(utf8.constData(), size_t(utf8.size())), options);
    if (re2->ok()) {
        compiled->re2 = std::move(re2);
        return compiled;
    }
    if (refusedForSize(re2->error_code()))
        return nullptr;

    int error = 0;
    PCRE2_SIZE offset = 0;
    compiled->pcre.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(utf8.constData()),
                                       PCRE2_SIZE(utf8.size()), PCRE2_UTF, &error, &offset,
                                       nullptr));
    if (!compiled->pcre)
        return nullptr;
    compiled->context.reset(pcre2_match_context_create(nullptr));
    if (!compiled->context)
        return nullptr;
    // The limits apply whatever the pattern says: a leading (*LIMIT_MATCH=...) may only lower
    // them when the context sets them.
    pcre2_set_match_limit(compiled->context.get(), backtrackLimit);
    pcre2_set_depth_limit(compiled->context.get(), depthLimit);
    pcre2_set_heap_limit(compiled->context.get(), heapLimitKiB);
    return compiled;
}

bool BoundedRegex::isValid() const
{
    return m_compiled != nullptr;
}

QString BoundedRegex::engineName() const
{
    if (!m_compiled)
        return {};
    return m_compiled->re2 ? QStringLiteral("re2") : QStringLiteral("pcre2");
}

std::optional<bool> BoundedRegex::search(const QString &haystack) const
{
    if (!m_compiled)
        return std::nullopt;
    const QByteArray utf8 = haystack.toUtf8();
    if (m_compiled->re2)
        return RE2::PartialMatch(re2::StringPiece(utf8.constData(), size_t(utf8.size())),
                                 *m_compiled->re2);

    std::unique_ptr<pcre2_match_data, PcreDataDeleter> data(
        pcre2_match_data_create_from_pattern(m_compiled->pcre.get(), nullptr));
    if (!data)
        return std::nullopt;
    const int result =
        pcre2_match(m_compiled->pcre.get(), reinterpret_cast<PCRE2_SPTR>(utf8.constData()),
                    PCRE2_SIZE(utf8.size()), 0, 0, data.get(), m_compiled->context.get());
    if (result >= 0)
        return true;
    if (result == PCRE2_ERROR_NOMATCH)
        return false;
    return std::nullopt; // the match, depth or heap limit, or another failure
}

} // namespace bunting
