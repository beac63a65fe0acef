#include "flag_editor_header.h"

#include "flag_editor.h"
#include "flag_editor_errors.h"
#include "flag_editor_sync.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QStringListModel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

// The part of the tag list the cursor is in: the text after the last comma before it.
std::pair<int, int> currentSegment(const QString &text, int cursor)
{
    const int start = int(text.left(cursor).lastIndexOf(u',')) + 1;
    int end = int(text.indexOf(u',', cursor));
    if (end < 0)
        end = int(text.size());
    return {start, end};
}

} // namespace

FlagEditorHeader::FlagEditorHeader(models::FlagEditor *editor, FlagEditorErrors *errors,
                                   QWidget *parent)
    : QWidget(parent), m_editor(editor), m_errors(errors)
{
    auto *outer = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    outer->addLayout(form);
    // Extra height goes below the form, not into its rows.
    outer->addStretch(1);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);

    m_key = new QLineEdit(this);
    m_key->setObjectName(u"flagKey"_s);
    m_key->setPlaceholderText(tr("new-checkout"));
    m_keyError = makeErrorLabel(this);
    form->addRow(tr("&Key:"), fieldWithError(m_key, m_keyError, this));

    m_name = new QPlainTextEdit(this);
    m_name->setObjectName(u"flagName"_s);
    m_name->setPlaceholderText(tr("What the flag is for"));
    m_name->setTabChangesFocus(true);
    m_name->setFixedHeight(m_name->fontMetrics().lineSpacing() * 4 + 12);
    m_nameError = makeErrorLabel(this);
    form->addRow(tr("&Description:"), fieldWithError(m_name, m_nameError, this));

    m_tags = new QLineEdit(this);
    m_tags->setObjectName(u"flagTags"_s);
    m_tags->setPlaceholderText(tr("Comma-separated, e.g. growth, checkout"));
    m_tagModel = new QStringListModel(this);
    m_tagCompleter = new QCompleter(m_tagModel, this);
    m_tagCompleter->setObjectName(u"tagCompleter"_s);
    m_tagCompleter->setCaseSensitivity(Qt::CaseInsensitive);
    m_tagCompleter->setCompletionMode(QCompleter::PopupCompletion);
    // Not QLineEdit::setCompleter: that completes the whole text, and a tag is one segment of it.
    m_tagCompleter->setWidget(m_tags);
    m_tagsError = makeErrorLabel(this);
    form->addRow(tr("&Tags:"), fieldWithError(m_tags, m_tagsError, this));

    m_active = new QCheckBox(tr("Enabled: the flag is evaluated by its release conditions"), this);
    m_active->setObjectName(u"flagActive"_s);
    m_activeError = makeErrorLabel(this);
    form->addRow(tr("Status:"), fieldWithError(m_active, m_activeError, this));

    m_runtime = new QComboBox(this);
    m_runtime->setObjectName(u"flagRuntime"_s);
    m_runtime->addItem(tr("Not set (PostHog's default)"), QString());
    m_runtime->addItem(tr("Client and server"), u"all"_s);
    m_runtime->addItem(tr("Server only"), u"server"_s);
    m_runtime->addItem(tr("Client only"), u"client"_s);
    m_runtimeError = makeErrorLabel(this);
    form->addRow(tr("Evaluation &runtime:"), fieldWithError(m_runtime, m_runtimeError, this));

    m_contexts = new QLineEdit(this);
    m_contexts->setObjectName(u"flagContexts"_s);
    m_contexts->setPlaceholderText(tr("Comma-separated, e.g. web, mobile"));
    m_contextsError = makeErrorLabel(this);
    form->addRow(tr("Evaluation c&ontexts:"), fieldWithError(m_contexts, m_contextsError, this));

    m_matchBy = new QComboBox(this);
    m_matchBy->setObjectName(u"flagMatchBy"_s);
    m_matchByError = makeErrorLabel(this);
    form->addRow(tr("&Match by:"), fieldWithError(m_matchBy, m_matchByError, this));

    m_continuity = new QCheckBox(
        tr("Persist the value across authentication steps (ensure experience continuity)"), this);
    m_continuity->setObjectName(u"flagContinuity"_s);
    m_continuityError = makeErrorLabel(this);
    form->addRow(tr("Continuity:"), fieldWithError(m_continuity, m_continuityError, this));

    m_remoteConfig =
        new QCheckBox(tr("Remote configuration: the flag serves one payload, no variants"), this);
    m_remoteConfig->setObjectName(u"flagRemoteConfig"_s);
    m_remoteConfigError = makeErrorLabel(this);
    form->addRow(tr("Kind:"), fieldWithError(m_remoteConfig, m_remoteConfigError, this));

    connect(m_key, &QLineEdit::textEdited, editor, &models::FlagEditor::setKey);
    connect(m_name, &QPlainTextEdit::textChanged, this,
            [this] { m_editor->setName(m_name->toPlainText()); });
    connect(m_tags, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_editor->setTags(splitList(text));
        completeTag();
    });
    connect(m_tagCompleter, qOverload<const QString &>(&QCompleter::activated), this,
            &FlagEditorHeader::insertTag);
    connect(m_contexts, &QLineEdit::textEdited, this,
            [this](const QString &text) { m_editor->setEvaluationContexts(splitList(text)); });
    connect(m_active, &QCheckBox::clicked, editor, &models::FlagEditor::setActive);
    connect(m_continuity, &QCheckBox::clicked, editor,
            &models::FlagEditor::setEnsureExperienceContinuity);
    connect(m_remoteConfig, &QCheckBox::clicked, editor,
            &models::FlagEditor::setRemoteConfiguration);
    connect(m_runtime, &QComboBox::activated, this, [this](int index) {
        m_editor->setEvaluationRuntime(m_runtime->itemData(index).toString());
    });
    connect(m_matchBy, &QComboBox::activated, this, [this](int index) {
        const QVariant data = m_matchBy->itemData(index);
        m_editor->setAggregationGroupTypeIndex(data.isValid() ? std::optional<int>(data.toInt())
                                                              : std::nullopt);
    });
    // Typing into a field again after leaving it is a new undo step.
    for (QWidget *field : {static_cast<QWidget *>(m_key), static_cast<QWidget *>(m_name),
                           static_cast<QWidget *>(m_tags), static_cast<QWidget *>(m_contexts)})
        field->installEventFilter(this);

    connect(editor, &models::FlagEditor::changed, this, &FlagEditorHeader::refresh);
    connect(errors, &FlagEditorErrors::changed, this, &FlagEditorHeader::refreshErrors);
    refresh();
    refreshErrors();
}

void FlagEditorHeader::setKnownTags(const QStringList &tags)
{
    m_tagModel->setStringList(tags);
}

void FlagEditorHeader::setGroupTypes(const QList<std::pair<int, QString>> &groupTypes)
{
    m_groupTypes = groupTypes;
    fillMatchBy();
}

void FlagEditorHeader::focusField(const models::FieldPath &path)
{
    const QList<std::pair<QLatin1StringView, QWidget *>> fields = {
        {"key"_L1, m_key},
        {"name"_L1, m_name},
        {"tags"_L1, m_tags},
        {"active"_L1, m_active},
        {"evaluation_runtime"_L1, m_runtime},
        {"evaluation_contexts"_L1, m_contexts},
        {"ensure_experience_continuity"_L1, m_continuity},
        {"is_remote_configuration"_L1, m_remoteConfig},
    };
    QWidget *field = m_key;
    for (const auto &[name, widget] : fields)
        if (path.field == name)
            field = widget;
    if (path.field == "filters"_L1)
        field = m_matchBy;
    field->setFocus(Qt::OtherFocusReason);
}

bool FlagEditorHeader::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::FocusOut && m_editor)
        m_editor->endMergeGroup();
    return QWidget::eventFilter(watched, event);
}

void FlagEditorHeader::refresh()
{
    if (!m_editor)
        return;
    const FeatureFlag &flag = m_editor->draft();
    syncText(m_key, flag.key);
    syncText(m_name, flag.name);
    // A list typed as "a, b," reads back as {a, b}: only a different list rewrites the text.
    if (splitList(m_tags->text()) != flag.tags)
        syncText(m_tags, flag.tags.join(u", "_s));
    if (splitList(m_contexts->text()) != flag.evaluationContexts)
        syncText(m_contexts, flag.evaluationContexts.join(u", "_s));
    m_active->setChecked(flag.active);
    m_continuity->setChecked(flag.ensureExperienceContinuity);
    m_remoteConfig->setChecked(flag.isRemoteConfiguration);

    int runtime = m_runtime->findData(flag.evaluationRuntime);
    if (runtime < 0) {
        // A runtime this version does not know stays visible, and selectable again.
        m_runtime->addItem(flag.evaluationRuntime, flag.evaluationRuntime);
        runtime = m_runtime->count() - 1;
    }
    m_runtime->setCurrentIndex(runtime);
    fillMatchBy();
}

void FlagEditorHeader::fillMatchBy()
{
    if (!m_editor)
        return;
    const std::optional<int> current = m_editor->draft().filters.aggregationGroupTypeIndex;
    QList<std::pair<QString, QVariant>> items = {{tr("Users (persons)"), QVariant()}};
    bool listed = !current.has_value();
    for (const auto &[index, name] : m_groupTypes) {
        items.append({tr("Groups: %1").arg(name), index});
        listed = listed || current == index;
    }
    if (!listed)
        items.append({tr("Group type %1 (unknown to this project)").arg(*current), *current});
    const QSignalBlocker blocker(m_matchBy);
    // Refilled only when the choices differ, so an open popup is not pulled from under the user.
    bool same = m_matchBy->count() == items.size();
    for (int i = 0; same && i < items.size(); ++i)
        same = m_matchBy->itemText(i) == items.at(i).first &&
               m_matchBy->itemData(i) == items.at(i).second;
    if (!same) {
        m_matchBy->clear();
        for (const auto &[text, data] : items)
            m_matchBy->addItem(text, data);
    }
    m_matchBy->setCurrentIndex(current ? m_matchBy->findData(*current) : 0);
}

void FlagEditorHeader::refreshErrors()
{
    using models::FieldPath;
    const auto at = [this](const char *field) {
        return m_errors->messagesIn(FieldPath::atField(QString::fromLatin1(field)));
    };
    showErrors(m_key, m_keyError, at("key"));
    showErrors(m_name, m_nameError, at("name"));
    showErrors(m_tags, m_tagsError, at("tags"));
    showErrors(m_active, m_activeError, at("active"));
    showErrors(m_runtime, m_runtimeError, at("evaluation_runtime"));
    showErrors(m_contexts, m_contextsError, at("evaluation_contexts"));
    showErrors(m_continuity, m_continuityError, at("ensure_experience_continuity"));
    showErrors(m_remoteConfig, m_remoteConfigError, at("is_remote_configuration"));
    showErrors(m_matchBy, m_matchByError,
               m_errors->messagesIn(FieldPath::atFilters(u"aggregation_group_type_index"_s)));
}

void FlagEditorHeader::completeTag()
{
    const auto [start, end] = currentSegment(m_tags->text(), m_tags->cursorPosition());
    const QString prefix = m_tags->text().mid(start, end - start).trimmed();
    if (prefix.isEmpty()) {
        m_tagCompleter->popup()->hide();
        return;
    }
    m_tagCompleter->setCompletionPrefix(prefix);
    m_tagCompleter->complete();
}

void FlagEditorHeader::insertTag(const QString &tag)
{
    const QString text = m_tags->text();
    const auto [start, end] = currentSegment(text, m_tags->cursorPosition());
    const QString before = text.left(start);
    const QString replaced = before + (before.isEmpty() ? QString() : u" "_s) + tag;
    m_tags->setText(replaced + text.mid(end));
    m_tags->setCursorPosition(int(replaced.size()));
    m_editor->setTags(splitList(m_tags->text()));
}

} // namespace bunting::views
