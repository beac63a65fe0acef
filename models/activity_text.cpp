#include "activity_text.h"

#include "feature_flag.h"
#include "flag_diff.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::ActivityText", text);
}

QList<FlagChange> filterChanges(const QJsonObject &change)
{
    FeatureFlag before;
    FeatureFlag after;
    before.filters = FlagFilters::fromJson(change.value("before"_L1).toObject());
    after.filters = FlagFilters::fromJson(change.value("after"_L1).toObject());
    return diffFlags(before, after);
}

// The words a headline uses for what a filters change touched.
QStringList filterTopics(const QJsonObject &change)
{
    QStringList topics;
    const auto add = [&topics](const QString &topic) {
        if (!topics.contains(topic))
            topics.append(topic);
    };
    for (const FlagChange &c : filterChanges(change)) {
        switch (c.level) {
        case ChangeLevel::Condition:
            add(c.path.endsWith("rollout_percentage"_L1) ? u"rollout"_s : u"conditions"_s);
            break;
        case ChangeLevel::Property:
            add(u"conditions"_s);
            break;
        case ChangeLevel::Variant:
            add(u"variants"_s);
            break;
        case ChangeLevel::Payload:
            add(u"payloads"_s);
            break;
        case ChangeLevel::Field:
            add(u"release conditions"_s);
            break;
        }
    }
    if (topics.isEmpty())
        topics.append(u"release conditions"_s);
    return topics;
}

QString fieldLabel(const QString &field)
{
    QString label = field;
    label.replace(u'_', u' ');
    if (!label.isEmpty())
        label[0] = label[0].toUpper();
    return label;
}

bool isUnset(const QJsonValue &v)
{
    return v.isNull() || v.isUndefined() || (v.isString() && v.toString().isEmpty()) ||
           (v.isArray() && v.toArray().isEmpty()) || (v.isObject() && v.toObject().isEmpty());
}

QString valueText(const QJsonValue &v)
{
    if (isUnset(v))
        return u"none"_s;
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? u"on"_s : u"off"_s;
    case QJsonValue::Double:
        return QLocale().toString(v.toDouble(), 'g', 15);
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array: {
        QStringList items;
        bool allScalar = true;
        for (const QJsonValue &item : v.toArray()) {
            allScalar = allScalar && !item.isArray() && !item.isObject();
            items.append(valueText(item));
        }
        if (allScalar)
            return items.join(", "_L1);
        break;
    }
    default:
        break;
    }
    // An object of a field this view knows nothing about: its JSON is the most honest text.
    const QJsonDocument doc =
        v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

// PostHog logs the version step of every edit as a change of its own: it numbers the edit
// rather than changing anything.
bool isVersionStep(const QString &field)
{
    return field == "version"_L1;
}

QString verb(const QString &activity)
{
    if (activity == "updated"_L1)
        return u"changed"_s;
    return activity;
}

} // namespace

QString activityUserName(const api::ActivityEntry &entry)
{
    if (!entry.user)
        return tr("System");
    const QString name = entry.user->displayName();
    if (!name.trimmed().isEmpty())
        return name;
    return entry.user->email.isEmpty() ? tr("Someone") : entry.user->email;
}

QString activityUserKey(const api::ActivityEntry &entry)
{
    if (!entry.user)
        return u"system"_s;
    if (entry.user->id != 0)
        return u"id:"_s + QString::number(entry.user->id);
    if (!entry.user->email.isEmpty())
        return u"email:"_s + entry.user->email;
    return u"name:"_s + activityUserName(entry);
}

QStringList activityChangedFields(const api::ActivityEntry &entry)
{
    QStringList fields;
    for (const QJsonValue &change : entry.detail.value("changes"_L1).toArray()) {
        const QString field = change.toObject().value("field"_L1).toString();
        if (!field.isEmpty() && !isVersionStep(field) && !fields.contains(field))
            fields.append(field);
    }
    return fields;
}

QString activityHeadline(const api::ActivityEntry &entry)
{
    QString name = entry.detail.value("name"_L1).toString();
    if (name.isEmpty())
        name =
            entry.scope.isEmpty() ? tr("item ") + entry.itemId : entry.scope + u' ' + entry.itemId;
    QString headline = activityUserName(entry) + u' ' + verb(entry.activity) + u' ' + name;
    if (entry.activity != "updated"_L1)
        return headline;
    QStringList topics;
    for (const QJsonValue &value : entry.detail.value("changes"_L1).toArray()) {
        const QJsonObject change = value.toObject();
        const QString field = change.value("field"_L1).toString();
        if (isVersionStep(field))
            continue;
        const QStringList words =
            field == "filters"_L1 ? filterTopics(change) : QStringList{fieldLabel(field).toLower()};
        for (const QString &word : words)
            if (!word.isEmpty() && !topics.contains(word))
                topics.append(word);
    }
    if (!topics.isEmpty())
        headline += u": "_s + topics.join(", "_L1);
    return headline;
}

QStringList activityChangeSentences(const QJsonObject &change)
{
    const QString field = change.value("field"_L1).toString();
    if (isVersionStep(field))
        return {};
    if (field == "filters"_L1) {
        QStringList sentences;
        for (const FlagChange &c : filterChanges(change))
            sentences.append(c.summary());
        if (!sentences.isEmpty())
            return sentences;
    }
    // Tags as what was added and removed read better than two long lists that differ by one tag;
    // deletion as "Flag deleted" rather than "Deleted: off → on".
    if (field == "tags"_L1 || field == "deleted"_L1) {
        FlagChange c;
        c.path = c.field = field;
        c.before = change.value("before"_L1);
        c.after = change.value("after"_L1);
        return {c.summary()};
    }
    return {fieldLabel(field) + u": "_s + valueText(change.value("before"_L1)) + u" → "_s +
            valueText(change.value("after"_L1))};
}

QString activityDayLabel(QDate day, QDate today)
{
    if (day == today)
        return tr("Today");
    if (day == today.addDays(-1))
        return tr("Yesterday");
    return QLocale().toString(day, u"ddd d MMM yyyy"_s);
}

} // namespace bunting::models
