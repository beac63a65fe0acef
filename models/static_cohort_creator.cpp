#include "static_cohort_creator.h"

#include "client.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace bunting::models {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::models::CohortSummary", text);
}

} // namespace

CohortSummary CohortSummary::fromJson(const QJsonObject &cohort)
{
    CohortSummary summary;
    summary.id = cohort.value("id"_L1).toInteger();
    summary.name = cohort.value("name"_L1).toString();
    const QJsonValue count = cohort.value("count"_L1);
    if (count.isDouble() && !cohort.value("is_calculating"_L1).toBool())
        summary.count = count.toInt();
    summary.isStatic = cohort.value("is_static"_L1).toBool();
    return summary;
}

QString CohortSummary::text() const
{
    const QString persons = count < 0    ? tr("persons still being counted")
                            : count == 1 ? tr("1 person")
                                         : tr("%1 persons").arg(count);
    return tr("%1 (cohort %2, %3)").arg(name).arg(id).arg(persons);
}

StaticCohortCreator::StaticCohortCreator(QObject *parent)
    : QObject(parent), m_context(std::make_unique<QObject>())
{
}

StaticCohortCreator::~StaticCohortCreator() = default;

void StaticCohortCreator::setClient(api::Client *client)
{
    m_client = client;
    m_context = std::make_unique<QObject>();
    setBusy(false);
}

bool StaticCohortCreator::create(qint64 flagId)
{
    if (m_busy || !m_client || flagId == 0)
        return false;
    setBusy(true);
    m_client->createStaticCohortForFlag(flagId, m_context.get(),
                                        [this](const api::Result<QJsonObject> &result) {
                                            setBusy(false);
                                            if (!result) {
                                                Q_EMIT failed(result.error());
                                                return;
                                            }
                                            m_cohort = result.value();
                                            Q_EMIT created(m_cohort);
                                        });
    return true;
}

void StaticCohortCreator::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

} // namespace bunting::models
