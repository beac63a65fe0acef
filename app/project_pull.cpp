#include "project_pull.h"

#include "client.h"

#include <QJsonArray>
#include <QPointer>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;
using namespace bunting;
using bunting::server::MirrorReport;

Q_LOGGING_CATEGORY(lcMirror, "bunting.mirror")

ProjectPull::ProjectPull(api::Client &client, int personLimit, Write write, Finished finished,
                         QObject *parent)
    : QObject(parent), m_client(client), m_write(std::move(write)), m_finished(std::move(finished)),
      m_personLimit(personLimit)
{
    m_state.host = hostKey(m_client.endpoint().host);
    m_state.projectId = m_client.endpoint().projectId.toLongLong();
}

QString ProjectPull::hostKey(const QUrl &url)
{
    return url
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::StripTrailingSlash)
        .toString();
}

void ProjectPull::report(Stage stage, int done, int total)
{
    if (m_progress)
        m_progress(stage, done, total);
}

void ProjectPull::start()
{
    m_took.start();
    report(Stage::Project);
    m_client.currentProject(this, [this](const api::Result<api::Project> &project) {
        if (!project)
            return fail(project.error());
        // "@current" names the key's project; the copy remembers its number.
        m_state.projectId = project->id;
        m_state.name = project->name;
        m_state.apiToken = project->apiToken;
        if (m_state.apiToken.isEmpty())
            return fail(u"The project's answer has no api_token: the key needs the "
                        "project:read scope."_s);
        readFlags();
    });
}

void ProjectPull::readFlags()
{
    report(Stage::Flags);
    m_client.listAllFlags(
        {}, this,
        [this](int loaded, int count) {
            m_flagCount = count;
            report(Stage::Flags, loaded, count);
        },
        [this](const api::Result<QList<FeatureFlag>> &flags) {
            if (!flags)
                return fail(flags.error());
            QSet<qint64> ids;
            for (const FeatureFlag &flag : *flags)
                if (!ids.contains(flag.id) && !flag.deleted) {
                    ids.insert(flag.id);
                    m_state.flags.append(flag.toJson());
                }
            // A flag deleted while the pages were read shifts the later pages, so one may be
            // missing: then none counts as gone from the remote this time.
            m_state.complete = ids.size() == m_flagCount && ids.size() == flags->size();
            readCohorts(0);
        });
}

void ProjectPull::readCohorts(int offset)
{
    report(Stage::Cohorts, offset);
    m_client.listCohorts(offset, 500, this,
                         [this, offset](const api::Result<api::Page<QJsonObject>> &page) {
                             if (!page)
                                 return fail(page.error());
                             for (const QJsonObject &cohort : page->results)
                                 if (!cohort.value("deleted"_L1).toBool())
                                     m_state.cohorts.append(cohort);
                             if (!page->next.isEmpty() && !page->results.isEmpty())
                                 return readCohorts(offset + int(page->results.size()));
                             readPersons();
                         });
}

// Up to the limit, newest first as the persons list serves them.
void ProjectPull::readPersons()
{
    const int wanted = m_personLimit - int(m_state.persons.size());
    if (wanted <= 0)
        return readGroupTypes();
    const int offset = int(m_state.persons.size());
    report(Stage::Persons, offset, m_personLimit);
    m_client.listPersons({}, offset, std::min(wanted, 100), this,
                         [this](const api::Result<api::Page<QJsonObject>> &page) {
                             if (!page)
                                 return fail(page.error());
                             m_state.persons.append(page->results);
                             if (page->next.isEmpty() || page->results.isEmpty())
                                 return readGroupTypes();
                             readPersons();
                         });
}

void ProjectPull::readGroupTypes()
{
    report(Stage::GroupTypes);
    m_client.listGroupTypes(this, [this](const api::Result<QList<api::GroupType>> &types) {
        if (!types)
            return fail(types.error());
        for (const api::GroupType &type : *types)
            m_state.groupTypes.append(QJsonObject{{u"group_type"_s, type.name},
                                                  {u"group_type_index"_s, type.index},
                                                  {u"name_singular"_s, type.singularName},
                                                  {u"name_plural"_s, type.pluralName}});
        qCDebug(lcMirror) << "read" << m_state.flags.size() << "flags," << m_state.cohorts.size()
                          << "cohorts," << m_state.persons.size() << "persons in"
                          << m_took.elapsed() << "ms";
        report(Stage::Writing, 0, int(m_state.flags.size()));
        // The writer may answer later, from another thread's work: only while this pull lives.
        QPointer<ProjectPull> alive(this);
        m_write(m_state, [alive](const std::optional<MirrorReport> &written, const QString &error) {
            if (alive)
                alive->m_finished(written, error);
        });
    });
}

void ProjectPull::fail(const api::ApiError &error)
{
    fail(error.message());
}

void ProjectPull::fail(const QString &error)
{
    m_finished(std::nullopt, error);
}
