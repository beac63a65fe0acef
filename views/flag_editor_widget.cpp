#include "flag_editor_widget.h"

#include "api_error.h"
#include "flag_editor.h"
#include "flag_editor_conditions.h"
#include "flag_editor_errors.h"
#include "flag_editor_header.h"
#include "flag_editor_json_panel.h"
#include "flag_editor_variants.h"
#include "icons.h"
#include "message_bar.h"
#include "problem_text.h"

#include <QAction>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QUndoStack>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

// A field marked invalid by showErrors() gets a red frame; the rest of the style is the
// platform's.
const QString kStyle = u"QLineEdit[invalid=\"true\"], QPlainTextEdit[invalid=\"true\"], "
                       "QComboBox[invalid=\"true\"], QDoubleSpinBox[invalid=\"true\"] "
                       "{ border: 1px solid #da4453; border-radius: 2px; }"_s;

enum Tab { FlagTab, ConditionsTab, VariantsTab };

// The top-level fields and `filters` sections the form shows; errors anywhere else are listed
// above the form so that none goes unseen.
bool shownByForm(const models::FieldPath &path)
{
    static const QStringList fields = {
        u"key"_s,
        u"name"_s,
        u"tags"_s,
        u"active"_s,
        u"evaluation_runtime"_s,
        u"evaluation_contexts"_s,
        u"ensure_experience_continuity"_s,
        u"is_remote_configuration"_s,
    };
    static const QStringList sections = {u"groups"_s, u"multivariate"_s, u"payloads"_s,
                                         u"aggregation_group_type_index"_s};
    if (path.field == u"filters"_s)
        return sections.contains(path.section) ||
               (path.section.isEmpty() && path.attribute == u"aggregation_group_type_index"_s);
    return fields.contains(path.field);
}

int tabOf(const models::FieldPath &path)
{
    if (path.field != u"filters"_s)
        return FlagTab;
    if (path.section == u"groups"_s)
        return ConditionsTab;
    if (path.section == u"multivariate"_s || path.section == u"payloads"_s)
        return VariantsTab;
    return FlagTab;
}

} // namespace

FlagEditorWidget::FlagEditorWidget(models::FlagEditor *editor, QWidget *parent)
    : QWidget(parent), m_editor(editor)
{
    setObjectName(u"flagEditorWidget"_s);
    setStyleSheet(kStyle);
    m_errors = new FlagEditorErrors(editor, this);

    auto *layout = new QVBoxLayout(this);
    m_messages = new MessageBar(this);
    m_messages->setObjectName(u"flagEditorMessages"_s);
    m_messages->hide();
    layout->addWidget(m_messages);
    // Every problem, in words, each a link to the field it is about.
    m_problems = makeErrorLabel(this);
    m_problems->setObjectName(u"editorProblems"_s);
    m_problems->setTextFormat(Qt::RichText);
    m_problems->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_problems->setFocusPolicy(Qt::TabFocus);
    connect(m_problems, &QLabel::linkActivated, this, [this](const QString &link) {
        const QList<models::FieldError> all = problems();
        const int index = link.toInt();
        if (index >= 0 && index < all.size())
            focusProblem(all.at(index).path);
    });
    layout->addWidget(m_problems);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_tabs = new QTabWidget(m_splitter);
    m_tabs->setObjectName(u"flagEditorTabs"_s);
    m_tabs->setDocumentMode(true);

    m_header = new FlagEditorHeader(editor, m_errors);
    auto *headerScroll = new QScrollArea;
    headerScroll->setWidgetResizable(true);
    headerScroll->setFrameShape(QFrame::NoFrame);
    headerScroll->setWidget(m_header);
    m_tabs->addTab(headerScroll, themedIcon(u"flag"_s, palette()), tr("F&lag"));

    m_conditions = new FlagEditorConditions(editor, m_errors);
    auto *conditionsScroll = new QScrollArea;
    conditionsScroll->setWidgetResizable(true);
    conditionsScroll->setFrameShape(QFrame::NoFrame);
    conditionsScroll->setWidget(m_conditions);
    m_tabs->addTab(conditionsScroll, themedIcon(u"toggle"_s, palette()), tr("Release &conditions"));

    m_variants = new FlagEditorVariants(editor, m_errors);
    m_tabs->addTab(m_variants, themedIcon(u"tag"_s, palette()), tr("Variants and &payloads"));
    m_splitter->addWidget(m_tabs);

    m_json = new FlagEditorJsonPanel(editor, m_splitter);
    m_splitter->addWidget(m_json);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 1);
    // The form's filter rows need the width more than the JSON, which scrolls.
    m_splitter->setSizes({820, 380});
    layout->addWidget(m_splitter, 1);

    m_undo = editor->undoStack()->createUndoAction(this, tr("&Undo"));
    m_undo->setObjectName(u"undoFlagEdit"_s);
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->setIcon(themedIcon(u"undo"_s, palette()));
    m_redo = editor->undoStack()->createRedoAction(this, tr("&Redo"));
    m_redo->setObjectName(u"redoFlagEdit"_s);
    m_redo->setShortcut(QKeySequence::Redo);
    // Inside the editor only, so a text field's own Ctrl+Z still reaches the field first.
    for (QAction *action : {m_undo, m_redo}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }

    m_showJson = new QAction(tr("&JSON Beside the Form"), this);
    m_showJson->setObjectName(u"showJsonPanel"_s);
    m_showJson->setCheckable(true);
    m_showJson->setChecked(true);
    m_showJson->setToolTip(tr("Show the flag's filters as JSON beside the form"));
    connect(m_showJson, &QAction::toggled, m_json, &QWidget::setVisible);

    connect(editor, &models::FlagEditor::dirtyChanged, this, &FlagEditorWidget::dirtyChanged);
    connect(m_errors, &FlagEditorErrors::changed, this, &FlagEditorWidget::refreshErrors);
    dismissErrorsOnEdit();
    refreshErrors();
}

void FlagEditorWidget::setMessageBar(MessageBar *bar)
{
    if (bar == m_messages)
        return;
    delete m_messages;
    m_messages = bar;
    dismissErrorsOnEdit();
}

void FlagEditorWidget::dismissErrorsOnEdit()
{
    // A refusal describes the draft it refused: an edit makes it stale.
    connect(m_editor, &models::FlagEditor::changed, m_messages, [this] {
        if (m_messages->kind() == MessageBar::Kind::Error)
            m_messages->dismiss();
    });
}

FlagEditorWidget::~FlagEditorWidget() = default;

bool FlagEditorWidget::isDirty() const
{
    return m_editor && m_editor->isDirty();
}

void FlagEditorWidget::setKnownTags(const QStringList &tags)
{
    m_header->setKnownTags(tags);
}

void FlagEditorWidget::setGroupTypes(const QList<std::pair<int, QString>> &groupTypes)
{
    m_header->setGroupTypes(groupTypes);
}

void FlagEditorWidget::setChoices(const PropertyFilterChoices &choices)
{
    m_conditions->setChoices(choices);
}

void FlagEditorWidget::showServerError(const api::ApiError &error)
{
    const QList<models::FieldPath> paths =
        m_editor ? m_editor->fieldsOfServerError(error) : QList<models::FieldPath>();
    // A refusal of the flag's content in the editor's words; any other (a network error, a
    // refused key) as the client says it.
    const QString text =
        error.type == "validation_error"_L1 && !paths.isEmpty()
            ? models::problemText({paths.first(), {error.code, error.message(), error.attr}})
            : error.message();
    m_messages->showMessage(MessageBar::Kind::Error, tr("Not saved: %1").arg(text));
    m_errors->setServerError(error);
    // The first field named is where the user needs to look.
    if (!paths.isEmpty())
        focusProblem(paths.first());
}

QList<models::FieldError> FlagEditorWidget::problems() const
{
    QList<models::FieldError> list;
    QStringList seen;
    for (const models::FieldError &e : m_errors->all()) {
        const QString text = models::problemText(e);
        if (seen.contains(text))
            continue;
        seen.append(text);
        list.append(e);
    }
    std::stable_sort(list.begin(), list.end(),
                     [](const models::FieldError &a, const models::FieldError &b) {
                         return tabOf(a.path) < tabOf(b.path);
                     });
    return list;
}

void FlagEditorWidget::focusProblem(const models::FieldPath &path)
{
    const int tab = tabOf(path);
    m_tabs->setCurrentIndex(tab);
    if (tab == ConditionsTab)
        m_conditions->focusProblem(path);
    else if (tab == VariantsTab)
        m_variants->focusProblem(path);
    else
        m_header->focusField(path);
}

bool FlagEditorWidget::checkBeforeSave()
{
    const QList<models::FieldError> all = problems();
    if (all.isEmpty())
        return true;
    const QString first = models::problemText(all.first());
    m_messages->showMessage(
        MessageBar::Kind::Error,
        all.size() == 1
            ? tr("Not saved until this is fixed: %1").arg(first)
            : tr("Not saved until %n problems are fixed, the first: %1", nullptr, int(all.size()))
                  .arg(first));
    focusProblem(all.first().path);
    return false;
}

void FlagEditorWidget::refreshErrors()
{
    QList<int> counts(m_tabs->count(), 0);
    for (const models::FieldError &e : m_errors->all())
        if (shownByForm(e.path))
            ++counts[tabOf(e.path)];
    // The list above the form: what stops a save, each problem a link to its field.
    const QList<models::FieldError> all = problems();
    constexpr int kListed = 5;
    // The label's palette holds the error red; rich text links take their colour from the
    // application's palette, so the red is given to them here, for every palette.
    const QString red = m_problems->palette().color(QPalette::WindowText).name();
    QStringList lines;
    for (int i = 0; i < all.size() && i < kListed; ++i)
        lines.append(u"<a href=\"%1\" style=\"color: %2\">%3</a>"_s.arg(i).arg(
            red, models::problemText(all.at(i)).toHtmlEscaped()));
    if (all.size() > kListed)
        lines.append(tr("and %n more", nullptr, int(all.size() - kListed)).toHtmlEscaped());
    if (all.size() == 1)
        m_problems->setText(u"<b>%1</b> %2"_s.arg(
            tr("To fix before saving (click to go there):").toHtmlEscaped(), lines.first()));
    else if (!all.isEmpty())
        m_problems->setText(u"<b>%1</b><br>%2"_s.arg(
            tr("%n problems to fix before saving (click one to go there):", nullptr,
               int(all.size()))
                .toHtmlEscaped(),
            lines.join(u"<br>"_s)));
    m_problems->setVisible(!all.isEmpty());
    // A tab hiding a problem says so, since its fields' labels are out of sight.
    const QStringList titles = {tr("F&lag"), tr("Release &conditions"),
                                tr("Variants and &payloads")};
    for (int tab = 0; tab < m_tabs->count() && tab < titles.size(); ++tab) {
        const int count = counts.at(tab);
        QString title = titles.at(tab);
        if (count == 1)
            title = tr("%1 (1 problem)").arg(titles.at(tab));
        else if (count > 1)
            title = tr("%1 (%n problems)", nullptr, count).arg(titles.at(tab));
        m_tabs->setTabText(tab, title);
        // An invalid colour gives the tab back the style's own, for every state of the widget.
        m_tabs->tabBar()->setTabTextColor(tab, count == 0 ? QColor() : QColor(0xda, 0x44, 0x53));
    }
}

} // namespace bunting::views
