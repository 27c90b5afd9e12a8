#include "services/ewp/iia_hash.h"

#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "services/ewp/xml_dom.h"

namespace mobility::ewp {
namespace {

// The steps below follow transform_version_7.xsl template by template; the
// XPath each mirrors is quoted beside it.

bool IsTrue(const std::optional<std::string>& value) {
  return value && (*value == "true" || *value == "1");
}

// ewp:dumpElement: "_name=value_", an ISCED code by its v6-value when it has
// one (func:iscedPatch); an absent element gives "_name=_".
std::string DumpElement(const xmlNode* element, absl::string_view name) {
  std::string value = StringValue(element);
  if (element != nullptr && LocalName(element) == "isced-f-code") {
    if (auto v6 = Attribute(element, "v6-value"); v6 && !v6->empty())
      value = *v6;
  }
  return absl::StrCat("_", name, "=", value, "_");
}

// local-name() of the ancestor `up` levels above `node` ('' past the root).
absl::string_view NameAbove(const xmlNode* node, int up) {
  for (; up > 0 && node != nullptr; --up) node = node->parent;
  return IsElement(node) ? LocalName(node) : absl::string_view();
}

bool HasAncestorNamed(const xmlNode* node, absl::string_view name) {
  for (const xmlNode* a = node->parent; IsElement(a); a = a->parent) {
    if (LocalName(a) == name) return true;
  }
  return false;
}

// ancestor-or-self::*[@not-yet-defined='true' or @not-yet-defined='1']
bool NotYetDefined(const xmlNode* node) {
  for (const xmlNode* a = node; IsElement(a); a = a->parent) {
    if (IsTrue(Attribute(a, "not-yet-defined"))) return true;
  }
  return false;
}

// The text of one mobility specification (cooperation-conditions/*): every
// element inside it but the contacts' insides and the academic years, unless
// not yet defined: its attributes, then its value when it is a leaf; then
// the first and last academic years.
std::string DumpMobility(xmlNode* mobility, IiaCondition& condition) {
  std::string out;
  condition.kind = std::string(LocalName(mobility));
  Elements(mobility->children, [&](xmlNode* e) {
    if (HasAncestorNamed(e, "sending-contact") ||
        HasAncestorNamed(e, "receiving-contact") ||
        LocalName(e) == "receiving-first-academic-year-id" ||
        LocalName(e) == "receiving-last-academic-year-id" || NotYetDefined(e)) {
      return;
    }
    // @* except @not-yet-defined except @v6-value, named
    // grandparent.parent.element.attribute.
    for (xmlAttr* a = e->properties; a != nullptr; a = a->next) {
      const absl::string_view name =
          LocalName(reinterpret_cast<const xmlNode*>(a));
      if (name == "not-yet-defined" || name == "v6-value") continue;
      absl::StrAppend(&out, "_@", NameAbove(e, 2), ".", NameAbove(e, 1), ".",
                      LocalName(e), ".", name, "=",
                      StringValue(reinterpret_cast<const xmlNode*>(a)), "@_");
    }
    if (Children(e).empty()) {
      const std::string value = StringValue(e);
      if (LocalName(e) == "sending-hei-id" && NameAbove(e, 1) == condition.kind)
        condition.sending_hei = value;
      if (LocalName(e) == "receiving-hei-id" &&
          NameAbove(e, 1) == condition.kind)
        condition.receiving_hei = value;
      condition.fields.emplace_back(
          NameAbove(e, 1) == condition.kind
              ? std::string(LocalName(e))
              : absl::StrCat(NameAbove(e, 1), ".", LocalName(e)),
          value);
      out += DumpElement(e, absl::StrCat(NameAbove(e, 2), ".", NameAbove(e, 1),
                                         ".", LocalName(e)));
    }
  });
  for (const char* year : {"receiving-first-academic-year-id",
                           "receiving-last-academic-year-id"}) {
    const auto found = Children(mobility, year);
    out += DumpElement(found.empty() ? nullptr : found.front(), year);
    condition.fields.emplace_back(
        year, found.empty() ? "" : StringValue(found.front()));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<IiaHash>> HashIias(absl::string_view xml) {
  auto doc = ParseXml(xml, "IIA document");
  if (!doc.ok()) return doc.status();
  xmlNode* root = xmlDocGetRootElement(doc->get());
  // Over the whole document, as the XSLT reads them with //.
  bool terminated = false;
  bool incomplete = false;
  std::vector<xmlNode*> iias;
  Elements(root, [&](xmlNode* e) {
    if (LocalName(e) == "cooperation-conditions" &&
        IsTrue(Attribute(e, "terminated-as-a-whole"))) {
      terminated = true;
    }
    const auto v6 = Attribute(e, "v6-value");
    if (IsTrue(Attribute(e, "not-yet-defined")) || (v6 && !v6->empty()))
      incomplete = true;
    if (LocalName(e) == "iia") iias.push_back(e);
  });
  std::vector<IiaHash> out;
  for (xmlNode* iia : iias) {
    IiaHash& hash = out.emplace_back();
    const auto partners = Children(iia, "partner");
    if (!partners.empty()) {
      const auto ids = Children(partners.front(), "iia-id");
      if (!ids.empty()) hash.iia_id = StringValue(ids.front());
    }
    std::string& text = hash.text_to_hash;
    if (terminated) text += "_@terminated-as-a-whole@_";
    for (size_t i = 0; i < partners.size(); ++i) {
      const auto ids = Children(partners[i], "iia-id");
      hash.partners.emplace_back(StringValue(Child(partners[i], "hei-id")),
                                 StringValue(Child(partners[i], "iia-id")));
      text += DumpElement(ids.empty() ? nullptr : ids.front(),
                          absl::StrCat("iia-id_", i + 1));
    }
    for (xmlNode* conditions : Children(iia, "cooperation-conditions")) {
      for (xmlNode* mobility : Children(conditions)) {
        text += DumpMobility(mobility, hash.conditions.emplace_back());
      }
    }
    hash.iia_hash = Sha256Hex(text);
    hash.valid_for_approval = !incomplete;
  }
  return out;
}

}  // namespace mobility::ewp
