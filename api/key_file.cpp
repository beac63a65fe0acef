#include "key_file.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace bunting::api {

namespace {

constexpr QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner;

QString tr(const char *text)
{
    return QCoreApplication::translate("bunting::api::KeyFile", text);
}

} // namespace

KeyFile::KeyFile(const QString &directory)
    : m_directory(QDir::cleanPath(directory)), m_path(m_directory + "/api-keys.json"_L1)
{
}

std::optional<QHash<QString, QString>> KeyFile::load(QString *error) const
{
    QFile file(m_path);
    if (!file.exists())
        return QHash<QString, QString>{};
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("The key file %1 cannot be read: %2")
                     .arg(QDir::toNativeSeparators(m_path), file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    const QJsonValue keys = doc.object().value("keys"_L1);
    if (parseError.error != QJsonParseError::NoError || !keys.isObject()) {
        *error = tr("The key file %1 is damaged; remove it and enter the keys again.")
                     .arg(QDir::toNativeSeparators(m_path));
        return std::nullopt;
    }
    QHash<QString, QString> result;
    const QJsonObject object = keys.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        result.insert(it.key(), it.value().toString());
    return result;
}

bool KeyFile::ensureDirectory(QString *error) const
{
    const QFileInfo info(m_directory);
    if (info.isDir())
        return true;
    // Created in two steps so that the directory holding the keys is never, even briefly, open
    // to others; the parents are ordinary directories.
    QDir parent = info.absoluteDir();
    if (!parent.mkpath(u"."_s) || !parent.mkdir(info.fileName(), ownerOnly | QFile::ExeOwner)) {
        *error = tr("The folder %1 cannot be created.").arg(QDir::toNativeSeparators(m_directory));
        return false;
    }
    return true;
}

bool KeyFile::save(const QHash<QString, QString> &keys, QString *error) const
{
    if (!ensureDirectory(error))
        return false;
    // QSaveFile gives a new file the default permissions but keeps those of an existing one, so
    // the file is first created empty, for its owner only.
    if (!QFile::exists(m_path)) {
        QFile create(m_path);
        if (!create.open(QIODevice::WriteOnly, ownerOnly)) {
            *error = tr("The key file %1 cannot be created: %2")
                         .arg(QDir::toNativeSeparators(m_path), create.errorString());
            return false;
        }
    }
    QJsonObject object;
    for (auto it = keys.begin(); it != keys.end(); ++it)
        object.insert(it.key(), it.value());
    QSaveFile file(m_path);
    const QByteArray data =
        QJsonDocument(QJsonObject{{u"version"_s, 1}, {u"keys"_s, object}}).toJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        *error = tr("The key file %1 cannot be written: %2")
                     .arg(QDir::toNativeSeparators(m_path), file.errorString());
        return false;
    }
    // Tightened again in case someone loosened them since.
    QFile::setPermissions(m_path, ownerOnly);
    return true;
}

} // namespace bunting::api
