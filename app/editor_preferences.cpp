#include "editor_preferences.h"

#include "flag_editor_widget.h"
#include "flag_editor_window.h"

#include <QAction>
#include <QPointer>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace bunting::desktop {

namespace {

const QString kShowJson = u"flagEditor/showJson"_s;

} // namespace

void keepEditorPreferences(FlagEditorWindow *editor, QSettings *settings)
{
    if (!editor || !settings)
        return;
    QAction *showJson = editor->editorWidget()->jsonPanelAction();
    showJson->setChecked(settings->value(kShowJson, true).toBool());
    QObject::connect(showJson, &QAction::toggled, editor,
                     [settings = QPointer<QSettings>(settings)](bool shown) {
                         if (settings)
                             settings->setValue(kShowJson, shown);
                     });
}

} // namespace bunting::desktop
