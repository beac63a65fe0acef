#include "flag_dependencies.h"

#include "client.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace bunting::models {

QStringList flagDependencyKeys(const FeatureFlag &flag)
{
    QStringList keys;
    for (const Condition &condition : flag.filters.groups)
        for (const PropertyFilter &property : condition.properties)
            if (property.propertyType() == PropertyType::Flag && !keys.contains(property.key))
                keys.append(property.key);
    return keys;
}

FlagDependencies::FlagDependencies(QObject *parent)
    : QObject(parent), m_context(std::make_unique<QObject>()),
      m_dependents(new FlagLinkListModel(this)), m_dependencies(new FlagLinkListModel(this))
{
}

FlagDependencies::~FlagDependencies() = default;

void FlagDependencies::setClient(api::Client *client)
{
    m_client = client;
}

void FlagDependencies::setFlag(const FeatureFlag &flag)
{
    m_flag = flag;
    reload();
}

void FlagDependencies::reload()
{
    const bool wasLoading = isLoading();
    m_context = std::make_unique<QObject>();
    m_pending = 0;
    m_failed = false;
    m_status = u"unknown"_s;
    m_statusReason.clear();
    m_links.clear();
    m_dependents->setLinks({});
    m_dependencies->setLinks({});
    if (!m_client || m_flag.id == 0) {
        if (wasLoading)
            Q_EMIT loadingChanged(false);
        return;
    }

    const QStringList keys = flagDependencyKeys(m_flag);
    m_pending = 2 + int(keys.size());
    if (!wasLoading)
        Q_EMIT loadingChanged(true);

    m_client->flagStatus(m_flag.id, m_context.get(), [this](const api::Result<api::FlagStatus> &r) {
        if (r) {
            m_status = r->status;
            m_statusReason = r->reason;
        } else if (r.error().isNotFound()) {
            // PostHog answers an unknown flag with a 404 that still carries a status.
            m_status = r.error().body.value("status"_L1).toString(u"unknown"_s);
            m_statusReason = r.error().body.value("reason"_L1).toString(r.error().message());
        } else {
            partFailed(r.error());
        }
        partDone();
    });
    m_client->dependentFlags(
        m_flag.id, m_context.get(), [this](const api::Result<QList<api::FlagRef>> &r) {
            if (r) {
                QList<FlagLink> links;
                for (const api::FlagRef &ref : r.value())
                    links.append(FlagLink{ref.id, ref.key, ref.name, FlagLink::State::Active});
                m_dependents->setLinks(links);
            } else {
                partFailed(r.error());
            }
            partDone();
        });
    for (int i = 0; i < keys.size(); ++i) {
        m_links.append(FlagLink{0, {}, {}, FlagLink::State::Missing});
        loadDependency(i, keys.at(i));
    }
}

void FlagDependencies::loadDependency(int index, const QString &key)
{
    bool isId = false;
    const qint64 id = key.toLongLong(&isId);
    if (!isId || id <= 0) {
        // PostHog names dependencies by id; anything else cannot be resolved to a flag.
        m_links[index].key = key;
        QTimer::singleShot(0, m_context.get(), [this] { partDone(); });
        return;
    }
    m_links[index].id = id;
    m_client->getFlag(id, m_context.get(), [this, index](const api::Result<FeatureFlag> &r) {
        FlagLink &link = m_links[index];
        if (r) {
            link.key = r->key;
            link.name = r->name;
            link.state = r->deleted  ? FlagLink::State::Deleted
                         : r->active ? FlagLink::State::Active
                                     : FlagLink::State::Disabled;
        } else if (!r.error().isNotFound()) {
            partFailed(r.error());
        }
        partDone();
    });
}

void FlagDependencies::partFailed(const api::ApiError &error)
{
    if (m_failed)
        return;
    m_failed = true;
    Q_EMIT failed(error);
}

void FlagDependencies::partDone()
{
    if (m_pending <= 0 || --m_pending > 0)
        return;
    m_dependencies->setLinks(m_links);
    Q_EMIT loadingChanged(false);
    Q_EMIT loaded();
}

} // namespace bunting::models
