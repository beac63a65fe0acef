#pragma once

#include <QString>
#include <memory>
#include <optional>

namespace bunting {

// A `regex` / `not_regex` pattern searched the way PostHog's flags service searches it, in
// bounded time. That service uses fancy_regex, which hands a pattern without look-around or
// backreferences whole to Rust's linear-time engine, and runs the others on a backtracking engine
// that gives up after 10,000 backtracks. Here RE2 (linear, RE2 syntax as Rust's) takes every
// pattern it accepts, and PCRE2 with a match limit of the same size takes the rest, so no pattern
// and no input can keep a thread busy: `(.*a){25}` answers at once instead of after minutes.
// Copies share the compiled pattern, and searching is safe from several threads.
class BoundedRegex
{
public:
    // Backtracking steps before a PCRE2 search gives up, as fancy_regex's default limit.
    static constexpr unsigned backtrackLimit = 10'000;

    BoundedRegex() = default;
    explicit BoundedRegex(const QString &pattern);

    // False for a pattern neither engine accepts: PostHog then answers false.
    bool isValid() const;
    // Whether `haystack` contains a match; nullopt for an invalid pattern or a search that ran
    // past the limit, which PostHog reports as an error and evaluates as false.
    std::optional<bool> search(const QString &haystack) const;
    // Which engine runs the pattern, for tests and docs: "re2", "pcre2" or "" when invalid.
    QString engineName() const;
    // Whether both run one compiled pattern: a pattern compiled while another BoundedRegex of
    // it exists is shared, as a project of thousands of flags often repeats one, and each
    // compiled copy costs kilobytes.
    bool sharesCompiledPattern(const BoundedRegex &other) const
    {
        return m_compiled && m_compiled == other.m_compiled;
    }

private:
    struct Compiled;
    static std::shared_ptr<const Compiled> compile(const QByteArray &utf8);
    std::shared_ptr<const Compiled> m_compiled;
};

} // namespace bunting
