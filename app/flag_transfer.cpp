#include "flag_transfer.h"

#include "client.h"
#include "flag_references.h"

#include <QJsonArray>
#include <QPointer>
#include <QSet>
#include <memory>

using namespace Qt::StringLiterals;
using bunting::server::MirrorOverride;
using bunting::server::MirrorService;
using bunting::server::PushItem;

namespace bunting::desktop {

namespace {

constexpr auto kFormat = "bunting-flags"_L1;
constexpr int kFormatVersion = 1;
// Beyond this many keys, the target's whole list costs a request per 100 flags instead of one
// search per key.
constexpr int kSearchesAtMost = 50;

qint64 idOf(const QJsonObject &object)
{
    return idIn(object.value("id"_L1));
}

QString tr(const char *text)
{
    return FlagTransfer::tr(text);
}

} // namespace

QJsonObject FlagBundle::toJson() const
{
    QJsonArray flagArray;
    for (const QJsonObject &flag : flags)
        flagArray.append(flag);
    QJsonArray cohortArray;
    for (const QJsonObject &cohort : cohorts)
        cohortArray.append(cohort);
    QJsonObject keys;
    for (auto it = flagKeys.cbegin(); it != flagKeys.cend(); ++it)
        keys.insert(QString::number(it.key()), it.value());
    return {{u"format"_s, kFormat},
            {u"version"_s, kFormatVersion},
            {u"flags"_s, flagArray},
            {u"cohorts"_s, cohortArray},
            {u"flag_keys"_s, keys}};
}

std::optional<FlagBundle> FlagBundle::fromJson(const QJsonObject &file, QString *error)
{
    const auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (file.value("format"_L1).toString() != kFormat)
        return refuse(tr("This is not a file of flags exported by Bunting."));
    if (file.value("version"_L1).toInt() != kFormatVersion)
        return refuse(tr("This file of flags is of version %1, which this Bunting does not read.")
                          .arg(file.value("version"_L1).toInt()));
    FlagBundle bundle;
    QSet<QString> keys;
    for (const QJsonValue &flag : file.value("flags"_L1).toArray()) {
        const QString key = flag["key"_L1].toString();
        if (!flag.isObject() || key.isEmpty() || !flag["filters"_L1].isObject())
            return refuse(
                tr("Flag %1 of the file has no key or no filters.").arg(bundle.flags.size() + 1));
        if (keys.contains(key))
            return refuse(tr("The file has the flag '%1' twice.").arg(key));
        keys.insert(key);
        bundle.flags.append(flag.toObject());
    }
    for (const QJsonValue &cohort : file.value("cohorts"_L1).toArray())
        if (cohort.isObject())
            bundle.cohorts.append(cohort.toObject());
    const QJsonObject flagKeys = file.value("flag_keys"_L1).toObject();
    for (auto it = flagKeys.begin(); it != flagKeys.end(); ++it)
        bundle.flagKeys.insert(it.key().toLongLong(), it.value().toString());
    return bundle;
}

void loadBundle(api::Client &source, const FlagChoice &choice, QObject *context,
                std::function<void(const std::optional<FlagBundle> &, const QString &)> done)
{
    struct Load
    {
        api::Client *source;
        QPointer<QObject> context;
        QList<qint64> ids;
        FlagBundle bundle;
        QSet<qint64> cohorts; // used by the flags
        std::function<void(const std::optional<FlagBundle> &, const QString &)> done;
        std::function<void(int)> readFlag;
        std::function<void(int)> readCohorts;
    };
    auto load = std::make_shared<Load>();
    load->source = &source;
    load->context = context;
    load->ids = choice.ids;
    load->done = std::move(done);
    const auto fail = [load](const api::ApiError &error) {
        load->done(std::nullopt, error.message());
        load->readFlag = {};
        load->readCohorts = {};
    };
    const auto readKeys = [load, fail] {
        QList<qint64> missing;
        for (const QJsonObject &flag : std::as_const(load->bundle.flags)) {
            load->bundle.flagKeys.insert(idOf(flag), flag.value("key"_L1).toString());
            for (const qint64 id : referencesIn(flag.value("filters"_L1)).flags)
                if (!missing.contains(id))
                    missing.append(id);
        }
        missing.removeIf([&](qint64 id) { return load->bundle.flagKeys.contains(id); });
        const auto finish = [load] {
            load->done(load->bundle, {});
            load->readFlag = {};
            load->readCohorts = {};
        };
        if (missing.isEmpty())
            return finish();
        load->source->bulkKeys(missing, load->context,
                               [load, fail, finish](const api::Result<QHash<qint64, QString>> &r) {
                                   if (!r)
                                       return fail(r.error());
                                   load->bundle.flagKeys.insert(*r);
                                   finish();
                               });
    };
    load->readCohorts = [load, fail, readKeys](int offset) {
        if (load->cohorts.isEmpty())
            return readKeys();
        load->source->listCohorts(
            offset, 500, load->context,
            [load, fail, readKeys, offset](const api::Result<api::Page<QJsonObject>> &page) {
                if (!page)
                    return fail(page.error());
                for (const QJsonObject &cohort : page->results)
                    if (load->cohorts.contains(idOf(cohort)))
                        load->bundle.cohorts.append(cohort);
                if (!page->next.isEmpty() && !page->results.isEmpty())
                    return load->readCohorts(offset + int(page->results.size()));
                readKeys();
            });
    };
    load->readFlag = [load, fail](int index) {
        if (index >= load->ids.size())
            return load->readCohorts(0);
        load->source->getFlag(load->ids[index], load->context,
                              [load, fail, index](const api::Result<FeatureFlag> &flag) {
                                  if (!flag)
                                      return fail(flag.error());
                                  const QJsonObject json = flag->toJson();
                                  load->bundle.flags.append(json);
                                  for (const qint64 id :
                                       referencesIn(json.value("filters"_L1)).cohorts)
                                      load->cohorts.insert(id);
                                  load->readFlag(index + 1);
                              });
    };
    if (!choice.everyMatching)
        return load->readFlag(0);
    source.listAllFlags(*choice.everyMatching, context, {},
                        [load, fail](const api::Result<QList<FeatureFlag>> &flags) {
                            if (!flags)
                                return fail(flags.error());
                            QSet<qint64> seen; // a flag may shift across pages while they are read
                            for (const FeatureFlag &flag : *flags) {
                                if (flag.deleted || seen.contains(flag.id))
                                    continue;
                                seen.insert(flag.id);
                                const QJsonObject json = flag.toJson();
                                load->bundle.flags.append(json);
                                for (const qint64 id :
                                     referencesIn(json.value("filters"_L1)).cohorts)
                                    load->cohorts.insert(id);
                            }
                            load->readCohorts(0);
                        });
}

FlagTransfer::FlagTransfer(api::Client &target, FlagBundle bundle, QObject *parent)
    : QObject(parent), m_target(target), m_bundle(std::move(bundle))
{
    for (const QJsonObject &cohort : std::as_const(m_bundle.cohorts))
        m_cohortNames.insert(idOf(cohort), cohort.value("name"_L1).toString());
    for (qsizetype i = 0; i < m_bundle.flags.size(); ++i) {
        const QJsonObject &flag = m_bundle.flags[i];
        m_bundle.flagKeys.insert(idOf(flag), flag.value("key"_L1).toString());
        m_position.insert(idOf(flag), i);
    }
}

void FlagTransfer::plan(std::function<void(const std::optional<Plan> &, const QString &)> done)
{
    m_planned = std::move(done);
    m_targetCohorts.clear();
    m_there.clear();
    m_keys.clear();
    for (const QJsonObject &flag : std::as_const(m_bundle.flags)) {
        m_keys.append(flag.value("key"_L1).toString());
        for (const qint64 id : referencesIn(flag.value("filters"_L1)).flags)
            if (const QString key = m_bundle.flagKeys.value(id); !key.isEmpty())
                m_keys.append(key);
    }
    m_keys.removeDuplicates();
    readCohorts(0);
}

void FlagTransfer::readAllFlags()
{
    const QSet<QString> wanted(m_keys.cbegin(), m_keys.cend());
    m_target.listAllFlags({}, this, {}, [this, wanted](const api::Result<QList<FeatureFlag>> &all) {
        if (!all)
            return fail(all.error().message());
        for (const FeatureFlag &flag : *all)
            if (!flag.deleted && wanted.contains(flag.key))
                m_there.insert(flag.key, flag.toJson());
        finishPlan();
    });
}

void FlagTransfer::fail(const QString &error)
{
    if (m_planned)
        m_planned(std::nullopt, error);
}

void FlagTransfer::readCohorts(int offset)
{
    if (m_cohortNames.isEmpty())
        return readFlag(0);
    m_target.listCohorts(
        offset, 500, this, [this, offset](const api::Result<api::Page<QJsonObject>> &page) {
            if (!page)
                return fail(page.error().message());
            for (const QJsonObject &cohort : page->results)
                if (!cohort.value("deleted"_L1).toBool())
                    m_targetCohorts.insert(cohort.value("name"_L1).toString(), idOf(cohort));
            if (!page->next.isEmpty() && !page->results.isEmpty())
                return readCohorts(offset + int(page->results.size()));
            readFlag(0);
        });
}

// One search per key: a transfer carries the flags a person picked, not the whole project.
void FlagTransfer::readFlag(int index)
{
    if (m_keys.size() > kSearchesAtMost)
        return readAllFlags();
    if (index >= m_keys.size())
        return finishPlan();
    api::FlagListQuery query;
    query.search = m_keys[index];
    m_target.listFlags(query, 0, 100, this,
                       [this, index](const api::Result<api::Page<FeatureFlag>> &page) {
                           if (!page)
                               return fail(page.error().message());
                           for (const FeatureFlag &flag : page->results)
                               if (flag.key == m_keys[index] && !flag.deleted)
                                   m_there.insert(flag.key, flag.toJson());
                           readFlag(index + 1);
                       });
}

PushItem FlagTransfer::item(const QJsonObject &flag) const
{
    PushItem item;
    item.flagId = idOf(flag);
    item.key = flag.value("key"_L1).toString();
    item.kind = MirrorOverride::Kind::Created;
    if (const auto there = m_there.constFind(item.key); there != m_there.cend()) {
        item.kind = MirrorOverride::Kind::Changed;
        item.remoteId = idOf(*there);
        item.baseVersion = there->value("version"_L1).toInt();
        item.base = MirrorService::copiedFields(*there);
    }
    FlagReferences unknown;
    item.mine = remapReferences(MirrorService::copiedFields(flag), m_cohortIds, m_flagIds, &unknown)
                    .toObject();
    QStringList missing;
    for (const qint64 cohort : std::as_const(unknown.cohorts))
        missing.append(m_cohortNames.contains(cohort)
                           ? tr("cohort '%1'").arg(m_cohortNames.value(cohort))
                           : tr("cohort %1").arg(cohort));
    for (const qint64 id : std::as_const(unknown.flags))
        missing.append(m_bundle.flagKeys.contains(id) ? tr("flag '%1'").arg(m_bundle.flagKeys[id])
                                                      : tr("flag %1").arg(id));
    missing.removeDuplicates();
    if (!missing.isEmpty())
        item.problem =
            tr("It uses %1, which the target project does not have.").arg(missing.join(u", "_s));
    return item;
}

void FlagTransfer::mapIds()
{
    m_cohortIds.clear();
    for (auto it = m_cohortNames.cbegin(); it != m_cohortNames.cend(); ++it)
        if (const auto found = m_targetCohorts.constFind(it.value());
            found != m_targetCohorts.cend())
            m_cohortIds.insert(it.key(), *found);
    m_flagIds.clear();
    for (auto it = m_bundle.flagKeys.cbegin(); it != m_bundle.flagKeys.cend(); ++it)
        if (const auto found = m_there.constFind(it.value()); found != m_there.cend())
            m_flagIds.insert(it.key(), idOf(*found));
}

void FlagTransfer::finishPlan()
{
    mapIds();
    Plan plan;
    QSet<QString> bundled;
    for (const QJsonObject &flag : std::as_const(m_bundle.flags))
        bundled.insert(flag.value("key"_L1).toString());
    for (const qsizetype index : dependenciesFirst(m_bundle.flags)) {
        const QJsonObject &flag = m_bundle.flags[index];
        PushItem next = item(flag);
        if (next.kind == MirrorOverride::Kind::Changed &&
            ProjectPush::changedFields(next.mine, m_there.value(next.key)).isEmpty()) {
            plan.same.append(next.key);
            continue;
        }
        // A flag it names that comes along is sent first; until then the id is not known.
        if (!next.problem.isEmpty()) {
            bool comesAlong = true;
            for (const qint64 id : referencesIn(flag.value("filters"_L1)).flags)
                if (!bundled.contains(m_bundle.flagKeys.value(id)) &&
                    !m_there.contains(m_bundle.flagKeys.value(id)))
                    comesAlong = false;
            for (const qint64 id : referencesIn(flag.value("filters"_L1)).cohorts)
                if (!m_targetCohorts.contains(m_cohortNames.value(id)))
                    comesAlong = false;
            if (comesAlong)
                next.problem.clear();
        }
        plan.items.append(next);
    }
    m_planned(plan, {});
}

ProjectPush::Copy FlagTransfer::copy()
{
    ProjectPush::Copy copy;
    copy.read = [this](qint64 flagId, std::function<void(std::optional<PushItem>)> done) {
        const auto found = m_position.constFind(flagId);
        if (found == m_position.cend())
            return done(std::nullopt);
        done(item(m_bundle.flags.at(*found)));
    };
    copy.adopt = [this](const PushItem &sent, const QJsonObject &remote,
                        std::function<void(const QString &)> done) {
        if (!remote.isEmpty()) {
            m_there.insert(sent.key, remote);
            // Flags sent later that name this one name it by its id there.
            m_flagIds.insert(sent.flagId, idOf(remote));
        }
        done({});
    };
    return copy;
}

} // namespace bunting::desktop
