#pragma once

#include "api_error.h"
#include "made_up_properties.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>
#include <memory>
#include <optional>

namespace bunting::api {
class Client;
struct SdkFlags;
} // namespace bunting::api

namespace bunting::models {

// Every flag's value for one user and why, one row per flag sorted by key: PostHog's
// evaluation_reasons for the person as stored, or its SDK endpoint (/flags?v=2) for the person
// with made-up properties.
class EvaluationReasonsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { FlagColumn, ValueColumn, ReasonColumn, ConditionColumn };
    Q_ENUM(Column)
    enum Role {
        FlagKeyRole = Qt::UserRole + 1,
        ReasonCodeRole,     // "condition_match", "disabled", ...
        MatchedRole,        // bool: the flag is on (true or a variant)
        ValueRole,          // QJsonValue as the server sent it
        ConditionIndexRole, // int, 0-based; invalid when no condition decided
        DescriptionRole,    // the server's own description, when it gave one
    };
    Q_ENUM(Role)

    explicit EvaluationReasonsModel(QObject *parent = nullptr);
    ~EvaluationReasonsModel() override;

    void setClient(api::Client *client);
    // Evaluates every flag for `distinctId` (and its groups), with `madeUp` properties over the
    // stored ones when there are any; a load still running is dropped.
    void load(const QString &distinctId, const QJsonObject &groups = {},
              const MadeUpProperties &madeUp = {});
    void cancel();
    void clear();

    bool isLoading() const { return m_loading; }
    bool hasLoaded() const { return m_loaded; }
    QString distinctId() const { return m_distinctId; }
    // The made-up properties the rows were evaluated with; empty when with the stored ones only.
    const MadeUpProperties &madeUpProperties() const { return m_madeUp; }
    // The flags service said it could not evaluate some flags (errorsWhileComputingFlags):
    // their rows read false with the service's reason.
    bool hadErrors() const { return m_hadErrors; }
    // Whether the project knows a person with that id (see person_lookup.h); unknown until the
    // lookup that follows each load answers.
    std::optional<bool> isPersonKnown() const { return m_personKnown; }
    int onCount() const;
    // The row of a flag key, -1 when absent.
    int rowOfKey(const QString &key) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void loaded();
    void failed(const bunting::api::ApiError &error);
    void loadingChanged(bool loading);
    void personLookedUp();

private:
    struct Row
    {
        QString key;
        QJsonValue value;
        QString reason;
        std::optional<int> conditionIndex;
        QString description;
    };

    void loadReasons(const QString &distinctId, const QJsonObject &groups);
    void loadWithMadeUpProperties(const QString &distinctId, const QJsonObject &groups,
                                  const MadeUpProperties &madeUp);
    void fail(const api::ApiError &error);
    void setReasons(const QJsonObject &answer);
    void setSdkFlags(const api::SdkFlags &answer);
    void setRows(QList<Row> rows);
    void setLoading(bool loading);

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context;
    bool m_loading = false;
    bool m_loaded = false;
    QString m_distinctId;
    std::optional<bool> m_personKnown;
    MadeUpProperties m_madeUp;
    bool m_hadErrors = false;
    QList<Row> m_rows;
};

} // namespace bunting::models
