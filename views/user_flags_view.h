#pragma once

#include "api_types.h"

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace bunting::api {
class Client;
struct ApiError;
} // namespace bunting::api

namespace bunting::models {
class EvaluationReasonsModel;
}

namespace bunting::views {

class EmptyState;
class MadeUpPropertiesEdit;
class MessageBar;
class SubjectFields;

// "All flags for a user": every flag's value for one distinct id (and groups) with the reason
// and the deciding condition set, filterable, with a jump to a flag. "What if" properties made
// up for the person or a group evaluate the flags as if they had them, and the table says so.
class UserFlagsView : public QWidget
{
    Q_OBJECT
public:
    explicit UserFlagsView(QWidget *parent = nullptr);
    ~UserFlagsView() override;

    void setClient(api::Client *client);
    void setGroupTypes(const QList<api::GroupType> &types);
    // Prefills the id; does not load.
    void setDistinctId(const QString &id);

    models::EvaluationReasonsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    SubjectFields *subjectFields() const { return m_subject; }
    MadeUpPropertiesEdit *madeUpPropertiesEdit() const { return m_madeUp; }
    // Above the table while its values are with made-up properties, naming them.
    QLabel *madeUpNote() const { return m_madeUpNote; }
    MessageBar *messageBar() const { return m_message; }
    // "12 flags, 5 on"
    QString countText() const;

public Q_SLOTS:
    // Evaluates every flag for the id and groups typed; Enter in a field does the same.
    void load();

Q_SIGNALS:
    // A row was double-clicked or Enter pressed on it: the app shows that flag.
    void openFlag(const QString &key);

private:
    void refreshState();
    void showLoaded();
    void showError(const api::ApiError &error);
    void warnIfUnknown();

    models::EvaluationReasonsModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    SubjectFields *m_subject = nullptr;
    MadeUpPropertiesEdit *m_madeUp = nullptr;
    QLabel *m_madeUpNote = nullptr;
    QPushButton *m_show = nullptr;
    MessageBar *m_message = nullptr;
    QAction *m_retry = nullptr;
    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    QStackedWidget *m_stack = nullptr;
    EmptyState *m_empty = nullptr;
    QTableView *m_table = nullptr;
    QString m_requestedId;
    bool m_requestedMadeUp = false;
};

} // namespace bunting::views
