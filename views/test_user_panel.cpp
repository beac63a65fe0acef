#include "test_user_panel.h"

#include "api_error.h"
#include "empty_state.h"
#include "evaluation_reason_text.h"
#include "made_up_properties_edit.h"
#include "message_bar.h"
#include "property_map.h"
#include "subject_fields.h"
#include "test_evaluation_model.h"

#include <QAction>
#include <QCheckBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

using Model = models::TestEvaluationModel;

// The condition set that decided the flag, tinted with the palette's highlight so it stands out
// on light and dark themes (the model also makes it bold, and its result says so in words).
class WinningRowDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        if (index.data(Model::WinningRole).toBool()) {
            QColor tint = option.palette.color(QPalette::Highlight);
            tint.setAlphaF(0.18f);
            painter->fillRect(option.rect, tint);
        }
        QStyledItemDelegate::paint(painter, option, index);
    }
};

} // namespace

TestUserPanel::TestUserPanel(QWidget *parent)
    : QWidget(parent), m_model(new models::TestEvaluationModel(this))
{
    auto *layout = new QVBoxLayout(this);

    m_subject = new SubjectFields(this);
    m_useTime = new QCheckBox(tr("The flag as it was at"), this);
    m_useTime->setObjectName(u"useTimestamp"_s);
    m_useTime->setToolTip(tr("Test the flag as it was defined at this time"));
    m_time = new QDateTimeEdit(QDateTime::currentDateTime(), this);
    m_time->setObjectName(u"timestamp"_s);
    m_time->setCalendarPopup(true);
    m_time->setDisplayFormat(u"yyyy-MM-dd HH:mm:ss"_s);
    m_time->setEnabled(false);
    m_test = new QPushButton(tr("Test"), this);
    m_test->setObjectName(u"testButton"_s);
    m_test->setDefault(true);
    auto *timeRow = new QHBoxLayout;
    timeRow->addWidget(m_useTime);
    timeRow->addWidget(m_time);
    timeRow->addStretch();
    timeRow->addWidget(m_test);
    m_subject->form()->addRow(tr("As of:"), timeRow);
    m_madeUp = new MadeUpPropertiesEdit(this);
    m_subject->form()->addRow(m_madeUp->createLabel(this), m_madeUp);
    connect(m_madeUp, &QLineEdit::returnPressed, this, &TestUserPanel::runTest);
    layout->addWidget(m_subject);

    m_message = new MessageBar(this);
    m_message->setObjectName(u"messageBar"_s);
    layout->addWidget(m_message);

    m_stack = new QStackedWidget(this);
    m_empty = new EmptyState(m_stack);
    m_empty->setContent(tr("Test a user"),
                        tr("Type a distinct id and press Enter to see the flag's value for that "
                           "user, and which conditions decided it."),
                        QString());
    m_stack->addWidget(m_empty);

    auto *result = new QWidget(m_stack);
    auto *resultLayout = new QVBoxLayout(result);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    m_headline = new QLabel(result);
    m_headline->setObjectName(u"headline"_s);
    m_headline->setTextFormat(Qt::RichText);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_headline->setFont(big);
    m_reason = new QLabel(result);
    m_reason->setObjectName(u"reason"_s);
    m_reason->setWordWrap(true);
    m_payload = new QLabel(result);
    m_payload->setObjectName(u"payload"_s);
    m_payload->setWordWrap(true);
    m_payload->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_properties = new QLabel(result);
    m_properties->setObjectName(u"personProperties"_s);
    m_properties->setWordWrap(true);
    m_properties->setTextFormat(Qt::RichText);
    m_properties->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tree = new QTreeView(result);
    m_tree->setObjectName(u"conditionsTree"_s);
    m_tree->setModel(m_model);
    m_tree->setItemDelegate(new WinningRowDelegate(m_tree));
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(Model::CheckColumn, QHeaderView::Stretch);
    for (int column = Model::OperatorColumn; column <= Model::ResultColumn; ++column)
        m_tree->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    resultLayout->addWidget(m_headline);
    resultLayout->addWidget(m_reason);
    resultLayout->addWidget(m_payload);
    resultLayout->addWidget(m_properties);
    resultLayout->addWidget(m_tree, 1);
    m_stack->addWidget(result);
    layout->addWidget(m_stack, 1);

    m_retry = new QAction(tr("Retry"), this);
    m_retry->setObjectName(u"retry"_s);
    connect(m_retry, &QAction::triggered, this, &TestUserPanel::runTest);

    connect(m_subject, &SubjectFields::submitted, this, &TestUserPanel::runTest);
    connect(m_subject, &SubjectFields::distinctIdChanged, this, &TestUserPanel::refreshState);
    connect(m_test, &QPushButton::clicked, this, &TestUserPanel::runTest);
    connect(m_useTime, &QCheckBox::toggled, m_time, &QWidget::setEnabled);
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &TestUserPanel::cancel);

    connect(m_model, &Model::loadingChanged, this, &TestUserPanel::refreshState);
    connect(m_model, &Model::evaluated, this, &TestUserPanel::showResult);
    connect(m_model, &Model::failed, this, &TestUserPanel::showError);
    connect(m_model, &Model::personLookedUp, this, &TestUserPanel::showWhetherThePersonIsKnown);
    connect(m_model, &QAbstractItemModel::modelReset, m_tree, &QTreeView::expandAll);
    refreshState();
}

TestUserPanel::~TestUserPanel() = default;

void TestUserPanel::setClient(api::Client *client)
{
    m_model->setClient(client);
    m_subject->setClient(client);
    m_stack->setCurrentWidget(m_empty);
    refreshState();
}

void TestUserPanel::setFlag(qint64 id, const QString &key)
{
    if (id != m_flagId) {
        m_model->clear();
        m_message->dismiss();
        m_stack->setCurrentWidget(m_empty);
    }
    m_flagId = id;
    m_flagKey = key;
    refreshState();
}

void TestUserPanel::setGroupTypes(const QList<api::GroupType> &types)
{
    m_madeUp->setGroupTypes(types);
    m_subject->setGroupTypes(types);
}

void TestUserPanel::setDistinctId(const QString &id)
{
    m_subject->setDistinctId(id);
}

void TestUserPanel::runTest()
{
    if (m_flagId <= 0 || m_subject->distinctId().isEmpty()) {
        m_subject->distinctIdEdit()->setFocus();
        return;
    }
    m_message->dismiss();
    const models::MadeUpProperties madeUp = m_madeUp->properties();
    if (!madeUp.isValid()) {
        m_message->showMessage(MessageBar::Kind::Error, madeUp.error);
        m_madeUp->setFocus();
        return;
    }
    m_testedId = m_subject->distinctId();
    m_testedMadeUp = !madeUp.isEmpty();
    models::TestEvaluationRequest request;
    request.distinctId = m_testedId;
    request.groups = m_subject->groups();
    request.personProperties = madeUp.person;
    request.groupProperties = madeUp.groups;
    if (m_useTime->isChecked())
        request.timestamp = m_time->dateTime().toUTC();
    m_model->evaluate(m_flagId, request);
}

void TestUserPanel::cancel()
{
    if (m_model->isLoading())
        m_model->cancel();
}

void TestUserPanel::refreshState()
{
    const bool loading = m_model->isLoading();
    m_test->setText(loading ? tr("Testing…") : tr("Test"));
    m_test->setEnabled(!loading && m_flagId > 0 && !m_subject->distinctId().isEmpty());
    if (loading)
        setCursor(Qt::BusyCursor);
    else
        unsetCursor();
}

void TestUserPanel::showResult()
{
    const QJsonValue result = m_model->value();
    const QString value = models::flagValueText(result).toHtmlEscaped();
    m_headline->setText((result.isString() ? tr("<b>%1</b> is variant <b>%2</b> for %3")
                                           : tr("<b>%1</b> is <b>%2</b> for %3"))
                            .arg(m_model->flagKey().isEmpty() ? m_flagKey.toHtmlEscaped()
                                                              : m_model->flagKey().toHtmlEscaped(),
                                 value, m_testedId.toHtmlEscaped()));
    m_reason->setText(m_model->reasonText());
    const QJsonValue payload = m_model->payload();
    m_payload->setVisible(!payload.isNull());
    m_payload->setText(tr("Payload: %1").arg(propertyText(payload)));

    const QJsonObject properties = m_model->personProperties();
    if (properties.isEmpty()) {
        m_properties->setText(tr("The person has none of the properties this flag reads."));
    } else {
        QStringList parts;
        for (auto it = properties.begin(); it != properties.end(); ++it)
            parts.append(u"%1 = <b>%2</b>"_s.arg(it.key().toHtmlEscaped(),
                                                 propertyText(it.value()).toHtmlEscaped()));
        m_properties->setText(tr("Properties the flag reads: %1").arg(parts.join(u", "_s)));
    }
    m_tree->expandAll();
    m_stack->setCurrentIndex(1);
    showWhetherThePersonIsKnown(); // when the lookup answered first
}

void TestUserPanel::showWhetherThePersonIsKnown()
{
    // After the answer only: a refused test keeps its error.
    if (!m_model->hasAnswer() || m_model->isPersonKnown().value_or(true))
        return;
    m_message->showMessage(
        MessageBar::Kind::Warning,
        m_testedMadeUp
            ? tr("No person with the distinct id “%1” is known to this project: this is the "
                 "answer for someone new, with only the properties you made up.")
                  .arg(m_testedId)
            : tr("No person with the distinct id “%1” is known to this project: this is the "
                 "answer for someone new, without any properties. Check the id, or add "
                 "made-up properties under “What if”.")
                  .arg(m_testedId));
}

void TestUserPanel::showError(const api::ApiError &error)
{
    m_stack->setCurrentWidget(m_empty);
    m_message->showMessage(MessageBar::Kind::Error,
                           tr("Could not test %1: %2").arg(m_testedId, error.message()), {m_retry});
}

} // namespace bunting::views
