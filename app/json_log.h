#pragma once

// Log lines as JSON objects ({"time", "level", "category", "message"}) on standard error, for
// log collectors; the default stays Qt's readable text.
void installJsonLogHandler();
