// Reading the XML partners and the registry send us (libxml2): parsed as data
// only (no network, no DTD, no entity expansion) and walked by local names,
// the way the specifications' XPath examples read them.
#ifndef MOBILITY_SERVICES_EWP_XML_DOM_H_
#define MOBILITY_SERVICES_EWP_XML_DOM_H_

#include <libxml/tree.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace mobility::ewp {

using XmlDocument = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// INVALID_ARGUMENT MALFORMED_XML, naming `what`, unless `xml` is well-formed.
absl::StatusOr<XmlDocument> ParseXml(absl::string_view xml,
                                     absl::string_view what);

absl::string_view LocalName(const xmlNode* node);
bool IsElement(const xmlNode* node);
// The child elements of `node` (none of nullptr), those named `name` when
// it is given.
std::vector<xmlNode*> Children(xmlNode* node, absl::string_view name = {});
// The first child element named `name`, nullptr when none.
xmlNode* Child(xmlNode* node, absl::string_view name);
// The string value of a node: its text, and its descendants' in order.
std::string StringValue(const xmlNode* node);
// The attribute `name` (no namespace), nullopt when absent.
std::optional<std::string> Attribute(const xmlNode* node,
                                     absl::string_view name);
// Visits `node`, its following siblings and all their descendant elements,
// in document order (XPath's // and .//*).
void Elements(xmlNode* node, const std::function<void(xmlNode*)>& visit);

// `text` with &, <, > and " escaped, for element text and attribute values.
std::string XmlEscaped(absl::string_view text);

}  // namespace mobility::ewp

#endif  // MOBILITY_SERVICES_EWP_XML_DOM_H_
