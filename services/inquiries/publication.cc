#include "services/inquiries/publication.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api.h"
#include "common/common_words.h"
#include "common/status.h"
#include "common/types.h"
#include "services/inquiries/inquiry_record.h"
#include "services/inquiries/inquiry_rules.h"
#include "services/inquiries/words.h"

namespace mobility::inquiries {
namespace {

constexpr int kMaxQueryChars = 200;

absl::Status PublishedNotFound(const std::string& name) {
  return Error(absl::StatusCode::kNotFound, "PUBLISHED_QUESTION_NOT_FOUND",
               absl::StrCat("no published question ", name),
               Text(words::PUBLISHED_QUESTION_NOT_FOUND));
}

// The public sees the Q&A, not which appeal it came from or who published
// it: those are the office's.
void ShowTo(bool staff, v1::PublishedQuestion& q) {
  if (staff) return;
  q.clear_inquiry();
  q.clear_published_by();
}

}  // namespace

absl::StatusOr<v1::PublishedQuestion> Publication::PublishQuestion(
    const v1::PublishQuestionRequest& request, const CallContext& call) {
  auto inquiry_id =
      ParseResourceName("inquiry", request.inquiry(), "inquiries");
  if (!inquiry_id.ok()) return inquiry_id.status();
  v1::PublishedQuestion question = request.published_question();
  Violations violations;
  auto require = [&](const std::string& field, const std::string& value,
                     int max) {
    if (absl::StripAsciiWhitespace(value).empty() || CharCount(value) > max) {
      violations.Add(field, Text(words::PUBLISHED_TEXT, {{"max", max}}));
    }
  };
  auto require_texts = [&](const std::string& at, const auto& texts) {
    require(at + "title", texts.title(), kMaxSubjectChars);
    require(at + "question", texts.question(), kMaxTextChars);
    require(at + "answer", texts.answer(), kMaxTextChars);
  };
  require_texts("published_question.", question);
  if (!IsSupportedLanguage(question.language()))
    violations.Add("published_question.language",
                   Text(common_words::PAGE_LANGUAGE));
  for (const auto& [language, texts] : question.translations()) {
    const std::string at =
        absl::StrCat("published_question.translations[", language, "]");
    if (!IsSupportedLanguage(language) || language == question.language()) {
      violations.Add(at, Text(words::TRANSLATION_LANGUAGE));
      continue;
    }
    require_texts(at + ".", texts);
  }
  if (auto s = violations.ToStatus("INVALID_PUBLISHED_QUESTION"); !s.ok())
    return s;
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        MOBILITY_ASSIGN_OR_RETURN(
            auto inquiry, store.GetInquiry(*inquiry_id, /*for_update=*/true));
        if (!inquiry || !SeesOffice(call.principal, inquiry->office()))
          return InquiryNotFound(request.inquiry());
        if (inquiry->state() != v1::Inquiry::ANSWERED &&
            inquiry->state() != v1::Inquiry::CLOSED) {
          return Error(absl::StatusCode::kFailedPrecondition, "INQUIRY_STATE",
                       Text(words::ONLY_ANSWERED_PUBLISHED));
        }
        if (!inquiry->consent_to_publication() ||
            inquiry->has_anonymise_time()) {
          return Error(absl::StatusCode::kFailedPrecondition,
                       "NO_CONSENT_TO_PUBLICATION",
                       Text(words::NO_CONSENT_TO_PUBLICATION));
        }
        const absl::Time now = settings_->Now();
        const std::string id = NewResourceId();
        question.set_name(absl::StrCat("publishedQuestions/", id));
        question.set_inquiry(request.inquiry());
        question.set_published_by(call.principal.subject);
        *question.mutable_publish_time() = ToTimestamp(now);
        MOBILITY_ASSIGN_OR_RETURN(
            const bool inserted,
            store.InsertPublished(id, *inquiry_id, question));
        if (!inserted) {
          return Error(absl::StatusCode::kAlreadyExists, "ALREADY_PUBLISHED",
                       absl::StrCat(request.inquiry(), " is published"),
                       Text(words::ALREADY_PUBLISHED));
        }
        MOBILITY_RETURN_IF_ERROR(AppendHistory(store, *inquiry, now,
                                               call.principal.subject,
                                               "published", question.name()));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return question;
}

void Publication::GetPublishedQuestion(
    const v1::GetPublishedQuestionRequest& request, const CallContext& call,
    Then<v1::PublishedQuestion> reply) {
  auto id = ParseResourceName("name", request.name(), "publishedQuestions");
  if (!id.ok()) return reply(id.status());
  const bool staff = IsInquiryStaff(call.principal, settings_->institution);
  reads_->GetPublished(
      call.limit, *id,
      [name = request.name(), staff, reply = std::move(reply)](
          absl::StatusOr<std::optional<v1::PublishedQuestion>> q) {
        if (!q.ok()) return reply(q.status());
        if (!*q) return reply(PublishedNotFound(name));
        ShowTo(staff, **q);
        reply(**std::move(q));
      });
}

void Publication::ListPublishedQuestions(
    const v1::ListPublishedQuestionsRequest& request, const CallContext& call,
    Then<v1::ListPublishedQuestionsResponse> reply) {
  auto page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return reply(page_size.status());
  if (CharCount(request.query()) > kMaxQueryChars) {
    return reply(InvalidField(
        "query", Text(words::QUERY_TOO_LONG,
                      {{"max", static_cast<int64_t>(kMaxQueryChars)}})));
  }
  const std::string query =
      std::string(absl::StripAsciiWhitespace(request.query()));
  std::string fingerprint = absl::StrCat("published|", query);
  auto after = DecodePageToken(request.page_token(), fingerprint);
  if (!after.ok()) return reply(after.status());
  const bool staff = IsInquiryStaff(call.principal, settings_->institution);
  // One row more than the page tells whether another page follows.
  reads_->ListPublished(
      call.limit, query, *after, *page_size + 1,
      [page_size = *page_size, fingerprint = std::move(fingerprint), staff,
       reply = std::move(reply)](
          absl::StatusOr<std::vector<v1::PublishedQuestion>> rows) {
        if (!rows.ok()) return reply(rows.status());
        v1::ListPublishedQuestionsResponse out;
        out.set_next_page_token(TakePage(
            *rows, page_size, fingerprint,
            [&](v1::PublishedQuestion q) {
              ShowTo(staff, q);
              *out.add_published_questions() = std::move(q);
            },
            [](const v1::PublishedQuestion& q) {
              return absl::StrCat(ToMicros(q.publish_time()), "/",
                                  ResourceIdOf(q.name()));
            }));
        reply(std::move(out));
      });
}

absl::StatusOr<google::protobuf::Empty> Publication::DeletePublishedQuestion(
    const v1::DeletePublishedQuestionRequest& request,
    const CallContext& call) {
  auto id = ParseResourceName("name", request.name(), "publishedQuestions");
  if (!id.ok()) return id.status();
  absl::Status status =
      store_->Transact(call.limit, [&](InquiriesStore& store) -> absl::Status {
        // Published questions are public: one from another office's appeal
        // is refused, not hidden.
        MOBILITY_ASSIGN_OR_RETURN(const auto question, store.GetPublished(*id));
        if (!question) return PublishedNotFound(request.name());
        MOBILITY_ASSIGN_OR_RETURN(
            const auto inquiry,
            store.GetInquiry(ResourceIdOf(question->inquiry()), false));
        MOBILITY_RETURN_IF_ERROR(
            CheckOffice(call.principal, inquiry ? inquiry->office() : ""));
        MOBILITY_ASSIGN_OR_RETURN(const bool deleted,
                                  store.DeletePublished(*id));
        if (!deleted) return PublishedNotFound(request.name());
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return google::protobuf::Empty();
}

}  // namespace mobility::inquiries
