#pragma once

class QCommandLineParser;

// `bunting-server evaluate`: flag definitions (PostHog's local-evaluation JSON) evaluated for
// one person offline, every flag's value, reason and payload printed as JSON.
void addEvaluateOptions(QCommandLineParser &parser);
int runEvaluate(const QCommandLineParser &parser);
