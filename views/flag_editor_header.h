#pragma once

#include "flag_editor.h"

#include <QList>
#include <QPointer>
#include <QStringList>
#include <QWidget>
#include <utility>

class QCheckBox;
class QComboBox;
class QCompleter;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QStringListModel;

namespace bunting::views {

class FlagEditorErrors;

// The rollout editor's fields about the flag as a whole: key, description, tags, whether it is
// enabled, where it is evaluated, continuity, what it matches by and whether it is a remote
// configuration. Every edit is one of the editor's commands; the fields follow the editor.
class FlagEditorHeader : public QWidget
{
    Q_OBJECT
public:
    FlagEditorHeader(models::FlagEditor *editor, FlagEditorErrors *errors,
                     QWidget *parent = nullptr);

    // The project's tags, offered as each tag of the comma list is typed.
    void setKnownTags(const QStringList &tags);
    // Besides persons, what the flag can match by: index and name ("company").
    void setGroupTypes(const QList<std::pair<int, QString>> &groupTypes);
    // Focuses the field `path` names (the key, the tags, what the flag matches by, ...).
    void focusField(const models::FieldPath &path);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();
    void refreshErrors();
    void fillMatchBy();
    void completeTag();
    void insertTag(const QString &tag);

    QPointer<models::FlagEditor> m_editor;
    FlagEditorErrors *m_errors = nullptr;
    QList<std::pair<int, QString>> m_groupTypes;

    QLineEdit *m_key = nullptr;
    QPlainTextEdit *m_name = nullptr;
    QLineEdit *m_tags = nullptr;
    QCompleter *m_tagCompleter = nullptr;
    QStringListModel *m_tagModel = nullptr;
    QCheckBox *m_active = nullptr;
    QComboBox *m_runtime = nullptr;
    QLineEdit *m_contexts = nullptr;
    QCheckBox *m_continuity = nullptr;
    QComboBox *m_matchBy = nullptr;
    QCheckBox *m_remoteConfig = nullptr;

    QLabel *m_keyError = nullptr;
    QLabel *m_nameError = nullptr;
    QLabel *m_tagsError = nullptr;
    QLabel *m_activeError = nullptr;
    QLabel *m_runtimeError = nullptr;
    QLabel *m_contextsError = nullptr;
    QLabel *m_continuityError = nullptr;
    QLabel *m_matchByError = nullptr;
    QLabel *m_remoteConfigError = nullptr;
};

} // namespace bunting::views
