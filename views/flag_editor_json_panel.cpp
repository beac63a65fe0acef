#include "flag_editor_json_panel.h"

#include "flag_editor.h"
#include "flag_editor_errors.h"
#include "flag_editor_sync.h"
#include "json_editor.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

FlagEditorJsonPanel::FlagEditorJsonPanel(models::FlagEditor *editor, QWidget *parent)
    : QTabWidget(parent), m_editor(editor)
{
    setObjectName(u"flagJsonPanel"_s);
    auto *viewPage = new QWidget(this);
    auto *viewLayout = new QVBoxLayout(viewPage);
    auto *viewNote = new QLabel(tr("The release conditions as they will be saved."), viewPage);
    viewNote->setWordWrap(true);
    viewLayout->addWidget(viewNote);
    m_view = new JsonEditor(viewPage);
    m_view->setObjectName(u"filtersView"_s);
    m_view->setReadOnly(true);
    // Formatting text that cannot be edited has nothing to do.
    if (auto *format = m_view->findChild<QPushButton *>(u"formatJson"_s))
        format->hide();
    viewLayout->addWidget(m_view, 1);
    addTab(viewPage, tr("JSON"));

    auto *advancedPage = new QWidget(this);
    auto *advancedLayout = new QVBoxLayout(advancedPage);
    auto *advancedNote = new QLabel(
        tr("Edit `filters` directly, for what the form does not cover. Apply replaces them as one "
           "undoable step."),
        advancedPage);
    advancedNote->setWordWrap(true);
    advancedNote->setTextFormat(Qt::MarkdownText);
    advancedLayout->addWidget(advancedNote);
    m_advanced = new JsonEditor(advancedPage);
    m_advanced->setObjectName(u"advancedFilters"_s);
    m_advanced->setEmptyAllowed(false);
    advancedLayout->addWidget(m_advanced, 1);
    m_advancedError = makeErrorLabel(advancedPage);
    m_advancedError->setObjectName(u"advancedError"_s);
    advancedLayout->addWidget(m_advancedError);
    auto *buttons = new QHBoxLayout;
    m_pending = new QLabel(tr("Not applied yet."), advancedPage);
    m_pending->hide();
    buttons->addWidget(m_pending);
    buttons->addStretch(1);
    m_revert = new QPushButton(tr("Revert"), advancedPage);
    m_revert->setObjectName(u"revertFilters"_s);
    m_revert->setToolTip(tr("Show the form's filters again, dropping what was typed here"));
    m_apply = new QPushButton(tr("Appl&y"), advancedPage);
    m_apply->setObjectName(u"applyFilters"_s);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    advancedLayout->addLayout(buttons);
    addTab(advancedPage, tr("Advanced"));

    connect(m_apply, &QPushButton::clicked, this, &FlagEditorJsonPanel::apply);
    connect(m_revert, &QPushButton::clicked, this, &FlagEditorJsonPanel::revert);
    connect(m_advanced, &JsonEditor::edited, this, [this] {
        m_advancedEdited = true;
        m_pending->show();
    });
    connect(editor, &models::FlagEditor::changed, this, &FlagEditorJsonPanel::refresh);
    refresh();
}

QString FlagEditorJsonPanel::advancedError() const
{
    return m_advancedError->text();
}

bool FlagEditorJsonPanel::apply()
{
    if (!m_editor)
        return false;
    if (!m_advanced->isValid()) {
        showAdvancedError(tr("Not applied: %1").arg(m_advanced->errorText()));
        return false;
    }
    const QJsonValue value = m_advanced->json();
    if (!value.isObject()) {
        showAdvancedError(tr("Not applied: `filters` must be a JSON object."));
        return false;
    }
    QString error;
    if (!m_editor->replaceFilters(value.toObject(), &error)) {
        showAdvancedError(tr("Not applied: %1").arg(error));
        return false;
    }
    m_editor->endMergeGroup();
    showAdvancedError(QString());
    revert();
    return true;
}

void FlagEditorJsonPanel::revert()
{
    m_advancedEdited = false;
    m_pending->hide();
    showAdvancedError(QString());
    if (m_editor)
        m_advanced->setText(compactIndentedJson(m_editor->draft().filters.toJson()));
}

void FlagEditorJsonPanel::refresh()
{
    if (!m_editor)
        return;
    const QJsonObject filters = m_editor->draft().filters.toJson();
    if (filters != m_shown) {
        m_shown = filters;
        QScrollBar *bar = m_view->textEdit()->verticalScrollBar();
        const int scrolled = bar->value();
        m_view->setText(compactIndentedJson(filters));
        bar->setValue(scrolled);
    }
    if (!m_advancedEdited) {
        QScrollBar *bar = m_advanced->textEdit()->verticalScrollBar();
        const int scrolled = bar->value();
        m_advanced->setText(compactIndentedJson(filters));
        bar->setValue(scrolled);
    }
}

void FlagEditorJsonPanel::showAdvancedError(const QString &message)
{
    showErrors(m_advanced->textEdit(), m_advancedError,
               message.isEmpty() ? QStringList() : QStringList{message});
}

} // namespace bunting::views
