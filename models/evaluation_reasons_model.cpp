#include "evaluation_reasons_model.h"

#include "client.h"
#include "evaluation_reason_text.h"
#include "person_lookup.h"

#include <QFont>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace bunting::models {

EvaluationReasonsModel::EvaluationReasonsModel(QObject *parent)
    : QAbstractTableModel(parent), m_context(std::make_unique<QObject>())
{
}

EvaluationReasonsModel::~EvaluationReasonsModel() = default;

void EvaluationReasonsModel::setClient(api::Client *client)
{
    m_client = client;
    clear();
}

void EvaluationReasonsModel::load(const QString &distinctId, const QJsonObject &groups,
                                  const MadeUpProperties &madeUp)
{
    cancel();
    if (!m_client)
        return;
    setLoading(true);
    // The person as stored is PostHog's evaluation_reasons answer, which needs the personal key
    // alone and lists disabled flags too (the flags service leaves inactive flags out of its
    // answer). It takes no properties, so made-up ones go to the SDK endpoint instead: the same
    // flags service the SDKs ask, which merges sent properties over the stored ones.
    if (madeUp.isEmpty())
        loadReasons(distinctId, groups);
    else
        loadWithMadeUpProperties(distinctId, groups, madeUp);
    m_personKnown.reset();
    lookUpPerson(m_client, distinctId, m_context.get(), [this](bool known) {
        m_personKnown = known;
        Q_EMIT personLookedUp();
    });
}

void EvaluationReasonsModel::loadReasons(const QString &distinctId, const QJsonObject &groups)
{
    m_client->evaluationReasons(distinctId, groups, m_context.get(),
                                [this, distinctId](const api::Result<QJsonObject> &result) {
                                    if (!result) {
                                        fail(result.error());
                                        return;
                                    }
                                    setLoading(false);
                                    m_distinctId = distinctId;
                                    m_madeUp = {};
                                    m_hadErrors = false;
                                    setReasons(result.value());
                                    Q_EMIT loaded();
                                });
}

void EvaluationReasonsModel::loadWithMadeUpProperties(const QString &distinctId,
                                                      const QJsonObject &groups,
                                                      const MadeUpProperties &madeUp)
{
    api::SdkFlagsRequest request{distinctId, groups, madeUp.person, madeUp.groups};
    // /flags takes the project's public token, not the personal key: read it first, each time,
    // since the connection may have moved to another project since the last load.
    m_client->currentProject(
        m_context.get(), [this, request, madeUp](const api::Result<api::Project> &project) {
            if (!project) {
                fail(project.error());
                return;
            }
            if (project->apiToken.isEmpty()) {
                fail(api::ApiError::invalidResponse(
                    200, tr("the project has no public token (api_token) to ask the flags "
                            "service with")));
                return;
            }
            m_client->sdkFlags(project->apiToken, request, m_context.get(),
                               [this, request, madeUp](const api::Result<api::SdkFlags> &result) {
                                   if (!result) {
                                       fail(result.error());
                                       return;
                                   }
                                   setLoading(false);
                                   m_distinctId = request.distinctId;
                                   m_madeUp = madeUp;
                                   m_hadErrors = result->errorsWhileComputingFlags;
                                   setSdkFlags(result.value());
                                   Q_EMIT loaded();
                               });
        });
}

void EvaluationReasonsModel::fail(const api::ApiError &error)
{
    setLoading(false);
    Q_EMIT failed(error);
}

void EvaluationReasonsModel::cancel()
{
    m_context = std::make_unique<QObject>();
    setLoading(false);
}

void EvaluationReasonsModel::clear()
{
    cancel();
    m_personKnown.reset();
    beginResetModel();
    m_rows.clear();
    m_loaded = false;
    m_distinctId.clear();
    m_madeUp = {};
    m_hadErrors = false;
    endResetModel();
}

void EvaluationReasonsModel::setReasons(const QJsonObject &answer)
{
    QList<Row> rows;
    for (auto it = answer.begin(); it != answer.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        const QJsonObject evaluation = entry.value("evaluation"_L1).toObject();
        Row row;
        row.key = it.key();
        row.value = entry.value("value"_L1);
        row.reason = evaluation.value("reason"_L1).toString();
        if (const QJsonValue index = evaluation.value("condition_index"_L1); index.isDouble())
            row.conditionIndex = index.toInt();
        row.description = evaluation.value("description"_L1).toString();
        rows.append(row);
    }
    setRows(std::move(rows));
}

void EvaluationReasonsModel::setSdkFlags(const api::SdkFlags &answer)
{
    QList<Row> rows;
    for (const api::SdkFlag &flag : answer.flags)
        rows.append(
            {flag.key, flag.value(), flag.reasonCode, flag.conditionIndex, flag.reasonDescription});
    setRows(std::move(rows));
}

void EvaluationReasonsModel::setRows(QList<Row> rows)
{
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        const int order = QString::compare(a.key, b.key, Qt::CaseInsensitive);
        return order != 0 ? order < 0 : a.key < b.key;
    });
    beginResetModel();
    m_rows = std::move(rows);
    m_loaded = true;
    endResetModel();
}

void EvaluationReasonsModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

int EvaluationReasonsModel::onCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(),
                             [](const Row &r) { return flagValueIsOn(r.value); }));
}

int EvaluationReasonsModel::rowOfKey(const QString &key) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).key == key)
            return int(i);
    return -1;
}

int EvaluationReasonsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EvaluationReasonsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ConditionColumn + 1;
}

QVariant EvaluationReasonsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FlagColumn:
            return row.key;
        case ValueColumn:
            return flagValueText(row.value);
        case ReasonColumn:
            return reasonSentence(row.reason, row.conditionIndex);
        case ConditionColumn:
            return row.conditionIndex ? tr("Set %1").arg(*row.conditionIndex + 1) : QString();
        }
        return {};
    case Qt::ToolTipRole:
        return row.description.isEmpty() ? QVariant() : QVariant(row.description);
    case Qt::FontRole:
        if (index.column() == ValueColumn && flagValueIsOn(row.value)) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case FlagKeyRole:
        return row.key;
    case ReasonCodeRole:
        return row.reason;
    case MatchedRole:
        return flagValueIsOn(row.value);
    case ValueRole:
        return QVariant::fromValue(row.value);
    case ConditionIndexRole:
        return row.conditionIndex ? QVariant(*row.conditionIndex) : QVariant();
    case DescriptionRole:
        return row.description;
    }
    return {};
}

QVariant EvaluationReasonsModel::headerData(int section, Qt::Orientation orientation,
                                            int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FlagColumn:
        return tr("Flag");
    case ValueColumn:
        return tr("Value");
    case ReasonColumn:
        return tr("Reason");
    case ConditionColumn:
        return tr("Condition");
    }
    return {};
}

QHash<int, QByteArray> EvaluationReasonsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(FlagKeyRole, "flagKey");
    names.insert(ReasonCodeRole, "reasonCode");
    names.insert(MatchedRole, "matched");
    names.insert(ValueRole, "value");
    names.insert(ConditionIndexRole, "conditionIndex");
    names.insert(DescriptionRole, "description");
    return names;
}

} // namespace bunting::models
