// bunting-server: the command line of Bunting's local server. This first version evaluates
// flag definitions offline; the HTTP server joins it in the local-server issue.
#include "engine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
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

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"bunting-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(BUNTING_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Bunting's local PostHog feature-flag server.\n\n"
        "Commands:\n"
        "  evaluate   Evaluate flag definitions (PostHog's local-evaluation JSON) for one\n"
        "             person and print every flag's value, reason and payload as JSON."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"command"_s, u"evaluate"_s);
    const QCommandLineOption definitionsOption(
        u"definitions"_s, u"Flag definitions file, as /api/feature_flag/local_evaluation serves."_s,
        u"file"_s);
    const QCommandLineOption distinctIdOption(u"distinct-id"_s, u"The person to evaluate for."_s,
                                              u"id"_s);
    const QCommandLineOption propertiesOption(
        u"person-properties"_s, u"The person's properties, a JSON object."_s, u"json"_s, u"{}"_s);
    const QCommandLineOption groupsOption(
        u"groups"_s, u"Group keys by group type, a JSON object."_s, u"json"_s, u"{}"_s);
    parser.addOptions({definitionsOption, distinctIdOption, propertiesOption, groupsOption});
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return fail(u"no command given; see --help"_s);
    if (args.first() != "evaluate"_L1)
        return fail(u"unknown command '%1'; see --help"_s.arg(args.first()));
    if (!parser.isSet(definitionsOption) || !parser.isSet(distinctIdOption))
        return fail(u"evaluate needs --definitions and --distinct-id"_s);

    QString error;
    auto definitions = readDefinitions(parser.value(definitionsOption), &error);
    if (!definitions)
        return fail(error);
    const auto objectOption = [&](const QCommandLineOption &option) -> std::optional<QJsonObject> {
        const QJsonDocument doc = QJsonDocument::fromJson(parser.value(option).toUtf8());
        if (!doc.isObject())
            return std::nullopt;
        return doc.object();
    };
    const auto properties = objectOption(propertiesOption);
    const auto groups = objectOption(groupsOption);
    if (!properties)
        return fail(u"--person-properties must be a JSON object"_s);
    if (!groups)
        return fail(u"--groups must be a JSON object"_s);

    bunting::EvaluationContext context;
    context.distinctId = parser.value(distinctIdOption);
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
