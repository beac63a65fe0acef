#pragma once

#include "feature_flag.h"
#include "flag_list_query.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTimer;
class QToolButton;

namespace bunting::views {

// The filters of the flag list, one control per filter of the list endpoint: search (sent as
// the user types, after a short pause), active / inactive / stale, type, tags, evaluation
// runtime and author. Emits the whole query whenever one of them changes.
class FlagFilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FlagFilterBar(QWidget *parent = nullptr);

    api::FlagListQuery query() const;
    // Sets every control without emitting queryChanged for each of them.
    void setQuery(const api::FlagListQuery &query);
    bool isFiltering() const;
    // Choices the server does not list for us: authors and tags seen in the loaded flags.
    void addKnownUsers(const QList<UserBasic> &users);
    void addKnownTags(const QStringList &tags);
    void focusSearch();
    QLineEdit *searchField() const { return m_search; }

    // How long typing must pause before a search is sent.
    static constexpr int kSearchDelayMs = 40;

public Q_SLOTS:
    void clear();

Q_SIGNALS:
    void queryChanged(const api::FlagListQuery &query);

private:
    void emitChanged();

    QLineEdit *m_search = nullptr;
    QComboBox *m_active = nullptr;
    QComboBox *m_type = nullptr;
    QLineEdit *m_tags = nullptr;
    QComboBox *m_runtime = nullptr;
    QComboBox *m_createdBy = nullptr;
    QToolButton *m_clear = nullptr;
    QTimer *m_searchTimer = nullptr;
    QStringList m_knownTags;
    bool m_silent = false;
    api::FlagListQuery m_lastEmitted;
};

} // namespace bunting::views
