#include "query_value.h"

using namespace Qt::StringLiterals;

namespace bunting::api {

void addQueryValue(QUrlQuery &query, const QString &name, const QString &value)
{
    QString escaped = value;
    escaped.replace(u'%', "%25"_L1).replace(u'+', "%2B"_L1);
    query.addQueryItem(name, escaped);
}

} // namespace bunting::api
