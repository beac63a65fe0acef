#pragma once

#include "api_types.h"

#include <QJsonObject>
#include <QList>
#include <QWidget>

class QCompleter;
class QFormLayout;
class QLineEdit;
class QTimer;

namespace bunting::api {
class Client;
}

namespace bunting::models {
class PersonCompletionModel;
}

namespace bunting::views {

// Who to evaluate flags for, as a form: a distinct id that completes from the known persons
// (typing searches them), and an optional key per group type of the project. The rows of the
// form can be followed by the caller's own (form()).
class SubjectFields : public QWidget
{
    Q_OBJECT
public:
    explicit SubjectFields(QWidget *parent = nullptr);

    void setClient(api::Client *client);
    // One key field per group type, labelled with its name; keys typed so far are kept.
    void setGroupTypes(const QList<api::GroupType> &types);

    QString distinctId() const;
    void setDistinctId(const QString &id);
    // Group type name -> key, for the group fields that are filled in.
    QJsonObject groups() const;

    QLineEdit *distinctIdEdit() const { return m_distinctId; }
    QCompleter *completer() const { return m_completer; }
    models::PersonCompletionModel *completionModel() const { return m_persons; }
    QFormLayout *form() const { return m_form; }

Q_SIGNALS:
    // Enter in a field, or a person picked from the completion list.
    void submitted();
    void distinctIdChanged(const QString &id);

private:
    void onReturnPressed();

    QFormLayout *m_form = nullptr;
    QLineEdit *m_distinctId = nullptr;
    QCompleter *m_completer = nullptr;
    models::PersonCompletionModel *m_persons = nullptr;
    QTimer *m_searchDelay = nullptr;
    QList<std::pair<QString, QLineEdit *>> m_groupFields; // group type name, its field
};

} // namespace bunting::views
