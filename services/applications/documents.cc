#include "services/applications/documents.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "services/applications/application_rules.h"
#include "services/applications/applications.h"
#include "services/applications/words.h"

namespace mobility::applications {
namespace {

constexpr size_t kMaxFileName = 200;
constexpr size_t kMaxDocumentType = 100;

// "applications/{a}/documents/{d}" -> {a, d}; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::pair<std::string, std::string>> ParseDocumentName(
    const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[2] != "documents" ||
      !ParseResourceName("", absl::StrCat(parts[0], "/", parts[1]),
                         "applications")
           .ok() ||
      !ParseResourceName("", absl::StrCat("documents/", parts[3]), "documents")
           .ok()) {
    return InvalidField("name", Text(words::DOCUMENT_NAME));
  }
  return std::make_pair(parts[1], parts[3]);
}

}  // namespace

absl::StatusOr<v1::Document> Documents::CreateDocument(
    const v1::CreateDocumentRequest& request, const CallContext& call) {
  auto parent = ParseResourceName("parent", request.parent(), "applications");
  if (!parent.ok()) return parent.status();
  const v1::Document& d = request.document();
  Violations v;
  if (d.file_name().empty() ||
      CharCount(d.file_name()) > static_cast<int>(kMaxFileName)) {
    v.Add(
        "document.file_name",
        Text(words::FILE_NAME, {{"max", static_cast<int64_t>(kMaxFileName)}}));
  }
  if (d.document_type().empty() ||
      CharCount(d.document_type()) > static_cast<int>(kMaxDocumentType)) {
    v.Add("document.document_type",
          Text(words::DOCUMENT_TYPE,
               {{"max", static_cast<int64_t>(kMaxDocumentType)}}));
  }
  const std::optional<std::string> media_type = DetectMediaType(d.content());
  if (d.content().empty() ||
      static_cast<int64_t>(d.content().size()) > kMaxDocumentBytes) {
    v.Add("document.content",
          Text(words::DOCUMENT_SIZE,
               {{"bytes", static_cast<int64_t>(d.content().size())}}));
  } else if (!media_type.has_value()) {
    v.Add("document.content", Text(words::DOCUMENT_FORMAT));
  } else if (auto claimed = MediaTypeOfName(d.file_name());
             claimed.has_value() && *claimed != *media_type) {
    v.Add("document.file_name",
          Text(words::DOCUMENT_NAME_MISMATCH,
               {{"claimed", *claimed}, {"actual", *media_type}}));
  }
  if (!ValidateRequestId("request_id", request.request_id()).ok()) {
    v.Add("request_id", Text(common_words::REQUEST_ID));
  }
  if (!v.empty()) return v.ToStatus("INVALID_DOCUMENT");
  v1::Document created;
  absl::Status status = store_->Transact(call.limit, [&](ApplicationsStore&
                                                             store) {
    return RunIdempotent(
        store, "CreateDocument", call.principal, request.request_id(), request,
        &created, [&]() -> absl::Status {
          auto read = ReadApplication(store, *parent, call.principal,
                                      /*for_update=*/true, Reader::kOwner);
          if (!read.ok()) return read.status();
          if (auto s = CheckState(read->application, {v1::Application::DRAFT});
              !s.ok())
            return s;
          // The application's row is locked: its documents are counted
          // once at a time.
          MOBILITY_ASSIGN_OR_RETURN(const auto usage,
                                    store.CountDocuments(*parent));
          Violations full;
          if (usage.count >= kMaxDocumentsPerApplication) {
            full.Add("parent",
                     Text(words::DOCUMENT_COUNT,
                          {{"count", static_cast<int64_t>(usage.count)}}));
          } else if (usage.bytes + static_cast<int64_t>(d.content().size()) >
                     kMaxDocumentBytesPerApplication) {
            full.Add("document.content",
                     Text(words::DOCUMENT_BYTES,
                          {{"bytes", static_cast<int64_t>(usage.bytes)}}));
          }
          if (auto s = full.ToStatus("DOCUMENT_LIMIT",
                                     absl::StatusCode::kResourceExhausted);
              !s.ok())
            return s;
          const std::string id = NewResourceId();
          created = d;
          created.set_name(absl::StrCat(request.parent(), "/documents/", id));
          created.set_media_type(*media_type);
          created.set_size_bytes(static_cast<int64_t>(d.content().size()));
          created.set_sha256(Sha256Hex(d.content()));
          *created.mutable_create_time() = ToTimestamp(Now());
          MOBILITY_RETURN_IF_ERROR(store.InsertDocument(*parent, id, created));
          created.clear_content();  // The caller has it.
          return absl::OkStatus();
        });
  });
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<v1::ListDocumentsResponse> Documents::ListDocuments(
    const v1::ListDocumentsRequest& request, const CallContext& call) {
  auto parent = ParseResourceName("parent", request.parent(), "applications");
  if (!parent.ok()) return parent.status();
  return store_->ReadValue(
      call.limit,
      [&](ApplicationsStore& store)
          -> absl::StatusOr<v1::ListDocumentsResponse> {
        auto read = ReadApplication(store, *parent, call.principal, false);
        if (!read.ok()) return read.status();
        v1::ListDocumentsResponse response;
        MOBILITY_ASSIGN_OR_RETURN(auto documents, store.ListDocuments(*parent));
        for (auto& d : documents) *response.add_documents() = std::move(d);
        return response;
      });
}

absl::StatusOr<v1::Document> Documents::GetDocument(
    const v1::GetDocumentRequest& request, const CallContext& call) {
  auto ids = ParseDocumentName(request.name());
  if (!ids.ok()) return ids.status();
  return store_->ReadValue(
      call.limit,
      [&](ApplicationsStore& store) -> absl::StatusOr<v1::Document> {
        auto read = ReadApplication(store, ids->first, call.principal, false);
        if (!read.ok()) return read.status();
        return store.GetDocument(ids->first, ids->second);
      });
}

absl::StatusOr<google::protobuf::Empty> Documents::DeleteDocument(
    const v1::DeleteDocumentRequest& request, const CallContext& call) {
  auto ids = ParseDocumentName(request.name());
  if (!ids.ok()) return ids.status();
  absl::Status status = store_->Transact(
      call.limit, [&](ApplicationsStore& store) -> absl::Status {
        auto read = ReadApplication(store, ids->first, call.principal,
                                    /*for_update=*/true, Reader::kOwner);
        if (!read.ok()) return read.status();
        if (auto s = CheckState(read->application, {v1::Application::DRAFT});
            !s.ok())
          return s;
        MOBILITY_ASSIGN_OR_RETURN(
            const bool deleted, store.DeleteDocument(ids->first, ids->second));
        if (!deleted) {
          return Error(absl::StatusCode::kNotFound, "DOCUMENT_NOT_FOUND",
                       absl::StrCat("no document ", request.name()),
                       Text(words::DOCUMENT_NOT_FOUND));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

}  // namespace mobility::applications
