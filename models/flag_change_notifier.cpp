#include "flag_change_notifier.h"

#include "client.h"

using namespace Qt::StringLiterals;

namespace bunting::models {

FlagChangeNotifier::FlagChangeNotifier(QObject *parent) : QObject(parent)
{
    setObjectName(u"flagChangeNotifier"_s);
}

FlagChangeNotifier *FlagChangeNotifier::of(api::Client *client)
{
    if (!client)
        return nullptr;
    if (auto *existing = client->findChild<FlagChangeNotifier *>(u"flagChangeNotifier"_s,
                                                                 Qt::FindDirectChildrenOnly))
        return existing;
    return new FlagChangeNotifier(client);
}

void FlagChangeNotifier::announce(const FeatureFlag &flag, const QObject *source,
                                  const QString &what)
{
    m_ownVersions[flag.id].insert(flag.version);
    if (flag.lastModifiedBy && flag.lastModifiedBy->id != 0)
        m_self = flag.lastModifiedBy;
    Q_EMIT flagChanged(flag, source, what);
}

bool FlagChangeNotifier::isOwnVersion(qint64 flagId, int version) const
{
    return m_ownVersions.value(flagId).contains(version);
}

QString FlagChangeNotifier::authorOf(const FeatureFlag &flag) const
{
    if (isOwnVersion(flag.id, flag.version))
        return tr("You (in another window)");
    if (flag.lastModifiedBy) {
        if (m_self && flag.lastModifiedBy->id == m_self->id)
            return tr("You (elsewhere)");
        if (const QString name = flag.lastModifiedBy->displayName(); !name.isEmpty())
            return name;
    }
    return tr("Someone");
}

} // namespace bunting::models
