#include "flag_summary.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>
#include <QStringList>
#include <QTimeZone>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

// Values of a list filter shown before the rest is only counted.
constexpr qsizetype kListedValues = 3;
// Variants named in the summary; the tooltip names them all.
constexpr qsizetype kSummaryVariants = 2;

QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("bunting::models::FlagSummary", text, nullptr, n);
}

// English has one singular; a translation brings its own plural forms through `%n`.
QString counted(int n, const char *one, const char *many)
{
    return n == 1 ? tr(one) : tr(many, n);
}

double rolloutOf(const Condition &condition)
{
    return condition.rolloutPercentage.value_or(100);
}

QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 15);
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Null:
        return u"null"_s;
    default:
        return {};
    }
}

QString valueText(const QJsonValue &value)
{
    if (!value.isArray())
        return scalarText(value);
    const QJsonArray items = value.toArray();
    QStringList texts;
    for (qsizetype i = 0; i < std::min(items.size(), kListedValues); ++i)
        texts.append(scalarText(items.at(i)));
    if (items.size() > kListedValues)
        texts.append(tr("+%n more", int(items.size() - kListedValues)));
    return texts.join(u", "_s);
}

// The operator as a word or symbol between key and value; empty for the ones without a value.
QString operatorText(Operator op, const QString &name)
{
    switch (op) {
    case Operator::Exact:
    case Operator::SemverEq:
    case Operator::FlagEvaluatesTo:
        return u"="_s;
    case Operator::IsNot:
    case Operator::SemverNeq:
        return u"≠"_s;
    case Operator::Icontains:
        return u"~"_s;
    case Operator::NotIcontains:
        return u"!~"_s;
    case Operator::Regex:
        return tr("matches");
    case Operator::NotRegex:
        return tr("does not match");
    case Operator::Gt:
    case Operator::SemverGt:
        return u">"_s;
    case Operator::Gte:
    case Operator::SemverGte:
        return u"≥"_s;
    case Operator::Lt:
    case Operator::SemverLt:
        return u"<"_s;
    case Operator::Lte:
    case Operator::SemverLte:
        return u"≤"_s;
    case Operator::StartsWith:
        return tr("starts with");
    case Operator::NotStartsWith:
        return tr("does not start with");
    case Operator::EndsWith:
        return tr("ends with");
    case Operator::NotEndsWith:
        return tr("does not end with");
    case Operator::IsDateBefore:
        return tr("before");
    case Operator::IsDateAfter:
        return tr("after");
    case Operator::IsDateExact:
        return tr("on");
    case Operator::SemverTilde:
    case Operator::SemverCaret:
    case Operator::SemverWildcard:
        return tr("matches");
    case Operator::In:
        return tr("in");
    case Operator::NotIn:
        return tr("not in");
    case Operator::IsSet:
    case Operator::IsNotSet:
        return {};
    case Operator::Unknown:
        break;
    }
    return name;
}

QString propertiesText(const QList<PropertyFilter> &properties, bool all)
{
    if (properties.isEmpty())
        return {};
    if (!all && properties.size() > 1)
        return tr("%1 and %n more", int(properties.size() - 1))
            .arg(propertyText(properties.first()));
    QStringList texts;
    for (const PropertyFilter &filter : properties)
        texts.append(propertyText(filter));
    return texts.join(tr(" and "));
}

// "30% of users", "Users matching email ~ @acme.com", "50% of users matching ...".
QString conditionText(const Condition &condition, bool groups, bool allProperties)
{
    const double rollout = rolloutOf(condition);
    const QString percentage = percentText(rollout);
    const QString properties = propertiesText(condition.properties, allProperties);
    if (properties.isEmpty())
        return groups ? tr("%1 of groups").arg(percentage) : tr("%1 of users").arg(percentage);
    if (rollout >= 100)
        return groups ? tr("Groups matching %1").arg(properties)
                      : tr("Users matching %1").arg(properties);
    return groups ? tr("%1 of groups matching %2").arg(percentage, properties)
                  : tr("%1 of users matching %2").arg(percentage, properties);
}

QString variantsText(const QList<Variant> &variants, qsizetype listed)
{
    QStringList texts;
    for (qsizetype i = 0; i < std::min(variants.size(), listed); ++i)
        texts.append(variants.at(i).key + u' ' + percentText(variants.at(i).rolloutPercentage));
    if (variants.size() > listed)
        texts.append(u"…"_s);
    return counted(int(variants.size()), "1 variant (%1)", "%n variants (%1)")
        .arg(texts.join(u", "_s));
}

// Everything released to everyone: one condition without properties at 100 %.
bool releasedToEveryone(const FlagFilters &filters)
{
    return filters.groups.size() == 1 && filters.groups.first().properties.isEmpty() &&
           rolloutOf(filters.groups.first()) >= 100;
}

QString personText(const UserBasic &user)
{
    const QString name = (user.firstName + u' ' + user.lastName).trimmed();
    if (!name.isEmpty() && !user.email.isEmpty())
        return u"%1 <%2>"_s.arg(name, user.email);
    return name.isEmpty() ? user.email : name;
}

} // namespace

QString flagTypeText(const FeatureFlag &flag)
{
    if (!flag.experimentSet.isEmpty())
        return tr("Experiment");
    if (flag.isRemoteConfiguration)
        return tr("Remote config");
    if (flag.filters.isMultivariate())
        return tr("Multivariate");
    return tr("Boolean");
}

QString statusText(const FeatureFlag &flag)
{
    if (flag.deleted)
        return tr("Deleted");
    if (!flag.active)
        return tr("Inactive");
    if (flag.status.compare("STALE"_L1, Qt::CaseInsensitive) == 0)
        return tr("Stale");
    return tr("Active");
}

QString statusToolTip(const FeatureFlag &flag)
{
    if (flag.deleted)
        return tr("Deleted: SDKs no longer receive this flag.");
    if (!flag.active)
        return tr("Switched off: everyone gets false.");
    if (flag.status.compare("STALE"_L1, Qt::CaseInsensitive) == 0)
        return tr("Active, but rolled out to everyone for a while: ready to be removed from "
                  "the code.");
    if (flag.status.compare("INACTIVE"_L1, Qt::CaseInsensitive) == 0)
        return tr("Active, but not called in the last 30 days.");
    return tr("Active: SDKs evaluate its release conditions.");
}

QString rolloutSummary(const FeatureFlag &flag)
{
    if (!flag.active)
        return tr("Off");
    const FlagFilters &filters = flag.filters;
    const bool groups = filters.aggregationGroupTypeIndex.has_value();
    QString base;
    if (filters.groups.isEmpty()) {
        base = tr("No one");
    } else if (filters.groups.size() == 1) {
        base = conditionText(filters.groups.first(), groups, false);
    } else {
        double highest = 0;
        for (const Condition &condition : filters.groups)
            highest = std::max(highest, rolloutOf(condition));
        base = tr("%n conditions · up to %1", int(filters.groups.size())).arg(percentText(highest));
    }
    if (!filters.isMultivariate())
        return base;
    const QString variants = variantsText(*filters.variants, kSummaryVariants);
    return releasedToEveryone(filters) ? variants : base + u" · "_s + variants;
}

QString rolloutDetails(const FeatureFlag &flag)
{
    const FlagFilters &filters = flag.filters;
    const bool groups = filters.aggregationGroupTypeIndex.has_value();
    QStringList lines;
    if (!flag.active)
        lines.append(tr("Off: everyone gets false until it is switched on."));
    if (filters.featureEnrollment || !filters.superGroups.isEmpty())
        lines.append(tr("Early access: people who opted in get it first."));
    if (filters.groups.isEmpty())
        lines.append(tr("No release conditions: no one gets the flag."));
    for (qsizetype i = 0; i < filters.groups.size(); ++i) {
        const Condition &condition = filters.groups.at(i);
        QString line =
            tr("Condition %1: %2").arg(i + 1).arg(conditionText(condition, groups, true));
        if (condition.variant && !condition.variant->isEmpty())
            line += tr(" → variant %1").arg(*condition.variant);
        if (!condition.description.isEmpty())
            line += u" ("_s + condition.description + u')';
        lines.append(line);
    }
    if (filters.isMultivariate())
        lines.append(variantsText(*filters.variants, filters.variants->size()));
    if (filters.holdout)
        lines.append(
            tr("Holdout: %1 held out").arg(percentText(filters.holdout->exclusionPercentage)));
    return lines.join(u'\n');
}

QString propertyText(const PropertyFilter &filter)
{
    const QString value = valueText(filter.value);
    switch (filter.propertyType()) {
    case PropertyType::Cohort: {
        const QString cohort = filter.label.isEmpty() ? value : filter.label;
        return filter.negation ? tr("not cohort %1").arg(cohort) : tr("cohort %1").arg(cohort);
    }
    case PropertyType::Flag: {
        const QString name = filter.label.isEmpty() ? filter.key : filter.label;
        return tr("flag %1 = %2").arg(name, value);
    }
    default:
        break;
    }
    // A row added in the editor and not filled in yet.
    if (filter.key.isEmpty())
        return tr("(no property chosen)");
    const Operator op = filter.effectiveOperator();
    QString text;
    if (op == Operator::IsSet)
        text = tr("%1 is set").arg(filter.key);
    else if (op == Operator::IsNotSet)
        text = tr("%1 is not set").arg(filter.key);
    else if (op == Operator::SemverTilde)
        text = u"%1 %2 ~%3"_s.arg(filter.key, operatorText(op, filter.op), value);
    else if (op == Operator::SemverCaret)
        text = u"%1 %2 ^%3"_s.arg(filter.key, operatorText(op, filter.op), value);
    else
        text = u"%1 %2 %3"_s.arg(filter.key, operatorText(op, filter.op), value);
    return filter.negation ? tr("not (%1)").arg(text) : text;
}

QString createdByText(const FeatureFlag &flag)
{
    return flag.createdBy ? flag.createdBy->displayName() : QString();
}

QString createdByToolTip(const FeatureFlag &flag)
{
    return flag.createdBy ? personText(*flag.createdBy) : QString();
}

QString relativeTimeText(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid() || !now.isValid())
        return {};
    const qint64 seconds = time.secsTo(now);
    if (seconds < 60 && seconds > -60)
        return tr("just now");
    if (seconds > 0 && seconds < 3600)
        return tr("%n min ago", int(seconds / 60));
    if (seconds > 0 && seconds < 24 * 3600)
        return counted(int(seconds / 3600), "1 hour ago", "%n hours ago");
    const qint64 days = seconds / (24 * 3600);
    if (days == 1)
        return tr("yesterday");
    if (days > 1 && days < 7)
        return tr("%n days ago", int(days));
    // Dates are read in the zone `now` is given in: the user's own on screen, UTC in tests.
    const QDate date = time.toTimeZone(now.timeZone()).date();
    const QLocale english(QLocale::English);
    if (date.year() == now.date().year())
        return english.toString(date, u"MMM d"_s);
    return english.toString(date, u"MMM d, yyyy"_s);
}

QString exactTimeText(const QString &timestamp)
{
    const QDateTime time = parseTimestamp(timestamp);
    if (!time.isValid())
        return {};
    return time.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s) + u" UTC"_s;
}

QString percentText(double percentage)
{
    QString text = QString::number(percentage, 'f', 2);
    while (text.endsWith(u'0'))
        text.chop(1);
    if (text.endsWith(u'.'))
        text.chop(1);
    return text + u'%';
}

} // namespace bunting::models
