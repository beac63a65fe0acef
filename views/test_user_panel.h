#pragma once

#include "api_types.h"

#include <QWidget>

class QAction;
class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTreeView;

namespace bunting::api {
class Client;
struct ApiError;
} // namespace bunting::api

namespace bunting::models {
class TestEvaluationModel;
}

namespace bunting::views {

class EmptyState;
class MadeUpPropertiesEdit;
class MessageBar;
class SubjectFields;

// "What does this user see, and why?" for one flag: a distinct id (completed from the known
// persons), optional group keys and an optional point in time, then the flag's value for them,
// the reason, its payload, the person properties the flag reads, and every condition set with
// each property check: expected beside actual, matched or not.
class TestUserPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TestUserPanel(QWidget *parent = nullptr);
    ~TestUserPanel() override;

    void setClient(api::Client *client);
    // The flag to test; a result shown for another flag goes.
    void setFlag(qint64 id, const QString &key);
    void setGroupTypes(const QList<api::GroupType> &types);
    // Prefills the id (the app's "test this user" from elsewhere); does not run the test.
    void setDistinctId(const QString &id);

    qint64 flagId() const { return m_flagId; }
    models::TestEvaluationModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    SubjectFields *subjectFields() const { return m_subject; }
    // What-if: properties the test adds over the person's stored ones ("plan=pro, age=30",
    // "organization.size=50" for a group).
    MadeUpPropertiesEdit *madeUpPropertiesEdit() const { return m_madeUp; }

public Q_SLOTS:
    // Tests the flag for the id and groups typed; Enter in a field does the same.
    void runTest();
    // Drops a running test (Escape).
    void cancel();

private:
    void refreshState();
    void showResult();
    void showError(const api::ApiError &error);
    void showWhetherThePersonIsKnown();

    models::TestEvaluationModel *m_model = nullptr;
    qint64 m_flagId = 0;
    QString m_flagKey;
    QString m_testedId;
    SubjectFields *m_subject = nullptr;
    QCheckBox *m_useTime = nullptr;
    MadeUpPropertiesEdit *m_madeUp = nullptr;
    bool m_testedMadeUp = false; // the shown answer used made-up properties
    QDateTimeEdit *m_time = nullptr;
    QPushButton *m_test = nullptr;
    MessageBar *m_message = nullptr;
    QAction *m_retry = nullptr;
    QStackedWidget *m_stack = nullptr;
    EmptyState *m_empty = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_reason = nullptr;
    QLabel *m_payload = nullptr;
    QLabel *m_properties = nullptr;
    QTreeView *m_tree = nullptr;
};

} // namespace bunting::views
