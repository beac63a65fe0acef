#pragma once

#include "json_record.h"
#include "property_filter.h"

#include <QJsonObject>
#include <QString>
#include <vector>

namespace bunting {

// A cohort's property tree: `{type: AND|OR, values: [...]}` whose values are either all nested
// groups or all property filters (which may be negated, or name other cohorts and flags).
struct PropertyGroup
{
    QString type; // "AND" or "OR" ("property" is read as AND, like PostHog's SDKs)
    std::vector<PropertyGroup> groups;
    QList<PropertyFilter> filters;
    bool empty = true; // `{}`, PostHog's canonical empty group, which matches everyone
    JsonRecord record;

    bool isOr() const { return type == QLatin1StringView("OR"); }
    static PropertyGroup fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const PropertyGroup &, const PropertyGroup &) = default;
};

// A cohort as PostHog's cohorts API serves it; `filters.properties` holds the tree.
struct Cohort
{
    qint64 id = 0;
    QString name;
    QString description;
    bool isStatic = false;
    bool deleted = false;
    PropertyGroup properties;
    JsonRecord filtersRecord; // other keys of `filters`
    bool hasFilters = false;
    JsonRecord record;

    static Cohort fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
    friend bool operator==(const Cohort &, const Cohort &) = default;
};

} // namespace bunting
