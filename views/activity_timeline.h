#pragma once

#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTreeView;

namespace bunting::api {
struct ApiError;
}

namespace bunting::models {
class ActivityModel;
}

namespace bunting::views {

class EmptyState;
class MessageBar;

// The activity log of a flag or of the project: a filter row (user, kind of change, dates,
// search) over the model's tree of days, entries and field changes. Pages load as the tree
// is scrolled to its end (or while it does not fill its view); filters apply to what is loaded (the
// endpoints filter nothing), and when they leave the tree short of a screenful the next pages load
// on their own.
class ActivityTimeline : public QWidget
{
    Q_OBJECT
public:
    // The model stays the caller's.
    explicit ActivityTimeline(models::ActivityModel *model, QWidget *parent = nullptr);

    QTreeView *tree() const { return m_tree; }
    // Back to everyone, every kind, any date, no search.
    void clearFilters();

Q_SIGNALS:
    // An entry naming the version it made was activated.
    void versionRequested(qint64 flagId, int version);

private:
    void applyFilter();
    void refreshChoices();
    void refreshState();
    void fillScreen();
    void expandDays(int first, int last);
    void showError(const api::ApiError &error);

    models::ActivityModel *m_model = nullptr;
    QComboBox *m_user = nullptr;
    QComboBox *m_kind = nullptr;
    QCheckBox *m_anyDate = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_status = nullptr;
    MessageBar *m_message = nullptr;
    QAction *m_retry = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTreeView *m_tree = nullptr;
    EmptyState *m_empty = nullptr;
};

} // namespace bunting::views
