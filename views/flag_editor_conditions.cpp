#include "flag_editor_conditions.h"

#include "condition_list_model.h"
#include "flag_editor.h"
#include "flag_editor_errors.h"
#include "flag_editor_sync.h"
#include "icons.h"
#include "percent_editor.h"
#include "problem_text.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

QToolButton *toolButton(const QString &icon, const QString &text, const QString &name,
                        QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setObjectName(name);
    if (!icon.isEmpty())
        button->setIcon(themedIcon(icon, parent->palette()));
    button->setText(text);
    button->setToolTip(text);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(true);
    return button;
}

} // namespace

FlagEditorConditions::FlagEditorConditions(models::FlagEditor *editor, FlagEditorErrors *errors,
                                           QWidget *parent)
    : QWidget(parent), m_editor(editor), m_errors(errors)
{
    m_model = new models::ConditionListModel(editor, this);

    // The list above the selected condition rather than beside it: a filter row needs the
    // form's whole width next to the JSON panel.
    auto *layout = new QVBoxLayout(this);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);

    // --- the list ---
    auto *top = new QWidget(splitter);
    auto *left = new QVBoxLayout(top);
    left->setContentsMargins(0, 0, 0, 0);
    auto *heading = new QLabel(tr("Conditions, in evaluation order (the first that matches "
                                  "decides):"),
                               top);
    left->addWidget(heading);
    auto *listRow = new QHBoxLayout;
    m_list = new QListView(top);
    m_list->setObjectName(u"conditionList"_s);
    m_list->setModel(m_model);
    m_list->setWordWrap(true);
    m_list->setSpacing(1);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setDragDropMode(QAbstractItemView::InternalMove);
    m_list->setDefaultDropAction(Qt::MoveAction);
    m_list->setDragEnabled(true);
    m_list->setAcceptDrops(true);
    m_list->setDropIndicatorShown(true);
    // The description is edited below, where the rest of the condition is.
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setToolTip(tr("Drag, or press Ctrl+Up and Ctrl+Down, to change the order"));
    m_list->setMinimumHeight(m_list->fontMetrics().lineSpacing() * 4);
    m_list->installEventFilter(this);
    heading->setBuddy(m_list);
    listRow->addWidget(m_list, 1);

    auto *buttons = new QVBoxLayout;
    buttons->setSpacing(0);
    m_add = toolButton(u"add"_s, tr("Add"), u"addCondition"_s, top);
    m_duplicate = toolButton(u"copy"_s, tr("Duplicate"), u"duplicateCondition"_s, top);
    m_remove = toolButton(u"delete"_s, tr("Remove"), u"removeCondition"_s, top);
    m_up = toolButton(QString(), tr("Move up"), u"moveConditionUp"_s, top);
    m_up->setArrowType(Qt::UpArrow);
    m_up->setToolTip(tr("Evaluate earlier (Ctrl+Up)"));
    m_down = toolButton(QString(), tr("Move down"), u"moveConditionDown"_s, top);
    m_down->setArrowType(Qt::DownArrow);
    m_down->setToolTip(tr("Evaluate later (Ctrl+Down)"));
    for (QToolButton *b : {m_add, m_duplicate, m_remove, m_up, m_down}) {
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    listRow->addLayout(buttons);
    left->addLayout(listRow, 1);
    m_listError = makeErrorLabel(top);
    left->addWidget(m_listError);

    // --- the selected condition ---
    m_detail = new QWidget(splitter);
    m_detail->setObjectName(u"conditionDetail"_s);
    auto *detailLayout = new QVBoxLayout(m_detail);
    detailLayout->setContentsMargins(0, 8, 0, 0);
    m_title = new QLabel(m_detail);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    detailLayout->addWidget(m_title);
    m_placeholder = new QLabel(
        tr("No release conditions: the flag is off for everyone. Add one to roll it out."),
        m_detail);
    m_placeholder->setWordWrap(true);
    detailLayout->addWidget(m_placeholder);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_description = new QLineEdit(m_detail);
    m_description->setObjectName(u"conditionDescription"_s);
    m_description->setPlaceholderText(tr("Who this condition is for"));
    m_descriptionError = makeErrorLabel(m_detail);
    m_form->addRow(tr("De&scription:"),
                   fieldWithError(m_description, m_descriptionError, m_detail));

    m_rollout = new PercentEditor(m_detail);
    m_rollout->setObjectName(u"conditionRollout"_s);
    m_rolloutError = makeErrorLabel(m_detail);
    m_form->addRow(tr("R&oll out to:"), fieldWithError(m_rollout, m_rolloutError, m_detail));

    m_variant = new QComboBox(m_detail);
    m_variant->setObjectName(u"conditionVariant"_s);
    m_variant->setToolTip(tr("Everyone this condition matches gets this variant"));
    m_variantError = makeErrorLabel(m_detail);
    m_form->addRow(tr("Varian&t override:"), fieldWithError(m_variant, m_variantError, m_detail));
    detailLayout->addLayout(m_form);

    auto *filtersHeading = new QLabel(tr("Matching users with all of these properties:"), m_detail);
    detailLayout->addWidget(filtersHeading);
    m_filterLayout = new QVBoxLayout;
    m_filterLayout->setSpacing(4);
    m_noFilters = new QLabel(tr("No property filters: the rollout applies to everyone."), m_detail);
    m_noFilters->setEnabled(false);
    m_filterLayout->addWidget(m_noFilters);
    detailLayout->addLayout(m_filterLayout);
    auto *addRow = new QHBoxLayout;
    m_addFilter = new QPushButton(themedIcon(u"add"_s, palette()), tr("Add filte&r"), m_detail);
    m_addFilter->setObjectName(u"addFilter"_s);
    addRow->addWidget(m_addFilter);
    addRow->addStretch(1);
    detailLayout->addLayout(addRow);
    m_conditionError = makeErrorLabel(m_detail);
    detailLayout->addWidget(m_conditionError);
    detailLayout->addStretch(1);
    splitter->addWidget(top);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({m_list->fontMetrics().lineSpacing() * 9, 400});

    connect(m_add, &QToolButton::clicked, this, &FlagEditorConditions::add);
    connect(m_duplicate, &QToolButton::clicked, this, &FlagEditorConditions::duplicate);
    connect(m_remove, &QToolButton::clicked, this, &FlagEditorConditions::remove);
    connect(m_up, &QToolButton::clicked, this, [this] { move(-1); });
    connect(m_down, &QToolButton::clicked, this, [this] { move(+1); });
    connect(m_addFilter, &QPushButton::clicked, this, &FlagEditorConditions::addFilter);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &FlagEditorConditions::refresh);

    connect(m_description, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_editor->setConditionDescription(currentCondition(), text);
    });
    connect(m_description, &QLineEdit::editingFinished, editor, &models::FlagEditor::endMergeGroup);
    connect(m_rollout, &PercentEditor::valueChanged, this,
            [this](double percent) { m_editor->setConditionRollout(currentCondition(), percent); });
    // A drag of the slider, or typing a number, is one undo step.
    connect(m_rollout->slider(), &QSlider::sliderReleased, editor,
            &models::FlagEditor::endMergeGroup);
    connect(m_rollout->spinBox(), &QDoubleSpinBox::editingFinished, editor,
            &models::FlagEditor::endMergeGroup);
    connect(m_variant, &QComboBox::activated, this, [this](int index) {
        const QVariant data = m_variant->itemData(index);
        m_editor->setConditionVariant(
            currentCondition(), data.isValid() ? std::optional(data.toString()) : std::nullopt);
    });

    connect(editor, &models::FlagEditor::changed, this, &FlagEditorConditions::refresh);
    connect(errors, &FlagEditorErrors::changed, this, &FlagEditorConditions::refreshErrors);
    if (m_model->rowCount() > 0)
        setCurrentCondition(0);
    refresh();
}

FlagEditorConditions::~FlagEditorConditions() = default;

void FlagEditorConditions::setChoices(const PropertyFilterChoices &choices)
{
    m_choices = choices;
    for (PropertyFilterEditor *row : std::as_const(m_rows))
        row->setChoices(choices);
}

int FlagEditorConditions::currentCondition() const
{
    const QModelIndex current = m_list->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void FlagEditorConditions::setCurrentCondition(int index)
{
    const QModelIndex target = m_model->index(index, 0);
    m_list->setCurrentIndex(target);
    m_list->scrollTo(target);
    refresh();
}

bool FlagEditorConditions::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_list && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->modifiers() == Qt::ControlModifier &&
            (key->key() == Qt::Key_Up || key->key() == Qt::Key_Down)) {
            move(key->key() == Qt::Key_Up ? -1 : +1);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void FlagEditorConditions::add()
{
    setCurrentCondition(m_editor->addCondition());
    m_description->setFocus();
}

void FlagEditorConditions::duplicate()
{
    const int index = currentCondition();
    if (index < 0)
        return;
    m_editor->duplicateCondition(index);
    setCurrentCondition(index + 1);
}

void FlagEditorConditions::remove()
{
    const int index = currentCondition();
    if (index < 0)
        return;
    m_editor->removeCondition(index);
    setCurrentCondition(std::min(index, m_model->rowCount() - 1));
}

void FlagEditorConditions::move(int delta)
{
    const int from = currentCondition();
    const int to = from + delta;
    if (from < 0 || to < 0 || to >= m_model->rowCount())
        return;
    m_editor->moveCondition(from, to);
    setCurrentCondition(to);
}

void FlagEditorConditions::refresh()
{
    if (!m_editor)
        return;
    const QList<Condition> &groups = m_editor->draft().filters.groups;
    int index = currentCondition();
    if (index < 0 && !groups.isEmpty()) {
        // After an undo brings conditions back, or removes the selected one.
        const QSignalBlocker blocker(m_list->selectionModel());
        m_list->setCurrentIndex(m_model->index(0, 0));
        index = 0;
    }
    const bool has = index >= 0 && index < groups.size();
    m_duplicate->setEnabled(has);
    m_remove->setEnabled(has);
    m_up->setEnabled(has && index > 0);
    m_down->setEnabled(has && index + 1 < groups.size());
    m_placeholder->setVisible(!has);
    for (QWidget *w : m_detail->findChildren<QWidget *>(Qt::FindDirectChildrenOnly))
        if (w != m_placeholder && w != m_title)
            w->setEnabled(has);
    if (!has) {
        m_title->setText(groups.isEmpty() ? tr("No conditions") : QString());
        syncText(m_description, QString());
        syncFilterRows(Condition{});
        m_shownCondition = -1;
        refreshErrors();
        return;
    }
    const Condition &condition = groups.at(index);
    m_title->setText(tr("Condition %1 of %2").arg(index + 1).arg(groups.size()));
    syncText(m_description, condition.description);
    const double rollout = condition.rolloutPercentage.value_or(100.0);
    if (m_rollout->value() != rollout)
        m_rollout->setValue(rollout);
    refreshVariants(condition);
    if (m_shownCondition != index) {
        // Another condition: every row shows its filter anew.
        m_shown.fill(std::nullopt);
        m_shownCondition = index;
    }
    syncFilterRows(condition);
    refreshErrors();
}

void FlagEditorConditions::refreshVariants(const Condition &condition)
{
    const FlagFilters &filters = m_editor->draft().filters;
    const bool multivariate = filters.isMultivariate();
    // An override left over from an earlier multivariate flag stays visible, to be removed.
    const bool shown = multivariate || condition.variant.has_value();
    m_form->setRowVisible(2, shown);
    if (!shown)
        return;
    QStringList keys;
    for (const Variant &v : filters.variants.value_or(QList<Variant>()))
        keys.append(v.key);
    if (condition.variant && !keys.contains(*condition.variant))
        keys.append(*condition.variant);
    QStringList listed;
    for (int i = 1; i < m_variant->count(); ++i)
        listed.append(m_variant->itemData(i).toString());
    const QSignalBlocker blocker(m_variant);
    if (listed != keys || m_variant->count() == 0) {
        m_variant->clear();
        m_variant->addItem(tr("No override: the variants' shares decide"), QVariant());
        for (const QString &key : std::as_const(keys))
            m_variant->addItem(filters.findVariant(key) ? key : tr("%1 (no such variant)").arg(key),
                               key);
    }
    m_variant->setCurrentIndex(condition.variant ? m_variant->findData(*condition.variant) : 0);
}

PropertyFilterEditor *FlagEditorConditions::createFilterRow()
{
    auto *row = new PropertyFilterEditor(m_detail);
    row->setObjectName(u"propertyFilter"_s);
    row->setChoices(m_choices);
    connect(row, &PropertyFilterEditor::filterEdited, this,
            [this, row](const PropertyFilter &filter) {
                const int position = int(m_rows.indexOf(row));
                if (position < 0)
                    return;
                m_shown[position] = filter;
                m_editor->setProperty(currentCondition(), position, filter);
            });
    connect(row, &PropertyFilterEditor::removeRequested, this, [this, row] {
        const int position = int(m_rows.indexOf(row));
        if (position >= 0)
            m_editor->removeProperty(currentCondition(), position);
    });
    connect(row, &PropertyFilterEditor::removeRequested, m_editor,
            &models::FlagEditor::endMergeGroup);
    return row;
}

void FlagEditorConditions::syncFilterRows(const Condition &condition)
{
    const QList<PropertyFilter> &filters = condition.properties;
    // Rows are reused by position and only the surplus at the end goes, so the row being typed
    // into stays the same widget.
    while (m_rows.size() > filters.size()) {
        PropertyFilterEditor *row = m_rows.takeLast();
        m_shown.removeLast();
        row->hide();
        // Later: the row may be the one whose remove button is being handled.
        row->deleteLater();
    }
    while (m_rows.size() < filters.size()) {
        PropertyFilterEditor *row = createFilterRow();
        m_filterLayout->addWidget(row);
        // Now rather than when the layout gets round to it, so the row can take the focus.
        row->show();
        m_rows.append(row);
        m_shown.append(std::nullopt);
    }
    for (int i = 0; i < filters.size(); ++i) {
        if (m_shown.at(i) == filters.at(i))
            continue;
        m_rows.at(i)->setFilter(filters.at(i));
        m_shown[i] = filters.at(i);
    }
    m_noFilters->setVisible(filters.isEmpty());
}

void FlagEditorConditions::addFilter()
{
    const int index = currentCondition();
    if (index < 0)
        return;
    PropertyFilter filter;
    const std::optional<int> group = m_editor->draft().filters.aggregationGroupTypeIndex;
    filter.type = group ? u"group"_s : u"person"_s;
    filter.groupTypeIndex = group;
    filter.op = u"exact"_s;
    filter.value = QString();
    m_editor->addProperty(index, filter);
    m_editor->endMergeGroup();
    if (!m_rows.isEmpty())
        m_rows.last()->setFocus();
}

void FlagEditorConditions::refreshErrors()
{
    using models::FieldPath;
    m_list->viewport()->update();
    QStringList aboutList;
    for (const models::FieldError &e : m_errors->all())
        if (e.path.field == u"filters"_s && e.path.section == u"groups"_s && e.path.condition < 0 &&
            !aboutList.contains(models::problemMessage(e.error)))
            aboutList.append(models::problemMessage(e.error));
    showErrors(nullptr, m_listError, aboutList);
    const int index = currentCondition();
    if (index < 0) {
        for (QLabel *label : {m_descriptionError, m_rolloutError, m_variantError, m_conditionError})
            showErrors(nullptr, label, {});
        return;
    }
    showErrors(m_description, m_descriptionError,
               m_errors->messagesIn(FieldPath::atCondition(index, u"description"_s)));
    showErrors(m_rollout->spinBox(), m_rolloutError,
               m_errors->messagesIn(FieldPath::atCondition(index, u"rollout_percentage"_s)));
    showErrors(m_variant, m_variantError,
               m_errors->messagesIn(FieldPath::atCondition(index, u"variant"_s)));
    for (int p = 0; p < m_rows.size(); ++p)
        m_rows.at(p)->setError(m_errors->messagesIn(FieldPath::atProperty(index, p)).join(u'\n'));
    // What is about the condition but none of the fields above, or about the list of them.
    QStringList rest;
    const QStringList shown = {u"description"_s, u"rollout_percentage"_s, u"variant"_s};
    for (const models::FieldError &e : m_errors->all()) {
        const FieldPath &path = e.path;
        if (path.field != u"filters"_s || path.section != u"groups"_s || path.property >= 0 ||
            path.condition != index || shown.contains(path.attribute))
            continue;
        if (const QString text = models::problemMessage(e.error); !rest.contains(text))
            rest.append(text);
    }
    showErrors(nullptr, m_conditionError, rest);
}

void FlagEditorConditions::focusProblem(const models::FieldPath &path)
{
    if (path.condition < 0 || path.condition >= m_model->rowCount()) {
        m_list->setFocus(Qt::OtherFocusReason);
        return;
    }
    if (path.condition != currentCondition())
        setCurrentCondition(path.condition);
    if (path.property >= 0 && path.property < m_rows.size()) {
        m_rows.at(path.property)->focusPart(path.attribute);
        return;
    }
    QWidget *field = m_list;
    if (path.attribute == "rollout_percentage"_L1)
        field = m_rollout->spinBox();
    else if (path.attribute == "variant"_L1)
        field = m_variant;
    else if (path.attribute == "description"_L1)
        field = m_description;
    field->setFocus(Qt::OtherFocusReason);
}

} // namespace bunting::views
