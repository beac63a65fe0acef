#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <functional>
#include <optional>
#include <utility>

namespace bunting::server {

// A bad filter value: the list answers a 400 validation error naming `attr`, bulk delete its
// {"error": detail}.
struct FilterError
{
    QString attr;
    QString detail;
};

// The filters and order of PostHog's flag list (FeatureFlagViewSet._apply_filters), also used by
// bulk delete. Column filters (active, created_by_id, search, excluded keys) and the stale
// window become SQL; what lives only in the flag's JSON (type, tags, evaluation runtime and
// contexts, the configuration half of STALE) is checked per row by matches(), after SQL has
// narrowed the rows as far as it can.
class FlagListFilter
{
public:
    // From the list's query string; the last value of a repeated name wins, as in Django.
    // Throws FilterError.
    static FlagListFilter fromQuery(const QList<std::pair<QString, QString>> &items);
    // From bulk delete's `filters` object, whose values may be JSON booleans and lists too.
    // Throws FilterError.
    static FlagListFilter fromFilters(const QJsonObject &filters);
    // The filter names bulk delete accepts.
    static const QStringList &filterNames();

    struct Sql
    {
        QString where; // " AND ..." conditions on feature_flags
        QVariantList binds;
        QString orderBy; // without "ORDER BY"
    };
    // `lastCalledSql` is the SQL expression of a flag's last call (see FlagRepository).
    // `postgres`: the search is written with ILIKE there, as its LIKE minds case.
    Sql sql(const QString &lastCalledSql, const QDateTime &now, bool postgres = false) const;

    // Whether some condition is left for matches() (then SQL cannot count or page).
    bool checksRows() const;
    bool needsDocument() const;
    bool needsLastCalled() const { return m_active == Active::Stale; }
    // SQL that is true for the rows whose document matches() must read. For the others the
    // document's text already shows the answer: no variants, no evaluation contexts, nothing
    // at 100 %.
    QString documentNeededSql(const QString &lastCalledSql) const;
    // The per-row part. `document` gives the parsed document, or nullptr for a row that
    // documentNeededSql() left out.
    bool matches(const QString &key, const QString &name, const QString &lastCalledAt,
                 const std::function<const QJsonObject *()> &document) const;

private:
    enum class Active { Any, Yes, No, Stale };
    void setOrder(const QString &order);
    bool searchInSql() const;

    Active m_active = Active::Any;
    std::optional<qint64> m_createdById;
    bool m_createdByNobody = false; // a JSON null in bulk delete's filters: IS NULL, as in Django
    std::optional<QString> m_search;
    QString m_type; // "boolean", "multivariant", "experiment", "remote_config" or empty
    std::optional<QString> m_evaluationRuntime;
    QStringList m_excludedKeys;
    QStringList m_tags; // any of these
    std::optional<bool> m_hasEvaluationContexts;
    QString m_orderField = QStringLiteral("created_at");
    bool m_orderDescending = true;
};

} // namespace bunting::server
