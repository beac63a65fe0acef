#pragma once

#include "main_window.h"

#include <QJsonObject>
#include <QSettings>
#include <QString>
#include <QTemporaryDir>
#include <functional>

// What the flag-list benchmarks share: a project of many flags in a SQLite file, and how they
// wait and measure.
namespace bunting::bench {

// Flag `i` of the benchmarks' project: eight kinds of keys, a quarter inactive, every third with
// an email condition, every fifth multivariate.
QJsonObject flagJson(int i);
// Makes the file at `path` hold `count` live flags of flagJson(), adding what is missing
// (reruns with --db reuse the file).
void seed(const QString &path, int count);
// The database the benchmark runs on: `dbPath` when given (reused across runs), else a new file
// in `dir`; seeded with `count` flags, which it prints with the RSS so far.
QString preparedDatabase(const QString &dbPath, const QTemporaryDir &dir, int count);
// The main window's setup over `db`, with `settings` and its keys in `dir`.
desktop::MainWindowSetup windowSetup(const QTemporaryDir &dir, const QString &db,
                                     QSettings &settings);
// A field of /proc/self/status in KiB ("VmRSS:", "VmHWM:"), or -1.
qint64 rssKiB(const char *field);
// Serves events until `done` or `timeoutMs`; returns the elapsed ms.
double waitUntil(const std::function<bool()> &done, int timeoutMs = 60000);

} // namespace bunting::bench
