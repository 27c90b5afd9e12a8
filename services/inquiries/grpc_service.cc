#include "services/inquiries/grpc_service.h"

namespace mobility::inquiries {

// Who may call what: anyone, without an account, submits an appeal, tracks
// and replies to it with its number and code, reads the published Q&A and
// the offices and holidays; inquiry handlers (and admins) handle and publish;
// handlers ask the rector's office for an extension, which it alone grants or
// declines; admins keep the offices
// and the holiday table. The office's staff act for the institution the
// appeals are addressed to (--institution).
InquiriesGrpcService::InquiriesGrpcService(
    Database* db, Settings settings,
    std::shared_ptr<const RpcDispatcher> dispatcher)
    : RpcService(std::move(dispatcher)),
      settings_(std::move(settings)),
      db_(db),
      store_(db),
      reads_(db),
      calendars_(&db->changes(), kHolidayChanges),
      directory_(&store_, &settings_, &calendars_),
      registration_(&store_, &settings_),
      authors_(&store_, &settings_),
      handling_(&store_, &reads_, &settings_, &calendars_),
      publication_(&store_, &reads_, &settings_) {
  const std::set<Role> handlers = {Role::kInquiryHandler, Role::kAdmin};
  const std::set<Role> readers = {Role::kInquiryHandler, Role::kAdmin,
                                  Role::kRectorOffice};
  const std::set<Role> admins = {Role::kAdmin};
  HandlePublic("CreateInquiry", &registration_, &Registration::CreateInquiry);
  HandlePublic("TrackInquiry", &authors_, &Authors::TrackInquiry);
  HandlePublic("ReplyToInquiry", &authors_, &Authors::ReplyToInquiry);
  using H = Handling;
  HandleOffice("GetInquiry", readers, &handling_, &H::GetInquiry);
  HandleOffice("ListInquiries", readers, &handling_, &H::ListInquiries);
  HandleOffice("AssignInquiry", handlers, &handling_, &H::AssignInquiry);
  HandleOffice("StartInquiry", handlers, &handling_, &H::StartInquiry);
  HandleOffice("WaitForAuthor", handlers, &handling_, &H::WaitForAuthor);
  HandleOffice("AddMessage", handlers, &handling_, &H::AddMessage);
  HandleOffice("AnswerInquiry", handlers, &handling_, &H::AnswerInquiry);
  HandleOffice("ForwardInquiry", handlers, &handling_, &H::ForwardInquiry);
  HandleOffice("RequestExtension", handlers, &handling_, &H::RequestExtension);
  HandleOffice("ExtendInquiry", {Role::kRectorOffice}, &handling_,
               &H::ExtendInquiry);
  HandleOffice("DeclineExtension", {Role::kRectorOffice}, &handling_,
               &H::DeclineExtension);
  HandleOffice("CloseInquiry", handlers, &handling_, &H::CloseInquiry);
  HandleOffice("MarkAsReport", handlers, &handling_, &H::MarkAsReport);
  using P = Publication;
  HandleOffice("PublishQuestion", handlers, &publication_, &P::PublishQuestion);
  HandlePublic("GetPublishedQuestion", &publication_, &P::GetPublishedQuestion);
  HandlePublic("ListPublishedQuestions", &publication_,
               &P::ListPublishedQuestions);
  HandleOffice("DeletePublishedQuestion", handlers, &publication_,
               &P::DeletePublishedQuestion);
  using D = Directory;
  HandlePublic("ListOffices", &directory_, &D::ListOffices);
  HandleOffice("CreateOffice", admins, &directory_, &D::CreateOffice);
  HandleOffice("UpdateOffice", admins, &directory_, &D::UpdateOffice);
  HandlePublic("ListHolidays", &directory_, &D::ListHolidays);
  HandleOffice("SetHoliday", admins, &directory_, &D::SetHoliday);
  HandleOffice("DeleteHoliday", admins, &directory_, &D::DeleteHoliday);
}

void InquiriesGrpcService::SendNotices(SmtpSettings smtp) {
  sender_ =
      std::make_unique<OutboxSender>(db_, std::move(smtp), settings_.clock);
  sender_->Start();
}

}  // namespace mobility::inquiries
