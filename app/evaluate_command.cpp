#include "evaluate_command.h"

#include "engine.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "bunting-server: " << message << '\n';
    return 2;
}

// Reads PostHog's local-evaluation document: {flags, cohorts, group_type_mapping}.
std::optional<bunting::ProjectDefinitions> readDefinitions(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = u"%1 is not a JSON object: %2"_s.arg(path, parseError.errorString());
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    bunting::ProjectDefinitions definitions;
    for (const QJsonValue &flag : root.value("flags"_L1).toArray())
        definitions.flags.append(bunting::FeatureFlag::fromJson(flag.toObject()));
    const QJsonObject cohorts = root.value("cohorts"_L1).toObject();
    for (auto it = cohorts.begin(); it != cohorts.end(); ++it) {
        bunting::Cohort cohort;
        cohort.id = it.key().toLongLong();
        cohort.properties = bunting::PropertyGroup::fromJson(it.value().toObject());
        definitions.cohorts.insert(cohort.id, cohort);
    }
    const QJsonObject mapping = root.value("group_type_mapping"_L1).toObject();
    for (auto it = mapping.begin(); it != mapping.end(); ++it)
        definitions.groupTypeMapping.insert(it.key().toInt(), it.value().toString());
    return definitions;
}

} // namespace

void addEvaluateOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {u"definitions"_s,
         u"evaluate: flag definitions file, as /api/feature_flag/local_evaluation serves."_s,
         u"file"_s},
        {u"distinct-id"_s, u"evaluate: the person to evaluate for."_s, u"id"_s},
        {u"person-properties"_s, u"evaluate: the person's properties, a JSON object."_s, u"json"_s,
         u"{}"_s},
        {u"groups"_s, u"evaluate: group keys by group type, a JSON object."_s, u"json"_s, u"{}"_s},
    });
}

int runEvaluate(const QCommandLineParser &parser)
{
    if (!parser.isSet(u"definitions"_s) || !parser.isSet(u"distinct-id"_s))
        return fail(u"evaluate needs --definitions and --distinct-id"_s);
    QString error;
    auto definitions = readDefinitions(parser.value(u"definitions"_s), &error);
    if (!definitions)
        return fail(error);
    const auto objectOption = [&](const QString &option) -> std::optional<QJsonObject> {
        const QJsonDocument doc = QJsonDocument::fromJson(parser.value(option).toUtf8());
        if (!doc.isObject())
            return std::nullopt;
        return doc.object();
    };
    const auto properties = objectOption(u"person-properties"_s);
    const auto groups = objectOption(u"groups"_s);
    if (!properties)
        return fail(u"--person-properties must be a JSON object"_s);
    if (!groups)
        return fail(u"--groups must be a JSON object"_s);

    bunting::EvaluationContext context;
    context.distinctId = parser.value(u"distinct-id"_s);
    context.personProperties = bunting::PropertyMap(*properties);
    for (auto it = groups->begin(); it != groups->end(); ++it)
        context.groups.insert(it.key(), it.value().toString());

    const auto project = bunting::CompiledProject::compile(std::move(*definitions));
    QJsonObject out;
    for (const bunting::EvaluationResult &r : project->evaluateAll(context)) {
        QJsonObject flag{{u"value"_s, r.value.toJson()},
                         {u"reason"_s, bunting::reasonCode(r.reason)},
                         {u"description"_s, r.description()}};
        flag.insert(u"condition_index"_s,
                    r.conditionIndex ? QJsonValue(*r.conditionIndex) : QJsonValue());
        if (!r.payload.isUndefined())
            flag.insert(u"payload"_s, r.parsedPayload());
        out.insert(r.key, flag);
    }
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Indented);
    return 0;
}
