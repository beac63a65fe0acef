#pragma once

class QSettings;

namespace bunting::desktop {

class FlagEditorWindow;

// What a person chose for the editor's layout last time, kept for every editor that opens after:
// whether the JSON panel shows beside the form ("flagEditor/showJson" in `settings`).
void keepEditorPreferences(FlagEditorWindow *editor, QSettings *settings);

} // namespace bunting::desktop
