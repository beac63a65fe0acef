#pragma once

#include <chrono>

// Makes SIGTERM and SIGINT end QCoreApplication::exec() on the main thread, so that the server
// stops through its destructors: workers finish the requests in flight, the events /batch and
// /i/v0/e acknowledged are written, the database closes. Stopping may take at most `bound`;
// past it, or at a second signal, the process exits at once with 128 + the signal.
void quitOnTerminationSignals(std::chrono::seconds bound);
