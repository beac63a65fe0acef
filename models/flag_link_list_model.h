#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QString>

namespace bunting::models {

// Another flag, as a dependency list names it. A dependency can point at a flag that is gone,
// which the list must still show: that is exactly what the user needs to repair.
struct FlagLink
{
    enum class State { Active, Disabled, Deleted, Missing };
    qint64 id = 0; // 0 when the filter names the flag by something other than an id
    QString key;   // empty when unknown
    QString name;
    State state = State::Active;

    // "checkout (Checkout page)", "checkout (disabled)", "Flag 42 (deleted)", "Flag 42 (missing)"
    QString text() const;
    friend bool operator==(const FlagLink &, const FlagLink &) = default;
};

// A plain list of flag links; activating a row opens the flag its FlagIdRole names.
class FlagLinkListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        FlagIdRole = Qt::UserRole + 1,
        KeyRole,
        StateRole, // FlagLink::State as int
    };
    Q_ENUM(Role)

    explicit FlagLinkListModel(QObject *parent = nullptr);

    void setLinks(const QList<FlagLink> &links);
    const QList<FlagLink> &links() const { return m_links; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QList<FlagLink> m_links;
};

} // namespace bunting::models
