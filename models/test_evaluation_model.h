#pragma once

#include "api_error.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>
#include <memory>
#include <optional>

namespace bunting::api {
class Client;
}

namespace bunting::models {

// Who to test a flag for (POST :id/test_evaluation).
struct TestEvaluationRequest
{
    QString distinctId;
    QJsonObject groups;                 // group type name -> group key
    std::optional<QDateTime> timestamp; // the flag as it was then; none: as it is now
    QJsonObject personProperties;       // made up for the test, over the stored ones
    QJsonObject groupProperties;        // group type name -> {property: value}, made up

    QJsonObject toJson() const;
};

// The answer of test_evaluation as a tree: one top-level row per condition set of the flag, its
// property checks below it, each with what the condition expects beside what the person has.
class TestEvaluationModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { CheckColumn, OperatorColumn, ExpectedColumn, ActualColumn, ResultColumn };
    Q_ENUM(Column)
    enum class State {
        Matched,      // a condition that decided the flag, or a property check that passed
        NotMatched,   // a property check failed (for a condition: one of its checks)
        OutOfRollout, // the properties matched, the identifier is outside the rollout
        NotReached,   // the properties matched, an earlier condition decided the flag
        NotEvaluated, // skipped: no group given, flag disabled, holdout...
    };
    Q_ENUM(State)
    enum class Node { Condition, Property };
    Q_ENUM(Node)
    enum Role {
        StateRole = Qt::UserRole + 1, // State
        MatchedRole,                  // bool: matched (a check) or decided the flag (a condition)
        WinningRole,                  // bool: the condition set that decided the flag
        NodeRole,                     // Node
        ExplanationRole,              // the server's sentence for the row
        ConditionIndexRole,           // int, 0-based, on both kinds of row
        PropertyKeyRole,              // a check's property key
        OperatorRole,                 // a check's operator as PostHog names it ("icontains")
        ExpectedValueRole,            // QJsonValue
        ActualValueRole,              // QJsonValue: null when the person does not have it
    };
    Q_ENUM(Role)

    explicit TestEvaluationModel(QObject *parent = nullptr);
    ~TestEvaluationModel() override;

    void setClient(api::Client *client);
    // Tests the flag; a call still running is dropped, and so is the answer shown.
    void evaluate(qint64 flagId, const TestEvaluationRequest &request);
    // Drops a running call; the model stays empty.
    void cancel();
    void clear();

    bool isLoading() const { return m_loading; }
    bool hasAnswer() const { return m_hasAnswer; }
    const QJsonObject &answer() const { return m_answer; }
    QString flagKey() const;
    QJsonValue value() const;
    bool isOn() const;
    QString reason() const; // the code: "condition_match", ...
    // reason_description when the server gave one, else a sentence made from the code.
    QString reasonText() const;
    std::optional<int> conditionIndex() const;
    QJsonValue payload() const; // null when none
    // The person's properties that the flag reads (PostHog shows only those).
    QJsonObject personProperties() const;
    // Whether the server knows a person with the tested distinct id: unknown until the lookup
    // that follows each test answers. An unknown id is tested as someone new, with no stored
    // properties, which a person reading the answer needs to be told.
    std::optional<bool> isPersonKnown() const { return m_personKnown; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void evaluated();
    void failed(const bunting::api::ApiError &error);
    void loadingChanged(bool loading);
    // isPersonKnown() has its answer.
    void personLookedUp();

private:
    struct Check
    {
        QString key;
        QString type;
        QString op;
        QJsonValue expected;
        QJsonValue actual;
        bool matched = false;
        QString explanation;
    };
    struct Condition
    {
        int index = 0;
        bool matched = false;
        bool propertiesMatched = false;
        bool rolloutExcluded = false;
        double rollout = 100;
        QString variant;
        QString explanation;
        QList<Check> checks;
        State state = State::NotEvaluated;
    };

    void setAnswer(const QJsonObject &answer);
    void setLoading(bool loading);
    QVariant conditionData(const Condition &c, int column, int role) const;
    QVariant checkData(const Condition &c, const Check &check, int column, int role) const;

    QPointer<api::Client> m_client;
    std::unique_ptr<QObject> m_context; // replaced to drop a call in flight
    bool m_loading = false;
    bool m_hasAnswer = false;
    std::optional<bool> m_personKnown;
    QJsonObject m_answer;
    QList<Condition> m_conditions;
};

// A property value as a cell shows it: strings bare, lists joined with ", ", other JSON compact.
QString propertyValueText(const QJsonValue &value);
// PostHog's operator names in words: "icontains" -> "contains", "gt" -> ">".
QString operatorText(const QString &op);

} // namespace bunting::models
