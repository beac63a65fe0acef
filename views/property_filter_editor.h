#pragma once

#include "property_filter.h"

#include <QList>
#include <QStringList>
#include <QWidget>

namespace bunting::views {

// What a filter row can offer beyond what the user types: known property keys, cohorts, other
// flags (and their variants) and group types of the project.
struct PropertyFilterChoices
{
    QStringList personPropertyKeys;
    QHash<int, QStringList> groupPropertyKeys; // by group type index
    QList<std::pair<qint64, QString>> cohorts; // id, name
    struct FlagChoice
    {
        qint64 id = 0;
        QString key;
        QStringList variants; // empty for a boolean flag
    };
    QList<FlagChoice> flags;
    QList<std::pair<int, QString>> groupTypes; // index, name ("company")
};

// One property filter of a condition, edited as a row: type (person, group, cohort, flag), key
// (completed from the known keys), an operator valid for the type, and a value editor fitting
// the operator (text, number, list of values, date or relative date, semver, cohort picker,
// flag picker with true / false / variant). Emits the whole filter on every edit; fields of the
// filter it does not show (label, unknown JSON) are kept.
class PropertyFilterEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PropertyFilterEditor(QWidget *parent = nullptr);
    ~PropertyFilterEditor() override;

    void setChoices(const PropertyFilterChoices &choices);
    // Shows `filter` without emitting filterEdited.
    void setFilter(const PropertyFilter &filter);
    PropertyFilter filter() const;
    // A message from validation to show on this row (empty clears it).
    void setError(const QString &message);
    // Gives the focus to the part of the row a problem is about: "key" (the property, or the
    // flag or cohort picked), "operator", "value" or "type"; anything else focuses the key.
    void focusPart(const QString &attribute);

Q_SIGNALS:
    void filterEdited(const bunting::PropertyFilter &filter);
    // The row's remove button.
    void removeRequested();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bunting::views
