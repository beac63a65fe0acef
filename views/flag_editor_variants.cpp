#include "flag_editor_variants.h"

#include "flag_editor.h"
#include "flag_editor_errors.h"
#include "flag_editor_sync.h"
#include "flag_summary.h"
#include "icons.h"
#include "json_editor.h"
#include "problem_text.h"
#include "variant_table_model.h"

#include <QAbstractItemDelegate>
#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QTableView>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

const QColor kRed(0xda, 0x44, 0x53);

} // namespace

FlagEditorVariants::FlagEditorVariants(models::FlagEditor *editor, FlagEditorErrors *errors,
                                       QWidget *parent)
    : QWidget(parent), m_editor(editor), m_errors(errors)
{
    m_model = new models::VariantTableModel(editor, this);
    auto *layout = new QVBoxLayout(this);

    m_multivariate = new QCheckBox(
        tr("Multiple variants: each user gets one of the variants below, by their shares"), this);
    m_multivariate->setObjectName(u"multivariate"_s);
    layout->addWidget(m_multivariate);

    m_variantsBox = new QWidget(this);
    auto *variants = new QVBoxLayout(m_variantsBox);
    variants->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableView(m_variantsBox);
    m_table->setObjectName(u"variantTable"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(models::VariantTableModel::KeyColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(models::VariantTableModel::NameColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(models::VariantTableModel::ShareColumn,
                                 QHeaderView::ResizeToContents);
    header->setSectionResizeMode(models::VariantTableModel::PayloadColumn, QHeaderView::Stretch);
    variants->addWidget(m_table, 1);

    auto *buttons = new QHBoxLayout;
    m_add = new QPushButton(themedIcon(u"add"_s, palette()), tr("&Add variant"), m_variantsBox);
    m_add->setObjectName(u"addVariant"_s);
    m_remove = new QPushButton(themedIcon(u"delete"_s, palette()), tr("Re&move"), m_variantsBox);
    m_remove->setObjectName(u"removeVariant"_s);
    m_distribute = new QPushButton(tr("&Distribute evenly"), m_variantsBox);
    m_distribute->setObjectName(u"distributeEvenly"_s);
    m_sum = new QLabel(m_variantsBox);
    m_sum->setObjectName(u"variantSum"_s);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addWidget(m_distribute);
    buttons->addStretch(1);
    buttons->addWidget(m_sum);
    variants->addLayout(buttons);
    m_variantsError = makeErrorLabel(m_variantsBox);
    m_variantsError->setObjectName(u"variantErrors"_s);
    variants->addWidget(m_variantsError);
    layout->addWidget(m_variantsBox, 1);

    m_payloadTitle = new QLabel(this);
    m_payloadTitle->setObjectName(u"payloadTitle"_s);
    QFont bold = m_payloadTitle->font();
    bold.setBold(true);
    m_payloadTitle->setFont(bold);
    layout->addWidget(m_payloadTitle);
    m_payload = new JsonEditor(this);
    m_payload->setObjectName(u"payloadEditor"_s);
    m_payload->setEmptyAllowed(true);
    m_payload->textEdit()->setPlaceholderText(
        tr("No payload. Any JSON value: {\"theme\": \"dark\"}"));
    m_payload->textEdit()->installEventFilter(this);
    layout->addWidget(m_payload, 1);
    m_payloadError = makeErrorLabel(this);
    m_payloadError->setObjectName(u"payloadErrors"_s);
    layout->addWidget(m_payloadError);

    connect(m_multivariate, &QCheckBox::clicked, editor, &models::FlagEditor::setMultivariate);
    connect(m_add, &QPushButton::clicked, this, [this] {
        const int row = m_editor->addVariant();
        m_table->setCurrentIndex(m_model->index(row, models::VariantTableModel::KeyColumn));
        m_table->edit(m_table->currentIndex());
    });
    // A cell edited again after it was closed is a new undo step.
    connect(m_table->itemDelegate(), &QAbstractItemDelegate::closeEditor, editor,
            &models::FlagEditor::endMergeGroup);
    connect(m_remove, &QPushButton::clicked, this, &FlagEditorVariants::removeSelected);
    connect(m_distribute, &QPushButton::clicked, this, [this] { m_editor->distributeEvenly(); });
    connect(m_model, &models::VariantTableModel::sumChanged, this, &FlagEditorVariants::refreshSum);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &FlagEditorVariants::refresh);
    connect(m_payload, &JsonEditor::edited, this, [this] {
        if (!m_payloadKey.isEmpty())
            m_editor->setPayload(m_payloadKey, m_payload->text());
    });
    connect(m_payload, &JsonEditor::validityChanged, this, &FlagEditorVariants::refreshErrors);

    connect(editor, &models::FlagEditor::changed, this, &FlagEditorVariants::refresh);
    connect(errors, &FlagEditorErrors::changed, this, &FlagEditorVariants::refreshErrors);
    refresh();
}

bool FlagEditorVariants::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::FocusOut && m_editor)
        m_editor->endMergeGroup();
    return QWidget::eventFilter(watched, event);
}

void FlagEditorVariants::removeSelected()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const int row = current.row();
    m_editor->removeVariant(row);
    if (m_model->rowCount() > 0)
        m_table->setCurrentIndex(
            m_model->index(std::min(row, m_model->rowCount() - 1), current.column()));
}

void FlagEditorVariants::refresh()
{
    if (!m_editor)
        return;
    const FeatureFlag &flag = m_editor->draft();
    const bool multivariate = flag.filters.isMultivariate();
    const bool remote = flag.isRemoteConfiguration;
    m_multivariate->setChecked(multivariate);
    m_multivariate->setVisible(!remote);
    m_variantsBox->setVisible(multivariate && !remote);

    QString key;
    if (multivariate && !remote) {
        if (!m_table->currentIndex().isValid() && m_model->rowCount() > 0) {
            const QSignalBlocker blocker(m_table->selectionModel());
            m_table->setCurrentIndex(m_model->index(0, models::VariantTableModel::KeyColumn));
        }
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            key = flag.filters.variants->at(current.row()).key;
        m_payloadTitle->setText(key.isEmpty() ? tr("Payload")
                                              : tr("Payload of variant “%1”").arg(key));
    } else {
        key = u"true"_s;
        m_payloadTitle->setText(remote ? tr("Remote configuration payload")
                                       : tr("Payload when the flag is true"));
    }
    const bool keyChanged = key != m_payloadKey;
    m_payloadKey = key;
    m_payload->setEnabled(!key.isEmpty());
    const QString text = key.isEmpty() ? QString() : m_editor->payloadText(key);
    if (keyChanged || m_payload->text() != text) {
        // The payload being typed only changes here on undo, redo or a rename; the cursor stays.
        QPlainTextEdit *edit = m_payload->textEdit();
        const int position = edit->textCursor().position();
        m_payload->setText(text);
        QTextCursor cursor = edit->textCursor();
        cursor.setPosition(keyChanged ? 0 : std::min(position, int(text.size())));
        edit->setTextCursor(cursor);
    }
    m_remove->setEnabled(m_table->currentIndex().isValid() && m_model->rowCount() > 0);
    refreshSum();
    refreshErrors();
}

void FlagEditorVariants::refreshSum()
{
    const bool valid = m_model->sumIsValid();
    m_sum->setText(
        valid ? tr("Sum of shares: %1").arg(models::percentText(m_model->sum()))
              : tr("Sum of shares: %1 (must be 100%)").arg(models::percentText(m_model->sum())));
    QPalette p = palette();
    if (!valid)
        p.setColor(QPalette::WindowText, kRed);
    m_sum->setPalette(p);
    m_sum->setProperty("invalid", !valid);
}

void FlagEditorVariants::refreshErrors()
{
    using models::FieldPath;
    if (!m_editor)
        return;
    // Variant errors come with the variant's number, since the table's red cells are where
    // they are and this label sums them up.
    QStringList messages;
    for (const models::FieldError &e : m_errors->all()) {
        if (!FieldPath::atVariants().contains(e.path))
            continue;
        const QString text =
            e.path.variant >= 0 ? models::problemText(e) : models::problemMessage(e.error);
        if (!messages.contains(text))
            messages.append(text);
    }
    showErrors(nullptr, m_variantsError, messages);
    m_table->viewport()->update();

    // The editor already says why text is not JSON; validation's "not valid JSON" repeats it.
    QStringList payload;
    if (m_payload->isValid() && !m_payloadKey.isEmpty())
        payload = m_errors->messagesIn(FieldPath::atPayload(m_payloadKey));
    // Payload errors about no one variant in particular (keys that match no variant).
    for (const models::FieldError &e : m_errors->all())
        if (e.path == FieldPath::atFilters(u"payloads"_s) &&
            !payload.contains(models::problemMessage(e.error)))
            payload.append(models::problemMessage(e.error));
    showErrors(m_payload->textEdit(), m_payloadError, payload);
}

void FlagEditorVariants::focusProblem(const models::FieldPath &path)
{
    using Model = models::VariantTableModel;
    int row = path.variant;
    if (row < 0 && !path.payloadKey.isNull())
        for (int i = 0; i < m_model->rowCount(); ++i)
            if (m_model->index(i, Model::KeyColumn).data().toString() == path.payloadKey)
                row = i;
    if (row >= 0 && row < m_model->rowCount()) {
        int column = Model::KeyColumn;
        if (path.attribute == "rollout_percentage"_L1)
            column = Model::ShareColumn;
        else if (path.attribute == "name"_L1)
            column = Model::NameColumn;
        m_table->setCurrentIndex(m_model->index(row, column));
    }
    if (!path.payloadKey.isNull() && m_payload->isEnabled())
        m_payload->textEdit()->setFocus(Qt::OtherFocusReason);
    else if (m_table->isVisible())
        m_table->setFocus(Qt::OtherFocusReason);
    else
        m_multivariate->setFocus(Qt::OtherFocusReason);
}

} // namespace bunting::views
