#pragma once

#include <QHash>
#include <QString>
#include <optional>

namespace bunting::api {

// The file SecretStore keeps API keys in when no system keychain runs: a JSON object of profile
// id -> key, readable and writable by its owner only, in a directory only its owner can enter
// (when this class creates it). Synchronous; SecretStore makes it look asynchronous.
class KeyFile
{
public:
    explicit KeyFile(const QString &directory);

    QString path() const { return m_path; }

    // All keys; an empty hash when the file does not exist yet. nullopt and `error` set when it
    // cannot be read or is not what this class writes.
    std::optional<QHash<QString, QString>> load(QString *error) const;
    // Replaces the file's contents atomically.
    bool save(const QHash<QString, QString> &keys, QString *error) const;

private:
    bool ensureDirectory(QString *error) const;

    QString m_directory;
    QString m_path;
};

} // namespace bunting::api
