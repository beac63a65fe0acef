#pragma once

#include <QStringView>
#include <array>
#include <optional>

namespace bunting {

// major.minor.patch; pre-release and build suffixes are ignored, as PostHog's SDKs do.
using SemverTuple = std::array<qint64, 3>;

struct SemverRange
{
    SemverTuple lower; // inclusive
    SemverTuple upper; // exclusive
    bool contains(const SemverTuple &v) const { return v >= lower && v < upper; }
};

// "v1.2.3", "1.2", "3.08" (leading zeros read as PostHog's flags service reads them) -> tuple;
// nullopt for anything that is not a version.
std::optional<SemverTuple> parseSemver(QStringView text);
// ~1.2.3: >=1.2.3 <1.3.0
std::optional<SemverRange> tildeRange(QStringView text);
// ^1.2.3: >=1.2.3 <2.0.0; ^0.2.3: <0.3.0; ^0.0.3: <0.0.4
std::optional<SemverRange> caretRange(QStringView text);
// 1.*: >=1.0.0 <2.0.0; 1.2.*: >=1.2.0 <1.3.0
std::optional<SemverRange> wildcardRange(QStringView text);

} // namespace bunting
