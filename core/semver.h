#pragma once

#include <QString>
#include <QStringView>
#include <array>
#include <compare>
#include <optional>

namespace bunting {

using SemverTuple = std::array<qint64, 3>;

// A version as PostHog's flags service reads one (its to_semver_representation, then Rust's
// semver crate): major.minor.patch with a pre-release and build metadata. Versions order as
// that crate orders them: 1.2.3-alpha < 1.2.3-alpha.1 < 1.2.3-beta < 1.2.3 < 1.2.3+build.
struct Semver
{
    SemverTuple core{0, 0, 0};
    QString pre;   // "beta.2"; empty for a release
    QString build; // "sha.5114f85"; empty when none

    std::strong_ordering operator<=>(const Semver &other) const;
    bool operator==(const Semver &other) const { return (*this <=> other) == 0; }
};

struct SemverRange
{
    SemverTuple lower; // inclusive
    SemverTuple upper; // exclusive
    // A range matches a pre-release only when it was written with one on the same
    // major.minor.patch, as the crate's requirements do ("~1.2.3-beta" takes "1.2.3-rc").
    std::optional<Semver> prereleaseFloor;
    bool contains(const Semver &v) const;
};

// "v1.2.3", "1.2", "3.08" (leading zeros dropped, missing parts zero), "1.2.3-beta.1+b5";
// nullopt for anything that is not a version (four parts, "1.2.3-", "1.2.3-01", letters).
std::optional<Semver> parseSemver(QStringView text);
// ~1.2.3: >=1.2.3 <1.3.0
std::optional<SemverRange> tildeRange(QStringView text);
// ^1.2.3: >=1.2.3 <2.0.0; ^0.2.3: <0.3.0; ^0.0.3: <0.0.4
std::optional<SemverRange> caretRange(QStringView text);
// 1.*: >=1.0.0 <2.0.0; 1.2.*: >=1.2.0 <1.3.0; *: every release
std::optional<SemverRange> wildcardRange(QStringView text);

} // namespace bunting
