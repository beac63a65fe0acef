#include "test_evaluation_model.h"

#include "client.h"
#include "evaluation_reason_text.h"
#include "flag_summary.h"
#include "person_lookup.h"

#include <QCoreApplication>
#include <QFont>
#include <QIcon>
#include <QJsonDocument>
#include <QPainter>
#include <QPixmap>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::TestEvaluationModel", text);
}

// Condition rows have internal id 0; a check's id is its condition's row + 1.
constexpr quintptr conditionId = 0;

// Shapes differ as well as colours (a tick, a cross, a half circle, a dash), so the state reads
// without telling red from green. The colours are mid-tones that read on light and dark bases.
QIcon stateIcon(TestEvaluationModel::State state)
{
    using State = TestEvaluationModel::State;
    static QHash<int, QIcon> cache;
    const auto found = cache.constFind(int(state));
    if (found != cache.constEnd())
        return *found;
    QIcon icon;
    for (const int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal s = size / 16.0;
        QPen pen(Qt::black, 2.2 * s, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        switch (state) {
        case State::Matched:
            pen.setColor(QColor(0x2e, 0xa0, 0x43));
            p.setPen(pen);
            p.drawPolyline(QPolygonF{{3 * s, 8.5 * s}, {6.5 * s, 12 * s}, {13 * s, 4 * s}});
            break;
        case State::NotMatched:
            pen.setColor(QColor(0xd7, 0x3a, 0x3a));
            p.setPen(pen);
            p.drawLine(QPointF(4 * s, 4 * s), QPointF(12 * s, 12 * s));
            p.drawLine(QPointF(12 * s, 4 * s), QPointF(4 * s, 12 * s));
            break;
        case State::OutOfRollout:
            pen.setColor(QColor(0xd9, 0x8a, 0x1c));
            p.setPen(pen);
            p.drawEllipse(QRectF(3 * s, 3 * s, 10 * s, 10 * s));
            p.setBrush(pen.color());
            p.drawPie(QRectF(3 * s, 3 * s, 10 * s, 10 * s), 90 * 16, 180 * 16);
            break;
        case State::NotReached:
        case State::NotEvaluated:
            pen.setColor(QColor(0x8a, 0x8a, 0x8a));
            p.setPen(pen);
            p.drawLine(QPointF(4 * s, 8 * s), QPointF(12 * s, 8 * s));
            break;
        }
        p.end();
        icon.addPixmap(pixmap);
    }
    cache.insert(int(state), icon);
    return icon;
}

QString stateText(TestEvaluationModel::State state, bool condition)
{
    using State = TestEvaluationModel::State;
    switch (state) {
    case State::Matched:
        return condition ? tr("Matched: decides the flag") : tr("Matched");
    case State::NotMatched:
        return tr("Not matched");
    case State::OutOfRollout:
        return tr("Out of rollout");
    case State::NotReached:
        return tr("Matched, but an earlier set decided");
    case State::NotEvaluated:
        return tr("Not evaluated");
    }
    return {};
}

} // namespace

QJsonObject TestEvaluationRequest::toJson() const
{
    QJsonObject body{{u"distinct_id"_s, distinctId}};
    if (!groups.isEmpty())
        body.insert(u"groups"_s, groups);
    if (timestamp)
        body.insert(u"timestamp"_s, timestamp->toUTC().toString(Qt::ISODateWithMs));
    if (!personProperties.isEmpty())
        body.insert(u"person_properties"_s, personProperties);
    if (!groupProperties.isEmpty())
        body.insert(u"group_properties"_s, groupProperties);
    return body;
}

QString propertyValueText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isNull() || value.isUndefined())
        return {};
    if (value.isArray()) {
        QStringList parts;
        for (const QJsonValue &item : value.toArray())
            parts.append(item.isString() ? item.toString() : propertyValueText(item));
        return parts.join(u", "_s);
    }
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 15);
    return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

QString operatorText(const QString &op)
{
    const QString label = operatorLabel(operatorFromName(op));
    return label.isEmpty() ? op : label;
}

TestEvaluationModel::TestEvaluationModel(QObject *parent)
    : QAbstractItemModel(parent), m_context(std::make_unique<QObject>())
{
}

TestEvaluationModel::~TestEvaluationModel() = default;

void TestEvaluationModel::setClient(api::Client *client)
{
    m_client = client;
    clear();
}

void TestEvaluationModel::evaluate(qint64 flagId, const TestEvaluationRequest &request)
{
    clear();
    if (!m_client)
        return;
    setLoading(true);
    m_client->testEvaluation(flagId, request.toJson(), m_context.get(),
                             [this](const api::Result<QJsonObject> &result) {
                                 setLoading(false);
                                 if (!result) {
                                     Q_EMIT failed(result.error());
                                     return;
                                 }
                                 setAnswer(result.value());
                                 Q_EMIT evaluated();
                             });
    // test_evaluation answers for an unknown id as for a person without properties, and does
    // not say so: the persons list does.
    lookUpPerson(m_client, request.distinctId, m_context.get(), [this](bool known) {
        m_personKnown = known;
        Q_EMIT personLookedUp();
    });
}

void TestEvaluationModel::cancel()
{
    m_context = std::make_unique<QObject>();
    setLoading(false);
}

void TestEvaluationModel::clear()
{
    cancel();
    beginResetModel();
    m_answer = {};
    m_hasAnswer = false;
    m_personKnown.reset();
    m_conditions.clear();
    endResetModel();
}

void TestEvaluationModel::setAnswer(const QJsonObject &answer)
{
    beginResetModel();
    m_answer = answer;
    m_hasAnswer = true;
    m_conditions.clear();
    const QJsonArray conditions = answer.value("conditions"_L1).toArray();
    for (qsizetype i = 0; i < conditions.size(); ++i) {
        const QJsonObject o = conditions.at(i).toObject();
        Condition c;
        c.index = o.value("index"_L1).toInt(int(i));
        c.matched = o.value("matched"_L1).toBool();
        c.propertiesMatched = o.value("properties_matched"_L1).toBool();
        c.rolloutExcluded = o.value("rollout_excluded"_L1).toBool();
        c.rollout = o.value("rollout_percentage"_L1).toDouble(100);
        c.variant = o.value("variant"_L1).toString();
        c.explanation = o.value("explanation"_L1).toString();
        bool anyFailed = false;
        for (const QJsonValue &p : o.value("properties"_L1).toArray()) {
            const QJsonObject po = p.toObject();
            Check check;
            check.key = po.value("key"_L1).toString();
            check.type = po.value("type"_L1).toString();
            check.op = po.value("operator"_L1).toString();
            check.expected = po.value("value"_L1);
            check.actual = po.value("actual_value"_L1);
            if (check.actual.isUndefined())
                check.actual = QJsonValue::Null;
            check.matched = po.value("matched"_L1).toBool();
            check.explanation = po.value("explanation"_L1).toString();
            anyFailed = anyFailed || !check.matched;
            c.checks.append(check);
        }
        if (c.matched)
            c.state = State::Matched;
        else if (c.rolloutExcluded)
            c.state = State::OutOfRollout;
        else if (anyFailed)
            c.state = State::NotMatched;
        else if (c.propertiesMatched)
            c.state = State::NotReached;
        else
            c.state = State::NotEvaluated;
        m_conditions.append(c);
    }
    endResetModel();
}

void TestEvaluationModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

QString TestEvaluationModel::flagKey() const
{
    return m_answer.value("flag_key"_L1).toString();
}

QJsonValue TestEvaluationModel::value() const
{
    return m_answer.value("result"_L1);
}

bool TestEvaluationModel::isOn() const
{
    return flagValueIsOn(value());
}

QString TestEvaluationModel::reason() const
{
    return m_answer.value("reason"_L1).toString();
}

QString TestEvaluationModel::reasonText() const
{
    const QString description = m_answer.value("reason_description"_L1).toString();
    return description.isEmpty() ? reasonSentence(reason(), conditionIndex()) : description;
}

std::optional<int> TestEvaluationModel::conditionIndex() const
{
    const QJsonValue index = m_answer.value("condition_index"_L1);
    if (!index.isDouble())
        return std::nullopt;
    return index.toInt();
}

QJsonValue TestEvaluationModel::payload() const
{
    const QJsonValue payload = m_answer.value("payload"_L1);
    return payload.isUndefined() ? QJsonValue() : payload;
}

QJsonObject TestEvaluationModel::personProperties() const
{
    return m_answer.value("person_properties"_L1).toObject();
}

QModelIndex TestEvaluationModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, conditionId);
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex TestEvaluationModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == conditionId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, conditionId);
}

int TestEvaluationModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_conditions.size());
    if (parent.internalId() == conditionId && parent.column() == 0)
        return int(m_conditions.at(parent.row()).checks.size());
    return 0;
}

int TestEvaluationModel::columnCount(const QModelIndex &) const
{
    return ResultColumn + 1;
}

QVariant TestEvaluationModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == conditionId)
        return conditionData(m_conditions.at(index.row()), index.column(), role);
    const Condition &c = m_conditions.at(int(index.internalId() - 1));
    return checkData(c, c.checks.at(index.row()), index.column(), role);
}

QVariant TestEvaluationModel::conditionData(const Condition &c, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case CheckColumn:
            return c.variant.isEmpty()
                       ? tr("Condition set %1").arg(c.index + 1)
                       : tr("Condition set %1 (variant %2)").arg(c.index + 1).arg(c.variant);
        case OperatorColumn:
            return c.checks.isEmpty()     ? tr("everyone")
                   : c.checks.size() == 1 ? tr("1 filter")
                                          : tr("%n filters", "", int(c.checks.size()));
        case ExpectedColumn:
            return tr("rollout %1").arg(percentText(c.rollout));
        case ActualColumn:
            return c.rolloutExcluded ? tr("outside the rollout")
                   : c.matched       ? tr("inside the rollout")
                                     : QString();
        case ResultColumn:
            return stateText(c.state, true);
        }
        return {};
    case Qt::ToolTipRole:
        return c.explanation;
    case Qt::DecorationRole:
        return column == ResultColumn ? QVariant(stateIcon(c.state)) : QVariant();
    case Qt::FontRole:
        if (c.matched) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case StateRole:
        return QVariant::fromValue(c.state);
    case MatchedRole:
    case WinningRole:
        return c.matched;
    case NodeRole:
        return QVariant::fromValue(Node::Condition);
    case ExplanationRole:
        return c.explanation;
    case ConditionIndexRole:
        return c.index;
    }
    return {};
}

QVariant TestEvaluationModel::checkData(const Condition &c, const Check &check, int column,
                                        int role) const
{
    const State state = check.matched ? State::Matched : State::NotMatched;
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case CheckColumn:
            return check.type.isEmpty() || check.type == "person"_L1
                       ? check.key
                       : u"%1 (%2)"_s.arg(check.key, check.type);
        case OperatorColumn:
            return operatorText(check.op);
        case ExpectedColumn:
            return propertyValueText(check.expected);
        case ActualColumn:
            return check.actual.isNull() ? tr("not set") : propertyValueText(check.actual);
        case ResultColumn:
            return stateText(state, false);
        }
        return {};
    case Qt::ToolTipRole:
        return check.explanation;
    case Qt::DecorationRole:
        return column == ResultColumn ? QVariant(stateIcon(state)) : QVariant();
    case Qt::FontRole:
        // "not set" is no value: set apart from a value that reads "not set".
        if (column == ActualColumn && check.actual.isNull()) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case StateRole:
        return QVariant::fromValue(state);
    case MatchedRole:
        return check.matched;
    case WinningRole:
        return false;
    case NodeRole:
        return QVariant::fromValue(Node::Property);
    case ExplanationRole:
        return check.explanation;
    case ConditionIndexRole:
        return c.index;
    case PropertyKeyRole:
        return check.key;
    case OperatorRole:
        return check.op;
    case ExpectedValueRole:
        return QVariant::fromValue(check.expected);
    case ActualValueRole:
        return QVariant::fromValue(check.actual);
    }
    return {};
}

QVariant TestEvaluationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CheckColumn:
        return tr("Check");
    case OperatorColumn:
        return tr("Operator");
    case ExpectedColumn:
        return tr("Expected");
    case ActualColumn:
        return tr("Actual");
    case ResultColumn:
        return tr("Result");
    }
    return {};
}

QHash<int, QByteArray> TestEvaluationModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(StateRole, "state");
    names.insert(MatchedRole, "matched");
    names.insert(WinningRole, "winning");
    names.insert(NodeRole, "node");
    names.insert(ExplanationRole, "explanation");
    names.insert(ConditionIndexRole, "conditionIndex");
    names.insert(PropertyKeyRole, "propertyKey");
    names.insert(OperatorRole, "operator");
    names.insert(ExpectedValueRole, "expectedValue");
    names.insert(ActualValueRole, "actualValue");
    return names;
}

} // namespace bunting::models
