#include "error_fields.h"

#include "operators.h"
#include "python_repr.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <functional>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

using PropertyTest = std::function<bool(const Condition &, const PropertyFilter &)>;

// A condition's own aggregation wins, even an explicit null; otherwise the flag's applies.
std::optional<int> aggregationOf(const FlagFilters &filters, const Condition &condition)
{
    if (condition.aggregationGroupTypeIndex ||
        condition.record.had("aggregation_group_type_index"_L1))
        return condition.aggregationGroupTypeIndex;
    return filters.aggregationGroupTypeIndex;
}

class Locator
{
public:
    Locator(const FeatureFlag &flag, const ValidationError &error, const ValidationContext &context)
        : m_filters(flag.filters), m_error(error), m_context(context)
    {
    }

    QList<FieldPath> run()
    {
        if (m_error.attr.isEmpty())
            return {FieldPath::atFlag()};
        if (m_error.attr != "filters"_L1)
            return {FieldPath::atField(m_error.attr)};
        if (!byPosition())
            byRule();
        if (m_paths.isEmpty())
            m_paths.append(FieldPath::atField(m_error.attr));
        return m_paths;
    }

private:
    bool detailStarts(QLatin1StringView prefix) const { return m_error.detail.startsWith(prefix); }
    bool detailHas(QLatin1StringView part) const { return m_error.detail.contains(part); }

    // Rules whose detail starts with the position they are about.
    bool byPosition()
    {
        static const QRegularExpression property(
            u"^groups\\[(\\d+)\\]\\.properties\\[(\\d+)\\]\\.(\\w+)"_s);
        static const QRegularExpression rollout(u"^groups\\[(\\d+)\\]\\.rollout_percentage"_s);
        static const QRegularExpression variant(u"^multivariate\\.variants\\[(\\d+)\\]\\.(\\w+)"_s);
        if (const auto m = property.match(m_error.detail); m.hasMatch()) {
            m_paths.append(
                FieldPath::atProperty(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3)));
            return true;
        }
        if (const auto m = rollout.match(m_error.detail); m.hasMatch()) {
            m_paths.append(FieldPath::atCondition(m.captured(1).toInt(), u"rollout_percentage"_s));
            return true;
        }
        if (const auto m = variant.match(m_error.detail); m.hasMatch()) {
            m_paths.append(FieldPath::atVariant(m.captured(1).toInt(), m.captured(2)));
            return true;
        }
        if (detailStarts("holdout.exclusion_percentage"_L1)) {
            m_paths.append(FieldPath::atFilters(u"holdout"_s, u"exclusion_percentage"_s));
            return true;
        }
        return false;
    }

    void byRule()
    {
        const QString &detail = m_error.detail;
        if (m_error.code == "cross_field.variant_keys_not_unique"_L1)
            duplicatedVariantKeys();
        else if (detailHas("rollout percentages must sum to 100"_L1))
            m_paths.append(FieldPath::atVariants());
        else if (detailStarts("Payload value is not valid JSON"_L1))
            payloads([](const QString &, const QJsonValue &v) { return !isValidPayload(v); });
        else if (detailStarts("Payload keys must"_L1))
            payloads([this](const QString &key, const QJsonValue &) {
                return m_filters.writesMultivariate() ? !m_filters.findVariant(key)
                                                      : key != "true"_L1;
            });
        else if (detailHas("variant override does not exist"_L1))
            overrides();
        else if (detailStarts("Group type with index"_L1))
            groupType(detail.section(u' ', 4, 4).toInt());
        else if (detailStarts("Feature flags must have at least one condition"_L1))
            m_paths.append(FieldPath::atFilters(u"groups"_s));
        else if (detailStarts("Cannot change this flag to a group-based"_L1))
            m_paths.append(FieldPath::atFilters(u"aggregation_group_type_index"_s));
        else
            byProperty();
    }

    void byProperty()
    {
        const QString &detail = m_error.detail;
        static const QRegularExpression quoted(u"'([^']*)'"_s);
        static const QRegularExpression flagId(u"ID:? (\\d+)"_s);
        if (m_error.code == "cohort_does_not_exist"_L1) {
            const QString id = detail.section(u' ', 3, 3);
            properties(u"value"_s, [&](const Condition &, const PropertyFilter &p) {
                return p.type == "cohort"_L1 && pythonStr(p.value) == id;
            });
        } else if (m_error.code == "behavioral_cohort_found"_L1) {
            const QString name = quoted.match(detail).captured(1);
            properties(u"value"_s, [&](const Condition &, const PropertyFilter &p) {
                return p.type == "cohort"_L1 && cohortNamed(p.value, name);
            });
            if (m_paths.isEmpty())
                properties(u"value"_s, [](const Condition &, const PropertyFilter &p) {
                    return p.type == "cohort"_L1;
                });
        } else if (m_error.code == "invalid_date"_L1) {
            properties(u"value"_s, [](const Condition &, const PropertyFilter &p) {
                return operatorFamily(operatorFromName(p.op)) == OperatorFamily::Date;
            });
        } else if (m_error.code == "invalid_value"_L1) {
            properties(u"value"_s, [](const Condition &, const PropertyFilter &p) {
                return !p.value.isString() && requiresStringValue(operatorFromName(p.op));
            });
        } else if (m_error.code == "invalid_operator"_L1) {
            properties(u"operator"_s, [](const Condition &, const PropertyFilter &p) {
                return operatorFamily(operatorFromName(p.op)) == OperatorFamily::Cohort &&
                       p.type != "cohort"_L1;
            });
        } else if (detailStarts("Property group expressions of type"_L1)) {
            properties(u"value"_s, [](const Condition &, const PropertyFilter &p) {
                return p.value.toArray().size() > 1000;
            });
        } else if (detailHas("can only use person, cohort, and flag properties"_L1)) {
            properties(u"type"_s, [this](const Condition &c, const PropertyFilter &p) {
                return !aggregationOf(m_filters, c) && p.type != "person"_L1 &&
                       p.type != "cohort"_L1 && p.type != "flag"_L1;
            });
        } else if (detailHas("can only use group properties"_L1)) {
            properties(u"type"_s, [this](const Condition &c, const PropertyFilter &p) {
                const std::optional<int> aggregation = aggregationOf(m_filters, c);
                return aggregation && (p.type != "group"_L1 || p.groupTypeIndex != aggregation);
            });
        } else if (detailStarts("Flag properties must use"_L1)) {
            properties(u"operator"_s, [](const Condition &, const PropertyFilter &p) {
                return p.type == "flag"_L1 && p.op != "flag_evaluates_to"_L1;
            });
        } else if (detailStarts("Flag dependenc"_L1) ||
                   detailStarts("Cannot create dependency"_L1)) {
            // The reference named is the key of the flag filter: an id, or a key given instead.
            const QString named = detailHas("Invalid reference"_L1)
                                      ? quoted.match(detail).captured(1)
                                      : flagId.match(detail).captured(1);
            properties(u"key"_s, [&](const Condition &, const PropertyFilter &p) {
                return p.type == "flag"_L1 && p.key == named;
            });
        } else if (detailHas("cannot depend on itself"_L1) ||
                   detailStarts("Circular dependency"_L1)) {
            properties(u"key"_s, [](const Condition &, const PropertyFilter &p) {
                return p.type == "flag"_L1;
            });
        }
    }

    bool cohortNamed(const QJsonValue &value, const QString &name) const
    {
        const std::optional<qint64> id = pythonInt(pythonStr(value));
        const auto it = id ? m_context.cohorts.constFind(*id) : m_context.cohorts.constEnd();
        return it != m_context.cohorts.constEnd() && it->name == name;
    }

    void properties(const QString &attribute, const PropertyTest &test)
    {
        for (int g = 0; g < m_filters.groups.size(); ++g) {
            const Condition &condition = m_filters.groups.at(g);
            for (int p = 0; p < condition.properties.size(); ++p)
                if (test(condition, condition.properties.at(p)))
                    m_paths.append(FieldPath::atProperty(g, p, attribute));
        }
    }

    void duplicatedVariantKeys()
    {
        const QList<Variant> variants = m_filters.variants.value_or(QList<Variant>());
        for (int i = 0; i < variants.size(); ++i) {
            const auto same = [&](const Variant &v) { return v.key == variants.at(i).key; };
            if (std::count_if(variants.begin(), variants.end(), same) > 1)
                m_paths.append(FieldPath::atVariant(i, u"key"_s));
        }
    }

    void payloads(const std::function<bool(const QString &, const QJsonValue &)> &test)
    {
        const QJsonObject &payloads = m_filters.payloads;
        for (auto it = payloads.begin(); it != payloads.end(); ++it)
            if (test(it.key(), it.value()))
                m_paths.append(FieldPath::atPayload(it.key()));
    }

    void overrides()
    {
        for (int g = 0; g < m_filters.groups.size(); ++g) {
            const std::optional<QString> &variant = m_filters.groups.at(g).variant;
            if (variant && !variant->isEmpty() && !m_filters.findVariant(*variant))
                m_paths.append(FieldPath::atCondition(g, u"variant"_s));
        }
    }

    void groupType(int index)
    {
        const QString attribute = u"aggregation_group_type_index"_s;
        if (m_filters.aggregationGroupTypeIndex == index)
            m_paths.append(FieldPath::atFilters(attribute));
        for (int g = 0; g < m_filters.groups.size(); ++g)
            if (m_filters.groups.at(g).aggregationGroupTypeIndex == index)
                m_paths.append(FieldPath::atCondition(g, attribute));
    }

    const FlagFilters &m_filters;
    const ValidationError &m_error;
    const ValidationContext &m_context;
    QList<FieldPath> m_paths;
};

} // namespace

QList<FieldPath> fieldsOfError(const FeatureFlag &flag, const ValidationError &error,
                               const ValidationContext &context)
{
    return Locator(flag, error, context).run();
}

} // namespace bunting::models
