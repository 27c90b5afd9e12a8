#include "services/ewp/xml_dom.h"

#include <libxml/parser.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"

namespace mobility::ewp {

absl::StatusOr<XmlDocument> ParseXml(absl::string_view xml,
                                     absl::string_view what) {
  // No network, no external entities or DTD loading: a partner's document is
  // data. libxml2 expands no entities unless XML_PARSE_NOENT is given.
  XmlDocument doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "ewp.xml",
                    nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  if (!doc || xmlDocGetRootElement(doc.get()) == nullptr) {
    return Error(absl::StatusCode::kInvalidArgument, "MALFORMED_XML",
                 absl::StrCat("the ", what, " is not well-formed XML"));
  }
  return doc;
}

absl::string_view LocalName(const xmlNode* node) {
  return node == nullptr || node->name == nullptr
             ? absl::string_view()
             : absl::string_view(reinterpret_cast<const char*>(node->name));
}

bool IsElement(const xmlNode* node) {
  return node != nullptr && node->type == XML_ELEMENT_NODE;
}

std::vector<xmlNode*> Children(xmlNode* node, absl::string_view name) {
  std::vector<xmlNode*> out;
  if (node == nullptr) return out;
  for (xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (IsElement(c) && (name.empty() || LocalName(c) == name))
      out.push_back(c);
  }
  return out;
}

xmlNode* Child(xmlNode* node, absl::string_view name) {
  for (xmlNode* c = node == nullptr ? nullptr : node->children; c != nullptr;
       c = c->next) {
    if (IsElement(c) && LocalName(c) == name) return c;
  }
  return nullptr;
}

std::string StringValue(const xmlNode* node) {
  if (node == nullptr) return "";
  xmlChar* content = xmlNodeGetContent(node);
  std::string out = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return out;
}

std::optional<std::string> Attribute(const xmlNode* node,
                                     absl::string_view name) {
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    if (LocalName(reinterpret_cast<const xmlNode*>(a)) == name)
      return StringValue(reinterpret_cast<const xmlNode*>(a));
  }
  return std::nullopt;
}

void Elements(xmlNode* node, const std::function<void(xmlNode*)>& visit) {
  for (xmlNode* c = node; c != nullptr; c = c->next) {
    if (!IsElement(c)) continue;
    visit(c);
    Elements(c->children, visit);
  }
}

std::string XmlEscaped(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

}  // namespace mobility::ewp
