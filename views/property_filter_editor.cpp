#include "property_filter_editor.h"

#include "date_matching.h"
#include "flag_summary.h"
#include "icons.h"
#include "operators.h"
#include "property_value_editor.h"
#include "property_value_text.h"

#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QScopedValueRollback>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bunting::views {

namespace {

bool isPropertyLike(PropertyType type)
{
    return type == PropertyType::Person || type == PropertyType::Group ||
           type == PropertyType::Other;
}

// The single value a value of another kind carries over to a text-like editor: the entry of a
// one-entry list, or the scalar itself.
QString carriedText(const QJsonValue &value, ValueKind from)
{
    if (from == ValueKind::None)
        return {}; // "is_set" is a placeholder, not a value to compare with
    const QStringList entries = listEntries(value);
    return entries.size() == 1 ? entries.first() : QString();
}

// The value after switching operators from one value kind to another: whatever still makes
// sense is kept, what does not is dropped rather than left to fail validation.
QJsonValue convertValue(const QJsonValue &value, ValueKind from, ValueKind to, const QString &op)
{
    if (to == ValueKind::None)
        return op; // what PostHog's form writes for is_set / is_not_set
    if (from == to)
        return value;
    const QString text = carriedText(value, from);
    switch (to) {
    case ValueKind::List:
        if (text.isEmpty())
            return QJsonValue::Undefined;
        return QJsonArray{value.isArray() ? value.toArray().first() : value};
    case ValueKind::Text:
    case ValueKind::Regex:
    case ValueKind::Number:
    case ValueKind::Semver:
        return text.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(text);
    case ValueKind::Date:
        return !text.isEmpty() && DateFilter::parse(text) ? QJsonValue(text)
                                                          : QJsonValue(QJsonValue::Undefined);
    case ValueKind::Json:
        return value;
    case ValueKind::None:
    case ValueKind::Cohort:
    case ValueKind::FlagValue:
        break;
    }
    return QJsonValue::Undefined;
}

// Wide enough for a group type and a property name side by side.
constexpr int kSubjectChars = 34;

// The width of an operator combo box showing the longest label any type offers.
int widestOperator(QWidget *parent)
{
    QComboBox probe(parent);
    for (PropertyType type : {PropertyType::Person, PropertyType::Cohort, PropertyType::Flag})
        for (Operator op : operatorsForType(type))
            probe.addItem(models::operatorLabel(op));
    return probe.sizeHint().width();
}

} // namespace

struct PropertyFilterEditor::Private
{
    PropertyFilterEditor *q = nullptr;
    PropertyFilter filter;
    PropertyFilterChoices choices;
    QString error; // from setError
    bool updating = false;

    QComboBox *type = nullptr;
    QComboBox *groupType = nullptr;
    QComboBox *key = nullptr;
    QComboBox *flag = nullptr;
    QComboBox *op = nullptr;
    QLabel *cohortSubject = nullptr;
    PropertyValueEditor *value = nullptr;
    QToolButton *remove = nullptr;
    QLabel *errorLabel = nullptr;

    PropertyType propertyType() const { return filter.propertyType(); }
    QString operatorShown() const
    {
        return filter.op.isEmpty() ? operatorName(defaultOperator(propertyType())) : filter.op;
    }
    ValueKind kind() const
    {
        return valueKindFor(propertyType(), operatorFromName(operatorShown()));
    }
    const PropertyFilterChoices::FlagChoice *chosenFlag() const;

    void build();
    void refresh();
    void fillType();
    void fillGroupType();
    void fillKey();
    void fillFlag();
    void fillOperator();
    void showError();
    void edited() { Q_EMIT q->filterEdited(filter); }

    void typeChosen();
    void operatorChosen();
};

const PropertyFilterChoices::FlagChoice *PropertyFilterEditor::Private::chosenFlag() const
{
    // The key is the flag's id as PostHog's form writes it; older filters name the flag by key.
    bool isId = false;
    const qint64 id = filter.key.toLongLong(&isId);
    for (const auto &flag : choices.flags)
        if (isId && flag.id == id)
            return &flag;
    for (const auto &flag : choices.flags)
        if (flag.key == filter.key)
            return &flag;
    return nullptr;
}

void PropertyFilterEditor::Private::build()
{
    auto *layout = new QVBoxLayout(q);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *row = new QHBoxLayout;
    layout->addLayout(row);

    type = new QComboBox(q);
    type->setObjectName(u"typeCombo"_s);
    type->setAccessibleName(PropertyFilterEditor::tr("Filter on"));
    groupType = new QComboBox(q);
    groupType->setObjectName(u"groupTypeCombo"_s);
    groupType->setAccessibleName(PropertyFilterEditor::tr("Group type"));
    groupType->setPlaceholderText(PropertyFilterEditor::tr("Group type"));
    key = new QComboBox(q);
    key->setObjectName(u"keyCombo"_s);
    key->setEditable(true);
    key->setInsertPolicy(QComboBox::NoInsert);
    key->setAccessibleName(PropertyFilterEditor::tr("Property"));
    key->lineEdit()->setPlaceholderText(PropertyFilterEditor::tr("property"));
    key->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    key->setMinimumContentsLength(8);
    key->completer()->setCompletionMode(QCompleter::PopupCompletion);
    key->completer()->setFilterMode(Qt::MatchContains);
    key->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    flag = new QComboBox(q);
    flag->setObjectName(u"flagCombo"_s);
    flag->setAccessibleName(PropertyFilterEditor::tr("Flag"));
    flag->setPlaceholderText(PropertyFilterEditor::tr("Choose a flag"));
    flag->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    flag->setMinimumContentsLength(8);
    op = new QComboBox(q);
    op->setObjectName(u"operatorCombo"_s);
    op->setAccessibleName(PropertyFilterEditor::tr("Operator"));
    value = new PropertyValueEditor(q);
    value->setObjectName(u"valueEditor"_s);
    remove = new QToolButton(q);
    remove->setObjectName(u"removeButton"_s);
    remove->setIcon(themedIcon(u"delete"_s, q->palette()));
    remove->setToolTip(PropertyFilterEditor::tr("Remove this filter"));
    remove->setAccessibleName(PropertyFilterEditor::tr("Remove filter"));
    remove->setAutoRaise(true);

    // The rows of a condition stack up as a table: the property and operator columns keep one
    // width whatever the type, so operators and values line up from row to row.
    auto *subject = new QWidget(q);
    auto *subjectLayout = new QHBoxLayout(subject);
    subjectLayout->setContentsMargins(0, 0, 0, 0);
    subjectLayout->addWidget(groupType);
    subjectLayout->addWidget(key, 1);
    subjectLayout->addWidget(flag, 1);
    // A cohort filter has no property to pick: the row reads "Cohort: person in <cohort>".
    cohortSubject = new QLabel(PropertyFilterEditor::tr("person"), subject);
    cohortSubject->setObjectName(u"cohortSubject"_s);
    cohortSubject->setForegroundRole(QPalette::PlaceholderText);
    cohortSubject->setIndent(q->fontMetrics().averageCharWidth());
    subjectLayout->addWidget(cohortSubject, 1);
    subject->setFixedWidth(q->fontMetrics().averageCharWidth() * kSubjectChars);
    op->setMinimumWidth(widestOperator(q));

    row->addWidget(type);
    row->addWidget(subject);
    row->addWidget(op);
    row->addWidget(value, 1);
    row->addWidget(remove);

    errorLabel = new QLabel(q);
    errorLabel->setObjectName(u"errorLabel"_s);
    errorLabel->setWordWrap(true);
    QPalette palette = errorLabel->palette();
    palette.setColor(QPalette::WindowText, QColor(0xda, 0x44, 0x53));
    errorLabel->setPalette(palette);
    errorLabel->hide();
    layout->addWidget(errorLabel);

    // currentIndexChanged rather than activated: a combo changed by a program (an accessibility
    // tool, a test) edits the filter as a click does; refresh() fills them under `updating`.
    QObject::connect(type, &QComboBox::currentIndexChanged, q, [this] {
        if (!updating)
            typeChosen();
    });
    QObject::connect(groupType, &QComboBox::currentIndexChanged, q, [this] {
        if (updating)
            return;
        filter.groupTypeIndex = groupType->currentData().toInt();
        refresh();
        edited();
    });
    QObject::connect(key, &QComboBox::editTextChanged, q, [this](const QString &text) {
        if (updating || text == filter.key)
            return;
        filter.key = text;
        edited();
    });
    QObject::connect(flag, &QComboBox::currentIndexChanged, q, [this] {
        if (updating)
            return;
        const QString chosen = flag->currentData().toString();
        if (chosen == filter.key)
            return;
        // The chain was computed for the previous flag; the server works out the new one.
        QJsonObject json = filter.toJson();
        json.remove("dependency_chain"_L1);
        json.insert("key"_L1, chosen);
        filter = PropertyFilter::fromJson(json);
        const auto *choice = chosenFlag();
        const bool variantKept = !filter.value.isString() ||
                                 (choice && choice->variants.contains(filter.value.toString()));
        if (!variantKept || filter.value.isUndefined() || filter.value.isNull())
            filter.value = true;
        refresh();
        edited();
    });
    QObject::connect(op, &QComboBox::currentIndexChanged, q, [this] {
        if (!updating)
            operatorChosen();
    });
    QObject::connect(value, &PropertyValueEditor::valueEdited, q, [this](const QJsonValue &v) {
        filter.value = v;
        edited();
    });
    QObject::connect(value, &PropertyValueEditor::problemChanged, q, [this] { showError(); });
    QObject::connect(remove, &QToolButton::clicked, q, &PropertyFilterEditor::removeRequested);
}

void PropertyFilterEditor::Private::typeChosen()
{
    const QString name = type->currentData().toString();
    const PropertyType from = propertyType();
    const PropertyType to = propertyTypeFromName(name);
    if (name == filter.type || (filter.type.isEmpty() && to == PropertyType::Person))
        return;
    // What belonged to the old type goes: a cohort's negation, a label naming the cohort, a
    // flag's dependency chain, the group type of a group property.
    QJsonObject json = filter.toJson();
    for (QLatin1StringView field :
         {"negation"_L1, "label"_L1, "dependency_chain"_L1, "group_type_index"_L1})
        json.remove(field);
    json.insert("type"_L1, name);
    if (to == PropertyType::Group) {
        json.insert("group_type_index"_L1,
                    filter.groupTypeIndex.value_or(
                        choices.groupTypes.isEmpty() ? 0 : choices.groupTypes.first().first));
    }
    switch (to) {
    case PropertyType::Person:
    case PropertyType::Group:
    case PropertyType::Other:
        // Person and group properties share operators and values: only the owner changes.
        if (!isPropertyLike(from)) {
            json.insert("key"_L1, QString());
            json.insert("operator"_L1, u"exact"_s);
            json.remove("value"_L1);
        }
        break;
    case PropertyType::Cohort:
        json.insert("key"_L1, u"id"_s);
        json.insert("operator"_L1, u"in"_s);
        json.remove("value"_L1);
        break;
    case PropertyType::Flag:
        json.insert("key"_L1, QString());
        json.insert("operator"_L1, u"flag_evaluates_to"_s);
        json.insert("value"_L1, true);
        break;
    }
    filter = PropertyFilter::fromJson(json);
    refresh();
    edited();
}

void PropertyFilterEditor::Private::operatorChosen()
{
    const QString name = op->currentData().toString();
    if (name == operatorShown())
        return;
    const ValueKind from = kind();
    filter.op = name;
    filter.value = convertValue(filter.value, from, kind(), name);
    refresh();
    edited();
}

void PropertyFilterEditor::Private::fillType()
{
    type->clear();
    type->addItem(PropertyFilterEditor::tr("Person property"), u"person"_s);
    type->addItem(PropertyFilterEditor::tr("Group property"), u"group"_s);
    type->addItem(PropertyFilterEditor::tr("Cohort"), u"cohort"_s);
    type->addItem(PropertyFilterEditor::tr("Flag"), u"flag"_s);
    const QString shown = filter.type.isEmpty() ? u"person"_s : filter.type;
    int index = type->findData(shown);
    if (index < 0) {
        // A type the form does not know ("behavioral") is shown as written and kept.
        type->addItem(shown, shown);
        index = type->count() - 1;
    }
    type->setCurrentIndex(index);
}

void PropertyFilterEditor::Private::fillGroupType()
{
    groupType->clear();
    for (const auto &[index, name] : choices.groupTypes)
        groupType->addItem(name, index);
    if (!filter.groupTypeIndex) {
        groupType->setCurrentIndex(-1);
        return;
    }
    int index = groupType->findData(*filter.groupTypeIndex);
    if (index < 0) {
        groupType->addItem(PropertyFilterEditor::tr("Group type %1").arg(*filter.groupTypeIndex),
                           *filter.groupTypeIndex);
        index = groupType->count() - 1;
    }
    groupType->setCurrentIndex(index);
}

void PropertyFilterEditor::Private::fillKey()
{
    key->clear();
    if (propertyType() == PropertyType::Group)
        key->addItems(choices.groupPropertyKeys.value(filter.groupTypeIndex.value_or(-1)));
    else
        key->addItems(choices.personPropertyKeys);
    key->setEditText(filter.key);
}

void PropertyFilterEditor::Private::fillFlag()
{
    flag->clear();
    for (const auto &choice : choices.flags)
        flag->addItem(choice.key, QString::number(choice.id));
    if (filter.key.isEmpty()) {
        flag->setCurrentIndex(-1);
        return;
    }
    const auto *choice = chosenFlag();
    int index = choice ? flag->findData(QString::number(choice->id)) : -1;
    if (index < 0) {
        // A flag the project list does not have is still named, and kept as written.
        flag->addItem(PropertyFilterEditor::tr("Flag %1").arg(filter.key), filter.key);
        index = flag->count() - 1;
    } else if (flag->itemData(index).toString() != filter.key) {
        // Named by key: picking it again must not rewrite the key to the id unasked.
        flag->setItemData(index, filter.key);
    }
    flag->setCurrentIndex(index);
}

void PropertyFilterEditor::Private::fillOperator()
{
    op->clear();
    for (Operator candidate : operatorsForType(propertyType()))
        op->addItem(models::operatorLabel(candidate), operatorName(candidate));
    const QString shown = operatorShown();
    int index = op->findData(shown);
    if (index < 0) {
        op->addItem(models::operatorLabel(operatorFromName(shown)).isEmpty()
                        ? shown
                        : models::operatorLabel(operatorFromName(shown)),
                    shown);
        index = op->count() - 1;
    }
    op->setCurrentIndex(index);
    op->setEnabled(op->count() > 1);
}

void PropertyFilterEditor::Private::refresh()
{
    const QScopedValueRollback guard(updating, true);
    const PropertyType t = propertyType();
    fillType();
    groupType->setVisible(t == PropertyType::Group);
    fillGroupType();
    key->setVisible(isPropertyLike(t));
    fillKey();
    flag->setVisible(t == PropertyType::Flag);
    cohortSubject->setVisible(t == PropertyType::Cohort);
    fillFlag();
    fillOperator();
    const auto *choice = t == PropertyType::Flag ? chosenFlag() : nullptr;
    value->setCohorts(choices.cohorts);
    value->setFlagVariants(choice ? choice->variants : QStringList());
    value->showValue(kind(), operatorFromName(operatorShown()), filter.value);
    showError();
}

void PropertyFilterEditor::Private::showError()
{
    const QString problem = value->problem();
    const QString text = problem.isEmpty() ? error : problem;
    errorLabel->setText(text);
    errorLabel->setVisible(!text.isEmpty());
}

PropertyFilterEditor::PropertyFilterEditor(QWidget *parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->filter.type = u"person"_s;
    d->filter.op = u"exact"_s;
    d->build();
    d->refresh();
}

PropertyFilterEditor::~PropertyFilterEditor() = default;

void PropertyFilterEditor::setChoices(const PropertyFilterChoices &choices)
{
    d->choices = choices;
    d->refresh();
}

void PropertyFilterEditor::setFilter(const PropertyFilter &filter)
{
    d->filter = filter;
    d->refresh();
}

PropertyFilter PropertyFilterEditor::filter() const
{
    return d->filter;
}

void PropertyFilterEditor::setError(const QString &message)
{
    d->error = message;
    d->showError();
}

void PropertyFilterEditor::focusPart(const QString &attribute)
{
    QWidget *part = nullptr;
    if (attribute == "operator"_L1)
        part = d->op;
    else if (attribute == "value"_L1)
        part = d->value;
    else if (attribute == "type"_L1)
        part = d->type;
    else if (d->propertyType() == PropertyType::Flag)
        part = d->flag;
    else if (d->propertyType() == PropertyType::Cohort)
        part = d->value;
    else
        part = d->key;
    if (!part || !part->isVisible() || !part->isEnabled())
        part = d->key->isVisible() ? static_cast<QWidget *>(d->key) : d->type;
    part->setFocus(Qt::OtherFocusReason);
}

} // namespace bunting::views
