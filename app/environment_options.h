#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

// bunting-server's options, each also from the environment as BUNTING_ and its name in capitals
// with '_' for '-' (--log-format: BUNTING_LOG_FORMAT), so that a service or a container needs
// no arguments, and a database password stays out of the process list. The command line wins.
class EnvironmentOptions
{
public:
    explicit EnvironmentOptions(const QCommandLineParser &parser) : m_parser(parser) {}

    static QString variableFor(const QString &option);

    QString value(const QString &option) const;
    // A repeatable option: its arguments, or the variable's comma-separated list.
    QStringList values(const QString &option) const;
    // A flag: given, or its variable set to 1, true, yes or on.
    bool isSet(const QString &option) const;
    // The variable of a flag holds something else: the caller reports it.
    bool flagVariableInvalid(const QString &option) const;

private:
    const QCommandLineParser &m_parser;
};
