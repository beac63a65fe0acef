#include "storage/flag_list_filter.h"

#include "python_repr.h"
#include "storage/timestamps.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <cctype>

using namespace Qt::StringLiterals;

namespace bunting::server {

namespace {

// Beyond this many excluded keys the exclusion is checked per row instead of by NOT IN.
constexpr qsizetype kMaxSqlKeys = 500;
// Beyond this many tags the tags' SQL narrowing is skipped; the per-row check stays exact.
constexpr qsizetype kMaxSqlTags = 50;
constexpr qint64 kThirtyDaysSecs = 30LL * 24 * 3600;

QString escapeLike(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        if (c == u'\\' || c == u'%' || c == u'_')
            out += u'\\';
        out += c;
    }
    return out;
}

// Text that QJsonDocument writes unescaped, so that a LIKE on the stored document can find it.
bool writtenVerbatim(const QString &text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\';
    });
}

bool isAscii(const QString &text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; });
}

constexpr qsizetype kMaxSearchLength = 200;

// The list's string filters, from a query value or a JSON value as Python's str() prints it.
QString filterString(const QString &name, const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble() || value.isBool())
        return pythonRepr(value);
    throw FilterError{name, u"Expected a string."_s};
}

// `tags` and `excluded_properties`: a JSON list (or a string holding one). Anything else is
// ignored, as PostHog ignores what it cannot decode.
QStringList stringList(const QJsonValue &value)
{
    QJsonValue list = value;
    if (value.isString()) {
        QJsonParseError error;
        const QJsonDocument doc =
            QJsonDocument::fromJson("[" + value.toString().toUtf8() + "]", &error);
        if (error.error != QJsonParseError::NoError || doc.array().size() != 1)
            return {};
        list = doc.array().first();
    }
    QStringList out;
    for (const QJsonValue &item : list.toArray()) {
        if (item.isString())
            out.append(item.toString());
        else if (item.isDouble() || item.isBool())
            out.append(pythonRepr(item));
    }
    return out;
}

bool truthyFlag(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool();
    const QString text = value.isString() ? value.toString() : pythonRepr(value);
    const QString lower = text.toLower();
    return lower == "true"_L1 || lower == "1"_L1 || lower == "yes"_L1;
}

bool isHundred(const QJsonValue &v)
{
    return (v.isDouble() && v.toDouble() == 100) || (v.isString() && v.toString() == "100"_L1);
}

bool isEmptyArray(const QJsonValue &v)
{
    return v.isArray() && v.toArray().isEmpty();
}

bool isMultivariant(const QJsonObject &document)
{
    const QJsonValue multivariate =
        document.value("filters"_L1).toObject().value("multivariate"_L1);
    if (!multivariate.isObject() || !multivariate.toObject().contains("variants"_L1))
        return false;
    return !isEmptyArray(multivariate.toObject().value("variants"_L1));
}

// The configuration half of PostHog's STALE filter, for flags never called: a condition at
// 100 % without properties, and for multivariate flags a variant at 100 % or a condition that
// overrides the variant; or no filters at all. PostHog writes this as SQL over jsonb, and its
// details are kept: `properties` must be present and empty, `variant` merely present.
bool staleByConfiguration(const QJsonObject &document)
{
    const QJsonValue filtersValue = document.value("filters"_L1);
    if (!filtersValue.isObject() || filtersValue.toObject().isEmpty())
        return true;
    const QJsonObject filters = filtersValue.toObject();
    const QJsonArray groups = filters.value("groups"_L1).toArray();
    const QJsonValue multivariate = filters.value("multivariate"_L1);
    const bool noMultivariate = multivariate.isUndefined() || multivariate.isNull();
    const QJsonValue variants = multivariate.toObject().value("variants"_L1);
    const qsizetype variantCount = variants.isArray() ? variants.toArray().size() : -1;

    bool fullGroup = false;
    bool fullGroupWithVariant = false;
    for (const QJsonValue &g : groups) {
        const QJsonObject group = g.toObject();
        if (isHundred(group.value("rollout_percentage"_L1)) &&
            isEmptyArray(group.value("properties"_L1))) {
            fullGroup = true;
            fullGroupWithVariant = fullGroupWithVariant || group.contains("variant"_L1);
        }
    }
    if (fullGroup && (noMultivariate || variantCount == 0))
        return true;
    const QJsonArray variantList = variants.toArray();
    const bool fullVariant = std::any_of(variantList.begin(), variantList.end(), [](const auto &v) {
        return isHundred(v.toObject().value("rollout_percentage"_L1));
    });
    if (fullVariant && fullGroup)
        return true;
    return fullGroupWithVariant && !noMultivariate && variantCount > 0;
}

struct OrderField
{
    QLatin1StringView name;
    QLatin1StringView column; // empty: the last-called expression
    bool nullable;
};

const QList<OrderField> &orderFields()
{
    static const QList<OrderField> fields{
        {"id"_L1, "id"_L1, false},
        {"pk"_L1, "id"_L1, false},
        {"key"_L1, "key"_L1, false},
        {"name"_L1, "name"_L1, false},
        {"active"_L1, "active"_L1, false},
        {"deleted"_L1, "deleted"_L1, false},
        {"version"_L1, "version"_L1, false},
        {"created_at"_L1, "created_at"_L1, false},
        {"updated_at"_L1, "updated_at"_L1, false},
        {"created_by"_L1, "created_by_id"_L1, true},
        {"created_by_id"_L1, "created_by_id"_L1, true},
        {"last_called_at"_L1, {}, true},
    };
    return fields;
}

} // namespace

const QStringList &FlagListFilter::filterNames()
{
    // PostHog's list of bulk delete filters, with the newer name of the contexts filter.
    static const QStringList names{
        u"active"_s, u"created_by_id"_s,       u"search"_s,
        u"type"_s,   u"evaluation_runtime"_s,  u"excluded_properties"_s,
        u"tags"_s,   u"has_evaluation_tags"_s, u"has_evaluation_contexts"_s,
    };
    return names;
}

FlagListFilter FlagListFilter::fromFilters(const QJsonObject &filters)
{
    FlagListFilter q;
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        const QString name = it.key();
        const QJsonValue value = it.value();
        if (name == "active"_L1) {
            if (value.isString() && value.toString() == "STALE"_L1)
                q.m_active = Active::Stale;
            else
                q.m_active = (value.isString() && value.toString() == "true"_L1) ||
                                     (value.isBool() && value.toBool())
                                 ? Active::Yes
                                 : Active::No;
        } else if (name == "created_by_id"_L1) {
            std::optional<qint64> id;
            if (value.isNull()) {
                q.m_createdByNobody = true;
                continue;
            }
            if (value.isBool())
                id = value.toBool() ? 1 : 0;
            else if (value.isDouble() && value.toDouble() == double(value.toInteger()))
                id = value.toInteger();
            else if (value.isString())
                id = pythonInt(value.toString());
            if (!id)
                throw FilterError{name,
                                  u"Field 'created_by_id' expected a number but got %1."_s.arg(
                                      pythonRepr(value))};
            q.m_createdById = id;
        } else if (name == "search"_L1) {
            // PostHog trims the term and refuses a long one (rest-api-behaviour.md §4.1).
            q.m_search = filterString(name, value).trimmed();
            if (q.m_search->size() > kMaxSearchLength)
                throw FilterError{
                    name, u"Search term cannot exceed %1 characters"_s.arg(kMaxSearchLength)};
        } else if (name == "type"_L1) {
            const QString type = value.isString() ? value.toString() : QString();
            const bool known = type == "boolean"_L1 || type == "multivariant"_L1 ||
                               type == "experiment"_L1 || type == "remote_config"_L1;
            q.m_type = known ? type : QString();
        } else if (name == "evaluation_runtime"_L1) {
            q.m_evaluationRuntime = filterString(name, value);
        } else if (name == "excluded_properties"_L1) {
            q.m_excludedKeys = stringList(value);
        } else if (name == "tags"_L1) {
            q.m_tags = stringList(value);
        } else if (name == "has_evaluation_tags"_L1 || name == "has_evaluation_contexts"_L1) {
            q.m_hasEvaluationContexts = truthyFlag(value);
        }
    }
    return q;
}

FlagListFilter FlagListFilter::fromQuery(const QList<std::pair<QString, QString>> &items)
{
    QHash<QString, QString> last;
    for (const auto &[name, value] : items)
        last.insert(name, value);
    QJsonObject filters;
    for (const QString &name : filterNames())
        if (last.contains(name))
            filters.insert(name, last.value(name));
    FlagListFilter q = fromFilters(filters);
    if (const QString order = last.value(u"order"_s); !order.isEmpty())
        q.setOrder(order);
    return q;
}

void FlagListFilter::setOrder(const QString &order)
{
    const bool descending = order.startsWith(u'-');
    const QString field = descending ? order.mid(1) : order;
    const auto known = std::find_if(orderFields().begin(), orderFields().end(),
                                    [&](const OrderField &f) { return f.name == field; });
    if (known == orderFields().end()) {
        QStringList names;
        for (const OrderField &f : orderFields())
            names.append(f.name);
        throw FilterError{u"order"_s, u"Cannot order by '%1'. Choices are: %2."_s.arg(
                                          field, names.join(u", "_s))};
    }
    m_orderField = field;
    m_orderDescending = descending;
}

bool FlagListFilter::searchInSql() const
{
    // SQLite folds the case of ASCII letters only; other text is compared in C++.
    return m_search && isAscii(*m_search);
}

bool FlagListFilter::needsDocument() const
{
    return m_active == Active::Stale || !m_type.isEmpty() || m_evaluationRuntime ||
           !m_tags.isEmpty() || m_hasEvaluationContexts;
}

bool FlagListFilter::checksRows() const
{
    return needsDocument() || (m_search && !searchInSql()) || m_excludedKeys.size() > kMaxSqlKeys;
}

FlagListFilter::Sql FlagListFilter::sql(const QString &lastCalledSql, const QDateTime &now,
                                        bool postgres) const
{
    Sql s;
    const auto add = [&s](const QString &condition, const QVariantList &binds = {}) {
        s.where += u" AND "_s + condition;
        s.binds += binds;
    };
    // Every stored document is QJsonDocument's compact form, so a field holding a value always
    // shows as the text "name":value. Such a LIKE keeps every row that can match (and maybe a
    // few more) without parsing a document; matches() then decides exactly.
    const auto documentContains = [](const QString &text) {
        return u"%"_s + escapeLike(text) + u"%"_s;
    };
    const QString documentLike = u"document LIKE ? ESCAPE '\\'"_s;

    if (m_active == Active::Yes)
        add(u"active = 1"_s);
    else if (m_active == Active::No)
        add(u"active = 0"_s);
    if (m_createdById)
        add(u"created_by_id = ?"_s, {*m_createdById});
    if (m_createdByNobody)
        add(u"created_by_id IS NULL"_s);
    if (searchInSql()) {
        const QString pattern = u"%"_s + escapeLike(*m_search) + u"%"_s;
        // SQLite's LIKE ignores the case of ASCII letters (and the search is ASCII here); with no
        // function around the columns, a search reads the list index alone, not the documents.
        const QString like = postgres ? u"ILIKE"_s : u"LIKE"_s;
        add(u"(key %1 ? ESCAPE '\\' OR name %1 ? ESCAPE '\\')"_s.arg(like), {pattern, pattern});
    }
    if (!m_excludedKeys.isEmpty() && m_excludedKeys.size() <= kMaxSqlKeys) {
        QStringList marks;
        QVariantList binds;
        for (const QString &key : m_excludedKeys) {
            marks.append(u"?"_s);
            binds.append(key);
        }
        add(u"key NOT IN (%1)"_s.arg(marks.join(u", "_s)), binds);
    }
    if (m_active == Active::Stale) {
        // Called, but not in 30 days; or never called, 30 days old, and (checked per row)
        // configured so that every evaluation gives the same answer.
        const QString threshold = formatApiTimestamp(now.addSecs(-kThirtyDaysSecs));
        add(u"active = 1 AND ((%1 IS NOT NULL AND %1 < ?) OR (%1 IS NULL AND created_at < ?))"_s
                .arg(lastCalledSql),
            {threshold, threshold});
    }
    if (m_type == "multivariant"_L1)
        add(documentLike, {documentContains(u"\"variants\":"_s)});
    else if (m_type == "remote_config"_L1)
        add(documentLike, {documentContains(u"\"is_remote_configuration\":true"_s)});
    if (m_evaluationRuntime && writtenVerbatim(*m_evaluationRuntime))
        add(documentLike,
            {documentContains(u"\"evaluation_runtime\":\"%1\""_s.arg(*m_evaluationRuntime))});
    if (!m_tags.isEmpty() && m_tags.size() <= kMaxSqlTags &&
        std::all_of(m_tags.begin(), m_tags.end(), writtenVerbatim)) {
        QStringList alternatives;
        QVariantList binds;
        for (const QString &tag : m_tags) {
            alternatives.append(documentLike);
            binds.append(documentContains(u"\""_s + tag + u"\""_s));
        }
        add(u"("_s + alternatives.join(u" OR "_s) + u")"_s, binds);
    }
    if (m_hasEvaluationContexts && *m_hasEvaluationContexts)
        add(documentLike, {documentContains(u"\"evaluation_contexts\":[\""_s)});

    const auto field = std::find_if(orderFields().begin(), orderFields().end(),
                                    [&](const OrderField &f) { return f.name == m_orderField; });
    const QString expression = field->column.isEmpty() ? lastCalledSql : QString(field->column);
    const QString direction = m_orderDescending ? u" DESC"_s : u" ASC"_s;
    // PostgreSQL's order for NULLs (last ascending, first descending) on both databases, and
    // ties broken by id in the same direction, so pages never overlap.
    if (field->nullable)
        s.orderBy = u"(%1 IS NULL)%2, "_s.arg(expression, direction);
    s.orderBy += expression + direction;
    if (field->column != "id"_L1)
        s.orderBy += u", id"_s + direction;
    return s;
}

QString FlagListFilter::documentNeededSql(const QString &lastCalledSql) const
{
    // Conditions that hold only for some documents are decided after SQL kept just those.
    if (!m_type.isEmpty() && m_type != "boolean"_L1 && m_type != "multivariant"_L1)
        return u"1 = 1"_s;
    if (m_evaluationRuntime || !m_tags.isEmpty() ||
        (m_hasEvaluationContexts && *m_hasEvaluationContexts))
        return u"1 = 1"_s;
    // What is left asks whether a document has variants, evaluation contexts, or a condition
    // at 100 %; a document without the text of one has none (see sql()).
    QStringList needed;
    if (!m_type.isEmpty())
        needed.append(u"document LIKE '%\"variants\":%'"_s);
    if (m_hasEvaluationContexts)
        needed.append(u"document LIKE '%\"evaluation_contexts\":[\"%'"_s);
    if (m_active == Active::Stale)
        needed.append(u"(%1 IS NULL AND (document LIKE '%\"rollout_percentage\":100%' OR "
                      "document LIKE '%\"rollout_percentage\":\"100\"%' OR document NOT LIKE "
                      "'%\"filters\":{\"%'))"_s.arg(lastCalledSql));
    return needed.isEmpty() ? u"1 = 0"_s : needed.join(u" OR "_s);
}

bool FlagListFilter::matches(const QString &key, const QString &name, const QString &lastCalledAt,
                             const std::function<const QJsonObject *()> &document) const
{
    if (m_search && !searchInSql() && !key.contains(*m_search, Qt::CaseInsensitive) &&
        !name.contains(*m_search, Qt::CaseInsensitive))
        return false;
    if (m_excludedKeys.size() > kMaxSqlKeys && m_excludedKeys.contains(key))
        return false;
    if (!needsDocument())
        return true;
    const QJsonObject *doc = document();
    if (!doc) {
        // No variants, no contexts, no condition at 100 %: see documentNeededSql().
        if (m_active == Active::Stale && lastCalledAt.isEmpty())
            return false;
        if (m_type == "multivariant"_L1)
            return false;
        return !(m_hasEvaluationContexts && *m_hasEvaluationContexts);
    }
    if (m_active == Active::Stale && lastCalledAt.isEmpty() && !staleByConfiguration(*doc))
        return false;
    if (m_type == "boolean"_L1 && isMultivariant(*doc))
        return false;
    if (m_type == "multivariant"_L1 && !isMultivariant(*doc))
        return false;
    if (m_type == "experiment"_L1) {
        const QJsonValue experiments = doc->value("experiment_set"_L1);
        if (!experiments.isArray() || experiments.toArray().isEmpty())
            return false;
    }
    if (m_type == "remote_config"_L1 && !doc->value("is_remote_configuration"_L1).toBool())
        return false;
    if (m_evaluationRuntime &&
        doc->value("evaluation_runtime"_L1).toString() != *m_evaluationRuntime)
        return false;
    if (!m_tags.isEmpty()) {
        const QJsonArray tags = doc->value("tags"_L1).toArray();
        const bool any = std::any_of(tags.begin(), tags.end(), [this](const QJsonValue &t) {
            return t.isString() && m_tags.contains(t.toString());
        });
        if (!any)
            return false;
    }
    if (m_hasEvaluationContexts) {
        const QJsonValue contexts = doc->value("evaluation_contexts"_L1);
        const bool has = contexts.isArray() && !contexts.toArray().isEmpty();
        if (has != *m_hasEvaluationContexts)
            return false;
    }
    return true;
}

} // namespace bunting::server
