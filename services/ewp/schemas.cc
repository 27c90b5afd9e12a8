#include "services/ewp/schemas.h"

#include <libxml/catalog.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "services/ewp/xml_dom.h"

namespace mobility::ewp {
namespace {

using Schema = std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)>;

// The first complaint libxml2 makes, kept for the refusal.
void KeepFirst(void* user, const xmlError* error) {
  auto* first = static_cast<std::string*>(user);
  if (first->empty() && error != nullptr && error->message != nullptr) {
    *first = std::string(absl::StripTrailingAsciiWhitespace(error->message));
  }
}

}  // namespace

struct Schemas::Loaded {
  Schema get{nullptr, &xmlSchemaFree};
  Schema approval{nullptr, &xmlSchemaFree};
};

Schemas::Schemas(std::unique_ptr<Loaded> loaded) : loaded_(std::move(loaded)) {}
Schemas::~Schemas() = default;

absl::StatusOr<std::unique_ptr<Schemas>> Schemas::Load(const std::string& dir) {
  // The schemas' imports resolve to the copies beside them, never the
  // network.
  static std::once_flag once;
  std::call_once(once, [&] {
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    xmlLoadCatalog((dir + "/catalog.xml").c_str());
  });
  auto loaded = std::make_unique<Loaded>();
  for (auto [schema, file] :
       {std::pair{&loaded->get,
                  "ewp-specs-api-iias/endpoints/get-response.xsd"},
        std::pair{&loaded->approval,
                  "ewp-specs-api-iias-approval/response.xsd"}}) {
    const std::string path = absl::StrCat(dir, "/", file);
    std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)>
        parser(xmlSchemaNewParserCtxt(path.c_str()), &xmlSchemaFreeParserCtxt);
    std::string error;
    xmlSchemaSetParserStructuredErrors(
        parser.get(), [](void* user, xmlErrorPtr e) { KeepFirst(user, e); },
        &error);
    schema->reset(parser ? xmlSchemaParse(parser.get()) : nullptr);
    if (*schema == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot load the schema ", path, ": ", error));
    }
  }
  return std::unique_ptr<Schemas>(new Schemas(std::move(loaded)));
}

absl::Status Schemas::Validate(const std::string& xml,
                               PartnerDocument kind) const {
  MOBILITY_ASSIGN_OR_RETURN(XmlDocument doc, ParseXml(xml, "partner's answer"));
  absl::MutexLock lock(&mu_);
  xmlSchema* schema = kind == PartnerDocument::kIiasGetResponse
                          ? loaded_->get.get()
                          : loaded_->approval.get();
  std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)>
      validator(xmlSchemaNewValidCtxt(schema), &xmlSchemaFreeValidCtxt);
  std::string error;
  xmlSchemaSetValidStructuredErrors(
      validator.get(), [](void* user, xmlErrorPtr e) { KeepFirst(user, e); },
      &error);
  if (xmlSchemaValidateDoc(validator.get(), doc.get()) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the partner's answer is not valid against ",
        kind == PartnerDocument::kIiasGetResponse ? "get-response.xsd"
                                                  : "the approval response.xsd",
        ": ", error));
  }
  return absl::OkStatus();
}

}  // namespace mobility::ewp
